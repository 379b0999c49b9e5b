"""The store's schema: numbered steps, the version recorded in the ledger, ledgers of the
previous release recognised and stamped; and the rules run with no store at all."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from domain.commands import Ledger
from domain.errors import JixiaoError
from domain.plan_io import bundled_plan
from store import open_ledger, open_store
from store.chain import verify
from tests.conftest import Clock, jixiao
from tests.memory_store import MemoryStore


def a_ledger(db: str, clock: Clock) -> None:
    with open_ledger(db, clock=clock) as ledger:
        ledger.bootstrap(bundled_plan())
        ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=40, done="第一次进展")


def stamps(db: str) -> list[int]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT version FROM jixiao_schema ORDER BY version")]
    finally:
        conn.close()


# -- SQLite ------------------------------------------------------------------------------
def test_a_new_sqlite_ledger_runs_every_step_and_records_them(tmp_path: Path, clock: Clock) -> None:
    db = str(tmp_path / "new.db")
    with open_store(db) as store:
        assert store.kind == "sqlite"
        assert store.applied_steps() == [1, 2, 3, 4]
        assert store.schema_version() == (4, 4)
    assert stamps(db) == [1, 2, 3, 4]
    with open_store(db, create=False) as store:
        assert store.applied_steps() == []  # nothing pending: one read, no lock


def test_a_ledger_of_the_previous_release_is_stamped_once_and_written(tmp_path: Path, clock: Clock) -> None:
    """An earlier release kept the links in the events' rows and recorded no version:
    the layout tells step 2; the ledger is stamped so, its audit trail indexed (step 3),
    gains the evidence table (step 4), and it opens and writes as before."""
    db = str(tmp_path / "previous.db")
    a_ledger(db, clock)
    conn = sqlite3.connect(db)
    for table in ("jixiao_schema", "jixiao_audit_text", "jixiao_audit", "jixiao_audit_owner", "jixiao_evidence"):
        conn.execute(f"DROP TABLE {table}")  # as that release left it
    conn.commit()
    conn.close()
    with open_store(db, create=False) as store:
        assert store.applied_steps() == [3, 4]  # stamped, indexed, then the evidence table
    before = verify(open_store(db, create=False))
    with open_store(db, create=False) as store:
        assert store.applied_steps() == []  # stamped and indexed by the opening just before
        assert store.schema_version() == (4, 4)
    assert stamps(db) == [2, 3, 4]
    with open_ledger(db, create=False, clock=clock) as ledger:
        ledger.report_progress("yijiepin", "K04.2", period="2021Q3", percent=10, done="又一次")
        after = verify(ledger.store)
    assert before.ok and after.ok and after.count == before.count + 1
    status = json.loads(jixiao("db", "status", "--format", "json", db=db).stdout)
    assert status["schema"] == 4 and status["verified"] and status["events"] == after.count


def test_a_ledger_with_the_old_chain_table_is_stamped_at_step_1_then_moved(tmp_path: Path,
                                                                            clock: Clock) -> None:
    db = str(tmp_path / "older.db")
    a_ledger(db, clock)
    status = verify(open_store(db, create=False))
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE jixiao_chain (position INTEGER PRIMARY KEY, previous INTEGER NOT NULL, "
        "digest BLOB NOT NULL);"
        "INSERT INTO jixiao_chain SELECT rowid, previous, digest FROM stored_events;"
        "CREATE TABLE old_events (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB, "
        "PRIMARY KEY (originator_id, originator_version));"
        "INSERT INTO old_events (rowid, originator_id, originator_version, topic, state) "
        "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events;"
        "DROP TABLE stored_events; ALTER TABLE old_events RENAME TO stored_events; DROP TABLE jixiao_schema;")
    conn.close()
    result = jixiao("db", "migrate", db=db)
    assert result.returncode == 0, result.stderr
    assert "schema version 4 (steps applied: 2, 3, 4)" in result.stdout
    assert stamps(db) == [1, 2, 3, 4]
    moved = verify(open_store(db, create=False))
    assert moved.ok and (moved.count, moved.digest) == (status.count, status.digest)


def test_a_ledger_of_a_newer_release_is_refused_untouched(tmp_path: Path, clock: Clock) -> None:
    db = str(tmp_path / "newer.db")
    a_ledger(db, clock)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO jixiao_schema VALUES (5, '2030-01-01T00:00:00+00:00')")
    conn.commit()
    conn.close()
    with pytest.raises(JixiaoError) as info:
        open_store(db, create=False)
    assert [p.code for p in info.value.problems] == ["store.schema_new"]
    assert "upgrade jixiao" in info.value.message("en")
    assert stamps(db) == [1, 2, 3, 4, 5]
    result = jixiao("db", "status", db=db)
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_db_status_shows_the_schema_version(tmp_path: Path) -> None:
    db = str(tmp_path / "status.db")
    assert jixiao("init", "--example", db=db).returncode == 0
    text = jixiao("db", "status", db=db)
    assert text.returncode == 0, text.stderr
    assert "schema    4" in text.stdout.splitlines()
    data = json.loads(jixiao("db", "status", "--format", "json", db=db).stdout)
    assert data["store"] == "sqlite" and data["schema"] == 4


# -- PostgreSQL --------------------------------------------------------------------------
def _sql(url: str, statement: str) -> list[tuple[Any, ...]]:
    from tests.test_postgres_store import sql

    return sql(url, statement)


def test_postgres_ledger_of_the_previous_release_is_migrated_and_stamped(postgres_db: str,
                                                                        clock: Clock) -> None:
    """A ledger of a release that recorded no version (events and chain: step 2) is
    refused to a clerk's session until `db migrate` stamps it and adds the evidence table."""
    a_ledger(postgres_db, clock)
    _sql(postgres_db, "DROP TABLE jixiao_schema")  # an earlier release recorded no version
    _sql(postgres_db, "DROP TABLE jixiao_evidence")  # nor kept evidence files
    with pytest.raises(JixiaoError) as info:  # as a clerk would open it: no DDL, so told who upgrades it
        open_store(postgres_db, create=False)
    assert [p.code for p in info.value.problems] == ["store.schema_old"]
    assert _sql(postgres_db, "SELECT to_regclass('jixiao_schema') IS NULL") == [(True,)]
    result = jixiao("db", "migrate", db=postgres_db)
    assert result.returncode == 0, result.stderr
    assert _sql(postgres_db, "SELECT version FROM jixiao_schema ORDER BY version") == [(2,), (3,), (4,)]
    status = json.loads(jixiao("db", "status", "--format", "json", db=postgres_db).stdout)
    assert status["schema"] == 4 and status["verified"]
    with open_store(postgres_db, create=False) as store:
        assert store.kind == "postgres" and store.schema_version() == (4, 4)


def test_postgres_ledger_behind_is_refused_with_the_command_that_upgrades_it(postgres_db: str,
                                                                              clock: Clock) -> None:
    a_ledger(postgres_db, clock)
    _sql(postgres_db, "DELETE FROM jixiao_schema WHERE version >= 3")
    _sql(postgres_db, "DROP TABLE jixiao_evidence")
    with pytest.raises(JixiaoError) as info:
        open_store(postgres_db, create=False)
    assert [p.code for p in info.value.problems] == ["store.schema_old"]
    assert "`jixiao db migrate`" in info.value.message("en")
    assert jixiao("db", "migrate", db=postgres_db).returncode == 0
    with open_store(postgres_db, create=False) as store:
        assert store.schema_version() == (4, 4) and verify(store).ok


# -- no store at all -----------------------------------------------------------------------
def test_a_rule_is_decided_without_any_store(clock: Clock) -> None:
    """The ledger's rules need only the EventStore port: here a list in memory."""
    store = MemoryStore()
    ledger = Ledger(store, clock=clock)
    ledger.bootstrap(bundled_plan())
    ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=40, done="第一次进展")
    assert ledger.db == ":memory:" and store.head() == ledger.max_position() > 0
    with pytest.raises(JixiaoError) as info:  # a percentage above 100 is refused by the rules
        ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=140, done="超过")
    assert store.head() == ledger.last_positions[-1]  # nothing stored by the refusal
    assert info.value.problems
    _, event = ledger.event_at(ledger.last_positions[-1])
    assert type(event).__name__ == "ProgressReported"
