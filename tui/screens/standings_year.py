"""The overview's lines for the plan's way into force and for the meetings' open items:
where the plan stands (报审、批复、印发), and the accountability and rectification items
not yet done, the late ones first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Group
from rich.text import Text

from domain.plan_status import STAGE_LABELS, PlanStatus
from projections.follow_ups import follow_ups
from tui.widgets import columns, lit


def plan_status_text(status: PlanStatus, lang: str, t: Callable[..., str]) -> Text:
    """One line: the stage, and the notice and approval once there are."""
    text = Text(f"{t('st.plan_status')} ", style="bold")
    stage = STAGE_LABELS[status.stage][0 if lang == "zh" else 1]
    text.append(stage, style="green" if status.stage == "published" else "yellow")
    if status.approved:
        text.append("  ")
        text.append_text(lit(f"{status.approver} {status.approval} {status.approved}"))
    if status.published:
        text.append("  ")
        text.append_text(lit(f"{status.notice} {status.published} {status.openness}"))
    return text


def follow_up_panel(view: Any, t: Callable[..., str], width: int) -> Group:
    """The open items (late first, then by due date), or a line saying there are none."""
    fold, plan_fold = view.fold(), view.plan_fold()
    today = view.moment.as_of or view.today()
    items = follow_ups(fold, plan_fold, view.reader(), today=today,
                       section=view.section if view.section_only else "") if plan_fold is not None else []
    open_items = sorted((i for i in items if i.completed is None), key=lambda i: (i.status != "late", i.due))
    rows: list[list[Text | str]] = []
    for item in open_items[:4]:
        late = item.status == "late"
        when = t("st.overdue", n=-item.days) if late else t("st.days_left", n=item.days)
        rows.append([str(item.due or ""), lit(f"{item.matter}（{item.person_name}）"),
                     Text(when, style="bold red" if late else "yellow")])
    head = Text(t("st.follow_ups", n=len(open_items), late=sum(1 for i in open_items if i.status == "late")),
                style="bold")
    if not rows:
        return Group(head, Text(t("st.no_follow_ups"), style="dim"))
    when_w = max((r[2].cell_len for r in rows if isinstance(r[2], Text)), default=4)
    return Group(head, columns(rows, [10, None, when_w], width))
