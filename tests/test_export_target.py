"""No path from an export to the ledger's own files, and no file overwritten unasked.

A clerk who types the ledger's path into an export (the TUI dialog, `export -o`, `report
... -o`) must not replace the year with a workbook: every export refuses the ledger's
database, its -wal/-shm, the audit index, the checkpoint and the log, through a symbolic
or a hard link too; an existing file is overwritten only with --force (or a second press
in the dialog); and a confined (SSH) session writes only into the person's export folder.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from domain.commands import Ledger
from domain.plan_io import bundled_plan
from store import export_folder, open_ledger
from tests.conftest import Clock, jixiao
from tests.tui_helpers import drive, goto, settle
from tui.app import JixiaoApp
from tui.outfile import Destination


@pytest.fixture(scope="module")
def year_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("target")
    db = root / "ledger" / "jixiao.db"
    assert jixiao("init", "--example", db=str(db)).returncode == 0
    assert jixiao("report", "audit", db=str(db)).returncode == 0  # the audit index exists
    return db


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _intact(db: Path) -> None:
    result = jixiao("verify", db=str(db))
    assert result.returncode == 0, result.stderr
    assert "intact" in result.stdout and " 0 events" not in result.stdout


OWN_FILES = ("", ".log", ".audit.db", ".checkpoint", "-wal", "-shm")


@pytest.mark.parametrize("suffix", OWN_FILES)
@pytest.mark.parametrize("command", [("export",), ("report", "audit"), ("report", "standings", "--format", "xlsx"),
                                     ("plan", "show"), ("plan", "export")])
def test_an_export_onto_one_of_the_ledgers_own_files_is_refused(year_file: Path, suffix: str,
                                                                command: tuple[str, ...]) -> None:
    target = Path(str(year_file) + suffix)
    before = _digest(year_file)
    result = jixiao(*command, "-o", str(target), "--force", db=str(year_file))
    assert result.returncode == 1, result.stderr
    assert "one of the ledger's own files" in result.stderr and "Traceback" not in result.stderr
    assert _digest(year_file) == before
    _intact(year_file)


def test_a_link_to_the_ledger_is_refused_too(year_file: Path, tmp_path: Path) -> None:
    before = _digest(year_file)
    (tmp_path / "soft.jsonl").symlink_to(year_file)
    os.link(year_file, tmp_path / "hard.jsonl")
    for name in ("soft.jsonl", "hard.jsonl"):
        result = jixiao("export", "-o", str(tmp_path / name), "--force", db=str(year_file))
        assert result.returncode == 1, result.stderr
        assert "one of the ledger's own files" in result.stderr
    assert _digest(year_file) == before
    _intact(year_file)


def test_an_existing_file_is_overwritten_only_with_force(year_file: Path, tmp_path: Path) -> None:
    kept = tmp_path / "notes.md"
    kept.write_text("my notes")
    for command in (("export",), ("report", "standings", "--format", "md"), ("plan", "show")):
        result = jixiao(*command, "-o", str(kept), db=str(year_file))
        assert result.returncode == 1 and "--force" in result.stderr, result.stderr
        assert kept.read_text() == "my notes"
    assert jixiao("report", "standings", "--format", "md", "-o", str(kept), "--force",
                  db=str(year_file)).returncode == 0
    assert kept.read_text().startswith("# ")


def test_a_confined_session_writes_only_plain_names_into_its_own_folder(tmp_path: Path) -> None:
    db = str(tmp_path / "data" / "jixiao.db")
    destination = Destination.confined(db, "yijiepin")
    for name in ("../jixiao.db", str(tmp_path / "x.md"), "sub/x.md", "..", "~/x.md"):
        with pytest.raises(Exception) as caught:
            destination.write(name, b"x")
        assert getattr(caught.value, "problems", [None])[0].code == "export.path_in_name"
    written = destination.write("q3.md", b"report")
    assert written == export_folder(db, "yijiepin") / "q3.md" == tmp_path / "data" / "exports" / "yijiepin" / "q3.md"
    assert written.read_bytes() == b"report" and (written.stat().st_mode & 0o777) == 0o600


# -- the terminal UI's export dialog -----------------------------------------------------------
@pytest.fixture
def sqlite_ledger(tmp_path: Path, clock: Clock) -> Any:
    with open_ledger(str(tmp_path / "ledger" / "jixiao.db"), clock=clock) as opened:
        opened.bootstrap(bundled_plan())
        yield opened


async def _export_to(pilot: Any, path: str) -> str:
    await goto(pilot, "6")
    await pilot.press("x")
    await settle(pilot)
    pilot.app.screen.query_one("#export-path").value = path
    await pilot.click("#export-go")
    await settle(pilot)
    screen = pilot.app.screen
    if type(screen).__name__ != "ExportScreen":
        return ""
    return str(screen.query_one("#export-error", Static).render())


def test_the_dialog_refuses_the_ledgers_path_and_the_ledger_survives(sqlite_ledger: Ledger, clock: Clock) -> None:
    db = Path(sqlite_ledger.db)
    top = sqlite_ledger.max_position()
    app = JixiaoApp(sqlite_ledger, "yijiepin", clock=clock, poll_interval=None, steady=True)

    async def steps(pilot: Any) -> None:
        message = await _export_to(pilot, str(db))
        assert "台账自身的文件" in message

    drive(app, steps)
    sqlite_ledger.close()
    assert db.read_bytes()[:15] == b"SQLite format 3"
    with open_ledger(str(db), create=False) as reopened:
        assert reopened.max_position() == top
    _intact(db)


def test_the_dialog_overwrites_an_existing_file_only_when_pressed_again(sqlite_ledger: Ledger, clock: Clock,
                                                                      tmp_path: Path) -> None:
    kept = tmp_path / "kept.xlsx"
    kept.write_bytes(b"mine")
    app = JixiaoApp(sqlite_ledger, "yijiepin", clock=clock, poll_interval=None, steady=True)

    async def steps(pilot: Any) -> None:
        assert "--force" in await _export_to(pilot, str(kept))
        assert kept.read_bytes() == b"mine"
        await pilot.click("#export-go")  # the confirmation
        await settle(pilot)
        for _ in range(100):  # writing the workbook takes a while on a loaded machine
            if type(pilot.app.screen).__name__ != "ExportScreen":
                break
            await pilot.pause(0.1)
        assert type(pilot.app.screen).__name__ != "ExportScreen"

    drive(app, steps)
    assert kept.read_bytes()[:2] == b"PK"  # the workbook


def test_an_ssh_session_dialog_takes_a_plain_name_into_the_persons_folder(sqlite_ledger: Ledger,
                                                                         clock: Clock) -> None:
    db = Path(sqlite_ledger.db)
    exports = Destination.confined(sqlite_ledger.db, "yijiepin")
    app = JixiaoApp(sqlite_ledger, "yijiepin", clock=clock, poll_interval=None, steady=True, exports=exports)

    async def steps(pilot: Any) -> None:
        assert "只能给出文件名" in await _export_to(pilot, str(db))
        pilot.app.screen.query_one("#export-path").value = "../../jixiao.db"
        await pilot.click("#export-go")
        await settle(pilot)
        assert "只能给出文件名" in str(pilot.app.screen.query_one("#export-error", Static).render())
        pilot.app.screen.query_one("#export-path").value = "q3.xlsx"
        await pilot.click("#export-go")
        await settle(pilot)

    drive(app, steps)
    assert (db.parent / "exports" / "yijiepin" / "q3.xlsx").read_bytes()[:2] == b"PK"
    assert db.read_bytes()[:15] == b"SQLite format 3"
