"""审计: every event, newest first, a page at a time from the audit table, with filters
and a detail pane (every field of the event, its reason, and what it changed)."""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Input, Select, Static

from domain.errors import JixiaoError
from domain.people import person_of
from domain.validate import parse_date
from projections.audit import AuditFilter, AuditTrail
from projections.describe import summary
from tui.describe import local_time
from tui.i18n import KINDS, kind_label
from tui.screens.base import Host, LedgerScreen
from tui.screens.event_detail import EventDetail
from tui.widgets import LedgerInput, LedgerSelect, lit
from tui.widgets.format import kind_width

PAGE = 100


class AuditScreen(LedgerScreen):
    TITLE_KEY = "screen.audit"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.trail: AuditTrail | None = None
        self._cursors: list[int | None] = [None]  # where each page starts
        self._rows: list[Any] = []
        self._selected: int | None = None
        self._building = False
        self.last_ms = 0.0
        self._kinds: list[str] = list(KINDS)  # what the kind filter offers
        self._kinds_at = -1  # the position it was read at

    def keys(self) -> list[tuple[str, str, str, bool]]:
        return [("slash", "focus_filters", "key.filter", True), ("ctrl+l", "clear", "key.clear", True),
                ("greater_than_sign", "next_page", "key.next_page", True),
                ("less_than_sign", "prev_page", "key.prev_page", True),
                ("v", "void", "key.void", False), ("r", "toggle_raw", "key.raw", True)]

    def body(self) -> ComposeResult:
        t = self.t
        view = self.japp.view
        plan = view.plan
        with Horizontal(id="au-filters"):
            yield LedgerInput(placeholder=t("au.filter_actor"), id="au-actor", compact=True)
            yield LedgerSelect([(kind_label(k, self.japp.lang), k) for k in KINDS], prompt=t("au.filter_kind"),
                         id="au-kind", compact=True)
            sections = [(s.name, s.id) for s in plan.sections] if plan else []
            yield LedgerSelect(sections, prompt=t("au.filter_section"), id="au-section", compact=True,
                         disabled=view.section_only)
            # completion from the plan's indicators: an id (K04.2) or a name as the plan writes it
            yield LedgerInput(placeholder=t("au.filter_indicator"), id="au-indicator", compact=True,
                              suggester=SuggestFromList(self._indicator_words(), case_sensitive=False))
            yield LedgerInput(placeholder=t("au.filter_from"), id="au-from", compact=True)
            yield LedgerInput(placeholder=t("au.filter_to"), id="au-to", compact=True)
            yield LedgerInput(placeholder=t("au.filter_text"), id="au-text", compact=True)
        yield Static(id="au-status")
        with Horizontal(id="au-main"):
            yield DataTable(id="au-table", cursor_type="row")
            yield EventDetail(self.japp, id="au-detail")

    def _indicator_words(self) -> list[str]:
        plan = self.japp.view.plan
        if plan is None:
            return []
        found = [i for i, _ in plan.walk() if self.japp.view.may_see(i.section)]
        return [i.id for i in found] + [i.name for i in found]

    def _indicator_of(self, typed: str) -> str:
        """The indicator a filter names: its id as typed, or the id of the one so named."""
        plan = self.japp.view.plan
        for i, _ in plan.walk() if plan is not None else ():
            if typed.casefold() in (i.id.casefold(), i.name.casefold()):
                return i.id
        return typed

    def _offer_kinds(self) -> None:
        """The kind filter offers the kinds the trail holds (labels in the UI's language)."""
        if self.trail is None or self._kinds_at == self.japp.view.position:
            return
        self._kinds_at = self.japp.view.position
        present = [k for k in KINDS if self.trail.page(AuditFilter(kind=k), limit=1)]
        select = self.query_one("#au-kind", Select)
        if present == self._kinds:
            return
        self._kinds = present
        chosen = select.value
        with select.prevent(Select.Changed):
            select.set_options([(kind_label(k, self.japp.lang), k) for k in present])
            if chosen in present:
                select.value = chosen

    def on_mount(self) -> None:
        try:
            self.trail = self.japp.view.audit_trail()
        except JixiaoError as exc:  # e.g. a PostgreSQL ledger whose read-model tables are missing
            self.trail = None
            self._status(exc.message(self.japp.lang), style="red")
        self.refresh_view()
        self.query_one("#au-table", DataTable).focus()

    def on_unmount(self) -> None:
        if self.trail is not None:
            self.trail.close()

    # -- the audit table -----------------------------------------------------------------
    def show_view(self) -> None:
        if self.trail is None:
            return
        try:
            behind = self.japp.view.position - self._trail_position()
        except Exception:  # a table kept by another version of jixiao: rebuild it from the log
            self.trail.reset()
            behind = self.japp.view.position
        if behind > 2000:  # a first build: fold it off the UI thread, then show the page
            self._status(self.t("au.building", n=behind))
            if not self._building:
                self._building = True
                self.build_trail()
            return
        if behind > 0:
            self.trail.refresh(self.japp.view.log)
        self._offer_kinds()
        self._cursors = [None]
        self.load_page()

    def _trail_position(self) -> int:
        """The last position the audit table holds (its newest row: one indexed lookup)."""
        assert self.trail is not None
        top = self.trail.max_position()
        # a table whose newest row is not where its state says is mid-build or stale: ask the state
        return top if top == self.japp.view.position else self.trail.position

    @work(thread=True, exclusive=True, group="audit-build")
    def build_trail(self) -> None:
        with self.japp.view.audit_trail() as trail:
            trail.refresh(self.japp.view.log)
        self.app.call_from_thread(self._built)

    def _built(self) -> None:
        self._building = False
        self.show_view()

    def filters(self) -> AuditFilter | None:
        view = self.japp.view

        def text(name: str) -> str:
            return self.query_one(f"#au-{name}", Input).value.strip()

        def choice(name: str) -> str:
            value = self.query_one(f"#au-{name}", Select).value
            return "" if value is Select.NULL else str(value)

        try:
            since = parse_date(self.t("au.filter_from"), text("from") or None)
            until = parse_date(self.t("au.filter_to"), text("to") or None)
            actor = person_of(text("actor"), {u: info.name for u, info in view.live.users.items()})
        except JixiaoError as exc:
            self._status(exc.message(self.japp.lang), style="red")
            return None
        return AuditFilter(actor=actor, kind=choice("kind"),
                           section=view.section if view.section_only else choice("section"),
                           indicator=self._indicator_of(text("indicator")), since=since, until=until, text=text("text"),
                           as_of=view.moment.as_of, known_at=view.moment.known_at)

    def load_page(self) -> None:
        filters = self.filters()
        if filters is None or self.trail is None:
            return
        started = time.perf_counter()
        rows = self.trail.page(filters, before_position=self._cursors[-1], limit=PAGE + 1)
        self.last_ms = (time.perf_counter() - started) * 1000
        more = len(rows) > PAGE
        self._rows = rows[:PAGE]
        self._fill(self._rows)
        status = self.t("au.page", page=len(self._cursors), size=PAGE,
                        more=self.t("au.more") if more else "")
        if not self.japp.steady:
            status += "  ·  " + self.t("au.took", ms=f"{self.last_ms:.0f}")
        if not rows:
            status += "  ·  " + self.t("au.no_rows")
        self._status(status)

    def _status(self, text: str, style: str = "dim") -> None:
        self.query_one("#au-status", Static).update(Text(text, style=style))

    def _fill(self, rows: list[Any]) -> None:
        t = self.t
        view = self.japp.view
        table = self.query_one("#au-table", DataTable)
        table.clear(columns=True)
        wide = self.size.width >= 96
        time_width = 16 if wide else 11  # 2022-01-12 17:15, or 01-12 17:15 on a narrow terminal
        table.add_column(t("col.position"), width=7)
        table.add_column(t("col.recorded"), width=time_width)
        table.add_column(t("col.actor"), width=6)
        kind_w = kind_width(self.japp.lang)
        if wide:  # on a narrow terminal the summary says what kind it is
            table.add_column(t("col.kind"), width=kind_w)
        detail = max(30, self.size.width // 3)
        fixed = 7 + time_width + 6 + (kind_w if wide else 0) + 2 * (5 if wide else 4) + 2
        table.add_column(t("col.summary"), width=max(12, self.size.width - detail - fixed - 2))
        english = self._english(rows)
        for row in rows:
            style = "strike dim" if row.voided_by else ""
            table.add_row(Text(f"#{row.position}", style=style),
                          Text(local_time(row.recorded)[16 - time_width:], style=style),
                          lit(view.person_name(row.actor), style=style),
                          *([Text(kind_label(row.kind, self.japp.lang), style=style)] if wide else []),
                          lit(english.get(row.position, row.summary), style=style), key=str(row.position))
        self._selected = None
        if rows:
            self._show_detail(rows[0])
        else:
            self.query_one(EventDetail).clear()

    def _english(self, rows: list[Any]) -> dict[int, str]:
        """The page's summaries in English (the trail stores them in Chinese, for its
        text search): position -> summary; empty under Chinese."""
        if self.japp.lang != "en" or not rows:
            return {}
        events = self.japp.view.events_at([row.position for row in rows])
        return {pos: summary(event, lang="en") for pos, event in events.items()}

    # -- the detail pane ---------------------------------------------------------------
    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "au-table" and 0 <= event.cursor_row < len(self._rows):
            self._show_detail(self._rows[event.cursor_row])

    def _show_detail(self, row: Any) -> None:
        if self._selected == row.position:
            return
        self._selected = row.position
        self.query_one(EventDetail).show(row.position)

    # -- actions ---------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._cursors = [None]
        self.load_page()
        self.query_one("#au-table", DataTable).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.is_mounted and self._shown >= 0:
            self._cursors = [None]
            self.load_page()

    def action_focus_filters(self) -> None:
        self.query_one("#au-actor", Input).focus()

    def action_clear(self) -> None:
        for widget in self.query("#au-filters Input").results(Input):
            widget.value = ""
        for select in self.query("#au-filters Select").results(Select):
            if not select.disabled:
                select.clear()
        self._cursors = [None]
        self.load_page()

    def action_next_page(self) -> None:
        if len(self._rows) == PAGE:
            self._cursors.append(self._rows[-1].position)
            self.load_page()

    def action_prev_page(self) -> None:
        if len(self._cursors) > 1:
            self._cursors.pop()
            self.load_page()

    def action_toggle_raw(self) -> None:
        self.query_one(EventDetail).toggle_raw()

    def action_void(self) -> None:
        if self._selected is not None and self.japp.view.moment.now:
            self.japp.open_entry(kind="correct", position=self._selected)
