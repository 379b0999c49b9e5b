"""Every report of the demo year, checked against values the test computes itself from
the stored events (not through the projections)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from domain import events as ev
from domain.demo import generate
from domain.validate import business_date
from projections.filing import Filer
from store import open_ledger, open_store
from store.app import open_app
from store.readers import audit_index, log_reader
from store.sqlite.checkpoint import FileCheckpoint, checkpoint_path
from tests.stored import stored_events
from tui.cli.main import main

SHARE = {"一档": D(1), "二档": D("0.9"), "三档": D("0.8"), "四档": D("0.6"), "未完成": D(0)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict[str, Any]:
    db = str(tmp_path_factory.mktemp("demo") / "demo.db")
    app = open_app(db)
    filer = Filer(log_reader(app))
    with open_store(db) as demo_store:
        stats = generate(demo_store, seed=11, content=filer)
    filer.close()
    app.close()
    with open_ledger(db) as ledger:
        log = stored_events(ledger)
        plan = ledger.plan_state().plan
    return {"db": db, "log": log, "plan": plan, "stats": stats}


def copy_ledger(src: str, dst: str) -> None:
    """A consistent copy of a ledger (its write-ahead log included)."""
    import sqlite3

    with sqlite3.connect(src) as source, sqlite3.connect(dst) as target:
        source.backup(target)


def run(capsys, db: str, *args: str) -> str:
    capsys.readouterr()
    assert main(["--db", db, *args]) == 0
    return capsys.readouterr().out


def jrun(capsys, db: str, *args: str) -> Any:
    return json.loads(run(capsys, db, *args, "--format", "json"))


# -- the test's own arithmetic over the raw events ------------------------------------------
def by_aggregate(log):
    out = defaultdict(list)
    for position, originator, event in log:
        out[originator].append((position, event))
    return out


def voided(events) -> dict[int, tuple[int, ev.Event]]:
    """version -> (position, correction)"""
    return {e.voided: (p, e) for p, e in events if isinstance(e, ev.Corrected)}


def valid(events, kind):
    gone = voided(events)
    return [(p, e) for p, e in events if e.kind == kind and e.originator_version not in gone]


def deducted(events) -> D:
    resolutions: dict[int, ev.FindingResolved] = {}
    for _, r in valid(events, "FindingResolved"):
        resolutions[r.finding] = r  # the latest valid resolution of each finding
    upheld = {f for f, r in resolutions.items() if r.outcome == "appeal-upheld"}
    return (sum((e.amount for _, e in valid(events, "Adjusted") if e.adjustment == "deduction"), D(0))
            + sum((e.deduction for _, e in valid(events, "FindingRecorded")
                   if e.originator_version not in upheld), D(0)))


def expected_total(demo) -> tuple[D, str]:
    from domain.aggregates import indicator_id, plan_id, unit_id

    plan = demo["plan"]
    pid = plan_id(plan.unit, plan.year)
    aggs = by_aggregate(demo["log"])
    leaves = D(0)
    for ind, _ in plan.leaves():
        events = aggs.get(indicator_id(pid, ind.id), [])
        awards = valid(events, "TierAwarded")
        earned = D(0)
        if awards:
            _, latest = max(awards, key=lambda pe: (pe[1].effective, pe[1].originator_version))
            earned = (ind.points * SHARE[latest.tier]).quantize(D("0.01"))
        leaves += max(earned - deducted(events), D(0))
    unit = aggs[unit_id(pid)]
    bonus = min(sum((e.amount for _, e in valid(unit, "Adjusted") if e.adjustment == "bonus"), D(0)), D(3))
    total = max(leaves + bonus - min(deducted(unit), D(10)), D(0))
    grade = "优秀" if total >= 90 else "良好" if total >= 80 else "一般" if total >= 60 else "较差"
    return total, grade


# -- standings --------------------------------------------------------------------------------
def test_the_demo_year_is_a_full_year(demo):
    kinds = {e.kind for _, _, e in demo["log"]}
    assert {"Assigned", "ProgressReported", "EvidenceAttached", "SelfAssessed", "TierAwarded", "Adjusted",
            "FindingRecorded", "FindingResolved", "Corrected", "ReportFiled", "PlanApproved"} <= kinds
    methods = {e.method for _, _, e in demo["log"] if isinstance(e, ev.FindingRecorded)}
    assert methods == set(ev.METHODS)
    stamps = [e.timestamp for _, _, e in demo["log"]]
    assert stamps == sorted(stamps)
    assert dt.datetime(2021, 9, 1, tzinfo=dt.UTC) < stamps[0] and stamps[-1] < dt.datetime(2022, 3, 1, tzinfo=dt.UTC)


def test_the_same_seed_gives_the_same_ledger(demo, tmp_path):
    db = str(tmp_path / "again.db")
    with open_store(db) as demo_store:
        filer = Filer(demo_store.log)
        generate(demo_store, seed=11, content=filer)
        filer.close()
    with open_ledger(db) as ledger:
        again = stored_events(ledger)
    same = [(e.kind, e.actor, e.timestamp, e.effective) for _, _, e in again]
    assert same == [(e.kind, e.actor, e.timestamp, e.effective) for _, _, e in demo["log"]]


def test_standings_json_holds_the_contract_and_the_total_computed_by_hand(demo, capsys):
    data = jrun(capsys, demo["db"], "report", "standings")
    for key in ("unit", "year", "as_of", "known_at", "total", "grade", "categories", "sections", "indicators"):
        assert key in data
    for key in ("categories", "sections", "indicators"):
        assert data[key] and all({"id", "name", "points", "score"} <= set(x) for x in data[key])
    total, grade = expected_total(demo)
    assert D(str(data["total"])) == total
    assert data["grade"] == grade
    assert (data["unit"], data["year"]) == ("安溪县科学技术局", 2021)


def unit_events(demo, known: dt.datetime | None = None):
    from domain.aggregates import plan_id, unit_id

    plan = demo["plan"]
    uid = unit_id(plan_id(plan.unit, plan.year))
    return [(p, e) for p, o, e in demo["log"] if o == uid and (known is None or e.timestamp <= known)]


def test_the_two_clocks(demo, capsys):
    log = demo["log"]
    fix = next(e for _, _, e in log if isinstance(e, ev.Corrected) and e.voided_kind == "Adjusted")
    known = fix.timestamp - dt.timedelta(seconds=1)
    now = jrun(capsys, demo["db"], "report", "standings")
    then = jrun(capsys, demo["db"], "report", "standings", "--known-at", known.isoformat())
    # the mistaken deduction counts until its correction is known
    assert D(str(then["unit_deductions"]["raw"])) == deducted(unit_events(demo, known))
    assert D(str(now["unit_deductions"]["raw"])) == deducted(unit_events(demo))
    voided_amount = next(e.amount for p, e in unit_events(demo) if e.originator_version == fix.voided)
    later = deducted([(p, e) for p, e in unit_events(demo) if e.timestamp > fix.timestamp])
    assert deducted(unit_events(demo, known)) == deducted(unit_events(demo)) - later + voided_amount

    mid = jrun(capsys, demo["db"], "report", "standings", "--as-of", "2021-06-30")
    assert mid["total"] == 0 and mid["as_of"] == "2021-06-30"
    progress = {i["id"]: i["progress"] for i in mid["indicators"]}
    # a quarter reported late in September, back-dated to 30 June, is in the mid-year standings
    latest: dict[str, tuple] = {}
    gone = {(o, e.voided) for _, o, e in log if isinstance(e, ev.Corrected)}
    for _, o, e in log:
        if isinstance(e, ev.ProgressReported) and e.effective <= dt.date(2021, 6, 30) \
                and (o, e.originator_version) not in gone:
            key = (e.period, e.originator_version)
            if e.indicator_id not in latest or key >= latest[e.indicator_id][0]:
                latest[e.indicator_id] = (key, e.percent)
    assert latest and all(progress[k] == v for k, (_, v) in latest.items())
    # ... but not as known on 20 September, before it was recorded
    early = jrun(capsys, demo["db"], "report", "standings", "--as-of", "2021-06-30",
                 "--known-at", "2021-09-20")
    assert all(i["progress"] == 0 for i in early["indicators"])


# -- work ledger --------------------------------------------------------------------------------
def test_the_work_ledger_lists_every_event_of_the_indicator_with_voids(demo, capsys):
    from domain.aggregates import indicator_id, plan_id

    plan = demo["plan"]
    fix = next(e for _, _, e in demo["log"] if isinstance(e, ev.Corrected) and e.voided_kind == "ProgressReported")
    mine = by_aggregate(demo["log"])[indicator_id(plan_id(plan.unit, plan.year), fix.indicator_id)]
    data = jrun(capsys, demo["db"], "report", "ledger", "--indicator", fix.indicator_id)
    assert [line["position"] for line in data["lines"]] == [p for p, _ in mine]
    assert data["duty"]["section"] == [e for _, e in mine if isinstance(e, ev.Assigned)][-1].section
    fix_position = next(p for p, e in mine if e is fix or (isinstance(e, ev.Corrected) and e == fix))
    struck = [line for line in data["lines"] if line["voided"]]
    assert len(struck) == 1
    assert struck[0]["version"] == fix.voided
    assert (struck[0]["voided_by"], struck[0]["voided_by_actor"], struck[0]["void_reason"]) == \
        (fix_position, fix.actor, fix.reason)
    table = run(capsys, demo["db"], "report", "ledger", "--indicator", fix.indicator_id)
    assert fix.reason in table and "作废" in table


# -- quarterly report ----------------------------------------------------------------------------
def latest_by(events, key):
    return max(events, key=key) if events else None


def test_the_quarterly_report_of_a_section(demo, capsys):
    from domain.aggregates import indicator_id, plan_id

    plan = demo["plan"]
    pid = plan_id(plan.unit, plan.year)
    aggs = by_aggregate(demo["log"])
    data = jrun(capsys, demo["db"], "report", "quarterly", "--section", "center", "--period", "Q3")
    header = data["header"]
    assert (header["unit"], header["period"], header["quarter"], header["section"]) == \
        (plan.unit, "2021Q3", "2021年第三季度", "center")
    filing = [e for _, _, e in demo["log"] if isinstance(e, ev.ReportFiled) and e.period == "2021Q3"
              and e.section == "center"][-1]
    assert (header["filer"], header["date"]) == (filing.actor, business_date(filing.timestamp).isoformat())
    center = []
    for ind, _ in plan.leaves():
        assigned = [e for _, e in valid(aggs[indicator_id(pid, ind.id)], "Assigned")]
        if (assigned[-1].section if assigned else ind.section) == "center":
            center.append(ind.id)
    assert [r["indicator"] for r in data["rows"]] == center
    for row in data["rows"]:
        events = aggs[indicator_id(pid, row["indicator"])]
        progress = [e for _, e in valid(events, "ProgressReported")]
        q3 = latest_by([e for e in progress if e.period == "2021Q3"], lambda e: (e.effective, e.originator_version))
        upto = latest_by([e for e in progress if e.period <= "2021Q3"], lambda e: (e.period, e.originator_version))
        evidence = [e for _, e in valid(events, "EvidenceAttached") if e.effective <= dt.date(2021, 9, 30)]
        claims = [e for _, e in valid(events, "SelfAssessed") if e.effective <= dt.date(2021, 9, 30)]  # as of Q3
        assert row["progress"] == (q3.done if q3 else "")
        assert (row["problems"], row["next_steps"]) == ((q3.problems, q3.next_steps) if q3 else ("", ""))
        assert row["percent"] == (upto.percent if upto else 0)
        assert row["evidence"] == len(evidence)
        assert row["self_tier"] == (claims[-1].tier if claims else "")
        assert row["handler"] in {p.name for p in plan.people}


def test_a_quarterly_report_as_filed_and_what_changed_since(demo, capsys):
    filing = [e for _, _, e in demo["log"] if isinstance(e, ev.ReportFiled) and e.period == "2021Q3"
              and e.section == "center"][-1]
    assert hashlib.sha256(filing.content.encode()).hexdigest() == filing.digest
    filed = json.loads(filing.content)
    shown = jrun(capsys, demo["db"], "report", "quarterly", "--section", "center", "--as-filed", "Q3")
    assert shown == filed
    table = run(capsys, demo["db"], "report", "quarterly", "--section", "center", "--as-filed", "2021Q3")
    assert "核验一致" in table and filing.digest[:16] in table
    changes = jrun(capsys, demo["db"], "report", "quarterly", "--section", "center", "--diff-filed", "Q3")
    now = jrun(capsys, demo["db"], "report", "quarterly", "--section", "center", "--period", "Q3")
    before = {r["indicator"]: r for r in filed["rows"]}
    after = {r["indicator"]: r for r in now["rows"]}
    def cell(row: dict[str, Any], key: str) -> Any:
        return D(str(row[key])) if key == "points" else row[key]  # filed JSON keeps exact decimals as text

    expected = {(i, k) for i in after for k in after[i] if cell(before[i], k) != cell(after[i], k)}
    assert {(c["indicator"], c["column"]) for c in changes} == expected
    # the self-assessments came in December: the third quarter's report, read as of its end, leaves them out
    assert not {i for i, k in expected if k == "self_tier"}
    assert not {i for i, k in {(c["indicator"], c["column"]) for c in changes} if k == "self_tier"}


def test_filing_from_the_command_line_then_reading_it_back(demo, capsys, tmp_path):
    db = str(tmp_path / "copy.db")
    copy_ledger(demo["db"], db)
    # the demo filed it already: filing it again is a resubmission, refused without its reason
    capsys.readouterr()
    assert main(["--db", db, "--as", "linzefu", "report", "quarterly", "--section", "business", "--period", "Q4",
                 "--file"]) == 1
    assert "重新报送须说明原因" in capsys.readouterr().err
    out = run(capsys, db, "--as", "linzefu", "report", "quarterly", "--section", "business", "--period", "Q4",
              "--file", "--reason", "补报第四季度佐证")
    assert "报送报表 · 2021年第四季度季度报表 business · 林泽福（" in out
    with open_ledger(db) as ledger:
        filed = stored_events(ledger)[-1][2]
    assert isinstance(filed, ev.ReportFiled)
    assert (filed.report, filed.period, filed.section, filed.actor) == ("quarterly", "2021Q4", "business",
                                                                         "linzefu")
    assert filed.resubmission and filed.reason == "补报第四季度佐证"
    assert jrun(capsys, db, "report", "quarterly", "--section", "business", "--as-filed", "Q4") == \
        json.loads(filed.content)
    assert jrun(capsys, db, "report", "quarterly", "--section", "business", "--diff-filed", "Q4") == []


# -- the September forms --------------------------------------------------------------------------
def test_the_decomposition_table_follows_the_latest_assignment(demo, capsys):
    plan = demo["plan"]
    rows = jrun(capsys, demo["db"], "report", "decomposition")
    assert [r["indicator"] for r in rows] == [i.id for i, _ in plan.walk()]
    assigned = {}
    for _, _, e in demo["log"]:
        if isinstance(e, ev.Assigned):
            assigned[e.indicator_id] = e
    names = {p.id: p.name for p in plan.people}
    for r in rows:
        a = assigned[r["indicator"]]
        assert (r["section"], r["leader_name"], r["handler_name"], r["deadline"], r["milestones"]) == \
            (a.section, names[a.leader], names[a.handler], a.deadline.isoformat(), a.milestones)
    reassigned = [e for _, _, e in demo["log"] if isinstance(e, ev.Assigned) and "变更" in e.reason]
    assert reassigned


def test_the_register_of_responsible_persons_and_liaisons(demo, capsys):
    plan = demo["plan"]
    rows = jrun(capsys, demo["db"], "report", "contacts")
    duties = {(r["scope"], r["duty"], r["name"]) for r in rows}
    assert ("", "主要负责人", "林丽艳") in duties
    assert {("", "分管领导", "余君伟"), ("", "分管领导", "唐金龙")} <= duties
    for person in plan.people:
        if "section_head" in person.roles:
            assert (person.section, "股室负责人", person.name) in duties
    liaisons = {(e.section, e.liaison) for _, _, e in demo["log"] if isinstance(e, ev.Assigned) and e.liaison}
    names = {p.id: p.name for p in plan.people}
    assert {(s, "联络员", names[p]) for s, p in liaisons} <= duties


# -- deadlines ------------------------------------------------------------------------------------
def test_deadlines_say_what_was_filed_when_and_what_was_late(demo, capsys):
    plan = demo["plan"]
    listed = jrun(capsys, demo["db"], "report", "deadlines")
    items = [i for i in listed if i["report"] != "follow_up"]  # the meetings' items come after the filings
    assert listed[:len(items)] == items
    assert len(items) == sum(len(d.reports) for d in plan.deadlines)
    # the demo's items: one done on time, one done late, the year-end meeting's still open past its due date
    assert sorted(i["follow_up"]["status"] for i in listed[len(items):]) == ["done", "done_late", "late"]
    filings = [e for _, _, e in demo["log"] if isinstance(e, ev.ReportFiled)]
    for item in items:
        due = dt.date.fromisoformat(item["due"])
        report, _, period = item["item"].partition(":")
        mine = [f for f in filings if f.report == report and f.period == period]
        assert len(item["filings"]) == len(mine)
        if report == "quarterly":
            done = next(f for f in mine if f.section == "")  # the unit's summary completes it
        else:
            done = mine[0]
        late = business_date(done.timestamp) > due
        assert item["status"] == ("filed_late" if late else "filed"), item["item"]
    late = {i["item"] for i in items if i["status"] == "filed_late"}
    assert late == {"data_collection", "quarterly:2021Q3"}


# -- self-inspection ------------------------------------------------------------------------------
def test_the_self_inspection_report_reads_as_a_report(demo, capsys):
    md = run(capsys, demo["db"], "report", "self-inspection", "--format", "md")
    total, grade = expected_total(demo)
    assert md.startswith("# 安溪县科学技术局2021年度绩效评估自查报告")
    assert f"**{total:.2f}**" in md and f"**{grade}**" in md
    for heading in ("## 一、总体情况", "## 二、各类目标完成及定档情况", "## 三、察访核验发现问题及整改情况",
                    "## 四、加减分情况", "## 五、最终得分与等次", "## 六、存在问题及下步措施"):
        assert heading in md
    for method in ev.METHODS:
        assert method in md
    fix = next(e for _, _, e in demo["log"] if isinstance(e, ev.Corrected) and e.voided_kind == "Adjusted")
    assert f"已作废：{fix.reason}" in md
    for _, _, e in demo["log"]:
        if isinstance(e, ev.Adjusted) and e.basis:
            assert e.basis in md
    data = jrun(capsys, demo["db"], "report", "self-inspection")
    assert len(data["findings"]) == sum(1 for _, _, e in demo["log"] if isinstance(e, ev.FindingRecorded))


# -- audit trail ----------------------------------------------------------------------------------
def test_the_audit_trail_pages_filters_and_marks_voids(demo, tmp_path):
    from projections.audit import AuditFilter, AuditTrail

    db = str(tmp_path / "audit.db")
    copy_ledger(demo["db"], db)
    log = demo["log"]
    with open_ledger(db) as ledger, AuditTrail(audit_index(db)) as trail:
        assert trail.count() == len(log)  # written with the events: nothing to build
        seen, before = [], None
        while page := trail.page(before_position=before, limit=97):
            seen += [r.position for r in page]
            before = page[-1].position
        assert seen == [p for p, _, _ in reversed(log)]
        by_perf = trail.count(AuditFilter(actor="perf_office"))
        assert by_perf == sum(1 for _, _, e in log if e.actor == "perf_office")
        november = AuditFilter(score_only=True, since=dt.date(2021, 11, 1), until=dt.date(2021, 11, 30))
        expected = [p for p, _, e in log if e.kind in ev.SCORE_KINDS
                    and dt.date(2021, 11, 1) <= e.effective <= dt.date(2021, 11, 30)]
        assert [r.position for r in trail.rows(november)] == expected[::-1]
        fixes = [(p, e) for p, _, e in log if isinstance(e, ev.Corrected)]
        for position, fix in fixes:
            target = next(p for p, o, e in log if o == fix.originator_id and e.originator_version == fix.voided)
            row = trail.page({"text": ""}, before_position=target + 1, limit=1)[0]
            assert (row.position, row.voided_by, row.void_reason) == (target, position, fix.reason)
            early = trail.page(AuditFilter(known_at=fix.timestamp - dt.timedelta(seconds=1)),
                               before_position=target + 1, limit=1)[0]
            assert early.voided_by is None
        hits = list(trail.rows(AuditFilter(text=fixes[0][1].reason)))
        assert fixes[0][0] in [r.position for r in hits]
        # a new event's row is there as soon as the command returns
        ledger.audit_remark("gongfuan", "复核完毕")
        assert trail.max_position() == ledger.last_positions[-1]
        assert trail.page(limit=1)[0].summary == "复核完毕"


# -- every report in every format -------------------------------------------------------------------
@pytest.mark.parametrize("name", ["standings", "ledger", "quarterly", "decomposition", "contacts", "deadlines",
                                  "self-inspection", "audit"])
def test_every_report_in_every_format(demo, capsys, tmp_path, name):
    from openpyxl import load_workbook

    for fmt in ("table", "json", "csv", "md"):
        out = run(capsys, demo["db"], "report", name, "--format", fmt)
        assert out.strip()
        if fmt == "json":
            json.loads(out)
    path = tmp_path / f"{name}.xlsx"
    run(capsys, demo["db"], "report", name, "--format", "xlsx", "-o", str(path))
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    assert ws.max_row >= 3 and ws.freeze_panes
    numbers = [c.value for row in ws.iter_rows(min_row=3) for c in row if isinstance(c.value, int | float)]
    assert numbers or name in ("contacts", "deadlines")


def test_a_checkpoint_opens_the_ledger_and_a_stale_one_is_rebuilt(demo, tmp_path, capsys):
    from projections import checkpoint as cp
    from projections.live import LiveFold
    from projections.replay import replay

    db = str(tmp_path / "cp.db")
    copy_ledger(demo["db"], db)
    path = checkpoint_path(db)
    with open_ledger(db) as ledger:
        live = LiveFold(log_reader(ledger.app), checkpoint=FileCheckpoint(path))
        live.open()
        live.save()
        assert Path(path).exists()
        ledger.audit_remark("gongfuan", "抽查")
        reopened = LiveFold(log_reader(ledger.app), checkpoint=FileCheckpoint(path))
        reopened.open()
        assert reopened.from_checkpoint and reopened.fold.position == len(demo["log"]) + 1
        # an older projection version is discarded, never trusted
        data = Path(path).read_bytes()
        Path(path).write_bytes(data.replace(b'"version":%d' % cp.PROJECTION_VERSION, b'"version":0', 1))
        stale = LiveFold(log_reader(ledger.app), checkpoint=FileCheckpoint(path))
        stale.open()
        assert not stale.from_checkpoint
        assert cp.encode_state(stale.fold) == cp.encode_state(replay(log_reader(ledger.app)))
        stale.save()
        assert cp.load(FileCheckpoint(path), log_reader(ledger.app)) is not None
    # a checkpoint of another ledger is not trusted either
    other = str(tmp_path / "other.db")
    with open_store(other) as demo_store:
        generate(demo_store, seed=3, units=1)
    Path(checkpoint_path(other)).write_bytes(Path(path).read_bytes())
    with open_ledger(other) as ledger:
        assert cp.load(FileCheckpoint(checkpoint_path(other)), log_reader(ledger.app)) is None


def test_the_demo_command_scales_to_a_county_and_needs_an_empty_ledger(tmp_path, capsys):
    db = str(tmp_path / "county.db")
    out = run(capsys, db, "demo", "--seed", "5", "--units", "2", "--quiet")
    assert "2 个单位" in out
    with open_ledger(db) as ledger:
        plans = ledger.directory().plans
        users = ledger.directory().users
    assert set(plans) == {("安溪县科学技术局", 2021), ("安溪县教育局", 2021)}
    assert "linzefu" in users and "linzefu_01" in users
    other = jrun(capsys, db, "report", "standings", "--unit", "安溪县教育局")
    assert other["unit"] == "安溪县教育局" and other["total"] > 80
    capsys.readouterr()
    assert main(["--db", db, "demo", "--quiet"]) == 1
    assert "空台账" in capsys.readouterr().err
