"""The year fold: one pass over the ordered log that every read model is built from.

`YearFold.apply(position, originator_id, event)` is fed the same stream whether it is a
full replay, an as-of replay or live following. It keeps, per plan, the compact facts
the reports need (versions, tiers, amounts, positions); long texts stay in the log and
are read back by position when a report shows them.

Entries are small msgspec structs so a year of a whole county fits in memory and the
fold's state can be written to a checkpoint and read back exactly (`state()` /
`YearFold.from_state`). A checkpoint keeps each plan's records encoded apart
(`stored()` / `YearFold.from_stored`): a fold opened from one decodes a plan's records
when the plan is first read, so opening a county's ledger to show one unit decodes one
unit. Events for a plan not yet decoded wait beside its bytes and are folded in, in
order, when it is.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import threading
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import msgspec

from domain import events as ev
from domain.aggregates import apply_plan_change, indicator_id, unit_id
from domain.codec import decode_event
from domain.plan import Plan
from domain.plan_status import advance
from projections.fold_entries import PlanFold, Record, UserInfo, total
from projections.fold_feed import feed_records, settle
from projections.fold_state import (
    FoldState,
    PlanRecords,
    StoredPlan,
    StoredState,
    _Encoded,
    _records_decoder,
    _records_encoder,
)
from projections.fold_views import BUILDERS, KIND_NAMES, LEAN_VIEWS, VIEWS
from projections.stream import UUIDS, Clocks, shared_uuid

__all__ = ["LEAN_VIEWS", "STRUCTURAL", "VIEWS", "FoldState", "PlanFold", "Record", "StoredState", "UserInfo",
           "YearFold", "total"]

STRUCTURAL = (ev.UserRegistered, ev.RoleGranted, ev.RoleRevoked, ev.KeyAdded, ev.KeyRevoked,
              ev.AccountBound, ev.AccountUnbound, ev.ContactChanged,
              ev.PlanRegistered, ev.PlanLoaded, ev.IndicatorAdded, ev.IndicatorRevised,
              ev.IndicatorWithdrawn, ev.TierTableChanged, ev.DeadlinesChanged, ev.PlanApproved,
              ev.DataItemsChanged, ev.PlanSubmitted, ev.PlanPublished)
_STRUCTURAL = frozenset(STRUCTURAL)


class YearFold:
    """Folds the log into per-plan records. Feed it events in global order."""

    def __init__(self, clocks: Any = None) -> None:
        self.clocks = clocks or Clocks()
        self.position = 0
        self._plans: dict[UUID, PlanFold] = {}
        self._encoded: dict[UUID, _Encoded] = {}  # plans whose records are not decoded yet
        self._decoding = threading.RLock()  # a plan may be first read off the UI thread
        self.users: dict[str, UserInfo] = {}
        self._owners: dict[UUID, tuple[PlanFold, str]] = {}  # aggregate -> (plan, indicator|"")
        self._by_key: dict[Any, tuple[PlanFold, str]] = {}  # the same, by the id as stored
        self._strings: dict[Any, Any] = {}
        # one object per distinct short text (periods, tiers, ids) and date: a county's year
        # of entries then shares them instead of holding a copy each
        self._intern = sys.intern
        self._day = self._strings.setdefault
        self._filtered = not self.clocks.now
        self._unsettled = False  # entries decoded straight from payloads are in the records

    # -- plans, decoded when first read ---------------------------------------------
    @property
    def plans(self) -> dict[UUID, PlanFold]:
        """Every plan's fold, by plan id (any still encoded is decoded first)."""
        for plan_id in list(self._encoded):
            self._decode(plan_id)
        return self._plans

    @plans.setter
    def plans(self, plans: dict[UUID, PlanFold]) -> None:
        self._plans = plans
        self._encoded = {}

    def plan_by_id(self, plan_id: UUID) -> PlanFold | None:
        """One plan's fold (decoded if it was still encoded); the others stay as they are."""
        if plan_id in self._encoded:
            self._decode(plan_id)
        return self._plans.get(plan_id)

    def structures(self) -> list[tuple[UUID, Plan]]:
        """Every plan loaded, in the order loaded: its id and structure (records untouched)."""
        return [(k, p.plan) for k, p in self._plans.items() if p.plan is not None]

    def _decode(self, plan_id: UUID) -> None:
        # under the lock, and still listed as encoded until its waiting entries are in:
        # an entry for it arriving from another thread meanwhile lands after them
        with self._decoding:
            encoded = self._encoded.get(plan_id)
            if encoded is None:  # decoded meanwhile
                return
            fold = self._plans[plan_id]
            with _no_collection():
                records = _records_decoder.decode(encoded.records)
                fold.indicators = records.indicators
                fold.unit = records.unit
                for waiting in encoded.waiting:
                    self._put(*waiting)
            del self._encoded[plan_id]

    # -- folding ------------------------------------------------------------------
    def apply(self, position: int, originator: UUID, event: ev.Event) -> None:
        self.position = position
        kind = type(event)
        build = BUILDERS.get(kind)
        if build is None:
            if kind in _STRUCTURAL and (not self._filtered or self.clocks.admits(event, True)):
                self._structural(originator, event)
            return
        if self._filtered and not self.clocks.admits(event, False):
            return
        owner = self._owners.get(originator)
        if owner is not None:
            self._add(owner, position, kind, event, build)

    def _add(self, owner: tuple[PlanFold, str], position: int, kind: type, event: Any, build: Any) -> None:
        """Add the entry of one event (or its view) to its indicator's or the unit's record,
        or, while the plan's records are still encoded, keep it to add when they are decoded."""
        if self._encoded:
            with self._decoding:
                encoded = self._encoded.get(owner[0].plan_id)
                if encoded is not None:
                    encoded.waiting.append((owner, position, kind, event, build))
                    return
        self._put(owner, position, kind, event, build)

    def _put(self, owner: tuple[PlanFold, str], position: int, kind: type, event: Any, build: Any) -> None:
        plan, indicator = owner
        if indicator:
            record = plan.indicators.get(indicator)
            if record is None:
                record = plan.indicators[indicator] = Record(kinds={}, voided={})
        else:
            record = plan.unit
        day = event.effective
        entry = build(event, position, self._day(day, day), self._intern)
        name = KIND_NAMES[kind]
        entries = record.kinds.get(name)
        if entries is None:
            record.kinds[name] = [entry]
        else:
            entries.append(entry)
        record.last_position = position
        if kind is ev.Corrected:
            # the first void counts (the ledger refuses a second; an imported log may not)
            record.voided.setdefault(entry.voided, entry)

    def feed_rows(self, pages: Any) -> int:
        """Apply pages of stored rows (position, originator, topic, payload) as read from
        the store: the fast path of a replay. Entry kinds are decoded into views; anything
        else (people, the plan, older event versions) into its full event."""
        if not self._encoded:  # nothing encoded: entries go straight into their records
            return self._feed_records(pages)
        views = VIEWS if self.clocks.known_at is not None else LEAN_VIEWS
        owners = self._by_key
        filtered = self._filtered
        admits = self.clocks.admits
        apply = self.apply
        add = self._add
        n = 0
        with _no_collection():
            for page in pages:
                for position, originator, topic, state in page:
                    spec = views.get(topic)
                    if spec is None:
                        apply(position, self._oid(originator), decode_event(topic, state))
                        owners = self._by_key  # the plan may have changed who owns what
                        continue
                    kind, decode, build = spec
                    view = decode(state)
                    if filtered and not admits(view, False):
                        continue
                    owner = owners.get(originator)
                    if owner is None:
                        owner = self._owners.get(self._oid(originator))
                        if owner is None:
                            continue
                        owners[originator] = owner
                    add(owner, position, kind, view, build)
                if page:
                    n += len(page)
                    self.position = page[-1][0]
        return n

    def _feed_records(self, pages: Any) -> int:
        """`feed_rows` when no plan's records are still encoded (see `fold_feed`)."""
        with _no_collection():
            return feed_records(self, pages)

    def _settle(self) -> None:
        """Decoded entries into the compact ones a checkpoint stores (see `fold_feed.settle`)."""
        if self._unsettled:
            with self._decoding, _no_collection():
                settle(self._plans, self._encoded)
            self._unsettled = False

    def _record_of(self, originator: Any) -> Record | None:
        """The record an aggregate's entries go into (made if need be); None if no plan owns it."""
        owner = self._owners.get(self._oid(originator))
        if owner is None:
            return None
        plan, indicator = owner
        if not indicator:
            return plan.unit
        record = plan.indicators.get(indicator)
        if record is None:
            record = plan.indicators[indicator] = Record(kinds={}, voided={})
        return record

    @staticmethod
    def _oid(originator: Any) -> UUID:
        return originator if isinstance(originator, UUID) else (
            UUIDS.get(originator) or UUIDS.setdefault(originator, UUID(originator)))

    def feed(self, stream: Any) -> int:
        """Apply every (position, originator, event) of a stream; returns how many."""
        n = 0
        apply = self.apply
        with _no_collection():
            for position, originator, event in stream:
                apply(position, originator, event)
                n += 1
        return n

    def feed_pages(self, pages: Any) -> int:
        """Apply pages (lists) of (position, originator, event); returns how many."""
        n = 0
        apply = self.apply
        with _no_collection():
            for page in pages:
                for position, originator, event in page:
                    apply(position, originator, event)
                n += len(page)
        return n

    def _structural(self, originator: UUID, event: ev.Event) -> None:
        match event:
            case ev.UserRegistered():
                self.users[event.user] = UserInfo(id=event.user, name=event.name,
                                                  title=event.title, section=event.section)
            case ev.RoleGranted() if event.user in self.users:
                if event.role_name not in self.users[event.user].roles:
                    self.users[event.user].roles.append(event.role_name)
            case ev.RoleRevoked() if event.user in self.users:
                roles = self.users[event.user].roles
                if event.role_name in roles:
                    roles.remove(event.role_name)
            case ev.ContactChanged() if event.user in self.users:
                self.users[event.user].phone = event.phone
                self.users[event.user].mobile = event.mobile
            case ev.KeyAdded() | ev.KeyRevoked() | ev.AccountBound() | ev.AccountUnbound() | ev.ContactChanged():
                pass
            case ev.PlanRegistered():
                self._plans.setdefault(event.plan_id, _plan_fold(event.plan_id))
            case _:
                fold = self._plans.get(originator)
                if fold is None:
                    fold = self._plans[originator] = _plan_fold(originator)
                fold.plan = apply_plan_change(fold.plan, event)
                if isinstance(event, ev.IndicatorWithdrawn):
                    fold.withdrawn.add(event.indicator_id)
                if isinstance(event, ev.PlanApproved):
                    fold.approved = True
                fold.status = advance(fold.status, event)
                if fold.plan is not None:
                    self._own(fold)

    def _own(self, fold: PlanFold, owned: dict[UUID, str] | None = None) -> None:
        self._by_key = {}
        for key, indicator in (owned if owned is not None else _owned(fold)).items():
            self._owners[shared_uuid(key)] = (fold, indicator)

    # -- state as data (checkpoints, comparisons) -------------------------------------
    def state(self) -> FoldState:
        self._settle()
        return FoldState(position=self.position, plans=self.plans, users=self.users)

    @classmethod
    def from_state(cls, state: FoldState) -> YearFold:
        """A fold that continues from a saved state (always unfiltered: now, as known now)."""
        fold = cls()
        fold.position = state.position
        fold.plans = state.plans
        fold.users = state.users
        for plan in fold._plans.values():
            if plan.plan is not None:
                fold._own(plan)
        return fold

    def stored(self) -> StoredState:
        """The state as a checkpoint stores it: records still encoded are passed on as they
        are (unless events wait for them), the others encoded now."""
        plans = []
        self._settle()
        with self._decoding:
            for plan_id, fold in self._plans.items():
                encoded = self._encoded.get(plan_id)
                if encoded is not None and encoded.waiting:
                    self._decode(plan_id)
                    encoded = None
                records = encoded.records if encoded is not None else msgspec.Raw(
                    _records_encoder.encode(PlanRecords(fold.indicators, fold.unit)))
                plans.append(StoredPlan(plan_id=plan_id, plan=fold.plan, withdrawn=fold.withdrawn,
                                        approved=fold.approved, status=fold.status, records=records,
                                        owned=_owned(fold) if fold.plan is not None else {}))
        return StoredState(position=self.position, users=self.users, plans=plans)

    @classmethod
    def from_stored(cls, state: StoredState) -> YearFold:
        """A fold that continues from a checkpoint's state, each plan's records decoded when
        the plan is first read (always unfiltered: now, as known now)."""
        fold = cls()
        fold.position = state.position
        fold.users = state.users
        for stored in state.plans:
            plan = fold._plans[stored.plan_id] = PlanFold(
                plan_id=stored.plan_id, plan=stored.plan, withdrawn=stored.withdrawn,
                approved=stored.approved, status=stored.status, indicators={}, unit=Record(kinds={}, voided={}))
            fold._encoded[stored.plan_id] = _Encoded(stored.records)
            if plan.plan is not None:
                fold._own(plan, stored.owned)  # stored: no hashing of ids at start-up
        return fold

    # -- reading ------------------------------------------------------------------
    def plan_fold(self, unit: str | None = None, year: int | None = None) -> PlanFold | None:
        """The plan asked for (by unit and year), else the latest one loaded."""
        candidates = [(k, p) for k, p in self.structures()
                      if (not unit or p.unit == unit) and (not year or p.year == year)]
        return self.plan_by_id(candidates[-1][0]) if candidates else None

    def plan_folds(self) -> Iterator[PlanFold]:
        return (p for p in self.plans.values() if p.plan is not None)


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """No cyclic garbage collection while folding: the fold makes no cycles, and a page of
    decoded events held alive would otherwise trigger collections over the whole heap."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _owned(fold: PlanFold) -> dict[UUID, str]:
    """The aggregates whose entries land in the plan's records: id -> indicator ("" for
    the unit's own record)."""
    assert fold.plan is not None
    owned = {unit_id(fold.plan_id): ""}
    for ind, _ in fold.plan.walk():
        owned[indicator_id(fold.plan_id, ind.id)] = ind.id
    return owned


def _plan_fold(pid: UUID) -> PlanFold:
    return PlanFold(plan_id=pid, withdrawn=set(), indicators={}, unit=Record(kinds={}, voided={}))
