"""`jixiao report ranking`: the county's units side by side, ranked by grade and total."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from domain.errors import fail
from projections.fold import YearFold
from projections.ranking import ranking
from tui.cli.report_registry import moment_of, report


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Nothing of its own: importing this module adds `ranking` to `jixiao report`."""


@report("ranking")
def ranking_report(fold: YearFold, args: argparse.Namespace, today: dt.date) -> Any:
    county = getattr(args, "county", "") or getattr(args, "unit", "")
    r = ranking(fold, today=today, year=getattr(args, "year", 0) or None, county=county)
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
