"""Building the fold's entries from events: per event kind, the entry it makes, and the
small views a replay decodes stored events of that kind into (only the fields the entry
needs, and the clocks' dates), skipping what the fold would throw away.
"""

from __future__ import annotations

from typing import Any

import msgspec

from domain import events as ev
from projections.fold_entries import (
    AdjustedEntry,
    AssignedEntry,
    CorrectedEntry,
    DecisionEntry,
    EvidenceEntry,
    FiledEntry,
    FindingEntry,
    FollowUpEntry,
    MeetingEntry,
    ProgressEntry,
    RemarkEntry,
    ResolvedEntry,
    SealedEntry,
    SelfAssessedEntry,
    TierEntry,
)


def _entry_builders() -> dict[type, Any]:
    """Per event kind: (the entry's kind, a function building it). Positional arguments in
    field order (position, version, effective, then the entry's own): the fold's hot path."""
    return {
        ev.Assigned: lambda e, p, d, i: AssignedEntry(
            p, e.originator_version, d, i(e.section), i(e.leader), i(e.handler), e.deadline,
            list(e.milestones), i(e.liaison)),
        ev.ProgressReported: lambda e, p, d, i: ProgressEntry(
            p, e.originator_version, d, i(e.period), e.percent),
        ev.EvidenceAttached: lambda e, p, d, i: EvidenceEntry(p, e.originator_version, d, e.size),
        ev.SelfAssessed: lambda e, p, d, i: SelfAssessedEntry(p, e.originator_version, d, i(e.tier)),
        ev.TierAwarded: lambda e, p, d, i: TierEntry(p, e.originator_version, d, i(e.tier), e.points),
        ev.Adjusted: lambda e, p, d, i: AdjustedEntry(
            p, e.originator_version, d, i(e.adjustment), e.amount, i(e.section), e.basis),
        ev.FindingRecorded: lambda e, p, d, i: FindingEntry(
            p, e.originator_version, d, i(e.method), i(e.finding_source), e.count, e.per_item,
            e.deduction, e.rectify_by),
        ev.FindingResolved: lambda e, p, d, i: ResolvedEntry(
            p, e.originator_version, d, e.finding, i(e.outcome)),
        ev.ReportFiled: lambda e, p, d, i: FiledEntry(
            p, e.originator_version, d, i(e.report), i(e.period), i(e.section), e.digest, i(e.actor),
            e.timestamp),
        ev.Sealed: lambda e, p, d, i: SealedEntry(p, e.originator_version, d),
        ev.AuditRemarked: lambda e, p, d, i: RemarkEntry(p, e.originator_version, d),
        ev.Corrected: lambda e, p, d, i: CorrectedEntry(
            p, e.originator_version, d, e.voided, i(e.voided_kind)),
        ev.MeetingRecorded: lambda e, p, d, i: MeetingEntry(p, e.originator_version, d, i(e.meeting)),
        ev.DecisionRecorded: lambda e, p, d, i: DecisionEntry(
            p, e.originator_version, d, e.meeting, i(e.decision), i(e.indicator_id), i(e.section), i(e.person),
            e.due),
        ev.FollowUpCompleted: lambda e, p, d, i: FollowUpEntry(p, e.originator_version, d, e.decision),
    }


BUILDERS = _entry_builders()
KIND_NAMES = {t: t.__name__ for t in BUILDERS}

# What each entry needs of its event. Replaying the store, events of these kinds are
# decoded into small views holding only these fields (and the clocks' two dates), which
# skips building what the fold would throw away: texts, the originator id, the actor.
VIEW_FIELDS: dict[type, tuple[str, ...]] = {
    ev.Assigned: ("section", "leader", "handler", "deadline", "milestones", "liaison"),
    ev.ProgressReported: ("period", "percent"),
    ev.EvidenceAttached: ("size",),
    ev.SelfAssessed: ("tier",),
    ev.TierAwarded: ("tier", "points"),
    ev.Adjusted: ("adjustment", "amount", "section", "basis"),
    ev.FindingRecorded: ("method", "finding_source", "count", "per_item", "deduction", "rectify_by"),
    ev.FindingResolved: ("finding", "outcome"),
    ev.ReportFiled: ("report", "period", "section", "digest", "actor"),
    ev.Sealed: (),
    ev.AuditRemarked: (),
    ev.Corrected: ("voided", "voided_kind"),
    ev.MeetingRecorded: ("meeting",),
    ev.DecisionRecorded: ("meeting", "decision", "indicator_id", "section", "person", "due"),
    ev.FollowUpCompleted: ("decision",),
}


def _view(event_type: type, timestamp: bool) -> type:
    info = {f.name: f for f in msgspec.structs.fields(event_type)}
    fields: list[Any] = []
    stamp = ("timestamp",) if timestamp or event_type is ev.ReportFiled else ()
    for name in ("originator_version", "effective", *stamp, *VIEW_FIELDS[event_type]):
        f = info[name]
        if f.default is not msgspec.NODEFAULT:
            fields.append((name, f.type, f.default))
        elif f.default_factory is not msgspec.NODEFAULT:
            fields.append((name, f.type, msgspec.field(default_factory=f.default_factory)))
        else:
            fields.append((name, f.type))
    return msgspec.defstruct(f"{event_type.__name__}View", fields, kw_only=True, frozen=True)


def _view_decoders(timestamp: bool) -> dict[str, tuple[type, Any, Any]]:
    """topic (current version only) -> (event type, view decoder, entry builder)."""
    return {t.topic(): (t, msgspec.json.Decoder(_view(t, timestamp)).decode, BUILDERS[t]) for t in VIEW_FIELDS}


VIEWS = _view_decoders(timestamp=True)  # for replays as known at a time
LEAN_VIEWS = _view_decoders(timestamp=False)  # otherwise the recorded time is not needed


def _fast(views: dict[str, tuple[type, Any, Any]]) -> dict[str, tuple[str, Any, Any, bool]]:
    """topic -> (the entry's kind name, view decoder, entry builder, whether it voids)."""
    return {topic: (KIND_NAMES[kind], decode, build, kind is ev.Corrected)
            for topic, (kind, decode, build) in views.items()}


FAST_VIEWS = _fast(VIEWS)
LEAN_FAST_VIEWS = _fast(LEAN_VIEWS)
