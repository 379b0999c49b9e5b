"""The checkpoint of a SQLite ledger: a row of `jixiao_checkpoint` inside the ledger file,
shared by every process that opens it (the writer refreshes it; every reader starts from
it). Replaced in one transaction, so a reader sees the old one or the new one."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path

CHECKPOINT_TABLE = "jixiao_checkpoint"
CHECKPOINT_NAME = "year"
CREATE = (f"CREATE TABLE IF NOT EXISTS {CHECKPOINT_TABLE} (name TEXT PRIMARY KEY, header BLOB NOT NULL, "
          "state BLOB NOT NULL, saved TEXT NOT NULL)")
OLD_SUFFIX = ".checkpoint"  # the file an earlier release kept beside the ledger


def create(conn: sqlite3.Connection) -> None:
    conn.execute(CREATE)


def adopt_side_file(conn: sqlite3.Connection, db: str) -> None:
    """The checkpoint an earlier release kept beside the ledger, moved into it (it is
    trusted, as ever, only if its version and position still match) and removed."""
    side = Path(db + OLD_SUFFIX)
    try:
        data = side.read_bytes()
    except OSError:
        return
    end = data.find(b"\n")
    if end > 0:
        _put(conn, data[:end], data[end + 1:])
    side.unlink(missing_ok=True)


def _put(conn: sqlite3.Connection, header: bytes, state: bytes) -> None:
    conn.execute(f"INSERT OR REPLACE INTO {CHECKPOINT_TABLE} VALUES (?, ?, ?, ?)",
                 (CHECKPOINT_NAME, header, state, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))


class SQLiteTableCheckpoint:
    """The checkpoint row of the SQLite ledger at `db` (see `domain.ports.CheckpointStore`)."""

    def __init__(self, db: str) -> None:
        self.db = db
        self.location = f"{db}#checkpoint"

    def header(self) -> bytes | None:
        return self._column("header")

    def state(self) -> bytes | None:
        return self._column("state")

    def write(self, header: bytes, state: bytes) -> None:
        with contextlib.closing(sqlite3.connect(self.db, timeout=30, isolation_level=None)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(CREATE)
                _put(conn, header, state)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _column(self, column: str) -> bytes | None:
        try:
            with contextlib.closing(sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)) as conn:
                row = conn.execute(f"SELECT {column} FROM {CHECKPOINT_TABLE} WHERE name = ?",
                                   (CHECKPOINT_NAME,)).fetchone()
        except sqlite3.Error:
            return None
        return bytes(row[0]) if row else None
