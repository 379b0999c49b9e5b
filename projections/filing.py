"""What is filed when a report is filed: the report's data as JSON, built from the fold.

Filing records this content and its SHA-256 in a `ReportFiled` event, so "what did the
Q3 report say when it was filed" is the content read back, and "what changed since" is
that content compared with the same report built now.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from domain.ports import LogReader
from domain.validate import business_date
from projections import quarterly as q
from projections.fold import PlanFold, YearFold
from projections.forms import contacts, decomposition
from projections.live import LiveFold
from projections.plan_tree import plan_tree
from projections.self_inspection import markdown, self_inspection
from projections.stream import read_at
from projections.work_ledger import Reader

FILEABLE = ("quarterly", "decomposition", "contacts", "self_inspection", "plan")


def report_content(year: YearFold, fold: PlanFold, report: str, read: Reader, *, section: str = "",
                   period: str = "", actor: str = "", today: dt.date) -> str | None:
    """The JSON to file for `report`, or None for a report jixiao does not produce."""
    assert fold.plan is not None
    if report == "quarterly":
        return q.encode(q.quarterly(year, fold, period, read, section=section, today=today,
                                    filer=actor, date=today))
    if report == "decomposition":
        return _json({"unit": fold.plan.unit, "year": fold.plan.year, "date": today,
                      "rows": decomposition(year, fold, section=section)})
    if report == "contacts":
        return _json({"unit": fold.plan.unit, "year": fold.plan.year, "date": today,
                      "rows": contacts(year, fold, section=section)})
    if report == "self_inspection":
        r = self_inspection(year, fold, read, today=today)
        return _json({"unit": r.unit, "year": r.year, "date": today, "title": r.title,
                      "total": r.standings.total, "grade": r.standings.grade, "markdown": markdown(r)})
    if report == "plan":
        return _json(plan_tree(fold.plan))
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

    def close(self) -> None:
        self.live.close()

    def __call__(self, ledger: Any, report: str, *, section: str = "", period: str = "",
                 actor: str = "") -> str | None:

        self.live.poll()
        key = getattr(ledger, "plan_key", None)
        fold = self.live.fold.plan_fold(*(key or (None, None)))
        if fold is None:
            return None
        return report_content(self.live.fold, fold, report, self.read, section=section, period=period,
                              actor=actor, today=business_date(ledger.clock()))
