"""Reports are plain functions of typed values: the command line and the screens call the
same ones, with one rule for the moments they are asked about."""

from __future__ import annotations

import ast
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from domain.commands import Ledger
from domain.validate import business_date, parse_moment
from tests.conftest import ROOT, jixiao
from tui.cli.main import build_parser
from tui.cli.output import to_json
from tui.cli.report import query_of
from tui.reports import NAMES, REPORTS, ReportQuery, Source, build_report
from tui.screens.moment import parse_known_at

UTC = dt.UTC


@pytest.mark.parametrize("text, expected", [
    ("2021-10-08 10:00", dt.datetime(2021, 10, 8, 2, 0, tzinfo=UTC)),  # Beijing time
    ("2021-10-08T10:00:30", dt.datetime(2021, 10, 8, 2, 0, 30, tzinfo=UTC)),
    ("2021-10-08T02:00Z", dt.datetime(2021, 10, 8, 2, 0, tzinfo=UTC)),  # an offset as given
    ("2021-10-08T02:00+00:00", dt.datetime(2021, 10, 8, 2, 0, tzinfo=UTC)),
    ("2021-10-08", dt.datetime(2021, 10, 8, 15, 59, 59, 999999, tzinfo=UTC)),  # the end of that Beijing day
    ("", None),
])
def test_a_known_at_moment_means_the_same_on_both_faces(text: str, expected: dt.datetime | None) -> None:
    assert parse_moment("known-at", text) == expected
    assert parse_known_at(text) == expected
    args = build_parser().parse_args(["report", "standings", *(["--known-at", text] if text else [])])
    assert query_of(args).known_at == expected


def test_a_malformed_moment_is_refused_in_the_users_words() -> None:
    from domain.errors import JixiaoError

    with pytest.raises(JixiaoError) as info:
        parse_moment("known-at", "yesterday")
    assert info.value.message("en") == "known-at is not a date: yesterday (expected YYYY-MM-DD)"


def test_every_report_name_has_its_function() -> None:
    import argparse

    top = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    name = next(a for a in top.choices["report"]._actions if a.dest == "name")
    assert list(name.choices or ()) == list(NAMES)  # listed in the order they always were
    assert set(NAMES) == set(REPORTS)


@pytest.mark.parametrize("name, options", [
    ("standings", {}), ("standings", {"section": "center"}), ("deadlines", {}), ("decomposition", {}),
    ("quarterly", {"period": "2021Q3"}), ("ledger", {"indicator": "K04.1"}),
])
def test_the_command_line_prints_what_the_function_returns(ledger: Ledger, db_path: str, name: str,
                                                           options: dict[str, str]) -> None:
    ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=60, done="完成申报")
    today = business_date(dt.datetime.now(UTC))  # the command line's clock is the real one
    title, sheets, data = build_report(name, ledger, ReportQuery(**options), Source.of(ledger, today))
    assert title and sheets
    flags = [a for k, v in options.items() for a in (f"--{k}", v)]
    result = jixiao("report", name, *flags, "--format", "json", db=db_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(to_json(data))


SHOWN_WITHOUT_THE_COMMAND_LINE = ["tui/screens", "tui/reports", "tui/entry_kinds.py", "domain/command_schemas.py",
                                  "domain/schema.py"]


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_screens_and_reports_know_neither_argparse_nor_the_command_line() -> None:
    files = [p for where in SHOWN_WITHOUT_THE_COMMAND_LINE
             for p in ((ROOT / where).rglob("*.py") if (ROOT / where).is_dir() else [ROOT / where])]
    assert len(files) > 10
    for path in files:
        found = imports(path)
        assert "argparse" not in found, path
        # the table writers are shared: they know nothing of argparse
        assert not {m for m in found if m.startswith("tui.cli") and m != "tui.cli.output"}, (path, found)


def test_a_past_quarters_report_is_not_changed_by_a_later_quarters_events(ledger: Ledger, clock: Any) -> None:
    clock.set("2021-10-08T02:00:00")
    ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=60, done="完成申报")
    today = dt.date(2021, 10, 8)

    def rows() -> Any:
        _, sheets, _ = build_report("quarterly", ledger, ReportQuery(period="2021Q3"), Source.of(ledger, today))
        return sheets[0][2]

    before = rows()
    # the fourth quarter begins: a tier and a deduction dated in October
    ledger.award_tier("yujunwei", "K04.1", tier="二档", effective=dt.date(2021, 10, 5))
    ledger.adjust("yujunwei", "deduction", "0.5", reason="迟报", indicator="K04.1", effective=dt.date(2021, 10, 6))
    assert rows() == before
    # asked as of a later day, the report shows them
    _, sheets, _ = build_report("quarterly", ledger, ReportQuery(period="2021Q3", as_of=today),
                                Source.of(ledger, today))
    assert sheets[0][2] != before


def test_a_bonus_past_its_cap_says_how_much_was_cut(ledger: Ledger, clock: Any) -> None:
    cap = ledger.plan_state().plan.scoring.bonus_cap  # type: ignore[union-attr]
    ledger.adjust("yujunwei", "bonus", cap, reason="省级表彰")
    ledger.adjust("yujunwei", "bonus", "0.5", reason="市级表彰")
    today = business_date(clock())
    _, sheets, s = build_report("standings", ledger, ReportQuery(), Source.of(ledger, today))
    assert (s.bonus.raw, s.bonus.applied) == (cap + Decimal("0.5"), cap)
    row = next(r for r in sheets[0][2] if r[0] == "正向激励加分")
    assert row[2] == cap and "超出上限的 0.50 分不计" in row[1]
