"""Access hardening: owner-only files, refusals logged with who and what (and never
stored), and a PostgreSQL password that is never printed or logged."""

from __future__ import annotations

import json
import os
import pwd
import stat
from pathlib import Path

import pytest

from store import open_ledger
from store.chain import verify
from tests.conftest import jixiao
from tests.pg import postgres_db, postgres_server

__all__ = ["postgres_db", "postgres_server"]  # the fixtures this module uses

SECRET = "s3cr3t-Pa55word"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_ledger_and_its_directory_are_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    db = tmp_path / "srv" / "jixiao" / "ledger.db"
    previous = os.umask(0o002)
    try:
        assert jixiao("init", "--example", db=str(db)).returncode == 0
        jixiao("--as", "yijiepin", "record", "tier", "K04.2", "--tier", "一档", db=str(db))  # refused: logged
        with open_ledger(str(db), create=False) as ledger:
            ledger.max_position()  # the store's -wal and -shm files exist while it is open
            files = sorted(p.name for p in db.parent.iterdir())
            modes = {p.name: mode(p) for p in db.parent.iterdir()}
    finally:
        os.umask(previous)
    assert mode(db.parent) == 0o700
    assert files == ["ledger.db", "ledger.db-shm", "ledger.db-wal", "ledger.db.log"]
    assert modes == dict.fromkeys(files, 0o600)


@pytest.fixture
def cli_ledger(tmp_path: Path) -> tuple[str, int]:
    db = str(tmp_path / "ledger" / "jixiao.db")
    assert jixiao("init", "--example", db=db).returncode == 0
    revoked = jixiao("users", "revoke", "liuyuqin", "clerk", "--reason", "调离", db=db)
    assert revoked.returncode == 0, revoked.stderr
    with open_ledger(db, create=False) as ledger:
        return db, ledger.max_position()


REFUSED = {
    "wrong role": (("--as", "yijiepin", "record", "tier", "K04.2", "--tier", "一档"),
                   "refused: actor=yijiepin command=award_tier: user yijiepin (roles clerk) may not award a tier"),
    "wrong section": (("--as", "yijiepin", "record", "progress", "K03.1", "--period", "2021Q3",
                       "--percent", "10"),
                      "refused: actor=yijiepin command=report_progress: user yijiepin of section center "
                      "cannot act on indicators of section business"),
    "revoked user": (("--as", "liuyuqin", "record", "progress", "K04.3", "--period", "2021Q3",
                      "--percent", "10"),
                     "refused: actor=liuyuqin command=report_progress: user liuyuqin holds no role"),
    "unknown user": (("--as", "nobody", "record", "progress", "K04.3", "--period", "2021Q3",
                      "--percent", "10"),
                     # refused before any command, reads as well: the claim itself (--as) is checked
                     f"refused: actor=nobody account={pwd.getpwuid(os.geteuid()).pw_name} command=record: "
                     "unknown user: nobody"),
    "clerk managing users": (("--as", "yijiepin", "users", "grant", "yijiepin", "leader"),
                             "refused: actor=yijiepin command=users grant"),
    "clerk sealing": (("--as", "yijiepin", "seal"), "refused: actor=yijiepin command=seal"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_every_refused_command_is_logged_with_who_and_what_and_writes_nothing(
        cli_ledger: tuple[str, int], case: str) -> None:
    db, top = cli_ledger
    args, logged = REFUSED[case]
    result = jixiao(*args, db=db)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() and result.stderr.count("\n") == 1  # one clear line
    log = Path(db + ".log").read_text(encoding="utf-8")
    assert logged in log, log
    assert mode(Path(db + ".log")) == 0o600
    with open_ledger(db, create=False) as ledger:
        assert ledger.max_position() == top
        status = verify(ledger.app)
    assert status.ok and status.count == top


def test_a_revoked_user_no_longer_gets_an_ssh_line(cli_ledger: tuple[str, int], tmp_path: Path) -> None:
    from tests.stored import ssh_key

    db, _ = cli_ledger
    for who in ("yijiepin", "liuyuqin"):
        key = tmp_path / f"{who}.pub"
        key.write_text(ssh_key(who) + "\n")
        assert jixiao("users", "add-key", who, str(key), db=db).returncode == 0
    lines = jixiao("ssh", "authorized-keys", db=db).stdout.splitlines()
    assert [line.rsplit(" ", 1)[1] for line in lines] == ["jixiao:yijiepin"]  # liuyuqin holds no role


def test_a_password_in_the_ledger_url_is_refused_without_being_shown() -> None:
    result = jixiao("log", db=f"postgresql://jixiao:{SECRET}@127.0.0.1:1/jixiao")
    assert result.returncode == 1
    assert SECRET not in result.stdout + result.stderr
    assert "postgresql://jixiao:***@127.0.0.1:1/jixiao" in result.stderr
    assert "~/.pgpass" in result.stderr


def test_the_postgres_password_is_never_printed_or_logged(postgres_db: str, tmp_path: Path) -> None:
    log = tmp_path / "jixiao.log"
    env = {"PGPASSWORD": SECRET, "JIXIAO_LOG": str(log)}
    key = tmp_path / "key.pub"
    from tests.stored import ssh_key

    key.write_text(ssh_key("yijiepin") + "\n")
    runs = [
        jixiao("init", "--example", db=postgres_db, env=env),
        jixiao("users", "add-key", "yijiepin", str(key), db=postgres_db, env=env),
        jixiao("--as", "yijiepin", "record", "tier", "K04.2", "--tier", "一档", db=postgres_db, env=env),
        jixiao("verify", db=postgres_db, env=env),
        jixiao("seal", db=postgres_db, env=env),
        jixiao("ssh", "authorized-keys", db=postgres_db, env=env),
        jixiao("log", "--format", "json", db=postgres_db, env=env),
        jixiao("users", "list", db=postgres_db, env=env),
    ]
    assert [r.returncode for r in runs] == [0, 0, 1, 0, 0, 0, 0, 0], [r.stderr for r in runs]
    for run in runs:
        assert SECRET not in run.stdout + run.stderr
    assert "refused: actor=yijiepin command=award_tier" in log.read_text(encoding="utf-8")
    assert SECRET not in log.read_text(encoding="utf-8")
    (line,) = runs[5].stdout.splitlines()
    assert f"--db {postgres_db} tui --as yijiepin" in line
    assert json.loads(runs[6].stdout)
