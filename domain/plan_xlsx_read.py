"""Reading a plan from a workbook, keeping the cell each value came from."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from domain.errors import JixiaoError, Problem, fail
from domain.plan import CategoryKind, Plan, Work
from domain.plan_decode import convert_plan
from domain.plan_xlsx_layout import (
    HEADER_SCAN_ROWS,
    INDICATORS,
    ITEMS_BY_NAME,
    KIND_LABELS,
    PARENT,
    PLAN_ITEMS,
    PLAN_KEY,
    PLAN_LABEL,
    PLAN_NOTE,
    PLAN_SHEET,
    PLAN_VALUE,
    REQUIRED_SHEETS,
    TABLES,
    WORK_LABELS,
    Table,
    ValueKind,
)
from domain.plan_xlsx_parse import (
    ABSENT,
    EXPECTED,
    PARSERS,
    Row,
    as_text,
    blank,
    blank_text,
    parent_id,
    parse_list,
    unquote,
)
from domain.sheet_values import filled_rows


def read_xlsx(path: str | Path) -> Plan:
    """Load a plan from an Excel workbook; raises JixiaoError naming the sheet and cell."""
    return read_xlsx_report(path).plan


@dataclass
class XlsxRead:
    """A plan read from a workbook, the cell of each record's fields, and the warnings."""

    plan: Plan
    cells: dict[tuple[str, str], dict[str, str]]  # (plan list, id or name) -> field -> sheet!cell
    warnings: list[Problem]


def read_xlsx_report(path: str | Path) -> XlsxRead:
    """`read_xlsx`, keeping where each value came from and what was trimmed or is missing."""
    path = Path(path)
    reader = _Reader(str(path), _open(path))
    data = reader.plan_data()
    try:
        plan = convert_plan(data, str(path))
    except JixiaoError as exc:
        raise reader.relocate(exc) from None
    for leaf, _ in plan.leaves():
        if not leaf.handler:
            ref = reader.cells.get(("indicators", leaf.id), {}).get("handler", INDICATORS.sheet)
            reader.warnings.append(Problem(code="xlsx.no_handler", where=f"{path}:{ref}",
                                           params={"id": leaf.id}))
    return XlsxRead(plan, reader.cells, reader.warnings)


def _open(path: Path) -> Workbook:
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise fail("file.unreadable", where=str(path), detail=exc) from None
    try:
        with handle, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            # A file object, not a name: openpyxl would refuse a name not ending in .xlsx.
            return openpyxl.load_workbook(handle, data_only=True)
    except Exception as exc:  # a malformed file can fail anywhere in zip or XML parsing
        detail = str(exc) or type(exc).__name__
        raise fail("file.xlsx", where=str(path), detail=detail) from None


class _Reader:
    def __init__(self, where: str, workbook: Workbook) -> None:
        self.where = where
        self.workbook = workbook
        self.places: dict[str, str] = {}  # msgspec path ($.indicators[0].points) -> sheet!cell
        self.cells: dict[tuple[str, str], dict[str, str]] = {}
        self.warnings: list[Problem] = []
        self.filled: dict[str, list[list[Any]]] = {}  # sheet -> rows, merged ranges filled in

    # -- the whole plan --------------------------------------------------------------
    def plan_data(self) -> dict[str, Any]:
        missing = [name for name in REQUIRED_SHEETS if self.sheet(name) is None]
        if missing:  # every missing sheet, before any cell
            raise JixiaoError(*(Problem(code="file.xlsx_sheet", where=self.where, params={"sheet": n})
                                for n in missing))
        data = self.plan_items()
        for table in TABLES:
            rows = self.table(table)
            if rows is None:
                continue
            self.places[f"$.{table.key}"] = table.sheet
            for row in rows:
                key = row.values.get("id", row.values.get("name"))
                if isinstance(key, str):
                    self.cells[(table.key, key)] = dict(row.refs)
            if table is INDICATORS:
                data[table.key] = self.indicator_tree(rows)
            else:
                data[table.key] = [row.values for row in rows]
                for index, row in enumerate(rows):
                    self.register(f"$.{table.key}[{index}]", row)
        return data

    def sheet(self, name: str) -> Worksheet | None:
        for ws in self.workbook.worksheets:
            if isinstance(ws, Worksheet) and ws.title.strip() == name:  # not a chart sheet
                return ws
        return None

    # -- errors ----------------------------------------------------------------------
    def cell_error(self, place: str, zh: str, en: str) -> JixiaoError:
        return fail("file.xlsx_cell", where=f"{self.where}:{place}", detail=f"{zh} / {en}")

    def register(self, path: str, row: Row) -> None:
        self.places[path] = row.ref
        for name, ref in row.refs.items():
            self.places[f"{path}.{name}"] = ref

    def relocate(self, exc: JixiaoError) -> JixiaoError:
        """A conversion error placed at the cell (or sheet) the bad value came from."""
        problem = exc.problems[0]
        if problem.code != "file.type":
            return exc
        path = problem.params.get("path", "$")
        detail = problem.params.get("detail", "")
        missing = re.search(r"missing required field `([^`]+)`", detail)
        target = f"{path}.{missing.group(1)}" if missing else path
        while target not in self.places:
            shorter = re.sub(r"(\.\w+|\[\d+\])$", "", target)
            if shorter == target:
                break
            target = shorter
        place = self.places.get(target)
        where = f"{self.where}:{place}" if place else self.where
        return fail("file.type", where=where, path=path, detail=detail)

    # -- sheets ----------------------------------------------------------------------
    def values(self, ws: Worksheet) -> list[list[Any]]:
        """The sheet's rows, a merged range's value in every cell it covers."""
        if ws.title not in self.filled:
            self.filled[ws.title] = filled_rows(ws)
        return self.filled[ws.title]

    def header(self, ws: Worksheet, names: set[str]) -> tuple[int, dict[str, int]]:
        """The header row (the first of the top rows naming a known column) and its columns."""
        top = self.values(ws)[:HEADER_SCAN_ROWS]
        for number, values in enumerate(top, start=1):
            found: dict[str, int] = {}
            for index, value in enumerate(values, start=1):
                if isinstance(value, str):
                    text = re.sub(r"\s+", "", value)
                    if text in names and text not in found:
                        found[text] = index
            if found:
                return number, found
        return 1, {}

    def rows(
        self, ws: Worksheet, start: int, columns: dict[str, int]
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """Non-empty rows below the header: number and the raw value of each known column."""
        for number, values in enumerate(self.values(ws)[start - 1:], start=start):
            raw = {
                name: values[index - 1] if index - 1 < len(values) else None
                for name, index in columns.items()
            }
            if all(blank(v) for v in raw.values()):
                continue
            yield number, raw

    def table(self, table: Table) -> list[Row] | None:
        ws = self.sheet(table.sheet)
        if ws is None:
            return None  # only optional sheets get here
        names = {name for column in table.columns for name in column.names}
        header_row, found = self.header(ws, names)
        indexes: dict[str, int] = {}
        for column in table.columns:
            index = next((found[n] for n in column.names if n in found), None)
            if index is not None:
                indexes[column.field] = index
            elif column.required:
                raise fail(
                    "file.xlsx_column", where=self.where, sheet=table.sheet, column=column.header
                )
        by_field = {c.field: c for c in table.columns}
        records: list[Row] = []
        for number, raw in self.rows(ws, header_row + 1, indexes):
            row = Row(values={}, ref=f"{table.sheet}!{get_column_letter(min(indexes.values()))}"
                       f"{number}")
            for name, value in raw.items():
                column = by_field[name]
                place = f"{table.sheet}!{get_column_letter(indexes[name])}{number}"
                row.refs[name] = place
                parsed = self.value(column.kind, value, place, column.header)
                if parsed is not ABSENT:
                    row.values[name] = parsed
            records.append(row)
        return records

    def plan_items(self) -> dict[str, Any]:
        ws = self.sheet(PLAN_SHEET)
        assert ws is not None  # checked with the required sheets
        names = {PLAN_LABEL, PLAN_KEY, PLAN_VALUE, PLAN_NOTE, "item", "field", "value", "note"}
        header_row, found = self.header(ws, names)
        value_col = found.get(PLAN_VALUE) or found.get("value")
        key_cols = [found[n] for n in (PLAN_KEY, "field", PLAN_LABEL, "item") if n in found]
        if value_col is None or not key_cols:
            column = PLAN_VALUE if value_col is None else PLAN_KEY
            raise fail("file.xlsx_column", where=self.where, sheet=PLAN_SHEET, column=column)
        data: dict[str, Any] = {}
        self.places["$"] = PLAN_SHEET
        self.places["$.rules"] = PLAN_SHEET
        self.places["$.scoring"] = PLAN_SHEET
        columns = {str(i): i for i in (*key_cols, value_col)}
        seen: dict[str, str] = {}
        for number, raw in self.rows(ws, header_row + 1, columns):
            keys = [(raw[str(i)], i) for i in key_cols if not blank(raw[str(i)])]

            def place_of(index: int, number: int = number) -> str:
                return f"{PLAN_SHEET}!{get_column_letter(index)}{number}"

            if not keys:
                raise self.cell_error(place_of(key_cols[0]), "缺少项目名称", "item name missing")
            text, key_col = keys[0]
            item = ITEMS_BY_NAME.get(str(text).strip())
            if item is None:
                raise self.cell_error(
                    place_of(key_col), f"未知的项目“{text}”", f"unknown item '{text}'"
                )
            place = place_of(value_col)
            if item.key in seen:
                raise self.cell_error(
                    place_of(key_col),
                    f"项目“{item.label}”重复（已见于 {seen[item.key]}）",
                    f"item '{item.key}' repeated (first at {seen[item.key]})",
                )
            seen[item.key] = place
            self.places[f"$.{item.key}"] = place
            self.cells[("plan", item.key)] = {"value": place}
            parsed = self.value(item.kind, raw[str(value_col)], place, item.label)
            if parsed is ABSENT:
                continue
            parts = item.key.split(".")
            target = data
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            target[parts[-1]] = parsed
        for item in PLAN_ITEMS:  # a missing required item points at the sheet
            self.places.setdefault(f"$.{item.key}", PLAN_SHEET)
        return data

    def indicator_tree(self, rows: list[Row]) -> list[dict[str, Any]]:
        """First-level rows in order, each row with a parent id attached below its parent."""
        parents = [parent_id(row) for row in rows]
        firsts = [i for i, parent in enumerate(parents) if parent is None]
        for i in firsts:
            rows[i].values["children"] = []
        children: dict[int, list[int]] = {i: [] for i in firsts}
        for index, parent in enumerate(parents):
            if parent is None:
                continue
            same = [i for i in firsts if rows[i].values.get("id") == parent]
            before = [i for i in same if i < index]
            chosen = before[-1] if before else (same[0] if same else None)
            if chosen is None:
                place = rows[index].refs[PARENT]
                if any(row.values.get("id") == parent for row in rows):
                    raise self.cell_error(
                        place,
                        f"上级编号“{parent}”是二级指标，只能填写一级指标的编号",
                        f"parent id '{parent}' is a second-level indicator; "
                        "name a first-level one",
                    )
                raise self.cell_error(
                    place,
                    f"上级编号“{parent}”不是任何一级指标的编号",
                    f"parent id '{parent}' names no first-level indicator",
                )
            children[chosen].append(index)
        tree: list[dict[str, Any]] = []
        for position, i in enumerate(firsts):
            first = rows[i].values
            self.register(f"$.indicators[{position}]", rows[i])
            for child_position, c in enumerate(children[i]):
                first["children"].append(rows[c].values)
                self.register(f"$.indicators[{position}].children[{child_position}]", rows[c])
            tree.append(first)
        return tree

    # -- cells -----------------------------------------------------------------------
    def value(self, kind: ValueKind, value: Any, place: str, header: str) -> Any:
        """The builtin for one cell; ABSENT when an empty cell leaves the field unset."""
        if kind in ("str", "name", "list", "lines"):
            if blank_text(value):
                return "" if kind in ("str", "name") else []
            text = value if isinstance(value, str) else as_text(value)
            if kind == "name":
                return self.name(text, place)
            if kind == "str":
                return text
            return parse_list(text, kind)
        if blank(value):
            return ABSENT
        if kind in ("kind", "work"):
            labels = KIND_LABELS if kind == "kind" else WORK_LABELS
            codes = get_args(CategoryKind if kind == "kind" else Work)
            text = value.strip() if isinstance(value, str) else as_text(value)
            by_label = {label: code for code, label in labels.items()}
            if text in by_label or text in codes:
                return by_label.get(text, text)
            allowed = "、".join(labels.get(code, code) for code in codes)
            raise self.cell_error(
                place,
                f"“{header}”应为 {allowed} 之一，而不是“{text}”",
                f"'{header}' must be one of {allowed} (or {', '.join(codes)}), not '{text}'",
            )
        parser = PARSERS[kind]
        parsed = parser(value)
        if parsed is None:
            zh, en = EXPECTED[kind]
            shown = as_text(value)
            raise self.cell_error(
                place, f"“{header}”应为{zh}，而不是“{shown}”", f"'{header}' must be {en}, not '{shown}'"
            )
        return parsed


    def name(self, text: str, place: str) -> str:
        """A name or id: trimmed (with a warning), unless written quoted to keep its spaces."""
        quoted = unquote(text)
        if quoted is not None:
            return quoted
        trimmed = text.strip()
        if trimmed != text:
            self.warnings.append(Problem(code="xlsx.trimmed", where=f"{self.where}:{place}",
                                         params={"value": trimmed}))
        return trimmed

