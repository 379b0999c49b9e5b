"""`jixiao demo`: generate a realistic evaluation year (or a county's years) into a ledger."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from domain.demo import generate
from domain.errors import fail
from projections.filing import Filer
from store import open_store, resolve_db
from tui.cli.common import lang_of
from tui.cli.db import prepare_views
from tui.i18n import label


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", parents=[common], help="generate a realistic year into an empty ledger")
    p.add_argument("--seed", type=int, default=2021, help="the same seed gives the same ledger")
    p.add_argument("--units", type=int, default=1, help="units of the county, each with its own plan")
    p.add_argument("--years", type=int, default=1, help="consecutive years from the plan's year")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    for field, value, top in (("units", args.units, 500), ("years", args.years, 20)):
        if not 1 <= value <= top:
            raise fail("demo.range", field=field, actual=value, allowed=top)
    db = resolve_db(getattr(args, "db", None))
    store = open_store(db)
    app = store.app
    prepare_views(db, lang_of(args))  # on PostgreSQL: the read models' tables, as `jixiao init` makes them
    try:
        if app.recorder.max_notification_id():
            raise fail("demo.not_empty", where=db)
        filer = Filer(store.log)
        started = time.monotonic()
        with StderrBar(label("progress.demo", lang_of(args)), args.quiet) as progress:
            stats = generate(store, seed=args.seed, units=args.units, years=args.years, content=filer,
                             progress=progress)
        filer.close()
    finally:
        store.close()
    elapsed = time.monotonic() - started
    print(f"{db}: {stats.units} 个单位 × {stats.years} 年，{stats.actions} 项操作，{stats.events} 个事件"
          f"（{elapsed:.1f} 秒）")
    return 0


class StderrBar:
    """A progress bar on standard error, for long work on a terminal: `with StderrBar(what) as
    update: ... update(done, total)`. Nothing is drawn when quiet, when standard error is not a
    terminal, or while the work is smaller than `least` (a first open of a small ledger)."""

    def __init__(self, what: str, quiet: bool = False, least: int = 0) -> None:
        self.what = what
        self.quiet = quiet or not sys.stderr.isatty()
        self.least = least
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Any:
        return None if self.quiet else self.update

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < self.least:
                return
            self._start()
        if self.task is None:
            self.task = self.bar.add_task("work", total=total)
        if done % 50 == 0 or done == total or total > 10_000:
            self.bar.update(self.task, completed=done, total=total)

    def _start(self) -> None:
        # rich's progress bars: imported only when one is drawn (long work on a terminal)
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn(self.what.replace("[", "\\[")), BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), console=Console(stderr=True), transient=True)
        self.bar.__enter__()

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
