"""`jixiao internal ...`: the internal evaluation (内部考评); its report is `jixiao report
internal` (tui/reports/internal.py).

The leadership group sets the bonus pool and the method, rates sections and staff, and
locks the results; the report (Markdown or Excel) is what goes to the county office.
"""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

from domain.errors import fail
from domain.plan import Grade
from domain.validate import parse_date
from tui.cli.common import actor_of, open_ledger, usage
from tui.reports.internal import current_results, lock_now


def register(sub: Any, common: argparse.ArgumentParser) -> None:

    top = sub.add_parser("internal", parents=[common], help="the internal evaluation (内部考评) and bonus split")
    isub = top.add_subparsers(dest="internal_command", metavar="ACTION")
    top.set_defaults(default_handler=usage(top))

    def action(name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
        p = isub.add_parser(name, parents=[common], help=help_text)
        p.add_argument("--reason", default="", help="why (kept with the event)")
        p.set_defaults(handler=handler)
        return p

    p = action("pool", "set the year's bonus pool, in yuan (e.g. 123456.78)", _pool)
    p.add_argument("amount", help="yuan, at most 2 decimals")
    p.add_argument("--effective", help="business date YYYY-MM-DD (default: today)")

    p = action("method", "set the method: share, weights, grades and coefficients", _method)
    p.add_argument("--share", help="share of the pool split by rating (default 0.2)")
    p.add_argument("--standings-weight", help="weight of the standings rate in a section's score (default 0.7)")
    p.add_argument("--basis", choices=("coefficient", "score"), help="split by grade coefficient or by score")
    p.add_argument("--grade", dest="grades", action="append", default=[], metavar="NAME=MIN",
                   help="an internal grade and its threshold (repeat; default: the plan's grades)")
    p.add_argument("--coefficient", action="append", default=[], metavar="GRADE=X",
                   help="coefficient of an internal grade (repeat)")
    p.add_argument("--category-weight", action="append", default=[], metavar="CATEGORY=X",
                   help="base weight of a staff category (repeat; default 1)")
    p.add_argument("--description")

    p = action("rate", "rate a person by a score (0-100) or a grade", _rate)
    p.add_argument("person")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--score")
    group.add_argument("--grade")
    p.add_argument("--category", default="", help="staff category (default 领导 for leaders, else 干部)")
    p.add_argument("--section", help="the person's section (default: their own)")
    p.add_argument("--rater", default="", help="who rated (default: you)")
    p.add_argument("--effective", help="business date YYYY-MM-DD (default: today)")

    p = action("rate-section", "the leadership group's rating of a section (0-100)", _rate_section)
    p.add_argument("section")
    p.add_argument("--score", required=True)
    p.add_argument("--rater", default="")
    p.add_argument("--effective", help="business date YYYY-MM-DD (default: today)")

    action("lock", "approve and lock the results as they stand now", _lock)

    p = action("void", "void a rating or the lock (a correction; it stays in the log)", _void)
    p.add_argument("position", type=int, help="global position of the rating or lock")


def _pairs(values: list[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise fail("value.pair", field=what, actual=item)
        out[name.strip()] = value.strip()
    return out


def _done(ledger: Any, event: Any) -> int:
    pos = ledger.last_positions[-1] if ledger.last_positions else 0
    print(f"#{pos} {event.kind} · {event.actor} ({event.role}) · {event.effective}")
    return 0


def _call(args: argparse.Namespace, call: Any) -> int:

    with open_ledger(args) as ledger:
        return _done(ledger, call(ledger, actor_of(args)))


def _pool(args: argparse.Namespace) -> int:
    return _call(args, lambda lg, who: lg.set_bonus_pool(
        who, args.amount, reason=args.reason, effective=parse_date("effective", args.effective)))


def _method(args: argparse.Namespace) -> int:
    grades = None
    if args.grades:
        grades = []
        for name, value in _pairs(args.grades, "--grade").items():
            try:
                grades.append(Grade(name=name, min=Decimal(value)))
            except ArithmeticError:
                raise fail("value.number", field=f"--grade {name}", actual=value) from None
    return _call(args, lambda lg, who: lg.set_internal_method(
        who, share=args.share, standings_weight=args.standings_weight, basis=args.basis, grades=grades,
        coefficients=_pairs(args.coefficient, "--coefficient") or None,
        category_weights=_pairs(args.category_weight, "--category-weight") or None,
        description=args.description, reason=args.reason))


def _rate(args: argparse.Namespace) -> int:
    return _call(args, lambda lg, who: lg.rate_staff(
        who, args.person, score=args.score, grade=args.grade or "", category=args.category,
        section=args.section, rater=args.rater, reason=args.reason,
        effective=parse_date("effective", args.effective)))


def _rate_section(args: argparse.Namespace) -> int:
    return _call(args, lambda lg, who: lg.rate_section(
        who, args.section, args.score, rater=args.rater, reason=args.reason,
        effective=parse_date("effective", args.effective)))


def _lock(args: argparse.Namespace) -> int:

    with open_ledger(args) as ledger:
        return _done(ledger, lock_now(ledger, actor_of(args), reason=args.reason))


def _void(args: argparse.Namespace) -> int:
    return _call(args, lambda lg, who: lg.correct(who, args.position, reason=args.reason))

__all__ = ["current_results", "lock_now"]
