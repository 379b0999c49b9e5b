"""The values of plan workbook cells: blanks, quoted text, lists, numbers, dates, yes/no."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from domain.plan_xlsx_layout import (
    DATE_FORMATS,
    FALSE_WORDS,
    LIST_SPLIT,
    PARENT,
    TRUE_WORDS,
    ValueKind,
)
from domain.sheet_values import halfwidth, parse_decimal


@dataclass
class Row:
    """A record read from a sheet, with the cell of each field."""

    values: dict[str, Any]
    refs: dict[str, str] = field(default_factory=dict)  # field -> "sheet!E7"
    ref: str = ""  # the row's first cell



def unquote(text: str) -> str | None:
    """The string a JSON-quoted cell ("\" 业务股 \"") holds, else None."""
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, str) else None
    return None


class Absent:
    pass


ABSENT = Absent()


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def blank_text(value: Any) -> bool:
    return value is None or value == ""


def as_text(value: Any) -> str:
    """A cell value typed as something else, as the text a clerk meant (1 -> "1")."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def parent_id(row: Row) -> str | None:
    parent = row.values.pop(PARENT, "")
    return None if not parent.strip() else parent


def parse_list(text: str, kind: ValueKind) -> list[str]:
    """Items of a list cell: a JSON array of strings, or text split at the separators."""
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except ValueError:
            items = None
        if isinstance(items, list) and all(isinstance(i, str) for i in items):
            return items
    pieces = text.splitlines() if kind == "lines" else LIST_SPLIT.split(text)
    return [p.strip() for p in pieces if p.strip()]


parse_decimal = parse_decimal  # full-width digits read as digits, as everywhere


def parse_int(value: Any) -> int | None:
    number = parse_decimal(value)
    if number is None or number.adjusted() > 100 or number != number.to_integral_value():
        return None
    return int(number)


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = halfwidth(value).strip()
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    return None


def parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
    return None


PARSERS: dict[str, Callable[[Any], Any]] = {
    "int": parse_int,
    "decimal": parse_decimal,
    "date": parse_date,
    "bool": parse_bool,
}
EXPECTED: dict[str, tuple[str, str]] = {
    "int": ("整数", "a whole number"),
    "decimal": ("数字", "a number"),
    "date": ("日期（如 2021-06-30）", "a date (such as 2021-06-30)"),
    "bool": ("“是”或“否”", "是 or 否 (yes or no)"),
}


