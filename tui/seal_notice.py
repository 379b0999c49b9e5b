"""The reminder to sign a seal: shown by `jixiao seal` and, to the supervisory group, in
the terminal UI's integrity panel, when no signed seal was made this quarter (or within
`--interval-days`)."""

from __future__ import annotations

import datetime as dt

from domain.commands import Ledger
from domain.messages import render
from domain.seal_reminder import seal_due


def seal_reminder(ledger: Ledger, lang: str, interval: int | None = None) -> str | None:
    """The reminder text when a signed seal is due (None when not, or with no plan)."""
    directory = ledger.directory()
    if not directory.plans:
        return None
    last = ledger.unit(ledger.plan_id(directory)).last_signed
    if not seal_due(last, ledger.clock(), interval):
        return None
    if last is None:
        return render("seal.due_never", lang)
    every = (render("seal.interval_days", lang, days=str(interval)) if interval
             else render("seal.interval_quarter", lang))
    return render("seal.due", lang, when=last.astimezone(dt.UTC).strftime("%Y-%m-%d"), interval=every)


def supervisor_reminder(ledger: Ledger, actor: str, lang: str) -> str | None:
    """The reminder for the terminal UI: only to members of the supervisory group, who sign."""
    user = ledger.directory().users.get(actor)
    if user is None or "supervisor" not in user.roles:
        return None
    return seal_reminder(ledger, lang)
