"""A supervisor reads an event's void chain and its score before -> after in the detail:
a voided event says which correction voided it, who, when and why; a correction says what
it voids and which entry is in force after it. The work ledger's rows open in the same
detail (Enter), whole, instead of cut short."""

from __future__ import annotations

from typing import Any

import pytest

from domain.commands import Ledger
from tests.conftest import Clock
from tests.tui_helpers import drive, goto, make_app, settle, static_text, table_rows
from tui.screens.event_detail import EventScreen

LEAF = "K04.2"  # 新型研发机构建设, 生产力促进中心


async def select_row(pilot: Any, table: str, position: int) -> None:
    rows = [str(r[0]) for r in table_rows(pilot.app, table)]
    widget = pilot.app.screen.query_one(table)
    widget.focus()
    step = rows.index(f"#{position}") - widget.cursor_row  # type: ignore[attr-defined]
    await pilot.press(*["down" if step > 0 else "up"] * abs(step))
    await pilot.pause(0.3)
    await settle(pilot)


@pytest.mark.parametrize(("lang", "expect"), [
    ("zh", {"voided": "已被 #{fix} 作废（余君伟，", "voids": "作废 #{second}（定档）：定档 一档",
            "in_force": "此后有效的定档：#{first} 定档 二档", "effect": "指标 K04.2："}),
    ("en", {"voided": "voided by #{fix} (余君伟, ", "voids": "voids #{second} (tier awarded): ",
            "in_force": "in force after it: #{first} ", "effect": "indicator K04.2: "}),
])
def test_the_audit_detail_shows_the_void_chain_and_the_score_before_and_after(
        ledger: Ledger, clock: Clock, lang: str, expect: dict[str, str]) -> None:
    ledger.award_tier("yujunwei", LEAF, tier="二档", reason="初评")
    first = ledger.max_position()
    ledger.award_tier("yujunwei", LEAF, tier="一档", reason="复核")
    second = ledger.max_position()
    ledger.correct("yujunwei", second, reason="复核结论有误，恢复初评")
    fix = ledger.max_position()
    marks = {"first": first, "second": second, "fix": fix}
    app = make_app(ledger, "gongfuan", clock=clock, lang=lang)

    async def steps(pilot: Any) -> None:
        await goto(pilot, "4")
        await select_row(pilot, "#au-table", second)
        text = static_text(app, "#au-detail-text")
        assert expect["voided"].format(**marks) in text, text
        assert "复核结论有误，恢复初评" in text
        await select_row(pilot, "#au-table", fix)
        text = static_text(app, "#au-detail-text")
        assert expect["voids"].format(**marks) in text, text
        assert expect["in_force"].format(**marks) in text, text
        effect = static_text(app, "#au-effect")
        assert expect["effect"] in effect and "→" in effect, effect
        # the first award stands: it names no correction
        await select_row(pilot, "#au-table", first)
        assert f"#{fix}" not in static_text(app, "#au-detail-text")

    drive(app, steps, size=(160, 45))


def test_a_work_ledger_row_opens_whole_in_the_event_detail(ledger: Ledger, clock: Clock) -> None:
    done = "完成省级新型研发机构备案材料初审，" + "并逐项核对佐证材料与申报数据，" * 6 + "结论：符合要求"
    ledger.report_progress("yijiepin", LEAF, period="2021Q3", percent=60, done=done, reason="按季度报送")
    position = ledger.max_position()
    ledger.correct("yijiepin", position, reason="季度填错")
    fix = ledger.max_position()
    app = make_app(ledger, "yijiepin", clock=clock)

    async def steps(pilot: Any) -> None:
        app.open_work_ledger(LEAF)
        await settle(pilot)
        await select_row(pilot, "#wl-table", position)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EventScreen)
        text = static_text(app, "#au-detail-text")
        assert f"#{position} 进度报告" in text
        assert "完成情况：" in text and "结论：符合要求" in text.replace("\n", "")
        assert f"已被 #{fix} 作废（易婕频，" in text and "季度填错" in text
        assert "不影响得分" in static_text(app, "#au-effect")
        await pilot.press("r")  # as stored, for the technical reader
        await settle(pilot)
        assert "originator_id" in static_text(app, "#au-detail-text")
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "WorkLedgerScreen"

    drive(app, steps, size=(120, 35))
