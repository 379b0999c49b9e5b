"""The hash chain on PostgreSQL: written in the events' transaction, verified, tampering found.

Skipped unless a server is reachable ($JIXIAO_TEST_PG, or a throwaway local cluster;
see tests/pg.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from domain.errors import JixiaoError
from domain.plan_io import bundled_plan
from store import open_ledger
from store.chain import verify
from tests.conftest import Clock, jixiao
from tests.pg import postgres_db, postgres_server
from tests.test_chain import BOOTSTRAP, write_progress

__all__ = ["postgres_db", "postgres_server"]  # the fixtures this module uses


def tamper(url: str, *statements: str) -> None:
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(host=parsed.hostname, port=parsed.port, user=parsed.username,
                         dbname=parsed.path.lstrip("/"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type]


def check(url: str, head: str | None = None) -> Any:
    with open_ledger(url, create=False) as ledger:
        return verify(ledger.app, head)


def test_chain_on_postgres(postgres_db: str, clock: Clock) -> None:
    from store.postgres.recorder import ChainedPostgresRecorder

    with open_ledger(postgres_db, clock=clock) as ledger:
        assert isinstance(ledger.app.recorder, ChainedPostgresRecorder)
        ledger.bootstrap(bundled_plan())
        write_progress(ledger, 12)
    status = check(postgres_db)
    assert status.ok and status.count == BOOTSTRAP + 12 == status.position
    result = jixiao("verify", db=postgres_db)
    assert result.returncode == 0 and f"head {status.head_line}" in result.stdout
    sealed = jixiao("--as", "gongfuan", "seal", db=postgres_db)
    assert sealed.returncode == 0 and sealed.stdout.startswith(status.head_line)

    tamper(postgres_db, "UPDATE jixiao_events SET state = convert_to(replace(convert_from(state, 'UTF8'), "
                        "'\"percent\":28', '\"percent\":98'), 'UTF8') WHERE notification_id = 39")
    broken = check(postgres_db)
    assert (broken.ok, broken.problem, broken.position) == (False, "changed", 39)
    failed = jixiao("verify", db=postgres_db)
    assert failed.returncode == 1 and "position 39: changed" in failed.stderr


def test_deleted_and_truncated_on_postgres(postgres_db: str, clock: Clock) -> None:
    with open_ledger(postgres_db, clock=clock) as ledger:
        ledger.bootstrap(bundled_plan())
        write_progress(ledger, 12)
    head = check(postgres_db).head_line
    tamper(postgres_db, "DELETE FROM jixiao_events WHERE notification_id > 44",
           "DELETE FROM jixiao_chain WHERE position > 44")
    assert check(postgres_db).ok
    broken = check(postgres_db, head)
    assert (broken.problem, broken.position) == ("missing", 45)
    tamper(postgres_db, "DELETE FROM jixiao_events WHERE notification_id = 40")
    broken = check(postgres_db)
    assert (broken.problem, broken.position) == ("missing", 40)


def test_a_write_over_chained_positions_stores_nothing(postgres_db: str, clock: Clock) -> None:
    """Rows removed and the id sequence wound back: the next write must not slip in unchained."""
    with open_ledger(postgres_db, clock=clock) as ledger:
        ledger.bootstrap(bundled_plan())
        write_progress(ledger, 6)
    tamper(postgres_db, "DELETE FROM jixiao_events WHERE notification_id > 38",
           "SELECT setval('jixiao_events_notification_id_seq', 38)")
    with open_ledger(postgres_db, clock=clock) as ledger:
        with pytest.raises(JixiaoError) as info:
            ledger.report_progress("yijiepin", "K04.2", period="2021Q4", percent=99, done="x")
        assert info.value.problems[0].code == "chain.write_over"
        assert ledger.max_position() == 38
    result = jixiao("--as", "yijiepin", "record", "progress", "K04.2", "--period", "2021Q4",
                    "--percent", "98", db=postgres_db)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "run `jixiao verify`" in result.stderr
    broken = check(postgres_db)
    assert (broken.problem, broken.position) == ("missing", 39)
