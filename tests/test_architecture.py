"""The layers hold, and the rooms inside them do not lean on each other in circles.

- import-linter: domain/ never imports the UI, projections or table rendering; projections
  never import the UI.
- No import cycle inside any package (domain, store, projections, tui), counting imports
  at module level (`if TYPE_CHECKING:` ones too) and inside functions: a circle that only
  works because one side imports late is still a circle.
- An import inside a function is the documented lazy loading (see tui/cli/main.py) or a
  listed, temporary exception; a new one fails here until it moves to the top of its
  module or joins LAZY with its reason.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("domain", "store", "projections", "tui")


def test_import_linter_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


# -- the import graph ------------------------------------------------------------------

@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # what it imports: a submodule when `from X import Y` names one, else X
    line: int
    in_function: bool


def modules_of(root: Path, package: str) -> dict[str, Path]:
    """Every module of `package` under `root`, by dotted name (a package by its own name)."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_in(module: str, path: Path, known: set[str]) -> list[Import]:
    """The imports a module makes, wherever they are written (module level or in a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend(Import(module, alias.name, child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:  # relative: from the package, `level - 1` steps up
                    parts = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    found.append(Import(module, sub if sub in known else base, child.lineno, in_function))
            visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))

    visit(tree, False)
    return found


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports (anywhere in its text)."""
    modules = modules_of(root, package)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for imp in imports_in(name, path, set(modules)):
            target = imp.target
            while target and target not in modules:  # `import a.b.C`-like: the module holding it
                target = target.rpartition(".")[0]
            if target and target != name:
                graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path that ends where it starts (a -> b -> a), else None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done (no cycle through it)
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := walk(nxt)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := walk(start)) is not None:
            return cycle
    return None


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle_inside_a_package(package: str) -> None:
    started = time.perf_counter()
    cycle = find_cycle(import_graph(ROOT, package))
    assert cycle is None, f"{package}: import cycle " + " -> ".join(cycle or [])
    assert time.perf_counter() - started < 2.0


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_cycle_through_a_late_import_is_found_and_named(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "def late():\n    from pkg import b  # a submodule, named through its package\n",
        "pkg/b.py": "from .c import thing\n",
        "pkg/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.a\nthing = 1\n",
        "pkg/d.py": "from pkg.c import thing\nfrom pkg import a\n",
    })
    graph = import_graph(root, "pkg")
    assert graph["pkg.a"] == {"pkg.b"} and graph["pkg.b"] == {"pkg.c"} and graph["pkg.d"] == {"pkg.a", "pkg.c"}
    assert find_cycle(graph) == ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]
    with pytest.raises(AssertionError, match=r"import cycle pkg\.a -> pkg\.b -> pkg\.c -> pkg\.a"):
        cycle = find_cycle(graph)
        assert cycle is None, "pkg: import cycle " + " -> ".join(cycle or [])


def test_a_package_without_a_cycle_passes(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "pkg/__init__.py": "from pkg.a import x\n",
        "pkg/a.py": "from pkg.sub import b\nx = b.y\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/b.py": "import json\ny = 1\n",
    })
    graph = import_graph(root, "pkg")
    assert graph == {"pkg": {"pkg.a"}, "pkg.a": {"pkg.sub.b"}, "pkg.sub": set(), "pkg.sub.b": set()}
    assert find_cycle(graph) is None


# -- imports inside functions ------------------------------------------------------------

# The documented lazy loading (tui/cli/main.py, tui/screens/__init__.py): (module, what it
# imports inside a function) -> why. A target names a module or a package (all of it).
# The screens themselves are imported by name through importlib, so they need no entry.
LAZY: dict[tuple[str, str], str] = {
    ("tui.cli.terminal", "tui.app"): "Textual, only when the terminal UI opens",
    ("tui.screens.indicators", "tui.screens.plan_import"): "a screen, built when first opened",
    ("domain.plan_io", "domain.plan_xlsx"): "openpyxl, only when a plan workbook is read or written",
    ("tui.cli.plan", "domain.plan_xlsx"): "openpyxl, only when a plan workbook is read or written",
    ("tui.cli.plan", "domain.plan_xlsx_cells"): "openpyxl, only when a plan workbook is checked",
    ("tui.cli.plan_import", "domain.plan_sheet_build"): "openpyxl, only when an office's sheet is read",
    ("tui.screens.plan_import", "domain.plan_sheet_build"): "openpyxl, only when an office's sheet is read",
    ("tui.cli.output", "openpyxl"): "openpyxl, only when a report workbook is written",
    ("tui.cli.demo", "rich.console"): "rich's progress bar, only when `jixiao demo` draws one",
    ("tui.cli.demo", "rich.progress"): "rich's progress bar, only when `jixiao demo` draws one",
    ("tui.cli.reports", "rich.console"): "rich's progress bar, only while the audit table is built",
    ("tui.cli.reports", "rich.progress"): "rich's progress bar, only while the audit table is built",
    ("store.app", "store.postgres.schema"): "psycopg (an optional dependency), only for a PostgreSQL ledger",
    ("store.postgres.audit", "psycopg"): "psycopg (an optional dependency), only for a PostgreSQL ledger",
    ("store.postgres.audit_table", "psycopg"): "psycopg (an optional dependency), only for a PostgreSQL ledger",
    ("store.postgres.connect", "psycopg"): "psycopg (an optional dependency), only for a PostgreSQL ledger",
    ("store.postgres.log", "psycopg"): "psycopg (an optional dependency), only for a PostgreSQL ledger",
    ("store.sqlite.chain_source", "multiprocessing"): "worker processes, only to verify a large log",
    ("store.sqlite.chain_source", "concurrent.futures"): "worker processes, only to verify a large log",
}


def function_level_imports(root: Path) -> list[Import]:
    found = []
    for package in PACKAGES:
        modules = modules_of(root, package)
        for name, path in modules.items():
            found += [imp for imp in imports_in(name, path, set(modules)) if imp.in_function]
    return found


def _allowed(imp: Import) -> tuple[str, str] | None:
    return next(((module, target) for module, target in LAZY
                 if imp.module == module and (imp.target == target or imp.target.startswith(target + "."))), None)


def test_imports_inside_functions_are_the_listed_lazy_ones() -> None:
    found = function_level_imports(ROOT)
    unlisted = [f"{imp.module}:{imp.line}: {imp.target}" for imp in found if _allowed(imp) is None]
    assert not unlisted, ("imports inside functions: move each to the top of its module, or, if it is "
                          "lazy loading (see tui/cli/main.py), list it in LAZY with its reason:\n  "
                          + "\n  ".join(unlisted))
    used = {_allowed(imp) for imp in found}
    stale = sorted(key for key in LAZY if key not in used)
    assert not stale, f"LAZY lists imports no longer made inside a function: {stale}"


def test_an_unlisted_late_import_is_reported(tmp_path: Path) -> None:
    root = _package(tmp_path, {"domain/__init__.py": "", "domain/x.py": "def f():\n    import json\n"})
    assert [(i.module, i.target, i.line) for i in function_level_imports(root)] == [("domain.x", "json", 2)]
    assert _allowed(function_level_imports(root)[0]) is None
