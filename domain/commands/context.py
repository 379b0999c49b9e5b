"""What every command needs: who acts, on which indicator, and the common path of recording."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from domain import events as ev
from domain import validate as v
from domain.access import authorise
from domain.aggregates import (
    DIRECTORY_ID,
    Aggregate,
    DirectoryAggregate,
    IndicatorAggregate,
    PlanAggregate,
    RecordAggregate,
    User,
    dedupe_key,
)
from domain.errors import fail
from domain.ledger import LedgerBase
from domain.plan import Indicator, Plan, tier_points
from domain.ports import EvidenceFile

PLAN_CHANGES = frozenset({ev.IndicatorAdded, ev.IndicatorRevised, ev.IndicatorWithdrawn,
                          ev.TierTableChanged, ev.DeadlinesChanged, ev.DataItemsChanged})
NAME_LIMIT = v.NAME_LIMIT
TEXT_LIMIT = v.TEXT_LIMIT
KEY_LIMIT = 16_000
TIERED_NEEDS_REASON = frozenset({ev.ProgressReported, ev.EvidenceAttached, ev.SelfAssessed})


def withdrawn(state: PlanAggregate, indicator: str) -> bool:
    """Whether an indicator, or the first-level indicator above it, is withdrawn."""
    if indicator in state.withdrawn:
        return True
    assert state.plan is not None
    return any(indicator in {c.id for c in first.children}
               for first in state.plan.indicators if first.id in state.withdrawn)



class LedgerContext(LedgerBase):
    """The lookups and the common recording path the command groups share."""

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
                check_plan: Callable[[Plan], None] | None = None,
                files: Sequence[EvidenceFile] = (), **fields: Any) -> ev.Event:
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
            self._needs_reason(file, event_type, payload)
            file.trigger(event_type, **payload)
            return [file]

        return self.run(decide, actor=actor, what=command, files=files)[0]

    @staticmethod
    def _needs_reason(file: IndicatorAggregate, event_type: type[ev.Event], payload: dict[str, Any]) -> None:
        """Progress that goes backwards, and an entry on an indicator already tiered, are
        accepted only with the reason why."""
        if payload.get("reason", "").strip():
            return
        if event_type is ev.ProgressReported:
            earlier = file.reported_before(payload["period"])
            if earlier is not None and payload["percent"] < earlier[1]:
                raise fail("cmd.progress_backwards", indicator=payload["indicator_id"], percent=payload["percent"],
                           period=earlier[0], earlier=earlier[1])
        if event_type in TIERED_NEEDS_REASON and file.tiered:
            raise fail("cmd.after_tier", indicator=payload["indicator_id"])

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

