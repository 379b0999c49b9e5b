"""The ledger service: loading aggregates from a store, deciding with retries.

The store is handed in (`domain.ports.EventStore`; `store.open_ledger` opens one for a
ledger location): nothing here knows SQL or which backend holds the log.

A command is a `decide` function: it loads what it needs, checks, and triggers events
on aggregates. `run` saves the result in one transaction; a version conflict with a
concurrent writer (`WriteConflict`) discards everything, reloads and decides again, a
bounded number of times, and then reports the conflict. Nothing is merged silently.

Aggregates once loaded are kept and brought up to date with only the events stored
since (one query each). While deciding, the head of the log is read once: if it has
not moved since an aggregate was last brought up to date, no event can have been
stored for it, and it is used without a query. A decision changes the kept aggregate
itself, checked out of the cache meanwhile (no copy, so a command costs the same
however long an indicator's history): once saved it is kept again; if the decision is
refused or loses a conflict, a changed one is forgotten and reloaded when next needed.
Outside a decision, callers get copies.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from uuid import UUID

from domain import events as ev
from domain.aggregates import (
    DIRECTORY_ID,
    Aggregate,
    DirectoryAggregate,
    IndicatorAggregate,
    PlanAggregate,
    UnitAggregate,
    indicator_id,
    unit_id,
)
from domain.errors import JixiaoError, StoreUnreachable, WriteConflict, fail
from domain.ports import EventStore, EvidenceFile
from domain.validate import effective_date, text

A = TypeVar("A", bound=Aggregate)
MAX_ATTEMPTS = 30
BACKOFF = (0.002, 0.1)  # seconds: the first retry waits up to 2 ms, doubling up to 100 ms
UNREACHABLE_WAIT = 30.0  # seconds a command waits for a store that does not answer (a restart)
CACHE_SIZE = 1000  # aggregates kept per open ledger
refusals = logging.getLogger("jixiao.refused")
logging.getLogger("jixiao").addHandler(logging.NullHandler())


def backoff(attempt: int) -> float:
    """How long to wait before retrying after a conflict: random, so writers that
    collided do not collide again in step, and growing, so a busy ledger settles."""
    first, most = BACKOFF
    return random.uniform(0, min(most, first * 2 ** attempt))


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class LedgerBase:
    """One open ledger: a store, a clock and the plan commands act on."""

    def __init__(self, store: EventStore, *, clock: Callable[[], dt.datetime] = utcnow,
                 plan: tuple[str, int] | None = None) -> None:
        self.store = store
        self.clock = clock
        self.plan_key = plan
        self.last_positions: list[int] = []
        # aggregate id -> (aggregate as stored, the log head it is known current at)
        self._kept: dict[UUID, tuple[Aggregate, int | None]] = {}
        self._head: int | None = None  # the log head read for the decision under way
        self._out: dict[UUID, Aggregate] = {}  # checked out to the decision under way
        self._lock = threading.RLock()

    @property
    def db(self) -> str:
        """The ledger location (a SQLite path or a postgresql:// URL)."""
        return self.store.location

    @property
    def app(self) -> Any:
        """The store's eventsourcing application, for the read side until it reads through
        the store's own parts; the rules never use it."""
        return self.store.app  # type: ignore[attr-defined]

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> LedgerBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- loading ------------------------------------------------------------------
    def get(self, cls: type[A], aggregate_id: UUID, *, view: bool = False) -> A:
        """The aggregate as stored now (a copy the caller may change), or a new empty one
        if nothing was recorded for it yet.

        `view=True` gives the kept aggregate itself, to read and never to change, while
        deciding (the ledger's lock is held).
        """
        with self._lock:
            out = self._out.get(aggregate_id)
            if out is not None and isinstance(out, cls):
                return out  # already handed to this decision (a second call gives the same)
            kept = self._kept.pop(aggregate_id, None)
            if kept is not None and isinstance(kept[0], cls):
                aggregate, current_at = kept
            else:
                aggregate, current_at = cls(aggregate_id), None
            if current_at is None or current_at != self._head:
                for event in self.store.events_of(aggregate_id, aggregate.version):
                    aggregate.apply(event)
            if view or self._head is None:
                self._keep(aggregate, self._head)
                return aggregate if view else aggregate.clone()  # type: ignore[return-value]
            self._out[aggregate_id] = aggregate  # the decision changes it: out of the cache
            return aggregate

    def _keep(self, aggregate: Aggregate, current_at: int | None) -> None:
        self._kept[aggregate.id] = (aggregate, current_at)
        if len(self._kept) > CACHE_SIZE:
            del self._kept[next(iter(self._kept))]  # the least recently used

    def directory(self) -> DirectoryAggregate:
        return self.get(DirectoryAggregate, DIRECTORY_ID)

    def plan_id(self, directory: DirectoryAggregate | None = None) -> UUID:
        """The plan commands act on: the one asked for, else the latest registered."""
        directory = directory or self.directory()
        if not directory.plans:
            raise fail("ledger.no_plan")
        if self.plan_key is not None:
            try:
                return directory.plans[self.plan_key]
            except KeyError:
                raise fail("ledger.unknown_plan", plan=f"{self.plan_key[0]}:{self.plan_key[1]}") from None
        return list(directory.plans.values())[-1]

    def plan_state(self, plan: UUID | None = None) -> PlanAggregate:
        plan = plan or self.plan_id()
        state = self.get(PlanAggregate, plan)
        if state.plan is None:
            raise fail("ledger.no_plan")
        return state

    def unit(self, plan: UUID) -> UnitAggregate:
        return self.get(UnitAggregate, unit_id(plan))

    def indicator_file(self, plan: UUID, indicator: str) -> IndicatorAggregate:
        return self.get(IndicatorAggregate, indicator_id(plan, indicator))

    def event_at(self, position: int) -> tuple[UUID, ev.Event]:
        """The stored event at a global position (as shown by `jixiao log`)."""
        found = self.store.event_at(position)
        if found is None:
            raise fail("ledger.no_event", position=position)
        return found

    def max_position(self) -> int:
        return self.store.head()

    # -- deciding -----------------------------------------------------------------
    def envelope(self, actor: str, role: str, effective: dt.date | None, reason: str,
                 source: str, plan_year: int | None = None) -> dict[str, Any]:

        now = self.clock().astimezone(dt.UTC)
        return {
            "timestamp": now,
            "actor": actor,
            "role": role,
            "effective": effective_date(effective, now, plan_year),
            "reason": text("reason", reason, 2000),
            "source": source,
        }

    def run(self, decide: Callable[[], list[Aggregate]], *, actor: str = "",
            what: str = "", files: Sequence[EvidenceFile] = ()) -> list[ev.Event]:
        """Decide and save atomically (with the evidence files the events attach); retry
        on a concurrent write, then report it."""
        with self._lock:
            unreachable: float | None = None  # since when the store has not answered
            for attempt in range(MAX_ATTEMPTS):
                self._out = {}
                try:
                    head = self._head = self.max_position()
                    aggregates = decide()
                except StoreUnreachable as exc:
                    self._check_in(set())
                    # the server is restarting or out of reach: wait a while, then say so
                    unreachable = unreachable or time.monotonic()
                    if time.monotonic() - unreachable > UNREACHABLE_WAIT:
                        refusals.warning("unreachable: actor=%s command=%s: %s", actor, what,
                                         exc.message("en"))
                        raise
                    time.sleep(0.5)
                    continue
                except JixiaoError as exc:
                    self._check_in(set())
                    refusals.warning("refused: actor=%s command=%s: %s", actor, what,
                                     exc.message("en"))
                    raise
                finally:
                    self._head = None
                pending = [e for a in aggregates for e in a._pending]
                try:
                    positions = self.store.save(aggregates, files) if files else self.store.save(aggregates)
                except (WriteConflict, StoreUnreachable):  # a locked file counts as a conflict
                    self._check_in({a.id for a in aggregates})
                    time.sleep(backoff(attempt))
                    continue
                self._check_in({a.id for a in aggregates}, current_at=head)
                self.last_positions = positions
                self._saved(aggregates, head, self.last_positions)
                return pending
        refusals.warning("conflict: actor=%s command=%s", actor, what)
        raise fail("ledger.conflict", attempts=MAX_ATTEMPTS)

    def _check_in(self, handed: set[UUID], current_at: int | None = None) -> None:
        """Keep again what the decision was handed but left unchanged; what it changed
        and did not save (`handed`: given to a save that failed or is kept by `_saved`) is
        forgotten."""
        out, self._out = self._out, {}
        for aggregate_id, aggregate in out.items():
            if aggregate_id not in handed and not aggregate._pending:
                self._keep(aggregate, current_at)

    def _saved(self, aggregates: list[Aggregate], head: int, positions: list[int]) -> None:
        """Keep what was just saved. If only our events came after `head`, everything
        current at `head` is current after them too."""
        after = positions[-1] if positions else head
        ours_only = positions == list(range(head + 1, after + 1))
        if ours_only:
            for aggregate_id, (kept, current_at) in self._kept.items():
                if current_at == head:
                    self._kept[aggregate_id] = (kept, after)
        for aggregate in aggregates:
            self._kept.pop(aggregate.id, None)
            self._keep(aggregate, after if ours_only else None)
