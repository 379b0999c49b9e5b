"""The year fold's fast path: pages of stored rows folded straight into its records.

Replaying as known now (with or without an effective date), each payload is decoded
straight into its entry (`fold_views.ENTRY_VIEWS`) and appended to its record: no
entry is built per event, no view thrown away. Replaying as known at a time, the views
carry the recorded time and each is built into its entry. Entries decoded straight
from payloads are turned into the compact entries a checkpoint stores (the same
values) only when the fold is saved or compared (`settle`).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.codec import decode_event
from projections.fold_entries import PlanFold, Record
from projections.fold_views import ENTRY_VIEWS, FAST_VIEWS, SETTLE, settled

_UNSEEN: Any = object()


def feed_records(fold: Any, pages: Any) -> int:
    """Fold pages of rows (position, originator, topic, payload) into `fold`, a `YearFold`
    whose plans' records are all decoded; returns how many rows were read. Each
    aggregate's record is looked up once (again after any event that may change who owns
    what), and each entry appended in this loop, without a call per event."""
    if fold.clocks.known_at is not None:
        return _feed_views(fold, pages)
    views = ENTRY_VIEWS
    filtered = fold._filtered
    as_of = fold.clocks.as_of
    apply = fold.apply
    oid = fold._oid
    records: dict[Any, Record | None] = {}  # the aggregate's id as stored -> its record (None: no plan's)
    get = records.get
    record_of = fold._record_of
    n = 0
    for page in pages:
        for position, originator, topic, state in page:
            spec = views.get(topic)
            if spec is None:
                apply(position, oid(originator), decode_event(topic, state))
                records.clear()  # the plan may have changed who owns what
                continue
            name, decode, corrects = spec
            entry = decode(state)
            if filtered and entry.effective > as_of:
                continue
            record = get(originator, _UNSEEN)
            if record is _UNSEEN:
                record = records[originator] = record_of(originator)
            if record is None:
                continue
            entry.position = position
            entries = record.kinds.get(name)
            if entries is None:
                record.kinds[name] = [entry]
            else:
                entries.append(entry)
            record.last_position = position
            if corrects:
                # the first void counts (the ledger refuses a second; an imported log may not)
                record.voided.setdefault(entry.voided, entry)
        if page:
            n += len(page)
            fold.position = page[-1][0]
    fold._unsettled = True
    return n


def _feed_views(fold: Any, pages: Any) -> int:
    """`feed_records` replaying as known at a time: views with the recorded time, each
    built into its entry."""
    views = FAST_VIEWS
    admits = fold.clocks.admits
    apply = fold.apply
    oid = fold._oid
    day_of = fold._day
    intern = fold._intern
    records: dict[Any, Record | None] = {}
    record_of = fold._record_of
    n = 0
    for page in pages:
        for position, originator, topic, state in page:
            spec = views.get(topic)
            if spec is None:
                apply(position, oid(originator), decode_event(topic, state))
                records.clear()
                continue
            name, decode, build, corrects = spec
            view = decode(state)
            if not admits(view, False):
                continue
            record = records.get(originator, _UNSEEN)
            if record is _UNSEEN:
                record = records[originator] = record_of(originator)
            if record is None:
                continue
            day = view.effective
            entry = build(view, position, day_of(day, day), intern)
            entries = record.kinds.get(name)
            if entries is None:
                record.kinds[name] = [entry]
            else:
                entries.append(entry)
            record.last_position = position
            if corrects:
                record.voided.setdefault(entry.voided, entry)
        if page:
            n += len(page)
            fold.position = page[-1][0]
    return n


def settle(plans: dict[UUID, PlanFold], encoded: dict[UUID, Any]) -> None:
    """Turn the entries decoded straight from payloads into compact entries, in place, in
    every decoded plan, so the state compares and encodes as one kind of entry whichever
    way it was folded."""
    for plan_id, plan in plans.items():
        if plan_id in encoded:
            continue
        for record in (plan.unit, *plan.indicators.values()):
            for entries in record.kinds.values():
                if any(type(e) in SETTLE for e in entries):
                    entries[:] = [settled(e) for e in entries]
            if record.voided:
                corrections = {e.version: e for e in record.kinds.get("Corrected", ())}
                for version, correction in record.voided.items():
                    if type(correction) in SETTLE:
                        record.voided[version] = corrections.get(correction.version) or settled(correction)
