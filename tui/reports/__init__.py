"""Reports as plain functions of typed values, called by the command line and the screens.

`REPORTS[name](fold, source, query)` gives `(title, sheets, data)`; `build_report` opens
the fold for the query's clocks first. Modules: `base` (the query, the registry, shared
helpers), one module per group of reports (`standings`, `tables`, `audit`, `internal`,
`ranking`), `filing` (a report filed as an event) and `export` (writing one out). The
reports read projections only; nothing here knows argparse or Textual.
"""

from __future__ import annotations

from typing import Any

from domain.validate import business_date
from tui.reports import audit as _audit
from tui.reports import deliverables as _deliverables
from tui.reports import internal as _internal
from tui.reports import meetings as _meetings
from tui.reports import ranking as _ranking
from tui.reports import standings as _standings
from tui.reports import tables as _tables
from tui.reports.base import DOCUMENTS, REPORTS, Built, ReportQuery, Sheet, Source, open_fold

__all__ = ["DOCUMENTS", "NAMES", "REPORTS", "Built", "ReportQuery", "Sheet", "Source", "build_report"]
_BUILDERS = (_standings, _tables, _audit, _internal, _deliverables, _ranking, _meetings)  # each registers its reports
# the order `jixiao report` lists them in
NAMES = ("standings", "ledger", "quarterly", "plan", "decomposition", "data-collection", "contacts",
         "half-year-summary", "annual-summary", "deadlines", "self-inspection", "audit", "internal",
         "internal-evaluation", "ranking", "meetings")
assert set(NAMES) == set(REPORTS), set(NAMES) ^ set(REPORTS)


def build_report(name: str, ledger: Any, query: ReportQuery, source: Source | None = None) -> Built:
    """Report `name` at the query's moment (now, or replayed on `as_of` / `known_at`)."""

    source = source or Source.of(ledger, business_date(ledger.clock()))
    fold = open_fold(ledger, query.as_of, query.known_at)
    return REPORTS[name](fold, source, query)
