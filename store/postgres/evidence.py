"""The evidence files of a PostgreSQL ledger: a table beside its events.

One row per distinct file, keyed by its SHA-256 digest (the same file attached twice is
kept once). Rows are written by the recorder in the transaction that stores the
`EvidenceAttached` event (`store.postgres.recorder`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from domain.ports import EvidenceFile

EVIDENCE_TABLE = "jixiao_evidence"


def evidence_table_name(events_table_name: str) -> str:
    """The evidence table beside an events table (`jixiao_events` -> `jixiao_evidence`)."""
    prefix = events_table_name.removesuffix("_events")
    return f"{prefix}_evidence" if prefix != "stored" else EVIDENCE_TABLE


def qualified(schema: str, table: str) -> str:
    """`"schema"."table"`: names from the ledger's configuration (psycopg is not loaded
    here, so that a SQLite ledger never needs it)."""
    return ".".join('"' + name.replace('"', '""') + '"' for name in (schema, table))


def create_statement(schema: str, table: str) -> str:
    return (f"CREATE TABLE IF NOT EXISTS {qualified(schema, table)} (sha256 text PRIMARY KEY, "
            "size bigint NOT NULL, content bytea NOT NULL)")


def insert(curs: Any, schema: str, table: str, files: Sequence[EvidenceFile]) -> None:
    """Keep the files, each once, in the caller's transaction."""
    statement = (f"INSERT INTO {qualified(schema, table)} (sha256, size, content) VALUES (%s, %s, %s) "
                 "ON CONFLICT (sha256) DO NOTHING")
    for f in files:
        curs.execute(statement, (f.sha256, len(f.content), f.content))


class PostgresEvidence:
    """The evidence files of an open PostgreSQL ledger (see `domain.ports.EvidenceStore`)."""

    def __init__(self, recorder: Any) -> None:
        self.datastore = recorder.datastore
        self.table = qualified(recorder.datastore.schema, evidence_table_name(recorder.events_table_name))

    def get(self, sha256: str) -> bytes | None:
        with self.datastore.get_connection() as conn:
            row = conn.execute(f"SELECT content FROM {self.table} WHERE sha256 = %s",
                               (sha256.lower(),)).fetchone()
        return bytes(row["content"]) if row else None

    def kept(self, digests: Iterable[str]) -> set[str]:
        wanted = sorted({d.lower() for d in digests})
        if not wanted:
            return set()
        with self.datastore.get_connection() as conn:
            rows = conn.execute(f"SELECT sha256 FROM {self.table} WHERE sha256 = ANY(%s)",
                                (wanted,)).fetchall()
        return {r["sha256"] for r in rows}

    def files(self) -> Iterator[tuple[str, bytes]]:
        """Every kept file as (digest, bytes), one in memory at a time."""
        with self.datastore.get_connection() as conn:
            digests = [r["sha256"] for r in conn.execute(
                f"SELECT sha256 FROM {self.table} ORDER BY sha256").fetchall()]
        for digest in digests:
            content = self.get(digest)
            if content is not None:
                yield digest, content

    def check(self) -> Iterator[tuple[str, bool]]:
        for digest, content in self.files():
            yield digest, hashlib.sha256(content).hexdigest() == digest
