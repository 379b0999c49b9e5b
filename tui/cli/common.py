"""What every command group shares: the language, the actor, the ledger it opens."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import store
from domain.commands import Ledger
from domain.plan import Plan
from store import resolve_db
from tui.outfile import Destination

DEFAULT_ACTOR = "admin"


def open_ledger(args: argparse.Namespace, *, create: bool = False) -> Ledger:
    return store.open_ledger(getattr(args, "db", None), create=create)


def destination_of(args: argparse.Namespace) -> Destination:
    """Where this command's -o may write: never the ledger's files, over a file only with --force."""
    return Destination(getattr(args, "db", None), force=bool(getattr(args, "force", False)))


def actor_of(args: argparse.Namespace) -> str:
    return getattr(args, "actor", None) or DEFAULT_ACTOR


def ledger_plan(args: argparse.Namespace) -> Plan | None:
    """The ledger's current plan, if a ledger exists where --db points."""
    db = resolve_db(getattr(args, "db", None))
    if not db.startswith("postgres") and not Path(db).exists():
        return None
    with open_ledger(args) as ledger:
        directory = ledger.directory()
        if not directory.plans:
            return None
        return ledger.plan_state(ledger.plan_id(directory)).plan


def lang_of(args: argparse.Namespace) -> str:
    lang = getattr(args, "lang", None) or os.environ.get("JIXIAO_LANG", "zh")
    return lang if lang in ("zh", "en") else "zh"


def usage(parser: argparse.ArgumentParser) -> Any:
    """A handler for a command given without its subcommand: usage, exit status 2."""

    def show(args: argparse.Namespace) -> int:
        parser.print_usage(sys.stderr)
        return 2

    return show


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {value}")
    return number


