"""An entry cannot clear a supervisor's screen or retitle the window: control characters
and escape sequences are refused when typed, on the command line and in the form, and
what an older version or an import already stored is shown escaped in every text output
(log, every report as table, Markdown and CSV, every screen of the terminal UI). JSON
keeps the exact text."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from textual import events
from textual.widgets import Input, Select

from domain import events as ev
from domain.commands import Ledger
from domain.controls import first_control, shown
from domain.plan_io import bundled_plan
from tests.conftest import Clock, jixiao
from tests.tui_helpers import drive, goto, make_app, settle, static_text
from tui.reports import NAMES

# a window title (OSC 0, ended by BEL), a screen clear (CSI 2J and its C1 form), a carriage
# return and a backspace that would overwrite what is shown, a right-to-left override
BAD = "ok\x1b]0;pwned\x07\x1b[2J\x9b2J\rX\x08Y\u202eZ"
RAW = ("\x1b]", "\x07", "\x1b[2J", "\x9b", "\r", "\x08", "\u202e")


def test_the_shared_escaping_shows_every_control_character_and_keeps_lines() -> None:
    assert shown(BAD) == "ok\\x1b]0;pwned\\x07\\x1b[2J\\x9b2J\\x0dX\\x08Y\\u202eZ"
    assert shown("第一行\n\t第二行") == "第一行\n\t第二行"
    assert first_control("甲\n乙") is None
    assert first_control("甲\n乙", line=True) == (2, "\n")
    assert first_control(shown(BAD)) is None


def write_old_events(ledger: Ledger) -> None:
    """What an older version (or an import) may have stored: user text with escape sequences,
    written through the event store directly, past the commands' checks."""
    now = ledger.clock().astimezone(dt.UTC)
    env: dict[str, Any] = {"timestamp": now, "effective": dt.date(2021, 9, 30), "source": "cli"}
    plan = ledger.plan_id()
    directory = ledger.directory()
    directory.trigger(ev.UserRegistered, user="mallory", name=f"王{BAD}", title=BAD, section="center",
                      actor="admin", role="admin", **env)
    directory.trigger(ev.RoleGranted, user="mallory", role_name="clerk", actor="admin", role="admin", **env)
    file = ledger.indicator_file(plan, "K04.1")
    file.trigger(ev.ProgressReported, indicator_id="K04.1", period="2021Q3", percent=60, done=BAD,
                 problems=BAD, next_steps=BAD, actor="yijiepin", role="clerk", reason=BAD, **env)
    file.trigger(ev.EvidenceAttached, indicator_id="K04.1", file_name=f"{BAD}.pdf", sha256="a" * 64, size=1,
                 description=BAD, actor="yijiepin", role="clerk", reason=BAD, **env)
    file.trigger(ev.SelfAssessed, indicator_id="K04.1", tier="一档", note=BAD, actor="yijiepin", role="clerk",
                 reason=BAD, **env)
    unit = ledger.unit(plan)
    unit.trigger(ev.AuditRemarked, remark=BAD, about=0, actor="gongfuan", role="supervisor", **env)
    ledger.store.save([directory, file, unit])


@pytest.fixture
def old_ledger(db_path: str, backend: str, clock: Clock) -> str:
    from store import open_ledger

    with open_ledger(db_path, clock=clock) as ledger:
        ledger.bootstrap(bundled_plan())
        ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=10, done="正常")
        write_old_events(ledger)
    if backend == "postgres":  # the read-model tables, as `jixiao init` makes them
        from store.postgres.views import create_view_tables

        create_view_tables(db_path)
    return db_path


def assert_safe(text: str, where: str) -> None:
    for raw in RAW:
        assert raw not in text, f"{where}: {raw!r} reaches the terminal"


# -- on input -------------------------------------------------------------------------------
def test_an_escape_sequence_in_a_note_is_refused_by_the_command_line(ledger: Ledger) -> None:
    top = ledger.max_position()
    ledger.close()
    result = jixiao("--as", "yijiepin", "record", "progress", "K04.1", "--period", "2021Q3", "--percent", "60",
                    "--note", "ok\x1b]0;x\x07", db=ledger.db, env={"JIXIAO_LANG": "zh"})
    assert result.returncode == 1
    assert result.stderr.strip() == ("完成情况（--note） 第 3 个字符是控制字符 \\x1b（如 ESC、BEL、回车、退格），"
                                     "不能保存：请删去后重试")
    from store import open_ledger

    with open_ledger(ledger.db) as reopened:
        assert reopened.max_position() == top


def test_an_escape_sequence_pasted_into_the_form_is_refused(ledger: Ledger, clock: Clock) -> None:
    app = make_app(ledger, "yijiepin", clock=clock)
    top = ledger.max_position()

    async def steps(pilot: Any) -> None:
        await goto(pilot, "5")
        pilot.app.screen.query_one("#en-kind", Select).value = "report_progress"
        await settle(pilot)
        for name, value in {"indicator": "K04.2", "period": "2021Q3", "percent": "60"}.items():
            pilot.app.screen.query_one(f"#f-{name}").value = value  # type: ignore[attr-defined]
        done = pilot.app.screen.query_one("#f-done", Input)
        done.focus()
        await pilot.pause()
        done.post_message(events.Paste("完成\x1b]0;x\x07"))
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = static_text(app, "#en-message").strip()
        assert message == "完成情况 第 3 个字符是控制字符 \\x1b（如 ESC、BEL、回车、退格），不能保存：请删去后重试"
        assert ledger.max_position() == top

    drive(app, steps)


# -- on output ------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["table", "md", "csv"])
def test_what_is_stored_is_shown_escaped_in_every_text_report(old_ledger: str, fmt: str) -> None:
    for name in NAMES:
        args = ["report", name, "--format", fmt]
        if name == "ledger":
            args += ["--indicator", "K04.1"]
        result = jixiao(*args, db=old_ledger)
        assert result.returncode == 0, (name, result.stderr)
        assert_safe(result.stdout + result.stderr, f"report {name} --format {fmt}")
    shown_text = jixiao("report", "ledger", "--indicator", "K04.1", "--format", fmt, db=old_ledger).stdout
    assert "\\x1b]0;pwned\\x07" in shown_text
    audit = jixiao("report", "audit", "--format", fmt, db=old_ledger).stdout
    assert "\\x1b" in audit


def test_the_log_and_the_users_list_show_it_escaped(old_ledger: str) -> None:
    for args in (["log", "--limit", "1000"], ["users", "list"]):
        result = jixiao(*args, db=old_ledger)
        assert result.returncode == 0, result.stderr
        assert_safe(result.stdout, " ".join(args))
        assert "\\x1b" in result.stdout


def test_a_workbook_of_it_is_written(old_ledger: str, tmp_path: Any) -> None:
    out = tmp_path / "ledger.xlsx"
    result = jixiao("report", "ledger", "--indicator", "K04.1", "--format", "xlsx", "-o", str(out), db=old_ledger)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 0


def test_json_keeps_the_exact_text(old_ledger: str) -> None:
    result = jixiao("log", "--limit", "1000", "--format", "json", db=old_ledger)
    assert "\x1b" not in result.stdout  # the encoder writes it as \u001b
    dones = [e["payload"].get("done") for e in json.loads(result.stdout)]
    assert BAD in dones


def screen_text(app: Any) -> str:
    """Everything the screen draws, as the terminal would receive its text."""
    return str(app.export_screenshot())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_screen_shows_it_escaped(old_ledger: str, clock: Clock, lang: str) -> None:
    from store import open_ledger

    with open_ledger(old_ledger, clock=clock) as ledger:
        app = make_app(ledger, "gongfuan", clock=clock, lang=lang)

        async def steps(pilot: Any) -> None:
            seen = []
            for key in "1234567":
                await goto(pilot, key)
                await pilot.pause(0.2)
                await settle(pilot)
                seen.append(screen_text(app))
                assert_safe(seen[-1], f"screen {key}")
            # the work ledger of the indicator, and the audit trail's detail pane of each row
            await goto(pilot, "3")
            await pilot.press("down", "down")
            await settle(pilot)
            assert_safe(screen_text(app), "work ledger rows")
            await goto(pilot, "4")
            for _ in range(8):
                await pilot.press("down")
                await settle(pilot)
                seen.append(screen_text(app))
                assert_safe(seen[-1], "audit detail")
            assert any("\\x1b" in text for text in seen)

        drive(app, steps, size=(160, 45))
