"""The audit trail is written with each event, in the transaction that stores it: a new
ledger never needs a first build, a failed write leaves no row behind, and a ledger of an
earlier release is indexed once, in bulk, to the very rows the writer writes."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from uuid import uuid4

import pytest

from domain import events as ev
from domain.aggregates import IndicatorAggregate, indicator_id, plan_id
from domain.commands import Ledger
from domain.demo import generate
from domain.errors import JixiaoError, WriteConflict
from projections.audit import AuditTrail
from store import open_ledger, open_store
from tests.conftest import Clock

PLAN = plan_id("安溪县科学技术局", 2021)
ROWS = ("SELECT position, recorded, effective, actor, role, kind, unit, year, section, indicator, target, "
        "summary, reason, effect, agg, version, voided_by, points FROM jixiao_audit ORDER BY position")


def trail(ledger: Ledger) -> AuditTrail:
    return AuditTrail(ledger.store.audit_index())


def test_every_command_has_its_audit_row_when_it_returns(ledger: Ledger) -> None:
    with trail(ledger) as audit:
        assert audit.count() == ledger.max_position()  # the plan and people, from `bootstrap`
        ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=60, done="完成申报")
        row = audit.page(limit=1)[0]
        assert (row.position, row.actor, row.kind, row.indicator, row.section, row.unit, row.year) == (
            ledger.max_position(), "yijiepin", "ProgressReported", "K04.1", "center", "安溪县科学技术局", 2021)
        ledger.award_tier("yujunwei", "K04.1", tier="二档", reason="复核")
        awarded = ledger.last_positions[0]
        ledger.award_tier("yujunwei", "K04.1", tier="一档", reason="再复核")
        first, second = audit.page(limit=2)[::-1]
        assert second.effect == first.effect / 9  # 90% of the points, then the 10% more
        ledger.correct("yujunwei", awarded, reason="定档有误")
        fix = audit.page(limit=1)[0]
        assert fix.effect == 0  # the voided tier was not the one in force
        voided = audit.page(before_position=awarded + 1, limit=1)[0]
        assert (voided.position, voided.voided_by, voided.void_reason) == (awarded, fix.position, "定档有误")
        assert audit.count() == ledger.max_position()


def test_a_write_that_fails_leaves_no_audit_row(ledger: Ledger) -> None:
    ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=60, done="完成申报")
    head = ledger.max_position()
    fresh = IndicatorAggregate(uuid4())  # its event is inserted first, with its row ...
    stale = IndicatorAggregate(indicator_id(PLAN, "K04.1"))  # ... then this one's version 1 is taken
    for aggregate in (fresh, stale):
        aggregate.trigger(ev.AuditRemarked, timestamp=ledger.clock(), actor="gongfuan", role="supervisor",
                          effective=ledger.clock().date(), remark="不应留下")
    with pytest.raises(WriteConflict):
        ledger.store.save([fresh, stale])
    with trail(ledger) as audit:
        assert ledger.max_position() == head
        assert audit.max_position() == head and audit.count() == head
        assert audit.count({"text": "不应留下"}) == 0


def test_a_second_process_reads_the_rows_the_writer_wrote(db_path: str, ledger: Ledger, clock: Clock) -> None:
    with open_ledger(db_path, clock=clock) as reader, trail(reader) as audit:
        before = audit.count()
        ledger.audit_remark("gongfuan", "复核完毕")
        assert audit.count() == before + 1
        assert audit.page(limit=1)[0].summary == "复核完毕"


@pytest.mark.sqlite_only
def test_a_ledger_of_an_earlier_release_is_indexed_once_to_the_same_rows(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    with open_store(db) as store:
        generate(store, seed=5)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        written = conn.execute(ROWS).fetchall()
        for table in ("jixiao_audit_text", "jixiao_audit", "jixiao_audit_owner", "jixiao_evidence"):
            conn.execute(f"DROP TABLE {table}")  # as the release before left it ...
        conn.execute("DELETE FROM jixiao_schema WHERE version >= 3")
        conn.commit()
    Path(db + ".audit.db").write_bytes(b"")  # ... with its audit file beside it
    with open_ledger(db) as ledger:
        assert ledger.store.applied_steps() == [3, 4]
        with contextlib.closing(sqlite3.connect(db)) as conn:
            assert conn.execute(ROWS).fetchall() == written
    assert not Path(db + ".audit.db").exists()
    with open_ledger(db) as again:
        assert again.store.applied_steps() == []  # once


def test_a_postgres_ledger_of_an_earlier_release_is_indexed_once_to_the_same_rows(postgres_db: str) -> None:
    from tests.test_postgres_store import sql

    with open_store(postgres_db) as store:
        generate(store, seed=5)
    written = sql(postgres_db, ROWS)
    for table in ("jixiao_audit", "jixiao_audit_owner"):  # as the release before left it: its
        sql(postgres_db, f"DROP TABLE {table}")  # table folded apart, with the fold's state
    sql(postgres_db, "CREATE TABLE jixiao_audit (position BIGINT PRIMARY KEY, agg BIGINT)")
    sql(postgres_db, "CREATE TABLE jixiao_audit_meta (key TEXT PRIMARY KEY, value BYTEA)")
    sql(postgres_db, "DELETE FROM jixiao_schema WHERE version >= 3")
    sql(postgres_db, "DROP TABLE jixiao_evidence")
    with pytest.raises(JixiaoError) as info:  # a clerk's session cannot upgrade it: told who can
        open_store(postgres_db, create=False)
    assert [p.code for p in info.value.problems] == ["store.schema_old"]
    with open_store(postgres_db) as store:  # as `jixiao db migrate` opens it
        assert store.applied_steps() == [3, 4]
    assert sql(postgres_db, ROWS) == written
    assert sql(postgres_db, "SELECT to_regclass('jixiao_audit_meta') IS NULL") == [(True,)]
