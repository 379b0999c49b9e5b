"""Every screen at 80x24 and 120x35, in Chinese and in English: the header's event count and
every footer key whole, pictures of each (SVG, docs/screens/ with JIXIAO_SAVE_SCREENS=1);
the deadlines panel overdue first; the quarterly report's indicator frozen; the bar while
the ledger is folded."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, ProgressBar, Static

from domain.commands import Ledger
from tests.conftest import Clock
from tests.tui_helpers import drive, make_app, plain, settle
from tui.app import JixiaoApp, LoadingScreen

ROOT = Path(__file__).resolve().parents[2]
SCREENS = {"standings": ("1", "linliyan"), "indicators": ("2", "yijiepin"), "work_ledger": ("3", "chenwencai"),
           "audit": ("4", "gongfuan"), "entry": ("5", "chenwencai"), "reports": ("6", "huangyaqiong"),
           "internal": ("7", "yujunwei")}


def screen_text(app: JixiaoApp) -> list[str]:
    """The screen as its characters, line by line (a wide character once)."""
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


def footer_keys(app: JixiaoApp) -> list[str]:
    """What the footer promises: each shown key with its words."""
    shown = []
    for active in app.screen.active_bindings.values():
        b = active.binding
        if b.show and active.enabled:
            shown.append(f"{b.key_display or app.get_key_display(b)} {b.description}")
    return shown


@pytest.mark.parametrize("size", [(80, 24), (120, 35)], ids=["80x24", "120x35"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(SCREENS))
def test_every_screen_keeps_its_count_and_keys_whole(demo: Ledger, tmp_path: Path, name: str, lang: str,
                                                     size: tuple[int, int]) -> None:
    key, actor = SCREENS[name]
    app = make_app(demo, actor, lang=lang)
    where = ROOT / "docs" / "screens" if os.environ.get("JIXIAO_SAVE_SCREENS") else tmp_path

    async def steps(pilot: Any) -> None:
        if name == "work_ledger":
            pilot.app.open_work_ledger("K05.1")
        else:
            await pilot.press(key)
        await settle(pilot)
        await pilot.pause(0.3)
        lines = screen_text(pilot.app)
        count = pilot.app.t("app.events", n=demo.max_position())
        assert lines[0].rstrip().endswith(count), lines[0]
        footer = " ".join(lines[-1].split())
        for shown in footer_keys(pilot.app):
            assert " ".join(shown.split()) in footer, (shown, lines[-1])
        pilot.app.save_screenshot(f"{name}-{size[0]}x{size[1]}-{lang}.svg", path=str(where))

    drive(app, steps, size=size)
    assert (where / f"{name}-{size[0]}x{size[1]}-{lang}.svg").stat().st_size > 1000


def test_the_deadlines_panel_lists_overdue_items_first(ledger: Ledger) -> None:
    ledger.clock = Clock(dt.datetime(2021, 10, 5, 2, 0, tzinfo=dt.UTC))  # nothing filed; several due 09-30
    app = make_app(ledger, "linliyan")

    async def steps(pilot: Any) -> None:
        rows = plain(pilot.app.screen.query_one("#st-deadlines", Static).content).splitlines()[1:]
        rows = [row for row in rows if row.strip()]
        assert len(rows) > 4, rows  # the free rows of the column are used
        states = ["overdue" if "逾期" in row else "due" if "还有" in row or "今天" in row else "done"
                  for row in rows]
        assert states[0] == "overdue", rows
        assert states == sorted(states, key=["overdue", "due", "done"].index), rows

    drive(app, steps, size=(80, 24))


def test_the_quarterly_report_keeps_its_indicator_while_the_rest_scrolls(demo: Ledger) -> None:
    app = make_app(demo, "huangyaqiong")

    async def steps(pilot: Any) -> None:
        await pilot.press("6")
        await settle(pilot)
        table = pilot.app.screen.query_one("#rp-table", DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert table.fixed_columns == 1 and labels[:3] == ["指标", "累计完成%", "本季度工作进展"]
        assert table.max_scroll_x > 0
        table.scroll_to(x=table.max_scroll_x, animate=False)
        await pilot.pause(0.2)
        body = "\n".join(screen_text(pilot.app))
        assert table.scroll_x > 0
        assert "K01.1" in body and "完成时限" in body  # the frozen indicator beside the last column

    drive(app, steps, size=(80, 24))


class Watched(JixiaoApp):
    """The app, keeping what its loading screen was told."""

    CSS_PATH = str(ROOT / "tui" / "app.tcss")
    told: list[tuple[int, int]]

    def _advance(self, done: int, total: int) -> None:
        self.told.append((done, total))
        super()._advance(done, total)


def test_folding_the_ledger_on_first_open_shows_a_bar(demo: Ledger) -> None:
    app = Watched(demo, "linliyan", poll_interval=None, steady=True)
    app.told = []

    async def steps(pilot: Any) -> None:
        assert app.told[0] == (0, demo.max_position()) and app.told[-1] == (demo.max_position(),) * 2
        screen = LoadingScreen()
        await pilot.app.push_screen(screen)
        screen.advance(300, 1200)
        await pilot.pause()
        bar = screen.query_one("#loading-bar", ProgressBar)
        assert bar.progress == 300 and bar.total == 1200
        assert "300 / 1200" in plain(screen.query_one("#loading-text", Static).content)

    drive(app, steps, size=(80, 24))
