"""Reading the audit table of a SQLite ledger: `jixiao_audit`, inside the ledger file,
written with each event (`store.sqlite.audit_table`).

Rows page newest first by keyset paging, through an index for each filter. The free
text is indexed by trigrams (FTS5, `jixiao_audit_text`, external content written in the
same transaction as the rows), so a search of three or more characters looks up the
rows that hold it instead of scanning them all, unless the text is in so many rows that
a scan newest first fills a page sooner; shorter searches scan. A read-only connection:
a reader never takes a writer's lock.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from domain.audit_query import TEXT_COLUMNS, AuditFilter, conditions
from domain.ports import StoredAuditRow
from store.sqlite.audit_table import INDEXED, TABLE, TEXT_TABLE

__all__ = ["INDEXED", "TABLE", "TEXT_TABLE", "SQLiteAuditIndex"]

TEXT_LOOKUP_MAX = 20_000  # text in more rows than this is found sooner by scanning newest first
_ESCAPE = " ESCAPE '\\'"


class SQLiteAuditIndex:
    """The audit table in the SQLite ledger at `path` (see `domain.ports.AuditIndex`)."""

    def __init__(self, path: str) -> None:
        self.path = self.location = path
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30, isolation_level=None,
                                    check_same_thread=False)
        self.conn.execute("PRAGMA cache_size=-32768")  # 32 MiB
        self.conn.execute("PRAGMA temp_store=MEMORY")

    def close(self) -> None:
        self.conn.close()

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
