"""The audit trail as a report: one page of events matching a filter, newest first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from domain.people import person_of
from projections.audit import AuditFilter, AuditTrail
from projections.fold import YearFold
from projections.stream import max_position
from tui.i18n import role_label
from tui.reports.base import Built, ReportQuery, Source, report, when

AUDIT_COLUMNS = ["#", "记录时间", "业务日期", "操作人", "角色", "事项", "对象", "股室", "内容", "理由",
                 "分值变动", "作废"]
# (trail, ledger, how many events it is behind) -> brings the trail up to date
Refresh = Callable[[Any, Any, int], None]


class AuditPage(msgspec.Struct, kw_only=True):
    title: str
    sheets: list[Any]
    rows: list[Any]
    matching: int
    next_before: int | None  # --before for the next page, if there is one


def _refresh(trail: Any, ledger: Any, behind: int) -> None:
    trail.refresh(ledger.store.log)


def audit_page(source: Source, query: ReportQuery, *, refresh: Refresh = _refresh) -> AuditPage:
    """The page of the audit trail `query` asks for (its clocks: `as_of`, `known_at`)."""
    ledger = source.ledger
    names = {u.id: u.name for u in ledger.directory().users.values()} if query.actor else {}
    filters = AuditFilter(
        actor=person_of(query.actor, names), kinds=list(query.kinds), section=query.section, indicator=query.indicator,
        unit=query.unit, year=query.year or None, since=query.since,
        until=query.until, text=query.text, score_only=query.score_only,
        as_of=query.as_of, known_at=query.known_at)
    with AuditTrail(ledger.store.audit_index()) as trail:
        refresh(trail, ledger, max_position(ledger.store.log) - trail.position)
        rows = trail.page(filters, before_position=query.before, limit=query.limit or 100)
        matching = trail.count(filters)
    table = [[r.position, when(r.recorded), r.effective, r.actor, role_label(r.role), r.kind_label, r.target, r.section,
              r.summary, r.reason, "" if r.effect is None else f"{r.effect:+.2f}",
              f"#{r.voided_by} {r.voided_by_actor}：{r.void_reason}" if r.voided_by else ""] for r in rows]
    shown = f"{rows[-1].position}–{rows[0].position}" if rows else "—"
    title = f"审计记录 · 符合条件 {matching} 条 · 本页 {len(rows)} 条（#{shown}）"
    more = rows and len(rows) < matching and rows[-1].position > 1
    return AuditPage(title=title, sheets=[("审计记录", AUDIT_COLUMNS, table)], rows=rows, matching=matching,
                     next_before=rows[-1].position if more else None)


@report("audit")
def audit_report(fold: YearFold, source: Source, query: ReportQuery) -> Built:
    page = audit_page(source, msgspec.structs.replace(query, as_of=fold.clocks.as_of,
                                                      known_at=fold.clocks.known_at))
    return page.title, page.sheets, page.rows
