"""The audit table of a SQLite ledger: its own file beside it (`<ledger>.audit.db`).

Readers of the audit trail never contend with writers of the ledger. Rows page newest
first by keyset paging, through an index for each filter. The free text is indexed by
trigrams (FTS5, `jixiao_audit_text`, external content written in the same transaction
as the rows), so a search of three or more characters looks up the rows that hold it
instead of scanning them all, unless the text is in so many rows that a scan newest
first fills a page sooner; shorter searches scan. A first build drops the filter
indexes and makes them after.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from domain.audit_query import TEXT_COLUMNS, AuditFilter, conditions
from domain.ports import AuditRecord, StoredAuditRow
from store.location import prepare_sqlite_path

AUDIT_VERSION = 1
TEXT_INDEX_VERSION = 1  # the file's full-text index; a file without it is rebuilt
TABLE = "jixiao_audit"
META = "jixiao_audit_meta"
TEXT_TABLE = "jixiao_audit_text"
TEXT_LOOKUP_MAX = 20_000  # text in more rows than this is found sooner by scanning newest first
INDEXED = ("actor", "kind", "section", "indicator", "effective", "recorded")
_ESCAPE = " ESCAPE '\\'"


def audit_path(db: str) -> str:
    return db + ".audit.db"


class SQLiteAuditIndex:
    """The audit table in the SQLite file at `path` (see `domain.ports.AuditIndex`)."""

    def __init__(self, path: str) -> None:
        self.path = self.location = path
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        prepare_sqlite_path(path)  # owner-only, as the ledger: it holds the same data
        self.conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA cache_size=-32768")  # 32 MiB: index builds stay in memory
        self.conn.execute("PRAGMA temp_store=MEMORY")
        self._schema()

    def close(self) -> None:
        self.conn.close()

    # -- schema ------------------------------------------------------------------------
    def _schema(self) -> None:
        c = self.conn
        c.execute(f"CREATE TABLE IF NOT EXISTS {META} (key TEXT PRIMARY KEY, value BLOB)")
        row = c.execute(f"SELECT value FROM {META} WHERE key='version'").fetchone()
        stale = row is not None and int(row[0]) != AUDIT_VERSION
        if row is not None:
            text = c.execute(f"SELECT value FROM {META} WHERE key='text_index'").fetchone()
            stale = stale or text is None or int(text[0]) != TEXT_INDEX_VERSION
        if stale:
            c.execute(f"DROP TABLE IF EXISTS {TEXT_TABLE}")
            c.execute(f"DROP TABLE IF EXISTS {TABLE}")
            c.execute(f"DELETE FROM {META}")
        c.execute(f"""CREATE TABLE IF NOT EXISTS {TABLE} (
            position INTEGER PRIMARY KEY, recorded TEXT NOT NULL, effective TEXT NOT NULL,
            actor TEXT NOT NULL, role TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT NOT NULL,
            year INTEGER, section TEXT NOT NULL, indicator TEXT NOT NULL, target TEXT NOT NULL,
            summary TEXT NOT NULL, reason TEXT NOT NULL, effect TEXT, agg INTEGER NOT NULL,
            version INTEGER NOT NULL, voided_by INTEGER)""")
        c.execute(f"INSERT OR IGNORE INTO {META} VALUES ('version', ?)", (str(AUDIT_VERSION),))
        # external content: the index holds the trigrams only, the text stays in the rows
        c.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {TEXT_TABLE} USING fts5({', '.join(TEXT_COLUMNS)}, "
                  f"content='{TABLE}', content_rowid='position', tokenize='trigram')")
        c.execute(f"INSERT OR IGNORE INTO {META} VALUES ('text_index', ?)", (str(TEXT_INDEX_VERSION),))
        self._indexes()

    def _indexes(self) -> None:
        for col in INDEXED:
            self.conn.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_{col} ON {TABLE}({col}, position)")
        self.conn.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_agg ON {TABLE}(agg, version)")

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Without the filter indexes while it runs (the one corrections use stays)."""
        for col in INDEXED:
            self.conn.execute(f"DROP INDEX IF EXISTS {TABLE}_{col}")
        try:
            yield
        finally:
            self._indexes()

    # -- state and writing -------------------------------------------------------------
    def state(self) -> bytes | None:
        row = self.conn.execute(f"SELECT value FROM {META} WHERE key='state'").fetchone()
        return None if row is None else bytes(row[0])

    def reset(self) -> None:
        with self._immediate():
            self.conn.execute(f"DELETE FROM {TABLE}")
            self.conn.execute(f"INSERT INTO {TEXT_TABLE}({TEXT_TABLE}) VALUES ('delete-all')")
            self.conn.execute(f"DELETE FROM {META} WHERE key IN ('state', 'position')")

    @contextlib.contextmanager
    def _immediate(self) -> Iterator[None]:
        """A write transaction that takes the file's write lock at once: refreshes by
        several processes wait for each other instead of failing half way."""
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            c.execute("ROLLBACK")
            raise
        c.execute("COMMIT")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[_Writer]:
        with self._immediate():
            yield _Writer(self)

    # -- reading -----------------------------------------------------------------------
    def _where(self, f: AuditFilter) -> tuple[list[str], list[Any]]:
        w = conditions(f)
        clauses: list[str] = []
        params: list[Any] = []
        for col, value in w.equal:
            clauses.append(f"a.{col} = ?")
            params.append(value)
        if w.year is not None:
            clauses.append("a.year = ?")
            params.append(w.year)
        if w.kinds:
            clauses.append(f"a.kind IN ({','.join('?' * len(w.kinds))})")
            params += w.kinds
        for bound, clause in ((w.since, "a.effective >= ?"), (w.until, "a.effective <= ?"),
                              (w.recorded_from, "a.recorded >= ?"), (w.recorded_to, "a.recorded <= ?")):
            if bound:
                clauses.append(clause)
                params.append(bound)
        if w.text:
            clauses.append("(" + " OR ".join(f"a.{col} LIKE ?{_ESCAPE}" for col in TEXT_COLUMNS) + ")")
            params += [w.like] * len(TEXT_COLUMNS)
            if len(w.text) >= 3:
                match = '"' + w.text.replace('"', '""') + '"'
                if self._rare(match):
                    # the trigram index finds the rows holding the text (case folded more
                    # widely than LIKE folds it, so the LIKE above still decides)
                    clauses.insert(0, f"a.position IN (SELECT rowid FROM {TEXT_TABLE} WHERE {TEXT_TABLE} MATCH ?)")
                    params.insert(0, match)
        return clauses, params

    def _rare(self, match: str) -> bool:
        """Whether text is in few enough rows that looking them up beats scanning; text in
        many rows fills a page after a short scan."""
        found = self.conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM {TEXT_TABLE} WHERE {TEXT_TABLE} "
                                  f"MATCH ? LIMIT {TEXT_LOOKUP_MAX + 1})", (match,)).fetchone()[0]
        return bool(found <= TEXT_LOOKUP_MAX)

    def page_query(self, filters: AuditFilter, before_position: int | None = None,
                   limit: int = 100) -> tuple[str, list[Any]]:
        clauses, params = self._where(filters)
        if before_position is not None:
            clauses.append("a.position < ?")
            params.append(before_position)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        # the page's positions first, then its rows: a filter read through an index in
        # another order (a date range) sorts positions, not whole rows with their texts
        query = (f"SELECT a.position, a.recorded, a.effective, a.actor, a.role, a.kind, a.unit, "
                 f"a.year, a.section, a.indicator, a.target, a.summary, a.reason, a.effect, "
                 f"a.voided_by, v.recorded, v.effective, v.actor, v.reason "
                 f"FROM {TABLE} a LEFT JOIN {TABLE} v ON v.position = a.voided_by "
                 f"WHERE a.position IN (SELECT a.position FROM {TABLE} a {where} "
                 f"ORDER BY a.position DESC LIMIT ?) ORDER BY a.position DESC")
        return query, [*params, max(1, min(limit, 10_000))]

    def page(self, filters: AuditFilter, before_position: int | None = None,
             limit: int = 100) -> list[StoredAuditRow]:
        query, params = self.page_query(filters, before_position, limit)
        return self.conn.execute(query, params).fetchall()

    def count(self, filters: AuditFilter) -> int:
        clauses, params = self._where(filters)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return int(self.conn.execute(f"SELECT COUNT(*) FROM {TABLE} a {where}", params).fetchone()[0])

    def max_position(self) -> int:
        return int(self.conn.execute(f"SELECT MAX(position) FROM {TABLE}").fetchone()[0] or 0)


class _Writer:
    """The statements of one write transaction (see `domain.ports.AuditWriter`)."""

    def __init__(self, index: SQLiteAuditIndex) -> None:
        self.conn = index.conn
        self.index = index

    def position(self) -> int:
        row = self.conn.execute(f"SELECT value FROM {META} WHERE key='position'").fetchone()
        return int(row[0]) if row else 0

    def state(self) -> bytes | None:
        return self.index.state()

    def insert(self, records: Sequence[AuditRecord]) -> None:
        self.conn.executemany(f"INSERT INTO {TABLE} VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL)", records)
        # the text columns are written once: the index needs no updates
        self.conn.executemany(f"INSERT INTO {TEXT_TABLE}(rowid, {', '.join(TEXT_COLUMNS)}) VALUES (?,?,?,?,?)",
                              [(r[0], r[11], r[12], r[3], r[10]) for r in records])

    def void(self, agg: int, version: int, by: int) -> tuple[str | None, str] | None:
        self.conn.execute(f"UPDATE {TABLE} SET voided_by=? WHERE agg=? AND version=?", (by, agg, version))
        row = self.conn.execute(f"SELECT effect, kind FROM {TABLE} WHERE agg=? AND version=?",
                                (agg, version)).fetchone()
        return None if row is None else (row[0], row[1])

    def effect_of(self, agg: int, version: int) -> str | None:
        row = self.conn.execute(f"SELECT effect FROM {TABLE} WHERE agg=? AND version=?", (agg, version)).fetchone()
        return None if row is None else row[0]

    def set_effect(self, position: int, effect: str) -> None:
        self.conn.execute(f"UPDATE {TABLE} SET effect=? WHERE position=?", (effect, position))

    def save(self, position: int, state: bytes) -> None:
        self.conn.execute(f"INSERT OR REPLACE INTO {META} VALUES ('state', ?)", (state,))
        self.conn.execute(f"INSERT OR REPLACE INTO {META} VALUES ('position', ?)", (str(position),))
