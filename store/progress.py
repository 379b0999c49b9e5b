"""A bulk step's progress on standard error, when it is a terminal (a one-time upgrade of
a large ledger takes a while; scripts and logs get no bar)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from domain.messages import render

WIDTH = 30


def terminal_bar(code: str = "store.audit_indexing") -> Callable[[int, int], None] | None:
    """A progress callback drawing a bar on standard error, None when it is no terminal."""
    stream = sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()):
        return None
    lang = "en" if os.environ.get("JIXIAO_LANG", "").startswith("en") else "zh"

    def show(done: int, total: int) -> None:
        filled = WIDTH * done // total if total else WIDTH
        text = render(code, lang, done=f"{done:,}", total=f"{total:,}")
        end = "\n" if done >= total else ""
        stream.write(f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] {text}{end}")
        stream.flush()

    return show
