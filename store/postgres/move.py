"""Moving a ledger into a PostgreSQL database (`store.migrate`): one transaction that
fills an empty one."""

from __future__ import annotations

import contextlib
from typing import Any

from psycopg.sql import SQL, Identifier

from domain.ports import EvidenceFile
from store.postgres import evidence
from store.postgres.connect import pg_connect


class PostgresWriter:
    """One transaction on the target database: COPY of events (with their notification
    ids) and links under the lock writers take, then the id sequence moved past them."""

    def __init__(self, app: Any, db: str) -> None:
        recorder: Any = app.recorder
        schema = recorder.datastore.schema
        self.events = SQL("{}.{}").format(Identifier(schema), Identifier(recorder.events_table_name))
        self.chain = SQL("{}.{}").format(Identifier(schema), Identifier(recorder.chain_table))
        self.sequence = f"{schema}.{recorder.events_table_name}"
        self.schema, self.evidence = schema, recorder.evidence_table
        self.conn = pg_connect(db, autocommit=False)
        self.conn.execute(SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(self.events))
        self.done = False
        self._copy_events = SQL("COPY {} (notification_id, originator_id, originator_version, topic, state) "
                                "FROM STDIN").format(self.events)
        self._copy_links = SQL("COPY {} (position, previous, digest) FROM STDIN").format(self.chain)

    def has_events(self) -> bool:
        """Whether the target holds events or links already (asked under the lock)."""
        with self.conn.cursor() as cursor:
            cursor.execute(SQL("SELECT 1 FROM {} LIMIT 1").format(self.events))
            if cursor.fetchone() is not None:
                return True
            cursor.execute(SQL("SELECT 1 FROM {} LIMIT 1").format(self.chain))
            return cursor.fetchone() is not None

    def write(self, batch: list[tuple[Any, ...]]) -> None:
        with self.conn.cursor() as cursor:
            with cursor.copy(self._copy_events) as copy:
                for row in batch:
                    copy.write_row(row[:5])
            with cursor.copy(self._copy_links) as copy:
                for row in batch:
                    copy.write_row((row[0], row[5], row[6]))

    def keep(self, digest: str, content: bytes) -> None:
        """An evidence file, kept once by its digest."""
        with self.conn.cursor() as cursor:
            evidence.insert(cursor, self.schema, self.evidence, [EvidenceFile(digest, content)])

    def commit(self, last_position: int) -> None:
        if last_position:
            self.conn.execute("SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), %s)",
                              (self.sequence, last_position))
        self.conn.commit()
        self.done = True

    def close(self) -> None:
        if not self.done:
            with contextlib.suppress(Exception):
                self.conn.rollback()
        self.conn.close()
