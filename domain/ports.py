"""The ports: what the rules and the read models need of a store, as `typing.Protocol`s.

`store/` implements each of them once per backend (SQLite, PostgreSQL); `domain/` and
`projections/` are written against these and never see SQL, `sqlite3` or `psycopg`.
The command line and the terminal UI get a store from `store.open_ledger(...)` and
hand its parts on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol
from uuid import UUID

from domain.events import Event

# One stored event as the log hands it out, undecoded: (position, originator id as 32
# lowercase hex digits, topic, payload). Decoding is `domain.codec.decode_event`.
RawRow = tuple[int, str, str, bytes]


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

    def save(self, aggregates: Sequence[Any]) -> list[int]:
        """Store the aggregates' pending events in one transaction; their positions.
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


class Follower(Protocol):
    """Hears of each commit to the log (see `LogReader.follow`)."""

    subscribed: bool  # True while new rows arrive through `drain` (PostgreSQL LISTEN)

    def drain(self, after: int) -> list[RawRow] | None:
        """Rows received after `after`, in order; None when some may have been missed."""

    def stop(self) -> None: ...


class LogReader(Protocol):
    """The ordered log, as the projections fold it."""

    def pages(self, after: int = 0, stop: int | None = None) -> Iterator[list[RawRow]]:
        """Every stored row after `after` (up to `stop`), a page at a time, in order."""

    def at(self, positions: Iterable[int]) -> list[RawRow]:
        """The rows stored at the given positions (those that exist), in order."""

    def head(self) -> int:
        """The position of the last stored event (0 for an empty log); cheap."""

    def identity(self, position: int) -> tuple[str, int] | None:
        """(originator id, version) of the event at `position`, None if there is none:
        how a read model tells that the log is still the one it was built from."""

    def follow(self, after: int, on_new: Callable[[], None] | None = None, *,
               interval: float = 0.2) -> Follower:
        """Start hearing of commits after `after`; `on_new` is called from another thread."""

    def close(self) -> None: ...
