"""The frame every screen shares: identity header, as-of banner, body, key footer.

A screen is handed its host (`Host`: the app, or anything with the same few members) and
reads everything it shows through it: the ledger view, the language, the callbacks that
record an event or move to another screen. No screen imports the app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Protocol

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer

from domain.commands import Ledger
from tui.entry_kinds import offered
from tui.model import LedgerView
from tui.widgets.banners import IdentityBar, MomentBanner


class Host(Protocol):
    """What the screens need of the app that shows them."""

    ledger: Ledger
    view: LedgerView  # the ledger as shown: the live fold, the moment viewed, the user
    lang: str
    steady: bool  # tests and snapshots: no cursor blink, no timings on screen
    generation: int  # bumped each time the ledger or the moment changes
    current_indicator: str | None  # the work ledger's indicator
    entry_prefill: dict[str, Any]  # values the entry form takes when it opens
    seal_notice: str | None  # to the supervisory group: a signed seal is due

    def t(self, key: str, **params: object) -> str:
        """A label in the user's language."""
        ...

    def record(self, call: Callable[[Ledger], Any]) -> tuple[Any, int]:
        """Run a domain command as the signed-in user: (its event, its position)."""
        ...

    def action_goto(self, name: str) -> None: ...

    def open_work_ledger(self, indicator: str) -> None: ...

    def open_entry(self, **prefill: Any) -> None: ...


class LedgerScreen(Screen):
    """A screen of the app: redraws from the ledger view when the ledger or moment changes."""

    TITLE_KEY: ClassVar[str] = ""

    def __init__(self, host: Host) -> None:
        super().__init__()
        self.japp = host
        self._shown = -1
        for keys, action, key, show in self.keys():
            self._bindings.bind(keys, action, self.t(key), show=show)

    def keys(self) -> list[tuple[str, str, str, bool]]:
        """(keys, action, label key, shown in the footer) of this screen's own keys."""
        return []

    def t(self, key: str, **params: object) -> str:
        return self.japp.t(key, **params)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys for what the signed-in user's roles cannot do are not offered at all."""
        if action in ("record", "void"):
            kinds = {k.name for k in offered(self.japp.view)}
            return ("correct" in kinds) if action == "void" else bool(kinds)
        return True

    def compose(self) -> ComposeResult:
        with Vertical(id="top"):
            yield IdentityBar()
            yield MomentBanner()
        yield from self.body()
        yield Footer(compact=True, show_command_palette=False)

    def body(self) -> ComposeResult:
        yield from ()

    def on_screen_resume(self) -> None:
        if self._shown != self.japp.generation:
            self.refresh_view()

    def refresh_view(self) -> None:
        """Redraw the frame and the body for the current ledger position and moment."""
        if not self.is_mounted:
            return
        self._shown = self.japp.generation
        self.query_one(IdentityBar).render_bar(self.japp.view, self.japp.lang)
        self.query_one(MomentBanner).render_banner(self.japp.view.moment, self.japp.lang)
        self.show_view()

    def show_view(self) -> None:
        """Redraw the body (each screen)."""
