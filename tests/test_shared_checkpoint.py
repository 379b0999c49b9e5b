"""The standings are never cold: the checkpoint lives in the ledger's own database, the
writer keeps it current, and every other client starts from it; one of another
projection version is rebuilt, never trusted."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import msgspec
import pytest

from domain.commands import Ledger
from projections import checkpoint as cp
from projections import writer_checkpoint
from projections.live import LiveFold
from store import open_ledger
from tests.conftest import Clock, jixiao


def progress(ledger: Ledger, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=i, done=f"第{i}次")


def test_a_second_client_starts_from_the_writers_checkpoint(db_path: str, ledger: Ledger, clock: Clock) -> None:
    progress(ledger, 5)
    head = ledger.max_position()
    assert writer_checkpoint.refresh(ledger.store.log, ledger.store.checkpoints, head, every=3)
    assert not writer_checkpoint.refresh(ledger.store.log, ledger.store.checkpoints, head, every=3)  # current
    progress(ledger, 2, start=5)
    with open_ledger(db_path, clock=clock) as reader:
        live = LiveFold(reader.store.log, checkpoint=reader.store.checkpoints)
        fold = live.open()
        assert live.from_checkpoint and fold.position == ledger.max_position()
        live.close()


def test_a_checkpoint_of_another_version_is_rebuilt(ledger: Ledger) -> None:
    head = ledger.max_position()
    writer_checkpoint.refresh(ledger.store.log, ledger.store.checkpoints, head)
    checkpoints = ledger.store.checkpoints
    header = cp.read_header(checkpoints)
    assert header is not None and header.position == head
    old = msgspec.structs.replace(header, version=cp.PROJECTION_VERSION - 1)
    checkpoints.write(msgspec.json.encode(old), checkpoints.state() or b"")
    assert cp.load(checkpoints, ledger.store.log) is None  # not trusted
    assert writer_checkpoint.refresh(ledger.store.log, checkpoints, head)
    assert cp.read_header(checkpoints).version == cp.PROJECTION_VERSION


def test_the_command_line_writer_refreshes_the_checkpoint_in_the_ledger(tmp_path: Path) -> None:
    db = str(tmp_path / "jixiao.db")
    assert jixiao("init", "--example", db=db).returncode == 0
    made = jixiao("--as", "yijiepin", "record", "progress", "K04.1", "--period", "2021Q3", "--percent", "60",
                  "--note", "完成申报", db=db)
    assert made.returncode == 0, made.stderr
    with contextlib.closing(sqlite3.connect(db)) as conn:
        (header,) = conn.execute("SELECT header FROM jixiao_checkpoint").fetchone()
        (head,) = conn.execute("SELECT max(rowid) FROM stored_events").fetchone()
    assert msgspec.json.decode(header)["position"] == head
    assert not Path(db + ".checkpoint").exists()


@pytest.mark.sqlite_only
def test_the_checkpoint_file_of_an_earlier_release_moves_into_the_ledger(tmp_path: Path, clock: Clock) -> None:
    db = str(tmp_path / "old.db")
    with open_ledger(db, clock=clock) as ledger:
        from domain.plan_io import bundled_plan

        ledger.bootstrap(bundled_plan())
        writer_checkpoint.refresh(ledger.store.log, ledger.store.checkpoints, ledger.max_position())
        state, header = ledger.store.checkpoints.state(), ledger.store.checkpoints.header()
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("DROP TABLE jixiao_checkpoint")  # as the release before kept it: a file beside
        conn.execute("DROP TABLE jixiao_evidence")
        conn.execute("DELETE FROM jixiao_schema WHERE version >= 3")
        conn.commit()
    Path(db + ".checkpoint").write_bytes(header + b"\n" + state)
    with open_ledger(db, clock=clock) as ledger:
        assert ledger.store.applied_steps() == [3, 4]
        live = LiveFold(ledger.store.log, checkpoint=ledger.store.checkpoints)
        live.open()
        assert live.from_checkpoint
    assert not Path(db + ".checkpoint").exists()
