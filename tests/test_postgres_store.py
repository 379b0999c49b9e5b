"""A ledger on PostgreSQL: tables made by `init`/`db migrate` only, every read model in the
database, and a lossless move between SQLite and PostgreSQL in both directions.

Skipped unless a server is reachable ($JIXIAO_TEST_PG, or a throwaway local cluster;
see tests/pg.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from domain.errors import JixiaoError
from domain.plan_io import bundled_plan
from store import open_ledger
from store.app import open_app
from store.chain import verify
from store.migrate import move, rows
from store.readers import audit_index, checkpoint_store, log_reader
from tests.conftest import Clock, jixiao, jixiao_bytes

CLERK_GRANTS = (
    "GRANT USAGE ON SCHEMA public TO jixiao_app",
    "GRANT SELECT, INSERT, UPDATE ON jixiao_events TO jixiao_app",
    "GRANT SELECT, INSERT ON jixiao_chain TO jixiao_app",
    "GRANT SELECT, INSERT ON jixiao_evidence TO jixiao_app",
    "GRANT SELECT ON jixiao_schema TO jixiao_app",
    "GRANT USAGE, SELECT ON SEQUENCE jixiao_events_notification_id_seq TO jixiao_app",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON jixiao_checkpoint, jixiao_audit, jixiao_audit_owner TO jixiao_app",
)
TABLES = {"jixiao_schema", "jixiao_events", "jixiao_chain", "jixiao_checkpoint", "jixiao_audit", "jixiao_audit_owner",
          "jixiao_evidence"}


def sql(url: str, statement: str, *params: Any) -> list[tuple[Any, ...]]:
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(host=parsed.hostname, port=parsed.port, user=parsed.username,
                         dbname=parsed.path.lstrip("/"), autocommit=True) as conn:
        cursor = conn.execute(statement, params or None)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def tables(url: str) -> set[str]:
    return {r[0] for r in sql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def a_year(db: str, clock: Clock, n: int = 6) -> None:
    """A small ledger: the bundled plan, progress on three indicators, a seal, a correction."""
    with open_ledger(db, clock=clock) as ledger:
        ledger.bootstrap(bundled_plan())
        for i in range(n):
            ledger.report_progress("yijiepin", ("K04.1", "K04.2", "K05.1")[i % 3], period="2021Q3",
                                   percent=10 * i, done=f"第{i}次进展")
        status = verify(ledger.app)
        ledger.seal("gongfuan", status.position, status.digest)
        ledger.award_tier("yujunwei", "K04.1", tier="二档", reason="复核")
        ledger.correct("yujunwei", ledger.last_positions[-1], reason="录错")


# -- tables ------------------------------------------------------------------------------
def test_opening_creates_no_tables_init_and_db_migrate_do(postgres_db: str) -> None:
    before = jixiao("log", db=postgres_db)
    assert before.returncode == 1 and "Traceback" not in before.stderr
    assert "run `jixiao init` or `jixiao db migrate`" in before.stderr
    assert jixiao("report", "standings", db=postgres_db).returncode == 1
    assert jixiao("verify", db=postgres_db).returncode == 1
    assert tables(postgres_db) == set()  # nothing was created by merely opening

    migrated = jixiao("db", "migrate", db=postgres_db)
    assert migrated.returncode == 0, migrated.stderr
    assert tables(postgres_db) == TABLES
    assert "created" in migrated.stdout
    again = jixiao("db", "migrate", db=postgres_db)
    assert again.returncode == 0 and "created" not in again.stdout  # idempotent
    assert jixiao("log", db=postgres_db).returncode == 0
    status = json.loads(jixiao("db", "status", "--format", "json", db=postgres_db).stdout)
    assert status == {"ledger": postgres_db, "store": "postgresql", "events": 0,
                      "head": "0:" + "0" * 64, "verified": True, "schema": 4}


def test_init_makes_every_table_and_the_read_models_live_in_the_database(postgres_db: str) -> None:
    assert jixiao("init", "--example", db=postgres_db).returncode == 0
    assert tables(postgres_db) == TABLES
    assert jixiao("--as", "yijiepin", "record", "progress", "K04.1", "--period", "2021Q3",
                  "--percent", "60", "--note", "完成申报", db=postgres_db).returncode == 0
    audit = jixiao("report", "audit", "--format", "json", "--actor", "yijiepin", db=postgres_db)
    assert audit.returncode == 0, audit.stderr
    assert [r["kind"] for r in json.loads(audit.stdout)] == ["ProgressReported"]
    (position,) = sql(postgres_db, "SELECT max(position) FROM jixiao_audit")[0]
    assert position == sql(postgres_db, "SELECT max(notification_id) FROM jixiao_events")[0][0]
    assert jixiao("report", "standings", db=postgres_db).returncode == 0
    # the checkpoint is a row of the database, not a file on one machine
    from projections import checkpoint as cp
    from projections.fold import YearFold
    from projections.live import LiveFold

    with open_ledger(postgres_db, create=False) as ledger:
        live = LiveFold(log_reader(ledger.app), checkpoint=checkpoint_store(ledger.app))
        fold = live.open()
        live.save()
        live.close()
        loaded = cp.load(checkpoint_store(ledger.app), log_reader(ledger.app))
        assert isinstance(loaded, YearFold) and loaded.position == fold.position == ledger.max_position()
    assert sql(postgres_db, "SELECT name FROM jixiao_checkpoint") == [("year",)]


def test_db_migrate_indexes_the_audit_text_by_trigrams(postgres_db: str) -> None:
    from projections.audit import TEXT_COLUMNS, AuditTrail

    migrated = jixiao("db", "migrate", db=postgres_db)
    assert migrated.returncode == 0, migrated.stderr
    assert sql(postgres_db, "SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'") == [("pg_trgm",)]
    ((definition,),) = sql(postgres_db, "SELECT indexdef FROM pg_indexes WHERE indexname = 'jixiao_audit_text'")
    assert "USING gin" in definition
    assert all(f"{column} gin_trgm_ops" in definition for column in TEXT_COLUMNS)
    # the test server's databases have LC_CTYPE C, whose trigrams are ASCII only: said so
    assert "LC_CTYPE is C" in migrated.stderr and "createdb --lc-ctype C.UTF-8" in migrated.stderr
    # a hundred thousand uploads, one file name each: the planner finds one through the index
    sql(postgres_db, "INSERT INTO jixiao_audit SELECT g, '2021-06-01 08:00:00.000000', '2021-06-01', "
                     "'clerk_' || g % 50, 'section_head', 'EvidenceAttached', 'unit', 2021, 'center', 'K01.1', "
                     "'K01.1', 'K01.1_' || g || '.pdf (1234 bytes)', '', NULL, g, 1, NULL "
                     "FROM generate_series(1, 100000) AS g")
    sql(postgres_db, "ANALYZE jixiao_audit")
    with AuditTrail(audit_index(postgres_db)) as trail:
        query, params = trail.page_query({"text": "K01.1_12345.pdf"}, None, 101)
        plan = "\n".join(r[0] for r in trail.conn.execute("EXPLAIN ANALYZE " + query, params).fetchall())
        assert "Bitmap Index Scan on jixiao_audit_text" in plan, plan
        assert "Seq Scan" not in plan, plan
        assert [r.position for r in trail.page({"text": "K01.1_12345.pdf"})] == [12345]
        assert [r.position for r in trail.page({"text": "K01.1_123", "actor": "clerk_34"})] == [12384, 12334, 1234]
        assert [r.position for r in trail.page({"text": "_99999."})] == [99999]
        assert trail.page({"text": "K01.1%12345"}) == []  # % is literal, as before


def test_without_pg_trgm_the_tables_are_made_and_the_text_filter_scans(postgres_db: str) -> None:
    """An owner who may not create extensions: the tables are made, the missing index is
    named with what the administrator runs, and the text filter scans as it always did."""
    from projections.audit import AuditTrail
    from store.postgres.views import VIEW_TABLES, create_view_tables

    with contextlib.suppress(Exception):
        sql(postgres_db, "CREATE ROLE jixiao_builder LOGIN")
    sql(postgres_db, "GRANT CREATE ON SCHEMA public TO jixiao_builder")  # tables, but not extensions
    builder = postgres_db.replace("://jixiao@", "://jixiao_builder@")
    warnings: list[str] = []
    assert sorted(create_view_tables(builder, warn=warnings.append, lang="en")) == sorted(VIEW_TABLES)
    assert tables(postgres_db) == set(VIEW_TABLES)
    assert sql(postgres_db, "SELECT 1 FROM pg_indexes WHERE indexname = 'jixiao_audit_text'") == []
    assert len(warnings) == 1, warnings
    assert "text filter will scan every row" in warnings[0] and "CREATE EXTENSION pg_trgm;" in warnings[0]
    sql(postgres_db, "INSERT INTO jixiao_audit SELECT g, '2021-06-01 08:00:00.000000', '2021-06-01', 'admin', "
                     "'admin', 'Remarked', '', NULL, '', '', '', '第' || g || '次复核', '', NULL, g, 1, NULL "
                     "FROM generate_series(1, 300) AS g")
    with AuditTrail(audit_index(builder)) as trail:
        assert [r.position for r in trail.page({"text": "第12次"})] == [12]
        assert trail.count({"text": "复核"}) == 300
    # the administrator creates the extension; migrating again indexes the text
    sql(postgres_db, "CREATE EXTENSION pg_trgm")
    warnings.clear()
    assert create_view_tables(builder, warn=warnings.append, lang="en") == []
    assert not any("could not be created" in w for w in warnings), warnings
    assert sql(postgres_db, "SELECT 1 FROM pg_indexes WHERE indexname = 'jixiao_audit_text'") == [(1,)]


def test_a_role_that_may_not_create_tables_works_the_ledger(postgres_db: str) -> None:
    """What a clerk's session needs: reading and writing rows, never DDL."""
    assert jixiao("init", "--example", db=postgres_db).returncode == 0
    name = urlparse(postgres_db).path.lstrip("/")
    with contextlib.suppress(Exception):
        sql(postgres_db, "CREATE ROLE jixiao_clerk LOGIN")
    sql(postgres_db, "REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    sql(postgres_db, f'GRANT CONNECT ON DATABASE "{name}" TO jixiao_clerk')
    for grant in CLERK_GRANTS:  # exactly what docs/deploy-postgres.md grants
        sql(postgres_db, grant.replace("jixiao_app", "jixiao_clerk"))
    clerk = postgres_db.replace("://jixiao@", "://jixiao_clerk@")
    recorded = jixiao("--as", "yijiepin", "record", "progress", "K04.1", "--period", "2021Q3",
                      "--percent", "60", "--note", "完成申报", db=clerk)
    assert recorded.returncode == 0, recorded.stderr
    evidence = Path(tempfile.mkdtemp()) / "申报.bin"
    evidence.write_bytes(b"\x00clerk\xff")
    kept = jixiao("--as", "yijiepin", "record", "evidence", "K04.1", str(evidence), db=clerk)
    assert kept.returncode == 0, kept.stderr
    got = jixiao_bytes("evidence", "get", hashlib.sha256(evidence.read_bytes()).hexdigest(), db=clerk)
    assert got.returncode == 0 and got.stdout == evidence.read_bytes(), got.stderr
    for command in (["report", "standings"], ["report", "audit"], ["verify"], ["log"]):
        result = jixiao(*command, db=clerk)
        assert result.returncode == 0, (command, result.stderr)
    assert jixiao("db", "migrate", db=clerk).returncode == 1  # DDL is the administrator's
    # the audit trail's text index serves the clerk's searches without a grant of its own
    from projections.audit import AuditTrail

    with AuditTrail(audit_index(clerk)) as trail:
        trail.conn.execute("SET enable_seqscan = off")  # a handful of rows: scanning would be cheaper
        trail.conn.execute("SET enable_indexscan = off")
        query, params = trail.page_query({"text": "yijiepin"}, None, 101)
        plan = "\n".join(r[0] for r in trail.conn.execute("EXPLAIN " + query, params).fetchall())
        assert "Bitmap Index Scan on jixiao_audit_text" in plan, plan
        assert "ProgressReported" in [r.kind for r in trail.page({"text": "yijiepin"})]


# -- moving a ledger ---------------------------------------------------------------------
def test_sqlite_to_postgres_and_back_is_lossless(postgres_db: str, tmp_path: Path, clock: Clock) -> None:
    first, back = str(tmp_path / "county.db"), str(tmp_path / "back.db")
    a_year(first, clock)
    seal = jixiao("--as", "gongfuan", "seal", db=first).stdout.split()[0]
    with open_ledger(first) as ledger:
        original = list(rows(ledger.app))

    moved = jixiao("migrate", "--from", f"sqlite:{first}", "--to", postgres_db)
    assert moved.returncode == 0, moved.stderr
    assert f"{len(original)} events moved" in moved.stdout and f"head {original[-1][0]}:" in moved.stdout
    with open_ledger(postgres_db, create=False) as ledger:
        assert list(rows(ledger.app)) == original  # positions, ids, versions, topics, bytes
        assert verify(ledger.app, seal).ok  # the head signed on paper still holds
    assert jixiao("verify", "--head", seal, db=postgres_db).returncode == 0
    assert jixiao("--as", "yijiepin", "record", "progress", "K05.1", "--period", "2021Q4",
                  "--percent", "80", "--note", "迁移后", db=postgres_db).returncode == 0

    moved = jixiao("migrate", "--from", postgres_db, "--to", f"sqlite:{back}")
    assert moved.returncode == 0, moved.stderr
    exports = [jixiao("export", db=db).stdout for db in (first, postgres_db, back)]
    assert exports[1] == exports[2] and exports[1].startswith(exports[0])
    assert exports[2].count("\n") == len(original) + 1
    assert jixiao("verify", "--head", seal, db=back).returncode == 0
    assert jixiao("--as", "yijiepin", "record", "progress", "K05.1", "--period", "2021Q4",
                  "--percent", "90", "--note", "再迁回后", db=back).returncode == 0
    assert jixiao("verify", db=back).returncode == 0
    report = [jixiao("report", "standings", "--format", "json", db=db).stdout for db in (postgres_db, back)]
    assert json.loads(report[0])["total"] == json.loads(report[1])["total"]


def test_gaps_in_the_positions_move_as_they_are(postgres_db: str, tmp_path: Path, clock: Clock) -> None:
    """PostgreSQL leaves gaps where inserts rolled back; positions are what seals name."""
    a_year(postgres_db, clock, 3)
    sql(postgres_db, "SELECT nextval('jixiao_events_notification_id_seq') FROM generate_series(1, 5)")
    with open_ledger(postgres_db, clock=clock) as ledger:
        ledger.report_progress("yijiepin", "K04.1", period="2021Q4", percent=99, done="跳号之后")
        after_gap = ledger.last_positions[-1]
        source = list(rows(ledger.app))
    assert after_gap == source[-2][0] + 6
    target = str(tmp_path / "gaps.db")
    assert jixiao("migrate", "--from", postgres_db, "--to", target).returncode == 0
    with open_ledger(target, create=False) as ledger:
        assert list(rows(ledger.app)) == source
        assert verify(ledger.app).ok
        ledger.report_progress("yijiepin", "K04.2", period="2021Q4", percent=99, done="继续")
        assert ledger.last_positions == [after_gap + 1]


def test_a_move_needs_an_empty_target_and_a_sound_source(postgres_db: str, tmp_path: Path,
                                                         clock: Clock) -> None:
    source = str(tmp_path / "a.db")
    a_year(source, clock, 2)
    a_year(postgres_db, clock, 1)
    before = sql(postgres_db, "SELECT count(*) FROM jixiao_events")
    refused = jixiao("migrate", "--from", source, "--to", postgres_db)
    assert refused.returncode == 1 and "must be an empty ledger" in refused.stderr
    assert sql(postgres_db, "SELECT count(*) FROM jixiao_events") == before
    same = jixiao("migrate", "--from", source, "--to", f"sqlite:{source}")
    assert same.returncode == 1 and "same ledger" in same.stderr

    import sqlite3

    with sqlite3.connect(source) as conn:
        conn.execute("UPDATE stored_events SET state = replace(state, '第1次', '第9次') WHERE rowid = "
                     "(SELECT max(rowid) - 4 FROM stored_events)")
    empty = str(tmp_path / "empty.db")
    broken = jixiao("migrate", "--from", source, "--to", empty)
    assert broken.returncode == 1 and "does not verify" in broken.stderr


def test_a_move_that_fails_midway_leaves_the_target_empty(postgres_db: str, tmp_path: Path,
                                                          clock: Clock, monkeypatch: Any) -> None:
    import store.migrate as migrate

    source = str(tmp_path / "a.db")
    a_year(source, clock, 6)
    monkeypatch.setattr(migrate, "BATCH", 10)
    calls = []
    write = migrate._PostgresWriter.write

    def failing(self: Any, batch: Any) -> None:
        calls.append(len(batch))
        if len(calls) == 3:
            raise OSError("the network went away")
        write(self, batch)

    monkeypatch.setattr(migrate._PostgresWriter, "write", failing)
    with pytest.raises(OSError):
        move(source, postgres_db)
    assert sql(postgres_db, "SELECT count(*) FROM jixiao_events") == [(0,)]
    assert sql(postgres_db, "SELECT count(*) FROM jixiao_chain") == [(0,)]
    monkeypatch.setattr(migrate._PostgresWriter, "write", write)
    moved = move(source, postgres_db)
    app = open_app(postgres_db, create=False)
    try:
        assert moved.target.ok and moved.count == app.recorder.max_notification_id()
    finally:
        app.close()


def test_a_missing_source_is_named(postgres_db: str, tmp_path: Path) -> None:
    with pytest.raises(JixiaoError) as info:
        move(str(tmp_path / "none.db"), postgres_db)
    assert "jixiao init" in info.value.message("en")
    assert tables(postgres_db) == set()
