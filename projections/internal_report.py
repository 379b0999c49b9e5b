"""The internal evaluation as the county office receives it (内部绩效考评方案和结果):
the method, the section and staff results, and the allocation table.

`sheets` gives the tables (terminal, CSV, Excel); `markdown` the document, whose
tables add up to the pool exactly, as the allocation does.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from projections.internal import InternalResults, yuan

BASIS_LABELS = {"coefficient": "按等次系数", "score": "按考评得分"}
Sheet = tuple[str, list[str], list[list[Any]]]
SECTION_HEADERS = ["排名", "股室", "绩效得分率", "领导小组评分", "内部得分", "等次", "说明"]
STAFF_HEADERS = ["排名", "类别内排名", "姓名", "编号", "股室", "类别", "得分", "等次", "系数",
                 "基础奖金（元）", "差异化奖金（元）", "合计（元）", "评定人", "理由"]
CATEGORY_HEADERS = ["类别", "人数", "基础奖金（元）", "差异化奖金（元）", "合计（元）"]


def money(fen: int | None) -> str:
    """Yuan for reading: ¥12,345.67 (text, so no table renders it as a rounded float)."""
    return f"¥{yuan(fen):,.2f}"


def title(r: InternalResults, moment: str = "当前") -> str:
    state = "已审定" if r.locked else "预览"
    return f"{r.unit} {r.year} 年度内部绩效考评方案和结果 · {moment} · {state}"


def method_rows(r: InternalResults) -> list[list[Any]]:
    m = r.method
    w = m.standings_weight
    rows: list[list[Any]] = [
        ["绩效奖金总额（元）", money(r.pool_fen) if r.pool_fen is not None else "未设定"],
        ["差异化奖金比例", f"{m.share:%}"],
        ["差异化奖金（元）", money(r.differentiated_fen)],
        ["基础奖金（元）", money(r.base_fen)],
        ["股室内部得分", f"绩效得分率 × {w} + 领导小组评分 × {1 - w}（未评分的股室按得分率）"],
        ["差异化奖金分配依据", f"分类考评，类别内{BASIS_LABELS.get(m.basis, m.basis)}分配"],
        ["内部考评等次", "、".join(f"{g.name} ≥ {g.min}" for g in m.ladder())],
        ["等次系数", "、".join(f"{g.name} {m.coefficient(g.name)}" for g in m.ladder())],
        ["人员类别基础权重", "、".join(f"{k} {v}" for k, v in sorted(m.category_weights.items())) or "各类别均为 1"],
        ["一票否决", "被一票否决的股室，等次定为最低等次，不论得分"],
        ["取整规则", r.rounding],
    ]
    if m.description:
        rows.append(["办法说明", m.description])
    if r.locked:
        rows.append(["状态", f"已审定锁定（#{r.lock_position}，{r.lock_actor}）"])
        rows.append(["结果摘要（SHA-256）", r.lock_digest])
        if r.digest != r.lock_digest:
            rows.append(["注意", f"审定后有更正：按现有记录重算的结果摘要为 {r.digest}，与审定时不同"])
    else:
        rows.append(["状态", "未审定（预览）"])
        rows.append(["结果摘要（SHA-256）", r.digest])
    return rows


def section_rows(r: InternalResults) -> list[list[Any]]:
    return [[s.rank, s.name, s.rate, s.rating if s.rating is not None else "—", s.score, s.grade,
             ("一票否决" + (f"（{s.veto_note}）" if s.veto_note else "")) if s.veto else ""]
            for s in r.sections]


def staff_rows(r: InternalResults, cash: Callable[[int], Any] = money) -> list[list[Any]]:
    return [[p.rank, p.category_rank, p.name, p.person, p.section_name or "—", p.category,
             p.score if p.score is not None else "—", p.grade, p.coefficient, cash(p.base_fen),
             cash(p.differentiated_fen), cash(p.total_fen), p.rater_name or p.rater, p.reason]
            for p in r.staff]


def category_rows(r: InternalResults, cash: Callable[[int], Any] = money) -> list[list[Any]]:
    rows: list[list[Any]] = []
    groups = [(c, [p for p in r.staff if p.category == c]) for c in sorted({p.category for p in r.staff})]
    for name, people in [*groups, ("合计", r.staff)]:
        rows.append([name, len(people), cash(sum(p.base_fen for p in people)),
                     cash(sum(p.differentiated_fen for p in people)), cash(sum(p.total_fen for p in people))])
    return rows


def sheets(r: InternalResults, *, exact: bool = False) -> list[Sheet]:
    """The tables; `exact` gives yuan as numbers (for a workbook) instead of text."""
    cash: Callable[[int], Any] = yuan if exact else money
    return [
        ("考评办法", ["项目", "内容"], method_rows(r)),
        ("股室考评", SECTION_HEADERS, section_rows(r)),
        ("人员考评与奖金分配", STAFF_HEADERS, staff_rows(r, cash)),
        ("分类汇总", CATEGORY_HEADERS, category_rows(r, cash)),
    ]


def _cell(value: Any) -> str:
    """Table-cell text: one line, no pipes (user text is data)."""
    if isinstance(value, Decimal):
        value = f"{value:f}"
    return " ".join(str(value).split()).replace("|", "｜") or "—"


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    return ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers),
            *["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows], ""]


def markdown(r: InternalResults) -> str:
    """The document for the county performance office."""
    m = r.method
    out = [f"# {r.unit}{r.year}年度内部绩效考评方案和结果", ""]
    out += ["按照“分类考评、奖优罚劣”的原则，对局机关内部股室和全体干部职工进行内部绩效考评，"
            f"在单位绩效奖金总额不变的前提下，提取总额 {m.share:%} 作为内部绩效差异化奖金，"
            "对参评人员实行差异化发放。考评结果同时作为评先评优和干部选拔任用的依据之一。", ""]
    out += ["## 一、考评办法", ""]
    out += [f"- {name}：{_cell(value)}" for name, value in method_rows(r)]
    out += ["", "## 二、股室考评结果", ""]
    out += _table(SECTION_HEADERS, section_rows(r))
    out += ["## 三、人员考评结果及奖金分配", ""]
    out += _table(STAFF_HEADERS, staff_rows(r))
    out += ["## 四、分类汇总", ""]
    out += _table(CATEGORY_HEADERS, category_rows(r))
    total = sum(p.total_fen for p in r.staff)
    out.append(f"分配合计 {money(total)}，绩效奖金总额 {money(r.pool_fen)}"
               + ("，分毫不差。" if r.staff and total == (r.pool_fen or 0) else "。"))
    out.append("")
    return "\n".join(out)
