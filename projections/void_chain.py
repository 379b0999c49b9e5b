"""The void chain of one stored event: which correction voided it, or, for a correction,
which event it voids and which entry of that kind is in force after it.

Read from the fold's records (the entries of each indicator, or of the unit, with the
corrections that void them), so it answers for the moment viewed: a correction recorded
after that moment is not in the records, and the event reads as standing.
"""

from __future__ import annotations

from typing import Any

import msgspec

from domain import events as ev
from projections.fold import PlanFold, YearFold
from projections.fold_entries import Record

# kinds where one entry is in force at a time: voiding it brings the one before back
IN_FORCE = frozenset({"TierAwarded", "SelfAssessed", "ProgressReported", "Assigned"})


class VoidChain(msgspec.Struct, kw_only=True):
    voided_by: int | None = None  # position of the correction that voids this event
    voids: int | None = None  # a correction: the position of the event it voids
    voids_kind: str = ""
    in_force_kind: str = ""  # a correction of a kind with one entry in force: that kind
    in_force: int | None = None  # ... and the position of the entry in force after it (None: none)


def void_chain(fold: YearFold, event: ev.Event, *, records: PlanFold | None = None) -> VoidChain | None:
    """The chain of `event` (stored in `fold`'s log), from `records` when given (the plan's
    records at the moment viewed) or the fold's own; None for an event of no record."""
    owner = fold._owners.get(event.originator_id)
    if owner is None:
        return None
    plan_fold, indicator = owner
    if records is not None and records.plan_id == plan_fold.plan_id:
        plan_fold = records
    record = plan_fold.record(indicator) if indicator else plan_fold.unit
    chain = VoidChain()
    correction = record.voided.get(event.originator_version)
    if correction is not None:
        chain.voided_by = correction.position
    if isinstance(event, ev.Corrected):
        voided = next((e for e in record.entries() if e.version == event.voided), None)
        if voided is None:
            return chain
        chain.voids, chain.voids_kind = voided.position, voided.kind
        if voided.kind in IN_FORCE:
            chain.in_force_kind = voided.kind
            chain.in_force = _in_force_after(record, voided, event.originator_version)
    return chain


def _in_force_after(record: Record, voided: Any, correction_version: int) -> int | None:
    """The entry of the voided one's kind (and period) in force once the correction stood."""
    best = None
    for e in record.all(voided.kind):
        if e.version >= correction_version or e.version == voided.version:
            continue
        if getattr(e, "period", None) != getattr(voided, "period", None):
            continue
        fix = record.voided.get(e.version)
        if fix is not None and fix.version < correction_version:  # voided before this correction
            continue
        if best is None or (e.effective, e.version) >= (best.effective, best.version):
            best = e
    return best.position if best is not None else None
