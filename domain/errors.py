"""Errors a user can cause, as values: a message code, its parameters and the place."""

from __future__ import annotations

import msgspec

from domain.controls import shown
from domain.messages import render


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """One thing wrong with a user's input: what rule, where, and the figures involved."""

    code: str
    params: dict[str, str] = {}
    where: str = ""  # file, sheet!cell, indicator id...
    line: int | None = None

    def text(self, lang: str = "zh") -> str:
        """The message alone, without its place."""
        return render(self.code, lang, **self.params)

    def message(self, lang: str = "zh") -> str:
        text = self.text(lang)
        place = self.where
        if self.line is not None:
            place = f"{place}:{self.line}" if place else f"line {self.line}"
        return f"{shown(place)}: {text}" if place else text


class JixiaoError(Exception):
    """A refused input or command, carrying one or more problems."""

    def __init__(self, *problems: Problem) -> None:
        self.problems = list(problems)
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        return "\n".join(p.message(lang) for p in self.problems)


def fail(code: str, where: str = "", line: int | None = None, **params: object) -> JixiaoError:
    """Build an error with a single problem (raise the result)."""
    return JixiaoError(
        Problem(code=code, where=where, line=line, params={k: str(v) for k, v in params.items()})
    )


class WriteConflict(JixiaoError):
    """The store refused a save because another writer stored events for one of the same
    aggregates first (raised by the store; the ledger reloads and decides again)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(Problem(code="ledger.conflict", params={"attempts": "1", "detail": detail}))


class StoreFull(JixiaoError):
    """The disk (or the database's space) is full: nothing of the refused write was kept,
    everything acknowledged before it is (raised by the store; never retried)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(Problem(code="store.disk_full", params={"detail": detail}))


class StoreUnreachable(JixiaoError):
    """The store did not answer: a server restarting or out of reach, a file locked for
    too long (raised by the store, its detail without any password)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(Problem(code="store.unreachable", params={"detail": detail}))
