"""The allow-list of commands a key may send over SSH (the words, before anything runs)."""

from __future__ import annotations

import pytest

from domain.errors import JixiaoError
from tui.cli.remote import allowed_argv


@pytest.mark.parametrize("command", [
    "report quarterly --section center --period Q3 --format xlsx",
    "jixiao report self-inspection --format md",
    "report audit --actor=yijiepin --score-only --limit 20",
    "verify", "verify --head 35:65683edc1e6e3a4e", "seal", "evidence get " + "ab" * 32,
    "jixiao evidence get " + "AB" * 32 + " --lang en",
])
def test_read_only_commands_pass(command: str) -> None:
    assert allowed_argv(command)[0] in ("report", "verify", "seal", "evidence")


@pytest.mark.parametrize("command", [
    "", "sh", "bash -c id", "record progress K04.2 --percent 9", "export", "import x.jsonl",
    "users grant yijiepin admin", "report", "report --format md", "report audit -o /etc/passwd",
    "report audit --output=/tmp/x", "report quarterly --file", "verify --db /tmp/other.db",
    "--as admin report standings", "report standings --as admin", "seal --sign /etc/ssh/key",
    "report standings; cat /etc/passwd", "report 'unterminated", "tui",
    "evidence", "evidence get", "evidence get abc", "evidence get ../../etc/passwd",
    "evidence get " + "a" * 64 + " -o /tmp/x", "evidence get " + "a" * 64 + " --output=/tmp/x",
    "evidence get " + "a" * 64 + " --force", "evidence put " + "a" * 64, "record evidence K04.1 /etc/passwd",
    "verify --bundle /tmp/x.zip", "report self-inspection --bundle /tmp/x.zip",
])
def test_everything_else_is_refused(command: str) -> None:
    with pytest.raises(JixiaoError) as refused:
        allowed_argv(command)
    assert refused.value.problems[0].code == "ssh.refused"
