"""The plan an office's indicator table describes: categories, sections, people, ids.

`import_sheet` reads the workbook (domain/plan_sheet.py reads the rows) and returns the
plan with every error, warning and guess, each naming its cell. The plan is None when
any error remains: nothing is to be written then.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl

from domain.errors import Problem
from domain.plan import Category, Indicator, Person, Plan, Section
from domain.plan_io import bundled_plan
from domain.plan_sheet import (
    Cell,
    Notes,
    Row,
    Sheet,
    choose_sheet,
    names_in,
    read_deadline,
    read_points,
    read_rows,
    read_title,
)
from domain.plan_sheet_ids import indicator_id, person_ids, section_ids
from domain.sheet_values import clean, halfwidth

HEADERS = {"first": "一级指标", "second": "二级指标", "first_points": "分值", "second_points": "分值",
           "deadline": "完成时限", "category": "类别"}
FIELD_LABELS = {"section": ("责任股室", "section"), "leader": ("分管领导", "leader"),
                "handler": ("承办人", "handler"), "target": ("目标任务", "target")}
CATEGORY_POINTS = re.compile(r"[（(]\s*(?P<points>[\d.]+)\s*分?\s*[)）]")
NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+|\d+)\s*[、.．)）]\s*")
# Words that name a seed category in an office's sheet, by the category's work.
CATEGORY_WORDS = {"key": ("重点",), "routine": ("常规",), "dynamic": ("动态",),
                  "capacity": ("行政能力", "能力建设", "能力")}


@dataclass
class SheetImport:
    """The result of reading an office's sheet."""

    plan: Plan | None
    sheet: str = ""
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    guesses: list[Problem] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)


def import_sheet(path: str | Path, *, sheet: str | None = None, unit: str | None = None,
                 year: int | None = None, title: str | None = None) -> SheetImport:
    """Read an office's indicator table into a plan (None when any error remains)."""
    notes = Notes(str(path))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Path(path).open("rb") as handle:
                workbook = openpyxl.load_workbook(handle, data_only=True)
    except OSError as exc:
        notes.error("file.unreadable", detail=exc)
        return SheetImport(None, errors=notes.errors)
    except Exception as exc:  # a malformed file can fail anywhere in zip or XML parsing
        notes.error("file.xlsx", detail=str(exc) or type(exc).__name__)
        return SheetImport(None, errors=notes.errors)
    ws = choose_sheet(workbook, sheet, notes)
    read = read_rows(ws, notes) if ws is not None else None
    if read is None:
        return SheetImport(None, errors=notes.errors)
    result = _Builder(read, notes, unit, year, title).build()
    return SheetImport(result if not notes.errors else None, read.name, notes.errors, notes.warnings,
                       notes.guesses, result.sections if result else [], result.people if result else [])


class _Builder:
    def __init__(self, sheet: Sheet, notes: Notes, unit: str | None, year: int | None,
                 title: str | None) -> None:
        self.sheet, self.notes = sheet, notes
        self.unit, self.year, self.title = unit, year, title
        self.seed = bundled_plan()
        self.section_names: list[str] = []
        self.person_names: list[str] = []
        self.person_section: dict[str, tuple[str, Cell]] = {}
        self.leaders: set[str] = set()
        self.category_cache: dict[str, Category] = {}
        self.first_cell: dict[str, str] = {}  # a section's or person's name -> its first cell

    # -- the whole plan ----------------------------------------------------------------
    def build(self) -> Plan | None:
        self.header_values()
        categories, groups = self.group()
        indicators: list[Indicator] = []
        numbers: Counter[str] = Counter()
        for cat_id, rows in groups:
            numbers[cat_id] += 1
            work = next(c.work for c in categories if c.id == cat_id)
            indicators.append(self.first_level(cat_id, indicator_id(work, numbers[cat_id]), rows))
        ids = {c.id for c in categories}
        sections = section_ids(self.section_names, set(ids))
        people = person_ids(self.person_names, set(ids) | set(sections.values()))
        indicators = [self.resolve(i, sections, people) for i in indicators]
        for category in categories:
            if category.points < 0:  # not given on the sheet: the sum of its indicators
                total = sum((i.points for i in indicators if i.category == category.id), Decimal(0))
                category.points = total
                self.notes.guess("sheet.guess_category_points", self.category_refs[category.id],
                                 category=category.name, points=_fmt(total))
        self.check_totals(indicators)
        section_list = [Section(id=sections[n], name=n) for n in self.section_names]
        person_list = [self.person(n, people[n], sections) for n in self.person_names]
        for name, ident in [*sections.items(), *people.items()]:
            self.notes.guess("sheet.guess_id", self.first_cell.get(name, ""), name=name, id=ident)
        if self.notes.errors or self.unit is None or self.year is None:
            return None
        return Plan(unit=self.unit, year=self.year, title=self.title or "", sections=section_list,
                    people=person_list, categories=categories, indicators=indicators,
                    tiers=self.seed.tiers, grades=self.seed.grades, rules=self.seed.rules,
                    scoring=self.seed.scoring)

    def header_values(self) -> None:
        """Unit, year and title from the flags, else from the title row."""
        cell = self.sheet.title
        unit, year = read_title(str(cell.value)) if cell is not None else ("", None)
        if self.title is None and cell is not None:
            self.title = clean(str(cell.value))
            self.notes.guess("sheet.guess_title", cell.ref, value=self.title)
        if self.unit is None and unit:
            self.unit = unit
            self.notes.guess("sheet.guess_unit", cell.ref if cell else "", value=unit)
        if self.year is None and year is not None:
            self.year = year
            self.notes.guess("sheet.guess_year", cell.ref if cell else "", value=year)
        for value, flag in ((self.unit, "--unit"), (self.year, "--year")):
            if value is None or value == "":
                self.notes.error("sheet.no_title", cell.ref if cell else "", flag=flag)
        if self.unit == "":
            self.unit = None
        if self.title is None and self.unit and self.year:
            self.title = f"{self.unit}{self.year}年度绩效评估工作方案"

    # -- categories and first-level groups ----------------------------------------------
    def category_for(self, cell: Cell) -> Category:
        """The plan category a category cell names (once per text: a merged cell is one)."""
        text = clean(halfwidth(str(cell.value)))
        if text not in self.category_cache:
            self.category_cache[text] = self._category(cell, text)
        return self.category_cache[text]

    def _category(self, cell: Cell, text: str) -> Category:
        match = CATEGORY_POINTS.search(text)
        name = NUMBERING.sub("", CATEGORY_POINTS.sub("", text)).strip(" ：:")
        seed = next((c for c in self.seed.categories if c.name == name), None)
        if seed is None:
            seed = next((c for c in self.seed.categories
                         if any(w in name for w in CATEGORY_WORDS.get(c.work, ()))), None)
            if seed is not None:
                self.notes.guess("sheet.guess_category", cell.ref, value=text, category=seed.name)
        if seed is None:
            self.notes.error("sheet.category", cell.ref, value=text,
                             allowed="、".join(c.name for c in self.seed.categories))
            # read on, so the other cells' errors are found too (no plan is made)
            return Category(id=f"?{text}", name=text, kind="functional", work="routine",
                            points=Decimal(-1))
        points = Decimal(match.group("points")) if match else Decimal(-1)
        return Category(id=seed.id, name=name or seed.name, kind=seed.kind, work=seed.work,
                        points=points, first_level_cap=seed.first_level_cap,
                        second_level_cap=seed.second_level_cap)

    def group(self) -> tuple[list[Category], list[tuple[str, list[Row]]]]:
        """The categories in sheet order and each first-level indicator's rows."""
        categories: dict[str, Category] = {}
        self.category_refs: dict[str, str] = {}
        groups: list[tuple[str, list[Row]]] = []
        heading: Cell | None = None
        previous: tuple[str, str] | None = None
        headings = sorted(self.sheet.headings.items())
        for row in self.sheet.rows:
            while headings and headings[0][0] < row.number:
                heading = headings.pop(0)[1]
            cell = row.cells.get("category")
            if cell is None or not row.text("category"):
                cell = heading
            if cell is None:
                self.notes.error("sheet.no_category", row.cells.get("category", row.cells["first"]).ref)
                continue
            category = self.category_for(cell)
            known = categories.setdefault(category.id, category)
            self.category_refs.setdefault(category.id, cell.ref)
            if known.points < 0 <= category.points:
                known.points = category.points
            first = row.cells["first"]
            if not row.text("first"):
                self.notes.error("sheet.no_name", first.ref, column=HEADERS["first"])
                continue
            key = (category.id, first.merged or row.text("first"))
            if key == previous and groups:
                groups[-1][1].append(row)
            else:
                groups.append((category.id, [row]))
            previous = key
        return list(categories.values()), groups

    # -- indicators -------------------------------------------------------------------
    def first_level(self, cat_id: str, ident: str, rows: list[Row]) -> Indicator:
        top = rows[0]
        name = top.text("first")
        points_cell = top.cells.get("first_points")
        with_children = [r for r in rows if r.text("second")]
        if not with_children:  # a first-level indicator without second-level ones
            if len(rows) > 1:
                self.notes.error("sheet.no_name", rows[1].cells["first"].ref, column=HEADERS["second"])
            cell = points_cell if points_cell is not None and points_cell.value is not None else \
                top.cells.get("second_points", points_cell)
            points = read_points(cell, self.notes, HEADERS["first_points"]) if cell else None
            leaf = self.fields(top, ident, name, points or Decimal(0))
            leaf.category, leaf.no_children = cat_id, True
            return leaf
        for row in rows:
            if not row.text("second"):
                self.notes.error("sheet.no_name", row.cells["second"].ref, column=HEADERS["second"])
        children = []
        for number, row in enumerate(with_children, start=1):
            cell = row.cells.get("second_points")
            points = read_points(cell, self.notes, HEADERS["second_points"]) if cell else None
            if cell is None:
                self.notes.error("sheet.points", row.cells["second"].ref, column="分值", value="")
            children.append(self.fields(row, f"{ident}.{number}", row.text("second"),
                                        points or Decimal(0)))
        total = sum((c.points for c in children), Decimal(0))
        if points_cell is None or points_cell.value is None or str(points_cell.value).strip() == "":
            points = total
            self.notes.guess("sheet.guess_points", (points_cell or top.cells["first"]).ref,
                             name=name, points=_fmt(total))
        else:
            points = read_points(points_cell, self.notes, HEADERS["first_points"]) or Decimal(0)
        first = Indicator(id=ident, name=name, points=points, category=cat_id, children=children)
        for attr in ("section", "leader", "handler", "target"):
            values = [getattr(c, attr) for c in children if getattr(c, attr)]
            if not values:
                continue
            common, n = Counter(values).most_common(1)[0]
            if n < len(children) and attr == "target":
                continue
            setattr(first, attr, common)
            if n < len(children):
                zh, en = FIELD_LABELS[attr]
                self.notes.guess("sheet.guess_first", top.cells["first"].ref, name=name,
                                 field=zh, field_en=en, value=common)
        dates = [c.deadline for c in children if c.deadline is not None]
        first.deadline = max(dates) if dates else None
        return first

    def fields(self, row: Row, ident: str, name: str, points: Decimal) -> Indicator:
        year = self.year
        ind = Indicator(id=ident, name=name, points=points, target=row.text("target"))
        section = self.name(row, "section", self.section_names)
        ind.section = section
        ind.leader = self.name(row, "leader", self.person_names)
        ind.handler = self.name(row, "handler", self.person_names)
        if ind.leader:
            self.leaders.add(ind.leader)
        if ind.handler and section:
            self.person_section.setdefault(ind.handler, (section, row.cells["handler"]))
        if not ind.handler:
            self.notes.warn("sheet.no_handler", row.cells.get("handler", row.cells["first"]).ref,
                            name=name)
        if "deadline" in row.cells:
            ind.deadline = read_deadline(row.cells["deadline"], year, self.notes, HEADERS["deadline"])
        if "milestones" in row.cells and row.text("milestones"):
            ind.milestones = [m.strip() for m in str(row.cells["milestones"].value).splitlines()
                              if m.strip()]
        return ind

    def name(self, row: Row, key: str, known: list[str]) -> str:
        if key not in row.cells or not row.text(key):
            return ""
        names = names_in(row.text(key))
        if len(names) > 1:
            self.notes.guess("sheet.guess_first_name", row.cells[key].ref, value=row.text(key),
                             name=names[0])
        if names and names[0] not in known:
            known.append(names[0])
            self.first_cell.setdefault(names[0], row.cells[key].ref)
        return names[0] if names else ""

    def resolve(self, ind: Indicator, sections: dict[str, str], people: dict[str, str]) -> Indicator:
        """Names replaced by the ids given to them."""
        ind.section = sections.get(ind.section, "")
        ind.leader = people.get(ind.leader, "")
        ind.handler = people.get(ind.handler, "")
        ind.children = [self.resolve(c, sections, people) for c in ind.children]
        return ind

    def person(self, name: str, ident: str, sections: dict[str, str]) -> Person:
        person = Person(id=ident, name=name)
        if name in self.leaders:
            person.roles = ["leader"]
        if name in self.person_section and name not in self.leaders:
            section, cell = self.person_section[name]
            person.section = sections[section]
            self.notes.guess("sheet.guess_person_section", cell.ref, name=name, section=section)
        return person

    def check_totals(self, indicators: list[Indicator]) -> None:
        total = sum((i.points for i in indicators), Decimal(0))
        for kind, cell, points in self.sheet.totals:
            if kind == "total" and points != total:
                self.notes.warn("sheet.total", cell.ref, actual=_fmt(total), given=_fmt(points))


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")
