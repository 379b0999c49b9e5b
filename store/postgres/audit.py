"""The audit table of a PostgreSQL ledger: `jixiao_audit` and `jixiao_audit_meta` in its
own database, shared by every process that opens it.

The tables are made by `jixiao init` / `jixiao db migrate` (`create=True`, see
`store.postgres.views`), never by opening the ledger: a clerk's role may not run DDL,
so a missing or outdated table is reported with the command that makes it. A write
transaction locks the meta table, so refreshes by several processes take turns as
SQLite's write lock makes them. The free text is indexed by trigrams (pg_trgm, a GIN
index, `create_text_index`), which the planner uses by itself for a search of three
or more characters; the LIKE still decides which rows match.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from domain.audit_query import TEXT_COLUMNS, AuditFilter, conditions
from domain.errors import fail
from domain.ports import AuditRecord, StoredAuditRow
from store.app import pg_connect

AUDIT_VERSION = 1
TABLE = "jixiao_audit"
META = "jixiao_audit_meta"
TABLES = (TABLE, META)
TEXT_EXTENSION = "pg_trgm"
TEXT_INDEX = "jixiao_audit_text"  # the name the SQLite file's trigram index has too
INDEXED = ("actor", "kind", "section", "indicator", "effective", "recorded")
_ESCAPE = " ESCAPE '\\'"


class PostgresAuditIndex:
    """The audit tables of the PostgreSQL ledger at `db` (see `domain.ports.AuditIndex`)."""

    def __init__(self, db: str, *, create: bool = False) -> None:
        self.location = db
        self.conn = pg_connect(db)
        try:
            # a page's best plan depends on its values (a text in three rows or in half of them,
            # a day or a year): plan every statement for its own, never a prepared statement's
            # generic plan, which reads a rare text newest first through the whole table
            self.conn.execute("SET plan_cache_mode = force_custom_plan")
            self._schema(create)
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    # -- schema ------------------------------------------------------------------------
    def _exists(self, name: str) -> bool:
        return bool(self.conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0])

    def _schema(self, create: bool) -> None:
        c = self.conn
        if create:
            c.execute(f"CREATE TABLE IF NOT EXISTS {META} (key TEXT PRIMARY KEY, value BYTEA)")
        elif not self._exists(META):
            raise fail("store.no_tables", where=self.location, tables=META)
        row = c.execute(f"SELECT value FROM {META} WHERE key = 'version'").fetchone()
        if row is not None and int(bytes(row[0])) != AUDIT_VERSION:
            if not create:
                raise fail("store.views_old", where=self.location, tables=TABLE)
            c.execute(f"DROP TABLE IF EXISTS {TABLE}")
            c.execute(f"DELETE FROM {META}")
        if create:
            c.execute(f"""CREATE TABLE IF NOT EXISTS {TABLE} (
                position BIGINT PRIMARY KEY, recorded TEXT NOT NULL, effective TEXT NOT NULL,
                actor TEXT NOT NULL, role TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT NOT NULL,
                year BIGINT, section TEXT NOT NULL, indicator TEXT NOT NULL, target TEXT NOT NULL,
                summary TEXT NOT NULL, reason TEXT NOT NULL, effect TEXT, agg BIGINT NOT NULL,
                version BIGINT NOT NULL, voided_by BIGINT)""")
            for col in INDEXED:
                c.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_{col} ON {TABLE}({col}, position)")
            c.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_agg ON {TABLE}(agg, version)")
        elif not self._exists(TABLE):
            raise fail("store.no_tables", where=self.location, tables=TABLE)
        if row is None or create:
            c.execute(f"INSERT INTO {META} VALUES ('version', %s) ON CONFLICT DO NOTHING",
                      (str(AUDIT_VERSION).encode(),))

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """The indexes stay (dropping them is DDL): a first build just takes a little longer."""
        yield

    # -- state and writing -------------------------------------------------------------
    def state(self) -> bytes | None:
        row = self.conn.execute(f"SELECT value FROM {META} WHERE key = 'state'").fetchone()
        return None if row is None else bytes(row[0])

    def reset(self) -> None:
        with self.conn.transaction():
            self.conn.execute(f"DELETE FROM {TABLE}")
            self.conn.execute(f"DELETE FROM {META} WHERE key IN ('state', 'position')")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[_Writer]:
        with self.conn.transaction():
            self.conn.execute(f"LOCK TABLE {META} IN SHARE ROW EXCLUSIVE MODE")
            yield _Writer(self)

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


class _Writer:
    """The statements of one write transaction (see `domain.ports.AuditWriter`)."""

    def __init__(self, index: PostgresAuditIndex) -> None:
        self.conn = index.conn
        self.index = index

    def position(self) -> int:
        row = self.conn.execute(f"SELECT value FROM {META} WHERE key = 'position'").fetchone()
        return int(bytes(row[0])) if row else 0

    def state(self) -> bytes | None:
        return self.index.state()

    def insert(self, records: Sequence[AuditRecord]) -> None:
        marks = ",".join(["%s"] * 16)
        with self.conn.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {TABLE} VALUES ({marks}, NULL)", records)

    def void(self, agg: int, version: int, by: int) -> tuple[str | None, str] | None:
        self.conn.execute(f"UPDATE {TABLE} SET voided_by = %s WHERE agg = %s AND version = %s", (by, agg, version))
        row = self.conn.execute(f"SELECT effect, kind FROM {TABLE} WHERE agg = %s AND version = %s",
                                (agg, version)).fetchone()
        return None if row is None else (row[0], row[1])

    def effect_of(self, agg: int, version: int) -> str | None:
        row = self.conn.execute(f"SELECT effect FROM {TABLE} WHERE agg = %s AND version = %s",
                                (agg, version)).fetchone()
        return None if row is None else row[0]

    def set_effect(self, position: int, effect: str) -> None:
        self.conn.execute(f"UPDATE {TABLE} SET effect = %s WHERE position = %s", (effect, position))

    def save(self, position: int, state: bytes) -> None:
        upsert = f"INSERT INTO {META} VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
        self.conn.execute(upsert, ("state", state))
        self.conn.execute(upsert, ("position", str(position).encode()))


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
