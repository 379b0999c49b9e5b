"""A plan written as an office's one-sheet indicator table (the layout `plan import` reads).

Used to make the example sheet of the documentation and, in the tests, sheets typed
the many ways offices type them (text points, Chinese dates, renamed or moved columns).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from domain.plan import Indicator, Plan

# The columns in the offices' usual order: field and header.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("seq", "序号"), ("category", "类别"), ("first", "一级指标"), ("first_points", "分值"),
    ("second", "二级指标"), ("second_points", "分值"), ("target", "目标任务"),
    ("section", "责任股室"), ("leader", "分管领导"), ("handler", "承办人"),
    ("deadline", "完成时限"), ("milestones", "进度安排"),
)
SHEET = "指标体系"
NOTES = ("填表说明", "1. 类别、一级指标及其分值按二级指标合并单元格。",
         "2. 分值可写作数字或“3分”；完成时限写作日期或“2021年12月31日”。",
         "3. 不设二级指标的一级指标，二级指标栏留空。")


@dataclass(frozen=True)
class OfficeStyle:
    """How the sheet is typed."""

    columns: tuple[tuple[str, str], ...] = COLUMNS  # order and header of each column
    text_points: bool = False  # "3分" rather than 3
    chinese_dates: bool = False  # "2021年12月31日" rather than a date cell
    blank_rows: bool = True  # a blank row between categories
    total_row: bool = True  # a 合计 row at the bottom
    notes_sheet: bool = True  # a 说明 sheet before the table
    sheet: str = SHEET
    total: Decimal | None = None  # the 合计 written (default: the true sum)


def _points(value: Decimal, style: OfficeStyle) -> Any:
    text = format(value.normalize(), "f")
    if style.text_points:
        return f"{text}分"
    return int(value) if value == value.to_integral_value() else float(text)


def _date(value: dt.date | None, style: OfficeStyle) -> Any:
    if value is None:
        return None
    if style.chinese_dates:
        return f"{value.year}年{value.month}月{value.day}日"
    return value


def office_workbook(plan: Plan, style: OfficeStyle = OfficeStyle()) -> Workbook:
    """The plan as an office's indicator table (and a 说明 sheet)."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    if style.notes_sheet:
        notes = workbook.create_sheet("说明")
        for number, line in enumerate(NOTES, start=1):
            notes.cell(row=number, column=1, value=line)
    ws = workbook.create_sheet(style.sheet)
    col = {key: index for index, (key, _) in enumerate(style.columns, start=1)}
    width = len(style.columns)
    ws.cell(row=1, column=1, value=f"{plan.unit}{plan.year}年度绩效评估指标体系").font = Font(bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for key, header in style.columns:
        ws.cell(row=2, column=col[key], value=header).font = Font(bold=True)
    people = {p.id: p.name for p in plan.people}
    sections = {s.id: s.name for s in plan.sections}
    row, seq = 3, 0
    for number, category in enumerate(plan.categories):
        firsts = [i for i in plan.indicators if i.category == category.id]
        if not firsts:
            continue
        if number and style.blank_rows:
            row += 1
        cat_top = row
        for first in firsts:
            seq += 1
            top = row
            for child in first.children or [first]:
                leaf = not first.children
                put = _putter(ws, row, col)
                put("second", None if leaf else child.name)
                put("second_points", None if leaf else _points(child.points, style))
                _leaf_cells(put, child, people, sections, style)
                row += 1
            put = _putter(ws, top, col)
            put("seq", seq)
            put("first", first.name)
            put("first_points", _points(first.points, style))
            for key in ("seq", "first", "first_points"):
                _merge(ws, col.get(key), top, row - 1)
        put = _putter(ws, cat_top, col)
        put("category", f"{category.name}（{format(category.points.normalize(), 'f')}分）")
        _merge(ws, col.get("category"), cat_top, row - 1)
    if style.total_row:
        total = style.total if style.total is not None else sum(
            (i.points for i in plan.indicators), Decimal(0))
        put = _putter(ws, row, col)
        put("seq" if "seq" in col else "first", "合计")
        put("first_points", _points(total, style))
    _finish(ws, width)
    return workbook


def _putter(ws: Worksheet, row: int, col: dict[str, int]) -> Any:
    def put(key: str, value: Any) -> None:
        if key in col and value is not None and value != "":
            cell = ws.cell(row=row, column=col[key], value=value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    return put


def _leaf_cells(put: Any, ind: Indicator, people: dict[str, str], sections: dict[str, str],
                style: OfficeStyle) -> None:
    put("target", ind.target)
    put("section", sections.get(ind.section, ""))
    put("leader", people.get(ind.leader, ""))
    put("handler", people.get(ind.handler, ""))
    put("deadline", _date(ind.deadline, style))
    put("milestones", "\n".join(ind.milestones))


def _merge(ws: Worksheet, column: int | None, top: int, bottom: int) -> None:
    if column is not None and bottom > top:
        ws.merge_cells(start_row=top, start_column=column, end_row=bottom, end_column=column)


def _finish(ws: Worksheet, width: int) -> None:
    middle = Alignment(vertical="center", wrap_text=True)
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = middle
    for index in range(1, width + 1):
        ws.column_dimensions[get_column_letter(index)].width = 16
