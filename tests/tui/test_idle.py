"""An open terminal UI costs nothing while nothing changes: following the log it asks the
store for its head, and draws nothing again until an event arrives; nothing on a screen
out of sight keeps animating."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import msgspec

from domain.commands import Ledger
from tests.conftest import Clock
from tests.tui_helpers import drive, make_app, settle
from tui.model import LedgerView, Moment

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


def test_an_event_keeps_the_quarters_before_its_date_and_redoes_the_ones_it_touches(
        demo: Ledger) -> None:
    """The trend's quarter-end standings are not refigured for an event effective after
    them (they cannot change), and are for one back-dated into them."""
    app = make_app(demo, "yijiepin", poll=None)

    async def steps(pilot: Any) -> None:
        await settle(pilot)
        view = app.view
        before = dict(view.trend())
        assert len(before) == 4
        demo.report_progress("yijiepin", CENTER_LEAF, period="2021Q4", percent=95, done="年末补充",
                             effective=dt.date(2021, 12, 31), reason="补录")
        app.poll()
        await settle(pilot)
        after = dict(view.trend())
        q1, q2, q3, q4 = sorted(before)
        assert all(after[q] is before[q] for q in (q1, q2, q3))  # kept: nothing new by then
        assert all(after[q].position == view.position for q in (q1, q2, q3))
        demo.report_progress("yijiepin", CENTER_LEAF, period="2021Q2", percent=100, done="补报二季度",
                             effective=dt.date(2021, 6, 20), reason="补录")
        app.poll()
        await settle(pilot)
        again = dict(view.trend())
        assert again[q1] is after[q1] and again[q2] is not after[q2]
        fresh = LedgerView(demo, "yijiepin")
        fresh.load()
        for q in (q1, q2, q3, q4):
            assert msgspec.json.encode(again[q]) == msgspec.json.encode(fresh.standings(Moment(q)))
        fresh.close()

    drive(app, steps)
