"""An open terminal UI costs nothing while nothing changes: following the log it asks the
store for its head, and draws nothing again until an event arrives; nothing on a screen
out of sight keeps animating."""

from __future__ import annotations

import asyncio
from typing import Any

from domain.commands import Ledger
from tests.conftest import Clock
from tests.tui_helpers import drive, make_app, settle

CENTER_LEAF = "K04.1"


def test_an_idle_session_redraws_nothing_until_an_event_arrives(ledger: Ledger, clock: Clock) -> None:
    app = make_app(ledger, "yijiepin", clock=clock, poll=0.05)

    async def steps(pilot: Any) -> None:
        await settle(pilot)
        redraws: list[int] = []
        changed = app.changed

        def counted() -> None:
            redraws.append(app.view.position)
            changed()

        app.changed = counted  # type: ignore[method-assign]
        polls = 0
        poll = app.view.poll

        def polled() -> int:
            nonlocal polls
            polls += 1
            return poll()

        app.view.poll = polled  # type: ignore[method-assign]
        await asyncio.sleep(0.6)
        assert polls >= 3  # it kept following the log
        assert redraws == []  # and drew nothing again
        # no widget on any screen, shown or not, refreshes itself on a timer
        animated = [type(w).__name__ for stack in app._screen_stacks.values() for screen in stack
                    for w in screen.walk_children() if w.auto_refresh]
        assert animated == []
        ledger.report_progress("yijiepin", CENTER_LEAF, period="2021Q4", percent=90, done="闲时一条",
                               reason="补录")
        for _ in range(40):
            if redraws:
                break
            await asyncio.sleep(0.05)
        assert redraws == [ledger.last_positions[-1]]  # one event: one redraw

    drive(app, steps)
