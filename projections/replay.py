"""Replaying the log into the year fold: now, or as of any moment on the two clocks."""

from __future__ import annotations

import datetime as dt

from domain.ports import LogReader
from projections.fold import YearFold
from projections.standings import standings
from projections.stream import Clocks, read_rows


def replay(log: LogReader, *, as_of: dt.date | None = None,
           known_at: dt.datetime | None = None) -> YearFold:
    """Fold the whole log, admitting events effective by `as_of` and recorded by `known_at`."""
    fold = YearFold(Clocks(as_of, known_at))
    fold.feed_rows(read_rows(log))
    return fold


def catch_up(fold: YearFold, log: LogReader) -> int:
    """Apply events recorded since the fold's position; returns how many were read."""
    return fold.feed_rows(read_rows(log, after=fold.position))


def rebuild(log: LogReader, today: dt.date) -> YearFold:
    """A full rebuild: fold the whole log and compute the standings of every plan."""

    fold = replay(log)
    for plan in fold.plan_folds():
        standings(plan, today=today, position=fold.position)
    return fold
