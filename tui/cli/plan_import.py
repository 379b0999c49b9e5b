"""`jixiao plan import SHEET.xlsx -o PLAN.toml`: an office's own indicator table as a plan file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from domain.errors import fail
from domain.plan_io import check_plan_size, write_plan
from domain.rules import check
from projections.plan_import import TEXT, report_lines
from tui.cli.common import destination_of, lang_of


def register(psub: Any, common: argparse.ArgumentParser) -> None:
    p = psub.add_parser("import", parents=[common],
                        help="read an office's one-sheet indicator table (指标体系) into a plan file")
    p.add_argument("sheet_file", metavar="SHEET.xlsx", help="the office's workbook")
    p.add_argument("--sheet", help="the sheet holding the table (default: the first with a header)")
    p.add_argument("--unit", help="the unit (default: from the title row)")
    p.add_argument("--year", type=int, help="the year (default: from the title row)")
    p.add_argument("--title", help="the plan's title (default: the title row)")
    p.add_argument("-o", "--output", required=True, metavar="PLAN.toml|PLAN.xlsx",
                   help="the plan file to write")
    p.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    p.set_defaults(handler=import_cmd)


def import_cmd(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    t = TEXT[lang]
    out = Path(args.output)
    if out.suffix.lower() not in (".toml", ".xlsx"):
        print(t["suffix"].format(path=out), file=sys.stderr)
        return 2
    destination_of(args).path_of(args.output)  # never one of the ledger's own files
    if out.exists() and not args.force:
        print(t["exists"].format(path=out), file=sys.stderr)
        return 1
    from domain.plan_sheet_build import import_sheet  # openpyxl only when a sheet is read

    check_plan_size(Path(args.sheet_file))
    result = import_sheet(args.sheet_file, sheet=args.sheet, unit=args.unit, year=args.year,
                          title=args.title)
    if result.errors or result.plan is None:
        for line in report_lines(result, lang):
            print(line, file=sys.stderr)
        for problem in result.errors:
            print(problem.message(lang), file=sys.stderr)
        print(t["errors"].format(n=len(result.errors)), file=sys.stderr)
        return 1
    # the file first: what is printed after it may go to a reader that stops early (| head)
    try:
        write_plan(result.plan, out, out.suffix.lower().lstrip("."))
    except OSError as exc:
        raise fail("file.unwritable", where=str(out), detail=exc) from None
    for line in report_lines(result, lang):
        print(line)
    problems = check(result.plan)
    if problems:
        print(t["rules"].format(n=len(problems)))
        for problem in problems:
            print(f"  {problem.code} [{problem.where}]: {problem.text(lang)}")
    print(t["wrote"].format(path=out))
    return 0
