"""A supervisor reads any event of the audit trail in words, in the UI's language, without
knowing the code; the stored payload is one key away for the technical reader."""

from __future__ import annotations

from typing import Any

import pytest

from domain.commands import Ledger
from tests.conftest import Clock
from tests.tui_helpers import drive, goto, make_app, settle, static_text, table_rows

RAW_KEYS = ("originator_id", "originator_version", "ProgressReported", "indicator_id", "next_steps", "yijiepin (")


@pytest.mark.parametrize(("lang", "expect"), [
    ("zh", ["#{pos} 进度报告", "操作人：易婕频（yijiepin） · ", "生效日期：", "记录时间：", "指标：K04.2 ",
            "股室：安溪县生产力促进中心", "季度：2021Q3", "完成情况：完成申报材料初审", "理由：按季度报送",
            "录入方式：命令行"]),
    ("en", ["By: 易婕频 (yijiepin) · ", "Effective date: ", "Recorded: ", "Indicator: K04.2 ", "Period: 2021Q3",
            "Done: 完成申报材料初审", "Reason: 按季度报送", "Entered through: command line"]),
])
def test_the_audit_detail_pane_shows_an_event_in_words(ledger: Ledger, clock: Clock, lang: str,
                                                        expect: list[str]) -> None:
    ledger.report_progress("yijiepin", "K04.2", period="2021Q3", percent=60, done="完成申报材料初审",
                           reason="按季度报送")
    pos = ledger.max_position()
    app = make_app(ledger, "gongfuan", clock=clock, lang=lang)

    async def steps(pilot: Any) -> None:
        await goto(pilot, "4")
        text = static_text(app, "#au-detail-text")
        for part in expect:
            assert part.format(pos=pos) in text, (part, text)
        for key in RAW_KEYS:
            assert key not in text, (key, text)
        # r: the stored payload, by its stored names; r again: words
        await pilot.press("r")
        await settle(pilot)
        stored = static_text(app, "#au-detail-text")
        assert "originator_id" in stored and "jixiao:ProgressReported@2" in stored
        await pilot.press("r")
        await settle(pilot)
        assert "originator_id" not in static_text(app, "#au-detail-text")

    drive(app, steps, size=(160, 45))


def test_the_audit_trail_is_filtered_by_the_clerks_name_as_typed(ledger: Ledger, clock: Clock) -> None:
    ledger.report_progress("yijiepin", "K04.2", period="2021Q3", percent=60, done="完成申报材料初审")
    app = make_app(ledger, "gongfuan", clock=clock)

    async def steps(pilot: Any) -> None:
        await goto(pilot, "4")
        await pilot.press("slash")
        await pilot.press(*"易婕", "enter")
        await settle(pilot)
        rows = table_rows(app, "#au-table")
        assert rows and all("易婕频" in str(row[2]) for row in rows)

    drive(app, steps, size=(160, 45))
