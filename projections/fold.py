"""The year fold: one pass over the ordered log that every read model is built from.

`YearFold.apply(position, originator_id, event)` is fed the same stream whether it is a
full replay, an as-of replay or live following. It keeps, per plan, the compact facts
the reports need (versions, tiers, amounts, positions); long texts stay in the log and
are read back by position when a report shows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain import events as ev
from domain.aggregates import apply_plan_change, indicator_id, unit_id
from domain.plan import Plan

STRUCTURAL = (ev.UserRegistered, ev.RoleGranted, ev.RoleRevoked, ev.KeyAdded, ev.KeyRevoked,
              ev.PlanRegistered, ev.PlanLoaded, ev.IndicatorAdded, ev.IndicatorRevised,
              ev.IndicatorWithdrawn, ev.TierTableChanged, ev.DeadlinesChanged, ev.PlanApproved)


@dataclass
class Entry:
    """One voidable entry: enough to score and list it without re-reading the log."""

    position: int
    version: int
    kind: str
    actor: str
    effective: dt.date
    recorded: dt.datetime
    data: tuple[Any, ...] = ()


@dataclass
class Record:
    """The entries of one indicator (or of the unit), by version, with voids."""

    entries: dict[int, Entry] = field(default_factory=dict)
    voided: dict[int, Entry] = field(default_factory=dict)  # voided version -> the correction
    last_position: int = 0

    def valid(self, kind: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.kind == kind and e.version not in self.voided]


@dataclass
class PlanFold:
    plan_id: UUID
    plan: Plan | None = None
    withdrawn: set[str] = field(default_factory=set)
    approved: bool = False
    indicators: dict[str, Record] = field(default_factory=dict)
    unit: Record = field(default_factory=Record)


@dataclass
class UserInfo:
    id: str
    name: str
    title: str = ""
    section: str = ""
    roles: list[str] = field(default_factory=list)


def _data(event: ev.Event) -> tuple[Any, ...]:
    """The compact facts kept of each entry kind."""
    match event:
        case ev.ProgressReported():
            return (event.period, event.percent)
        case ev.SelfAssessed():
            return (event.tier,)
        case ev.TierAwarded():
            return (event.tier, event.points)
        case ev.Adjusted():
            return (event.adjustment, event.amount, event.section, event.basis)
        case ev.FindingRecorded():
            return (event.method, event.deduction, event.finding_source, event.rectify_by)
        case ev.FindingResolved():
            return (event.finding, event.outcome)
        case ev.ReportFiled():
            return (event.report, event.period, event.section, event.digest)
        case ev.Assigned():
            return (event.section, event.leader, event.handler, event.deadline,
                    tuple(event.milestones), event.liaison)
        case ev.EvidenceAttached():
            return (event.file_name, event.size)
        case ev.Corrected():
            return (event.voided, event.voided_kind)
    return ()


class YearFold:
    """Folds the log into per-plan records. Feed it events in global order."""

    def __init__(self, clocks: Any = None) -> None:
        from projections.stream import Clocks

        self.clocks = clocks or Clocks()
        self.position = 0
        self.plans: dict[UUID, PlanFold] = {}
        self.users: dict[str, UserInfo] = {}
        self._owners: dict[UUID, tuple[PlanFold, str]] = {}  # aggregate -> (plan, indicator|"")

    # -- folding ------------------------------------------------------------------
    def apply(self, position: int, originator: UUID, event: ev.Event) -> None:
        self.position = position
        structural = isinstance(event, STRUCTURAL)
        if not self.clocks.admits(event, structural):
            return
        if structural:
            self._structural(originator, event)
            return
        owner = self._owners.get(originator)
        if owner is None:
            return
        plan, indicator = owner
        if indicator:
            record = plan.indicators.get(indicator)
            if record is None:
                record = plan.indicators[indicator] = Record()
        else:
            record = plan.unit
        entry = Entry(position, event.originator_version, event.kind, event.actor,
                      event.effective, event.timestamp, _data(event))
        record.entries[entry.version] = entry
        record.last_position = position
        if isinstance(event, ev.Corrected):
            record.voided[event.voided] = entry

    def _structural(self, originator: UUID, event: ev.Event) -> None:
        match event:
            case ev.UserRegistered():
                self.users[event.user] = UserInfo(event.user, event.name, event.title, event.section)
            case ev.RoleGranted() if event.user in self.users:
                if event.role_name not in self.users[event.user].roles:
                    self.users[event.user].roles.append(event.role_name)
            case ev.RoleRevoked() if event.user in self.users:
                roles = self.users[event.user].roles
                if event.role_name in roles:
                    roles.remove(event.role_name)
            case ev.PlanRegistered():
                self.plans.setdefault(event.plan_id, PlanFold(event.plan_id))
            case _:
                fold = self.plans.setdefault(originator, PlanFold(originator))
                fold.plan = apply_plan_change(fold.plan, event)
                if isinstance(event, ev.IndicatorWithdrawn):
                    fold.withdrawn.add(event.indicator_id)
                if isinstance(event, ev.PlanApproved):
                    fold.approved = True
                if fold.plan is not None:
                    self._own(fold)

    def _own(self, fold: PlanFold) -> None:
        assert fold.plan is not None
        self._owners[unit_id(fold.plan_id)] = (fold, "")
        for ind, _ in fold.plan.walk():
            self._owners[indicator_id(fold.plan_id, ind.id)] = (fold, ind.id)

    # -- reading ------------------------------------------------------------------
    def plan_fold(self, unit: str | None = None, year: int | None = None) -> PlanFold | None:
        """The plan asked for (by unit and year), else the latest one loaded."""
        candidates = [p for p in self.plans.values() if p.plan is not None]
        if unit is not None:
            candidates = [p for p in candidates if p.plan and p.plan.unit == unit
                          and (year is None or p.plan.year == year)]
        return candidates[-1] if candidates else None


def total(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0))
