"""Every kind of bad input, through the real command line: a clear message, a non-zero
exit status, no traceback, and not one event more in the ledger.

Also: a write that conflicts with a concurrent writer is retried by deciding again
against the new state, and reported (with nothing written) once the retries run out.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from eventsourcing.persistence import IntegrityError

import domain.ledger
from domain import events as ev
from domain.commands import Ledger
from domain.errors import JixiaoError
from domain.plan_io import bundled_plan, bundled_plan_text
from store import open_ledger
from tests.conftest import ROOT, Clock, jixiao
from tests.stored import log_count, stored_events

PROGRESS = ["--as", "yijiepin", "record", "progress", "K04.1", "--period", "2021Q3", "--percent", "60"]


def count(db: str) -> int:
    result = jixiao("log", "--limit", "1000000", "--format", "json", db=db)
    assert result.returncode == 0, result.stderr
    return log_count(result.stdout)


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A ledger initialised by the command line, holding one progress report."""
    db = str(tmp_path_factory.mktemp("cli") / "ledger.db")
    assert jixiao("init", "--example", db=db).returncode == 0
    result = jixiao(*PROGRESS, "--note", "完成申报", db=db)
    assert result.returncode == 0, result.stderr
    yield db, count(db)


def refused(db: str, baseline: int, *args: str, expect: str, status: int = 1,
            one_line: bool = True, input: str | None = None) -> str:
    result = jixiao(*args, db=db, input=input)
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert expect in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    if one_line:
        assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    assert count(db) == baseline
    return result.stderr


CASES: dict[str, tuple[list[str], str]] = {
    # who
    "wrong role": (["--as", "gongfuan", "record", "progress", "K04.1", "--period", "2021Q3",
                    "--percent", "60"], "(roles supervisory group) may not report progress"),
    "wrong section": (["--as", "xiewanting", "record", "progress", "K04.1", "--period", "2021Q3",
                       "--percent", "60"], "user xiewanting of section business cannot act on indicators "
                                           "of section center"),
    "unknown user": (["--as", "nobody", *PROGRESS[2:]], "unknown user: nobody"),
    "clerk awards a tier": (["--as", "yijiepin", "record", "tier", "K04.1", "--tier", "一档"],
                            "may not award a tier"),
    "supervisor adds a user": (["--as", "gongfuan", "users", "add", "wangwu", "王五"], "may not manage users"),
    "clerk replaces the plan": (["--as", "yijiepin", "init", "--example", "--replace"], "may not load a plan"),
    # what
    "unknown indicator": (["--as", "yijiepin", "record", "progress", "K99.9", "--period", "2021Q3",
                           "--percent", "60"], "unknown indicator K99.9"),
    "unknown tier": (["--as", "yujunwei", "record", "tier", "K04.1", "--tier", "五档"],
                     "tier '五档' is not in the tier table"),
    "unknown section": (["--as", "yujunwei", "record", "assignment", "K04.1", "--section", "nowhere",
                         "--leader", "yujunwei", "--handler", "yijiepin"], "unknown section nowhere"),
    "unknown role": (["users", "grant", "yijiepin", "boss"], "unknown role boss"),
    "not a leaf": (["--as", "yujunwei", "record", "tier", "K04", "--tier", "一档"],
                   "indicator K04 has second-level indicators"),
    "not voidable": (["--as", "yujunwei", "record", "correction", "1", "--reason", "x"], "cannot be voided"),
    "no such position": (["--as", "yujunwei", "record", "correction", "99999", "--reason", "x"],
                         "no event at position 99999"),
    # how much
    "deduction over the indicator's points": (
        ["--as", "yujunwei", "record", "deduction", "1.5", "--indicator", "K04.1", "--reason", "扣分"],
        "1.50 exceeds the indicator's 1 points"),
    "bonus over the yearly cap": (["--as", "yujunwei", "record", "bonus", "4", "--reason", "加分"],
                                  "bonus of 4.00 exceeds the yearly cap 3"),
    "finding cap over the points": (
        ["--as", "perf_office", "record", "finding", "--method", "明察暗访", "--count", "1",
         "--per-item", "0.5", "--cap", "2", "--indicator", "K04.1"], "exceeds the indicator's 1 points"),
    "amount not a number": (["--as", "yujunwei", "record", "bonus", "abc", "--reason", "加分"],
                            "Points is not a number: abc"),
    "amount in fractions of a cent": (["--as", "yujunwei", "record", "bonus", "0.005", "--reason", "加分"],
                                      "Points has more than 2 decimals"),
    "percent out of range": (["--as", "yijiepin", "record", "progress", "K04.1", "--period", "2021Q3",
                              "--percent", "150"], "percent complete must be 0..100: 150"),
    "no count": (["--as", "perf_office", "record", "finding", "--method", "明察暗访", "--count", "0",
                  "--per-item", "0.5", "--indicator", "K04.1"], "Count (--count) must be positive: 0"),
    # when
    "bad date": ([*PROGRESS, "--effective", "2021-13-01"], "Effective (--effective) is not a date: 2021-13-01"),
    "bad date format": ([*PROGRESS, "--effective", "01/10/2021"], "Effective (--effective) is not a date: 01/10/2021"),
    "bad deadline": (["--as", "yujunwei", "record", "assignment", "K04.1", "--section", "center",
                      "--leader", "yujunwei", "--handler", "yijiepin", "--deadline", "soon"],
                     "Deadline (--deadline) is not a date: soon"),
    "effective in the future": ([*PROGRESS, "--effective", "2999-01-01"], "date 2999-01-01 is after today"),
    "effective before the plan year": ([*PROGRESS, "--effective", "2020-12-31"],
                                       "date 2020-12-31 is before the plan year 2021"),
    "bad period": (["--as", "yijiepin", "record", "progress", "K04.1", "--period", "2021Q5",
                    "--percent", "60"], "bad period: 2021Q5"),
    "period of another year": (["--as", "yijiepin", "record", "progress", "K04.1", "--period", "2020Q4",
                                "--percent", "60"], "period 2020Q4 is outside the plan year 2021"),
    # how long
    "oversized note": ([*PROGRESS, "--note", "字" * 4001], "Done (--note) is 4001 characters long, the limit is 4000"),
    "oversized reason": (["--as", "yujunwei", "record", "tier", "K04.1", "--tier", "一档", "--reason",
                          "因" * 2001], "Reason (--reason) is 2001 characters long, the limit is 2000"),
    "oversized remark": (["--as", "gongfuan", "record", "remark", "注" * 4001],
                         "Remark (text) is 4001 characters long"),
    "oversized user name": (["users", "add", "wangwu", "王" * 201], "Name (name) is 201 characters long"),
    # what a terminal would obey instead of showing: escape sequences and other control characters
    "window title in a note": ([*PROGRESS, "--note", "ok\x1b]0;x\x07"],
                               "Done (--note) holds a control character \\x1b at character 3"),
    "bell in a reason": (["--as", "yujunwei", "record", "tier", "K04.1", "--tier", "一档", "--reason", "复核\x07"],
                         "Reason (--reason) holds a control character \\x07 at character 3"),
    "carriage return in a remark": (["--as", "gongfuan", "record", "remark", "正常\r已整改"],
                                    "Remark (text) holds a control character \\x0d at character 3"),
    "backspace in a basis": (["--as", "yujunwei", "record", "bonus", "1", "--reason", "r", "--basis", "文\x08件"],
                             "Basis document (--basis) holds a control character \\x08"),
    "newline in a milestone": (["--as", "yujunwei", "record", "assign", "K04.1", "--section", "center",
                                "--leader", "yujunwei", "--handler", "yijiepin", "--milestone", "一\n二"],
                               "(--milestone) holds a control character \\x0a"),
    "C1 screen clear in an indicator": (["--as", "yijiepin", "record", "progress", "K04.1\x9b2J", "--period",
                                         "2021Q3", "--percent", "60"], "holds a control character \\x9b"),
    "bidi override in a description": (["--as", "yijiepin", "record", "evidence", "K04.1", "--name", "a.pdf",
                                        "--sha256", "a" * 64, "--size", "1", "--description", "甲\u202e乙"],
                                       "holds a control character \\u202e"),
    "escape in a user's name": (["users", "add", "wangwu", "王\x1b[2J五"], "Name (name) holds a control character"),
    "missing reason": (["--as", "yujunwei", "record", "bonus", "1"], "Reason is required"),
    "bad digest": (["--as", "yijiepin", "record", "evidence", "K04.1", "--name", "a.pdf", "--sha256", "xyz",
                    "--size", "1"], "not a SHA-256 digest: xyz"),
    # again
    "duplicate submission": ([*PROGRESS, "--note", "完成申报"],
                             "duplicate submission: the same progress report is already recorded"),
    "a second plan for the same unit and year": (["init", "--plan", "{other_plan}"],
                                                 "already loaded; pass --replace"),
    # files
    "malformed plan file": (["init", "--plan", "{bad_toml}"], "malformed TOML"),
    "plan file of the wrong type": (["init", "--plan", "{txt}"], "unsupported file type: .txt"),
    "missing plan file": (["init", "--plan", "{missing}.toml"], "cannot read the file"),
    "malformed import file": (["import", "{bad_jsonl}"], ":2: malformed import line"),
    "malformed key file": (["users", "add-key", "yijiepin", "{txt}"], "not a valid SSH public key"),
    "missing key file": (["users", "add-key", "yijiepin", "{missing}.pub"], "cannot read the file"),
    "missing evidence file": (["--as", "yijiepin", "record", "evidence", "K04.1", "{missing}.pdf"],
                              "cannot read the file"),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    where = tmp_path_factory.mktemp("files")
    other = where / "other.toml"
    other.write_text(bundled_plan_text().replace('title = "安溪县科学技术局2021年度绩效评估工作方案"',
                                                 'title = "另一个方案"'), encoding="utf-8")
    bad = where / "bad.toml"
    bad.write_text('unit = "安溪县科学技术局"\nyear = = 2021\n', encoding="utf-8")
    txt = where / "plan.txt"
    txt.write_text("not a plan, not a key\n", encoding="utf-8")
    jsonl = where / "bad.jsonl"
    uid = "00000000-0000-0000-0000-000000000001"
    state = (f'{{"originator_id":"{uid}","originator_version":1,"timestamp":"2021-10-08T02:00:00Z",'
             '"actor":"system","role":"admin","effective":"2021-10-08","user":"admin","name":"管理员"}')
    jsonl.write_text(f'{{"position":1,"originator_id":"{uid}","originator_version":1,'
                     f'"topic":"jixiao:UserRegistered@1","state":{state}}}\n'
                     "{not json\n", encoding="utf-8")
    return {"other_plan": str(other), "bad_toml": str(bad), "txt": str(txt), "bad_jsonl": str(jsonl),
            "missing": str(where / "missing")}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_clearly(cli_db: tuple[str, int], files: dict[str, str], case: str) -> None:
    db, baseline = cli_db
    args, expect = CASES[case]
    refused(db, baseline, *[a.format(**files) for a in args], expect=expect)


def test_messages_are_in_chinese_by_default(cli_db: tuple[str, int]) -> None:
    db, baseline = cli_db
    result = jixiao(*PROGRESS, "--note", "完成申报", db=db, env={"JIXIAO_LANG": "zh"})
    assert result.returncode == 1
    assert result.stderr.strip() == "重复提交：同样的 进度报告 已记录（版本 1）"
    assert count(db) == baseline


@pytest.mark.parametrize("args, expect", [
    (["--as", "yijiepin", "record", "progress", "K04.1", "--period", "2021Q3", "--percent", "sixty"],
     "argument --percent: invalid int value: 'sixty'"),
    (["--as", "yijiepin", "record", "progress", "K04.1", "--percent", "60"],
     "the following arguments are required: --period"),
    (["--as", "perf_office", "record", "finding", "--method", "看看", "--count", "1", "--per-item", "1"],
     "argument --method: invalid choice: '看看'"),
    (["log", "--limit", "0"], "argument --limit: must be 1 or more: 0"),
    (["record"], "usage: jixiao record"),
    (["users"], "usage: jixiao users"),
])
def test_malformed_command_lines_exit_2_with_usage(cli_db: tuple[str, int], args: list[str],
                                                   expect: str) -> None:
    db, baseline = cli_db
    stderr = refused(db, baseline, *args, expect=expect, status=2, one_line=False)
    assert stderr.splitlines()[0].startswith("usage: jixiao")


@pytest.mark.parametrize("args, expect", [
    (["--as", "yijiepin", "record", "progress", "K04.1", "--period", "2021Q3", "--percent", "sixty"],
     "参数 --percent：值有误：'sixty'"),
    (["--as", "yijiepin", "record", "progress", "K04.1", "--percent", "60"], "缺少必填参数：--period"),
    (["--as", "perf_office", "record", "finding", "--method", "看看", "--count", "1", "--per-item", "1"],
     "参数 --method：无效的选择：'看看'"),
    (["log", "--limit", "0"], "参数 --limit：应为 1 或更大：0"),
    (["record", "void", "abc"], "参数 位置：值有误：'abc'"),
    (["users"], "用法：jixiao users"),
])
def test_malformed_command_lines_are_refused_in_chinese(cli_db: tuple[str, int], args: list[str],
                                                        expect: str) -> None:
    db, baseline = cli_db
    stderr = refused(db, baseline, "--lang", "zh", *args, expect=expect, status=2, one_line=False)
    assert stderr.splitlines()[0].startswith("用法：jixiao")
    assert "usage" not in stderr and "error" not in stderr and "argument" not in stderr


def test_a_missing_or_unreadable_ledger_is_named(tmp_path: Path) -> None:
    missing = jixiao("log", db=str(tmp_path / "none" / "ledger.db"))
    assert missing.returncode == 1
    assert missing.stderr.strip().endswith("ledger.db: no ledger here; run `jixiao init` first")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    broken = jixiao(*PROGRESS, db=str(garbage))
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert broken.stderr.strip() == f"{garbage}: cannot open the ledger: file is not a database"
    assert garbage.read_bytes() == b"this is not a database" * 100


def test_refused_commands_go_to_the_ledger_log(cli_db: tuple[str, int]) -> None:
    db, _ = cli_db
    jixiao("--as", "gongfuan", "record", "tier", "K04.1", "--tier", "一档", db=db)
    log = Path(db + ".log").read_text(encoding="utf-8")
    assert "refused: actor=gongfuan command=award_tier" in log


# -- conflicting concurrent writes ----------------------------------------------------------
@pytest.fixture
def two_writers(db_path: str, clock: Clock) -> Iterator[tuple[Ledger, Ledger]]:
    """Two ledgers on one SQLite file, as two processes would have."""
    with open_ledger(db_path, clock=clock) as first:
        first.bootstrap(bundled_plan())
        with open_ledger(db_path, clock=clock) as second:
            yield first, second


def progress_notes(ledger: Ledger, indicator: str = "K04.1") -> list[tuple[int, str]]:
    return [(e.originator_version, e.done) for _, _, e in stored_events(ledger)
            if isinstance(e, ev.ProgressReported) and e.indicator_id == indicator]


def test_a_stale_write_is_retried_by_deciding_again(two_writers: tuple[Ledger, Ledger],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = two_writers
    outcomes: list[str] = []
    save = a.app.save_aggregates

    def watched_save(aggregates: object, files: object = ()) -> object:
        try:
            recordings = save(aggregates, files)
        except IntegrityError:
            outcomes.append("conflict")
            raise
        outcomes.append("saved")
        return recordings

    loaded: list[int] = []
    load = a.indicator_file

    def interleaved(plan: object, indicator: str) -> object:
        file = load(plan, indicator)  # type: ignore[arg-type]
        loaded.append(file.version)
        if len(loaded) == 1:  # b writes between a's read and a's save
            b.report_progress("liuyuqin", "K04.1", period="2021Q3", percent=40, done="b 的进展")
        return file

    monkeypatch.setattr(a.app, "save_aggregates", watched_save)
    monkeypatch.setattr(a, "indicator_file", interleaved)
    event = a.report_progress("yijiepin", "K04.1", period="2021Q3", percent=60, done="a 的进展")
    assert outcomes == ["conflict", "saved"]
    assert loaded == [0, 1]  # decided again, on the state that includes b's report
    assert event.originator_version == 2
    assert progress_notes(a) == [(1, "b 的进展"), (2, "a 的进展")]


def test_deciding_again_applies_the_rules_to_the_new_state(two_writers: tuple[Ledger, Ledger],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = two_writers
    load = a.indicator_file
    calls: list[int] = []

    def interleaved(plan: object, indicator: str) -> object:
        file = load(plan, indicator)  # type: ignore[arg-type]
        calls.append(file.version)
        if len(calls) == 1:  # b submits the very same report first
            b.report_progress("liuyuqin", "K04.1", period="2021Q3", percent=60, done="同一份")
        return file

    monkeypatch.setattr(a, "indicator_file", interleaved)
    with pytest.raises(JixiaoError) as info:
        a.report_progress("yijiepin", "K04.1", period="2021Q3", percent=60, done="同一份")
    assert [p.code for p in info.value.problems] == ["cmd.duplicate"]
    assert progress_notes(a) == [(1, "同一份")]  # one report, not two merged


@pytest.mark.parametrize("attempts", [1, 3])
def test_a_conflict_is_reported_when_the_retries_run_out(two_writers: tuple[Ledger, Ledger],
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         attempts: int) -> None:
    a, b = two_writers
    monkeypatch.setattr(domain.ledger, "MAX_ATTEMPTS", attempts)
    load = a.indicator_file

    def always_beaten(plan: object, indicator: str) -> object:
        file = load(plan, indicator)  # type: ignore[arg-type]
        b.report_progress("liuyuqin", indicator, period="2021Q3", percent=file.version,
                          done=f"b 抢先 {file.version}")
        return file

    monkeypatch.setattr(a, "indicator_file", always_beaten)
    before = a.max_position()
    with pytest.raises(JixiaoError) as info:
        a.report_progress("yijiepin", "K04.1", period="2021Q3", percent=60, done="a 的进展")
    assert [p.code for p in info.value.problems] == ["ledger.conflict"]
    assert info.value.message("en") == (f"conflicting concurrent writes; gave up after {attempts} "
                                        "attempts, nothing written")
    assert len(stored_events(a, before)) == attempts  # only the winner's events
    assert progress_notes(a) == [(v, f"b 抢先 {v - 1}") for v in range(1, attempts + 1)]


CONFLICTING_CLI = textwrap.dedent("""
    import sys

    import domain.ledger
    from domain.commands import Ledger
    from store import open_ledger
    from tui.cli.main import main

    domain.ledger.MAX_ATTEMPTS = 1
    load = Ledger.indicator_file

    def beaten(self, plan, indicator):
        file = load(self, plan, indicator)
        if not getattr(self, "competitor", False):
            with open_ledger(sys.argv[1]) as other:
                other.competitor = True
                other.report_progress("liuyuqin", indicator, period="2021Q3", percent=1, done="抢先")
        return file

    Ledger.indicator_file = beaten
    sys.exit(main(["--db", sys.argv[1], *sys.argv[2:]]))
""")


def test_the_command_line_reports_a_conflict_and_writes_nothing(tmp_path: Path) -> None:
    import subprocess

    db = str(tmp_path / "ledger.db")
    assert jixiao("init", "--example", db=db).returncode == 0
    before = count(db)
    result = subprocess.run(
        [sys.executable, "-c", CONFLICTING_CLI, db, *PROGRESS, "--note", "败者的进展"],
        capture_output=True, text=True, cwd=ROOT, env={"JIXIAO_LANG": "en", "PATH": "/usr/bin:/bin"},
        timeout=120)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == ("conflicting concurrent writes; gave up after 1 attempts, "
                                     "nothing written")
    entries = json.loads(jixiao("log", "--limit", "1000000", "--format", "json", db=db).stdout)
    assert len(entries) == before + 1  # the competitor's report only
    assert entries[-1]["payload"]["done"] == "抢先"
    assert not any(e["payload"].get("done") == "败者的进展" for e in entries)
