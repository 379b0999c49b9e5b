"""The work summaries (工作总结): the half-year one due 9-30 and the annual one due 1-5.

A summary is a document the office writes. jixiao drafts it from the ledger — what was
done in each category and indicator with its progress, the findings and how they were
rectified, the bonuses and deductions — and the office edits the draft (a Markdown file
on the command line, the text area of the terminal's 报送 form) before filing it. The
filed text is kept exactly, with its SHA-256.
"""

from __future__ import annotations

import datetime as dt

from projections.describe import points
from projections.fold import PlanFold, YearFold
from projections.self_inspection import self_inspection
from projections.standings import assignment, latest_progress
from projections.work_ledger import Reader, section_names

# report -> (title, the last quarter it covers, how many months it covers)
SUMMARIES = {"half_year_summary": ("上半年绩效评估工作总结", 2), "annual_summary": ("年度绩效评估工作总结", 4)}


def covered_until(report: str, year: int) -> dt.date:
    """The last day a summary covers: 30 June for the half year, 31 December for the year."""
    quarter = SUMMARIES[report][1]
    return dt.date(year, 6, 30) if quarter == 2 else dt.date(year, 12, 31)


def summary_title(report: str, fold: PlanFold) -> str:
    plan = fold.plan
    assert plan is not None
    return f"{plan.unit}{plan.year}年度{SUMMARIES[report][0].removeprefix('年度')}"


def _cell(text: str) -> str:
    return " ".join(text.split())


def draft(year: YearFold, fold: PlanFold, report: str, read: Reader, *, today: dt.date) -> str:
    """The draft of a summary, from what the ledger holds up to the end of what it covers."""
    plan = fold.plan
    assert plan is not None
    until = covered_until(report, plan.year)
    last = f"{plan.year}Q{SUMMARIES[report][1]}"
    r = self_inspection(year, fold, read, today=today)
    sections = section_names(fold)
    out = [f"# {summary_title(report, fold)}", "",
           f"（草稿：由绩效台账于 {today} 按截至 {until} 的记录生成，请据实修改、补充后报送）", ""]

    leaves = [(ind, parent) for ind, parent in plan.leaves() if not fold.is_withdrawn(ind.id)]
    latest = {ind.id: e for ind, _ in leaves if (e := latest_progress(fold.record(ind.id), last)) is not None}
    notes = read([e.position for e in latest.values()])
    done = sum(1 for e in latest.values() if e.percent >= 100)
    out += ["## 一、总体情况", "",
            f"本单位共设考核指标 {len(leaves)} 项，截至 {until} 已报送进度 {len(latest)} 项，"
            f"其中已完成 {done} 项。", ""]
    if report == "annual_summary":
        own = r.self_assessed
        out += [f"自评得分 {points(own.total)} 分，自评等次为{own.grade}。", ""]

    out += ["## 二、各类目标推进情况", ""]
    numerals = "一二三四五六七八九十"
    for n, cat in enumerate(plan.categories):
        out += [f"### （{numerals[n % 10]}）{cat.name}（{points(cat.points)} 分）", ""]
        mine = [(ind, parent) for ind, parent in leaves if (parent or ind).category == cat.id]
        if not mine:
            out += ["本类无考核指标。", ""]
            continue
        for ind, _ in mine:
            entry = latest.get(ind.id)
            section = assignment(ind, fold.record(ind.id))["section"]
            where = sections.get(section, section) or "未分解"
            head = f"- {ind.id} {_cell(ind.name)}（{where}）："
            if entry is None:
                out.append(head + "尚未报送进度。")
                continue
            event = notes[entry.position][1]
            did = _cell(getattr(event, "done", ""))
            out.append(head + f"{entry.period[-2:]}完成 {entry.percent}%" + (f"，{did}" if did else "") + "。")
        out.append("")

    findings = [f for f in r.findings if f.date <= until and not f.voided]
    out += ["## 三、察访核验发现问题及整改情况", ""]
    if not findings:
        out += ["期间未发现问题。", ""]
    for f in findings:
        where = f"{f.indicator} {f.indicator_name}" if f.indicator else "单位层面"
        line = f"- {f.date}，{f.method}，{where}：{_cell(f.description)}，扣 {points(f.deduction)} 分；"
        line += (f"{f.outcome_label}（{f.outcome_date}）。" if f.outcome and f.outcome_date and f.outcome_date <= until
                 else "整改中。")
        out.append(line)
    out.append("")

    adjustments = [a for a in r.adjustments if a.date <= until and not a.voided]
    out += ["## 四、加减分及调整情况", ""]
    if not adjustments:
        out += ["期间无加减分。", ""]
    for a in adjustments:
        amount = "" if a.kind == "veto" else f" {points(a.amount)} 分"
        out.append(f"- {a.date}，{a.kind_label}{amount}，依据：{_cell(a.basis) or '—'}。")
    out.append("")

    lagging = [(ind, latest.get(ind.id)) for ind, _ in leaves
               if (latest.get(ind.id) is None or latest[ind.id].percent < 100)]
    out += ["## 五、存在问题及下步打算", ""]
    if not lagging:
        out += ["各项指标均已完成。", ""]
    for ind, entry in lagging:
        event = notes[entry.position][1] if entry is not None else None
        problems = _cell(getattr(event, "problems", "")) or "—"
        steps = _cell(getattr(event, "next_steps", "")) or "—"
        out.append(f"- {ind.id} {_cell(ind.name)}：完成 {entry.percent if entry else 0}%；"
                   f"存在问题：{problems}；下步打算：{steps}。")
    out.append("")
    return "\n".join(out)
