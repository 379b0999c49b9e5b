"""The forms due with the plan (报送节点 1): the task-decomposition table and the register
of responsible persons and liaisons (附件4), both folded from the events.

- `decomposition`: every indicator with its section, leader in charge, handler, deadline
  and milestones, as the latest valid assignment says (the plan's defaults otherwise).
- `contacts`: who answers for the evaluation, unit-wide and per section: the principal
  and deputy leaders (from the plan's leadership group), the supervisory group, each
  section's head, the leaders in charge of its indicators and its liaisons, with their
  telephone numbers (`users contact`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec

from projections.fold import PlanFold, YearFold
from projections.standings import assignment
from projections.work_ledger import people_names, section_names


class TaskRow(msgspec.Struct, kw_only=True):
    indicator: str
    level: int
    category: str
    first_level: str
    second_level: str
    points: Decimal
    target: str
    section: str
    section_name: str
    leader: str
    leader_name: str
    handler: str
    handler_name: str
    deadline: dt.date | None
    milestones: list[str]
    assigned: bool
    withdrawn: bool


DECOMPOSITION_COLUMNS = ["编号", "类别", "一级指标", "二级指标", "分值", "年度目标", "责任股室",
                         "分管领导", "承办人", "完成时限", "进度安排（节点）"]


def decomposition(year: YearFold, fold: PlanFold, *, section: str = "") -> list[TaskRow]:
    """Every indicator of the plan with its responsibility (withdrawn ones marked)."""
    plan = fold.plan
    assert plan is not None
    names = people_names(year, fold)
    sections = section_names(fold)
    categories = {c.id: c.name for c in plan.categories}
    rows = []
    for ind, parent in plan.walk():
        duty = assignment(ind, fold.record(ind.id))
        if section and duty["section"] != section:
            continue
        first = parent or ind
        rows.append(TaskRow(
            indicator=ind.id, level=1 if parent is None else 2,
            category=categories.get(first.category, first.category), first_level=first.name,
            second_level=ind.name if parent else "", points=ind.points, target=ind.target,
            section=duty["section"], section_name=sections.get(duty["section"], duty["section"]),
            leader=duty["leader"], leader_name=names.get(duty["leader"], duty["leader"]),
            handler=duty["handler"], handler_name=names.get(duty["handler"], duty["handler"]),
            deadline=duty["deadline"], milestones=list(duty["milestones"]),
            assigned=duty["assigned"], withdrawn=fold.is_withdrawn(ind.id)))
    return rows


def decomposition_rows(rows: list[TaskRow]) -> list[list[object]]:
    return [[r.indicator, r.category if r.level == 1 else "", r.first_level if r.level == 1 else "",
             r.second_level, r.points, r.target, r.section_name, r.leader_name, r.handler_name,
             r.deadline or "", "；".join(r.milestones) + ("（已撤销）" if r.withdrawn else "")]
            for r in rows]


class Contact(msgspec.Struct, kw_only=True):
    scope: str  # "" for the unit, else a section id
    scope_name: str
    duty: str  # 主要负责人 / 分管领导 / 监督领导小组 / 股室负责人 / 联络员
    person: str
    name: str
    title: str
    indicators: int  # how many indicators the person answers for in this scope
    phone: str = ""  # office telephone
    mobile: str = ""


CONTACT_COLUMNS = ["单位/股室", "职责", "姓名", "职务", "办公电话", "手机", "负责指标数"]


def contacts(year: YearFold, fold: PlanFold, *, section: str = "") -> list[Contact]:
    """The register of responsible persons and liaisons (负责人和联络员登记表)."""
    plan = fold.plan
    assert plan is not None
    names = people_names(year, fold)
    titles = {p.id: p.title for p in plan.people}
    titles.update({u.id: u.title for u in year.users.values() if u.title})
    sections = section_names(fold)
    duties = {ind.id: assignment(ind, fold.record(ind.id)) for ind, _ in plan.walk()
              if not fold.is_withdrawn(ind.id)}
    out: list[Contact] = []

    def add(scope: str, duty: str, person: str, count: int = 0) -> None:
        if not person or any(c.scope == scope and c.duty == duty and c.person == person for c in out):
            return
        user = year.users.get(person)
        out.append(Contact(scope=scope, scope_name=sections.get(scope, plan.unit) if scope else plan.unit,
                           duty=duty, person=person, name=names.get(person, person),
                           title=titles.get(person, ""), indicators=count,
                           phone=user.phone if user else "", mobile=user.mobile if user else ""))

    if not section:
        led = {p: sum(1 for d in duties.values() if d["leader"] == p) for p in names}
        for person in plan.people:
            if person.leadership == "组长":
                add("", "主要负责人", person.id, led.get(person.id, 0))
        for person in plan.people:
            if person.leadership == "副组长":
                add("", "分管领导", person.id, led.get(person.id, 0))
        for person in plan.people:
            if person.supervisory:
                add("", f"监督领导小组{person.supervisory}", person.id)
        office = [u.id for u in year.users.values() if "office" in u.roles]
        for person in office:
            add("", "绩效联络员", person, sum(1 for d in duties.values() if d["liaison"] == person))
    for sec in plan.sections:
        if section and sec.id != section:
            continue
        mine = [d for d in duties.values() if d["section"] == sec.id]
        heads = [u.id for u in year.users.values() if u.section == sec.id and "section_head" in u.roles]
        for person in heads:
            add(sec.id, "股室负责人", person, len(mine))
        for leader in dict.fromkeys(d["leader"] for d in mine):
            add(sec.id, "分管领导", leader, sum(1 for d in mine if d["leader"] == leader))
        liaisons = list(dict.fromkeys(d["liaison"] for d in mine if d["liaison"]))
        if not liaisons:  # no liaison named yet: the section's clerks act as liaisons
            liaisons = [u.id for u in year.users.values() if u.section == sec.id and "clerk" in u.roles]
        for person in liaisons:
            add(sec.id, "联络员", person, sum(1 for d in mine if d["liaison"] == person))
    return out


def contact_rows(rows: list[Contact]) -> list[list[object]]:
    return [[c.scope_name, c.duty, c.name, c.title, c.phone, c.mobile, c.indicators] for c in rows]
