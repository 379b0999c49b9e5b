"""What the audit trail is asked and what it answers: its filter, its rows, and the
filter narrowed to plain conditions each store writes in its own SQL.

The audit table is built by `projections.audit` and kept by `store/` (a file beside a
SQLite ledger, tables in a PostgreSQL ledger's database); both sides read these types.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from domain.events import SCORE_KINDS

TEXT_COLUMNS = ("summary", "reason", "actor", "target")  # what a text filter searches
EQUAL_COLUMNS = ("actor", "kind", "section", "indicator", "unit")


class AuditRow(msgspec.Struct, kw_only=True):
    position: int
    recorded: dt.datetime
    effective: dt.date
    actor: str
    role: str
    kind: str
    kind_label: str
    unit: str
    year: int | None
    section: str
    indicator: str
    target: str
    summary: str
    reason: str
    effect: Decimal | None
    voided_by: int | None = None
    voided_by_actor: str = ""
    void_reason: str = ""


class AuditFilter(msgspec.Struct, kw_only=True):
    """What to show; every field narrows. Dates are effective dates, times recorded ones."""

    actor: str = ""
    kind: str = ""
    kinds: list[str] = []
    section: str = ""
    indicator: str = ""
    unit: str = ""
    year: int | None = None
    since: dt.date | None = None  # effective on or after
    until: dt.date | None = None  # effective on or before
    recorded_from: dt.datetime | None = None
    recorded_to: dt.datetime | None = None
    text: str = ""
    score_only: bool = False  # only events that change points
    as_of: dt.date | None = None  # the two clocks: rows and voids effective by this date
    known_at: dt.datetime | None = None  # ...and recorded by this time


def as_filter(filters: AuditFilter | dict[str, Any] | None) -> AuditFilter:
    """A filter from a filter, a mapping of its fields, or nothing (everything)."""
    if filters is None:
        return AuditFilter()
    if isinstance(filters, AuditFilter):
        return filters
    return msgspec.convert(filters, AuditFilter, strict=False)


def ts(value: dt.datetime) -> str:
    """A recorded time as the audit table stores it: sortable text, always UTC and
    always with microseconds."""
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    return value.isoformat(" ", "microseconds")[:26]


def parse_ts(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=dt.UTC)


class Conditions(msgspec.Struct, kw_only=True):
    """A filter as conditions on the audit table's columns, values as stored: every one
    holds for a matching row. `like` is the text as a LIKE pattern with `\\` escaping."""

    equal: list[tuple[str, str]]  # (column, value)
    year: int | None
    kinds: list[str]  # sorted; empty: any kind
    since: str | None  # effective >=
    until: str | None  # effective <=
    recorded_from: str | None
    recorded_to: str | None
    text: str
    like: str


def conditions(f: AuditFilter) -> Conditions:
    """The filter narrowed: the two clocks folded into the date bounds, `score_only` into
    the kinds, the text escaped for LIKE (% and _ are literal)."""
    kinds = list(f.kinds)
    if f.score_only:
        kinds = [k for k in (kinds or SCORE_KINDS) if k in SCORE_KINDS]
    until = f.until
    if f.as_of is not None:
        until = min(until, f.as_of) if until else f.as_of
    recorded_to = f.recorded_to
    if f.known_at is not None:
        recorded_to = min(recorded_to, f.known_at) if recorded_to else f.known_at
    text = f.text
    like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" if text else ""
    return Conditions(
        equal=[(col, getattr(f, col)) for col in EQUAL_COLUMNS if getattr(f, col)], year=f.year,
        kinds=sorted(kinds), since=f.since.isoformat() if f.since else None,
        until=until.isoformat() if until else None,
        recorded_from=ts(f.recorded_from) if f.recorded_from else None,
        recorded_to=ts(recorded_to) if recorded_to else None, text=text, like=like)
