"""The seed's 季度分析会、半年汇报会、年终总结会 through the real command line on a fresh ledger:
the office records a meeting with attendees of the plan and its minutes, its decisions (a
通报, a 问责 or 整改 item naming its section, person and due date), and the person responsible
records the item done. `report deadlines`, the self-inspection and the overview show what
is open and late; every refusal says why, exits 1 and stores nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from textual.widgets import Input, Select

from domain import events as ev
from domain.commands import Ledger
from tests.conftest import Clock, jixiao
from tests.stored import log_count, stored_events
from tests.tui_helpers import drive, goto, make_app, settle, static_text

OFFICE = ("--as", "huangyaqiong")
MEETING = ("meeting", "record", "--kind", "quarterly-analysis", "--date", "2021-10-12", "--attendee", "linliyan",
           "--attendee", "chenwencai", "--minutes", "研究第三季度进度\n生产力促进中心报表逾期")


def count(db: str) -> int:
    result = jixiao("log", "--limit", "1000000", "--format", "json", db=db)
    assert result.returncode == 0, result.stderr
    return log_count(result.stdout)


def position(db: str, *args: str) -> int:
    result = jixiao(*args, db=db)
    assert result.returncode == 0, result.stderr
    found = re.match(r"#(\d+) ", result.stdout)
    assert found, result.stdout
    return int(found.group(1))


def refused(db: str, *args: str, expect: str, status: int = 1) -> None:
    before = count(db)
    result = jixiao(*args, db=db)
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert expect in result.stderr, result.stderr
    assert count(db) == before


def report(db: str, *args: str) -> Any:
    result = jixiao("report", *args, db=db)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if "json" in args else result.stdout


def test_a_meeting_its_decisions_and_their_follow_up(db_path: str) -> None:
    db = db_path
    assert jixiao("init", db=db).returncode == 0
    # the meeting: the office or the leadership records it; attendees are people of the plan
    refused(db, "--as", "yijiepin", *MEETING, expect="may not record a meeting")
    refused(db, *OFFICE, *MEETING, "--attendee", "zhangsan", expect="attendee zhangsan is not a person of the plan")
    refused(db, *OFFICE, "meeting", "record", "--kind", "quarterly-analysis", "--date", "2021-10-12",
            expect="attendee is required")
    refused(db, *OFFICE, "meeting", "record", "--date", "2021-10-12", "--attendee", "linliyan", expect="--kind",
            status=2)
    refused(db, *OFFICE, "meeting", "record", "--kind", "季度会", "--date", "2021-10-12", "--attendee", "linliyan",
            expect="invalid choice", status=2)
    refused(db, *OFFICE, "meeting", "record", "--kind", "year-end", "--date", "2022-04-01", "--attendee", "linliyan",
            expect="after the year's filing window")
    refused(db, *OFFICE, "meeting", "record", "--kind", "half-year", "--date", "2020-07-01", "--attendee", "linliyan",
            expect="before the plan year")
    refused(db, *OFFICE, "meeting", "record", "--kind", "half-year", "--date", "2021-07-01", "--attendee", "linliyan",
            "--minutes", "纪要\x1b]0;x\x07", expect="control character")
    meeting = position(db, *OFFICE, *MEETING)

    # its decisions
    decide = ("meeting", "decide", str(meeting))
    refused(db, *OFFICE, "meeting", "decide", "1", "--decision", "notice", "--matter", "通报", expect="not a meeting")
    refused(db, "--as", "chenwencai", *decide, "--decision", "notice", "--matter", "通报",
            expect="may not record a meeting")
    refused(db, *OFFICE, *decide, "--decision", "rectification", "--matter", "限期整改", "--indicator", "K04.1",
            "--person", "liuyuqin", expect="needs its due date")
    refused(db, *OFFICE, *decide, "--decision", "accountability", "--matter", "问责", "--person", "linzefu",
            "--due", "2021-11-15", expect="needs its section")
    refused(db, *OFFICE, *decide, "--decision", "rectification", "--matter", "限期整改", "--indicator", "K04.1",
            "--person", "nobody", "--due", "2021-10-31", expect="the person nobody is not a person of the plan")
    refused(db, *OFFICE, *decide, "--decision", "rectification", "--matter", "限期整改", "--indicator", "K99.9",
            "--person", "liuyuqin", "--due", "2021-10-31", expect="K99.9")
    refused(db, *OFFICE, *decide, "--decision", "rectification", "--matter", "限期整改", "--indicator", "K04.1",
            "--person", "liuyuqin", "--due", "2021-10-01", expect="before the meeting on 2021-10-12")
    refused(db, *OFFICE, *decide, "--decision", "rectification", "--matter", "", "--indicator", "K04.1",
            "--person", "liuyuqin", "--due", "2021-10-31", expect="is required")
    rectify = position(db, *OFFICE, *decide, "--decision", "rectification", "--matter", "K04.1 进度滞后，限期整改",
                       "--indicator", "K04.1", "--person", "liuyuqin", "--due", "2021-10-31")
    account = position(db, *OFFICE, *decide, "--decision", "accountability", "--matter", "信息报送迟报",
                       "--section", "business", "--person", "linzefu", "--due", "2021-11-15")
    notice = position(db, "--as", "linliyan", *decide, "--decision", "notice", "--matter", "通报第三季度进度")

    # completion: the item's own section (or the office, the leadership), not before the meeting
    refused(db, "--as", "linzefu", "meeting", "complete", str(rectify), expect="of section business cannot act on")
    refused(db, "--as", "liuyuqin", "meeting", "complete", str(notice), expect="nothing to complete")
    refused(db, "--as", "liuyuqin", "meeting", "complete", str(meeting), expect="not a decision")
    refused(db, "--as", "liuyuqin", "meeting", "complete", str(rectify), "--date", "2021-10-01",
            expect="before the meeting")
    position(db, "--as", "liuyuqin", "meeting", "complete", str(rectify), "--date", "2021-11-02", "--note", "已整改")
    refused(db, "--as", "liuyuqin", "meeting", "complete", str(rectify), "--date", "2021-11-03",
            expect="already completed")

    # the deadlines: every filing item as before, then the meetings' items
    items = report(db, "deadlines", "--format", "json")
    filings = [i for i in items if i["report"] != "follow_up"]
    assert all(set(i) >= {"deadline", "due", "item", "filings", "status", "status_label"} for i in items)
    follow = {i["follow_up"]["position"]: i for i in items[len(filings):]}
    assert set(follow) == {rectify, account}  # a notice has nothing to follow up
    done, late = follow[rectify], follow[account]
    assert done["follow_up"]["status"] == "done_late" and done["status"] == "filed_late" and done["complete"]
    assert done["filings"][0]["position"] > rectify and done["follow_up"]["note"] == "已整改"
    assert done["follow_up"]["section"] == "center"  # from the indicator's assignment
    assert late["follow_up"]["status"] == "late" and late["status"] == "overdue" and not late["complete"]
    assert late["status_label"] == "逾期未办结" and late["follow_up"]["person_name"] == "林泽福"
    table = report(db, "deadlines")
    assert "会议决定事项" in table and "决定事项未办结 1 项（逾期 1 项）" in table and "信息报送迟报" in table
    # as of 1 November: the rectification (due 31 October, done 2 November) is late, the other still open
    earlier = report(db, "deadlines", "--format", "json", "--as-of", "2021-11-01")
    assert [i["follow_up"]["status"] for i in earlier if i["report"] == "follow_up"] == ["late", "open"]

    # the self-inspection lists the meeting and its items
    md = report(db, "self-inspection", "--format", "md")
    assert "## 七、绩效分析会议及跟踪问责情况" in md and "- 2021-10-12，季度分析会，参会 2 人" in md
    assert "会议确定问责、整改事项 2 项，已办结 1 项，逾期未办结 1 项。" in md
    assert "| 信息报送迟报 | 综合业务股 | 林泽福 | 2021-11-15 | 逾期未办结 |" in md
    data = report(db, "self-inspection", "--format", "json")
    assert [m["position"] for m in data["meetings"]] == [meeting]
    assert len(data["meetings"][0]["decisions"]) == 3
    assert [f["status"] for f in data["follow_ups"]] == ["done_late", "late"]
    meetings = report(db, "meetings", "--format", "json")
    assert meetings[0]["attendees"] == ["林丽艳", "陈文才"] and meetings[0]["minutes"].endswith("报表逾期")

    # a meeting voided takes its decisions with it
    assert jixiao(*OFFICE, "record", "correction", str(meeting), "--reason", "重复录入", db=db).returncode == 0
    assert [i for i in report(db, "deadlines", "--format", "json") if i["report"] == "follow_up"] == []
    refused(db, *OFFICE, *decide, "--decision", "notice", "--matter", "通报", expect="already voided")


def test_the_overview_shows_open_and_late_items_and_the_form_records_a_meeting(ledger: Ledger,
                                                                              clock: Clock) -> None:
    meeting = ledger.record_meeting("huangyaqiong", "quarterly-analysis", held=dt.date(2021, 10, 8),
                                    attendees=("linliyan", "chenwencai"))
    at = ledger.last_positions[-1]
    assert isinstance(meeting, ev.MeetingRecorded)
    ledger.record_decision("huangyaqiong", at, "rectification", matter="K04.1 限期整改", indicator="K04.1",
                           person="liuyuqin", due=dt.date(2021, 10, 31))
    ledger.record_decision("huangyaqiong", at, "accountability", matter="报表迟报", section="business",
                           person="linzefu", due=dt.date(2021, 10, 8))
    clock.set("2021-10-12T02:00:00")
    app = make_app(ledger, "huangyaqiong", clock=clock)
    top = ledger.max_position()

    async def steps(pilot: Any) -> None:
        panel = static_text(app, "#st-follow-ups")
        assert "未办结 2 项，逾期 1 项" in panel
        assert panel.index("报表迟报") < panel.index("K04.1")  # the late one first
        assert "已过 4 天" in panel and "还有 19 天" in panel
        assert "未报审" in static_text(app, "#st-plan")
        await goto(pilot, "5")
        pilot.app.screen.query_one("#en-kind", Select).value = "record_meeting"
        await pilot.pause(0.3)
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#f-meeting", Select).value = "half-year"
        screen.query_one("#f-date", Input).value = "2021-10-11"
        screen.query_one("#f-attendees", Input).value = "linliyan；yujunwei"
        screen.query_one("#f-minutes", Input).value = "听取上半年汇报"
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)

    drive(app, steps)
    stored = stored_events(ledger, top)
    assert [e.kind for _, _, e in stored] == ["MeetingRecorded"]
    recorded = stored[0][2]
    assert isinstance(recorded, ev.MeetingRecorded)
    assert (recorded.meeting, recorded.effective, recorded.attendees, recorded.source) == (
        "half-year", dt.date(2021, 10, 11), ["linliyan", "yujunwei"], "tui")
