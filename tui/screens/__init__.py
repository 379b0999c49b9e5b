"""The app's screens, one module each; `registry()` names them for the app's modes."""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen


def registry() -> dict[str, Callable[[], Screen]]:
    from tui.screens.audit import AuditScreen
    from tui.screens.entry import EntryScreen
    from tui.screens.indicators import IndicatorsScreen
    from tui.screens.internal import InternalScreen
    from tui.screens.reports import ReportsScreen
    from tui.screens.standings import StandingsScreen
    from tui.screens.work_ledger import WorkLedgerScreen

    return {"standings": StandingsScreen, "indicators": IndicatorsScreen,
            "work_ledger": WorkLedgerScreen, "audit": AuditScreen, "entry": EntryScreen,
            "reports": ReportsScreen, "internal": InternalScreen}
