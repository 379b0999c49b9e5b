"""The app's screens, one module each; `registry(host)` names them for the app's modes.

Lazy loading, the one rule: a screen's module is imported when the screen is first
shown, never at start-up (the first screen must not wait for the other six and the
projections they read). That, and the command line's start-up (tui/cli/main.py), are
the only places an import is written inside a function; tests/test_architecture.py
keeps the list.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from tui.screens.base import Host

_SCREENS = {
    "standings": ("tui.screens.standings", "StandingsScreen"),
    "indicators": ("tui.screens.indicators", "IndicatorsScreen"),
    "work_ledger": ("tui.screens.work_ledger", "WorkLedgerScreen"),
    "audit": ("tui.screens.audit", "AuditScreen"),
    "entry": ("tui.screens.entry", "EntryScreen"),
    "reports": ("tui.screens.reports", "ReportsScreen"),
    "internal": ("tui.screens.internal", "InternalScreen"),
}


def _factory(host: Host, module: str, name: str) -> Callable[[], Screen]:
    """Builds the screen on `host`, importing its module only when the screen is first shown."""

    def build() -> Screen:
        return getattr(importlib.import_module(module), name)(host)

    return build


def registry(host: Host) -> dict[str, Callable[[], Screen]]:
    return {mode: _factory(host, module, name) for mode, (module, name) in _SCREENS.items()}
