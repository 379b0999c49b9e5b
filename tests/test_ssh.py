"""SSH access end to end: a real sshd, real keys, the TUI in a real terminal (tmux).

The test starts its own sshd on 127.0.0.1 (a free high port, a host key generated here,
a config in a temporary directory) that accepts keys only as `jixiao ssh authorized-keys`
gives them: through sshd's AuthorizedKeysCommand when this installation's path is one
sshd accepts for it (owned by root or the current user, nowhere group- or world-
writable), else through an authorized_keys file written from the same command. Clients
log in with a clerk's key under a pseudo-terminal kept by tmux, and the test reads the
screen and the ledger. Skipped, with the reason, where sshd, ssh or tmux is missing.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from domain import events as ev
from store import open_ledger
from tests.conftest import jixiao
from tests.stored import stored_events

SSHD = shutil.which("sshd") or next((p for p in ("/usr/sbin/sshd", "/usr/local/sbin/sshd")
                                     if os.access(p, os.X_OK)), None)
PROGRAM = Path(sys.executable).parent / "jixiao"

pytestmark = [
    pytest.mark.skipif(SSHD is None, reason="OpenSSH server (sshd) is not installed"),
    pytest.mark.skipif(shutil.which("ssh") is None or shutil.which("ssh-keygen") is None,
                       reason="OpenSSH client (ssh, ssh-keygen) is not installed"),
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.skipif(not PROGRAM.exists(), reason="the jixiao command is not installed beside this Python"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _secure_for_sshd(path: Path) -> bool:
    """Whether sshd would run `path` as an AuthorizedKeysCommand (its safe_path rules)."""
    uid = os.getuid()
    current = path
    while True:
        st = current.stat()
        if st.st_uid not in (0, uid) or st.st_mode & 0o022:
            return False
        if current == current.parent:
            return True
        current = current.parent


def _keygen(path: Path, comment: str) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
                   check=True, capture_output=True)
    return path


@dataclass
class Server:
    root: Path
    db: str
    port: int
    user: str
    keys: dict[str, Path]
    mode: str  # "command" (AuthorizedKeysCommand) or "file"
    process: subprocess.Popen[bytes] | None = None
    sessions: list[str] = field(default_factory=list)

    @property
    def tmux(self) -> list[str]:
        conf = self.root / "tmux.conf"
        if not conf.exists():  # a pane whose program ended keeps its last screen, for diagnosis
            conf.write_text("set -g remain-on-exit on\nset -g history-limit 2000\n")
        return ["tmux", "-f", str(conf), "-S", str(self.root / "tmux.sock")]

    def ssh_args(self, key: str, *extra: str) -> list[str]:
        return ["ssh", "-F", "/dev/null", "-p", str(self.port), "-i", str(self.keys[key]),
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10",
                *extra, f"{self.user}@127.0.0.1"]

    def refresh_keys(self) -> None:
        """The authorized_keys file from the ledger (only needed without AuthorizedKeysCommand)."""
        if self.mode == "file":
            result = jixiao("ssh", "authorized-keys", db=self.db)
            assert result.returncode == 0, result.stderr
            (self.root / "authorized_keys").write_text(result.stdout)

    def open(self, key: str, *command: str) -> str:
        """A terminal (120x40) logged in with `key`; returns the tmux session name."""
        name = f"s{len(self.sessions)}"
        ssh = [*self.ssh_args(key, "-tt"), *command]
        subprocess.run([*self.tmux, "new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                        "-e", "TERM=xterm-256color", *ssh], check=True)
        self.sessions.append(name)
        return name

    def screen(self, session: str) -> str:
        result = subprocess.run([*self.tmux, "capture-pane", "-p", "-t", session],
                                capture_output=True, text=True)
        return result.stdout

    def wait_for(self, session: str, text: str, timeout: float = 40) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen(session)
            if text in screen:
                return screen
            time.sleep(0.3)
        raise AssertionError(f"{text!r} never appeared; the screen:\n{screen}\nsshd:\n{self.log()}")

    def keys_in(self, session: str, *keys: str, literal: bool = False, pause: float = 0.6) -> None:
        for key in keys:
            subprocess.run([*self.tmux, "send-keys", "-t", session, *(["-l"] if literal else []), key],
                           check=True)
            time.sleep(pause)

    def log(self) -> str:
        path = self.root / "sshd.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def _config(server: Server) -> str:
    lines = [
        f"Port {server.port}",
        "ListenAddress 127.0.0.1",
        f"HostKey {server.root / 'host_ed25519'}",
        f"PidFile {server.root / 'sshd.pid'}",
        "UsePAM no",
        "StrictModes no",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password",
        f"AllowUsers {server.user}",
        "AllowTcpForwarding no",
        "AllowAgentForwarding no",
        "AllowStreamLocalForwarding no",
        "X11Forwarding no",
        "PermitTunnel no",
        "PermitUserEnvironment no",
        "LogLevel VERBOSE",
    ]
    if server.mode == "command":
        lines += ["AuthorizedKeysFile none",
                  f"AuthorizedKeysCommand {PROGRAM} --db {server.db} ssh authorized-keys --fingerprint %f",
                  f"AuthorizedKeysCommandUser {server.user}"]
    else:
        lines += [f"AuthorizedKeysFile {server.root / 'authorized_keys'}"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    assert SSHD is not None
    if os.geteuid() == 0 and not Path("/run/sshd").is_dir():
        try:  # sshd, run as root, needs its privilege separation directory
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        except OSError as exc:
            pytest.skip(f"sshd needs /run/sshd: {exc}")
    root = tmp_path_factory.mktemp("ssh")
    db = str(root / "ledger" / "jixiao.db")
    assert jixiao("init", "--example", db=db).returncode == 0
    keys = {who: _keygen(root / f"{who}_key", f"{who}@laptop") for who in ("yijiepin", "liuyuqin")}
    for who, key in keys.items():
        added = jixiao("users", "add-key", who, f"{key}.pub", db=db)
        assert added.returncode == 0, added.stderr
    _keygen(root / "host_ed25519", "host")
    mode = "command" if _secure_for_sshd(PROGRAM) else "file"
    s = Server(root=root, db=db, port=_free_port(), user=pwd.getpwuid(os.getuid()).pw_name, keys=keys,
               mode=mode)
    s.refresh_keys()
    (root / "sshd_config").write_text(_config(s))
    check = subprocess.run([SSHD, "-t", "-f", str(root / "sshd_config")], capture_output=True, text=True)
    if check.returncode != 0:
        pytest.skip(f"sshd refuses the test configuration: {check.stderr.strip()}")
    with open(root / "sshd.log", "wb") as log:
        s.process = subprocess.Popen([SSHD, "-f", str(root / "sshd_config"), "-D", "-e"],
                                     stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", s.port), timeout=1).close()
                break
            except OSError:
                if s.process.poll() is not None or time.monotonic() > deadline:
                    pytest.skip(f"sshd did not start: {s.log()}")
                time.sleep(0.1)
        yield s
    finally:
        subprocess.run([*s.tmux, "kill-server"], capture_output=True)
        os.kill(s.process.pid, signal.SIGTERM)  # the sshd this fixture started, by its pid
        try:
            s.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(s.process.pid, signal.SIGKILL)
            s.process.wait(timeout=10)


def _events_after(db: str, top: int) -> list[ev.Event]:
    with open_ledger(db, create=False) as ledger:
        return [e for _, _, e in stored_events(ledger, top)]


def _top(db: str) -> int:
    with open_ledger(db, create=False) as ledger:
        return ledger.max_position()


def _until(check: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.3)


# -- the tests (module order matters: the last one revokes a key) -------------------------
def test_the_authorized_keys_lines_force_each_users_own_session(server: Server) -> None:
    result = jixiao("ssh", "authorized-keys", db=server.db)
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    for line, who in zip(lines, ("liuyuqin", "yijiepin"), strict=True):
        assert line.startswith(f'restrict,pty,command="{PROGRAM} --db {server.db} tui --as {who} --ssh" ssh-ed25519 ')
        assert line.endswith(f" jixiao:{who}")


def test_a_clerk_records_progress_over_ssh_and_the_event_names_her(server: Server) -> None:
    top = _top(server.db)
    session = server.open("yijiepin")
    server.wait_for(session, "易婕频（yijiepin）")
    server.wait_for(session, "链条完整")  # the standings show the log's verification
    # 录入 (5): the form opens with its first field, the indicator, focused; Tab reaches the period, ...
    server.keys_in(session, "5")
    server.wait_for(session, "累计完成")
    server.keys_in(session, "Enter")
    server.wait_for(session, "K04.3")  # the indicator list is open
    server.keys_in(session, "K04.2", literal=True)
    server.keys_in(session, "Enter")
    server.wait_for(session, "K04.2 新型研发机构建设")
    server.keys_in(session, "Tab", "Enter")
    server.wait_for(session, "2021Q4")  # the period list is open
    server.keys_in(session, "2021Q3", literal=True)
    server.keys_in(session, "Enter", "Tab")
    server.keys_in(session, "60", literal=True)
    server.keys_in(session, "Tab")
    server.keys_in(session, "远程录入：完成申报材料初审", literal=True)
    server.wait_for(session, "可以提交")
    server.keys_in(session, "C-s")
    _until(lambda: len(_events_after(server.db, top)) == 1)
    (event,) = _events_after(server.db, top)
    assert isinstance(event, ev.ProgressReported)
    assert (event.actor, event.role, event.source) == ("yijiepin", "clerk", "tui")
    assert (event.indicator_id, event.period, event.percent, event.done) == (
        "K04.2", "2021Q3", 60, "远程录入：完成申报材料初审")
    server.wait_for(session, f"#{top + 1}")
    server.keys_in(session, "q")


def test_a_second_key_is_another_user(server: Server) -> None:
    session = server.open("liuyuqin")
    screen = server.wait_for(session, "刘钰钦（liuyuqin）")
    assert "yijiepin" not in screen.splitlines()[0]
    server.keys_in(session, "q")


def test_a_command_sent_by_the_client_off_the_list_is_refused(server: Server) -> None:
    result = subprocess.run([*server.ssh_args("yijiepin", "-T"), "jixiao --as admin tui; echo escaped"],
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 1 and "只能运行只读" in result.stderr
    assert "escaped" not in result.stdout
    # without a terminal the same request gets the refusal, never a shell
    result = subprocess.run([*server.ssh_args("yijiepin", "-T"), "cat /etc/passwd; echo escaped"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "escaped" not in result.stdout and "root:" not in result.stdout


def test_the_export_dialog_cannot_reach_the_ledgers_files(server: Server) -> None:
    """The attack: type the ledger's own path into the export dialog. Over SSH the dialog
    takes a plain file name only, and writes into the person's export folder."""
    top = _top(server.db)
    session = server.open("yijiepin")
    server.wait_for(session, "易婕频（yijiepin）")
    server.keys_in(session, "6")
    server.wait_for(session, "季度报表")
    server.keys_in(session, "x")
    screen = server.wait_for(session, "jixiao-")  # the proposed name, without any folder
    assert "/" not in screen.split("jixiao-")[0].splitlines()[-1]
    server.keys_in(session, "Tab")  # from the format to the file name
    for attempt in (server.db, "../jixiao.db", server.db + ".audit.db"):
        server.keys_in(session, "C-u")
        server.keys_in(session, attempt, literal=True)
        server.keys_in(session, "Enter")
        server.wait_for(session, "只能给出文件名")
    server.keys_in(session, "C-u")
    server.keys_in(session, "q3.xlsx", literal=True)
    server.keys_in(session, "Enter")
    exported = Path(server.db).parent / "exports" / "yijiepin" / "q3.xlsx"
    _until(exported.exists)
    server.keys_in(session, "q")
    assert exported.read_bytes()[:2] == b"PK"
    assert Path(server.db).read_bytes()[:15] == b"SQLite format 3"
    assert _top(server.db) == top
    verified = jixiao("verify", db=server.db)
    assert verified.returncode == 0 and "intact" in verified.stdout, verified.stderr


def _remote(server: Server, *command: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*server.ssh_args("yijiepin", "-T"), " " + shlex.join(command)], capture_output=True,
                          timeout=60, stdin=subprocess.DEVNULL)


def test_allow_listed_commands_stream_to_the_client(server: Server) -> None:
    top = _top(server.db)
    standings = _remote(server, "report", "standings", "--format", "json")
    assert standings.returncode == 0, standings.stderr.decode()
    assert standings.stdout.lstrip().startswith(b"{")
    workbook = _remote(server, "report", "quarterly", "--section", "center", "--period", "Q3", "--format", "xlsx")
    assert workbook.returncode == 0, workbook.stderr.decode()
    assert workbook.stdout[:2] == b"PK"
    document = _remote(server, "jixiao", "report", "self-inspection", "--format", "md")
    assert document.returncode == 0 and "自查" in document.stdout.decode()
    verified = _remote(server, "verify")
    assert verified.returncode == 0 and "链条完整" in verified.stdout.decode()
    assert _top(server.db) == top


def test_evidence_get_streams_the_kept_file_to_the_client(server: Server) -> None:
    content = b"\x00\x01 \xe4\xbd\x90\xe8\xaf\x81 \xff\x00" * 4000  # binary, NUL bytes, over one pipe buffer
    evidence = server.root / "佐证.bin"
    evidence.write_bytes(content)
    recorded = jixiao("--as", "yijiepin", "record", "evidence", "K04.1", str(evidence), db=server.db)
    assert recorded.returncode == 0, recorded.stderr
    top = _top(server.db)
    got = _remote(server, "evidence", "get", hashlib.sha256(content).hexdigest())
    assert got.returncode == 0, got.stderr.decode()
    assert got.stdout == content
    assert _top(server.db) == top


@pytest.mark.parametrize("command", [
    ("record", "progress", "K04.2", "--period", "2021Q3", "--percent", "99"),
    ("evidence", "get", "a" * 64, "-o", "/tmp/stolen.txt"), ("record", "evidence", "K04.1", "/etc/passwd"),
    ("report", "audit", "-o", "/tmp/stolen.txt"), ("report", "audit", "--output=/tmp/stolen.txt"),
    ("export",), ("users", "grant", "yijiepin", "admin"), ("report", "quarterly", "--file"),
    ("verify", "--db", "/etc/passwd"), ("--as", "admin", "report", "standings"), ("sh",), ("report",),
])
def test_a_write_command_or_a_path_argument_over_ssh_is_refused(server: Server, command: tuple[str, ...]) -> None:
    top = _top(server.db)
    result = _remote(server, *command)
    assert result.returncode == 1, result.stdout
    assert "只能运行只读" in result.stderr.decode() and result.stdout == b""
    assert _top(server.db) == top
    assert not Path("/tmp/stolen.txt").exists()
    log = Path(server.db + ".log").read_text(encoding="utf-8")
    assert f"refused: actor=yijiepin command=ssh: {command[0]}" in log


def test_no_terminal_is_refused_clearly_and_logged(server: Server) -> None:
    top = _top(server.db)
    result = subprocess.run(server.ssh_args("yijiepin", "-T"), capture_output=True, text=True,
                            timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert "jixiao 的界面需要终端" in result.stderr and "ssh -t" in result.stderr
    log = Path(server.db + ".log").read_text(encoding="utf-8")
    assert "refused: actor=yijiepin command=tui: no terminal" in log
    assert _top(server.db) == top


def test_forwarding_is_refused(server: Server) -> None:
    result = subprocess.run(server.ssh_args("yijiepin", "-W", f"127.0.0.1:{server.port}"),
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode != 0
    assert "SSH-2.0" not in result.stdout  # no connection was relayed


def test_a_revoked_key_is_refused(server: Server) -> None:
    listed = jixiao("users", "list", "--format", "json", db=server.db)
    import json

    (fingerprint,) = next(u["keys"] for u in json.loads(listed.stdout) if u["id"] == "yijiepin")
    revoked = jixiao("users", "revoke-key", "yijiepin", fingerprint, "--reason", "笔记本遗失", db=server.db)
    assert revoked.returncode == 0, revoked.stderr
    server.refresh_keys()  # with AuthorizedKeysCommand nothing is needed: the ledger is asked at login
    result = subprocess.run([*server.ssh_args("yijiepin", "-T")], capture_output=True, text=True,
                            timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 255
    assert "Permission denied" in result.stderr
    # the other clerk's key still works (she reaches jixiao, which wants a terminal)
    other = subprocess.run(server.ssh_args("liuyuqin", "-T"), capture_output=True, text=True,
                           timeout=60, stdin=subprocess.DEVNULL)
    assert other.returncode == 1 and "jixiao 的界面需要终端" in other.stderr
