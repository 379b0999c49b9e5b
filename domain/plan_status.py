"""Where the plan stands on its way to being in force: submitted after the 局务会审议,
approved by 县人社局 (审核批复), published by its notice (印发, 主动公开).

`advance` is the one pure fold of those events, shared by the plan aggregate (the rules
of order) and the projections (the plan's header in reports and on screen).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

from domain import events as ev

Stage = Literal["draft", "submitted", "approved", "published"]
STAGE_LABELS: dict[str, tuple[str, str]] = {
    "draft": ("未报审", "not submitted"),
    "submitted": ("已报审，待批复", "submitted, awaiting approval"),
    "approved": ("已批复，待印发", "approved, not yet published"),
    "published": ("已印发", "published"),
}


class PlanStatus(msgspec.Struct, kw_only=True, frozen=True):
    """The plan's latest submission, approval and publication (empty until each happens)."""

    stage: Stage = "draft"
    submissions: int = 0
    submitted: dt.date | None = None
    meeting: str = ""
    meeting_date: dt.date | None = None
    approvals: int = 0
    approved: dt.date | None = None
    approval: str = ""
    approver: str = ""
    published: dt.date | None = None
    notice: str = ""
    openness: str = ""
    channels: tuple[str, ...] = ()


def advance(status: PlanStatus, event: ev.Event) -> PlanStatus:
    """The status after one event of the plan (others leave it as it is).

    A new submission reopens approval: the approval and publication before it stay
    recorded in the log (and their counts here), but the plan waits for its approval again.
    """
    match event:
        case ev.PlanSubmitted():
            return PlanStatus(stage="submitted", submissions=status.submissions + 1, submitted=event.effective,
                              meeting=event.meeting, meeting_date=event.meeting_date,
                              approvals=status.approvals)
        case ev.PlanApproved():
            return msgspec.structs.replace(
                status, stage="approved", approvals=status.approvals + 1, approved=event.effective,
                approval=event.approval, approver=event.approver)
        case ev.PlanPublished():
            return msgspec.structs.replace(
                status, stage="published", published=event.effective, notice=event.notice,
                openness=event.openness, channels=tuple(event.channels))
    return status


def status_line(status: PlanStatus) -> str:
    """The status in one line of Chinese, for headers of reports and screens."""
    parts = [STAGE_LABELS[status.stage][0]]
    if status.submitted:
        parts.append(f"{status.meeting}（{status.meeting_date}）审议，{status.submitted} 报审")
    if status.approved:
        parts.append(f"{status.approver or '县人社局'} {status.approved} 批复（{status.approval or '—'}）")
    if status.published:
        parts.append(f"{status.published} 印发，{status.notice}（{status.openness}）")
    return "；".join(parts)
