"""Writing a plan as a workbook that reads back as an equal plan."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from domain.errors import fail
from domain.plan import Indicator, Plan
from domain.plan_xlsx_layout import (
    EXACT_DIGITS,
    EXACT_INT,
    EXCEL_EPOCH_SAFE,
    INDICATORS,
    KIND_LABELS,
    PLAN_ITEMS,
    PLAN_KEY,
    PLAN_LABEL,
    PLAN_NOTE,
    PLAN_SHEET,
    PLAN_VALUE,
    TABLES,
    UNSTORABLE,
    WORK_LABELS,
    Table,
    ValueKind,
)
from domain.plan_xlsx_parse import (
    parse_list,
    unquote,
)


def write_xlsx(plan: Plan, path: str | Path, extra: Sequence[tuple[str, list[list[Any]]]] = ()) -> None:
    """Write the plan as an Excel workbook; reading it back gives an equal Plan. `extra`
    sheets (name, rows) are added after the plan's own (the reader ignores them)."""
    workbook = _workbook(plan)
    for name, rows in extra:
        ws = workbook.create_sheet(name)
        for row in rows:
            ws.append(row)
    try:
        workbook.save(str(path))
    except OSError as exc:
        raise fail("file.unwritable", where=str(path), detail=exc) from None


def _workbook(plan: Plan) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    _plan_sheet(workbook.create_sheet(PLAN_SHEET), plan)
    for table in TABLES:
        ws = workbook.create_sheet(table.sheet)
        if table is INDICATORS:
            records: Sequence[Any] = list(_indicator_rows(plan.indicators))
        else:
            records = getattr(plan, table.key)
        _table_sheet(ws, table, records)
    return workbook


@dataclass(frozen=True)
class _Record:
    """An indicator with its parent's id, as the indicator sheet holds it."""

    indicator: Indicator
    parent: str

    def __getattr__(self, name: str) -> Any:
        return getattr(self.indicator, name)


def _indicator_rows(indicators: list[Indicator], parent: str = "") -> Iterator[_Record]:
    for indicator in indicators:
        yield _Record(indicator, parent)
        # Deeper levels are written too; reading refuses them (plans have two levels).
        yield from _indicator_rows(indicator.children, indicator.id)


def _plan_sheet(ws: Worksheet, plan: Plan) -> None:
    _header_row(ws, [PLAN_LABEL, PLAN_KEY, PLAN_VALUE, PLAN_NOTE])
    for number, item in enumerate(PLAN_ITEMS, start=2):
        value: Any = plan
        for part in item.key.split("."):
            value = getattr(value, part)
        _put(ws, number, 1, "str", item.label)
        _put(ws, number, 2, "str", item.key)
        _put(ws, number, 3, item.kind, value)
        _put(ws, number, 4, "str", item.note)
    _finish(ws, wrap=set())


def _table_sheet(ws: Worksheet, table: Table, records: Sequence[Any]) -> None:
    _header_row(ws, [c.header for c in table.columns])
    for number, record in enumerate(records, start=2):
        for index, column in enumerate(table.columns, start=1):
            _put(ws, number, index, column.kind, getattr(record, column.field), column.sep)
    wrap = {i for i, c in enumerate(table.columns, start=1) if c.wrap}
    _finish(ws, wrap)
    choices = {"kind": KIND_LABELS.values(), "work": WORK_LABELS.values(), "bool": ("是", "否")}
    for index, column in enumerate(table.columns, start=1):
        if column.kind in choices:
            letter = get_column_letter(index)
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(choices[column.kind]) + '"',
                allow_blank=True,
                showDropDown=False,  # (sic: False shows the in-cell drop-down)
            )
            validation.add(f"{letter}2:{letter}{max(ws.max_row, 2) + 500}")
            ws.add_data_validation(validation)


def _header_row(ws: Worksheet, headers: list[str]) -> None:
    bold = Font(bold=True)
    for index, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=index, value=header)
        cell.font = bold
    ws.freeze_panes = "A2"


def _put(ws: Worksheet, row: int, column: int, kind: ValueKind, value: Any, sep: str = ", ") -> None:
    place = f"{ws.title}!{get_column_letter(column)}{row}"
    encoded = _encode(kind, value, sep, place)
    cell = ws.cell(row=row, column=column)
    if encoded is None:
        return
    cell.value = encoded
    if isinstance(encoded, str):
        cell.data_type = "s"  # never a formula ("=...") or an error code ("#N/A")
    elif isinstance(encoded, dt.date):
        cell.number_format = "yyyy-mm-dd"


def _encode(kind: ValueKind, value: Any, sep: str, place: str) -> Any:
    """The cell value for a field value (None: an empty cell)."""
    if value is None:
        return None
    if kind == "str":
        return _text(value, place) if value != "" else None
    if kind == "name":
        if value == "":
            return None
        keep = value != value.strip() or unquote(value) is not None
        return _text(json.dumps(value, ensure_ascii=False) if keep else value, place)
    if kind == "kind":
        return _text(KIND_LABELS.get(value, value), place)
    if kind == "work":
        return _text(WORK_LABELS.get(value, value), place)
    if kind == "bool":
        return "是" if value else "否"
    if kind == "int":
        return value if abs(value) < EXACT_INT else str(value)
    if kind == "decimal":
        return _number(value)
    if kind == "date":
        return value if value >= EXCEL_EPOCH_SAFE else value.isoformat()
    return _format_list(value, sep, kind, place)  # list, lines


def _number(value: Decimal) -> int | float | str:
    """An int or float that reads back as the same Decimal, else the Decimal as text.

    Excel keeps 15 significant digits (and openpyxl writes 16), so a Decimal with more,
    or one out of a double's comfortable range, is written as text.
    """
    if not value.is_finite():
        return str(value)
    digits = len(value.normalize().as_tuple().digits)
    if digits > EXACT_DIGITS or not -300 < value.adjusted() < 300:
        return str(value)
    if value == value.to_integral_value() and abs(value) < EXACT_INT:
        return int(value)
    return float(value)


def _format_list(items: list[str], sep: str, kind: ValueKind, place: str) -> str | None:
    if not items:
        return None
    plain = sep.join(items)
    if not UNSTORABLE.search(plain) and parse_list(plain, kind) == items:
        return plain
    return _text(json.dumps(items, ensure_ascii=False), place)


def _text(value: str, place: str) -> str:
    bad = UNSTORABLE.search(value)
    if bad:
        raise fail("file.xlsx_text", where=place, value=repr(value[:40]), char=repr(bad.group()))
    return value


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _finish(ws: Worksheet, wrap: set[int]) -> None:
    """Column widths fitted to the content (wide for CJK), wrapped long-text columns."""
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    for index, cells in enumerate(ws.iter_cols(min_row=1), start=1):
        width = 4
        for cell in cells:
            if cell.value is None:
                continue
            text = cell.value.isoformat() if isinstance(cell.value, dt.date) else str(cell.value)
            width = max(width, *(_display_width(line) for line in text.split("\n")))
            if cell.row > 1:
                cell.alignment = wrapped if index in wrap else top
        limit = 40 if index in wrap else 60
        ws.column_dimensions[get_column_letter(index)].width = min(width + 2, limit)
