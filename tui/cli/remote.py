"""Commands sent over SSH (`ssh jixiao@server report quarterly ...`): an allow-list.

The forced command of each key is `jixiao --db LEDGER tui --as USER --ssh`. With no
command from the client it opens the terminal UI; with one (sshd keeps it in
SSH_ORIGINAL_COMMAND) the words are read without any shell and run as the key's person,
with that person's rights, only if they are one of the read-only commands below (reports,
`verify`, `seal`, `evidence get DIGEST`), with options that name no file on the server.
The result streams to the client's standard output (an xlsx too, an evidence file). Anything else is refused and logged.
"""

from __future__ import annotations

import logging
import re
import shlex
from collections.abc import Callable, Sequence

from domain.errors import fail

refusals = logging.getLogger("jixiao.refused")

# options each allowed command may carry (a value follows unless listed in FLAGS)
REPORT_OPTIONS = frozenset({
    "--section", "--indicator", "--as-of", "--known-at", "--format", "--unit", "--year", "--county",
    "--period", "--as-filed", "--diff-filed", "--actor", "--kind", "--since", "--until", "--text",
    "--score-only", "--limit", "--before", "--lang",
})
ALLOWED: dict[str, frozenset[str]] = {
    "report": REPORT_OPTIONS,
    "verify": frozenset({"--head", "--format", "--lang"}),
    "seal": frozenset({"--lang"}),
    "evidence": frozenset({"--lang"}),  # `evidence get DIGEST`: the file to standard output
}
DIGEST = re.compile(r"^[0-9a-fA-F]{64}$")
FLAGS = frozenset({"--score-only"})


def allowed_argv(command: str) -> list[str]:
    """The words of an SSH command if it is allowed, else a refusal."""
    try:
        words = shlex.split(command)
    except ValueError:
        raise fail("ssh.refused", where=command[:80]) from None
    if words and words[0] in ("jixiao", "/usr/local/bin/jixiao"):
        words = words[1:]
    if not words or words[0] not in ALLOWED:
        raise fail("ssh.refused", where=command[:80])
    options = ALLOWED[words[0]]
    rest = words[1:]
    if words[0] == "report":
        if not rest or rest[0].startswith("-"):
            raise fail("ssh.refused", where=command[:80])
        rest = rest[1:]
    if words[0] == "evidence":
        if len(rest) < 2 or rest[0] != "get" or not DIGEST.match(rest[1]):
            raise fail("ssh.refused", where=command[:80])
        rest = rest[2:]
    index = 0
    while index < len(rest):
        word = rest[index]
        name = word.split("=", 1)[0]
        if name not in options:
            raise fail("ssh.refused", where=command[:80])
        if "=" not in word and name not in FLAGS:
            index += 1  # its value, whatever it is: none of these options names a file
        index += 1
    return words


def run_remote(db: str, user: str, command: str, main: Callable[[Sequence[str]], int]) -> int:
    """Run an allowed SSH command as `user`, or refuse it (logged)."""
    try:
        words = allowed_argv(command)
    except Exception:
        refusals.warning("refused: actor=%s command=ssh: %s", user, command.strip()[:200])
        raise
    return main(["--db", db, "--as", user, "--remote", *words])
