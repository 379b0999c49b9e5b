"""Cell values as clerks type them: full-width digits, "3分", 2021年6月30日, merged ranges.

Shared by the reader of jixiao's own workbook layout (domain/plan_xlsx.py) and the reader
of the offices' one-sheet indicator table (domain/plan_sheet.py), so both read a cell alike.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

# Full-width digits, signs and separators a Chinese input method types (０-９ ． － ／ ：),
# and the ideographic space: mapped to their ASCII forms before a number or date is read.
_FULL_WIDTH = {
    **{0xFF10 + d: ord("0") + d for d in range(10)},
    0xFF0E: ord("."), 0xFF0D: ord("-"), 0xFF0F: ord("/"), 0xFF1A: ord(":"),
    0xFF0B: ord("+"), 0x3000: ord(" "), 0x3002: ord("."), 0xFF05: ord("%"),
}
POINT_UNITS = re.compile(r"\s*(分|points?|pts?)\s*$", re.I)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_END = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*(底|末)?$")
_NO_YEAR = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
_NO_YEAR_END = re.compile(r"^(\d{1,2})\s*月\s*(底|末)$")


def halfwidth(text: str) -> str:
    """Full-width digits and separators as ASCII (２０２２年６月３０日 -> 2022年6月30日)."""
    return text.translate(_FULL_WIDTH)


def clean(text: str) -> str:
    """A name as typed, without surrounding or ideographic spaces."""
    return text.replace("\u3000", " ").strip()


def parse_decimal(value: Any) -> Decimal | None:
    """A number cell or numeric text (full-width digits too); None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else None
    if isinstance(value, str):
        try:
            number = Decimal(halfwidth(value).strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def parse_points(value: Any) -> Decimal | None:
    """Points as a number or as text such as "3分", "1.5 分", "３分"."""
    if isinstance(value, str):
        value = POINT_UNITS.sub("", halfwidth(value).strip())
    return parse_decimal(value)


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def parse_date(value: Any, year: int | None = None) -> tuple[dt.date | None, bool]:
    """A date cell or a date typed as text; and whether a part of it was guessed.

    2021-12-31, 2021/12/31, 2021.12.31, 2021年12月31日 and 20211231 read exactly;
    2021年12月 and 2021年12月底 read as the month's last day, and (when `year` is given)
    12月31日 or 12月底 as that day of the plan year; those are guesses.
    """
    if isinstance(value, dt.datetime):
        return value.date(), False
    if isinstance(value, dt.date):
        return value, False
    if not isinstance(value, str):
        return None, False
    text = halfwidth(value).strip()
    try:
        for pattern in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                y, m, d = (int(g) for g in match.groups())
                return dt.date(y, m, d), False
        match = _MONTH_END.match(text)
        if match and ("月" in text or match.group(3)):
            return _month_end(int(match.group(1)), int(match.group(2))), True
        if year is not None:
            match = _NO_YEAR.match(text)
            if match and not re.match(r"^\d+\.\d+$", text):
                return dt.date(year, int(match.group(1)), int(match.group(2))), True
            match = _NO_YEAR_END.match(text)
            if match:
                return _month_end(year, int(match.group(1))), True
    except ValueError:  # 2021年2月30日
        return None, False
    return None, False


def merged_values(ws: Worksheet) -> dict[tuple[int, int], tuple[Any, str]]:
    """Each cell a merged range covers (but its top-left one): the range's value and range.

    openpyxl reads the covered cells as empty; a clerk means the range's value in each.
    """
    filled: dict[tuple[int, int], tuple[Any, str]] = {}
    for rng in ws.merged_cells.ranges:
        value = ws.cell(row=rng.min_row, column=rng.min_col).value
        for row in range(rng.min_row, rng.max_row + 1):
            for col in range(rng.min_col, rng.max_col + 1):
                if (row, col) != (rng.min_row, rng.min_col):
                    filled[(row, col)] = (value, rng.coord)
    return filled


def filled_rows(ws: Worksheet) -> list[list[Any]]:
    """The sheet's values row by row, each merged range's value in every cell it covers."""
    fill = merged_values(ws)
    rows: list[list[Any]] = []
    for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
        row = list(values)
        for c in range(len(row)):
            if (r, c + 1) in fill:
                row[c] = fill[(r, c + 1)][0]
        rows.append(row)
    return rows
