"""Inputs of the forms and dialogs.

A field that has focus keeps every printable key: typed into an input it is text, typed
on a closed dropdown it opens the list and jumps to the first option that matches, so a
digit never reaches the screen keys (1-7 switch screens) while a field is being filled.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, TypeVar

from rich.cells import cell_len
from textual import events
from textual.widgets import Input, Select

T = TypeVar("T", bound=Hashable)


class LedgerInput(Input):
    """An input whose cursor does not blink in a steady app (tests and snapshots)."""

    def on_mount(self) -> None:
        if getattr(self.app, "steady", False):
            self.cursor_blink = False


class LedgerSelect(Select[T]):
    """A dropdown that keeps printable keys (typing opens the list and searches it) and
    whose list is as wide as its longest label, however narrow the closed dropdown is."""

    def __init__(self, options: Iterable[tuple[Any, T]], **kwargs: Any) -> None:
        options = list(options)
        self._widest = option_width(options)
        super().__init__(options, **kwargs)

    def on_mount(self) -> None:
        self._fit_list()

    def set_options(self, options: Iterable[tuple[Any, T]]) -> None:
        options = list(options)
        self._widest = option_width(options)
        super().set_options(options)
        self._fit_list()

    def _fit_list(self) -> None:
        for overlay in self.query("SelectOverlay"):  # none yet before the dropdown is composed
            # the label, its padding, the scroll bar and the border
            overlay.styles.min_width = self._widest + 6

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return character is not None and character.isprintable()

    async def _on_key(self, event: events.Key) -> None:
        if event.character is None or not event.is_printable or event.key == "space":
            return
        event.stop()
        event.prevent_default()
        overlay = self.query_one("SelectOverlay")
        if not self.expanded:
            self.action_show_overlay()
        # the list searches what is typed (its own type-to-search), from the first key on
        overlay.post_message(events.Key(event.key, event.character))


def option_width(options: Iterable[tuple[Any, Any]]) -> int:
    """The cells the longest label of a dropdown's options takes (for its list's width)."""
    widest = 0
    for prompt, _ in options:
        text = prompt.plain if hasattr(prompt, "plain") else str(prompt)
        widest = max(widest, cell_len(text))
    return widest
