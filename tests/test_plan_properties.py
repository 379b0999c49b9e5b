"""Properties of the rules: any plan built by the rules passes, and any single cap breach
is caught, whatever the unit's budgets, caps, tree and dates."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from domain.plan import Category, Deadline, Grade, Indicator, Person, Plan, Rules, Section, Tier
from domain.plan_io import dump_toml, parse_toml
from domain.rules import check, window

SETTINGS = settings(max_examples=50, deadline=None)
CENT = Decimal("0.01")
CATEGORY_NAMES = ["重点工作目标", "常规工作目标", "动态工作目标", "行政能力目标", "专项工作目标"]
INDICATOR_NAMES = ["高新技术企业培育", "科技特派员制度", "知识产权保护", "依法行政", "廉洁行政",
                   "科技项目管理", "文明县城创建", "科普宣传"]


def cents(n: int) -> Decimal:
    return (Decimal(n) / 100).quantize(CENT)


@dataclass
class Shape:
    """How a generated category is capped (in cents; None: no cap)."""

    first_cap: int | None
    second_cap: int | None


@st.composite
def first_level(draw: st.DrawFn, ident: str, shape: Shape, min_children: int, sections: list[str],
                people: list[str], dates: st.SearchStrategy[dt.date | None]) -> Indicator:
    """A first-level indicator within its category's caps, its points the sum of its children's."""
    common = {
        "section": draw(st.sampled_from(["", *sections])),
        "leader": draw(st.sampled_from(["", *people])),
        "handler": draw(st.sampled_from(["", *people])),
        "deadline": draw(dates),
    }
    name = draw(st.sampled_from(INDICATOR_NAMES))
    first_cap = shape.first_cap if shape.first_cap is not None else 1000
    if draw(st.booleans()) and min_children > 0 and draw(st.integers(0, 4)) == 0:
        points = draw(st.integers(1, first_cap))
        return Indicator(id=ident, name=name, points=cents(points), no_children=True, **common)
    n = draw(st.integers(min_children, min_children + 2))
    room = first_cap
    children = []
    for k in range(n):
        most = min(shape.second_cap or room, room - (n - k - 1))
        points = draw(st.integers(1, most))
        room -= points
        children.append(Indicator(id=f"{ident}.{k + 1}", name=f"{name}（{k + 1}）", points=cents(points),
                                  section=draw(st.sampled_from(["", *sections])),
                                  handler=draw(st.sampled_from(["", *people])), deadline=draw(dates)))
    total = sum((c.points for c in children), Decimal(0))
    return Indicator(id=ident, name=name, points=total, children=children, **common)


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    """A plan valid by construction: budgets are the sums of their indicators, caps hold."""
    year = draw(st.integers(2000, 2040))
    months = draw(st.integers(0, 24))
    rules = Rules(min_children=draw(st.integers(1, 3)), deadline_window_months=months)
    start, end = window(Plan(unit="", year=year, title="", sections=[], people=[], categories=[],
                             indicators=[], rules=rules))
    dates = st.none() | st.dates(start, end)

    sections = [Section(id=f"s{i}", name=f"股室{i}") for i in range(draw(st.integers(1, 3)))]
    section_ids = [s.id for s in sections]
    people = [Person(id=f"p{i}", name=f"人员{i}", section=draw(st.sampled_from(["", *section_ids])))
              for i in range(draw(st.integers(1, 4)))]
    person_ids = [p.id for p in people]

    # The first category is always capped at both levels, as routine work is in 2021.
    n_categories = draw(st.integers(1, 4))
    categories: list[Category] = []
    indicators: list[Indicator] = []
    serial = 0
    for c in range(n_categories):
        if c == 0:
            second = draw(st.integers(1, 300))
            # room for up to five children of at least a cent each
            shape = Shape(first_cap=draw(st.integers(max(second, 5), max(second * 4, 5))), second_cap=second)
        else:
            shape = Shape(first_cap=draw(st.none() | st.integers(10, 500)),
                          second_cap=draw(st.none() | st.integers(1, 200)))
        firsts = []
        for _ in range(draw(st.integers(1, 5))):
            serial += 1
            firsts.append(draw(first_level(f"I{serial:02d}", shape, rules.min_children, section_ids,
                                           person_ids, dates)))
        kind = "functional" if c == 0 or draw(st.booleans()) else "capacity"
        work = draw(st.sampled_from(["key", "routine", "dynamic"])) if kind == "functional" else "capacity"
        declare = draw(st.booleans())
        categories.append(Category(
            id=f"c{c}", name=CATEGORY_NAMES[c], kind=kind, work=work,
            points=sum((i.points for i in firsts), Decimal(0)),
            first_level_cap=cents(shape.first_cap) if shape.first_cap is not None else None,
            second_level_cap=cents(shape.second_cap) if shape.second_cap is not None else None,
            first_level_count=len(firsts) if declare else None,
            second_level_count=sum(len(i.children) for i in firsts) if declare else None,
        ))
        for first in firsts:
            first.category = f"c{c}"
        indicators.extend(firsts)

    functional = sum(1 for i in indicators if i.category in {c.id for c in categories if c.kind == "functional"})
    rules.min_first_level_functional = draw(st.integers(0, functional))
    rules.total = sum((c.points for c in categories), Decimal(0))

    shares = sorted(draw(st.lists(st.integers(0, 100), min_size=1, max_size=5)), reverse=True)
    tiers = [Tier(name=f"{i + 1}档", share=cents(s)) for i, s in enumerate(shares)]
    tiers += [Tier(name=f"固定{i}", points=cents(p)) for i, p in enumerate(draw(st.lists(st.integers(0, 500),
                                                                                          max_size=2)))]
    minimums = sorted(draw(st.sets(st.integers(0, 120), min_size=1, max_size=4)), reverse=True)
    grades = [Grade(name=f"等次{i}", min=Decimal(m)) for i, m in enumerate(minimums)]
    deadlines = [Deadline(id=f"d{i}", name=f"报送{i}", due=draw(st.dates(start, end)))
                 for i in range(draw(st.integers(0, 3)))]
    return Plan(unit="示例县示例局", year=year, title=f"示例局{year}年度绩效评估工作方案", sections=sections,
                people=people, categories=categories, indicators=indicators, tiers=tiers, grades=grades,
                deadlines=deadlines, rules=rules)


def grow(plan: Plan, first: Indicator, child: Indicator | None, delta: Decimal) -> None:
    """Add `delta` points to an indicator, its parent, its category and the total, so every
    sum still holds and only caps can break."""
    if child is not None:
        child.points += delta
    first.points += delta
    category = next(c for c in plan.categories if c.id == first.category)
    category.points += delta
    plan.rules.total += delta


def codes(plan: Plan) -> set[str]:
    return {p.code for p in check(plan)}


@SETTINGS
@given(plans())
def test_a_plan_built_by_the_rules_passes_them(plan: Plan) -> None:
    assert check(plan) == [], [p.message("en") for p in check(plan)]


@SETTINGS
@given(plans())
def test_a_valid_plan_survives_toml_unchanged(plan: Plan) -> None:
    text = dump_toml(plan)
    again = parse_toml(text)
    assert again == plan
    assert check(again, text) == []


@SETTINGS
@given(plans(), st.data())
def test_any_second_level_indicator_over_its_cap_is_caught(plan: Plan, data: st.DataObject) -> None:
    plan = copy.deepcopy(plan)
    caps = {c.id: c for c in plan.categories if c.second_level_cap is not None}
    candidates = [(f, c) for f in plan.indicators if f.category in caps for c in f.children]
    assume(candidates)  # a plan whose capped categories hold only childless indicators
    first, child = data.draw(st.sampled_from(candidates))
    category = caps[first.category]
    over = data.draw(st.integers(1, 300))
    grow(plan, first, child, category.second_level_cap - child.points + cents(over))

    problems = check(plan)
    expected = {"rule.second_level_cap"}
    if category.first_level_cap is not None and first.points > category.first_level_cap:
        expected.add("rule.first_level_cap")
    assert {p.code for p in problems} == expected
    breach = [p for p in problems if p.code == "rule.second_level_cap"]
    assert [p.where for p in breach] == [child.id]
    assert breach[0].params["allowed"] == format(category.second_level_cap.normalize(), "f")


@SETTINGS
@given(plans(), st.data())
def test_any_first_level_indicator_over_its_cap_is_caught(plan: Plan, data: st.DataObject) -> None:
    plan = copy.deepcopy(plan)
    caps = {c.id: c for c in plan.categories if c.first_level_cap is not None}
    capped = [f for f in plan.indicators if f.category in caps]
    assume(capped)
    first = data.draw(st.sampled_from(capped))
    category = caps[first.category]
    child = first.children[0] if first.children else None
    grow(plan, first, child, category.first_level_cap - first.points + cents(data.draw(st.integers(1, 300))))

    problems = check(plan)
    expected = {"rule.first_level_cap"}
    if child is not None and category.second_level_cap is not None and child.points > category.second_level_cap:
        expected.add("rule.second_level_cap")
    assert {p.code for p in problems} == expected
    assert [p.where for p in problems if p.code == "rule.first_level_cap"] == [first.id]


@SETTINGS
@given(plans(), st.data())
def test_moving_points_between_siblings_past_the_cap_is_caught(plan: Plan, data: st.DataObject) -> None:
    """The office's usual slip: one child raised, its siblings lowered, the parent unchanged."""
    plan = copy.deepcopy(plan)
    caps = {c.id: c for c in plan.categories if c.second_level_cap is not None}
    candidates = [f for f in plan.indicators if f.category in caps and len(f.children) >= 2
                  and f.points - (len(f.children) - 1) * CENT > caps[f.category].second_level_cap]
    if not candidates:
        return
    first = data.draw(st.sampled_from(candidates))
    raised, *others = first.children
    for other in others:
        other.points = CENT
    raised.points = first.points - CENT * len(others)

    problems = check(plan)
    assert {p.code for p in problems} == {"rule.second_level_cap"}
    assert [p.where for p in problems] == [raised.id]


@SETTINGS
@given(plans(), st.data())
def test_any_sum_that_no_longer_adds_up_is_caught(plan: Plan, data: st.DataObject) -> None:
    plan = copy.deepcopy(plan)
    parents = [f for f in plan.indicators if f.children]
    if not parents:
        return
    first = data.draw(st.sampled_from(parents))
    first.children[0].points += CENT
    cap = next(c for c in plan.categories if c.id == first.category).second_level_cap
    expected = {"rule.parent_sum"}
    if cap is not None and first.children[0].points > cap:
        expected.add("rule.second_level_cap")
    assert codes(plan) == expected
