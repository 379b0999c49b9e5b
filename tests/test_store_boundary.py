"""What import-linter cannot state: it sees an external package whole, so it cannot tell
eventsourcing's Aggregate from its recorders. domain/ may use neither the library's
persistence nor its database modules; the store's chain algorithm speaks no SQL."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE_ONLY = ("eventsourcing.persistence", "eventsourcing.sqlite", "eventsourcing.postgres",
              "eventsourcing.application", "sqlite3", "psycopg", "psycopg_pool", "store")


def imported(path: Path) -> set[str]:
    """Every module a file imports, at module level or inside functions."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_domain_uses_no_persistence_of_the_library() -> None:
    found = {(str(p.relative_to(ROOT)), name) for p in (ROOT / "domain").rglob("*.py")
             for name in imported(p) if any(name == s or name.startswith(s + ".") for s in STORE_ONLY)}
    assert found == set()


def test_the_chain_algorithm_speaks_no_sql() -> None:
    for name in ("chain.py", "chain_scan.py"):
        modules = imported(ROOT / "store" / name)
        assert not {m for m in modules if m.split(".")[0] in ("sqlite3", "psycopg", "eventsourcing")}, name
