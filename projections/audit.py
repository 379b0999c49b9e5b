"""The audit trail: one row per event, folded from the log into an audit table that
pages without loading all.

`AuditTrail(index)` wraps the table a store keeps (`domain.ports.AuditIndex`: a file
beside a SQLite ledger, tables in a PostgreSQL ledger's database); `refresh(log)` folds
the events stored since its position, one transaction per batch, the position and the
fold's small state saved with the rows; `page(filters, before_position, limit)` reads a
page newest first by keyset paging. How each filter, and the free text, is answered
fast is the store's (see `store.sqlite.audit`, `store.postgres.audit`).

Each row says who (actor, role), when (recorded, effective), what (kind, target,
summary), why (reason), which section and indicator it concerns, its raw effect on the
points (before floors and caps) and, once corrected, the correction that voided it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec

from domain import events as ev
from domain.aggregates import indicator_id, unit_id
from domain.audit_query import TEXT_COLUMNS, AuditFilter, AuditRow, as_filter, parse_ts, ts
from domain.ports import AuditIndex, AuditRecord, AuditWriter, LogReader, StoredAuditRow
from projections.describe import effect, kind_label, summary, target_of
from projections.stream import read_log, shared_uuid

__all__ = ["TEXT_COLUMNS", "AuditFilter", "AuditRow", "AuditTrail"]

BATCH = 5000


class Owner(msgspec.Struct, array_like=True):
    plan: UUID
    unit: str
    year: int
    indicator: str


class AuditState(msgspec.Struct, kw_only=True):
    """What the fold remembers between refreshes (small: per aggregate, not per event)."""

    position: int = 0
    last: tuple[str, int] | None = None  # (originator, version) at `position`
    owners: dict[UUID, Owner] = {}
    sections: dict[UUID, str] = {}  # indicator aggregate -> its section now
    awards: dict[str, list[tuple[int, Decimal]]] = {}  # "<agg>" -> valid (version, points)
    aggs: dict[UUID, int] = {}


_SHAPING = frozenset({ev.PlanRegistered, ev.PlanLoaded, ev.IndicatorAdded, ev.Assigned})


class AuditTrail:
    """The audit trail of one ledger, kept in `index`."""

    def __init__(self, index: AuditIndex) -> None:
        self.index = index

    @property
    def conn(self) -> Any:
        """The index's own connection (for tests and benchmarks that look at its plans)."""
        return getattr(self.index, "conn", None)

    def close(self) -> None:
        self.index.close()

    def __enter__(self) -> AuditTrail:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- state -------------------------------------------------------------------------
    @staticmethod
    def _decode_state(data: bytes | None) -> AuditState:
        if data is None:
            return AuditState()
        state = msgspec.msgpack.decode(data, type=AuditState)
        # keyed by the same id objects the log reader hands out: lookups match by identity
        state.owners = {shared_uuid(k): v for k, v in state.owners.items()}
        state.sections = {shared_uuid(k): v for k, v in state.sections.items()}
        state.aggs = {shared_uuid(k): v for k, v in state.aggs.items()}
        return state

    def _state(self) -> AuditState:
        return self._decode_state(self.index.state())

    @property
    def position(self) -> int:
        return self._state().position

    def max_position(self) -> int:
        """The newest row's position (0 for an empty table): one indexed lookup."""
        return self.index.max_position()

    def reset(self) -> None:
        self.index.reset()

    # -- folding -----------------------------------------------------------------------
    def refresh(self, log: LogReader, *, progress: Callable[[int], Any] | None = None) -> int:
        """Fold the events stored since the table's position; returns how many."""
        state = self._state()
        if state.position and log.identity(state.position) != state.last:
            self.reset()  # the ledger is not the one this table was built from
            state = AuditState()
        n = 0
        with self.index.bulk() if state.position == 0 else contextlib.nullcontext():
            batch: list[tuple[int, UUID, ev.Event]] = []
            for item in read_log(log, after=state.position):
                batch.append(item)
                if len(batch) >= BATCH:
                    written, state = self._write(batch, state)
                    n += written
                    batch = []
                    if progress is not None:
                        progress(n)
            if batch:
                n += self._write(batch, state)[0]
        return n

    def _write(self, batch: list[tuple[int, UUID, ev.Event]], state: AuditState) -> tuple[int, AuditState]:
        """Insert a batch in one transaction with the state after it; another process may
        have folded some of it first, so the stored position decides where to start."""
        with self.index.transaction() as tx:
            if tx.position() != state.position:
                state = self._decode_state(tx.state())
            batch = [b for b in batch if b[0] > state.position]
            if not batch:
                return 0, state
            rows = []
            later = []
            for position, originator, event in batch:
                row = self._row(state, position, originator, event)
                rows.append(row)
                if isinstance(event, ev.Corrected | ev.FindingResolved):
                    later.append((position, row[14], event))
            tx.insert(rows)
            for position, agg, event in later:
                if isinstance(event, ev.Corrected):
                    self._void(tx, state, position, agg, event)
                elif event.outcome == "appeal-upheld":
                    self._upheld(tx, position, agg, event)
            last_position, last_originator, last_event = batch[-1]
            state.position = last_position
            state.last = (str(last_originator), last_event.originator_version)
            tx.save(last_position, msgspec.msgpack.encode(state))
        return len(batch), state

    def _row(self, state: AuditState, position: int, originator: UUID, event: ev.Event) -> AuditRecord:
        agg = state.aggs.get(originator)
        if agg is None:
            agg = state.aggs[originator] = len(state.aggs) + 1
        owner = state.owners.get(originator)
        kind = type(event)
        if kind in _SHAPING:
            owner = self._shape(state, originator, owner, event)
        indicator = getattr(event, "indicator_id", "") or (owner.indicator if owner else "")
        section = getattr(event, "section", "")
        if not section and indicator:
            section = state.sections.get(originator, "")
        change = effect(event)
        if kind is ev.TierAwarded:
            awards = state.awards.setdefault(str(agg), [])
            before = awards[-1][1] if awards else Decimal(0)
            awards.append((event.originator_version, event.points))
            change = event.points - before
        return (position, ts(event.timestamp), event.effective.isoformat(), event.actor, event.role,
                event.__class__.__name__, owner.unit if owner else "", owner.year if owner else None, section,
                indicator, target_of(event), summary(event), event.reason,
                None if change is None else str(change), agg, event.originator_version)

    @staticmethod
    def _shape(state: AuditState, originator: UUID, owner: Owner | None, event: Any) -> Owner | None:
        """Plans and assignments: which unit and section later events belong to."""
        if isinstance(event, ev.PlanRegistered):
            state.owners[shared_uuid(event.plan_id)] = Owner(event.plan_id, event.unit, event.year, "")
        elif isinstance(event, ev.Assigned):
            state.sections[originator] = event.section
        else:
            plan_owner = owner or Owner(originator, "", 0, "")
            if isinstance(event, ev.PlanLoaded):
                plan_owner = Owner(originator, event.plan.unit, event.plan.year, "")
                state.owners[originator] = plan_owner
                indicators = [i for i, _ in event.plan.walk()]
            else:
                indicators = [event.indicator]
            state.owners[shared_uuid(unit_id(originator))] = plan_owner
            for ind in indicators:
                aggregate = shared_uuid(indicator_id(originator, ind.id))
                state.owners[aggregate] = Owner(originator, plan_owner.unit, plan_owner.year, ind.id)
                state.sections[aggregate] = ind.section
            owner = plan_owner
        return owner

    @staticmethod
    def _void(tx: AuditWriter, state: AuditState, position: int, agg: int, event: ev.Corrected) -> None:
        voided = tx.void(agg, event.voided, position)
        if voided is None or voided[0] is None:
            return
        stored, kind = voided
        undo = -Decimal(stored)
        if kind == "TierAwarded":
            awards = state.awards.get(str(agg), [])
            was_latest = bool(awards) and awards[-1][0] == event.voided
            before = awards[-1][1] if awards else Decimal(0)
            state.awards[str(agg)] = awards = [a for a in awards if a[0] != event.voided]
            after = awards[-1][1] if awards else Decimal(0)
            undo = after - before if was_latest else Decimal(0)
        tx.set_effect(position, str(undo))

    @staticmethod
    def _upheld(tx: AuditWriter, position: int, agg: int, event: ev.FindingResolved) -> None:
        """An upheld appeal gives back what the finding deducted."""
        deducted = tx.effect_of(agg, event.finding)
        if deducted is not None:
            tx.set_effect(position, str(-Decimal(deducted)))

    # -- reading -----------------------------------------------------------------------
    def page(self, filters: AuditFilter | dict[str, Any] | None = None,
             before_position: int | None = None, limit: int = 100) -> list[AuditRow]:
        """A page of rows, newest first, strictly before `before_position` when given."""
        f = as_filter(filters)
        return [self._decode(r, f) for r in self.index.page(f, before_position, limit)]

    def page_query(self, filters: AuditFilter | dict[str, Any] | None = None,
                   before_position: int | None = None, limit: int = 100) -> tuple[str, list[Any]]:
        """The statement `page` runs, with its parameters (in the store's own dialect)."""
        return self.index.page_query(as_filter(filters), before_position, limit)

    def count(self, filters: AuditFilter | dict[str, Any] | None = None) -> int:
        return self.index.count(as_filter(filters))

    def rows(self, filters: AuditFilter | dict[str, Any] | None = None, *,
             limit: int | None = None) -> Iterable[AuditRow]:
        """Every matching row, newest first, a page at a time."""
        before = None
        left = limit
        while left is None or left > 0:
            page = self.page(filters, before_position=before, limit=min(1000, left or 1000))
            if not page:
                return
            yield from page
            before = page[-1].position
            if left is not None:
                left -= len(page)

    @staticmethod
    def _decode(r: StoredAuditRow, f: AuditFilter) -> AuditRow:
        voided_by = r[14]
        if voided_by is not None and (
                (f.known_at is not None and parse_ts(r[15]) > f.known_at)
                or (f.as_of is not None and dt.date.fromisoformat(r[16]) > f.as_of)):
            voided_by = None  # the correction had not happened on the clocks asked for
        return AuditRow(
            position=r[0], recorded=parse_ts(r[1]), effective=dt.date.fromisoformat(r[2]),
            actor=r[3], role=r[4], kind=r[5], kind_label=kind_label(r[5]), unit=r[6], year=r[7],
            section=r[8], indicator=r[9], target=r[10], summary=r[11], reason=r[12],
            effect=Decimal(r[13]) if r[13] is not None else None, voided_by=voided_by,
            voided_by_actor=r[17] if voided_by is not None else "",
            void_reason=r[18] if voided_by is not None else "")

