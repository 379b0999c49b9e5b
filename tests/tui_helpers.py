"""Driving the terminal UI in tests: a real ledger, a fixed clock, Textual's Pilot."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static
from textual.worker import WorkerCancelled

from domain.commands import Ledger
from tui.app import JixiaoApp

SIZE = (100, 30)


def make_app(ledger: Ledger, actor: str, *, clock: Callable[[], dt.datetime] | None = None,
             poll: float | None = None, lang: str = "zh") -> JixiaoApp:
    return JixiaoApp(ledger, actor, clock=clock, lang=lang, poll_interval=poll, steady=True)


async def settle(pilot: Pilot[Any], rounds: int = 3) -> None:
    """Let workers finish and the messages they post be handled."""
    for _ in range(rounds):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:  # the app is exiting (e.g. a ledger it cannot show)
            return
        await pilot.pause()


def drive(app: JixiaoApp, steps: Callable[[Pilot[Any]], Awaitable[None]], size: tuple[int, int] = SIZE) -> None:
    async def run() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await steps(pilot)

    asyncio.run(run())


def plain(renderable: Any, width: int = 200) -> str:
    """What a widget's content reads as on screen (styles dropped)."""
    console = Console(width=width, color_system=None, record=True)
    with console.capture() as captured:
        console.print(renderable)
    return captured.get()


def static_text(app: JixiaoApp, selector: str) -> str:
    return plain(app.screen.query_one(selector, Static).content)


def table_rows(app: JixiaoApp, selector: str = "DataTable") -> list[list[Any]]:
    table = app.screen.query_one(selector, DataTable)
    return [table.get_row_at(i) for i in range(table.row_count)]


async def goto(pilot: Pilot[Any], key: str) -> None:
    """Press a screen's key as a user does: first leaving a form field (Esc), which keeps the
    keys typed into it."""
    for _ in range(3):  # an open list closes first, then the field is left
        focused = pilot.app.focused
        if not (isinstance(focused, Input | Select) or (focused is not None and isinstance(focused.parent, Select))):
            break
        await pilot.press("escape")
        await pilot.pause()
    await pilot.press(key)
    await settle(pilot)
