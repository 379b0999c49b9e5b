"""What one stored event changed: its indicator's and the unit's score, before -> after.

Both sides are the standings of the records as they stood in the log just before and
just after the event's position, scored under the plan as it is now.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec

from domain import events as ev
from projections.fold import YearFold
from projections.moments import narrow_plan
from projections.standings import standings


class Effect(msgspec.Struct, kw_only=True):
    indicator: str
    indicator_before: Decimal
    indicator_after: Decimal
    total_before: Decimal
    total_after: Decimal
    grade_before: str
    grade_after: str


def effect(fold: YearFold, position: int, event: ev.Event, *, today: dt.date) -> Effect | None:
    """The change the event at `position` made, or None for events that score nothing."""
    if event.kind not in ev.SCORE_KINDS:
        return None
    owner = fold._owners.get(event.originator_id)
    if owner is None:
        return None
    plan_fold, indicator = owner
    if plan_fold.plan is None:
        return None
    plan_fold = fold.plan_by_id(plan_fold.plan_id) or plan_fold  # a plan not shown yet: decoded now
    after_fold = narrow_plan(plan_fold, upto=position)
    before_fold = msgspec.structs.replace(after_fold)
    if indicator:
        narrowed = narrow_plan(msgspec.structs.replace(
            after_fold, indicators={indicator: after_fold.record(indicator)}), upto=position - 1)
        before_fold.indicators = {**after_fold.indicators, **narrowed.indicators}
    else:
        before_fold.unit = narrow_plan(after_fold, upto=position - 1).unit
    before = standings(before_fold, today=today)
    after = standings(after_fold, today=today)
    target = event.indicator_id if hasattr(event, "indicator_id") else ""
    target = target or indicator

    def score(s: object, ind: str) -> Decimal:
        found = next((i for i in s.indicators if i.id == ind), None)  # type: ignore[attr-defined]
        return found.score if found else Decimal(0)

    return Effect(indicator=target, indicator_before=score(before, target) if target else Decimal(0),
                  indicator_after=score(after, target) if target else Decimal(0),
                  total_before=before.total, total_after=after.total,
                  grade_before=before.grade, grade_after=after.grade)
