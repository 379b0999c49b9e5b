"""The unit's local time: one time zone for every date and time a person types or reads.

Effective dates are counted in it, a moment typed without an offset (`--as-of`,
`--known-at`, the terminal's `t` dialog) is read in it, and every printed recorded time
is shown in it. Stored recorded times stay UTC. The zone is the plan's `time_zone`
(Asia/Shanghai by default, through `zoneinfo`); a ledger is opened in its plan's zone.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import fail

DEFAULT_ZONE = "Asia/Shanghai"
_current: list[dt.tzinfo] = [ZoneInfo(DEFAULT_ZONE)]


def zone_of(name: str) -> ZoneInfo:
    """The time zone of an IANA name (Asia/Shanghai), or a refusal naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise fail("value.time_zone", actual=name) from None


def local_zone() -> dt.tzinfo:
    return _current[0]


def use_zone(name: str) -> None:
    """Count dates and show times in this zone from now on (a ledger opened on its plan)."""
    _current[0] = zone_of(name or DEFAULT_ZONE)


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(_current[0])


def local_text(moment: dt.datetime | None) -> str:
    """A recorded time as printed: local, to the minute."""
    return f"{local(moment):%Y-%m-%d %H:%M}" if moment else ""
