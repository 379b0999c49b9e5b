"""The office's own year on a fresh ledger with the bundled plan, without the demo: every
deliverable of the seed's 进度安排 filed by the role that files it, with its content,
through the command line; `report deadlines` then shows each as filed (on time or late)
and none as 逾期未报. And each new command refuses bad input with nothing stored."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from store import open_ledger
from tests.stored import stored_events
from tui.cli.main import main

SECTION_HEADS = {"business": "linzefu", "center": "chenwencai", "office": "huangyaqiong"}
OFFICE = "huangyaqiong"


def run(capsys: Any, db: str, *args: str) -> str:
    capsys.readouterr()
    code = main(["--db", db, *args])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def jrun(capsys: Any, db: str, *args: str) -> Any:
    return json.loads(run(capsys, db, *args, "--format", "json"))


def refused(capsys: Any, db: str, *args: str) -> str:
    """Run a command that must be refused: exit 1, a message, and nothing stored."""
    before = count(db)
    capsys.readouterr()
    code = main(["--db", db, *args])
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.strip() and "Traceback" not in err
    assert count(db) == before
    return err


def count(db: str) -> int:
    with open_ledger(db, create=False) as ledger:
        return ledger.max_position()


@pytest.fixture
def fresh(db_path: str, capsys: Any) -> str:
    if "://" not in db_path:
        Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    run(capsys, db_path, "init")
    return db_path


def give_phones(capsys: Any, db: str) -> None:
    people = {row["person"] for row in jrun(capsys, db, "report", "contacts")}
    for n, person in enumerate(sorted(people)):
        run(capsys, db, "users", "contact", person, "--phone", f"0595-2323{n:04d}", "--mobile", f"1390595{n:04d}")


def test_the_whole_year_is_filed_by_its_roles_and_every_deadline_shows_it(fresh: str, capsys: Any,
                                                                         tmp_path: Path) -> None:
    db = fresh
    office = ("--as", OFFICE)
    # 9-30: the plan with its self-assessment table, the forms, Q1/Q2 and the half-year summary
    give_phones(capsys, db)
    run(capsys, db, *office, "record", "data-item", "D01", "--item", "全社会研发经费投入强度",
        "--section", "business", "--person", "linzefu", "--source", "县统计局", "--due", "2021-10-15")
    run(capsys, db, *office, "record", "data-item", "D02", "--item", "省级以上创新平台数量",
        "--section", "center", "--person", "chenwencai", "--due", "2021-11-30")
    for quarter, percent in (("Q1", 20), ("Q2", 45), ("Q3", 70), ("Q4", 100)):
        run(capsys, db, "--as", "yijiepin", "record", "progress", "K04.1", "--period", f"2021{quarter}",
            "--percent", str(percent), "--note", f"{quarter} 完成培育")
    run(capsys, db, "--as", "chenwencai", "record", "self-assessment", "K04.1", "--tier", "一档")
    for kind in ("plan", "decomposition", "data-collection", "contacts"):
        run(capsys, db, *office, "report", kind, "--file")
    summary = tmp_path / "上半年总结.md"
    summary.write_text("# 上半年绩效评估工作总结\n\n一、总体情况：各项指标按进度推进。\n", encoding="utf-8")
    run(capsys, db, *office, "report", "half-year-summary", "--file", "--content", str(summary))
    for quarter in ("Q1", "Q2", "Q3", "Q4"):
        for section, head in SECTION_HEADS.items():
            run(capsys, db, "--as", head, "report", "quarterly", "--section", section, "--period", quarter, "--file")
        run(capsys, db, *office, "report", "quarterly", "--period", quarter, "--file")
    # 1-5: the annual summary (the ledger's draft) and the self-inspection
    run(capsys, db, *office, "report", "annual-summary", "--file")
    run(capsys, db, *office, "report", "self-inspection", "--file")
    # early February: the internal evaluation, once its results are locked
    run(capsys, db, "--as", "yujunwei", "internal", "pool", "86000", "--reason", "年度绩效奖金总额")
    run(capsys, db, "--as", "yujunwei", "internal", "rate", "yijiepin", "--score", "88", "--reason", "年度考核")
    run(capsys, db, "--as", "yujunwei", "internal", "rate", "linzefu", "--grade", "良好")
    run(capsys, db, "--as", "yujunwei", "internal", "lock", "--reason", "局党组会议审定")
    run(capsys, db, *office, "report", "internal-evaluation", "--file")

    items = jrun(capsys, db, "report", "deadlines")
    assert {i["report"] for i in items} == {"plan", "decomposition", "data_collection", "contacts", "quarterly",
                                            "half_year_summary", "annual_summary", "self_inspection",
                                            "internal_evaluation"}
    for item in items:
        assert item["filings"], item["item"]
        assert item["status"] in ("filed", "filed_late"), item
        assert item["status_label"] in ("按时报送", "逾期报送")
    # the summary is filed exactly as the office wrote it, with its digest
    filed = jrun(capsys, db, "report", "half-year-summary", "--as-filed")
    text = summary.read_text(encoding="utf-8")
    assert filed["markdown"] == text and not filed["draft"]
    assert filed["digest"] == hashlib.sha256(text.encode()).hexdigest()
    assert run(capsys, db, "report", "half-year-summary", "--as-filed", "--format", "md").rstrip("\n") == \
        text.rstrip("\n")
    # the annual summary filed is the ledger's draft: progress per indicator, by its section
    annual = jrun(capsys, db, "report", "annual-summary", "--as-filed")["markdown"]
    assert "K04.1" in annual and "完成 100%" in annual and "Q4 完成培育" in annual
    # the plan filed carries the self-assessment table: the unit's own tier and score
    with open_ledger(db, create=False) as ledger:
        events = [e for _, _, e in stored_events(ledger) if e.kind == "ReportFiled"]
    plan = json.loads(next(e for e in events if e.report == "plan").content)
    row = next(r for r in plan["self_assessment"] if r["indicator"] == "K04.1")
    assert row["self_tier"] == "一档" and row["tier"] == ""
    contacts = json.loads(next(e for e in events if e.report == "contacts").content)
    assert all(r["phone"] for r in contacts["rows"])
    data = json.loads(next(e for e in events if e.report == "data_collection").content)
    assert [(r["id"], r["person_name"]) for r in data["rows"]] == [("D01", "林泽福"), ("D02", "陈文才")]
    internal = json.loads(next(e for e in events if e.report == "internal_evaluation").content)
    assert internal["results"]["locked"] is True


def test_a_deliverable_filed_again_is_a_resubmission_with_its_reason(fresh: str, capsys: Any,
                                                                    tmp_path: Path) -> None:
    db = fresh
    office = ("--as", OFFICE)
    run(capsys, db, *office, "report", "decomposition", "--file")
    assert "同样的" in refused(capsys, db, *office, "report", "decomposition", "--file", "--reason", "再报")
    run(capsys, db, *office, "record", "assignment", "K04.1", "--section", "center", "--leader", "yujunwei",
        "--handler", "liuyuqin", "--reason", "调整承办人")
    assert "重新报送须说明原因" in refused(capsys, db, *office, "report", "decomposition", "--file")
    run(capsys, db, *office, "report", "decomposition", "--file", "--reason", "承办人调整后重报")
    with open_ledger(db, create=False) as ledger:
        filings = [e for _, _, e in stored_events(ledger) if e.kind == "ReportFiled"]
    assert [(e.resubmission, e.reason) for e in filings] == [(False, ""), (True, "承办人调整后重报")]
    items = {i["item"]: i for i in jrun(capsys, db, "report", "deadlines")}
    assert len(items["decomposition"]["filings"]) == 2


def test_filing_refuses_what_does_not_exist_yet_and_who_may_not_file_it(fresh: str, capsys: Any,
                                                                        tmp_path: Path) -> None:
    db = fresh
    office = ("--as", OFFICE)
    assert "未登记联系电话" in refused(capsys, db, *office, "report", "contacts", "--file")
    assert "数据采集表还没有任何项" in refused(capsys, db, *office, "report", "data-collection", "--file")
    assert "内部考评结果尚未审定" in refused(capsys, db, *office, "report", "internal-evaluation", "--file")
    assert "尚未自评" in refused(capsys, db, *office, "report", "self-inspection", "--file")
    # a section's people file their section's quarterly report, not the unit's deliverables
    assert "不能以全单位名义报送" in refused(capsys, db, "--as", "yijiepin", "report", "plan", "--file")
    assert "全单位" in refused(capsys, db, *office, "report", "plan", "--file", "--section", "center")
    note = tmp_path / "note.md"
    note.write_text("正文", encoding="utf-8")
    assert "工作总结" in refused(capsys, db, *office, "report", "plan", "--file", "--content", str(note))
    assert "工作总结" in refused(capsys, db, *office, "report", "half-year-summary", "--content", str(note))
    bad = tmp_path / "bad.md"
    bad.write_text("总结\x1b]0;pwned\x07", encoding="utf-8")
    assert "控制字符" in refused(capsys, db, *office, "report", "half-year-summary", "--file", "--content", str(bad))
    empty = tmp_path / "empty.md"
    empty.write_text("  \n", encoding="utf-8")
    assert "还没有内容" in refused(capsys, db, *office, "report", "annual-summary", "--file", "--content", str(empty))
    assert "无法读取" in refused(capsys, db, *office, "report", "annual-summary", "--file", "--content",
                              str(tmp_path / "missing.md"))


def test_the_data_collection_table_and_telephone_numbers_refuse_bad_input(fresh: str, capsys: Any) -> None:
    db = fresh
    office = ("--as", OFFICE)
    assert "无权" in refused(capsys, db, "--as", "yijiepin", "record", "data-item", "D01", "--item", "x")
    assert "nobody" in refused(capsys, db, *office, "record", "data-item", "D01", "--item", "x",
                               "--person", "nobody")
    assert "股室" in refused(capsys, db, *office, "record", "data-item", "D01", "--item", "x", "--section", "nowhere")
    missing = refused(capsys, db, *office, "record", "data-item", "D01")
    assert "不能为空" in missing and ("item" in missing or "采集内容" in missing)
    assert "2022-03-31" in refused(capsys, db, *office, "record", "data-item", "D01", "--item", "x",
                                   "--due", "2022-06-01")
    assert "2021" in refused(capsys, db, *office, "record", "data-item", "D01", "--item", "x", "--due", "2020-12-31")
    assert "日期" in refused(capsys, db, *office, "record", "data-item", "D01", "--item", "x", "--due", "2021-13-01")
    assert "D09" in refused(capsys, db, *office, "record", "data-item", "D09", "--remove", "--reason", "不需要")
    run(capsys, db, *office, "record", "data-item", "D01", "--item", "研发投入", "--section", "business")
    assert "须说明原因" in refused(capsys, db, *office, "record", "data-item", "D01", "--item", "研发投入强度")
    run(capsys, db, *office, "record", "data-item", "D01", "--item", "研发投入强度", "--reason", "按市局口径更正")
    assert [r["item"] for r in jrun(capsys, db, "report", "data-collection")] == ["研发投入强度"]
    run(capsys, db, *office, "record", "data-item", "D01", "--remove", "--reason", "市局取消该项")
    assert jrun(capsys, db, "report", "data-collection") == []
    # telephone numbers: the office or an admin records them, as numbers
    assert "无权" in refused(capsys, db, "--as", "yijiepin", "users", "contact", "yijiepin", "--phone", "123456")
    assert "电话号码" in refused(capsys, db, "users", "contact", "yijiepin", "--phone", "call me")
    assert "nobody" in refused(capsys, db, "users", "contact", "nobody", "--phone", "0595-1234567")
    assert refused(capsys, db, "users", "contact", "yijiepin")
    run(capsys, db, *office, "users", "contact", "yijiepin", "--mobile", "13905951234")
    row = next(r for r in jrun(capsys, db, "report", "contacts") if r["person"] == "yijiepin")
    assert row["mobile"] == "13905951234"
