"""`plan import`: an office's one-sheet indicator table (指标体系) read back into a plan.

The sheets are made with openpyxl as offices type them: a merged title row, merged
category and first-level cells, points as "3分", dates as 2021年12月31日, blank and 合计
rows, a 说明 sheet, renamed and moved columns.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.plan import Category, Indicator, Person, Plan, Section
from domain.plan_io import bundled_plan, load_plan
from domain.plan_sheet_build import import_sheet
from domain.plan_sheet_write import COLUMNS, OfficeStyle, office_workbook
from domain.rules import check
from tests.conftest import jixiao

RENAMED = {"category": "目标类别", "first": "考评内容", "first_points": "权重", "second": "考评要点",
           "second_points": "分数", "target": "考评标准", "section": "责任单位", "leader": "责任领导",
           "handler": "经办人", "deadline": "完成时间"}


def office_view(plan: Plan) -> dict[str, Any]:
    """What an office's sheet carries: names, points, sections, people and deadlines (no ids)."""
    sections = {s.id: s.name for s in plan.sections}
    people = {p.id: p.name for p in plan.people}
    cats = {c.id: c for c in plan.categories}

    def leaf(i: Indicator) -> tuple[Any, ...]:
        return (i.name, i.points, i.target, sections.get(i.section, ""), people.get(i.leader, ""),
                people.get(i.handler, ""), i.deadline, tuple(i.milestones))

    indicators = []
    for first in plan.indicators:
        cat = cats[first.category]
        if first.children:
            indicators.append((cat.name, first.name, first.points,
                               tuple(leaf(c) for c in first.children)))
        else:
            indicators.append((cat.name, first.no_children, leaf(first)))
    used = {i.category for i in plan.indicators}
    named = [n for i, _ in plan.leaves() for n in (sections.get(i.section), people.get(i.leader),
                                                     people.get(i.handler)) if n]
    return {
        "categories": [(c.name, c.points, c.work) for c in plan.categories if c.id in used],
        "indicators": indicators,
        "names": sorted(set(named)),
    }


def save(plan: Plan, path: Path, style: OfficeStyle | None = None) -> Path:
    office_workbook(plan, style or OfficeStyle()).save(path)
    return path


def shuffled(seed: int, renamed: bool = True) -> tuple[tuple[str, str], ...]:
    """The columns in blocks (a level and its points stay together), moved and renamed."""
    headers = dict(COLUMNS)
    if renamed:
        headers.update(RENAMED)
    blocks = [["seq"], ["category"], ["first", "first_points"], ["second", "second_points"],
              ["target"], ["section"], ["leader"], ["handler"], ["deadline"], ["milestones"],
              ["note"]]
    random.Random(seed).shuffle(blocks)
    return tuple((key, headers.get(key, "备注")) for block in blocks for key in block)


def test_bundled_plan_in_the_office_layout_imports_back_equal(tmp_path: Path) -> None:
    plan = bundled_plan()
    style = OfficeStyle(text_points=True, chinese_dates=True, columns=shuffled(7))
    result = import_sheet(save(plan, tmp_path / "sheet.xlsx", style))
    assert result.errors == []
    assert result.plan is not None
    assert office_view(result.plan) == office_view(plan)
    assert (result.plan.unit, result.plan.year) == (plan.unit, plan.year)
    assert check(result.plan) == []
    ids = [i.id for i, _ in result.plan.walk()]
    assert ids[:4] == ["K01", "K01.1", "K01.2", "K01.3"] and "C05" in ids and "R01.1" in ids
    people = {p.name: p.id for p in result.plan.people}
    assert people["林丽艳"] == "linliyan" and people["余君伟"] == "yujunwei"
    civic = next(i for i in result.plan.indicators if i.name == "文明县城创建")
    assert civic.no_children and civic.children == []


def test_the_three_commands_from_sheet_to_ledger(tmp_path: Path) -> None:
    sheet = save(bundled_plan(), tmp_path / "sheet.xlsx", OfficeStyle(text_points=True))
    out = tmp_path / "plan.toml"
    done = jixiao("plan", "import", str(sheet), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "first-level" in done.stdout and "linliyan" in done.stdout
    assert "指标体系!A1" in done.stdout  # the title row's guesses name their cell
    assert jixiao("plan", "check", str(out)).returncode == 0
    db = str(tmp_path / "ledger" / "jixiao.db")
    init = jixiao("init", "--plan", str(out), db=db)
    assert init.returncode == 0, init.stderr
    assert load_plan(out).indicators[0].name == "高新技术企业培育"
    again = jixiao("plan", "import", str(sheet), "-o", str(out))
    assert again.returncode == 1 and "--force" in again.stderr
    assert jixiao("plan", "import", str(sheet), "-o", str(out), "--force").returncode == 0
    assert jixiao("plan", "import", str(sheet), "-o", str(tmp_path / "plan.txt")).returncode == 2
    unwritable = jixiao("plan", "import", str(sheet), "-o", str(tmp_path / "none" / "plan.toml"))
    assert unwritable.returncode == 1 and "cannot write" in unwritable.stderr
    xlsx = tmp_path / "plan.xlsx"
    assert jixiao("plan", "import", str(sheet), "-o", str(xlsx)).returncode == 0
    assert office_view(load_plan(xlsx)) == office_view(bundled_plan())


def _bad_sheet(tmp_path: Path) -> Path:
    path = save(bundled_plan(), tmp_path / "bad.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["指标体系"]
    ws["F4"] = "两分"  # second-level points of K01.1
    ws["K5"] = "年底前"  # a deadline
    ws["B3"] = "招商引资（40分）"  # the merged category cell of 重点工作目标
    wb.save(path)
    return path


def test_every_bad_cell_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    path = _bad_sheet(tmp_path)
    result = import_sheet(path)
    assert result.plan is None
    messages = [p.message("zh") for p in result.errors]
    assert f"{path}:指标体系!F4: 分值应为数字，而不是“两分”" in messages
    assert any(m.startswith(f"{path}:指标体系!K5: 完成时限应为日期") for m in messages)
    assert any(m.startswith(f"{path}:指标体系!B3: 类别“招商引资（40分）”") for m in messages)
    out = tmp_path / "plan.toml"
    done = jixiao("plan", "import", str(path), "-o", str(out), "--lang", "zh")
    assert done.returncode == 1
    assert "指标体系!F4" in done.stderr and "指标体系!K5" in done.stderr and "指标体系!B3" in done.stderr
    assert not out.exists()


def test_no_header_names_the_columns_looked_for(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["名称", "说明"])
    ws.append(["甲", "乙"])
    path = tmp_path / "none.xlsx"
    wb.save(path)
    result = import_sheet(path)
    assert result.plan is None
    text = result.errors[0].message("zh")
    assert "一级指标" in text and "分值" in text and "考评内容" in text
    missing = import_sheet(path, sheet="指标")
    assert "Sheet1" in missing.errors[0].message("en")


def test_a_wrong_total_warns_at_its_cell(tmp_path: Path) -> None:
    path = save(bundled_plan(), tmp_path / "total.xlsx", OfficeStyle(total=Decimal(99)))
    result = import_sheet(path)
    assert result.plan is not None
    total = [w for w in result.warnings if w.code == "sheet.total"]
    assert len(total) == 1 and "99" in total[0].message("en") and "100" in total[0].message("en")
    assert "指标体系!D" in total[0].where
    right = import_sheet(save(bundled_plan(), tmp_path / "ok.xlsx"))
    assert not [w for w in right.warnings if w.code == "sheet.total"]


def test_flags_full_width_digits_and_missing_handler(tmp_path: Path) -> None:
    path = save(bundled_plan(), tmp_path / "s.xlsx", OfficeStyle(notes_sheet=False, blank_rows=False))
    wb = openpyxl.load_workbook(path)
    ws = wb["指标体系"]
    ws["A1"] = "某单位绩效指标"  # no year in the title
    ws["F4"] = "１.５分"
    ws["F5"] = "0.5"
    ws["K4"] = "２０２１年６月３０日"
    ws["K6"] = "2021.9.30"
    ws["J4"] = None
    wb.save(path)
    result = import_sheet(path)
    assert result.plan is None
    assert any("--year" in e.message("en") for e in result.errors)
    result = import_sheet(path, unit="安溪县科学技术局", year=2021, title="方案")
    assert result.errors == [] and result.plan is not None
    first = result.plan.indicators[0]
    assert [c.points for c in first.children] == [Decimal(1), Decimal("1.5"), Decimal("0.5")]
    assert first.children[1].deadline == dt.date(2021, 6, 30)
    assert result.plan.indicators[1].children[0].deadline == dt.date(2021, 9, 30)
    assert first.children[1].handler == ""
    assert any(w.code == "sheet.no_handler" and w.where.endswith("!J4") for w in result.warnings)
    assert result.plan.title == "方案"


# -- property: any plan written in the office layout imports to an equal plan --------------

HAN = "甲乙丙丁戊己庚辛壬癸子寅卯辰巳午未申酉戌亥金木水火土山川"
names = st.text(alphabet=HAN, min_size=2, max_size=6)
points = st.integers(min_value=1, max_value=8).map(lambda n: Decimal(n) / 2)
dates = st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2022, 12, 31))


@st.composite
def office_plans(draw: st.DrawFn) -> Plan:
    seed = bundled_plan()
    cats = draw(st.lists(st.sampled_from(seed.categories), min_size=1, max_size=4,
                         unique_by=lambda c: c.id))
    sections = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    people = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    firsts = draw(st.lists(names.map(lambda n: n + "工作"), min_size=len(cats),
                           max_size=len(cats) + 5, unique=True))
    used: set[str] = set()

    def leaf(ident: str, name: str) -> Indicator:
        section, leader, handler = (draw(st.sampled_from(sections)), draw(st.sampled_from(people)),
                                    draw(st.sampled_from(people)))
        used.update((section, leader, handler))
        return Indicator(id=ident, name=name, points=draw(points), target=draw(names),
                         section=f"s.{section}", leader=f"p.{leader}", handler=f"p.{handler}",
                         deadline=draw(st.none() | dates),
                         milestones=draw(st.lists(names, max_size=2)))

    indicators = []
    for n, name in enumerate(firsts):
        cat = cats[n % len(cats)]
        kids = draw(st.lists(names, max_size=3))
        if kids:
            children = [leaf(f"i{n}.{k}", kid) for k, kid in enumerate(kids)]
            total = sum((c.points for c in children), Decimal(0))
            indicators.append(Indicator(id=f"i{n}", name=name, points=total, category=cat.id,
                                        children=children))
        else:
            first = leaf(f"i{n}", name)
            first.category, first.no_children = cat.id, True
            indicators.append(first)
    indicators.sort(key=lambda i: [c.id for c in cats].index(i.category))
    categories = [Category(id=c.id, name=c.name, kind=c.kind, work=c.work,
                           points=sum((i.points for i in indicators if i.category == c.id), Decimal(0)))
                  for c in cats]
    return Plan(unit="某县某局", year=2022, title="某县某局2022年度绩效评估工作方案",
                sections=[Section(id=f"s.{s}", name=s) for s in sections],
                people=[Person(id=f"p.{p}", name=p) for p in people],
                categories=categories, indicators=indicators)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=office_plans(), seed=st.integers(0, 1000), text_points=st.booleans(),
       chinese_dates=st.booleans(), renamed=st.booleans())
def test_any_plan_in_the_office_layout_imports_equal(
        tmp_path: Path, plan: Plan, seed: int, text_points: bool, chinese_dates: bool,
        renamed: bool) -> None:
    style = OfficeStyle(columns=shuffled(seed, renamed), text_points=text_points,
                        chinese_dates=chinese_dates)
    result = import_sheet(save(plan, tmp_path / "p.xlsx", style))
    assert result.errors == []
    assert result.plan is not None
    assert office_view(result.plan) == office_view(plan)
    assert result.plan.title == "某县某局2022年度绩效评估指标体系"


# -- the TUI: from the indicators screen, path, preview, write --------------------------------


def test_the_import_from_the_indicators_screen(ledger: Any, clock: Any, tmp_path: Path) -> None:
    from tests.tui_helpers import drive, goto, make_app, settle, static_text

    sheet = save(bundled_plan(), tmp_path / "sheet.xlsx", OfficeStyle(text_points=True))
    bad = _bad_sheet(tmp_path)
    out = tmp_path / "plan.toml"
    app = make_app(ledger, "admin", clock=clock)

    async def typed(pilot: Any, selector: str, text: str) -> None:
        field = pilot.app.screen.query_one(selector)
        field.focus()
        field.value = ""
        await pilot.press(*text)

    async def steps(pilot: Any) -> None:
        await goto(pilot, "2")
        await goto(pilot, "i")
        assert type(pilot.app.screen).__name__ == "PlanImportScreen"
        await typed(pilot, "#pi-sheet", str(bad))
        await pilot.press("enter")
        await settle(pilot)
        shown = static_text(app, "#pi-text")
        assert "指标体系!F4" in shown and "两分" in shown
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not out.exists()  # nothing written while an error remains
        await typed(pilot, "#pi-sheet", str(sheet))
        await pilot.press("enter")
        await settle(pilot)
        shown = static_text(app, "#pi-text")
        assert "K01.1 国家高新技术企业申报认定" in shown and "linliyan" in shown
        await typed(pilot, "#pi-output", str(out))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "IndicatorsScreen"

    drive(app, steps)
    assert out.exists()
    assert office_view(load_plan(out)) == office_view(bundled_plan())


def test_the_documented_example_sheet_is_made_by_its_script(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = tmp_path / "office-sheet.xlsx"
    made = subprocess.run([sys.executable, str(ROOT / "docs" / "examples" / "make_office_sheet.py"),
                           str(out)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert made.returncode == 0, made.stderr
    result = import_sheet(out)
    assert result.errors == [] and result.plan is not None
    assert office_view(result.plan) == office_view(bundled_plan())
    assert openpyxl.load_workbook(out).sheetnames == ["说明", "指标体系"]


def test_a_category_heading_row_and_repeated_first_level_names(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "考评表"
    ws.append(["某县某局2022年度绩效考评指标"])
    ws.append(["考评内容", "分数", "考评要点", "分数", "责任科室", "经办人", "时限", "备注"])
    ws.append(["一、重点工作目标（2分）"])
    ws.append(["招商引资", "2分", "项目签约", "1分", "业务股", "张三", "2022.6.30", "x"])
    ws.append(["招商引资", "", "项目落地", "1分", "业务股", "李四、王五", "12月底", ""])
    ws.append([])
    ws.append(["二、行政能力"])
    ws.append(["文明创建", "1", None, None, "办公室", "王五", dt.date(2022, 12, 31), ""])
    ws.append(["合计", 3])
    path = tmp_path / "heading.xlsx"
    wb.save(path)
    result = import_sheet(path)
    assert result.errors == [], [e.message() for e in result.errors]
    plan = result.plan
    assert plan is not None and (plan.unit, plan.year) == ("某县某局", 2022)
    assert [(c.id, c.name, c.points) for c in plan.categories] == [
        ("key", "重点工作目标", Decimal(2)), ("capacity", "行政能力", Decimal(1))]
    first, civic = plan.indicators
    assert (first.id, [c.id for c in first.children]) == ("K01", ["K01.1", "K01.2"])
    assert first.children[1].deadline == dt.date(2022, 12, 31)
    assert civic.id == "C01" and civic.no_children
    people = {p.name: p.id for p in plan.people}
    assert people == {"张三": "zhangsan", "李四": "lisi", "王五": "wangwu"}
    codes = {g.code for g in result.guesses}
    assert {"sheet.guess_date", "sheet.guess_first_name", "sheet.guess_category"} <= codes
    assert not [w for w in result.warnings if w.code == "sheet.total"]
