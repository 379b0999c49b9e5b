"""The ledger service: opening the store, loading aggregates, deciding with retries.

A command is a `decide` function: it loads what it needs, checks, and triggers events
on aggregates. `run` saves the result in one transaction; a version conflict with a
concurrent writer (IntegrityError) discards everything, reloads and decides again, a
bounded number of times, and then reports the conflict. Nothing is merged silently.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import IntegrityError, OperationalError

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
from domain.errors import JixiaoError, fail
from domain.store import LedgerApp, open_app, resolve_db

A = TypeVar("A", bound=Aggregate)
MAX_ATTEMPTS = 12
refusals = logging.getLogger("jixiao.refused")
logging.getLogger("jixiao").addHandler(logging.NullHandler())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class LedgerBase:
    """One open ledger: a store, a clock and the plan commands act on."""

    def __init__(self, db: str | None = None, *, clock: Callable[[], dt.datetime] = utcnow,
                 create: bool = True, plan: tuple[str, int] | None = None,
                 app: LedgerApp | None = None) -> None:
        self.db = resolve_db(db)
        self.app = app if app is not None else open_app(self.db, create=create)
        self.clock = clock
        self.plan_key = plan
        self.last_positions: list[int] = []

    def close(self) -> None:
        self.app.close()

    def __enter__(self) -> LedgerBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- loading ------------------------------------------------------------------
    def get(self, cls: type[A], aggregate_id: UUID) -> A:
        """The aggregate as stored now, or a new empty one if nothing was recorded yet."""
        if not self.app.recorder.select_events(aggregate_id, limit=1):
            return cls(aggregate_id)
        return self.app.repository.get(aggregate_id, projector_func=cls.projector(aggregate_id))

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
        rows = self.app.recorder.select_notifications(start=position, limit=1, stop=position)
        if not rows:
            raise fail("ledger.no_event", position=position)
        row = rows[0]
        event = self.app.mapper.to_domain_event(row)
        return row.originator_id, event

    def max_position(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    # -- deciding -----------------------------------------------------------------
    def envelope(self, actor: str, role: str, effective: dt.date | None, reason: str,
                 source: str, plan_year: int | None = None) -> dict[str, Any]:
        from domain.validate import effective_date, text

        now = self.clock()
        return {
            "timestamp": now,
            "actor": actor,
            "role": role,
            "effective": effective_date(effective, now, plan_year),
            "reason": text("reason", reason, 2000),
            "source": source,
        }

    def run(self, decide: Callable[[], list[Aggregate]], *, actor: str = "",
            what: str = "") -> list[ev.Event]:
        """Decide and save atomically; retry on a concurrent write, then report it."""
        for attempt in range(MAX_ATTEMPTS):
            try:
                aggregates = decide()
            except JixiaoError as exc:
                refusals.warning("refused: actor=%s command=%s: %s", actor, what, exc.message("en"))
                raise
            pending = [e for a in aggregates for e in a._pending]
            try:
                recordings = self.app.save(*aggregates)
            except (IntegrityError, OperationalError):
                time.sleep(random.uniform(0.001, 0.01) * (attempt + 1))
                continue
            self.last_positions = [r.notification.id for r in recordings]
            return pending
        refusals.warning("conflict: actor=%s command=%s", actor, what)
        raise fail("ledger.conflict", attempts=MAX_ATTEMPTS)
