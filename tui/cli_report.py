"""`jixiao report <name>`: every read model as a table, JSON, CSV, Markdown or Excel."""

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
from tui.output import render_table, to_json, write_xlsx_table

# name -> builder(fold, args, today) -> (title, sheets, json data)
Sheet = tuple[str, list[str], list[list[Any]]]
Builder = Callable[[YearFold, argparse.Namespace, dt.date], tuple[str, list[Sheet], Any]]
REPORTS: dict[str, Builder] = {}


def report(name: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        REPORTS[name] = builder
        return builder

    return register


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("report", parents=[common], help="standings, ledgers and reports")
    p.add_argument("name", choices=sorted(REPORTS) or None, help="which report")
    p.add_argument("--section", default="")
    p.add_argument("--indicator", default="")
    p.add_argument("--as-of", help="effective date YYYY-MM-DD: what had happened by then")
    p.add_argument("--known-at", help="recorded time YYYY-MM-DD[THH:MM[:SS]] (UTC): what the ledger knew then")
    p.add_argument("--format", choices=("table", "json", "csv", "md", "xlsx"), default="table")
    p.add_argument("-o", "--output", help="write to this file (required for xlsx)")
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


def run_report(args: argparse.Namespace) -> int:
    from tui.cli_ledger import open_ledger

    as_of = parse_date("as-of", args.as_of)
    known = known_at(args.known_at)
    with open_ledger(args) as ledger:
        fold = replay(ledger.app, as_of=as_of, known_at=known)
        today = business_date(ledger.clock())
        args.ledger = ledger
        title, sheets, data = REPORTS[args.name](fold, args, today)
    emit(title, sheets, data, args.format, args.output)
    return 0


def emit(title: str, sheets: list[Sheet], data: Any, fmt: str, output: str | None) -> None:
    if fmt == "xlsx":
        if not output:
            raise fail("value.required", field="-o FILE")
        write_xlsx_table(Path(output), sheets, title_rows=[[title]])
        return
    if fmt == "json":
        text = to_json(data) + "\n"
    else:
        parts = [f"# {title}\n" if fmt == "md" else f"{title}\n"] if fmt != "csv" else []
        for name, headers, rows in sheets:
            if fmt != "csv" and len(sheets) > 1:
                parts.append(f"\n## {name}\n\n" if fmt == "md" else f"\n{name}\n")
            parts.append(render_table(headers, rows, fmt))
        text = "".join(parts)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def plan_or_fail(fold: YearFold) -> Any:
    plan_fold = fold.plan_fold()
    if plan_fold is None or plan_fold.plan is None:
        raise fail("ledger.no_plan")
    return plan_fold


STATUS = {"on_track": "正常", "late": "滞后", "done": "完成"}


@report("standings")
def standings_report(fold: YearFold, args: argparse.Namespace, today: dt.date) -> Any:
    plan_fold = plan_or_fail(fold)
    s = standings(plan_fold, today=today, as_of=fold.clocks.as_of, known_at=fold.clocks.known_at,
                  position=fold.position)
    moment = f"截至 {s.as_of}" if s.as_of else "当前"
    if s.known_at:
        moment += f"（以 {s.known_at:%Y-%m-%d %H:%M} UTC 时的记录为准）"
    title = f"{s.unit} {s.year} 年度绩效得分 · {moment} · 总分 {s.total} · 等次 {s.grade}"
    if s.veto:
        title += " · 一票否决"
    summary = [["职能工作目标", "", s.functional], ["行政能力目标", "", s.capacity],
               ["正向激励加分", f"上限 {s.bonus.cap}", s.bonus.applied],
               ["单位扣分", f"上限 {s.unit_deductions.cap}", -s.unit_deductions.applied],
               ["总分", s.grade, s.total], ["预计总分（按自评）", "", s.projected_total]]
    cats = [[c.name, c.points, c.score, c.projected] for c in s.categories]
    secs = [[x.name, x.points, x.score, x.rate, x.grade] for x in s.sections]
    section = getattr(args, "section", "")
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


__all__ = ["REPORTS", "report"]
