"""Properties of the bonus split, for any pool and any ratings (hypothesis).

The allocations sum exactly to the pool; nobody is negative; within a category a higher
internal score (or a better grade) never receives less of the differentiated bonus; and
the undifferentiated part (80% by default) does not move whatever the ratings are.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.internal_method import InternalMethod, check_method, complete
from domain.plan_io import bundled_plan
from projections.internal import InternalState, StaffRating, differentiated_part, internal_results

PLAN = bundled_plan()
NO_STANDINGS = SimpleNamespace(sections=[])
CATEGORIES = ("领导", "干部", "工勤")
GRADES = [g.name for g in sorted(PLAN.grades, key=lambda g: g.min, reverse=True)]

pools = st.integers(min_value=0, max_value=10**11)
shares = st.decimals(min_value=0, max_value=1, places=4)
scores = st.decimals(min_value=0, max_value=100, places=2)


@st.composite
def methods(draw: Any) -> InternalMethod:
    """Any valid method: share, basis, falling coefficients, category weights."""
    falling = sorted(draw(st.lists(st.decimals(min_value=0, max_value=5, places=2), min_size=len(GRADES),
                                   max_size=len(GRADES))), reverse=True)
    weights = draw(st.dictionaries(st.sampled_from(CATEGORIES),
                                   st.decimals(min_value=Decimal("0.1"), max_value=5, places=1)))
    method = complete(InternalMethod(share=draw(shares), basis=draw(st.sampled_from(["coefficient", "score"])),
                                     coefficients=dict(zip(GRADES, falling, strict=True)),
                                     category_weights=weights), PLAN)
    assert check_method(method) == []
    return method


@st.composite
def ratings(draw: Any, method: InternalMethod) -> dict[str, StaffRating]:
    n = draw(st.integers(min_value=1, max_value=12))
    out = {}
    for i in range(n):
        person = f"p{i:02d}"
        by_grade = method.basis == "coefficient" and draw(st.booleans())
        out[person] = StaffRating(
            person=person, category=draw(st.sampled_from(CATEGORIES)), section="",
            score=None if by_grade else draw(scores), grade=draw(st.sampled_from(GRADES)) if by_grade else "",
            rater="", reason="", actor="", effective=dt.date(2022, 2, 1), position=i + 1)
    return out


def results(method: InternalMethod, pool: int, staff: dict[str, StaffRating]) -> Any:
    state = InternalState(pool_fen=pool, method=method, staff=staff, sections={})
    return internal_results(PLAN, state, NO_STANDINGS)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), pool=pools)
def test_any_pool_and_ratings_are_split_exactly_and_never_below_zero(data: Any, pool: int) -> None:
    method = data.draw(methods())
    r = results(method, pool, data.draw(ratings(method)))
    assert sum(p.total_fen for p in r.staff) == pool
    assert sum(p.differentiated_fen for p in r.staff) == r.differentiated_fen == differentiated_part(pool, method.share)
    assert all(p.base_fen >= 0 and p.differentiated_fen >= 0 for p in r.staff)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), pool=pools)
def test_within_a_category_a_better_rating_never_receives_less(data: Any, pool: int) -> None:
    method = data.draw(methods())
    r = results(method, pool, data.draw(ratings(method)))
    for a in r.staff:
        for b in r.staff:
            if a.category != b.category:
                continue
            better_score = a.score is not None and b.score is not None and a.score > b.score
            better_grade = method.rank_of(a.grade) < method.rank_of(b.grade)
            if better_score or (method.basis == "coefficient" and better_grade):
                assert a.differentiated_fen >= b.differentiated_fen, (a, b)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), pool=pools)
def test_the_undifferentiated_part_is_untouched_by_ratings(data: Any, pool: int) -> None:
    method = data.draw(methods())
    first = data.draw(ratings(method))
    again = {}
    for person, rating in first.items():  # the same people in the same categories, rated anew
        if method.basis == "coefficient" and data.draw(st.booleans()):
            again[person] = StaffRating(**{**_fields(rating), "score": None,
                                           "grade": data.draw(st.sampled_from(GRADES))})
        else:
            again[person] = StaffRating(**{**_fields(rating), "score": data.draw(scores), "grade": ""})
    one, two = results(method, pool, first), results(method, pool, again)
    assert {p.person: p.base_fen for p in one.staff} == {p.person: p.base_fen for p in two.staff}
    assert one.base_fen == two.base_fen == pool - differentiated_part(pool, method.share)


def _fields(rating: StaffRating) -> dict[str, Any]:
    return {f: getattr(rating, f) for f in rating.__struct_fields__}
