"""The audit table inside a SQLite ledger, written with each event.

`jixiao_audit` holds one row per event (see `domain.ports.AuditRecord`); its free text is
indexed by trigrams in `jixiao_audit_text` (FTS5, external content, written with the
rows); `jixiao_audit_owner` numbers the aggregates and says which unit, year, indicator
and section each one's events belong to. `LiveBook` is what the chained recorder writes
through, on the cursor of the insert's own transaction, so no event is stored without
its row nor a row without its event. `index_all` indexes a ledger written before the
table existed, once, in bulk: the rows first, then the filter indexes and the text
index built over them.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any

from domain.audit_query import TEXT_COLUMNS
from domain.ports import AuditOwner, AuditRecord
from store.audit_book import PAGE, BulkBook, write

__all__ = ["INDEXED", "TABLE", "TEXT_TABLE", "LiveBook", "create", "index_all", "write"]

TABLE = "jixiao_audit"
OWNERS = "jixiao_audit_owner"
TEXT_TABLE = "jixiao_audit_text"
INDEXED = ("actor", "kind", "section", "indicator", "effective", "recorded")
COLUMNS = ("position, recorded, effective, actor, role, kind, unit, year, section, indicator, target, "
           "summary, reason, effect, agg, version, points")
INSERT = f"INSERT INTO {TABLE} ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
INSERT_TEXT = f"INSERT INTO {TEXT_TABLE}(rowid, {', '.join(TEXT_COLUMNS)}) VALUES (?,?,?,?,?)"
_OWNER = f"SELECT agg, unit, year, indicator, section FROM {OWNERS} WHERE originator = ?"
_NEW = f"INSERT INTO {OWNERS} (originator, unit, year, indicator, section) VALUES (?, '', NULL, '', '')"
_OWN = (f"INSERT INTO {OWNERS} (originator, unit, year, indicator, section) VALUES (?,?,?,?,?) "
        "ON CONFLICT (originator) DO UPDATE SET unit = excluded.unit, year = excluded.year, "
        "indicator = excluded.indicator, section = excluded.section")
_LATEST_AWARD = (f"SELECT version, points FROM {TABLE} WHERE agg = ? AND kind = 'TierAwarded' "
                 "AND voided_by IS NULL ORDER BY version DESC LIMIT 1")


def create(conn: sqlite3.Connection, *, indexes: bool = True) -> None:
    """The tables (and, unless a bulk build follows, the filter indexes)."""
    conn.execute(f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        position INTEGER PRIMARY KEY, recorded TEXT NOT NULL, effective TEXT NOT NULL,
        actor TEXT NOT NULL, role TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT NOT NULL,
        year INTEGER, section TEXT NOT NULL, indicator TEXT NOT NULL, target TEXT NOT NULL,
        summary TEXT NOT NULL, reason TEXT NOT NULL, effect TEXT, agg INTEGER NOT NULL,
        version INTEGER NOT NULL, voided_by INTEGER, points TEXT)""")
    conn.execute(f"""CREATE TABLE IF NOT EXISTS {OWNERS} (agg INTEGER PRIMARY KEY,
        originator TEXT NOT NULL UNIQUE, unit TEXT NOT NULL, year INTEGER, indicator TEXT NOT NULL,
        section TEXT NOT NULL)""")
    # external content: the index holds the trigrams only, the text stays in the rows
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {TEXT_TABLE} USING fts5({', '.join(TEXT_COLUMNS)}, "
                 f"content='{TABLE}', content_rowid='position', tokenize='trigram')")
    conn.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_agg ON {TABLE}(agg, version)")
    if indexes:
        create_indexes(conn)


def create_indexes(conn: sqlite3.Connection) -> None:
    for col in INDEXED:
        conn.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_{col} ON {TABLE}({col}, position)")


def drop(conn: sqlite3.Connection) -> None:
    """An audit table of an older format: dropped, to be indexed again."""
    for name in (TEXT_TABLE, TABLE, OWNERS, "jixiao_audit_meta"):
        conn.execute(f"DROP TABLE IF EXISTS {name}")


class LiveBook:
    """`domain.ports.AuditBook` on the cursor of a write transaction."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def aggregate(self, originator: str) -> AuditOwner:
        row = self.cursor.execute(_OWNER, (originator,)).fetchone()
        if row is None:
            self.cursor.execute(_NEW, (originator,))
            return AuditOwner(self.cursor.lastrowid, "", None, "", "")
        return AuditOwner(*row)

    def own(self, originator: str, unit: str, year: int | None, indicator: str, section: str) -> AuditOwner:
        self.cursor.execute(_OWN, (originator, unit, year, indicator, section))
        return self.aggregate(originator)

    def assign(self, originator: str, section: str) -> None:
        self.aggregate(originator)
        self.cursor.execute(f"UPDATE {OWNERS} SET section = ? WHERE originator = ?", (section, originator))

    def latest_award(self, agg: int) -> tuple[int, str] | None:
        row = self.cursor.execute(_LATEST_AWARD, (agg,)).fetchone()
        return None if row is None else (row[0], row[1])

    def insert(self, record: AuditRecord) -> None:
        self.cursor.execute(INSERT, record)
        self.cursor.execute(INSERT_TEXT, (record[0], record[11], record[12], record[3], record[10]))

    def void(self, agg: int, version: int, by: int) -> tuple[str | None, str] | None:
        self.cursor.execute(f"UPDATE {TABLE} SET voided_by = ? WHERE agg = ? AND version = ?", (by, agg, version))
        row = self.cursor.execute(f"SELECT effect, kind FROM {TABLE} WHERE agg = ? AND version = ?",
                                  (agg, version)).fetchone()
        return None if row is None else (row[0], row[1])

    def effect_of(self, agg: int, version: int) -> str | None:
        row = self.cursor.execute(f"SELECT effect FROM {TABLE} WHERE agg = ? AND version = ?",
                                  (agg, version)).fetchone()
        return None if row is None else row[0]

    def set_effect(self, position: int, effect: str) -> None:
        self.cursor.execute(f"UPDATE {TABLE} SET effect = ? WHERE position = ?", (effect, position))


def index_all(conn: sqlite3.Connection, events: str, progress: Callable[[int, int], None] | None = None) -> int:
    """Index every stored event of a ledger that has no audit table yet (in the caller's
    transaction); returns how many. The filter and text indexes are built at the end."""
    create(conn, indexes=False)
    conn.execute("PRAGMA cache_size=-131072")  # 128 MiB while the indexes are built over every row
    total = int(conn.execute(f"SELECT count(*) FROM {events}").fetchone()[0])
    cursor = conn.cursor()
    book = BulkBook(LiveBook(cursor), lambda rows: cursor.executemany(INSERT, rows))
    reader = conn.cursor()
    reader.execute(f"SELECT rowid, originator_id, topic, state FROM {events} ORDER BY rowid")
    done = 0
    shown = time.monotonic()
    while rows := reader.fetchmany(PAGE):
        for position, originator, topic, state in rows:
            write(book, position, originator.replace("-", ""), topic, state)
        done += len(rows)
        if progress is not None and time.monotonic() - shown > 0.2:
            progress(done, total)
            shown = time.monotonic()
    book.flush()
    create_indexes(conn)
    conn.execute(f"INSERT INTO {TEXT_TABLE}({TEXT_TABLE}) VALUES ('rebuild')")
    conn.execute("PRAGMA cache_size=-2000")  # the default again
    if progress is not None:
        progress(done, total)
    return done
