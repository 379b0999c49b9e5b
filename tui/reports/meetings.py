"""The year's meetings and their follow-up: `report meetings`, and the follow-up items
that `report deadlines` shows beside the filings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from projections.fold import PlanFold, YearFold
from projections.follow_ups import FOLLOW_UP_COLUMNS, as_deadline_item, follow_up_rows, follow_ups, meetings
from tui.reports.base import Built, ReportQuery, Sheet, Source, moment_of, plan_or_fail, report

MEETING_COLUMNS = ["#", "日期", "会议", "名称", "参会人员", "会议纪要", "决定事项"]
DECISION_COLUMNS = ["#", "会议", "类型", "事项", "指标", "责任股室", "责任人", "完成期限"]


@report("meetings")
def meetings_report(fold: YearFold, source: Source, query: ReportQuery) -> Built:
    plan_fold = plan_or_fail(fold, query)
    held = meetings(fold, plan_fold, source.read)
    rows = [[m.position, m.date, m.meeting_label, m.title or "—", "、".join(m.attendees), m.minutes or "—",
             len(m.decisions)] for m in held]
    decided = [[d.position, f"{m.meeting_label} {m.date}", d.decision_label, d.matter, d.indicator or "—",
                d.section_name or "—", d.person_name or "—", d.due or "—"] for m in held for d in m.decisions]
    title = f"会议记录 · {plan_fold.plan.unit} {plan_fold.plan.year} · {moment_of(fold)}"
    return title, [("会议", MEETING_COLUMNS, rows), ("决定事项", DECISION_COLUMNS, decided)], held


def with_follow_ups(fold: YearFold, plan_fold: PlanFold, source: Source, query: ReportQuery, day: dt.date,
                    built: Built) -> Built:
    """The deadlines report with the meetings' open and late items: a sheet of them, a count
    in the title, and in the data (JSON) one item each, shaped like a deadline."""
    title, sheets, items = built
    found = follow_ups(fold, plan_fold, source.read, today=day, section=query.section)
    if not found:
        return built
    open_ = sum(1 for f in found if f.completed is None)
    late = sum(1 for f in found if f.status == "late")
    sheet: Sheet = ("会议决定事项", FOLLOW_UP_COLUMNS, follow_up_rows(found))
    data: list[Any] = [*items, *(as_deadline_item(f) for f in found)]
    return f"{title} · 决定事项未办结 {open_} 项（逾期 {late} 项）", [*sheets, sheet], data
