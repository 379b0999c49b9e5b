"""When the supervisory group should sign a seal again.

By default once a quarter (the seed's quarterly analysis meeting): a reminder is due when
the last signed seal was recorded before the current quarter began. A unit that seals on
another rhythm gives the interval in days (`jixiao seal --interval-days N`).
"""

from __future__ import annotations

import datetime as dt

DEFAULT_INTERVAL_DAYS: int | None = None  # None: each calendar quarter


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def seal_due(last: dt.datetime | None, now: dt.datetime, interval_days: int | None = DEFAULT_INTERVAL_DAYS) -> bool:
    """Whether a signed seal is due: none yet, or the last one older than the interval."""
    if last is None:
        return True
    if interval_days is None:
        return last.astimezone(dt.UTC).date() < quarter_start(now.astimezone(dt.UTC).date())
    return now - last > dt.timedelta(days=interval_days)
