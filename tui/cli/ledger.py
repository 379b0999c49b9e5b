"""`jixiao init|record|users|log|export|import`: the ledger from the command line."""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import Any

import msgspec
from eventsourcing.persistence import IntegrityError, StoredEvent

from domain import events as ev
from domain.codec import decode_event
from domain.commands import Ledger
from domain.errors import JixiaoError, fail
from domain.plan_io import bundled_plan, load_plan
from domain.validate import parse_date
from tui.cli.common import DEFAULT_ACTOR, actor_of, open_ledger, positive, usage
from tui.cli.output import render_table, to_json


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("init", parents=[common], help="create the ledger and load a plan")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--example", action="store_true", help="load the bundled 2021 plan (default)")
    group.add_argument("--plan", help="load this .toml or .xlsx plan")
    p.add_argument("--replace", action="store_true", help="replace the plan already loaded for that unit and year")
    p.set_defaults(handler=init)

    _register_record(sub, common)
    _register_users(sub, common)

    p = sub.add_parser("log", parents=[common], help="list raw events with their global position")
    p.add_argument("--limit", type=positive, default=50)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=log)

    p = sub.add_parser("export", parents=[common], help="write every event as JSON lines")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(handler=export)

    p = sub.add_parser("import", parents=[common], help="load an export into an empty ledger")
    p.add_argument("file")
    p.set_defaults(handler=import_cmd)


def _say(text: str) -> None:
    print(text)


def init(args: argparse.Namespace) -> int:
    plan = load_plan(args.plan) if args.plan else bundled_plan()
    from domain.rules import check

    problems = check(plan)  # before the ledger is made: a refused plan leaves no ledger behind
    if problems:
        raise JixiaoError(*problems)
    with open_ledger(args, create=True) as ledger:
        from tui.cli.common import lang_of
        from tui.cli.db import prepare_views

        prepare_views(ledger.db, lang_of(args))  # on PostgreSQL: the read models' tables beside the events
        # a new ledger is created by its admin; loading into one in use is a command
        actor = actor_of(args) if ledger.max_position() else DEFAULT_ACTOR
        events = ledger.bootstrap(plan, actor=actor, replace=args.replace)
        if events:
            _say(f"{ledger.db}: {plan.unit} {plan.year} · {len(events)} events recorded")
        else:
            _say(f"{ledger.db}: {plan.unit} {plan.year} already loaded; nothing to do")
    return 0


# -- record ---------------------------------------------------------------------------
def _envelope_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--effective", help="business date YYYY-MM-DD (default: today)")
    p.add_argument("--reason", default="", help="why (kept with the event)")


def _register_record(sub: Any, common: argparse.ArgumentParser) -> None:
    record = sub.add_parser("record", parents=[common], help="record an event")
    rsub = record.add_subparsers(dest="kind", metavar="KIND")
    record.set_defaults(default_handler=usage(record))

    def kind(name: str, help_text: str, handler: Any, *, aliases: tuple[str, ...] = ()) -> Any:
        p = rsub.add_parser(name, parents=[common], help=help_text, aliases=list(aliases))
        _envelope_args(p)
        p.set_defaults(handler=handler)
        return p

    p = kind("assignment", "assign an indicator (责任分解)", _assign, aliases=("assign",))
    p.add_argument("indicator")
    p.add_argument("--section", required=True)
    p.add_argument("--leader", required=True)
    p.add_argument("--handler", dest="handler_user", required=True)
    p.add_argument("--liaison", default="")
    p.add_argument("--deadline")
    p.add_argument("--milestone", action="append", default=[])

    p = kind("progress", "report progress for a period", _progress)
    p.add_argument("indicator")
    p.add_argument("--period", required=True, help="e.g. 2021Q3")
    p.add_argument("--percent", type=int, required=True)
    p.add_argument("--note", "--done", dest="done", default="", help="what was done")
    p.add_argument("--problems", default="")
    p.add_argument("--next-steps", default="")

    p = kind("evidence", "attach evidence (the file is hashed, not stored)", _evidence)
    p.add_argument("indicator")
    p.add_argument("file", nargs="?", help="a file to hash; or give --name/--sha256/--size")
    p.add_argument("--name")
    p.add_argument("--sha256")
    p.add_argument("--size", type=int)
    p.add_argument("--description", default="")

    p = kind("self-assessment", "self-assess a tier", _self_assess, aliases=("self",))
    p.add_argument("indicator")
    p.add_argument("--tier", required=True)
    p.add_argument("--note", default="")

    p = kind("tier", "award a tier (assessor)", _tier)
    p.add_argument("indicator")
    p.add_argument("--tier", required=True)

    for name, help_text in (("bonus", "a bonus (正向激励加分)"), ("deduction", "a deduction (扣分)")):
        p = kind(name, help_text, _adjust)
        p.add_argument("amount")
        p.add_argument("--basis", default="", help="the basis document")
        p.add_argument("--indicator", default="")
        p.add_argument("--section", default="")
    p = kind("veto", "a veto (一票否决)", _adjust)
    p.add_argument("--basis", default="")
    p.add_argument("--section", default="")

    p = kind("finding", "an inspection finding (察访核验)", _finding)
    p.add_argument("--method", required=True, choices=ev.METHODS)
    p.add_argument("--source", dest="finding_source", default="county-on-unit",
                   choices=("city-on-county", "county-on-unit", "internal"))
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--per-item", required=True)
    p.add_argument("--cap")
    p.add_argument("--indicator", default="")
    p.add_argument("--description", default="")
    p.add_argument("--rectify-by")

    p = kind("resolution", "a finding's rectification or appeal outcome", _resolution)
    p.add_argument("position", type=int, help="global position of the finding")
    p.add_argument("--outcome", required=True, choices=("rectified", "appeal-upheld", "appeal-rejected"))
    p.add_argument("--note", default="")

    p = kind("correction", "void an earlier event (it stays in the log)", _correction, aliases=("void",))
    p.add_argument("position", type=int, help="global position of the event to void")

    p = kind("remark", "an audit remark (supervisory group)", _remark)
    p.add_argument("text")
    p.add_argument("--about", type=int, default=0)


def _date(value: str | None, field: str = "effective") -> Any:
    return parse_date(field, value)


def _recorded(ledger: Ledger, event: ev.Event) -> int:
    pos = ledger.last_positions[-1] if ledger.last_positions else 0
    _say(f"#{pos} {event.kind} · {event.actor} ({event.role}) · {event.effective}")
    return 0


def _with(args: argparse.Namespace, call: Any) -> int:
    with open_ledger(args) as ledger:
        event = call(ledger, actor_of(args), _date(args.effective))
        return _recorded(ledger, event)


def _assign(args: argparse.Namespace) -> int:
    return _with(args, lambda lg, who, eff: lg.assign(
        who, args.indicator, section=args.section, leader=args.leader, handler=args.handler_user,
        liaison=args.liaison, deadline=_date(args.deadline, "deadline"),
        milestones=tuple(args.milestone), effective=eff, reason=args.reason))


def _progress(args: argparse.Namespace) -> int:
    return _with(args, lambda lg, who, eff: lg.report_progress(
        who, args.indicator, period=args.period, percent=args.percent, done=args.done,
        problems=args.problems, next_steps=args.next_steps, effective=eff, reason=args.reason))


def _evidence(args: argparse.Namespace) -> int:
    if args.file:
        path = Path(args.file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise fail("file.unreadable", where=args.file, detail=exc) from None
        name, digest, size = args.name or path.name, hashlib.sha256(data).hexdigest(), len(data)
    else:
        if not (args.name and args.sha256 and args.size is not None):
            raise fail("value.required", field="FILE or --name/--sha256/--size")
        name, digest, size = args.name, args.sha256, args.size
    return _with(args, lambda lg, who, eff: lg.attach_evidence(
        who, args.indicator, file_name=name, sha256=digest, size=size,
        description=args.description, effective=eff, reason=args.reason))


def _self_assess(args: argparse.Namespace) -> int:
    return _with(args, lambda lg, who, eff: lg.self_assess(
        who, args.indicator, tier=args.tier, note=args.note, effective=eff, reason=args.reason))


def _tier(args: argparse.Namespace) -> int:
    return _with(args, lambda lg, who, eff: lg.award_tier(
        who, args.indicator, tier=args.tier, effective=eff, reason=args.reason))


def _adjust(args: argparse.Namespace) -> int:
    return _with(args, lambda lg, who, eff: lg.adjust(
        who, args.kind, getattr(args, "amount", "0"), reason=args.reason, basis=args.basis,
        indicator=getattr(args, "indicator", ""), section=args.section, effective=eff))


def _finding(args: argparse.Namespace) -> int:
    return _with(args, lambda lg, who, eff: lg.record_finding(
        who, method=args.method, finding_source=args.finding_source, count=args.count,
        per_item=args.per_item, cap=args.cap, indicator=args.indicator,
        description=args.description, rectify_by=_date(args.rectify_by, "rectify-by"),
        effective=eff, reason=args.reason))


def _resolution(args: argparse.Namespace) -> int:
    return _with(args, lambda lg, who, eff: lg.resolve_finding(
        who, args.position, outcome=args.outcome, note=args.note, effective=eff, reason=args.reason))


def _correction(args: argparse.Namespace) -> int:
    return _with(args, lambda lg, who, eff: lg.correct(who, args.position, reason=args.reason))


def _remark(args: argparse.Namespace) -> int:
    return _with(args, lambda lg, who, eff: lg.audit_remark(who, args.text, about=args.about))


# -- users ------------------------------------------------------------------------------
def _register_users(sub: Any, common: argparse.ArgumentParser) -> None:
    users = sub.add_parser("users", parents=[common], help="manage users, roles and keys")
    usub = users.add_subparsers(dest="users_command", metavar="ACTION")
    users.set_defaults(default_handler=usage(users))
    p = usub.add_parser("add", parents=[common], help="register a user")
    p.add_argument("user")
    p.add_argument("name")
    p.add_argument("--title", default="")
    p.add_argument("--section", default="")
    p.add_argument("--role", action="append", default=[])
    p.set_defaults(handler=_users_add)
    for name, revoke in (("grant", False), ("revoke", True)):
        p = usub.add_parser(name, parents=[common], help=f"{name} a role")
        p.add_argument("user")
        p.add_argument("role")
        p.add_argument("--reason", default="")
        p.set_defaults(handler=_users_grant, revoke=revoke)
    p = usub.add_parser("add-key", parents=[common], help="register an SSH public key for a user")
    p.add_argument("user")
    p.add_argument("file", help="the public key file (- for standard input)")
    p.set_defaults(handler=_users_add_key)
    p = usub.add_parser("revoke-key", parents=[common], help="revoke a user's SSH key")
    p.add_argument("user")
    p.add_argument("fingerprint", help="SHA256:... as shown by `users list`")
    p.add_argument("--reason", default="")
    p.set_defaults(handler=_users_revoke_key)
    p = usub.add_parser("list", parents=[common], help="list users")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=_users_list)


def _users_add(args: argparse.Namespace) -> int:
    with open_ledger(args) as ledger:
        ledger.add_user(actor_of(args), args.user, args.name, title=args.title,
                        section=args.section, roles=tuple(args.role))
        _say(f"user {args.user} registered")
    return 0


def _users_grant(args: argparse.Namespace) -> int:
    with open_ledger(args) as ledger:
        ledger.grant(actor_of(args), args.user, args.role, revoke=args.revoke, reason=args.reason)
        _say(f"{'revoked' if args.revoke else 'granted'} {args.role} {'from' if args.revoke else 'to'} {args.user}")
    return 0


def _users_add_key(args: argparse.Namespace) -> int:
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise fail("file.unreadable", where=args.file, detail=exc) from None
    with open_ledger(args) as ledger:
        event = ledger.add_key(actor_of(args), args.user, text)
        assert isinstance(event, ev.KeyAdded)
        _say(f"key {event.fingerprint} added for {args.user}")
    return 0


def _users_revoke_key(args: argparse.Namespace) -> int:
    with open_ledger(args) as ledger:
        ledger.revoke_key(actor_of(args), args.user, args.fingerprint, reason=args.reason)
        _say(f"key {args.fingerprint} of {args.user} revoked")
    return 0


def _users_list(args: argparse.Namespace) -> int:
    with open_ledger(args) as ledger:
        users = ledger.directory().users.values()
    rows = [{"id": u.id, "name": u.name, "roles": u.roles, "section": u.section, "title": u.title,
             "keys": sorted(u.keys)} for u in users]
    if args.format == "json":
        _say(to_json(rows))
    else:
        sys.stdout.write(render_table(["id", "name", "roles", "section", "title", "keys"],
                                      [[r["id"], r["name"], ",".join(r["roles"]), r["section"],
                                        r["title"], len(r["keys"])] for r in rows], "table"))
    return 0


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
        _say(to_json(entries))
        return 0
    table = [[e["position"], e["recorded"][:19], e["effective"], e["actor"], e["role"], e["kind"],
              _short(e["payload"]), e["reason"][:30]] for e in entries]
    sys.stdout.write(render_table(["#", "recorded (UTC)", "effective", "actor", "role", "kind",
                                   "payload", "reason"], table, "table"))
    return 0


def _short(payload: dict[str, Any]) -> str:
    text = ", ".join(f"{k}={v}" for k, v in payload.items() if k != "plan" and v not in ("", [], None))
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
    with open_ledger(args) as ledger:
        try:
            out = open(args.output, "wb") if args.output else sys.stdout.buffer
        except OSError as exc:
            raise fail("file.unwritable", where=args.output, detail=exc) from None
        try:
            start = 1
            while True:
                rows = ledger.app.recorder.select_notifications(start=start, limit=1000)
                if not rows:
                    break
                for row in rows:
                    out.write(encoder.encode(ExportedEvent(
                        position=row.id, originator_id=str(row.originator_id),
                        originator_version=row.originator_version, topic=row.topic,
                        state=msgspec.Raw(row.state))) + b"\n")
                start = rows[-1].id + 1
        finally:
            if args.output:
                out.close()
            else:
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
        from tui.cli.common import lang_of
        from tui.cli.db import prepare_views

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
    from uuid import UUID

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
