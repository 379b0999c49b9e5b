"""The hash chain over the event log: tamper evidence for the supervisory group.

Every stored event carries its link, written with the event in the same transaction:

    digest(n) = SHA-256( digest(n-1) | position | len(id) | version | len(topic)
                         | originator id | topic | payload )

with the fixed-width integers big-endian (position, version: 8 bytes; the lengths: 2
and 4 bytes), the originator id as its 32 lowercase hex characters, and digest(0) 32
zero bytes. Each link also names the position of the event before it, so an event
removed is told apart from one changed. Where the links are stored is the backend's
business (`store.sqlite.recorder`: two more columns of the event's own row;
`store.postgres.recorder`: a chain table beside the events); this module is the
algorithm alone, over rows a `ChainSource` hands it, and speaks no SQL.

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

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

import msgspec

from domain.errors import fail
from domain.events import Sealed
from domain.messages import render
from store.chain_scan import GENESIS, HEADER, Scan, link, scan

SEALED_TOPIC = Sealed.topic().encode()
MIN_HEAD_HEX = 16  # a head copied from paper may be shortened to its first 16 hex digits
__all__ = ["GENESIS", "HEADER", "ChainSource", "ChainStatus", "Scan", "check", "digest_at", "link",
           "parse_head", "scan", "verify"]

# A row of the log with its link: (position, originator id, version, topic, payload,
# previous position, digest), ids and topics as bytes; the link's two are None where an
# event has none.
Row = tuple[Any, ...]


class ChainSource(Protocol):
    """One read-only snapshot of the events and their links, in position order; each
    backend implements it (`store.sqlite.chain_source`, `store.postgres.chain_source`)."""

    def scan(self, workers: int | None) -> Scan:
        """The fast pass over every link (see `store.chain_scan.scan`)."""

    def complete(self, count: int) -> bool:
        """Whether the fast pass, having verified `count` links, saw every link there is."""

    def rows(self) -> Iterator[Row]:
        """Every stored event with its link (see Row)."""

    def missing_after(self, position: int) -> int:
        """The first position after `position` that has a link but no event (0: none)."""

    def home_of(self, row: Row) -> int:
        """The position where a row's link says it was stored, if it can be told (0: not)."""

    def digest_at(self, position: int) -> bytes | None: ...

    def good_prefix(self, position: int) -> tuple[int, bytes]:
        """How many links before `position`, and the digest of the last of them."""


class Chained(Protocol):
    """A recorder that stores the chain: it can open a snapshot of it."""

    def chain_snapshot(self) -> AbstractContextManager[ChainSource]: ...


def _originator(value: UUID | str) -> bytes:
    return (value.hex if isinstance(value, UUID) else value).encode()


def chain_links(previous_position: int, previous: bytes, events: Sequence[Any],
                positions: Sequence[int]) -> list[tuple[int, int, bytes]]:
    """The chain rows (position, previous position, digest) for events just stored
    (each with originator_id, originator_version, topic and state)."""
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


def is_chained(recorder: object) -> bool:
    return callable(getattr(recorder, "chain_snapshot", None))


def as_digest(value: Any) -> bytes | None:
    """A stored digest as bytes; None for a value that cannot be one."""
    return bytes(value) if isinstance(value, bytes | memoryview) and len(value) == len(GENESIS) else None


def link_of(previous: bytes, position: int, row: Row) -> bytes | None:
    """The link a row hashes to at a position; None for a row of wrong types."""
    try:
        return link(previous, position, *row[1:5])
    except (TypeError, ValueError, OverflowError):
        return None


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

    `app` is an opened store or a LedgerApp (anything chained, or with a chained
    `recorder`); `head` an optional sealed head, `(position, hex digest)` or the
    `POS:DIGEST` text. Reads one consistent snapshot; writers may go on meanwhile (what
    they add is not checked). Never raises for a broken chain: the result says what
    broke where. A large SQLite log is checked by several processes (`workers`; by
    default one per CPU, up to 4, from a few hundred thousand links); this takes seconds
    on a million events, so call it off a UI thread.
    """
    if isinstance(head, str):
        head = parse_head(head)
    with _chained(app).chain_snapshot() as source:
        return check(source, head, workers)


def digest_at(app: Any, position: int) -> str | None:
    """The stored chain digest (hex) at a position, or None: for checking a seal before it
    is recorded (a seal naming a digest the chain does not hold would fail every later
    verification)."""
    with _chained(app).chain_snapshot() as source:
        stored = source.digest_at(position)
    return stored.hex() if stored is not None else None


def _chained(target: Any) -> Chained:
    for candidate in (target, getattr(target, "recorder", None)):
        if is_chained(candidate):
            return candidate  # type: ignore[no-any-return]
    recorder = getattr(target, "recorder", target)
    raise fail("chain.unsupported", recorder=type(recorder).__name__)


def check(source: ChainSource, head: tuple[int, str] | None = None, workers: int | None = None) -> ChainStatus:
    """Check the chain a source hands out: the fast pass, then (only if it saw something
    wrong) the slow walk that says what broke where; the seals and the sealed head."""
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
        pos, previous, digest = row[0], row[5], as_digest(row[6])
        if digest is None:
            raise _Break("inserted", pos)  # a stored event the chain never saw
        if previous != last_pos or link_of(last, pos, row) != digest:
            _classify(source, row, last_pos, last, rows.head)
        last_pos, last = pos, digest
    missing = source.missing_after(last_pos)
    if missing:
        raise _Break("missing", missing)  # the chain saw events no longer stored
    raise _Break("changed", last_pos + 1)  # pragma: no cover - the fast pass found a break


def _classify(source: ChainSource, row: Row, last_pos: int, last: bytes, following: Row | None) -> None:
    """Why the row does not continue the chain after (last_pos, last): always raises."""
    pos, previous, digest = row[0], row[5], as_digest(row[6])
    if link_of(last, pos, row) == digest:
        raise _Break("changed", pos)  # the event is intact; its link names a wrong predecessor
    after = as_digest(following[6]) if following is not None else None
    if following is not None and after is not None and link_of(last, pos, following) == after:
        # the next row belongs here: this one was slipped in, or moved from its place
        # right after the next
        if link_of(after, following[0], row) == digest:
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
