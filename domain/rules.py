"""The rules of the seed, checked on every plan and every plan change.

Each rule reads its figures from the plan (`plan.rules`, category caps and declared
counts), so another unit or year can change them. `check` collects every violation
rather than stopping at the first: a clerk fixing a sheet wants the whole list.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

from domain.errors import JixiaoError, Problem
from domain.localtime import zone_of
from domain.plan import Plan
from domain.plan_decode import line_of_id

CENT = Decimal("0.01")


def _p(code: str, where: str = "", **params: object) -> Problem:
    return Problem(code=code, where=where, params={k: _fmt(v) for k, v in params.items()})


def _fmt(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 2.50 and 2.5 both read 2.5, 1E+2 reads 100
    return str(value)


def check(plan: Plan, text: str | None = None) -> list[Problem]:
    """Every violation of the plan's rules; empty when the plan is valid.

    When the plan came from TOML, pass its text so problems carry their line.
    """
    problems = [
        *_check_ids(plan),
        *_check_references(plan),
        *_check_budgets(plan),
        *_check_tree(plan),
        *_check_tiers(plan),
        *_check_grades(plan),
        *_check_dates(plan),
    ]
    if text is not None:
        problems = [
            p if p.line is not None or not p.where else
            Problem(code=p.code, params=p.params, where=p.where, line=line_of_id(text, p.where))
            for p in problems
        ]
    return problems


def _check_ids(plan: Plan) -> Iterator[Problem]:
    ids = Counter(i.id for i, _ in plan.walk())
    ids.update(s.id for s in plan.sections)
    ids.update(p.id for p in plan.people)
    ids.update(c.id for c in plan.categories)
    ids.update(d.id for d in plan.deadlines)
    for ident, n in ids.items():
        if n > 1:
            yield _p("rule.unique_id", ident, id=ident)


def _check_references(plan: Plan) -> Iterator[Problem]:
    sections = {s.id for s in plan.sections}
    people = {p.id for p in plan.people}
    categories = {c.id for c in plan.categories}
    for person in plan.people:
        if person.section and person.section not in sections:
            yield _p("rule.unknown_section", person.id, name=person.name, actual=person.section)
    for ind, parent in plan.walk():
        if parent is None and ind.category not in categories:
            yield _p("rule.unknown_category", ind.id, name=ind.name, actual=ind.category or "—")
        if parent is not None and ind.category and ind.category != parent.category:
            yield _p("rule.child_category", ind.id, name=ind.name)
        if ind.section and ind.section not in sections:
            yield _p("rule.unknown_section", ind.id, name=ind.name, actual=ind.section)
        for field, label, label_en in (("leader", "分管领导", "leader in charge"), ("handler", "承办人", "handler")):
            ref = getattr(ind, field)
            if ref and ref not in people:
                yield _p("rule.unknown_person", ind.id, name=ind.name, actual=ref, field=label,
                         field_en=label_en)
        if ind.points <= 0 or ind.points != ind.points.quantize(CENT):
            yield _p("rule.points_positive", ind.id, name=ind.name, actual=ind.points)


def _check_budgets(plan: Plan) -> Iterator[Problem]:
    budget = sum((c.points for c in plan.categories), Decimal(0))
    if budget != plan.rules.total:
        yield _p("rule.total", actual=budget, allowed=plan.rules.total)
    for cat in plan.categories:
        firsts = [i for i in plan.indicators if i.category == cat.id]
        total = sum((i.points for i in firsts), Decimal(0))
        if total != cat.points:
            yield _p("rule.category_sum", cat.id, category=cat.name, actual=total, allowed=cat.points)
        seconds = sum(len(i.children) for i in firsts)
        for level, level_en, declared, actual in (
            ("一级", "first-level", cat.first_level_count, len(firsts)),
            ("二级", "second-level", cat.second_level_count, seconds),
        ):
            if declared is not None and declared != actual:
                yield _p("rule.declared_count", cat.id, category=cat.name, level=level,
                         level_en=level_en, actual=actual, allowed=declared)
    functional = {c.id for c in plan.categories if c.kind == "functional"}
    n_functional = sum(1 for i in plan.indicators if i.category in functional)
    if n_functional < plan.rules.min_first_level_functional:
        yield _p("rule.min_first_level", actual=n_functional,
                 allowed=plan.rules.min_first_level_functional)


def _check_tree(plan: Plan) -> Iterator[Problem]:
    cats = {c.id: c for c in plan.categories}
    for first in plan.indicators:
        cat = cats.get(first.category)
        if first.no_children:
            if first.children:
                yield _p("rule.no_children", first.id, name=first.name, actual=len(first.children))
        elif len(first.children) < plan.rules.min_children:
            yield _p("rule.min_children", first.id, name=first.name, actual=len(first.children),
                     allowed=plan.rules.min_children)
        if cat and cat.first_level_cap is not None and first.points > cat.first_level_cap:
            yield _p("rule.first_level_cap", first.id, name=first.name, actual=first.points,
                     allowed=cat.first_level_cap)
        if first.children:
            children_sum = sum((c.points for c in first.children), Decimal(0))
            if children_sum != first.points:
                yield _p("rule.parent_sum", first.id, name=first.name, actual=first.points,
                         allowed=children_sum)
        for child in first.children:
            if cat and cat.second_level_cap is not None and child.points > cat.second_level_cap:
                yield _p("rule.second_level_cap", child.id, name=child.name, category=cat.name,
                         actual=child.points, allowed=cat.second_level_cap)


def _check_tiers(plan: Plan) -> Iterator[Problem]:
    if not plan.tiers:
        yield _p("rule.tiers_empty")
    previous: Decimal | None = None
    for tier in plan.tiers:
        if (tier.share is None) == (tier.points is None):
            yield _p("rule.tier_kind", name=tier.name)
            continue
        if tier.share is not None:
            if not Decimal(0) <= tier.share <= Decimal(1):
                yield _p("rule.tier_share", name=tier.name, actual=tier.share)
            if previous is not None and tier.share > previous:
                yield _p("rule.tier_order", name=tier.name)
            previous = tier.share


def _check_grades(plan: Plan) -> Iterator[Problem]:
    seen = Counter(g.min for g in plan.grades)
    for grade in plan.grades:
        if seen[grade.min] > 1:
            yield _p("rule.grades", name=grade.name)


def window(plan: Plan) -> tuple[dt.date, dt.date]:
    """The sane window for dates of the plan: its year plus the months reports run over."""
    months = plan.rules.deadline_window_months
    end_year = plan.year + 1 + (months - 1) // 12
    end_month = (months - 1) % 12 + 1
    start = dt.date(plan.year, 1, 1)
    end = (dt.date(end_year, end_month, 1).replace(day=28) + dt.timedelta(days=4))
    return start, end.replace(day=1) - dt.timedelta(days=1)


def _check_dates(plan: Plan) -> Iterator[Problem]:
    start, end = window(plan)
    allowed = f"{start}..{end}"
    for deadline in plan.deadlines:
        if not start <= deadline.due <= end:
            yield _p("rule.deadline_window", deadline.id, name=deadline.name,
                     actual=deadline.due, allowed=allowed)
    for ind, _ in plan.walk():
        if ind.deadline is not None and not start <= ind.deadline <= end:
            yield _p("rule.indicator_deadline", ind.id, name=ind.name, actual=ind.deadline,
                     allowed=allowed)
    try:
        zone_of(plan.time_zone)
    except JixiaoError:
        yield _p("rule.time_zone", "", actual=plan.time_zone)
