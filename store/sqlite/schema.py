"""The schema of a SQLite ledger, as numbered steps with the version recorded in the file.

`jixiao_schema` holds one row per step applied (its number and when). The steps:

1. the library's events table (eventsourcing's SQLite application recorder's layout);
2. each event's link in its own row: the `digest` and `previous` columns, the links of a
   ledger written before moved over from the chain table it kept beside (`jixiao_chain`),
   which is dropped;
3. the evidence files (`jixiao_evidence`: one row per distinct file, by SHA-256 digest).

A ledger written before versions were recorded is recognised once by its layout (an
events table with link columns is at step 2, one without at step 1) and stamped with
that version; then the steps after it run. Opening a SQLite ledger applies what is
pending: its owner has every right on the file. All of it happens in one transaction
that holds the write lock, so two processes opening an old ledger at once upgrade it
once.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable

from domain.errors import fail
from store.sqlite import evidence

SCHEMA_TABLE = "jixiao_schema"
OLD_CHAIN_TABLE = "jixiao_chain"  # where links were kept before step 2
LINK_COLUMNS = ("digest BLOB", "previous INTEGER")  # an event's link, in its own row


def _library_tables(conn: sqlite3.Connection, events: str) -> None:
    conn.execute(f"CREATE TABLE IF NOT EXISTS {events} (originator_id TEXT, originator_version INTEGER, "
                 "topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))")


def _links_in_rows(conn: sqlite3.Connection, events: str) -> None:
    if _has_link_columns(conn, events):
        return
    for column in LINK_COLUMNS:
        conn.execute(f"ALTER TABLE {events} ADD COLUMN {column}")
    if _has_table(conn, OLD_CHAIN_TABLE):
        conn.execute(f"UPDATE {events} AS e SET digest = c.digest, previous = c.previous "
                     f"FROM {OLD_CHAIN_TABLE} AS c WHERE c.position = e.rowid")
        conn.execute(f"DROP TABLE {OLD_CHAIN_TABLE}")


def _evidence_table(conn: sqlite3.Connection, events: str) -> None:
    conn.execute(evidence.CREATE)


STEPS: dict[int, Callable[[sqlite3.Connection, str], None]] = {1: _library_tables, 2: _links_in_rows,
                                                                 3: _evidence_table}
VERSION = max(STEPS)  # the version this code writes


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def _has_link_columns(conn: sqlite3.Connection, events: str) -> bool:
    return "digest" in {row[1] for row in conn.execute(f"PRAGMA table_info({events})")}


def recorded(conn: sqlite3.Connection) -> int | None:
    """The version recorded in the file; None where none is (a ledger of an earlier release,
    or a new file)."""
    if not _has_table(conn, SCHEMA_TABLE):
        return None
    return int(conn.execute(f"SELECT coalesce(max(version), 0) FROM {SCHEMA_TABLE}").fetchone()[0])


def detected(conn: sqlite3.Connection, events: str) -> int:
    """The version a ledger without a recorded one is at, told by its layout (0: empty)."""
    if not _has_table(conn, events):
        return 0
    return 2 if _has_link_columns(conn, events) else 1


def version(conn: sqlite3.Connection, events: str) -> int:
    found = recorded(conn)
    return detected(conn, events) if found is None else found


def migrate(conn: sqlite3.Connection, events: str, *, where: str = "") -> list[int]:
    """Bring the ledger to VERSION on `conn` (in autocommit mode); the steps applied.
    A ledger written by a newer release is refused, untouched."""
    if recorded(conn) == VERSION:
        return []  # the common case: one read, no lock
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = recorded(conn)  # again, under the write lock: another process may have done it
        at = detected(conn, events) if found is None else found
        if at > VERSION:
            raise fail("store.schema_new", where=where, version=at, known=VERSION)
        conn.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)")
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        if found is None and at:
            conn.execute(f"INSERT INTO {SCHEMA_TABLE} VALUES (?, ?)", (at, now))  # stamped as found
        applied = []
        for step in range(at + 1, VERSION + 1):
            STEPS[step](conn, events)
            conn.execute(f"INSERT INTO {SCHEMA_TABLE} VALUES (?, ?)", (step, now))
            applied.append(step)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return applied
