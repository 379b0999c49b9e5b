"""Filing a deliverable as it is now: its content and digest go into a ReportFiled event.

Every deliverable of the plan's deadlines is filed by its command-line name (`_` written
`-`: plan, decomposition, data-collection, contacts, quarterly, half-year-summary,
annual-summary, self-inspection, internal-evaluation). A work summary is filed with the
text the office wrote (`--content FILE`, the 报送 form's text area) or, without one, the
draft the ledger gives.
"""

from __future__ import annotations

from typing import Any

from domain import validate as v
from domain.errors import fail
from projections.filing import FILEABLE, report_content
from projections.fold import YearFold
from projections.internal_state import replay_internal
from projections.summary import SUMMARIES
from tui.reports.base import ReportQuery, Source, plan_or_fail
from tui.reports.tables import default_period, period_of

# the report's command-line name -> its name in the ledger
FILED_AS = {name.replace("_", "-"): name for name in FILEABLE}
CONTENT_LIMIT = 1_000_000  # characters of a summary's text


def summary_text(where: str, text: str) -> str:
    """A summary's text as given: within the limit, and free of control characters."""
    if len(text) > CONTENT_LIMIT:
        raise fail("value.too_long", field=where, actual=len(text), allowed=CONTENT_LIMIT)
    v.control(where, text)
    return text


def file_report(fold: YearFold, source: Source, query: ReportQuery, name: str, actor: str, *,
                origin: str = "cli", content: str | None = None, reason: str = "") -> Any:
    """File report `name` for the query's section (and quarter); the ReportFiled event."""
    filed = FILED_AS.get(name, name if name in FILEABLE else None)
    if filed is None:
        raise fail("report.not_fileable", report=name)
    if content is not None and filed not in SUMMARIES:
        raise fail("report.content_file")
    plan_fold = plan_or_fail(fold, query)
    period = ""
    if filed == "quarterly":
        period = period_of(query.period, plan_fold) if query.period else default_period(fold, plan_fold,
                                                                                           source.today)
    if content is None:
        internal = replay_internal(source.ledger.store.log) if filed == "internal_evaluation" else None
        content = report_content(fold, plan_fold, filed, source.read, section=query.section, period=period,
                                 actor=actor, today=source.today, internal=internal)
    assert content is not None
    return source.ledger.file_report(actor, filed, content=content, period=period, section=query.section,
                                     reason=reason, source=origin)
