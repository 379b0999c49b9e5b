"""`jixiao init|record|users|log|export|import`: the ledger from the command line."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

import msgspec

from domain.access_accounts import bind_creator
from domain.codec import decode_event
from domain.command_schemas import SCHEMAS, Assign
from domain.controls import shown
from domain.errors import JixiaoError
from domain.localtime import local_text
from domain.plan_io import bundled_plan, load_plan
from domain.rules import check
from tui.cli.common import DEFAULT_ACTOR, actor_of, destination_of, lang_of, open_ledger, os_account, positive, usage
from tui.cli.db import prepare_views
from tui.cli.output import render_table, to_json
from tui.cli.schema_args import add_command, run_command
from tui.cli.transfer import export, import_cmd


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("init", parents=[common], help="create the ledger and load a plan")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--example", action="store_true", help="load the bundled 2021 plan (default)")
    group.add_argument("--plan", help="load this .toml or .xlsx plan")
    p.add_argument("--replace", action="store_true", help="replace the plan already loaded for that unit and year")
    p.set_defaults(handler=init)

    _register_record(sub, common)

    p = sub.add_parser("log", parents=[common], help="list raw events with their global position")
    p.add_argument("--limit", type=positive, default=50)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=log)

    p = sub.add_parser("export", parents=[common], help="write every event as JSON lines")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.add_argument("--force", action="store_true", help="overwrite the -o file if it exists")
    p.set_defaults(handler=export)

    p = sub.add_parser("import", parents=[common], help="load an export into an empty ledger")
    p.add_argument("file")
    p.add_argument("--unverified", action="store_true",
                   help="skip checking digests, actors' rights and seals (recorded in the log)")
    p.set_defaults(handler=import_cmd)


def _say(text: str) -> None:
    print(shown(text))


def init(args: argparse.Namespace) -> int:
    plan = load_plan(args.plan) if args.plan else bundled_plan()

    problems = check(plan)  # before the ledger is made: a refused plan leaves no ledger behind
    if problems:
        raise JixiaoError(*problems)
    with open_ledger(args, create=True) as ledger:

        prepare_views(ledger.db, lang_of(args))  # on PostgreSQL: the read models' tables beside the events
        # a new ledger is created by its admin; loading into one in use is a command
        new = not ledger.max_position()
        actor = DEFAULT_ACTOR if new else actor_of(args)
        events = ledger.bootstrap(plan, actor=actor, replace=args.replace)
        bound = new and bind_creator(ledger, os_account())  # the creator's account acts as the admin
        if events:
            _say(f"{ledger.db}: {plan.unit} {plan.year} · {len(events)} events recorded")
        else:
            _say(f"{ledger.db}: {plan.unit} {plan.year} already loaded; nothing to do")
        if bound:
            _say(f"account {os_account()} bound to {DEFAULT_ACTOR}")
    return 0


# -- record ---------------------------------------------------------------------------
def _register_record(sub: Any, common: argparse.ArgumentParser) -> None:
    """`jixiao record KIND`: one command per schema binding, its options built from the schema."""
    record = sub.add_parser("record", parents=[common], help="record an event")
    rsub = record.add_subparsers(dest="kind", metavar="KIND")
    record.set_defaults(default_handler=usage(record))
    for schema in (Assign, *(s for s in SCHEMAS if s is not Assign)):  # assignment comes first
        for binding in schema.cli:
            add_command(rsub, common, schema, binding, _record)


def _record(args: argparse.Namespace) -> int:
    # an evidence file is read through the export guard: never one of the ledger's own files
    return run_command(args, evidence_path=destination_of(args).source_of)


# -- log, export, import -----------------------------------------------------------------
def log(args: argparse.Namespace) -> int:
    with open_ledger(args) as ledger:
        top = ledger.max_position()
        start = max(top - max(args.limit, 1) + 1, 1)
        rows = ledger.app.recorder.select_notifications(start=start, limit=args.limit)
    entries = []
    for row in rows:
        event = decode_event(row.topic, row.state)
        payload = msgspec.to_builtins(event)
        entries.append({
            "position": row.id, "originator_id": str(row.originator_id),
            "version": row.originator_version, "topic": row.topic, "kind": event.kind,
            "recorded": payload.pop("timestamp"), "effective": payload.pop("effective"),
            "actor": payload.pop("actor"), "role": payload.pop("role"),
            "reason": payload.pop("reason", ""), "source": payload.pop("source", ""),
            "payload": {k: v for k, v in payload.items() if k not in ("originator_id", "originator_version")},
        })
    if args.format == "json":
        print(to_json(entries))  # JSON keeps the exact text
        return 0
    table = [[e["position"], local_text(dt.datetime.fromisoformat(e["recorded"])), e["effective"], e["actor"],
              e["role"], e["kind"], _short(e["payload"]), e["reason"][:30]] for e in entries]
    sys.stdout.write(render_table(["#", "recorded", "effective", "actor", "role", "kind",
                                   "payload", "reason"], table, "table"))
    return 0


def _short(payload: dict[str, Any]) -> str:
    text = " ".join(", ".join(f"{k}={v}" for k, v in payload.items()
                              if k != "plan" and v not in ("", [], None)).split())  # on one line
    if "plan" in payload:
        text = f"plan={payload['plan']['unit']} {payload['plan']['year']}"
    return text if len(text) <= 60 else text[:59] + "…"
