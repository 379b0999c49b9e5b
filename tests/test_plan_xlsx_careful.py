"""jixiao's own workbook layout typed by hand: merged ranges, stray spaces, full-width digits.

And the places problems point at: every missing sheet at once, the cell breaking a rule,
a missing 承办人 as a warning, and no ledger left behind by a plan `init` refuses.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from domain.errors import JixiaoError
from domain.plan_io import bundled_plan
from domain.plan_xlsx import read_xlsx, read_xlsx_report, write_xlsx
from tests.conftest import jixiao
from tests.test_plan_xlsx import column_of, edit, row_of, small_plan


def test_a_merged_range_fills_every_cell_it_covers(tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["指标"]
        top, bottom = row_of(ws, "K01.1"), row_of(ws, "K01.3")
        for header in ("责任股室", "分管领导", "完成时限"):
            col = column_of(ws, header)
            for row in range(top + 1, bottom + 1):
                ws[f"{col}{row}"] = None
            ws.merge_cells(f"{col}{top}:{col}{bottom}")

    plan = read_xlsx(edit(tmp_path, change, bundled_plan()))
    children = plan.indicators[0].children
    assert [c.section for c in children] == ["business"] * 3
    assert [c.leader for c in children] == ["yujunwei"] * 3
    assert [c.deadline for c in children] == [dt.date(2021, 12, 31)] * 3


def test_names_and_ids_are_trimmed_with_a_warning_at_their_cell(tmp_path: Path) -> None:
    refs: list[str] = []

    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["考评对象"]
        ws["A3"] = "biz "
        ws["B3"] = "业务股 "
        refs.extend(["考评对象!A3", "考评对象!B3"])

    read = read_xlsx_report(edit(tmp_path, change, small_plan()))
    assert read.plan == small_plan()
    warned = [w.where.split(":", 1)[1] for w in read.warnings if w.code == "xlsx.trimmed"]
    assert warned == refs
    assert "业务股" in [w for w in read.warnings if w.code == "xlsx.trimmed"][1].message("zh")


def test_names_with_their_own_spaces_survive_the_round_trip(tmp_path: Path) -> None:
    plan = small_plan()
    plan.sections[1].name = " 业务股 "
    plan.people[0].name = '"张三"'
    path = tmp_path / "plan.xlsx"
    write_xlsx(plan, path)
    read = read_xlsx_report(path)
    assert read.plan == plan
    assert not [w for w in read.warnings if w.code == "xlsx.trimmed"]


def test_full_width_digits_in_numbers_and_dates(tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["指标"]
        ws[f"{column_of(ws, '完成时限')}{row_of(ws, 'K01-1')}"] = "2022年６月30日"
        ws[f"{column_of(ws, '分值')}{row_of(ws, 'K01-2')}"] = "１.５"

    plan = read_xlsx(edit(tmp_path, change, small_plan()))
    first = plan.indicators[0]
    assert first.children[0].deadline == dt.date(2022, 6, 30)
    assert first.children[1].points == Decimal("1.5")


def test_every_missing_sheet_is_listed(tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        for name in ("方案", "人员", "指标"):
            wb.remove(wb[name])

    with pytest.raises(JixiaoError) as caught:
        read_xlsx(edit(tmp_path, change))
    sheets = [p.params["sheet"] for p in caught.value.problems]
    assert sheets == ["方案", "人员", "指标"]
    assert "缺少工作表“人员”" in caught.value.message("zh")


def test_a_rule_violation_names_its_cell(tmp_path: Path) -> None:
    refs: list[str] = []

    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["指标"]
        refs.append(f"指标!{column_of(ws, '分值')}{row_of(ws, 'K01')}")
        ws[refs[0].split("!")[1]] = 9
        refs.append(f"指标!{column_of(ws, '承办人')}{row_of(ws, 'K01.1')}")
        ws[refs[1].split("!")[1]] = "nobody"

    path = edit(tmp_path, change, bundled_plan())
    done = jixiao("plan", "check", str(path))
    assert done.returncode == 1
    assert f"{path}:{refs[0]}: rule.first_level_cap [K01]" in done.stdout
    assert f"{path}:{refs[1]}: rule.unknown_person [K01.1]" in done.stdout


def test_a_missing_handler_is_a_warning(tmp_path: Path) -> None:
    ref: list[str] = []

    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["指标"]
        ref.append(f"指标!{column_of(ws, '承办人')}{row_of(ws, 'K01.2')}")
        ws[ref[0].split("!")[1]] = None

    path = edit(tmp_path, change, bundled_plan())
    read = read_xlsx_report(path)
    assert [w.where for w in read.warnings] == [f"{path}:{ref[0]}"]
    done = jixiao("plan", "check", str(path))
    assert done.returncode == 0 and ref[0] in done.stderr and "K01.2" in done.stderr


def test_init_with_a_refused_plan_leaves_no_ledger(tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["指标"]
        ws[f"{column_of(ws, '分值')}{row_of(ws, 'K01')}"] = 9

    path = edit(tmp_path, change, bundled_plan())
    db = tmp_path / "ledger" / "jixiao.db"
    done = jixiao("init", "--plan", str(path), db=str(db))
    assert done.returncode == 1 and "K01" not in done.stdout
    assert not db.exists()
