"""总览: the unit's total and grade, categories against budget, sections, deadlines, integrity."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from projections.deadlines import DueItem, deadlines
from projections.describe import summary
from tui.describe import local_time
from tui.i18n import kind_label
from tui.integrity import integrity_status
from tui.screens.base import LedgerScreen
from tui.screens.standings_year import follow_up_panel, plan_status_text
from tui.widgets import bar, columns, lit, points, sparkline


def deadline_order(items: list[DueItem]) -> list[DueItem]:
    """Overdue first (longest late first), then due (soonest first), then filed (latest first)."""
    open_items = sorted((i for i in items if not i.complete), key=lambda i: (i.days >= 0, i.days, i.due))
    done = sorted((i for i in items if i.complete), key=lambda i: i.due, reverse=True)
    return open_items + done


class StandingsScreen(LedgerScreen):
    TITLE_KEY = "screen.standings"

    def body(self) -> ComposeResult:
        with VerticalScroll(id="standings"):
            yield Static(id="st-plan")
            yield Static(id="st-total")
            with Horizontal(id="st-panels"):
                with Vertical(id="st-left"):
                    yield Static(id="st-categories", classes="panel")
                    yield Static(id="st-deadlines", classes="panel")
                    yield Static(id="st-follow-ups", classes="panel")
                    yield Static(id="st-recent", classes="panel")
                with Vertical(id="st-right"):
                    yield Static(id="st-sections", classes="panel")
                    yield Static(id="st-deadlines", classes="panel")
                    yield Static(id="st-integrity", classes="panel")

    def on_mount(self) -> None:
        self.refresh_view()

    def on_resize(self) -> None:
        # the sections panel keeps room for its figures; the categories take the rest
        self.query_one("#st-right").styles.width = 44 if self.size.width >= 96 else 36
        if self._shown >= 0:
            self.show_view()

    def show_view(self) -> None:
        view = self.japp.view
        s = view.standings()
        if s is None:
            return
        t = self.t
        wide = self.size.width >= 96
        total = Text()
        total.append(f"{t('st.total')} ", style="bold")
        total.append(points(s.total), style="bold reverse")
        total.append(f"  {t('st.grade')} ", style="bold")
        total.append(s.grade, style="bold red" if s.veto else "bold")
        if s.veto:
            total.append(f"（{t('st.veto')}）" if self.japp.lang == "zh" else f" ({t('st.veto')})",
                         style="bold red")
        total.append(f"   {t('st.projected' if wide else 'col.projected')} {points(s.self_assessed.total)}"
                     f" {s.self_assessed.grade}")
        total.append(f"   {t('st.bonus')} +{points(s.bonus.applied)}/{points(s.bonus.cap)}")
        if s.bonus.raw > s.bonus.cap:
            total.append(t("st.capped", cut=points(s.bonus.raw - s.bonus.cap)), style="yellow")
        total.append(f"   {t('st.unit_deductions' if wide else 'col.deductions')} "
                     f"-{points(s.unit_deductions.applied)}"
                     f"/{points(s.unit_deductions.cap)}")
        if s.unit_deductions.raw > s.unit_deductions.cap:
            total.append(t("st.capped", cut=points(s.unit_deductions.raw - s.unit_deductions.cap)), style="yellow")
        self.query_one("#st-total", Static).update(total)

        # the quarterly trend costs a filter of the records per quarter: drawn right after
        # the first paint unless already known
        trend = view.trend() if view.trend_ready() else []
        if not view.trend_ready():
            self.call_after_refresh(self._draw_trend)
        left, right = self.inner_widths()
        rows: list[list[Text | str]] = []
        for cat in s.categories:
            series = [next((c.score for c in q.categories if c.id == cat.id), Decimal(0))
                      for _, q in trend]
            rows.append([lit(cat.name), f"{points(cat.score)}/{points(cat.points)}", None,  # type: ignore[list-item]
                         sparkline(series, cat.points)])
        name_w = max((Text(cat.name).cell_len for cat in s.categories), default=8)
        score_w = max((len(str(r[1])) for r in rows), default=5)
        bar_w = max(left - name_w - score_w - 4 - 3, 4)
        for row, cat in zip(rows, s.categories, strict=True):
            row[2] = bar(cat.score, cat.points, width=bar_w)
        body = columns(rows, [name_w, score_w, bar_w, 4], left, right=(1,))
        self.query_one("#st-categories", Static).update(
            Text(f"{t('st.categories')}  ·  {t('st.trend')} Q1–Q4\n", style="bold") + body)

        secs = [[lit(view.section_short(sec.id)),
                 f"{points(sec.score)}/{points(sec.points)}" if wide else points(sec.score),
                 f"{sec.rate}%", lit(sec.grade)] for sec in s.sections]
        score_w = max((len(str(r[1])) for r in secs), default=5)
        self.query_one("#st-sections", Static).update(
            Text(t("st.sections") + "\n", style="bold")
            + columns(secs, [None, score_w, 7, 4], right, right=(1, 2)))

        self.query_one("#st-deadlines", Static).update(self._deadlines(len(s.sections)))
        self.query_one("#st-follow-ups", Static).update(follow_up_panel(view, t, left))
        plan_fold = view.plan_fold()
        if plan_fold is not None:
            self.query_one("#st-plan", Static).update(plan_status_text(plan_fold.status, self.japp.lang, t))
        self.query_one("#st-recent", Static).update(self._recent())
        self.query_one("#st-integrity", Static).update(self._integrity())

    def inner_widths(self) -> tuple[int, int]:
        """The text widths inside the left and right panels (border and padding taken off)."""
        right = 44 if self.size.width >= 96 else 36
        return max(self.size.width - right - 4 - 1, 20), right - 4

    def _draw_trend(self) -> None:
        view = self.japp.view
        view.trend()
        if view.trend_ready() and self.is_mounted:
            self.show_view()

    def _deadlines(self, sections: int) -> Group:
        """Overdue items first (the longest late at the top), then those due (soonest first),
        then the filed ones (latest first), as many as the right column has rows for."""
        view = self.japp.view
        fold = view.fold()
        plan_fold = view.plan_fold()
        today = view.moment.as_of or view.today()
        items = deadlines(fold, plan_fold, today=today, section=view.section if view.section_only else "") \
            if plan_fold is not None else []
        rows: list[list[Text | str]] = []
        shown = deadline_order(items)[:self._deadline_rows(sections)]
        short = self.inner_widths()[1] < 40 and len({i.due.year for i in shown}) == 1  # MM-DD on a narrow one
        for item in shown:
            style = {"overdue": "bold red", "due": "yellow", "partial": "yellow", "filed_late": "yellow"}.get(
                item.status, "green")
            if item.complete:
                when = self.t(f"dl.{item.status}")
            elif item.days < 0:
                when = self.t("dl.late_days", n=-item.days)
            else:
                when = self.t("st.days_left", n=item.days) if item.days > 0 else self.t("st.today")
            due = item.due.isoformat()[5:] if short else item.due.isoformat()
            rows.append([due, lit(item.label), Text(when, style=style)])
        date_w = max((len(str(r[0])) for r in rows), default=5)
        when_w = max((r[2].cell_len for r in rows if isinstance(r[2], Text)), default=4)
        body = columns(rows, [date_w, None, when_w], self.inner_widths()[1]) if rows else \
            Text(self.t("st.no_deadlines"), style="dim")
        return Group(Text(self.t("st.deadlines"), style="bold"), body)

    def _deadline_rows(self, sections: int) -> int:
        """The rows the right column has free below the sections and above the integrity panel."""
        banner = 0 if self.japp.view.moment.now else 1
        used = 3 + banner + (sections + 3) + 5 + 3  # header, total, footer; the panels with borders
        return max(3, self.size.height - used)

    def _recent(self) -> Group:
        """The latest events recorded (by anyone): live updates show here first."""
        view = self.japp.view
        top = view.position if view.moment.now else view.fold().position
        wide = self.size.width >= 96
        rows: list[list[Text | str]] = []
        # read back a few at a time: in the past, or for one section, matches are sparser
        position, step = top, 8
        while len(rows) < 6 and position > 0 and top - position < 400:
            chunk = list(range(max(1, position - step + 1), position + 1))
            events = view.events_at(chunk)
            for pos in reversed(chunk):
                event = events.get(pos)
                if event is None or len(rows) >= 6:
                    continue
                if view.moment.known_at and event.timestamp > view.moment.known_at:
                    continue
                if view.moment.as_of and event.effective > view.moment.as_of:
                    continue
                if view.section_only and not self._mine(event):
                    continue
                said, label = summary(event, lang=self.japp.lang), kind_label(event.kind, self.japp.lang)
                # "定档 一档，得 1.00 分" says its kind already: not "定档 定档 一档…"
                what = lit(said) if said.startswith(label) else Text(label + " ") + lit(said)
                rows.append([Text(f"#{pos}", style="dim"), local_time(event.timestamp)[5:],
                             lit(view.person_name(event.actor)), what] if wide else
                            [Text(f"#{pos}", style="dim"), lit(view.person_name(event.actor)), what])
            position = chunk[0] - 1
            step = min(step * 2, 64)
        pos_w = max((r[0].cell_len for r in rows if isinstance(r[0], Text)), default=5)
        widths: list[int | None] = [pos_w, 11, 6, None] if wide else [pos_w, 6, None]
        grid = columns(rows, widths, self.inner_widths()[0])
        return Group(Text(self.t("st.recent"), style="bold"), grid)

    def _mine(self, event: object) -> bool:
        view = self.japp.view
        indicator = getattr(event, "indicator_id", "")
        s = view.standings(view.moment.__class__())
        section = getattr(event, "section", "") or next(
            (i.section for i in (s.indicators if s else []) if i.id == indicator), "")
        return section == view.section

    def _integrity(self) -> Group:
        status, text = integrity_status(self.japp.view, self.japp.lang)
        style = {"ok": "green", "bad": "bold red"}.get(status, "dim")
        lines = [Text(self.t("st.integrity"), style="bold"), Text(text, style=style)]
        if self.japp.seal_notice:
            lines.append(Text(self.japp.seal_notice, style="bold yellow"))
        return Group(*lines)
