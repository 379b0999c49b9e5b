"""Who you are on the command line: `--as` is a claim, checked against the OS account.

A new ledger binds the account that created it to its admin. On a ledger with bindings
`--as X` is accepted only from an account bound to X or to an admin, for reads as well as
writes; `--as ""` and users the ledger does not know are refused on every ledger. And a
correction undoes somebody's word: a clerk voids only their own entries.
"""

from __future__ import annotations

import json
import os
import pwd
import re
from pathlib import Path

import pytest

from domain.commands import Ledger
from domain.errors import JixiaoError
from tests.conftest import jixiao

ME = pwd.getpwuid(os.geteuid()).pw_name


@pytest.fixture
def cli_db(tmp_path: Path) -> str:
    db = str(tmp_path / "ledger" / "jixiao.db")
    made = jixiao("init", "--example", db=db)
    assert made.returncode == 0, made.stderr
    return db


def _accounts(db: str) -> dict[str, list[str]]:
    listed = jixiao("users", "list", "--format", "json", db=db)
    assert listed.returncode == 0, listed.stderr
    return {u["id"]: u["accounts"] for u in json.loads(listed.stdout)}


def test_a_new_ledger_binds_its_creators_account_to_the_admin(cli_db: str) -> None:
    accounts = _accounts(cli_db)
    assert accounts["admin"] == [ME]
    assert all(not a for user, a in accounts.items() if user != "admin")
    # the single-user default needs no set-up: the creator acts as anybody
    assert jixiao("--as", "yijiepin", "report", "standings", db=cli_db).returncode == 0


@pytest.mark.parametrize("argv", [("--as", "", "report", "standings"), ("--as", " ", "log"),
                                  ("--as", "", "record", "progress", "K04.2", "--period", "2021Q3",
                                   "--percent", "10")])
def test_an_empty_as_is_refused(cli_db: str, argv: tuple[str, ...]) -> None:
    result = jixiao(*argv, db=cli_db)
    assert result.returncode == 1 and "--as must name a user" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("argv", [("report", "standings"), ("report", "audit"), ("log",), ("export",),
                                  ("verify",), ("users", "list")])
def test_an_unknown_user_cannot_read(cli_db: str, argv: tuple[str, ...]) -> None:
    result = jixiao("--as", "nobody", *argv, db=cli_db)
    assert result.returncode == 1 and "unknown user: nobody" in result.stderr, result.stderr
    assert result.stdout == ""


def test_an_account_bound_to_a_clerk_acts_only_as_that_clerk_reads_too(cli_db: str) -> None:
    assert jixiao("users", "bind", "yijiepin", ME, db=cli_db).returncode == 0
    assert jixiao("users", "bind", "admin", "ops", db=cli_db).returncode == 0
    unbound = jixiao("users", "unbind", "admin", ME, db=cli_db)
    assert unbound.returncode == 0, unbound.stderr
    # this account is now yijiepin's alone
    assert jixiao("--as", "yijiepin", "report", "standings", db=cli_db).returncode == 0
    for argv in (("--as", "liuyuqin", "report", "standings"), ("--as", "admin", "log"), ("log",),
                 ("--as", "liuyuqin", "record", "progress", "K04.2", "--period", "2021Q3", "--percent", "10"),
                 ("--as", "admin", "users", "bind", "admin", ME), ("--as", "chenwencai", "verify")):
        result = jixiao(*argv, db=cli_db)
        assert result.returncode == 1, (argv, result.stdout)
        assert re.search(f"account {ME} is bound neither to \\w+ nor to an admin", result.stderr), result.stderr
    log = Path(cli_db + ".log").read_text(encoding="utf-8")
    assert f"refused: actor=liuyuqin account={ME} command=report" in log


def test_the_last_account_bound_to_an_admin_cannot_be_unbound(cli_db: str) -> None:
    result = jixiao("users", "unbind", "admin", ME, db=cli_db)
    assert result.returncode == 1 and "last account bound to an admin" in result.stderr
    assert _accounts(cli_db)["admin"] == [ME]


def test_only_an_admin_binds_accounts(cli_db: str) -> None:
    result = jixiao("--as", "yijiepin", "users", "bind", "yijiepin", "mallory", db=cli_db)
    assert result.returncode == 1 and "may not manage users" in result.stderr


# -- who may void ----------------------------------------------------------------------------
def test_a_clerk_voids_only_her_own_entries(ledger: Ledger) -> None:
    ledger.report_progress("yijiepin", "K04.2", period="2021Q3", percent=40, done="初审")
    hers = ledger.last_positions[-1]
    ledger.report_progress("yijiepin", "K04.2", period="2021Q3", percent=50, done="复审")
    second = ledger.last_positions[-1]
    with pytest.raises(JixiaoError) as refused:
        ledger.correct("liuyuqin", hers, reason="不是我录的")  # a clerk of the same section
    assert [p.code for p in refused.value.problems] == ["auth.void_not_author"]
    assert ledger.correct("yijiepin", hers, reason="录错了").role == "clerk"  # the author
    assert ledger.correct("chenwencai", second, reason="股室负责人更正").role == "section_head"
