"""The disk: the only package that speaks to the database.

`open_ledger(db)` is the one way in for the command line and the terminal UI (see
`store.open`). The names are loaded on first use, so that a worker process of a
parallel verification, which imports `store.sqlite.range_scan`, stays light.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LedgerStore", "open_ledger", "open_store"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from store import open as opening

        return getattr(opening, name)
    raise AttributeError(f"module 'store' has no attribute {name!r}")
