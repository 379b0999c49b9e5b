"""The plan on its way into force, through the real command line on a fresh ledger with the
bundled plan: the office submits it after the 局务会审议, 县人社局's approval is recorded with
its reference, the office publishes it as 安科〔2021〕12号 (主动公开). Each step in order,
dated inside the plan's year; every refusal says why, exits 1 and stores nothing. The
plan's header, its export and the self-inspection name where it stands."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from tests.conftest import jixiao
from tests.stored import log_count

SUBMIT = ("plan", "submit", "--meeting", "2021年第9次局务会", "--meeting-date", "2021-09-22", "--date", "2021-09-23")
APPROVE = ("plan", "approve", "--reference", "安人社绩〔2021〕45号", "--date", "2021-09-28")
PUBLISH = ("plan", "publish", "--notice", "安科〔2021〕12号", "--date", "2021-09-30", "--channel", "门户网站")


def count(db: str) -> int:
    result = jixiao("log", "--limit", "1000000", "--format", "json", db=db)
    assert result.returncode == 0, result.stderr
    return log_count(result.stdout)


def ok(db: str, *args: str) -> str:
    result = jixiao(*args, db=db)
    assert result.returncode == 0, result.stderr
    return result.stdout


def refused(db: str, *args: str, expect: str, status: int = 1, lang: str = "en") -> None:
    before = count(db)
    result = jixiao("--lang", lang, *args, db=db)
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert expect in result.stderr, result.stderr
    assert count(db) == before


def status(db: str) -> dict:
    return json.loads(ok(db, "plan", "show", "--format", "json"))["status"]


def test_the_plan_is_submitted_approved_and_published_in_order(db_path: str) -> None:
    assert jixiao("init", db=db_path).returncode == 0
    assert status(db_path)["stage"] == "draft"

    # approve or publish before it was submitted: refused, with the reason
    refused(db_path, "--as", "perf_office", *APPROVE, expect="has not been submitted")
    refused(db_path, "--as", "huangyaqiong", *PUBLISH, expect="not approved")
    # wrong role, missing and bad values, a date outside the plan's year
    refused(db_path, "--as", "yijiepin", *SUBMIT, expect="may not submit the plan")
    refused(db_path, "--as", "huangyaqiong", "plan", "submit", "--meeting", "", "--meeting-date", "2021-09-22",
            "--date", "2021-09-23", expect="is required")
    refused(db_path, "--as", "huangyaqiong", "plan", "submit", "--meeting-date", "2021-09-22", "--date",
            "2021-09-23", expect="--meeting", status=2)
    refused(db_path, "--as", "huangyaqiong", "plan", "submit", "--meeting", "局务会", "--meeting-date",
            "2020-12-30", "--date", "2021-09-23", expect="before the plan year")
    refused(db_path, "--as", "huangyaqiong", "plan", "submit", "--meeting", "局务会", "--meeting-date",
            "2021-09-22", "--date", "2022-06-01", expect="after the year's filing window")
    refused(db_path, "--as", "huangyaqiong", "plan", "submit", "--meeting", "局务会", "--meeting-date",
            "2021-09-25", "--date", "2021-09-23", expect="after the submission")
    refused(db_path, "--as", "huangyaqiong", "plan", "submit", "--meeting", "局务\x1b[31m会", "--meeting-date",
            "2021-09-22", "--date", "2021-09-23", expect="control character")
    refused(db_path, "--as", "huangyaqiong", "plan", "submit", "--meeting", "局务会", "--meeting-date",
            "2021-9-2x", "--date", "2021-09-23", expect="2021-9-2x")

    assert "plan submitted" in ok(db_path, "--as", "huangyaqiong", *SUBMIT)
    # a second submission is a resubmission: only with its reason
    refused(db_path, "--as", "huangyaqiong", *SUBMIT, expect="resubmission needs its reason")
    refused(db_path, "--as", "huangyaqiong", *SUBMIT, expect="重新报审须说明理由", lang="zh")
    refused(db_path, "--as", "huangyaqiong", *PUBLISH, expect="not approved")
    # the approval: 县人社局's assessor (or the admin), not the unit itself, and not before the submission
    refused(db_path, "--as", "linliyan", *APPROVE, expect="may not approve the plan")
    refused(db_path, "--as", "perf_office", "plan", "approve", "--reference", "安人社绩〔2021〕45号", "--date",
            "2021-09-20", expect="before the submission")
    assert "plan approved" in ok(db_path, "--as", "perf_office", *APPROVE)
    refused(db_path, "--as", "perf_office", *APPROVE, expect="needs a resubmission first")
    assert status(db_path)["stage"] == "approved"
    # the publication: the office, not before the approval
    refused(db_path, "--as", "perf_office", *PUBLISH, expect="may not publish the plan")
    refused(db_path, "--as", "huangyaqiong", "plan", "publish", "--notice", "安科〔2021〕12号", "--date",
            "2021-09-27", expect="before the approval")
    refused(db_path, "--as", "huangyaqiong", *PUBLISH, "--openness", "公开", expect="invalid choice", status=2)
    assert "plan published" in ok(db_path, "--as", "huangyaqiong", *PUBLISH)
    refused(db_path, "--as", "huangyaqiong", *PUBLISH, expect="was published on 2021-09-30")

    shown = status(db_path)
    assert shown["stage"] == "published" and shown["stage_label"] == "已印发"
    assert (shown["meeting"], shown["meeting_date"], shown["submitted"]) == ("2021年第9次局务会", "2021-09-22",
                                                                           "2021-09-23")
    assert (shown["approver"], shown["approval"], shown["approved"]) == ("县人社局", "安人社绩〔2021〕45号",
                                                                        "2021-09-28")
    assert (shown["notice"], shown["published"], shown["openness"], shown["channels"]) == (
        "安科〔2021〕12号", "2021-09-30", "主动公开", ["门户网站"])
    header = ok(db_path, "plan", "show").splitlines()[1]
    assert "已印发" in header and "安科〔2021〕12号" in header and "安人社绩〔2021〕45号" in header
    toml = ok(db_path, "plan", "export")
    assert "# 印发文号：安科〔2021〕12号\n" in toml and "# 批复文号：安人社绩〔2021〕45号\n" in toml
    md = ok(db_path, "report", "self-inspection", "--format", "md")
    assert "（安科〔2021〕12号，县人社局 安人社绩〔2021〕45号 批复）" in md
    plan_status = json.loads(ok(db_path, "report", "self-inspection", "--format", "json"))["plan_status"]
    assert plan_status["notice"] == "安科〔2021〕12号" and plan_status["approval"] == "安人社绩〔2021〕45号"

    # the plan changed after its publication: resubmitted with the reason, approved again
    ok(db_path, "--as", "huangyaqiong", "plan", "submit", "--meeting", "2021年第11次局务会", "--meeting-date",
       "2021-10-20", "--date", "2021-10-21", "--reason", "调整动态工作目标后重新报审")
    again = status(db_path)
    assert again["stage"] == "submitted" and again["submissions"] == 2 and again["notice"] == ""
    ok(db_path, "--as", "admin", "plan", "approve", "--reference", "安人社绩〔2021〕61号", "--date", "2021-10-25")
    assert status(db_path)["approvals"] == 2


def test_the_exported_workbook_carries_the_approval_and_reads_back(db_path: str, tmp_path: Path) -> None:
    assert jixiao("init", db=db_path).returncode == 0
    ok(db_path, "--as", "huangyaqiong", *SUBMIT)
    ok(db_path, "--as", "perf_office", *APPROVE)
    out = tmp_path / "plan.xlsx"
    ok(db_path, "plan", "export", "--format", "xlsx", "-o", str(out))
    rows = {r[0]: r[1] for r in load_workbook(out)["方案审批"].iter_rows(values_only=True)}
    assert rows["阶段"] == "已批复，待印发" and rows["批复文号"] == "安人社绩〔2021〕45号"
    assert jixiao("plan", "check", str(out)).returncode == 0
