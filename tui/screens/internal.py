"""内部考评: sections ranked and graded, staff rated, the bonus split to the fen.

The leadership group and its office enter ratings here: each change is dry-run through
the domain command (nothing stored) and the allocation it would give is shown beside
the current one; "rate" records it, "approve & lock" fixes the results. Everyone else
sees the results read-only. Nothing is computed here: the figures come from
`projections.internal`.
"""

from __future__ import annotations

from typing import Any

import msgspec
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Select, Static

from domain import events as ev
from domain.command_schemas_internal import RateSection, RateStaff
from domain.errors import JixiaoError
from domain.schema import Command, parse
from projections.internal import (
    InternalFold,
    InternalResults,
    SectionRating,
    StaffRating,
    evaluation,
    results_for,
    with_rating,
    yuan,
)
from tui.entry_kinds import dry_run
from tui.reports.internal import lock_now
from tui.screens.base import Host, LedgerScreen
from tui.widgets import LedgerInput, LedgerSelect, lit, points

LABELLED = frozenset({"person", "score", "grade", "category", "section"})
SECTION = "section:"  # the value of a section among the people one can rate


def money(fen: int) -> str:
    return f"{yuan(fen):,.2f}"


class InternalScreen(LedgerScreen):
    TITLE_KEY = "screen.internal"

    DEFAULT_CSS = """
    #in-main { height: 1fr; }
    #in-left { width: 1fr; }
    #in-right { width: 30; padding: 0 1; }
    #in-right Select, #in-right Input { width: 100%; margin: 0 0 1 0; }
    #in-message { height: auto; margin: 0 0 1 0; }
    #in-buttons { height: 1; }
    #in-buttons Button { width: auto; min-width: 8; margin: 0 1 0 0; }
    """

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.fold = InternalFold()
        self.preview: InternalResults | None = None
        self.shown: InternalResults | None = None
        self._timer: Any = None
        self._grades: list[tuple[str, str]] = []

    def keys(self) -> list[tuple[str, str, str, bool]]:
        return [("ctrl+s", "rate", "in.do_rate", True)]

    def body(self) -> ComposeResult:
        with Horizontal(id="in-main"):
            with VerticalScroll(id="in-left"):
                yield Static(id="in-summary")
                yield Static(id="in-sections", classes="panel")
                yield Static(id="in-staff", classes="panel")
            with Vertical(id="in-right"):
                yield LedgerSelect([], id="in-person", prompt=self.t("in.person"), compact=True)
                yield LedgerInput(id="in-score", placeholder=self.t("in.score_hint"), compact=True)
                yield LedgerSelect([], id="in-grade", prompt=self.t("in.grade_hint"), compact=True)
                yield LedgerInput(id="in-category", placeholder=self.t("in.category_hint"), compact=True)
                yield LedgerInput(id="in-reason", placeholder=self.t("in.reason_hint"), compact=True)
                yield Static(id="in-message")
                with Horizontal(id="in-buttons"):
                    yield Button(self.t("in.do_rate"), id="in-rate", variant="primary", disabled=True,
                                 compact=True)
                    yield Button(self.t("in.do_lock"), id="in-lock", variant="warning", compact=True)

    def on_mount(self) -> None:
        view = self.japp.view
        lang = self.japp.lang
        plan = view.plan
        sections = [(f"{self.t('in.section')}：{s.name}", f"{SECTION}{s.id}") for s in (plan.sections if plan else [])]
        self.query_one("#in-person", Select).set_options(
            [*[(f"{u.name}（{u.id}）" if lang == "zh" else f"{u.name} ({u.id})", u.id)
               for u in view.live.users.values()], *sections])
        self.refresh_view()

    # -- what is shown -------------------------------------------------------------------
    @property
    def editable(self) -> bool:
        view = self.japp.view
        return (view.can("internal_evaluation") and view.moment.now
                and not (self.shown is not None and self.shown.locked))

    def results(self, rating: StaffRating | SectionRating | None = None) -> InternalResults | None:
        """The results at the moment viewed; with `rating`, as they would be with it (now)."""
        view = self.japp.view
        self.fold.catch_up(view.log)
        year = view.fold()
        plan_fold = year.plan_fold()
        if plan_fold is None:
            return None
        state = None
        if isinstance(rating, StaffRating):
            state = with_rating(evaluation(self.fold, plan_fold.plan_id, year.clocks), rating)
        elif isinstance(rating, SectionRating):
            state = evaluation(self.fold, plan_fold.plan_id, year.clocks)
            state = msgspec.structs.replace(state, sections={**state.sections, rating.section: rating})
        return results_for(year, self.fold, today=view.today(), read=view.reader(), state=state,
                           plan_fold=plan_fold)

    def show_view(self) -> None:
        self.shown = self.results()
        r = self.shown
        if r is None:
            return
        method = r.method
        view = self.japp.view
        grades = [(g.name, g.name) for g in method.ladder()]
        if grades != self._grades:  # only when the method changed: keep what is being entered
            self._grades = grades
            self.query_one("#in-grade", Select).set_options(grades)
        summary = Text()
        summary.append(f"{self.t('in.pool')} ", style="bold")
        summary.append(money(r.pool_fen) if r.pool_fen is not None else self.t("in.no_pool"), style="bold")
        summary.append(f"   {self.t('in.differentiated', share=f'{method.share:%}')} {money(r.differentiated_fen)}"
                       f"   {self.t('in.base')} {money(r.base_fen)}   ")
        if r.locked:
            summary.append(self.t("in.locked", position=r.lock_position), style="bold green")
        else:
            summary.append(self.t("in.preview_state"), style="yellow")
        if not view.can("internal_evaluation"):
            summary.append("\n" + self.t("in.read_only"), style="dim")
        elif not view.moment.now:
            summary.append("\n" + self.t("in.time_travel"), style="yellow")
        self.query_one("#in-summary", Static).update(summary)
        self.query_one("#in-sections", Static).update(self._sections(r, self.preview))
        self.query_one("#in-staff", Static).update(self._staff(r, self.preview))
        right = self.query_one("#in-right")
        right.display = view.can("internal_evaluation")
        for widget in right.query("Select, Input"):
            widget.disabled = not self.editable
        self.query_one("#in-lock", Button).disabled = not self.editable or not r.staff or r.pool_fen is None
        if not self.editable:
            self.query_one("#in-rate", Button).disabled = True

    def _sections(self, r: InternalResults, preview: InternalResults | None = None) -> Group:
        t = self.t
        table = Table(box=None, padding=(0, 1), show_edge=False)
        for key, justify in (("in.rank", "right"), ("in.section", "left"), ("in.rate", "right"),
                             ("in.rating", "right"), ("in.score", "right"), ("in.grade", "left")):
            table.add_column(t(key), justify=justify)  # type: ignore[arg-type]
        vetoes = []
        before = {s.id: s for s in r.sections}
        for s in (preview or r).sections:
            was = before.get(s.id)
            grade = lit(s.grade, "bold red" if s.veto else "")
            if s.veto:
                grade.append(f"（{t('in.veto')}）", style="red")
                vetoes.append(lit(f"{t('in.veto')} · {s.name}：{s.veto_note or '—'}", "red"))
            score = Text(points(s.score))
            if preview is not None and was is not None and was.score != s.score:
                score = Text(f"{points(was.score)} → {points(s.score)}", style="yellow")
            table.add_row(str(s.rank), lit(s.name), points(s.rate),
                          points(s.rating) if s.rating is not None else "—", score, grade)
        return Group(Text(t("in.sections"), style="bold"), table, *vetoes)

    def _staff(self, r: InternalResults, preview: InternalResults | None) -> Group:
        t = self.t
        table = Table(box=None, padding=(0, 1), show_edge=False)
        for key, justify in (("in.rank", "right"), ("in.name", "left"), ("in.category", "left"),
                             ("in.score", "right"), ("in.grade", "left"), ("in.base_fen", "right"),
                             ("in.diff_fen", "right"), ("in.total_fen", "right")):
            table.add_column(t(key), justify=justify)  # type: ignore[arg-type]
        rows = preview.staff if preview is not None else r.staff
        before = {p.person: p for p in r.staff}
        for p in rows:
            was = before.get(p.person)
            total = Text(money(p.total_fen))
            if preview is not None and (was is None or was.total_fen != p.total_fen):
                total = Text(f"{money(was.total_fen) if was else '—'} → {money(p.total_fen)}", style="yellow")
            table.add_row(str(p.rank), lit(p.name), lit(p.category),
                          points(p.score) if p.score is not None else "—", lit(p.grade),
                          money(p.base_fen), money(p.differentiated_fen), total)
        shown = preview or r
        total_fen = sum(p.total_fen for p in shown.staff)
        footer = Text(t("in.sum", total=money(total_fen), pool=money(shown.pool_fen or 0)), style="dim")
        if not shown.staff:
            footer = Text(t("in.nobody"), style="dim")
        return Group(Text(t("in.staff"), style="bold"), table, footer)

    # -- entering a rating ---------------------------------------------------------------
    def values(self) -> dict[str, str]:
        person = self.query_one("#in-person", Select).value
        grade = self.query_one("#in-grade", Select).value
        return {"person": "" if person is Select.NULL else str(person),
                "score": self.query_one("#in-score", LedgerInput).value.strip(),
                "grade": "" if grade is Select.NULL else str(grade),
                "category": self.query_one("#in-category", LedgerInput).value.strip(),
                "reason": self.query_one("#in-reason", LedgerInput).value}

    def _rate(self, ledger: Any, values: dict[str, str]) -> ev.Event:
        """The entry parsed by the same schema as `jixiao internal rate|rate-section`."""
        def label(name: str) -> str:
            return self.t(f"in.{name}") if name in LABELLED else self.t(f"f.{name}")

        if values["person"].startswith(SECTION):
            command: Command = parse(RateSection, {"section": values["person"].removeprefix(SECTION),
                                                   "score": values["score"], "reason": values["reason"]},
                                     label=label)
        else:
            command = parse(RateStaff, {k: values[k] for k in ("person", "score", "grade", "category", "reason")},
                            label=label)
        return command.call(ledger, self.japp.view.actor, source="tui", label=label)

    def on_input_changed(self) -> None:
        self.schedule_check()

    def on_select_changed(self) -> None:
        self.schedule_check()

    def schedule_check(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.15, self.check)

    def check(self) -> StaffRating | SectionRating | None:
        """Dry-run the rating; show the allocation it would give, or why it is refused."""
        message = self.query_one("#in-message", Static)
        button = self.query_one("#in-rate", Button)
        values = self.values()
        self.preview = None
        if not self.editable or not values["person"]:
            button.disabled = True
            if self.shown is not None:
                self.query_one("#in-staff", Static).update(self._staff(self.shown, None))
                self.query_one("#in-sections", Static).update(self._sections(self.shown))
            return None
        try:
            events = self._rate(dry_run(self.japp.ledger), values)
        except JixiaoError as exc:
            message.update(Text(exc.message(self.japp.lang), style="red"))
            button.disabled = True
            return None
        event = events[0] if isinstance(events, list) else events
        if isinstance(event, ev.SectionRated):
            return self._preview_section(event)
        assert isinstance(event, ev.StaffRated)
        rating = StaffRating(person=event.person, category=event.category, section=event.section,
                             score=event.score, grade=event.grade, rater=event.rater, reason=event.reason,
                             actor=event.actor, effective=event.effective, position=0)
        self.preview = self.results(rating)
        if self.shown is not None:
            self.query_one("#in-staff", Static).update(self._staff(self.shown, self.preview))
        after = next((p for p in self.preview.staff if p.person == event.person), None) if self.preview else None
        before = next((p for p in self.shown.staff if p.person == event.person), None) if self.shown else None
        message.update(Text(self.t("in.preview_ok", name=after.name if after else event.person,
                                   before=money(before.total_fen) if before else "—",
                                   after=money(after.total_fen) if after else "—"), style="green"))
        button.disabled = False
        return rating

    def _preview_section(self, event: ev.SectionRated) -> SectionRating:
        rating = SectionRating(section=event.section, score=event.score, rater=event.rater, reason=event.reason,
                               position=0)
        self.preview = self.results(rating)
        if self.shown is None or self.preview is None:
            return rating
        self.query_one("#in-sections", Static).update(self._sections(self.shown, self.preview))
        self.query_one("#in-staff", Static).update(self._staff(self.shown, None))
        before = next(s for s in self.shown.sections if s.id == event.section)
        after = next(s for s in self.preview.sections if s.id == event.section)
        self.query_one("#in-message", Static).update(Text(self.t(
            "in.preview_ok", name=after.name, before=f"{points(before.score)} {before.grade}",
            after=f"{points(after.score)} {after.grade}"), style="green"))
        self.query_one("#in-rate", Button).disabled = False
        return rating

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "in-rate":
            self.action_rate()
        elif event.button.id == "in-lock":
            self.action_lock()

    def action_rate(self) -> None:
        if self.check() is None:
            return
        values = self.values()
        self._do(lambda ledger: self._rate(ledger, values))
        for name in ("#in-score", "#in-reason"):
            self.query_one(name, LedgerInput).value = ""

    def action_lock(self) -> None:
        if not self.editable or self.shown is None:
            return

        shown = self.shown
        reason = self.values()["reason"]
        self._do(lambda ledger: lock_now(ledger, self.japp.view.actor, reason=reason, source="tui",
                                         results=shown))

    def _do(self, call: Any) -> None:
        message = self.query_one("#in-message", Static)
        try:
            _, position = self.japp.record(call)
        except JixiaoError as exc:
            message.update(Text(exc.message(self.japp.lang), style="red"))
            return
        self.preview = None
        self.refresh_view()
        message.update(Text(self.t("in.recorded", position=position), style="green"))
