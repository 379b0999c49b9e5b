"""Standings: the score of every indicator, rolled up to categories, sections and the unit.

The arithmetic is the plan's (see "Scoring" in the product notes): a leaf earns its
points x the share of its latest valid awarded tier, less deductions and findings
against it, never below 0; bonuses and unit-level deductions are summed apart and
capped; a veto sets the lowest grade whatever the total.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec

from domain.plan import Indicator, Plan, grade_for, tier_points
from projections.fold import PlanFold, Record, total

ZERO = Decimal(0)
CENT = Decimal("0.01")


class IndicatorScore(msgspec.Struct, kw_only=True):
    id: str
    name: str
    level: int
    parent: str
    category: str
    section: str
    points: Decimal
    score: Decimal
    projected: Decimal
    tier: str = ""
    self_tier: str = ""
    deductions: Decimal = ZERO
    progress: int = 0
    status: str = "on_track"  # on_track / late / done
    deadline: dt.date | None = None
    withdrawn: bool = False


class Rollup(msgspec.Struct, kw_only=True):
    id: str
    name: str
    points: Decimal
    score: Decimal
    projected: Decimal
    kind: str = ""


class SectionScore(msgspec.Struct, kw_only=True):
    id: str
    name: str
    points: Decimal
    score: Decimal
    rate: Decimal  # score / points x 100
    grade: str


class Capped(msgspec.Struct, kw_only=True):
    raw: Decimal
    cap: Decimal
    applied: Decimal


class Standings(msgspec.Struct, kw_only=True):
    unit: str
    year: int
    as_of: dt.date | None
    known_at: dt.datetime | None
    total: Decimal
    projected_total: Decimal
    grade: str
    veto: bool
    veto_reasons: list[str]
    functional: Decimal
    capacity: Decimal
    bonus: Capped
    unit_deductions: Capped
    categories: list[Rollup]
    sections: list[SectionScore]
    indicators: list[IndicatorScore]
    position: int = 0


def _tier_value(plan: Plan, name: str, points: Decimal) -> Decimal:
    tier = plan.tier(name)
    return tier_points(tier, points) if tier is not None else ZERO


def _effective_deductions(record: Record) -> Decimal:
    """Deductions and findings against a leaf (an appeal upheld cancels a finding)."""
    amounts = [e.data[1] for e in record.valid("Adjusted") if e.data[0] == "deduction"]
    upheld = {e.data[0] for e in record.valid("FindingResolved") if e.data[1] == "appeal-upheld"}
    amounts += [e.data[1] for e in record.valid("FindingRecorded") if e.version not in upheld]
    return total(amounts)


def _latest(record: Record, kind: str) -> tuple | None:  # type: ignore[type-arg]
    entries = record.valid(kind)
    return max(entries, key=lambda e: e.version).data if entries else None


def _progress(record: Record) -> int:
    entries = record.valid("ProgressReported")
    if not entries:
        return 0
    latest = max(entries, key=lambda e: (e.data[0], e.version))
    return int(latest.data[1])


def _section(ind: Indicator, record: Record) -> str:
    assigned = _latest(record, "Assigned")
    return assigned[0] if assigned else ind.section


def _deadline(ind: Indicator, record: Record) -> dt.date | None:
    assigned = _latest(record, "Assigned")
    return assigned[3] if assigned and assigned[3] else ind.deadline


def standings(fold: PlanFold, *, today: dt.date, as_of: dt.date | None = None,
              known_at: dt.datetime | None = None, position: int = 0) -> Standings:
    """The standings of one plan from its folded records."""
    plan = fold.plan
    assert plan is not None
    empty = Record()
    day = as_of or today
    scores: list[IndicatorScore] = []
    by_id: dict[str, IndicatorScore] = {}
    for first in plan.indicators:
        for ind, parent in [(first, None), *[(c, first) for c in first.children]]:
            record = fold.indicators.get(ind.id, empty)
            is_leaf = not ind.children
            award = _latest(record, "TierAwarded") if is_leaf else None
            claimed = _latest(record, "SelfAssessed") if is_leaf else None
            deductions = _effective_deductions(record) if is_leaf else ZERO
            earned = _tier_value(plan, award[0], ind.points) if award else ZERO
            projected = _tier_value(plan, claimed[0], ind.points) if claimed else ZERO
            percent = _progress(record)
            deadline = _deadline(ind, record)
            status = ("done" if percent >= 100 else
                      "late" if deadline is not None and deadline < day else "on_track")
            score = IndicatorScore(
                id=ind.id, name=ind.name, level=1 if parent is None else 2,
                parent=parent.id if parent else "", category=first.category,
                section=_section(ind, record), points=ind.points,
                score=max(earned - deductions, ZERO), projected=max(projected - deductions, ZERO),
                tier=award[0] if award else "", self_tier=claimed[0] if claimed else "",
                deductions=deductions, progress=percent, status=status, deadline=deadline,
                withdrawn=ind.id in fold.withdrawn)
            scores.append(score)
            by_id[ind.id] = score
    for first in plan.indicators:  # first-level with children: the sum of its children
        if first.children:
            parent_score = by_id[first.id]
            kids = [by_id[c.id] for c in first.children]
            parent_score.score = total([k.score for k in kids])
            parent_score.projected = total([k.projected for k in kids])
            parent_score.deductions = total([k.deductions for k in kids])
            parent_score.progress = round(sum(k.progress for k in kids) / len(kids))
            parent_score.status = ("done" if all(k.status == "done" for k in kids) else
                                   "late" if any(k.status == "late" for k in kids) else "on_track")
    leaves = [s for s in scores if not (s.level == 1 and any(c.parent == s.id for c in scores))]
    categories = []
    for cat in plan.categories:
        firsts = [by_id[i.id] for i in plan.indicators if i.category == cat.id]
        categories.append(Rollup(id=cat.id, name=cat.name, kind=cat.kind, points=cat.points,
                                 score=total([f.score for f in firsts]),
                                 projected=total([f.projected for f in firsts])))
    kinds = {c.id: c.kind for c in plan.categories}
    functional = total([c.score for c in categories if kinds[c.id] == "functional"])
    capacity = total([c.score for c in categories if kinds[c.id] == "capacity"])

    unit = fold.unit
    bonus_raw = total([e.data[1] for e in unit.valid("Adjusted") if e.data[0] == "bonus"])
    upheld = {e.data[0] for e in unit.valid("FindingResolved") if e.data[1] == "appeal-upheld"}
    ded_raw = total([e.data[1] for e in unit.valid("Adjusted") if e.data[0] == "deduction"]
                    + [e.data[1] for e in unit.valid("FindingRecorded") if e.version not in upheld])
    bonus = Capped(raw=bonus_raw, cap=plan.scoring.bonus_cap,
                   applied=min(bonus_raw, plan.scoring.bonus_cap))
    unit_ded = Capped(raw=ded_raw, cap=plan.scoring.unit_deduction_cap,
                      applied=min(ded_raw, plan.scoring.unit_deduction_cap))
    vetoes = [e for e in unit.valid("Adjusted") if e.data[0] == "veto"]
    leaf_total = total([s.score for s in leaves])
    grand = max(leaf_total + bonus.applied - unit_ded.applied, ZERO)
    projected_total = max(total([s.projected for s in leaves]) + bonus.applied - unit_ded.applied,
                          ZERO)
    lowest = min(plan.grades, key=lambda g: g.min).name if plan.grades else ""
    grade = lowest if vetoes else grade_for(plan.grades, grand)

    sections = []
    for sec in plan.sections:
        mine = [s for s in leaves if s.section == sec.id]
        points = total([s.points for s in mine])
        score = total([s.score for s in mine])
        rate = (score / points * 100).quantize(CENT) if points else ZERO
        sec_vetoed = any(e.data[2] == sec.id for e in vetoes)
        sections.append(SectionScore(id=sec.id, name=sec.name, points=points, score=score,
                                     rate=rate,
                                     grade=lowest if sec_vetoed else grade_for(plan.grades, rate)))
    return Standings(
        unit=plan.unit, year=plan.year, as_of=as_of, known_at=known_at, total=grand,
        projected_total=projected_total, grade=grade, veto=bool(vetoes),
        veto_reasons=[str(e.data[3] or e.position) for e in vetoes], functional=functional,
        capacity=capacity, bonus=bonus, unit_deductions=unit_ded, categories=categories,
        sections=sections, indicators=scores, position=position)
