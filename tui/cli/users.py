"""`jixiao users ACTION`: the ledger's people, their roles and their SSH keys. Each
action's options are built from its schema (domain/command_schemas_people.py)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from domain import events as ev
from domain.command_schemas_people import PEOPLE_SCHEMAS
from domain.controls import shown
from tui.cli.common import actor_of, lang_of, open_ledger
from tui.cli.output import render_table, to_json
from tui.cli.schema_args import add_group, command_of


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    usub = add_group(sub, common, "users", "manage users, roles and keys", PEOPLE_SCHEMAS, _run)
    p = usub.add_parser("list", parents=[common], help="list users")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=_list)


def _done(event: ev.Event) -> str:
    """What the command did, in one line."""
    if isinstance(event, ev.RoleGranted):
        return f"granted {event.role_name} to {event.user}"
    if isinstance(event, ev.RoleRevoked):
        return f"revoked {event.role_name} from {event.user}"
    if isinstance(event, ev.KeyAdded):
        return f"key {event.fingerprint} added for {event.user}"
    if isinstance(event, ev.KeyRevoked):
        return f"key {event.fingerprint} of {event.user} revoked"
    if isinstance(event, ev.AccountBound):
        return f"account {event.account} bound to {event.user}"
    if isinstance(event, ev.AccountUnbound):
        return f"account {event.account} unbound from {event.user}"
    return event.kind


def _run(args: argparse.Namespace) -> int:
    command = command_of(args, lang_of(args))
    with open_ledger(args) as ledger:
        event = command.call(ledger, actor_of(args), source="cli")
    print(shown(f"user {args.user} registered" if command.kind == "users_add" else _done(event)))  # add: many events
    return 0


def _list(args: argparse.Namespace) -> int:
    with open_ledger(args) as ledger:
        users = ledger.directory().users.values()
    rows = [{"id": u.id, "name": u.name, "roles": u.roles, "section": u.section, "title": u.title,
             "keys": sorted(u.keys), "accounts": list(u.accounts)} for u in users]
    if args.format == "json":
        print(to_json(rows))
    else:
        sys.stdout.write(render_table(["id", "name", "roles", "section", "title", "keys", "accounts"],
                                      [[r["id"], r["name"], ",".join(r["roles"]), r["section"],
                                        r["title"], len(r["keys"]), ",".join(r["accounts"])] for r in rows],
                                      "table"))
    return 0
