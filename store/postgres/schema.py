"""The schema of a PostgreSQL ledger, as numbered steps with the version recorded in the
database.

`jixiao_schema` holds one row per step applied (its number and when). The steps:

1. the library's tables, types and function (eventsourcing's PostgreSQL application
   recorder runs its own statements);
2. the hash chain's table beside the events (`jixiao_chain`);
3. the audit trail's tables (`store.postgres.audit_table`), written from then on with
   each event; the events stored before are indexed in bulk, once (an audit table of an
   earlier release, folded apart from the writes, is dropped first).
4. the evidence files (`jixiao_evidence`: one row per distinct file, by SHA-256 digest).

The checkpoint's table and the audit text's trigram index are made beside them by
`jixiao init` and `jixiao db migrate` through `store.postgres.views`.

Only `jixiao init` and `jixiao db migrate` apply steps: a clerk's session has no right to
create tables, so opening a ledger that is behind refuses with the command that upgrades
it. A ledger made before versions were recorded is recognised by its tables (events and
chain: step 2) and is opened as such; `jixiao db migrate` stamps it. Steps run one process
at a time, under an advisory lock: concurrent CREATE ... IF NOT EXISTS / OR REPLACE race
in PostgreSQL's catalogue ("tuple concurrently updated").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psycopg.sql import SQL, Identifier

from domain.errors import fail
from store.postgres import audit_table
from store.progress import terminal_bar

SCHEMA_TABLE = "jixiao_schema"
DDL_LOCK = 0x6A69_7869_616F  # "jixiao": the advisory lock key serialising table creation


def _library_tables(recorder: Any) -> None:
    recorder.create_library_tables()


def _chain_table(recorder: Any) -> None:
    with recorder.datastore.transaction(commit=True) as curs:
        curs.execute(recorder.create_chain_table)


def _audit_table(recorder: Any) -> None:
    with recorder.datastore.get_connection() as conn:
        table = f"{recorder.datastore.schema}.{recorder.events_table_name}"
        audit_table.index_all(conn, table, terminal_bar())




def _evidence_table(recorder: Any) -> None:
    with recorder.datastore.transaction(commit=True) as curs:
        curs.execute(recorder.create_evidence_table)


STEPS: dict[int, Callable[[Any], None]] = {1: _library_tables, 2: _chain_table, 3: _audit_table, 4: _evidence_table}
VERSION = max(STEPS)  # the version this code writes


def _names(recorder: Any) -> list[str]:
    schema = recorder.datastore.schema
    return [f"{schema}.{SCHEMA_TABLE}", f"{schema}.{recorder.events_table_name}",
            f"{schema}.{recorder.chain_table}"]


def _found(conn: Any, recorder: Any) -> tuple[int | None, int]:
    """(the version recorded, None if there is no schema table; the one told by the tables)."""
    names = _names(recorder)
    row = conn.execute("SELECT " + ", ".join(f"to_regclass(%s) IS NOT NULL AS t{i}" for i in range(3)),
                       names).fetchone()
    has_schema, has_events, has_chain = row["t0"], row["t1"], row["t2"]
    by_tables = 2 if has_events and has_chain else 1 if has_events else 0
    if not has_schema:
        return None, by_tables
    table = SQL("{}.{}").format(Identifier(recorder.datastore.schema), Identifier(SCHEMA_TABLE))
    stamped = conn.execute(SQL("SELECT coalesce(max(version), 0) AS v FROM {}").format(table)).fetchone()
    return int(stamped["v"]), by_tables


def version(recorder: Any) -> int:
    """The version the ledger is at: recorded, else told by its tables (0: none yet)."""
    with recorder.datastore.get_connection() as conn:
        stamped, by_tables = _found(conn, recorder)
    return by_tables if stamped is None else stamped


def missing(recorder: Any) -> list[str]:
    """The ledger's tables (events and chain) not yet created in its database."""
    names = _names(recorder)[1:]
    with recorder.datastore.get_connection() as conn:
        row = conn.execute("SELECT " + ", ".join(f"to_regclass(%s) IS NOT NULL AS t{i}" for i in range(2)),
                           names).fetchone()
    return [name for i, name in enumerate(names) if not row[f"t{i}"]]


def require_current(recorder: Any, where: str) -> None:
    """Refuse a ledger this code cannot write: no tables, behind, or of a newer release."""
    at = version(recorder)
    if at == VERSION:
        return
    if at == 0 or missing(recorder):
        raise fail("store.no_tables", where=where, tables=", ".join(missing(recorder)))
    if at < VERSION:
        raise fail("store.schema_old", where=where, version=at, known=VERSION)
    raise fail("store.schema_new", where=where, version=at, known=VERSION)


def migrate(recorder: Any) -> list[int]:
    """Apply the pending steps and record each; the steps applied (a ledger of an earlier
    release is first stamped with the version its tables tell)."""
    schema = recorder.datastore.schema
    table = SQL("{}.{}").format(Identifier(schema), Identifier(SCHEMA_TABLE))
    applied: list[int] = []
    with recorder.datastore.get_connection() as conn:  # autocommit: each statement commits
        conn.execute("SELECT pg_advisory_lock(%s)", (DDL_LOCK,))
        try:
            stamped, by_tables = _found(conn, recorder)
            if stamped == VERSION:
                return []
            at = by_tables if stamped is None else stamped
            if at > VERSION:
                raise fail("store.schema_new", where=schema, version=at, known=VERSION)
            conn.execute(SQL("CREATE TABLE IF NOT EXISTS {} (version integer PRIMARY KEY, "
                             "applied timestamptz NOT NULL DEFAULT now())").format(table))
            if stamped is None and at:
                conn.execute(SQL("INSERT INTO {} (version) VALUES (%s) ON CONFLICT DO NOTHING").format(table), (at,))
            for step in range(at + 1, VERSION + 1):
                STEPS[step](recorder)
                conn.execute(SQL("INSERT INTO {} (version) VALUES (%s) ON CONFLICT DO NOTHING").format(table),
                             (step,))
                applied.append(step)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (DDL_LOCK,))
    return applied
