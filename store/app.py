"""The event store: eventsourcing's Application with a msgspec mapper.

Payloads are stored as msgspec JSON of the event structs in `domain.events`, under the
stable topics those structs declare. The store is eventsourcing's own SQLite module by
default and its PostgreSQL module for a `postgresql://` URL, each with its recorder
extended to write the hash chain (`store.sqlite.recorder`, `store.postgres.recorder`);
nothing here is a home-made store. Most callers want `store.open_ledger`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import ApplicationRecorder, Mapper, Recording, StoredEvent, Transcoder

from domain.codec import decode_event, encoder
from domain.errors import JixiaoError, fail
from store.chain import is_chained
from store.location import (  # noqa: F401 - the names the read side imports from here
    Location,
    _safe,
    prepare_sqlite_path,
    resolve_db,
    safe,
    store_env,
)
from store.postgres.connect import pg_connect, pg_connect_args  # noqa: F401 - as above

RECORDERS = {
    "eventsourcing.sqlite": "store.sqlite.recorder:ChainedSQLiteRecorder",
    "eventsourcing.postgres": "store.postgres.recorder:ChainedPostgresRecorder",
}


class _NoTranscoder(Transcoder):
    def encode(self, obj: Any) -> bytes:  # pragma: no cover - never called
        raise NotImplementedError

    def decode(self, data: bytes) -> Any:  # pragma: no cover - never called
        raise NotImplementedError


class MsgspecMapper(Mapper[UUID]):
    """Maps event structs to stored events and back with msgspec, by stable topic."""

    def __init__(self) -> None:
        super().__init__(transcoder=_NoTranscoder())

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=domain_event.topic(),
            state=encoder.encode(domain_event),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        return decode_event(stored_event.topic, stored_event.state)


class LedgerApp(Application[UUID]):
    """The ledger's application: its event store, repository and notification log."""

    name = "jixiao"
    where: Location  # where it was opened; set by `open_app`, asked by `store.readers`

    def construct_mapper(self) -> Mapper[UUID]:
        return MsgspecMapper()

    def save_aggregates(self, aggregates: Sequence[Any], files: Sequence[Any] = ()) -> list[Recording[UUID]]:
        """`save` for our own aggregates: their pending events put in one transaction.
        The same as the library's `save` (no snapshots, no followers are configured)
        without its run-time Protocol checks, which cost more than the insert on tmpfs.
        Evidence `files` go to the recorder, which keeps them in the same transaction."""
        processing = ProcessingEvent[UUID]()
        if files:
            processing.saved_kwargs["evidence"] = tuple(files)
        for aggregate in aggregates:
            processing.events.extend(aggregate.collect_events())
            processing.aggregates[aggregate.id] = aggregate
        return self._record(processing)

    def construct_recorder(self) -> ApplicationRecorder:
        """The library's recorder for the store, extended to write the hash chain in the
        same transaction as the events."""
        env = self.factory.env
        topic = recorder_topic(env.get("PERSISTENCE_MODULE", ""))
        if topic is not None:
            for key in env.create_keys("APPLICATION_RECORDER_TOPIC"):
                env[key] = topic
        recorder = super().construct_recorder()
        if not is_chained(recorder):
            raise fail("chain.unsupported", recorder=type(recorder).__name__)
        return recorder


def recorder_topic(persistence_module: str) -> str | None:
    """The APPLICATION_RECORDER_TOPIC of the chained recorder for a persistence module."""
    return RECORDERS.get(persistence_module)


def open_app(db: str, *, create: bool = True) -> LedgerApp:
    """Open the ledger's store; for SQLite, `create=False` refuses a missing file.

    A SQLite ledger is brought up to the schema this code writes as it opens (its owner
    may); a PostgreSQL ledger only with `create` (`jixiao init`, `jixiao db migrate`), and
    one that is behind is refused with the command that upgrades it."""
    where = Location.of(db)
    where.refuse_password()
    if not where.is_postgres:
        if not Path(where.text).exists():
            if not create:
                raise fail("store.missing", where=where.text)
            prepare_sqlite_path(where.text)
    # PostgreSQL tables are made by `jixiao init` / `jixiao db migrate`, not on every start
    create_table = create or not where.is_postgres
    try:
        app = LedgerApp(env=where.env(create_table=create_table))
    except JixiaoError:
        raise
    except Exception as exc:  # the library raises many kinds; the user needs one message
        raise fail("store.unopenable", where=where.safe, detail=safe(str(exc))) from None
    app.where = where
    if not create_table:
        from store.postgres.schema import require_current  # psycopg: only for PostgreSQL

        try:
            require_current(app.recorder, where.safe)
        except JixiaoError:
            app.close()
            raise
        except Exception as exc:
            app.close()
            raise fail("store.unopenable", where=where.safe, detail=safe(str(exc))) from None
    return app
