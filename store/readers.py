"""What the read side is handed, picked for the ledger's backend: its log reader, its
checkpoint store and its audit index (each a `domain.ports` Protocol)."""

from __future__ import annotations

from typing import Any

from domain.ports import AuditIndex, CheckpointStore, LogReader
from store.app import is_postgres
from store.postgres.audit import PostgresAuditIndex
from store.postgres.checkpoint import TableCheckpoint
from store.postgres.log import PostgresLog
from store.sqlite.audit import SQLiteAuditIndex, audit_path
from store.sqlite.checkpoint import FileCheckpoint, checkpoint_path
from store.sqlite.log import SQLiteLog


def _sqlite_db(app: Any) -> str | None:
    db = app.env.get("SQLITE_DBNAME") if hasattr(app, "env") else None
    return db if db and not is_postgres(db) else None


def log_reader(source: Any) -> LogReader:
    """The log of an open ledger application, or of the SQLite ledger at a path."""
    if isinstance(source, str):
        if is_postgres(source):
            raise ValueError("a PostgreSQL ledger's log is read through its open application")
        return SQLiteLog(source)
    db = _sqlite_db(source)
    if db is not None:
        return SQLiteLog(db)
    return PostgresLog(source.recorder)


def checkpoint_store(app: Any) -> CheckpointStore:
    """The checkpoint of an open ledger application: a file beside a SQLite ledger, a row
    in a PostgreSQL ledger's database."""
    db = _sqlite_db(app)
    if db is not None:
        return FileCheckpoint(checkpoint_path(db))
    return TableCheckpoint(app.recorder.datastore, app.env.get("POSTGRES_DBNAME", "") if hasattr(app, "env") else "")


def audit_index(db: str, *, path: str | None = None) -> AuditIndex:
    """The audit table of the ledger at `db`: a file beside a SQLite ledger (or at
    `path`), tables in a PostgreSQL ledger's database (or the one `path` names)."""
    where = path or db
    if is_postgres(where):
        return PostgresAuditIndex(where)
    return SQLiteAuditIndex(path or audit_path(db))
