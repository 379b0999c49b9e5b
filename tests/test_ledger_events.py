"""Every event kind, recorded through the command layer and read back from the store.

Each event carries who (actor and role), when it was recorded (UTC), the business date
it takes effect (back-dating inside the plan year is allowed and stays visible), why,
and through which interface. The domain rules hold on every command.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from domain import events as ev
from domain.aggregates import DIRECTORY_ID, PlanAggregate, indicator_id, plan_id, unit_id
from domain.commands import Ledger
from domain.errors import JixiaoError
from domain.plan import Deadline, Indicator, Plan, Tier
from domain.plan_io import bundled_plan
from store import open_ledger
from store.chain import digest_at
from tests.conftest import Clock
from tests.stored import sha, ssh_key, stored_events

TODAY = dt.date(2021, 10, 8)  # the fixed clock's business date (Asia/Shanghai)
PLAN = plan_id("安溪县科学技术局", 2021)


def envelope(event: ev.Event, clock: Clock, *, actor: str, role: str,
             effective: dt.date = TODAY, reason: str = "", source: str = "cli") -> None:
    assert event.actor == actor
    assert event.role == role
    assert event.timestamp == clock.now
    assert event.timestamp.utcoffset() == dt.timedelta(0)
    assert event.effective == effective
    assert event.reason == reason
    assert event.source == source


def record(ledger: Ledger, call: Any) -> list[tuple[int, Any, ev.Event]]:
    """Run a command; what it stored, read back from the log, equals what it returned."""
    before = ledger.max_position()
    result = call()
    returned = result if isinstance(result, list) else [result]
    stored = stored_events(ledger, before)
    assert [e for _, _, e in stored] == returned
    assert [p for p, _, _ in stored] == ledger.last_positions
    return stored


def refused(ledger: Ledger, code: str, call: Any) -> JixiaoError:
    before = ledger.max_position()
    with pytest.raises(JixiaoError) as info:
        call()
    assert [p.code for p in info.value.problems] == [code], info.value.message("en")
    assert ledger.max_position() == before
    return info.value


# -- the directory and the plan, as written by init ----------------------------------------
def test_init_registers_admin_people_and_plan(ledger: Ledger, clock: Clock) -> None:
    stored = stored_events(ledger)
    kinds = [e.kind for _, _, e in stored]
    assert kinds[:2] == ["UserRegistered", "RoleGranted"]
    assert kinds[-2:] == ["PlanRegistered", "PlanLoaded"]
    first = stored[0][2]
    assert isinstance(first, ev.UserRegistered) and first.user == "admin"
    envelope(first, clock, actor="system", role="admin")
    for _, originator, event in stored[2:]:
        envelope(event, clock, actor="admin", role="admin")
        expected = PLAN if isinstance(event, ev.PlanLoaded) else DIRECTORY_ID
        assert originator == expected
    registered = {e.user for _, _, e in stored if isinstance(e, ev.UserRegistered)}
    assert registered == {p.id for p in bundled_plan().people}
    loaded = stored[-1][2]
    assert isinstance(loaded, ev.PlanLoaded) and loaded.plan == bundled_plan()
    registration = stored[-2][2]
    assert isinstance(registration, ev.PlanRegistered)
    assert (registration.unit, registration.year, registration.plan_id) == ("安溪县科学技术局", 2021, PLAN)


def test_roles_come_from_groups_and_sections(ledger: Ledger) -> None:
    users = ledger.directory().users
    assert users["yujunwei"].roles == ["leader"]
    assert users["gongfuan"].roles == ["supervisor"]
    assert users["yijiepin"].roles == ["clerk"] and users["yijiepin"].section == "center"
    assert users["chenwencai"].roles == ["section_head"]
    assert set(users["huangyaqiong"].roles) == {"section_head", "office"}
    assert users["perf_office"].roles == ["performance_office"]
    assert users["admin"].roles == ["admin"]


def test_init_is_idempotent_and_refuses_a_second_plan(ledger: Ledger) -> None:
    before = ledger.max_position()
    assert ledger.bootstrap(bundled_plan()) == []
    assert ledger.max_position() == before
    other = msgspec.structs.replace(bundled_plan(), title="另一个方案")
    refused(ledger, "cmd.plan_exists", lambda: ledger.bootstrap(other))
    refused(ledger, "auth.refused", lambda: ledger.bootstrap(other, actor="yijiepin", replace=True))
    stored = record(ledger, lambda: ledger.bootstrap(other, actor="huangyaqiong", replace=True))
    assert [e.kind for _, _, e in stored] == ["PlanLoaded"]
    assert stored[0][2].role == "office"
    assert ledger.plan_state().plan == other


# -- users, roles, keys ---------------------------------------------------------------------
def test_user_role_and_key_events(ledger: Ledger, clock: Clock) -> None:
    stored = record(ledger, lambda: ledger.add_user(
        "admin", "zhangsan", "张三", title="干部", section="center", roles=("clerk",), source="tui"))
    (_, originator, user), (_, _, grant) = stored
    assert originator == DIRECTORY_ID
    assert isinstance(user, ev.UserRegistered)
    assert (user.user, user.name, user.title, user.section) == ("zhangsan", "张三", "干部", "center")
    assert isinstance(grant, ev.RoleGranted) and grant.role_name == "clerk"
    for event in (user, grant):
        envelope(event, clock, actor="admin", role="admin", source="tui")

    (_, _, revoked), = record(ledger, lambda: ledger.grant("admin", "zhangsan", "clerk", revoke=True,
                                                           reason="调岗"))
    assert isinstance(revoked, ev.RoleRevoked) and revoked.role_name == "clerk"
    envelope(revoked, clock, actor="admin", role="admin", reason="调岗")
    (_, _, granted), = record(ledger, lambda: ledger.grant("admin", "zhangsan", "section_head"))
    assert isinstance(granted, ev.RoleGranted) and granted.role_name == "section_head"
    assert ledger.directory().users["zhangsan"].roles == ["section_head"]

    key = ssh_key("zhangsan")
    (_, _, added), = record(ledger, lambda: ledger.add_key("admin", "zhangsan", key))
    assert isinstance(added, ev.KeyAdded)
    assert added.public_key == " ".join(key.split()[:2])  # the comment is dropped
    assert added.fingerprint.startswith("SHA256:")
    envelope(added, clock, actor="admin", role="admin")
    (_, _, dropped), = record(ledger, lambda: ledger.revoke_key("admin", "zhangsan", added.fingerprint,
                                                                reason="丢失"))
    assert isinstance(dropped, ev.KeyRevoked) and dropped.fingerprint == added.fingerprint
    envelope(dropped, clock, actor="admin", role="admin", reason="丢失")
    assert ledger.directory().users["zhangsan"].keys == {}


# -- plan changes ---------------------------------------------------------------------------
def open_plan() -> Plan:
    """The bundled plan without declared indicator counts, so indicators can be added."""
    plan = bundled_plan()
    return msgspec.structs.replace(plan, categories=[
        msgspec.structs.replace(c, first_level_count=None, second_level_count=None)
        for c in plan.categories])


def test_plan_change_events(ledger: Ledger, clock: Clock) -> None:
    ledger.bootstrap(open_plan(), replace=True)
    plan = ledger.plan_state().plan
    assert plan is not None
    k043 = plan.indicator("K04.3")
    assert k043 is not None
    halved = msgspec.structs.replace(k043, points=Decimal("0.5"))
    new = Indicator(id="K04.4", name="科技特派员驻村服务", points=Decimal("0.5"), section="center",
                    handler="yijiepin")
    stored = record(ledger, lambda: ledger.revise_plan(
        "huangyaqiong", [(ev.IndicatorRevised, {"indicator": halved}),
                         (ev.IndicatorAdded, {"indicator": new, "parent": "K04"})],
        reason="年中调整"))
    assert [e.kind for _, _, e in stored] == ["IndicatorRevised", "IndicatorAdded"]
    for _, originator, event in stored:
        assert originator == PLAN
        envelope(event, clock, actor="huangyaqiong", role="office", reason="年中调整")
    assert stored[1][2].parent == "K04" and stored[1][2].indicator == new

    (_, _, withdrawn), = record(ledger, lambda: ledger.change_plan(
        "yujunwei", ev.IndicatorWithdrawn, reason="任务取消", indicator_id="K04.2"))
    assert isinstance(withdrawn, ev.IndicatorWithdrawn) and withdrawn.indicator_id == "K04.2"
    envelope(withdrawn, clock, actor="yujunwei", role="leader", reason="任务取消")

    tiers = [Tier(name="一档", share=Decimal(1)), Tier(name="二档", share=Decimal("0.85")),
             Tier(name="未完成", share=Decimal(0))]
    (_, _, tiered), = record(ledger, lambda: ledger.change_plan(
        "huangyaqiong", ev.TierTableChanged, reason="县绩效办通知", tiers=tiers))
    assert isinstance(tiered, ev.TierTableChanged) and tiered.tiers == tiers

    deadlines = [Deadline(id="d9", name="第三季度报表", due=dt.date(2021, 10, 15),
                          reports=["quarterly:2021Q3"])]
    (_, _, dated), = record(ledger, lambda: ledger.change_plan(
        "huangyaqiong", ev.DeadlinesChanged, reason="延期", deadlines=deadlines))
    assert isinstance(dated, ev.DeadlinesChanged) and dated.deadlines == deadlines

    (_, _, submitted), = record(ledger, lambda: ledger.submit_plan(
        "huangyaqiong", meeting="2021年第9次局务会", meeting_date=dt.date(2021, 9, 22)))
    assert isinstance(submitted, ev.PlanSubmitted) and submitted.meeting_date == dt.date(2021, 9, 22)
    (_, _, approved), = record(ledger, lambda: ledger.approve_plan("perf_office", "安人社〔2021〕88号"))
    assert isinstance(approved, ev.PlanApproved) and approved.approval == "安人社〔2021〕88号"
    assert approved.approver == "县人社局"
    envelope(approved, clock, actor="perf_office", role="performance_office")

    state = ledger.plan_state()
    assert state.approved and state.withdrawn == {"K04.2"}
    assert state.plan is not None and state.plan.tiers == tiers and state.plan.deadlines == deadlines
    k04 = state.plan.indicator("K04")
    assert k04 is not None
    assert [(c.id, c.points) for c in k04.children] == [
        ("K04.1", 1), ("K04.2", 1), ("K04.3", Decimal("0.5")), ("K04.4", Decimal("0.5"))]


def test_a_plan_change_that_breaks_a_rule_stores_nothing(ledger: Ledger) -> None:
    plan = ledger.plan_state().plan
    assert plan is not None
    k041 = plan.indicator("K04.1")
    assert k041 is not None
    # alone, lowering one child's points breaks the parent's sum
    refused(ledger, "rule.parent_sum", lambda: ledger.change_plan(
        "huangyaqiong", ev.IndicatorRevised, reason="调整",
        indicator=msgspec.structs.replace(k041, points=Decimal("0.5"))))
    # the bundled plan declares its counts: a 44th key second-level indicator is refused
    refused(ledger, "rule.declared_count", lambda: ledger.revise_plan("huangyaqiong", [
        (ev.IndicatorRevised, {"indicator": msgspec.structs.replace(k041, points=Decimal("0.5"))}),
        (ev.IndicatorAdded, {"indicator": Indicator(id="K04.9", name="新增", points=Decimal("0.5")),
                             "parent": "K04"})], reason="调整"))
    refused(ledger, "cmd.unknown_indicator", lambda: ledger.change_plan(
        "huangyaqiong", ev.IndicatorAdded, reason="调整", parent="K99",
        indicator=Indicator(id="K99.1", name="新增", points=Decimal(1))))
    refused(ledger, "cmd.not_plan_change", lambda: ledger.change_plan(
        "huangyaqiong", ev.ProgressReported, reason="调整"))
    refused(ledger, "value.required", lambda: ledger.change_plan(
        "huangyaqiong", ev.IndicatorWithdrawn, reason="", indicator_id="K04.1"))
    refused(ledger, "value.too_long", lambda: ledger.change_plan(
        "huangyaqiong", ev.IndicatorRevised, reason="改名",
        indicator=msgspec.structs.replace(k041, name="名" * 201)))


# -- an indicator's year --------------------------------------------------------------------
def test_indicator_events(ledger: Ledger, clock: Clock) -> None:
    file_id = indicator_id(PLAN, "K04.1")

    (_, originator, assigned), = record(ledger, lambda: ledger.assign(
        "huangyaqiong", "K04.1", section="center", leader="tangjinlong", handler="yijiepin",
        liaison="liuyuqin", deadline=dt.date(2021, 12, 31), milestones=("9月底完成申报",),
        reason="责任分解"))
    assert originator == file_id
    assert isinstance(assigned, ev.Assigned)
    assert (assigned.section, assigned.leader, assigned.handler, assigned.liaison) == (
        "center", "tangjinlong", "yijiepin", "liuyuqin")
    assert assigned.deadline == dt.date(2021, 12, 31) and assigned.milestones == ["9月底完成申报"]
    envelope(assigned, clock, actor="huangyaqiong", role="office", reason="责任分解")

    (_, originator, progress), = record(ledger, lambda: ledger.report_progress(
        "yijiepin", "K04.1", period="2021Q3", percent=60, done="完成申报", problems="材料不全",
        next_steps="补齐材料", source="tui"))
    assert originator == file_id and isinstance(progress, ev.ProgressReported)
    assert (progress.indicator_id, progress.period, progress.percent) == ("K04.1", "2021Q3", 60)
    assert (progress.done, progress.problems, progress.next_steps) == ("完成申报", "材料不全", "补齐材料")
    # the third quarter is past: its progress is dated to the quarter's end
    envelope(progress, clock, actor="yijiepin", role="clerk", source="tui", effective=dt.date(2021, 9, 30))

    digest = hashlib.sha256(b"%PDF-1.7 ...").hexdigest()
    (_, _, evidence), = record(ledger, lambda: ledger.attach_evidence(
        "chenwencai", "K04.1", file_name="申报材料.pdf", sha256=digest.upper(), size=12,
        description="申报材料扫描件"))
    assert isinstance(evidence, ev.EvidenceAttached)
    assert (evidence.file_name, evidence.sha256, evidence.size) == ("申报材料.pdf", digest, 12)
    envelope(evidence, clock, actor="chenwencai", role="section_head")

    (_, _, assessed), = record(ledger, lambda: ledger.self_assess(
        "yijiepin", "K04.1", tier="一档", note="超额完成"))
    assert isinstance(assessed, ev.SelfAssessed) and (assessed.tier, assessed.note) == ("一档", "超额完成")
    envelope(assessed, clock, actor="yijiepin", role="clerk")

    (tier_at, _, awarded), = record(ledger, lambda: ledger.award_tier(
        "yujunwei", "K04.1", tier="二档", reason="复核"))
    assert isinstance(awarded, ev.TierAwarded)
    assert (awarded.tier, awarded.points) == ("二档", Decimal("0.90"))
    envelope(awarded, clock, actor="yujunwei", role="leader", reason="复核")

    (_, _, deducted), = record(ledger, lambda: ledger.adjust(
        "huangyaqiong", "deduction", "0.3", reason="材料逾期", basis="安科〔2021〕20号",
        indicator="K04.1"))
    assert isinstance(deducted, ev.Adjusted)
    assert (deducted.adjustment, deducted.amount, deducted.basis, deducted.indicator_id,
            deducted.section) == ("deduction", Decimal("0.30"), "安科〔2021〕20号", "K04.1", "center")
    envelope(deducted, clock, actor="huangyaqiong", role="office", reason="材料逾期")

    (finding_at, _, finding), = record(ledger, lambda: ledger.record_finding(
        "perf_office", method="明察暗访", finding_source="county-on-unit", count=2, per_item="0.5",
        indicator="K04.1", description="台账不全", rectify_by=dt.date(2021, 10, 31)))
    assert isinstance(finding, ev.FindingRecorded)
    assert (finding.count, finding.per_item, finding.cap, finding.deduction) == (
        2, Decimal("0.50"), Decimal(1), Decimal("1.00"))
    assert finding.rectify_by == dt.date(2021, 10, 31)
    envelope(finding, clock, actor="perf_office", role="performance_office")

    (_, _, resolved), = record(ledger, lambda: ledger.resolve_finding(
        "yijiepin", finding_at, outcome="rectified", note="已补齐台账"))
    assert isinstance(resolved, ev.FindingResolved)
    assert (resolved.finding, resolved.outcome, resolved.indicator_id) == (
        finding.originator_version, "rectified", "K04.1")
    envelope(resolved, clock, actor="yijiepin", role="clerk")

    (_, originator, corrected), = record(ledger, lambda: ledger.correct(
        "yujunwei", tier_at, reason="定档有误"))
    assert originator == file_id and isinstance(corrected, ev.Corrected)
    assert (corrected.voided, corrected.voided_kind, corrected.indicator_id) == (
        awarded.originator_version, "TierAwarded", "K04.1")
    envelope(corrected, clock, actor="yujunwei", role="leader", reason="定档有误")

    file = ledger.indicator_file(PLAN, "K04.1")
    assert file.version == 9 and file.voided == {awarded.originator_version: corrected.originator_version}
    versions = [e.originator_version for _, o, e in stored_events(ledger) if o == file_id]
    assert versions == list(range(1, 10))


def test_unit_events(ledger: Ledger, clock: Clock) -> None:
    unit = unit_id(PLAN)
    (_, originator, bonus), = record(ledger, lambda: ledger.adjust(
        "yujunwei", "bonus", "1.5", reason="省级表彰", basis="闽科〔2021〕5号", section="center"))
    assert originator == unit and isinstance(bonus, ev.Adjusted)
    assert (bonus.adjustment, bonus.amount, bonus.section, bonus.indicator_id) == (
        "bonus", Decimal("1.50"), "center", "")
    envelope(bonus, clock, actor="yujunwei", role="leader", reason="省级表彰")

    (_, _, deduction), = record(ledger, lambda: ledger.adjust(
        "huangyaqiong", "deduction", 2, reason="专项督查"))
    assert isinstance(deduction, ev.Adjusted) and deduction.amount == Decimal("2.00")

    (_, _, veto), = record(ledger, lambda: ledger.adjust("yujunwei", "veto", 0, reason="安全生产事故"))
    assert isinstance(veto, ev.Adjusted) and (veto.adjustment, veto.amount) == ("veto", 0)

    (_, originator, finding), = record(ledger, lambda: ledger.record_finding(
        "perf_office", method="电子监察", finding_source="county-on-unit", count=30, per_item="0.5"))
    assert originator == unit and isinstance(finding, ev.FindingRecorded)
    assert (finding.cap, finding.deduction, finding.indicator_id) == (Decimal(10), Decimal(10), "")

    content = {"period": "2021Q3", "rows": [{"indicator": "K04.1", "percent": 60}]}
    (report_at, _, report), = record(ledger, lambda: ledger.file_report(
        "chenwencai", "quarterly", content=content, period="2021Q3", section="center",
        reason="按期报送"))
    assert isinstance(report, ev.ReportFiled)
    assert (report.report, report.period, report.section) == ("quarterly", "2021Q3", "center")
    assert json.loads(report.content) == content
    assert report.digest == sha(report.content)
    # about the third quarter, which is past: dated to its end (lateness is judged by when it was recorded)
    envelope(report, clock, actor="chenwencai", role="section_head", reason="按期报送", effective=dt.date(2021, 9, 30))

    (_, _, remark), = record(ledger, lambda: ledger.audit_remark("gongfuan", "扣分依据已核实",
                                                                  about=report_at))
    assert isinstance(remark, ev.AuditRemarked) and (remark.remark, remark.about) == (
        "扣分依据已核实", report_at)
    envelope(remark, clock, actor="gongfuan", role="supervisor")

    top = ledger.max_position()
    head = digest_at(ledger.app, top)
    assert head is not None
    (_, originator, seal), = record(ledger, lambda: ledger.seal("gongfuan", top, head))
    assert originator == unit and isinstance(seal, ev.Sealed)
    assert (seal.position, seal.digest) == (top, head)
    envelope(seal, clock, actor="gongfuan", role="supervisor")


def test_a_seal_naming_a_digest_the_chain_does_not_hold_is_refused(ledger: Ledger) -> None:
    top = ledger.max_position()
    with pytest.raises(JixiaoError) as refused:
        ledger.seal("gongfuan", top, sha("not the chain"))
    assert refused.value.problems[0].code == "cmd.seal_mismatch"
    assert ledger.max_position() == top


def test_every_event_kind_is_covered() -> None:
    """The tests above record each kind of the directory, the plan and the indicators'
    year (the internal evaluation's kinds are tested with it)."""
    covered = {"UserRegistered", "RoleGranted", "RoleRevoked", "KeyAdded", "KeyRevoked",
               "PlanRegistered", "PlanLoaded", "IndicatorAdded", "IndicatorRevised",
               "IndicatorWithdrawn", "TierTableChanged", "DeadlinesChanged", "PlanApproved",
               "Assigned", "ProgressReported", "EvidenceAttached", "SelfAssessed", "TierAwarded",
               "Adjusted", "FindingRecorded", "FindingResolved", "ReportFiled", "Sealed",
               "AuditRemarked", "Corrected"}
    assert covered <= {t.__name__ for t in ev.EVENT_TYPES}


# -- the two clocks -------------------------------------------------------------------------
def test_back_dated_event_is_kept_and_visible(ledger: Ledger, clock: Clock) -> None:
    (_, _, event), = record(ledger, lambda: ledger.report_progress(
        "yijiepin", "K04.1", period="2021Q3", percent=100, done="9月底已完成",
        effective=dt.date(2021, 9, 30), reason="补录"))
    envelope(event, clock, actor="yijiepin", role="clerk", effective=dt.date(2021, 9, 30), reason="补录")
    assert event.effective < event.timestamp.date()
    (_, _, first_day), = record(ledger, lambda: ledger.award_tier(
        "yujunwei", "K04.2", tier="一档", effective=dt.date(2021, 1, 1)))
    assert first_day.effective == dt.date(2021, 1, 1)


def test_effective_in_the_future_or_before_the_plan_year_is_refused(ledger: Ledger) -> None:
    refused(ledger, "value.future", lambda: ledger.report_progress(
        "yijiepin", "K04.1", period="2021Q3", percent=60, effective=TODAY + dt.timedelta(days=1)))
    refused(ledger, "value.before_year", lambda: ledger.report_progress(
        "yijiepin", "K04.1", period="2021Q3", percent=60, effective=dt.date(2020, 12, 31)))
    refused(ledger, "value.future", lambda: ledger.adjust(
        "yujunwei", "bonus", 1, reason="表彰", effective=dt.date(2022, 1, 1)))


def test_effective_date_is_the_business_date_in_china(ledger: Ledger, clock: Clock) -> None:
    clock.set("2021-10-07T17:30:00")  # 01:30 on 8 October in Anxi
    (_, _, event), = record(ledger, lambda: ledger.report_progress(
        "yijiepin", "K04.1", period="2021Q4", percent=10))
    assert event.timestamp.date() == dt.date(2021, 10, 7)
    assert event.effective == dt.date(2021, 10, 8)


def test_recorded_time_is_stored_in_utc_whatever_the_clock_zone(db_path: str) -> None:
    beijing = dt.timezone(dt.timedelta(hours=8))
    with open_ledger(db_path, clock=lambda: dt.datetime(2021, 10, 8, 10, 0, tzinfo=beijing)) as ledger:
        ledger.bootstrap(bundled_plan())
        (_, _, event), = record(ledger, lambda: ledger.report_progress(
            "yijiepin", "K04.1", period="2021Q3", percent=10))
        assert event.timestamp == dt.datetime(2021, 10, 8, 2, 0, tzinfo=dt.UTC)
        assert event.timestamp.utcoffset() == dt.timedelta(0)
        raw = ledger.app.recorder.select_notifications(ledger.max_position(), 1)[0].state
        assert b'"timestamp":"2021-10-08T02:00:00Z"' in raw


# -- domain rules on every command --------------------------------------------------------
def test_points_never_exceed_the_caps(ledger: Ledger) -> None:
    refused(ledger, "cmd.over_points", lambda: ledger.adjust(
        "yujunwei", "deduction", "1.01", reason="扣分", indicator="K04.1"))
    refused(ledger, "cmd.over_cap", lambda: ledger.adjust("yujunwei", "bonus", "3.01", reason="加分"))
    refused(ledger, "cmd.over_cap", lambda: ledger.adjust("yujunwei", "deduction", 11, reason="扣分"))
    refused(ledger, "cmd.over_points", lambda: ledger.record_finding(
        "perf_office", method="查看资料", finding_source="county-on-unit", count=1, per_item="0.5",
        cap="1.5", indicator="K04.1"))
    refused(ledger, "value.cents", lambda: ledger.adjust("yujunwei", "bonus", "0.001", reason="加分"))
    refused(ledger, "value.positive", lambda: ledger.adjust("yujunwei", "bonus", "-1", reason="加分"))
    refused(ledger, "cmd.veto_amount", lambda: ledger.adjust("yujunwei", "veto", 1, reason="否决"))
    refused(ledger, "cmd.bonus_on_indicator", lambda: ledger.adjust(
        "yujunwei", "bonus", 1, reason="加分", indicator="K04.1"))
    refused(ledger, "cmd.not_leaf", lambda: ledger.award_tier("yujunwei", "K04", tier="一档"))
    refused(ledger, "value.percent", lambda: ledger.report_progress(
        "yijiepin", "K04.1", period="2021Q3", percent=101))
    refused(ledger, "value.period_year", lambda: ledger.report_progress(
        "yijiepin", "K04.1", period="2022Q1", percent=10))


def test_a_finding_deducts_count_times_per_item_within_its_cap(ledger: Ledger) -> None:
    def finding(**kw: Any) -> ev.FindingRecorded:
        event = ledger.record_finding("perf_office", method="查看资料", finding_source="county-on-unit",
                                      indicator="K05.1", **kw)
        assert isinstance(event, ev.FindingRecorded)
        return event

    assert finding(count=1, per_item="0.3").deduction == Decimal("0.30")
    assert finding(count=5, per_item="0.5").deduction == Decimal(1)  # capped at the points
    capped = finding(count=3, per_item="0.4", cap="0.8")
    assert (capped.cap, capped.deduction) == (Decimal("0.80"), Decimal("0.80"))
    refused(ledger, "value.positive", lambda: finding(count=0, per_item="0.5"))
    refused(ledger, "value.positive", lambda: finding(count=1, per_item="0"))


def test_a_tier_must_be_in_the_tier_table(ledger: Ledger) -> None:
    error = refused(ledger, "cmd.unknown_tier", lambda: ledger.award_tier("yujunwei", "K04.1", tier="五档"))
    assert "一档/二档/三档/四档/未完成" in error.message("en")
    refused(ledger, "cmd.unknown_tier", lambda: ledger.self_assess("yijiepin", "K04.1", tier="优"))


def test_nothing_is_recorded_on_a_withdrawn_indicator(ledger: Ledger) -> None:
    ledger.record_finding("perf_office", method="查看资料", finding_source="county-on-unit", count=1,
                          per_item="0.5", indicator="K06.1")
    finding_at = ledger.last_positions[-1]
    ledger.change_plan("yujunwei", ev.IndicatorWithdrawn, reason="取消", indicator_id="K06.1")
    ledger.change_plan("yujunwei", ev.IndicatorWithdrawn, reason="取消", indicator_id="K14")
    for indicator in ("K06.1", "K14", "K14.2"):  # the indicator, or one under a withdrawn one
        refused(ledger, "cmd.withdrawn", lambda i=indicator: ledger.report_progress(
            "yijiepin", i, period="2021Q3", percent=10))
    refused(ledger, "cmd.withdrawn", lambda: ledger.award_tier("yujunwei", "K06.1", tier="一档"))
    refused(ledger, "cmd.withdrawn", lambda: ledger.adjust(
        "yujunwei", "deduction", 1, reason="扣分", indicator="K06.1"))
    refused(ledger, "cmd.withdrawn", lambda: ledger.assign(
        "yujunwei", "K14.1", section="center", leader="yujunwei", handler="yijiepin"))
    refused(ledger, "cmd.withdrawn", lambda: ledger.resolve_finding(
        "yijiepin", finding_at, outcome="rectified"))
    refused(ledger, "cmd.withdrawn", lambda: ledger.correct("perf_office", finding_at, reason="撤销"))
    refused(ledger, "cmd.withdrawn", lambda: ledger.change_plan(
        "yujunwei", ev.IndicatorWithdrawn, reason="再撤", indicator_id="K06.1"))
    refused(ledger, "cmd.withdrawn", lambda: ledger.change_plan(
        "yujunwei", ev.IndicatorWithdrawn, reason="再撤", indicator_id="K14.3"))
    state: PlanAggregate = ledger.plan_state()
    assert state.withdrawn == {"K06.1", "K14"}


def test_a_correction_voids_once_and_is_never_voided(ledger: Ledger) -> None:
    ledger.award_tier("yujunwei", "K04.1", tier="一档")
    awarded_at = ledger.last_positions[-1]
    ledger.correct("yujunwei", awarded_at, reason="有误")
    corrected_at = ledger.last_positions[-1]
    refused(ledger, "cmd.already_voided", lambda: ledger.correct("yujunwei", awarded_at, reason="再次"))
    refused(ledger, "cmd.void_correction", lambda: ledger.correct("yujunwei", corrected_at, reason="撤回"))
    refused(ledger, "cmd.not_voidable", lambda: ledger.correct("yujunwei", 1, reason="目录事件"))
    refused(ledger, "ledger.no_event", lambda: ledger.correct("yujunwei", 10_000, reason="不存在"))


def test_text_fields_have_length_limits(ledger: Ledger) -> None:
    refused(ledger, "value.too_long", lambda: ledger.report_progress(
        "yijiepin", "K04.1", period="2021Q3", percent=10, done="字" * 4001))
    refused(ledger, "value.too_long", lambda: ledger.award_tier(
        "yujunwei", "K04.1", tier="一档", reason="因" * 2001))
    refused(ledger, "value.too_long", lambda: ledger.audit_remark("gongfuan", "注" * 4001))
    refused(ledger, "value.too_long", lambda: ledger.add_user("admin", "u" * 65, "名"))
    refused(ledger, "value.too_long", lambda: ledger.add_user("admin", "wangwu", "王五", title="职" * 201))
    refused(ledger, "value.too_long", lambda: ledger.attach_evidence(
        "yijiepin", "K04.1", file_name="f" * 256, sha256=sha("x"), size=1))
    refused(ledger, "value.too_long", lambda: ledger.add_key("admin", "yijiepin", "ssh-ed25519 " + "A" * 16_000))
    refused(ledger, "value.control", lambda: ledger.report_progress(
        "yijiepin", "K04.1", period="2021Q3", percent=10, done="a\x00b"))
    refused(ledger, "value.required", lambda: ledger.audit_remark("gongfuan", "  "))
    # at the limit is fine
    ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=10, done="字" * 4000)


def test_a_duplicate_submission_is_refused(ledger: Ledger) -> None:
    ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=60, done="完成申报")
    refused(ledger, "cmd.duplicate", lambda: ledger.report_progress(
        "liuyuqin", "K04.1", period="2021Q3", percent=60, done="完成申报"))
    ledger.attach_evidence("yijiepin", "K04.1", file_name="a.pdf", sha256=sha("a"), size=1)
    refused(ledger, "cmd.duplicate", lambda: ledger.attach_evidence(
        "yijiepin", "K04.1", file_name="b.pdf", sha256=sha("a"), size=1))
    ledger.file_report("chenwencai", "quarterly", content={"q": 3}, period="2021Q3", section="center")
    refused(ledger, "cmd.duplicate", lambda: ledger.file_report(
        "chenwencai", "quarterly", content={"q": 3}, period="2021Q3", section="center"))
    # voiding the first makes the same submission acceptable again
    ledger.correct("chenwencai", ledger.last_positions[-1], reason="重报")
    ledger.file_report("chenwencai", "quarterly", content={"q": 3}, period="2021Q3", section="center")


def test_an_unknown_user_indicator_or_section_is_refused(ledger: Ledger) -> None:
    refused(ledger, "auth.unknown_user", lambda: ledger.report_progress(
        "nobody", "K04.1", period="2021Q3", percent=10))
    refused(ledger, "cmd.unknown_indicator", lambda: ledger.report_progress(
        "yijiepin", "K99.9", period="2021Q3", percent=10))
    refused(ledger, "cmd.unknown_section", lambda: ledger.assign(
        "yujunwei", "K04.1", section="nowhere", leader="yujunwei", handler="yijiepin"))
    refused(ledger, "auth.unknown_user", lambda: ledger.assign(
        "yujunwei", "K04.1", section="center", leader="yujunwei", handler="nobody"))
    refused(ledger, "cmd.unknown_section", lambda: ledger.add_user("admin", "wangwu", "王五", section="x"))
    refused(ledger, "cmd.unknown_role", lambda: ledger.add_user("admin", "wangwu", "王五", roles=("boss",)))
    refused(ledger, "cmd.user_exists", lambda: ledger.add_user("admin", "yijiepin", "易婕频"))


def test_a_revoked_user_can_no_longer_act(ledger: Ledger) -> None:
    ledger.grant("admin", "yijiepin", "clerk", revoke=True, reason="离岗")
    refused(ledger, "auth.no_roles", lambda: ledger.report_progress(
        "yijiepin", "K04.1", period="2021Q3", percent=10))


def test_reassignment_moves_an_indicator_to_another_section(ledger: Ledger) -> None:
    refused(ledger, "auth.wrong_section", lambda: ledger.report_progress(
        "xiewanting", "K04.1", period="2021Q3", percent=10))
    ledger.assign("yujunwei", "K04.1", section="business", leader="yujunwei", handler="xiewanting")
    assigned_at = ledger.last_positions[-1]
    ledger.report_progress("xiewanting", "K04.1", period="2021Q3", percent=10)
    refused(ledger, "auth.wrong_section", lambda: ledger.report_progress(
        "yijiepin", "K04.1", period="2021Q3", percent=20))
    ledger.correct("yujunwei", assigned_at, reason="分解有误")
    ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=20)


# -- the same through the command line ------------------------------------------------------
def test_the_command_line_records_with_the_same_envelope(tmp_path: Any) -> None:
    from tests.conftest import jixiao

    db = str(tmp_path / "cli.db")
    assert jixiao("init", "--example", db=db).returncode == 0
    users = json.loads(jixiao("users", "list", "--format", "json", db=db).stdout)
    by_id = {u["id"]: u for u in users}
    assert {p.id for p in bundled_plan().people} <= set(by_id)
    assert {k: by_id["yijiepin"][k] for k in ("id", "name", "roles", "section")} == {
        "id": "yijiepin", "name": "易婕频", "roles": ["clerk"], "section": "center"}
    assert by_id["yujunwei"]["roles"] == ["leader"] and by_id["gongfuan"]["roles"] == ["supervisor"]

    progress = jixiao("--as", "yijiepin", "record", "progress", "K04.1", "--period", "2021Q3",
                      "--percent", "60", "--note", "完成申报", "--effective", "2021-09-30", db=db)
    assert progress.returncode == 0, progress.stderr
    tier = jixiao("--as", "yujunwei", "record", "tier", "K04.1", "--tier", "二档", "--reason", "复核", db=db)
    assert tier.returncode == 0, tier.stderr
    added = jixiao("users", "add", "wangwu", "王五", "--section", "center", "--role", "clerk", db=db)
    assert added.returncode == 0, added.stderr  # no --as: the ledger's admin

    log = json.loads(jixiao("log", "--limit", "4", "--format", "json", db=db).stdout)
    assert [e["kind"] for e in log] == ["ProgressReported", "TierAwarded", "UserRegistered", "RoleGranted"]
    first, second, third, _ = log
    assert (first["actor"], first["role"], first["effective"], first["source"]) == (
        "yijiepin", "clerk", "2021-09-30", "cli")
    assert first["payload"]["done"] == "完成申报" and first["payload"]["percent"] == 60
    assert first["recorded"].endswith("Z")  # UTC
    assert (second["actor"], second["role"], second["reason"], second["payload"]["tier"]) == (
        "yujunwei", "leader", "复核", "二档")
    assert (third["actor"], third["role"]) == ("admin", "admin")
    assert [e["position"] for e in log] == sorted(e["position"] for e in log)
