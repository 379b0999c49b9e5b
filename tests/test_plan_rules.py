"""The rules of the seed, one broken at a time, through `jixiao plan check`.

Each test takes the bundled 2021 plan as text, changes it the way an office might get it
wrong (a few text substitutions, sums kept consistent), and checks that the command
names exactly that rule, the indicator and its line, and exits 1.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from domain.plan_io import bundled_plan, bundled_plan_text, parse_toml
from domain.rules import check
from projections.plan_tree import plan_summary
from tests.conftest import ROOT, jixiao

BUNDLED = bundled_plan_text()
HEADER = re.compile(r"^\s*\[", re.M)


# -- editing the bundled plan's text -------------------------------------------------
def edit(text: str, anchor: str, old: str, new: str) -> str:
    """Replace `old` by `new` inside the TOML table whose text holds the unique `anchor`."""
    assert text.count(anchor) == 1, f"anchor {anchor!r} is not unique"
    start = text.rindex("\n", 0, text.index(anchor)) + 1
    following = HEADER.search(text, text.index(anchor) + len(anchor))
    end = following.start() if following else len(text)
    table = text[start:end]
    assert table.count(old) == 1, f"{old!r} is not once in the table of {anchor!r}"
    return text[:start] + table.replace(old, new) + text[end:]


def ind(ident: str) -> str:
    """The anchor of an indicator (or any table with an id)."""
    return f'id = "{ident}"'


def child_block(text: str, ident: str) -> str:
    """The whole `[[indicators.children]]` table of a second-level indicator."""
    match = re.search(r"  \[\[indicators\.children\]\]\n  " + re.escape(ind(ident)) + r"\n.*?\n\n",
                      text, re.S)
    assert match, ident
    return match.group(0)


def line_of(text: str, anchor: str) -> int:
    return text.count("\n", 0, text.index(anchor)) + 1


def write(tmp_path: Path, text: str, name: str = "plan.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def env(tmp_path: Path) -> dict[str, str]:
    """A ledger location of the test's own, so no real ledger is read or logged to."""
    return {"JIXIAO_DB": str(tmp_path / "ledger.db")}


def assert_only(tmp_path: Path, text: str, code: str, ident: str = "", line_anchor: str | None = None
                ) -> subprocess.CompletedProcess[str]:
    """`plan check` reports `code` (and nothing else), naming `ident` and the TOML line."""
    problems = check(parse_toml(text), text)
    assert problems, f"the edit broke no rule, expected {code}"
    assert {p.code for p in problems} == {code}, [p.message("en") for p in problems]

    path = write(tmp_path, text)
    result = jixiao("plan", "check", str(path), env=env(tmp_path))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(problems)
    assert all(f": {code}" in line for line in lines), lines
    if ident:
        assert any(f"[{ident}]" in line for line in lines), lines
    if line_anchor is not None:
        expected = f"plan.toml:{line_of(text, line_anchor)}: {code} [{ident}]"
        assert any(expected in line for line in lines), (expected, lines)
    assert "1 rule violation" in result.stderr or f"{len(problems)} rule violation" in result.stderr
    return result


# -- the bundled plan ----------------------------------------------------------------
def test_the_bundled_2021_plan_passes_every_rule() -> None:
    assert check(bundled_plan(), BUNDLED) == []


def test_the_bundled_plan_has_the_seeds_counts() -> None:
    counts = {s["id"]: (s["first_level"], s["second_level"], s["points"]) for s in plan_summary(bundled_plan())}
    assert counts == {
        "key": (17, 43, 40),
        "routine": (8, 22, 20),
        "dynamic": (4, 8, 10),
        "capacity": (5, 18, 30),
    }
    plan = bundled_plan()
    functional = [i for i in plan.indicators if i.category in {"key", "routine", "dynamic"}]
    assert len(functional) == 29
    assert sum(len(i.children) for i in functional) == 73
    capacity = [i for i in plan.indicators if i.category == "capacity"]
    assert [i.name for i in capacity] == ["科学行政", "依法行政", "高效行政", "廉洁行政", "管理创新"]
    civilised = [i for i in plan.indicators if i.name == "文明县城创建"]
    assert len(civilised) == 1 and civilised[0].no_children and not civilised[0].children


def test_plan_check_without_a_file_checks_the_bundled_plan_in_chinese(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if k != "JIXIAO_LANG"}
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "plan", "check"], capture_output=True, text=True, cwd=ROOT,
        env={**clean, **env(tmp_path)}, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout.strip()
    assert len(out.splitlines()) == 1
    assert out.startswith("方案合规")
    for part in ("重点工作目标 一级17/二级43项 40分", "常规工作目标 一级8/二级22项 20分",
                 "动态工作目标 一级4/二级8项 10分", "行政能力目标 一级5/二级18项 30分", "合计 100 分"):
        assert part in out


def test_plan_check_of_the_bundled_file_in_english(tmp_path: Path) -> None:
    path = write(tmp_path, BUNDLED, "anxi.toml")
    result = jixiao("plan", "check", str(path), "--lang", "en", env=env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout.strip()
    assert len(out.splitlines()) == 1
    assert out.startswith("plan is valid")
    assert "17 first-level / 43 second-level, 40 pts" in out
    assert "total 100 points" in out


def test_violations_are_in_chinese_by_default_and_english_with_lang_en(tmp_path: Path) -> None:
    text = edit(BUNDLED, ind("R01.1"), "points = 1", "points = 2")
    text = edit(text, ind("R01.2"), "points = 1", "points = 0.5")
    text = edit(text, ind("R01.3"), "points = 1", "points = 0.5")
    path = write(tmp_path, text)
    clean = {k: v for k, v in os.environ.items() if k != "JIXIAO_LANG"}
    zh = subprocess.run([sys.executable, "-m", "tui.cli", "plan", "check", str(path)], capture_output=True,
                        text=True, cwd=ROOT, env={**clean, **env(tmp_path)}, timeout=120)
    assert zh.returncode == 1
    assert "常规工作目标二级指标“高新技术企业数量指标”分值 2，超过上限 1.5" in zh.stdout
    assert "发现 1 处不符合规则" in zh.stderr
    en = jixiao("plan", "check", str(path), "--lang", "en", env=env(tmp_path))
    assert en.returncode == 1
    assert "second-level indicator '高新技术企业数量指标' is worth 2, cap is 1.5" in en.stdout
    assert "1 rule violation(s) found" in en.stderr


# -- budgets and counts --------------------------------------------------------------
def test_category_budgets_that_do_not_add_up_to_the_total_are_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, "[rules]", "total = 100", "total = 99")
    result = assert_only(tmp_path, text, "rule.total")
    assert "category budgets sum to 100, must be 99" in result.stdout


def test_key_work_indicators_summing_to_41_against_a_budget_of_40_are_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, ind("K02"), "points = 2", "points = 3")
    text = edit(text, ind("K02.1"), "points = 1", "points = 2")
    result = assert_only(tmp_path, text, "rule.category_sum", "key", ind("key"))
    assert "sum to 41, budget is 40" in result.stdout


def test_fewer_than_15_first_level_functional_indicators_are_rejected(tmp_path: Path) -> None:
    # The 2021 plan has 29; a unit whose rules ask for 30 is one short.
    text = edit(BUNDLED, "[rules]", "min_first_level_functional = 15", "min_first_level_functional = 30")
    result = assert_only(tmp_path, text, "rule.min_first_level")
    assert "29 first-level functional indicators, at least 30 required" in result.stdout


def test_a_category_whose_count_differs_from_the_declared_one_is_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, ind("key"), "first_level_count = 17", "first_level_count = 18")
    result = assert_only(tmp_path, text, "rule.declared_count", "key", ind("key"))
    assert "has 17 first-level indicators, the plan declares 18" in result.stdout


# -- the indicator tree --------------------------------------------------------------
def test_a_first_level_indicator_with_a_single_second_level_one_is_rejected(tmp_path: Path) -> None:
    # K02.2 (1 point) moves from K02 to K05: budgets and counts still hold, K02 keeps one child.
    block = child_block(BUNDLED, "K02.2")
    text = BUNDLED.replace(block, "", 1)
    text = edit(text, ind("K02"), "points = 2", "points = 1")
    text = edit(text, ind("K05"), "points = 2", "points = 3")
    k06 = "[[indicators]]\nid = \"K06\""
    text = text.replace(k06, block + k06, 1)
    result = assert_only(tmp_path, text, "rule.min_children", "K02", ind("K02"))
    assert "has 1 second-level, at least 2 required" in result.stdout


def test_civilised_county_without_its_no_children_flag_is_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, ind("K17"), "no_children = true\n", "")
    result = assert_only(tmp_path, text, "rule.min_children", "K17", ind("K17"))
    assert "'文明县城创建' has 0 second-level, at least 2 required" in result.stdout


def test_an_indicator_flagged_no_children_that_has_second_level_ones_is_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, ind("K01"), ind("K01"), ind("K01") + "\nno_children = true")
    result = assert_only(tmp_path, text, "rule.no_children", "K01", ind("K01"))
    assert "must have no second-level indicators, has 3" in result.stdout


def test_a_key_first_level_indicator_over_3_points_is_rejected(tmp_path: Path) -> None:
    # K01 3 -> 4 (K01.1 1 -> 2); K02 2 -> 1 (its two children 0.5 each): key still sums to 40.
    text = edit(BUNDLED, ind("K01"), "points = 3", "points = 4")
    text = edit(text, ind("K01.1"), "points = 1", "points = 2")
    text = edit(text, ind("K02"), "points = 2", "points = 1")
    text = edit(text, ind("K02.1"), "points = 1", "points = 0.5")
    text = edit(text, ind("K02.2"), "points = 1", "points = 0.5")
    result = assert_only(tmp_path, text, "rule.first_level_cap", "K01", ind("K01"))
    assert "'高新技术企业培育' is worth 4, cap is 3" in result.stdout


def test_a_dynamic_first_level_indicator_over_3_points_is_rejected(tmp_path: Path) -> None:
    # D03 2 -> 3.5 (D03.1 1 -> 2.5 would break the second-level cap, so 1.75 each);
    # D04 2 -> 0.5 (its two children 0.25 each): dynamic still sums to 10.
    text = edit(BUNDLED, ind("D03"), "points = 2", "points = 3.5")
    text = edit(text, ind("D03.1"), "points = 1", "points = 1.75")
    text = edit(text, ind("D03.2"), "points = 1", "points = 1.75")
    text = edit(text, ind("D04"), "points = 2", "points = 0.5")
    text = edit(text, ind("D04.1"), "points = 1", "points = 0.25")
    text = edit(text, ind("D04.2"), "points = 1", "points = 0.25")
    result = assert_only(tmp_path, text, "rule.first_level_cap", "D03", ind("D03"))
    assert "is worth 3.5, cap is 3" in result.stdout


def test_a_routine_second_level_indicator_over_1_5_points_is_rejected(tmp_path: Path) -> None:
    # R01 keeps its 3 points: R01.1 1 -> 2, its siblings 1 -> 0.5.
    text = edit(BUNDLED, ind("R01.1"), "points = 1", "points = 2")
    text = edit(text, ind("R01.2"), "points = 1", "points = 0.5")
    text = edit(text, ind("R01.3"), "points = 1", "points = 0.5")
    result = assert_only(tmp_path, text, "rule.second_level_cap", "R01.1", ind("R01.1"))
    assert "常规工作目标 second-level indicator '高新技术企业数量指标' is worth 2, cap is 1.5" in result.stdout


def test_a_dynamic_second_level_indicator_over_2_points_is_rejected(tmp_path: Path) -> None:
    # D02 keeps its 3 points: D02.1 2 -> 2.5, D02.2 1 -> 0.5.
    text = edit(BUNDLED, ind("D02.1"), "points = 2", "points = 2.5")
    text = edit(text, ind("D02.2"), "points = 1", "points = 0.5")
    result = assert_only(tmp_path, text, "rule.second_level_cap", "D02.1", ind("D02.1"))
    assert "动态工作目标 second-level indicator" in result.stdout
    assert "is worth 2.5, cap is 2" in result.stdout


def test_a_parent_whose_points_differ_from_the_sum_of_its_children_is_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, ind("K01.1"), "points = 1", "points = 1.5")
    result = assert_only(tmp_path, text, "rule.parent_sum", "K01", ind("K01"))
    assert "'高新技术企业培育' is worth 3, its children sum to 3.5" in result.stdout


@pytest.mark.parametrize(("first", "second"), [("0", "2"), ("1.005", "0.995")], ids=["zero", "three-decimals"])
def test_an_indicator_worth_zero_or_a_fraction_of_a_cent_is_rejected(tmp_path: Path, first: str,
                                                                     second: str) -> None:
    text = edit(BUNDLED, ind("K01.1"), "points = 1", f"points = {first}")
    text = edit(text, ind("K01.2"), "points = 1", f"points = {second}")
    result = assert_only(tmp_path, text, "rule.points_positive", "K01.1", ind("K01.1"))
    assert f"points {first} must be positive with at most 2 decimals" in result.stdout


def test_a_second_level_indicator_that_sets_its_own_category_is_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, ind("K01.1"), ind("K01.1"), ind("K01.1") + '\n  category = "routine"')
    assert_only(tmp_path, text, "rule.child_category", "K01.1", ind("K01.1"))


# -- ids and references --------------------------------------------------------------
def test_two_indicators_with_the_same_id_are_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, ind("K01.2"), ind("K01.2"), ind("K01.1"))
    result = assert_only(tmp_path, text, "rule.unique_id", "K01.1", ind("K01.1"))
    assert "duplicate id 'K01.1'" in result.stdout


def test_an_indicator_in_an_unknown_category_is_rejected(tmp_path: Path) -> None:
    stray = ('[[indicators]]\nid = "X01"\ncategory = "special"\nname = "专项工作"\npoints = 1\n'
             'no_children = true\n\n')
    text = BUNDLED.replace("[[tiers]]", stray + "[[tiers]]", 1)
    result = assert_only(tmp_path, text, "rule.unknown_category", "X01", ind("X01"))
    assert "names unknown category 'special'" in result.stdout


def test_an_indicator_naming_an_unknown_section_is_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, ind("K01"), 'section = "business"', 'section = "busines"')
    result = assert_only(tmp_path, text, "rule.unknown_section", "K01", ind("K01"))
    assert "names unknown section 'busines'" in result.stdout


def test_a_person_in_an_unknown_section_is_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, ind("linzefu"), 'section = "business"', 'section = "research"')
    result = assert_only(tmp_path, text, "rule.unknown_section", "linzefu", ind("linzefu"))
    assert "'林泽福' names unknown section 'research'" in result.stdout


@pytest.mark.parametrize(("field", "label"), [("handler", "handler"), ("leader", "leader in charge")])
def test_an_indicator_naming_a_person_not_in_the_plan_is_rejected(tmp_path: Path, field: str, label: str) -> None:
    old = {"handler": 'handler = "linzefu"', "leader": 'leader = "yujunwei"'}[field]
    text = edit(BUNDLED, ind("K01"), old, f'{field} = "nobody"')
    result = assert_only(tmp_path, text, "rule.unknown_person", "K01", ind("K01"))
    assert f"names unknown person 'nobody' as {label}" in result.stdout


# -- tiers and grades ----------------------------------------------------------------
def test_a_tier_share_above_1_is_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, 'name = "一档"', "share = 1", "share = 1.1")
    result = assert_only(tmp_path, text, "rule.tier_share")
    assert "tier '一档' share 1.1 must lie within 0..1" in result.stdout


def test_a_negative_tier_share_is_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, 'name = "未完成"', "share = 0", "share = -0.1")
    assert_only(tmp_path, text, "rule.tier_share")


def test_tiers_out_of_order_are_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, 'name = "二档"', "share = 0.9", "share = 0.7")
    result = assert_only(tmp_path, text, "rule.tier_order")
    assert "('三档')" in result.stdout


def test_a_tier_giving_both_a_share_and_fixed_points_is_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, 'name = "一档"', "share = 1", "share = 1\npoints = 2")
    result = assert_only(tmp_path, text, "rule.tier_kind")
    assert "tier '一档' must give exactly one of share or points" in result.stdout


def test_an_empty_tier_table_is_rejected(tmp_path: Path) -> None:
    start = BUNDLED.index("[[tiers]]")
    end = BUNDLED.index("[[grades]]")
    text = BUNDLED[:start] + BUNDLED[end:]
    text = text.replace('title = "', 'tiers = []\ntitle = "', 1)
    assert_only(tmp_path, text, "rule.tiers_empty")


def test_two_grades_with_the_same_threshold_are_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, 'name = "良好"', "min = 80", "min = 90")
    result = assert_only(tmp_path, text, "rule.grades")
    assert "grade '良好' shares its threshold with another grade" in result.stdout


# -- dates ---------------------------------------------------------------------------
def test_a_reporting_deadline_outside_the_plan_year_window_is_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, ind("d4"), "due = 2022-02-10", "due = 2022-05-10")
    result = assert_only(tmp_path, text, "rule.deadline_window", "d4", ind("d4"))
    assert "on 2022-05-10 lies outside the plan year's window (2021-01-01..2022-03-31)" in result.stdout


def test_a_reporting_deadline_before_the_plan_year_is_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, ind("d2"), "due = 2021-10-10", "due = 2020-10-10")
    assert_only(tmp_path, text, "rule.deadline_window", "d2", ind("d2"))


def test_an_indicator_deadline_outside_the_plan_year_window_is_rejected(tmp_path: Path) -> None:
    text = edit(BUNDLED, ind("K01"), "deadline = 2021-12-31", "deadline = 2023-12-31")
    result = assert_only(tmp_path, text, "rule.indicator_deadline", "K01", ind("K01"))
    assert "deadline 2023-12-31 lies outside" in result.stdout


def test_the_deadline_window_is_plan_data(tmp_path: Path) -> None:
    # With a window of 1 month after the year, the 10 February deadline falls outside.
    text = edit(BUNDLED, "[rules]", "deadline_window_months = 3", "deadline_window_months = 1")
    result = assert_only(tmp_path, text, "rule.deadline_window", "d4", ind("d4"))
    assert "(2021-01-01..2022-01-31)" in result.stdout


# -- many at once --------------------------------------------------------------------
def test_every_violation_is_listed_not_just_the_first(tmp_path: Path) -> None:
    text = edit(BUNDLED, ind("K01"), 'section = "business"', 'section = "busines"')
    text = edit(text, ind("K01.1"), "points = 1", "points = 1.5")
    text = edit(text, ind("d4"), "due = 2022-02-10", "due = 2022-05-10")
    path = write(tmp_path, text)
    result = jixiao("plan", "check", str(path), env=env(tmp_path))
    assert result.returncode == 1
    codes = re.findall(r": (rule\.\w+) \[", result.stdout)
    assert codes == ["rule.unknown_section", "rule.parent_sum", "rule.deadline_window"]
    assert "3 rule violation(s) found" in result.stderr
