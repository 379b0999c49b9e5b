"""Earlier moments of a fold without re-reading the log.

A fold built as known at some time holds every entry with its effective date and
position, so the same records as of an earlier effective date (or up to an earlier
position, for "what did this event change") are a filter over it. The result is what
a replay with those clocks would give; only the plan's structure is taken as it is now.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any
from uuid import UUID

import msgspec

from projections.fold import PlanFold, Record, YearFold
from projections.stream import Clocks


def _narrow_record(record: Record, keep: Callable[[Any], bool]) -> Record:
    kinds = {}
    for kind, entries in record.kinds.items():
        kept = [e for e in entries if keep(e)]
        if kept:
            kinds[kind] = kept
    voided = {v: c for v, c in record.voided.items() if keep(c)}
    last = max((e.position for es in kinds.values() for e in es), default=0)
    return Record(kinds=kinds, voided=voided, last_position=last)


def narrow_plan(fold: PlanFold, *, as_of: dt.date | None = None,
                upto: int | None = None) -> PlanFold:
    """The plan's records with only entries effective by `as_of` and stored up to `upto`."""

    def keep(entry: Any) -> bool:
        return ((as_of is None or entry.effective <= as_of)
                and (upto is None or entry.position <= upto))

    return msgspec.structs.replace(
        fold, indicators={k: _narrow_record(r, keep) for k, r in fold.indicators.items()},
        unit=_narrow_record(fold.unit, keep))


def narrow(fold: YearFold, *, as_of: dt.date | None = None, upto: int | None = None,
           only: UUID | None = None) -> YearFold:
    """A year fold as of an earlier effective date (or up to a position); with `only`, of
    that one plan (the others left out, which saves filtering a whole county's records)."""
    out = copy.copy(fold)
    out.clocks = Clocks(as_of if as_of is not None else fold.clocks.as_of, fold.clocks.known_at)
    out.plans = {k: narrow_plan(p, as_of=as_of, upto=upto) for k, p in fold.plans.items()
                 if only is None or k == only}
    if upto is not None:
        out.position = min(fold.position, upto)
    return out
