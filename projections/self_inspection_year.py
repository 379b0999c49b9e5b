"""What the self-inspection report (自查报告) says of the plan's approval and publication,
and of the year's meetings and the follow-up of their decisions (跟踪问责)."""

from __future__ import annotations

from collections.abc import Callable

from domain.plan_status import PlanStatus
from projections.follow_ups import FollowUp, Meeting


def basis_line(title: str, status: PlanStatus) -> str:
    """The sentence naming the plan the report rests on, with its approval and notice."""
    parts = [p for p in (status.notice if status.published else "",
                         f"{status.approver or '县人社局'} {status.approval} 批复" if status.approved else "") if p]
    if not parts:
        return f"本报告依据《{title}》（方案尚未批复印发）。"
    return f"本报告依据《{title}》（{'，'.join(parts)}）。"


def meetings_markdown(meetings: list[Meeting], follow_ups: list[FollowUp], cell: Callable[[str], str]) -> list[str]:
    """## 七: each meeting held, then every accountability and rectification item with its state."""
    out = ["## 七、绩效分析会议及跟踪问责情况", ""]
    if not meetings:
        return [*out, "全年未记录绩效分析会议。", ""]
    for m in meetings:
        notices = [d for d in m.decisions if d.decision == "notice"]
        line = f"- {m.date}，{m.meeting_label}" + (f"（{cell(m.title)}）" if m.title else "")
        line += f"，参会 {len(m.attendees)} 人：{cell(m.minutes)}" if m.minutes else f"，参会 {len(m.attendees)} 人"
        line += "".join(f"；通报：{cell(d.matter)}" for d in notices) + "。"
        out.append(line)
    out.append("")
    if not follow_ups:
        return [*out, "会议未作出问责或整改事项。", ""]
    done = sum(1 for f in follow_ups if f.completed is not None)
    late = sum(1 for f in follow_ups if f.status == "late")
    out.append(f"会议确定问责、整改事项 {len(follow_ups)} 项，已办结 {done} 项" +
               (f"，逾期未办结 {late} 项" if late else "") + "。")
    out += ["", "| # | 会议 | 类型 | 事项 | 责任股室 | 责任人 | 完成期限 | 办理情况 |",
            "|---|---|---|---|---|---|---|---|"]
    for f in follow_ups:
        state = f"{f.status_label}（{f.completed}）" if f.completed else f.status_label
        out.append(f"| {f.position} | {f.meeting_label} {f.meeting_date} | {f.decision_label} | {cell(f.matter)} | "
                   f"{cell(f.section_name)} | {cell(f.person_name)} | {f.due or '—'} | {state} |")
    return [*out, ""]
