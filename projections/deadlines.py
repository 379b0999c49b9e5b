"""Deadlines (报送节点): every deadline of the plan, what was filed for it and when, and
what is due or late on a given day.

A report item is `quarterly:2021Q3`-style (report and period) or a bare report name.
A quarterly report is complete when every section has filed it, or the unit has filed
its summary; any other report when it has been filed once. Lateness is judged by the
business date the filing was recorded, not the effective date it claims.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from domain.validate import business_date
from projections.describe import report_label
from projections.fold import PlanFold, YearFold
from projections.work_ledger import people_names, section_names

STATUS_LABELS = {"filed": "按时报送", "filed_late": "逾期报送", "due": "待报送", "overdue": "逾期未报",
                 "partial": "部分报送"}


class Filing(msgspec.Struct, kw_only=True):
    position: int
    section: str
    section_name: str
    actor: str
    actor_name: str
    recorded: dt.datetime
    date: dt.date  # business date of the recording
    digest: str
    late: bool


class DueItem(msgspec.Struct, kw_only=True):
    deadline: str
    deadline_name: str
    due: dt.date
    item: str  # quarterly:2021Q3
    report: str
    period: str
    label: str
    filings: list[Filing]
    missing: list[str]  # sections yet to file (quarterly reports)
    complete: bool
    status: str  # filed / filed_late / due / overdue / partial
    status_label: str
    days: int  # days left (positive) or late (negative) on `today`; 0 when complete


def deadlines(year: YearFold, fold: PlanFold, *, today: dt.date, section: str = "") -> list[DueItem]:
    plan = fold.plan
    assert plan is not None
    names = people_names(year, fold)
    sections = section_names(fold)
    filed = fold.unit.valid("ReportFiled")
    items = []
    for deadline in sorted(plan.deadlines, key=lambda d: d.due):
        for item in deadline.reports:
            report, _, period = item.partition(":")
            mine = [f for f in filed if f.report == report and f.period == period
                    and (not section or f.section in (section, ""))]
            filings = [Filing(position=f.position, section=f.section,
                              section_name=sections.get(f.section, "全单位") if f.section else "全单位",
                              actor=f.actor, actor_name=names.get(f.actor, f.actor), recorded=f.recorded,
                              date=business_date(f.recorded), digest=f.digest,
                              late=business_date(f.recorded) > deadline.due)
                       for f in sorted(mine, key=lambda f: f.position)]
            missing: list[str] = []
            if report == "quarterly":
                by_unit = any(f.section == "" for f in filings)
                wanted = [section] if section else [s.id for s in plan.sections]
                done = {f.section for f in filings}
                missing = [] if by_unit else [s for s in wanted if s not in done]
                complete = not missing
            else:
                complete = bool(filings)
            if complete:
                # complete on the day the last missing piece came in
                finishing = _finishing(filings, report, wanted if report == "quarterly" else [])
                status = "filed_late" if finishing.date > deadline.due else "filed"
                days = 0
            else:
                days = (deadline.due - today).days
                status = "overdue" if days < 0 else "partial" if filings else "due"
            items.append(DueItem(
                deadline=deadline.id, deadline_name=deadline.name, due=deadline.due, item=item,
                report=report, period=period, label=report_label(report, period), filings=filings,
                missing=[sections.get(s, s) for s in missing], complete=complete, status=status,
                status_label=STATUS_LABELS[status], days=days))
    return items


def _finishing(filings: list[Filing], report: str, wanted: list[str]) -> Filing:
    """The filing that made the item complete."""
    if report != "quarterly":
        return filings[0]
    seen: set[str] = set()
    for f in filings:
        if f.section == "":
            return f
        seen.add(f.section)
        if all(s in seen for s in wanted):
            return f
    return filings[-1]


def deadline_rows(items: list[DueItem]) -> list[list[object]]:
    rows = []
    for i in items:
        filed = "；".join(f"{f.section_name} {f.date} {f.actor_name}{'（逾期）' if f.late else ''}"
                         for f in i.filings)
        note = ("尚缺：" + "、".join(i.missing)) if i.missing and i.filings else ""
        if not i.complete:
            note = "；".join(x for x in (note, f"剩余 {i.days} 天" if i.days >= 0 else f"逾期 {-i.days} 天") if x)
        rows.append([i.deadline_name, i.due, i.label, filed or "—", i.status_label, note])
    return rows


DEADLINE_COLUMNS = ["报送节点", "截止日期", "报送材料", "报送情况", "状态", "说明"]
