"""The office files a work summary through the terminal's 报送 form: choosing the
half-year summary puts the ledger's draft into the form's text area, the clerk edits it
with the keyboard, and what is filed is exactly the text on the screen, with its digest."""

from __future__ import annotations

import hashlib
from typing import Any

from textual.widgets import Select, TextArea

from domain.commands import Ledger
from tests.conftest import Clock
from tests.stored import stored_events
from tests.tui_helpers import drive, goto, make_app, settle


async def filing_form(pilot: Any, report: str) -> TextArea:
    """The entry form's 报送报表 kind with `report` chosen; its text area."""
    await goto(pilot, "5")
    screen = pilot.app.screen
    screen.query_one("#en-kind", Select).value = "file_report"
    await pilot.pause(0.3)
    await settle(pilot)
    screen.query_one("#f-report", Select).value = report
    await pilot.pause(0.3)
    await settle(pilot)
    return screen.query_one("#f-content", TextArea)


def test_a_summary_is_drafted_edited_in_the_form_and_filed_as_typed(ledger: Ledger, clock: Clock) -> None:
    ledger.report_progress("yijiepin", "K04.1", period="2021Q2", percent=40, done="完成平台申报材料", reason="")
    app = make_app(ledger, "huangyaqiong", clock=clock)
    top = ledger.max_position()

    async def steps(pilot: Any) -> None:
        area = await filing_form(pilot, "half_year_summary")
        assert "上半年绩效评估工作总结" in area.text and "K04.1" in area.text and "完成平台申报材料" in area.text
        area.focus()
        await pilot.press("ctrl+home")
        await pilot.press(*"经局务会审议", "enter")
        await pilot.pause(0.3)
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "EntryScreen"  # typed keys stayed in the text area
        typed = area.text
        assert typed.startswith("经局务会审议\n# ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        events = [e for _, _, e in stored_events(ledger)][top:]
        assert [e.kind for e in events] == ["ReportFiled"]
        filed = events[0]
        assert (filed.report, filed.actor, filed.source) == ("half_year_summary", "huangyaqiong", "tui")
        assert filed.content == typed
        assert filed.digest == hashlib.sha256(typed.encode()).hexdigest()

    drive(app, steps)


def test_other_deliverables_have_no_text_to_write(ledger: Ledger, clock: Clock) -> None:
    app = make_app(ledger, "huangyaqiong", clock=clock)

    async def steps(pilot: Any) -> None:
        area = await filing_form(pilot, "decomposition")
        assert area.disabled and area.text == ""

    drive(app, steps)
