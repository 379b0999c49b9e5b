"""The internal-evaluation screen: the leadership group rates with a live preview of the
split and locks; everyone else reads the results and cannot enter anything.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Button, Input, Select

from domain.commands import Ledger
from tests.conftest import Clock
from tests.stored import stored_events
from tests.tui_helpers import drive, goto, make_app, settle, static_text


def prepared(ledger: Ledger) -> None:
    ledger.set_bonus_pool("yujunwei", "10000")
    ledger.rate_staff("yujunwei", "tangjinlong", grade="良好")
    ledger.rate_staff("yujunwei", "chenwencai", score=85)


def test_a_leader_rates_with_a_live_preview_and_locks(ledger: Ledger, clock: Clock) -> None:
    prepared(ledger)
    app = make_app(ledger, "yujunwei", clock=clock)

    async def steps(pilot: Any) -> None:
        top = ledger.max_position()
        await goto(pilot, "7")
        screen = pilot.app.screen
        assert type(screen).__name__ == "InternalScreen"
        assert "10,000.00" in static_text(app, "#in-summary")
        assert "陈文才" in static_text(app, "#in-staff")
        # a section rated by the leadership group: its internal score moves in the preview
        screen.query_one("#in-person", Select).value = "section:center"
        screen.query_one("#in-score", Input).value = "80"
        await pilot.pause(0.3)
        await settle(pilot)
        assert "0 → 24" in static_text(app, "#in-sections")  # 0.7 x 0 + 0.3 x 80
        await pilot.press("ctrl+s")
        await settle(pilot)
        (_, _, section), = stored_events(ledger, after=top)
        assert (section.kind, section.section, section.score) == ("SectionRated", "center", 80)
        top = ledger.max_position()
        screen.query_one("#in-person", Select).value = "yijiepin"
        screen.query_one("#in-score", Input).value = "95"
        await pilot.pause(0.3)
        await settle(pilot)
        assert "易婕频" in static_text(app, "#in-message")  # the preview names who and how much
        assert "易婕频" in static_text(app, "#in-staff") and "→" in static_text(app, "#in-staff")
        assert "合计 10,000.00 / 总额 10,000.00" in static_text(app, "#in-staff")
        assert stored_events(ledger, after=top) == []  # a preview stores nothing
        await pilot.press("ctrl+s")
        await settle(pilot)
        (_, _, rated), = stored_events(ledger, after=top)
        assert (rated.kind, rated.person, rated.score, rated.source) == ("StaffRated", "yijiepin", 95, "tui")
        screen.query_one("#in-lock", Button).press()
        await settle(pilot)
        kinds = [e.kind for _, _, e in stored_events(ledger, after=top)]
        assert kinds == ["StaffRated", "InternalResultsLocked"]
        assert "已审定锁定" in static_text(app, "#in-summary")
        assert screen.query_one("#in-score", Input).disabled

    drive(app, steps)


def test_others_see_the_results_read_only(ledger: Ledger, clock: Clock) -> None:
    prepared(ledger)
    app = make_app(ledger, "yijiepin", clock=clock)

    async def steps(pilot: Any) -> None:
        await goto(pilot, "7")
        screen = pilot.app.screen
        assert "只读" in static_text(app, "#in-summary")
        assert "唐金龙" in static_text(app, "#in-staff")
        assert not screen.query_one("#in-right").display

    drive(app, steps)
