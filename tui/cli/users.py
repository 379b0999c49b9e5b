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
from tui.i18n import kind_label, label, role_label


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    usub = add_group(sub, common, "users", "manage users, roles and keys", PEOPLE_SCHEMAS, _run)
    p = usub.add_parser("list", parents=[common], help="list users")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=_list)


def _done(event: ev.Event, lang: str) -> str:
    """What the command did, in one line of the user's language."""
    if isinstance(event, ev.RoleGranted | ev.RoleRevoked):
        key = "cli.role_granted" if isinstance(event, ev.RoleGranted) else "cli.role_revoked"
        return label(key, lang, user=event.user, role=role_label(event.role_name, lang))
    if isinstance(event, ev.KeyAdded | ev.KeyRevoked):
        key = "cli.key_added" if isinstance(event, ev.KeyAdded) else "cli.key_revoked"
        return label(key, lang, user=event.user, fingerprint=event.fingerprint)
    if isinstance(event, ev.AccountBound | ev.AccountUnbound):
        key = "cli.account_bound" if isinstance(event, ev.AccountBound) else "cli.account_unbound"
        return label(key, lang, user=event.user, account=event.account)
    return kind_label(event.kind, lang)


def _run(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    command = command_of(args, lang)
    with open_ledger(args) as ledger:
        event = command.call(ledger, actor_of(args), source="cli")
    added = command.kind == "users_add"  # add: many events
    print(shown(label("cli.user_added", lang, user=args.user) if added else _done(event, lang)))
    return 0


COLUMNS = ("id", "name", "roles", "section", "title", "keys", "accounts")


def _list(args: argparse.Namespace) -> int:
    with open_ledger(args) as ledger:
        users = ledger.directory().users.values()
    rows = [{"id": u.id, "name": u.name, "roles": u.roles, "section": u.section, "title": u.title,
             "keys": sorted(u.keys), "accounts": list(u.accounts)} for u in users]
    if args.format == "json":
        print(to_json(rows))
    else:
        lang = lang_of(args)
        sep = "、" if lang == "zh" else ", "
        sys.stdout.write(render_table([label(f"users.{c}", lang) for c in COLUMNS],
                                      [[r["id"], r["name"], sep.join(role_label(x, lang) for x in r["roles"]),
                                        r["section"],
                                        r["title"], len(r["keys"]), ",".join(r["accounts"])] for r in rows],
                                      "table"))
    return 0
