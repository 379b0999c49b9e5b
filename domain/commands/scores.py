"""What is recorded against an indicator or the unit: progress, evidence, tiers, adjustments, findings."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import get_args

from domain import events as ev
from domain import validate as v
from domain.access import authorise
from domain.aggregates import (
    Aggregate,
    RecordAggregate,
)
from domain.commands.context import NAME_LIMIT, TEXT_LIMIT, LedgerContext
from domain.errors import fail
from domain.ports import EvidenceFile


class ScoreCommands(LedgerContext):
    """Entries that make up a score."""

    def report_progress(self, actor: str, indicator: str, *, period: str, percent: int,
                        done: str = "", problems: str = "", next_steps: str = "",
                        effective: dt.date | None = None, reason: str = "",
                        source: str = "cli") -> ev.Event:
        effective = v.default_for_period(effective, period, self.clock()) if v.PERIOD.match(period) else effective
        return self._record(actor, "report_progress", indicator, ev.ProgressReported, effective,
                            reason, source, check_plan=lambda plan: v.period(period, plan.year),
                            period=period, percent=v.percent(percent),
                            done=v.text("done", done, TEXT_LIMIT),
                            problems=v.text("problems", problems, TEXT_LIMIT),
                            next_steps=v.text("next_steps", next_steps, TEXT_LIMIT))

    def attach_evidence(self, actor: str, indicator: str, *, file_name: str, sha256: str,
                        size: int, description: str = "", effective: dt.date | None = None,
                        reason: str = "", source: str = "cli", content: bytes | None = None) -> ev.Event:
        """Evidence for an indicator: with `content`, the file itself is kept beside the log
        (once per digest, in the event's own transaction); without, only its digest."""
        if size < 0:
            raise fail("value.positive", field="size", actual=size)
        files: tuple[EvidenceFile, ...] = ()
        if content is not None:
            if hashlib.sha256(content).hexdigest() != sha256.lower() or len(content) != size:
                raise fail("evidence.wrong_digest", sha256=sha256)
            files = (EvidenceFile(sha256.lower(), content),)
        return self._record(actor, "attach_evidence", indicator, ev.EvidenceAttached, effective,
                            reason, source, files=files, file_name=v.text("file_name", file_name, 255,
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
            if roles and user.roles and not set(user.roles) & set(roles):
                # the unit records its own (internal) findings; the county's are the performance office's
                raise fail("auth.finding_source", user=actor, source=finding_source)
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
            if command == "decide_appeal" and user.roles and "performance_office" not in user.roles:
                raise fail("auth.appeal", user=actor)
            role = authorise(user, command, section)
            target.trigger(ev.FindingResolved, finding=finding.originator_version, outcome=outcome,
                           note=note, indicator_id=finding.indicator_id,
                           **self.envelope(actor, role, effective, reason, source, state.plan.year))
            return [target]

        return self.run(decide, actor=actor, what="resolve_finding")[0]
