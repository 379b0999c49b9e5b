"""`jixiao plan import SHEET.xlsx -o PLAN.toml`: an office's own indicator table as a plan file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.errors import fail
from domain.plan_io import write_plan
from domain.rules import check
from projections.plan_tree import plan_summary
from tui.cli.common import lang_of

if TYPE_CHECKING:
    from domain.plan_sheet_build import SheetImport

TEXT = {
    "zh": {
        "read": "读取 {sheet}：{unit} {year} · {title}",
        "category": "  {name}：一级指标 {first_level} 项，二级指标 {second_level} 项，{points} 分",
        "created": "新建考评对象 {sections} 个：{section_names}；人员 {people} 人：{people_names}",
        "guesses": "推定的值（{n} 处）：",
        "warnings": "提醒（{n} 处）：",
        "errors": "发现 {n} 处错误，未写入任何文件",
        "rules": "写出的方案尚不符合规则（{n} 处），请在 plan check 中修改：",
        "wrote": "已写入 {path}；下一步：jixiao plan check {path}，再 jixiao init --plan {path}",
        "exists": "{path} 已存在；加 --force 覆盖",
        "suffix": "-o 应为 .toml 或 .xlsx 文件：{path}",
    },
    "en": {
        "read": "read {sheet}: {unit} {year} · {title}",
        "category": "  {name}: {first_level} first-level, {second_level} second-level, {points} points",
        "created": "created {sections} sections: {section_names}; {people} people: {people_names}",
        "guesses": "values guessed ({n}):",
        "warnings": "warnings ({n}):",
        "errors": "{n} error(s) found; nothing written",
        "rules": "the plan written does not pass its rules yet ({n}); fix them with plan check:",
        "wrote": "wrote {path}; next: jixiao plan check {path}, then jixiao init --plan {path}",
        "exists": "{path} exists; pass --force to overwrite it",
        "suffix": "-o must be a .toml or .xlsx file: {path}",
    },
}


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


def report_lines(result: SheetImport, lang: str) -> list[str]:
    """What was read, created and guessed, line by line (the TUI shows the same)."""
    t = TEXT[lang]
    lines: list[str] = []
    plan = result.plan
    if plan is not None:
        lines.append(t["read"].format(sheet=result.sheet, unit=plan.unit, year=plan.year,
                                      title=plan.title))
        lines.extend(t["category"].format(**s) for s in plan_summary(plan))
        sep = "、" if lang == "zh" else ", "
        lines.append(t["created"].format(
            sections=len(result.sections), people=len(result.people),
            section_names=sep.join(f"{s.name}={s.id}" for s in result.sections),
            people_names=sep.join(f"{p.name}={p.id}" for p in result.people)))
    for key, problems in (("guesses", result.guesses), ("warnings", result.warnings)):
        if problems:
            lines.append(t[key].format(n=len(problems)))
            lines.extend(f"  {p.message(lang)}" for p in problems)
    return lines


def import_cmd(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    t = TEXT[lang]
    out = Path(args.output)
    if out.suffix.lower() not in (".toml", ".xlsx"):
        print(t["suffix"].format(path=out), file=sys.stderr)
        return 2
    if out.exists() and not args.force:
        print(t["exists"].format(path=out), file=sys.stderr)
        return 1
    from domain.plan_sheet_build import import_sheet  # openpyxl only when a sheet is read

    result = import_sheet(args.sheet_file, sheet=args.sheet, unit=args.unit, year=args.year,
                          title=args.title)
    if result.errors or result.plan is None:
        for line in report_lines(result, lang):
            print(line, file=sys.stderr)
        for problem in result.errors:
            print(problem.message(lang), file=sys.stderr)
        print(t["errors"].format(n=len(result.errors)), file=sys.stderr)
        return 1
    for line in report_lines(result, lang):
        print(line)
    problems = check(result.plan)
    if problems:
        print(t["rules"].format(n=len(problems)))
        for problem in problems:
            print(f"  {problem.code} [{problem.where}]: {problem.text(lang)}")
    try:
        write_plan(result.plan, out, out.suffix.lower().lstrip("."))
    except OSError as exc:
        raise fail("file.unwritable", where=str(out), detail=exc) from None
    print(t["wrote"].format(path=out))
    return 0
