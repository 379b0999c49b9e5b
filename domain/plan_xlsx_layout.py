"""The layout of a plan workbook: its sheets, their columns and the value kind of each."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

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

