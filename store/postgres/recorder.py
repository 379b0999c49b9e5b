"""eventsourcing's PostgreSQL application recorder, chaining every event it stores.

The links (`store.chain`) are rows of a chain table beside the events, and each event's
row of the audit trail (`store.postgres.audit_table`), written in the same transaction
as the events, under the lock the library takes on the events table.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import PersistenceError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from domain.errors import JixiaoError, fail
from store.chain import GENESIS, chain_links
from store.postgres import audit_table, evidence, schema
from store.postgres.chain_source import PostgresSource

CHAIN_TABLE = "jixiao_chain"


def chain_table_name(events_table_name: str) -> str:
    """The chain table beside an events table (`jixiao_events` -> `jixiao_chain`)."""
    prefix = events_table_name.removesuffix("_events")
    return f"{prefix}_chain" if prefix != "stored" else CHAIN_TABLE


REFUSED_MARK = "jixiao: this position is already chained"


class ChainedPostgresRecorder(PostgresApplicationRecorder):
    """eventsourcing's PostgreSQL application recorder, chaining every event it stores."""

    applied_steps: tuple[int, ...] = ()  # the schema's steps opening this ledger applied

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        if self.datastore.enable_db_functions:
            raise fail("chain.db_functions")  # the library's insert function bypasses the chain
        self.chain_table = chain_table_name(events_table_name)
        self._refused = threading.local()
        names = {"schema": Identifier(self.datastore.schema), "table": Identifier(self.chain_table)}
        self.create_chain_table = SQL(
            "CREATE TABLE IF NOT EXISTS {schema}.{table} ("
            "position bigint PRIMARY KEY, previous bigint NOT NULL, digest bytea NOT NULL)"
        ).format(**names)
        self.select_chain_head = SQL(
            "SELECT position, digest FROM {schema}.{table} ORDER BY position DESC LIMIT 1"
        ).format(**names)
        self.evidence_table = evidence.evidence_table_name(events_table_name)
        self.create_evidence_table = evidence.create_statement(self.datastore.schema, self.evidence_table)
        self.insert_chain = SQL("INSERT INTO {schema}.{table} VALUES (%s, %s, %s)").format(**names)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        self._refused.error = None
        try:
            return super().insert_events(stored_events, **kwargs)
        except PersistenceError as exc:
            refused = self._refused.error
            if refused is not None and REFUSED_MARK in str(exc):
                raise refused from None
            raise

    def _insert_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        """The files an event attaches, in the transaction that stores the event."""
        super()._insert_events(curs, stored_events, **kwargs)
        files = kwargs.get("evidence") or ()
        if files:
            evidence.insert(curs, self.datastore.schema, self.evidence_table, files)

    def create_table(self) -> None:
        """The ledger's numbered steps (`store.postgres.schema`): the library's tables, types
        and function, then the chain table; one process at a time."""
        self.applied_steps = tuple(schema.migrate(self))

    def create_library_tables(self) -> None:
        """Step 1: the library's own statements, as it runs them."""
        super().create_table()

    def schema_version(self) -> tuple[int, int]:
        """(the version the ledger is at, the version this code writes)."""
        return schema.version(self), schema.VERSION

    def _fetch_ids_after_insert_events(self, curs: Any, stored_events: Sequence[StoredEvent],
                                       **kwargs: Any) -> Sequence[int] | None:
        positions = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if stored_events and positions:
            # the library took an EXCLUSIVE lock on the events table in this transaction:
            # writers are serialised, so the head read here is the last one
            with curs.connection.cursor(row_factory=tuple_row) as chain:
                chain.execute(self.select_chain_head, prepare=True)
                head = chain.fetchone()
                previous_position, previous = (head[0], bytes(head[1])) if head else (0, GENESIS)
                try:
                    links = chain_links(previous_position, previous, stored_events, positions)
                except JixiaoError as exc:
                    # the library commits whatever its transaction holds unless the database
                    # failed it: fail it there, so these events are not stored unchained
                    self._refused.error = exc
                    chain.execute(f"DO $$ BEGIN RAISE EXCEPTION '{REFUSED_MARK}'; END $$")
                    raise
                chain.executemany(self.insert_chain, links)
                try:
                    audit_table.write_events(curs.connection, stored_events, positions)
                except psycopg.Error:
                    raise  # the database failed the transaction: nothing of it is stored
                except Exception as exc:
                    # as above: fail it in the database, so no event is stored without its row
                    self._refused.error = exc
                    chain.execute(f"DO $$ BEGIN RAISE EXCEPTION '{REFUSED_MARK}'; END $$")
                    raise
        return positions

    @contextlib.contextmanager
    def chain_snapshot(self) -> Iterator[PostgresSource]:
        with self.datastore.get_connection() as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield PostgresSource(self, conn)
            finally:
                conn.execute("ROLLBACK")
