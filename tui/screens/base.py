"""The frame every screen shares: identity header, as-of banner, body, key footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer

from tui.widgets import IdentityBar, MomentBanner

if TYPE_CHECKING:
    from tui.app import JixiaoApp


class LedgerScreen(Screen):
    """A screen of the app: redraws from the ledger view when the ledger or moment changes."""

    TITLE_KEY: ClassVar[str] = ""

    def __init__(self) -> None:
        super().__init__()
        self._shown = -1
        for keys, action, key, show in self.keys():
            self._bindings.bind(keys, action, self.t(key), show=show)

    def keys(self) -> list[tuple[str, str, str, bool]]:
        """(keys, action, label key, shown in the footer) of this screen's own keys."""
        return []

    @property
    def japp(self) -> JixiaoApp:
        return self.app  # type: ignore[return-value]

    def t(self, key: str, **params: object) -> str:
        return self.japp.t(key, **params)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys for what the signed-in user's roles cannot do are not offered at all."""
        if action in ("record", "void"):
            from tui.entry_kinds import offered

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
        self.query_one(IdentityBar).render_bar()
        self.query_one(MomentBanner).render_banner()
        self.show_view()

    def show_view(self) -> None:
        """Redraw the body (each screen)."""
