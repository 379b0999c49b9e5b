"""The deliverables of 9-30 that are tables built from the ledger: the plan's
self-assessment table (一级指标、二级指标自评表) and the table of data items the city asks
for with the section and person answering for each (数据采集内容和责任分工).

The self-assessment table is the unit's own assessment (自评: each leaf's self-assessed
tier and the points it gives) with the county's tier beside it where one is awarded.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from projections.fold import PlanFold, YearFold
from projections.plan_tree import plan_tree
from projections.standings import standings
from projections.work_ledger import people_names, section_names


class SelfAssessmentRow(msgspec.Struct, kw_only=True):
    indicator: str
    level: int
    category: str
    first_level: str
    second_level: str
    points: Decimal
    section: str
    section_name: str
    self_tier: str  # "" until the section assesses it
    self_score: Decimal
    tier: str  # the county's tier, "" until awarded
    score: Decimal
    withdrawn: bool


SELF_ASSESSMENT_COLUMNS = ["编号", "类别", "一级指标", "二级指标", "分值", "责任股室", "自评档次", "自评得分",
                           "考评档次", "考评得分"]


def self_assessment_table(fold: PlanFold, *, today: dt.date) -> list[SelfAssessmentRow]:
    """Every indicator with the unit's own tier and score (first-level rows sum their children)."""
    plan = fold.plan
    assert plan is not None
    s = standings(fold, today=today)
    sections = section_names(fold)
    categories = {c.id: c.name for c in plan.categories}
    firsts = {i.id: i for i in plan.indicators}
    rows = []
    for score in s.indicators:
        first = firsts.get(score.parent or score.id)
        rows.append(SelfAssessmentRow(
            indicator=score.id, level=score.level, category=categories.get(score.category, score.category),
            first_level=first.name if first else "", second_level=score.name if score.level == 2 else "",
            points=score.points, section=score.section, section_name=sections.get(score.section, score.section),
            self_tier=score.self_tier, self_score=score.projected, tier=score.tier, score=score.score,
            withdrawn=score.withdrawn))
    return rows


def self_assessment_rows(rows: list[SelfAssessmentRow]) -> list[list[object]]:
    return [[r.indicator, r.category if r.level == 1 else "", r.first_level if r.level == 1 else "",
             r.second_level, r.points, r.section_name, r.self_tier or "—", r.self_score if r.self_tier else "",
             r.tier or "—", r.score if r.tier else ""] for r in rows]


def plan_document(year: YearFold, fold: PlanFold, *, today: dt.date) -> dict[str, Any]:
    """What is filed as 《绩效评估工作方案》: the plan's tree and its self-assessment table."""
    plan = fold.plan
    assert plan is not None
    s = standings(fold, today=today)
    return {"unit": plan.unit, "year": plan.year, "title": plan.title, "date": today,
            "approved": fold.approved, "plan": plan_tree(plan),
            "self_assessment": self_assessment_table(fold, today=today),
            "self_assessed": s.self_assessed}


class DataRow(msgspec.Struct, kw_only=True):
    id: str
    item: str
    section: str
    section_name: str
    person: str
    person_name: str
    phone: str
    source: str
    due: dt.date | None
    note: str


DATA_COLUMNS = ["编号", "采集内容", "责任股室", "责任人", "联系电话", "数据来源", "报送时限", "备注"]


def data_collection(year: YearFold, fold: PlanFold, *, section: str = "") -> list[DataRow]:
    """The data items the city asks for, with who answers for each (as the table now stands)."""
    plan = fold.plan
    assert plan is not None
    names = people_names(year, fold)
    sections = section_names(fold)
    rows = []
    for d in plan.data_items:
        if section and d.section != section:
            continue
        user = year.users.get(d.person)
        phone = (user.phone or user.mobile) if user is not None else ""
        rows.append(DataRow(id=d.id, item=d.item, section=d.section, section_name=sections.get(d.section, d.section),
                            person=d.person, person_name=names.get(d.person, d.person), phone=phone,
                            source=d.source, due=d.due, note=d.note))
    return rows


def data_rows(rows: list[DataRow]) -> list[list[object]]:
    return [[r.id, r.item, r.section_name, r.person_name, r.phone, r.source, r.due or "", r.note] for r in rows]
