"""Exports and imports that carry their proof: every event with its chain link out, and
back in at the same positions with the same links.

An export line is the event as stored (position, aggregate id and version, topic,
payload bytes) with the link the chain holds for it (the position before it, the
digest). An import recomputes every link from the genesis and names the first position
whose digest disagrees (a payload, an actor or the order changed); the events are then
written at their own positions with their links, in one transaction on an empty ledger,
so the imported ledger reproduces the same digests and every signed seal still holds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.errors import fail
from store.app import open_app
from store.chain_scan import GENESIS, link
from store.location import Location, safe
from store.sqlite.move import SQLiteWriter

try:
    from store.postgres.move import PostgresWriter as _PostgresWriter
except ImportError:  # pragma: no cover - psycopg is not installed: no PostgreSQL target
    _PostgresWriter = None  # type: ignore[assignment,misc]

BATCH = 5000


@dataclass(frozen=True)
class LinkedEvent:
    """One event of an export with its link; `digest` "" when the export carries none."""

    position: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes
    previous: int | None = None
    digest: str = ""


def linked_events(store: Any) -> Iterator[LinkedEvent]:
    """Every stored event with its link, in position order, from one snapshot."""
    with store.chain_snapshot() as snapshot:
        for pos, oid, version, topic, state, previous, digest in snapshot.rows():
            yield LinkedEvent(position=pos, originator_id=UUID(bytes(oid).decode()),
                              originator_version=version, topic=bytes(topic).decode(),
                              state=bytes(state), previous=previous,
                              digest=bytes(digest).hex() if digest is not None else "")


def _links(events: Sequence[LinkedEvent]) -> Iterator[tuple[LinkedEvent, int, bytes]]:
    last_pos, last = 0, GENESIS
    for event in events:
        digest = link(last, event.position, event.originator_id.hex.encode(), event.originator_version,
                      event.topic.encode(), event.state)
        yield event, last_pos, digest
        last_pos, last = event.position, digest


def first_changed(events: Sequence[LinkedEvent]) -> int:
    """The first position whose link, recomputed from the genesis, is not the one the
    export carries (0: every one agrees)."""
    for event, previous, digest in _links(events):
        if event.previous != previous or event.digest != digest.hex():
            return event.position
    return 0


def write_imported(location: str, events: Sequence[LinkedEvent]) -> None:
    """Write the events at their own positions, each linked anew (so the links are the
    export's when it was checked), into the empty ledger at `location`: all or nothing."""
    where = Location.of(location)
    app = open_app(where.text, create=True)
    try:
        writer = _PostgresWriter(app, where.text) if where.is_postgres else SQLiteWriter(app)
    finally:
        app.close()
    with contextlib.closing(writer):
        if writer.has_events():
            raise fail("import.not_empty", where=safe(where.text))
        batch: list[tuple[Any, ...]] = []
        for event, previous, digest in _links(events):
            batch.append((event.position, event.originator_id.hex, event.originator_version, event.topic,
                          event.state, previous, digest))
            if len(batch) >= BATCH:
                writer.write(batch)
                batch = []
        if batch:
            writer.write(batch)
        writer.commit(events[-1].position if events else 0)
