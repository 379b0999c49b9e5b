"""What `jixiao report` shows on the terminal besides the report: a progress bar while the
audit trail catches up, and the line that says a report was filed."""

from __future__ import annotations

import sys
from typing import Any

from projections.describe import report_label


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


def print_filed(ledger: Any, event: Any) -> None:
    position = ledger.last_positions[-1] if ledger.last_positions else 0
    print(f"#{position} ReportFiled · {report_label(event.report, event.period)} {event.section or '全单位'} · "
          f"{event.actor} ({event.role}) · sha256 {event.digest}")
