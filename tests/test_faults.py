"""Faults say what they are: a full disk, a plan nested past reason or far too large, a
plan with thousands of faults, and the files beside the ledger kept owner-only."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli_w

from domain.plan_io import bundled_plan_text
from store import open_ledger
from tests.conftest import jixiao


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real, small file system (tmpfs of 8 MB) mounted for the test."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small file system needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def _fill(disk: Path, leave: int) -> Path:
    """Fill the disk, then give back `leave` bytes."""
    filler = disk / "filler"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    os.truncate(filler, max(filler.stat().st_size - leave, 0))
    return filler


def test_a_full_disk_says_disk_full_and_loses_nothing_acknowledged(small_disk: Path) -> None:
    db = str(small_disk / "jixiao.db")
    assert jixiao("init", "--example", db=db).returncode == 0
    with open_ledger(db, create=False) as ledger:
        top = ledger.max_position()
    filler = _fill(small_disk, 48 * 1024)
    note = "初审意见" * 250
    results = [jixiao("--as", "yijiepin", "record", "progress", "K04.2", "--period", "2021Q3",
                      "--percent", str(i), "--note", note, db=db) for i in range(1, 9)]
    refused = [r for r in results if r.returncode != 0]
    acknowledged = sum(1 for r in results if r.returncode == 0)
    assert refused, "the disk never filled"
    for result in refused:
        assert result.returncode == 1
        assert "disk full" in result.stderr and "conflicting" not in result.stderr
        assert "Traceback" not in result.stderr and "Logging error" not in result.stderr
    filler.unlink()
    with open_ledger(db, create=False) as ledger:
        assert ledger.max_position() == top + acknowledged
    verified = jixiao("verify", db=db)
    assert verified.returncode == 0 and "intact" in verified.stdout


def test_a_deeply_nested_plan_is_refused_clearly(tmp_path: Path) -> None:
    for name, text in (("arrays.toml", "a = " + "[" * 50000 + "]" * 50000 + "\n"),
                       ("tables.toml", "x = {" + "a = {" * 5000 + "}" * 5000 + "}\n")):
        path = tmp_path / name
        path.write_text(text)
        for argv in (("plan", "check", str(path)), ("init", "--plan", str(path))):
            result = jixiao(*argv, db=str(tmp_path / "l.db"))
            assert result.returncode == 1, result.stderr
            assert "nested too deeply" in result.stderr and "RecursionError" not in result.stderr


def test_a_huge_plan_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with open(path, "w") as out:
        out.write("# " + "x" * 21_000_000 + "\n")
    result = jixiao("plan", "check", str(path))
    assert result.returncode == 1 and "too large to be a plan" in result.stderr


def test_thousands_of_violations_print_the_first_fifty_and_the_count(tmp_path: Path) -> None:
    data = tomllib.loads(bundled_plan_text())
    first = next(i for i in data["indicators"] if i["category"] == "routine" and i.get("children"))
    template = first["children"][0]
    first["children"] = [{**template, "id": f"{first['id']}.{n}", "points": 5} for n in range(1, 3001)]
    path = tmp_path / "many.toml"
    path.write_text(tomli_w.dumps(data))
    result = jixiao("plan", "check", str(path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 51 and "only the first 50 shown" in lines[-1]
    count = int(result.stderr.split()[0])
    assert count > 3000 and f"of {count}" in lines[-1]
    made = jixiao("init", "--plan", str(path), db=str(tmp_path / "l.db"))
    assert made.returncode == 1 and len(made.stderr.splitlines()) == 51
    assert f"of {count}" in made.stderr


def test_the_ledger_and_its_files_are_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    db = tmp_path / "ledger" / "jixiao.db"
    previous = os.umask(0o022)
    try:
        assert jixiao("init", "--example", db=str(db)).returncode == 0
        assert jixiao("--as", "yijiepin", "record", "progress", "K04.2", "--period", "2021Q3", "--percent", "5",
                      db=str(db)).returncode == 0
        assert jixiao("report", "audit", db=str(db)).returncode == 0
        assert jixiao("report", "standings", db=str(db)).returncode == 0
    finally:
        os.umask(previous)
    beside = {p.name: stat.S_IMODE(p.stat().st_mode) for p in db.parent.iterdir()}
    assert "jixiao.db.audit.db" not in beside  # the audit trail is inside the ledger file
    assert beside == dict.fromkeys(beside, 0o600), beside
