"""The hash chain's costs: how fast `jixiao verify` checks a log, and what chaining adds
to a save.

Prints, measured in the same run:

- verify: events/s of `verify(app)` (what `jixiao verify` runs) on a log of --events
  events (default 1,000,000), and the wall time of the `jixiao verify` command itself;
- the floor: events/s of one process reading the rows verify reads and hashing exactly
  the bytes verify hashes with hashlib.sha256 (reading, building and hashing all timed;
  printed in full as it runs). Target: verify within 2x of it;
- single-event saves: events/s of one-event saves through jixiao's store with the chain
  and through the same store without it (the library's plain recorder), on fresh files,
  in alternating runs, and the CPU time of each save. Target: the chain costs under 10%.

Figures are the best of --runs runs (the least disturbed by other work on the machine),
with medians beside them. A large SQLite log is verified by worker processes (one per
CPU, up to 4); `verify(app, workers=1)` shows one process alone.

    .venv/bin/python bench/verify.py [--events 1000000] [--saves 500] [--runs 5] [--dir DIR] [--reuse]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from hashlib import sha256
from pathlib import Path
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.application import Application
from eventsourcing.persistence import ApplicationRecorder, StoredEvent

from domain import events as ev
from domain.aggregates import IndicatorAggregate
from domain.codec import encode_event
from store.app import LedgerApp, prepare_sqlite_path, store_env
from store.chain import verify
from store.chain_scan import HEADER
from store.sqlite.chain_source import PARALLEL_MIN

NOTE = "完成高新技术企业申报材料审核推荐，组织培训两场，走访企业{}家"
VERIFY_TARGET = 2.0
SAVE_TARGET = 0.10
ROOT = Path(__file__).resolve().parent.parent


class PlainApp(LedgerApp):
    """jixiao's store without the chain: the library's own SQLite recorder."""

    def construct_recorder(self) -> ApplicationRecorder:
        return Application.construct_recorder(self)


def build(path: Path, n: int, batch: int = 5000) -> float:
    """A ledger of n progress reports over 300 indicators, chained; returns events/s."""
    prepare_sqlite_path(str(path))
    app = LedgerApp(env=store_env(str(path)))
    ids = [uuid5(NAMESPACE_URL, f"bench:{i}") for i in range(300)]
    versions = [0] * len(ids)
    now = dt.datetime(2021, 10, 8, 2, 0, tzinfo=dt.UTC)
    began = time.perf_counter()
    for start in range(0, n, batch):
        stored = []
        for i in range(start, min(start + batch, n)):
            k = i % len(ids)
            versions[k] += 1
            event = ev.ProgressReported(
                originator_id=ids[k], originator_version=versions[k], timestamp=now, actor="yijiepin",
                role="clerk", effective=now.date(), indicator_id=f"K04.{k}", period="2021Q3",
                percent=i % 101, done=NOTE.format(i), problems="无", next_steps="继续推进")
            stored.append(StoredEvent(originator_id=ids[k], originator_version=versions[k],
                                      topic=event.topic(), state=encode_event(event)))
        app.recorder.insert_events(stored)
    elapsed = time.perf_counter() - began
    app.close()
    return n / elapsed


FLOOR = ("one process reads every row verify reads (the same columns, with sqlite3, 1,000 rows a "
         "fetch), builds the bytes it hashes (the previous digest, the header, the id, the topic, the "
         "payload) and hashes them with hashlib.sha256, comparing each digest with the stored one")


def hashlib_alone(path: Path, chunk: int = 1000) -> tuple[float, int, int]:
    """events/s of the floor (see FLOOR): the reading, the bytes and the hashing verify cannot
    avoid, all timed; also the event and byte count."""
    conn = sqlite3.connect(path)
    pack = HEADER.pack
    last = bytes(32)
    count, size = 0, 0
    began = time.perf_counter()
    rows = conn.execute("SELECT rowid, CAST(originator_id AS BLOB), originator_version, "
                        "CAST(topic AS BLOB), state, digest FROM stored_events ORDER BY rowid")
    while batch := rows.fetchmany(chunk):
        for pos, oid, ver, topic, state, digest in batch:
            message = last + pack(pos, len(oid), ver, len(topic)) + oid + topic + state
            size += len(message)
            if sha256(message).digest() != digest:
                raise SystemExit(f"the floor found a broken link at {pos}")
            last = digest
        count += len(batch)
    total = time.perf_counter() - began
    conn.close()
    return count / total, count, size


def verify_rate(path: Path, workers: int | None = None) -> tuple[float, int]:
    app = LedgerApp(env=store_env(str(path)))
    try:
        began = time.perf_counter()
        status = verify(app, workers=workers)
        elapsed = time.perf_counter() - began
    finally:
        app.close()
    assert status.ok, status.message("en")
    return status.count / elapsed, status.count


def verify_command(path: Path) -> float:
    program = Path(sys.executable).parent / "jixiao"
    command = [str(program)] if program.exists() else [sys.executable, "-m", "tui.cli"]
    began = time.perf_counter()
    result = subprocess.run([*command, "--db", str(path), "--lang", "en", "verify"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - began
    assert result.returncode == 0, result.stderr
    return elapsed


def saves(path: Path, n: int, app_class: type[LedgerApp]) -> tuple[float, float]:
    """events/s of n saves of one event each (each durable when it returns), and the CPU
    seconds per save."""
    for suffix in ("", "-wal", "-shm"):  # a fresh file every run
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    prepare_sqlite_path(str(path))
    app = app_class(env=store_env(str(path)))
    aggregate = IndicatorAggregate(uuid5(NAMESPACE_URL, "bench:saves"))
    cpu = time.process_time()
    began = time.perf_counter()
    for i in range(n):
        now = dt.datetime.now(dt.UTC)
        aggregate.trigger(ev.ProgressReported, timestamp=now, actor="yijiepin", role="clerk",
                          effective=now.date(), indicator_id="K04.1", period="2021Q3",
                          percent=i % 101, done=NOTE.format(i))
        app.save(aggregate)
    elapsed = time.perf_counter() - began
    cpu = time.process_time() - cpu
    app.close()
    return n / elapsed, cpu / n


def _runs(rates: list[float]) -> str:
    return ", ".join(f"{r:,.0f}" for r in rates)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", help="where to put the ledgers (default: a temporary directory)")
    parser.add_argument("--reuse", action="store_true", help="keep a log of --events built by an earlier run")
    args = parser.parse_args()
    base = Path(args.dir or tempfile.mkdtemp(prefix="jixiao-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, {os.cpu_count()} cpus, "
          f"load average {os.getloadavg()[0]:.1f}")

    big = base / "big" / "ledger.db"
    if not (args.reuse and big.exists() and _count(big) == args.events):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{big}{suffix}").unlink(missing_ok=True)
        rate = build(big, args.events)
        print(f"built {args.events:,} chained events (bulk insert, 5000 per transaction): {rate:,.0f} events/s")

    print(f"the floor: {FLOOR}")
    verify_rates, single_rates, hash_rates, commands = [], [], [], []
    size = 0
    for _ in range(args.runs):
        rate, count = verify_rate(big)
        verify_rates.append(rate)
        single_rates.append(verify_rate(big, workers=1)[0])
        hashed, hashed_count, size = hashlib_alone(big)
        hash_rates.append(hashed)
        assert hashed_count == count
        commands.append(verify_command(big))
    # best of the runs (the least disturbed by anything else on the machine), and medians
    v, h, single = max(verify_rates), max(hash_rates), max(single_rates)
    ratio = h / v
    print(f"verify(app)            {v:12,.0f} events/s   ({args.events / v:.2f} s for {args.events:,}; "
          f"{'worker processes' if args.events >= PARALLEL_MIN else 'one process'}; "
          f"median {statistics.median(verify_rates):,.0f})")
    print(f"verify(app, workers=1) {single:12,.0f} events/s   (one process: {h / single:.2f}x the floor; "
          f"median {statistics.median(single_rates):,.0f})")
    print(f"`jixiao verify`        {args.events / min(commands):12,.0f} events/s   "
          f"({min(commands):.2f} s wall, process start included)")
    print(f"floor: read + sha256   {h:12,.0f} events/s   (same {size / 1e6:,.0f} MB, "
          f"{size / args.events:.0f} bytes/event; median {statistics.median(hash_rates):,.0f})")
    print(f"verify is {ratio:.2f}x slower than the floor; target <= {VERIFY_TARGET}x: "
          f"{'met' if ratio <= VERIFY_TARGET else 'NOT met'}")

    cost = compare_saves(base, args.saves, args.runs, "on disk")
    print(f"the chain costs {cost:+.1%} per durable save; target < {SAVE_TARGET:.0%}: "
          f"{'met' if cost < SAVE_TARGET else 'NOT met'}")
    memory = Path("/dev/shm")
    if memory.is_dir() and os.access(memory, os.W_OK):
        scratch = Path(tempfile.mkdtemp(prefix="jixiao-bench-", dir=memory))
        try:
            cost = compare_saves(scratch, args.saves * 4, args.runs, "in memory (tmpfs: no disk wait)")
            print(f"the chain costs {cost:+.1%} per save without the disk (its CPU cost alone)")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 0


def compare_saves(base: Path, n: int, runs: int, where: str) -> float:
    """Alternating runs of n one-event saves with and without the chain; the chain's cost."""
    rates: dict[type[LedgerApp], list[tuple[float, float]]] = {LedgerApp: [], PlainApp: []}
    for run in range(runs):
        order = (LedgerApp, PlainApp) if run % 2 == 0 else (PlainApp, LedgerApp)
        for app_class in order:
            path = base / f"saves-{app_class.__name__}-{run}" / "ledger.db"
            rates[app_class].append(saves(path, n, app_class))
    best = {cls: (max(r for r, _ in v), min(t for _, t in v)) for cls, v in rates.items()}
    for cls, label in ((LedgerApp, "chained "), (PlainApp, "no chain")):
        rate, cpu = best[cls]
        print(f"single-event saves {where}, {label} {rate:10,.0f} events/s  {cpu * 1e6:5.0f} us CPU per save  "
              f"(runs: {_runs([r for r, _ in rates[cls]])})")
    return best[PlainApp][0] / best[LedgerApp][0] - 1


def _count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM stored_events").fetchone()[0])
    finally:
        conn.close()


if __name__ == "__main__":
    raise SystemExit(main())
