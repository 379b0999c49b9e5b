"""The self-inspection report (自查报告): the year-end document of the unit.

Per category and indicator, the tier the sections claimed against the tier awarded;
every inspection finding with its rectification; every adjustment with its basis; the
final score and grade. `self_inspection` gathers the facts, `markdown` writes them as a
report a leader can sign, not a dump.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec

from domain import events as ev
from domain.plan_status import PlanStatus
from projections.describe import ADJUSTMENT_LABELS, OUTCOME_LABELS, SOURCE_LABELS, points
from projections.fold import PlanFold, YearFold
from projections.follow_ups import FollowUp, Meeting, follow_ups, meetings
from projections.self_inspection_year import basis_line, meetings_markdown
from projections.standings import Assessed, Standings, finding_outcome, latest_progress, standings
from projections.work_ledger import Reader, people_names, section_names


class TierLine(msgspec.Struct, kw_only=True):
    indicator: str
    name: str
    first_level: str
    section: str
    points: Decimal
    self_tier: str
    tier: str
    deductions: Decimal
    score: Decimal
    agrees: bool  # the awarded tier is the one claimed
    withdrawn: bool


class CategoryPart(msgspec.Struct, kw_only=True):
    id: str
    name: str
    points: Decimal
    score: Decimal
    lines: list[TierLine]


class FindingLine(msgspec.Struct, kw_only=True):
    position: int
    date: dt.date
    method: str
    source: str
    indicator: str
    indicator_name: str
    count: int
    per_item: Decimal
    deduction: Decimal
    description: str
    rectify_by: dt.date | None
    outcome: str  # "" while open
    outcome_label: str
    outcome_note: str
    outcome_date: dt.date | None
    voided: bool
    void_reason: str


class AdjustmentLine(msgspec.Struct, kw_only=True):
    position: int
    date: dt.date
    kind: str
    kind_label: str
    amount: Decimal
    indicator: str
    section: str
    basis: str
    reason: str
    actor_name: str
    voided: bool
    void_reason: str


class SelfInspection(msgspec.Struct, kw_only=True):
    unit: str
    year: int
    title: str
    as_of: dt.date | None
    known_at: dt.datetime | None
    standings: Standings
    categories: list[CategoryPart]
    findings: list[FindingLine]
    adjustments: list[AdjustmentLine]
    lagging: list[tuple[str, str, int, str, str]]  # id, name, percent, problems, next steps
    self_assessed: Assessed = Assessed(total=Decimal(0), grade="")  # the unit's own assessment (自评)
    plan_status: PlanStatus = PlanStatus()  # submitted, approved, published
    meetings: list[Meeting] = []
    follow_ups: list[FollowUp] = []


def self_inspection(year: YearFold, fold: PlanFold, read: Reader, *, today: dt.date) -> SelfInspection:
    plan = fold.plan
    assert plan is not None
    s = standings(fold, today=today, as_of=year.clocks.as_of, known_at=year.clocks.known_at,
                  position=year.position)
    names = people_names(year, fold)
    sections = section_names(fold)
    by_id = {i.id: i for i in s.indicators}
    categories = []
    for cat, rollup in zip(plan.categories, s.categories, strict=True):
        lines = []
        for ind, parent in plan.leaves():
            if (parent or ind).category != cat.id:
                continue
            sc = by_id[ind.id]
            lines.append(TierLine(indicator=ind.id, name=ind.name, first_level=(parent or ind).name,
                                  section=sections.get(sc.section, sc.section), points=ind.points,
                                  self_tier=sc.self_tier, tier=sc.tier, deductions=sc.deductions,
                                  score=sc.score, agrees=bool(sc.tier) and sc.tier == sc.self_tier,
                                  withdrawn=sc.withdrawn))
        categories.append(CategoryPart(id=cat.id, name=cat.name, points=cat.points,
                                       score=rollup.score, lines=lines))

    # findings and adjustments, unit-level and per indicator, with their texts
    records = [("", fold.unit), *[(i, fold.record(i)) for i, _ in
                                   ((ind.id, p) for ind, p in plan.walk())]]
    wanted = []
    for _, record in records:
        for kind in ("FindingRecorded", "Adjusted", "FindingResolved"):
            wanted += [e.position for e in record.all(kind)]
        wanted += [c.position for c in record.voided.values()]
    texts = read(wanted)

    def text(position: int) -> ev.Event:
        return texts[position][1]

    findings, adjustments = [], []
    for indicator, record in records:
        ind = plan.indicator(indicator) if indicator else None
        for f in record.all("FindingRecorded"):
            event = text(f.position)
            assert isinstance(event, ev.FindingRecorded)
            outcome = finding_outcome(record, f.version)
            resolution = max((r for r in record.valid("FindingResolved") if r.finding == f.version),
                             key=lambda r: r.version, default=None)
            note = text(resolution.position) if resolution is not None else None
            void = record.voided.get(f.version)
            findings.append(FindingLine(
                position=f.position, date=f.effective, method=f.method,
                source=SOURCE_LABELS.get(f.finding_source, f.finding_source),
                indicator=indicator, indicator_name=ind.name if ind else "单位",
                count=f.count, per_item=f.per_item, deduction=f.deduction,
                description=event.description, rectify_by=f.rectify_by, outcome=outcome,
                outcome_label=OUTCOME_LABELS.get(outcome, "未整改"),
                outcome_note=getattr(note, "note", "") if note else "",
                outcome_date=resolution.effective if resolution is not None else None,
                voided=void is not None, void_reason=text(void.position).reason if void else ""))
        for a in record.all("Adjusted"):
            event = text(a.position)
            void = record.voided.get(a.version)
            adjustments.append(AdjustmentLine(
                position=a.position, date=a.effective, kind=a.adjustment,
                kind_label=ADJUSTMENT_LABELS.get(a.adjustment, a.adjustment), amount=a.amount,
                indicator=indicator, section=sections.get(a.section, a.section), basis=a.basis,
                reason=event.reason, actor_name=names.get(event.actor, event.actor),
                voided=void is not None, void_reason=text(void.position).reason if void else ""))
    findings.sort(key=lambda f: f.position)
    adjustments.sort(key=lambda a: a.position)

    latest = {ind.id: e for ind, _ in plan.leaves()
              if (e := latest_progress(fold.record(ind.id))) is not None}
    notes = read([e.position for e in latest.values()])
    lagging = []
    for ind, _ in plan.leaves():
        sc = by_id[ind.id]
        if sc.withdrawn or sc.progress >= 100:
            continue
        last = latest.get(ind.id)
        event = notes[last.position][1] if last is not None else None
        lagging.append((ind.id, ind.name, sc.progress, getattr(event, "problems", ""),
                        getattr(event, "next_steps", "")))
    return SelfInspection(unit=plan.unit, year=plan.year, title=f"{plan.unit}{plan.year}年度绩效评估自查报告",
                          as_of=year.clocks.as_of, known_at=year.clocks.known_at, standings=s,
                          categories=categories, findings=findings, adjustments=adjustments,
                          lagging=lagging, self_assessed=s.self_assessed, plan_status=fold.status,
                          meetings=meetings(year, fold, read),
                          follow_ups=follow_ups(year, fold, read, today=year.clocks.as_of or today))


def _veto_why(r: SelfInspection) -> str:
    """Each valid veto in words: against whom, why, on what basis."""
    lines = [f"{a.section or '单位'}，理由：{_cell(a.reason)}" + (f"，依据：{_cell(a.basis)}" if a.basis else "")
             for a in r.adjustments if a.kind == "veto" and not a.voided]
    return "；".join(lines) or "；".join(r.standings.veto_reasons)


def _cell(text: str) -> str:
    """Table-cell text: one line, no pipes (user text is data)."""
    return " ".join(str(text).split()).replace("|", "｜") or "—"


def markdown(r: SelfInspection) -> str:
    s = r.standings
    out: list[str] = [f"# {r.title}", ""]
    moment = f"截至 {r.as_of}" if r.as_of else "截至报告生成时"
    if r.known_at:
        moment += f"，以 {r.known_at:%Y-%m-%d %H:%M} UTC 前的记录为准"
    out += [f"（{moment}）", "", basis_line(f"{r.unit}{r.year}年度绩效评估工作方案", r.plan_status), ""]
    n_first = sum(1 for i in s.indicators if i.level == 1)
    n_second = sum(1 for i in s.indicators if i.level == 2)
    leaves = [line for c in r.categories for line in c.lines if not line.withdrawn]
    awarded = [line for line in leaves if line.tier]
    agree = [line for line in awarded if line.agrees]
    open_findings = [f for f in r.findings if not f.voided and not f.outcome]
    out += ["## 一、总体情况", ""]
    out.append(
        f"根据年度绩效评估工作方案，本单位共设一级指标 {n_first} 项、二级指标 {n_second} 项。"
        f"截至本报告，{len(awarded)} 项考核指标已定档（共 {len(leaves)} 项），其中 {len(agree)} 项定档与自评一致。"
        f"全年察访核验发现问题 {sum(1 for f in r.findings if not f.voided)} 起，"
        f"已整改或申诉办结 {sum(1 for f in r.findings if not f.voided and f.outcome)} 起"
        + (f"，尚有 {len(open_findings)} 起待整改" if open_findings else "") + "。")
    out.append("")
    own = s.self_assessed
    out.append(f"本单位自评得分 **{points(own.total)}** 分，自评等次为 **{own.grade}**"
               + ("（一票否决）" if s.veto else "")
               + ("；县考评尚未定档，以下考评得分仅含已定档指标" if not s.tiered else "") + "。")
    out.append("")
    out.append(
        f"考评得分 **{points(s.total)}** 分（职能工作目标 {points(s.functional)} 分，"
        f"行政能力目标 {points(s.capacity)} 分，正向激励加分 {points(s.bonus.applied)} 分，"
        f"扣分 {points(s.unit_deductions.applied)} 分），等次为 **{s.grade}**"
        + ("（一票否决）" if s.veto else "") + "。")
    out += ["", "## 二、各类目标完成及定档情况", ""]
    numerals = "一二三四五六七八九十"
    for n, cat in enumerate(r.categories):
        out += [f"### （{numerals[n % 10]}）{cat.name}（{points(cat.points)} 分，得 {points(cat.score)} 分）", ""]
        differ = [line for line in cat.lines if line.tier and not line.agrees and not line.withdrawn]
        pending = [line for line in cat.lines if not line.tier and not line.withdrawn]
        sentence = f"本类共 {len(cat.lines)} 项考核指标"
        if differ:
            sentence += "；定档与自评不一致的有 " + "、".join(
                f"{line.indicator}（自评{line.self_tier or '未自评'}，定档{line.tier}）" for line in differ)
        if pending:
            sentence += f"；尚未定档 {len(pending)} 项"
        out += [sentence + "。", ""]
        out.append("| 编号 | 指标 | 责任股室 | 分值 | 自评档次 | 定档 | 扣分 | 得分 |")
        out.append("|---|---|---|---:|---|---|---:|---:|")
        for line in cat.lines:
            name = _cell(line.name) + ("（已撤销）" if line.withdrawn else "")
            out.append(f"| {line.indicator} | {name} | {_cell(line.section)} | {points(line.points)} | "
                       f"{line.self_tier or '—'} | {line.tier or '—'} | "
                       f"{points(line.deductions) if line.deductions else '—'} | {points(line.score)} |")
        out.append("")
    out += ["## 三、察访核验发现问题及整改情况", ""]
    if not r.findings:
        out += ["全年未发现问题。", ""]
    for f in r.findings:
        where = f"{f.indicator} {f.indicator_name}" if f.indicator else "单位层面"
        head = (f"- {f.date}，{f.method}（{f.source}），{where}：{_cell(f.description)}。"
                f"{f.count} 项×{points(f.per_item)} 分，扣 {points(f.deduction)} 分。")
        if f.voided:
            head += f"该记录已作废（{_cell(f.void_reason)}）。"
        elif f.outcome:
            note = f"：{_cell(f.outcome_note)}" if f.outcome_note else ""
            head += f"{f.outcome_label}（{f.outcome_date}）{note}。"
        else:
            head += "尚未整改" + (f"，整改期限 {f.rectify_by}" if f.rectify_by else "") + "。"
        out.append(head)
    out += ["", "## 四、加减分情况", ""]
    if not r.adjustments:
        out += ["全年无加减分。", ""]
    for a in r.adjustments:
        target = a.indicator or (a.section or "单位")
        amount = "" if a.kind == "veto" else f" {points(a.amount)} 分"
        line = (f"- {a.date}，{a.kind_label}{amount}（{target}），依据：{_cell(a.basis) if a.basis else '—'}；"
                f"理由：{_cell(a.reason)}；经办：{a.actor_name}。")
        if a.voided:
            line += f"已作废：{_cell(a.void_reason)}。"
        out.append(line)
    out += ["", f"正向激励加分合计 {points(s.bonus.raw)} 分，按上限 {points(s.bonus.cap)} 分计 "
            f"{points(s.bonus.applied)} 分；单位层面扣分合计 {points(s.unit_deductions.raw)} 分，"
            f"按上限 {points(s.unit_deductions.cap)} 分计 {points(s.unit_deductions.applied)} 分。", ""]
    out += ["## 五、最终得分与等次", ""]
    out.append("| 项目 | 分值 | 得分 |")
    out.append("|---|---:|---:|")
    for c in s.categories:
        out.append(f"| {c.name} | {points(c.points)} | {points(c.score)} |")
    out.append(f"| 正向激励加分 | {points(s.bonus.cap)} | {points(s.bonus.applied)} |")
    out.append(f"| 扣分 | {points(s.unit_deductions.cap)} | -{points(s.unit_deductions.applied)} |")
    out.append(f"| **合计** | | **{points(s.total)}** |")
    out += ["", f"等次：**{s.grade}**" + (f"（一票否决：{_veto_why(r)}）" if s.veto else ""), ""]
    out.append("各股室得分率：" + "；".join(f"{x.name} {points(x.rate)}%（{x.grade}{'，一票否决' if x.veto else ''}）"
                                      for x in s.sections) + "。")
    out += ["", "## 六、存在问题及下步措施", ""]
    if not r.lagging:
        out += ["各项指标均已完成。", ""]
    for ind, name, percent, problems, steps in r.lagging:
        out.append(f"- {ind} {_cell(name)}：完成 {percent}%。存在问题：{_cell(problems)}；下步措施：{_cell(steps)}。")
    out.append("")
    out += meetings_markdown(r.meetings, r.follow_ups, _cell)
    return "\n".join(out)
