"""`jixiao report <name>`: every read model as a table, JSON, CSV, Markdown or Excel.

Reports are built from the year fold: now (opened from the checkpoint and caught up),
or replayed on the two clocks (`--as-of` effective date, `--known-at` recorded time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from domain.errors import fail
from domain.validate import business_date, parse_date
from projections.fold import YearFold
from projections.replay import replay
from tui.cli.output import render_table, to_json, write_xlsx_table
from tui.cli.report_registry import DOCUMENTS, REPORTS, Sheet, names, report
from tui.cli.reports import audit_report, file_report  # and, importing it, the reports it registers


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("report", parents=[common], help="standings, ledgers and reports")
    p.add_argument("name", choices=names(), help="which report")
    p.add_argument("--section", default="", help="only this section (id)")
    p.add_argument("--indicator", default="", help="only this indicator (work ledger, audit)")
    p.add_argument("--as-of", help="effective date YYYY-MM-DD: what had happened by then")
    p.add_argument("--known-at", help="recorded time YYYY-MM-DD[THH:MM[:SS]] (UTC): what the ledger knew then")
    p.add_argument("--format", choices=("table", "json", "csv", "md", "xlsx"), default="table")
    p.add_argument("-o", "--output", help="write to this file (required for xlsx)")
    p.add_argument("--unit", default="", help="the unit whose plan to report (default: the latest plan)")
    p.add_argument("--year", type=int, default=0, help="the plan year (default: the latest plan)")
    p.add_argument("--county", default="", help="ranking: only units whose names begin with this (e.g. 安溪县)")
    g = p.add_argument_group("quarterly report")
    g.add_argument("--period", default="", help="the quarter: Q3 or 2021Q3 (default: the latest reported)")
    g.add_argument("--file", action="store_true",
                   help="file this report now (quarterly, decomposition, contacts, self-inspection)")
    g.add_argument("--as-filed", metavar="QUARTER", help="show the quarterly report exactly as filed")
    g.add_argument("--diff-filed", metavar="QUARTER", nargs="?", const="",
                   help="show what changed since the quarterly report was filed")
    g = p.add_argument_group("audit trail")
    g.add_argument("--actor", dest="actor_filter", default="", help="only events by this user")
    g.add_argument("--kind", action="append", default=[], help="event kind (repeatable)")
    g.add_argument("--since", help="effective on or after YYYY-MM-DD")
    g.add_argument("--until", help="effective on or before YYYY-MM-DD")
    g.add_argument("--text", default="", help="text in the summary, reason, actor or target")
    g.add_argument("--score-only", action="store_true", help="only events that change points")
    g.add_argument("--limit", type=int, default=100, help="rows per page (audit)")
    g.add_argument("--before", type=int, help="page: rows before this position (audit)")
    p.set_defaults(handler=run_report)


def known_at(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise fail("value.date", field="known-at", actual=value) from None
    if len(value) <= 10:  # a bare date means the end of that day
        moment = moment + dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def open_fold(ledger: Any, as_of: dt.date | None, known: dt.datetime | None) -> YearFold:
    """The fold now (from the checkpoint, caught up) or replayed on the two clocks."""
    if as_of is None and known is None:
        from projections.checkpoint import checkpoint_path
        from projections.live import LiveFold

        live = LiveFold(ledger.app, checkpoint=checkpoint_path(ledger.db))
        try:
            return live.open()
        finally:
            live.close()
    return replay(ledger.app, as_of=as_of, known_at=known)


def run_report(args: argparse.Namespace) -> int:
    from tui.cli.common import open_ledger

    as_of = parse_date("as-of", args.as_of)
    known = known_at(args.known_at)
    if args.file and (as_of or known):
        raise fail("report.file_clocks")
    with open_ledger(args) as ledger:
        args.ledger = ledger
        if args.name == "audit":
            title, sheets, data = audit_report(args, as_of, known)
        else:
            fold = open_fold(ledger, as_of, known)
            today = business_date(ledger.clock())
            if args.file:
                return file_report(fold, args, today)
            title, sheets, data = REPORTS[args.name](fold, args, today)
    document = DOCUMENTS[args.name](data) if args.name in DOCUMENTS and args.format in ("md", "table") else None
    emit(title, sheets, data, args.format, args.output, document=document)
    return 0


def emit(title: str, sheets: list[Sheet], data: Any, fmt: str, output: str | None, *,
         document: str | None = None) -> None:
    if fmt == "xlsx":
        if not output:
            raise fail("value.required", field="-o FILE")
        write_xlsx_table(Path(output), sheets, title_rows=[[title]])
        return
    if document is not None:
        text = document
    elif fmt == "json":
        text = to_json(data) + "\n"
    else:
        parts = [f"# {title}\n\n" if fmt == "md" else f"{title}\n"] if fmt != "csv" else []
        for name, headers, rows in sheets:
            if fmt != "csv" and len(sheets) > 1:
                parts.append(f"\n## {name}\n\n" if fmt == "md" else f"\n{name}\n")
            parts.append(render_table(headers, [[_text(v) for v in row] for row in rows], fmt,
                                      floatfmt=".2f"))
        text = "".join(parts)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _text(value: Any) -> Any:
    """A cell as text tables show it: points with two decimals, nothing for None."""
    from decimal import Decimal

    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, str) and "\n" in value:
        return " ".join(value.split())
    return value


__all__ = ["DOCUMENTS", "REPORTS", "emit", "report"]
