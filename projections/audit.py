"""The audit trail: one row per event, in an audit table that pages without loading all.

The store writes each event's row in the transaction that stores the event (what a row
holds is `domain.audit_entry`'s), so the trail never needs building: `AuditTrail(index)`
reads the table a store keeps (`domain.ports.AuditIndex`: inside a SQLite ledger file,
in a PostgreSQL ledger's database); `page(filters, before_position, limit)` reads a
page newest first by keyset paging. How each filter, and the free text, is answered
fast is the store's (see `store.sqlite.audit`, `store.postgres.audit`).

Each row says who (actor, role), when (recorded, effective), what (kind, target,
summary), why (reason), which section and indicator it concerns, its raw effect on the
points (before floors and caps) and, once corrected, the correction that voided it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from domain.audit_query import TEXT_COLUMNS, AuditFilter, AuditRow, as_filter, parse_ts
from domain.describe import kind_label
from domain.ports import AuditIndex, LogReader, StoredAuditRow

__all__ = ["TEXT_COLUMNS", "AuditFilter", "AuditRow", "AuditTrail"]


class AuditTrail:
    """The audit trail of one ledger, kept in `index`."""

    def __init__(self, index: AuditIndex) -> None:
        self.index = index

    @property
    def conn(self) -> Any:
        """The index's own connection (for tests and benchmarks that look at its plans)."""
        return getattr(self.index, "conn", None)

    def close(self) -> None:
        self.index.close()

    def __enter__(self) -> AuditTrail:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def max_position(self) -> int:
        """The newest row's position (0 for an empty table): one indexed lookup."""
        return self.index.max_position()

    @property
    def position(self) -> int:
        return self.max_position()

    def refresh(self, log: LogReader, *, progress: Callable[[int], Any] | None = None) -> int:
        """Nothing to fold: every stored event's row was written with it. Kept for the
        callers that once had to bring the table up to date; returns 0."""
        return 0

    # -- reading -----------------------------------------------------------------------
    def page(self, filters: AuditFilter | dict[str, Any] | None = None,
             before_position: int | None = None, limit: int = 100) -> list[AuditRow]:
        """A page of rows, newest first, strictly before `before_position` when given."""
        f = as_filter(filters)
        return [self._decode(r, f) for r in self.index.page(f, before_position, limit)]

    def page_query(self, filters: AuditFilter | dict[str, Any] | None = None,
                   before_position: int | None = None, limit: int = 100) -> tuple[str, list[Any]]:
        """The statement `page` runs, with its parameters (in the store's own dialect)."""
        return self.index.page_query(as_filter(filters), before_position, limit)

    def count(self, filters: AuditFilter | dict[str, Any] | None = None) -> int:
        return self.index.count(as_filter(filters))

    def rows(self, filters: AuditFilter | dict[str, Any] | None = None, *,
             limit: int | None = None) -> Iterable[AuditRow]:
        """Every matching row, newest first, a page at a time."""
        before = None
        left = limit
        while left is None or left > 0:
            page = self.page(filters, before_position=before, limit=min(1000, left or 1000))
            if not page:
                return
            yield from page
            before = page[-1].position
            if left is not None:
                left -= len(page)

    @staticmethod
    def _decode(r: StoredAuditRow, f: AuditFilter) -> AuditRow:
        voided_by = r[14]
        if voided_by is not None and (
                (f.known_at is not None and parse_ts(r[15]) > f.known_at)
                or (f.as_of is not None and dt.date.fromisoformat(r[16]) > f.as_of)):
            voided_by = None  # the correction had not happened on the clocks asked for
        return AuditRow(
            position=r[0], recorded=parse_ts(r[1]), effective=dt.date.fromisoformat(r[2]),
            actor=r[3], role=r[4], kind=r[5], kind_label=kind_label(r[5]), unit=r[6], year=r[7],
            section=r[8], indicator=r[9], target=r[10], summary=r[11], reason=r[12],
            effect=Decimal(r[13]) if r[13] is not None else None, voided_by=voided_by,
            voided_by_actor=r[17] if voided_by is not None else "",
            void_reason=r[18] if voided_by is not None else "")

