"""The standings report: total, categories, sections and indicators at one moment."""

from __future__ import annotations

from typing import Any

from projections.fold import YearFold
from projections.standings import Capped, Standings, standings, veto_notes
from tui.reports.base import Built, ReportQuery, Source, moment_of, plan_or_fail, report

STATUS = {"on_track": "正常", "late": "滞后", "done": "完成"}


@report("standings")
def standings_report(fold: YearFold, source: Source, query: ReportQuery) -> Built:
    plan_fold = plan_or_fail(fold, query)
    s = standings(plan_fold, today=source.today, as_of=fold.clocks.as_of, known_at=fold.clocks.known_at,
                  position=fold.position)
    title = (f"{s.unit} {s.year} 年度绩效得分 · {moment_of(fold)} · 考评总分 {s.total} · 等次 {s.grade}"
             f" · 自评总分 {s.self_assessed.total}（{s.self_assessed.grade}）")
    if s.veto:
        title += " · 一票否决"
    summary = [["职能工作目标", "", s.functional], ["行政能力目标", "", s.capacity],
               ["正向激励加分", capped(s.bonus), s.bonus.applied],
               ["单位扣分", capped(s.unit_deductions), -s.unit_deductions.applied],
               ["考评总分", s.grade if s.tiered else f"{s.grade}（县考评尚未定档）", s.total],
               ["自评总分", s.self_assessed.grade, s.self_assessed.total]]
    summary += veto_rows(s, source)
    cats = [[c.name, c.points, c.score, c.projected] for c in s.categories]
    section = query.section
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


def capped(c: Capped) -> str:
    """A capped sum in words: the cap, and how much of what was recorded it cut."""
    if c.raw > c.cap:
        return f"上限 {c.cap}；录入合计 {c.raw}，超出上限的 {c.raw - c.cap} 分不计"
    return f"上限 {c.cap}"


def veto_rows(s: Standings, source: Source) -> list[list[Any]]:
    """Why the grade is the lowest: each valid veto's target, reason and basis."""
    if not s.vetoes:
        return []
    names = {x.id: x.name for x in s.sections}
    return [["一票否决", names.get(v.section, v.section) or "单位", note] for v, note in veto_notes(s, source.read)]
