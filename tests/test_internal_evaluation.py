"""The internal evaluation (内部考评, seed part 四(五)): 20% of an unchanged bonus pool split
by rating, exact to the fen; sections and staff ranked and graded; vetoes; the lock.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from domain import events as ev
from domain.commands import Ledger
from domain.errors import JixiaoError
from domain.plan import Grade
from domain.plan_io import bundled_plan
from projections.internal import Participant, allocate, replay_internal, results_for
from projections.replay import replay
from projections.standings import standings, veto_notes
from projections.stream import read_at
from store import open_ledger
from store.readers import log_reader
from tests.conftest import jixiao
from tests.stored import stored_events

LEADER, OFFICE = "yujunwei", "huangyaqiong"  # 副组长 of the leadership group; its office


def refused(code: str, call: Any) -> JixiaoError:
    with pytest.raises(JixiaoError) as caught:
        call()
    assert code in [p.code for p in caught.value.problems], caught.value.message("en")
    return caught.value


def results(ledger: Ledger) -> Any:
    log = log_reader(ledger.app)
    return results_for(replay(log), replay_internal(log), today=ledger.clock().date(),
                       read=lambda positions: read_at(log, positions))


def small_bureau(ledger: Ledger) -> None:
    """Two leaders and three cadres; leaders' base weight 1.2; a pool of 12,345.67 yuan."""
    ledger.set_internal_method(LEADER, category_weights={"领导": "1.2"}, reason="局党组会议研究")
    ledger.set_bonus_pool(LEADER, "12345.67", reason="2021 年度绩效奖金总额")
    ledger.rate_staff(LEADER, "yujunwei", grade="优秀")  # a leader: category 领导 by default
    ledger.rate_staff(LEADER, "tangjinlong", grade="良好")
    ledger.rate_staff(OFFICE, "linzefu", score=95)  # 优秀
    ledger.rate_staff(OFFICE, "chenwencai", score=85)  # 良好
    ledger.rate_staff(OFFICE, "yijiepin", score="70", reason="季度报表两次逾期")  # 一般


# -- the split, by hand -------------------------------------------------------------------
def test_a_small_bureau_is_split_exactly_as_computed_by_hand() -> None:
    """Pool 1,234,567 fen; 20% is 246,913.4 -> 246,913 (half-even); base 987,654.

    Base by weight 1.2/1.2/1/1/1 (sum 5.4): leaders 219,478.67, cadres 182,898.89; 4 fen
    left go to the cadres (.89) and then the first leader by id (.67, tie). The
    differentiated part goes 4/9 to 领导 (109,739.11 -> 109,739) and 5/9 to 干部
    (137,173.89 -> 137,174). Within 领导 1.2:1.0 gives 59,857.64 / 49,881.36 -> 59,858 /
    49,881; within 干部 1.2:1.0:0.8 gives 54,869.6 / 45,724.67 / 36,579.73, and the 2 fen
    left go to .73 and .67: 54,869 / 45,725 / 36,580.
    """
    people = [
        Participant(person="yujunwei", category="领导", base_weight=Decimal("1.2"), weight=Decimal("1.2"),
                    order=(0, "yujunwei")),
        Participant(person="tangjinlong", category="领导", base_weight=Decimal("1.2"), weight=Decimal("1.0"),
                    order=(1, "tangjinlong")),
        Participant(person="linzefu", category="干部", base_weight=Decimal(1), weight=Decimal("1.2"),
                    order=(0, "linzefu")),
        Participant(person="chenwencai", category="干部", base_weight=Decimal(1), weight=Decimal("1.0"),
                    order=(1, "chenwencai")),
        Participant(person="yijiepin", category="干部", base_weight=Decimal(1), weight=Decimal("0.8"),
                    order=(2, "yijiepin")),
    ]
    split = allocate(1_234_567, Decimal("0.2"), people)
    assert (split.differentiated_fen, split.base_fen) == (246_913, 987_654)
    assert split.categories == {"干部": 137_174, "领导": 109_739}
    assert split.shares == {
        "yujunwei": (219_478, 59_858),
        "tangjinlong": (219_479, 49_881),
        "linzefu": (182_899, 54_869),
        "chenwencai": (182_899, 45_725),
        "yijiepin": (182_899, 36_580),
    }
    assert sum(b + d for b, d in split.shares.values()) == 1_234_567


def test_half_a_fen_rounds_to_even() -> None:
    assert allocate(5, Decimal("0.3"), []).differentiated_fen == 2  # 1.5 -> 2
    assert allocate(25, Decimal("0.1"), []).differentiated_fen == 2  # 2.5 -> 2
    assert allocate(35, Decimal("0.1"), []).differentiated_fen == 4  # 3.5 -> 4


def test_the_ledger_gives_the_hand_computed_split(ledger: Ledger) -> None:
    small_bureau(ledger)
    r = results(ledger)
    got = {p.person: (p.category, p.grade, p.base_fen, p.differentiated_fen, p.total_fen) for p in r.staff}
    assert got == {
        "yujunwei": ("领导", "优秀", 219_478, 59_858, 279_336),
        "tangjinlong": ("领导", "良好", 219_479, 49_881, 269_360),
        "linzefu": ("干部", "优秀", 182_899, 54_869, 237_768),
        "chenwencai": ("干部", "良好", 182_899, 45_725, 228_624),
        "yijiepin": ("干部", "一般", 182_899, 36_580, 219_479),
    }
    assert sum(p.total_fen for p in r.staff) == r.pool_fen == 1_234_567
    # staff ranking: better grade, then higher score; 领导 and 干部 ranked apart as well
    assert [(p.person, p.rank, p.category_rank) for p in r.staff] == [
        ("linzefu", 1, 1), ("yujunwei", 2, 1), ("chenwencai", 3, 2), ("tangjinlong", 4, 2),
        ("yijiepin", 5, 3)]


def test_a_later_rating_replaces_the_earlier_one(ledger: Ledger) -> None:
    small_bureau(ledger)
    ledger.rate_staff(OFFICE, "yijiepin", score=91, reason="复核后调整")
    r = results(ledger)
    assert len(r.staff) == 5
    assert next(p for p in r.staff if p.person == "yijiepin").grade == "优秀"


# -- sections: standings and leadership ratings --------------------------------------------
def test_a_sections_internal_score_joins_its_standings_rate_and_the_leaders_rating(ledger: Ledger) -> None:
    plan = bundled_plan()
    for ind, _ in plan.leaves():
        if ind.section == "center":
            ledger.award_tier(LEADER, ind.id, tier="二档")  # 90% of every point: rate 90
    ledger.rate_section(LEADER, "center", 80, reason="领导小组评议")
    r = results(ledger)
    center = next(s for s in r.sections if s.id == "center")
    assert (center.rate, center.rating, center.score) == (Decimal("90.00"), Decimal("80.00"), Decimal("87.00"))
    assert (center.grade, center.rank) == ("良好", 1)  # 0.7 x 90 + 0.3 x 80 = 87
    others = [s for s in r.sections if s.id != "center"]
    assert all(s.rating is None and s.score == s.rate == 0 for s in others)


def test_a_vetoed_section_gets_the_lowest_grade_whatever_its_score_and_the_reports_say_why(
        ledger: Ledger) -> None:
    for ind, _ in bundled_plan().leaves():
        if ind.section == "center":
            ledger.award_tier(LEADER, ind.id, tier="一档")
    ledger.adjust(LEADER, "veto", 0, reason="发生安全生产责任事故", basis="安委〔2021〕5号", section="center")
    s = standings(replay(log_reader(ledger.app)).plan_fold(), today=ledger.clock().date())
    center = next(x for x in s.sections if x.id == "center")
    assert (center.rate, center.grade, center.veto) == (Decimal("100.00"), "较差", True)
    assert s.grade == "较差" and s.veto
    (veto, why), = veto_notes(s, lambda positions: read_at(log_reader(ledger.app), positions))
    assert veto.section == "center" and why == "理由：发生安全生产责任事故；依据：安委〔2021〕5号"
    section = next(x for x in results(ledger).sections if x.id == "center")
    assert (section.score, section.grade, section.veto) == (Decimal("100.00"), "较差", True)
    assert "安全生产责任事故" in section.veto_note
    assert section.rank == 3  # ranked after every section not vetoed
    from projections.self_inspection import markdown, self_inspection

    year = replay(log_reader(ledger.app))
    log = log_reader(ledger.app)
    report = markdown(self_inspection(year, year.plan_fold(), lambda positions: read_at(log, positions),
                                      today=ledger.clock().date()))
    assert ("等次：**较差**（一票否决：安溪县生产力促进中心，理由：发生安全生产责任事故，"
            "依据：安委〔2021〕5号）") in report
    assert "安溪县生产力促进中心 100.00%（较差，一票否决）" in report


# -- the lock and corrections --------------------------------------------------------------
def lock(ledger: Ledger, actor: str = LEADER) -> ev.Event:
    from tui.cli.internal import lock_now

    return lock_now(ledger, actor, reason="局党组会议审定")


def test_locked_results_refuse_every_change_but_a_correction(ledger: Ledger) -> None:
    small_bureau(ledger)
    before = results(ledger)
    locked = lock(ledger)
    assert isinstance(locked, ev.InternalResultsLocked) and locked.digest == before.digest
    refused("internal.locked", lambda: ledger.rate_staff(LEADER, "yijiepin", score=99))
    refused("internal.locked", lambda: ledger.set_bonus_pool(LEADER, "20000"))
    refused("internal.locked", lambda: ledger.set_internal_method(LEADER, share="0.3"))
    refused("internal.locked", lambda: ledger.rate_section(LEADER, "center", 60))
    refused("internal.locked", lambda: lock(ledger))
    after = results(ledger)
    assert after.locked and after.digest == after.lock_digest == before.digest

    # a correction voids a rating: the results change, visibly against the approved digest
    rating = next(p.position for p in after.staff if p.person == "yijiepin")
    ledger.correct(LEADER, rating, reason="评分依据有误，经党组会议复议撤销")
    corrected = results(ledger)
    assert "yijiepin" not in {p.person for p in corrected.staff}
    assert corrected.locked and corrected.digest != corrected.lock_digest
    assert sum(p.total_fen for p in corrected.staff) == 1_234_567

    # voiding the lock reopens the evaluation; a new lock fixes the new results
    ledger.correct(LEADER, after.lock_position, reason="复议，重新评定")
    assert not results(ledger).locked
    ledger.rate_staff(LEADER, "yijiepin", score=75, reason="复议")
    lock(ledger)
    final = results(ledger)
    assert final.locked and final.digest == final.lock_digest


def test_a_lock_refuses_results_that_changed_since_they_were_shown(ledger: Ledger) -> None:
    small_bureau(ledger)
    from tui.cli.internal import current_results

    shown = current_results(ledger)
    ledger.rate_staff(OFFICE, "xiewanting", score=88)  # recorded by someone else meanwhile
    refused("internal.changed", lambda: ledger.lock_internal(
        LEADER, section_rates={s.id: s.rate for s in shown.sections}, digest=shown.digest,
        seen_version=shown.version))


def test_a_lock_needs_a_pool_and_ratings(ledger: Ledger) -> None:
    refused("internal.no_pool", lambda: lock(ledger))
    ledger.set_bonus_pool(LEADER, 1000)
    refused("internal.no_ratings", lambda: lock(ledger))


def test_a_locked_section_ranking_keeps_the_rates_it_was_approved_on(ledger: Ledger) -> None:
    small_bureau(ledger)
    lock(ledger)
    leaf = next(ind for ind, _ in bundled_plan().leaves() if ind.section == "center")
    ledger.award_tier(LEADER, leaf.id, tier="一档")  # standings move after the approval
    center = next(s for s in results(ledger).sections if s.id == "center")
    assert center.rate == 0


# -- what is refused ----------------------------------------------------------------------
@pytest.mark.parametrize(("call", "code"), [
    (lambda lg: lg.set_bonus_pool(LEADER, "-1"), "value.positive"),
    (lambda lg: lg.set_bonus_pool(LEADER, "0.001"), "value.cents"),
    (lambda lg: lg.set_bonus_pool(LEADER, "1e12"), "value.too_large"),
    (lambda lg: lg.rate_staff(LEADER, "yijiepin", score=101), "internal.score_range"),
    (lambda lg: lg.rate_staff(LEADER, "yijiepin", score="八十"), "value.number"),
    (lambda lg: lg.rate_staff(LEADER, "yijiepin"), "internal.score_or_grade"),
    (lambda lg: lg.rate_staff(LEADER, "yijiepin", score=80, grade="良好"), "internal.score_or_grade"),
    (lambda lg: lg.rate_staff(LEADER, "yijiepin", grade="称职"), "internal.unknown_grade"),
    (lambda lg: lg.rate_staff(LEADER, "nobody", score=80), "auth.unknown_user"),
    (lambda lg: lg.rate_staff(LEADER, "yijiepin", score=80, section="nowhere"), "cmd.unknown_section"),
    (lambda lg: lg.rate_section(LEADER, "nowhere", 80), "cmd.unknown_section"),
    (lambda lg: lg.set_internal_method(LEADER, share="1.5"), "internal.factor"),
    (lambda lg: lg.set_internal_method(LEADER, standings_weight="-0.1"), "internal.factor"),
    (lambda lg: lg.set_internal_method(LEADER, coefficients={"优秀": 1, "良好": "1.1", "一般": 1, "较差": 0}),
     "internal.coefficient_order"),
    (lambda lg: lg.set_internal_method(LEADER, coefficients={"称职": 1}), "internal.unknown_grade"),
    (lambda lg: lg.set_internal_method(LEADER, coefficients={"较差": "0.9"}), "internal.coefficient_order"),
    (lambda lg: lg.set_internal_method(LEADER, category_weights={"领导": 0}), "internal.factor"),
    (lambda lg: lg.set_internal_method(LEADER, basis="seniority"), "internal.basis"),
], ids=lambda x: x if isinstance(x, str) else "")
def test_bad_internal_entries_are_refused_and_store_nothing(ledger: Ledger, call: Any, code: str) -> None:
    top = ledger.max_position()
    refused(code, lambda: call(ledger))
    assert ledger.max_position() == top


def test_a_method_changes_only_what_is_given(ledger: Ledger) -> None:
    ledger.set_internal_method(LEADER, coefficients={"优秀": "1.5"}, reason="拉开差距")
    ledger.set_internal_method(LEADER, share="0.25")
    ledger.rate_staff(LEADER, "yijiepin", grade="一般")
    method = results(ledger).method
    assert method.share == Decimal("0.25") and method.standings_weight == Decimal("0.7")
    assert method.coefficients == {"优秀": Decimal("1.5"), "良好": Decimal("1.0"), "一般": Decimal("0.8"),
                                   "较差": Decimal(0)}
    refused("internal.grade_in_use", lambda: ledger.set_internal_method(
        LEADER, grades=[Grade(name="合格", min=Decimal(60)), Grade(name="不合格", min=Decimal(0))]))
    ledger.rate_staff(LEADER, "yijiepin", score=72)
    ledger.set_internal_method(LEADER, grades=[Grade(name="合格", min=Decimal(60)),
                                               Grade(name="不合格", min=Decimal(0))])
    assert results(ledger).method.coefficients == {"合格": Decimal("1.2"), "不合格": Decimal(0)}
    refused("internal.unchanged", lambda: ledger.set_internal_method(LEADER, share="0.25"))


def test_a_split_by_score_needs_scores(ledger: Ledger) -> None:
    ledger.rate_staff(LEADER, "tangjinlong", grade="优秀")
    refused("internal.score_needed", lambda: ledger.set_internal_method(LEADER, basis="score"))
    ledger.rate_staff(LEADER, "tangjinlong", score=93)
    ledger.set_internal_method(LEADER, basis="score")
    refused("internal.score_needed", lambda: ledger.rate_staff(LEADER, "yijiepin", grade="良好"))


# -- who may do what -------------------------------------------------------------------------
ROLE_USERS = {"admin": "admin", "leader": LEADER, "office": OFFICE, "section_head": "chenwencai",
              "clerk": "yijiepin", "supervisor": "gongfuan", "performance_office": "perf_office"}
INTERNAL_COMMANDS = {
    "pool": lambda lg, who, at: lg.set_bonus_pool(who, "50000"),
    "method": lambda lg, who, at: lg.set_internal_method(who, share="0.25"),
    "rate_staff": lambda lg, who, at: lg.rate_staff(who, "liuyuqin", score=88),
    "rate_section": lambda lg, who, at: lg.rate_section(who, "center", 85),
    "lock": lambda lg, who, at: lock(lg, who),
    "void_rating": lambda lg, who, at: lg.correct(who, at, reason="更正"),
}


@pytest.mark.parametrize("role", list(ROLE_USERS))
@pytest.mark.parametrize("command", list(INTERNAL_COMMANDS))
def test_only_the_leadership_group_and_its_office_run_the_internal_evaluation(
        ledger: Ledger, role: str, command: str) -> None:
    ledger.set_bonus_pool(LEADER, "40000")
    ledger.rate_staff(LEADER, "xiewanting", score=90)
    rating = ledger.last_positions[-1]
    top = ledger.max_position()
    call = INTERNAL_COMMANDS[command]
    if role in ("leader", "office"):
        event = call(ledger, ROLE_USERS[role], rating)
        assert event.role == role and ledger.max_position() == top + 1
    else:
        refused("auth.refused", lambda: call(ledger, ROLE_USERS[role], rating))
        assert ledger.max_position() == top


def test_every_internal_event_is_stored_with_who_when_and_why(ledger: Ledger) -> None:
    small_bureau(ledger)
    kinds = [(e.kind, e.actor, e.reason) for _, _, e in stored_events(ledger)
             if isinstance(e, ev.BonusPoolSet | ev.InternalMethodSet | ev.StaffRated)]
    assert kinds[0] == ("InternalMethodSet", LEADER, "局党组会议研究")
    assert kinds[1] == ("BonusPoolSet", LEADER, "2021 年度绩效奖金总额")
    assert kinds[-1] == ("StaffRated", OFFICE, "季度报表两次逾期")


# -- the report for the county office ---------------------------------------------------------
def test_the_report_for_the_county_office(ledger: Ledger, db_path: str, tmp_path: Path) -> None:
    small_bureau(ledger)
    lock(ledger)
    ledger.close()
    md = jixiao("report", "internal", "--format", "md", db=db_path)
    assert md.returncode == 0, md.stderr
    assert "## 一、考评办法" in md.stdout and "四舍六入五成双" in md.stdout
    assert "| 1 | 1 | 林泽福 | linzefu |" in md.stdout
    assert "分配合计 ¥12,345.67，绩效奖金总额 ¥12,345.67，分毫不差。" in md.stdout
    data = json.loads(jixiao("report", "internal", "--format", "json", db=db_path).stdout)
    assert data["locked"] and data["digest"] == data["lock_digest"]
    assert sum(p["total_fen"] for p in data["staff"]) == data["pool_fen"] == 1_234_567
    out = tmp_path / "internal.xlsx"
    xlsx = jixiao("report", "internal", "--format", "xlsx", "-o", str(out), db=db_path)
    assert xlsx.returncode == 0, xlsx.stderr
    from openpyxl import load_workbook

    book = load_workbook(out)
    assert book.sheetnames == ["考评办法", "股室考评", "人员考评与奖金分配", "分类汇总"]
    totals = [row for row in book["分类汇总"].iter_rows(values_only=True) if row[0] == "合计"]
    assert totals[0][-1] == pytest.approx(12345.67)


def test_the_command_line_rates_and_refuses_in_the_users_language(db_path: str, ledger: Ledger) -> None:
    ledger.close()
    ok = jixiao("--as", LEADER, "internal", "pool", "9999.99", db=db_path)
    assert ok.returncode == 0 and "bonus pool set" in ok.stdout
    ok = jixiao("--as", LEADER, "internal", "method", "--coefficient", "优秀=1.5", "--coefficient", "良好=1",
                "--coefficient", "一般=0.5", "--coefficient", "较差=0", db=db_path)
    assert ok.returncode == 0, ok.stderr
    ok = jixiao("--as", OFFICE, "internal", "rate", "yijiepin", "--score", "92", "--reason", "表现突出",
                db=db_path)
    assert ok.returncode == 0, ok.stderr
    no = jixiao("--as", "yijiepin", "internal", "rate", "liuyuqin", "--score", "92", db=db_path)
    assert no.returncode == 1 and "may not enter the internal evaluation" in no.stderr
    ok = jixiao("--as", LEADER, "internal", "lock", db=db_path)
    assert ok.returncode == 0 and "results locked" in ok.stdout
    no = jixiao("--as", LEADER, "internal", "rate", "liuyuqin", "--grade", "良好", db=db_path)
    assert no.returncode == 1 and "locked" in no.stderr


@pytest.mark.parametrize(("argv", "message"), [
    (("rate", "yijiepin"), "exactly one of --score / --grade"),
    (("rate", "yijiepin", "--score", "90", "--grade", "良好"), "exactly one of --score / --grade"),
    (("method", "--grade", "优秀"), "--grade expects NAME=VALUE"),
    (("method", "--coefficient", "=1"), "--coefficient expects NAME=VALUE"),
    (("method", "--grade", "优秀=abc"), "is not a number"),
    (("pool", "x" * 40), "amount"),
    (("rate-section", "office", "--score", "9" * 40), "score"),
])
def test_the_internal_commands_options_come_from_their_schemas_and_refuse_alike(
        db_path: str, ledger: Ledger, argv: tuple[str, ...], message: str) -> None:
    head = ledger.max_position()
    ledger.close()
    no = jixiao("--lang", "en", "--as", LEADER, "internal", *argv, db=db_path)
    assert no.returncode == 1, no.stdout + no.stderr
    assert message in no.stderr and "Traceback" not in no.stderr
    with open_ledger(db_path) as again:
        assert again.max_position() == head
