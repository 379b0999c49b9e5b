"""Reading the audit table of a PostgreSQL ledger: `jixiao_audit` in its own database,
written with each event (`store.postgres.audit_table`), shared by every process that
opens it.

The table is made by the ledger's schema steps (`jixiao init` / `jixiao db migrate`),
never by opening the ledger: a clerk's role may not run DDL, so a missing or outdated
table is reported with the command that makes it. The free text is indexed by trigrams
(pg_trgm, a GIN index, `create_text_index`), which the planner uses by itself for a
search of three or more characters; the LIKE still decides which rows match.
"""

from __future__ import annotations

from typing import Any

from domain.audit_query import TEXT_COLUMNS, AuditFilter, conditions
from domain.errors import fail
from domain.ports import StoredAuditRow
from store.app import pg_connect
from store.postgres import audit_table
from store.postgres.audit_table import INDEXED, TABLE, TABLES

__all__ = ["INDEXED", "TABLE", "TABLES", "PostgresAuditIndex", "create_text_index"]

TEXT_EXTENSION = "pg_trgm"
TEXT_INDEX = "jixiao_audit_text"  # the name the SQLite ledger's trigram index has too
_ESCAPE = " ESCAPE '\\'"


class PostgresAuditIndex:
    """The audit tables of the PostgreSQL ledger at `db` (see `domain.ports.AuditIndex`);
    `create=True` makes them where they are missing (`jixiao init`, `jixiao db migrate`)."""

    def __init__(self, db: str, *, create: bool = False) -> None:
        self.location = db
        self.conn = pg_connect(db)
        try:
            # a page's best plan depends on its values (a text in three rows or in half of them,
            # a day or a year): plan every statement for its own, never a prepared statement's
            # generic plan, which reads a rare text newest first through the whole table
            self.conn.execute("SET plan_cache_mode = force_custom_plan")
            if create:
                audit_table.create(self.conn)
            elif not audit_table.is_current(self.conn):
                exists = self.conn.execute("SELECT to_regclass(%s) IS NOT NULL", (TABLE,)).fetchone()[0]
                raise fail("store.views_old" if exists else "store.no_tables", where=self.location, tables=TABLE)
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    # -- reading -----------------------------------------------------------------------
    def _where(self, f: AuditFilter) -> tuple[list[str], list[Any]]:
        w = conditions(f)
        clauses: list[str] = []
        params: list[Any] = []
        for col, value in w.equal:
            clauses.append(f"a.{col} = %s")
            params.append(value)
        if w.year is not None:
            clauses.append("a.year = %s")
            params.append(w.year)
        if w.kinds:
            clauses.append(f"a.kind IN ({','.join(['%s'] * len(w.kinds))})")
            params += w.kinds
        for bound, clause in ((w.since, "a.effective >= %s"), (w.until, "a.effective <= %s"),
                              (w.recorded_from, "a.recorded >= %s"), (w.recorded_to, "a.recorded <= %s")):
            if bound:
                clauses.append(clause)
                params.append(bound)
        if w.text:
            # answered through the trigram index where there is one; the planner decides
            clauses.append("(" + " OR ".join(f"a.{col} LIKE %s{_ESCAPE}" for col in TEXT_COLUMNS) + ")")
            params += [w.like] * len(TEXT_COLUMNS)
        return clauses, params

    def page_query(self, filters: AuditFilter, before_position: int | None = None,
                   limit: int = 100) -> tuple[str, list[Any]]:
        clauses, params = self._where(filters)
        if before_position is not None:
            clauses.append("a.position < %s")
            params.append(before_position)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        query = (f"SELECT a.position, a.recorded, a.effective, a.actor, a.role, a.kind, a.unit, "
                 f"a.year, a.section, a.indicator, a.target, a.summary, a.reason, a.effect, "
                 f"a.voided_by, v.recorded, v.effective, v.actor, v.reason "
                 f"FROM {TABLE} a LEFT JOIN {TABLE} v ON v.position = a.voided_by "
                 f"WHERE a.position IN (SELECT a.position FROM {TABLE} a {where} "
                 f"ORDER BY a.position DESC LIMIT %s) ORDER BY a.position DESC")
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


def create_text_index(conn: Any) -> tuple[str, dict[str, str]] | None:
    """Index the audit trail's free text by trigrams (pg_trgm, a GIN index), so that the
    text filter's `LIKE '%...%'` reads the rows holding the text instead of every row;
    the LIKE still decides, so the rows found are the same either way. Returns why the
    text is not (fully) indexed, or None. Without the extension the filter scans, as
    it did before the index existed. The reason is a message code of the catalogue
    (`domain.messages`) with its parameters."""
    from psycopg import Error

    try:
        # trusted since PostgreSQL 13: the database's owner may create it
        conn.execute(f"CREATE EXTENSION IF NOT EXISTS {TEXT_EXTENSION}")
    except Error as exc:
        detail = str(exc).strip().splitlines()[0]
        return "views.text_unindexed", {"extension": TEXT_EXTENSION, "detail": detail}
    columns = ", ".join(f"{c} gin_trgm_ops" for c in TEXT_COLUMNS)
    conn.execute("SET maintenance_work_mem = '256MB'")  # a build over existing rows, in memory
    conn.execute(f"CREATE INDEX IF NOT EXISTS {TEXT_INDEX} ON {TABLE} USING gin ({columns})")
    # a database whose LC_CTYPE is C takes only ASCII letters and digits for word characters:
    # Chinese text then gives no trigrams, and a search for it scans
    if not conn.execute("SELECT show_trgm('绩效台账') <> '{}'::text[]").fetchone()[0]:
        ctype = conn.execute("SELECT datctype FROM pg_database WHERE datname = current_database()").fetchone()[0]
        return "views.text_ascii_only", {"extension": TEXT_EXTENSION, "ctype": str(ctype)}
    return None
