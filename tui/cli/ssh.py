"""`jixiao ssh authorized-keys`: OpenSSH access, one service account, a key per person.

Each registered key becomes one authorized_keys line that forces the TUI as its owner:

    restrict,pty,command="/path/to/jixiao --db /path/to/ledger tui --as USER --ssh" ssh-ed25519 AAAA... jixiao:USER

A command the client sends (sshd keeps it in SSH_ORIGINAL_COMMAND) runs only if it is
on the read-only allow-list of tui/cli/remote.py; anything else is refused and logged.
Used as sshd's AuthorizedKeysCommand the lines are read from the ledger at each login,
so a revoked key or a user whose roles were all revoked is refused at once. `--ssh`
confines the session's exports to the person's own export folder under the ledger's data
directory (tui/outfile.py).
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from store import Location, open_ledger, resolve_db
from tui.cli.common import check_identity, usage

OPTIONS = "restrict,pty"


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    ssh = sub.add_parser("ssh", parents=[common], help="OpenSSH access (authorized_keys lines)")
    ssub = ssh.add_subparsers(dest="ssh_command", metavar="ACTION")
    ssh.set_defaults(default_handler=usage(ssh))
    p = ssub.add_parser("authorized-keys", parents=[common],
                        help="print an authorized_keys line for every registered key "
                             "(usable as sshd's AuthorizedKeysCommand)")
    p.add_argument("--fingerprint", metavar="SHA256:...",
                   help="only the key with this fingerprint (sshd's %%f)")
    p.add_argument("--program", metavar="PATH",
                   help="the jixiao program the lines run (default: this installation's)")
    p.set_defaults(handler=authorized_keys)


def program_path() -> str:
    """The absolute path of this installation's `jixiao` command."""
    beside = Path(sys.executable).parent / "jixiao"
    if beside.is_file():
        return str(beside.absolute())
    found = shutil.which("jixiao")
    return str(Path(found).absolute()) if found else str(Path(sys.argv[0]).absolute())


def ledger_argument(db: str) -> str:
    """The ledger as the forced command names it: an absolute path, or the URL without
    any password."""
    if Location.of(db).is_postgres:
        url = urlparse(db)
        netloc = url.hostname or ""
        if url.username:
            netloc = f"{url.username}@{netloc}"
        if url.port:
            netloc = f"{netloc}:{url.port}"
        return urlunparse(url._replace(netloc=netloc))
    return str(Path(db).absolute())


def _safe_word(text: str) -> bool:
    return bool(text) and text.isprintable() and not any(ch.isspace() for ch in text)


def key_line(program: str, db: str, user: str, public_key: str) -> str:
    command = shlex.join([program, "--db", db, "tui", "--as", user, "--ssh"])
    quoted = command.replace("\\", "\\\\").replace('"', '\\"')
    return f'{OPTIONS},command="{quoted}" {public_key} jixiao:{user}'


def authorized_keys(args: argparse.Namespace) -> int:
    db = resolve_db(getattr(args, "db", None))
    program = args.program or program_path()
    with open_ledger(db, create=False) as ledger:
        check_identity(ledger, args)
        users = ledger.directory().users
    lines = []
    for user in sorted(users.values(), key=lambda u: u.id):
        if not user.roles or not user.keys:
            continue  # a user whose roles were all revoked cannot log in
        if not _safe_word(user.id):
            print(f"skipped user {user.id!r}: not usable in an authorized_keys line", file=sys.stderr)
            continue
        for fingerprint, public_key in sorted(user.keys.items()):
            if args.fingerprint and fingerprint != args.fingerprint:
                continue
            lines.append(key_line(program, ledger_argument(db), user.id, public_key))
    sys.stdout.write("".join(line + "\n" for line in lines))
    return 0
