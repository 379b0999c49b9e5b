"""Moving a ledger into a SQLite file (`store.migrate`): refusing a file that holds
events, and the one write transaction that fills an empty one."""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

from domain.errors import fail
from store.sqlite import evidence


def refuse_nonempty(path: str) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT count(*) FROM stored_events").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        raise fail("migrate.not_empty", where=path) from None
    if row[0]:
        raise fail("migrate.not_empty", where=path)


class SQLiteWriter:
    """One write transaction on the target SQLite file: events at their positions (rowid)."""

    def __init__(self, app: Any) -> None:
        recorder: Any = app.recorder
        self.events = recorder.events_table_name
        self.conn = sqlite3.connect(recorder.datastore.pool.db_name, isolation_level=None, timeout=30)
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("BEGIN IMMEDIATE")
        self.done = False

    def has_events(self) -> bool:
        """Whether the target holds events already (asked inside the write transaction)."""
        return self.conn.execute(f"SELECT 1 FROM {self.events} LIMIT 1").fetchone() is not None

    def write(self, batch: list[tuple[Any, ...]]) -> None:
        self.conn.executemany(f"INSERT INTO {self.events} (rowid, originator_id, originator_version, "
                              "topic, state, previous, digest) VALUES (?,?,?,?,?,?,?)", batch)

    def keep(self, digest: str, content: bytes) -> None:
        """An evidence file, kept once by its digest."""
        self.conn.execute(evidence.INSERT, (digest, len(content), content))

    def commit(self, last_position: int) -> None:
        self.conn.execute("COMMIT")
        self.done = True

    def close(self) -> None:
        if not self.done:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
        self.conn.close()
