"""The work ledger (台账) lists an indicator's evidence: name, size, who attached it and
when, and whether the file itself is kept (文件未保存 for a digest recorded without it)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Input, Select

from domain.commands import Ledger
from tests.conftest import Clock
from tests.tui_helpers import drive, goto, make_app, settle, static_text

CENTER_LEAF = "K04.2"  # 新型研发机构建设, 生产力促进中心
SCAN = b"%PDF\x00\x01scan" * 300


def test_the_work_ledger_shows_each_evidence_file_and_whether_it_is_kept(ledger: Ledger, clock: Clock) -> None:
    ledger.attach_evidence("yijiepin", CENTER_LEAF, file_name="申报书.pdf", sha256=hashlib.sha256(SCAN).hexdigest(),
                           size=len(SCAN), content=SCAN)
    old = hashlib.sha256(b"old").hexdigest()
    ledger.attach_evidence("yijiepin", CENTER_LEAF, file_name="旧照片.jpg", sha256=old, size=3)
    app = make_app(ledger, "yijiepin", clock=clock)

    async def steps(pilot: Any) -> None:
        await goto(pilot, "2")
        table = pilot.app.screen.query_one(DataTable)
        for _ in range(table.row_count):  # down the indicator list to the clerk's indicator
            if str(table.get_row_at(table.cursor_row)[0]) == CENTER_LEAF:
                break
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "WorkLedgerScreen"
        panel = static_text(app, "#wl-evidence")
        assert CENTER_LEAF in static_text(app, "#wl-head")
        assert "佐证材料（2）" in panel
        kept = next(line for line in panel.splitlines() if "申报书.pdf" in line)
        assert "2.9 KB" in kept and "已保存" in kept and "易" in kept  # who: the clerk's name
        assert "2021-10-08" in kept  # when it was recorded (local time)
        missing = next(line for line in panel.splitlines() if "旧照片.jpg" in line)
        assert "文件未保存" in missing and "3 B" in missing

    drive(app, steps)


def test_a_clerk_attaches_a_file_through_the_form_and_the_file_is_kept(ledger: Ledger, clock: Clock,
                                                                       tmp_path: Path) -> None:
    path = tmp_path / "签到表.pdf"
    path.write_bytes(SCAN)
    app = make_app(ledger, "yijiepin", clock=clock)

    async def steps(pilot: Any) -> None:
        await goto(pilot, "5")
        pilot.app.screen.query_one("#en-kind", Select).value = "attach_evidence"
        await settle(pilot)
        pilot.app.screen.query_one("#f-indicator", Select).value = CENTER_LEAF
        pilot.app.screen.query_one("#f-path", Input).value = str(path)
        await pilot.pause(0.3)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert ledger.store.evidence.get(hashlib.sha256(SCAN).hexdigest()) == SCAN

    drive(app, steps)
