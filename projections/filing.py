"""What is filed when a report is filed: the report's data as JSON, built from the fold.

Filing records this content and its SHA-256 in a `ReportFiled` event, so "what did the
Q3 report say when it was filed" is the content read back, and "what changed since" is
that content compared with the same report built now.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from domain.errors import fail
from domain.ports import LogReader
from domain.validate import business_date
from projections import quarterly as q
from projections.deliverables import data_collection, plan_document
from projections.describe import report_label
from projections.fold import PlanFold, YearFold
from projections.forms import contacts, decomposition
from projections.internal import lock_results, results_for
from projections.internal_report import markdown as internal_markdown
from projections.internal_state import InternalFold, replay_internal
from projections.live import LiveFold
from projections.self_inspection import markdown, self_inspection
from projections.stream import read_at
from projections.summary import SUMMARIES
from projections.summary import draft as summary_draft
from projections.work_ledger import Reader

FILEABLE = ("plan", "decomposition", "data_collection", "contacts", "quarterly", "half_year_summary",
            "annual_summary", "self_inspection", "internal_evaluation")


def report_content(year: YearFold, fold: PlanFold, report: str, read: Reader, *, section: str = "",
                   period: str = "", actor: str = "", today: dt.date,
                   internal: InternalFold | None = None) -> str | None:
    """What to file for `report` (JSON; a summary's Markdown draft), or None for a report
    jixiao does not produce. A deliverable whose content does not exist yet is refused."""
    assert fold.plan is not None
    if report in SUMMARIES:
        return summary_draft(year, fold, report, read, today=today)
    if report == "data_collection":
        rows = data_collection(year, fold, section=section)
        if not rows:
            raise fail("report.no_content", report=report_label(report),
                       detail="数据采集表还没有任何项（jixiao record data-item）")
        return _json({"unit": fold.plan.unit, "year": fold.plan.year, "date": today, "rows": rows})
    if report == "internal_evaluation":
        results = results_for(year, internal, today=today, read=read, plan_fold=fold) if internal else None
        if results is None or not results.locked:
            raise fail("report.no_content", report=report_label(report),
                       detail="内部考评结果尚未审定（jixiao internal lock）")
        return _json({"unit": results.unit, "year": results.year, "date": today, "results": results,
                      "markdown": internal_markdown(results)})
    if report == "quarterly":
        return q.encode(q.quarterly(year, fold, period, read, section=section, today=today,
                                    filer=actor, date=today))
    if report == "decomposition":
        return _json({"unit": fold.plan.unit, "year": fold.plan.year, "date": today,
                      "rows": decomposition(year, fold, section=section)})
    if report == "contacts":
        people = contacts(year, fold, section=section)
        missing = [c.name for c in people if not (c.phone or c.mobile)]
        if missing:
            raise fail("report.no_content", report=report_label(report),
                       detail=f"{'、'.join(dict.fromkeys(missing))} 未登记联系电话（jixiao users contact）")
        return _json({"unit": fold.plan.unit, "year": fold.plan.year, "date": today, "rows": people})
    if report == "self_inspection":
        r = self_inspection(year, fold, read, today=today)
        if not any(i.self_tier for i in r.standings.indicators):
            raise fail("report.no_content", report=report_label(report),
                       detail="各股室尚未自评（jixiao record self-assessment）")
        return _json({"unit": r.unit, "year": r.year, "date": today, "title": r.title,
                      "total": r.standings.total, "grade": r.standings.grade, "markdown": markdown(r)})
    if report == "plan":
        return _json(plan_document(year, fold, today=today))
    return None


def _json(data: Any) -> str:
    return msgspec.json.encode(data).decode()


def filed_content(year: YearFold, fold: PlanFold, read: Reader, report: str, *, period: str = "",
                  section: str = "") -> tuple[Any, str] | None:
    """(the filing's entry, the content as filed) of the latest valid filing, or None."""
    entry = q.latest_filing(fold, report, period, section)
    if entry is None:
        return None
    _, event = read([entry.position])[entry.position]
    return entry, event.content


class Filer:
    """Builds the content of reports about to be filed, from a fold it keeps up to date.

    Usable as the demo's content hook: `Filer(log)(ledger, report, section=, period=, actor=)`.
    """

    def __init__(self, log: LogReader) -> None:

        self.log = log
        self.live = LiveFold(log)
        self.live.open()
        self.read: Reader = lambda positions: read_at(log, positions)
        self.internal = replay_internal(log)

    def close(self) -> None:
        self.live.close()

    def __call__(self, ledger: Any, report: str, *, section: str = "", period: str = "",
                 actor: str = "") -> str | None:

        self.live.poll()
        key = getattr(ledger, "plan_key", None)
        fold = self.live.fold.plan_fold(*(key or (None, None)))
        if fold is None:
            return None
        if report == "internal_evaluation":
            self.internal = replay_internal(self.log)
        return report_content(self.live.fold, fold, report, self.read, section=section, period=period,
                              actor=actor, today=business_date(ledger.clock()), internal=self.internal)

    def lock(self, ledger: Any, actor: str, *, reason: str) -> Any:
        """Lock the internal evaluation's results as they stand (as `internal lock` does)."""
        self.live.poll()
        key = getattr(ledger, "plan_key", None)
        fold = self.live.fold.plan_fold(*(key or (None, None)))
        results = results_for(self.live.fold, replay_internal(self.log), today=business_date(ledger.clock()),
                              read=self.read, plan_fold=fold)
        assert results is not None
        return lock_results(ledger, actor, results, reason=reason, source="demo")
