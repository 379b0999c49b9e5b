"""One schema per record command: the command line's options and the entry form's fields
are both built from it, and its constraints refuse bad input in the domain's words on
both faces, writing nothing."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import Input

from domain.command_schemas import SCHEMAS, Command, FileReport, fields
from domain.command_schemas_internal import INTERNAL_SCHEMAS
from domain.command_schemas_people import PEOPLE_SCHEMAS
from domain.command_schemas_year import MEETING_SCHEMAS, PLAN_APPROVAL_SCHEMAS
from domain.commands import Ledger
from domain.errors import JixiaoError
from domain.plan_io import bundled_plan
from store import open_ledger
from tests.conftest import Clock, jixiao
from tests.stored import log_count
from tests.tui_helpers import drive, goto, make_app, settle, static_text
from tui.cli.main import build_parser
from tui.cli.schema_args import cli_fields
from tui.entry_kinds import KINDS
from tui.i18n import LABELS

COMMON = {"lang", "db", "actor"}


def record_parsers(group: str = "record") -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    top = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    record = top.choices[group]
    kinds = next(a for a in record._actions if isinstance(a, argparse._SubParsersAction))
    return dict(kinds.choices)


@pytest.mark.parametrize(("group", "schemas", "hand_written"), [
    ("record", SCHEMAS, set()),
    ("internal", INTERNAL_SCHEMAS, set()),
    ("meeting", MEETING_SCHEMAS, set()),
    ("plan", PLAN_APPROVAL_SCHEMAS, {"check", "show", "export", "import"}),
    ("users", PEOPLE_SCHEMAS, {"list"}),  # a read, not a command
])
def test_every_command_line_option_is_a_field_of_its_schema(
        group: str, schemas: tuple[type[Command], ...], hand_written: set[str]) -> None:
    parsers = record_parsers(group)
    seen = set(hand_written)
    for schema in schemas:
        struct = {f.name for f in fields(schema)}
        for binding in schema.cli:
            p = parsers[binding.name]
            seen.add(binding.name)
            assert all(parsers[alias] is p for alias in binding.aliases)
            dests = {a.dest for a in p._actions if a.dest != "help"} - COMMON
            offered = cli_fields(schema, binding)
            assert dests == {f.dest for f in offered}, binding.name
            # every field is offered, set by the command, left out by it, or not on this face
            rest = {f.name for f in fields(schema) if "cli" not in f.faces}
            assert {f.name for f in offered} | set(binding.fixed) | set(binding.omit) | rest == struct
    # and no record command is written beside the schemas
    assert seen | {a for s in schemas for b in s.cli for a in b.aliases} == set(parsers)


def test_the_command_line_keeps_its_flags_positionals_and_defaults() -> None:
    p = record_parsers()
    progress = p["progress"].parse_args(["K04.1", "--period", "2021Q3", "--percent", "60", "--note", "x"])
    assert (progress.indicator, progress.percent, progress.done, progress.problems) == ("K04.1", 60, "x", "")
    assert p["progress"].parse_args(["K", "--period", "P", "--percent", "1", "--done", "y"]).done == "y"
    finding = p["finding"].parse_args(["--method", "明察暗访", "--count", "2", "--per-item", "0.5"])
    assert (finding.finding_source, finding.per_item, finding.cap, finding.rectify_by) == \
        ("county-on-unit", "0.5", None, None)
    assert p["finding"].parse_args(["--method", "明察暗访", "--count", "1", "--per-item", "1", "--source",
                                    "city-on-county"]).finding_source == "city-on-county"
    assign = p["assign"].parse_args(["K04.1", "--section", "s", "--leader", "a", "--handler", "b",
                                     "--milestone", "m1", "--milestone", "m2"])
    assert (assign.handler_user, assign.milestones, assign.liaison) == ("b", ["m1", "m2"], "")
    evidence = p["evidence"].parse_args(["K04.1", "a.pdf"])
    assert (evidence.path, evidence.file_name, evidence.size) == ("a.pdf", "", None)
    assert p["remark"].parse_args(["看过"]).about == 0
    assert p["void"].parse_args(["7", "--reason", "x"]).position == 7
    with pytest.raises(SystemExit):
        p["veto"].parse_args(["1"])  # a veto has no amount


def test_every_form_field_is_a_field_of_its_schema_with_a_label() -> None:
    assert [k.schema for k in KINDS] == [*SCHEMAS, *MEETING_SCHEMAS, *PLAN_APPROVAL_SCHEMAS]
    for kind in KINDS:
        form = [f.name for f in kind.fields]
        assert form == [f.name for f in fields(kind.schema) if "tui" in f.faces]
        assert f"kind.{kind.name}" in LABELS
        for f in kind.fields:
            assert f.label in LABELS, f.name
            assert all(f"opt.{o}" in LABELS for o in f.choices if f.kind == "choice" and o.isascii())
    assert not FileReport.cli  # filed from the command line by `report NAME --file`


# -- the constraints, through the real command line -----------------------------------------
@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    db = str(tmp_path_factory.mktemp("schemas") / "ledger.db")
    assert jixiao("init", "--example", db=db).returncode == 0
    yield db, count(db)


def count(db: str) -> int:
    result = jixiao("log", "--limit", "1000000", "--format", "json", db=db)
    assert result.returncode == 0, result.stderr
    return log_count(result.stdout)


CLI_CASES = {
    "over-long text": (["--as", "yijiepin", "record", "evidence", "K04.1", "--name", "文" * 256, "--sha256",
                        "a" * 64, "--size", "1"], "File name (--name) is 256 characters long, the limit is 255"),
    "over-long item of a list": (["--as", "yujunwei", "record", "assign", "K04.1", "--section", "center",
                                  "--leader", "yujunwei", "--handler", "yijiepin", "--milestone", "节" * 201],
                                 "(--milestone) is 201 characters long, the limit is 200"),
    "out of range": (["--as", "perf_office", "record", "finding", "--method", "明察暗访", "--count", "1001",
                      "--per-item", "0.5"], "(--count) must be positive: 1001"),
    "out of range percent": (["--as", "yijiepin", "record", "progress", "K04.1", "--period", "2021Q3",
                              "--percent", "-1"], "percent complete must be 0..100: -1"),
    "bad pattern": (["--as", "yijiepin", "record", "evidence", "K04.1", "--name", "a.pdf", "--sha256",
                     "g" * 64, "--size", "1"], "not a SHA-256 digest"),
    "bad period pattern": (["--as", "yijiepin", "record", "progress", "K04.1", "--period", "Q3",
                            "--percent", "1"], "bad period: Q3"),
    "bad date": (["--as", "perf_office", "record", "finding", "--method", "明察暗访", "--count", "1",
                  "--per-item", "0.5", "--rectify-by", "next week"], "(--rectify-by) is not a date: next week"),
}


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_a_broken_constraint_is_refused_by_the_command_line(cli_db: tuple[str, int], case: str) -> None:
    db, baseline = cli_db
    args, expect = CLI_CASES[case]
    result = jixiao(*args, db=db)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().endswith(expect) or expect in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert count(db) == baseline


def test_the_command_line_speaks_the_users_language(cli_db: tuple[str, int]) -> None:
    db, baseline = cli_db
    result = jixiao(*CLI_CASES["out of range percent"][0], db=db, env={"JIXIAO_LANG": "zh"})
    assert result.returncode == 1
    assert result.stderr.strip() == "完成进度应为 0 到 100：-1"
    assert count(db) == baseline


# -- the constraints, through the real entry form -----------------------------------------------
@pytest.fixture
def form_ledger(db_path: str, clock: Clock) -> Iterator[Ledger]:
    with open_ledger(db_path, clock=clock) as opened:
        opened.bootstrap(bundled_plan())
        yield opened


async def type_into(pilot: Any, name: str, text: str) -> None:
    """Focus a field and type into it key by key, as a user does."""
    pilot.app.screen.query_one(f"#f-{name}", Input).focus()
    await pilot.pause()
    await pilot.press(*text)
    await pilot.pause(0.3)
    await settle(pilot)


FORM_CASES = {
    # kind, the values set by choosing, the field typed into, what is typed, the message
    "out of range percent": ("report_progress", {"indicator": "K04.2", "period": "2021Q3"}, "percent", "150",
                             "完成进度应为 0 到 100：150"),
    "not a number": ("report_progress", {"indicator": "K04.2", "period": "2021Q3"}, "percent", "sixty",
                     "累计完成 % 不是数字：sixty"),
    "bad pattern": ("attach_evidence", {"indicator": "K04.2", "file_name": "a.pdf", "size": "1"}, "sha256",
                    "xyz", "SHA-256 摘要有误：xyz"),
    "over-long text": ("attach_evidence", {"indicator": "K04.2", "sha256": "a" * 64, "size": "1"}, "file_name",
                       "f" * 256, "文件名 长度 256 字，超过上限 255 字"),
}


@pytest.mark.parametrize("case", list(FORM_CASES))
def test_a_broken_constraint_is_refused_by_the_form(form_ledger: Ledger, clock: Clock, case: str) -> None:
    kind, chosen, typed, text, expect = FORM_CASES[case]
    app = make_app(form_ledger, "yijiepin", clock=clock)
    top = form_ledger.max_position()

    async def steps(pilot: Any) -> None:
        await goto(pilot, "5")
        from textual.widgets import Select

        pilot.app.screen.query_one("#en-kind", Select).value = kind
        await settle(pilot)
        for name, value in chosen.items():
            widget = pilot.app.screen.query_one(f"#f-{name}")
            widget.value = value  # type: ignore[attr-defined]
        await type_into(pilot, typed, text)
        assert static_text(app, "#en-message").strip() == expect
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert static_text(app, "#en-message").strip() == expect
        assert form_ledger.max_position() == top

    drive(app, steps)


def test_the_form_and_the_command_line_parse_to_the_same_command() -> None:
    from domain.command_schemas import ReportProgress, parse

    typed = parse(ReportProgress, {"indicator": "K04.1", "period": "2021Q3", "percent": 60, "done": "x"})
    text = parse(ReportProgress, {"indicator": "K04.1", "period": "2021Q3", "percent": " 60 ", "done": "x",
                                  "effective": "", "problems": ""})
    assert typed == text
    with pytest.raises(JixiaoError) as info:
        parse(ReportProgress, {"indicator": "", "period": "2021Q3", "percent": 1}, label=lambda n: f"<{n}>")
    assert info.value.message("en") == "<indicator> is required"


def test_the_users_and_internal_commands_keep_their_flags_and_positionals() -> None:
    users = record_parsers("users")
    add = users["add"].parse_args(["u1", "名字", "--role", "clerk", "--role", "supervisor", "--section", "office"])
    assert (add.user, add.name, add.roles, add.section, add.title) == ("u1", "名字", ["clerk", "supervisor"],
                                                                        "office", "")
    assert users["revoke"].parse_args(["u1", "clerk", "--reason", "调岗"]).role == "clerk"
    assert users["revoke-key"].parse_args(["u1", "SHA256:x"]).fingerprint == "SHA256:x"
    internal = record_parsers("internal")
    rate = internal["rate"].parse_args(["p", "--score", "90", "--category", "干部"])
    assert (rate.person, rate.score, rate.grade, rate.section) == ("p", "90", "", None)
    method = internal["method"].parse_args(["--grade", "优秀=90", "--grade", "良好=80", "--basis", "score"])
    assert (method.grades, method.basis, method.share) == (["优秀=90", "良好=80"], "score", None)
    assert internal["void"].parse_args(["12", "--reason", "x"]).position == 12


def test_a_users_command_refuses_an_oversized_name_and_stores_nothing(cli_db: tuple[str, int]) -> None:
    db, head = cli_db
    no = jixiao("--lang", "en", "users", "add", "u9", "名" * 300, db=db)
    assert no.returncode == 1 and "name" in no.stderr and "Traceback" not in no.stderr
    assert count(db) == head
