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
import datetime as dt
import gc
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

import msgspec

from domain import events as ev
from domain.aggregates import apply_plan_change, indicator_id, unit_id
from domain.codec import decode_event
from domain.plan import Plan
from projections.stream import UUIDS, Clocks, shared_uuid

STRUCTURAL = (ev.UserRegistered, ev.RoleGranted, ev.RoleRevoked, ev.KeyAdded, ev.KeyRevoked,
              ev.AccountBound, ev.AccountUnbound,
              ev.PlanRegistered, ev.PlanLoaded, ev.IndicatorAdded, ev.IndicatorRevised,
              ev.IndicatorWithdrawn, ev.TierTableChanged, ev.DeadlinesChanged, ev.PlanApproved)
_STRUCTURAL = frozenset(STRUCTURAL)


# -- entries: one per voidable event, typed by kind ---------------------------------------
class Entry(msgspec.Struct, array_like=True, gc=False, tag_field="k"):
    """One voidable entry: enough to score and list it without re-reading the log."""

    KIND: ClassVar[str] = ""
    position: int
    version: int
    effective: dt.date

    @property
    def kind(self) -> str:
        return self.KIND


class AssignedEntry(Entry, tag=1):
    KIND: ClassVar[str] = "Assigned"
    section: str
    leader: str
    handler: str
    deadline: dt.date | None
    milestones: list[str]
    liaison: str


class ProgressEntry(Entry, tag=2):
    KIND: ClassVar[str] = "ProgressReported"
    period: str
    percent: int


class EvidenceEntry(Entry, tag=3):
    KIND: ClassVar[str] = "EvidenceAttached"
    size: int


class SelfAssessedEntry(Entry, tag=4):
    KIND: ClassVar[str] = "SelfAssessed"
    tier: str


class TierEntry(Entry, tag=5):
    KIND: ClassVar[str] = "TierAwarded"
    tier: str
    points: Decimal


class AdjustedEntry(Entry, tag=6):
    KIND: ClassVar[str] = "Adjusted"
    adjustment: str
    amount: Decimal
    section: str
    basis: str


class FindingEntry(Entry, tag=7):
    KIND: ClassVar[str] = "FindingRecorded"
    method: str
    finding_source: str
    count: int
    per_item: Decimal
    deduction: Decimal
    rectify_by: dt.date | None


class ResolvedEntry(Entry, tag=8):
    KIND: ClassVar[str] = "FindingResolved"
    finding: int
    outcome: str


class FiledEntry(Entry, tag=9):
    KIND: ClassVar[str] = "ReportFiled"
    report: str
    period: str
    section: str
    digest: str
    actor: str
    recorded: dt.datetime


class SealedEntry(Entry, tag=10):
    KIND: ClassVar[str] = "Sealed"


class RemarkEntry(Entry, tag=11):
    KIND: ClassVar[str] = "AuditRemarked"


class CorrectedEntry(Entry, tag=12):
    KIND: ClassVar[str] = "Corrected"
    voided: int
    voided_kind: str


AnyEntry = (AssignedEntry | ProgressEntry | EvidenceEntry | SelfAssessedEntry | TierEntry
            | AdjustedEntry | FindingEntry | ResolvedEntry | FiledEntry | SealedEntry
            | RemarkEntry | CorrectedEntry)


class Record(msgspec.Struct, array_like=True, kw_only=True):
    """The entries of one indicator (or of the unit) by kind, in version order, with voids."""

    kinds: dict[str, list[AnyEntry]] = {}
    voided: dict[int, CorrectedEntry] = {}  # voided version -> the correction
    last_position: int = 0

    def all(self, kind: str) -> list[Any]:
        return self.kinds.get(kind, [])

    def valid(self, kind: str) -> list[Any]:
        """Entries of a kind that no correction voids, in the order they were recorded."""
        entries = self.kinds.get(kind, [])
        if not self.voided:
            return list(entries)
        return [e for e in entries if e.version not in self.voided]

    def latest(self, kind: str) -> Any:
        """The latest valid entry of a kind (by effective date, then recording order)."""
        best = None
        for e in self.kinds.get(kind, ()):
            if e.version in self.voided:
                continue
            if best is None or (e.effective, e.version) >= (best.effective, best.version):
                best = e
        return best

    def entries(self) -> list[Any]:
        """Every entry, in the order it was recorded."""
        return sorted((e for es in self.kinds.values() for e in es), key=lambda e: e.version)

    def __len__(self) -> int:
        return sum(len(es) for es in self.kinds.values())


class PlanFold(msgspec.Struct, kw_only=True):
    plan_id: UUID
    plan: Plan | None = None
    withdrawn: set[str] = set()
    approved: bool = False
    indicators: dict[str, Record] = {}
    unit: Record = msgspec.field(default_factory=Record)

    def record(self, indicator: str) -> Record:
        return self.indicators.get(indicator) or _EMPTY

    def is_withdrawn(self, indicator: str) -> bool:
        """Whether an indicator, or the first-level indicator above it, is withdrawn."""
        if indicator in self.withdrawn:
            return True
        if self.plan is None or not self.withdrawn:
            return False
        return any(indicator in {c.id for c in first.children}
                   for first in self.plan.indicators if first.id in self.withdrawn)


_EMPTY = Record()


class UserInfo(msgspec.Struct, kw_only=True):
    id: str
    name: str
    title: str = ""
    section: str = ""
    roles: list[str] = []


class FoldState(msgspec.Struct, kw_only=True):
    """Everything a fold knows, as data (to compare two folds)."""

    position: int
    plans: dict[UUID, PlanFold]
    users: dict[str, UserInfo]


class PlanRecords(msgspec.Struct, array_like=True):
    """A plan's records: what a checkpoint encodes apart for each plan."""

    indicators: dict[str, Record]
    unit: Record


class StoredPlan(msgspec.Struct, kw_only=True):
    """One plan as a checkpoint stores it: its structure, and its records as bytes."""

    plan_id: UUID
    plan: Plan | None = None
    withdrawn: set[str] = set()
    approved: bool = False
    owned: dict[UUID, str]  # aggregate id -> its indicator ("" for the unit): see `_owned`
    records: msgspec.Raw


class StoredState(msgspec.Struct, kw_only=True):
    """Everything a fold knows, as a checkpoint stores it."""

    position: int
    users: dict[str, UserInfo]
    plans: list[StoredPlan]


_records_encoder = msgspec.msgpack.Encoder()
_records_decoder = msgspec.msgpack.Decoder(PlanRecords)


class _Encoded:
    """A plan's records still as bytes, with the entries for it folded since (in order)."""

    __slots__ = ("records", "waiting")

    def __init__(self, records: msgspec.Raw) -> None:
        self.records = records
        self.waiting: list[tuple[tuple[PlanFold, str], int, type, Any, Any]] = []


# -- building entries from events ----------------------------------------------------------
def _entry_builders() -> dict[type, Any]:
    """Per event kind: (the entry's kind, a function building it). Positional arguments in
    field order (position, version, effective, then the entry's own): the fold's hot path."""
    return {
        ev.Assigned: lambda e, p, d, i: AssignedEntry(
            p, e.originator_version, d, i(e.section), i(e.leader), i(e.handler), e.deadline,
            list(e.milestones), i(e.liaison)),
        ev.ProgressReported: lambda e, p, d, i: ProgressEntry(
            p, e.originator_version, d, i(e.period), e.percent),
        ev.EvidenceAttached: lambda e, p, d, i: EvidenceEntry(p, e.originator_version, d, e.size),
        ev.SelfAssessed: lambda e, p, d, i: SelfAssessedEntry(p, e.originator_version, d, i(e.tier)),
        ev.TierAwarded: lambda e, p, d, i: TierEntry(p, e.originator_version, d, i(e.tier), e.points),
        ev.Adjusted: lambda e, p, d, i: AdjustedEntry(
            p, e.originator_version, d, i(e.adjustment), e.amount, i(e.section), e.basis),
        ev.FindingRecorded: lambda e, p, d, i: FindingEntry(
            p, e.originator_version, d, i(e.method), i(e.finding_source), e.count, e.per_item,
            e.deduction, e.rectify_by),
        ev.FindingResolved: lambda e, p, d, i: ResolvedEntry(
            p, e.originator_version, d, e.finding, i(e.outcome)),
        ev.ReportFiled: lambda e, p, d, i: FiledEntry(
            p, e.originator_version, d, i(e.report), i(e.period), i(e.section), e.digest, i(e.actor),
            e.timestamp),
        ev.Sealed: lambda e, p, d, i: SealedEntry(p, e.originator_version, d),
        ev.AuditRemarked: lambda e, p, d, i: RemarkEntry(p, e.originator_version, d),
        ev.Corrected: lambda e, p, d, i: CorrectedEntry(
            p, e.originator_version, d, e.voided, i(e.voided_kind)),
    }


BUILDERS = _entry_builders()
KIND_NAMES = {t: t.__name__ for t in BUILDERS}

# What each entry needs of its event. Replaying the store, events of these kinds are
# decoded into small views holding only these fields (and the clocks' two dates), which
# skips building what the fold would throw away: texts, the originator id, the actor.
VIEW_FIELDS: dict[type, tuple[str, ...]] = {
    ev.Assigned: ("section", "leader", "handler", "deadline", "milestones", "liaison"),
    ev.ProgressReported: ("period", "percent"),
    ev.EvidenceAttached: ("size",),
    ev.SelfAssessed: ("tier",),
    ev.TierAwarded: ("tier", "points"),
    ev.Adjusted: ("adjustment", "amount", "section", "basis"),
    ev.FindingRecorded: ("method", "finding_source", "count", "per_item", "deduction", "rectify_by"),
    ev.FindingResolved: ("finding", "outcome"),
    ev.ReportFiled: ("report", "period", "section", "digest", "actor"),
    ev.Sealed: (),
    ev.AuditRemarked: (),
    ev.Corrected: ("voided", "voided_kind"),
}


def _view(event_type: type, timestamp: bool) -> type:
    info = {f.name: f for f in msgspec.structs.fields(event_type)}
    fields: list[Any] = []
    stamp = ("timestamp",) if timestamp or event_type is ev.ReportFiled else ()
    for name in ("originator_version", "effective", *stamp, *VIEW_FIELDS[event_type]):
        f = info[name]
        if f.default is not msgspec.NODEFAULT:
            fields.append((name, f.type, f.default))
        elif f.default_factory is not msgspec.NODEFAULT:
            fields.append((name, f.type, msgspec.field(default_factory=f.default_factory)))
        else:
            fields.append((name, f.type))
    return msgspec.defstruct(f"{event_type.__name__}View", fields, kw_only=True, frozen=True)


def _view_decoders(timestamp: bool) -> dict[str, tuple[type, Any, Any]]:
    """topic (current version only) -> (event type, view decoder, entry builder)."""
    return {t.topic(): (t, msgspec.json.Decoder(_view(t, timestamp)).decode, BUILDERS[t]) for t in VIEW_FIELDS}


VIEWS = _view_decoders(timestamp=True)  # for replays as known at a time
LEAN_VIEWS = _view_decoders(timestamp=False)  # otherwise the recorded time is not needed


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
        views = VIEWS if self.clocks.known_at is not None else LEAN_VIEWS
        owners = self._by_key
        filtered = self._filtered
        admits = self.clocks.admits
        apply = self.apply
        add = self._add if self._encoded else self._put  # nothing encoded: no check per entry
        n = 0
        with _no_collection():
            for page in pages:
                for position, originator, topic, state in page:
                    spec = views.get(topic)
                    if spec is None:
                        oid = originator if isinstance(originator, UUID) else (
                            UUIDS.get(originator) or UUIDS.setdefault(originator, UUID(originator)))
                        apply(position, oid, decode_event(topic, state))
                        owners = self._by_key  # the plan may have changed who owns what
                        continue
                    kind, decode, build = spec
                    view = decode(state)
                    if filtered and not admits(view, False):
                        continue
                    owner = owners.get(originator)
                    if owner is None:
                        oid = originator if isinstance(originator, UUID) else (
                            UUIDS.get(originator) or UUIDS.setdefault(originator, UUID(originator)))
                        owner = self._owners.get(oid)
                        if owner is None:
                            continue
                        owners[originator] = owner
                    add(owner, position, kind, view, build)
                if page:
                    n += len(page)
                    self.position = page[-1][0]
        return n

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
            case ev.KeyAdded() | ev.KeyRevoked() | ev.AccountBound() | ev.AccountUnbound():
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
                if fold.plan is not None:
                    self._own(fold)

    def _own(self, fold: PlanFold, owned: dict[UUID, str] | None = None) -> None:
        self._by_key = {}
        for key, indicator in (owned if owned is not None else _owned(fold)).items():
            self._owners[shared_uuid(key)] = (fold, indicator)

    # -- state as data (checkpoints, comparisons) -------------------------------------
    def state(self) -> FoldState:
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
        with self._decoding:
            for plan_id, fold in self._plans.items():
                encoded = self._encoded.get(plan_id)
                if encoded is not None and encoded.waiting:
                    self._decode(plan_id)
                    encoded = None
                records = encoded.records if encoded is not None else msgspec.Raw(
                    _records_encoder.encode(PlanRecords(fold.indicators, fold.unit)))
                plans.append(StoredPlan(plan_id=plan_id, plan=fold.plan, withdrawn=fold.withdrawn,
                                        approved=fold.approved, records=records,
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
                approved=stored.approved, indicators={}, unit=Record(kinds={}, voided={}))
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


def total(values: Any) -> Decimal:
    return sum(values, Decimal(0))
