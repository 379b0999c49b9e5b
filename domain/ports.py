"""The ports: what the rules and the read models need of a store, as `typing.Protocol`s.

`store/` implements each of them once per backend (SQLite, PostgreSQL); `domain/` and
`projections/` are written against these and never see SQL, `sqlite3` or `psycopg`.
The command line and the terminal UI get a store from `store.open_ledger(...)` and
hand its parts on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple, Protocol
from uuid import UUID

import msgspec

from domain.audit_query import AuditFilter
from domain.events import Event

# One stored event as the log hands it out, undecoded: (position, originator id as 32
# lowercase hex digits, topic, payload). Decoding is `domain.codec.decode_event`.
RawRow = tuple[int, str, str, bytes]


class EvidenceFile(msgspec.Struct, frozen=True):
    """An evidence file to keep with the event that attaches it: its digest and bytes."""

    sha256: str  # lowercase hex
    content: bytes


class EventStore(Protocol):
    """What the ledger service (`domain.ledger`) needs to load and save aggregates.

    `store.open_store` opens one for a ledger location (`store.open_ledger` binds a
    `domain.commands.Ledger` to it); a rule test may hand the ledger any object that
    keeps these promises, in memory.
    """

    location: str  # the ledger location: a SQLite path or a postgresql:// URL (no password)
    kind: str  # "sqlite" or "postgres": decided once, when the store was opened

    def events_of(self, aggregate_id: UUID, after_version: int) -> Sequence[Event]:
        """The decoded events of one aggregate after a version, in order.
        Raises `domain.errors.StoreUnreachable` when the store does not answer."""

    def save(self, aggregates: Sequence[Any], files: Sequence[EvidenceFile] = ()) -> list[int]:
        """Store the aggregates' pending events in one transaction, with the evidence
        files given (each kept once, by digest), and return the events' positions.
        Raises `domain.errors.WriteConflict` when a concurrent writer got there first and
        `domain.errors.StoreUnreachable` when the store does not answer."""

    def head(self) -> int:
        """The position of the last stored event (0 for an empty log).
        Raises `domain.errors.StoreUnreachable` when the store does not answer."""

    def event_at(self, position: int) -> tuple[UUID, Event] | None:
        """The originator id and decoded event stored at a position; None if none is."""

    def digest_at(self, position: int) -> str | None:
        """The hash chain's digest (hex) stored at a position; None if there is none."""

    def close(self) -> None: ...


class EvidenceStore(Protocol):
    """The evidence files kept beside the log, by SHA-256 digest (content-addressed)."""

    def get(self, sha256: str) -> bytes | None:
        """The kept file with this digest, byte for byte; None if it is not kept."""

    def kept(self, digests: Iterable[str]) -> set[str]:
        """Which of these digests have their file kept."""

    def check(self) -> Iterator[tuple[str, bool]]:
        """Every kept file's digest, and whether its bytes still hash to it."""


class Follower(Protocol):
    """Hears of each commit to the log (see `LogReader.follow`)."""

    subscribed: bool  # True while new rows arrive through `drain` (PostgreSQL LISTEN)
    failures: int  # subscriptions lost so far (a server restart, a dropped network)

    def drain(self, after: int) -> list[RawRow] | None:
        """Rows received after `after`, in order; None when some may have been missed
        (a new subscription began): then the caller reads the log itself."""

    def stop(self) -> None:
        """Stop hearing; returns once the listening thread has ended."""


class LogReader(Protocol):
    """The ordered log, as the projections fold it. `close` only lets go of what the
    reader keeps open between calls; it may be used again afterwards."""

    def pages(self, after: int = 0, stop: int | None = None) -> Iterator[list[RawRow]]:
        """Every stored row after `after` (up to `stop`), a page at a time, in order, from
        one consistent view of the log where the backend allows it."""

    def at(self, positions: Iterable[int]) -> list[RawRow]:
        """The rows stored at the given positions (those that exist), in order."""

    def head(self) -> int:
        """The position of the last stored event (0 for an empty log); cheap."""

    def identity(self, position: int) -> tuple[str, int] | None:
        """(originator id as a hyphenated UUID, version) of the event at `position`, None
        if there is none: how a read model tells that the log is still the one it was
        built from."""

    def follow(self, after: int, on_new: Callable[[], None] | None = None, *,
               interval: float = 0.2) -> Follower:
        """Start hearing of commits after `after`; `on_new` is called from another thread,
        once until the next `drain` (SQLite, which cannot notify, is watched every
        `interval` seconds)."""

    def close(self) -> None: ...


class CheckpointStore(Protocol):
    """Where the year fold's checkpoint is kept: a header line and the state's bytes
    (their meaning is `projections.checkpoint`'s)."""

    location: str  # a file path, or where in a database (for messages)

    def header(self) -> bytes | None:
        """The stored header (one line of JSON), None if there is no checkpoint."""

    def state(self) -> bytes | memoryview | None:
        """The stored state, None if there is none."""

    def write(self, header: bytes, state: bytes) -> None:
        """Replace the checkpoint as one step: a reader sees the old one or the new one."""


# One row of the audit table, as the store writes it with its event: (position, recorded,
# effective, actor, role, kind, unit, year, section, indicator, target, summary, reason,
# effect, agg, version, points); times and dates as text (`domain.audit_query.ts`), the
# effect as decimal text or None, `agg` a small number per aggregate, `points` a tier's
# points (None for other kinds). `voided_by` is set later, by `AuditBook.void`.
AuditRecord = tuple[int, str, str, str, str, str, str, int | None, str, str, str, str, str,
                    str | None, int, int, str | None]

# One row read back: the record's first fourteen columns (position .. effect), then
# voided_by and the voiding row's recorded, effective, actor and reason (None if not voided).
StoredAuditRow = tuple[Any, ...]


class AuditOwner(NamedTuple):
    """What the audit table knows of one aggregate: its number, and the unit, year,
    indicator and section its events belong to (year None: not known to belong)."""

    agg: int
    unit: str
    year: int | None
    indicator: str
    section: str


class AuditBook(Protocol):
    """The audit table as `domain.audit_entry` writes it, inside the transaction that
    stores the events (aggregate ids as 32 lowercase hex digits)."""

    def aggregate(self, originator: str) -> AuditOwner:
        """The aggregate's entry, made (with a new number and no owner) if it has none."""

    def own(self, originator: str, unit: str, year: int | None, indicator: str, section: str) -> AuditOwner:
        """Say which unit, year, indicator and section the aggregate belongs to."""

    def assign(self, originator: str, section: str) -> None:
        """The aggregate's indicator is now the section's."""

    def latest_award(self, agg: int) -> tuple[int, str] | None:
        """(version, points) of the aggregate's latest tier awarded and not voided."""

    def insert(self, record: AuditRecord) -> None: ...

    def void(self, agg: int, version: int, by: int) -> tuple[str | None, str] | None:
        """Mark the row of (agg, version) voided by position `by`; its (effect, kind)."""

    def effect_of(self, agg: int, version: int) -> str | None:
        """The stored effect of the row of (agg, version), None if none or no row."""

    def set_effect(self, position: int, effect: str) -> None: ...


class AuditIndex(Protocol):
    """The audit table of one ledger, written with its events: rows that page newest
    first without loading all."""

    location: str

    def page(self, filters: AuditFilter, before_position: int | None, limit: int) -> list[StoredAuditRow]:
        """Matching rows, newest first, strictly before `before_position` when given."""

    def page_query(self, filters: AuditFilter, before_position: int | None,
                   limit: int) -> tuple[str, list[Any]]:
        """The statement `page` runs and its parameters, in the backend's own dialect."""

    def count(self, filters: AuditFilter) -> int: ...

    def max_position(self) -> int:
        """The newest row's position (0 for none): one indexed lookup."""

    def close(self) -> None: ...


class ReadSide(EventStore, Protocol):
    """An opened ledger's store as the command line and the terminal UI hold it: the
    event store with the parts the read models are folded from."""

    kind: str  # "sqlite" or "postgres": asked of the store, never of the location text

    @property
    def log(self) -> LogReader: ...

    @property
    def checkpoints(self) -> CheckpointStore: ...

    def audit_index(self, path: str | None = None) -> AuditIndex: ...

    @property
    def evidence(self) -> EvidenceStore: ...
