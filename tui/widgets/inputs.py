"""Inputs of the forms and dialogs."""

from __future__ import annotations

from textual.widgets import Input


class LedgerInput(Input):
    """An input whose cursor does not blink in a steady app (tests and snapshots)."""

    def on_mount(self) -> None:
        if getattr(self.app, "steady", False):
            self.cursor_blink = False
