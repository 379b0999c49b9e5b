"""Standings: the score of every indicator, rolled up to categories, sections and the unit.

The arithmetic is the plan's (see "Scoring" in the product notes): a leaf earns its
points x the share of its latest valid awarded tier, less deductions and findings
against it, never below 0; bonuses and unit-level deductions are summed apart and
capped; a veto sets the lowest grade whatever the total.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from operator import attrgetter
from typing import Any

import msgspec

from domain.plan import Indicator, Plan, grade_for, tier_points
from projections.fold import PlanFold, Record, total

ZERO = Decimal(0)
_BY_PERIOD = attrgetter("period", "version")  # versions differ within a record: no ties
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
    veto: bool = False  # a veto against this section sets its grade to the lowest


class VetoLine(msgspec.Struct, kw_only=True):
    """A valid veto: where it is in the log (its reason is read back from there)."""

    position: int
    effective: dt.date
    section: str
    basis: str


class Capped(msgspec.Struct, kw_only=True):
    raw: Decimal
    cap: Decimal
    applied: Decimal


class Assessed(msgspec.Struct, kw_only=True, frozen=True):
    """The unit's own assessment (自评): the total its sections' self-assessed tiers give,
    with the same adjustments, and the grade that total reaches. Kept apart from the
    county's tiers (考评), which `total` and `grade` are."""

    total: Decimal
    grade: str


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
    vetoes: list[VetoLine] = []
    self_assessed: Assessed = Assessed(total=ZERO, grade="")
    tiered: int = 0  # leaves the county has tiered (0: `total` is not yet the county's assessment)


def _tier_value(plan: Plan, name: str, points: Decimal) -> Decimal:
    tier = plan.tier(name)
    return tier_points(tier, points) if tier is not None else ZERO


def upheld_findings(record: Record) -> set[int]:
    """Findings whose latest valid resolution is an upheld appeal: they deduct nothing."""
    latest: dict[int, Any] = {}
    for r in record.valid("FindingResolved"):
        if r.finding not in latest or r.version > latest[r.finding].version:
            latest[r.finding] = r
    return {f for f, r in latest.items() if r.outcome == "appeal-upheld"}


def finding_outcome(record: Record, finding: int) -> str:
    """The latest valid outcome of a finding ("" while it is open)."""
    outcomes = [r for r in record.valid("FindingResolved") if r.finding == finding]
    return max(outcomes, key=lambda r: r.version).outcome if outcomes else ""


def effective_deductions(record: Record) -> Decimal:
    """Deductions and findings against a leaf (an upheld appeal cancels a finding)."""
    upheld = upheld_findings(record)
    return (total(e.amount for e in record.valid("Adjusted") if e.adjustment == "deduction")
            + total(e.deduction for e in record.valid("FindingRecorded") if e.version not in upheld))


def latest_progress(record: Record, up_to: str | None = None) -> Any:
    """The latest valid progress report (by period, then recording), up to a period."""
    reports = record.valid("ProgressReported")
    if up_to is not None:
        reports = [e for e in reports if e.period <= up_to]
    return max(reports, key=_BY_PERIOD, default=None)


def cumulative_progress(record: Record, up_to: str | None = None) -> int:
    """The percent of the latest valid progress report, up to a period."""
    best = latest_progress(record, up_to)
    return best.percent if best is not None else 0


def assignment(ind: Indicator, record: Record) -> dict[str, Any]:
    """The indicator's current responsibility: its latest valid assignment, else the plan's."""
    a = record.latest("Assigned")
    if a is None:
        return {"section": ind.section, "leader": ind.leader, "handler": ind.handler,
                "deadline": ind.deadline, "milestones": list(ind.milestones), "liaison": "",
                "assigned": False}
    return {"section": a.section, "leader": a.leader, "handler": a.handler,
            "deadline": a.deadline or ind.deadline,
            "milestones": list(a.milestones) or list(ind.milestones), "liaison": a.liaison,
            "assigned": True}


def standings(fold: PlanFold, *, today: dt.date, as_of: dt.date | None = None,
              known_at: dt.datetime | None = None, position: int = 0) -> Standings:
    """The standings of one plan from its folded records.

    A withdrawn indicator keeps its place in the list but earns and counts nothing.
    """
    plan = fold.plan
    assert plan is not None
    day = as_of or today
    scores: list[IndicatorScore] = []
    by_id: dict[str, IndicatorScore] = {}
    for first in plan.indicators:
        for ind, parent in [(first, None), *[(c, first) for c in first.children]]:
            record = fold.record(ind.id)
            is_leaf = not ind.children
            gone = fold.is_withdrawn(ind.id)
            award = record.latest("TierAwarded") if is_leaf else None
            claimed = record.latest("SelfAssessed") if is_leaf else None
            deductions = effective_deductions(record) if is_leaf else ZERO
            earned = _tier_value(plan, award.tier, ind.points) if award else ZERO
            projected = _tier_value(plan, claimed.tier, ind.points) if claimed else ZERO
            percent = cumulative_progress(record)
            duty = assignment(ind, record)
            deadline = duty["deadline"]
            status = ("done" if percent >= 100 else
                      "late" if deadline is not None and deadline < day else "on_track")
            score = IndicatorScore(
                id=ind.id, name=ind.name, level=1 if parent is None else 2,
                parent=parent.id if parent else "", category=first.category,
                section=duty["section"], points=ind.points,
                score=ZERO if gone else max(earned - deductions, ZERO),
                projected=ZERO if gone else max(projected - deductions, ZERO),
                tier=award.tier if award else "", self_tier=claimed.tier if claimed else "",
                deductions=deductions, progress=percent, status=status, deadline=deadline,
                withdrawn=gone)
            scores.append(score)
            by_id[ind.id] = score
    for first in plan.indicators:  # first-level with children: the sum of its children
        if first.children:
            parent_score = by_id[first.id]
            kids = [by_id[c.id] for c in first.children if not by_id[c.id].withdrawn]
            if not kids:
                continue
            parent_score.score = total(k.score for k in kids)
            parent_score.projected = total(k.projected for k in kids)
            parent_score.deductions = total(k.deductions for k in kids)
            parent_score.progress = round(sum(k.progress for k in kids) / len(kids))
            parent_score.status = ("done" if all(k.status == "done" for k in kids) else
                                   "late" if any(k.status == "late" for k in kids) else "on_track")
    leaves = [by_id[i.id] for i, _ in plan.leaves() if not by_id[i.id].withdrawn]
    categories = []
    for cat in plan.categories:
        firsts = [by_id[i.id] for i in plan.indicators if i.category == cat.id]
        categories.append(Rollup(id=cat.id, name=cat.name, kind=cat.kind, points=cat.points,
                                 score=total(f.score for f in firsts),
                                 projected=total(f.projected for f in firsts)))
    kinds = {c.id: c.kind for c in plan.categories}
    functional = total(c.score for c in categories if kinds[c.id] == "functional")
    capacity = total(c.score for c in categories if kinds[c.id] == "capacity")

    unit = fold.unit
    adjustments = unit.valid("Adjusted")
    bonus_raw = total(e.amount for e in adjustments if e.adjustment == "bonus")
    upheld = upheld_findings(unit)
    ded_raw = (total(e.amount for e in adjustments if e.adjustment == "deduction")
               + total(e.deduction for e in unit.valid("FindingRecorded") if e.version not in upheld))
    bonus = Capped(raw=bonus_raw, cap=plan.scoring.bonus_cap,
                   applied=min(bonus_raw, plan.scoring.bonus_cap))
    unit_ded = Capped(raw=ded_raw, cap=plan.scoring.unit_deduction_cap,
                      applied=min(ded_raw, plan.scoring.unit_deduction_cap))
    # a veto recorded against an indicator vetoes the unit (and that indicator's section) too
    vetoes = [e for e in adjustments if e.adjustment == "veto"] + [
        e for i, _ in plan.walk() for e in fold.record(i.id).valid("Adjusted") if e.adjustment == "veto"]
    leaf_total = total(s.score for s in leaves)
    grand = max(leaf_total + bonus.applied - unit_ded.applied, ZERO)
    projected_total = max(total(s.projected for s in leaves) + bonus.applied - unit_ded.applied,
                          ZERO)
    lowest = min(plan.grades, key=lambda g: g.min).name if plan.grades else ""
    grade = lowest if vetoes else grade_for(plan.grades, grand)

    sections = []
    for sec in plan.sections:
        mine = [s for s in leaves if s.section == sec.id]
        points = total(s.points for s in mine)
        score = total(s.score for s in mine)
        rate = (score / points * 100).quantize(CENT) if points else ZERO
        sec_vetoed = any(e.section == sec.id for e in vetoes)
        sections.append(SectionScore(id=sec.id, name=sec.name, points=points, score=score,
                                     rate=rate,
                                     grade=lowest if sec_vetoed else grade_for(plan.grades, rate),
                                     veto=sec_vetoed))
    return Standings(
        unit=plan.unit, year=plan.year, as_of=as_of, known_at=known_at, total=grand,
        projected_total=projected_total, grade=grade, veto=bool(vetoes),
        veto_reasons=[str(e.basis or e.position) for e in vetoes], functional=functional,
        capacity=capacity, bonus=bonus, unit_deductions=unit_ded, categories=categories,
        sections=sections, indicators=scores, position=position,
        vetoes=[VetoLine(position=e.position, effective=e.effective, section=e.section, basis=e.basis)
                for e in vetoes],
        self_assessed=Assessed(total=projected_total,
                               grade=lowest if vetoes else grade_for(plan.grades, projected_total)),
        tiered=sum(1 for s in leaves if s.tier and not s.withdrawn))


def veto_notes(s: Standings, read: Any) -> list[tuple[VetoLine, str]]:
    """Each valid veto with why, in words: its reason and basis read back from the log.

    `read` maps positions to {position: (originator, event)} (see `projections.stream.read_at`).
    """
    texts = read([v.position for v in s.vetoes]) if s.vetoes else {}
    out = []
    for v in s.vetoes:
        reason = getattr(texts.get(v.position, (None, None))[1], "reason", "")
        parts = [f"理由：{reason}" if reason else "", f"依据：{v.basis}" if v.basis else ""]
        out.append((v, "；".join(p for p in parts if p) or f"#{v.position}"))
    return out
