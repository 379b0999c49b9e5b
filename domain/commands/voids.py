"""Corrections: an entry is voided by a new event with its reason; nothing is deleted."""

from __future__ import annotations

import datetime as dt

from domain import events as ev
from domain import validate as v
from domain.access import COMMAND_OF_KIND
from domain.access_void import authorise_void
from domain.aggregates import (
    Aggregate,
    PlanAggregate,
    RecordAggregate,
    User,
    unit_id,
)
from domain.commands.context import LedgerContext, withdrawn
from domain.errors import fail
from domain.internal import internal_id


class VoidCommands(LedgerContext):
    """Voiding an entry by its position in the log."""

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

    def correct(self, actor: str, position: int, *, reason: str, effective: dt.date | None = None,
                source: str = "cli") -> ev.Event:
        """Void the event at `position` with a reason; the voided event stays in the log.
        From `effective` on the as-of views no longer count it; by default from the voided
        entry's own effective date, as if it had never counted (the known-at clock still
        shows when it was voided)."""
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
                role = authorise_void(user, event.actor, command, section, allowed=("performance_office",))
            else:
                role = authorise_void(user, event.actor, command, section)
            target.trigger(ev.Corrected, voided=event.originator_version, voided_kind=event.kind,
                           indicator_id=getattr(event, "indicator_id", ""),
                           **self.envelope(actor, role, effective or event.effective, reason, source,
                                           state.plan.year))
            return [target]

        return self.run(decide, actor=actor, what="correct")[0]

