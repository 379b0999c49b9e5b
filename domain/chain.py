"""The hash chain over the event log: tamper evidence for the supervisory group.

Every stored event has a link in the chain table, written by the recorder in the same
transaction as the event:

    digest(n) = SHA-256( digest(n-1) | position | len(id) | version | len(topic)
                         | originator id | topic | payload )

with the fixed-width integers big-endian (position, version: 8 bytes; the lengths: 2
and 4 bytes), the originator id as its 32 lowercase hex characters, and digest(0) 32
zero bytes. Each link also names the position of the event before it, so a removed
pair of rows is told apart from a changed one.

`verify(app)` recomputes the chain from the stored events alone and names the first
position that breaks and how: an event changed, missing, inserted or reordered. With a
sealed head (`position:digest`, signed on paper at a quarterly meeting) it also proves
that the current log still extends that head, which catches a truncated tail or a
database rebuilt from an edited export. The seals recorded in the log itself are
checked too.

The chain cannot stop someone with write access to the file from rewriting the whole
chain consistently; only a head kept outside the ledger (the signed paper) catches that.
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

from domain.chain_scan import GENESIS, SQLITE_JOINED, Scan, link, scan, scan_sqlite_range
from domain.errors import fail
from domain.events import Sealed

CHAIN_TABLE = "jixiao_chain"
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
    """eventsourcing's SQLite application recorder, chaining every event it stores."""

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(),
                f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} ("
                "position INTEGER PRIMARY KEY, previous INTEGER NOT NULL, digest BLOB NOT NULL)"]

    # The head this recorder last wrote and saw committed. SQLite gives a new row the
    # largest rowid plus one, so when the first new position follows it directly nobody
    # else has appended since, and the head need not be read again.
    _committed: tuple[int, bytes] = (-1, GENESIS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._written = threading.local()  # the head this thread's transaction wrote

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        self._written.head = None
        positions = super().insert_events(stored_events, **kwargs)  # committed when it returns
        if self._written.head is not None:
            self._committed = self._written.head
        return positions

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> Sequence[int] | None:
        positions = super()._insert_events(c, stored_events, **kwargs)
        if stored_events and positions:
            # the inserts above hold the database's write lock: no one else can append
            committed = self._committed
            if positions[0] == committed[0] + 1:
                previous_position, previous = committed
            else:
                c.execute(f"SELECT position, digest FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1")
                head = c.fetchone()
                previous_position, previous = (head[0], bytes(head[1])) if head else (0, GENESIS)
            links = chain_links(previous_position, previous, stored_events, positions)
            c.executemany(f"INSERT INTO {CHAIN_TABLE} VALUES (?,?,?)", links)
            self._written.head = (links[-1][0], links[-1][2])
        return positions

    @contextlib.contextmanager
    def chain_snapshot(self) -> Iterator[ChainSource]:
        source = _SQLiteSource(self.datastore.pool.db_name, self.events_table_name)
        try:
            yield source
        finally:
            source.close()


def chain_table_name(events_table_name: str) -> str:
    """The chain table beside an events table (`stored_events` -> `jixiao_chain`)."""
    prefix = events_table_name.removesuffix("_events")
    return f"{prefix}_chain" if prefix != "stored" else CHAIN_TABLE


def recorder_topic(persistence_module: str) -> str | None:
    """The APPLICATION_RECORDER_TOPIC of the chained recorder for a persistence module."""
    return {
        "eventsourcing.sqlite": f"{__name__}:ChainedSQLiteRecorder",
        "eventsourcing.postgres": "domain.chain_pg:ChainedPostgresRecorder",
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
        if broke or (count, count) != source.counts():
            _diagnose(source)  # always raises a _Break: the fast pass saw something wrong
            raise _Break("changed", last_pos + 1)  # pragma: no cover - defensive
        _check_seals(source, claims)
        if head is not None:
            _check_head(source, head, last_pos)
    except _Break as exc:
        found = source.good_prefix(exc.position)
        return ChainStatus(ok=False, count=found[0], position=exc.position, digest=found[1].hex(),
                           problem=exc.problem, other=exc.other, reason=exc.reason, head=head_text)
    return ChainStatus(ok=True, count=count, position=last_pos, digest=last.hex(), head=head_text)


class _Peek:
    """An iterator that can look one item ahead."""

    def __init__(self, items: Iterator[Any]) -> None:
        self.items = items
        self.head = next(items, None)

    def take(self) -> Any:
        item, self.head = self.head, next(self.items, None)
        return item


def _diagnose(source: ChainSource) -> None:
    """Walk the log and the chain side by side and raise at the first break, classified."""
    events = _Peek(iter(source.events()))
    links = _Peek(iter(source.links()))
    last_pos, last = 0, GENESIS
    while events.head is not None or links.head is not None:
        e, c = events.head, links.head
        if c is None or (e is not None and e[0] < c[0]):
            raise _Break("inserted", e[0])  # a stored event the chain never saw
        if e is None or c[0] < e[0]:
            raise _Break("missing", c[0])  # the chain saw an event no longer stored
        pos, previous, digest = c
        if previous != last_pos:
            if last_pos < previous < pos:
                raise _Break("missing", previous)  # an event and its link both removed
            if previous < last_pos:
                raise _Break("inserted", last_pos)  # a row slipped in with a link of its own
            raise _Break("changed", pos)
        if _link_of(last, pos, e) != digest:
            events.take()
            links.take()
            _classify(source, e, pos, last, digest, events.head, links.head)
        last_pos, last = pos, bytes(digest)
        events.take()
        links.take()
    raise _Break("changed", last_pos + 1)  # pragma: no cover - the fast pass found a break


def _link_of(previous: bytes, position: int, event: tuple[Any, ...]) -> bytes | None:
    """The link an event row hashes to at a position; None for a row of wrong types."""
    try:
        return link(previous, position, *event[1:])
    except (TypeError, ValueError, OverflowError):
        return None


def _classify(source: ChainSource, event: tuple[Any, ...], pos: int, last: bytes, digest: bytes,
              next_event: tuple[Any, ...] | None, next_link: tuple[int, int, bytes] | None) -> None:
    """Why the event at `pos` does not hash to its link: always raises."""
    # the event that belongs here is the next one: a row was slipped in and the rest moved up
    shifted_up = next_event is not None and _link_of(last, pos, next_event) == digest
    # this event belongs to the next link: the row here was removed and the rest moved down
    shifted_down = next_link is not None and _link_of(bytes(digest), next_link[0], event) == next_link[2]
    if shifted_up and shifted_down:
        assert next_event is not None
        raise _Break("reordered", pos, other=next_event[0])
    if shifted_up:
        raise _Break("inserted", pos)
    if shifted_down:
        raise _Break("missing", pos)
    home = _home_of(source, event, pos)
    if home:
        raise _Break("reordered", pos, other=home)
    raise _Break("changed", pos)


def _home_of(source: ChainSource, event: tuple[Any, ...], here: int) -> int:
    """The position whose link this event hashes to, if it was moved from elsewhere."""
    last_pos, last = 0, GENESIS
    for pos, previous, digest in source.links():
        if pos != here and previous == last_pos and _link_of(last, pos, event) == digest:
            return int(pos)
        last_pos, last = pos, bytes(digest)
    return 0


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
    """One read-only snapshot of the events and the chain, in position order."""

    def joined(self) -> Iterator[tuple[Any, ...]]:
        """(position, originator id, version, topic, payload, previous, digest) of every
        event that has a link (ids and topics as bytes)."""
        raise NotImplementedError

    def scan(self, workers: int | None) -> Scan:
        return scan(self.joined(), 0, GENESIS, SEALED_TOPIC)

    def counts(self) -> tuple[int, int]:
        """How many events, and how many links."""
        raise NotImplementedError

    def events(self) -> Iterator[tuple[Any, ...]]:
        raise NotImplementedError

    def links(self) -> Iterator[tuple[int, int, bytes]]:
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
    def __init__(self, db_name: str, events_table: str) -> None:
        self.uri = db_name if db_name.startswith("file:") else f"file:{quote(db_name)}?mode=ro"
        self.conn = sqlite3.connect(self.uri, uri=True, isolation_level=None, timeout=30)
        self.conn.execute("BEGIN")  # one snapshot for every query below (WAL)
        self.events_table = events_table
        self.top = self.conn.execute(
            f"SELECT max(coalesce((SELECT max(rowid) FROM {events_table}), 0), "
            f"coalesce((SELECT max(position) FROM {CHAIN_TABLE}), 0))").fetchone()[0]

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.execute("COMMIT")
        self.conn.close()

    def joined(self) -> Iterator[tuple[Any, ...]]:
        query = SQLITE_JOINED.format(events=self.events_table, chain=CHAIN_TABLE)
        return iter(self.conn.execute(query, (1, self.top)))

    def scan(self, workers: int | None) -> Scan:
        if workers is None:
            workers = min(_usable_cpus(), 4) if self.top >= PARALLEL_MIN else 1
        if workers <= 1 or self.top < 2 * workers or self.uri.startswith("file::memory:"):
            return super().scan(workers)
        try:
            return self._parallel(workers)
        except (OSError, RuntimeError, ImportError):  # no processes to be had: do it here
            return super().scan(1)

    def _parallel(self, workers: int) -> Scan:
        """Ranges of positions checked by worker processes; rows written after this
        snapshot began lie above `top` and are not read."""
        import multiprocessing
        import threading
        from concurrent.futures import ProcessPoolExecutor

        # forking is quick, but only safe while this process runs a single thread
        method = ("fork" if threading.active_count() == 1
                  and "fork" in multiprocessing.get_all_start_methods() else "spawn")
        step = -(-self.top // workers)
        ranges = [(low, min(low + step - 1, self.top)) for low in range(1, self.top + 1, step)]
        with ProcessPoolExecutor(len(ranges), mp_context=multiprocessing.get_context(method)) as pool:
            parts = list(pool.map(scan_sqlite_range, *zip(*[
                (self.uri, self.events_table, CHAIN_TABLE, low, high, SEALED_TOPIC)
                for low, high in ranges], strict=True)))
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

    def counts(self) -> tuple[int, int]:
        events = self.conn.execute(f"SELECT count(*) FROM {self.events_table} WHERE rowid <= ?",
                                   (self.top,)).fetchone()[0]
        links = self.conn.execute(f"SELECT count(*) FROM {CHAIN_TABLE} WHERE position <= ?",
                                  (self.top,)).fetchone()[0]
        return events, links

    def events(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.conn.execute(
            "SELECT rowid, CAST(originator_id AS BLOB), originator_version, CAST(topic AS BLOB), "
            f"state FROM {self.events_table} WHERE rowid <= ? ORDER BY rowid", (self.top,)))

    def links(self) -> Iterator[tuple[int, int, bytes]]:
        return iter(self.conn.execute(f"SELECT position, previous, digest FROM {CHAIN_TABLE} "
                                      "WHERE position <= ? ORDER BY position", (self.top,)))

    def digest_at(self, position: int) -> bytes | None:
        row = self.conn.execute(f"SELECT digest FROM {CHAIN_TABLE} WHERE position = ?",
                                (position,)).fetchone()
        return bytes(row[0]) if row else None

    def good_prefix(self, position: int) -> tuple[int, bytes]:
        count = self.conn.execute(f"SELECT count(*) FROM {CHAIN_TABLE} WHERE position < ?",
                                  (position,)).fetchone()[0]
        row = self.conn.execute(f"SELECT digest FROM {CHAIN_TABLE} WHERE position < ? "
                                "ORDER BY position DESC LIMIT 1", (position,)).fetchone()
        return count, bytes(row[0]) if row else GENESIS
