"""psycopg connections to a ledger's database, for what sits beside the library's tables
(read models, checkpoints, moving a ledger)."""

from __future__ import annotations

from typing import Any

from domain.errors import fail
from store.location import Location, safe


def pg_connect_args(db: str) -> dict[str, Any]:
    """psycopg connection arguments for a postgresql:// ledger (password as for the store)."""
    env = Location.of(db).env()
    return {"host": env["POSTGRES_HOST"], "port": int(env["POSTGRES_PORT"]),
            "user": env["POSTGRES_USER"], "password": env["POSTGRES_PASSWORD"],
            "dbname": env["POSTGRES_DBNAME"], "connect_timeout": 30}


def pg_connect(db: str, *, autocommit: bool = True) -> Any:
    """A psycopg connection to a ledger's database."""
    import psycopg

    Location.of(db).refuse_password()
    try:
        return psycopg.connect(autocommit=autocommit, **pg_connect_args(db))
    except psycopg.Error as exc:
        raise fail("store.unopenable", where=safe(db), detail=safe(str(exc))) from None
