"""The deliverables of the seed's 进度安排 beyond the quarterly report and the September
forms: the plan with its self-assessment table, the data-collection table, the work
summaries (drafted from the ledger, edited by the office) and the internal evaluation.

`--as-filed` on any of them shows what was filed, read back from its ReportFiled event
and checked against its digest.
"""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec

from domain.errors import fail
from projections import quarterly as q
from projections.deliverables import (
    DATA_COLUMNS,
    SELF_ASSESSMENT_COLUMNS,
    data_collection,
    data_rows,
    plan_document,
    self_assessment_rows,
)
from projections.describe import report_label
from projections.fold import PlanFold, YearFold
from projections.internal_report import markdown as internal_markdown
from projections.summary import covered_until, summary_title
from projections.summary import draft as summary_draft
from tui.reports.base import DOCUMENTS, REPORTS, Built, ReportQuery, Source, moment_of, plan_or_fail, report


class Summary(msgspec.Struct, kw_only=True):
    """A work summary as JSON shows it: its text, and whether it is the draft or as filed."""

    report: str
    title: str
    covered_until: str
    draft: bool
    markdown: str
    position: int = 0  # the filing shown (as filed)
    digest: str = ""


def _lines(markdown: str) -> list[list[Any]]:
    return [[line] for line in markdown.splitlines()]


def as_filed(fold: YearFold, source: Source, query: ReportQuery, report_: str) -> Built:
    """The latest filing of a deliverable, exactly as filed."""
    plan_fold = plan_or_fail(fold, query)
    entry = q.latest_filing(plan_fold, report_, "", "")
    if entry is None:
        raise fail("report.not_filed", report=report_label(report_), period="", section="全单位")
    _, event = source.read([entry.position])[entry.position]
    content: str = event.content
    intact = hashlib.sha256(content.encode()).hexdigest() == entry.digest
    title = (f"{report_label(report_)} · 报送原件 #{entry.position} · 摘要 {entry.digest[:16]}… "
             f"{'核验一致' if intact else '与摘要不符！'}")
    if report_ in ("half_year_summary", "annual_summary"):
        data = Summary(report=report_, title=summary_title(report_, plan_fold),
                       covered_until=str(covered_until(report_, plan_fold.plan.year)), draft=False,
                       markdown=content, position=entry.position, digest=entry.digest)
        return title, [("工作总结", ["正文"], _lines(content))], data
    facts = [["报送编号", entry.position], ["报送时间", entry.recorded], ["摘要", entry.digest],
             ["核验", "一致" if intact else "与摘要不符"]]
    return title, [("报送原件", ["项目", "内容"], facts)], msgspec.Raw(content.encode())


def _filed_or(name: str, builder: Any) -> Any:
    def build(fold: YearFold, source: Source, query: ReportQuery) -> Built:
        if query.as_filed is not None:
            return as_filed(fold, source, query, name)
        return builder(fold, source, query)
    return build


def _plan(fold: YearFold, source: Source, query: ReportQuery) -> Built:
    plan_fold = plan_or_fail(fold, query)
    document = plan_document(fold, plan_fold, today=fold.clocks.as_of or source.today)
    own = document["self_assessed"]
    title = (f"{plan_fold.plan.title}（一级指标、二级指标自评表）· 自评 {own.total} 分 {own.grade} · "
             f"{moment_of(fold)}")
    return title, [("自评表", SELF_ASSESSMENT_COLUMNS, self_assessment_rows(document["self_assessment"]))], document


def _data_collection(fold: YearFold, source: Source, query: ReportQuery) -> Built:
    plan_fold = plan_or_fail(fold, query)
    rows = data_collection(fold, plan_fold, section=query.section)
    title = f"泉州市下达的绩效考核数据采集内容和责任分工 · {plan_fold.plan.unit} · {moment_of(fold)}"
    return title, [("数据采集", DATA_COLUMNS, data_rows(rows))], rows


def _summary(name: str) -> Any:
    def build(fold: YearFold, source: Source, query: ReportQuery) -> Built:
        plan_fold: PlanFold = plan_or_fail(fold, query)
        text = summary_draft(fold, plan_fold, name, source.read, today=fold.clocks.as_of or source.today)
        data = Summary(report=name, title=summary_title(name, plan_fold), draft=True, markdown=text,
                       covered_until=str(covered_until(name, plan_fold.plan.year)))
        return f"{data.title}（草稿）· {moment_of(fold)}", [("工作总结", ["正文"], _lines(text))], data
    return build


report("plan")(_filed_or("plan", _plan))
report("data-collection")(_filed_or("data_collection", _data_collection))
report("half-year-summary")(_filed_or("half_year_summary", _summary("half_year_summary")))
report("annual-summary")(_filed_or("annual_summary", _summary("annual_summary")))


@report("internal-evaluation")
def internal_evaluation(fold: YearFold, source: Source, query: ReportQuery) -> Built:
    if query.as_filed is not None:
        return as_filed(fold, source, query, "internal_evaluation")
    return REPORTS["internal"](fold, source, query)


def _summary_text(data: Any) -> str:
    return data.markdown if isinstance(data, Summary) else ""


def _internal_text(data: Any) -> str:
    if isinstance(data, msgspec.Raw):  # as filed: the Markdown filed with the results
        return str(msgspec.json.decode(bytes(data)).get("markdown", ""))
    return internal_markdown(data)


for _name in ("half-year-summary", "annual-summary"):
    DOCUMENTS[_name] = _summary_text
DOCUMENTS["internal-evaluation"] = _internal_text
