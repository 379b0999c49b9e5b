"""Meetings of the year and the follow-up of their decisions (跟踪问责): what each meeting
decided, and which accountability or rectification items are open, late or done.

An item is done when a valid completion is recorded for it; done late when that
completion's date is after the item's due date; late while open after its due date. A
voided meeting takes its decisions with it.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from projections.deadlines import Filing
from projections.describe import DECISION_LABELS, MEETING_LABELS
from projections.fold import PlanFold, YearFold
from projections.work_ledger import Reader, people_names, section_names

FOLLOW_UP_LABELS = {"open": "未办结", "late": "逾期未办结", "done": "按期办结", "done_late": "逾期办结"}
# the deadlines' own status words for an item, so a reader of `report deadlines` sees one vocabulary
AS_DEADLINE = {"open": "due", "late": "overdue", "done": "filed", "done_late": "filed_late"}
FOLLOWED = ("accountability", "rectification")


class Decision(msgspec.Struct, kw_only=True):
    position: int
    decision: str
    decision_label: str
    matter: str
    indicator: str
    section: str
    section_name: str
    person: str
    person_name: str
    due: dt.date | None


class Meeting(msgspec.Struct, kw_only=True):
    position: int
    date: dt.date
    meeting: str
    meeting_label: str
    title: str
    attendees: list[str]  # names
    minutes: str
    decisions: list[Decision]


class FollowUp(msgspec.Struct, kw_only=True):
    position: int  # the decision's
    meeting_position: int
    meeting_label: str
    meeting_date: dt.date
    decision: str
    decision_label: str
    matter: str
    indicator: str
    section: str
    section_name: str
    person: str
    person_name: str
    due: dt.date | None
    status: str  # open / late / done / done_late
    status_label: str
    completed: dt.date | None
    completion_position: int
    completed_by: str
    completed_by_name: str
    recorded: dt.datetime | None  # when the completion was recorded (UTC)
    note: str
    days: int  # days left (positive) or late (negative) on `today`; 0 when done


def meetings(year: YearFold, fold: PlanFold, read: Reader) -> list[Meeting]:
    """Every valid meeting, in the order held, with its valid decisions."""
    unit = fold.unit
    names = people_names(year, fold)
    sections = section_names(fold)
    held = unit.valid("MeetingRecorded")
    decided = [d for d in unit.valid("DecisionRecorded")]
    texts = read([e.position for e in (*held, *decided)])
    out = []
    for m in sorted(held, key=lambda e: (e.effective, e.position)):
        event = texts[m.position][1]
        decisions = []
        for d in decided:
            if d.meeting != m.version:
                continue
            decisions.append(Decision(
                position=d.position, decision=d.decision, decision_label=DECISION_LABELS.get(d.decision, d.decision),
                matter=getattr(texts[d.position][1], "matter", ""), indicator=d.indicator, section=d.section,
                section_name=sections.get(d.section, d.section), person=d.person,
                person_name=names.get(d.person, d.person), due=d.due))
        out.append(Meeting(position=m.position, date=m.effective, meeting=m.meeting,
                           meeting_label=MEETING_LABELS.get(m.meeting, m.meeting), title=getattr(event, "title", ""),
                           attendees=[names.get(p, p) for p in getattr(event, "attendees", [])],
                           minutes=getattr(event, "minutes", ""), decisions=decisions))
    return out


def follow_ups(year: YearFold, fold: PlanFold, read: Reader, *, today: dt.date, section: str = "") -> list[FollowUp]:
    """The accountability and rectification items of every valid meeting, by due date."""
    unit = fold.unit
    completions = {c.decision: c for c in sorted(unit.valid("FollowUpCompleted"), key=lambda c: c.version)}
    notes = read([c.position for c in completions.values()])
    names = people_names(year, fold)
    items = []
    for m in meetings(year, fold, read):
        for d in m.decisions:
            if d.decision not in FOLLOWED or (section and d.section != section):
                continue
            version = _version(fold, d.position)
            done = completions.get(version)
            event = notes[done.position][1] if done is not None else None
            if done is not None:
                status = "done_late" if d.due is not None and done.effective > d.due else "done"
                days = 0
            else:
                days = (d.due - today).days if d.due is not None else 0
                status = "late" if days < 0 else "open"
            items.append(FollowUp(
                position=d.position, meeting_position=m.position, meeting_label=m.meeting_label,
                meeting_date=m.date, decision=d.decision, decision_label=d.decision_label, matter=d.matter,
                indicator=d.indicator, section=d.section, section_name=d.section_name, person=d.person,
                person_name=d.person_name, due=d.due, status=status, status_label=FOLLOW_UP_LABELS[status],
                completed=done.effective if done is not None else None,
                completion_position=done.position if done is not None else 0,
                completed_by=event.actor if event is not None else "",
                completed_by_name=names.get(event.actor, event.actor) if event is not None else "",
                recorded=event.timestamp if event is not None else None,
                note=getattr(event, "note", ""), days=days))
    return sorted(items, key=lambda i: (i.due or dt.date.max, i.position))


def _version(fold: PlanFold, position: int) -> int:
    return next(d.version for d in fold.unit.all("DecisionRecorded") if d.position == position)


def follow_up_rows(items: list[FollowUp]) -> list[list[object]]:
    rows = []
    for i in items:
        note = (f"{i.completed} 办结" + (f"：{i.note}" if i.note else "")) if i.completed else (
            f"剩余 {i.days} 天" if i.days >= 0 else f"逾期 {-i.days} 天")
        rows.append([i.position, f"{i.meeting_label} {i.meeting_date}", i.decision_label, i.matter,
                     i.indicator or "—", i.section_name or "—", i.person_name or "—", i.due or "—",
                     i.status_label, note])
    return rows


FOLLOW_UP_COLUMNS = ["#", "会议", "类型", "事项", "指标", "责任股室", "责任人", "完成期限", "状态", "说明"]


def as_deadline_item(item: FollowUp) -> dict[str, object]:
    """An item in the shape of a deadline of `report deadlines --format json` (every key of
    a deadline, and the item itself under `follow_up`): one list for scripts to read."""
    filings = []
    if item.completed is not None and item.recorded is not None:
        filings.append(msgspec.to_builtins(Filing(
            position=item.completion_position, section=item.section, section_name=item.section_name or "全单位",
            actor=item.completed_by, actor_name=item.completed_by_name, recorded=item.recorded,
            date=item.completed, digest="", late=item.status == "done_late")))
    return {"deadline": "follow_up", "deadline_name": f"{item.meeting_label}决定事项", "due": item.due,
            "item": f"follow_up:{item.position}", "report": "follow_up", "period": "",
            "label": f"{item.decision_label}：{item.matter}", "filings": filings, "missing": [],
            "complete": item.completed is not None, "status": AS_DEADLINE[item.status],
            "status_label": item.status_label, "days": item.days, "follow_up": msgspec.to_builtins(item)}
