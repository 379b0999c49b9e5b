"""The as-of control: an effective date and a known-at time, or a quarter end in one key."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from domain.errors import JixiaoError
from domain.localtime import local
from domain.validate import parse_date, parse_moment
from tui.model import Moment, quarter_ends
from tui.screens.base import Host
from tui.widgets import LedgerInput


def parse_known_at(value: str) -> dt.datetime | None:
    """The known-at moment typed in the dialog (validate.parse_moment: Beijing time unless an
    offset is given; a bare date means the end of that day)."""
    return parse_moment("known-at", value)


class MomentScreen(ModalScreen[Moment | None]):
    BINDINGS: ClassVar = [("escape", "cancel", "")]

    def __init__(self, current: Moment, host: Host) -> None:
        super().__init__()
        self.current = current
        self.host = host

    def compose(self) -> ComposeResult:
        t = self.host.t
        plan = self.host.view.plan
        known = ""
        if self.current.known_at is not None:
            known = f"{local(self.current.known_at):%Y-%m-%d %H:%M}"
        with Vertical(id="moment-box"):
            yield Static(Text(t("moment.title"), style="bold"))
            yield Label(t("moment.as_of_label"))
            yield LedgerInput(value=self.current.as_of.isoformat() if self.current.as_of else "",
                              placeholder=t("moment.as_of_hint"), id="moment-as-of", compact=True)
            yield Label(t("moment.known_label"))
            yield LedgerInput(value=known, placeholder=t("moment.known_hint"), id="moment-known", compact=True)
            with Horizontal(id="moment-quarters"):
                yield Label(t("moment.quarters"))
                for i, end in enumerate(quarter_ends(plan.year) if plan else [], start=1):
                    yield Button(f"Q{i}", id=f"q-{end.isoformat()}", compact=True)
            yield Static(id="moment-error")
            with Horizontal(id="moment-buttons"):
                yield Button(t("moment.apply"), id="moment-apply", variant="primary", compact=True)
                yield Button(t("key.now"), id="moment-now", compact=True)
                yield Button(t("key.cancel"), id="moment-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#moment-as-of").focus()

    def on_input_submitted(self, event: LedgerInput.Submitted) -> None:
        event.stop()
        self.apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button.startswith("q-"):
            self.query_one("#moment-as-of", LedgerInput).value = button[2:]
            self.apply()
        elif button == "moment-apply":
            self.apply()
        elif button == "moment-now":
            self.dismiss(Moment())
        else:
            self.dismiss(None)

    def apply(self) -> None:
        error = self.query_one("#moment-error", Static)
        as_of_text = self.query_one("#moment-as-of", LedgerInput).value.strip()
        known_text = self.query_one("#moment-known", LedgerInput).value.strip()
        if not as_of_text and not known_text:
            # nothing typed is not "now": say what the dialog needs (now has its own button)
            error.update(Text(self.host.t("moment.empty"), style="yellow"))
            return
        try:
            as_of = parse_date("as-of", as_of_text or None)
            known = parse_known_at(known_text)
        except JixiaoError as exc:
            error.update(Text(exc.message(self.host.lang), style="red"))
            return
        self.dismiss(Moment(as_of, known))

    def action_cancel(self) -> None:
        self.dismiss(None)
