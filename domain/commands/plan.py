"""Changes to the plan after its first load: indicators, tiers, deadlines, assignment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from domain import events as ev
from domain import validate as v
from domain.access import authorise
from domain.aggregates import (
    Aggregate,
    PlanAggregate,
)
from domain.commands.context import NAME_LIMIT, PLAN_CHANGES, TEXT_LIMIT, LedgerContext, withdrawn
from domain.errors import JixiaoError, fail
from domain.rules import check


class PlanCommands(LedgerContext):
    """Revisions of the plan, each with its reason."""

    def change_plan(self, actor: str, event_type: type[ev.Event], *, reason: str,
                    source: str = "cli", command: str = "change_plan",
                    **fields: Any) -> ev.Event:
        """Add, revise or withdraw an indicator, change tiers or deadlines.

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

