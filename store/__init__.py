"""The disk: the only package that speaks to the database.

This module is the store's public face, and the only part of it the command line and
the terminal UI import: `open_ledger(db)` (a domain Ledger bound to an opened store) and
`open_store(db)`, with the few names that go with them: where a ledger is
(`Location`, `resolve_db`), the files it owns and a person's export folder
(`LedgerFiles`, `export_folder`), checking its hash chain (`verify`, `parse_head`,
`ChainStatus`), exports and imports with their links (`linked_events`,
`first_changed`, `write_imported`), moving it to another backend (`move`, `move_location`) and creating a
PostgreSQL ledger's read-model tables (`create_view_tables`). Everything else in
`store/` is its inside.

The names are loaded on first use, so that a worker process of a parallel
verification, which imports `store.sqlite.range_scan`, stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, for type checkers
    from sqlite3 import DatabaseError as FileDamaged

    from store.chain import ChainStatus, parse_head, verify
    from store.files import LedgerFiles, export_folder
    from store.location import Location, resolve_db
    from store.migrate import location as move_location
    from store.migrate import move
    from store.open import LedgerStore, open_ledger, open_store
    from store.postgres.views import create_view_tables
    from store.transfer import LinkedEvent, first_changed, linked_events, write_imported

# public name -> (module, name in it)
_PUBLIC = {
    "LedgerStore": ("store.open", "LedgerStore"),
    "open_ledger": ("store.open", "open_ledger"),
    "open_store": ("store.open", "open_store"),
    "Location": ("store.location", "Location"),
    "resolve_db": ("store.location", "resolve_db"),
    "LedgerFiles": ("store.files", "LedgerFiles"),
    "export_folder": ("store.files", "export_folder"),
    "ChainStatus": ("store.chain", "ChainStatus"),
    "parse_head": ("store.chain", "parse_head"),
    "verify": ("store.chain", "verify"),
    "move": ("store.migrate", "move"),
    "move_location": ("store.migrate", "location"),
    "create_view_tables": ("store.postgres.views", "create_view_tables"),
    "LinkedEvent": ("store.transfer", "LinkedEvent"),
    "linked_events": ("store.transfer", "linked_events"),
    "first_changed": ("store.transfer", "first_changed"),
    "write_imported": ("store.transfer", "write_imported"),
    "FileDamaged": ("sqlite3", "DatabaseError"),  # what a locked or damaged ledger file raises
}
__all__ = ["ChainStatus", "FileDamaged", "LedgerFiles", "LedgerStore", "LinkedEvent", "Location",
           "create_view_tables", "export_folder", "first_changed", "linked_events", "move", "move_location",
           "open_ledger", "open_store", "parse_head", "resolve_db", "verify", "write_imported"]


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _PUBLIC[name]
    except KeyError:
        raise AttributeError(f"module 'store' has no attribute {name!r}") from None
    return getattr(importlib.import_module(module), attribute)
