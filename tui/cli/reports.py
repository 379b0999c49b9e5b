"""What `jixiao report` shows on the terminal besides the report: a progress bar while the
audit trail catches up, and the line that says a report was filed."""

from __future__ import annotations

import sys
from typing import Any

from domain.controls import shown
from projections.describe import report_label
from tui.i18n import kind_label, label, role_label


def progress_refresh(trail: Any, ledger: Any, behind: int) -> None:
    """Bring the audit table up to date; a bar on standard error when that takes a while."""
    if behind < 50_000 or not sys.stderr.isatty():
        trail.refresh(ledger.store.log)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("更新审计记录"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("audit", total=behind)
        trail.refresh(ledger.store.log, progress=lambda n: bar.update(task, completed=n))


def print_filed(ledger: Any, event: Any, lang: str = "zh") -> None:
    """#51 报送报表 · 2021年第三季度季度报表 center · 陈文才（股室负责人）· sha256 …"""
    position = ledger.last_positions[-1] if ledger.last_positions else 0
    user = ledger.directory().users.get(event.actor)
    print(shown(label("cli.filed", lang, position=position, kind=kind_label(event.kind, lang),
                      report=report_label(event.report, event.period, lang),
                      where=event.section or label("cli.whole_unit", lang),
                      name=user.name if user is not None and user.name else event.actor,
                      role=role_label(event.role, lang), digest=event.digest)))
