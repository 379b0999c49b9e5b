"""`jixiao db migrate|status` and `jixiao migrate --from --to`: the store itself.

On PostgreSQL the ledger's tables (the library's events table, the hash chain, the
checkpoint and the audit trail) are made by `jixiao init` or `jixiao db migrate`, never
by opening the ledger, so a clerk's session never needs the right to create tables.
The schema's version is recorded in the ledger (`jixiao_schema`); `db migrate` applies
the numbered steps it is behind (`store.sqlite.schema`, `store.postgres.schema`) and
`db status` shows it.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import msgspec

from store import Location, create_view_tables, move, open_store, resolve_db, verify
from store import move_location as location
from tui.cli.common import lang_of, usage


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    db = sub.add_parser("db", parents=[common], help="the ledger's store: create tables, status")
    dsub = db.add_subparsers(dest="db_command", metavar="ACTION")
    p = dsub.add_parser("migrate", parents=[common],
                        help="create or bring up to date the ledger's tables (PostgreSQL or SQLite)")
    p.set_defaults(handler=db_migrate)
    p = dsub.add_parser("status", parents=[common], help="where the ledger is, its events and head")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=db_status)

    db.set_defaults(default_handler=usage(db))

    p = sub.add_parser("migrate", parents=[common],
                       help="move a ledger between SQLite and PostgreSQL, losslessly")
    p.add_argument("--from", dest="source", required=True, metavar="LEDGER",
                   help="sqlite:PATH (or a path) or postgresql://user@host:port/db")
    p.add_argument("--to", dest="target", required=True, metavar="LEDGER",
                   help="an empty ledger: sqlite:PATH or postgresql://user@host:port/db")
    p.add_argument("--quiet", action="store_true", help="no progress on standard error")
    p.set_defaults(handler=migrate_cmd)


def _lang(args: argparse.Namespace) -> str:

    return lang_of(args)


def prepare_views(db: str, lang: str = "zh") -> list[str]:
    """Create the read-model tables beside a PostgreSQL ledger (nothing to do for SQLite,
    whose read models are files made on first use); a warning in `lang` where the audit
    trail's text cannot be indexed."""
    if not Location.of(db).is_postgres:
        return []

    return create_view_tables(db, lang=lang)


def db_migrate(args: argparse.Namespace) -> int:

    db = resolve_db(getattr(args, "db", None))
    with open_store(db, create=True) as store:  # the pending steps, one process at a time
        version, _ = store.schema_version()
        applied = store.applied_steps()
        kind = store.kind
    created = prepare_views(db, _lang(args)) if kind == "postgres" else []
    steps = f" (steps applied: {', '.join(map(str, applied))})" if applied else ""
    print(f"{Location.of(db).safe}: schema version {version}{steps}; "
          + ("tables ready" if not created else "tables ready; created: " + ", ".join(created)))
    return 0


def db_status(args: argparse.Namespace) -> int:


    db = resolve_db(getattr(args, "db", None))
    with open_store(db, create=False) as store:
        status = verify(store)
        version, _ = store.schema_version()
        data = {"ledger": store.location, "store": "postgresql" if store.kind == "postgres" else "sqlite",
                "events": status.count, "head": status.head_line if status.ok else "",
                "verified": status.ok, "schema": version}
    if args.format == "json":
        print(msgspec.json.encode(data).decode())
    else:
        for key, value in data.items():
            print(f"{key:9} {value}")
    return 0 if status.ok else 1


def migrate_cmd(args: argparse.Namespace) -> int:

    started = time.monotonic()
    quiet = args.quiet or not sys.stderr.isatty()

    def progress(n: int) -> None:
        if not quiet:
            print(f"\r{n} …", end="", file=sys.stderr, flush=True)

    moved = move(args.source, args.target, progress=progress)
    prepare_views(location(args.target), _lang(args))
    if not quiet:
        print(file=sys.stderr)
    elapsed = time.monotonic() - started
    print(f"{moved.count} events moved to {location(args.target)} in {elapsed:.1f} s; "
          f"chain verified on arrival, head {moved.position}:{moved.digest}")
    return 0
