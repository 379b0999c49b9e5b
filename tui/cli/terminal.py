"""`jixiao` (no command) and `jixiao tui [--as USER]`: open the terminal UI on a ledger.

Where no ledger exists yet at the default location (or $JIXIAO_DB), one is created with
the bundled plan and the app offers to fill a demo year. A ledger that cannot be opened
gets a clear message, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from domain.access_accounts import bind_creator
from domain.demo import generate
from domain.errors import JixiaoError
from domain.plan_io import bundled_plan
from projections.filing import Filer
from store import FileDamaged, Location, open_ledger, open_store, resolve_db
from tui.cli.common import actor_of, check_identity, lang_of, os_account
from tui.cli.demo import StderrBar
from tui.i18n import label
from tui.outfile import Destination


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("tui", parents=[common], help="open the terminal UI (the default)")
    p.add_argument("--ssh", action="store_true",
                   help="a forced-command SSH session (set by `ssh authorized-keys`): exports go "
                        "only into the person's export folder under the ledger's data directory")
    p.set_defaults(handler=run)


def _lang(args: argparse.Namespace) -> str:
    return lang_of(args)


def open_or_create(args: argparse.Namespace, *, ask: Any = None) -> Any:
    """The ledger to show; a new one (first run) gets the bundled plan, and a demo year
    if the user accepts the offer (`ask(question) -> bool`, default: the terminal)."""
    lang = _lang(args)
    db = resolve_db(getattr(args, "db", None))
    first = not Location.of(db).is_postgres and not Path(db).exists()
    ledger = open_ledger(db, create=first)
    if ledger.max_position():
        try:
            check_identity(ledger, args)
        except BaseException:
            ledger.close()
            raise
    else:
        plan = bundled_plan()
        ask = ask or _ask_terminal
        if ask(label("app.demo_offer", lang)):
            ledger.close()
            with open_store(db) as demo_store, StderrBar(label("progress.demo", lang)) as progress:
                filer = Filer(demo_store.log)  # every report filed with its content, as a user files it
                try:
                    stats = generate(demo_store, plan=plan, content=filer, progress=progress)
                finally:
                    filer.close()
            print(label("app.demo_done", lang, n=stats.events), file=sys.stderr)
            ledger = open_ledger(db, create=False)
        else:
            ledger.bootstrap(plan, source="tui")
        bind_creator(ledger, os_account(), source="tui")  # the creator's account acts as the admin
        print(label("app.created", lang, where=db, unit=plan.unit, year=plan.year), file=sys.stderr)
    return ledger


def _ask_terminal(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes", "是", "好")


def run(args: argparse.Namespace) -> int:
    lang = _lang(args)
    try:
        ledger = open_or_create(args)
    except JixiaoError:
        raise
    except FileDamaged as exc:
        print(_store_message(exc, lang), file=sys.stderr)
        return 1
    except Exception as exc:  # unreachable server and the like: a message, not a traceback
        print(label("app.unopenable", lang, detail=f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return 1
    from tui.app import JixiaoApp  # Textual: only when the terminal UI opens

    with ledger:
        exports = Destination.confined(ledger.db, actor_of(args)) if getattr(args, "ssh", False) else None
        app = JixiaoApp(ledger, actor_of(args), lang=lang, exports=exports)
        code = app.run()
    return code or 0


def _store_message(exc: Exception, lang: str) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return label("app.locked", lang, detail=text)
    return label("app.corrupt", lang, detail=text)
