"""Reading a SQLite ledger's log: eventsourcing's `stored_events` table, read plainly.

One statement per read, paged with `fetchmany`: a consistent snapshot of the log and no
re-query per page (the library's `select_notifications` builds objects per row that a
fold throws away). Read-only connections, so a reader never takes a writer's lock.
SQLite cannot notify: `follow` watches the head from a thread.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from uuid import UUID

from domain.ports import RawRow
from store.follow import FollowerThread

PAGE = 10_000  # rows a fetch: the fold reads a page as fast as a raw scan does
_AT_CHUNK = 500  # positions per `IN (...)`: well under SQLite's limit on parameters
_HEAD = "SELECT MAX(rowid) FROM stored_events"


class SQLiteLog:
    """The log of the SQLite ledger at `db` (see `domain.ports.LogReader`)."""

    def __init__(self, db: str) -> None:
        self.db = db
        self._conn: sqlite3.Connection | None = None  # kept for `head`, asked often
        self._lock = threading.Lock()

    def connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, check_same_thread=False)

    def pages(self, after: int = 0, stop: int | None = None) -> Iterator[list[RawRow]]:
        conn = self.connect()
        try:
            query = "SELECT rowid, originator_id, topic, state FROM stored_events WHERE rowid > ?"
            params: list[int] = [after]
            if stop is not None:
                query += " AND rowid <= ?"
                params.append(stop)
            cursor = conn.execute(query + " ORDER BY rowid", params)
            while rows := cursor.fetchmany(PAGE):
                yield rows
        finally:
            conn.close()

    def at(self, positions: Iterable[int]) -> list[RawRow]:
        wanted = sorted(set(positions))
        if not wanted:
            return []
        found: list[RawRow] = []
        conn = self.connect()
        try:
            for start in range(0, len(wanted), _AT_CHUNK):
                chunk = wanted[start:start + _AT_CHUNK]
                marks = ",".join("?" * len(chunk))
                found += conn.execute(f"SELECT rowid, originator_id, topic, state FROM stored_events "
                                      f"WHERE rowid IN ({marks}) ORDER BY rowid", chunk).fetchall()
        finally:
            conn.close()
        return found

    def head(self) -> int:
        with self._lock:
            if self._conn is None:
                self._conn = self.connect()
            try:
                return self._conn.execute(_HEAD).fetchone()[0] or 0
            except sqlite3.OperationalError:  # no table yet
                return 0

    def identity(self, position: int) -> tuple[str, int] | None:
        if position <= 0:
            return None
        conn = self.connect()
        try:
            row = conn.execute("SELECT originator_id, originator_version FROM stored_events "
                               "WHERE rowid = ?", (position,)).fetchone()
        except sqlite3.OperationalError:
            row = None
        finally:
            conn.close()
        return (str(UUID(str(row[0]))), int(row[1])) if row else None

    def follow(self, after: int, on_new: Callable[[], None] | None = None, *,
               interval: float = 0.2) -> HeadWatcher:
        return HeadWatcher(self, after, on_new, interval=interval).start()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


class HeadWatcher(FollowerThread):
    """Reads the head of the log every `interval` seconds; a new head calls `on_new`."""

    def __init__(self, log: SQLiteLog, after: int, on_new: Callable[[], None] | None = None, *,
                 interval: float = 0.2) -> None:
        super().__init__(after, on_new)
        self.log = log
        self.interval = interval

    def _run(self) -> None:
        conn = self.log.connect()
        try:
            while not self._stopped.wait(self.interval):
                try:
                    head = conn.execute(_HEAD).fetchone()[0] or 0
                except Exception:
                    continue
                if head > self.last:
                    self.last = head
                    self._notify()
        finally:
            conn.close()
