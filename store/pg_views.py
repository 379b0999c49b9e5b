"""The read models of a PostgreSQL ledger, kept in its own database beside the events.

On SQLite the checkpoint and the audit trail are files beside the ledger file; on
PostgreSQL they are tables in the ledger's database, shared by every process that opens
it (the command line, each clerk's terminal UI):

- `jixiao_checkpoint`: the year fold's state with its header (see `projections.checkpoint`);
- `jixiao_audit` and `jixiao_audit_meta`: the audit trail (see `projections.audit`), its
  free text indexed by trigrams (`jixiao_audit_text`, a GIN index of the pg_trgm
  extension) where the extension can be had.

Like the library's own tables they are created by `jixiao init` or `jixiao db migrate`
(`create_view_tables`), never by opening the ledger. The audit trail speaks SQLite's SQL;
`AuditConnection` runs the handful of statements it uses on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

from domain.errors import fail
from store.app import pg_connect

CHECKPOINT_TABLE = "jixiao_checkpoint"
CHECKPOINT_NAME = "year"
VIEW_TABLES = (CHECKPOINT_TABLE, "jixiao_audit", "jixiao_audit_meta")
TEXT_EXTENSION = "pg_trgm"
TEXT_INDEX = "jixiao_audit_text"  # the name the SQLite file's trigram index has too
TEXT_INDEX_COLUMNS = ("summary", "reason", "actor", "target")  # as `projections.audit.TEXT_COLUMNS`
_ddl = threading.local()  # set while `create_view_tables` runs: DDL allowed on this thread


@contextlib.contextmanager
def allow_ddl() -> Iterator[None]:
    before = getattr(_ddl, "on", False)
    _ddl.on = True
    try:
        yield
    finally:
        _ddl.on = before


def create_view_tables(db: str, *, warn: Callable[[str], None] | None = None, lang: str = "zh") -> list[str]:
    """Create (or bring up to date) the read-model tables of a PostgreSQL ledger; returns
    the ones that were missing. Where the audit trail's text cannot be indexed the tables
    are made all the same and `warn` (standard error by default) is told why, in `lang`."""
    from domain.messages import render
    from projections.audit import AuditTrail

    with contextlib.closing(pg_connect(db)) as conn:
        missing = [t for t in VIEW_TABLES
                   if conn.execute("SELECT to_regclass(%s) IS NULL", (t,)).fetchone()[0]]
        conn.execute(f"CREATE TABLE IF NOT EXISTS {CHECKPOINT_TABLE} ("
                     "name text PRIMARY KEY, header bytea NOT NULL, state bytea NOT NULL, "
                     "saved timestamptz NOT NULL DEFAULT now())")
    with allow_ddl():
        AuditTrail(db).close()
    with contextlib.closing(pg_connect(db)) as conn:
        problem = create_text_index(conn)
    if problem:
        code, params = problem
        (warn or _stderr)(render(code, lang, **params))
    return missing


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


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
    columns = ", ".join(f"{c} gin_trgm_ops" for c in TEXT_INDEX_COLUMNS)
    conn.execute("SET maintenance_work_mem = '256MB'")  # a build over existing rows, in memory
    conn.execute(f"CREATE INDEX IF NOT EXISTS {TEXT_INDEX} ON jixiao_audit USING gin ({columns})")
    # a database whose LC_CTYPE is C takes only ASCII letters and digits for word characters:
    # Chinese text then gives no trigrams, and a search for it scans
    if not conn.execute("SELECT show_trgm('绩效台账') <> '{}'::text[]").fetchone()[0]:
        ctype = conn.execute("SELECT datctype FROM pg_database WHERE datname = current_database()").fetchone()[0]
        return "views.text_ascii_only", {"extension": TEXT_EXTENSION, "ctype": str(ctype)}
    return None


# -- checkpoint ----------------------------------------------------------------------------
def save_checkpoint(app: Any, header: bytes, state: bytes) -> bool:
    """Store the checkpoint; False (nothing stored) where the table was never created."""
    from eventsourcing.persistence import ProgrammingError

    try:
        with app.recorder.datastore.get_connection() as conn:
            conn.execute(f"INSERT INTO {CHECKPOINT_TABLE} (name, header, state) VALUES (%s, %s, %s) "
                         "ON CONFLICT (name) DO UPDATE SET header = EXCLUDED.header, "
                         "state = EXCLUDED.state, saved = now()", (CHECKPOINT_NAME, header, state))
    except ProgrammingError:  # no table: `jixiao db migrate` makes it
        return False
    return True


def checkpoint_header(app: Any) -> bytes | None:
    return _checkpoint_column(app, "header")


def checkpoint_state(app: Any) -> bytes | None:
    return _checkpoint_column(app, "state")


def _checkpoint_column(app: Any, column: str) -> bytes | None:
    from eventsourcing.persistence import ProgrammingError

    try:
        with app.recorder.datastore.get_connection() as conn:
            row = conn.execute(f"SELECT {column} FROM {CHECKPOINT_TABLE} WHERE name = %s",
                               (CHECKPOINT_NAME,)).fetchone()
    except ProgrammingError:
        return None
    return bytes(row[column]) if row else None


# -- the audit trail's connection ----------------------------------------------------------
_CREATE = re.compile(r"^\s*CREATE\s+(TABLE|INDEX)\s+IF\s+NOT\s+EXISTS\s+(\w+)", re.I)
_DROP = re.compile(r"^\s*DROP\s+(TABLE|INDEX)\s+IF\s+EXISTS\s+(\w+)", re.I)
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\s+(.*)$", re.I | re.S)
_OR_REPLACE = re.compile(r"^\s*INSERT\s+OR\s+REPLACE\s+INTO\s+(\w+)\s+(.*)$", re.I | re.S)
_KEYS = {"jixiao_audit_meta": "key"}


class _Nothing:
    """The result of a statement PostgreSQL does not need (a SQLite PRAGMA)."""

    def fetchone(self) -> None:
        return None

    def fetchall(self) -> list[Any]:
        return []


class AuditConnection:
    """A psycopg connection that runs the audit trail's SQLite statements on PostgreSQL.

    Placeholders become psycopg's; `INSERT OR IGNORE/REPLACE` become `ON CONFLICT`;
    `BEGIN IMMEDIATE` takes a lock on the meta table, so refreshes by several processes
    are serialised as SQLite's write lock serialises them; PRAGMAs are skipped. Outside
    `create_view_tables` no table is created or dropped: a missing or outdated table is
    reported with the command that makes it.
    """

    def __init__(self, db: str) -> None:
        self.db = db
        self.conn = pg_connect(db)
        # a page's best plan depends on its values (a text in three rows or in half of them,
        # a day or a year): plan every statement for its own, never a prepared statement's
        # generic plan, which reads a rare text newest first through the whole table
        self.conn.execute("SET plan_cache_mode = force_custom_plan")
        self._cache: dict[str, list[str]] = {}

    def close(self) -> None:
        self.conn.close()

    def execute(self, sql: str, params: Any = ()) -> Any:
        result: Any = _Nothing()
        for statement in self._statements(sql):
            result = self.conn.execute(statement, self._params(statement, params))
        return result

    def executemany(self, sql: str, rows: Any) -> None:
        (statement,) = self._statements(sql)
        with self.conn.cursor() as cursor:
            cursor.executemany(statement, [self._params(statement, r) for r in rows])

    @staticmethod
    def _params(statement: str, params: Any) -> list[Any]:
        params = list(params or ())
        if "jixiao_audit_meta" in statement and statement.lstrip().upper().startswith("INSERT"):
            params = [p.encode() if isinstance(p, str) else p for p in params]  # value is bytea
        return params

    def _statements(self, sql: str) -> list[str]:
        done = self._cache.get(sql)
        if done is not None and not _CREATE.match(sql) and not _DROP.match(sql):
            return done
        statements = self._translate(sql)
        self._cache[sql] = statements
        return statements

    def _exists(self, name: str) -> bool:
        return bool(self.conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0])

    def _translate(self, sql: str) -> list[str]:
        text = sql.strip()
        upper = text.upper()
        if upper.startswith("PRAGMA"):
            return []
        ddl = getattr(_ddl, "on", False)
        created = _CREATE.match(text)
        if created:
            kind, name = created.group(1).upper(), created.group(2)
            if not ddl:
                if self._exists(name) or kind == "INDEX":
                    return []  # an index missing only costs speed
                raise fail("store.no_tables", where=self.db, tables=name)
            text = re.sub(r"\bINTEGER\b", "BIGINT", text)
            text = re.sub(r"\bBLOB\b", "BYTEA", text)
            return [text]
        dropped = _DROP.match(text)
        if dropped:
            if ddl:
                return [text]
            if dropped.group(1).upper() == "INDEX":
                return []  # kept: a bulk build just takes a little longer with them
            raise fail("store.views_old", where=self.db, tables=dropped.group(2))
        if upper == "BEGIN IMMEDIATE":
            return ["BEGIN", "LOCK TABLE jixiao_audit_meta IN SHARE ROW EXCLUSIVE MODE"]
        text = text.replace("%", "%%").replace("?", "%s")
        ignore = _OR_IGNORE.match(text)
        if ignore:
            return [f"INSERT INTO {ignore.group(1)} ON CONFLICT DO NOTHING"]
        replace = _OR_REPLACE.match(text)
        if replace:
            table, rest = replace.group(1), replace.group(2)
            key = _KEYS.get(table)
            if key is None:
                raise ValueError(f"no conflict key known for {table}")
            return [f"INSERT INTO {table} {rest} ON CONFLICT ({key}) DO UPDATE SET value = EXCLUDED.value"]
        return [text]


# -- reading the log -----------------------------------------------------------------------
PAGE = 5000


def read_rows(app: Any, after: int = 0, stop: int | None = None) -> Iterator[list[tuple[int, str, str, bytes]]]:
    """The stored rows after `after` (up to `stop`), a page at a time, as the SQLite reader
    gives them: (position, originator id as 32 hex digits, topic, payload). One indexed
    query per page over the library's table, binary rows: no objects made per row but
    the tuple (the library's `select_notifications` makes a dict, a UUID and a
    notification for each)."""
    from psycopg.rows import tuple_row
    from psycopg.sql import SQL, Identifier

    recorder = app.recorder
    table = SQL("{}.{}").format(Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
    query = SQL("SELECT notification_id, replace(originator_id::text, '-', ''), topic, state FROM {} "
                "WHERE notification_id > %s" + (" AND notification_id <= %s" if stop is not None else "")
                + " ORDER BY notification_id LIMIT %s").format(table)
    with recorder.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row, binary=True) as cursor:
        while True:
            params = (after, stop, PAGE) if stop is not None else (after, PAGE)
            cursor.execute(query, params, prepare=True)
            rows = cursor.fetchall()
            if not rows:
                return
            yield rows
            if len(rows) < PAGE:
                return
            after = rows[-1][0]
