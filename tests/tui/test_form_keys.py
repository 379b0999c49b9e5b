"""A clerk types into the entry form and every key lands where she looks: the form opens
with its first field focused, digits typed into a field stay in it instead of switching
screens, and fast typing across Tab keeps each answer in its own field."""

from __future__ import annotations

from typing import Any

from domain.commands import Ledger
from tests.conftest import Clock
from tests.tui_helpers import drive, goto, make_app, settle


def test_opening_the_form_puts_focus_in_its_first_field(ledger: Ledger, clock: Clock) -> None:
    app = make_app(ledger, "yijiepin", clock=clock)

    async def steps(pilot: Any) -> None:
        await goto(pilot, "5")
        await pilot.pause(0.2)
        assert app.focused is not None and app.focused.id == "f-indicator"

    drive(app, steps)


def test_digits_typed_into_a_field_stay_in_it_and_tab_keeps_answers_apart(ledger: Ledger,
                                                                         clock: Clock) -> None:
    app = make_app(ledger, "yijiepin", clock=clock)

    async def steps(pilot: Any) -> None:
        await goto(pilot, "5")
        await pilot.pause(0.2)
        await pilot.press("tab", "tab")  # indicator, period, then 累计完成 %
        assert app.focused is not None and app.focused.id == "f-percent"
        # typed at once, no pause between the keys: "1123" is not 1 总览, 2 指标 ...
        await pilot.press(*"1123", "tab", *"完成申报", "tab", *"无")
        await settle(pilot)
        assert type(app.screen).__name__ == "EntryScreen"
        screen = app.screen
        assert screen.query_one("#f-percent").value == "1123"  # type: ignore[attr-defined]
        assert screen.query_one("#f-done").value == "完成申报"  # type: ignore[attr-defined]
        assert screen.query_one("#f-problems").value == "无"  # type: ignore[attr-defined]

    drive(app, steps)
