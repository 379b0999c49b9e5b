"""Moving a ledger between stores (SQLite file <-> PostgreSQL database), losslessly.

Every stored event is copied with its global position (gaps included), its aggregate id
and version, its topic and its payload bytes unchanged, together with its hash-chain
link, and every evidence file kept with them. Each link is recomputed from the event as
it is copied and must equal the one stored at the source, so the chain arrives verified and every seal signed on paper
still holds; the whole copy is one transaction on the target (all or nothing) and the
target's chain is verified again, from its own tables, once committed.

The target must be empty. Read models (checkpoint, audit trail) are not copied: they
are projections and are rebuilt from the events where the ledger now lives.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.errors import fail
from store import readers
from store.app import LedgerApp, open_app
from store.chain import GENESIS, ChainStatus, link, verify
from store.location import Location, safe
from store.sqlite.move import SQLiteWriter, refuse_nonempty

BATCH = 5000
_SQLiteWriter = SQLiteWriter
try:
    from store.postgres.move import PostgresWriter as _PostgresWriter
except ImportError:  # pragma: no cover - psycopg is not installed: no PostgreSQL target
    _PostgresWriter = None  # type: ignore[assignment,misc]


@dataclass(frozen=True)
class Moved:
    """What a move copied: events, the chain's head, and the target's own verification."""

    count: int
    position: int
    digest: str
    target: ChainStatus


def location(text: str) -> str:
    """A ledger location from `sqlite:PATH`, a bare path, or a postgresql:// URL."""
    return Location.of(text).text


def move(source: str, target: str, *, progress: Callable[[int], None] | None = None) -> Moved:
    """Copy every event and chain link of the ledger at `source` into the empty ledger at
    `target` (created if need be), keeping positions; verify the chain on arrival."""
    src_at, dst_at = Location.of(source), Location.of(target)
    source, target = src_at.text, dst_at.text
    if src_at.same_as(dst_at):
        raise fail("migrate.same", where=dst_at.safe)
    if not dst_at.is_postgres and Path(target).exists() and Path(target).stat().st_size:
        refuse_nonempty(target)
    src = open_app(source, create=False)
    try:
        status = verify(src)
        if not status.ok:
            raise fail("migrate.source_broken", where=safe(source), detail=status.message("en"))
        dst = open_app(target, create=True)
        try:
            if dst.recorder.max_notification_id() or _chain_rows(dst):
                raise fail("migrate.not_empty", where=safe(target))
            writer = _PostgresWriter(dst, target) if dst_at.is_postgres else _SQLiteWriter(dst)
        finally:
            dst.close()
        with contextlib.closing(writer):
            count, position, digest = _copy(src, writer, progress)
    finally:
        src.close()
    dst = open_app(target, create=False)
    try:
        arrived = verify(dst)
    finally:
        dst.close()
    if not arrived.ok or (arrived.count, arrived.position) != (count, position) or (
            count and arrived.digest != digest):
        raise fail("migrate.mismatch", where=safe(target), detail=arrived.message("en"))
    return Moved(count=count, position=position, digest=digest, target=arrived)


def _chain_rows(app: LedgerApp) -> bool:
    with app.recorder.chain_snapshot() as snapshot:  # type: ignore[attr-defined]
        return bool(snapshot.missing_after(0))  # links without events


def _copy(src: LedgerApp, writer: Any, progress: Callable[[int], None] | None) -> tuple[int, int, str]:
    """Stream the source's events with their links into the writer, recomputing each link."""
    count, last_pos, last = 0, 0, GENESIS
    with src.recorder.chain_snapshot() as snapshot:  # type: ignore[attr-defined]
        batch: list[tuple[int, str, int, str, bytes, int, bytes]] = []
        for pos, oid, version, topic, state, previous, digest in snapshot.rows():
            if digest is None:
                raise fail("migrate.source_broken", where="", detail=f"position {pos}")
            oid, topic, state, digest = bytes(oid), bytes(topic), bytes(state), bytes(digest)
            if previous != last_pos or link(last, pos, oid, version, topic, state) != digest:
                raise fail("migrate.source_broken", where="", detail=f"position {pos}")
            batch.append((pos, oid.decode(), version, topic.decode(), state, previous, digest))
            last_pos, last = pos, digest
            count += 1
            if len(batch) >= BATCH:
                writer.write(batch)
                batch = []
                if progress is not None:
                    progress(count)
        if batch:
            writer.write(batch)
        missing = snapshot.missing_after(last_pos)
        if missing:
            raise fail("migrate.source_broken", where="", detail=f"position {missing}")
    for digest, content in readers.evidence_store(src).files():  # in the same transaction
        writer.keep(digest, content)
    writer.commit(last_pos)
    if progress is not None:
        progress(count)
    return count, last_pos, last.hex() if count else GENESIS.hex()


def rows(app: LedgerApp) -> Iterator[tuple[int, str, int, str, bytes]]:
    """(position, originator id hex, version, topic, payload) of every event, in order:
    what two ledgers must agree on after a move."""
    with app.recorder.chain_snapshot() as snapshot:  # type: ignore[attr-defined]
        for pos, oid, version, topic, state, *_ in snapshot.rows():
            yield pos, bytes(oid).decode(), version, bytes(topic).decode(), bytes(state)
