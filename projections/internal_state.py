"""The internal evaluation's state: its events folded in order, read as of a moment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from uuid import UUID

import msgspec

from domain import events as ev
from domain.internal import internal_id
from domain.internal_method import InternalMethod
from domain.ports import LogReader
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

