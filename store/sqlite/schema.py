"""The schema of a SQLite ledger, as numbered steps with the version recorded in the file.

`jixiao_schema` holds one row per step applied (its number and when). The steps:

1. the library's events table (eventsourcing's SQLite application recorder's layout);
2. each event's link in its own row: the `digest` and `previous` columns, the links of a
   ledger written before moved over from the chain table it kept beside (`jixiao_chain`),
   which is dropped;
3. the audit table in the ledger itself (`store.sqlite.audit_table`), written from then on
   with each event; the events stored before are indexed in bulk, once, and the audit
   file an earlier release kept beside the ledger (`<ledger>.audit.db`) is removed; and
   the checkpoint's table (`store.sqlite.checkpoint_table`), into which the checkpoint
   file kept beside the ledger (`<ledger>.checkpoint`) is moved.
4. the evidence files (`jixiao_evidence`: one row per distinct file, by SHA-256 digest).

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
from pathlib import Path

from domain.errors import fail
from store.sqlite import audit_table, checkpoint_table, evidence

Progress = Callable[[int, int], None]  # (events indexed so far, of how many)

SCHEMA_TABLE = "jixiao_schema"
OLD_CHAIN_TABLE = "jixiao_chain"  # where links were kept before step 2
LINK_COLUMNS = ("digest BLOB", "previous INTEGER")  # an event's link, in its own row


def _library_tables(conn: sqlite3.Connection, events: str, progress: Progress | None = None) -> None:
    conn.execute(f"CREATE TABLE IF NOT EXISTS {events} (originator_id TEXT, originator_version INTEGER, "
                 "topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))")


def _links_in_rows(conn: sqlite3.Connection, events: str, progress: Progress | None = None) -> None:
    if _has_link_columns(conn, events):
        return
    for column in LINK_COLUMNS:
        conn.execute(f"ALTER TABLE {events} ADD COLUMN {column}")
    if _has_table(conn, OLD_CHAIN_TABLE):
        conn.execute(f"UPDATE {events} AS e SET digest = c.digest, previous = c.previous "
                     f"FROM {OLD_CHAIN_TABLE} AS c WHERE c.position = e.rowid")
        conn.execute(f"DROP TABLE {OLD_CHAIN_TABLE}")


def _audit_in_ledger(conn: sqlite3.Connection, events: str, progress: Progress | None = None) -> None:
    audit_table.drop(conn)
    audit_table.index_all(conn, events, progress)
    checkpoint_table.create(conn)


def _evidence_table(conn: sqlite3.Connection, events: str, progress: Progress | None = None) -> None:
    conn.execute(evidence.CREATE)


STEPS: dict[int, Callable[[sqlite3.Connection, str, Progress | None], None]] = {
    1: _library_tables, 2: _links_in_rows, 3: _audit_in_ledger, 4: _evidence_table}
OLD_SIDE_FILES = (".audit.db", ".audit.db-wal", ".audit.db-shm")  # the audit file before step 3
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
    if not _has_link_columns(conn, events):
        return 1
    return 3 if _has_table(conn, audit_table.TABLE) else 2


def version(conn: sqlite3.Connection, events: str) -> int:
    found = recorded(conn)
    return detected(conn, events) if found is None else found


def migrate(conn: sqlite3.Connection, events: str, *, where: str = "",
            progress: Progress | None = None) -> list[int]:
    """Bring the ledger to VERSION on `conn` (in autocommit mode); the steps applied.
    A ledger written by a newer release is refused, untouched. `progress` hears how a
    bulk step (indexing the audit trail) advances."""
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
            STEPS[step](conn, events, progress)
            conn.execute(f"INSERT INTO {SCHEMA_TABLE} VALUES (?, ?)", (step, now))
            applied.append(step)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    if 3 in applied and where:
        for suffix in OLD_SIDE_FILES:
            Path(where + suffix).unlink(missing_ok=True)
        checkpoint_table.adopt_side_file(conn, where)
    return applied
