"""Reading the ordered log fast: (position, event) pairs decoded straight into structs.

On SQLite the rows are read with one plain query over eventsourcing's own table and
decoded with msgspec (the library's stock path builds objects we would throw away);
on PostgreSQL the recorder's `select_notifications` pages are used.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from typing import Any
from uuid import UUID

from domain.codec import decode_event
from domain.events import Event
from store.app import is_postgres

PAGE = 5000


class Clocks:
    """The two clocks of a replay: what had happened by `as_of`, as known at `known_at`."""

    def __init__(self, as_of: dt.date | None = None, known_at: dt.datetime | None = None) -> None:
        self.as_of = as_of
        self.known_at = known_at

    @property
    def now(self) -> bool:
        return self.as_of is None and self.known_at is None

    def admits(self, event: Event, structural: bool = False) -> bool:
        """Structural events (users, the plan) are filtered by what was known, not by date."""
        if self.known_at is not None and event.timestamp > self.known_at:
            return False
        return structural or self.as_of is None or event.effective <= self.as_of


def read_log(app: Any, after: int = 0, stop: int | None = None) -> Iterator[tuple[int, Any, Event]]:
    """Every stored event after position `after` (up to `stop`), in global order."""
    for page in read_pages(app, after, stop):
        yield from page


def read_pages(app: Any, after: int = 0, stop: int | None = None) -> Iterator[list[tuple[int, Any, Event]]]:
    """The same events as `read_log`, a page (a list) at a time: the fast way to fold."""
    db = _sqlite_db(app)
    if db:
        yield from _read_sqlite(db, after, stop)
        return
    position = after
    while True:
        rows = app.recorder.select_notifications(start=position, limit=PAGE, stop=stop,
                                                 inclusive_of_start=False)
        if not rows:
            return
        yield [(row.id, row.originator_id, decode_event(row.topic, row.state)) for row in rows]
        position = rows[-1].id


def read_rows(app: Any, after: int = 0, stop: int | None = None) -> Iterator[list[tuple[int, Any, str, bytes]]]:
    """The stored rows after `after` (up to `stop`), undecoded, a page at a time:
    (position, originator id as stored, topic, payload). For `YearFold.feed_rows`."""
    db = _sqlite_db(app)
    if db:
        yield from _sqlite_pages(db, after, stop)
        return
    from store.pg_views import read_rows as read_postgres_rows

    yield from read_postgres_rows(app, after, stop)


# Originator ids, one object per aggregate: the fold's tables are keyed by the same
# objects, so a lookup matches by identity and never calls UUID.__eq__ (Python code).
UUIDS: dict[str, UUID] = {}


def shared_uuid(value: UUID) -> UUID:
    """The one UUID object kept for this id (as SQLite stores it: 32 hex digits)."""
    return UUIDS.setdefault(value.hex, value)


def _sqlite_pages(db: str, after: int, stop: int | None) -> Iterator[list[tuple[int, str, str, bytes]]]:
    """Raw rows of eventsourcing's table, a page at a time, from one statement: a
    consistent snapshot of the log, no re-query per page."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
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


def _read_sqlite(db: str, after: int, stop: int | None) -> Iterator[list[tuple[int, Any, Event]]]:
    from domain.codec import TOPICS, decoders

    fast = {topic: decoders[t].decode for topic, (t, version) in TOPICS.items() if version == t.VERSION}
    ids = UUIDS

    def oid(originator: str) -> UUID:
        return ids.setdefault(originator, UUID(originator))

    for rows in _sqlite_pages(db, after, stop):
        yield [(position, ids.get(originator) or oid(originator),
                fast[topic](state) if topic in fast else decode_event(topic, state))
               for position, originator, topic, state in rows]


def _sqlite_db(app: Any) -> str | None:
    db = app.env.get("SQLITE_DBNAME") if hasattr(app, "env") else None
    return db if db and not is_postgres(db) else None


def max_position(app: Any) -> int:
    """The position of the last stored event (one cheap query; 0 for an empty log)."""
    db = _sqlite_db(app)
    if db:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0] or 0
        except sqlite3.OperationalError:  # no table yet
            return 0
        finally:
            conn.close()
    return app.recorder.max_notification_id() or 0


def read_at(app: Any, positions: Any) -> dict[int, tuple[Any, Event]]:
    """The stored events at the given positions: {position: (originator, event)}."""
    from uuid import UUID

    wanted = sorted(set(positions))
    found: dict[int, tuple[Any, Event]] = {}
    if not wanted:
        return found
    db = _sqlite_db(app)
    if db:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT rowid, originator_id, topic, state FROM stored_events "
                    f"WHERE rowid IN ({marks})", chunk).fetchall()
                for position, originator, topic, state in rows:
                    found[position] = (UUID(originator), decode_event(topic, state))
        finally:
            conn.close()
        return found
    # contiguous runs are read as one page each
    run_start = prev = wanted[0]
    runs = []
    for p in wanted[1:]:
        if p != prev + 1:
            runs.append((run_start, prev))
            run_start = p
        prev = p
    runs.append((run_start, prev))
    for first, last in runs:
        for row in app.recorder.select_notifications(start=first, limit=last - first + 1, stop=last):
            found[row.id] = (row.originator_id, decode_event(row.topic, row.state))
    return found
