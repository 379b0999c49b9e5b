"""Writing audit rows through a backend's book (`domain.ports.AuditBook`), one event at a
time as the recorders store them, or in bulk when a ledger of an earlier release is
indexed once (`BulkBook`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.audit_entry import after_record, audit_record
from domain.codec import decode_event
from domain.ports import AuditBook, AuditOwner, AuditRecord

PAGE = 20_000  # rows a bulk indexing inserts at a time


def write(book: AuditBook, position: int, originator: str, topic: str, state: bytes) -> None:
    """The row of one stored event (its aggregate's id as 32 hex digits), and what it
    changes in earlier rows."""
    event = decode_event(topic, state)
    record = audit_record(book, position, originator, event)
    book.insert(record)
    after_record(book, record, event)


class BulkBook:
    """The book of a first indexing, by one process holding the write lock: the owners and
    the valid awards kept in memory, the rows inserted a page at a time through
    `insert_many` (flushed before any statement that reads them); the rest is `live`'s."""

    def __init__(self, live: Any, insert_many: Callable[[list[AuditRecord]], Any]) -> None:
        self.live = live
        self.insert_many = insert_many
        self.owners: dict[str, AuditOwner] = {}
        self.awards: dict[int, list[tuple[int, str]]] = {}
        self.rows: list[AuditRecord] = []

    def aggregate(self, originator: str) -> AuditOwner:
        owner = self.owners.get(originator)
        if owner is None:
            owner = self.owners[originator] = self.live.aggregate(originator)
        return owner

    def own(self, originator: str, unit: str, year: int | None, indicator: str, section: str) -> AuditOwner:
        owner = self.owners[originator] = self.live.own(originator, unit, year, indicator, section)
        return owner  # type: ignore[no-any-return]

    def assign(self, originator: str, section: str) -> None:
        self.live.assign(originator, section)
        self.owners[originator] = self.aggregate(originator)._replace(section=section)

    def latest_award(self, agg: int) -> tuple[int, str] | None:
        awards = self.awards.get(agg)
        return awards[-1] if awards else None

    def insert(self, record: AuditRecord) -> None:
        self.rows.append(record)
        if record[16] is not None:  # a tier: its points
            self.awards.setdefault(record[14], []).append((record[15], record[16]))
        if len(self.rows) >= PAGE:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.insert_many(self.rows)
            self.rows = []

    def void(self, agg: int, version: int, by: int) -> tuple[str | None, str] | None:
        self.flush()
        voided = self.live.void(agg, version, by)
        if voided is not None and voided[1] == "TierAwarded":
            self.awards[agg] = [a for a in self.awards.get(agg, []) if a[0] != version]
        return voided  # type: ignore[no-any-return]

    def effect_of(self, agg: int, version: int) -> str | None:
        self.flush()
        return self.live.effect_of(agg, version)  # type: ignore[no-any-return]

    def set_effect(self, position: int, effect: str) -> None:
        self.flush()
        self.live.set_effect(position, effect)
