"""Following the log live: a fold hears of each commit at once and applies it.

On PostgreSQL through the library's subscription (LISTEN/NOTIFY): the rows arrive with
the notification and the fold applies them without asking the store; on SQLite the
head of the file is watched. The same assertions run on both backends.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from domain.plan_io import bundled_plan
from projections.live import LiveFold
from projections.replay import replay
from store import open_ledger
from store.readers import log_reader
from tests.conftest import Clock


def wait_until(condition: Any, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_a_following_fold_hears_of_each_commit_at_once(db_path: str, backend: str, clock: Clock) -> None:
    with open_ledger(db_path, clock=clock) as ledger, open_ledger(db_path, clock=clock) as other:
        ledger.bootstrap(bundled_plan())
        live = LiveFold(log_reader(ledger.app))
        live.open()
        heard = threading.Event()
        follower = live.follow(heard.set)
        try:
            if backend == "postgres":
                assert wait_until(lambda: follower.subscribed)
            live.poll()  # the first poll reads the store: the subscription starts from here
            latencies = []
            for n in range(5):
                heard.clear()
                other.report_progress("yijiepin", "K04.1", period="2021Q3", percent=10 + n, done=f"第{n}次")
                committed = time.monotonic()
                assert heard.wait(5), "no word of the commit"
                latencies.append(time.monotonic() - committed)
                if backend == "postgres":  # the rows came with the notification: no query
                    live.last_position = lambda: pytest.fail("the store was asked")  # type: ignore[method-assign]
                assert wait_until(lambda: live.poll() > 0 or live.fold.position == other.last_positions[-1])
                assert live.fold.position == other.last_positions[-1]
            print(f"\n{backend}: commit to notification {1000 * max(latencies):.0f} ms at most")
            assert live.fold.state() == replay(log_reader(ledger.app)).state()
        finally:
            live.close()
        assert not follower.thread.is_alive()


def test_following_survives_a_server_restart(postgres_db: str, postgres_cluster: Any, clock: Clock) -> None:
    if postgres_cluster is None:
        pytest.skip("restarting needs the throwaway cluster, not $JIXIAO_TEST_PG")
    with open_ledger(postgres_db, clock=clock) as ledger:
        ledger.bootstrap(bundled_plan())
        live = LiveFold(log_reader(ledger.app))
        live.open()
        heard = threading.Event()
        follower = live.follow(heard.set)
        try:
            assert wait_until(lambda: follower.subscribed)
            postgres_cluster.restart("fast")
            assert wait_until(lambda: follower.failures > 0 or not follower.subscribed)
            assert wait_until(lambda: follower.subscribed, 30)  # subscribed again by itself
            assert heard.wait(5)  # told to read the store: something may have been missed
            live.poll()
            heard.clear()
            ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=50, done="重启之后")
            assert heard.wait(10)
            assert wait_until(lambda: live.poll() > 0 or live.fold.position == ledger.last_positions[-1])
            assert live.fold.position == ledger.last_positions[-1]
        finally:
            live.close()
