"""The internal evaluation (内部考评): section ranking and grades, staff ranking, and the
split of the bonus pool, exact to the fen.

`InternalFold` folds the evaluation's events (pool, method, ratings, locks, voids) from
the same ordered stream every read model is fed; `evaluation` reads its state as of any
moment on the two clocks; `internal_results` turns that state and the standings into the
results the county office receives.

How the pool is split (all sums in whole fen, never floats):

1. differentiated = pool x share, rounded half-to-even to the fen; base = pool - that.
2. The base is split among the people rated in proportion to their category's base
   weight (1 unless the method says otherwise); ratings never touch it.
3. The differentiated part is split among the categories (分类考评) in the same
   proportion as the base, so each category keeps what its members put in; within a
   category it goes in proportion to each person's coefficient (by internal grade) or
   score (basis "score"). A category where every weight is 0 shares its part equally.
4. Every split is by the largest-remainder method: each share is the whole fen of its
   exact quota; the fen left over go one each to the largest remainders, ties going to
   the better grade, then the higher score, then the person id (categories: by name).
   So the parts always add up to the pool exactly, nobody is negative, and within a
   category a better rating never receives less.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any
from uuid import UUID

import msgspec

from domain import events as ev
from domain.internal import internal_id
from domain.internal_method import InternalMethod, default_method
from domain.plan import Plan
from domain.ports import LogReader
from projections.standings import standings, veto_notes
from projections.stream import Clocks, read_log

ZERO = Decimal(0)
CENT = Decimal("0.01")
INTERNAL_KINDS = (ev.BonusPoolSet, ev.InternalMethodSet, ev.SectionRated, ev.StaffRated,
                  ev.InternalResultsLocked, ev.Corrected)
ROUNDING_RULE = ("差异化奖金 = 奖金总额 × 差异化比例，按“四舍六入五成双”取整到分；其余为基础奖金。"
                 "基础奖金按人员类别权重均分，差异化奖金先按同一比例分到各类别，再在类别内按等次系数（或得分）分配。"
                 "每次分配均用最大余数法：先取各人应得额的整分，余下的分按余数从大到小逐一补足，"
                 "余数相同者等次高者优先、再得分高者优先、再按人员编号；合计与奖金总额分毫不差。")


# -- folding -------------------------------------------------------------------------------
class InternalFold:
    """Keeps every internal-evaluation event per plan, in log order, with its position."""

    def __init__(self) -> None:
        self.position = 0
        self.events: dict[UUID, list[tuple[int, ev.Event]]] = {}  # plan id -> events
        self._plans: dict[UUID, UUID] = {}  # evaluation aggregate id -> plan id

    def apply(self, position: int, originator: UUID, event: ev.Event) -> None:
        self.position = position
        if isinstance(event, ev.PlanRegistered):
            self._plans[internal_id(event.plan_id)] = event.plan_id
            return
        plan = self._plans.get(originator)
        if plan is not None and isinstance(event, INTERNAL_KINDS):
            self.events.setdefault(plan, []).append((position, event))

    def feed(self, stream: Iterable[tuple[int, UUID, ev.Event]]) -> int:
        n = 0
        for position, originator, event in stream:
            self.apply(position, originator, event)
            n += 1
        return n

    def catch_up(self, log: LogReader) -> int:
        """Fold what was recorded since the last position seen."""
        return self.feed(read_log(log, after=self.position))


def replay_internal(log: LogReader) -> InternalFold:
    fold = InternalFold()
    fold.feed(read_log(log))
    return fold


# -- the state at a moment -------------------------------------------------------------------
class StaffRating(msgspec.Struct, kw_only=True):
    person: str
    category: str
    section: str
    score: Decimal | None
    grade: str
    rater: str
    reason: str
    actor: str
    effective: dt.date
    position: int


class SectionRating(msgspec.Struct, kw_only=True):
    section: str
    score: Decimal
    rater: str
    reason: str
    position: int


class LockInfo(msgspec.Struct, kw_only=True):
    position: int
    actor: str
    recorded: dt.datetime
    section_rates: dict[str, Decimal]
    vetoed_sections: list[str]
    digest: str
    reason: str


class InternalState(msgspec.Struct, kw_only=True):
    """What the evaluation holds at a moment: the latest of everything no correction voids."""

    version: int = 0  # of the evaluation aggregate, as far as this moment sees it
    pool_fen: int | None = None
    method: InternalMethod | None = None
    sections: dict[str, SectionRating] = {}
    staff: dict[str, StaffRating] = {}
    lock: LockInfo | None = None
    voided: dict[int, str] = {}  # position voided -> reason of the correction


def evaluation(fold: InternalFold, plan_id: UUID, clocks: Clocks | None = None) -> InternalState:
    """The evaluation of one plan as of `clocks` (now when not given)."""
    clocks = clocks or Clocks()
    admitted = [(p, e) for p, e in fold.events.get(plan_id, []) if clocks.admits(e)]
    by_version = {e.originator_version: p for p, e in admitted}
    voided: dict[int, str] = {}
    for _, e in admitted:
        if isinstance(e, ev.Corrected) and e.voided in by_version:
            voided[by_version[e.voided]] = e.reason
    state = InternalState(version=max((e.originator_version for _, e in admitted), default=0),
                          sections={}, staff={}, voided=voided)
    for position, e in admitted:
        if position in voided:
            continue
        match e:
            case ev.BonusPoolSet():
                state.pool_fen = e.amount_fen
            case ev.InternalMethodSet():
                state.method = e.method
            case ev.SectionRated():
                state.sections[e.section] = SectionRating(section=e.section, score=e.score, rater=e.rater,
                                                          reason=e.reason, position=position)
            case ev.StaffRated():
                state.staff[e.person] = StaffRating(
                    person=e.person, category=e.category, section=e.section, score=e.score, grade=e.grade,
                    rater=e.rater, reason=e.reason, actor=e.actor, effective=e.effective, position=position)
            case ev.InternalResultsLocked():
                state.lock = LockInfo(position=position, actor=e.actor, recorded=e.timestamp,
                                      section_rates=dict(e.section_rates),
                                      vetoed_sections=list(e.vetoed_sections), digest=e.digest,
                                      reason=e.reason)
    return state


def with_rating(state: InternalState, rating: StaffRating) -> InternalState:
    """The state as it would be with one more rating (the live preview of an entry)."""
    return msgspec.structs.replace(state, staff={**state.staff, rating.person: rating})


# -- splitting money -------------------------------------------------------------------------
def differentiated_part(pool_fen: int, share: Decimal) -> int:
    """pool x share, rounded half-to-even to the fen."""
    return int((Decimal(pool_fen) * share).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def split(total: int, weights: Sequence[Fraction], ties: Sequence[Any]) -> list[int]:
    """`total` fen in proportion to `weights`, by the largest-remainder method.

    Each part is the whole fen of its exact quota; the fen left over (fewer than the
    number of parts) go one each to the largest remainders, equal remainders in the
    order of `ties`. All weights 0 means equal parts.
    """
    if not weights:
        return []
    whole = sum(weights, Fraction(0))
    if whole == 0:
        weights = [Fraction(1)] * len(weights)
        whole = Fraction(len(weights))
    quotas = [Fraction(total) * w / whole for w in weights]
    parts = [q.numerator // q.denominator for q in quotas]
    left = total - sum(parts)
    order = sorted(range(len(parts)), key=lambda i: (-(quotas[i] - parts[i]), ties[i]))
    for i in order[:left]:
        parts[i] += 1
    return parts


class Participant(msgspec.Struct, kw_only=True, frozen=True):
    """One person in the split: category, base weight, differentiated weight, tie order."""

    person: str
    category: str
    base_weight: Decimal
    weight: Decimal
    order: tuple[Any, ...]  # smaller first on equal remainders (better grade, higher score, id)


class Allocation(msgspec.Struct, kw_only=True):
    pool_fen: int
    differentiated_fen: int
    base_fen: int
    shares: dict[str, tuple[int, int]]  # person -> (base, differentiated) in fen
    categories: dict[str, int]  # category -> its differentiated part in fen


def allocate(pool_fen: int, share: Decimal, people: Sequence[Participant]) -> Allocation:
    """Split the pool among the people: base by category weight, the rest by rating."""
    differentiated = differentiated_part(pool_fen, share)
    base = pool_fen - differentiated
    people = sorted(people, key=lambda p: p.person)
    if not people:
        return Allocation(pool_fen=pool_fen, differentiated_fen=differentiated, base_fen=base, shares={},
                          categories={})
    base_parts = split(base, [Fraction(p.base_weight) for p in people], [p.person for p in people])
    names = sorted({p.category for p in people})
    members = {c: [p for p in people if p.category == c] for c in names}
    category_parts = split(differentiated, [sum((Fraction(p.base_weight) for p in members[c]), Fraction(0))
                                            for c in names], names)
    shares = {p.person: (b, 0) for p, b in zip(people, base_parts, strict=True)}
    for c, amount in zip(names, category_parts, strict=True):
        group = members[c]
        parts = split(amount, [Fraction(p.weight) for p in group], [p.order for p in group])
        for p, d in zip(group, parts, strict=True):
            shares[p.person] = (shares[p.person][0], d)
    return Allocation(pool_fen=pool_fen, differentiated_fen=differentiated, base_fen=base, shares=shares,
                      categories=dict(zip(names, category_parts, strict=True)))


# -- the results -----------------------------------------------------------------------------
class SectionResult(msgspec.Struct, kw_only=True):
    id: str
    name: str
    rate: Decimal  # standings: score / points x 100
    rating: Decimal | None  # the leadership group's rating, if any
    score: Decimal  # the internal score
    grade: str
    rank: int
    veto: bool = False
    veto_note: str = ""


class StaffResult(msgspec.Struct, kw_only=True):
    person: str
    name: str
    section: str
    section_name: str
    category: str
    score: Decimal | None
    grade: str
    coefficient: Decimal
    rank: int
    category_rank: int
    base_fen: int
    differentiated_fen: int
    total_fen: int
    rater: str
    reason: str
    position: int
    rater_name: str = ""


class InternalResults(msgspec.Struct, kw_only=True):
    unit: str
    year: int
    method: InternalMethod
    method_set: bool
    pool_fen: int | None
    differentiated_fen: int
    base_fen: int
    categories: dict[str, int]
    sections: list[SectionResult]
    staff: list[StaffResult]
    locked: bool
    lock_position: int = 0
    lock_actor: str = ""
    lock_digest: str = ""
    digest: str = ""  # of the results as computed now; equals lock_digest while nothing drifted
    version: int = 0
    rounding: str = ROUNDING_RULE


def section_score(method: InternalMethod, rate: Decimal, rating: Decimal | None) -> Decimal:
    """standings_weight x rate + (1 - standings_weight) x rating; the rate alone when unrated."""
    if rating is None:
        return rate.quantize(CENT)
    w = method.standings_weight
    return (w * rate + (1 - w) * rating).quantize(CENT, rounding=ROUND_HALF_EVEN)


def _competition_ranks(keys: list[Any]) -> list[int]:
    """1, 2, 2, 4 ...: equal keys share a rank."""
    ranks = []
    for i, key in enumerate(keys):
        ranks.append(ranks[-1] if i and key == keys[i - 1] else i + 1)
    return ranks


def staff_order(method: InternalMethod, grade: str, score: Decimal | None, person: str) -> tuple[Any, ...]:
    """Better grade first, then higher score (a rating by grade alone after scores), then id."""
    return (method.rank_of(grade), score is None, -(score or ZERO), person)


def internal_results(plan: Plan, state: InternalState, standings: Any, *,
                     names: dict[str, str] | None = None,
                     veto_notes: dict[str, str] | None = None) -> InternalResults:
    """Sections ranked and graded, staff ranked, the pool split; from the state and standings.

    Once locked, the sections use the standings rates and vetoes fixed by the lock, so a
    later change of standings does not move approved results.
    """
    names = names or {}
    veto_notes = veto_notes or {}
    method = state.method or default_method(plan)
    section_names = {s.id: s.name for s in plan.sections}
    by_section = {s.id: s for s in standings.sections}
    if state.lock is not None:
        rates = {s.id: state.lock.section_rates.get(s.id, ZERO) for s in plan.sections}
        vetoed = set(state.lock.vetoed_sections)
    else:
        rates = {s.id: by_section[s.id].rate if s.id in by_section else ZERO for s in plan.sections}
        vetoed = {s.id for s in standings.sections if getattr(s, "veto", False)}
    sections = []
    for sec in plan.sections:
        rating = state.sections.get(sec.id)
        score = section_score(method, rates[sec.id], rating.score if rating else None)
        veto = sec.id in vetoed
        sections.append(SectionResult(id=sec.id, name=sec.name, rate=rates[sec.id],
                                      rating=rating.score if rating else None, score=score,
                                      grade=method.lowest() if veto else method.grade_of(score), rank=0,
                                      veto=veto, veto_note=veto_notes.get(sec.id, "") if veto else ""))
    sections.sort(key=lambda s: (s.veto, -s.score, s.id))
    for rank, s in zip(_competition_ranks([(s.veto, s.score) for s in sections]), sections, strict=True):
        s.rank = rank

    people = []
    graded = {}
    for r in state.staff.values():
        grade = r.grade or method.grade_of(r.score if r.score is not None else ZERO)
        graded[r.person] = grade
        weight = method.coefficient(grade) if method.basis == "coefficient" else (r.score or ZERO)
        people.append(Participant(person=r.person, category=r.category,
                                  base_weight=method.category_weight(r.category), weight=weight,
                                  order=staff_order(method, grade, r.score, r.person)))
    pool = state.pool_fen or 0
    allocation = allocate(pool, method.share, people)
    ordered = sorted(state.staff.values(), key=lambda r: staff_order(method, graded[r.person], r.score, r.person))
    overall = _competition_ranks([staff_order(method, graded[r.person], r.score, "")
                                  for r in ordered])
    within: dict[str, int] = {}
    staff = []
    for rank, r in zip(overall, ordered, strict=True):
        mates = [x for x in ordered if x.category == r.category]
        keys = [staff_order(method, graded[x.person], x.score, "") for x in mates]
        within[r.person] = _competition_ranks(keys)[mates.index(r)]
        base, diff = allocation.shares.get(r.person, (0, 0))
        grade = graded[r.person]
        staff.append(StaffResult(
            person=r.person, name=names.get(r.person, r.person), section=r.section,
            section_name=section_names.get(r.section, r.section), category=r.category, score=r.score,
            grade=grade, coefficient=method.coefficient(grade), rank=rank, category_rank=within[r.person],
            base_fen=base, differentiated_fen=diff, total_fen=base + diff, rater=r.rater, reason=r.reason,
            position=r.position, rater_name=names.get(r.rater, r.rater)))
    results = InternalResults(
        unit=plan.unit, year=plan.year, method=method, method_set=state.method is not None,
        pool_fen=state.pool_fen, differentiated_fen=allocation.differentiated_fen,
        base_fen=allocation.base_fen, categories=allocation.categories, sections=sections, staff=staff,
        locked=state.lock is not None, lock_position=state.lock.position if state.lock else 0,
        lock_actor=state.lock.actor if state.lock else "", lock_digest=state.lock.digest if state.lock else "",
        version=state.version)
    results.digest = results_digest(results)
    return results


def results_digest(results: InternalResults) -> str:
    """SHA-256 of what the results decide: pool, section grades, every person's fen."""
    body = {
        "unit": results.unit, "year": results.year, "pool_fen": results.pool_fen,
        "share": str(results.method.share), "differentiated_fen": results.differentiated_fen,
        "sections": [[s.id, str(s.score), s.grade, s.rank] for s in results.sections],
        "staff": [[p.person, p.category, str(p.score) if p.score is not None else "", p.grade,
                   p.base_fen, p.differentiated_fen] for p in sorted(results.staff, key=lambda p: p.person)],
    }
    return hashlib.sha256(msgspec.json.encode(body)).hexdigest()


def yuan(fen: int | None) -> Decimal:
    """Fen as yuan with two decimals (exact)."""
    return (Decimal(fen or 0) / 100).quantize(CENT)


def results_for(year: Any, internal: InternalFold, *, today: dt.date, read: Any = None,
                state: InternalState | None = None, plan_fold: Any = None) -> InternalResults | None:
    """The results of a plan (the year fold's latest by default) at the fold's moment.

    None without a plan. `read` (positions -> stored events) lets a vetoed section say
    why; `state` replaces the evaluation's state (a preview).
    """

    plan_fold = plan_fold or year.plan_fold()
    if plan_fold is None or plan_fold.plan is None:
        return None
    s = standings(plan_fold, today=today, as_of=year.clocks.as_of, known_at=year.clocks.known_at,
                  position=year.position)
    if state is None:
        state = evaluation(internal, plan_fold.plan_id, year.clocks)
    notes: dict[str, str] = {}
    if read is not None:
        for veto, note in veto_notes(s, read):
            if veto.section:
                notes[veto.section] = "；".join(filter(None, [notes.get(veto.section, ""), note]))
    names = {u.id: u.name for u in year.users.values()}
    return internal_results(plan_fold.plan, state, s, names=names, veto_notes=notes)
