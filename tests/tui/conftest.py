"""Fixtures of the terminal UI tests: the demo year, generated once per session and copied
for each test that uses it (the other fixtures are the suite's: a bootstrapped ledger, a clock)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.commands import Ledger
from domain.demo import generate
from store import open_ledger, open_store
from tests.conftest import Clock

TODAY = Clock(dt.datetime(2022, 2, 28, 2, 0, tzinfo=dt.UTC))


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with open_store(str(path)) as demo_store:
        generate(demo_store)
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Ledger]:
    copy = tmp_path / "ledger.db"
    shutil.copy(demo_file, copy)
    with open_ledger(str(copy), clock=TODAY) as ledger:
        yield ledger


@pytest.fixture(autouse=True)
def view_tables(request: pytest.FixtureRequest) -> None:
    """A PostgreSQL ledger gets its read-model tables as `jixiao init` makes them."""
    if "ledger" not in request.fixturenames or request.getfixturevalue("backend") != "postgres":
        return
    from store.postgres.views import create_view_tables

    create_view_tables(request.getfixturevalue("ledger").db)
