"""Meetings of the year (季度分析会、半年汇报会、年终总结会), their decisions, and the
follow-up of each decision to its completion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import get_args

from domain import events as ev
from domain import validate as v
from domain.access import authorise
from domain.aggregates import Aggregate, PlanAggregate, UnitAggregate, unit_id
from domain.commands.context import NAME_LIMIT, TEXT_LIMIT, LedgerContext, withdrawn
from domain.errors import fail

FOLLOWED = ("accountability", "rectification")  # 问责 / 整改: a section, a person and a due date
DECISION_NAMES = {"notice": "通报", "accountability": "问责", "rectification": "整改"}


class MeetingCommands(LedgerContext):
    """What the office records of a meeting, and who records that an item is done."""

    def _person(self, state: PlanAggregate, code: str, person: str) -> None:
        assert state.plan is not None
        if person not in {p.id for p in state.plan.people}:
            raise fail(code, person=person)

    def _unit_entry(self, state: PlanAggregate, position: int,
                    kind: type[ev.Event], code: str) -> tuple[UnitAggregate, ev.Event]:
        originator, event = self.event_at(position)
        if originator != unit_id(state.id) or not isinstance(event, kind):
            raise fail(code, position=position)
        unit = self.unit(state.id)
        if event.originator_version in unit.voided:
            raise fail("cmd.already_voided", position=position)
        return unit, event

    def record_meeting(self, actor: str, meeting: str, *, held: dt.date, attendees: Sequence[str],
                       minutes: str = "", title: str = "", reason: str = "",
                       source: str = "cli") -> ev.Event:
        """Record a meeting held on `held`: its kind, attendees (people of the plan) and minutes."""
        if meeting not in get_args(ev.MeetingKind):
            raise fail("value.choice", field="meeting", actual=meeting, allowed="/".join(get_args(ev.MeetingKind)))
        v.text("title", title, NAME_LIMIT)
        v.text("minutes", minutes, TEXT_LIMIT)
        if not attendees:
            raise fail("value.required", field="attendee")

        def decide() -> list[Aggregate]:
            directory = self.directory()
            user = self.user(directory, actor)
            state = self.plan_state(self.plan_id(directory))
            assert state.plan is not None
            role = authorise(user, "record_meeting")
            for person in attendees:
                self._person(state, "meeting.unknown_attendee", person)
            unit = self.unit(state.id)
            unit.trigger(ev.MeetingRecorded, meeting=meeting, title=title, attendees=list(dict.fromkeys(attendees)),
                         minutes=minutes, **self.envelope(actor, role, held, reason, source, state.plan.year))
            return [unit]

        return self.run(decide, actor=actor, what="record_meeting")[0]

    def record_decision(self, actor: str, meeting: int, decision: str, *, matter: str, indicator: str = "",
                        section: str = "", person: str = "", due: dt.date | None = None, reason: str = "",
                        source: str = "cli") -> ev.Event:
        """A decision of the meeting at global position `meeting`: a notice (通报), or an
        accountability or rectification item naming its section, person and due date."""
        if decision not in get_args(ev.DecisionKind):
            raise fail("value.choice", field="decision", actual=decision,
                       allowed="/".join(get_args(ev.DecisionKind)))
        v.text("matter", matter, TEXT_LIMIT, required=True)

        def decide() -> list[Aggregate]:
            directory = self.directory()
            user = self.user(directory, actor)
            state = self.plan_state(self.plan_id(directory))
            assert state.plan is not None
            unit, held = self._unit_entry(state, meeting, ev.MeetingRecorded, "meeting.not_meeting")
            role = authorise(user, "record_meeting")
            where = section
            if indicator:
                ind = state.plan.indicator(indicator)
                if ind is None:
                    raise fail("cmd.unknown_indicator", indicator=indicator)
                if withdrawn(state, indicator):
                    raise fail("cmd.withdrawn", indicator=indicator)
                where = where or self.indicator_file(state.id, indicator).section or ind.section
            if where and where not in {s.id for s in state.plan.sections}:
                raise fail("cmd.unknown_section", section=where)
            if person:
                self._person(state, "meeting.unknown_person", person)
            if decision in FOLLOWED:
                for name, value in (("section", where), ("person", person), ("due", due)):
                    if not value:
                        raise fail(f"meeting.needs_{name}", decision=DECISION_NAMES[decision])
            if due is not None and due < held.effective:
                raise fail("meeting.due_before", actual=due, allowed=held.effective)
            unit.trigger(ev.DecisionRecorded, meeting=held.originator_version, decision=decision, matter=matter,
                         indicator_id=indicator, section=where, person=person, due=due,
                         **self.envelope(actor, role, held.effective, reason, source, state.plan.year))
            return [unit]

        return self.run(decide, actor=actor, what="record_decision")[0]

    def complete_follow_up(self, actor: str, decision: int, *, note: str = "", effective: dt.date | None = None,
                           reason: str = "", source: str = "cli") -> ev.Event:
        """Record that the item decided at global position `decision` is done (办结)."""
        v.text("note", note, TEXT_LIMIT)

        def decide() -> list[Aggregate]:
            directory = self.directory()
            user = self.user(directory, actor)
            state = self.plan_state(self.plan_id(directory))
            assert state.plan is not None
            unit, item = self._unit_entry(state, decision, ev.DecisionRecorded, "meeting.not_decision")
            assert isinstance(item, ev.DecisionRecorded)
            if item.decision not in FOLLOWED:
                raise fail("meeting.notice_only")
            if unit.completed(item.originator_version):
                raise fail("meeting.completed", position=decision)
            role = authorise(user, "complete_follow_up", item.section or None)
            env = self.envelope(actor, role, effective, reason, source, state.plan.year)
            if env["effective"] < item.effective:
                raise fail("meeting.before", actual=env["effective"], allowed=item.effective)
            unit.trigger(ev.FollowUpCompleted, decision=item.originator_version, note=note, section=item.section,
                         **env)
            return [unit]

        return self.run(decide, actor=actor, what="complete_follow_up")[0]
