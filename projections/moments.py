"""Earlier moments of a fold without re-reading the log.

A fold built as known at some time holds every entry with its effective date and
position, so the same records as of an earlier effective date (or up to an earlier
position, for "what did this event change") are a filter over it. The result is what
a replay with those clocks would give; only the plan's structure is taken as it is now.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any
from uuid import UUID

import msgspec

from projections.fold import PlanFold, Record, YearFold
from projections.stream import Clocks


def _kept(entries: list[Any], as_of: dt.date | None, upto: int | None) -> list[Any]:
    # a comprehension per case: no call per entry (a plan's year holds tens of thousands)
    if upto is None:
        return [e for e in entries if e.effective <= as_of] if as_of is not None else list(entries)
    if as_of is None:
        return [e for e in entries if e.position <= upto]
    return [e for e in entries if e.effective <= as_of and e.position <= upto]


def _narrow_record(record: Record, as_of: dt.date | None, upto: int | None) -> Record:
    if as_of is None and (upto is None or record.last_position <= upto):
        # nothing stored after `upto`: every entry kept
        return Record(kinds={k: list(es) for k, es in record.kinds.items()}, voided=dict(record.voided),
                      last_position=record.last_position)
    kinds = {}
    for kind, entries in record.kinds.items():
        kept = _kept(entries, as_of, upto)
        if kept:
            kinds[kind] = kept
    voided = {v: c for v, c in record.voided.items()
              if (as_of is None or c.effective <= as_of) and (upto is None or c.position <= upto)}
    # each kind's entries are in the order stored: its last is its latest position
    last = max((es[-1].position for es in kinds.values()), default=0)
    return Record(kinds=kinds, voided=voided, last_position=last)


def narrow_plan(fold: PlanFold, *, as_of: dt.date | None = None,
                upto: int | None = None) -> PlanFold:
    """The plan's records with only entries effective by `as_of` and stored up to `upto`."""
    return msgspec.structs.replace(
        fold, indicators={k: _narrow_record(r, as_of, upto) for k, r in fold.indicators.items()},
        unit=_narrow_record(fold.unit, as_of, upto))


def narrow(fold: YearFold, *, as_of: dt.date | None = None, upto: int | None = None,
           only: UUID | None = None) -> YearFold:
    """A year fold as of an earlier effective date (or up to a position); with `only`, of
    that one plan (the others left out, which saves filtering a whole county's records)."""
    out = copy.copy(fold)
    out.clocks = Clocks(as_of if as_of is not None else fold.clocks.as_of, fold.clocks.known_at)
    if only is None:
        out.plans = {k: narrow_plan(p, as_of=as_of, upto=upto) for k, p in fold.plans.items()}
    else:
        plan = fold.plan_by_id(only)  # the others are not decoded for it
        out.plans = {only: narrow_plan(plan, as_of=as_of, upto=upto)} if plan is not None else {}
    if upto is not None:
        out.position = min(fold.position, upto)
    return out


def earliest_since(fold: PlanFold, position: int) -> dt.date | None:
    """The earliest effective date among the plan's entries stored after `position` (None
    if there are none): a view as of an earlier date is unchanged by them."""
    earliest: dt.date | None = None
    for record in (fold.unit, *fold.indicators.values()):
        if record.last_position <= position:
            continue
        for entries in record.kinds.values():
            for entry in reversed(entries):  # in the order stored: the new ones are last
                if entry.position <= position:
                    break
                if earliest is None or entry.effective < earliest:
                    earliest = entry.effective
    return earliest
