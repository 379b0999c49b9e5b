"""The terminal UI, driven as people use it: a real ledger file, a fixed clock, the keyboard."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import time
from decimal import Decimal
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import Input, Select

from domain.commands import Ledger
from store import open_ledger, open_store
from store.readers import checkpoint_store, log_reader
from tests.conftest import ROOT, Clock
from tests.stored import stored_events
from tests.tui_helpers import drive, goto, make_app, settle, static_text, table_rows

CENTER_LEAF = "K04.2"  # 新型研发机构建设, 生产力促进中心
BUSINESS_LEAF = "K01.1"  # 综合业务股


async def fill(pilot: Any, **values: str) -> None:
    screen = pilot.app.screen
    for name, value in values.items():
        widget = screen.query_one(f"#f-{name}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            assert isinstance(widget, Input)
            widget.value = value
    await pilot.pause(0.3)
    await settle(pilot)


def test_a_clerk_records_progress_through_the_form_and_standings_and_audit_show_it(ledger: Ledger,
                                                                                  clock: Clock) -> None:
    app = make_app(ledger, "yijiepin", clock=clock)
    top = ledger.max_position()

    async def steps(pilot: Any) -> None:
        await goto(pilot, "5")
        assert type(pilot.app.screen).__name__ == "EntryScreen"
        await fill(pilot, indicator=CENTER_LEAF, period="2021Q3", percent="60", done="完成申报材料初审")
        assert "可以提交" in static_text(app, "#en-message")
        await pilot.press("ctrl+s")
        await settle(pilot)
        events = stored_events(ledger, after=top)
        assert [e.kind for _, _, e in events] == ["ProgressReported"]
        position, _, event = events[0]
        assert event.actor == "yijiepin" and event.source == "tui" and event.percent == 60
        # the standings show it at once: the indicator's progress and the latest events
        await goto(pilot, "1")
        assert f"#{position}" in static_text(app, "#st-recent")
        score = next(i for i in app.view.standings().indicators if i.id == CENTER_LEAF)
        assert score.progress == 60
        await goto(pilot, "2")
        row = next(r for r in table_rows(app) if str(r[0]) == CENTER_LEAF)
        assert "60%" in [str(cell) for cell in row]
        # and the audit trail's first row is the new event
        await goto(pilot, "4")
        first = table_rows(app, "#au-table")[0]
        assert str(first[0]) == f"#{position}"
        assert "2021Q3" in static_text(app, "#au-detail-text")

    drive(app, steps)


def test_a_clerk_cannot_reach_another_sections_indicators(ledger: Ledger, clock: Clock) -> None:
    app = make_app(ledger, "yijiepin", clock=clock)

    async def steps(pilot: Any) -> None:
        await goto(pilot, "2")
        ids = [str(r[0]) for r in table_rows(app) if str(r[0])]
        assert CENTER_LEAF in ids and BUSINESS_LEAF not in ids
        assert "仅显示本股室" in static_text(app, "#ind-title")
        # not through the work ledger either
        app.open_work_ledger(BUSINESS_LEAF)
        await settle(pilot)
        assert "请在“指标”页选择" in static_text(app, "#wl-head")
        # the form offers her own section's indicators only, and only kinds her role allows
        await goto(pilot, "5")
        options = [v for _, v in pilot.app.screen.query_one("#f-indicator", Select)._options]
        assert CENTER_LEAF in options and BUSINESS_LEAF not in options
        kinds = [v for _, v in pilot.app.screen.query_one("#en-kind", Select)._options]
        assert "report_progress" in kinds and "award_tier" not in kinds and "adjust" not in kinds

    drive(app, steps)


def _just_below_excellent(ledger: Ledger, target: str) -> Decimal:
    """Award tiers so the unit total is just under 90 and awarding 一档 on `target` crosses it."""
    plan = ledger.plan_state().plan
    assert plan is not None
    leaves = [(i.id, i.points) for i, _ in plan.leaves()]
    points = dict(leaves)
    total = sum(points.values(), Decimal(0))
    zeroed = {target}
    total -= points[target]
    for ind, pts in sorted(leaves, key=lambda x: x[1]):
        if total < Decimal(90):
            break
        if ind != target and total - pts >= Decimal(90) - points[target]:
            zeroed.add(ind)
            total -= pts
    for ind, _ in leaves:
        if ind not in zeroed:
            ledger.award_tier("yujunwei", ind, tier="一档", reason="setup")
    assert Decimal(90) - points[target] <= total < Decimal(90)
    return total


def test_an_assessor_awards_a_tier_and_the_grade_changes(ledger: Ledger, clock: Clock) -> None:
    target = "K06.1"
    before = _just_below_excellent(ledger, target)
    app = make_app(ledger, "yujunwei", clock=clock)

    async def steps(pilot: Any) -> None:
        s = app.view.standings()
        assert s.total == before and s.grade == "良好"
        assert "良好" in static_text(app, "#st-total")
        await goto(pilot, "5")
        await fill(pilot, **{})
        pilot.app.screen.query_one("#en-kind", Select).value = "award_tier"
        await pilot.pause(0.3)
        await settle(pilot)
        await fill(pilot, indicator=target, tier="一档", reason="复核")
        preview = static_text(app, "#en-preview")
        assert "良好 → 优秀" in preview
        await pilot.press("ctrl+s")
        await settle(pilot)
        await goto(pilot, "1")
        assert "优秀" in static_text(app, "#st-total")
        assert app.view.standings().grade == "优秀"

    drive(app, steps)


def test_time_travel_to_before_an_event_hides_it(ledger: Ledger, clock: Clock) -> None:
    ledger.report_progress("yijiepin", CENTER_LEAF, period="2021Q3", percent=40,
                           effective=dt.date(2021, 10, 1), reason="back-dated")
    position = ledger.last_positions[-1]
    app = make_app(ledger, "chenwencai", clock=clock)

    async def steps(pilot: Any) -> None:
        app.open_work_ledger(CENTER_LEAF)
        await settle(pilot)
        assert any(str(r[0]) == f"#{position}" for r in table_rows(app, "#wl-table"))
        await pilot.press("t")
        await settle(pilot)
        pilot.app.screen.query_one("#moment-as-of", Input).value = "2021-09-30"
        await pilot.press("enter")
        await settle(pilot)
        assert "时间回溯" in static_text(app, "MomentBanner")
        assert not any(str(r[0]) == f"#{position}" for r in table_rows(app, "#wl-table"))
        await goto(pilot, "4")
        assert not any(str(r[0]) == f"#{position}" for r in table_rows(app, "#au-table"))
        # the known-at clock hides it too: recorded after that moment
        app.set_moment(app.view.moment.__class__(None, dt.datetime(2021, 10, 8, 1, tzinfo=dt.UTC)))
        await settle(pilot)
        assert not any(str(r[0]) == f"#{position}" for r in table_rows(app, "#au-table"))
        await pilot.press("n")
        await settle(pilot)
        assert any(str(r[0]) == f"#{position}" for r in table_rows(app, "#au-table"))

    drive(app, steps)


def test_a_voided_event_is_struck_through_with_its_correction_beside_it(ledger: Ledger, clock: Clock) -> None:
    ledger.adjust("yujunwei", "deduction", "0.5", indicator=CENTER_LEAF, reason="误扣")
    voided = ledger.last_positions[-1]
    ledger.correct("yujunwei", voided, reason="扣分有误，予以撤销")
    correction = ledger.last_positions[-1]
    app = make_app(ledger, "yujunwei", clock=clock)

    async def steps(pilot: Any) -> None:
        app.open_work_ledger(CENTER_LEAF)
        await settle(pilot)
        row = next(r for r in table_rows(app, "#wl-table") if str(r[0]) == f"#{voided}")
        summary: Text = row[5]
        assert "strike" in str(summary.spans[0].style) or "strike" in str(summary.style)
        assert f"#{correction}" in summary.plain and "扣分有误" in summary.plain
        fix = next(r for r in table_rows(app, "#wl-table") if str(r[0]) == f"#{correction}")
        assert f"#{voided}" in fix[5].plain

    drive(app, steps)


def test_markup_like_text_renders_literally(ledger: Ledger, clock: Clock) -> None:
    note = "[bold]完成[/] [/] [red]x"
    ledger.report_progress("yijiepin", CENTER_LEAF, period="2021Q3", percent=10, done=note,
                           reason="[link=x]why[/link]")
    position = ledger.last_positions[-1]
    app = make_app(ledger, "yijiepin", clock=clock)

    async def steps(pilot: Any) -> None:
        app.open_work_ledger(CENTER_LEAF)
        await settle(pilot)
        row = next(r for r in table_rows(app, "#wl-table") if str(r[0]) == f"#{position}")
        assert note in row[5].plain and "[link=x]why[/link]" in row[5].plain
        await goto(pilot, "4")
        assert note in static_text(app, "#au-detail-text")
        await goto(pilot, "1")
        assert "[bold]完成[/]" in static_text(app, "#st-recent")

    drive(app, steps, size=(160, 40))


def test_an_event_written_by_another_process_appears_in_the_open_app(ledger: Ledger, clock: Clock,
                                                                    db_path: str) -> None:
    app = make_app(ledger, "chenwencai", clock=clock, poll=0.2)
    top = ledger.max_position()

    async def steps(pilot: Any) -> None:
        env = {**os.environ, "JIXIAO_LANG": "en"}
        result = subprocess.run(
            [sys.executable, "-m", "tui.cli", "--db", db_path, "--as", "liuyuqin", "record", "progress",
             CENTER_LEAF, "--period", "2021Q4", "--percent", "70", "--note", "另一个终端"],
            capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
        assert result.returncode == 0, result.stderr
        started = time.monotonic()
        while app.view.position <= top and time.monotonic() - started < 5:
            await pilot.pause(0.2)
        assert app.view.position > top
        assert time.monotonic() - started < 2.5
        await settle(pilot)
        recent = static_text(app, "#st-recent")
        assert f"#{app.view.position}" in recent and "2021Q4" in recent

    drive(app, steps)


def test_english_labels_come_from_the_catalogue(ledger: Ledger, clock: Clock) -> None:
    app = make_app(ledger, "yijiepin", clock=clock, lang="en")

    async def steps(pilot: Any) -> None:
        assert "County total" in static_text(app, "#st-total")
        deadlines = static_text(app, "#st-deadlines")
        assert "Deadlines" in deadlines and any(w in deadlines for w in ("days late", "in ", "filed"))
        assert not any(w in deadlines for w in ("待报送", "逾期", "按时", "，"))
        await goto(pilot, "5")
        assert "is required" in static_text(app, "#en-message")
        await goto(pilot, "6")
        choices = [str(label) for label, _ in pilot.app.screen.query_one("#rp-choice", Select)._options]
        assert "Quarterly report 2021Q3" in choices and "Self-inspection report" in choices

    drive(app, steps)


def test_under_english_the_events_read_in_english_with_typed_text_as_typed(ledger: Ledger,
                                                                          clock: Clock) -> None:
    ledger.report_progress("yijiepin", CENTER_LEAF, period="2021Q3", percent=35, done="完成初审")
    position = ledger.last_positions[-1]
    app = make_app(ledger, "yijiepin", clock=clock, lang="en")

    async def steps(pilot: Any) -> None:
        assert "2021Q3 35% done: 完成初审" in static_text(app, "#st-recent")
        app.open_work_ledger(CENTER_LEAF)
        await settle(pilot)
        row = next(r for r in table_rows(app, "#wl-table") if str(r[0]) == f"#{position}")
        assert "2021Q3 35% done: 完成初审" in row[5].plain and "累计" not in row[5].plain
        await goto(pilot, "4")
        first = table_rows(app, "#au-table")[0]
        assert str(first[0]) == f"#{position}"
        assert [str(cell) for cell in first][-1] == "2021Q3 35% done: 完成初审"

    drive(app, steps, size=(160, 40))


@pytest.mark.sqlite_only  # about the command line, not the store
def test_no_command_and_tui_open_the_app_as_the_user_given(db_path: str, ledger: Ledger,
                                                          monkeypatch: Any) -> None:
    from tui.app import JixiaoApp
    from tui.cli import main as cli

    opened: list[str] = []

    def fake_run(self: JixiaoApp) -> int:
        opened.append(self.view.actor)
        return 0

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(JixiaoApp, "run", fake_run)
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(sys, "stdout", Terminal())
    assert cli.main(["--db", db_path]) == 0
    assert cli.main(["--db", db_path, "tui", "--as", "yijiepin"]) == 0
    assert opened == ["admin", "yijiepin"]


def test_the_first_run_creates_the_ledger_with_the_bundled_plan(tmp_path: Any, monkeypatch: Any) -> None:
    import argparse

    from tui.cli.terminal import open_or_create

    db = str(tmp_path / "new" / "ledger.db")
    with open_or_create(argparse.Namespace(db=db, lang="zh"), ask=lambda question: False) as ledger:
        assert ledger.plan_state().plan is not None
        assert ledger.max_position() > 0


def test_a_ledger_that_cannot_be_opened_gets_a_message_not_a_traceback(tmp_path: Any, capsys: Any) -> None:
    import argparse

    from domain.errors import JixiaoError
    from tui.cli.terminal import run

    bad = tmp_path / "broken.db"
    bad.write_bytes(b"this is not a ledger" * 100)
    try:
        code = run(argparse.Namespace(db=str(bad), lang="zh", actor=None))
        message = capsys.readouterr().err
    except JixiaoError as exc:  # main() prints these as the message alone
        code, message = 1, exc.message("zh")
    assert code == 1
    assert "台账" in message and "Traceback" not in message


@pytest.mark.sqlite_only  # alters the SQLite file behind the ledger's back
def test_a_ledger_written_by_a_newer_version_gets_a_message(ledger: Ledger, clock: Clock, capsys: Any) -> None:
    import sqlite3

    conn = sqlite3.connect(ledger.db)
    conn.execute("UPDATE stored_events SET topic = 'jixiao:EventFromTheFuture@1' WHERE rowid = "
                 "(SELECT MAX(rowid) FROM stored_events)")
    conn.commit()
    conn.close()
    app = make_app(ledger, "admin", clock=clock)

    async def steps(pilot: Any) -> None:
        await settle(pilot)

    drive(app, steps)
    assert app.return_code == 1
    err = capsys.readouterr().err
    assert "更新版本" in err and "EventFromTheFuture" in err


def test_stepping_through_the_demo_year_quarter_by_quarter_is_instant(demo: Ledger) -> None:
    app = make_app(demo, "linliyan")

    async def steps(pilot: Any) -> None:
        seen = []
        for _ in range(4):
            started = time.perf_counter()
            await pilot.press("left_square_bracket")
            await pilot.pause()
            seen.append((time.perf_counter() - started, app.view.moment.as_of))
        assert [d for _, d in seen] == [dt.date(2021, 12, 31), dt.date(2021, 9, 30), dt.date(2021, 6, 30),
                                        dt.date(2021, 3, 31)]
        assert "时间回溯" in static_text(app, "MomentBanner")
        for _ in range(4):
            started = time.perf_counter()
            await pilot.press("right_square_bracket")
            await pilot.pause()
            seen.append((time.perf_counter() - started, app.view.moment.as_of))
        assert app.view.moment.now
        # what a step computes is timed here; the redraw (a fraction of a second on an idle
        # machine) is timed by bench/tui.py, not asserted on a shared CI machine
        view = app.view
        view._forget()
        for end in (dt.date(2021, 12, 31), dt.date(2021, 9, 30), dt.date(2021, 6, 30)):
            started = time.perf_counter()
            moment = view.moment.__class__(end)
            view.standings(moment)
            view.trend(moment)
            assert time.perf_counter() - started < 0.3  # a few ms when the machine is idle

    drive(app, steps)


def test_opened_from_a_checkpoint_the_app_shows_the_users_plan_with_the_events_since(tmp_path: Any) -> None:
    """A county's ledger opens from its checkpoint decoding only the signed-in user's plan;
    what was recorded for that plan after the checkpoint is on the first screen."""
    import msgspec

    from domain.demo import generate
    from projections.live import LiveFold
    from projections.replay import replay
    from projections.standings import standings
    from tests.tui.conftest import TODAY

    db = str(tmp_path / "county.db")
    with open_store(db) as demo_store:
        generate(demo_store, seed=7, units=2)
    with open_ledger(db) as ledger:
        live = LiveFold(log_reader(ledger.app), checkpoint=checkpoint_store(ledger.app))
        live.open()
        live.save()
        live.close()
    education = ("安溪县教育局", 2021)
    with open_ledger(db, plan=education, clock=lambda: dt.datetime(2021, 12, 20, 2, tzinfo=dt.UTC)) as other:
        other.report_progress("yijiepin_01", "K04.1", period="2021Q4", percent=77, done="检查点之后", reason="补录")
        position = other.last_positions[-1]

    with open_ledger(db, clock=TODAY) as ledger:
        app = make_app(ledger, "yijiepin_01", clock=TODAY)

        async def steps(pilot: Any) -> None:
            view = app.view
            assert view.follower is not None and view.follower.from_checkpoint
            assert view.plan is not None and (view.plan.unit, view.plan.year) == education
            assert view.plan_id not in view.live._encoded and len(view.live._encoded) == 1
            assert f"#{position}" in static_text(app, "#st-recent")
            whole = replay(log_reader(ledger.app))
            expected = standings(whole.plan_fold(*education), today=view.today(), position=whole.position)
            assert msgspec.json.encode(view.standings()) == msgspec.json.encode(expected)
            assert next(i for i in view.standings().indicators if i.id == "K04.1").progress == 77

        drive(app, steps)
