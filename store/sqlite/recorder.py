"""eventsourcing's SQLite application recorder, storing each event with its link.

The link (`store.chain`) is two more columns of the event's own row, written by the
event's insert: a save writes no more pages than without the chain. The event's row of
the audit trail (`store.sqlite.audit_table`) is written by the same transaction.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from domain.errors import fail
from store.chain import GENESIS, link
from store.progress import terminal_bar
from store.sqlite import audit_table, evidence, schema
from store.sqlite.chain_source import SQLiteSource


class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    """eventsourcing's SQLite application recorder, storing each event with its link."""

    # The head this recorder last wrote and saw committed. SQLite gives a new row the
    # largest rowid plus one, so when a new event lands right after it nobody else has
    # appended since, and the head need not be read.
    _committed: tuple[int, bytes] = (-1, GENESIS)
    applied_steps: tuple[int, ...] = ()  # the schema's steps opening this ledger applied

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._written = threading.local()  # the head this thread's transaction wrote
        table = self.events_table_name
        self.insert_linked = (f"INSERT INTO {table} (originator_id, originator_version, topic, state, "
                              "digest, previous) VALUES (?,?,?,?,?,?)")
        self.select_head_before = (f"SELECT rowid, digest FROM {table} WHERE rowid < ? "
                                   "ORDER BY rowid DESC LIMIT 1")
        self.update_link = f"UPDATE {table} SET digest = ?, previous = ? WHERE rowid = ?"

    def create_table(self) -> None:
        """Not the library's statements: the ledger's numbered steps (`store.sqlite.schema`),
        on one of the library's own connections (a private in-memory database too)."""
        with self.datastore.get_connection(commit=True) as conn:
            raw = conn.cursor().sqlite_cursor.connection
            self.applied_steps = tuple(schema.migrate(raw, self.events_table_name, where=self.datastore.pool.db_name,
                                                      progress=terminal_bar()))

    def schema_version(self) -> tuple[int, int]:
        """(the version the ledger is at, the version this code writes)."""
        with self.datastore.get_connection(commit=False) as conn:
            return schema.version(conn.cursor().sqlite_cursor.connection, self.events_table_name), schema.VERSION

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        self._written.head = None
        positions = super().insert_events(stored_events, **kwargs)  # committed when it returns
        if self._written.head is not None:
            self._committed = self._written.head
        return positions

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        files = kwargs.get("evidence") or ()
        if files:  # the files an event attaches, in its own transaction
            evidence.insert(c.sqlite_cursor, files)  # type: ignore[attr-defined]
        committed = self._committed
        position, previous = committed
        cursor = c.sqlite_cursor  # type: ignore[attr-defined]
        book = audit_table.LiveBook(cursor)
        positions: list[int] = []
        for event in stored_events:
            oid = event.originator_id.hex if isinstance(event.originator_id, UUID) else event.originator_id
            fields = (oid.encode(), event.originator_version, event.topic.encode(), event.state)
            digest = link(previous, position + 1, *fields)
            cursor.execute(self.insert_linked, (oid, event.originator_version, event.topic, event.state,
                                                digest, position))
            stored = cursor.lastrowid
            if stored != position + 1:
                # someone else appended since this recorder last wrote (or it has not
                # written yet): the insert holds the write lock, so the head read now is
                # the last one; link the row to it
                if 0 <= stored <= committed[0]:
                    # a position this recorder chained is free again: rows were removed
                    raise fail("chain.write_over", position=stored, head=committed[0])
                cursor.execute(self.select_head_before, (stored,))
                head = cursor.fetchone()
                position, previous = (head[0], head[1]) if head else (0, GENESIS)
                if not isinstance(previous, bytes) or len(previous) != len(GENESIS):
                    raise fail("chain.head_unlinked", position=position)
                digest = link(previous, stored, *fields)
                cursor.execute(self.update_link, (digest, position, stored))
            positions.append(stored)
            position, previous = stored, digest
            audit_table.write(book, stored, oid.replace("-", ""), event.topic, event.state)
        self._written.head = (position, previous)
        return positions

    @contextlib.contextmanager
    def chain_snapshot(self) -> Iterator[SQLiteSource]:
        source = SQLiteSource(self.datastore.pool.db_name, self.events_table_name)
        try:
            yield source
        finally:
            source.close()
