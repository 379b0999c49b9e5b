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
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import msgspec

from domain.internal_method import InternalMethod, default_method
from domain.plan import Plan
from projections.internal_split import Allocation, Participant, allocate, differentiated_part, split
from projections.internal_state import (
    CENT,
    ROUNDING_RULE,
    ZERO,
    InternalFold,
    InternalState,
    LockInfo,
    SectionRating,
    StaffRating,
    evaluation,
    replay_internal,
    with_rating,
)
from projections.standings import standings, veto_notes

__all__ = ["Allocation", "InternalFold", "InternalResults", "InternalState", "LockInfo", "Participant",
           "SectionRating", "StaffRating", "allocate", "differentiated_part", "evaluation",
           "internal_results", "replay_internal", "results_for", "split", "with_rating", "yuan"]


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


def lock_results(ledger: Any, actor: str, results: InternalResults, *, reason: str = "",
                 source: str = "cli") -> Any:
    """Lock the results as shown: the figures they rest on and their digest go into the lock."""
    return ledger.lock_internal(
        actor, section_rates={s.id: s.rate for s in results.sections},
        vetoed_sections=[s.id for s in results.sections if s.veto], digest=results.digest,
        seen_version=results.version, reason=reason, source=source)
