"""The audit table of a PostgreSQL ledger, written with each event.

`jixiao_audit` holds one row per event (see `domain.ports.AuditRecord`) and
`jixiao_audit_owner` numbers the aggregates and says which unit, year, indicator and
section each one's events belong to. `LiveBook` is what the chained recorder writes
through, on the connection of the insert's own transaction (writers hold the library's
exclusive lock on the events table, so numbering an aggregate by the largest number
plus one cannot collide). `index_all` indexes a ledger written before the table
existed, once, in bulk. The free text's trigram index is `store.postgres.audit`'s.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from domain.ports import AuditOwner, AuditRecord
from store.audit_book import PAGE, BulkBook, write

TABLE = "jixiao_audit"
OWNERS = "jixiao_audit_owner"
OLD_META = "jixiao_audit_meta"  # the state of the audit fold before the rows were written with the events
TABLES = (TABLE, OWNERS)
INDEXED = ("actor", "kind", "section", "indicator", "effective", "recorded")
COLUMNS = ("position, recorded, effective, actor, role, kind, unit, year, section, indicator, target, "
           "summary, reason, effect, agg, version, points")
INSERT = f"INSERT INTO {TABLE} ({COLUMNS}) VALUES ({', '.join(['%s'] * 17)})"
_OWNER = f"SELECT agg, unit, year, indicator, section FROM {OWNERS} WHERE originator = %s"
_NEW = (f"INSERT INTO {OWNERS} (agg, originator, unit, year, indicator, section) "
        f"SELECT coalesce(max(agg), 0) + 1, %s, '', NULL, '', '' FROM {OWNERS} RETURNING agg")
_OWN = (f"UPDATE {OWNERS} SET unit = %s, year = %s, indicator = %s, section = %s WHERE originator = %s "
        "RETURNING agg, unit, year, indicator, section")
_LATEST_AWARD = (f"SELECT version, points FROM {TABLE} WHERE agg = %s AND kind = 'TierAwarded' "
                 "AND voided_by IS NULL ORDER BY version DESC LIMIT 1")


def create(conn: Any) -> None:
    """The tables and their filter indexes (where they are missing)."""
    conn.execute(f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        position BIGINT PRIMARY KEY, recorded TEXT NOT NULL, effective TEXT NOT NULL,
        actor TEXT NOT NULL, role TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT NOT NULL,
        year BIGINT, section TEXT NOT NULL, indicator TEXT NOT NULL, target TEXT NOT NULL,
        summary TEXT NOT NULL, reason TEXT NOT NULL, effect TEXT, agg BIGINT NOT NULL,
        version BIGINT NOT NULL, voided_by BIGINT, points TEXT)""")
    conn.execute(f"""CREATE TABLE IF NOT EXISTS {OWNERS} (agg BIGINT PRIMARY KEY,
        originator TEXT NOT NULL UNIQUE, unit TEXT NOT NULL, year BIGINT, indicator TEXT NOT NULL,
        section TEXT NOT NULL)""")
    conn.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_agg ON {TABLE}(agg, version)")
    for col in INDEXED:
        conn.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_{col} ON {TABLE}({col}, position)")


def is_current(conn: Any) -> bool:
    """Whether the audit table is there in this release's format (its `points` column)."""
    row = conn.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                       "AND table_name = %s AND column_name = 'points'", (TABLE,)).fetchone()
    return row is not None and conn.execute("SELECT to_regclass(%s) IS NOT NULL", (OWNERS,)).fetchone()[0]


class LiveBook:
    """`domain.ports.AuditBook` on a cursor of the write transaction."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def aggregate(self, originator: str) -> AuditOwner:
        row = self.cursor.execute(_OWNER, (originator,)).fetchone()
        if row is None:
            (agg,) = self.cursor.execute(_NEW, (originator,)).fetchone()
            return AuditOwner(agg, "", None, "", "")
        return AuditOwner(*row)

    def own(self, originator: str, unit: str, year: int | None, indicator: str, section: str) -> AuditOwner:
        self.aggregate(originator)
        row = self.cursor.execute(_OWN, (unit, year, indicator, section, originator)).fetchone()
        return AuditOwner(*row)

    def assign(self, originator: str, section: str) -> None:
        self.aggregate(originator)
        self.cursor.execute(f"UPDATE {OWNERS} SET section = %s WHERE originator = %s", (section, originator))

    def latest_award(self, agg: int) -> tuple[int, str] | None:
        row = self.cursor.execute(_LATEST_AWARD, (agg,)).fetchone()
        return None if row is None else (row[0], row[1])

    def insert(self, record: AuditRecord) -> None:
        self.cursor.execute(INSERT, record)

    def void(self, agg: int, version: int, by: int) -> tuple[str | None, str] | None:
        row = self.cursor.execute(f"UPDATE {TABLE} SET voided_by = %s WHERE agg = %s AND version = %s "
                                  "RETURNING effect, kind", (by, agg, version)).fetchone()
        return None if row is None else (row[0], row[1])

    def effect_of(self, agg: int, version: int) -> str | None:
        row = self.cursor.execute(f"SELECT effect FROM {TABLE} WHERE agg = %s AND version = %s",
                                  (agg, version)).fetchone()
        return None if row is None else row[0]

    def set_effect(self, position: int, effect: str) -> None:
        self.cursor.execute(f"UPDATE {TABLE} SET effect = %s WHERE position = %s", (effect, position))


def write_events(connection: Any, stored_events: Any, positions: Any) -> None:
    """The audit rows of events just inserted, in the same transaction."""
    from psycopg.rows import tuple_row  # an optional dependency: only for a PostgreSQL ledger

    with connection.cursor(row_factory=tuple_row) as cursor:
        book = LiveBook(cursor)
        for event, position in zip(stored_events, positions, strict=True):
            originator = event.originator_id
            write(book, position, originator.hex if isinstance(originator, UUID) else str(originator).replace("-", ""),
                  event.topic, bytes(event.state))


def index_all(conn: Any, events: str, progress: Callable[[int, int], None] | None = None) -> int:
    """Index every stored event of a ledger whose audit table is missing or of an older
    format (dropped first), in one transaction; returns how many."""
    from psycopg.rows import tuple_row  # an optional dependency: only for a PostgreSQL ledger

    with conn.transaction(), conn.cursor(row_factory=tuple_row) as cursor, \
            conn.cursor(name="jixiao_audit_index", row_factory=tuple_row) as reader:
        for name in (TABLE, OWNERS, OLD_META):
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
        create(cursor)
        total = int(cursor.execute(f"SELECT count(*) FROM {events}").fetchone()[0])
        book = BulkBook(LiveBook(cursor), lambda rows: cursor.executemany(INSERT, rows))
        reader.execute(f"SELECT notification_id, originator_id, topic, state FROM {events} ORDER BY notification_id")
        done = 0
        shown = time.monotonic()
        while rows := reader.fetchmany(PAGE):
            for position, originator, topic, state in rows:
                write(book, position, originator.hex, topic, bytes(state))
            done += len(rows)
            if progress is not None and time.monotonic() - shown > 0.2:
                progress(done, total)
                shown = time.monotonic()
        book.flush()
    if progress is not None:
        progress(done, total)
    return done
