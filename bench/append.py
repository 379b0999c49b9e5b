"""Append speed: how fast durable events are saved, and what a `record` costs.

Prints, as medians of several runs on fresh SQLite files (WAL, synchronous=FULL: every
save is on disk when it returns):

- the library's own bare rate: a stock eventsourcing Application saving a stock
  Aggregate, one event per save (the yardstick);
- jixiao's store (msgspec mapper, stable topics, hash chain), one event per save and
  batches of events per save;
- jixiao's command layer: one `record progress` per event (load the user, the plan and
  the indicator, authorise, check, save), and the p50/p99 latency of one command.

Target: the command layer within 1.5x of the bare rate measured in the same run.

    .venv/bin/python bench/append.py [--runs 5] [--events 500] [--batch 100] [--dir DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from uuid import uuid4

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from domain import events as ev
from domain.aggregates import IndicatorAggregate
from domain.plan_io import bundled_plan
from store import open_ledger
from store.app import LedgerApp, prepare_sqlite_path, store_env

TARGET = 1.5
CPU: list[float] = []  # each measure's rate by this process's CPU time (steadier on a busy machine)
NOTE = "完成高新技术企业申报材料审核推荐，组织培训两场"
INDICATORS = ("K04.1", "K04.2", "K04.3", "K05.1", "K05.2", "K06.1")


class Indicator(Aggregate):
    """A stock eventsourcing aggregate: one event per progress report."""

    @event("ProgressReported")
    def report(self, period: str, percent: int, done: str) -> None:
        self.percent = percent


def bare(path: Path, n: int, batch: int) -> float:
    app = Application[object](env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                                   "SQLITE_DBNAME": str(path)})
    aggregate = Indicator()
    app.save(aggregate)
    began, cpu = time.perf_counter(), time.process_time()
    for i in range(n):
        aggregate.report(period="2021Q3", percent=i % 101, done=f"{NOTE}{i}")
        app.save(aggregate)
    CPU.append(n / (time.process_time() - cpu))
    elapsed = time.perf_counter() - began
    app.close()
    return n / elapsed


def _progress(aggregate: IndicatorAggregate, i: int) -> None:
    now = dt.datetime.now(dt.UTC)
    aggregate.trigger(ev.ProgressReported, timestamp=now, actor="yijiepin", role="clerk",
                      effective=now.date(), indicator_id="K04.1", period="2021Q3",
                      percent=i % 101, done=f"{NOTE}{i}")


def store(path: Path, n: int, batch: int) -> float:
    prepare_sqlite_path(str(path))
    app = LedgerApp(env=store_env(str(path)))
    aggregate = IndicatorAggregate(uuid4())
    began, cpu = time.perf_counter(), time.process_time()
    for start in range(0, n, batch):
        for i in range(start, min(start + batch, n)):
            _progress(aggregate, i)
        app.save(aggregate)
    CPU.append(n / (time.process_time() - cpu))
    elapsed = time.perf_counter() - began
    app.close()
    return n / elapsed


def command_layer(path: Path, n: int, latencies: list[float]) -> float:
    with open_ledger(str(path)) as ledger:
        ledger.bootstrap(bundled_plan())
        began, cpu = time.perf_counter(), time.process_time()
        for i in range(n):
            t0 = time.perf_counter()
            ledger.report_progress("yijiepin", INDICATORS[i % len(INDICATORS)], period="2021Q3",
                                   percent=i % 101, done=f"{NOTE}{i}")
            latencies.append(time.perf_counter() - t0)
        CPU.append(n / (time.process_time() - cpu))
        elapsed = time.perf_counter() - began
    return n / elapsed


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (medians are printed)")
    parser.add_argument("--events", type=int, default=500, help="events per run")
    parser.add_argument("--batch", type=int, default=100, help="events per save in the batch figure")
    parser.add_argument("--dir", help="directory for the SQLite files (default: a temporary one; a tmpfs "
                        "directory shows the CPU cost alone, without the disk's fsync)")
    args = parser.parse_args(argv)

    rates: dict[str, list[float]] = {"bare": [], "single": [], "batch": [], "command": []}
    cpu_rates: dict[str, list[float]] = {name: [] for name in rates}
    latencies: list[float] = []
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="jixiao-bench-") as tmp:
        measures: dict[str, Callable[[Path], float]] = {
            "bare": lambda p: bare(p, args.events, 1),
            "single": lambda p: store(p, args.events, 1),
            "batch": lambda p: store(p, args.events * 10, args.batch),
            "command": lambda p: command_layer(p, args.events, latencies),
        }
        for run in range(args.runs):  # interleaved, so drift in the disk hits all alike
            for name, measure in measures.items():
                rates[name].append(measure(Path(tmp) / f"{name}-{run}.db"))
                cpu_rates[name].append(CPU.pop())
    median = {name: statistics.median(values) for name, values in rates.items()}
    ratio = median["bare"] / median["command"]

    print(f"jixiao append benchmark · SQLite WAL, synchronous=FULL · medians of {args.runs} runs")
    print("the floor: a stock eventsourcing Application saving a stock Aggregate, one event per save, "
          "each durable when it returns, into a fresh file in the same directory, in runs interleaved "
          "with jixiao's")
    rows = [
        ("bare eventsourcing Application, stock Aggregate, 1 event/save", median["bare"]),
        ("jixiao store, 1 event/save", median["single"]),
        (f"jixiao store, {args.batch} events/save", median["batch"]),
        ("jixiao command layer, `record progress`, 1 event/command", median["command"]),
    ]
    for label, rate in rows:
        print(f"  {label:<62} {rate:>9,.0f} events/s")
    print(f"  latency of one `record progress`: p50 {percentile(latencies, 50) * 1e3:.2f} ms, "
          f"p99 {percentile(latencies, 99) * 1e3:.2f} ms ({len(latencies)} commands)")
    cpu_median = {name: statistics.median(values) for name, values in cpu_rates.items()}
    cpu_ratio = cpu_median["bare"] / cpu_median["command"]
    print(f"  by CPU time of this process: bare {cpu_median['bare']:,.0f}, store {cpu_median['single']:,.0f}, "
          f"command layer {cpu_median['command']:,.0f} events/s: {cpu_ratio:.2f}x the bare cost per event "
          "(what a tmpfs run measures when the machine is busy)")
    verdict = "met" if ratio <= TARGET else "MISSED"
    print(f"target: command layer within {TARGET}x of the bare rate: {ratio:.2f}x, {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
