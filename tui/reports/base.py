"""What every report shares: its typed query, what it reads, its result and the registry.

A report is a plain function `(fold, source, query) -> (title, sheets, data)`: the fold
of the moment asked for, where to read events and the ledger from, and a `ReportQuery`
of typed values. The command line (tui/cli/report.py) builds the query from its options,
the terminal's screens from what they show; neither passes the other's objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from domain.errors import fail
from domain.localtime import local_text
from projections.fold import PlanFold, YearFold
from projections.live import LiveFold, Progress
from projections.replay import replay
from projections.stream import Clocks, read_at
from projections.work_ledger import Reader

Sheet = tuple[str, list[str], list[list[Any]]]
Built = tuple[str, list[Sheet], Any]  # title, sheets, the data JSON shows


class ReportQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Which report of what: every value already parsed (dates, moments, numbers)."""

    unit: str = ""  # the unit whose plan (default: the latest plan)
    year: int = 0
    section: str = ""
    indicator: str = ""
    period: str = ""  # the quarter: Q3 or 2021Q3 (default: the latest reported)
    as_of: dt.date | None = None
    known_at: dt.datetime | None = None
    format: str = "table"
    county: str = ""  # ranking: units whose names begin with this
    as_filed: str | None = None  # quarterly: the quarter whose filed original to show
    diff_filed: str | None = None  # quarterly: the quarter whose changes since filing to show
    actor: str = ""  # audit: only events by this user
    kinds: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    text: str = ""
    score_only: bool = False
    limit: int = 100
    before: int | None = None


@dataclass(frozen=True)
class Source:
    """Where a report reads besides its fold: the ledger, and events back by position."""

    ledger: Any  # domain.commands.Ledger
    read: Reader
    today: dt.date

    @classmethod
    def of(cls, ledger: Any, today: dt.date) -> Source:
        log = ledger.store.log
        return cls(ledger, lambda positions: read_at(log, positions), today)


Builder = Callable[[YearFold, Source, ReportQuery], Built]
REPORTS: dict[str, Builder] = {}
# name -> the report as a Markdown document, from its data (reports that read as prose)
DOCUMENTS: dict[str, Callable[[Any], str]] = {}


def report(name: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        REPORTS[name] = builder
        return builder

    return register


def open_fold(ledger: Any, as_of: dt.date | None, known_at: dt.datetime | None,
              progress: Progress | None = None) -> YearFold:
    """The fold now (from the checkpoint, caught up; `progress` hears how far) or replayed on
    the two clocks."""
    if as_of is None and known_at is None:

        live = LiveFold(ledger.store.log, checkpoint=ledger.store.checkpoints)
        try:
            return live.open(progress)
        finally:
            live.close()
    return replay(ledger.store.log, as_of=as_of, known_at=known_at)


def plan_or_fail(fold: YearFold, query: ReportQuery) -> PlanFold:
    plan_fold = fold.plan_fold(query.unit or None, query.year or None)
    if plan_fold is None or plan_fold.plan is None:
        raise fail("ledger.no_plan")
    return plan_fold


def moment_of(fold: YearFold) -> str:
    clocks: Clocks = fold.clocks
    text = f"截至 {clocks.as_of}" if clocks.as_of else "当前"
    if clocks.known_at:
        text += f"（以 {local_text(clocks.known_at)} 时的记录为准）"
    return text


def when(value: dt.datetime | None) -> str:
    return local_text(value)
