"""Shared fixtures: real ledgers on each backend, a fixed clock.

Every test that uses a ledger (`db_path`, `ledger`) runs against each backend chosen:
SQLite (a file in a temporary directory) and PostgreSQL (a fresh database on a
throwaway local server, see tests/pg.py). Choose with `--backend sqlite|postgres|both`
or $JIXIAO_TEST_BACKENDS; by default both when a PostgreSQL server can be had, else
SQLite alone. A test about the SQLite file itself (its bytes, its permissions, the
files beside it) is marked `sqlite_only`.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.commands import Ledger
from domain.plan_io import bundled_plan
from store import open_ledger
from tests import pg
from tests.pg import postgres_cluster, postgres_db, postgres_server

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("sqlite", "postgres")
__all__ = ["postgres_cluster", "postgres_db", "postgres_server"]  # fixtures for every test


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--backend", choices=("sqlite", "postgres", "both", "auto"),
                     default=os.environ.get("JIXIAO_TEST_BACKENDS", "auto"),
                     help="the store(s) ledger tests run on (default: both if PostgreSQL can be had)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: a test about the SQLite file itself")
    choice = config.getoption("--backend")
    if choice == "auto":
        choice = "both" if pg.available() else "sqlite"
    config.stash[_BACKENDS] = BACKENDS if choice == "both" else (choice,)


_BACKENDS = pytest.StashKey[tuple[str, ...]]()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every ledger test once per backend (SQLite-only tests on SQLite alone)."""
    if "db_path" not in metafunc.fixturenames:
        return
    chosen = metafunc.config.stash[_BACKENDS]
    if metafunc.definition.get_closest_marker("sqlite_only"):
        chosen = tuple(b for b in chosen if b == "sqlite")
        if not chosen:
            chosen = ("sqlite",)  # asked for postgres only: the test is deselected below
    metafunc.parametrize("backend", chosen, indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.stash[_BACKENDS] != ("postgres",):
        return
    keep = [i for i in items if not i.get_closest_marker("sqlite_only")]
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


class Clock:
    """A settable clock: tests decide what 'now' is."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, iso: str) -> None:
        self.now = dt.datetime.fromisoformat(iso).replace(tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2021, 10, 8, 2, 0, tzinfo=dt.UTC))


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The store under test: "sqlite" or "postgres"."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def db_path(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where the test's ledger lives: a file path, or the URL of a fresh database."""
    if backend == "postgres":
        return str(request.getfixturevalue("postgres_db"))
    return str(tmp_path / "ledger" / "jixiao.db")


@pytest.fixture
def ledger(db_path: str, backend: str, clock: Clock) -> Iterator[Ledger]:
    with open_ledger(db_path, clock=clock) as opened:
        if backend == "postgres":  # the read models' tables, as `jixiao init` makes them
            from store.postgres.views import create_view_tables

            create_view_tables(db_path)
        opened.bootstrap(bundled_plan())
        yield opened


def jixiao_bytes(*args: str, db: str | None = None,
                 env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run the command line and keep its standard output as bytes (an evidence file)."""
    full_env = {**os.environ, "JIXIAO_LANG": "en", **(env or {})}
    cmd = [sys.executable, "-m", "tui.cli", *(["--db", db] if db else []), *args]
    return subprocess.run(cmd, capture_output=True, env=full_env, cwd=ROOT, timeout=120)


def jixiao(*args: str, db: str | None = None, input: str | None = None,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed command line as a user would."""
    full_env = {**os.environ, "JIXIAO_LANG": "en", **(env or {})}
    cmd = [sys.executable, "-m", "tui.cli", *(["--db", db] if db else []), *args]
    return subprocess.run(cmd, capture_output=True, text=True, input=input, env=full_env,
                          cwd=ROOT, timeout=120)
