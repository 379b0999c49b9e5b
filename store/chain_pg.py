"""The hash chain on PostgreSQL: eventsourcing's recorder, chaining in the same transaction.

Kept apart from `store.chain` because psycopg is an optional dependency.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from eventsourcing.persistence import PersistenceError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Identifier

from domain.errors import JixiaoError, fail
from store.chain import GENESIS, SEALED_TOPIC, ChainSource, chain_links, chain_table_name
from store.chain_scan import Scan, link, scan

REFUSED_MARK = "jixiao: this position is already chained"
DDL_LOCK = 0x6A69_7869_616F  # "jixiao": the advisory lock key serialising table creation


class ChainedPostgresRecorder(PostgresApplicationRecorder):
    """eventsourcing's PostgreSQL application recorder, chaining every event it stores."""

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        if self.datastore.enable_db_functions:
            raise fail("chain.db_functions")  # the library's insert function bypasses the chain
        self.chain_table = chain_table_name(events_table_name)
        self._refused = threading.local()
        names = {"schema": Identifier(self.datastore.schema), "table": Identifier(self.chain_table)}
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {schema}.{table} ("
            "position bigint PRIMARY KEY, previous bigint NOT NULL, digest bytea NOT NULL)"
        ).format(**names))
        self.select_chain_head = SQL(
            "SELECT position, digest FROM {schema}.{table} ORDER BY position DESC LIMIT 1"
        ).format(**names)
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

    def create_table(self) -> None:
        """The library's tables, types and function, and the chain table; one process at a
        time, since concurrent CREATE ... IF NOT EXISTS / OR REPLACE race in PostgreSQL's
        catalogue ("tuple concurrently updated") when many sessions open the ledger at once."""
        with self.datastore.get_connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (DDL_LOCK,))
            try:
                super().create_table()
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (DDL_LOCK,))

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
        return positions

    @contextlib.contextmanager
    def chain_snapshot(self) -> Iterator[ChainSource]:
        with self.datastore.get_connection() as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield PostgresSource(self, conn)
            finally:
                conn.execute("ROLLBACK")


class PostgresSource(ChainSource):
    """One REPEATABLE READ snapshot of the events and the chain, streamed in position order."""

    def __init__(self, recorder: ChainedPostgresRecorder, conn: Any) -> None:
        self.conn = conn
        self.names = {"schema": Identifier(recorder.datastore.schema),
                      "events": Identifier(recorder.events_table_name),
                      "chain": Identifier(recorder.chain_table)}
        self.cursors = 0

    def _q(self, text: str) -> Composed:
        return SQL(text).format(**self.names)  # type: ignore[arg-type]

    def _one(self, text: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        with self.conn.cursor(row_factory=tuple_row) as cursor:
            cursor.execute(self._q(text), params)
            return cursor.fetchone()  # type: ignore[no-any-return]

    def _stream(self, text: str) -> Iterator[tuple[Any, ...]]:
        self.cursors += 1
        with self.conn.cursor(name=f"jixiao_verify_{self.cursors}", row_factory=tuple_row) as cursor:
            cursor.itersize = 5000
            cursor.execute(self._q(text))
            yield from cursor

    def scan(self, workers: int | None) -> Scan:
        with self.conn.cursor(name="jixiao_verify_scan", row_factory=tuple_row) as cursor:
            cursor.execute(self._q(
                "SELECT e.notification_id, convert_to(replace(e.originator_id::text, '-', ''), 'UTF8'), "
                "e.originator_version, convert_to(e.topic, 'UTF8'), e.state, c.digest "
                "FROM {schema}.{events} AS e LEFT JOIN {schema}.{chain} AS c ON c.position = e.notification_id "
                "ORDER BY e.notification_id"))
            return scan(cursor, 0, GENESIS, SEALED_TOPIC)

    def complete(self, count: int) -> bool:
        row = self._one("SELECT count(*) FROM {schema}.{chain}")
        assert row is not None
        return int(row[0]) == count  # a link beyond the events: events cut off the end

    def rows(self) -> Iterator[tuple[Any, ...]]:
        return self._stream(
            "SELECT e.notification_id, convert_to(replace(e.originator_id::text, '-', ''), 'UTF8'), "
            "e.originator_version, convert_to(e.topic, 'UTF8'), e.state, c.previous, c.digest "
            "FROM {schema}.{events} AS e LEFT JOIN {schema}.{chain} AS c ON c.position = e.notification_id "
            "ORDER BY e.notification_id")

    def missing_after(self, position: int) -> int:
        row = self._one("SELECT min(c.position) FROM {schema}.{chain} AS c LEFT JOIN {schema}.{events} AS e "
                        "ON e.notification_id = c.position WHERE c.position > %s AND e.notification_id IS NULL",
                        (position,))
        return int(row[0]) if row and row[0] is not None else 0

    def home_of(self, row: tuple[Any, ...]) -> int:
        previous, digest = row[5], row[6]
        if previous is None or digest is None:
            return 0
        found = self._one("SELECT c.position, coalesce(p.digest, %s) FROM {schema}.{chain} AS c "
                          "LEFT JOIN {schema}.{chain} AS p ON p.position = c.previous "
                          "WHERE c.previous = %s ORDER BY c.position LIMIT 1", (GENESIS, previous))
        if found is None:
            return 0
        home, before = int(found[0]), bytes(found[1])
        return home if link(before, home, *row[1:5]) == bytes(digest) else 0

    def digest_at(self, position: int) -> bytes | None:
        row = self._one("SELECT digest FROM {schema}.{chain} WHERE position = %s", (position,))
        return bytes(row[0]) if row else None

    def good_prefix(self, position: int) -> tuple[int, bytes]:
        row = self._one(
            "SELECT count(*), (SELECT digest FROM {schema}.{chain} WHERE position < %s "
            "ORDER BY position DESC LIMIT 1) FROM {schema}.{chain} WHERE position < %s",
            (position, position))
        assert row is not None
        return int(row[0]), bytes(row[1]) if row[1] is not None else GENESIS
