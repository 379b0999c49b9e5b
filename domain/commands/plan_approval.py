"""The plan on its way into force: submitted after the 局务会审议, approved by 县人社局,
published by its notice. Each step in order, each dated inside the plan's year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, get_args

from domain import events as ev
from domain import validate as v
from domain.access import authorise
from domain.aggregates import Aggregate, PlanAggregate
from domain.commands.context import NAME_LIMIT, LedgerContext
from domain.errors import fail


class PlanApprovalCommands(LedgerContext):
    """局务会审议后报审, 县人社局审核批复, 印发公开."""

    def _plan_step(self, actor: str, command: str, effective: dt.date | None, reason: str,
                   source: str) -> tuple[PlanAggregate, dict[str, Any]]:
        directory = self.directory()
        user = self.user(directory, actor)
        state = self.plan_state(self.plan_id(directory))
        assert state.plan is not None
        role = authorise(user, command)
        return state, self.envelope(actor, role, effective, reason, source, state.plan.year)

    def submit_plan(self, actor: str, *, meeting: str, meeting_date: dt.date, effective: dt.date | None = None,
                    reason: str = "", source: str = "cli") -> ev.Event:
        """Submit the plan for approval after the bureau meeting (局务会) deliberated it.

        A second submission (the plan changed, or the approval was refused) needs its reason.
        """
        v.text("meeting", meeting, NAME_LIMIT, required=True)

        def decide() -> list[Aggregate]:
            state, env = self._plan_step(actor, "submit_plan", effective, reason, source)
            assert state.plan is not None
            status = state.status
            if status.submissions and not reason.strip():
                raise fail("plan.resubmit_reason", date=status.submitted)
            held = v.effective_date(meeting_date, self.clock(), state.plan.year)
            if held > env["effective"]:
                raise fail("plan.meeting_after", actual=held, allowed=env["effective"])
            state.trigger(ev.PlanSubmitted, meeting=meeting, meeting_date=held, **env)
            return [state]

        return self.run(decide, actor=actor, what="submit_plan")[0]

    def approve_plan(self, actor: str, approval: str, *, approver: str = "县人社局",
                     effective: dt.date | None = None, reason: str = "", source: str = "cli") -> ev.Event:
        """Record the approval (审核批复) of the plan as submitted, with its document reference."""
        v.text("approval", approval, NAME_LIMIT, required=True)
        v.text("approver", approver, NAME_LIMIT, required=True)

        def decide() -> list[Aggregate]:
            state, env = self._plan_step(actor, "approve_plan", effective, reason, source)
            status = state.status
            if status.stage == "draft":
                raise fail("plan.not_submitted")
            if status.stage != "submitted":
                raise fail("plan.already_approved", date=status.approved, approval=status.approval)
            if status.submitted and env["effective"] < status.submitted:
                raise fail("plan.approved_before", actual=env["effective"], allowed=status.submitted)
            state.trigger(ev.PlanApproved, approval=approval, approver=approver, **env)
            return [state]

        return self.run(decide, actor=actor, what="approve_plan")[0]

    def publish_plan(self, actor: str, *, notice: str, openness: str = "主动公开",
                     channels: Sequence[str] = (), effective: dt.date | None = None, reason: str = "",
                     source: str = "cli") -> ev.Event:
        """Publish the approved plan by its notice (e.g. 安科〔2021〕12号, 此件主动公开)."""
        v.text("notice", notice, NAME_LIMIT, required=True)
        if openness not in get_args(ev.Openness):
            raise fail("value.choice", field="openness", actual=openness, allowed="/".join(get_args(ev.Openness)))
        for channel in channels:
            v.text("channel", channel, NAME_LIMIT)

        def decide() -> list[Aggregate]:
            state, env = self._plan_step(actor, "publish_plan", effective, reason, source)
            status = state.status
            if status.stage == "published":
                raise fail("plan.already_published", date=status.published, notice=status.notice)
            if status.stage != "approved":
                raise fail("plan.not_approved")
            if status.approved and env["effective"] < status.approved:
                raise fail("plan.published_before", actual=env["effective"], allowed=status.approved)
            state.trigger(ev.PlanPublished, notice=notice, openness=openness, channels=list(channels),
                          **env)
            return [state]

        return self.run(decide, actor=actor, what="publish_plan")[0]
