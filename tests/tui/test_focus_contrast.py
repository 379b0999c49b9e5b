"""The field with focus is unmistakable in the dark and the light themes: a bar at its left
edge whose colour, as the CSS resolves it, stands out at least 3:1 (WCAG 2.1, non-text
contrast) against the field and the screen beside it; its label takes the same colour;
fields without focus show no bar; the input's cursor is drawn and stands out too."""

from __future__ import annotations

from typing import Any

import pytest
from textual.color import Color
from textual.widgets import Input, Label, Select

from domain.commands import Ledger
from tests.conftest import Clock
from tests.tui_helpers import drive, make_app, settle

THEMES = ("jixiao", "textual-dark", "textual-light")


def luminance(c: Color) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)


def contrast(a: Color, b: Color) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def bar_of(widget: Any) -> tuple[str, Color, Color, Color]:
    """(border type, bar colour, field background, screen background) of a form field."""
    face = widget.query_one("SelectCurrent") if isinstance(widget, Select) else widget
    kind, colour = face.styles.border_left
    screen_bg, field_bg = face.background_colors
    return kind, screen_bg + colour, field_bg, screen_bg


@pytest.mark.parametrize("theme", THEMES)
def test_the_focused_field_stands_out_3_to_1_in_dark_and_light_themes(ledger: Ledger, clock: Clock,
                                                                     theme: str) -> None:
    app = make_app(ledger, "yijiepin", clock=clock)

    async def steps(pilot: Any) -> None:
        app.theme = theme
        app.open_entry(kind="report_progress")
        await settle(pilot)
        await pilot.pause(0.2)
        screen = app.screen
        for field in ("f-indicator", "f-percent"):  # a dropdown and an input
            widget = screen.query_one(f"#{field}")
            widget.focus()
            await pilot.pause(0.1)
            await settle(pilot)
            kind, colour, field_bg, screen_bg = bar_of(widget)
            assert kind not in ("", "none", "hidden", "blank"), (theme, field, kind)
            assert contrast(colour, field_bg) >= 3, (theme, field, colour, field_bg)
            assert contrast(colour, screen_bg) >= 3, (theme, field, colour, screen_bg)
            label = widget.parent.query_one(Label)
            label_colour = screen_bg + label.styles.color
            assert contrast(label_colour, screen_bg) >= 4.5, (theme, field, label_colour)
            # every other field: no bar, its label in the ordinary colour
            for other in screen.query(".en-row > Input, .en-row > Select"):
                if other is not widget:
                    assert bar_of(other)[0] in ("", "none", "hidden", "blank"), (theme, other.id)
                    assert other.parent.query_one(Label).styles.color != label.styles.color
        # the cursor of the focused input is drawn, and stands out from the field
        widget = screen.query_one("#f-percent", Input)
        widget.focus()
        await pilot.pause(0.1)
        assert widget.has_focus and widget._cursor_visible
        cursor = widget.get_component_styles("input--cursor")
        field_bg = widget.background_colors[1]
        assert contrast(field_bg + cursor.background, field_bg) >= 3, theme

    drive(app, steps)


def test_the_as_of_dialog_shows_its_focused_field_too(ledger: Ledger, clock: Clock) -> None:
    app = make_app(ledger, "yijiepin", clock=clock)

    async def steps(pilot: Any) -> None:
        await pilot.press("t")
        await settle(pilot)
        widget = app.focused
        assert widget is not None and widget.id == "moment-as-of"
        kind, colour, field_bg, screen_bg = bar_of(widget)
        assert kind not in ("", "none", "hidden", "blank")
        assert contrast(colour, field_bg) >= 3 and contrast(colour, screen_bg) >= 3
        assert bar_of(app.screen.query_one("#moment-known"))[0] in ("", "none", "hidden", "blank")

    drive(app, steps)
