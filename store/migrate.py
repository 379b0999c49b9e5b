"""Moving a ledger between stores (SQLite file <-> PostgreSQL database), losslessly.

Every stored event is copied with its global position (gaps included), its aggregate id
and version, its topic and its payload bytes unchanged, together with its hash-chain
link. Each link is recomputed from the event as it is copied and must equal the one
stored at the source, so the chain arrives verified and every seal signed on paper
still holds; the whole copy is one transaction on the target (all or nothing) and the
target's chain is verified again, from its own tables, once committed.

The target must be empty. Read models (checkpoint, audit trail) are not copied: they
are projections and are rebuilt from the events where the ledger now lives.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.errors import fail
from store.app import LedgerApp, _safe, is_postgres, open_app, pg_connect
from store.chain import GENESIS, ChainStatus, verify
from store.chain_scan import link

BATCH = 5000


@dataclass(frozen=True)
class Moved:
    """What a move copied: events, the chain's head, and the target's own verification."""

    count: int
    position: int
    digest: str
    target: ChainStatus


def location(text: str) -> str:
    """A ledger location from `sqlite:PATH`, a bare path, or a postgresql:// URL."""
    if is_postgres(text):
        return text
    if text.startswith("sqlite://"):
        return text.removeprefix("sqlite://")
    return text.removeprefix("sqlite:")


def move(source: str, target: str, *, progress: Callable[[int], None] | None = None) -> Moved:
    """Copy every event and chain link of the ledger at `source` into the empty ledger at
    `target` (created if need be), keeping positions; verify the chain on arrival."""
    source, target = location(source), location(target)
    if _same(source, target):
        raise fail("migrate.same", where=_safe(target))
    if not is_postgres(target) and Path(target).exists() and Path(target).stat().st_size:
        _refuse_nonempty_sqlite(target)
    src = open_app(source, create=False)
    try:
        status = verify(src)
        if not status.ok:
            raise fail("migrate.source_broken", where=_safe(source), detail=status.message("en"))
        dst = open_app(target, create=True)
        try:
            if dst.recorder.max_notification_id() or _chain_rows(dst):
                raise fail("migrate.not_empty", where=_safe(target))
            writer = _PostgresWriter(dst, target) if is_postgres(target) else _SQLiteWriter(dst)
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
        raise fail("migrate.mismatch", where=_safe(target), detail=arrived.message("en"))
    return Moved(count=count, position=position, digest=digest, target=arrived)


def _same(a: str, b: str) -> bool:
    if is_postgres(a) or is_postgres(b):
        return a == b
    return Path(a).resolve() == Path(b).resolve()


def _refuse_nonempty_sqlite(path: str) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT count(*) FROM stored_events").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        raise fail("migrate.not_empty", where=path) from None
    if row[0]:
        raise fail("migrate.not_empty", where=path)


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
    writer.commit(last_pos)
    if progress is not None:
        progress(count)
    return count, last_pos, last.hex() if count else GENESIS.hex()


class _SQLiteWriter:
    """One write transaction on the target SQLite file: events at their positions (rowid)."""

    def __init__(self, app: LedgerApp) -> None:
        recorder: Any = app.recorder
        self.events = recorder.events_table_name
        self.conn = sqlite3.connect(recorder.datastore.pool.db_name, isolation_level=None, timeout=30)
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("BEGIN IMMEDIATE")
        self.done = False

    def write(self, batch: list[tuple[Any, ...]]) -> None:
        self.conn.executemany(f"INSERT INTO {self.events} (rowid, originator_id, originator_version, "
                              "topic, state, previous, digest) VALUES (?,?,?,?,?,?,?)", batch)

    def commit(self, last_position: int) -> None:
        self.conn.execute("COMMIT")
        self.done = True

    def close(self) -> None:
        if not self.done:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
        self.conn.close()


class _PostgresWriter:
    """One transaction on the target database: COPY of events (with their notification
    ids) and links under the lock writers take, then the id sequence moved past them."""

    def __init__(self, app: LedgerApp, db: str) -> None:
        from psycopg.sql import SQL, Identifier

        recorder: Any = app.recorder
        schema = recorder.datastore.schema
        self.events = SQL("{}.{}").format(Identifier(schema), Identifier(recorder.events_table_name))
        self.chain = SQL("{}.{}").format(Identifier(schema), Identifier(recorder.chain_table))
        self.sequence = f"{schema}.{recorder.events_table_name}"
        self.conn = pg_connect(db, autocommit=False)
        self.conn.execute(SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(self.events))
        self.done = False
        self._copy_events = SQL("COPY {} (notification_id, originator_id, originator_version, topic, state) "
                                "FROM STDIN").format(self.events)
        self._copy_links = SQL("COPY {} (position, previous, digest) FROM STDIN").format(self.chain)

    def write(self, batch: list[tuple[Any, ...]]) -> None:
        with self.conn.cursor() as cursor:
            with cursor.copy(self._copy_events) as copy:
                for row in batch:
                    copy.write_row(row[:5])
            with cursor.copy(self._copy_links) as copy:
                for row in batch:
                    copy.write_row((row[0], row[5], row[6]))

    def commit(self, last_position: int) -> None:
        if last_position:
            self.conn.execute("SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), %s)",
                              (self.sequence, last_position))
        self.conn.commit()
        self.done = True

    def close(self) -> None:
        if not self.done:
            with contextlib.suppress(Exception):
                self.conn.rollback()
        self.conn.close()


def rows(app: LedgerApp) -> Iterator[tuple[int, str, int, str, bytes]]:
    """(position, originator id hex, version, topic, payload) of every event, in order:
    what two ledgers must agree on after a move."""
    with app.recorder.chain_snapshot() as snapshot:  # type: ignore[attr-defined]
        for pos, oid, version, topic, state, *_ in snapshot.rows():
            yield pos, bytes(oid).decode(), version, bytes(topic).decode(), bytes(state)
