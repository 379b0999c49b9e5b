"""The ranking report: the county's units side by side, ranked by grade and total."""

from __future__ import annotations

from domain.errors import fail
from projections.fold import YearFold
from projections.ranking import ranking
from tui.reports.base import Built, ReportQuery, Source, moment_of, report


@report("ranking")
def ranking_report(fold: YearFold, source: Source, query: ReportQuery) -> Built:
    county = query.county or query.unit
    r = ranking(fold, today=source.today, year=query.year or None, county=county)
    if not r.units:
        raise fail("ledger.no_plan")
    title = f"{county or '全部单位'} {r.year} 年度绩效考评排名 · {moment_of(fold)} · {len(r.units)} 个单位"
    rows = [[u.rank, u.unit, u.total, u.grade + ("（一票否决）" if u.veto else ""), u.functional, u.capacity,
             u.bonus, -u.deductions, u.projected_total] for u in r.units]
    grades = [[grade, count] for grade, count in r.grades.items()]
    sheets = [
        ("排名", ["名次", "单位", "总分", "等次", "职能工作", "行政能力", "加分", "扣分", "预计总分"], rows),
        ("等次分布", ["等次", "单位数"], grades),
    ]
    return title, sheets, r
