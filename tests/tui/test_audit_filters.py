"""The audit trail's filters offer what exists: the indicator filter completes an id or a
name of the plan's indicators (→ accepts), the kind filter lists the kinds the trail holds,
labelled in the UI's language."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input, Select

from domain.commands import Ledger
from tests.conftest import Clock
from tests.tui_helpers import drive, goto, make_app, settle, table_rows


@pytest.mark.parametrize(("typed", "completed", "indicator"), [
    ("k04.", "K04.1", "K04.1"),  # an id, in any case
    ("新型研发", "新型研发机构建设", "K04.2"),  # a name as the plan writes it
])
def test_the_indicator_filter_completes_an_id_or_a_name(ledger: Ledger, clock: Clock, typed: str,
                                                        completed: str, indicator: str) -> None:
    ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=40, done="培育")
    ledger.report_progress("yijiepin", "K04.2", period="2021Q3", percent=60, done="初审")
    app = make_app(ledger, "gongfuan", clock=clock)

    async def steps(pilot: Any) -> None:
        await goto(pilot, "4")
        field = app.screen.query_one("#au-indicator", Input)
        field.focus()
        await pilot.pause()
        await pilot.press(*typed)
        await pilot.pause(0.2)
        await settle(pilot)
        await pilot.press("right")  # take the completion
        await pilot.pause()
        assert field.value.casefold() == completed.casefold(), field.value
        await pilot.press("enter")
        await settle(pilot)
        events = app.view.events_at([int(str(r[0])[1:]) for r in table_rows(app, "#au-table")])
        assert [e.kind for e in events.values()] == ["ProgressReported"]
        assert all(e.indicator_id == indicator for e in events.values())

    drive(app, steps, size=(160, 40))


@pytest.mark.parametrize(("lang", "present", "absent"), [("zh", "进度报告", "定档"),
                                                         ("en", "progress report", "tier awarded")])
def test_the_kind_filter_offers_the_kinds_the_trail_holds_in_the_ui_language(
        ledger: Ledger, clock: Clock, lang: str, present: str, absent: str) -> None:
    ledger.report_progress("yijiepin", "K04.2", period="2021Q3", percent=60, done="初审")
    app = make_app(ledger, "gongfuan", clock=clock, lang=lang)

    async def steps(pilot: Any) -> None:
        await goto(pilot, "4")
        select = app.screen.query_one("#au-kind", Select)
        labels = [str(label) for label, _ in select._options]
        assert present in labels and absent not in labels, labels
        # a kind recorded while the screen is open joins the list
        ledger.award_tier("yujunwei", "K04.2", tier="一档", reason="复核")
        app.poll()
        await settle(pilot)
        assert absent in [str(label) for label, _ in select._options]
        # choosing one narrows the trail to it
        select.value = "ProgressReported"
        await settle(pilot)
        assert all(present in str(r[3]) for r in table_rows(app, "#au-table"))

    drive(app, steps, size=(160, 40))
