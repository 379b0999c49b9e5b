"""The terminal UI: one app over one open ledger, for one signed-in user.

The app is handed its ledger, actor and clock (tests pass a real ledger on a temporary
SQLite file and a fixed clock). It folds the log once, follows it live by polling the
log's top position, and redraws the screen in view when the ledger or the moment
viewed changes. Every action goes through the domain's commands.

The app is the screens' host (`tui.screens.base.Host`): it hands itself to each screen
it builds, and the screens read the ledger view and call back through that, never by
importing this module.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from rich.cells import cell_len
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import LoadingIndicator, ProgressBar, Static

from domain.commands import Ledger
from domain.errors import JixiaoError
from tui.i18n import label
from tui.integrity import verify_log
from tui.model import LedgerView, Moment, quarter_ends
from tui.outfile import Destination
from tui.screens import registry
from tui.screens.base import LedgerScreen
from tui.screens.moment import MomentScreen
from tui.seal_notice import supervisor_reminder

SCREENS = ("standings", "indicators", "work_ledger", "audit", "entry", "reports", "internal")

# exact 256-colour values, so a plain SSH client shows what a true-colour one does
THEME = Theme(
    name="jixiao",
    primary="#5f87af",
    secondary="#5f8787",
    accent="#d7af5f",
    foreground="#e4e4e4",
    background="#1c1c1c",
    surface="#262626",
    panel="#303030",
    warning="#d7af00",
    error="#d75f5f",
    success="#87af5f",
    dark=True,
)


class LoadingScreen(Screen):
    """While the ledger is folded: what is being done, and how far (a bar once the count is known)."""

    def compose(self) -> Any:
        yield Static(self.app.t("app.loading"), id="loading-text")  # type: ignore[attr-defined]
        yield ProgressBar(id="loading-bar", show_eta=False)
        yield LoadingIndicator()

    def on_screen_suspend(self) -> None:
        # out of sight for good once the ledger is shown: its animation would otherwise keep
        # waking an idle session sixteen times a second
        self.query(LoadingIndicator).remove()

    def advance(self, done: int, total: int) -> None:
        """`done` of `total` events folded."""
        self.query_one("#loading-text", Static).update(
            self.app.t("app.folding", done=done, total=total))  # type: ignore[attr-defined]
        self.query_one("#loading-bar", ProgressBar).update(total=max(total, 1), progress=done)


class JixiaoApp(App[int]):
    """绩效台账 in the terminal."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar = [Binding("ctrl+c", "quit", show=False, priority=True)]

    def __init__(self, ledger: Ledger, actor: str, *,
                 clock: Callable[[], dt.datetime] | None = None, lang: str = "zh",
                 poll_interval: float | None = 1.0, steady: bool = False,
                 exports: Destination | None = None) -> None:
        super().__init__()
        self.exports = exports or Destination(ledger.db)  # where the export dialog may write
        if clock is not None:
            ledger.clock = clock
        self.ledger = ledger
        self.lang = lang
        self.view = LedgerView(ledger, actor)
        self.poll_interval = poll_interval
        self.steady = steady  # tests and snapshots: no cursor blink, no timings on screen
        self.generation = 0
        self.loaded = False
        self.seal_notice: str | None = None  # to the supervisory group: a signed seal is due
        self.current_indicator: str | None = None
        self.entry_prefill: dict[str, Any] = {}
        self.title = label("app.title", lang)
        for number, name in enumerate(SCREENS, start=1):
            self.bind(str(number), f"goto('{name}')", description=self.t(f"screen.{name}"))
        self.bind("t", "time_travel", description=self.t("key.time_travel"))
        self.bind("n", "now", description=self.t("key.now"), show=False)
        self.bind("left_square_bracket", "quarter(-1)", description=self.t("key.prev_quarter"),
                  show=False)
        self.bind("right_square_bracket", "quarter(1)", description=self.t("key.next_quarter"),
                  show=False)
        self.bind("q", "quit", description=self.t("key.quit"))
        self._show_palette_key()

    def _show_palette_key(self) -> None:
        """Show the command palette's key in the footer, labelled in the user's language."""
        for key, bindings in self._bindings.key_to_bindings.items():
            self._bindings.key_to_bindings[key] = [
                dataclasses.replace(b, show=True, description=self.t("key.palette"))
                if b.action == "command_palette" else b for b in bindings]

    def fit_footer(self) -> None:
        """Keep every key of the footer in view: when the footer would not fit the terminal,
        the seven screen keys show as one ("1-7 页面"), the palette's key drops last."""
        full = {str(n): self.t(f"screen.{name}") for n, name in enumerate(SCREENS, start=1)}
        for level in range(3):
            self._screen_keys(full, level > 0)
            self._palette_key(level < 2)
            if self._footer_width() <= self.size.width - 1:
                break
        self.refresh_bindings()

    def _palette_key(self, show: bool) -> None:
        for key, bindings in self._bindings.key_to_bindings.items():
            self._bindings.key_to_bindings[key] = [
                dataclasses.replace(b, show=show) if b.action == "command_palette" else b for b in bindings]

    def _screen_keys(self, full: dict[str, str], compact: bool) -> None:
        for key, description in full.items():
            self._bindings.key_to_bindings[key] = [
                dataclasses.replace(b, show=not compact or key == "1",
                                    description=self.t("key.screens") if compact else description,
                                    key_display=f"1-{len(SCREENS)}" if compact and key == "1" else None)
                for b in self._bindings.key_to_bindings.get(key, [])]

    def _footer_width(self) -> int:
        """The columns the footer takes (each key: its key, a space, its words, a space)."""
        width = 0
        for active in self.screen.active_bindings.values():
            b = active.binding
            if b.show and active.enabled:
                width += cell_len(b.key_display or self.get_key_display(b)) + cell_len(b.description) + 2
        return width

    def on_resize(self) -> None:
        if self.loaded:
            self.fit_footer()

    def switch_mode(self, mode: str) -> Any:
        done = super().switch_mode(mode)
        self.call_after_refresh(self.fit_footer)  # each screen has keys of its own
        return done

    # -- labels ----------------------------------------------------------------------
    def t(self, key: str, **params: object) -> str:
        return label(key, self.lang, **params)

    def error_text(self, error: JixiaoError) -> str:
        return error.message(self.lang)

    # -- start -----------------------------------------------------------------------
    def on_mount(self) -> None:
        self.register_theme(THEME)
        self.theme = "jixiao"
        self.push_screen(LoadingScreen())
        self.run_worker(self._load, thread=True, exclusive=True, group="load")

    def _load(self) -> None:
        error: str | None = None
        told = [0.0]

        def progress(done: int, total: int) -> None:  # from the loading thread, a few times a second
            now = time.monotonic()
            if done in (0, total) or now - told[0] >= 0.1:
                told[0] = now
                self.call_from_thread(self._advance, done, total)

        try:
            self.view.load(progress)
            self.seal_notice = supervisor_reminder(self.ledger, self.view.actor, self.lang)
        except JixiaoError as exc:
            error = exc.message(self.lang)
            if any(p.code == "store.unknown_topic" for p in exc.problems):
                error = self.t("app.newer", detail=error)
        except Exception as exc:  # a damaged store: say so, do not show a traceback
            error = self.t("app.unopenable", detail=f"{type(exc).__name__}: {exc}")
        self.call_from_thread(self._loaded, error)

    def _advance(self, done: int, total: int) -> None:
        if isinstance(self.screen, LoadingScreen) and self.screen.is_mounted:
            self.screen.advance(done, total)

    def _loaded(self, error: str | None) -> None:
        if error is not None:
            self.exit(return_code=1, message=error)
            return
        if self.view.plan is None:
            self.exit(return_code=1, message=self.t("app.no_plan"))
            return
        if self.view.user is None:
            self.exit(return_code=1, message=self.t("app.no_user", user=self.view.actor))
            return
        self.loaded = True
        for name, factory in registry(self).items():
            self.add_mode(name, factory)
        self.switch_mode("standings")
        if self.poll_interval:
            self.set_interval(self.poll_interval, self.poll)
            # and at once when someone commits (PostgreSQL notifies; a SQLite file is watched)
            loop = asyncio.get_running_loop()
            self.view.follow(lambda: loop.call_soon_threadsafe(self.poll))
        # verifying the chain hashes the whole log in a child process: start it once the
        # first screen is up, so the two do not compete for the CPU
        self.set_timer(0.1 if self.steady else 1.5, lambda: self.run_worker(self._verify(), group="verify"))

    def on_unmount(self) -> None:
        self.view.stop_following()

    async def _verify(self) -> None:
        self.view.chain = await verify_log(self.view)
        self.changed()

    # -- following the log -----------------------------------------------------------
    def poll(self) -> int:
        """Fold what was recorded since (by anyone); redraw if anything was."""
        if not self.loaded:
            return 0
        try:
            n = self.view.poll()
        except Exception:  # a busy or briefly locked store: try again next tick
            return 0
        if n:
            self.changed()
        return n

    def changed(self) -> None:
        """The ledger or the moment changed: redraw what is shown, the rest on return."""
        self.generation += 1
        if isinstance(self.screen, LedgerScreen):
            self.screen.refresh_view()
        for screen in self.screen_stack:
            if isinstance(screen, LedgerScreen) and screen is not self.screen:
                screen._shown = -1

    def record(self, call: Callable[[Ledger], Any]) -> tuple[Any, int]:
        """Run a domain command as the signed-in user; the new event shows everywhere at once."""
        event = call(self.ledger)
        position = self.ledger.last_positions[-1] if self.ledger.last_positions else 0
        self.poll()
        return event, position

    # -- actions ---------------------------------------------------------------------
    def action_goto(self, name: str) -> None:
        if self.loaded and name in SCREENS:
            self.switch_mode(name)

    def open_work_ledger(self, indicator: str) -> None:
        self.current_indicator = indicator
        self.switch_mode("work_ledger")
        screen = self.screen
        if hasattr(screen, "refresh_view"):
            screen.refresh_view()

    def open_entry(self, **prefill: Any) -> None:
        self.entry_prefill = prefill
        self.switch_mode("entry")
        screen = self.screen
        # a form already built takes the values now; a new one takes them when it mounts
        if getattr(screen, "ready", False):
            screen.apply_prefill()  # type: ignore[attr-defined]

    def action_time_travel(self) -> None:
        if not self.loaded:
            return

        def chosen(moment: Moment | None) -> None:
            if moment is not None:
                self.set_moment(moment)

        self.push_screen(MomentScreen(self.view.moment, self), chosen)

    def action_now(self) -> None:
        if self.loaded and not self.view.moment.now:
            self.set_moment(Moment())

    def action_quarter(self, step: int) -> None:
        """Step the effective date quarter by quarter through the plan year."""
        plan = self.view.plan
        if not self.loaded or plan is None:
            return
        today = self.view.today()
        ends = [d for d in quarter_ends(plan.year) if d < today]
        current = self.view.moment.as_of or today
        if step < 0:
            earlier = [d for d in ends if d < current]
            if earlier:
                self.set_moment(Moment(earlier[-1], self.view.moment.known_at))
        else:
            later = [d for d in ends if d > current]
            if later:
                self.set_moment(Moment(later[0], self.view.moment.known_at))
            elif self.view.moment.known_at is None:
                self.set_moment(Moment())
            else:
                self.set_moment(Moment(None, self.view.moment.known_at))

    def set_moment(self, moment: Moment) -> None:
        if moment.known_at is not None and not self.view.knows(moment.known_at):
            # a known-at moment replays the log up to then: off the UI thread on a large log
            self.notify(self.t("moment.replaying"), timeout=3)
            self.run_worker(lambda: self._replay_then(moment), thread=True, exclusive=True, group="replay")
            return
        self.view.moment = moment
        self.changed()

    def _replay_then(self, moment: Moment) -> None:
        assert moment.known_at is not None
        self.view.prepare_known(moment.known_at)
        self.call_from_thread(self.set_moment, moment)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        if self.loaded:
            for name in SCREENS:
                title = self.t(f"screen.{name}")
                yield SystemCommand(title, self.t("palette.go", name=title),
                                    lambda n=name: self.action_goto(n))
            yield SystemCommand(self.t("key.time_travel"), self.t("palette.time_travel"),
                                self.action_time_travel)
            yield SystemCommand(self.t("key.now"), self.t("palette.now"), self.action_now)
        yield from super().get_system_commands(screen)
