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
        with _progress(args.quiet or not sys.stderr.isatty()) as progress:
            stats = generate(store, seed=args.seed, units=args.units, years=args.years, content=filer,
                             progress=progress)
        filer.close()
    finally:
        store.close()
    elapsed = time.monotonic() - started
    print(f"{db}: {stats.units} 个单位 × {stats.years} 年，{stats.actions} 项操作，{stats.events} 个事件"
          f"（{elapsed:.1f} 秒）")
    return 0


class _progress:
    """A progress bar on standard error for long runs; nothing when quiet."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Any:
        if self.quiet:
            return None
        # rich's progress bars: imported only when one is drawn (`jixiao demo` on a terminal)
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn("生成演示数据"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            console=Console(stderr=True), transient=True)
        self.bar.__enter__()

        def update(done: int, total: int) -> None:
            if self.task is None:
                self.task = self.bar.add_task("demo", total=total)
            if done % 50 == 0 or done == total:
                self.bar.update(self.task, completed=done)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
