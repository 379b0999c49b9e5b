"""One event read in full: in words (or as stored, `r`), its void chain, and what it
changed in the score before -> after. The audit trail shows it beside its table; the work
ledger opens it over the screen (Enter on a row), so no row has to be read cut short."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from domain import events as ev
from domain.events import SCORE_KINDS
from projections.describe import summary
from projections.effect import effect
from projections.void_chain import VoidChain, void_chain
from tui.describe import local_time, raw, words
from tui.i18n import kind_label
from tui.screens.base import Host
from tui.widgets import lit, points


class EventDetail(VerticalScroll):
    """The detail of the event at a position: its words, its void chain, its effect."""

    def __init__(self, host: Host, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.japp = host
        self.position: int | None = None
        self.raw = False  # the stored payload instead of words

    def compose(self) -> ComposeResult:
        yield Static(Text(self.japp.t("au.select"), style="dim"), id="au-detail-text")
        yield Static(id="au-effect")

    def clear(self) -> None:
        self.position = None
        self.query_one("#au-detail-text", Static).update(Text(self.japp.t("au.select"), style="dim"))
        self.query_one("#au-effect", Static).update("")

    def show(self, position: int) -> None:
        self.position = position
        view = self.japp.view
        event = view.events_at([position]).get(position)
        if event is None:
            return
        lang = self.japp.lang
        text = raw(event, position, lang) if self.raw else words(event, position, lang, view)
        chain = void_chain(view.live, event, records=view.plan_fold())
        if chain is not None:
            text.append_text(self._chain(chain))
        self.query_one("#au-detail-text", Static).update(text)
        if event.kind not in SCORE_KINDS:  # it changes no score: said at once, no worker
            self._effect_ready(position, None)
            return
        self.query_one("#au-effect", Static).update(Text(self.japp.t("au.effect_pending"), style="dim"))
        # once the pane is drawn: the worker would otherwise take turns with the drawing
        self.call_after_refresh(self._start_effect, position, event)

    def _chain(self, chain: VoidChain) -> Text:
        """The void chain in words: voided by whom, when and why; what a correction voids and
        which entry is in force after it."""
        t, view, lang = self.japp.t, self.japp.view, self.japp.lang
        wanted = [p for p in (chain.voided_by, chain.voids, chain.in_force) if p is not None]
        events = view.events_at(wanted) if wanted else {}
        text = Text()
        gap = " " if lang == "en" else ""

        def said(position: int) -> str:
            event = events.get(position)
            return gap + summary(event, lang=lang) if event is not None else ""

        if chain.voided_by is not None:
            fix = events.get(chain.voided_by)
            who = view.person_name(fix.actor) if fix is not None else ""
            when = local_time(fix.timestamp) if fix is not None else ""
            text.append(t("ch.voided_by", position=chain.voided_by, who=who, when=when) + "\n", style="bold yellow")
            if fix is not None and fix.reason:
                text.append_text(lit(fix.reason, "yellow"))
                text.append("\n")
        if chain.voids is not None:
            text.append(t("ch.voids", position=chain.voids, kind=kind_label(chain.voids_kind, lang)),
                        style="bold yellow")
            text.append_text(lit(said(chain.voids)))
            text.append("\n")
        if chain.in_force_kind:
            kind = kind_label(chain.in_force_kind, lang)
            if chain.in_force is None:
                text.append(t("ch.none_in_force", kind=kind) + "\n", style="yellow")
            else:
                text.append(t("ch.in_force", kind=kind, position=chain.in_force), style="yellow")
                text.append_text(lit(said(chain.in_force)))
                text.append("\n")
        return text

    def _start_effect(self, position: int, event: ev.Event) -> None:
        if position == self.position and self.is_mounted:
            self.compute_effect(position, event)

    @work(thread=True, exclusive=True, group="effect")
    def compute_effect(self, position: int, event: ev.Event) -> None:
        view = self.japp.view
        result = effect(view.live, position, event, today=view.today())
        self.app.call_from_thread(self._effect_ready, position, result)

    def _effect_ready(self, position: int, result: Any) -> None:
        if position != self.position or not self.is_mounted:
            return
        t = self.japp.t
        text = Text(f"{t('au.effect')}\n", style="bold")
        if result is None:
            text.append(t("au.effect_none"), style="dim")
        else:
            if result.indicator:
                text.append(t("au.effect_indicator", id=result.indicator,
                              before=points(result.indicator_before),
                              after=points(result.indicator_after)) + "\n")
            text.append(t("au.effect_unit", before=points(result.total_before),
                          after=points(result.total_after)))
            if result.grade_before != result.grade_after:
                text.append(f"（{result.grade_before} → {result.grade_after}）")
        self.query_one("#au-effect", Static).update(text)

    def toggle_raw(self) -> None:
        self.raw = not self.raw
        if self.position is not None:
            self.show(self.position)


class EventScreen(ModalScreen[None]):
    """An event of the work ledger in full, over the screen; Esc closes it."""

    BINDINGS: ClassVar = [("escape", "close", ""), ("r", "toggle_raw", "")]

    def __init__(self, host: Host, position: int) -> None:
        super().__init__()
        self.japp = host
        self.position = position

    def compose(self) -> ComposeResult:
        yield EventDetail(self.japp, id="event-box")

    def on_mount(self) -> None:
        detail = self.query_one(EventDetail)
        detail.border_title = self.japp.t("au.detail")
        detail.border_subtitle = self.japp.t("ch.keys")
        detail.show(self.position)
        detail.focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_toggle_raw(self) -> None:
        self.query_one(EventDetail).toggle_raw()
