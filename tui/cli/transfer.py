"""`jixiao export` and `jixiao import`: every event as JSON lines, with its proof.

Each line is one stored event (position, aggregate id and version, topic, payload) with
its chain link (`previous`, `digest`); signed seals travel as the `Sealed` events that
recorded them. `import` refuses an export whose links do not recompute (naming the first
changed position), whose actors had no right to act when they did, or whose signed seals
do not hold; it keeps every position, so the imported ledger has the same digests.
`--unverified` skips those checks (an old export without digests needs it) and is
recorded in the new ledger's log.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from uuid import UUID

import msgspec

import store
from domain.access_accounts import may_act_as
from domain.aggregates import DIRECTORY_ID, DirectoryAggregate
from domain.codec import decode_event
from domain.controls import shown
from domain.errors import JixiaoError, Problem, fail
from domain.events import Event
from domain.import_rights import check_rights
from domain.messages import render
from store import LinkedEvent, first_changed, linked_events, write_imported
from tui.cli.common import actor_of, destination_of, lang_of, open_ledger, os_account
from tui.cli.db import prepare_views


class ExportedEvent(msgspec.Struct, array_like=False):
    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: msgspec.Raw
    previous: int | None = None  # the chain's link: the position before, and the digest (hex)
    digest: str = ""


def export(args: argparse.Namespace) -> int:
    encoder = msgspec.json.Encoder()
    with open_ledger(args) as ledger, contextlib.ExitStack() as stack:
        out = stack.enter_context(destination_of(args).open(args.output)) if args.output else sys.stdout.buffer
        try:
            for event in linked_events(ledger.store):
                out.write(encoder.encode(ExportedEvent(
                    position=event.position, originator_id=str(event.originator_id),
                    originator_version=event.originator_version, topic=event.topic,
                    state=msgspec.Raw(event.state), previous=event.previous,
                    digest=event.digest)) + b"\n")
        except OSError as exc:
            raise fail("file.unwritable", where=args.output or "-", detail=exc) from None
        finally:
            if not args.output:
                out.flush()
    return 0


Read = tuple[int, LinkedEvent, Event]  # (line number, the event with its link, decoded)


def import_cmd(args: argparse.Namespace) -> int:
    """Load an export into an empty ledger; any bad line, changed link, unauthorised actor
    or broken seal refuses the whole file, and nothing is written."""
    lang = lang_of(args)
    try:
        lines = Path(args.file).read_bytes().splitlines()
    except OSError as exc:
        raise fail("file.unreadable", where=args.file, detail=exc) from None
    items = read_export(lines, args.file)
    carries = bool(items) and all(item.digest for _, item, _ in items)
    seals = 0
    if args.unverified:
        _admin_after(items, actor_of(args))
    else:
        seals = _checked(items, args.file, carries, lang)
    with open_ledger(args, create=True) as ledger:
        if ledger.max_position():
            raise fail("import.not_empty", where=ledger.db)
        prepare_views(ledger.db, lang)
        db = ledger.db
    write_imported(db, [item for _, item, _ in items])
    if args.unverified:
        with store.open_ledger(db, create=False) as ledger:
            ledger.note_unverified_import(actor_of(args), file=Path(args.file).name, count=len(items),
                                          digests=carries)
        print(shown(render("import.done_unverified", lang, count=str(len(items)), where=db)))
    else:
        print(shown(render("import.done", lang, count=str(len(items)), where=db, seals=str(seals))))
    return 0


def _checked(items: list[Read], where: str, carries: bool, lang: str) -> int:
    """The links recomputed, every actor's right, every signed seal; the seals that held."""
    if not carries:
        raise fail("import.no_digest", where=where)
    line_of = {item.position: number for number, item, _ in items}
    changed = first_changed([item for _, item, _ in items])
    if changed:
        raise fail("import.digest", where=where, line=line_of[changed], position=changed)
    digests = {item.position: item.digest for _, item, _ in items}
    events = [(item.position, item.originator_id, event) for _, item, event in items]
    try:
        return check_rights(events, digests, lang).seals
    except JixiaoError as exc:
        problem = exc.problems[0]
        position = int(problem.params.get("position", "0"))
        raise JixiaoError(Problem(code=problem.code, params=problem.params, where=where,
                                  line=line_of.get(position))) from None


def _admin_after(items: list[Read], actor: str) -> None:
    """An unverified import is noted by an admin of the ledger it makes, from an account
    that may act as them: refused before anything is written otherwise."""
    directory = DirectoryAggregate()
    try:
        for _, item, event in items:
            if item.originator_id == DIRECTORY_ID:
                directory.apply(event)
    except (KeyError, AttributeError):
        raise fail("import.unverified_actor", actor=actor) from None
    user = directory.users.get(actor)
    if user is None or "admin" not in user.roles:
        raise fail("import.unverified_actor", actor=actor)
    may_act_as(directory, actor, os_account())


def read_export(lines: list[bytes], where: str) -> list[Read]:
    """The events of an export, checked line by line: each decodes, agrees with its own
    payload, follows the previous position, and continues its aggregate's versions."""
    decoder = msgspec.json.Decoder(ExportedEvent)
    items: list[Read] = []
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
        items.append((number, LinkedEvent(position=item.position, originator_id=originator,
                                          originator_version=item.originator_version, topic=item.topic,
                                          state=bytes(item.state), previous=item.previous,
                                          digest=item.digest.lower()), event))
    return items
