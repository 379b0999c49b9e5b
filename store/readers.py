"""What the read side is handed, picked by the ledger's kind (`Location.kind`, decided
once when it was opened): its log reader, its checkpoint store, its audit index and its
evidence files (each a `domain.ports` Protocol)."""

from __future__ import annotations

from domain.ports import AuditIndex, CheckpointStore, EvidenceStore, LogReader
from store.app import LedgerApp
from store.location import Location
from store.postgres.audit import PostgresAuditIndex
from store.postgres.checkpoint import TableCheckpoint
from store.postgres.evidence import PostgresEvidence
from store.postgres.log import PostgresLog
from store.sqlite.audit import SQLiteAuditIndex
from store.sqlite.checkpoint_table import SQLiteTableCheckpoint
from store.sqlite.evidence import SQLiteEvidence
from store.sqlite.log import SQLiteLog


def log_reader(source: LedgerApp | str) -> LogReader:
    """The log of an open ledger application, or of the SQLite ledger at a path."""
    if isinstance(source, str):
        where = Location.of(source)
        if where.kind != "sqlite":
            raise ValueError("a PostgreSQL ledger's log is read through its open application")
        return SQLiteLog(where.text)
    if source.where.kind == "sqlite":
        return SQLiteLog(source.where.text)
    return PostgresLog(source.recorder)


def checkpoint_store(app: LedgerApp) -> CheckpointStore:
    """The checkpoint of an open ledger application: a row in the ledger's own database
    (the SQLite file, or the PostgreSQL database), shared by every process opening it."""
    if app.where.kind == "sqlite":
        return SQLiteTableCheckpoint(app.where.text)
    return TableCheckpoint(app.recorder.datastore, app.env.get("POSTGRES_DBNAME", ""))


def audit_index(db: str, *, path: str | None = None) -> AuditIndex:
    """The audit table of the ledger at `db` (or at `path`), written with its events: in
    the SQLite ledger file, or in the PostgreSQL ledger's database."""
    where = Location.of(path or db)
    if where.kind == "postgres":
        return PostgresAuditIndex(where.text)
    return SQLiteAuditIndex(where.text)


def evidence_store(app: LedgerApp) -> EvidenceStore:
    """The evidence files of an open ledger application: a table in its database."""
    if app.where.kind == "sqlite":
        return SQLiteEvidence(app.where.text)
    return PostgresEvidence(app.recorder)
