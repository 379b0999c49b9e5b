"""The 操作人 filter finds a person as people name them: by the name shown, the login id,
or the beginning of either; several or none is said, never silently nothing."""

from __future__ import annotations

import pytest

from domain.commands import Ledger
from domain.errors import JixiaoError
from domain.people import person_of
from tests.conftest import jixiao

NAMES = {"yijiepin": "易婕频", "yujunwei": "余君威", "yuanli": "袁丽", "gongfuan": "龚福安"}


@pytest.mark.parametrize(("typed", "found"), [
    ("易婕频", "yijiepin"), ("yijiepin", "yijiepin"), ("易婕", "yijiepin"), ("yij", "yijiepin"), ("YIJ", "yijiepin"),
    (" 龚福安 ", "gongfuan"), ("", ""),
])
def test_a_person_is_found_by_name_login_or_a_prefix_of_either(typed: str, found: str) -> None:
    assert person_of(typed, NAMES) == found


def test_a_prefix_of_several_people_names_them_and_an_unknown_one_is_said() -> None:
    with pytest.raises(JixiaoError) as several:
        person_of("yu", NAMES)
    assert several.value.message() == "“yu”对应多人：袁丽（yuanli）、余君威（yujunwei）；请写全姓名或账号"
    with pytest.raises(JixiaoError) as none:
        person_of("张三", NAMES)
    assert none.value.problems[0].code == "person.unknown"


def test_the_command_line_filters_the_audit_trail_by_the_clerks_name(ledger: Ledger, backend: str) -> None:
    ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=60, done="完成申报")
    ledger.close()
    if backend == "postgres":  # the read-model tables, as `jixiao init` makes them
        from store.postgres.views import create_view_tables

        create_view_tables(ledger.db)
    by_name = jixiao("report", "audit", "--actor", "易婕频", "--format", "json", db=ledger.db)
    by_prefix = jixiao("report", "audit", "--actor", "yij", "--format", "json", db=ledger.db)
    assert by_name.returncode == 0, by_name.stderr
    assert '"actor": "yijiepin"' in by_name.stdout and by_name.stdout == by_prefix.stdout
    unknown = jixiao("report", "audit", "--actor", "张三", db=ledger.db)
    assert unknown.returncode == 1 and "张三" in unknown.stderr and "Traceback" not in unknown.stderr
