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

from domain.events import Event
from domain.store import decode_event, is_postgres

PAGE = 2000


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
    db = app.env.get("SQLITE_DBNAME") if hasattr(app, "env") else None
    if db and not is_postgres(db):
        yield from _read_sqlite(db, after, stop)
        return
    position = after
    while True:
        rows = app.recorder.select_notifications(start=position, limit=PAGE, stop=stop,
                                                 inclusive_of_start=False)
        if not rows:
            return
        for row in rows:
            yield row.id, row.originator_id, decode_event(row.topic, row.state)
        position = rows[-1].id


def _read_sqlite(db: str, after: int, stop: int | None) -> Iterator[tuple[int, Any, Event]]:
    from uuid import UUID

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        query = "SELECT rowid, originator_id, topic, state FROM stored_events WHERE rowid > ?"
        params: list[int] = [after]
        if stop is not None:
            query += " AND rowid <= ?"
            params.append(stop)
        query += " ORDER BY rowid LIMIT ?"
        ids: dict[str, UUID] = {}
        while True:
            rows = conn.execute(query, [*params, PAGE]).fetchall()
            if not rows:
                return
            for position, originator, topic, state in rows:
                oid = ids.get(originator)
                if oid is None:
                    oid = ids[originator] = UUID(originator)
                yield position, oid, decode_event(topic, state)
            params[0] = rows[-1][0]
    finally:
        conn.close()
