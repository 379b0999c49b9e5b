"""The reports beyond the standings: work ledger, quarterly report, the September forms,
deadlines and self-inspection."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

import msgspec

from domain.errors import fail
from projections import quarterly as q
from projections.deadlines import DEADLINE_COLUMNS, deadline_rows, deadlines
from projections.describe import report_label
from projections.evidence import evidence_of
from projections.fold import PlanFold, YearFold
from projections.forms import (
    CONTACT_COLUMNS,
    DECOMPOSITION_COLUMNS,
    contact_rows,
    contacts,
    decomposition,
    decomposition_rows,
)
from projections.self_inspection import markdown, self_inspection
from projections.work_ledger import work_ledger, work_ledgers
from tui.i18n import role_label
from tui.reports.base import (
    DOCUMENTS,
    Built,
    ReportQuery,
    Source,
    moment_of,
    open_fold,
    plan_or_fail,
    report,
    when,
)
from tui.reports.meetings import with_follow_ups

PERIOD = re.compile(r"^(?:(\d{4}))?Q([1-4])$")


# -- work ledger -----------------------------------------------------------------------
LEDGER_COLUMNS = ["#", "记录时间", "业务日期", "操作人", "角色", "事项", "内容", "理由", "作废"]


def _ledger_line(line: Any) -> list[Any]:
    void = ""
    if line.voided:
        void = f"已由 {line.voided_by_actor} 于 {when(line.voided_at)} 作废（#{line.voided_by}：{line.void_reason}）"
    return [line.position, when(line.recorded), line.effective, line.actor_name, role_label(line.role),
            line.kind_label, line.summary, line.reason, void]


@report("ledger")
def ledger_report(fold: YearFold, source: Source, query: ReportQuery) -> Built:
    plan_fold = plan_or_fail(fold, query)
    indicator = query.indicator
    if indicator:
        wl = work_ledger(fold, plan_fold, indicator, source.read)
        if wl is None:
            raise fail("report.unknown_indicator", indicator=indicator)
        d = wl.duty
        duty = [["指标", f"{wl.indicator} {wl.name}"], ["上级指标", f"{wl.parent} {wl.parent_name}".strip()],
                ["分值", wl.points], ["年度目标", wl.target], ["责任股室", d.section_name],
                ["分管领导", d.leader_name], ["承办人", d.handler_name], ["联络员", d.liaison_name],
                ["完成时限", d.deadline or ""], ["进度安排", "；".join(d.milestones)],
                ["责任分解", "已分解" if d.assigned else "按方案（尚未分解）"]]
        title = f"工作台账 · {wl.indicator} {wl.name} · {moment_of(fold)}"
        first = plan_fold.plan.indicator(wl.indicator)
        owners = [wl.indicator, *(c.id for c in (first.children if first else []))]
        files = [[e.indicator, e.file_name, e.size, e.actor, e.recorded.strftime("%Y-%m-%d %H:%M"),
                  "已保存" if e.kept else "文件未保存", e.sha256]
                 for e in evidence_of(plan_fold, owners, source.read, source.ledger.store.evidence.kept)]
        sheets = [("责任分解", ["项目", "内容"], duty),
                  ("台账", LEDGER_COLUMNS, [_ledger_line(line) for line in wl.lines]),
                  ("佐证材料", ["指标", "文件名", "字节", "上传人", "记录时间 (UTC)", "文件", "SHA-256"], files)]
        return title, sheets, wl
    ledgers = work_ledgers(fold, plan_fold, source.read, section=query.section)
    rows = [[wl.indicator, *_ledger_line(line)] for wl in ledgers for line in wl.lines]
    duty = [[wl.indicator, wl.name, wl.duty.section_name, wl.duty.leader_name, wl.duty.handler_name,
             wl.duty.deadline or "", len(wl.lines)] for wl in ledgers]
    title = f"工作台账 · {plan_fold.plan.unit} {plan_fold.plan.year} · {moment_of(fold)}"
    sheets = [("台账", ["指标", *LEDGER_COLUMNS], rows),
              ("责任分解", ["指标", "名称", "责任股室", "分管领导", "承办人", "完成时限", "记录数"], duty)]
    return title, sheets, ledgers


# -- quarterly report -------------------------------------------------------------------
def period_of(value: str, plan_fold: PlanFold) -> str:
    match = PERIOD.match(value.strip().upper())
    if not match:
        raise fail("report.period", actual=value)
    return f"{match.group(1) or plan_fold.plan.year}Q{match.group(2)}"


def default_period(fold: YearFold, plan_fold: PlanFold, today: dt.date) -> str:
    """The quarter of --as-of; else the latest quarter anything was reported for."""
    year = plan_fold.plan.year
    day = fold.clocks.as_of
    if day is not None:
        quarter = 1 if day.year < year else 4 if day.year > year else (day.month - 1) // 3 + 1
        return f"{year}Q{quarter}"
    periods = [e.period for r in plan_fold.indicators.values() for e in r.valid("ProgressReported")]
    return max(periods) if periods else f"{year}Q{(today.month - 1) // 3 + 1 if today.year == year else 1}"


def _quarterly_sheets(report_: q.QuarterlyReport) -> list[Any]:
    return [("季度报表", [label for _, label in q.COLUMNS], q.report_rows(report_))]


@report("quarterly")
def quarterly_report(fold: YearFold, source: Source, query: ReportQuery) -> Built:
    plan_fold = plan_or_fail(fold, query)
    section = query.section
    read = source.read
    as_filed = query.as_filed
    diff_filed = query.diff_filed
    if as_filed is not None:
        period = (period_of(as_filed or query.period, plan_fold) if as_filed or query.period
                  else default_period(fold, plan_fold, source.today))
        filed, entry = _filed(fold, plan_fold, read, period, section)
        intact = hashlib.sha256(filed.encode()).hexdigest() == entry.digest
        report_ = q.decode(filed)
        title = (f"{q.title(report_)} · 报送原件 #{entry.position} · 摘要 {entry.digest[:16]}… "
                 f"{'核验一致' if intact else '与摘要不符！'}")
        # JSON: the filed content itself (exact decimals stay as filed), not a re-encoding
        return title, _quarterly_sheets(report_), msgspec.Raw(filed.encode())
    period_text = diff_filed if diff_filed is not None else query.period
    period = period_of(period_text, plan_fold) if period_text else default_period(fold, plan_fold, source.today)
    end = q.quarter_end(period)
    if query.as_of is None and end < source.today:
        # a past quarter reads as of its last day: later quarters' tiers and deductions stay out
        fold = open_fold(source.ledger, end, query.known_at)
        plan_fold = plan_or_fail(fold, query)
    now = q.quarterly(fold, plan_fold, period, read, section=section, today=fold.clocks.as_of or source.today)
    if diff_filed is not None:
        filed, entry = _filed(fold, plan_fold, read, period, section)
        changes = q.diff(q.decode(filed), now)
        title = (f"{now.header.quarter}季度报表（{now.header.section_name}）· 报送后的变化 · "
                 f"报送 #{entry.position} {when(entry.recorded)} → {moment_of(fold)} · {len(changes)} 处")
        rows = [[c.indicator or "表头", c.label, _plain(c.filed), _plain(c.now)] for c in changes]
        return title, [("变化", ["编号", "栏目", "报送时", "现在"], rows)], changes
    return q.title(now), _quarterly_sheets(now), now


def _plain(value: Any) -> Any:
    return "" if value is None else value


def _filed(fold: YearFold, plan_fold: PlanFold, read: Any, period: str, section: str) -> tuple[str, Any]:
    entry = q.latest_filing(plan_fold, "quarterly", period, section)
    if entry is None:
        raise fail("report.not_filed", report=report_label("quarterly"), period=period, section=section or "全单位")
    _, event = read([entry.position])[entry.position]
    return event.content, entry


# -- the September forms ------------------------------------------------------------------
@report("decomposition")
def decomposition_report(fold: YearFold, source: Source, query: ReportQuery) -> Built:
    plan_fold = plan_or_fail(fold, query)
    rows = decomposition(fold, plan_fold, section=query.section)
    title = f"{plan_fold.plan.unit}涉及{plan_fold.plan.year}年度重点工作任务分解情况表 · {moment_of(fold)}"
    return title, [("任务分解", DECOMPOSITION_COLUMNS, decomposition_rows(rows))], rows


@report("contacts")
def contacts_report(fold: YearFold, source: Source, query: ReportQuery) -> Built:
    plan_fold = plan_or_fail(fold, query)
    rows = contacts(fold, plan_fold, section=query.section)
    title = f"{plan_fold.plan.year}年度绩效评估目标考评负责人和联络员登记表 · {plan_fold.plan.unit} · {moment_of(fold)}"
    return title, [("负责人和联络员", CONTACT_COLUMNS, contact_rows(rows))], rows


# -- deadlines -----------------------------------------------------------------------------
@report("deadlines")
def deadlines_report(fold: YearFold, source: Source, query: ReportQuery) -> Built:
    plan_fold = plan_or_fail(fold, query)
    day = fold.clocks.as_of or source.today
    items = deadlines(fold, plan_fold, today=day, section=query.section)
    late = sum(1 for i in items if i.status in ("overdue", "filed_late"))
    title = f"报送节点 · {plan_fold.plan.unit} {plan_fold.plan.year} · {day} · 逾期 {late} 项"
    return with_follow_ups(fold, plan_fold, source, query, day,
                           (title, [("报送节点", DEADLINE_COLUMNS, deadline_rows(items))], items))


# -- self-inspection -------------------------------------------------------------------------
@report("self-inspection")
def self_inspection_report(fold: YearFold, source: Source, query: ReportQuery) -> Built:
    plan_fold = plan_or_fail(fold, query)
    r = self_inspection(fold, plan_fold, source.read, today=source.today)
    tiers = [[part.name, ln.indicator, ln.name, ln.section, ln.points, ln.self_tier, ln.tier, ln.deductions,
              ln.score] for part in r.categories for ln in part.lines]
    findings = [[f.position, f.date, f.method, f.source, f.indicator or "单位", f.count, f.per_item, f.deduction,
                 f.description, "已作废" if f.voided else f.outcome_label, f.outcome_note] for f in r.findings]
    adjustments = [[a.position, a.date, a.kind_label, a.amount, a.indicator or a.section or "单位", a.basis,
                    a.reason, a.actor_name, f"已作废：{a.void_reason}" if a.voided else ""] for a in r.adjustments]
    sheets = [("定档", ["类别", "编号", "指标", "责任股室", "分值", "自评档次", "定档", "扣分", "得分"], tiers),
              ("察访核验", ["#", "日期", "方式", "来源", "指标", "项数", "每项", "扣分", "问题", "整改/申诉", "说明"],
               findings),
              ("加减分", ["#", "日期", "类型", "分值", "对象", "依据", "理由", "经办", "作废"], adjustments)]
    return f"{r.title} · {moment_of(fold)}", sheets, r


DOCUMENTS["self-inspection"] = markdown
