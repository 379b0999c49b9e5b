"""Every form keeps what a clerk types: digits typed into any field of any entry form stay
in it (never switch screens), a dropdown with focus keeps them too, answers typed fast
across Tab land each in its own field, and Chinese pasted from an input method (or typed
as composed characters) is kept exactly."""

from __future__ import annotations

from typing import Any

import pytest
from rich.cells import cell_len
from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input, Select

from domain.commands import Ledger
from tests.conftest import Clock
from tests.stored import stored_events
from tests.tui_helpers import drive, goto, make_app, settle
from tui.entry_kinds import KINDS

# a user who may record each kind (the bundled plan's people)
RECORDER = {"audit_remark": "gongfuan", "record_finding": "huangyaqiong", "approve_plan": "perf_office"}


def _on_entry(app: Any) -> bool:
    return type(app.screen).__name__ == "EntryScreen"


@pytest.mark.parametrize("kind", [k.name for k in KINDS])
def test_digits_typed_into_any_field_of_any_form_stay_in_the_form(ledger: Ledger, clock: Clock,
                                                                  kind: str) -> None:
    app = make_app(ledger, RECORDER.get(kind, "huangyaqiong"), clock=clock)

    async def steps(pilot: Any) -> None:
        app.open_entry(kind=kind)
        await settle(pilot)
        await pilot.pause(0.2)
        screen = app.screen
        assert _on_entry(app) and screen.kind is not None and screen.kind.name == kind
        assert app.focused is not None and app.focused.id and app.focused.id.startswith("f-")
        for f in screen.kind.fields:
            widget = screen.query_one(f"#f-{f.name}")
            widget.focus()
            await pilot.pause()
            before = widget.value if isinstance(widget, Input) else None
            await pilot.press(*"1123")
            await pilot.pause()
            assert _on_entry(app), (kind, f.name)
            if isinstance(widget, Input):
                assert widget.value == f"{before}1123", (kind, f.name, widget.value)
            elif isinstance(widget, Select) and widget.expanded:
                await pilot.press("escape")  # close the list the digits opened
                await pilot.pause()

    drive(app, steps)


def test_a_form_opened_with_e_for_an_indicator_keeps_digits_typed_at_once(ledger: Ledger, clock: Clock) -> None:
    app = make_app(ledger, "yijiepin", clock=clock)

    async def steps(pilot: Any) -> None:
        await goto(pilot, "2")
        await pilot.press("down")  # the first second-level indicator of the clerk's section
        await pilot.press("e")  # record an event for the indicator under the cursor
        await settle(pilot)
        await pilot.pause(0.2)
        assert _on_entry(app)
        assert app.focused is not None and app.focused.id == "f-period"  # the indicator is filled in
        await pilot.press("tab", *"1123")
        await settle(pilot)
        assert _on_entry(app) and app.screen.query_one("#f-percent", Input).value == "1123"

    drive(app, steps)


def test_the_void_form_opened_with_v_keeps_the_reason_typed_at_once(ledger: Ledger, clock: Clock) -> None:
    ledger.report_progress("yijiepin", "K04.2", period="2021Q3", percent=60, done="完成申报材料初审")
    app = make_app(ledger, "yijiepin", clock=clock)

    async def steps(pilot: Any) -> None:
        await goto(pilot, "4")
        await pilot.press("v")
        await settle(pilot)
        await pilot.pause(0.2)
        assert _on_entry(app) and app.focused is not None and app.focused.id == "f-reason"
        await pilot.press(*"1123", *"录入有误")
        await settle(pilot)
        assert _on_entry(app) and app.screen.query_one("#f-reason", Input).value == "1123录入有误"

    drive(app, steps)


def test_a_dropdown_with_focus_keeps_digits_and_searches_its_list(ledger: Ledger, clock: Clock) -> None:
    app = make_app(ledger, "yijiepin", clock=clock)

    async def steps(pilot: Any) -> None:
        await goto(pilot, "5")
        await pilot.pause(0.2)
        assert app.focused is not None and app.focused.id == "f-indicator"
        await pilot.press(*"1123")
        await settle(pilot)
        assert _on_entry(app)
        select = app.screen.query_one("#f-indicator", Select)
        assert select.expanded  # typing opened the list
        # typing an indicator's id finds it; Enter chooses it
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press(*"K04.2", "enter")
        await settle(pilot)
        assert select.value == "K04.2"
        # the kind dropdown above the form too
        app.screen.query_one("#en-kind", Select).focus()
        await pilot.pause()
        await pilot.press("1")
        await settle(pilot)
        assert _on_entry(app)

    drive(app, steps)


def test_answers_typed_fast_across_tab_each_land_in_their_own_field(ledger: Ledger, clock: Clock) -> None:
    app = make_app(ledger, "yijiepin", clock=clock)

    async def steps(pilot: Any) -> None:
        app.open_entry(kind="report_progress", indicator="K04.2", period="2021Q3")
        await settle(pilot)
        await pilot.pause(0.2)
        assert app.focused is not None and app.focused.id == "f-percent"
        # no pause anywhere: every key queued behind the one before
        await pilot.press(*"60", "tab", *"完成初审", "tab", *"无", "tab", *"报送", "tab", "tab", *"1123")
        await settle(pilot)
        values = app.screen.values()  # type: ignore[attr-defined]
        assert (values["percent"], values["done"], values["problems"], values["next_steps"]) == (
            "60", "完成初审", "无", "报送")
        assert values["effective"] == "" and values["reason"] == "1123"

    drive(app, steps)


@pytest.mark.parametrize("text", [
    "完成省级新型研发机构备案材料初审，待复核",  # what an input method commits, pasted at once
    "Cafe\u0301 e\u0301te\u0301 · 한국어 · 𠮷野家",  # combining accents, Hangul, a character beyond the BMP
])
def test_chinese_pasted_or_composed_into_a_field_is_kept_exactly(ledger: Ledger, clock: Clock, text: str) -> None:
    app = make_app(ledger, "yijiepin", clock=clock)
    top = ledger.max_position()

    async def steps(pilot: Any) -> None:
        app.open_entry(kind="report_progress", indicator="K04.2", period="2021Q3")
        await settle(pilot)
        await pilot.pause(0.2)
        await pilot.press(*"60", "tab")
        assert app.focused is not None and app.focused.id == "f-done"
        app.post_message(events.Paste(text))  # the terminal's bracketed paste
        await settle(pilot)
        assert app.screen.query_one("#f-done", Input).value == text
        # a key after the paste goes after it: sent as the terminal sends it (Pilot's own
        # press drops the character of a key such as 。)
        app.post_message(events.Key(_character_to_key("。"), "。"))
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)

    drive(app, steps)
    event = stored_events(ledger, after=top)[-1][2]
    assert event.kind == "ProgressReported" and event.done == text + "。"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("key", "select"), [("4", "#au-kind"), ("5", "#en-kind")])
def test_an_open_type_dropdown_is_wide_enough_for_its_longest_label(ledger: Ledger, clock: Clock, lang: str,
                                                                  key: str, select: str) -> None:
    app = make_app(ledger, "huangyaqiong", clock=clock, lang=lang)

    async def steps(pilot: Any) -> None:
        await goto(pilot, key)
        widget = app.screen.query_one(select, Select)
        widget.focus()
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert widget.expanded
        overlay = widget.query_one("SelectOverlay")
        widest = max(cell_len(option.prompt.plain if hasattr(option.prompt, "plain") else str(option.prompt))
                     for option in overlay.options)  # type: ignore[attr-defined]
        # the option's padding (1 each side), the border (1 each side)
        assert overlay.region.width >= widest + 4, (overlay.region.width, widest)
        assert overlay.region.right <= app.size.width

    drive(app, steps, size=(80, 24))
