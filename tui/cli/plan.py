"""`jixiao plan check|show|export|import`: the plan file before (and besides) the ledger."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from domain.errors import fail
from domain.plan import Plan
from domain.plan_io import bundled_plan, bundled_plan_text, check_plan_size, dump_toml, load_plan, write_plan
from domain.rules import check
from projections.plan_status import status_rows, status_view, toml_header
from projections.plan_tree import TREE_HEADERS, plan_rows, plan_summary, plan_tree
from tui.cli import plan_approval, plan_import
from tui.cli.common import destination_of, lang_of, ledger_plan
from tui.cli.output import deliver, render_table, to_json

SUMMARY = {
    "zh": "方案合规：{parts}；合计 {total} 分",
    "en": "plan is valid: {parts}; total {total} points",
}
PART = {"zh": "{name} 一级{first_level}/二级{second_level}项 {points}分",
        "en": "{name} {first_level} first-level / {second_level} second-level, {points} pts"}
VIOLATIONS = {"zh": "发现 {n} 处不符合规则", "en": "{n} rule violation(s) found"}
MORE = {"zh": "……只列出前 {shown} 处，共 {n} 处", "en": "… only the first {shown} shown, of {n}"}
SHOWN = 50  # a plan with thousands of faults: the first ones and the count, not a flood


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    plan = sub.add_parser("plan", parents=[common], help="check, show, export and import plan files")
    psub = plan.add_subparsers(dest="plan_command", metavar="ACTION")

    p = psub.add_parser("check", parents=[common], help="check a plan file against its rules")
    p.add_argument("file", nargs="?", help="a .toml or .xlsx plan (default: the bundled plan)")
    p.set_defaults(handler=check_cmd)

    p = psub.add_parser("show", parents=[common], help="print the indicator tree")
    p.add_argument("file", nargs="?", help="a .toml or .xlsx plan (default: the ledger's or bundled)")
    p.add_argument("--format", choices=("table", "json", "csv", "md"), default="table")
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    p.add_argument("--force", action="store_true", help="overwrite the -o file if it exists")
    p.set_defaults(handler=show)

    p = psub.add_parser("export", parents=[common], help="write a plan out as TOML or Excel")
    p.add_argument("file", nargs="?", help="a .toml or .xlsx plan (default: the ledger's or bundled)")
    p.add_argument("--format", choices=("toml", "xlsx"), default="toml")
    p.add_argument("-o", "--output", help="output file (required for xlsx)")
    p.add_argument("--force", action="store_true", help="overwrite the -o file if it exists")
    p.set_defaults(handler=export)


    plan_import.register(psub, common)
    plan_approval.register(psub, common)


def _lang(args: argparse.Namespace) -> str:
    return lang_of(args)


def resolve_plan(args: argparse.Namespace) -> Plan:
    """The plan a command is about: the FILE given, else the ledger's, else the bundled one."""
    if args.file:
        return load_plan(args.file)
    return ledger_plan(args) or bundled_plan()


def check_cmd(args: argparse.Namespace) -> int:
    lang = _lang(args)
    read = None
    if args.file and args.file.lower().endswith(".xlsx"):
        from domain.plan_xlsx import read_xlsx_report  # openpyxl only when a workbook is read

        check_plan_size(Path(args.file))
        try:
            read = read_xlsx_report(args.file)
        except RecursionError:
            raise fail("file.too_deep", where=args.file) from None
        plan, text, where = read.plan, None, args.file
        for warning in read.warnings:
            print(warning.message(lang), file=sys.stderr)
    elif args.file:
        plan = load_plan(args.file)
        text = Path(args.file).read_text(encoding="utf-8") if args.file.endswith(".toml") else None
        where = args.file
    else:
        plan, text, where = bundled_plan(), bundled_plan_text(), "anxi_kjj_2021.toml"
    problems = check(plan, text)
    if problems:
        for problem in problems[:SHOWN]:
            cell = _rule_cell(problem, read)
            place = where + (f":{problem.line}" if problem.line else "") + (f":{cell}" if cell else "")
            ident = f" [{problem.where}]" if problem.where else ""
            print(f"{place}: {problem.code}{ident}: {problem.text(lang)}")
        if len(problems) > SHOWN:
            print(MORE[lang].format(shown=SHOWN, n=len(problems)))
        print(VIOLATIONS[lang].format(n=len(problems)), file=sys.stderr)
        return 1
    parts = "；" if lang == "zh" else "; "
    summary = plan_summary(plan)
    print(SUMMARY[lang].format(
        parts=parts.join(PART[lang].format(**s) for s in summary),
        total=sum(s["points"] for s in summary),
    ))
    return 0


def _rule_cell(problem: Any, read: Any) -> str | None:
    if read is None:
        return None
    from domain.plan_xlsx_cells import rule_cell

    return rule_cell(problem, read)


def show(args: argparse.Namespace) -> int:
    plan = resolve_plan(args)
    status = plan_approval.ledger_status(args)  # the ledger's plan: where it stands (报审、批复、印发)
    fmt = getattr(args, "format", "table")
    if fmt == "json":
        tree = plan_tree(plan)
        text = to_json({**tree, "status": status_view(status)} if status is not None else tree) + "\n"
    else:
        text = render_table(TREE_HEADERS[_lang(args)], plan_rows(plan), fmt)
        if fmt == "table":
            header = f"{plan.title}\n{status_view(status)['summary']}" if status is not None else plan.title
            text = f"{header}\n\n{text}"
    deliver(text, getattr(args, "output", None), destination_of(args))
    return 0


def export(args: argparse.Namespace) -> int:
    plan = resolve_plan(args)
    if args.format == "xlsx":
        if not args.output:
            print("xlsx needs -o FILE", file=sys.stderr)
            return 2
        destination_of(args).refuse_early(args.output)
        status = plan_approval.ledger_status(args)
        write_plan(plan, args.output, "xlsx", [("方案审批", status_rows(status))] if status is not None else ())
    else:
        status = plan_approval.ledger_status(args)
        deliver((toml_header(status) if status is not None else "") + dump_toml(plan), args.output,
                destination_of(args))
    return 0

