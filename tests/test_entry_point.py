"""The program's entry points: `jixiao --version`, `python -m tui`, `python -m tui.cli`."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tui.cli.main import main


def test_version_is_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"jixiao {version('jixiao')}\n" == "jixiao 0.1.0\n"


@pytest.mark.parametrize("module", ["tui", "tui.cli"])
def test_python_m_runs_the_same_entry_point(module: str) -> None:
    result = subprocess.run([sys.executable, "-m", module, "--version"], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, "jixiao 0.1.0\n"), result.stderr
    result = subprocess.run([sys.executable, "-m", module, "plan", "check"], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env={"JIXIAO_LANG": "en", "PATH": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("plan is valid")


def test_the_embedded_default_runs_without_the_postgresql_extra(tmp_path: Path) -> None:
    """`pip install -e .` has no psycopg: the command line must start and record without it."""
    db = str(tmp_path / "plain.db")
    script = ("import sys; sys.modules['psycopg'] = None; sys.modules['psycopg_pool'] = None\n"
              "from tui.cli.main import main\n"
              f"sys.exit(main(['--db', {db!r}, 'init']) or main(['--db', {db!r}, '--as', 'yijiepin', 'record', "
              "'progress', 'K04.1', '--period', '2021Q3', '--percent', '60']))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
