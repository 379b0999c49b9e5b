"""What every command group shares: the language, the actor, the ledger it opens."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from pathlib import Path
from typing import Any

import store
from domain.access_accounts import may_act_as
from domain.aggregates import PlanAggregate
from domain.commands import Ledger
from domain.errors import JixiaoError
from domain.plan import Plan
from store import Location, resolve_db
from tui.cli.words import gettext
from tui.outfile import Destination

try:
    import pwd
except ImportError:  # Windows: no password database; the login name instead
    pwd = None  # type: ignore[assignment]

DEFAULT_ACTOR = "admin"


def open_ledger(args: argparse.Namespace, *, create: bool = False) -> Ledger:
    """The ledger --db names, once the --as claim is accepted from this OS account."""
    ledger = store.open_ledger(getattr(args, "db", None), create=create)
    try:
        check_identity(ledger, args)
    except BaseException:
        ledger.close()
        raise
    return ledger


def os_account() -> str:
    """The operating-system account running this command (its effective user, not $USER)."""
    if pwd is not None:
        try:
            return pwd.getpwuid(os.geteuid()).pw_name
        except KeyError:
            return str(os.geteuid())
    return getpass.getuser()


def check_identity(ledger: Ledger, args: argparse.Namespace) -> None:
    """Refuse a --as this account may not claim (an empty ledger has nobody to claim yet)."""
    if not ledger.max_position():
        return
    actor = getattr(args, "actor", None)
    try:
        may_act_as(ledger.directory(), actor, os_account())
    except JixiaoError as exc:
        logging.getLogger("jixiao.refused").warning(
            "refused: actor=%s account=%s command=%s: %s", DEFAULT_ACTOR if actor is None else actor,
            os_account(), getattr(args, "command", None) or "tui", exc.message("en"))
        raise


def destination_of(args: argparse.Namespace) -> Destination:
    """Where this command's -o may write: never the ledger's files, over a file only with --force."""
    if getattr(args, "remote", False):  # sent over SSH: standard output only, an xlsx too
        return Destination(getattr(args, "db", None), stream=True)
    return Destination(getattr(args, "db", None), force=bool(getattr(args, "force", False)))


def actor_of(args: argparse.Namespace) -> str:
    return getattr(args, "actor", None) or DEFAULT_ACTOR


def ledger_plan_state(args: argparse.Namespace) -> PlanAggregate | None:
    """The ledger's current plan with its status, if a ledger with a plan exists where --db points."""
    where = Location.of(resolve_db(getattr(args, "db", None)))
    if not where.is_postgres and not Path(where.text).exists():
        return None
    with open_ledger(args) as ledger:
        directory = ledger.directory()
        if not directory.plans:
            return None
        return ledger.plan_state(ledger.plan_id(directory))


def ledger_plan(args: argparse.Namespace) -> Plan | None:
    """The ledger's current plan, if a ledger exists where --db points."""
    state = ledger_plan_state(args)
    return state.plan if state is not None else None


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
        raise argparse.ArgumentTypeError(gettext("must be 1 or more: %s") % value)
    return number


