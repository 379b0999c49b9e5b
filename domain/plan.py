"""The evaluation plan (考评方案) as typed data.

A plan is decoded from TOML (or an Excel workbook) into these msgspec structs. Every
number the seed fixes (budgets, caps, counts, tier shares, grade thresholds) is a field
here, with the 2021 values as defaults, because other units and years differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Literal

import msgspec

CategoryKind = Literal["functional", "capacity"]
Work = Literal["key", "routine", "dynamic", "capacity"]


class Struct(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """Base of every plan struct: unknown keys in a plan file are errors, not ignored."""


class Section(Struct):
    """An evaluated internal section (考评对象 / 股室)."""

    id: str
    name: str


class Person(Struct):
    """Someone named by the plan; becomes a user of the ledger at init."""

    id: str
    name: str
    title: str = ""
    section: str = ""
    leadership: str = ""  # position in the leadership group: 组长 / 副组长 / 成员
    supervisory: str = ""  # position in the supervisory group
    roles: list[str] = []  # extra roles (clerk, section_head, office, performance_office, admin)


class Category(Struct):
    """A category of indicators with its point budget and caps."""

    id: str
    name: str
    kind: CategoryKind
    work: Work
    points: Decimal
    first_level_cap: Decimal | None = None
    second_level_cap: Decimal | None = None
    first_level_count: int | None = None  # declared counts, checked when given
    second_level_count: int | None = None


class Indicator(Struct):
    """A first- or second-level indicator (一级 / 二级指标)."""

    id: str
    name: str
    points: Decimal
    category: str = ""  # first-level only; children inherit the parent's
    target: str = ""  # annual target (年度目标)
    section: str = ""
    leader: str = ""  # leader in charge (分管领导), a person id
    handler: str = ""  # handler (承办人), a person id
    deadline: dt.date | None = None
    milestones: list[str] = []
    no_children: bool = False  # e.g. 文明县城创建, which has no second-level indicators
    children: list[Indicator] = []


class Tier(Struct):
    """A row of the tier table (定档分值表): a share of points, or fixed points."""

    name: str
    share: Decimal | None = None
    points: Decimal | None = None


class Grade(Struct):
    """A grade (等次) reached at or above `min` total points."""

    name: str
    min: Decimal


class Deadline(Struct):
    """A reporting deadline (报送节点) and the reports due by it."""

    id: str
    name: str
    due: dt.date
    reports: list[str] = []


class DataItem(Struct):
    """A data item the city asks for (泉州市下达的绩效考核数据采集内容): who answers for it,
    where it comes from, and by when."""

    id: str
    item: str
    section: str = ""
    person: str = ""  # the person responsible, a user id
    source: str = ""  # where the figure comes from (统计口径 / 数据来源)
    due: dt.date | None = None
    note: str = ""


class Rules(Struct):
    """The rule set of the plan; defaults are the 2021 values of the seed."""

    total: Decimal = Decimal(100)
    min_first_level_functional: int = 15
    min_children: int = 2
    deadline_window_months: int = 3  # deadlines may fall up to this long after the year


class Scoring(Struct):
    """Scoring parameters beyond the tier table."""

    bonus_cap: Decimal = Decimal(3)
    unit_deduction_cap: Decimal = Decimal(10)
    internal_share: Decimal = Decimal("0.2")


def default_tiers() -> list[Tier]:
    return [
        Tier(name="一档", share=Decimal(1)),
        Tier(name="二档", share=Decimal("0.9")),
        Tier(name="三档", share=Decimal("0.8")),
        Tier(name="四档", share=Decimal("0.6")),
        Tier(name="未完成", share=Decimal(0)),
    ]


def default_grades() -> list[Grade]:
    return [
        Grade(name="优秀", min=Decimal(90)),
        Grade(name="良好", min=Decimal(80)),
        Grade(name="一般", min=Decimal(60)),
        Grade(name="较差", min=Decimal(0)),
    ]


class Plan(Struct):
    """One unit's evaluation plan for one year."""

    unit: str
    year: int
    title: str
    sections: list[Section]
    people: list[Person]
    categories: list[Category]
    indicators: list[Indicator]
    tiers: list[Tier] = msgspec.field(default_factory=default_tiers)
    grades: list[Grade] = msgspec.field(default_factory=default_grades)
    deadlines: list[Deadline] = []
    data_items: list[DataItem] = []  # 数据采集内容和责任分工
    time_zone: str = "Asia/Shanghai"  # the unit's local time: dates counted, times typed and shown in it
    rules: Rules = msgspec.field(default_factory=Rules)
    scoring: Scoring = msgspec.field(default_factory=Scoring)

    # -- lookups -------------------------------------------------------------------
    def walk(self) -> Iterator[tuple[Indicator, Indicator | None]]:
        """Every indicator with its parent (None for first-level), in plan order."""
        for first in self.indicators:
            yield first, None
            for child in first.children:
                yield child, first

    def leaves(self) -> Iterator[tuple[Indicator, Indicator | None]]:
        """Indicators that are scored directly: second-level ones and childless first-level ones."""
        for first in self.indicators:
            if first.children:
                for child in first.children:
                    yield child, first
            else:
                yield first, None

    def category_of(self, indicator: Indicator, parent: Indicator | None) -> Category | None:
        cat_id = (parent or indicator).category
        return next((c for c in self.categories if c.id == cat_id), None)

    def indicator(self, indicator_id: str) -> Indicator | None:
        return next((i for i, _ in self.walk() if i.id == indicator_id), None)

    def tier(self, name: str) -> Tier | None:
        return next((t for t in self.tiers if t.name == name), None)


def tier_points(tier: Tier, points: Decimal) -> Decimal:
    """Points a tier earns on an indicator worth `points` (never above the points)."""
    if tier.points is not None:
        return min(tier.points, points)
    return (points * (tier.share or Decimal(0))).quantize(Decimal("0.01"))


def grade_for(grades: list[Grade], total: Decimal) -> str:
    """The grade whose threshold the total reaches; the lowest grade otherwise."""
    for grade in sorted(grades, key=lambda g: g.min, reverse=True):
        if total >= grade.min:
            return grade.name
    return min(grades, key=lambda g: g.min).name if grades else ""
