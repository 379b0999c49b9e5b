"""What a plan import read, created and guessed, as lines in the user's language: the
command line prints them and the terminal UI's import dialog shows the same."""

from __future__ import annotations

from typing import TYPE_CHECKING

from projections.plan_tree import plan_summary

if TYPE_CHECKING:
    from domain.plan_sheet_build import SheetImport

TEXT = {
    "zh": {
        "read": "读取 {sheet}：{unit} {year} · {title}",
        "category": "  {name}：一级指标 {first_level} 项，二级指标 {second_level} 项，{points} 分",
        "created": "新建考评对象 {sections} 个：{section_names}；人员 {people} 人：{people_names}",
        "guesses": "推定的值（{n} 处）：",
        "warnings": "提醒（{n} 处）：",
        "errors": "发现 {n} 处错误，未写入任何文件",
        "rules": "写出的方案尚不符合规则（{n} 处），请在 plan check 中修改：",
        "wrote": "已写入 {path}；下一步：jixiao plan check {path}，再 jixiao init --plan {path}",
        "exists": "{path} 已存在；加 --force 覆盖",
        "suffix": "-o 应为 .toml 或 .xlsx 文件：{path}",
    },
    "en": {
        "read": "read {sheet}: {unit} {year} · {title}",
        "category": "  {name}: {first_level} first-level, {second_level} second-level, {points} points",
        "created": "created {sections} sections: {section_names}; {people} people: {people_names}",
        "guesses": "values guessed ({n}):",
        "warnings": "warnings ({n}):",
        "errors": "{n} error(s) found; nothing written",
        "rules": "the plan written does not pass its rules yet ({n}); fix them with plan check:",
        "wrote": "wrote {path}; next: jixiao plan check {path}, then jixiao init --plan {path}",
        "exists": "{path} exists; pass --force to overwrite it",
        "suffix": "-o must be a .toml or .xlsx file: {path}",
    },
}


def report_lines(result: SheetImport, lang: str) -> list[str]:
    """What was read, created and guessed, line by line (the TUI shows the same)."""
    t = TEXT[lang]
    lines: list[str] = []
    plan = result.plan
    if plan is not None:
        lines.append(t["read"].format(sheet=result.sheet, unit=plan.unit, year=plan.year,
                                      title=plan.title))
        lines.extend(t["category"].format(**s) for s in plan_summary(plan))
        sep = "、" if lang == "zh" else ", "
        lines.append(t["created"].format(
            sections=len(result.sections), people=len(result.people),
            section_names=sep.join(f"{s.name}={s.id}" for s in result.sections),
            people_names=sep.join(f"{p.name}={p.id}" for p in result.people)))
    for key, problems in (("guesses", result.guesses), ("warnings", result.warnings)):
        if problems:
            lines.append(t[key].format(n=len(problems)))
            lines.extend(f"  {p.message(lang)}" for p in problems)
    return lines


