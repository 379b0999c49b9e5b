"""The app's screens, one module each; `registry()` names them for the app's modes."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from textual.screen import Screen

_SCREENS = {
    "standings": ("tui.screens.standings", "StandingsScreen"),
    "indicators": ("tui.screens.indicators", "IndicatorsScreen"),
    "work_ledger": ("tui.screens.work_ledger", "WorkLedgerScreen"),
    "audit": ("tui.screens.audit", "AuditScreen"),
    "entry": ("tui.screens.entry", "EntryScreen"),
    "reports": ("tui.screens.reports", "ReportsScreen"),
    "internal": ("tui.screens.internal", "InternalScreen"),
}


def _factory(module: str, name: str) -> Callable[[], Screen]:
    """Builds the screen, importing its module only when the screen is first shown."""

    def build() -> Screen:
        return getattr(importlib.import_module(module), name)()

    return build


def registry() -> dict[str, Callable[[], Screen]]:
    return {mode: _factory(module, name) for mode, (module, name) in _SCREENS.items()}
