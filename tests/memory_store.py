"""An event store in memory: enough of `domain.ports.EventStore` to test a rule with no
database at all. Real-store tests use `store.open_ledger` on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from domain.errors import WriteConflict
from domain.events import Event


class MemoryStore:
    """A list of (originator id, event), positions counted from 1."""

    location = ":memory:"
    kind = "memory"

    def __init__(self) -> None:
        self.log: list[tuple[UUID, Event]] = []
        self.files: dict[str, bytes] = {}  # evidence kept, by digest

    def events_of(self, aggregate_id: UUID, after_version: int) -> Sequence[Event]:
        return [e for oid, e in self.log if oid == aggregate_id and e.originator_version > after_version]

    def save(self, aggregates: Sequence[Any], files: Sequence[Any] = ()) -> list[int]:
        versions: dict[UUID, int] = {}
        for oid, event in self.log:
            versions[oid] = event.originator_version
        pending = [(a.id, e) for a in aggregates for e in a._pending]
        for oid, event in pending:
            if event.originator_version != versions.get(oid, 0) + 1:
                raise WriteConflict(f"{oid} v{event.originator_version}")
            versions[oid] = event.originator_version
        for aggregate in aggregates:
            aggregate.collect_events()
        self.log += pending
        self.files.update((f.sha256, f.content) for f in files)
        return list(range(len(self.log) - len(pending) + 1, len(self.log) + 1))

    def head(self) -> int:
        return len(self.log)

    def event_at(self, position: int) -> tuple[UUID, Event] | None:
        return self.log[position - 1] if 0 < position <= len(self.log) else None

    def digest_at(self, position: int) -> str | None:
        return None  # no chain in memory

    def close(self) -> None:
        pass
