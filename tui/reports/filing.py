"""Filing a report as it is now: its JSON and digest go into a ReportFiled event."""

from __future__ import annotations

from typing import Any

from domain.errors import fail
from projections.filing import report_content
from projections.fold import YearFold
from tui.reports.base import ReportQuery, Source, plan_or_fail
from tui.reports.tables import default_period, period_of

# the report's command-line name -> its name in the ledger
FILED_AS = {"quarterly": "quarterly", "decomposition": "decomposition", "contacts": "contacts",
            "self-inspection": "self_inspection"}


def file_report(fold: YearFold, source: Source, query: ReportQuery, name: str, actor: str, *,
                origin: str = "cli") -> Any:
    """File report `name` for the query's section (and quarter); the ReportFiled event."""
    filed = FILED_AS.get(name)
    if filed is None:
        raise fail("report.not_fileable", report=name)
    plan_fold = plan_or_fail(fold, query)
    period = ""
    if filed == "quarterly":
        period = period_of(query.period, plan_fold) if query.period else default_period(fold, plan_fold,
                                                                                           source.today)
    content = report_content(fold, plan_fold, filed, source.read, section=query.section, period=period,
                             actor=actor, today=source.today)
    assert content is not None
    return source.ledger.file_report(actor, filed, content=content, period=period, section=query.section,
                                     source=origin)
