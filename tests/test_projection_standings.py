"""Standings computed by hand for a small plan: tiers, deductions with caps, findings and
appeals, capped bonuses and unit deductions, a veto, and corrections voiding entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from domain.commands import Ledger
from domain.errors import JixiaoError
from domain.plan import Category, Grade, Indicator, Person, Plan, Rules, Section
from domain.rules import check
from projections.replay import replay
from projections.self_inspection import markdown, self_inspection
from projections.standings import standings
from store import open_ledger
from store.readers import log_reader

TODAY = dt.date(2021, 12, 31)


def small_plan() -> Plan:
    def leaf(id_: str, name: str, points: str, section: str) -> Indicator:
        return Indicator(id=id_, name=name, points=D(points), section=section)

    return Plan(
        unit="测试局", year=2021, title="测试局2021年度绩效评估工作方案",
        sections=[Section(id="a", name="甲股"), Section(id="b", name="乙股")],
        people=[Person(id="boss", name="局长", leadership="组长"),
                Person(id="ca", name="甲干部", section="a", roles=["clerk"]),
                Person(id="cb", name="乙干部", section="b", roles=["clerk"]),
                Person(id="perf", name="县绩效办", roles=["performance_office"]),
                Person(id="admin", name="管理员", roles=["admin"])],
        categories=[Category(id="key", name="重点工作目标", kind="functional", work="key", points=D(6),
                             first_level_cap=D(3)),
                    Category(id="cap", name="行政能力目标", kind="capacity", work="capacity", points=D(4))],
        indicators=[
            Indicator(id="K1", name="一", points=D(3), category="key", section="a",
                      children=[leaf("K1.1", "一之一", "1.5", "a"), leaf("K1.2", "一之二", "1.5", "a")]),
            Indicator(id="K2", name="二", points=D(3), category="key", section="b",
                      children=[leaf("K2.1", "二之一", "2", "b"), leaf("K2.2", "二之二", "1", "b")]),
            Indicator(id="C1", name="能力", points=D(4), category="cap", section="a",
                      children=[leaf("C1.1", "能力之一", "2", "a"), leaf("C1.2", "能力之二", "2", "b")]),
        ],
        grades=[Grade(name="优秀", min=D(9)), Grade(name="良好", min=D(8)), Grade(name="一般", min=D(6)),
                Grade(name="较差", min=D(0))],
        rules=Rules(total=D(10), min_first_level_functional=1, min_children=2),
    )


@pytest.fixture
def small(db_path, clock):
    clock.set("2021-12-01T02:00:00")
    with open_ledger(db_path, clock=clock) as ledger:
        ledger.bootstrap(small_plan())
        yield ledger


def now(ledger: Ledger, **clocks):
    fold = replay(log_reader(ledger.app), **clocks)
    return standings(fold.plan_fold(), today=TODAY, as_of=clocks.get("as_of"))


def scores(s) -> dict[str, D]:
    return {i.id: i.score for i in s.indicators}


def test_the_small_plan_passes_its_rules():
    assert check(small_plan()) == []


def test_a_year_scored_by_hand(small: Ledger, clock):
    lg = small
    for ind, tier in [("K1.1", "一档"), ("K1.2", "三档"), ("K2.1", "二档"), ("K2.2", "未完成"),
                      ("C1.1", "四档"), ("C1.2", "一档")]:
        lg.award_tier("boss", ind, tier=tier, reason="定档")
    s = now(lg)
    assert scores(s)["K1.2"] == D("1.20") and scores(s)["C1.1"] == D("1.20")
    assert s.total == D("1.50") + D("1.20") + D("1.80") + 0 + D("1.20") + D("2.00")

    clock.set("2021-12-02T02:00:00")
    lg.award_tier("boss", "C1.2", tier="二档", reason="复核后调整")  # the latest award counts
    # a finding of 3 x 0.80 is capped at the indicator's 1.50 points, and a leaf never goes below 0
    lg.record_finding("perf", method="明察暗访", finding_source="county-on-unit", count=3,
                      per_item="0.8", indicator="K1.1", description="窗口无人")
    lg.adjust("boss", "deduction", "0.5", reason="迟报", indicator="K1.2")
    lg.record_finding("perf", method="现场调查", finding_source="county-on-unit", count=1,
                      per_item="0.3", indicator="K2.1", description="进度不符")
    appealed = lg.last_positions[-1]
    lg.resolve_finding("perf", appealed, outcome="appeal-upheld", note="申诉成立")
    # bonuses 2.00 + 1.50 are capped at 3; unit deductions 0.50 + 0.40, and a mistaken 2.00 voided
    lg.adjust("boss", "bonus", "2", reason="表彰", basis="通报一")
    lg.adjust("boss", "bonus", "1.5", reason="表彰", basis="通报二")
    lg.adjust("boss", "deduction", "0.5", reason="专项督查")
    lg.record_finding("perf", method="受理投诉", finding_source="county-on-unit", count=1, per_item="0.4")
    lg.adjust("boss", "deduction", "2", reason="重复录入")
    lg.correct("boss", lg.last_positions[-1], reason="重复扣分")

    s = now(lg)
    expected = {"K1.1": D(0), "K1.2": D("0.70"), "K2.1": D("1.80"), "K2.2": D(0), "C1.1": D("1.20"),
                "C1.2": D("1.80")}
    assert {k: scores(s)[k] for k in expected} == expected
    assert scores(s)["K1"] == D("0.70") and scores(s)["K2"] == D("1.80")
    assert (s.bonus.raw, s.bonus.applied) == (D("3.50"), D(3))
    assert (s.unit_deductions.raw, s.unit_deductions.applied) == (D("0.90"), D("0.90"))
    assert s.functional == D("2.50") and s.capacity == D("3.00")
    assert s.total == D("5.50") + 3 - D("0.90") == D("7.60")
    assert s.grade == "一般"
    sections = {x.id: (x.points, x.score, x.rate) for x in s.sections}
    assert sections == {"a": (D(5), D("1.90"), D("38.00")), "b": (D(5), D("3.60"), D("72.00"))}

    # a veto sets the lowest grade whatever the total; voiding it restores the grade
    lg.adjust("boss", "veto", "0", reason="发生重大责任事故", basis="县委通报")
    s = now(lg)
    assert (s.total, s.grade, s.veto) == (D("7.60"), "较差", True)
    lg.correct("boss", lg.last_positions[-1], reason="通报已撤销")
    assert now(lg).grade == "一般"

    # voiding the latest award falls back to the one before it
    award = next(p for p, e in _events(lg) if e.kind == "TierAwarded" and e.indicator_id == "C1.2"
                 and e.tier == "二档")
    lg.correct("boss", award, reason="录入错误")
    assert scores(now(lg))["C1.2"] == D("2.00")


def test_projected_uses_self_assessment_and_is_never_mixed_in(small: Ledger):
    small.self_assess("ca", "K1.1", tier="一档")
    small.self_assess("cb", "K2.1", tier="二档")
    s = now(small)
    assert s.total == 0
    assert s.projected_total == D("1.50") + D("1.80")
    by_id = {i.id: i for i in s.indicators}
    assert (by_id["K1.1"].score, by_id["K1.1"].projected, by_id["K1.1"].self_tier) == (0, D("1.50"), "一档")


def test_a_veto_against_an_indicator_vetoes_the_unit_and_its_section(small: Ledger):
    for ind in ("K1.1", "K1.2", "K2.1", "K2.2", "C1.1", "C1.2"):
        small.award_tier("boss", ind, tier="一档")
    assert now(small).grade == "优秀"
    small.adjust("boss", "veto", "0", reason="安全生产事故", indicator="K2.1", basis="县委通报")
    s = now(small)
    assert (s.total, s.grade, s.veto) == (D(10), "较差", True)
    assert {x.id: x.grade for x in s.sections} == {"a": "优秀", "b": "较差"}


def test_the_total_never_goes_below_zero(small: Ledger):
    small.adjust("boss", "deduction", "5", reason="专项督查")
    s = now(small)
    assert (s.total, s.unit_deductions.applied) == (0, D(5))


def test_a_withdrawn_indicator_earns_and_counts_nothing(small: Ledger):
    from domain import events as ev

    small.award_tier("boss", "K2.2", tier="一档")
    small.award_tier("boss", "K2.1", tier="一档")
    assert now(small).total == D(3)
    small.change_plan("boss", ev.IndicatorWithdrawn, reason="上级取消该项任务", indicator_id="K2.2")
    s = now(small)
    assert s.total == D(2)
    assert {x.id: x.points for x in s.sections}["b"] == D(4)  # K2.1 2 + C1.2 2


def test_as_of_and_known_at_give_the_standings_of_that_moment(small: Ledger, clock):
    small.award_tier("boss", "C1.2", tier="一档", effective=dt.date(2021, 11, 1))
    clock.set("2021-12-03T02:00:00")
    small.award_tier("boss", "C1.2", tier="三档", effective=dt.date(2021, 12, 3))
    assert scores(now(small))["C1.2"] == D("1.60")
    assert scores(now(small, as_of=dt.date(2021, 11, 30)))["C1.2"] == D("2.00")
    known = dt.datetime(2021, 12, 2, tzinfo=dt.UTC)
    assert scores(now(small, known_at=known))["C1.2"] == D("2.00")
    # a back-dated award recorded later shows only once it is known
    clock.set("2021-12-05T02:00:00")
    small.award_tier("boss", "C1.1", tier="一档", effective=dt.date(2021, 11, 15))
    assert scores(now(small, as_of=dt.date(2021, 11, 30)))["C1.1"] == D(2)
    assert scores(now(small, as_of=dt.date(2021, 11, 30), known_at=known))["C1.1"] == 0


def _events(ledger: Ledger):
    from tests.stored import stored_events

    return [(p, e) for p, _, e in stored_events(ledger)]


def test_a_correction_takes_effect_on_its_effective_date(small: Ledger, clock):
    award = small.award_tier("boss", "C1.2", tier="一档", effective=dt.date(2021, 11, 1))
    assert award.kind == "TierAwarded"
    position = small.max_position()
    clock.set("2021-12-10T02:00:00")
    small.correct("boss", position, reason="定档有误", effective=dt.date(2021, 11, 20))
    assert scores(now(small, as_of=dt.date(2021, 11, 19)))["C1.2"] == D("2.00")
    assert scores(now(small, as_of=dt.date(2021, 11, 20)))["C1.2"] == 0
    assert scores(now(small))["C1.2"] == 0


def test_every_record_commands_effective_date_is_kept(small: Ledger, clock):
    day = dt.date(2021, 11, 5)
    events = [
        small.assign("boss", "K1.1", section="a", leader="boss", handler="ca", effective=day),
        small.report_progress("ca", "K1.1", period="2021Q4", percent=40, effective=day),
        small.attach_evidence("ca", "K1.1", file_name="a.pdf", sha256="0" * 64, size=1, effective=day),
        small.self_assess("ca", "K1.1", tier="一档", effective=day),
        small.award_tier("boss", "K1.1", tier="二档", effective=day),
        small.adjust("boss", "bonus", "0.5", reason="表彰", effective=day),
        small.adjust("boss", "deduction", "0.5", reason="迟报", indicator="K1.2", effective=day),
        small.record_finding("perf", method="明察暗访", finding_source="county-on-unit", count=1,
                             per_item="0.1", indicator="K1.1", effective=day),
    ]
    assert [e.effective for e in events] == [day] * len(events)
    finding = small.max_position()
    resolved = small.resolve_finding("ca", finding, outcome="rectified", effective=day)
    corrected = small.correct("perf", finding, reason="误录", effective=day)
    assert resolved.effective == day and corrected.effective == day


def test_an_entry_about_a_past_quarter_is_dated_to_its_end(small: Ledger, clock):
    clock.set("2021-12-01T02:00:00")
    q3 = small.report_progress("ca", "K1.1", period="2021Q3", percent=50)
    q4 = small.report_progress("ca", "K1.1", period="2021Q4", percent=80)
    assert q3.effective == dt.date(2021, 9, 30)  # the quarter is past
    assert q4.effective == dt.date(2021, 12, 1)  # the current quarter: today


def test_a_date_after_the_years_filing_window_is_refused(small: Ledger, clock):
    clock.set("2022-04-02T02:00:00")
    before = small.max_position()
    with pytest.raises(JixiaoError) as info:
        small.award_tier("boss", "K1.1", tier="一档", effective=dt.date(2022, 4, 1))
    assert [p.code for p in info.value.problems] == ["value.after_year"]
    assert "2022-03-31" in info.value.message("en")
    assert small.max_position() == before
    late = small.award_tier("boss", "K1.1", tier="一档", effective=dt.date(2022, 3, 31))
    assert late.effective == dt.date(2022, 3, 31)


def test_progress_going_backwards_needs_a_reason(small: Ledger, clock):
    clock.set("2021-12-01T02:00:00")
    small.report_progress("ca", "K1.1", period="2021Q3", percent=70)
    before = small.max_position()
    with pytest.raises(JixiaoError) as info:
        small.report_progress("ca", "K1.1", period="2021Q4", percent=60)
    assert [p.code for p in info.value.problems] == ["cmd.progress_backwards"]
    assert "70%" in info.value.message("en") and "2021Q3" in info.value.message("en")
    assert small.max_position() == before
    later = small.report_progress("ca", "K1.1", period="2021Q4", percent=60, reason="口径调整，按新口径重报")
    assert later.percent == 60


def test_an_entry_after_the_indicator_was_tiered_needs_a_reason(small: Ledger, clock):
    small.award_tier("boss", "K1.1", tier="一档")
    before = small.max_position()
    for call in (lambda **kw: small.report_progress("ca", "K1.1", period="2021Q4", percent=90, **kw),
                 lambda **kw: small.self_assess("ca", "K1.1", tier="二档", **kw),
                 lambda **kw: small.attach_evidence("ca", "K1.1", file_name="b.pdf", sha256="1" * 64, size=2,
                                                    **kw)):
        with pytest.raises(JixiaoError) as info:
            call()
        assert [p.code for p in info.value.problems] == ["cmd.after_tier"]
        assert small.max_position() == before
    assert small.report_progress("ca", "K1.1", period="2021Q4", percent=90, reason="补报").percent == 90


def test_the_self_inspection_at_its_due_date_stands_on_the_units_own_assessment(small: Ledger, clock):
    """Every leaf self-assessed 一档 but C1.2 二档 (0.9 of 2 points): 1.5+1.5+2+1+2+1.8 = 9.80, 优秀;
    the county has tiered nothing yet, so its total is 0 and says so."""
    who = {"K1.1": "ca", "K1.2": "ca", "K2.1": "cb", "K2.2": "cb", "C1.1": "ca", "C1.2": "cb"}
    for leaf, clerk in who.items():
        small.self_assess(clerk, leaf, tier="二档" if leaf == "C1.2" else "一档")
    clock.set("2022-01-05T02:00:00")
    fold = replay(log_reader(small.app), as_of=dt.date(2021, 12, 31),
                  known_at=dt.datetime(2022, 1, 5, 8, tzinfo=dt.UTC))
    s = standings(fold.plan_fold(), today=TODAY, as_of=dt.date(2021, 12, 31))
    assert (s.self_assessed.total, s.self_assessed.grade) == (D("9.80"), "优秀")
    assert (s.total, s.tiered) == (0, 0)
    report = self_inspection(fold, fold.plan_fold(), lambda positions: {}, today=dt.date(2022, 1, 5))
    assert (report.self_assessed.total, report.self_assessed.grade) == (D("9.80"), "优秀")
    text = markdown(report)
    assert "自评得分 **9.80** 分，自评等次为 **优秀**" in text and "县考评尚未定档" in text
