"""An office's own indicator table (指标体系) read into a plan.

Offices keep their indicators as one sheet: a merged title row, a header such as
序号 · 类别 · 一级指标 · 分值 · 二级指标 · 分值 · 目标任务 · 责任股室 · 分管领导 · 承办人 · 完成时限,
category and first-level cells merged down over their second-level rows, points typed as
"3分", dates as 2021年12月31日, blank rows between categories and a 合计 row. This module
reads such a sheet into the rows of a plan (`read_rows`); domain/plan_sheet_build.py turns
those into a Plan with ids. Nothing here raises on a bad cell: every problem is collected,
with its cell, so a clerk sees them all at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from domain.errors import Problem
from domain.sheet_values import clean, merged_values, parse_date, parse_points

# The columns of the offices' layout, each with the header texts it goes by.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号",),
    "category": ("类别", "目标类别", "指标类别", "考评类别"),
    "first": ("一级指标", "考评内容", "一级指标名称"),
    "second": ("二级指标", "考评要点", "二级指标名称"),
    "first_points": ("一级指标分值", "一级分值"),
    "second_points": ("二级指标分值", "二级分值"),
    "points": ("分值", "权重", "分数"),  # the first-level's or the second-level's by position
    "target": ("目标任务", "考评标准", "工作目标", "年度目标"),
    "section": ("责任股室", "责任单位", "牵头股室", "责任科室"),
    "leader": ("分管领导", "责任领导"),
    "handler": ("承办人", "经办人", "责任人"),
    "deadline": ("完成时限", "时限", "完成时间"),
    "milestones": ("进度安排", "进度节点", "时间节点"),
}
BY_HEADER = {name: key for key, names in SYNONYMS.items() for name in names}
LOOKED_FOR = ("类别", "一级指标", "分值", "二级指标", "目标任务", "责任股室", "分管领导", "承办人",
              "完成时限")
HEADER_SCAN = 10
NOTES_SHEETS = frozenset({"说明", "填表说明", "填报说明", "备注"})
TOTAL_WORDS = ("合计", "总计", "总分")
SUBTOTAL_WORDS = ("小计",)
NAME_SPLIT = re.compile(r"[、,，;；/]")
TITLE = re.compile(r"^(?P<unit>.+?)(?P<year>\d{4})\s*年度?")


@dataclass
class Cell:
    """A value read from the sheet and where it came from."""

    value: Any
    ref: str  # 指标体系!F7
    merged: str = ""  # the merged range covering it (A3:A9), if any


@dataclass
class Row:
    """One indicator row: a second-level indicator, or a first-level one without any."""

    number: int
    cells: dict[str, Cell]

    def text(self, key: str) -> str:
        cell = self.cells.get(key)
        if cell is None or cell.value is None:
            return ""
        value = cell.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return clean(str(value))


@dataclass
class Sheet:
    """What was read from the indicator table, before ids are given."""

    name: str
    columns: dict[str, int]  # field -> column number
    rows: list[Row] = field(default_factory=list)
    totals: list[tuple[str, Cell, Decimal]] = field(default_factory=list)  # (kind, cell, points)
    title: Cell | None = None
    headings: dict[int, Cell] = field(default_factory=dict)  # row number -> category heading


class Notes:
    """Errors, warnings and guesses, each naming its cell."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.guesses: list[Problem] = []

    def _p(self, code: str, ref: str, params: dict[str, object]) -> Problem:
        place = f"{self.where}:{ref}" if ref else self.where
        return Problem(code=code, where=place, params={k: str(v) for k, v in params.items()})

    def error(self, code: str, ref: str = "", **params: object) -> None:
        self.errors.append(self._p(code, ref, params))

    def warn(self, code: str, ref: str = "", **params: object) -> None:
        self.warnings.append(self._p(code, ref, params))

    def guess(self, code: str, ref: str = "", **params: object) -> None:
        self.guesses.append(self._p(code, ref, params))


def header_key(text: str) -> str:
    """A header cell as looked up: no spaces, no parenthesised unit (分值（分） -> 分值)."""
    text = re.sub(r"\s+", "", text)
    return re.sub(r"[（(][^）)]*[）)]", "", text)


def _columns(values: list[Any]) -> dict[str, int]:
    """The fields a header row names; a bare 分值 goes to the level column left of it."""
    found: dict[str, int] = {}
    last_level = ""
    for index, value in enumerate(values, start=1):
        if not isinstance(value, str):
            continue
        key = BY_HEADER.get(header_key(value))
        if key is None:
            continue
        if key in ("first", "second"):
            last_level = key
        if key == "points":
            key = f"{last_level or 'first'}_points"
            if key in found:  # 分值 twice with no level between: the second one is the second level's
                key = "second_points"
        if key not in found:
            found[key] = index
    return found


def find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    """The header row among the top rows: the one naming the most columns, with 一级指标 and 分值."""
    best: tuple[int, dict[str, int]] | None = None
    for number, values in enumerate(rows[:HEADER_SCAN], start=1):
        columns = _columns(values)
        if "first" not in columns or not {"first_points", "second_points"} & set(columns):
            continue
        if best is None or len(columns) > len(best[1]):
            best = (number, columns)
    return best


def choose_sheet(workbook: Workbook, name: str | None, notes: Notes) -> Worksheet | None:
    sheets = [ws for ws in workbook.worksheets if isinstance(ws, Worksheet)]
    if name is not None:
        chosen = next((ws for ws in sheets if ws.title.strip() == name.strip()), None)
        if chosen is None:
            notes.error("sheet.no_sheet", sheet=name, sheets="、".join(ws.title for ws in sheets))
        return chosen
    candidates = [ws for ws in sheets if ws.title.strip() not in NOTES_SHEETS] or sheets
    for ws in candidates:
        if find_header(_values(ws, HEADER_SCAN)) is not None:
            return ws
    return candidates[0] if candidates else None


def _values(ws: Worksheet, limit: int | None = None) -> list[list[Any]]:
    rows = []
    for values in ws.iter_rows(max_row=limit, values_only=True):
        rows.append(list(values))
    return rows


def _is_total(text: str) -> str:
    compact = re.sub(r"\s+", "", text)
    if any(compact.startswith(w) for w in TOTAL_WORDS):
        return "total"
    if any(compact.startswith(w) for w in SUBTOTAL_WORDS):
        return "subtotal"
    return ""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_rows(ws: Worksheet, notes: Notes) -> Sheet | None:
    """The indicator rows of the sheet, merged ranges filled in; None without a header."""
    raw = _values(ws)
    found = find_header(raw)
    if found is None:
        notes.error("sheet.no_header", sheet=ws.title, rows=HEADER_SCAN, columns="、".join(LOOKED_FOR),
                    synonyms="；".join(f"{names[0]}：{'/'.join(names[1:])}"
                                      for names in SYNONYMS.values() if len(names) > 1))
        return None
    header_row, columns = found
    sheet = Sheet(ws.title, columns)
    fill = merged_values(ws)
    origins = {(r.min_row, r.min_col): r.coord for r in ws.merged_cells.ranges}
    for number, values in enumerate(raw[: header_row - 1], start=1):
        text = next((v for v in values if isinstance(v, str) and v.strip()), None)
        if text is not None and sheet.title is None:
            col = values.index(text) + 1
            sheet.title = Cell(text, f"{ws.title}!{get_column_letter(col)}{number}")
    for number in range(header_row + 1, len(raw) + 1):
        values = raw[number - 1]
        if all(_blank(v) for v in values):
            continue

        def cell(col: int, number: int = number, values: list[Any] = values) -> Cell:
            ref = f"{ws.title}!{get_column_letter(col)}{number}"
            if (number, col) in fill:
                value, coord = fill[(number, col)]
                return Cell(value, ref, coord)
            value = values[col - 1] if col - 1 < len(values) else None
            return Cell(value, ref, origins.get((number, col), ""))

        row = Row(number, {key: cell(col) for key, col in columns.items()})
        labels = [row.text(k) for k in ("seq", "category", "first", "second")]
        kind = next((_is_total(t) for t in labels if _is_total(t)), "")
        if kind:
            for key in ("first_points", "second_points"):
                points = parse_points(row.cells[key].value) if key in row.cells else None
                if points is not None:
                    sheet.totals.append((kind, row.cells[key], points))
                    break
            continue
        if _heading(row, values):  # a category's name alone across the table
            col = next(i for i, v in enumerate(values, start=1) if not _blank(v))
            sheet.headings[number] = cell(col)
            continue
        sheet.rows.append(row)
    return sheet


def _heading(row: Row, values: list[Any]) -> bool:
    """A row naming a category alone: no second-level name, no points, one text cell."""
    if row.text("second"):
        return False
    if any(not _blank(row.cells[k].value) for k in ("first_points", "second_points") if k in row.cells):
        return False
    filled = [v for v in values if not _blank(v)]
    if not filled or not all(isinstance(v, str) for v in filled):
        return False
    return len(filled) == 1 or not row.text("first")


def read_title(text: str) -> tuple[str, int | None]:
    """Unit and year of a title such as 安溪县科学技术局2021年度绩效评估指标体系."""
    match = TITLE.match(clean(text))
    if not match:
        return "", None
    return match.group("unit").strip(), int(match.group("year"))


def names_in(text: str) -> list[str]:
    """The names a cell lists (林泽福、谢婉婷 -> both)."""
    return [n for n in (clean(p) for p in NAME_SPLIT.split(text)) if n]


def read_deadline(cell: Cell, year: int | None, notes: Notes, header: str) -> dt.date | None:
    if _blank(cell.value):
        return None
    date, guessed = parse_date(cell.value, year)
    if date is None:
        notes.error("sheet.date", cell.ref, column=header, value=_shown(cell.value))
    elif guessed:
        notes.guess("sheet.guess_date", cell.ref, value=_shown(cell.value), date=date.isoformat())
    return date


def read_points(cell: Cell, notes: Notes, header: str) -> Decimal | None:
    points = parse_points(cell.value)
    if points is None:
        notes.error("sheet.points", cell.ref, column=header, value=_shown(cell.value))
    return points


def _shown(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)
