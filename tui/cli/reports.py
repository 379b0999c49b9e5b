"""The report builders: standings, work ledger, quarterly report, the September forms,
deadlines, self-inspection and the audit trail; and filing a report."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re
import sys
from typing import Any

import msgspec

from domain.errors import fail
from projections import quarterly as q
from projections.deadlines import DEADLINE_COLUMNS, deadline_rows, deadlines
from projections.describe import report_label
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
from projections.standings import standings, veto_notes
from projections.work_ledger import work_ledger, work_ledgers
from tui.cli.report_registry import DOCUMENTS, moment_of, plan_or_fail, reader, report

PERIOD = re.compile(r"^(?:(\d{4}))?Q([1-4])$")


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if value else ""


# -- standings -------------------------------------------------------------------------
STATUS = {"on_track": "正常", "late": "滞后", "done": "完成"}


@report("standings")
def standings_report(fold: YearFold, args: argparse.Namespace, today: dt.date) -> Any:
    plan_fold = plan_or_fail(fold, args)
    s = standings(plan_fold, today=today, as_of=fold.clocks.as_of, known_at=fold.clocks.known_at,
                  position=fold.position)
    title = f"{s.unit} {s.year} 年度绩效得分 · {moment_of(fold)} · 总分 {s.total} · 等次 {s.grade}"
    if s.veto:
        title += " · 一票否决"
    summary = [["职能工作目标", "", s.functional], ["行政能力目标", "", s.capacity],
               ["正向激励加分", f"上限 {s.bonus.cap}", s.bonus.applied],
               ["单位扣分", f"上限 {s.unit_deductions.cap}", -s.unit_deductions.applied],
               ["总分", s.grade, s.total], ["预计总分（按自评）", "", s.projected_total]]
    summary += veto_rows(s, args)
    cats = [[c.name, c.points, c.score, c.projected] for c in s.categories]
    section = getattr(args, "section", "")
    secs = [[x.name, x.points, x.score, x.rate, x.grade + ("（一票否决）" if x.veto else "")]
            for x in s.sections if not section or x.id == section]
    inds = [[i.id, i.name, i.points, i.score, i.projected, i.tier, i.self_tier, i.deductions,
             i.section, i.progress, STATUS.get(i.status, i.status)]
            for i in s.indicators if not section or i.section == section]
    sheets = [
        ("总分", ["项目", "说明", "得分"], summary),
        ("类别", ["类别", "分值", "得分", "预计"], cats),
        ("股室", ["股室", "分值", "得分", "得分率", "等次"], secs),
        ("指标", ["编号", "指标", "分值", "得分", "预计", "定档", "自评", "扣分", "股室", "进度%",
                "状态"], inds),
    ]
    return title, sheets, s


def veto_rows(s: Any, args: argparse.Namespace) -> list[list[Any]]:
    """Why the grade is the lowest: each valid veto's target, reason and basis."""
    if not s.vetoes or getattr(args, "ledger", None) is None:
        return []
    names = {x.id: x.name for x in s.sections}
    return [["一票否决", names.get(v.section, v.section) or "单位", note] for v, note in veto_notes(s, reader(args))]


# -- work ledger -----------------------------------------------------------------------
LEDGER_COLUMNS = ["#", "记录时间(UTC)", "业务日期", "操作人", "角色", "事项", "内容", "理由", "作废"]


def _ledger_line(line: Any) -> list[Any]:
    void = ""
    if line.voided:
        void = f"已由 {line.voided_by_actor} 于 {_when(line.voided_at)} 作废（#{line.voided_by}：{line.void_reason}）"
    return [line.position, _when(line.recorded), line.effective, line.actor_name, line.role,
            line.kind_label, line.summary, line.reason, void]


@report("ledger")
def ledger_report(fold: YearFold, args: argparse.Namespace, today: dt.date) -> Any:
    plan_fold = plan_or_fail(fold, args)
    indicator = getattr(args, "indicator", "")
    if indicator:
        wl = work_ledger(fold, plan_fold, indicator, reader(args))
        if wl is None:
            raise fail("report.unknown_indicator", indicator=indicator)
        d = wl.duty
        duty = [["指标", f"{wl.indicator} {wl.name}"], ["上级指标", f"{wl.parent} {wl.parent_name}".strip()],
                ["分值", wl.points], ["年度目标", wl.target], ["责任股室", d.section_name],
                ["分管领导", d.leader_name], ["承办人", d.handler_name], ["联络员", d.liaison_name],
                ["完成时限", d.deadline or ""], ["进度安排", "；".join(d.milestones)],
                ["责任分解", "已分解" if d.assigned else "按方案（尚未分解）"]]
        title = f"工作台账 · {wl.indicator} {wl.name} · {moment_of(fold)}"
        sheets = [("责任分解", ["项目", "内容"], duty),
                  ("台账", LEDGER_COLUMNS, [_ledger_line(line) for line in wl.lines])]
        return title, sheets, wl
    ledgers = work_ledgers(fold, plan_fold, reader(args), section=getattr(args, "section", ""))
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
def quarterly_report(fold: YearFold, args: argparse.Namespace, today: dt.date) -> Any:
    plan_fold = plan_or_fail(fold, args)
    section = getattr(args, "section", "")
    read = reader(args)
    as_filed = getattr(args, "as_filed", None)
    diff_filed = getattr(args, "diff_filed", None)
    if as_filed:
        period = period_of(as_filed, plan_fold)
        filed, entry = _filed(fold, plan_fold, read, period, section)
        intact = hashlib.sha256(filed.encode()).hexdigest() == entry.digest
        report_ = q.decode(filed)
        title = (f"{q.title(report_)} · 报送原件 #{entry.position} · 摘要 {entry.digest[:16]}… "
                 f"{'核验一致' if intact else '与摘要不符！'}")
        # JSON: the filed content itself (exact decimals stay as filed), not a re-encoding
        return title, _quarterly_sheets(report_), msgspec.Raw(filed.encode())
    period_text = diff_filed if diff_filed is not None else getattr(args, "period", "")
    period = period_of(period_text, plan_fold) if period_text else default_period(fold, plan_fold, today)
    now = q.quarterly(fold, plan_fold, period, read, section=section, today=fold.clocks.as_of or today)
    if diff_filed is not None:
        filed, entry = _filed(fold, plan_fold, read, period, section)
        changes = q.diff(q.decode(filed), now)
        title = (f"{now.header.quarter}季度报表（{now.header.section_name}）· 报送后的变化 · "
                 f"报送 #{entry.position} {_when(entry.recorded)} → {moment_of(fold)} · {len(changes)} 处")
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
def decomposition_report(fold: YearFold, args: argparse.Namespace, today: dt.date) -> Any:
    plan_fold = plan_or_fail(fold, args)
    rows = decomposition(fold, plan_fold, section=getattr(args, "section", ""))
    title = f"{plan_fold.plan.unit}涉及{plan_fold.plan.year}年度重点工作任务分解情况表 · {moment_of(fold)}"
    return title, [("任务分解", DECOMPOSITION_COLUMNS, decomposition_rows(rows))], rows


@report("contacts")
def contacts_report(fold: YearFold, args: argparse.Namespace, today: dt.date) -> Any:
    plan_fold = plan_or_fail(fold, args)
    rows = contacts(fold, plan_fold, section=getattr(args, "section", ""))
    title = f"{plan_fold.plan.year}年度绩效评估目标考评负责人和联络员登记表 · {plan_fold.plan.unit} · {moment_of(fold)}"
    return title, [("负责人和联络员", CONTACT_COLUMNS, contact_rows(rows))], rows


# -- deadlines -----------------------------------------------------------------------------
@report("deadlines")
def deadlines_report(fold: YearFold, args: argparse.Namespace, today: dt.date) -> Any:
    plan_fold = plan_or_fail(fold, args)
    day = fold.clocks.as_of or today
    items = deadlines(fold, plan_fold, today=day, section=getattr(args, "section", ""))
    late = sum(1 for i in items if i.status in ("overdue", "filed_late"))
    title = f"报送节点 · {plan_fold.plan.unit} {plan_fold.plan.year} · {day} · 逾期 {late} 项"
    return title, [("报送节点", DEADLINE_COLUMNS, deadline_rows(items))], items


# -- self-inspection -------------------------------------------------------------------------
@report("self-inspection")
def self_inspection_report(fold: YearFold, args: argparse.Namespace, today: dt.date) -> Any:
    plan_fold = plan_or_fail(fold, args)
    r = self_inspection(fold, plan_fold, reader(args), today=today)
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


# -- audit trail ---------------------------------------------------------------------------------
AUDIT_COLUMNS = ["#", "记录时间(UTC)", "业务日期", "操作人", "角色", "事项", "对象", "股室", "内容", "理由",
                 "分值变动", "作废"]


@report("audit")
def audit_builder(fold: YearFold, args: argparse.Namespace, today: dt.date) -> Any:
    return audit_report(args, fold.clocks.as_of, fold.clocks.known_at)


def audit_report(args: argparse.Namespace, as_of: dt.date | None, known: dt.datetime | None) -> Any:
    from domain.validate import parse_date
    from projections.audit import AuditFilter, AuditTrail

    ledger = args.ledger
    filters = AuditFilter(
        actor=getattr(args, "actor_filter", ""),
        kinds=list(getattr(args, "kind", []) or []), section=getattr(args, "section", ""),
        indicator=getattr(args, "indicator", ""), unit=getattr(args, "unit", ""),
        year=getattr(args, "year", 0) or None, since=parse_date("since", getattr(args, "since", None)),
        until=parse_date("until", getattr(args, "until", None)), text=getattr(args, "text", ""),
        score_only=getattr(args, "score_only", False), as_of=as_of, known_at=known)
    with AuditTrail(ledger.db) as trail:
        _refresh(trail, ledger)
        rows = trail.page(filters, before_position=getattr(args, "before", None),
                          limit=getattr(args, "limit", 100) or 100)
        matching = trail.count(filters)
    table = [[r.position, _when(r.recorded), r.effective, r.actor, r.role, r.kind_label, r.target, r.section,
              r.summary, r.reason, "" if r.effect is None else f"{r.effect:+.2f}",
              f"#{r.voided_by} {r.voided_by_actor}：{r.void_reason}" if r.voided_by else ""] for r in rows]
    shown = f"{rows[-1].position}–{rows[0].position}" if rows else "—"
    title = f"审计记录 · 符合条件 {matching} 条 · 本页 {len(rows)} 条（#{shown}）"
    if rows and len(rows) < matching and rows[-1].position > 1:
        print(f"下一页：--before {rows[-1].position}", file=sys.stderr)
    return title, [("审计记录", AUDIT_COLUMNS, table)], rows


def _refresh(trail: Any, ledger: Any) -> None:
    """Bring the audit table up to date; a bar on standard error when that takes a while."""
    from projections.stream import max_position

    behind = max_position(ledger.app) - trail.position
    if behind < 50_000 or not sys.stderr.isatty():
        trail.refresh(ledger.app)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("更新审计记录"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("audit", total=behind)
        trail.refresh(ledger.app, progress=lambda n: bar.update(task, completed=n))


# -- filing ------------------------------------------------------------------------------------
FILED_AS = {"quarterly": "quarterly", "decomposition": "decomposition", "contacts": "contacts",
            "self-inspection": "self_inspection"}


def file_report(fold: YearFold, args: argparse.Namespace, today: dt.date) -> int:
    """File the report as it is now: its JSON and digest go into a ReportFiled event."""
    from projections.filing import report_content
    from tui.cli.common import actor_of

    name = FILED_AS.get(args.name)
    if name is None:
        raise fail("report.not_fileable", report=args.name)
    plan_fold = plan_or_fail(fold, args)
    ledger = args.ledger
    actor = actor_of(args)
    period = ""
    if name == "quarterly":
        period = period_of(args.period, plan_fold) if args.period else default_period(fold, plan_fold, today)
    content = report_content(fold, plan_fold, name, reader(args), section=args.section, period=period,
                             actor=actor, today=today)
    assert content is not None
    event = ledger.file_report(actor, name, content=content, period=period, section=args.section)
    position = ledger.last_positions[-1] if ledger.last_positions else 0
    print(f"#{position} ReportFiled · {report_label(name, period)} {args.section or '全单位'} · "
          f"{event.actor} ({event.role}) · sha256 {event.digest}")
    return 0
