"""The plan's indicator tree as data: the JSON contract of `plan show` and table rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.plan import Plan


def _num(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def plan_tree(plan: Plan) -> dict[str, Any]:
    """`{unit, year, title, total, categories: [{id, name, kind, points, indicators: [...]}]}`."""
    sections = {s.id: s.name for s in plan.sections}
    people = {p.id: p.name for p in plan.people}

    def node(ind: Any) -> dict[str, Any]:
        return {
            "id": ind.id,
            "name": ind.name,
            "points": _num(ind.points),
            "section": ind.section,
            "section_name": sections.get(ind.section, ""),
            "leader": ind.leader,
            "leader_name": people.get(ind.leader, ""),
            "handler": ind.handler,
            "handler_name": people.get(ind.handler, ""),
            "deadline": ind.deadline.isoformat() if ind.deadline else None,
            "target": ind.target,
        }

    categories = []
    for cat in plan.categories:
        indicators = []
        for first in plan.indicators:
            if first.category != cat.id:
                continue
            entry = node(first)
            entry["children"] = [node(child) for child in first.children]
            indicators.append(entry)
        categories.append({
            "id": cat.id,
            "name": cat.name,
            "kind": cat.kind,
            "work": cat.work,
            "points": _num(cat.points),
            "indicators": indicators,
        })
    return {
        "unit": plan.unit,
        "year": plan.year,
        "title": plan.title,
        "total": _num(sum((c.points for c in plan.categories), Decimal(0))),
        "categories": categories,
    }


TREE_HEADERS = {
    "zh": ["类别", "编号", "一级指标", "二级指标", "分值", "责任股室", "分管领导", "承办人", "完成时限"],
    "en": ["Category", "ID", "First-level", "Second-level", "Points", "Section", "Leader",
           "Handler", "Deadline"],
}


def plan_rows(plan: Plan) -> list[list[Any]]:
    """One row per indicator, first-level then its children, for tables and CSV."""
    tree = plan_tree(plan)
    rows: list[list[Any]] = []
    for cat in tree["categories"]:
        for first in cat["indicators"]:
            rows.append([cat["name"], first["id"], first["name"], "", first["points"],
                         first["section_name"], first["leader_name"], first["handler_name"],
                         first["deadline"] or ""])
            for child in first["children"]:
                rows.append(["", child["id"], "", child["name"], child["points"],
                             child["section_name"], child["leader_name"], child["handler_name"],
                             child["deadline"] or ""])
    return rows


def plan_summary(plan: Plan) -> list[dict[str, Any]]:
    """Per category: counts of first- and second-level indicators and points."""
    out = []
    for cat in plan.categories:
        firsts = [i for i in plan.indicators if i.category == cat.id]
        out.append({
            "id": cat.id,
            "name": cat.name,
            "first_level": len(firsts),
            "second_level": sum(len(i.children) for i in firsts),
            "points": _num(sum((i.points for i in firsts), Decimal(0))),
        })
    return out
