"""The read models of a PostgreSQL ledger, kept in its own database beside the events.

On SQLite the checkpoint is a file beside the ledger file and the audit trail is in it; on
PostgreSQL they are tables in the ledger's database, shared by every process that opens
it (the command line, each clerk's terminal UI):

- `jixiao_checkpoint`: the year fold's state with its header (`store.postgres.checkpoint`);
- `jixiao_audit` and `jixiao_audit_owner`: the audit trail, written with each event
  (`store.postgres.audit_table`, made by the schema's steps too), its free text indexed
  by trigrams (`jixiao_audit_text`, a GIN index of the pg_trgm extension) where the
  extension can be had.

Like the library's own tables they are created by `jixiao init` or `jixiao db migrate`
(`create_view_tables`), never by opening the ledger.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable

from domain.messages import render
from store.app import pg_connect
from store.postgres import audit
from store.postgres.checkpoint import CHECKPOINT_TABLE
from store.postgres.checkpoint import CREATE as CREATE_CHECKPOINT

VIEW_TABLES = (CHECKPOINT_TABLE, *audit.TABLES)  # the audit's: made by the schema's step 3 too


def create_view_tables(db: str, *, warn: Callable[[str], None] | None = None, lang: str = "zh") -> list[str]:
    """Create (or bring up to date) the read-model tables of a PostgreSQL ledger; returns
    the ones that were missing. Where the audit trail's text cannot be indexed the tables
    are made all the same and `warn` (standard error by default) is told why, in `lang`."""
    with contextlib.closing(pg_connect(db)) as conn:
        missing = [t for t in VIEW_TABLES
                   if conn.execute("SELECT to_regclass(%s) IS NULL", (t,)).fetchone()[0]]
        conn.execute(CREATE_CHECKPOINT)
    audit.PostgresAuditIndex(db, create=True).close()
    with contextlib.closing(pg_connect(db)) as conn:
        problem = audit.create_text_index(conn)
    if problem:
        code, params = problem
        (warn or _stderr)(render(code, lang, **params))
    return missing


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)
