"""`jixiao report <name>`: every read model as a table, JSON, CSV, Markdown or Excel.

Thin: the options become a typed `ReportQuery`, the report is the plain function in
tui/reports/, and what it returns is written out. Reports are built from the year fold:
now (opened from the checkpoint and caught up), or replayed on the two clocks
(`--as-of` effective date, `--known-at` recorded time).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from domain.errors import fail
from domain.validate import business_date, parse_date, parse_moment
from tui.cli.common import actor_of, destination_of, lang_of, open_ledger
from tui.cli.demo import StderrBar
from tui.cli.reports import print_filed, progress_refresh
from tui.i18n import label
from tui.reports import DOCUMENTS, NAMES, REPORTS, ReportQuery, Source
from tui.reports.audit import audit_page
from tui.reports.base import open_fold, plan_or_fail, report
from tui.reports.bundle import build_bundle
from tui.reports.export import emit
from tui.reports.filing import file_report, summary_text

FIRST_OPEN = 20_000  # events to fold before a bar is worth drawing (a ledger without its checkpoint)

__all__ = ["DOCUMENTS", "REPORTS", "emit", "query_of", "report"]


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("report", parents=[common], help="standings, ledgers and reports")
    p.add_argument("name", choices=list(NAMES), help="which report")
    p.add_argument("--section", default="", help="only this section (id)")
    p.add_argument("--indicator", default="", help="only this indicator (work ledger, audit)")
    p.add_argument("--as-of", help="effective date YYYY-MM-DD: what had happened by then")
    p.add_argument("--known-at", help="recorded time YYYY-MM-DD[THH:MM[:SS]] (Beijing time unless an offset "
                                      "such as Z is given; a date alone: the end of that day): what the "
                                      "ledger knew then")
    p.add_argument("--format", choices=("table", "json", "csv", "md", "xlsx"), default="table")
    p.add_argument("-o", "--output", help="write to this file (required for xlsx)")
    p.add_argument("--force", action="store_true", help="overwrite the -o file if it exists")
    p.add_argument("--bundle", metavar="ZIP",
                   help="self-inspection: write the report (md and json), the year's evidence files and a "
                        "manifest of their digests with the latest seal into this zip")
    p.add_argument("--unit", default="", help="the unit whose plan to report (default: the latest plan)")
    p.add_argument("--year", type=int, default=0, help="the plan year (default: the latest plan)")
    p.add_argument("--county", default="", help="ranking: only units whose names begin with this (e.g. 安溪县)")
    g = p.add_argument_group("filing (报送) and the quarterly report")
    g.add_argument("--period", default="", help="the quarter: Q3 or 2021Q3 (default: the latest reported)")
    g.add_argument("--file", action="store_true",
                   help="file this deliverable now (every report of `report deadlines`)")
    g.add_argument("--content", metavar="FILE",
                   help="a work summary: the Markdown text to file (default: the draft from the ledger)")
    g.add_argument("--reason", default="", help="why a deliverable is filed again (resubmission)")
    g.add_argument("--as-filed", metavar="QUARTER", nargs="?", const="",
                   help="show a deliverable exactly as filed (the quarterly report: of this quarter)")
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


def query_of(args: argparse.Namespace) -> ReportQuery:
    """The command line's options as typed values."""
    return ReportQuery(
        unit=args.unit, year=args.year, section=args.section, indicator=args.indicator, period=args.period,
        as_of=parse_date("as-of", args.as_of), known_at=parse_moment("known-at", args.known_at),
        format=args.format, county=args.county, as_filed=args.as_filed, diff_filed=args.diff_filed,
        actor=args.actor_filter, kinds=tuple(args.kind), since=parse_date("since", args.since),
        until=parse_date("until", args.until), text=args.text, score_only=args.score_only,
        limit=args.limit, before=args.before)


def run_report(args: argparse.Namespace) -> int:
    with open_ledger(args) as ledger:  # opened first: its plan's time zone reads --known-at
        query = query_of(args)
        if args.file and (query.as_of or query.known_at):
            raise fail("report.file_clocks")
        content = _content(args.content) if args.content is not None else None
        if content is not None and not args.file:
            raise fail("report.content_file")
        if args.bundle:
            return _bundle(args, query, ledger)
        source = Source.of(ledger, business_date(ledger.clock()))
        if args.name == "audit":
            page = audit_page(source, query, refresh=progress_refresh)
            if page.next_before is not None:
                print(f"下一页：--before {page.next_before}", file=sys.stderr)
            title, sheets, data = page.title, page.sheets, page.rows
        else:
            with StderrBar(label("progress.fold", lang_of(args)), least=FIRST_OPEN) as progress:
                fold = open_fold(ledger, query.as_of, query.known_at, progress)
            if args.file:
                event = file_report(fold, source, query, args.name, actor_of(args), content=content,
                                    reason=args.reason)
                print_filed(ledger, event, lang_of(args))
                return 0
            title, sheets, data = REPORTS[args.name](fold, source, query)
    document = DOCUMENTS[args.name](data) if args.name in DOCUMENTS and args.format in ("md", "table") else None
    emit(title, sheets, data, args.format, args.output, document=document, destination=destination_of(args))
    return 0


def _content(path: str) -> str:
    """The text of a `--content` file (Markdown, UTF-8)."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail("file.unreadable", where=path, detail=exc) from None
    return summary_text("content", text)


def _bundle(args: argparse.Namespace, query: ReportQuery, ledger: Any) -> int:
    """`report self-inspection --bundle out.zip`: the report with its evidence and manifest."""
    if args.name != "self-inspection":
        raise fail("bundle.only_self_inspection")
    destination = destination_of(args)
    destination.refuse_early(args.bundle)  # before the year is read
    source = Source.of(ledger, business_date(ledger.clock()))
    fold = open_fold(ledger, query.as_of, query.known_at)
    plan_or_fail(fold, query)  # before the file is made
    with destination.open(args.bundle) as out:
        try:
            build_bundle(fold, source, query, out, now=ledger.clock())
        except OSError as exc:
            raise fail("file.unwritable", where=args.bundle, detail=exc) from None
    return 0
