"""The work ledger (工作台账) of an indicator: its assignment and every event, in order.

Voided events stay in the ledger, marked with who voided them, when and why. The fold
gives the positions; the texts are read back from the log by position.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import msgspec

from domain import events as ev
from domain.plan import Indicator
from projections.describe import kind_label, summary
from projections.fold import PlanFold, YearFold
from projections.standings import assignment

Reader = Callable[[Iterable[int]], dict[int, tuple[Any, ev.Event]]]


class Duty(msgspec.Struct, kw_only=True):
    """The responsibility for an indicator (责任分解)."""

    section: str
    section_name: str
    leader: str
    leader_name: str
    handler: str
    handler_name: str
    liaison: str
    liaison_name: str
    deadline: dt.date | None
    milestones: list[str]
    assigned: bool  # False: the plan's defaults, no assignment recorded yet


class Line(msgspec.Struct, kw_only=True):
    position: int
    version: int
    recorded: dt.datetime
    effective: dt.date
    actor: str
    actor_name: str
    role: str
    kind: str
    kind_label: str
    summary: str
    reason: str
    voided: bool = False
    voided_by: int | None = None  # position of the correction
    voided_by_actor: str = ""
    voided_at: dt.datetime | None = None
    void_reason: str = ""


class WorkLedger(msgspec.Struct, kw_only=True):
    indicator: str
    name: str
    level: int
    parent: str
    parent_name: str
    category: str
    points: Decimal
    target: str
    duty: Duty
    lines: list[Line]


def people_names(year: YearFold, fold: PlanFold) -> dict[str, str]:
    """User id -> name, from the directory and the plan."""
    names = {p.id: p.name for p in fold.plan.people} if fold.plan else {}
    names.update({u.id: u.name for u in year.users.values()})
    return names


def section_names(fold: PlanFold) -> dict[str, str]:
    return {s.id: s.name for s in fold.plan.sections} if fold.plan else {}


def duty_of(year: YearFold, fold: PlanFold, ind: Indicator) -> Duty:
    names = people_names(year, fold)
    d = assignment(ind, fold.record(ind.id))
    return Duty(section=d["section"], section_name=section_names(fold).get(d["section"], d["section"]),
                leader=d["leader"], leader_name=names.get(d["leader"], d["leader"]),
                handler=d["handler"], handler_name=names.get(d["handler"], d["handler"]),
                liaison=d["liaison"], liaison_name=names.get(d["liaison"], d["liaison"]),
                deadline=d["deadline"], milestones=d["milestones"], assigned=d["assigned"])


def work_ledger(year: YearFold, fold: PlanFold, indicator: str, read: Reader,
                lang: str = "zh") -> WorkLedger | None:
    """The work ledger of one indicator, or None if the plan has no such indicator (its
    events summed up in Chinese, or in English with lang="en")."""
    assert fold.plan is not None
    found = next(((i, p) for i, p in fold.plan.walk() if i.id == indicator), None)
    if found is None:
        return None
    ind, parent = found
    record = fold.record(ind.id)
    entries = record.entries()
    events = read([e.position for e in entries])
    names = people_names(year, fold)
    labels = {**names, **section_names(fold)}
    lines = []
    for entry in entries:
        _, event = events[entry.position]
        line = Line(position=entry.position, version=entry.version, recorded=event.timestamp,
                    effective=event.effective, actor=event.actor,
                    actor_name=names.get(event.actor, event.actor), role=event.role,
                    kind=event.kind, kind_label=kind_label(event.kind), summary=summary(event, labels, lang),
                    reason=event.reason)
        correction = record.voided.get(entry.version)
        if correction is not None:
            _, fix = events[correction.position]
            line.voided = True
            line.voided_by = correction.position
            line.voided_by_actor = fix.actor
            line.voided_at = fix.timestamp
            line.void_reason = fix.reason
        lines.append(line)
    return WorkLedger(indicator=ind.id, name=ind.name, level=1 if parent is None else 2,
                      parent=parent.id if parent else "", parent_name=parent.name if parent else "",
                      category=(parent or ind).category, points=ind.points, target=ind.target,
                      duty=duty_of(year, fold, ind), lines=lines)


def work_ledgers(year: YearFold, fold: PlanFold, read: Reader, *, section: str = "") -> list[WorkLedger]:
    """The work ledgers of every indicator (of one section, if given), in plan order."""
    assert fold.plan is not None
    chosen = [ind for ind, _ in fold.plan.walk()
              if not section or assignment(ind, fold.record(ind.id))["section"] == section]
    events = read([e.position for ind in chosen for e in fold.record(ind.id).entries()])
    out = []
    for ind in chosen:
        wl = work_ledger(year, fold, ind.id, lambda _positions: events)
        if wl is not None:
            out.append(wl)
    return out
