"""Many writers on one PostgreSQL ledger: nothing lost, nothing duplicated, the chain holds.

- sixteen writer processes record for a bounded time through the command layer;
- a writer killed with SIGKILL in the middle of its transaction leaves no partial event;
- the server restarted under running writers: each command succeeds (after waiting and
  retrying) or ends with a clear message, and no event is lost or stored twice.

Skipped unless a server is reachable ($JIXIAO_TEST_PG, or a throwaway local cluster;
see tests/pg.py); the restart needs the throwaway cluster.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import Counter, defaultdict
from typing import Any

import pytest

from domain import events as ev
from domain.errors import JixiaoError
from domain.plan_io import bundled_plan
from store import open_ledger
from store.chain import verify
from tests.stored import stored_events
from tests.test_concurrency import SHARED, WRITERS

CLEAR = {"cmd.duplicate", "store.unreachable", "ledger.conflict", "store.unopenable"}


def writer(url: str, number: int, seconds: float, start: Any, results: Any) -> None:
    """Record progress reports until the time is up; report what succeeded and what not."""
    user, section = WRITERS[number % len(WRITERS)]
    indicators = SHARED[section]
    done: list[tuple[str, float]] = []
    refused: list[tuple[str, str]] = []
    with open_ledger(url) as ledger:
        start.wait()
        deadline = time.monotonic() + seconds
        i = 0
        while time.monotonic() < deadline:
            note = f"w{number}-{i}"
            try:
                ledger.report_progress(user, indicators[i % len(indicators)], period="2021Q3",
                                       percent=i % 101, done=note)
                done.append((note, time.monotonic()))
            except JixiaoError as exc:
                refused.append((note, exc.problems[0].code))
            i += 1
    results.put((number, done, refused))


def run_writers(url: str, count: int, seconds: float, during: Any = None) -> tuple[list[Any], float]:
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(count + 1)
    results = ctx.Queue()
    workers = [ctx.Process(target=writer, args=(url, n, seconds, start, results)) for n in range(count)]
    for w in workers:
        w.start()
    start.wait(timeout=120)
    began = time.monotonic()
    if during is not None:
        during()
    collected = [results.get(timeout=seconds + 120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    assert [w.exitcode for w in workers] == [0] * count  # no writer died of an unclear error
    return collected, began


def check_log(url: str, baseline: int) -> list[tuple[int, Any, ev.Event]]:
    """The whole log is sound: the chain verifies, no (aggregate, version) twice, versions
    contiguous; returns what was stored after `baseline`."""
    with open_ledger(url, create=False) as ledger:
        status = verify(ledger.app)
        assert status.ok, status.message("en")
        everything = stored_events(ledger)
    assert status.count == len(everything)
    keys = Counter((originator, e.originator_version) for _, originator, e in everything)
    assert max(keys.values()) == 1
    versions: dict[Any, list[int]] = defaultdict(list)
    for _, originator, event in everything:
        versions[originator].append(event.originator_version)
    for seen in versions.values():
        assert seen == list(range(1, len(seen) + 1))  # in log order, contiguous
    positions = [p for p, _, _ in everything]
    assert positions == sorted(set(positions))
    return [item for item in everything if item[0] > baseline]


def bootstrap(url: str) -> int:
    with open_ledger(url) as ledger:
        ledger.bootstrap(bundled_plan())
        return ledger.max_position()


def test_sixteen_writers_for_a_bounded_time_lose_and_duplicate_nothing(postgres_db: str) -> None:
    baseline = bootstrap(postgres_db)
    results, _ = run_writers(postgres_db, 16, seconds=6.0)
    new = check_log(postgres_db, baseline)
    succeeded = [note for _, done, _ in results for note, _ in done]
    refused = [code for _, _, refusals in results for _, code in refusals]
    stored = Counter(e.done for _, _, e in new if isinstance(e, ev.ProgressReported))
    print(f"\n16 writers, 6 s: {len(succeeded)} commands stored, {len(refused)} refused ({Counter(refused)})")
    assert len(succeeded) >= 16  # every writer got through
    assert stored == Counter(succeeded)  # all that succeeded, once each, and nothing else
    assert set(refused) <= {"ledger.conflict"}


def _stall_in_transaction(url: str, inside: Any) -> None:
    """A writer that stops for good in the middle of its transaction, after its event
    and chain link are inserted and before the commit."""
    from store.postgres import recorder as chain_pg

    original = chain_pg.ChainedPostgresRecorder._fetch_ids_after_insert_events

    def stall(self: Any, curs: Any, stored_events: Any, **kwargs: Any) -> Any:
        ids = original(self, curs, stored_events, **kwargs)
        pipeline = curs.connection._pipeline
        if pipeline is not None:
            pipeline.sync()  # the inserts are on the server now, uncommitted
        inside.set()
        time.sleep(3600)
        return ids

    chain_pg.ChainedPostgresRecorder._fetch_ids_after_insert_events = stall  # type: ignore[method-assign]
    with open_ledger(url) as ledger:
        ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=77, done="被杀的写入")


def test_a_writer_killed_mid_transaction_leaves_no_partial_event(postgres_db: str) -> None:
    baseline = bootstrap(postgres_db)
    ctx = multiprocessing.get_context("spawn")
    inside = ctx.Event()
    victim = ctx.Process(target=_stall_in_transaction, args=(postgres_db, inside))
    victim.start()
    assert inside.wait(timeout=120)
    # the victim holds the events table's lock: others wait for it; then it is killed
    results: list[Any] = []

    def others() -> None:
        results.extend(run_writers(postgres_db, 4, seconds=4.0)[0])

    waiting = threading.Thread(target=others)
    waiting.start()
    time.sleep(2.0)
    os.kill(victim.pid, signal.SIGKILL)  # type: ignore[arg-type]
    victim.join(timeout=30)
    assert victim.exitcode == -signal.SIGKILL
    waiting.join(timeout=300)
    new = check_log(postgres_db, baseline)
    notes = Counter(e.done for _, _, e in new if isinstance(e, ev.ProgressReported))
    assert "被杀的写入" not in notes
    succeeded = Counter(note for _, done, _ in results for note, _ in done)
    assert notes == succeeded and len(succeeded) >= 4


def test_a_server_restart_under_writers_loses_and_duplicates_nothing(
        postgres_db: str, postgres_cluster: Any) -> None:
    if postgres_cluster is None:
        pytest.skip("restarting needs the throwaway cluster, not $JIXIAO_TEST_PG")
    baseline = bootstrap(postgres_db)
    restarted: list[float] = []

    def restart() -> None:
        time.sleep(2.5)
        postgres_cluster.restart("fast")  # clients cut off, open transactions rolled back
        time.sleep(2.0)
        postgres_cluster.restart("immediate")  # as if the server crashed
        restarted.append(time.monotonic())

    results, _ = run_writers(postgres_db, 8, seconds=12.0, during=restart)
    new = check_log(postgres_db, baseline)
    stored = Counter(e.done for _, _, e in new if isinstance(e, ev.ProgressReported))
    succeeded = {note: at for _, done, _ in results for note, at in done}
    refused = {note: code for _, _, refusals in results for note, code in refusals}
    print(f"\nrestart under 8 writers: {len(succeeded)} stored, refused {Counter(refused.values())}")
    assert max(stored.values()) == 1  # nothing stored twice
    assert set(succeeded) <= set(stored)  # nothing that succeeded was lost
    assert set(refused.values()) <= CLEAR  # every failure is a clear message
    for note in set(stored) - set(succeeded):
        # stored without a success: its commit landed as the connection broke, and the
        # retry was refused as a duplicate (or the writer was told to check the log)
        assert refused.get(note) in {"cmd.duplicate", "store.unreachable"}, note
    assert any(at > restarted[0] for at in succeeded.values())  # writers carried on after
