"""Many units in one ledger: standings per unit, and the county ranking across them."""

from __future__ import annotations

import json
import random

from domain.demo import unit_plan
from domain.plan_io import bundled_plan
from store import open_ledger
from tests.conftest import Clock, jixiao

# unit k's awards: (indicator, tier); unit 2 earns exactly what unit 0 does
AWARDS = {0: [("K04.1", "一档")], 1: [("K04.1", "一档"), ("K04.2", "一档")], 2: [("K04.1", "一档")]}


def county(db: str, clock: Clock) -> list[str]:
    """Three units of one county in one ledger, each with its own plan and people."""
    base = bundled_plan()
    units = []
    for k, awards in AWARDS.items():
        plan = unit_plan(base, k, 0, random.Random(k))
        with open_ledger(db, clock=clock, plan=(plan.unit, plan.year)) as ledger:
            ledger.bootstrap(plan)
            leader = "yujunwei" if k == 0 else f"yujunwei_{k:02d}"
            for indicator, tier in awards:
                ledger.award_tier(leader, indicator, tier=tier, reason="复核")
        units.append(plan.unit)
    return units


def test_the_county_ranking_puts_every_unit_side_by_side(db_path: str, clock: Clock) -> None:
    units = county(db_path, clock)
    result = jixiao("report", "ranking", "--format", "json", db=db_path)
    assert result.returncode == 0, result.stderr
    ranked = json.loads(result.stdout)
    assert ranked["year"] == 2021 and ranked["grades"] == {"较差": 3}
    tied = sorted([units[0], units[2]])  # a tie shares its rank; then by name
    assert [(u["rank"], u["unit"]) for u in ranked["units"]] == [(1, units[1]), (2, tied[0]), (2, tied[1])]
    for row in ranked["units"]:
        alone = jixiao("report", "standings", "--unit", row["unit"], "--format", "json", db=db_path)
        assert json.loads(alone.stdout)["total"] == row["total"]  # the unit's own standings
        assert json.loads(alone.stdout)["grade"] == row["grade"]
    table = jixiao("report", "ranking", db=db_path).stdout
    assert "名次" in table and all(u in table for u in units)


def test_the_ranking_narrows_to_a_county_and_a_year(db_path: str, clock: Clock) -> None:
    units = county(db_path, clock)
    prefix = units[1][:4]  # 安溪县财…: one unit of the three
    narrowed = json.loads(jixiao("report", "ranking", "--county", prefix, "--format", "json", db=db_path).stdout)
    assert [u["unit"] for u in narrowed["units"]] == [units[1]] and narrowed["county"] == prefix
    other = jixiao("report", "ranking", "--year", "2020", db=db_path)
    assert other.returncode == 1 and "Traceback" not in other.stderr
