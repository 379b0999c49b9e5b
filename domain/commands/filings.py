"""Reports filed with their content, audit remarks and seals of the log."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import msgspec

from domain import events as ev
from domain import validate as v
from domain.access import authorise
from domain.aggregates import (
    Aggregate,
)
from domain.commands.context import TEXT_LIMIT, LedgerContext
from domain.deliverables import REPORT_LABELS
from domain.errors import fail
from domain.seals import seal_message
from domain.signatures import verified

# who files a deliverable for the whole unit: the leadership group's office, or a leader
UNIT_FILERS = ("office", "leader")


class FilingCommands(LedgerContext):
    """What the office files and the supervisory group records."""

    def file_report(self, actor: str, report: str, *, content: Any, period: str = "",
                    section: str = "", effective: dt.date | None = None, reason: str = "",
                    source: str = "cli") -> ev.Event:
        """File a report: its content is kept with its SHA-256 so it can be shown as filed.

        A quarterly report is filed by a section (its head or clerk) or for the whole unit by
        the leadership group's office; every other deliverable only for the whole unit, by
        the office or a leader. Filing one again is a resubmission and needs its reason.
        """
        body = msgspec.json.encode(content).decode() if not isinstance(content, str) else content
        if len(body) > 5_000_000:
            raise fail("value.too_long", field="content", actual=len(body), allowed=5_000_000)
        if not body.strip():
            raise fail("report.no_content", report=report, detail="—")
        digest = hashlib.sha256(body.encode()).hexdigest()
        v.text("report", report, 64, required=True)
        if section and report != "quarterly":
            raise fail("report.unit_wide", report=report)

        def decide() -> list[Aggregate]:
            directory = self.directory()
            user = self.user(directory, actor)
            state = self.plan_state(self.plan_id(directory))
            assert state.plan is not None
            when = effective
            if period:
                v.period(period, state.plan.year)
                when = v.default_for_period(effective, period, self.clock())
            if section and section not in {s.id for s in state.plan.sections}:
                raise fail("cmd.unknown_section", section=section)
            if not section and user.roles and not set(user.roles) & set(UNIT_FILERS):
                # a section's people file their section's quarterly report, not the unit's deliverables
                raise fail("auth.unit_filer", user=actor, report=REPORT_LABELS.get(report, report))
            role = authorise(user, "file_report", section or None, allowed=None if section else UNIT_FILERS)
            unit = self.unit(state.id)
            resubmission = unit.has_filed(report, period, section)
            payload = {**self.envelope(actor, role, when, reason, source, state.plan.year),
                       "report": report, "period": period, "section": section, "digest": digest,
                       "content": body, "resubmission": resubmission}
            self._no_duplicate(unit, ev.ReportFiled, payload)
            if resubmission and not reason.strip():
                raise fail("cmd.resubmit_reason", report=REPORT_LABELS.get(report, report))
            unit.trigger(ev.ReportFiled, **payload)
            return [unit]

        return self.run(decide, actor=actor, what="file_report")[0]

    def audit_remark(self, actor: str, remark: str, *, about: int = 0, effective: dt.date | None = None,
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
                         **self.envelope(actor, role, effective, "", source,
                                       state.plan.year if state.plan else None))
            return [unit]

        return self.run(decide, actor=actor, what="audit_remark")[0]

    def seal(self, actor: str, position: int, digest: str, *, signature: str = "",
             source: str = "cli") -> ev.Event:
        """Seal the log up to `position` with the digest the verifier computed for it.

        With `signature` (an OpenSSH signature over `domain.seals.seal_message`), a signed
        seal: only a member of the supervisory group, with a key registered for them."""
        v.sha256(digest)

        def decide() -> list[Aggregate]:
            directory = self.directory()
            user = self.user(directory, actor)
            state = self.plan_state(self.plan_id(directory))
            if signature:
                if "supervisor" not in user.roles:
                    raise fail("seal.not_supervisor", user=actor)
                role = authorise(user, "seal", allowed=("supervisor",))
            else:
                role = authorise(user, "seal")
            if not 0 < position <= self.max_position():
                raise fail("ledger.no_event", position=position)
            if self.store.digest_at(position) != digest:
                raise fail("cmd.seal_mismatch", position=position)
            signed: dict[str, str] = {}
            if signature:
                message = seal_message(str(state.id), position, digest, actor)
                key = verified(signature, message, actor, user.keys.values())
                if key is None:
                    raise fail("seal.key_not_registered", user=actor)
                signed = {"signature": signature, "fingerprint": key, "plan": str(state.id)}
            unit = self.unit(state.id)
            unit.trigger(ev.Sealed, position=position, digest=digest, **signed,
                         **self.envelope(actor, role, None, "", source))
            return [unit]

        return self.run(decide, actor=actor, what="seal")[0]

    def note_unverified_import(self, actor: str, *, file: str, count: int, digests: bool,
                               source: str = "cli") -> ev.Event:
        """Record in the log that this ledger was filled from an export without its checks."""

        def decide() -> list[Aggregate]:
            directory = self.directory()
            role = authorise(self.user(directory, actor), "manage_users")
            directory.trigger(ev.ImportedUnverified, file=file[:200], count=count, digests=digests,
                              **self.envelope(actor, role, None, "", source))
            return [directory]

        return self.run(decide, actor=actor, what="import --unverified")[0]
