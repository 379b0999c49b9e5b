"""Reading and writing a plan as an Excel workbook (.xlsx), the form offices exchange.

One sheet per part of the plan, header in row 1 (a title row or a few may sit above
it), one record per row. Sheets and headers are in Chinese so that a clerk can edit the
workbook by hand; the layout is documented in docs/plan-format-xlsx.md.

Reading builds the same builtins a TOML file decodes to and hands them to
`convert_plan`, so type errors read alike; a wrong type is reported at its cell
("plan.xlsx:指标!E7"). Writing then reading gives back an equal Plan:

- numbers are written as numbers; a Decimal a double cannot hold exactly is written as
  text (the reader takes numeric text), so no digit is lost;
- dates are date cells (dates before 1900-03-01, which Excel cannot show, are ISO text);
- lists are joined with a separator; a list that would not split back the same (an item
  holding the separator, an empty item...) is written as a JSON array, which the reader
  recognises by its leading "[";
- empty optional numbers and dates are empty cells (None), empty strings are empty cells.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, get_args

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from domain.errors import JixiaoError, Problem, fail
from domain.plan import CategoryKind, Indicator, Plan, Work
from domain.plan_decode import convert_plan
from domain.sheet_values import filled_rows, halfwidth, parse_decimal

ValueKind = Literal["str", "name", "int", "decimal", "date", "bool", "list", "lines", "kind", "work"]

# Labels written for the category literals; the reader takes the label or the code.
KIND_LABELS: dict[str, str] = {"functional": "职能工作", "capacity": "能力建设"}
WORK_LABELS: dict[str, str] = {
    "key": "重点工作",
    "routine": "常规工作",
    "dynamic": "动态工作",
    "capacity": "能力建设",
}
TRUE_WORDS = frozenset({"是", "true", "yes", "y", "1", "√", "✓", "t"})
FALSE_WORDS = frozenset({"否", "false", "no", "n", "0", "×", "f"})
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
LIST_SPLIT = re.compile(r"[,，、\n]")
# Characters an xlsx file cannot hold (XML 1.0), plus CR, which reading turns into LF.
UNSTORABLE = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff]")
EXCEL_EPOCH_SAFE = dt.date(1900, 3, 1)  # Excel mis-dates serials before this day
EXACT_DIGITS = 15  # significant digits a number cell holds exactly
EXACT_INT = 10**EXACT_DIGITS
HEADER_SCAN_ROWS = 5


@dataclass(frozen=True)
class Column:
    """One column of a record sheet: its Chinese header and the struct field it holds."""

    header: str
    field: str
    kind: ValueKind = "str"
    required: bool = False  # the column must be present
    sep: str = ", "  # list columns: separator written between items
    wrap: bool = False  # long text: wrap in the cell

    @property
    def names(self) -> tuple[str, str]:
        """Header texts accepted when reading: the Chinese header or the field name."""
        return (self.header, self.field)


@dataclass(frozen=True)
class Table:
    """A record sheet: one plan list, one record per row."""

    sheet: str
    key: str  # the Plan field holding the list
    columns: tuple[Column, ...]
    required: bool = True  # the sheet must be present (else the Plan default applies)


SECTIONS = Table("考评对象", "sections", (
    Column("编号", "id", "name", required=True),
    Column("名称", "name", "name", required=True),
))
PEOPLE = Table("人员", "people", (
    Column("编号", "id", "name", required=True),
    Column("姓名", "name", "name", required=True),
    Column("职务", "title"),
    Column("股室", "section", "name"),
    Column("领导小组", "leadership"),
    Column("监督领导小组", "supervisory"),
    Column("角色", "roles", "list"),
))
CATEGORIES = Table("类别", "categories", (
    Column("编号", "id", "name", required=True),
    Column("名称", "name", "name", required=True),
    Column("性质", "kind", "kind", required=True),
    Column("工作类别", "work", "work", required=True),
    Column("分值", "points", "decimal", required=True),
    Column("一级指标上限", "first_level_cap", "decimal"),
    Column("二级指标上限", "second_level_cap", "decimal"),
    Column("一级指标数", "first_level_count", "int"),
    Column("二级指标数", "second_level_count", "int"),
))
PARENT = "parent"  # pseudo-field of the indicator sheet: the parent's id
INDICATORS = Table("指标", "indicators", (
    Column("编号", "id", "name", required=True),
    Column("上级编号", PARENT, "name"),
    Column("类别", "category", "name"),
    Column("名称", "name", "name", required=True, wrap=True),
    Column("分值", "points", "decimal", required=True),
    Column("年度目标", "target", wrap=True),
    Column("责任股室", "section", "name"),
    Column("分管领导", "leader", "name"),
    Column("承办人", "handler", "name"),
    Column("完成时限", "deadline", "date"),
    Column("进度节点", "milestones", "lines", sep="\n", wrap=True),
    Column("不设二级指标", "no_children", "bool"),
))
TIERS = Table("定档分值表", "tiers", (
    Column("档次", "name", required=True),
    Column("比例", "share", "decimal"),
    Column("固定分值", "points", "decimal"),
), required=False)
GRADES = Table("等次", "grades", (
    Column("等次", "name", required=True),
    Column("最低分", "min", "decimal", required=True),
), required=False)
DEADLINES = Table("报送节点", "deadlines", (
    Column("编号", "id", "name", required=True),
    Column("名称", "name", "name", required=True),
    Column("截止日期", "due", "date", required=True),
    Column("报送内容", "reports", "list", wrap=True),
), required=False)
TABLES = (SECTIONS, PEOPLE, CATEGORIES, INDICATORS, TIERS, GRADES, DEADLINES)


@dataclass(frozen=True)
class Item:
    """A key/value row of the plan sheet (方案)."""

    label: str
    key: str  # "unit", or "rules.total": the field, dotted below rules/scoring
    kind: ValueKind
    note: str


PLAN_SHEET = "方案"
PLAN_LABEL, PLAN_KEY, PLAN_VALUE, PLAN_NOTE = "项目", "字段", "值", "说明"
PLAN_ITEMS = (
    Item("单位", "unit", "name", "考评单位名称"),
    Item("年度", "year", "int", "考评年度"),
    Item("标题", "title", "str", "方案标题"),
    Item("总分", "rules.total", "decimal", "各类别分值合计应等于总分"),
    Item("职能工作一级指标最少项数", "rules.min_first_level_functional", "int", ""),
    Item("二级指标最少项数", "rules.min_children", "int", "每个一级指标下设二级指标的最少项数"),
    Item("时限宽限月数", "rules.deadline_window_months", "int", "完成时限最晚可在年度结束后几个月"),
    Item("加分上限", "scoring.bonus_cap", "decimal", ""),
    Item("单位扣分上限", "scoring.unit_deduction_cap", "decimal", ""),
    Item("内部考评占比", "scoring.internal_share", "decimal", "如 0.2 表示 20%"),
)
ITEMS_BY_NAME: dict[str, Item] = {
    **{i.label: i for i in PLAN_ITEMS},
    **{i.key: i for i in PLAN_ITEMS},
}
REQUIRED_SHEETS = (PLAN_SHEET, *(t.sheet for t in TABLES if t.required))


# -- reading --------------------------------------------------------------------------


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


@dataclass
class _Row:
    """A record read from a sheet, with the cell of each field."""

    values: dict[str, Any]
    refs: dict[str, str] = field(default_factory=dict)  # field -> "sheet!E7"
    ref: str = ""  # the row's first cell


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

    def register(self, path: str, row: _Row) -> None:
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
            if all(_blank(v) for v in raw.values()):
                continue
            yield number, raw

    def table(self, table: Table) -> list[_Row] | None:
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
        records: list[_Row] = []
        for number, raw in self.rows(ws, header_row + 1, indexes):
            row = _Row(values={}, ref=f"{table.sheet}!{get_column_letter(min(indexes.values()))}"
                       f"{number}")
            for name, value in raw.items():
                column = by_field[name]
                place = f"{table.sheet}!{get_column_letter(indexes[name])}{number}"
                row.refs[name] = place
                parsed = self.value(column.kind, value, place, column.header)
                if parsed is not _ABSENT:
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
            keys = [(raw[str(i)], i) for i in key_cols if not _blank(raw[str(i)])]

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
            if parsed is _ABSENT:
                continue
            parts = item.key.split(".")
            target = data
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            target[parts[-1]] = parsed
        for item in PLAN_ITEMS:  # a missing required item points at the sheet
            self.places.setdefault(f"$.{item.key}", PLAN_SHEET)
        return data

    def indicator_tree(self, rows: list[_Row]) -> list[dict[str, Any]]:
        """First-level rows in order, each row with a parent id attached below its parent."""
        parents = [_parent_id(row) for row in rows]
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
        """The builtin for one cell; _ABSENT when an empty cell leaves the field unset."""
        if kind in ("str", "name", "list", "lines"):
            if _blank_text(value):
                return "" if kind in ("str", "name") else []
            text = value if isinstance(value, str) else _as_text(value)
            if kind == "name":
                return self.name(text, place)
            if kind == "str":
                return text
            return _parse_list(text, kind)
        if _blank(value):
            return _ABSENT
        if kind in ("kind", "work"):
            labels = KIND_LABELS if kind == "kind" else WORK_LABELS
            codes = get_args(CategoryKind if kind == "kind" else Work)
            text = value.strip() if isinstance(value, str) else _as_text(value)
            by_label = {label: code for code, label in labels.items()}
            if text in by_label or text in codes:
                return by_label.get(text, text)
            allowed = "、".join(labels.get(code, code) for code in codes)
            raise self.cell_error(
                place,
                f"“{header}”应为 {allowed} 之一，而不是“{text}”",
                f"'{header}' must be one of {allowed} (or {', '.join(codes)}), not '{text}'",
            )
        parser = _PARSERS[kind]
        parsed = parser(value)
        if parsed is None:
            zh, en = _EXPECTED[kind]
            shown = _as_text(value)
            raise self.cell_error(
                place, f"“{header}”应为{zh}，而不是“{shown}”", f"'{header}' must be {en}, not '{shown}'"
            )
        return parsed


    def name(self, text: str, place: str) -> str:
        """A name or id: trimmed (with a warning), unless written quoted to keep its spaces."""
        quoted = _unquote(text)
        if quoted is not None:
            return quoted
        trimmed = text.strip()
        if trimmed != text:
            self.warnings.append(Problem(code="xlsx.trimmed", where=f"{self.where}:{place}",
                                         params={"value": trimmed}))
        return trimmed


def _unquote(text: str) -> str | None:
    """The string a JSON-quoted cell ("\" 业务股 \"") holds, else None."""
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, str) else None
    return None


class _Absent:
    pass


_ABSENT = _Absent()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _blank_text(value: Any) -> bool:
    return value is None or value == ""


def _as_text(value: Any) -> str:
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


def _parent_id(row: _Row) -> str | None:
    parent = row.values.pop(PARENT, "")
    return None if not parent.strip() else parent


def _parse_list(text: str, kind: ValueKind) -> list[str]:
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


_parse_decimal = parse_decimal  # full-width digits read as digits, as everywhere


def _parse_int(value: Any) -> int | None:
    number = _parse_decimal(value)
    if number is None or number.adjusted() > 100 or number != number.to_integral_value():
        return None
    return int(number)


def _parse_date(value: Any) -> dt.date | None:
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


def _parse_bool(value: Any) -> bool | None:
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


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "int": _parse_int,
    "decimal": _parse_decimal,
    "date": _parse_date,
    "bool": _parse_bool,
}
_EXPECTED: dict[str, tuple[str, str]] = {
    "int": ("整数", "a whole number"),
    "decimal": ("数字", "a number"),
    "date": ("日期（如 2021-06-30）", "a date (such as 2021-06-30)"),
    "bool": ("“是”或“否”", "是 or 否 (yes or no)"),
}


# -- writing --------------------------------------------------------------------------


def write_xlsx(plan: Plan, path: str | Path) -> None:
    """Write the plan as an Excel workbook; reading it back gives an equal Plan."""
    workbook = _workbook(plan)
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
        keep = value != value.strip() or _unquote(value) is not None
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
    if not UNSTORABLE.search(plain) and _parse_list(plain, kind) == items:
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


__all__ = ["XlsxRead", "read_xlsx", "read_xlsx_report", "write_xlsx"]
