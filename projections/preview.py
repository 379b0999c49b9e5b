"""What the records would be with events not yet stored: the preview before confirming.

The fold is copied only where the new events land (one indicator's or the unit's
record), then the events are folded exactly as the log would fold them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

import msgspec

from domain import events as ev
from projections.fold import PlanFold, Record, YearFold


def _copy_record(record: Record) -> Record:
    return Record(kinds={k: list(v) for k, v in record.kinds.items()}, voided=dict(record.voided),
                  last_position=record.last_position)


def with_events(fold: YearFold, events: Iterable[ev.Event]) -> YearFold:
    """A copy of `fold` with `events` folded in after its last position; `fold` is untouched."""
    events = list(events)
    for event in events:  # the plans the events land in, decoded; the others left encoded
        owner = fold._owners.get(event.originator_id)
        if owner is not None:
            fold.plan_by_id(owner[0].plan_id)
    out = copy.copy(fold)
    out._plans = dict(fold._plans)  # a plan still encoded stays shared with `fold`
    out._owners = dict(fold._owners)
    copies: dict[int, PlanFold] = {}
    position = fold.position
    for event in events:
        owner = fold._owners.get(event.originator_id)
        if owner is not None:
            original, indicator = owner
            plan = copies.get(id(original))
            if plan is None:
                plan = msgspec.structs.replace(original, indicators=dict(original.indicators),
                                               unit=_copy_record(original.unit))
                copies[id(original)] = plan
                out._plans[plan.plan_id] = plan
                for key, (p, ind) in fold._owners.items():
                    if p is original:
                        out._owners[key] = (plan, ind)
            if indicator and indicator in plan.indicators:
                plan.indicators[indicator] = _copy_record(plan.indicators[indicator])
        position += 1
        out.apply(position, event.originator_id, event)
    out.position = fold.position
    return out
