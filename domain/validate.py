"""Checks of single values shared by every command: text length, dates, amounts."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from domain.controls import escaped, first_control
from domain.errors import fail
from domain.localtime import local_zone

CENT = Decimal("0.01")
PERIOD = re.compile(r"^(\d{4})Q([1-4])$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
NAME_LIMIT = 200  # names, titles, tiers, basis documents
TEXT_LIMIT = 4000  # notes, descriptions, remarks
REASON_LIMIT = 2000


def text(field: str, value: str, limit: int, *, required: bool = False) -> str:
    value = value or ""
    if required and not value.strip():
        raise fail("value.required", field=field)
    if len(value) > limit:
        raise fail("value.too_long", field=field, actual=len(value), allowed=limit)
    control(field, value)
    return value


def control(field: str, value: str, *, line: bool = False) -> str:
    """Refuse a control character or escape sequence (ESC, BEL, CR, BS, C1, bidi overrides):
    shown later on a terminal, it would act instead of being read. Tab and newline are
    text, except in a one-line value (`line`)."""
    found = first_control(value or "", line=line)
    if found is not None:
        at, char = found
        raise fail("value.control", field=field, char=escaped(char), at=at)
    return value


def amount(field: str, value: Decimal | str | float | int, *, allow_zero: bool = False) -> Decimal:
    """The one parser of amounts, for both faces: points, and money in yuan (kept in fen by
    internal.yuan_to_fen), as an exact Decimal of at most two decimals; not negative, and
    not zero unless `allow_zero`."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise fail("value.number", field=field, actual=value) from None
    if not number.is_finite() or number < 0 or (number == 0 and not allow_zero):
        raise fail("value.positive", field=field, actual=value)
    if number != number.quantize(CENT):
        raise fail("value.cents", field=field, actual=value)
    return number.quantize(CENT)


def parse_date(field: str, value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise fail("value.date", field=field, actual=value) from None


def parse_moment(field: str, value: str | dt.datetime | None) -> dt.datetime | None:
    """A recorded-time moment (`--known-at`, the terminal's `t` dialog), in UTC.

    The one rule for both faces: ISO 8601, `YYYY-MM-DD[ HH:MM[:SS]]` or with a `T`; a time
    without an offset is the unit's local time (domain/localtime.py: the plan's zone,
    Asia/Shanghai by default, the one effective dates are counted in); an offset (`Z`,
    `+00:00`) is taken as given; a bare date means the end of that local day. Empty means
    "now" (None).
    """
    if value is None or isinstance(value, dt.datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=local_zone())
    text = value.strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise fail("value.date", field=field, actual=value) from None
    if len(text) <= 10:  # a bare date: the end of that day
        moment = moment + dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone())
    return moment.astimezone(dt.UTC)


def business_date(now: dt.datetime) -> dt.date:
    return now.astimezone(local_zone()).date()


def filing_window_end(plan_year: int, months: int = 3) -> dt.date:
    """The last business date an entry of the year may carry: the seed's filings run into
    the next year (the fourth quarter by 1-5, the internal evaluation in early February),
    and a plan's deadlines may fall up to `Rules.deadline_window_months` (3) after the
    year, so entries about the year are accepted until the end of that window."""
    return dt.date(plan_year + 1 + months // 12, months % 12 + 1, 1) - dt.timedelta(days=1)


def period_end(period: str) -> dt.date:
    """The last day of a quarter written 2021Q3."""
    match = PERIOD.match(period or "")
    if not match:
        raise fail("value.period", actual=period)
    year, quarter = int(match.group(1)), int(match.group(2))
    return dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - dt.timedelta(days=1)


def default_for_period(value: dt.date | None, period: str, now: dt.datetime) -> dt.date | None:
    """An entry about a past quarter is dated to that quarter's end unless a date is given."""
    if value is not None or not period:
        return value
    end = period_end(period)
    return end if end < business_date(now) else None


def effective_date(value: dt.date | None, now: dt.datetime, plan_year: int | None) -> dt.date:
    """The business date of an event: today by default; a date given stays inside the
    plan's year and its filing window, and never after today."""
    today = business_date(now)
    if value is None:
        return today
    if value > today:
        raise fail("value.future", field="effective", actual=value, allowed=today)
    if plan_year is not None and value < dt.date(plan_year, 1, 1):
        raise fail("value.before_year", field="effective", actual=value, allowed=plan_year)
    if plan_year is not None and value > filing_window_end(plan_year):
        raise fail("value.after_year", field="effective", actual=value, allowed=filing_window_end(plan_year))
    return value


def period(value: str, plan_year: int) -> str:
    match = PERIOD.match(value or "")
    if not match:
        raise fail("value.period", actual=value)
    if int(match.group(1)) != plan_year:
        raise fail("value.period_year", actual=value, allowed=plan_year)
    return value


def percent(value: int) -> int:
    if not isinstance(value, int) or not 0 <= value <= 100:
        raise fail("value.percent", actual=value)
    return value


def sha256(value: str) -> str:
    if not SHA256.match(value or ""):
        raise fail("value.sha256", actual=value)
    return value
