"""Pictures of each screen, in Chinese at 100x30, on the demo year, with a fixed clock.

Update them after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Select

from domain.commands import Ledger
from tests.tui_helpers import SIZE, make_app, settle


def shoot(snap_compare: Any, app: Any, before: Any = None) -> bool:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        if before is not None:
            await before(pilot)
            await settle(pilot)

    return snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_standings(snap_compare: Any, demo: Ledger) -> None:
    assert shoot(snap_compare, make_app(demo, "linliyan"))


def test_standings_as_of_the_third_quarter(snap_compare: Any, demo: Ledger) -> None:
    async def before(pilot: Any) -> None:
        await pilot.press("left_square_bracket", "left_square_bracket")

    assert shoot(snap_compare, make_app(demo, "linliyan"), before)


def test_indicators_of_a_clerk(snap_compare: Any, demo: Ledger) -> None:
    async def before(pilot: Any) -> None:
        await pilot.press("2")

    assert shoot(snap_compare, make_app(demo, "yijiepin"), before)


def test_work_ledger(snap_compare: Any, demo: Ledger) -> None:
    async def before(pilot: Any) -> None:
        pilot.app.open_work_ledger("K05.1")

    assert shoot(snap_compare, make_app(demo, "chenwencai"), before)


def test_audit_trail(snap_compare: Any, demo: Ledger) -> None:
    async def before(pilot: Any) -> None:
        await pilot.press("4")

    assert shoot(snap_compare, make_app(demo, "gongfuan"), before)


def test_entry_form_with_preview(snap_compare: Any, demo: Ledger) -> None:
    async def before(pilot: Any) -> None:
        await pilot.press("5")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#en-kind", Select).value = "self_assess"
        await pilot.pause(0.3)
        await settle(pilot)
        screen.query_one("#f-indicator", Select).value = "K06.1"
        screen.query_one("#f-tier", Select).value = "一档"
        screen.query_one("#f-note", Input).value = "已完成全部选认派驻"
        await pilot.pause(0.4)

    assert shoot(snap_compare, make_app(demo, "chenwencai"), before)


def test_reports(snap_compare: Any, demo: Ledger) -> None:
    async def before(pilot: Any) -> None:
        await pilot.press("6")

    assert shoot(snap_compare, make_app(demo, "huangyaqiong"), before)
