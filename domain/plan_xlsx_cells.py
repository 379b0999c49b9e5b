"""The cell of a workbook that breaks a rule: where `plan check PLAN.xlsx` points the clerk.

A rule violation names the record (an indicator id, a category id...); this module
finds the cell of the value that breaks it (the points cell of an indicator worth too
much, the 承办人 cell naming someone not on the list).
"""

from __future__ import annotations

from domain.errors import Problem
from domain.plan_xlsx import PLAN_SHEET, XlsxRead

# rule code -> the plan list the record is in, and the field whose cell breaks the rule
RULE_FIELDS: dict[str, tuple[str, str]] = {
    "rule.unique_id": ("", "id"),
    "rule.unknown_category": ("indicators", "category"),
    "rule.child_category": ("indicators", "category"),
    "rule.unknown_section": ("", "section"),
    "rule.points_positive": ("indicators", "points"),
    "rule.first_level_cap": ("indicators", "points"),
    "rule.second_level_cap": ("indicators", "points"),
    "rule.parent_sum": ("indicators", "points"),
    "rule.min_children": ("indicators", "id"),
    "rule.no_children": ("indicators", "no_children"),
    "rule.category_sum": ("categories", "points"),
    "rule.indicator_deadline": ("indicators", "deadline"),
    "rule.deadline_window": ("deadlines", "due"),
}
PERSON_FIELDS = {"分管领导": "leader", "承办人": "handler"}
LEVEL_FIELDS = {"一级": "first_level_count", "二级": "second_level_count"}
PLAN_ITEMS = {"rule.total": "rules.total", "rule.min_first_level": "rules.min_first_level_functional"}


def rule_cell(problem: Problem, read: XlsxRead) -> str | None:
    """The sheet!cell of the value breaking the rule, or None when no cell is known."""
    ident = problem.where
    if problem.code in PLAN_ITEMS:
        return read.cells.get(("plan", PLAN_ITEMS[problem.code]), {}).get("value", PLAN_SHEET)
    if problem.code == "rule.unknown_person":
        table, field = "indicators", PERSON_FIELDS.get(problem.params.get("field", ""), "handler")
    elif problem.code == "rule.declared_count":
        table, field = "categories", LEVEL_FIELDS.get(problem.params.get("level", ""), "id")
    elif problem.code in RULE_FIELDS:
        table, field = RULE_FIELDS[problem.code]
    else:
        return None
    tables = [table] if table else ["indicators", "sections", "people", "categories", "deadlines"]
    for name in tables:
        refs = read.cells.get((name, ident))
        if refs:
            return refs.get(field) or refs.get("id")
    return None
