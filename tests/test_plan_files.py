"""Plan files through the command line: malformed inputs, `plan show` in every format,
`plan export` round trips, and the example of docs/plan-format.md."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from wcwidth import wcswidth, wcwidth

from domain.plan_io import bundled_plan_text, load_plan
from tests.conftest import ROOT, jixiao

BUNDLED = bundled_plan_text()
DOC = ROOT / "docs" / "plan-format.md"


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command line with a ledger location of the test's own (none exists there)."""
    return jixiao(*args, env={"JIXIAO_DB": str(tmp_path / "ledger.db")})


def write(tmp_path: Path, text: str, name: str = "plan.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return text.count("\n", 0, text.index(needle)) + 1


def refused(result: subprocess.CompletedProcess[str]) -> str:
    """A refusal: exit 1, nothing on stdout, one line on stderr, no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    return message


# -- malformed files -----------------------------------------------------------------
def test_bad_toml_syntax_names_the_line(tmp_path: Path) -> None:
    text = BUNDLED.replace('name = "办公室"', 'name = "办公室', 1)
    path = write(tmp_path, text)
    message = refused(run(tmp_path, "plan", "check", str(path)))
    line = line_of(text, 'name = "办公室')
    assert message.startswith(f"{path}:{line}: malformed TOML")
    assert f"line {line}" in message


def test_bad_toml_syntax_in_chinese(tmp_path: Path) -> None:
    path = write(tmp_path, 'unit = "安溪县科学技术局"\nyear = \n')
    message = refused(run(tmp_path, "plan", "check", str(path), "--lang", "zh"))
    assert message.startswith(f"{path}:2: TOML 格式错误")


def test_a_points_value_that_is_not_a_number_names_its_path_and_line(tmp_path: Path) -> None:
    old = 'name = "全社会研发投入"\npoints = 3'
    text = BUNDLED.replace(old, 'name = "全社会研发投入"\npoints = "three"', 1)
    path = write(tmp_path, text)
    message = refused(run(tmp_path, "plan", "check", str(path)))
    line = line_of(text, 'points = "three"')
    assert f"{path}:{line}:" in message
    assert "$.indicators[2].points" in message
    assert "wrong value" in message


def test_a_second_level_points_value_of_the_wrong_type_names_its_path_and_line(tmp_path: Path) -> None:
    old = '  name = "企业研发费用加计扣除政策落实"\n  points = 1'
    text = BUNDLED.replace(old, '  name = "企业研发费用加计扣除政策落实"\n  points = [1]', 1)
    path = write(tmp_path, text)
    message = refused(run(tmp_path, "plan", "check", str(path)))
    assert f"{path}:{line_of(text, 'points = [1]')}:" in message
    assert "$.indicators[2].children[1].points" in message
    assert "got `array`" in message


def test_a_year_written_as_text_names_its_line(tmp_path: Path) -> None:
    text = BUNDLED.replace("year = 2021", 'year = "2021"', 1)
    path = write(tmp_path, text)
    message = refused(run(tmp_path, "plan", "check", str(path)))
    assert f"{path}:{line_of(text, 'year = ')}: wrong value at $.year" in message


def test_a_tier_share_that_is_not_a_number_names_its_line(tmp_path: Path) -> None:
    text = BUNDLED.replace('name = "未完成"\nshare = 0', 'name = "未完成"\nshare = "zero"', 1)
    path = write(tmp_path, text)
    message = refused(run(tmp_path, "plan", "check", str(path)))
    line = line_of(text, 'share = "zero"')
    assert f"{path}:{line}: wrong value at $.tiers[4].share" in message


def test_a_bad_date_names_its_line(tmp_path: Path) -> None:
    text = BUNDLED.replace("due = 2022-02-10", 'due = "next spring"', 1)
    path = write(tmp_path, text)
    message = refused(run(tmp_path, "plan", "check", str(path)))
    assert f"{path}:{line_of(text, 'next spring')}: wrong value at $.deadlines[3].due" in message


def test_a_missing_key_is_named(tmp_path: Path) -> None:
    text = BUNDLED.replace('unit = "安溪县科学技术局"\n', "", 1)
    path = write(tmp_path, text)
    message = refused(run(tmp_path, "plan", "check", str(path)))
    assert message.startswith(str(path))
    assert "missing required field `unit`" in message


def test_a_missing_key_of_an_indicator_names_the_indicator_table(tmp_path: Path) -> None:
    text = BUNDLED.replace('  id = "K01.2"\n  name = "高新技术企业后备库培育"\n', '  id = "K01.2"\n', 1)
    path = write(tmp_path, text)
    message = refused(run(tmp_path, "plan", "check", str(path)))
    assert "$.indicators[0].children[1]" in message
    assert "missing required field `name`" in message
    header = text.rindex("[[indicators.children]]", 0, text.index('id = "K01.2"'))
    assert f"{path}:{text.count(chr(10), 0, header) + 1}:" in message


def test_an_unknown_key_is_named_with_its_line(tmp_path: Path) -> None:
    text = BUNDLED.replace('  name = "国家高新技术企业申报认定"\n',
                           '  name = "国家高新技术企业申报认定"\n  colour = "red"\n', 1)
    path = write(tmp_path, text)
    message = refused(run(tmp_path, "plan", "check", str(path)))
    assert f"{path}:{line_of(text, 'colour')}:" in message
    assert "unknown field `colour`" in message
    assert "$.indicators[0].children[0]" in message


def test_an_unsupported_suffix_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, BUNDLED, "plan.txt")
    message = refused(run(tmp_path, "plan", "check", str(path)))
    assert message == f"{path}: unsupported file type: .txt (expected .toml or .xlsx)"


@pytest.mark.parametrize("name", ["absent.toml", "absent.xlsx"])
def test_a_missing_file_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    message = refused(run(tmp_path, "plan", "check", str(path)))
    assert message.startswith(f"{path}: cannot read the file")


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_bytes(BUNDLED.encode("gb18030"))
    message = refused(run(tmp_path, "plan", "check", str(path)))
    assert message.startswith(f"{path}: cannot read the file")


def test_binary_garbage_saved_as_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(bytes(range(256)) * 8)
    message = refused(run(tmp_path, "plan", "check", str(path)))
    assert message.startswith(f"{path}")
    assert "unreadable Excel workbook" in message


@pytest.mark.parametrize("command", [("show",), ("show", "--format", "json"), ("export",)])
def test_show_and_export_refuse_a_malformed_file_the_same_way(tmp_path: Path, command: tuple[str, ...]) -> None:
    text = BUNDLED.replace("year = 2021", 'year = "2021"', 1)
    path = write(tmp_path, text)
    message = refused(run(tmp_path, "plan", command[0], str(path), *command[1:]))
    assert "$.year" in message


# -- plan show -----------------------------------------------------------------------
def display(line: str) -> list[str]:
    """The line as terminal cells: a wide character fills its cell and the next one."""
    cells: list[str] = []
    for char in line:
        cells.append(char)
        cells.extend("\0" * (max(wcwidth(char), 1) - 1))
    return cells


def test_show_table_aligns_chinese_columns(tmp_path: Path) -> None:
    result = run(tmp_path, "plan", "show", "--lang", "zh")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "安溪县科学技术局2021年度绩效评估工作方案"
    header, rule, rows = lines[2], lines[3], lines[4:]
    assert header.split() == ["类别", "编号", "一级指标", "二级指标", "分值", "责任股室", "分管领导", "承办人",
                              "完成时限"]
    assert set(rule) == {"-", " "}
    assert len(rows) == 29 + 73 + 5 + 18
    assert {wcswidth(row) for row in rows} == {wcswidth(rule)}
    spans = [m.span() for m in re.finditer(r"-+", rule)]
    for line in [header, *rows]:
        cells = display(line)
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert all(c == " " for c in cells[end:start]), line
    assert any("文明县城创建" in row for row in rows)


def test_show_json_is_the_documented_contract(tmp_path: Path) -> None:
    result = run(tmp_path, "plan", "show", "--format", "json")
    assert result.returncode == 0, result.stderr
    tree = json.loads(result.stdout)
    assert {"unit", "year", "total", "categories"} <= tree.keys()
    assert (tree["unit"], tree["year"], tree["total"]) == ("安溪县科学技术局", 2021, 100)
    assert [c["id"] for c in tree["categories"]] == ["key", "routine", "dynamic", "capacity"]
    counts = []
    for cat in tree["categories"]:
        assert {"id", "name", "kind", "points", "indicators"} <= cat.keys()
        assert cat["kind"] in ("functional", "capacity")
        assert sum(i["points"] for i in cat["indicators"]) == cat["points"]
        for first in cat["indicators"]:
            assert {"id", "name", "points", "section", "children"} <= first.keys()
            assert isinstance(first["points"], int | float)
            for child in first["children"]:
                assert {"id", "name", "points", "section"} <= child.keys()
                assert isinstance(child["points"], int | float)
        counts.append((len(cat["indicators"]), sum(len(i["children"]) for i in cat["indicators"])))
    assert counts == [(17, 43), (8, 22), (4, 8), (5, 18)]
    r011 = tree["categories"][1]["indicators"][0]["children"][0]
    assert (r011["id"], r011["points"], r011["section"]) == ("R01.1", 1, "business")


def test_show_csv_parses(tmp_path: Path) -> None:
    result = run(tmp_path, "plan", "show", "--format", "csv", "--lang", "en")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:5] == ["Category", "ID", "First-level", "Second-level", "Points"]
    assert len(rows) == 1 + 29 + 73 + 5 + 18
    assert rows[1][:5] == ["重点工作目标", "K01", "高新技术企业培育", "", "3"]
    assert all(len(row) == len(rows[0]) for row in rows)


def test_show_md_has_a_header_row(tmp_path: Path) -> None:
    out = tmp_path / "plan.md"
    result = run(tmp_path, "plan", "show", "--format", "md", "--lang", "zh", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [c.strip() for c in lines[0].strip("|").split("|")][:3] == ["类别", "编号", "一级指标"]
    assert re.fullmatch(r"\|(:?-+:?\|)+", lines[1])
    assert len(lines) == 2 + 29 + 73 + 5 + 18


def test_show_of_a_file_equals_show_of_the_bundled_plan(tmp_path: Path) -> None:
    path = write(tmp_path, BUNDLED)
    assert run(tmp_path, "plan", "show", str(path), "--format", "json").stdout == \
        run(tmp_path, "plan", "show", "--format", "json").stdout


# -- plan export ---------------------------------------------------------------------
def test_exported_toml_passes_check_and_shows_the_same_tree(tmp_path: Path) -> None:
    out = tmp_path / "exported.toml"
    assert run(tmp_path, "plan", "export", "--format", "toml", "-o", str(out)).returncode == 0
    check = run(tmp_path, "plan", "check", str(out))
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.startswith("plan is valid")
    assert run(tmp_path, "plan", "show", str(out), "--format", "json").stdout == \
        run(tmp_path, "plan", "show", "--format", "json").stdout
    assert load_plan(out) == load_plan(write(tmp_path, BUNDLED, "bundled.toml"))


def test_export_toml_to_standard_output(tmp_path: Path) -> None:
    result = run(tmp_path, "plan", "export")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('unit = "安溪县科学技术局"')


def test_toml_to_xlsx_to_toml_round_trip(tmp_path: Path) -> None:
    workbook = tmp_path / "plan.xlsx"
    result = run(tmp_path, "plan", "export", "--format", "xlsx", "-o", str(workbook))
    assert result.returncode == 0, result.stderr
    check = run(tmp_path, "plan", "check", str(workbook))
    assert check.returncode == 0, check.stdout + check.stderr
    assert run(tmp_path, "plan", "show", str(workbook), "--format", "json").stdout == \
        run(tmp_path, "plan", "show", "--format", "json").stdout

    back = tmp_path / "back.toml"
    assert run(tmp_path, "plan", "export", str(workbook), "--format", "toml", "-o", str(back)).returncode == 0
    assert load_plan(back) == load_plan(write(tmp_path, BUNDLED, "bundled.toml"))


def test_a_rule_broken_in_a_workbook_is_named(tmp_path: Path) -> None:
    # The office's Excel sheet puts a routine second-level indicator at 2 points.
    text = BUNDLED
    for ident, new in (("R01.1", "2"), ("R01.2", "0.5"), ("R01.3", "0.5")):
        old = f'  id = "{ident}"\n'
        start = text.index(old)
        at = text.index("  points = 1\n", start)
        text = text[:at] + f"  points = {new}\n" + text[at + len("  points = 1\n"):]
    broken = write(tmp_path, text)
    workbook = tmp_path / "county.xlsx"
    assert run(tmp_path, "plan", "export", str(broken), "--format", "xlsx", "-o", str(workbook)).returncode == 0
    result = run(tmp_path, "plan", "check", str(workbook))
    assert result.returncode == 1
    assert result.stdout.count("\n") == 1
    assert "rule.second_level_cap [R01.1]" in result.stdout
    assert "is worth 2, cap is 1.5" in result.stdout


# -- the documentation ---------------------------------------------------------------
def doc_block(kind: str) -> str:
    match = re.search(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert match, f"no {kind} block in {DOC.name}"
    return match.group(1)


def test_the_example_of_the_plan_format_doc_passes_check(tmp_path: Path) -> None:
    path = write(tmp_path, doc_block("toml"), "example.toml")
    result = run(tmp_path, "plan", "check", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("plan is valid")
    chinese = run(tmp_path, "plan", "check", str(path), "--lang", "zh")
    assert f"```text\n{chinese.stdout}```" in DOC.read_text(encoding="utf-8")


def abridges(part: object, whole: object) -> bool:
    """Whether `part` is `whole` with keys left out and lists cut short."""
    if isinstance(part, dict) and isinstance(whole, dict):
        return all(key in whole and abridges(value, whole[key]) for key, value in part.items())
    if isinstance(part, list) and isinstance(whole, list):
        return len(part) <= len(whole) and all(abridges(p, w) for p, w in zip(part, whole, strict=False))
    return part == whole


def test_the_json_example_of_the_doc_is_what_show_prints_for_the_doc_example(tmp_path: Path) -> None:
    path = write(tmp_path, doc_block("toml"), "example.toml")
    shown = json.loads(run(tmp_path, "plan", "show", str(path), "--format", "json").stdout)
    documented = json.loads(doc_block("json"))
    assert abridges(documented, shown)
    assert documented["categories"][0]["indicators"][0]["children"], "the example shows a child"


def test_the_doc_explains_every_rule_code_with_its_messages() -> None:
    from domain.catalogue import keys, lookup

    text = DOC.read_text(encoding="utf-8")
    for code in keys():
        if code.startswith("rule."):
            assert f"| `{code}` | {lookup(code, 'zh')} | {lookup(code, 'en')} |" in text, code


def test_the_readme_broken_copy_shows_what_the_readme_says(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```sh\n(.*?)```", readme, re.S) if "broken.toml" in b)
    commands = [line for line in block.splitlines() if line and not line.startswith("#")]
    promised = [line[2:].split("  (exit")[0].strip() for line in block.splitlines() if line.startswith("# ")]
    env = {k: v for k, v in os.environ.items() if k != "JIXIAO_LANG"}
    env |= {"PYTHONPATH": str(ROOT), "JIXIAO_DB": str(tmp_path / "ledger.db")}
    results = [
        subprocess.run(["bash", "-c", command.replace(".venv/bin/jixiao", f'"{sys.executable}" -m tui.cli.main')],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        for command in commands
    ]
    assert [r.returncode for r in results] == [0, 0, 1], [r.stderr for r in results]
    assert results[-1].stdout.strip() == promised[0]
    assert results[-1].stderr.strip() == promised[1]
