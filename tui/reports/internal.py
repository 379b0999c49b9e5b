"""The internal evaluation (内部考评): its report for the county office, and the lock.

The lock fixes the results as they stand (or as the screen shows them); the command line
and the terminal both lock through `lock_now`.
"""

from __future__ import annotations

from typing import Any

from domain.errors import fail
from domain.validate import business_date
from projections.fold import YearFold
from projections.internal import InternalResults, lock_results, replay_internal, results_for
from projections.internal_report import markdown, sheets, title
from projections.replay import replay
from projections.stream import read_at
from tui.reports.base import DOCUMENTS, Built, ReportQuery, Source, plan_or_fail, report


def current_results(ledger: Any) -> InternalResults:
    """The results as they stand now, as the lock will fix them."""
    results = results_for(replay(ledger.store.log), replay_internal(ledger.store.log),
                          today=business_date(ledger.clock()),
                          read=lambda positions: read_at(ledger.store.log, positions))
    if results is None:
        raise fail("ledger.no_plan")
    return results


def lock_now(ledger: Any, actor: str, *, reason: str = "", source: str = "cli",
             results: InternalResults | None = None) -> Any:
    """Lock the results as shown (or as computed now); shared by the command line and the TUI."""
    return lock_results(ledger, actor, results or current_results(ledger), reason=reason, source=source)


@report("internal")
def internal_report(fold: YearFold, source: Source, query: ReportQuery) -> Built:
    results = results_for(fold, replay_internal(source.ledger.store.log), today=source.today, read=source.read,
                          plan_fold=plan_or_fail(fold, query))
    assert results is not None
    moment = f"截至 {fold.clocks.as_of}" if fold.clocks.as_of else "当前"
    return title(results, moment), sheets(results, exact=query.format == "xlsx"), results


DOCUMENTS["internal"] = markdown
