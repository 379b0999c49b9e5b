"""The hash chain over the event log: tamper evidence for the supervisory group.

Every stored event carries its link, written with the event in the same statement:

    digest(n) = SHA-256( digest(n-1) | position | len(id) | version | len(topic)
                         | originator id | topic | payload )

with the fixed-width integers big-endian (position, version: 8 bytes; the lengths: 2
and 4 bytes), the originator id as its 32 lowercase hex characters, and digest(0) 32
zero bytes. Each link also names the position of the event before it, so an event
removed is told apart from one changed. On SQLite the link is two more columns of the
event's own row (`digest`, `previous`): a save writes no more pages than without the
chain. On PostgreSQL it is a row of a chain table beside the events
(`store.chain_pg`).

`verify(app)` recomputes the chain from the stored events alone and names the first
position that breaks and how: an event changed, missing, inserted or reordered. With a
sealed head (`position:digest`, signed on paper at a quarterly meeting) it also proves
that the current log still extends that head, which catches a truncated tail or a
database rebuilt from an edited export. The seals recorded in the log itself are
checked too.

The chain cannot stop someone with write access to the file from rewriting the whole
chain consistently, or from cutting events off the end of the log; only a head kept
outside the ledger (the signed paper) catches those.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote
from uuid import UUID

import msgspec
from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from domain.errors import fail
from domain.events import Sealed
from store.chain_scan import GENESIS, SQLITE_LINKED, Scan, link, scan, scan_sqlite_range

CHAIN_TABLE = "jixiao_chain"  # PostgreSQL's chain table; SQLite ledgers before 2 kept one too
LINK_COLUMNS = "digest BLOB, previous INTEGER"  # an event's link, in its own row (SQLite)
SEALED_TOPIC = Sealed.topic().encode()
MIN_HEAD_HEX = 16  # a head copied from paper may be shortened to its first 16 hex digits
PARALLEL_MIN = 200_000  # links; below this one process verifies faster than starting more
__all__ = ["GENESIS", "ChainStatus", "digest_at", "link", "parse_head", "verify"]


def _originator(value: UUID | str) -> bytes:
    return (value.hex if isinstance(value, UUID) else value).encode()


def chain_links(previous_position: int, previous: bytes, events: Sequence[StoredEvent],
                positions: Sequence[int]) -> list[tuple[int, int, bytes]]:
    """The chain rows (position, previous position, digest) for events just stored."""
    rows: list[tuple[int, int, bytes]] = []
    for event, position in zip(events, positions, strict=True):
        if position <= previous_position:
            # the chain already holds this position: rows were removed from the log
            raise fail("chain.write_over", position=position, head=previous_position)
        digest = link(previous, position, _originator(event.originator_id),
                      event.originator_version, event.topic.encode(), event.state)
        rows.append((position, previous_position, digest))
        previous_position, previous = position, digest
    return rows


# -- recorders: the library's own, with the chain written in the same transaction -------
class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    """eventsourcing's SQLite application recorder, storing each event with its link."""

    # The head this recorder last wrote and saw committed. SQLite gives a new row the
    # largest rowid plus one, so when a new event lands right after it nobody else has
    # appended since, and the head need not be read.
    _committed: tuple[int, bytes] = (-1, GENESIS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._written = threading.local()  # the head this thread's transaction wrote
        table = self.events_table_name
        self.insert_linked = (f"INSERT INTO {table} (originator_id, originator_version, topic, state, "
                              "digest, previous) VALUES (?,?,?,?,?,?)")
        self.select_head_before = (f"SELECT rowid, digest FROM {table} WHERE rowid < ? "
                                   "ORDER BY rowid DESC LIMIT 1")
        self.update_link = f"UPDATE {table} SET digest = ?, previous = ? WHERE rowid = ?"

    def construct_create_table_statements(self) -> list[str]:
        *others, events = super().construct_create_table_statements()
        linked = events.replace("state BLOB, ", f"state BLOB, {LINK_COLUMNS}, ", 1)
        if linked == events:  # pragma: no cover - a library release changed its table
            raise RuntimeError(f"unexpected events table: {events}")
        return [*others, linked]

    def create_table(self) -> None:
        super().create_table()
        _add_link_columns(self.datastore.pool.db_name, self.events_table_name)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        self._written.head = None
        positions = super().insert_events(stored_events, **kwargs)  # committed when it returns
        if self._written.head is not None:
            self._committed = self._written.head
        return positions

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        committed = self._committed
        position, previous = committed
        cursor = c.sqlite_cursor  # type: ignore[attr-defined]
        positions: list[int] = []
        for event in stored_events:
            oid = event.originator_id.hex if isinstance(event.originator_id, UUID) else event.originator_id
            fields = (oid.encode(), event.originator_version, event.topic.encode(), event.state)
            digest = link(previous, position + 1, *fields)
            cursor.execute(self.insert_linked, (oid, event.originator_version, event.topic, event.state,
                                                digest, position))
            stored = cursor.lastrowid
            if stored != position + 1:
                # someone else appended since this recorder last wrote (or it has not
                # written yet): the insert holds the write lock, so the head read now is
                # the last one; link the row to it
                if 0 <= stored <= committed[0]:
                    # a position this recorder chained is free again: rows were removed
                    raise fail("chain.write_over", position=stored, head=committed[0])
                cursor.execute(self.select_head_before, (stored,))
                head = cursor.fetchone()
                position, previous = (head[0], head[1]) if head else (0, GENESIS)
                if not isinstance(previous, bytes) or len(previous) != len(GENESIS):
                    raise fail("chain.head_unlinked", position=position)
                digest = link(previous, stored, *fields)
                cursor.execute(self.update_link, (digest, position, stored))
            positions.append(stored)
            position, previous = stored, digest
        self._written.head = (position, previous)
        return positions

    @contextlib.contextmanager
    def chain_snapshot(self) -> Iterator[ChainSource]:
        source = _SQLiteSource(self.datastore.pool.db_name, self.events_table_name)
        try:
            yield source
        finally:
            source.close()


def _add_link_columns(db_name: str, events_table: str) -> None:
    """Give a ledger written before links were kept in the events' rows its link columns,
    moving each link over from the old chain table, in one transaction."""
    uri = db_name if db_name.startswith("file:") else f"file:{quote(db_name)}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
    try:
        if _has_link_columns(conn, events_table):
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            if not _has_link_columns(conn, events_table):  # nobody did it while we waited
                for column in LINK_COLUMNS.split(", "):
                    conn.execute(f"ALTER TABLE {events_table} ADD COLUMN {column}")
                old = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                   (CHAIN_TABLE,)).fetchone()
                if old:
                    conn.execute(f"UPDATE {events_table} AS e SET digest = c.digest, previous = c.previous "
                                 f"FROM {CHAIN_TABLE} AS c WHERE c.position = e.rowid")
                    conn.execute(f"DROP TABLE {CHAIN_TABLE}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.close()


def _has_link_columns(conn: sqlite3.Connection, events_table: str) -> bool:
    """True also where this connection cannot see the table (a private in-memory
    database): a table created by the statements above has the columns."""
    columns = {row[1] for row in conn.execute(f"PRAGMA table_info({events_table})")}
    return not columns or "digest" in columns


def chain_table_name(events_table_name: str) -> str:
    """The chain table beside an events table (`stored_events` -> `jixiao_chain`)."""
    prefix = events_table_name.removesuffix("_events")
    return f"{prefix}_chain" if prefix != "stored" else CHAIN_TABLE


def recorder_topic(persistence_module: str) -> str | None:
    """The APPLICATION_RECORDER_TOPIC of the chained recorder for a persistence module."""
    return {
        "eventsourcing.sqlite": f"{__name__}:ChainedSQLiteRecorder",
        "eventsourcing.postgres": "store.chain_pg:ChainedPostgresRecorder",
    }.get(persistence_module)


def is_chained(recorder: object) -> bool:
    return callable(getattr(recorder, "chain_snapshot", None))


# -- verification ----------------------------------------------------------------------
PROBLEMS = ("changed", "missing", "inserted", "reordered")


@dataclass(frozen=True)
class ChainStatus:
    """The result of a verification.

    When `ok`: `count` events verified; `position` and `digest` are the head (0 and
    the zero digest for an empty log). Otherwise `problem` is one of PROBLEMS and
    `position` the first position that breaks; `count` events before it verified and
    `digest` is the last good link. `other` is a second position the problem names
    (where a reordered event belongs; the seal that no longer matches).
    """

    ok: bool
    count: int
    position: int
    digest: str
    problem: str = ""
    other: int = 0
    reason: str = ""  # a message code from the catalogue
    head: str = ""  # the sealed head checked, if any (position:digest)

    @property
    def head_line(self) -> str:
        return f"{self.position}:{self.digest}"

    def message(self, lang: str = "zh") -> str:
        from domain.messages import render

        if self.ok:
            code = "chain.ok_head" if self.head else "chain.ok"
            return render(code, lang, count=str(self.count), head=self.head_line, sealed=self.head)
        return render(self.reason or f"chain.{self.problem}", lang, position=str(self.position),
                      other=str(self.other), problem=render(f"chain.kind.{self.problem}", lang),
                      count=str(self.count), sealed=self.head)


class _Break(Exception):
    def __init__(self, problem: str, position: int, reason: str = "", other: int = 0) -> None:
        super().__init__(problem)
        self.problem, self.position, self.reason, self.other = problem, position, reason, other


def parse_head(text: str) -> tuple[int, str]:
    """`POS:DIGEST` as printed by `jixiao seal` (the digest may be cut to 16 hex digits)."""
    pos, _, digest = text.strip().partition(":")
    digest = digest.strip().lower().removeprefix("sha256:")
    try:
        position = int(pos.strip().lstrip("#"))
        bytes.fromhex(digest if len(digest) % 2 == 0 else digest + "0")
    except ValueError:
        raise fail("chain.bad_head", actual=text) from None
    if position < 1 or not MIN_HEAD_HEX <= len(digest) <= 64:
        raise fail("chain.bad_head", actual=text)
    return position, digest


def verify(app: Any, head: tuple[int, str] | str | None = None, *,
           workers: int | None = None) -> ChainStatus:
    """Recompute the chain of `app`'s log from its stored events and check it.

    `app` is a LedgerApp (or anything with a chained `recorder`); `head` an optional
    sealed head, `(position, hex digest)` or the `POS:DIGEST` text. Reads one consistent
    snapshot; writers may go on meanwhile (what they add is not checked). Never raises
    for a broken chain: the result says what broke where. A large SQLite log is checked
    by several processes (`workers`; by default one per CPU, up to 4, from
    PARALLEL_MIN links); this takes seconds on a million events, so call it off a UI
    thread.
    """
    if isinstance(head, str):
        head = parse_head(head)
    recorder = app.recorder
    if not is_chained(recorder):
        raise fail("chain.unsupported", recorder=type(recorder).__name__)
    with recorder.chain_snapshot() as source:
        return _verify(source, head, workers)


def digest_at(app: Any, position: int) -> str | None:
    """The stored chain digest (hex) at a position, or None: for checking a seal before it
    is recorded (a seal naming a digest the chain does not hold would fail every later
    verification)."""
    recorder = app.recorder
    if not is_chained(recorder):
        raise fail("chain.unsupported", recorder=type(recorder).__name__)
    with recorder.chain_snapshot() as source:
        stored = source.digest_at(position)
    return stored.hex() if stored is not None else None


def _verify(source: ChainSource, head: tuple[int, str] | None, workers: int | None) -> ChainStatus:
    head_text = f"{head[0]}:{head[1]}" if head else ""
    count, broke, last_pos, last, claims = source.scan(workers)
    try:
        if broke or not source.complete(count):
            _diagnose(source)  # always raises a _Break: the fast pass saw something wrong
        _check_seals(source, claims)
        if head is not None:
            _check_head(source, head, last_pos)
    except _Break as exc:
        found = source.good_prefix(exc.position)
        return ChainStatus(ok=False, count=found[0], position=exc.position, digest=found[1].hex(),
                           problem=exc.problem, other=exc.other, reason=exc.reason, head=head_text)
    return ChainStatus(ok=True, count=count, position=last_pos, digest=last.hex(), head=head_text)


# A row of the log with its link: (position, originator id, version, topic, payload,
# previous position, digest), ids and topics as bytes; the link's two are None where an
# event has none.
Row = tuple[Any, ...]


class _Peek:
    """An iterator that can look one item ahead."""

    def __init__(self, items: Iterator[Any]) -> None:
        self.items = items
        self.head = next(items, None)

    def take(self) -> Any:
        item, self.head = self.head, next(self.items, None)
        return item


def _diagnose(source: ChainSource) -> None:
    """Walk the log and raise at the first break, classified."""
    rows = _Peek(iter(source.rows()))
    last_pos, last = 0, GENESIS
    while rows.head is not None:
        row = rows.take()
        pos, previous, digest = row[0], row[5], _digest(row[6])
        if digest is None:
            raise _Break("inserted", pos)  # a stored event the chain never saw
        if previous != last_pos or _link_of(last, pos, row) != digest:
            _classify(source, row, last_pos, last, rows.head)
        last_pos, last = pos, digest
    missing = source.missing_after(last_pos)
    if missing:
        raise _Break("missing", missing)  # the chain saw events no longer stored
    raise _Break("changed", last_pos + 1)  # pragma: no cover - the fast pass found a break


def _digest(value: Any) -> bytes | None:
    return bytes(value) if isinstance(value, bytes | memoryview) and len(value) == len(GENESIS) else None


def _link_of(previous: bytes, position: int, row: Row) -> bytes | None:
    """The link a row hashes to at a position; None for a row of wrong types."""
    try:
        return link(previous, position, *row[1:5])
    except (TypeError, ValueError, OverflowError):
        return None


def _classify(source: ChainSource, row: Row, last_pos: int, last: bytes, following: Row | None) -> None:
    """Why the row does not continue the chain after (last_pos, last): always raises."""
    pos, previous, digest = row[0], row[5], _digest(row[6])
    if _link_of(last, pos, row) == digest:
        raise _Break("changed", pos)  # the event is intact; its link names a wrong predecessor
    after = _digest(following[6]) if following is not None else None
    if following is not None and after is not None and _link_of(last, pos, following) == after:
        # the next row belongs here: this one was slipped in, or moved from its place
        # right after the next
        if _link_of(after, following[0], row) == digest:
            raise _Break("reordered", pos, other=following[0])
        raise _Break("inserted", pos)
    if isinstance(previous, int) and previous < last_pos:
        raise _Break("inserted", last_pos)  # a row slipped in before, with a link of its own
    home = source.home_of(row)
    if home and home != pos:
        raise _Break("reordered", pos, other=home)
    if isinstance(previous, int) and previous > last_pos:
        raise _Break("missing", source.missing_after(last_pos) or last_pos + 1)
    raise _Break("changed", pos)


def _check_seals(source: ChainSource, claims: list[tuple[int, bytes]]) -> None:
    """Every seal recorded in the log must still match the chain at the head it names."""
    if not claims:
        return
    decoder = msgspec.json.Decoder(Sealed)
    for at, state in claims:
        try:
            seal = decoder.decode(state)
        except msgspec.DecodeError:  # pragma: no cover - it hashed correctly when stored
            continue
        stored = source.digest_at(seal.position)
        if stored is None:
            raise _Break("missing", seal.position, reason="chain.seal_missing", other=at)
        if stored.hex() != seal.digest:
            raise _Break("changed", seal.position, reason="chain.seal_mismatch", other=at)


def _check_head(source: ChainSource, head: tuple[int, str], last_pos: int) -> None:
    position, digest = head
    if position > last_pos:
        raise _Break("missing", last_pos + 1, reason="chain.truncated", other=position)
    stored = source.digest_at(position)
    if stored is None:
        raise _Break("missing", position, reason="chain.head_missing", other=position)
    if not stored.hex().startswith(digest):
        raise _Break("changed", position, reason="chain.head_mismatch", other=position)


# -- reading the store -------------------------------------------------------------------
class ChainSource:
    """One read-only snapshot of the events and their links, in position order."""

    def scan(self, workers: int | None) -> Scan:
        """The fast pass over every link."""
        raise NotImplementedError

    def complete(self, count: int) -> bool:
        """Whether the fast pass, having verified `count` links, saw every link there is."""
        return True

    def rows(self) -> Iterator[Row]:
        """Every stored event with its link (see Row)."""
        raise NotImplementedError

    def missing_after(self, position: int) -> int:
        """The first position after `position` that has a link but no event (0: none)."""
        return 0

    def home_of(self, row: Row) -> int:
        """The position where a row's link says it was stored, if it can be told (0: not)."""
        raise NotImplementedError

    def digest_at(self, position: int) -> bytes | None:
        raise NotImplementedError

    def good_prefix(self, position: int) -> tuple[int, bytes]:
        """How many links before `position`, and the digest of the last of them."""
        raise NotImplementedError


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class _SQLiteSource(ChainSource):
    """The events' rows, each with its link. Positions are contiguous (SQLite gives each
    new row the largest rowid plus one), so an event's place is one after its predecessor."""

    def __init__(self, db_name: str, events_table: str) -> None:
        self.uri = db_name if db_name.startswith("file:") else f"file:{quote(db_name)}?mode=ro"
        self.conn = sqlite3.connect(self.uri, uri=True, isolation_level=None, timeout=30)
        self.conn.execute("BEGIN")  # one snapshot for every query below (WAL)
        self.events_table = events_table
        self.top = self.conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {events_table}").fetchone()[0]

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.execute("COMMIT")
        self.conn.close()

    def scan(self, workers: int | None) -> Scan:
        if workers is None:
            workers = min(_usable_cpus(), 4) if self.top >= PARALLEL_MIN else 1
        if workers > 1 and self.top >= 2 * workers and not self.uri.startswith("file::memory:"):
            with contextlib.suppress(OSError, RuntimeError, ImportError):  # no processes: do it here
                return self._parallel(workers)
        rows = self.conn.execute(SQLITE_LINKED.format(events=self.events_table), (1, self.top))
        return scan(rows, 0, GENESIS, SEALED_TOPIC)

    def _parallel(self, workers: int) -> Scan:
        """Ranges of positions checked by worker processes; rows written after this
        snapshot began lie above `top` and are not read."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # forking is quick, but only safe while this process runs a single thread
        method = ("fork" if threading.active_count() == 1
                  and "fork" in multiprocessing.get_all_start_methods() else "spawn")
        step = -(-self.top // workers)
        ranges = [(low, min(low + step - 1, self.top)) for low in range(1, self.top + 1, step)]
        with ProcessPoolExecutor(len(ranges), mp_context=multiprocessing.get_context(method)) as pool:
            parts = list(pool.map(scan_sqlite_range, *zip(*[
                (self.uri, self.events_table, low, high, SEALED_TOPIC) for low, high in ranges], strict=True)))
        count, claims = 0, []
        last_pos, last = 0, GENESIS
        for part_count, broke, part_pos, part_last, part_claims in parts:
            count += part_count
            claims += part_claims
            if broke:
                return count, broke, part_pos, part_last, claims
            if part_count:
                last_pos, last = part_pos, part_last
        return count, 0, last_pos, last, claims

    def rows(self) -> Iterator[Row]:
        return iter(self.conn.execute(
            "SELECT rowid, CAST(originator_id AS BLOB), originator_version, CAST(topic AS BLOB), "
            f"state, previous, digest FROM {self.events_table} WHERE rowid <= ? ORDER BY rowid", (self.top,)))

    def home_of(self, row: Row) -> int:
        previous, digest = row[5], row[6]
        if not isinstance(previous, int):
            return 0
        before = self.digest_at(previous) if previous else GENESIS
        home = previous + 1
        return home if before is not None and _link_of(before, home, row) == _digest(digest) else 0

    def digest_at(self, position: int) -> bytes | None:
        row = self.conn.execute(f"SELECT digest FROM {self.events_table} WHERE rowid = ?",
                                (position,)).fetchone()
        return _digest(row[0]) if row else None

    def good_prefix(self, position: int) -> tuple[int, bytes]:
        count = self.conn.execute(f"SELECT count(digest) FROM {self.events_table} WHERE rowid < ?",
                                  (position,)).fetchone()[0]
        row = self.conn.execute(f"SELECT digest FROM {self.events_table} WHERE rowid < ? "
                                "AND digest IS NOT NULL ORDER BY rowid DESC LIMIT 1", (position,)).fetchone()
        last = _digest(row[0]) if row else None
        return count, last or GENESIS
