"""The evidence files of a SQLite ledger: a table in the ledger's own database.

One row per distinct file, keyed by its SHA-256 digest (the same file attached twice is
kept once). Rows are written by the recorder in the transaction that stores the
`EvidenceAttached` event (`store.sqlite.recorder`), so a file is kept exactly when its
event is; reads here use read-only connections.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from domain.ports import EvidenceFile

TABLE = "jixiao_evidence"
CREATE = (f"CREATE TABLE IF NOT EXISTS {TABLE} (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, "
          "content BLOB NOT NULL)")
INSERT = f"INSERT OR IGNORE INTO {TABLE} (sha256, size, content) VALUES (?, ?, ?)"
_CHUNK = 500  # digests per `IN (...)`


def insert(cursor: sqlite3.Cursor, files: Sequence[EvidenceFile]) -> None:
    """Keep the files, each once, in the caller's transaction."""
    cursor.executemany(INSERT, [(f.sha256, len(f.content), f.content) for f in files])


class SQLiteEvidence:
    """The evidence files of the SQLite ledger at `db` (see `domain.ports.EvidenceStore`)."""

    def __init__(self, db: str) -> None:
        self.db = db

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)

    def get(self, sha256: str) -> bytes | None:
        conn = self._connect()
        try:
            row = conn.execute(f"SELECT content FROM {TABLE} WHERE sha256 = ?", (sha256.lower(),)).fetchone()
        finally:
            conn.close()
        return bytes(row[0]) if row else None

    def kept(self, digests: Iterable[str]) -> set[str]:
        wanted = sorted({d.lower() for d in digests})
        found: set[str] = set()
        conn = self._connect()
        try:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start:start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                found |= {r[0] for r in conn.execute(f"SELECT sha256 FROM {TABLE} WHERE sha256 IN ({marks})",
                                                     chunk)}
        finally:
            conn.close()
        return found

    def files(self) -> Iterator[tuple[str, bytes]]:
        """Every kept file as (digest, bytes), one in memory at a time."""
        conn = self._connect()
        try:
            digests = [r[0] for r in conn.execute(f"SELECT sha256 FROM {TABLE} ORDER BY sha256")]
            for digest in digests:
                row = conn.execute(f"SELECT content FROM {TABLE} WHERE sha256 = ?", (digest,)).fetchone()
                if row is not None:
                    yield digest, bytes(row[0])
        finally:
            conn.close()

    def check(self) -> Iterator[tuple[str, bool]]:
        for digest, content in self.files():
            yield digest, hashlib.sha256(content).hexdigest() == digest
