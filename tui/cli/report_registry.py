"""The reports `jixiao report NAME` knows, and the helpers every report builder shares.

A builder registers itself with `@report(name)`; `tui.cli.report` runs it and prints what
it returns. Kept apart from both report modules so each imports this one, not the other.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import Any

from domain.errors import fail
from projections.fold import YearFold
from projections.stream import Clocks, read_at

# name -> builder(fold, args, today) -> (title, sheets, json data)
Sheet = tuple[str, list[str], list[list[Any]]]
Builder = Callable[[YearFold, argparse.Namespace, dt.date], tuple[str, list[Sheet], Any]]
REPORTS: dict[str, Builder] = {}
# the order `jixiao report` lists them in (each registers when its module is imported)
ORDER = ("standings", "ledger", "quarterly", "decomposition", "contacts", "deadlines", "self-inspection", "audit",
         "internal", "ranking")
# name -> the report as a Markdown document, from its json data (reports that read as prose)
DOCUMENTS: dict[str, Callable[[Any], str]] = {}


def report(name: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        REPORTS[name] = builder
        return builder

    return register


def names() -> list[str]:
    """The reports registered, in the order they are listed."""
    return sorted(REPORTS, key=lambda name: ORDER.index(name) if name in ORDER else len(ORDER))


def plan_or_fail(fold: YearFold, args: argparse.Namespace | None = None) -> Any:
    unit = getattr(args, "unit", "") or None
    year = getattr(args, "year", 0) or None
    plan_fold = fold.plan_fold(unit, year)
    if plan_fold is None or plan_fold.plan is None:
        raise fail("ledger.no_plan")
    return plan_fold


def reader(args: argparse.Namespace) -> Callable[[Any], dict[int, Any]]:
    """Reads events back from the log by position (for the texts reports show)."""
    app = args.ledger.app
    return lambda positions: read_at(app, positions)


def moment_of(fold: YearFold) -> str:
    clocks: Clocks = fold.clocks
    text = f"截至 {clocks.as_of}" if clocks.as_of else "当前"
    if clocks.known_at:
        text += f"（以 {clocks.known_at:%Y-%m-%d %H:%M} UTC 时的记录为准）"
    return text
