"""A record command costs the same however long an indicator's history: the decision
works on the indicator's state as kept, carried forward, never copied, and decides from
per-period bests and counts instead of walking every earlier entry."""

from __future__ import annotations

import pytest

from domain.aggregates import IndicatorAggregate, indicator_id, plan_id
from domain.commands import Ledger
from domain.errors import JixiaoError
from store import open_ledger
from tests.conftest import Clock

PLAN = plan_id("安溪县科学技术局", 2021)
K041 = indicator_id(PLAN, "K04.1")


def kept(ledger: Ledger) -> IndicatorAggregate:
    aggregate, _ = ledger._kept[K041]
    assert isinstance(aggregate, IndicatorAggregate)
    return aggregate


def test_a_progress_report_carries_the_indicator_forward_without_copying_it(ledger: Ledger) -> None:
    for i in range(30):
        ledger.report_progress("yijiepin", "K04.1", period="2021Q1", percent=i, done=f"第{i}次")
    before = kept(ledger)
    ledger.report_progress("yijiepin", "K04.1", period="2021Q2", percent=40, done="新季度")
    after = kept(ledger)
    assert after is before  # the same state, one entry longer: nothing of the history copied
    assert after.version == 31 and after.best["2021Q2"] == (40, 31)


def test_a_refused_command_leaves_the_kept_indicator_as_stored(ledger: Ledger) -> None:
    ledger.report_progress("yijiepin", "K04.1", period="2021Q2", percent=60, done="过半")
    with pytest.raises(JixiaoError) as info:
        ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=50, done="倒退")
    assert [p.code for p in info.value.problems] == ["cmd.progress_backwards"]
    with pytest.raises(JixiaoError):  # the same duplicate twice: refused again, nothing kept of it
        ledger.report_progress("yijiepin", "K04.1", period="2021Q2", percent=60, done="过半")
    ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=70, done="推进")
    assert kept(ledger).version == 2
    assert ledger.indicator_file(PLAN, "K04.1").best == {"2021Q2": (60, 1), "2021Q3": (70, 2)}


def test_voiding_the_best_progress_of_a_period_lets_lower_progress_in(ledger: Ledger) -> None:
    ledger.report_progress("yijiepin", "K04.1", period="2021Q2", percent=30, done="起步")
    ledger.report_progress("yijiepin", "K04.1", period="2021Q2", percent=80, done="多报")
    wrong = ledger.last_positions[0]
    with pytest.raises(JixiaoError):
        ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=50, done="实际")
    ledger.correct("yijiepin", wrong, reason="误报")
    ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=50, done="实际")
    assert ledger.indicator_file(PLAN, "K04.1").reported_before("2021Q3") == ("2021Q2", 30)


def test_a_tier_voided_leaves_the_indicator_untiered(ledger: Ledger) -> None:
    ledger.award_tier("yujunwei", "K04.1", tier="二档", reason="复核")
    awarded = ledger.last_positions[0]
    assert ledger.indicator_file(PLAN, "K04.1").tiered
    ledger.correct("yujunwei", awarded, reason="定档有误")
    assert not ledger.indicator_file(PLAN, "K04.1").tiered
    ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=90, done="无需理由")


def test_a_write_by_another_process_is_seen_by_the_next_decision(db_path: str, ledger: Ledger,
                                                                 clock: Clock) -> None:
    ledger.report_progress("yijiepin", "K04.1", period="2021Q2", percent=40, done="甲")
    with open_ledger(db_path, clock=clock) as other:
        other.report_progress("yijiepin", "K04.1", period="2021Q2", percent=70, done="乙")
    with pytest.raises(JixiaoError) as info:
        ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=50, done="丙")
    assert info.value.problems[0].params["earlier"] == "70"
    assert ledger.indicator_file(PLAN, "K04.1").version == 2
