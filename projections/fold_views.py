"""Building the fold's entries from events: per event kind, the entry it makes, and the
small views a replay decodes stored events of that kind into (only the fields the entry
needs, and the clocks' dates), skipping what the fold would throw away.

A full replay decodes each stored payload straight into its entry (`ENTRY_VIEWS`: a
struct of the entry's own fields, read from the payload's keys), so the fold builds
nothing per event; the fold turns them into the compact entries of `fold_entries` only
when it is saved or compared (`settled`).
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

# the payload's key of each entry field named otherwise in the entry
_PAYLOAD_KEYS = {"version": "originator_version", "recorded": "timestamp"}


def _decoded_entry(entry_type: type, event_type: type) -> type:
    """A struct with the fields of `entry_type`, in its order, read from the payload of an
    `event_type` event (position left 0: the fold sets it). Not array-like, so it decodes
    from the payload's keys; typed as the event types them (a Literal decodes to one
    shared string)."""
    info = {f.name: f for f in msgspec.structs.fields(event_type)}
    fields: list[Any] = [("position", int, 0)]
    for f in msgspec.structs.fields(entry_type)[1:]:
        key = _PAYLOAD_KEYS.get(f.name, f.name)
        source = info[key]
        if source.default is not msgspec.NODEFAULT:
            default: Any = msgspec.field(name=key, default=source.default)
        elif source.default_factory is not msgspec.NODEFAULT:
            default = msgspec.field(name=key, default_factory=source.default_factory)
        else:
            default = msgspec.field(name=key)
        fields.append((f.name, source.type, default))
    return msgspec.defstruct(f"Decoded{entry_type.__name__}", fields, kw_only=True, gc=False,
                             namespace={"KIND": entry_type.KIND, "kind": property(lambda self: self.KIND)})


ENTRY_TYPES: dict[type, type] = {
    ev.Assigned: AssignedEntry, ev.ProgressReported: ProgressEntry, ev.EvidenceAttached: EvidenceEntry,
    ev.SelfAssessed: SelfAssessedEntry, ev.TierAwarded: TierEntry, ev.Adjusted: AdjustedEntry,
    ev.FindingRecorded: FindingEntry, ev.FindingResolved: ResolvedEntry, ev.ReportFiled: FiledEntry,
    ev.Sealed: SealedEntry, ev.AuditRemarked: RemarkEntry, ev.Corrected: CorrectedEntry,
}
# decoded entry type -> the compact entry it settles into
SETTLE: dict[type, type] = {}


def _entry_views() -> dict[str, tuple[str, Any, bool]]:
    """topic (current version only) -> (the entry's kind name, decoder of the payload straight
    into its entry, whether it voids)."""
    views = {}
    for event_type, entry_type in ENTRY_TYPES.items():
        decoded = _decoded_entry(entry_type, event_type)
        SETTLE[decoded] = entry_type
        views[event_type.topic()] = (KIND_NAMES[event_type], msgspec.json.Decoder(decoded).decode,
                                     event_type is ev.Corrected)
    return views


ENTRY_VIEWS = _entry_views()


def settled(entry: Any) -> Any:
    """The compact entry of a decoded one (the same fields and values); others as they are."""
    kind = SETTLE.get(type(entry))
    return entry if kind is None else kind(*msgspec.structs.astuple(entry))
