"""The internal evaluation (内部考评): the bonus pool, the method, ratings, and the lock.

Each February the leadership group rates the bureau's sections and staff and splits
the differentiated share of the bonus pool by rating (seed, part 四(五)). Everything of
one plan's internal evaluation lives on one aggregate, so a lock and a rating entered
at the same moment cannot both win. Once the results are locked, the only change is a
correction (`Ledger.correct`) voiding the lock or a rating, with its reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID, uuid5

import msgspec

from domain import events as ev
from domain import validate as v
from domain.access import authorise
from domain.aggregates import NS, Aggregate, PlanAggregate, RecordAggregate, User
from domain.errors import JixiaoError, fail
from domain.internal_method import (
    CATEGORY_LIMIT,
    InternalMethod,
    check_method,
    complete,
    default_coefficients,
    default_method,
)
from domain.ledger import LedgerBase
from domain.plan import Grade, Plan

LEADER_CATEGORY = "领导"
STAFF_CATEGORY = "干部"
MAX_POOL_YUAN = Decimal(1_000_000_000)
HUNDRED = Decimal(100)


def internal_id(plan: UUID) -> UUID:
    return uuid5(NS, f"internal:{plan}")


class InternalEvaluationAggregate(RecordAggregate):
    """One plan's internal evaluation: pool, method, ratings and locks, with voids."""

    def __init__(self, aggregate_id: UUID) -> None:
        super().__init__(aggregate_id)
        self.pool_fen: int | None = None
        self.method: InternalMethod | None = None
        self.section_ratings: dict[int, ev.SectionRated] = {}
        self.staff_ratings: dict[int, ev.StaffRated] = {}
        self.locks: dict[int, ev.InternalResultsLocked] = {}

    def _copy_state(self) -> None:
        super()._copy_state()
        self.section_ratings = dict(self.section_ratings)
        self.staff_ratings = dict(self.staff_ratings)
        self.locks = dict(self.locks)

    def apply(self, event: ev.Event) -> None:
        super().apply(event)
        version = event.originator_version
        match event:
            case ev.BonusPoolSet():
                self.pool_fen = event.amount_fen
            case ev.InternalMethodSet():
                self.method = event.method
            case ev.SectionRated():
                self.section_ratings[version] = event
            case ev.StaffRated():
                self.staff_ratings[version] = event
            case ev.InternalResultsLocked():
                self.locks[version] = event

    @property
    def locked(self) -> bool:
        return any(v not in self.voided for v in self.locks)

    def staff(self) -> dict[str, ev.StaffRated]:
        """Each person's rating in force: the latest one no correction voids."""
        return {e.person: e for v, e in sorted(self.staff_ratings.items()) if v not in self.voided}

    def sections(self) -> dict[str, ev.SectionRated]:
        return {e.section: e for v, e in sorted(self.section_ratings.items()) if v not in self.voided}


def yuan_to_fen(amount: Decimal | str | int) -> int:
    """A sum in yuan (at most 2 decimals) as whole fen."""
    value = v.amount("amount", amount)
    if value > MAX_POOL_YUAN:
        raise fail("value.too_large", field="amount", actual=value, allowed=MAX_POOL_YUAN)
    return int(value * 100)


def rating_score(field: str, value: Decimal | str | int) -> Decimal:
    """A rating on the 0-100 scale, to at most 2 decimals."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise fail("value.number", field=field, actual=value) from None
    if not number.is_finite() or not 0 <= number <= HUNDRED:
        raise fail("internal.score_range", field=field, actual=value)
    if number != number.quantize(v.CENT):
        raise fail("value.cents", field=field, actual=value)
    return number.quantize(v.CENT)


def _decimal(field: str, value: Decimal | str | int | float) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise fail("value.number", field=field, actual=value) from None
    if not number.is_finite():
        raise fail("value.number", field=field, actual=value)
    return number


class InternalEvaluation(LedgerBase):
    """The commands of the internal evaluation (the leadership group and its office)."""

    def internal_state(self, plan: UUID) -> InternalEvaluationAggregate:
        return self.get(InternalEvaluationAggregate, internal_id(plan))

    def _internal(self, actor: str) -> tuple[User, PlanAggregate, InternalEvaluationAggregate, str]:
        directory = self.directory()
        user = directory.users.get(actor)
        if user is None:
            raise fail("auth.unknown_user", user=actor)
        state = self.plan_state(self.plan_id(directory))
        role = authorise(user, "internal_evaluation")
        return user, state, self.internal_state(state.id), role

    def _open(self, actor: str) -> tuple[PlanAggregate, InternalEvaluationAggregate, str]:
        _, state, evaluation, role = self._internal(actor)
        if evaluation.locked:
            raise fail("internal.locked")
        return state, evaluation, role

    @staticmethod
    def method_of(evaluation: InternalEvaluationAggregate, plan: Plan) -> InternalMethod:
        return evaluation.method if evaluation.method is not None else default_method(plan)

    def set_bonus_pool(self, actor: str, amount: Decimal | str | int, *, reason: str = "",
                       effective: dt.date | None = None, source: str = "cli") -> ev.Event:
        """Set the year's bonus pool (绩效奖金总额), given in yuan, kept in fen."""
        fen = yuan_to_fen(amount)

        def decide() -> list[Aggregate]:
            state, evaluation, role = self._open(actor)
            assert state.plan is not None
            if evaluation.pool_fen == fen:
                raise fail("internal.unchanged", what="pool")
            evaluation.trigger(ev.BonusPoolSet, year=state.plan.year, amount_fen=fen,
                               **self.envelope(actor, role, effective, reason, source, state.plan.year))
            return [evaluation]

        return self.run(decide, actor=actor, what="internal pool")[0]

    def set_internal_method(self, actor: str, *, share: Decimal | str | None = None,
                            standings_weight: Decimal | str | None = None, basis: str | None = None,
                            grades: list[Grade] | None = None,
                            coefficients: Mapping[str, Decimal | str] | None = None,
                            category_weights: Mapping[str, Decimal | str] | None = None,
                            description: str | None = None, reason: str = "",
                            effective: dt.date | None = None, source: str = "cli") -> ev.Event:
        """Change the method; what is not given stays as it is (the defaults at first).

        Coefficients given update those in force; new grades start from the default
        ladder (1.2, 1.0, 0.8 ... 0) before the coefficients given are applied.
        """
        changes: dict[str, Any] = {}
        if share is not None:
            changes["share"] = _decimal("share", share)
        if standings_weight is not None:
            changes["standings_weight"] = _decimal("standings_weight", standings_weight)
        if basis is not None:
            changes["basis"] = basis
        if grades is not None:
            changes["grades"] = list(grades)
        given = {k: _decimal(f"coefficient {k}", x) for k, x in (coefficients or {}).items()}
        if category_weights is not None:
            changes["category_weights"] = {k: _decimal(f"category weight {k}", x)
                                           for k, x in category_weights.items()}
        if description is not None:
            changes["description"] = description

        def decide() -> list[Aggregate]:
            state, evaluation, role = self._open(actor)
            assert state.plan is not None
            current = self.method_of(evaluation, state.plan)
            # coefficients given update those in force (the defaults, for new grades)
            base = default_coefficients(changes["grades"]) if "grades" in changes else current.coefficients
            method = complete(msgspec.structs.replace(current, **changes, coefficients={**base, **given}),
                              state.plan)
            problems = check_method(method)
            if problems:
                raise JixiaoError(*problems)
            grade_names = {g.name for g in method.grades}
            for rating in evaluation.staff().values():
                if rating.score is None and method.basis == "score":
                    raise fail("internal.score_needed", person=rating.person)
                if rating.grade and rating.grade not in grade_names:
                    raise fail("internal.grade_in_use", person=rating.person, grade=rating.grade)
            if evaluation.method == method:
                raise fail("internal.unchanged", what="internal_method")
            evaluation.trigger(ev.InternalMethodSet, method=method,
                               **self.envelope(actor, role, effective, reason, source, state.plan.year))
            return [evaluation]

        return self.run(decide, actor=actor, what="internal method")[0]

    def rate_section(self, actor: str, section: str, score: Decimal | str | int, *, rater: str = "",
                     reason: str = "", effective: dt.date | None = None, source: str = "cli") -> ev.Event:
        """The leadership group's rating of a section, 0-100."""
        value = rating_score("score", score)
        v.text("rater", rater, 200)

        def decide() -> list[Aggregate]:
            state, evaluation, role = self._open(actor)
            assert state.plan is not None
            if section not in {s.id for s in state.plan.sections}:
                raise fail("cmd.unknown_section", section=section)
            evaluation.trigger(ev.SectionRated, section=section, score=value, rater=rater or actor,
                               **self.envelope(actor, role, effective, reason, source, state.plan.year))
            return [evaluation]

        return self.run(decide, actor=actor, what="internal rate-section")[0]

    def rate_staff(self, actor: str, person: str, *, score: Decimal | str | int | None = None,
                   grade: str = "", category: str = "", section: str | None = None, rater: str = "",
                   reason: str = "", effective: dt.date | None = None, source: str = "cli") -> ev.Event:
        """Rate one person by a score (0-100) or an internal grade; a later rating replaces it.

        The staff category (分类考评) defaults to 领导 for the leadership group's leaders and
        干部 for everyone else; the section defaults to the person's own.
        """
        if (score is None) == (not grade):
            raise fail("internal.score_or_grade")
        value = rating_score("score", score) if score is not None else None
        v.text("rater", rater, 200)
        v.text("category", category, CATEGORY_LIMIT)

        def decide() -> list[Aggregate]:
            directory = self.directory()
            state, evaluation, role = self._open(actor)
            assert state.plan is not None
            target = directory.users.get(person)
            if target is None:
                raise fail("auth.unknown_user", user=person)
            where = target.section if section is None else section
            if where and where not in {s.id for s in state.plan.sections}:
                raise fail("cmd.unknown_section", section=where)
            method = self.method_of(evaluation, state.plan)
            if grade and grade not in {g.name for g in method.grades}:
                raise fail("internal.unknown_grade", grade=grade,
                           allowed="/".join(g.name for g in method.ladder()))
            if value is None and method.basis == "score":
                raise fail("internal.score_needed", person=person)
            kind = category.strip() or (LEADER_CATEGORY if "leader" in target.roles else STAFF_CATEGORY)
            evaluation.trigger(ev.StaffRated, person=person, category=kind, section=where, score=value,
                               grade=grade, rater=rater or actor,
                               **self.envelope(actor, role, effective, reason, source, state.plan.year))
            return [evaluation]

        return self.run(decide, actor=actor, what="internal rate")[0]

    def lock_internal(self, actor: str, *, section_rates: Mapping[str, Decimal], digest: str,
                      vetoed_sections: Iterable[str] = (), seen_version: int | None = None,
                      reason: str = "", source: str = "cli") -> ev.Event:
        """Approve and lock the results as previewed.

        The caller passes the standings rates and the digest of the results it showed;
        `seen_version` is the evaluation's version they were computed from, so a rating
        recorded in between refuses the lock instead of slipping into it unseen.
        """
        v.sha256(digest)
        rates = {k: rating_score(f"rate {k}", x) for k, x in section_rates.items()}
        vetoed = sorted(set(vetoed_sections))

        def decide() -> list[Aggregate]:
            state, evaluation, role = self._open(actor)
            assert state.plan is not None
            if seen_version is not None and seen_version != evaluation.version:
                raise fail("internal.changed", seen=seen_version, actual=evaluation.version)
            if evaluation.pool_fen is None:
                raise fail("internal.no_pool")
            if not evaluation.staff():
                raise fail("internal.no_ratings")
            sections = {s.id for s in state.plan.sections}
            if set(rates) != sections:
                raise fail("internal.rates", sections="/".join(sorted(sections)))
            for s in vetoed:
                if s not in sections:
                    raise fail("cmd.unknown_section", section=s)
            evaluation.trigger(ev.InternalResultsLocked, section_rates=rates, vetoed_sections=vetoed,
                               digest=digest,
                               **self.envelope(actor, role, None, reason, source, state.plan.year))
            return [evaluation]

        return self.run(decide, actor=actor, what="internal lock")[0]
