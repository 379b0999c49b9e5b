"""The county ranking: every unit's standings for a year, ranked by grade and total.

A county performance office keeps all its units in one ledger (on PostgreSQL, one
database), each unit with its own plan. The ranking puts the standings of every unit
of a year side by side: best grade first (by the unit's own plan's thresholds; a veto
is the lowest grade whatever the total), then the highest total, units with the same
grade and total sharing a rank. `county` narrows to the units whose names begin with it
(unit names begin with their county's: 安溪县教育局), for a city ledger of several counties.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import msgspec

from projections.fold import YearFold
from projections.standings import standings


class UnitRank(msgspec.Struct, kw_only=True):
    rank: int
    unit: str
    year: int
    total: Decimal
    grade: str
    veto: bool
    functional: Decimal
    capacity: Decimal
    bonus: Decimal
    deductions: Decimal
    projected_total: Decimal


class Ranking(msgspec.Struct, kw_only=True):
    year: int | None
    county: str
    as_of: dt.date | None
    known_at: dt.datetime | None
    position: int
    units: list[UnitRank]
    grades: dict[str, int]  # how many units in each grade


def ranking(fold: YearFold, *, today: dt.date, year: int | None = None, county: str = "") -> Ranking:
    """Rank the units of `year` (default: the latest year any plan is for)."""
    plans = [p for p in fold.plan_folds() if p.plan is not None and p.plan.unit.startswith(county)]
    if year is None and plans:
        year = max(p.plan.year for p in plans if p.plan is not None)
    rows: list[tuple[tuple[int, Decimal, str], UnitRank]] = []
    for p in plans:
        plan = p.plan
        if plan is None or plan.year != year:
            continue
        s = standings(p, today=today, as_of=fold.clocks.as_of, known_at=fold.clocks.known_at,
                      position=fold.position)
        order = [g.name for g in sorted(plan.grades, key=lambda g: g.min, reverse=True)]
        place = order.index(s.grade) if s.grade in order else len(order)
        rows.append(((place, -s.total, s.unit), UnitRank(
            rank=0, unit=s.unit, year=s.year, total=s.total, grade=s.grade, veto=s.veto,
            functional=s.functional, capacity=s.capacity, bonus=s.bonus.applied,
            deductions=s.unit_deductions.applied, projected_total=s.projected_total)))
    rows.sort(key=lambda r: r[0])
    units: list[UnitRank] = []
    for i, (key, row) in enumerate(rows):
        same = i > 0 and rows[i - 1][0][:2] == key[:2]
        row.rank = units[-1].rank if same else i + 1
        units.append(row)
    return Ranking(year=year, county=county, as_of=fold.clocks.as_of, known_at=fold.clocks.known_at,
                   position=fold.position, units=units, grades=dict(Counter(u.grade for u in units)))
