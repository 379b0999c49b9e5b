"""`jixiao report <name>`: every read model as a table, JSON, CSV, Markdown or Excel.

Reports are built from the year fold: now (opened from the checkpoint and caught up),
or replayed on the two clocks (`--as-of` effective date, `--known-at` recorded time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from domain.errors import fail
from domain.validate import business_date, parse_date
from projections.fold import YearFold
from projections.replay import replay
from projections.standings import standings
from projections.stream import Clocks
from store.readers import checkpoint_store, log_reader
from tui.cli.output import render_table, to_json, write_xlsx_table

# name -> builder(fold, args, today) -> (title, sheets, json data)
Sheet = tuple[str, list[str], list[list[Any]]]
Builder = Callable[[YearFold, argparse.Namespace, dt.date], tuple[str, list[Sheet], Any]]
REPORTS: dict[str, Builder] = {}
# name -> the report as a Markdown document, from its json data (reports that read as prose)
DOCUMENTS: dict[str, Callable[[Any], str]] = {}


def report(name: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        REPORTS[name] = builder
        return builder

    return register


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("report", parents=[common], help="standings, ledgers and reports")
    p.add_argument("name", choices=list(REPORTS), help="which report")
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
        from projections.live import LiveFold

        live = LiveFold(log_reader(ledger.app), checkpoint=checkpoint_store(ledger.app))
        try:
            return live.open()
        finally:
            live.close()
    return replay(log_reader(ledger.app), as_of=as_of, known_at=known)


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


def plan_or_fail(fold: YearFold, args: argparse.Namespace | None = None) -> Any:
    unit = getattr(args, "unit", "") or None
    year = getattr(args, "year", 0) or None
    plan_fold = fold.plan_fold(unit, year)
    if plan_fold is None or plan_fold.plan is None:
        raise fail("ledger.no_plan")
    return plan_fold


def reader(args: argparse.Namespace) -> Callable[[Any], dict[int, Any]]:
    """Reads events back from the log by position (for the texts reports show)."""
    from projections.stream import read_at

    log = log_reader(args.ledger.app)
    return lambda positions: read_at(log, positions)


def moment_of(fold: YearFold) -> str:
    clocks: Clocks = fold.clocks
    text = f"截至 {clocks.as_of}" if clocks.as_of else "当前"
    if clocks.known_at:
        text += f"（以 {clocks.known_at:%Y-%m-%d %H:%M} UTC 时的记录为准）"
    return text


STATUS = {"on_track": "正常", "late": "滞后", "done": "完成"}


@report("standings")
def standings_report(fold: YearFold, args: argparse.Namespace, today: dt.date) -> Any:
    plan_fold = plan_or_fail(fold, args)
    s = standings(plan_fold, today=today, as_of=fold.clocks.as_of, known_at=fold.clocks.known_at,
                  position=fold.position)
    title = f"{s.unit} {s.year} 年度绩效得分 · {moment_of(fold)} · 总分 {s.total} · 等次 {s.grade}"
    if s.veto:
        title += " · 一票否决"
    summary = [["职能工作目标", "", s.functional], ["行政能力目标", "", s.capacity],
               ["正向激励加分", f"上限 {s.bonus.cap}", s.bonus.applied],
               ["单位扣分", f"上限 {s.unit_deductions.cap}", -s.unit_deductions.applied],
               ["总分", s.grade, s.total], ["预计总分（按自评）", "", s.projected_total]]
    summary += veto_rows(s, args)
    cats = [[c.name, c.points, c.score, c.projected] for c in s.categories]
    section = getattr(args, "section", "")
    secs = [[x.name, x.points, x.score, x.rate, x.grade + ("（一票否决）" if x.veto else "")]
            for x in s.sections if not section or x.id == section]
    inds = [[i.id, i.name, i.points, i.score, i.projected, i.tier, i.self_tier, i.deductions,
             i.section, i.progress, STATUS.get(i.status, i.status)]
            for i in s.indicators if not section or i.section == section]
    sheets = [
        ("总分", ["项目", "说明", "得分"], summary),
        ("类别", ["类别", "分值", "得分", "预计"], cats),
        ("股室", ["股室", "分值", "得分", "得分率", "等次"], secs),
        ("指标", ["编号", "指标", "分值", "得分", "预计", "定档", "自评", "扣分", "股室", "进度%",
                "状态"], inds),
    ]
    return title, sheets, s


def veto_rows(s: Any, args: argparse.Namespace) -> list[list[Any]]:
    """Why the grade is the lowest: each valid veto's target, reason and basis."""
    from projections.standings import veto_notes

    if not s.vetoes or getattr(args, "ledger", None) is None:
        return []
    names = {x.id: x.name for x in s.sections}
    return [["一票否决", names.get(v.section, v.section) or "单位", note] for v, note in veto_notes(s, reader(args))]


from tui.cli import reports as _more  # noqa: E402  (registers the other reports, in order)

file_report = _more.file_report
audit_report = _more.audit_report

__all__ = ["DOCUMENTS", "REPORTS", "emit", "report"]
