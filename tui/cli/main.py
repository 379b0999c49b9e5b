"""The command line: the other face of the same domain calls the TUI makes.

Every command that a user can get wrong prints a clear message in the user's language
and exits non-zero; tracebacks are for bugs only.

Lazy loading, the one rule: imports sit at the top of their module, except where a
dependency would make every command start slower than the few that use it. Those are
imported in the function that needs them, and tests/test_architecture.py lists each:
the terminal UI (`tui.app`: Textual, most of a second) when `jixiao` / `jixiao tui` opens it,
openpyxl when a workbook is read or written, rich's progress bars when one is drawn,
psycopg when a PostgreSQL ledger is opened; and the app's screens when first shown
(tui/screens/__init__.py). Every command module is imported here, at start-up: `jixiao
--help` lists them all.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path

from domain.errors import JixiaoError
from domain.messages import render
from store import Location, resolve_db
from tui.cli import (
    chain,
    db,
    demo,
    evidence,
    internal,
    ledger,
    meeting,
    plan,
    ranking,
    remote,
    report,
    ssh,
    terminal,
    users,
)
from tui.cli.common import actor_of, lang_of
from tui.cli.words import Parser, language_of, use

Handler = Callable[[argparse.Namespace], int]


def _common(parser: argparse.ArgumentParser, top: bool) -> None:
    """Options accepted both before and after the subcommand."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--lang", choices=("zh", "en"), default=default,
                        help="language of messages (zh by default)")
    parser.add_argument("--db", default=default,
                        help="ledger: a SQLite file path or postgresql:// URL "
                             "(default: $JIXIAO_DB, else the per-user data dir)")
    parser.add_argument("--as", dest="actor", default=default, metavar="USER",
                        help="act as this user (default: the ledger's admin)")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="jixiao", description="绩效台账 · performance-evaluation ledger")
    parser.add_argument("--version", action="version", version=f"jixiao {version('jixiao')}")
    _common(parser, top=True)
    parser.add_argument("--remote", action="store_true",
                        help=argparse.SUPPRESS)  # a command sent over SSH: results only to standard output
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = Parser(add_help=False)
    _common(common, top=False)
    for module in (plan, ledger, users, internal, meeting, ranking, report, evidence, chain, ssh, terminal, demo, db):
        module.register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    use(language_of(sys.argv[1:] if argv is None else argv))  # help and argparse's errors in that language
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        default = getattr(args, "default_handler", None)
        if args.command is None:
            handler = terminal.run
        elif default is not None:
            handler = default
        else:
            parser.parse_args([args.command, "--help"])
            return 2
    logging.raiseExceptions = False  # a log that cannot be written (a full disk) prints no traceback
    _log_refusals(args)
    sent = os.environ.get("SSH_ORIGINAL_COMMAND")
    if args.command == "tui" and getattr(args, "ssh", False) and sent:  # a command sent over SSH
        try:
            return remote.run_remote(resolve_db(args.db), actor_of(args), sent, main)
        except JixiaoError as exc:
            print(_first_problems(exc, lang_of(args)), file=sys.stderr)
            return 1
    if args.command in (None, "tui") and not (sys.stdin.isatty() and sys.stdout.isatty()):
        return _no_terminal(args)
    try:
        return handler(args)
    except JixiaoError as exc:
        print(_first_problems(exc, lang_of(args)), file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0


SHOWN = 50  # thousands of problems (a plan's faults): the first ones and the count


def _first_problems(exc: JixiaoError, lang: str) -> str:
    text = "\n".join(p.message(lang) for p in exc.problems[:SHOWN])
    if len(exc.problems) > SHOWN:
        text += "\n" + render("problems.more", lang, shown=str(SHOWN), n=str(len(exc.problems)))
    return text


def _no_terminal(args: argparse.Namespace) -> int:
    """The terminal UI without a terminal (e.g. `ssh -T`, or a command sent over SSH with no
    pty): a clear refusal, logged like any other."""
    actor = getattr(args, "actor", None) or "-"
    logging.getLogger("jixiao.refused").warning("refused: actor=%s command=tui: no terminal", actor)
    print(render("tui.no_terminal", lang_of(args)), file=sys.stderr)
    return 1


def _log_refusals(args: argparse.Namespace) -> None:
    """Refused commands go to `<ledger>.log` (owner-only) or $JIXIAO_LOG, never to the screen."""
    path = os.environ.get("JIXIAO_LOG")
    db = resolve_db(getattr(args, "db", None))
    if not path and not Location.of(db).is_postgres and Path(db).parent.is_dir():
        path = db + ".log"
    if not path:
        return
    logger = logging.getLogger("jixiao")
    if any(getattr(h, "baseFilename", None) == os.path.abspath(path) for h in logger.handlers):
        return  # already there (a command sent over SSH runs inside its session's call)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    logger = logging.getLogger("jixiao")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


if __name__ == "__main__":
    raise SystemExit(main())
