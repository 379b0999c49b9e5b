"""A postgresql:// ledger uses eventsourcing's PostgreSQL module and works end to end.

Skipped unless a server is reachable ($JIXIAO_TEST_PG, or a throwaway local cluster;
see tests/pg.py).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from eventsourcing.persistence import IntegrityError

from domain import events as ev
from domain.plan_io import bundled_plan
from store import open_ledger
from tests.conftest import Clock, jixiao
from tests.pg import postgres_db, postgres_server
from tests.stored import stored_events

__all__ = ["postgres_db", "postgres_server"]  # the fixtures this module uses


def test_bootstrap_record_and_read_back(postgres_db: str, clock: Clock) -> None:
    from eventsourcing.postgres import PostgresApplicationRecorder  # needs psycopg: imported here

    with open_ledger(postgres_db, clock=clock) as ledger:
        assert isinstance(ledger.app.recorder, PostgresApplicationRecorder)  # the library's module
        events = ledger.bootstrap(bundled_plan())
        assert ledger.max_position() == len(events)
        assert ledger.bootstrap(bundled_plan()) == []  # idempotent here too
        event = ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=60,
                                       done="完成申报", effective=dt.date(2021, 9, 30), reason="补录")
        (position, _, stored), = stored_events(ledger, ledger.max_position() - 1)
        assert position == ledger.last_positions[-1]
        assert stored == event
        assert isinstance(stored, ev.ProgressReported)
        assert (stored.actor, stored.role, stored.effective, stored.reason) == (
            "yijiepin", "clerk", dt.date(2021, 9, 30), "补录")
        assert stored.timestamp == clock.now and stored.timestamp.utcoffset() == dt.timedelta(0)
    with open_ledger(postgres_db, clock=clock) as reopened:
        assert reopened.indicator_file(reopened.plan_id(), "K04.1").version == 1
        assert reopened.directory().users["yijiepin"].roles == ["clerk"]


def test_the_command_line_on_postgres(postgres_db: str) -> None:
    assert jixiao("init", "--example", db=postgres_db).returncode == 0
    recorded = jixiao("--as", "yijiepin", "record", "progress", "K04.1", "--period", "2021Q3",
                      "--percent", "60", "--note", "完成申报", db=postgres_db)
    assert recorded.returncode == 0, recorded.stderr
    refused = jixiao("--as", "gongfuan", "record", "tier", "K04.1", "--tier", "一档", db=postgres_db)
    assert refused.returncode == 1 and "may not award a tier" in refused.stderr
    log = json.loads(jixiao("log", "--limit", "1000", "--format", "json", db=postgres_db).stdout)
    assert log[-1]["kind"] == "ProgressReported" and log[-1]["actor"] == "yijiepin"
    users = json.loads(jixiao("users", "list", "--format", "json", db=postgres_db).stdout)
    assert {"id": "yijiepin", "roles": ["clerk"], "section": "center"}.items() <= next(
        u for u in users if u["id"] == "yijiepin").items()


def test_a_stale_write_is_retried_on_postgres(postgres_db: str, clock: Clock) -> None:
    with open_ledger(postgres_db, clock=clock) as a, open_ledger(postgres_db, clock=clock) as b:
        a.bootstrap(bundled_plan())
        conflicts: list[IntegrityError] = []
        save, load = a.app.save_aggregates, a.indicator_file

        def watched_save(aggregates: object, files: object = ()) -> object:
            try:
                return save(aggregates, files)
            except IntegrityError as exc:
                conflicts.append(exc)
                raise

        def interleaved(plan: object, indicator: str) -> object:
            file = load(plan, indicator)  # type: ignore[arg-type]
            if not conflicts and file.version == 0:
                b.report_progress("liuyuqin", indicator, period="2021Q3", percent=40, done="b")
            return file

        a.app.save_aggregates = watched_save  # type: ignore[method-assign]
        a.indicator_file = interleaved  # type: ignore[method-assign]
        event = a.report_progress("yijiepin", "K04.1", period="2021Q3", percent=60, done="a")
        assert len(conflicts) == 1 and event.originator_version == 2


@pytest.mark.sqlite_only  # db_path is the SQLite side here
def test_an_export_from_sqlite_imports_into_postgres_exactly(postgres_db: str, db_path: str,
                                                             tmp_path: Path) -> None:
    assert jixiao("init", "--example", db=db_path).returncode == 0
    assert jixiao("--as", "yijiepin", "record", "progress", "K04.1", "--period", "2021Q3",
                  "--percent", "60", "--note", "完成申报", db=db_path).returncode == 0
    first, second = tmp_path / "sqlite.jsonl", tmp_path / "postgres.jsonl"
    assert jixiao("export", "-o", str(first), db=db_path).returncode == 0
    imported = jixiao("import", str(first), db=postgres_db)
    assert imported.returncode == 0, imported.stderr
    assert jixiao("export", "-o", str(second), db=postgres_db).returncode == 0
    assert second.read_bytes() == first.read_bytes()
    again = jixiao("import", str(first), db=postgres_db)
    assert again.returncode == 1 and "import needs an empty ledger" in again.stderr
