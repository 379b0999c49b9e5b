"""The internal evaluation's method (内部考评办法): how sections and staff are scored and how
the differentiated share of the bonus pool is split.

The seed fixes only the principle (分类考评、奖优罚劣) and the share (20% of an unchanged
pool); the rest is the unit's own method, kept as data with these defaults:

- a section's internal score = standings_weight x its standings rate (score / points x
  100) + (1 - standings_weight) x the leadership group's rating of it (0-100); a section
  the group has not rated keeps its standings rate;
- internal grades use the plan's grade thresholds on that 0-100 score;
- the differentiated share is split within each staff category (领导, 干部 ...) by the
  coefficient of each person's internal grade (or by the score itself, basis "score");
  coefficients fall from the best grade to the worst, so a better grade never earns less.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Literal

import msgspec

from domain.errors import Problem
from domain.plan import Grade, Plan, grade_for

Basis = Literal["coefficient", "score"]
BASES: tuple[str, ...] = ("coefficient", "score")
DEFAULT_STANDINGS_WEIGHT = Decimal("0.7")
# coefficients from the best grade down; the worst grade always gets 0 (罚劣)
COEFFICIENT_LADDER = (Decimal("1.2"), Decimal("1.0"), Decimal("0.8"), Decimal("0.6"), Decimal("0.4"),
                      Decimal("0.2"))
MAX_FACTOR = Decimal(10)
FACTOR_PLACES = Decimal("0.0001")
CATEGORY_LIMIT = 32


class InternalMethod(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """The method as recorded: every figure explicit, so an event says all it meant."""

    share: Decimal = Decimal("0.2")  # of the pool, split by rating (差异化奖金)
    standings_weight: Decimal = DEFAULT_STANDINGS_WEIGHT
    basis: Basis = "coefficient"
    grades: list[Grade] = []
    coefficients: dict[str, Decimal] = {}  # internal grade -> coefficient
    category_weights: dict[str, Decimal] = {}  # base weight per staff category; 1 when absent
    description: str = ""

    def ladder(self) -> list[Grade]:
        """The grades from the best down."""
        return sorted(self.grades, key=lambda g: g.min, reverse=True)

    def grade_of(self, score: Decimal) -> str:
        return grade_for(self.grades, score)

    def lowest(self) -> str:
        return min(self.grades, key=lambda g: g.min).name if self.grades else ""

    def rank_of(self, grade: str) -> int:
        """0 for the best grade, then 1, 2 ...; unknown grades rank last."""
        names = [g.name for g in self.ladder()]
        return names.index(grade) if grade in names else len(names)

    def coefficient(self, grade: str) -> Decimal:
        return self.coefficients.get(grade, Decimal(0))

    def category_weight(self, category: str) -> Decimal:
        return self.category_weights.get(category, Decimal(1))


def default_coefficients(grades: list[Grade]) -> dict[str, Decimal]:
    """1.2, 1.0, 0.8 ... from the best grade down, 0 for the worst (优秀 1.2 ... 较差 0)."""
    ordered = sorted(grades, key=lambda g: g.min, reverse=True)
    out: dict[str, Decimal] = {}
    for i, grade in enumerate(ordered):
        last = i == len(ordered) - 1 and len(ordered) > 1
        out[grade.name] = Decimal(0) if last else COEFFICIENT_LADDER[min(i, len(COEFFICIENT_LADDER) - 1)]
    return out


def default_method(plan: Plan) -> InternalMethod:
    """The method in force before the unit sets its own: the plan's share and grades."""
    return complete(InternalMethod(share=plan.scoring.internal_share), plan)


def complete(method: InternalMethod, plan: Plan) -> InternalMethod:
    """The method with every omitted figure filled in from the plan and the defaults."""
    grades = list(method.grades) or list(plan.grades)
    coefficients = dict(method.coefficients) or default_coefficients(grades)
    return msgspec.structs.replace(method, grades=grades, coefficients=coefficients)


def _factor(field: str, value: Decimal, low: Decimal, high: Decimal, *,
            strict_low: bool = False) -> list[Problem]:
    bad = (not value.is_finite() or value < low or value > high or (strict_low and value == low)
           or value != value.quantize(FACTOR_PLACES))
    if bad:
        return [Problem(code="internal.factor", where=field,
                        params={"field": field, "actual": str(value), "low": str(low), "high": str(high)})]
    return []


def check_method(method: InternalMethod) -> list[Problem]:
    """Every way the method breaks the rules, collected (empty: it may be recorded)."""
    problems: list[Problem] = []
    problems += _factor("share", method.share, Decimal(0), Decimal(1))
    problems += _factor("standings_weight", method.standings_weight, Decimal(0), Decimal(1))
    if method.basis not in BASES:
        problems.append(Problem(code="internal.basis", params={"actual": method.basis}))
    if not method.grades:
        problems.append(Problem(code="internal.no_grades"))
    names = [g.name for g in method.grades]
    mins = [g.min for g in method.grades]
    if len(set(names)) != len(names) or len(set(mins)) != len(mins) or any(not n.strip() for n in names):
        problems.append(Problem(code="internal.grades", params={"grades": "/".join(names)}))
    for grade in method.grades:
        if not grade.min.is_finite() or not Decimal(0) <= grade.min <= Decimal(100):
            problems.append(Problem(code="internal.grade_min", where=grade.name,
                                    params={"grade": grade.name, "actual": str(grade.min)}))
    for name in names:
        if name not in method.coefficients:
            problems.append(Problem(code="internal.coefficient_missing", where=name, params={"grade": name}))
    for name, value in method.coefficients.items():
        if name not in names:
            problems.append(Problem(code="internal.unknown_grade", where=name,
                                    params={"grade": name, "allowed": "/".join(names)}))
        else:
            problems += _factor(f"coefficient {name}", value, Decimal(0), MAX_FACTOR)
    known = [method.coefficients[g.name] for g in method.ladder() if g.name in method.coefficients]
    if any(better < worse for better, worse in pairwise(known)):
        problems.append(Problem(code="internal.coefficient_order",
                                params={"coefficients": "、".join(
                                    f"{g.name}={method.coefficients[g.name]}" for g in method.ladder()
                                    if g.name in method.coefficients)}))
    for category, weight in method.category_weights.items():
        if not category.strip() or len(category) > CATEGORY_LIMIT:
            problems.append(Problem(code="internal.category", params={"actual": category}))
        problems += _factor(f"category weight {category}", weight, Decimal(0), MAX_FACTOR, strict_low=True)
    if len(method.description) > 4000:
        problems.append(Problem(code="value.too_long", params={"field": "description",
                                                               "actual": str(len(method.description)),
                                                               "allowed": "4000"}))
    return problems
