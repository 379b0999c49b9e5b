"""Who may do what: every role against every command, in the domain every interface shares.

The table below is the specification. A refused command raises JixiaoError with an
`auth.*` problem and stores nothing; an allowed one stores its events, recorded under
the role the user acted in.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from domain import events as ev
from domain.access import is_refusal
from domain.commands import Ledger
from domain.errors import JixiaoError
from domain.plan import Tier
from domain.plan_io import bundled_plan
from store import open_ledger
from store.chain import digest_at
from tests.conftest import Clock
from tests.stored import sha, ssh_key, stored_events

# one person of the bundled plan per role; the indicator acted on, K04.1, is the centre's
USERS = {
    "admin": "admin",
    "leader": "yujunwei",  # 副组长 of the leadership group
    "office": "huangyaqiong",  # the leadership group's office (and head of 办公室)
    "section_head": "chenwencai",  # 生产力促进中心
    "clerk": "yijiepin",  # 生产力促进中心
    "supervisor": "gongfuan",  # 组长 of the supervisory group
    "performance_office": "perf_office",  # 县绩效办
}
ROLES = tuple(USERS)

Y, N = True, False
#                        admin leader office head clerk superv. perf.
MATRIX: dict[str, tuple[bool, ...]] = {
    "assign":                 (N, Y, Y, N, N, N, N),
    "report_progress":        (N, N, N, Y, Y, N, N),
    "attach_evidence":        (N, N, N, Y, Y, N, N),
    "self_assess":            (N, N, N, Y, Y, N, N),
    "award_tier":             (N, Y, Y, N, N, N, N),
    "adjust_bonus":           (N, Y, Y, N, N, N, N),
    "adjust_deduction":       (N, Y, Y, N, N, N, N),
    "adjust_veto":            (N, Y, Y, N, N, N, N),
    "finding_county":         (N, N, N, N, N, N, Y),
    "finding_internal":       (N, Y, Y, N, N, N, Y),
    "resolve_rectified":      (N, N, Y, Y, Y, N, N),
    "resolve_appeal":         (N, N, N, N, N, N, Y),
    "correct_progress":       (N, N, N, Y, Y, N, N),
    "correct_tier":           (N, Y, Y, N, N, N, N),
    "correct_county_finding": (N, N, N, N, N, N, Y),
    "correct_appeal":         (N, N, N, N, N, N, Y),
    "file_report_section":    (N, Y, Y, Y, Y, N, N),
    "file_report_unit":       (N, Y, Y, N, N, N, N),
    "audit_remark":           (N, N, N, N, N, Y, N),
    "seal":                   (Y, N, N, N, N, Y, N),
    "add_user":               (Y, N, N, N, N, N, N),
    "grant":                  (Y, N, N, N, N, N, N),
    "revoke":                 (Y, N, N, N, N, N, N),
    "add_key":                (Y, N, N, N, N, N, N),
    "revoke_key":             (Y, N, N, N, N, N, N),
    "change_plan":            (N, Y, Y, N, N, N, N),
    "submit_plan":            (N, Y, Y, N, N, N, N),
    "approve_plan":           (Y, N, N, N, N, N, Y),
    "record_meeting":         (N, Y, Y, N, N, N, N),
    "record_decision":        (N, Y, Y, N, N, N, N),
    "complete_follow_up":     (N, Y, Y, Y, Y, N, N),
    "load_plan":              (Y, Y, Y, N, N, N, N),
}

Command = Callable[[Ledger, str, dict[str, Any]], Any]


def _variant_plan() -> Any:
    return msgspec.structs.replace(bundled_plan(), title="安溪县科学技术局2021年度绩效评估工作方案（修订）")


COMMANDS: dict[str, Command] = {
    "assign": lambda lg, who, at: lg.assign(
        who, "K04.1", section="center", leader="tangjinlong", handler="liuyuqin"),
    "report_progress": lambda lg, who, at: lg.report_progress(
        who, "K04.1", period="2021Q3", percent=70, done="矩阵", reason="补录"),  # K04.1 is tiered
    "attach_evidence": lambda lg, who, at: lg.attach_evidence(
        who, "K04.1", file_name="m.pdf", sha256=sha("matrix"), size=3, reason="补录"),
    "self_assess": lambda lg, who, at: lg.self_assess(who, "K04.1", tier="一档", reason="补录"),
    "award_tier": lambda lg, who, at: lg.award_tier(who, "K04.1", tier="一档"),
    "adjust_bonus": lambda lg, who, at: lg.adjust(who, "bonus", 1, reason="表彰"),
    "adjust_deduction": lambda lg, who, at: lg.adjust(
        who, "deduction", "0.5", reason="逾期", indicator="K04.1"),
    "adjust_veto": lambda lg, who, at: lg.adjust(who, "veto", 0, reason="否决"),
    "finding_county": lambda lg, who, at: lg.record_finding(
        who, method="现场调查", finding_source="county-on-unit", count=1, per_item="0.2",
        indicator="K04.1"),
    "finding_internal": lambda lg, who, at: lg.record_finding(
        who, method="查看资料", finding_source="internal", count=1, per_item="0.2",
        indicator="K04.1"),
    "resolve_rectified": lambda lg, who, at: lg.resolve_finding(who, at["finding"], outcome="rectified"),
    "resolve_appeal": lambda lg, who, at: lg.resolve_finding(who, at["finding"], outcome="appeal-upheld"),
    "correct_progress": lambda lg, who, at: lg.correct(who, at["progress"], reason="更正"),
    "correct_tier": lambda lg, who, at: lg.correct(who, at["tier"], reason="更正"),
    "correct_county_finding": lambda lg, who, at: lg.correct(who, at["finding"], reason="更正"),
    "correct_appeal": lambda lg, who, at: lg.correct(who, at["appeal"], reason="更正"),
    "file_report_section": lambda lg, who, at: lg.file_report(
        who, "quarterly", content={"rows": []}, period="2021Q3", section="center"),
    "file_report_unit": lambda lg, who, at: lg.file_report(who, "self_inspection", content="自查报告"),
    "audit_remark": lambda lg, who, at: lg.audit_remark(who, "已核实", about=at["tier"]),
    "seal": lambda lg, who, at: lg.seal(who, at["tier"], digest_at(lg.app, at["tier"]) or ""),
    "add_user": lambda lg, who, at: lg.add_user(who, "wangwu", "王五", section="center", roles=("clerk",)),
    "grant": lambda lg, who, at: lg.grant(who, "liuyuqin", "section_head"),
    "revoke": lambda lg, who, at: lg.grant(who, "liuyuqin", "clerk", revoke=True),
    "add_key": lambda lg, who, at: lg.add_key(who, "liuyuqin", ssh_key("liuyuqin")),
    "revoke_key": lambda lg, who, at: lg.revoke_key(who, "yijiepin", at["fingerprint"]),
    "change_plan": lambda lg, who, at: lg.change_plan(
        who, ev.TierTableChanged, reason="调整定档",
        tiers=[Tier(name="一档", share=1), Tier(name="二档", share=0.8), Tier(name="未完成", share=0)]),
    "submit_plan": lambda lg, who, at: lg.submit_plan(
        who, meeting="2021年第10次局务会", meeting_date=dt.date(2021, 9, 26), reason="修订后重新报审"),
    "approve_plan": lambda lg, who, at: lg.approve_plan(who, "安人社〔2021〕88号"),
    "record_meeting": lambda lg, who, at: lg.record_meeting(
        who, "quarterly-analysis", held=dt.date(2021, 10, 8), attendees=("linliyan", "chenwencai")),
    "record_decision": lambda lg, who, at: lg.record_decision(
        who, at["meeting"], "notice", matter="通报第三季度进度"),
    "complete_follow_up": lambda lg, who, at: lg.complete_follow_up(who, at["decision"], note="已整改"),
    "load_plan": lambda lg, who, at: lg.bootstrap(_variant_plan(), actor=who, replace=True),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any]]]:
    """A ledger with the entries the commands act on, copied afresh for every case."""
    path = tmp_path_factory.mktemp("authz") / "template.db"
    clock = Clock(dt.datetime(2021, 10, 8, 2, 0, tzinfo=dt.UTC))
    at: dict[str, Any] = {}
    with open_ledger(str(path), clock=clock) as ledger:
        ledger.bootstrap(bundled_plan())
        ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=50, done="准备")
        at["progress"] = ledger.last_positions[-1]
        ledger.award_tier("yujunwei", "K04.1", tier="二档")
        at["tier"] = ledger.last_positions[-1]
        ledger.record_finding("perf_office", method="明察暗访", finding_source="county-on-unit",
                              count=2, per_item="0.5", indicator="K04.1")
        at["finding"] = ledger.last_positions[-1]
        ledger.record_finding("perf_office", method="受理投诉", finding_source="county-on-unit",
                              count=1, per_item="0.5", indicator="K04.3")
        ledger.resolve_finding("perf_office", ledger.last_positions[-1], outcome="appeal-rejected")
        at["appeal"] = ledger.last_positions[-1]
        ledger.submit_plan("huangyaqiong", meeting="2021年第9次局务会", meeting_date=dt.date(2021, 9, 22),
                           effective=dt.date(2021, 9, 23))
        ledger.record_meeting("huangyaqiong", "quarterly-analysis", held=dt.date(2021, 10, 8),
                              attendees=("linliyan", "chenwencai", "yijiepin"))
        at["meeting"] = ledger.last_positions[-1]
        ledger.record_decision("huangyaqiong", at["meeting"], "rectification", matter="K04.1 限期整改",
                               indicator="K04.1", person="yijiepin", due=dt.date(2021, 10, 31))
        at["decision"] = ledger.last_positions[-1]
        key = ledger.add_key("admin", "yijiepin", ssh_key("yijiepin"))
        assert isinstance(key, ev.KeyAdded)
        at["fingerprint"] = key.fingerprint
    yield path, at


@pytest.fixture
def case(template: tuple[Path, dict[str, Any]], tmp_path: Path) -> Iterator[tuple[Ledger, dict[str, Any]]]:
    source, at = template
    copy = tmp_path / "case.db"
    shutil.copyfile(source, copy)
    clock = Clock(dt.datetime(2021, 10, 8, 3, 0, tzinfo=dt.UTC))
    with open_ledger(str(copy), clock=clock) as ledger:
        yield ledger, at


def test_the_matrix_covers_every_command_and_role() -> None:
    assert set(MATRIX) == set(COMMANDS)
    assert all(len(row) == len(ROLES) for row in MATRIX.values())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("command", list(MATRIX))
def test_role_against_command(case: tuple[Ledger, dict[str, Any]], command: str, role: str) -> None:
    ledger, at = case
    allowed = MATRIX[command][ROLES.index(role)]
    before = ledger.max_position()
    if allowed:
        COMMANDS[command](ledger, USERS[role], at)
        stored = stored_events(ledger, before)
        assert stored, f"{role} {command}: nothing stored"
        assert {e.role for _, _, e in stored} == {role}
        assert {e.actor for _, _, e in stored} == {USERS[role]}
    else:
        with pytest.raises(JixiaoError) as info:
            COMMANDS[command](ledger, USERS[role], at)
        assert is_refusal(info.value), info.value.message("en")
        assert ledger.max_position() == before


# -- sections ---------------------------------------------------------------------------------
@pytest.fixture
def business(ledger: Ledger) -> dict[str, int]:
    """Entries on 综合业务股's indicator K01.1, which the centre's people may not touch."""
    at: dict[str, int] = {}
    ledger.report_progress("xiewanting", "K01.1", period="2021Q3", percent=30)
    at["progress"] = ledger.last_positions[-1]
    ledger.record_finding("perf_office", method="查看资料", finding_source="county-on-unit", count=1,
                          per_item="0.5", indicator="K01.1")
    at["finding"] = ledger.last_positions[-1]
    return at


SECTION_BOUND: dict[str, Callable[[Ledger, str, dict[str, int]], Any]] = {
    "report_progress": lambda lg, who, at: lg.report_progress(who, "K01.1", period="2021Q3", percent=40),
    "attach_evidence": lambda lg, who, at: lg.attach_evidence(
        who, "K01.1", file_name="a.pdf", sha256=sha("a"), size=1),
    "self_assess": lambda lg, who, at: lg.self_assess(who, "K01.1", tier="一档"),
    "resolve_rectified": lambda lg, who, at: lg.resolve_finding(who, at["finding"], outcome="rectified"),
    "correct_progress": lambda lg, who, at: lg.correct(who, at["progress"], reason="更正"),
    "file_report": lambda lg, who, at: lg.file_report(
        who, "quarterly", content={}, period="2021Q3", section="business"),
}


@pytest.mark.parametrize("who", ["yijiepin", "chenwencai"])
@pytest.mark.parametrize("command", list(SECTION_BOUND))
def test_the_centre_cannot_act_on_the_business_section(ledger: Ledger, business: dict[str, int],
                                                       command: str, who: str) -> None:
    before = ledger.max_position()
    with pytest.raises(JixiaoError) as info:
        SECTION_BOUND[command](ledger, who, business)
    assert [p.code for p in info.value.problems] == ["auth.wrong_section"]
    assert "business" in info.value.message("en") and "center" in info.value.message("en")
    assert ledger.max_position() == before


@pytest.mark.parametrize("command", list(SECTION_BOUND))
def test_the_business_clerk_can(ledger: Ledger, business: dict[str, int], command: str) -> None:
    event = SECTION_BOUND[command](ledger, "xiewanting", business)
    assert (event.actor, event.role) == ("xiewanting", "clerk")


def test_a_section_head_of_the_office_acts_there_as_head_and_elsewhere_as_office(ledger: Ledger) -> None:
    own = ledger.report_progress("huangyaqiong", "K13.1", period="2021Q3", percent=10)
    assert own.role == "section_head"
    with pytest.raises(JixiaoError) as info:
        ledger.report_progress("huangyaqiong", "K04.1", period="2021Q3", percent=10)
    assert [p.code for p in info.value.problems] == ["auth.wrong_section"]
    assert ledger.award_tier("huangyaqiong", "K04.1", tier="一档").role == "office"


def test_refusals_are_logged(ledger: Ledger, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="jixiao.refused"), pytest.raises(JixiaoError):
        ledger.award_tier("yijiepin", "K04.1", tier="一档")
    assert any("actor=yijiepin" in r.getMessage() and "award_tier" in r.getMessage()
               for r in caplog.records)
