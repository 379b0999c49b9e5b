"""The aggregates: consistency boundaries whose versions detect conflicting writes.

- `DirectoryAggregate`: the ledger's users, roles, keys and the plans it holds.
- `PlanAggregate`: one unit's plan for one year and its later changes.
- `UnitAggregate`: the unit-level entries of that plan (bonuses, unit deductions,
  findings without an indicator, reports filed, seals, audit remarks).
- `IndicatorAggregate`: everything recorded against one indicator.

They are plain classes the eventsourcing repository and application work with
(`id`, `version`, `collect_events()`), folded from our own typed events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from domain import events as ev
from domain.plan import Indicator, Plan
from domain.plan_status import PlanStatus, advance

NS = uuid5(NAMESPACE_URL, "jixiao")
DIRECTORY_ID = uuid5(NS, "directory")


def plan_id(unit: str, year: int) -> UUID:
    return uuid5(NS, f"plan:{unit}:{year}")


def unit_id(plan: UUID) -> UUID:
    return uuid5(NS, f"unit:{plan}")


def indicator_id(plan: UUID, indicator: str) -> UUID:
    return uuid5(NS, f"indicator:{plan}:{indicator}")


A = TypeVar("A", bound="Aggregate")


class Aggregate:
    """Identity, version and pending events; subclasses fold events in `apply`."""

    def __init__(self, aggregate_id: UUID) -> None:
        self.id = aggregate_id
        self.version = 0
        self._pending: list[ev.Event] = []

    def trigger(self, event_type: type[ev.Event], **fields: Any) -> ev.Event:
        event = event_type(originator_id=self.id, originator_version=self.version + 1, **fields)
        self.apply(event)
        self._pending.append(event)
        return event

    def apply(self, event: ev.Event) -> None:
        self.version = event.originator_version

    def collect_events(self) -> list[ev.Event]:
        collected, self._pending = self._pending, []
        return collected

    def clone(self: A) -> A:
        """A copy safe to change (commands get copies of the aggregates the ledger keeps).

        Folded values that are only ever replaced, never changed in place (the plan, the
        events), are shared; containers the next event changes are copied.
        """
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone._pending = list(self._pending)
        clone._copy_state()
        return clone

    def __deepcopy__(self, memo: dict[int, Any]) -> Aggregate:
        return self.clone()

    def _copy_state(self) -> None:
        """Replace, on a fresh shallow copy, every container `apply` changes in place."""

    @classmethod
    def projector(cls: type[A], aggregate_id: UUID) -> Any:
        """A projector function for `repository.get` that starts from an empty aggregate."""

        def project(aggregate: A | None, events: Iterable[ev.Event]) -> A:
            aggregate = aggregate if aggregate is not None else cls(aggregate_id)
            for event in events:
                aggregate.apply(event)
            return aggregate

        return project


class User(msgspec.Struct, kw_only=True):
    id: str
    name: str
    title: str = ""
    section: str = ""
    roles: list[str] = []
    keys: dict[str, str] = {}  # fingerprint -> public key line
    accounts: list[str] = []  # operating-system accounts bound to this user (`--as`)


class DirectoryAggregate(Aggregate):
    def __init__(self, aggregate_id: UUID = DIRECTORY_ID) -> None:
        super().__init__(aggregate_id)
        self.users: dict[str, User] = {}
        self.plans: dict[tuple[str, int], UUID] = {}

    def _copy_state(self) -> None:
        self.users = {k: msgspec.structs.replace(u, roles=list(u.roles), keys=dict(u.keys),
                                                 accounts=list(u.accounts))
                      for k, u in self.users.items()}
        self.plans = dict(self.plans)

    def apply(self, event: ev.Event) -> None:
        super().apply(event)
        match event:
            case ev.UserRegistered():
                self.users[event.user] = User(id=event.user, name=event.name, title=event.title,
                                              section=event.section)
            case ev.RoleGranted():
                roles = self.users[event.user].roles
                if event.role_name not in roles:
                    roles.append(event.role_name)
            case ev.RoleRevoked():
                roles = self.users[event.user].roles
                if event.role_name in roles:
                    roles.remove(event.role_name)
            case ev.KeyAdded():
                self.users[event.user].keys[event.fingerprint] = event.public_key
            case ev.KeyRevoked():
                self.users[event.user].keys.pop(event.fingerprint, None)
            case ev.AccountBound():
                if event.account not in self.users[event.user].accounts:
                    self.users[event.user].accounts.append(event.account)
            case ev.AccountUnbound():
                if event.account in self.users[event.user].accounts:
                    self.users[event.user].accounts.remove(event.account)
            case ev.PlanRegistered():
                self.plans[(event.unit, event.year)] = event.plan_id


class PlanAggregate(Aggregate):
    def __init__(self, aggregate_id: UUID) -> None:
        super().__init__(aggregate_id)
        self.plan: Plan | None = None
        self.withdrawn: set[str] = set()
        self.approved = False
        self.status = PlanStatus()  # submitted, approved, published (frozen: replaced, never changed)

    def _copy_state(self) -> None:
        self.withdrawn = set(self.withdrawn)

    def apply(self, event: ev.Event) -> None:
        super().apply(event)
        self.plan = apply_plan_change(self.plan, event)
        match event:
            case ev.IndicatorWithdrawn():
                self.withdrawn.add(event.indicator_id)
            case ev.PlanApproved():
                self.approved = True
        self.status = advance(self.status, event)


def apply_plan_change(plan: Plan | None, event: ev.Event) -> Plan | None:
    """The plan after one plan event (pure: shared by the aggregate and the projections)."""
    match event:
        case ev.PlanLoaded():
            return event.plan
        case ev.IndicatorAdded() if plan is not None:
            if not event.parent:
                return msgspec.structs.replace(plan, indicators=[*plan.indicators, event.indicator])
            return msgspec.structs.replace(plan, indicators=[
                msgspec.structs.replace(f, children=[*f.children, event.indicator])
                if f.id == event.parent else f for f in plan.indicators])
        case ev.IndicatorRevised() if plan is not None:
            return msgspec.structs.replace(plan, indicators=[
                _revise(f, event.indicator) for f in plan.indicators])
        case ev.TierTableChanged() if plan is not None:
            return msgspec.structs.replace(plan, tiers=event.tiers)
        case ev.DeadlinesChanged() if plan is not None:
            return msgspec.structs.replace(plan, deadlines=event.deadlines)
        case ev.DataItemsChanged() if plan is not None:
            return msgspec.structs.replace(plan, data_items=event.items)
    return plan


def _revise(first: Indicator, revised: Indicator) -> Indicator:
    if first.id == revised.id:
        return msgspec.structs.replace(revised, children=first.children)
    if any(c.id == revised.id for c in first.children):
        return msgspec.structs.replace(first, children=[
            msgspec.structs.replace(revised, children=[]) if c.id == revised.id else c
            for c in first.children])
    return first


class Finding(msgspec.Struct, kw_only=True):
    version: int
    deduction: Decimal
    rectify_by: dt.date | None
    resolutions: dict[int, str] = {}  # version of the resolution -> outcome


def dedupe_key(event: ev.Event) -> tuple[Any, ...] | None:
    """What makes a second submission of the same thing a duplicate, per kind."""
    match event:
        case ev.ProgressReported():
            return ("progress", event.period, event.percent, event.done, event.problems,
                    event.next_steps)
        case ev.EvidenceAttached():
            return ("evidence", event.sha256)
        case ev.FindingRecorded():
            return ("finding", event.method, event.finding_source, event.count, event.per_item,
                    event.description, event.effective)
        case ev.ReportFiled():
            return ("report", event.report, event.period, event.section, event.digest)
        case ev.Adjusted():
            return ("adjustment", event.adjustment, event.amount, event.basis, event.reason,
                    event.effective)
    return None


class RecordAggregate(Aggregate):
    """Entries that can be voided: the unit's and each indicator's."""

    def __init__(self, aggregate_id: UUID) -> None:
        super().__init__(aggregate_id)
        self.kinds: dict[int, str] = {}
        self.voided: dict[int, int] = {}  # voided version -> correcting version
        self.keys: dict[tuple[Any, ...], int] = {}
        self.findings: dict[int, Finding] = {}

    def _copy_state(self) -> None:
        self.kinds = dict(self.kinds)
        self.voided = dict(self.voided)
        self.keys = dict(self.keys)
        self.findings = {k: msgspec.structs.replace(f, resolutions=dict(f.resolutions))
                         for k, f in self.findings.items()}

    def apply(self, event: ev.Event) -> None:
        super().apply(event)
        version = event.originator_version
        self.kinds[version] = event.kind
        key = dedupe_key(event)
        if key is not None:
            self.keys[key] = version
        match event:
            case ev.FindingRecorded():
                self.findings[version] = Finding(version=version, deduction=event.deduction,
                                                 rectify_by=event.rectify_by)
            case ev.FindingResolved() if event.finding in self.findings:
                self.findings[event.finding].resolutions[version] = event.outcome
            case ev.Corrected():
                self.voided[event.voided] = version
                self.keys = {k: v for k, v in self.keys.items() if v != event.voided}

    def outcome(self, finding: int) -> str:
        """The latest valid outcome of a finding, or "" while it is open."""
        resolutions = self.findings[finding].resolutions
        valid = [v for v in resolutions if v not in self.voided]
        return resolutions[max(valid)] if valid else ""


class UnitAggregate(RecordAggregate):
    last_signed: dt.datetime | None = None  # when the last signed seal was recorded

    def __init__(self, aggregate_id: UUID) -> None:
        super().__init__(aggregate_id)
        self.filed: dict[tuple[str, str, str], list[int]] = {}  # (report, period, section) -> versions
        self.completions: dict[int, int] = {}  # version of a completion -> the decision's version

    def _copy_state(self) -> None:
        super()._copy_state()
        self.filed = {k: list(v) for k, v in self.filed.items()}
        self.completions = dict(self.completions)

    def apply(self, event: ev.Event) -> None:
        super().apply(event)
        if isinstance(event, ev.ReportFiled):
            self.filed.setdefault((event.report, event.period, event.section), []).append(
                event.originator_version)
        elif isinstance(event, ev.Sealed) and event.signature:
            self.last_signed = event.timestamp
        elif isinstance(event, ev.FollowUpCompleted):
            self.completions[event.originator_version] = event.decision

    def has_filed(self, report: str, period: str, section: str) -> bool:
        """Whether a filing of this report (period, section) is in force."""
        return any(v not in self.voided for v in self.filed.get((report, period, section), ()))

    def completed(self, decision: int) -> bool:
        """Whether a valid completion of the decision is recorded."""
        return any(d == decision and v not in self.voided for v, d in self.completions.items())


class IndicatorAggregate(RecordAggregate):
    """Decisions read per-period bests and counts kept as events arrive, so deciding
    costs the same however many entries the indicator has."""

    def __init__(self, aggregate_id: UUID) -> None:
        super().__init__(aggregate_id)
        self.assignments: dict[int, str] = {}  # version -> section assigned
        self.progress: dict[int, tuple[str, int]] = {}  # version -> (period, percent)
        self.best: dict[str, tuple[int, int]] = {}  # period -> (percent, version) highest in force
        self.tiers: list[int] = []  # versions of the tiers awarded
        self.tiers_in_force = 0

    def _copy_state(self) -> None:
        super()._copy_state()
        self.assignments = dict(self.assignments)
        self.progress = dict(self.progress)
        self.best = dict(self.best)
        self.tiers = list(self.tiers)

    def apply(self, event: ev.Event) -> None:
        super().apply(event)
        version = event.originator_version
        if isinstance(event, ev.Assigned):
            self.assignments[version] = event.section
        elif isinstance(event, ev.ProgressReported):
            self.progress[version] = (event.period, event.percent)
            best = self.best.get(event.period)
            if best is None or event.percent > best[0]:  # ties: the first to reach it
                self.best[event.period] = (event.percent, version)
        elif isinstance(event, ev.TierAwarded):
            self.tiers.append(version)
            self.tiers_in_force += 1
        elif isinstance(event, ev.Corrected):
            kind = self.kinds.get(event.voided)
            if kind == "TierAwarded":
                self.tiers_in_force -= 1
            elif event.voided in self.progress:
                period = self.progress[event.voided][0]
                if self.best.get(period, (0, 0))[1] == event.voided:
                    self._rebest(period)  # the best of its period voided: the next best (rare)

    def _rebest(self, period: str) -> None:
        entries = [(p[1], v) for v, p in self.progress.items() if p[0] == period and v not in self.voided]
        if entries:
            self.best[period] = max(entries, key=lambda e: (e[0], -e[1]))
        else:
            self.best.pop(period, None)

    def reported_before(self, period: str) -> tuple[str, int] | None:
        """The highest progress in force for a period before `period` (period, percent)."""
        earlier = [(b[0], -b[1], p) for p, b in self.best.items() if p < period]
        if not earlier:
            return None
        percent, _, found = max(earlier)
        return found, percent

    @property
    def tiered(self) -> bool:
        """Whether a tier awarded to the indicator is in force."""
        return self.tiers_in_force > 0

    @property
    def section(self) -> str:
        """The section of the latest valid assignment ("" when never assigned)."""
        for version in reversed(self.assignments):
            if version not in self.voided:
                return self.assignments[version]
        return ""
