"""The quarterly report (季度报表, attachment 3 of the plan) of a section for a quarter.

One row per scored indicator of the section: where it sits in the plan, who is
responsible, what was done this quarter, the cumulative percent, problems and next
steps, how much evidence backs it and the tier the section claims. The header names the
unit, the quarter, the filer and the date.

The report is data (`QuarterlyReport`): what is filed is its JSON, so a filed report can
be decoded and shown exactly as it was, and compared cell by cell with the report now.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from domain.validate import business_date
from projections.describe import period_label
from projections.fold import PlanFold, YearFold
from projections.standings import assignment, cumulative_progress, effective_deductions
from projections.work_ledger import Reader, people_names, section_names


class QuarterlyHeader(msgspec.Struct, kw_only=True):
    unit: str
    year: int
    period: str  # 2021Q3
    quarter: str  # 2021年第三季度
    section: str  # "" for the whole unit
    section_name: str
    filer: str
    filer_name: str
    date: dt.date


class QuarterlyRow(msgspec.Struct, kw_only=True):
    indicator: str
    category: str
    first_level: str
    second_level: str
    points: Decimal
    target: str
    section: str
    leader: str
    handler: str
    deadline: dt.date | None
    progress: str  # what was done this quarter
    percent: int  # cumulative percent complete
    problems: str
    next_steps: str
    evidence: int
    self_tier: str
    remarks: str


class QuarterlyReport(msgspec.Struct, kw_only=True):
    header: QuarterlyHeader
    rows: list[QuarterlyRow]


COLUMNS: list[tuple[str, str]] = [
    ("indicator", "编号"), ("category", "类别"), ("first_level", "一级指标"),
    ("second_level", "二级指标"), ("points", "分值"), ("target", "年度目标"),
    ("section", "责任股室"), ("leader", "分管领导"), ("handler", "承办人"),
    ("deadline", "完成时限"), ("progress", "本季度工作进展"), ("percent", "累计完成%"),
    ("problems", "存在问题"), ("next_steps", "下步措施"), ("evidence", "佐证材料数"),
    ("self_tier", "自评档次"), ("remarks", "备注"),
]


def quarter_end(period: str) -> dt.date:
    year, q = int(period[:4]), int(period[5])
    return dt.date(year, 12, 31) if q == 4 else dt.date(year, 3 * q + 1, 1) - dt.timedelta(days=1)


def quarter_start(period: str) -> dt.date:
    year, q = int(period[:4]), int(period[5])
    return dt.date(year, 3 * q - 2, 1)


def latest_filing(fold: PlanFold, report: str, period: str = "", section: str = "") -> Any:
    """The latest valid filing of a report (None if never filed)."""
    filed = [e for e in fold.unit.valid("ReportFiled")
             if e.report == report and e.period == period and e.section == section]
    return max(filed, key=lambda e: e.version) if filed else None


def section_head(year: YearFold, section: str) -> str:
    heads = [u.id for u in year.users.values() if u.section == section and "section_head" in u.roles]
    return heads[0] if heads else ""


def quarterly(year: YearFold, fold: PlanFold, period: str, read: Reader, *, section: str = "",
              today: dt.date, filer: str | None = None, date: dt.date | None = None) -> QuarterlyReport:
    """The quarterly report of `section` ("" for the whole unit) for `period`.

    The filer and date are those of the latest filing when there is one, else the
    section head and today (or those given, when the report is about to be filed).
    """
    plan = fold.plan
    assert plan is not None
    names = people_names(year, fold)
    sections = section_names(fold)
    categories = {c.id: c.name for c in plan.categories}
    end, start = quarter_end(period), quarter_start(period)
    chosen = []
    for ind, parent in plan.leaves():
        if fold.is_withdrawn(ind.id):
            continue
        duty = assignment(ind, fold.record(ind.id))
        if section and duty["section"] != section:
            continue
        chosen.append((ind, parent, duty))
    this_quarter: dict[str, Any] = {}
    for ind, _, _ in chosen:
        entries = [e for e in fold.record(ind.id).valid("ProgressReported") if e.period == period]
        if entries:
            this_quarter[ind.id] = max(entries, key=lambda e: (e.effective, e.version))
    texts = read([e.position for e in this_quarter.values()])
    rows = []
    for ind, parent, duty in chosen:
        record = fold.record(ind.id)
        latest = this_quarter.get(ind.id)
        event = texts[latest.position][1] if latest is not None else None
        percent = cumulative_progress(record, up_to=period)
        evidence = sum(1 for e in record.valid("EvidenceAttached") if e.effective <= end)
        claimed = record.latest("SelfAssessed")
        remarks = []
        if latest is None:
            remarks.append("本季度未报送进度")
        if percent >= 100:
            remarks.append("已完成")
        elif duty["deadline"] is not None and duty["deadline"] <= end:
            remarks.append("逾期未完成")
        found = [f for f in record.valid("FindingRecorded") if start <= f.effective <= end]
        if found:
            remarks.append(f"察访核验发现问题 {len(found)} 项")
        deducted = effective_deductions(record)
        if deducted:
            remarks.append(f"累计扣分 {deducted:.2f}")
        rows.append(QuarterlyRow(
            indicator=ind.id, category=categories.get((parent or ind).category, ""),
            first_level=(parent or ind).name, second_level=ind.name if parent else "",
            points=ind.points, target=ind.target,
            section=sections.get(duty["section"], duty["section"]),
            leader=names.get(duty["leader"], duty["leader"]),
            handler=names.get(duty["handler"], duty["handler"]), deadline=duty["deadline"],
            progress=event.done if event is not None else "",
            percent=percent,
            problems=event.problems if event is not None else "",
            next_steps=event.next_steps if event is not None else "",
            evidence=evidence, self_tier=claimed.tier if claimed else "",
            remarks="；".join(remarks)))
    filing = latest_filing(fold, "quarterly", period, section)
    if filer is None:
        filer = filing.actor if filing is not None else section_head(year, section) if section else ""
    if date is None:
        date = business_date(filing.recorded) if filing is not None else today
    header = QuarterlyHeader(unit=plan.unit, year=plan.year, period=period,
                             quarter=period_label(period), section=section,
                             section_name=sections.get(section, "全单位汇总" if not section else section),
                             filer=filer, filer_name=names.get(filer, filer), date=date)
    return QuarterlyReport(header=header, rows=rows)


def report_rows(report: QuarterlyReport) -> list[list[Any]]:
    return [[getattr(r, key) if getattr(r, key) is not None else "" for key, _ in COLUMNS]
            for r in report.rows]


def title(report: QuarterlyReport) -> str:
    h = report.header
    return (f"{h.year}年度绩效评估目标落实情况季度报表 · {h.quarter} · "
            f"填报单位：{h.unit}（{h.section_name}） · 填报人：{h.filer_name or '—'} · "
            f"填报日期：{h.date}")


def decode(content: str) -> QuarterlyReport:
    """A filed quarterly report, back from the JSON that was filed."""
    return msgspec.json.decode(content, type=QuarterlyReport)


def encode(report: QuarterlyReport) -> str:
    """The JSON filed for a report (exact decimals as strings, dates as ISO text)."""
    return msgspec.json.encode(report).decode()


class Change(msgspec.Struct, kw_only=True):
    indicator: str  # "" for the header
    column: str
    label: str
    filed: Any
    now: Any


def diff(filed: QuarterlyReport, now: QuarterlyReport) -> list[Change]:
    """Every cell that differs between the filed report and the report now."""
    changes: list[Change] = []
    for key in ("unit", "period", "section", "filer", "date"):
        a, b = getattr(filed.header, key), getattr(now.header, key)
        if a != b:
            changes.append(Change(indicator="", column=key, label=key, filed=a, now=b))
    before = {r.indicator: r for r in filed.rows}
    after = {r.indicator: r for r in now.rows}
    for ind in [*before, *[i for i in after if i not in before]]:
        a_row, b_row = before.get(ind), after.get(ind)
        if a_row is None or b_row is None:
            changes.append(Change(indicator=ind, column="row", label="行",
                                  filed="" if a_row is None else "（有）",
                                  now="" if b_row is None else "（有）"))
            continue
        for key, label in COLUMNS:
            a, b = getattr(a_row, key), getattr(b_row, key)
            if a != b:
                changes.append(Change(indicator=ind, column=key, label=label, filed=a, now=b))
    return changes
