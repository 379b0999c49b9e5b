"""Reading the ordered log fast: (position, event) pairs decoded straight into structs.

The rows come from a `domain.ports.LogReader` (each backend reads its own table its own
fastest way) and are decoded here with msgspec: the library's stock path builds objects
we would throw away.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any
from uuid import UUID

from domain.codec import TOPICS, decode_event, decoders
from domain.events import Event
from domain.ports import LogReader, RawRow


class Clocks:
    """The two clocks of a replay: what had happened by `as_of`, as known at `known_at`."""

    def __init__(self, as_of: dt.date | None = None, known_at: dt.datetime | None = None) -> None:
        self.as_of = as_of
        self.known_at = known_at

    @property
    def now(self) -> bool:
        return self.as_of is None and self.known_at is None

    def admits(self, event: Event, structural: bool = False) -> bool:
        """Structural events (users, the plan) are filtered by what was known, not by date."""
        if self.known_at is not None and event.timestamp > self.known_at:
            return False
        return structural or self.as_of is None or event.effective <= self.as_of


def read_log(log: LogReader, after: int = 0, stop: int | None = None) -> Iterator[tuple[int, Any, Event]]:
    """Every stored event after position `after` (up to `stop`), in global order."""
    for page in read_pages(log, after, stop):
        yield from page


def read_pages(log: LogReader, after: int = 0, stop: int | None = None) -> Iterator[list[tuple[int, Any, Event]]]:
    """The same events as `read_log`, a page (a list) at a time: the fast way to fold."""
    fast = {topic: decoders[t].decode for topic, (t, version) in TOPICS.items() if version == t.VERSION}
    ids = UUIDS

    def oid(originator: str) -> UUID:
        return ids.setdefault(originator, UUID(originator))

    for rows in log.pages(after, stop):
        yield [(position, ids.get(originator) or oid(originator),
                fast[topic](state) if topic in fast else decode_event(topic, state))
               for position, originator, topic, state in rows]


def read_rows(log: LogReader, after: int = 0, stop: int | None = None) -> Iterator[list[RawRow]]:
    """The stored rows after `after` (up to `stop`), undecoded, a page at a time:
    (position, originator id as 32 hex digits, topic, payload). For `YearFold.feed_rows`."""
    return log.pages(after, stop)


# Originator ids, one object per aggregate: the fold's tables are keyed by the same
# objects, so a lookup matches by identity and never calls UUID.__eq__ (Python code).
UUIDS: dict[str, UUID] = {}


def shared_uuid(value: UUID) -> UUID:
    """The one UUID object kept for this id (as the log reader gives it: 32 hex digits)."""
    return UUIDS.setdefault(value.hex, value)


def max_position(log: LogReader) -> int:
    """The position of the last stored event (one cheap query; 0 for an empty log)."""
    return log.head()


def read_at(log: LogReader, positions: Iterable[int]) -> dict[int, tuple[UUID, Event]]:
    """The stored events at the given positions: {position: (originator, event)}."""
    return {position: (UUID(originator), decode_event(topic, state))
            for position, originator, topic, state in log.at(positions)}
