"""Plans as Excel workbooks: lossless round trips, hand edits, and malformed workbooks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet

from domain.errors import JixiaoError
from domain.plan import (
    Category,
    Deadline,
    Grade,
    Indicator,
    Person,
    Plan,
    Rules,
    Scoring,
    Section,
    Tier,
    default_grades,
    default_tiers,
)
from domain.plan_io import BUNDLED_PLAN, bundled_plan, dump_toml, load_plan, parse_toml
from domain.plan_xlsx import read_xlsx, write_xlsx

PLANS_DIR = Path(__file__).resolve().parent.parent / "domain" / "plans"


def small_plan() -> Plan:
    return Plan(
        unit="安溪县示范局",
        year=2021,
        title="示范局2021年度绩效评估工作方案",
        sections=[Section(id="office", name="办公室"), Section(id="biz", name="业务股")],
        people=[
            Person(id="zhang", name="张三", title="局长", leadership="组长"),
            Person(
                id="li",
                name="李四",
                title="业务股股长",
                section="biz",
                leadership="成员",
                supervisory="组长",
                roles=["section_head", "clerk"],
            ),
            Person(id="wang", name="王五", section="office", roles=["admin"]),
        ],
        categories=[
            Category(
                id="key",
                name="重点工作目标",
                kind="functional",
                work="key",
                points=Decimal("60.5"),
                first_level_cap=Decimal(3),
                second_level_cap=Decimal("1.5"),
                first_level_count=2,
                second_level_count=4,
            ),
            Category(
                id="cap", name="能力建设", kind="capacity", work="capacity", points=Decimal("39.5")
            ),
        ],
        indicators=[
            Indicator(
                id="K01",
                name="高新技术企业培育",
                points=Decimal(3),
                category="key",
                target="净增10家以上\n（含科技型中小企业）",
                section="biz",
                leader="zhang",
                handler="li",
                deadline=dt.date(2021, 12, 31),
                milestones=["5月底完成申报动员", "7月底完成审核；推荐上报"],
                children=[
                    Indicator(id="K01-1", name="申报动员", points=Decimal("1.5")),
                    Indicator(
                        id="K01-2",
                        name="审核推荐",
                        points=Decimal("1.5"),
                        deadline=dt.date(2022, 1, 15),
                        milestones=["含, 逗号的节点", ""],
                    ),
                ],
            ),
            Indicator(
                id="K02",
                name="文明县城创建",
                points=Decimal("0.25"),
                category="key",
                no_children=True,
            ),
            Indicator(
                id="C01",
                name="作风建设",
                points=Decimal("2.75"),
                category="cap",
                section="office",
                children=[
                    Indicator(id="C01-1", name="=考勤", points=Decimal("1.25"), target="#N/A"),
                    Indicator(id="C01-2", name="学习", points=Decimal("1.5"), target=" 前后空格 "),
                ],
            ),
        ],
        tiers=[
            Tier(name="一档", share=Decimal(1)),
            Tier(name="二档", share=Decimal("0.85")),
            Tier(name="保底", points=Decimal("0.5")),
            Tier(name="未完成", share=Decimal(0)),
        ],
        grades=[Grade(name="优秀", min=Decimal("90.5")), Grade(name="合格", min=Decimal(0))],
        deadlines=[
            Deadline(
                id="d1",
                name="方案报送",
                due=dt.date(2021, 9, 30),
                reports=["plan", "quarterly:2021Q1"],
            ),
            Deadline(id="d2", name="年终总结", due=dt.date(2022, 1, 10)),
        ],
        rules=Rules(total=Decimal(100), min_first_level_functional=2, min_children=2),
        scoring=Scoring(bonus_cap=Decimal("2.5"), internal_share=Decimal("0.25")),
    )


def roundtrip(plan: Plan, tmp_path: Path, name: str = "plan.xlsx") -> Plan:
    path = tmp_path / name
    write_xlsx(plan, path)
    return read_xlsx(path)


def column_of(ws: Worksheet, header: str) -> str:
    for cell in ws[1]:
        if cell.value == header:
            return cell.column_letter
    raise AssertionError(f"no column {header} in {ws.title}")


def row_of(ws: Worksheet, ident: str) -> int:
    for cell in ws["A"]:
        if cell.value == ident:
            return cell.row
    raise AssertionError(f"no row {ident} in {ws.title}")


def edit(tmp_path: Path, change: Any, plan: Plan | None = None) -> Path:
    """Write a plan, change the workbook with `change(workbook)`, save it again."""
    path = tmp_path / "plan.xlsx"
    write_xlsx(plan or small_plan(), path)
    workbook = openpyxl.load_workbook(path)
    change(workbook)
    workbook.save(path)
    return path


def refused(path: Path) -> JixiaoError:
    with pytest.raises(JixiaoError) as caught:
        read_xlsx(path)
    return caught.value


# -- round trips ------------------------------------------------------------------------


def test_roundtrip_small_plan(tmp_path: Path) -> None:
    plan = small_plan()
    back = roundtrip(plan, tmp_path)
    assert back == plan
    assert back.categories[0].points == Decimal("60.5")
    assert isinstance(back.indicators[0].children[0].points, Decimal)
    assert back.categories[1].first_level_cap is None
    assert back.tiers[2].share is None and back.tiers[2].points == Decimal("0.5")
    assert back.indicators[1].deadline is None and back.indicators[1].no_children
    assert back.deadlines[1].reports == []


def test_roundtrip_through_toml(tmp_path: Path) -> None:
    plan = parse_toml(dump_toml(small_plan()), "small.toml")
    again = parse_toml(dump_toml(roundtrip(plan, tmp_path)), "again.toml")
    assert again == plan == small_plan()


def test_load_plan_dispatches_to_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    write_xlsx(small_plan(), path)
    assert load_plan(path) == small_plan()


def test_defaults_and_edge_values_roundtrip(tmp_path: Path) -> None:
    plan = Plan(
        unit="",
        year=2021,
        title="t",
        sections=[],
        people=[],
        categories=[],
        indicators=[Indicator(id="X", name="x", points=Decimal("0.1234567890123456789"))],
        tiers=[],
        grades=[],
    )
    assert roundtrip(plan, tmp_path) == plan
    defaults = Plan(unit="u", year=2021, title="t", sections=[], people=[], categories=[],
                    indicators=[])
    assert roundtrip(defaults, tmp_path) == defaults


def test_written_cells_are_typed(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    write_xlsx(small_plan(), path)
    ws = openpyxl.load_workbook(path)["指标"]
    k01 = row_of(ws, "K01")
    assert ws[f"{column_of(ws, '分值')}{k01}"].value == 3
    assert ws[f"{column_of(ws, '完成时限')}{k01}"].is_date
    assert ws[f"{column_of(ws, '进度节点')}{k01}"].value == "5月底完成申报动员\n7月底完成审核；推荐上报"
    assert ws[f"{column_of(ws, '上级编号')}{row_of(ws, 'K01-1')}"].value == "K01"
    assert ws["A1"].font.bold and ws.freeze_panes == "A2"
    categories = openpyxl.load_workbook(path)["类别"]
    assert categories["E2"].value == 60.5 and categories["C2"].value == "职能工作"


def test_bundled_plan_roundtrip(tmp_path: Path) -> None:
    if not (PLANS_DIR / BUNDLED_PLAN).exists():
        pytest.skip(f"{BUNDLED_PLAN} not written yet")
    plan = bundled_plan()
    back = roundtrip(plan, tmp_path)
    assert back == plan
    assert parse_toml(dump_toml(back)) == plan


# -- hand edits a clerk makes -------------------------------------------------------------


def test_hand_edited_workbook(tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        for name in ("定档分值表", "等次", "报送节点"):  # optional sheets: defaults apply
            del wb[name]
        ws = wb["指标"]
        ws.insert_rows(1)  # a title row above the header
        ws["A1"] = "示范局2021年度绩效指标"
        points, deadline, flag = column_of_row(ws, 2, "分值", "完成时限", "不设二级指标")
        k02 = row_of(ws, "K02")
        ws[f"{points}{k02}"] = "0.25"  # numeric text
        ws[f"{deadline}{k02}"] = "2021年11月30日"  # date as text
        ws[f"{flag}{k02}"] = "TRUE"
        ws.insert_rows(row_of(ws, "K02"))  # an empty row is skipped
        categories = wb["类别"]
        categories["C3"] = "capacity"  # the code instead of the label
        categories["I2"] = 4.0  # a whole number typed as a float

    plan = read_xlsx(edit(tmp_path, change))
    expected = small_plan()
    assert plan.tiers == default_tiers() and plan.grades == default_grades()
    assert plan.deadlines == []
    k02 = plan.indicator("K02")
    assert k02 is not None and k02.deadline == dt.date(2021, 11, 30) and k02.no_children
    assert plan.indicators == [*expected.indicators[:1], k02, *expected.indicators[2:]]
    assert plan.categories == expected.categories


def column_of_row(ws: Worksheet, row: int, *headers: str) -> list[str]:
    found = {cell.value: cell.column_letter for cell in ws[row]}
    return [found[h] for h in headers]


def test_children_may_follow_all_parents(tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["指标"]
        row = row_of(ws, "K01-1")
        values = [cell.value for cell in ws[row]]
        ws.delete_rows(row)
        ws.append(values)  # K01-1 moved to the bottom: still K01's child, now second

    plan = read_xlsx(edit(tmp_path, change))
    assert [c.id for c in plan.indicators[0].children] == ["K01-2", "K01-1"]


def test_numeric_ids_typed_as_numbers(tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["考评对象"]
        ws["A2"] = 101

    plan = read_xlsx(edit(tmp_path, change))
    assert plan.sections[0].id == "101"


# -- malformed workbooks ------------------------------------------------------------------


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"this is not a zip file")
    error = refused(path)
    assert error.problems[0].code == "file.xlsx"
    assert str(path) in error.message()


def test_zip_without_workbook(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert refused(path).problems[0].code == "file.xlsx"


def test_missing_file(tmp_path: Path) -> None:
    assert refused(tmp_path / "absent.xlsx").problems[0].code == "file.unreadable"


def test_missing_sheet(tmp_path: Path) -> None:
    error = refused(edit(tmp_path, lambda wb: wb.remove(wb["指标"])))
    assert error.problems[0].code == "file.xlsx_sheet"
    assert "指标" in error.message("zh") and "指标" in str(error)


def test_missing_column(tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["指标"]
        ws.delete_cols(openpyxl.utils.column_index_from_string(column_of(ws, "分值")))

    error = refused(edit(tmp_path, change))
    assert error.problems[0].code == "file.xlsx_column"
    assert "指标" in error.message() and "分值" in error.message()


def test_text_in_points_cell(tmp_path: Path) -> None:
    ref: list[str] = []

    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["指标"]
        ref.append(f"{column_of(ws, '分值')}{row_of(ws, 'K02')}")
        ws[ref[0]] = "三分"

    error = refused(edit(tmp_path, change))
    assert error.problems[0].code == "file.xlsx_cell"
    assert f"plan.xlsx:指标!{ref[0]}" in error.message()
    assert "三分" in error.message()


def test_bad_date_cell(tmp_path: Path) -> None:
    ref: list[str] = []

    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["报送节点"]
        ref.append(f"{column_of(ws, '截止日期')}3")
        ws[ref[0]] = "年底前"

    error = refused(edit(tmp_path, change))
    assert error.problems[0].code == "file.xlsx_cell"
    assert f"报送节点!{ref[0]}" in error.message()


def test_unknown_parent_id(tmp_path: Path) -> None:
    ref: list[str] = []

    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["指标"]
        ref.append(f"{column_of(ws, '上级编号')}{row_of(ws, 'C01-2')}")
        ws[ref[0]] = "C99"

    error = refused(edit(tmp_path, change))
    assert error.problems[0].code == "file.xlsx_cell"
    assert f"指标!{ref[0]}" in error.message() and "C99" in error.message()


def test_parent_must_be_first_level(tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["指标"]
        ws[f"{column_of(ws, '上级编号')}{row_of(ws, 'C01-2')}"] = "C01-1"

    error = refused(edit(tmp_path, change))
    assert error.problems[0].code == "file.xlsx_cell" and "C01-1" in error.message()


def test_unknown_work_names_the_choices(tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        wb["类别"]["D3"] = "其他工作"

    error = refused(edit(tmp_path, change))
    assert error.problems[0].code == "file.xlsx_cell"
    assert "plan.xlsx:类别!D3" in error.message() and "常规工作" in error.message()


def test_missing_required_value_is_placed_at_its_cell(tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["等次"]
        ws["B3"] = None

    error = refused(edit(tmp_path, change))
    assert error.problems[0].code == "file.type" and "等次!B3" in error.message()


def test_unknown_plan_item(tmp_path: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["方案"]
        ws.append(["奖金", "rules.bonus", 5])

    error = refused(edit(tmp_path, change))
    assert error.problems[0].code == "file.xlsx_cell" and "方案!" in error.message()


def test_unstorable_text_is_refused_on_write(tmp_path: Path) -> None:
    plan = small_plan()
    plan.sections[0].name = "办公\r室"
    with pytest.raises(JixiaoError) as caught:
        write_xlsx(plan, tmp_path / "plan.xlsx")
    assert caught.value.problems[0].code == "file.xlsx_text"


# -- any plan survives the trip -----------------------------------------------------------

TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters=[chr(i) for i in range(32) if chr(i) not in "\t\n"],
    ),
    max_size=12,
)
IDENT = st.text(alphabet="AKC01-_", min_size=1, max_size=4)
NUMBER = st.decimals(allow_nan=False, allow_infinity=False, places=None)
DATE = st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 12, 31))
TEXTS = st.lists(TEXT, max_size=3)


def indicators(children: bool) -> st.SearchStrategy[Indicator]:
    return st.builds(
        Indicator,
        id=IDENT,
        name=TEXT.filter(str.strip),
        points=NUMBER,
        category=TEXT,
        target=TEXT,
        deadline=st.none() | DATE,
        milestones=TEXTS,
        no_children=st.booleans(),
        children=st.lists(indicators(False), max_size=2) if children else st.just([]),
    )


PLANS = st.builds(
    Plan,
    unit=TEXT,
    year=st.integers(min_value=-(10**20), max_value=10**20),
    title=TEXT,
    sections=st.lists(st.builds(Section, id=IDENT, name=TEXT), max_size=2),
    people=st.lists(st.builds(Person, id=IDENT, name=TEXT, title=TEXT, roles=TEXTS), max_size=2),
    categories=st.lists(
        st.builds(
            Category,
            id=IDENT,
            name=TEXT,
            kind=st.sampled_from(["functional", "capacity"]),
            work=st.sampled_from(["key", "routine", "dynamic", "capacity"]),
            points=NUMBER,
            first_level_cap=st.none() | NUMBER,
            second_level_count=st.none() | st.integers(),
        ),
        max_size=2,
    ),
    indicators=st.lists(indicators(True), max_size=3),
    tiers=st.lists(
        st.builds(Tier, name=TEXT.filter(str.strip), share=st.none() | NUMBER,
                  points=st.none() | NUMBER),
        max_size=3,
    ),
    grades=st.lists(st.builds(Grade, name=TEXT, min=NUMBER), max_size=2),
    deadlines=st.lists(st.builds(Deadline, id=IDENT, name=TEXT, due=DATE, reports=TEXTS),
                       max_size=2),
    rules=st.builds(Rules, total=NUMBER, min_children=st.integers()),
    scoring=st.builds(Scoring, internal_share=NUMBER),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=PLANS)
def test_any_plan_roundtrips(plan: Plan, tmp_path: Path) -> None:
    assert roundtrip(plan, tmp_path) == plan
