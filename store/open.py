"""Opening a ledger: the one function the command line and the terminal UI call.

`open_store(db)` decides the backend once, from the ledger location, and returns a
`LedgerStore`: the event log with its hash chain, which implements
`domain.ports.EventStore` and carries the parts the read side needs. `open_ledger(db)`
binds a `domain.commands.Ledger` to one. Everything after asks the store (`kind`), not
the location text.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError

from domain.commands import Ledger
from domain.errors import JixiaoError, StoreFull, StoreUnreachable, WriteConflict
from domain.events import Event
from domain.ledger import utcnow
from domain.localtime import use_zone
from domain.ports import AuditIndex, CheckpointStore, EvidenceFile, EvidenceStore, LogReader
from store import chain, readers
from store.app import LedgerApp, open_app
from store.chain import ChainSource
from store.location import Kind, Location, resolve_db, safe

_UNREACHABLE = (OperationalError, InterfaceError)  # a server restarting, a file locked too long
# SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100) and the system's ENOSPC, as their texts say
_FULL = ("database or disk is full", "no space left on device", "could not extend file", "disk full")


def _full(exc: BaseException) -> bool:
    """Whether a store error means the disk is full (a retry would only fail again)."""
    seen: BaseException | None = exc
    while seen is not None:
        text = str(seen).lower()
        if any(mark in text for mark in _FULL) or getattr(seen, "sqlstate", None) == "53100":
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class LedgerStore:
    """One opened ledger: its event log and hash chain, on SQLite or PostgreSQL.

    Implements `domain.ports.EventStore`. The library's errors stop here: a version
    conflict comes out as `WriteConflict`, a store that does not answer as
    `StoreUnreachable` (its detail without any password).
    """

    def __init__(self, app: LedgerApp, where: Location) -> None:
        self.app = app  # eventsourcing's application (its recorder and mapper)
        self.where = where
        self.kind: Kind = where.kind
        self.location = where.text
        self._log: LogReader | None = None

    # -- the read side's parts, for the same open ledger (domain.ports.ReadSide) ------
    @property
    def log(self) -> LogReader:
        """The ordered log, as the projections read it."""
        if self._log is None:
            self._log = readers.log_reader(self.app)
        return self._log

    @functools.cached_property
    def checkpoints(self) -> CheckpointStore:
        """Where the year fold's checkpoint is kept for this ledger."""
        return readers.checkpoint_store(self.app)

    @functools.cached_property
    def evidence(self) -> EvidenceStore:
        """The evidence files kept for this ledger, by digest."""
        return readers.evidence_store(self.app)

    def audit_index(self, path: str | None = None) -> AuditIndex:
        """The audit trail's index of this ledger (a new connection; the caller closes it)."""
        return readers.audit_index(self.location, path=path)

    # -- domain.ports.EventStore -----------------------------------------------------
    def events_of(self, aggregate_id: UUID, after_version: int) -> Sequence[Event]:
        try:
            stored = self.app.recorder.select_events(aggregate_id, gt=after_version)
        except _UNREACHABLE as exc:
            raise StoreUnreachable(safe(str(exc))) from None
        decode = self.app.mapper.to_domain_event
        return [decode(s) for s in stored]

    def save(self, aggregates: Sequence[Any], files: Sequence[EvidenceFile] = ()) -> list[int]:
        try:  # the files go to the recorder, which keeps them in the events' transaction
            recordings = self.app.save_aggregates(aggregates, files)
        except IntegrityError as exc:
            raise WriteConflict(safe(str(exc))) from None
        except _UNREACHABLE as exc:
            if _full(exc):
                raise StoreFull(safe(str(exc))) from None
            raise StoreUnreachable(safe(str(exc))) from None
        except OSError as exc:
            if _full(exc):
                raise StoreFull(str(exc)) from None
            raise
        return [r.notification.id for r in recordings]

    def head(self) -> int:
        try:
            if self.kind == "sqlite":
                return self.log.head()  # one statement on a kept read-only connection
            return self.app.recorder.max_notification_id() or 0
        except _UNREACHABLE as exc:
            raise StoreUnreachable(safe(str(exc))) from None

    def event_at(self, position: int) -> tuple[UUID, Event] | None:
        try:
            rows = self.app.recorder.select_notifications(start=position, limit=1, stop=position)
        except _UNREACHABLE as exc:
            raise StoreUnreachable(safe(str(exc))) from None
        if not rows:
            return None
        return rows[0].originator_id, self.app.mapper.to_domain_event(rows[0])

    def digest_at(self, position: int) -> str | None:
        return chain.digest_at(self, position)

    def close(self) -> None:
        if self._log is not None:
            self._log.close()
        self.app.close()

    # -- the chain and the schema ----------------------------------------------------
    def chain_snapshot(self) -> AbstractContextManager[ChainSource]:
        """One consistent snapshot of the events and their links (see `store.chain.verify`)."""
        return self.app.recorder.chain_snapshot()  # type: ignore[attr-defined,no-any-return]

    def schema_version(self) -> tuple[int, int]:
        """(the schema version the ledger is at, the version this code writes)."""
        return self.app.recorder.schema_version()  # type: ignore[attr-defined,no-any-return]

    def applied_steps(self) -> list[int]:
        """The schema's steps this opening applied (none unless the ledger was behind)."""
        return list(getattr(self.app.recorder, "applied_steps", []))

    def __enter__(self) -> LedgerStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(db: str | None = None, *, create: bool = True) -> LedgerStore:
    """Open the ledger at `db` (else $JIXIAO_DB, else the per-user file): a SQLite path,
    `sqlite:PATH` or a postgresql:// URL. `create=False` refuses a ledger that is not
    there yet; a PostgreSQL ledger's tables are only made with `create` (see
    `store.app.open_app`)."""
    where = Location.of(resolve_db(db))
    return LedgerStore(open_app(where.text, create=create), where)


def open_ledger(db: str | None = None, *, create: bool = True, clock: Callable[[], dt.datetime] = utcnow,
                plan: tuple[str, int] | None = None) -> Ledger:
    """A ledger's commands, bound to its opened store (closed with the ledger); dates are
    counted and times shown in its plan's time zone from here on."""
    ledger = Ledger(open_store(db, create=create), clock=clock, plan=plan)
    if ledger.max_position():
        try:
            use_zone(ledger.plan_state().plan.time_zone)  # type: ignore[union-attr]
        except JixiaoError:  # no plan loaded yet: the default zone
            pass
    return ledger
