"""The commands of the ledger: check, authorise, then record. Shared by every interface.

Each public method decides against the current state, raises `JixiaoError` (nothing
stored) when refused, and otherwise returns the events it recorded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, get_args

import msgspec

from domain import events as ev
from domain import validate as v
from domain.access import COMMAND_OF_KIND, ROLES, authorise
from domain.access_void import authorise_void
from domain.aggregates import (
    DIRECTORY_ID,
    Aggregate,
    DirectoryAggregate,
    IndicatorAggregate,
    PlanAggregate,
    RecordAggregate,
    User,
    dedupe_key,
    plan_id,
    unit_id,
)
from domain.errors import JixiaoError, fail
from domain.internal import InternalEvaluation, internal_id
from domain.keys import fingerprint
from domain.ledger import LedgerBase
from domain.plan import Indicator, Plan, tier_points
from domain.rules import check

LEADING_POSITIONS = ("组长", "副组长")
PLAN_CHANGES = frozenset({ev.IndicatorAdded, ev.IndicatorRevised, ev.IndicatorWithdrawn,
                          ev.TierTableChanged, ev.DeadlinesChanged, ev.PlanApproved})
NAME_LIMIT = v.NAME_LIMIT
TEXT_LIMIT = v.TEXT_LIMIT
KEY_LIMIT = 16_000


def withdrawn(state: PlanAggregate, indicator: str) -> bool:
    """Whether an indicator, or the first-level indicator above it, is withdrawn."""
    if indicator in state.withdrawn:
        return True
    assert state.plan is not None
    return any(indicator in {c.id for c in first.children}
               for first in state.plan.indicators if first.id in state.withdrawn)


def roles_from_plan(person: Any) -> list[str]:
    """A person's roles from the plan: groups, section, and any named explicitly."""
    roles: list[str] = []
    # 组长 and 副组长 lead; a 成员 of the group acts through their own section's role
    if person.leadership in LEADING_POSITIONS:
        roles.append("leader")
    if person.supervisory:
        roles.append("supervisor")
    for role in person.roles:
        if role not in roles:
            roles.append(role)
    if person.section and not {"clerk", "section_head"} & set(roles):
        roles.append("clerk")
    return roles


class Ledger(InternalEvaluation, LedgerBase):
    """Every command of the evaluation year."""

    # -- context ------------------------------------------------------------------
    def user(self, directory: DirectoryAggregate, actor: str) -> User:
        user = directory.users.get(actor)
        if user is None:
            raise fail("auth.unknown_user", user=actor)
        return user

    def _target(self, actor: str, indicator: str) -> tuple[User, PlanAggregate, Indicator,
                                                           Indicator | None, IndicatorAggregate]:
        directory = self.get(DirectoryAggregate, DIRECTORY_ID, view=True)  # read only
        user = self.user(directory, actor)
        state = self.get(PlanAggregate, self.plan_id(directory), view=True)  # read only
        if state.plan is None:
            raise fail("ledger.no_plan")
        found = next(((i, p) for i, p in state.plan.walk() if i.id == indicator), None)
        if found is None:
            raise fail("cmd.unknown_indicator", indicator=indicator)
        if withdrawn(state, indicator):
            raise fail("cmd.withdrawn", indicator=indicator)
        file = self.indicator_file(state.id, indicator)
        return user, state, found[0], found[1], file

    @staticmethod
    def section_of(ind: Indicator, file: IndicatorAggregate) -> str:
        return file.section or ind.section

    def _no_duplicate(self, record: RecordAggregate, event_type: type[ev.Event],
                      fields: dict[str, Any]) -> None:

        probe = event_type(originator_id=record.id, originator_version=0, **fields)
        key = dedupe_key(probe)
        if key is not None and key in record.keys:
            raise fail("cmd.duplicate", kind=event_type.__name__, version=record.keys[key])

    def _record(self, actor: str, command: str, indicator: str, event_type: type[ev.Event],
                effective: dt.date | None, reason: str, source: str, *, leaf: bool = False,
                check_plan: Callable[[Plan], None] | None = None, **fields: Any) -> ev.Event:
        """The common path of commands on one indicator."""

        def decide() -> list[Aggregate]:
            user, state, ind, _, file = self._target(actor, indicator)
            assert state.plan is not None
            if check_plan is not None:
                check_plan(state.plan)
            if leaf and ind.children:
                raise fail("cmd.not_leaf", indicator=indicator)
            role = authorise(user, command, self.section_of(ind, file))
            payload = {**self.envelope(actor, role, effective, reason, source, state.plan.year),
                       **self._fields(event_type, state.plan, ind, fields)}
            self._no_duplicate(file, event_type, payload)
            file.trigger(event_type, **payload)
            return [file]

        return self.run(decide, actor=actor, what=command)[0]

    def _fields(self, event_type: type[ev.Event], plan: Plan, ind: Indicator,
                fields: dict[str, Any]) -> dict[str, Any]:
        fields = {"indicator_id": ind.id, **fields}
        if event_type is ev.TierAwarded or event_type is ev.SelfAssessed:
            tier = plan.tier(fields["tier"])
            if tier is None:
                raise fail("cmd.unknown_tier", tier=fields["tier"],
                           allowed="/".join(t.name for t in plan.tiers))
            if event_type is ev.TierAwarded:
                fields["points"] = tier_points(tier, ind.points)
        return fields

    # -- users --------------------------------------------------------------------
    def bootstrap(self, plan: Plan, *, actor: str = "admin", replace: bool = False,
                  source: str = "cli") -> list[ev.Event]:
        """Create the ledger's admin, register the plan's people and load the plan."""
        problems = check(plan)
        if problems:
            raise JixiaoError(*problems)
        pid = plan_id(plan.unit, plan.year)

        def decide() -> list[Aggregate]:
            directory = self.directory()
            # the first plan creates the ledger and its admin; later ones are a command
            role = authorise(self.user(directory, actor), "load_plan") if directory.users else "admin"
            state = self.get(PlanAggregate, pid)
            out: list[Aggregate] = [directory]
            if state.plan is not None:
                if state.plan == plan:
                    return []
                if not replace:
                    raise fail("cmd.plan_exists", unit=plan.unit, year=plan.year)
            now = self.clock().astimezone(dt.UTC)
            today = v.business_date(now)
            base = {"timestamp": now, "effective": today, "source": source}
            if actor not in directory.users:
                directory.trigger(ev.UserRegistered, actor="system", role="admin", user=actor,
                                  name="系统管理员", **base)
                directory.trigger(ev.RoleGranted, actor="system", role="admin", user=actor,
                                  role_name="admin", **base)
            admin = {"actor": actor, "role": role, **base}
            for person in plan.people:
                if person.id not in directory.users:
                    directory.trigger(ev.UserRegistered, user=person.id, name=person.name,
                                      title=person.title, section=person.section, **admin)
                for role in roles_from_plan(person):
                    if role not in directory.users[person.id].roles:
                        directory.trigger(ev.RoleGranted, user=person.id, role_name=role, **admin)
            if (plan.unit, plan.year) not in directory.plans:
                directory.trigger(ev.PlanRegistered, plan_id=pid, unit=plan.unit, year=plan.year,
                                  **admin)
            state.trigger(ev.PlanLoaded, plan=plan, **admin)
            out.append(state)
            return out

        return self.run(decide, actor=actor, what="init")

    def add_user(self, actor: str, user: str, name: str, *, title: str = "", section: str = "",
                 roles: tuple[str, ...] = (), source: str = "cli") -> list[ev.Event]:

        def decide() -> list[Aggregate]:
            directory = self.directory()
            role = authorise(self.user(directory, actor), "manage_users")
            if user in directory.users:
                raise fail("cmd.user_exists", user=user)
            v.text("user", user, 64, required=True)
            v.text("name", name, NAME_LIMIT, required=True)
            v.text("title", title, NAME_LIMIT)
            if section and section not in self._sections(directory):
                raise fail("cmd.unknown_section", section=section)
            for r in roles:
                if r not in ROLES:
                    raise fail("cmd.unknown_role", role=r, allowed="/".join(ROLES))
            env = self.envelope(actor, role, None, "", source)
            directory.trigger(ev.UserRegistered, user=user, name=name, title=title,
                              section=section, **env)
            for r in roles:
                directory.trigger(ev.RoleGranted, user=user, role_name=r, **env)
            return [directory]

        return self.run(decide, actor=actor, what="users add")

    def _sections(self, directory: DirectoryAggregate) -> set[str]:
        """The sections of every plan this ledger holds."""
        sections: set[str] = set()
        for pid in directory.plans.values():
            state = self.get(PlanAggregate, pid)
            if state.plan is not None:
                sections.update(s.id for s in state.plan.sections)
        return sections

    def grant(self, actor: str, user: str, role_name: str, *, revoke: bool = False,
              reason: str = "", source: str = "cli") -> ev.Event:

        def decide() -> list[Aggregate]:
            directory = self.directory()
            role = authorise(self.user(directory, actor), "manage_users")
            target = self.user(directory, user)
            if role_name not in ROLES:
                raise fail("cmd.unknown_role", role=role_name, allowed="/".join(ROLES))
            holds = role_name in target.roles
            if holds != revoke:
                raise fail("cmd.role_unchanged", user=user, role=role_name)
            event_type = ev.RoleRevoked if revoke else ev.RoleGranted
            directory.trigger(event_type, user=user, role_name=role_name,
                              **self.envelope(actor, role, None, reason, source))
            return [directory]

        return self.run(decide, actor=actor, what="users grant")[0]

    def add_key(self, actor: str, user: str, public_key: str, *, source: str = "cli") -> ev.Event:

        v.text("public_key", public_key, KEY_LIMIT, required=True)

        def decide() -> list[Aggregate]:
            directory = self.directory()
            role = authorise(self.user(directory, actor), "manage_users")
            self.user(directory, user)
            line, fp = fingerprint(public_key)
            for other in directory.users.values():
                if fp in other.keys:
                    raise fail("cmd.key_taken", fingerprint=fp, user=other.id)
            directory.trigger(ev.KeyAdded, user=user, fingerprint=fp, public_key=line,
                              **self.envelope(actor, role, None, "", source))
            return [directory]

        return self.run(decide, actor=actor, what="users add-key")[0]

    def revoke_key(self, actor: str, user: str, fp: str, *, reason: str = "",
                   source: str = "cli") -> ev.Event:
        def decide() -> list[Aggregate]:
            directory = self.directory()
            role = authorise(self.user(directory, actor), "manage_users")
            target = self.user(directory, user)
            if fp not in target.keys:
                raise fail("cmd.no_key", user=user, fingerprint=fp)
            directory.trigger(ev.KeyRevoked, user=user, fingerprint=fp,
                              **self.envelope(actor, role, None, reason, source))
            return [directory]

        return self.run(decide, actor=actor, what="users revoke-key")[0]

    # -- the plan -----------------------------------------------------------------
    def change_plan(self, actor: str, event_type: type[ev.Event], *, reason: str,
                    source: str = "cli", command: str = "change_plan",
                    **fields: Any) -> ev.Event:
        """Add, revise or withdraw an indicator, change tiers or deadlines, or approve.

        The changed plan must still pass every rule; otherwise nothing is recorded.
        """
        return self.revise_plan(actor, [(event_type, fields)], reason=reason, source=source,
                                command=command)[0]

    def revise_plan(self, actor: str, changes: Sequence[tuple[type[ev.Event], dict[str, Any]]],
                    *, reason: str, source: str = "cli",
                    command: str = "change_plan") -> list[ev.Event]:
        """Several plan changes recorded together, in one transaction.

        The rules are checked on the plan after all of them, since one change alone may
        break them: adding an indicator means lowering the points of its siblings too.
        """
        if not changes:
            raise fail("value.required", field="changes")

        def decide() -> list[Aggregate]:
            directory = self.directory()
            user = self.user(directory, actor)
            state = self.plan_state(self.plan_id(directory))
            assert state.plan is not None
            role = authorise(user, command)
            v.text("reason", reason, 2000, required=True)
            env = self.envelope(actor, role, None, reason, source, state.plan.year)
            for event_type, fields in changes:
                self._check_plan_change(state, event_type, fields)
                state.trigger(event_type, **env, **fields)
            assert state.plan is not None
            problems = check(state.plan)
            if problems:
                raise JixiaoError(*problems)
            return [state]

        return self.run(decide, actor=actor, what=command)

    @staticmethod
    def _check_plan_change(state: PlanAggregate, event_type: type[ev.Event],
                           fields: dict[str, Any]) -> None:
        assert state.plan is not None
        if event_type not in PLAN_CHANGES:
            raise fail("cmd.not_plan_change", kind=event_type.__name__)
        target = fields.get("indicator_id") or getattr(fields.get("indicator"), "id", "")
        if event_type is ev.IndicatorAdded:
            parent = fields.get("parent", "")
            if parent and state.plan.indicator(parent) is None:
                raise fail("cmd.unknown_indicator", indicator=parent)
            if parent and withdrawn(state, parent):
                raise fail("cmd.withdrawn", indicator=parent)
        elif target:
            if state.plan.indicator(target) is None:
                raise fail("cmd.unknown_indicator", indicator=target)
            if withdrawn(state, target):
                raise fail("cmd.withdrawn", indicator=target)
        if "indicator" in fields:
            ind = fields["indicator"]
            v.text("name", ind.name, NAME_LIMIT, required=True)
            v.text("target", ind.target, TEXT_LIMIT)
            for m in ind.milestones:
                v.text("milestone", m, NAME_LIMIT)
        if "approval" in fields:
            v.text("approval", fields["approval"], NAME_LIMIT)

    def approve_plan(self, actor: str, approval: str, *, reason: str = "approved",
                     source: str = "cli") -> ev.Event:
        return self.change_plan(actor, ev.PlanApproved, reason=reason, source=source,
                                command="approve_plan", approval=approval)

    # -- an indicator's year ------------------------------------------------------
    def assign(self, actor: str, indicator: str, *, section: str, leader: str, handler: str,
               deadline: dt.date | None = None, milestones: tuple[str, ...] = (),
               liaison: str = "", effective: dt.date | None = None, reason: str = "",
               source: str = "cli") -> ev.Event:
        def decide() -> list[Aggregate]:
            directory = self.directory()
            user, state, _ind, _, file = self._target(actor, indicator)
            assert state.plan is not None
            role = authorise(user, "assign")
            if section not in {s.id for s in state.plan.sections}:
                raise fail("cmd.unknown_section", section=section)
            for who in (leader, handler, liaison):
                if who and who not in directory.users:
                    raise fail("auth.unknown_user", user=who)
            for m in milestones:
                v.text("milestone", m, NAME_LIMIT)
            file.trigger(ev.Assigned, indicator_id=indicator, section=section, leader=leader,
                         handler=handler, deadline=deadline, milestones=list(milestones),
                         liaison=liaison,
                         **self.envelope(actor, role, effective, reason, source, state.plan.year))
            return [file]

        return self.run(decide, actor=actor, what="assign")[0]

    def report_progress(self, actor: str, indicator: str, *, period: str, percent: int,
                        done: str = "", problems: str = "", next_steps: str = "",
                        effective: dt.date | None = None, reason: str = "",
                        source: str = "cli") -> ev.Event:
        return self._record(actor, "report_progress", indicator, ev.ProgressReported, effective,
                            reason, source, check_plan=lambda plan: v.period(period, plan.year),
                            period=period, percent=v.percent(percent),
                            done=v.text("done", done, TEXT_LIMIT),
                            problems=v.text("problems", problems, TEXT_LIMIT),
                            next_steps=v.text("next_steps", next_steps, TEXT_LIMIT))

    def attach_evidence(self, actor: str, indicator: str, *, file_name: str, sha256: str,
                        size: int, description: str = "", effective: dt.date | None = None,
                        reason: str = "", source: str = "cli") -> ev.Event:
        if size < 0:
            raise fail("value.positive", field="size", actual=size)
        return self._record(actor, "attach_evidence", indicator, ev.EvidenceAttached, effective,
                            reason, source, file_name=v.text("file_name", file_name, 255,
                                                             required=True),
                            sha256=v.sha256(sha256.lower()), size=size,
                            description=v.text("description", description, TEXT_LIMIT))

    def self_assess(self, actor: str, indicator: str, *, tier: str, note: str = "",
                    effective: dt.date | None = None, reason: str = "",
                    source: str = "cli") -> ev.Event:
        return self._record(actor, "self_assess", indicator, ev.SelfAssessed, effective, reason,
                            source, leaf=True, tier=tier, note=v.text("note", note, TEXT_LIMIT))

    def award_tier(self, actor: str, indicator: str, *, tier: str, reason: str = "",
                   effective: dt.date | None = None, source: str = "cli") -> ev.Event:
        return self._record(actor, "award_tier", indicator, ev.TierAwarded, effective, reason,
                            source, leaf=True, tier=tier)

    def adjust(self, actor: str, kind: str, amount: Decimal | str | int, *, reason: str,
               basis: str = "", indicator: str = "", section: str = "",
               effective: dt.date | None = None, source: str = "cli") -> ev.Event:
        """A bonus (unit or section), a deduction (indicator or unit) or a veto."""
        if kind not in ("bonus", "deduction", "veto"):
            raise fail("cmd.adjustment_kind", actual=kind)
        value = v.amount("amount", amount, allow_zero=kind == "veto")
        v.text("reason", reason, 2000, required=True)
        v.text("basis", basis, NAME_LIMIT)
        if kind == "veto" and value != 0:
            raise fail("cmd.veto_amount", actual=value)
        if kind == "bonus" and indicator:
            raise fail("cmd.bonus_on_indicator")

        if indicator:
            def decide() -> list[Aggregate]:
                user, state, ind, _, file = self._target(actor, indicator)
                assert state.plan is not None
                if ind.children:
                    raise fail("cmd.not_leaf", indicator=indicator)
                if value > ind.points:
                    raise fail("cmd.over_points", indicator=indicator, actual=value,
                               allowed=ind.points)
                role = authorise(user, "adjust")
                payload = {**self.envelope(actor, role, effective, reason, source, state.plan.year),
                           "adjustment": kind, "amount": value, "basis": basis,
                           "indicator_id": indicator, "section": self.section_of(ind, file)}
                self._no_duplicate(file, ev.Adjusted, payload)
                file.trigger(ev.Adjusted, **payload)
                return [file]
        else:
            def decide() -> list[Aggregate]:
                directory = self.directory()
                user = self.user(directory, actor)
                state = self.plan_state(self.plan_id(directory))
                assert state.plan is not None
                role = authorise(user, "adjust")
                cap = {"bonus": state.plan.scoring.bonus_cap,
                       "deduction": state.plan.scoring.unit_deduction_cap}.get(kind)
                if cap is not None and value > cap:
                    raise fail("cmd.over_cap", kind=kind, actual=value, allowed=cap)
                if section and section not in {s.id for s in state.plan.sections}:
                    raise fail("cmd.unknown_section", section=section)
                unit = self.unit(state.id)
                payload = {**self.envelope(actor, role, effective, reason, source, state.plan.year),
                           "adjustment": kind, "amount": value, "basis": basis, "section": section}
                self._no_duplicate(unit, ev.Adjusted, payload)
                unit.trigger(ev.Adjusted, **payload)
                return [unit]

        return self.run(decide, actor=actor, what=f"adjust {kind}")[0]

    def record_finding(self, actor: str, *, method: str, finding_source: str, count: int,
                       per_item: Decimal | str, cap: Decimal | str | None = None,
                       indicator: str = "", description: str = "",
                       rectify_by: dt.date | None = None, effective: dt.date | None = None,
                       reason: str = "", source: str = "cli") -> ev.Event:
        """An inspection finding: deducts min(count x per-item, cap), cap defaulting to the
        indicator's points (or the unit-level deduction cap)."""
        if method not in ev.METHODS:
            raise fail("cmd.method", actual=method, allowed="/".join(ev.METHODS))
        if finding_source not in get_args(ev.FindingSource):
            raise fail("cmd.finding_source", actual=finding_source, allowed="/".join(get_args(ev.FindingSource)))
        if not isinstance(count, int) or count < 1 or count > 1000:
            raise fail("value.positive", field="count", actual=count)
        item = v.amount("per_item", per_item)
        v.text("description", description, TEXT_LIMIT)

        def decide() -> list[Aggregate]:
            if indicator:
                user, state, ind, _, file = self._target(actor, indicator)
                assert state.plan is not None
                if ind.children:
                    raise fail("cmd.not_leaf", indicator=indicator)
                limit = ind.points
                target: RecordAggregate = file
            else:
                directory = self.directory()
                user = self.user(directory, actor)
                state = self.plan_state(self.plan_id(directory))
                assert state.plan is not None
                limit = state.plan.scoring.unit_deduction_cap
                target = self.unit(state.id)
            roles = ("performance_office",) if finding_source != "internal" else None
            role = authorise(user, "record_finding", allowed=roles)
            capped = limit if cap is None else v.amount("cap", cap)
            if capped > limit:
                raise fail("cmd.over_points", indicator=indicator or "unit", actual=capped,
                           allowed=limit)
            payload = {**self.envelope(actor, role, effective, reason, source, state.plan.year),
                       "method": method, "finding_source": finding_source, "count": count,
                       "per_item": item, "cap": capped, "deduction": min(item * count, capped),
                       "description": description, "indicator_id": indicator,
                       "rectify_by": rectify_by}
            self._no_duplicate(target, ev.FindingRecorded, payload)
            target.trigger(ev.FindingRecorded, **payload)
            return [target]

        return self.run(decide, actor=actor, what="record_finding")[0]

    def resolve_finding(self, actor: str, position: int, *, outcome: str, note: str = "",
                        effective: dt.date | None = None, reason: str = "",
                        source: str = "cli") -> ev.Event:
        """Record a finding's rectification (the section) or appeal outcome (the county)."""
        if outcome not in get_args(ev.Outcome):
            raise fail("cmd.outcome", actual=outcome)
        v.text("note", note, TEXT_LIMIT)

        def decide() -> list[Aggregate]:
            target, finding, user, state, section = self._entry(actor, position)
            if not isinstance(finding, ev.FindingRecorded):
                raise fail("cmd.not_finding", position=position)
            if finding.originator_version in target.voided:
                raise fail("cmd.already_voided", position=position)
            if target.outcome(finding.originator_version) == outcome:
                raise fail("cmd.duplicate", kind="FindingResolved",
                           version=finding.originator_version)
            command = "rectify_finding" if outcome == "rectified" else "decide_appeal"
            role = authorise(user, command, section)
            target.trigger(ev.FindingResolved, finding=finding.originator_version, outcome=outcome,
                           note=note, indicator_id=finding.indicator_id,
                           **self.envelope(actor, role, effective, reason, source, state.plan.year))
            return [target]

        return self.run(decide, actor=actor, what="resolve_finding")[0]

    def _entry(self, actor: str, position: int) -> tuple[RecordAggregate, ev.Event, User,
                                                          PlanAggregate, str | None]:
        """The voidable entry stored at a global position, with its aggregate and section."""
        directory = self.directory()
        user = self.user(directory, actor)
        state = self.plan_state(self.plan_id(directory))
        assert state.plan is not None
        originator, event = self.event_at(position)
        indicator = getattr(event, "indicator_id", "")
        if originator == unit_id(state.id):
            target: RecordAggregate = self.unit(state.id)
            section: str | None = getattr(event, "section", "") or None
        elif indicator:
            file = self.indicator_file(state.id, indicator)
            if file.id != originator:
                raise fail("cmd.not_voidable", position=position, kind=event.kind)
            if withdrawn(state, indicator):
                raise fail("cmd.withdrawn", indicator=indicator)
            ind = state.plan.indicator(indicator)
            section = file.section or (ind.section if ind else None)
            target = file
        elif originator == internal_id(state.id):  # the internal evaluation: ratings and locks
            target, section = self.internal_state(state.id), None
        else:
            raise fail("cmd.not_voidable", position=position, kind=event.kind)
        return target, event, user, state, section

    def correct(self, actor: str, position: int, *, reason: str, source: str = "cli") -> ev.Event:
        """Void the event at `position` with a reason; the voided event stays in the log."""
        v.text("reason", reason, 2000, required=True)

        def decide() -> list[Aggregate]:
            target, event, user, state, section = self._entry(actor, position)
            assert state.plan is not None
            if isinstance(event, ev.Corrected):
                raise fail("cmd.void_correction", position=position)
            if event.originator_version in target.voided:
                raise fail("cmd.already_voided", position=position)
            command = COMMAND_OF_KIND.get(event.kind)
            if command is None:
                raise fail("cmd.not_voidable", position=position, kind=event.kind)
            if isinstance(event, ev.FindingResolved) and event.outcome != "rectified":
                command = "decide_appeal"  # only who decides an appeal may void the decision
            if isinstance(event, ev.FindingRecorded) and event.finding_source != "internal":
                role = authorise_void(user, event, command, section, allowed=("performance_office",))
            else:
                role = authorise_void(user, event, command, section)
            target.trigger(ev.Corrected, voided=event.originator_version, voided_kind=event.kind,
                           indicator_id=getattr(event, "indicator_id", ""),
                           **self.envelope(actor, role, None, reason, source, state.plan.year))
            return [target]

        return self.run(decide, actor=actor, what="correct")[0]

    # -- reports, seals, audit remarks --------------------------------------------
    def file_report(self, actor: str, report: str, *, content: Any, period: str = "",
                    section: str = "", effective: dt.date | None = None, reason: str = "",
                    source: str = "cli") -> ev.Event:
        """File a report: its content is kept with its SHA-256 so it can be shown as filed."""
        body = msgspec.json.encode(content).decode() if not isinstance(content, str) else content
        if len(body) > 5_000_000:
            raise fail("value.too_long", field="content", actual=len(body), allowed=5_000_000)
        digest = hashlib.sha256(body.encode()).hexdigest()
        v.text("report", report, 64, required=True)

        def decide() -> list[Aggregate]:
            directory = self.directory()
            user = self.user(directory, actor)
            state = self.plan_state(self.plan_id(directory))
            assert state.plan is not None
            if period:
                v.period(period, state.plan.year)
            if section and section not in {s.id for s in state.plan.sections}:
                raise fail("cmd.unknown_section", section=section)
            role = authorise(user, "file_report", section or None)
            unit = self.unit(state.id)
            payload = {**self.envelope(actor, role, effective, reason, source, state.plan.year),
                       "report": report, "period": period, "section": section, "digest": digest,
                       "content": body}
            self._no_duplicate(unit, ev.ReportFiled, payload)
            unit.trigger(ev.ReportFiled, **payload)
            return [unit]

        return self.run(decide, actor=actor, what="file_report")[0]

    def audit_remark(self, actor: str, remark: str, *, about: int = 0,
                     source: str = "cli") -> ev.Event:
        v.text("remark", remark, TEXT_LIMIT, required=True)

        def decide() -> list[Aggregate]:
            directory = self.directory()
            user = self.user(directory, actor)
            state = self.plan_state(self.plan_id(directory))
            role = authorise(user, "audit_remark")
            if about and not 0 < about <= self.max_position():
                raise fail("ledger.no_event", position=about)
            unit = self.unit(state.id)
            unit.trigger(ev.AuditRemarked, remark=remark, about=about,
                         **self.envelope(actor, role, None, "", source))
            return [unit]

        return self.run(decide, actor=actor, what="audit_remark")[0]

    def seal(self, actor: str, position: int, digest: str, *, source: str = "cli") -> ev.Event:
        """Seal the log up to `position` with the digest the verifier computed for it."""
        v.sha256(digest)

        def decide() -> list[Aggregate]:
            directory = self.directory()
            user = self.user(directory, actor)
            state = self.plan_state(self.plan_id(directory))
            role = authorise(user, "seal")
            if not 0 < position <= self.max_position():
                raise fail("ledger.no_event", position=position)
            if self.store.digest_at(position) != digest:
                raise fail("cmd.seal_mismatch", position=position)
            unit = self.unit(state.id)
            unit.trigger(ev.Sealed, position=position, digest=digest,
                         **self.envelope(actor, role, None, "", source))
            return [unit]

        return self.run(decide, actor=actor, what="seal")[0]
