"""`jixiao init|record|users|log|export|import`: the ledger from the command line."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.persistence import IntegrityError, StoredEvent

from domain.access_accounts import bind_creator
from domain.codec import decode_event
from domain.command_schemas import SCHEMAS, Assign
from domain.controls import shown
from domain.errors import JixiaoError, fail
from domain.plan_io import bundled_plan, load_plan
from domain.rules import check
from tui.cli.common import DEFAULT_ACTOR, actor_of, destination_of, lang_of, open_ledger, os_account, positive, usage
from tui.cli.db import prepare_views
from tui.cli.demo import StderrBar
from tui.cli.output import render_table, to_json
from tui.cli.schema_args import add_command, run_command
from tui.i18n import label


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
    return run_command(args)


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
    table = [[e["position"], e["recorded"][:19], e["effective"], e["actor"], e["role"], e["kind"],
              _short(e["payload"]), e["reason"][:30]] for e in entries]
    sys.stdout.write(render_table(["#", "recorded (UTC)", "effective", "actor", "role", "kind",
                                   "payload", "reason"], table, "table"))
    return 0


def _short(payload: dict[str, Any]) -> str:
    text = " ".join(", ".join(f"{k}={v}" for k, v in payload.items()
                              if k != "plan" and v not in ("", [], None)).split())  # on one line
    if "plan" in payload:
        text = f"plan={payload['plan']['unit']} {payload['plan']['year']}"
    return text if len(text) <= 60 else text[:59] + "…"


class ExportedEvent(msgspec.Struct, array_like=False):
    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: msgspec.Raw


def export(args: argparse.Namespace) -> int:
    encoder = msgspec.json.Encoder()
    with open_ledger(args) as ledger, contextlib.ExitStack() as stack:
        out = stack.enter_context(destination_of(args).open(args.output)) if args.output else sys.stdout.buffer
        bar = stack.enter_context(StderrBar(label("progress.events", lang_of(args)), quiet=not args.output))
        total = ledger.max_position()
        try:
            start = 1
            while True:
                rows = ledger.app.recorder.select_notifications(start=start, limit=1000)
                if not rows:
                    break
                if bar is not None:
                    bar(rows[-1].id, total)
                for row in rows:
                    out.write(encoder.encode(ExportedEvent(
                        position=row.id, originator_id=str(row.originator_id),
                        originator_version=row.originator_version, topic=row.topic,
                        state=msgspec.Raw(row.state))) + b"\n")
                start = rows[-1].id + 1
        except OSError as exc:
            raise fail("file.unwritable", where=args.output or "-", detail=exc) from None
        finally:
            if not args.output:
                out.flush()
    return 0


def import_cmd(args: argparse.Namespace) -> int:
    """Load an export into an empty ledger; any bad line refuses the whole file."""
    try:
        lines = Path(args.file).read_bytes().splitlines()
    except OSError as exc:
        raise fail("file.unreadable", where=args.file, detail=exc) from None
    stored = _read_export(lines, args.file)
    with open_ledger(args, create=True) as ledger:
        if ledger.max_position():
            raise fail("import.not_empty", where=ledger.db)

        prepare_views(ledger.db, lang_of(args))
        try:
            ledger.app.recorder.insert_events(stored)
        except IntegrityError:  # another writer got there first
            raise fail("import.not_empty", where=ledger.db) from None
        _say(f"{len(stored)} events imported into {ledger.db}")
    return 0


def _read_export(lines: list[bytes], where: str) -> list[StoredEvent]:
    """The stored events of an export, checked line by line: each decodes, agrees with its
    own payload, follows the previous position, and continues its aggregate's versions."""

    decoder = msgspec.json.Decoder(ExportedEvent)
    stored: list[StoredEvent] = []
    versions: dict[UUID, int] = {}
    position = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = decoder.decode(line)
            originator = UUID(item.originator_id)
            event = decode_event(item.topic, bytes(item.state))
        except (msgspec.DecodeError, msgspec.ValidationError, ValueError) as exc:
            raise fail("import.line", where=where, line=number, detail=exc) from None
        except JixiaoError as exc:
            raise fail("import.line", where=where, line=number, detail=exc.message("en")) from None
        if event.originator_id != originator or event.originator_version != item.originator_version:
            raise fail("import.mismatch", where=where, line=number)
        expected = versions.get(originator, 0) + 1
        if item.originator_version != expected:
            raise fail("import.sequence", where=where, line=number, originator=originator,
                       version=item.originator_version, expected=expected)
        if item.position <= position:
            raise fail("import.position", where=where, line=number, position=item.position,
                       previous=position)
        versions[originator] = expected
        position = item.position
        stored.append(StoredEvent(originator_id=originator,
                                  originator_version=item.originator_version,
                                  topic=item.topic, state=bytes(item.state)))
    return stored
