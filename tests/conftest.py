"""Shared fixtures: real ledger files in temporary directories, a fixed clock."""

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

ROOT = Path(__file__).resolve().parent.parent


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
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "ledger" / "jixiao.db")


@pytest.fixture
def ledger(db_path: str, clock: Clock) -> Iterator[Ledger]:
    with Ledger(db_path, clock=clock) as opened:
        opened.bootstrap(bundled_plan())
        yield opened


def jixiao(*args: str, db: str | None = None, input: str | None = None,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed command line as a user would."""
    full_env = {**os.environ, "JIXIAO_LANG": "en", **(env or {})}
    cmd = [sys.executable, "-m", "tui.cli", *(["--db", db] if db else []), *args]
    return subprocess.run(cmd, capture_output=True, text=True, input=input, env=full_env,
                          cwd=ROOT, timeout=120)
