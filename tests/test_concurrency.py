"""Many writers on one real SQLite file: nothing lost, nothing duplicated, nothing merged.

Eight processes each record 200 progress reports on indicators they share with the
other writers of their section. Conflicting writes are retried by deciding again; at
the end exactly 1,600 new events are stored and every indicator's versions run 1..n.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter, defaultdict
from typing import Any

from eventsourcing.persistence import IntegrityError

from domain import events as ev
from domain.plan_io import bundled_plan
from store import open_ledger
from tests.stored import stored_events

PROCESSES = 8
COMMANDS = 200
SHARED = {
    "center": ["K04.1", "K04.2", "K05.1"],
    "business": ["K01.1", "K01.2"],
    "office": ["K13.1", "K13.2"],
}
# (user, section): five writers share the centre's three indicators
WRITERS = [("yijiepin", "center"), ("liuyuqin", "center"), ("chenwencai", "center"),
           ("yijiepin", "center"), ("xiewanting", "business"), ("linzefu", "business"),
           ("huangyaqiong", "office"), ("suzhipeng", "office")]


def writer(db: str, number: int, start: Any, results: Any) -> None:
    """One process: COMMANDS progress reports through the command layer."""
    user, section = WRITERS[number]
    indicators = SHARED[section]
    conflicts = 0
    with open_ledger(db) as ledger:
        save = ledger.app.save_aggregates

        def counting_save(aggregates: Any, files: Any = ()) -> Any:
            nonlocal conflicts
            try:
                return save(aggregates, files)
            except IntegrityError:
                conflicts += 1
                raise

        ledger.app.save_aggregates = counting_save  # type: ignore[method-assign]
        start.wait()
        for i in range(COMMANDS):
            ledger.report_progress(user, indicators[i % len(indicators)], period="2021Q3",
                                   percent=i % 101, done=f"w{number}-{i}")
    results.put((number, conflicts))


def test_eight_processes_lose_and_duplicate_nothing(db_path: str) -> None:
    with open_ledger(db_path) as ledger:
        ledger.bootstrap(bundled_plan())
        baseline = ledger.max_position()

    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    workers = [ctx.Process(target=writer, args=(db_path, n, start, results))
               for n in range(PROCESSES)]
    began = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=180)
    elapsed = time.perf_counter() - began
    assert [w.exitcode for w in workers] == [0] * PROCESSES
    conflicts = dict(results.get(timeout=5) for _ in workers)
    print(f"\n{PROCESSES}x{COMMANDS} commands in {elapsed:.1f} s, "
          f"{sum(conflicts.values())} conflicting saves retried")
    assert sum(conflicts.values()) > 0  # the writers did collide, and were retried

    with open_ledger(db_path) as ledger:
        new = stored_events(ledger, baseline)
    assert len(new) == PROCESSES * COMMANDS

    keys = Counter((originator, e.originator_version) for _, originator, e in new)
    assert max(keys.values()) == 1  # no (originator_id, version) twice

    versions: dict[Any, list[int]] = defaultdict(list)
    for _, originator, event in new:
        versions[originator].append(event.originator_version)
    assert len(versions) == sum(len(v) for v in SHARED.values())
    for seen in versions.values():
        assert sorted(seen) == list(range(1, len(seen) + 1))

    notes = Counter(e.done for _, _, e in new if isinstance(e, ev.ProgressReported))
    assert notes == Counter({f"w{n}-{i}": 1 for n in range(PROCESSES) for i in range(COMMANDS)})
    positions = [p for p, _, _ in new]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
