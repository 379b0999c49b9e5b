"""The as-of dialog (`t`): Enter with nothing typed says what it needs instead of silently
going back to now, and its examples read as hints, not as values already filled in."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from domain.commands import Ledger
from tests.conftest import Clock
from tests.tui_helpers import drive, make_app, settle, static_text
from tui.model import Moment
from tui.screens.moment import MomentScreen


@pytest.mark.parametrize(("lang", "needs"), [("zh", "请输入生效日期或记录时间"),
                                             ("en", "type an effective date or a recorded time")])
def test_enter_on_the_empty_as_of_dialog_says_what_it_needs(ledger: Ledger, clock: Clock, lang: str,
                                                           needs: str) -> None:
    app = make_app(ledger, "yijiepin", clock=clock, lang=lang)

    async def steps(pilot: Any) -> None:
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, MomentScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MomentScreen)  # still open, saying what to type
        assert needs in static_text(app, "#moment-error")
        # a date typed then Enter: the moment viewed changes
        await pilot.press(*"2021-09-30", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, MomentScreen)
        assert app.view.moment.as_of is not None and app.view.moment.as_of.isoformat() == "2021-09-30"

    drive(app, steps)


def test_the_as_of_dialogs_examples_are_hints_not_values(ledger: Ledger, clock: Clock) -> None:
    app = make_app(ledger, "yijiepin", clock=clock)

    async def steps(pilot: Any) -> None:
        app.push_screen(MomentScreen(Moment(), app))
        await settle(pilot)
        for field in ("#moment-as-of", "#moment-known"):
            widget = app.screen.query_one(field, Input)
            assert widget.value == ""
            assert widget.placeholder.startswith("例："), widget.placeholder
            hint = widget.get_component_styles("input--placeholder")
            assert hint.text_style.italic and hint.color != widget.styles.color

    drive(app, steps)
