"""PostgreSQL benchmark: appends by concurrent writers, a replay of 1,000,000 events, the
delay from a commit to a following projection, and how many clerks' sessions one server
holds.

    python bench/pg.py                              # everything, 1,000,000 events
    python bench/pg.py --events 200000 --skip clerks
    python bench/pg.py --only clerks --clerks 20,40,60
    JIXIAO_BENCH_PG=postgresql://jixiao@127.0.0.1:5432/postgres python bench/pg.py

The server is $JIXIAO_BENCH_PG (a database `jixiao_bench_*` is created on it and dropped
afterwards) or else a throwaway cluster of the Debian binaries in a temporary directory,
with the server's default durability (fsync on), stopped at the end.

  append     1, 4 and 16 writer processes, each recording progress reports through the
             command layer (load, authorise, check, save with the hash chain) on
             indicators of its own for a fixed time: events/s, p50/p99 per command.
  replay     N events (as bench/replay.py generates them) moved into PostgreSQL with
             `jixiao migrate` (timed), then (a) the floor: every row read with psycopg
             and decoded with msgspec; (b) jixiao's rebuild: the year fold over the log
             plus the standings of every plan. `replay ratio` is (b) over (a), by
             wall-clock time (the server's work is part of both) and by this process's
             CPU time. Target: >= 0.5.
  follow     a writer process records 200 commands 50 ms apart while this process
             follows the log (`LiveFold.follow`: the library's LISTEN/NOTIFY
             subscription); the delay from each command's return (its commit) to the
             fold holding the event: p50/p99/max. The same on SQLite for comparison.
  clerks     N terminal UIs (the real Textual app, headless, one process per clerk as
             one SSH session runs one) on a demo year; each clerk records an entry every
             `--think` seconds (randomised). Per N: p50/p95 of a command's time, p50/p95
             of the delay until every other clerk's screen holds the event, CPU use of
             the machine, memory per session. A level passes while p95 command time is
             under 1 s and p95 delay under 2 s.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# -- the server ----------------------------------------------------------------------------
@contextlib.contextmanager
def server() -> Iterator[str]:
    """The URL of a server on which databases may be created (started here if need be)."""
    url = os.environ.get("JIXIAO_BENCH_PG")
    if url:
        yield url
        return
    from tests.pg import Cluster, _binaries

    bindir = _binaries()
    if bindir is None:
        raise SystemExit("no PostgreSQL: install postgresql or set JIXIAO_BENCH_PG")
    cluster = Cluster(bindir)
    try:
        yield cluster.start(settings=("max_connections=400", "shared_buffers=256MB"))
    finally:
        cluster.stop()


_numbers = iter(range(1, 10**6))


@contextlib.contextmanager
def database(url: str, options: str = "") -> Iterator[str]:
    """A new database on the server at `url` for the block (CREATE DATABASE ... `options`),
    dropped after it."""
    from urllib.parse import urlparse, urlunparse

    from tests.pg import _connect

    name = f"jixiao_bench_{os.getpid()}_{next(_numbers)}"
    with _connect(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}" {options}')
    try:
        yield urlunparse(urlparse(url)._replace(path=f"/{name}"))
    finally:
        with _connect(url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def init(db: str) -> None:
    out = subprocess.run([sys.executable, "-m", "tui.cli", "--db", db, "init", "--example"], cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


# -- append --------------------------------------------------------------------------------
def writer_tasks(count: int) -> list[tuple[str, list[str]]]:
    """(user, indicators) for each writer: clerks and section heads of the bundled plan,
    each writer with indicators no other writer touches."""
    from domain.commands import roles_from_plan
    from domain.plan_io import bundled_plan

    plan = bundled_plan()
    users: dict[str, list[str]] = {}
    for person in plan.people:
        if person.section and {"clerk", "section_head"} & set(roles_from_plan(person)):
            users.setdefault(person.section, []).append(person.id)
    leaves: dict[str, list[str]] = {}
    for ind, _ in plan.walk():
        if not ind.children:
            leaves.setdefault(ind.section, []).append(ind.id)
    sections = sorted(users)
    per_section = [[k for k in range(count) if k % len(sections) == i] for i in range(len(sections))]
    tasks: list[tuple[str, list[str]]] = [("", [])] * count
    for i, section in enumerate(sections):
        mine = per_section[i]
        for j, k in enumerate(mine):
            tasks[k] = (users[section][j % len(users[section])], leaves[section][j::len(mine)])
    return tasks


def _append_worker(db: str, user: str, indicators: list[str], seconds: float, start: Any,
                   results: Any) -> None:
    from store import open_ledger

    latencies: list[float] = []
    with open_ledger(db, create=False) as ledger:
        ledger.report_progress(user, indicators[0], period="2021Q1", percent=1, done="warm-up")
        start.wait()
        deadline = time.monotonic() + seconds
        i = 0
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            ledger.report_progress(user, indicators[i % len(indicators)], period="2021Q3",
                                   percent=i % 101, done=f"{user} 第{i}次进展：完成材料报送")
            latencies.append(time.perf_counter() - t0)
            i += 1
    results.put(latencies)


def bench_append(url: str, seconds: float) -> list[dict[str, Any]]:
    print(f"\n== append: writer processes for {seconds:.0f} s each, one event per command", flush=True)
    rows = []
    for count in (1, 4, 16):
        with database(url) as db:
            init(db)
            ctx = multiprocessing.get_context("spawn")
            start, results = ctx.Barrier(count + 1), ctx.Queue()
            procs = [ctx.Process(target=_append_worker, args=(db, user, inds, seconds, start, results))
                     for user, inds in writer_tasks(count)]
            for p in procs:
                p.start()
            start.wait(timeout=300)
            began = time.perf_counter()
            latencies = [x for _ in procs for x in results.get(timeout=seconds + 300)]
            elapsed = time.perf_counter() - began
            for p in procs:
                p.join()
            from store.app import open_app
            from store.chain import verify

            app = open_app(db, create=False)
            ok = verify(app).ok
            app.close()
        row = {"writers": count, "events": len(latencies), "events_per_s": len(latencies) / elapsed,
               "p50_ms": 1000 * pct(latencies, 0.5), "p99_ms": 1000 * pct(latencies, 0.99), "chain_ok": ok}
        rows.append(row)
        print(f"{count:3} writers: {row['events_per_s']:8.0f} events/s   p50 {row['p50_ms']:6.1f} ms   "
              f"p99 {row['p99_ms']:6.1f} ms   ({row['events']} events, chain verifies: {ok})", flush=True)
    return rows


# -- replay --------------------------------------------------------------------------------
def raw_floor(db: str) -> int:
    """Every row read with psycopg (a server-side cursor, binary rows) and decoded into its
    typed struct with msgspec; the cyclic collector off, as the fold runs."""
    import msgspec
    import psycopg

    from domain.events import EVENT_TYPES
    from store.app import pg_connect_args

    decoders = {t.topic(): msgspec.json.Decoder(t).decode for t in EVENT_TYPES}
    n = 0
    gc.disable()
    try:
        with psycopg.connect(**pg_connect_args(db)) as conn, conn.cursor("floor", binary=True) as cursor:
            cursor.itersize = 10_000
            cursor.execute("SELECT notification_id, originator_id, topic, state FROM jixiao_events "
                           "ORDER BY notification_id")
            while rows := cursor.fetchmany(10_000):
                for _, _, topic, state in rows:
                    decoders[topic](state)
                n += len(rows)
    finally:
        gc.enable()
    return n


def rebuild(app: Any) -> int:
    import datetime as dt

    from domain.validate import business_date
    from projections.replay import rebuild as rebuild_projections
    from store.readers import log_reader

    return rebuild_projections(log_reader(app), business_date(dt.datetime.now(dt.UTC))).position


def timed(label: str, run: Any, events: int) -> tuple[float, float]:
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{label:<56} {wall:7.2f} s wall {cpu:7.2f} s CPU  {events / wall:9,.0f} events/s wall "
          f"({events / cpu:,.0f}/s CPU)", flush=True)
    return wall, cpu


def bench_replay(url: str, events: int, keep: str | None) -> dict[str, Any]:
    from store.app import open_app
    from store.migrate import move

    print(f"\n== replay: {events:,} events", flush=True)
    with tempfile.TemporaryDirectory() as tmp, database(url) as db:
        source = keep or os.path.join(tmp, "bench.db")
        if not Path(source).exists():
            started = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "bench" / "replay.py"), "--generate-only", "--db",
                            source, "--events", str(events)], check=True, capture_output=True, cwd=ROOT)
            print(f"generated into SQLite in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        moved = move(source, db)
        took = time.perf_counter() - started
        n = moved.count
        print(f"{'jixiao migrate SQLite -> PostgreSQL (chain re-verified)':<56} {took:7.2f} s wall "
              f"{' ' * 16}{n / took:9,.0f} events/s", flush=True)
        app = open_app(db, create=False)
        try:
            rebuild(app)  # once to warm the server's cache; then each in turn, twice
            floors, fulls = [], []
            for _ in range(2):
                floors.append(timed("(a) floor: psycopg + msgspec decode", lambda: raw_floor(db), n))
                fulls.append(timed("(b) jixiao: year fold + standings of every plan", lambda: rebuild(app), n))
        finally:
            app.close()
    floor_wall, floor_cpu = min(f[0] for f in floors), min(f[1] for f in floors)
    full_wall, full_cpu = min(f[0] for f in fulls), min(f[1] for f in fulls)
    result = {"events": n, "migrate_s": took, "floor_wall_s": floor_wall, "rebuild_wall_s": full_wall,
              "ratio_wall": floor_wall / full_wall, "ratio_cpu": floor_cpu / full_cpu}
    print(f"replay ratio (wall-clock time): {result['ratio_wall']:.2f}")
    print(f"replay ratio (CPU time of this process): {result['ratio_cpu']:.2f}   target >= 0.5")
    return result


# -- follow --------------------------------------------------------------------------------
def _follow_writer(db: str, count: int, gap: float, out: Any) -> None:
    from store import open_ledger

    with open_ledger(db, create=False) as ledger:
        out.send(("ready", 0, 0.0))
        for i in range(count):
            time.sleep(gap)
            ledger.report_progress("yijiepin", ("K04.1", "K04.2", "K05.1")[i % 3], period="2021Q3",
                                   percent=i % 101, done=f"跟随测试{i}")
            out.send(("saved", ledger.last_positions[-1], time.monotonic()))
    out.send(("done", 0, 0.0))


def follow_delays(db: str, count: int = 200, gap: float = 0.05) -> list[float]:
    from projections.live import LiveFold
    from store.app import open_app
    from store.readers import log_reader

    app = open_app(db, create=False)
    live = LiveFold(log_reader(app))
    live.open()
    woken = threading.Event()
    applied: dict[int, float] = {}
    live.follow(woken.set, interval=0.2)
    stop = threading.Event()

    def apply() -> None:
        while not stop.is_set():
            if woken.wait(0.5):
                woken.clear()
                before = live.fold.position
                live.poll()
                now = time.monotonic()
                for p in range(before + 1, live.fold.position + 1):
                    applied.setdefault(p, now)

    follower = threading.Thread(target=apply, daemon=True)
    follower.start()
    ctx = multiprocessing.get_context("spawn")
    mine, theirs = ctx.Pipe()
    writer = ctx.Process(target=_follow_writer, args=(db, count, gap, theirs))
    writer.start()
    saved: dict[int, float] = {}
    while True:
        kind, position, at = mine.recv()
        if kind == "saved":
            saved[position] = at
        elif kind == "done":
            break
    writer.join()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(p in applied for p in saved):
        time.sleep(0.01)
    stop.set()
    follower.join()
    live.close()
    app.close()
    return [max(0.0, applied[p] - t) for p, t in saved.items() if p in applied]


def bench_follow(url: str) -> dict[str, Any]:
    print("\n== follow: commit -> following fold, 200 commands 50 ms apart", flush=True)
    result = {}
    with database(url) as db:
        init(db)
        delays = follow_delays(db)
    result["postgres"] = delays
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "follow.db")
        init(db)
        result["sqlite"] = follow_delays(db)
    for name, delays in result.items():
        how = "LISTEN/NOTIFY subscription" if name == "postgres" else "head watched every 0.2 s"
        print(f"{name:<9} ({how}): p50 {1000 * pct(delays, 0.5):6.1f} ms  p99 {1000 * pct(delays, 0.99):6.1f} ms  "
              f"max {1000 * max(delays):6.1f} ms  ({len(delays)} events)", flush=True)
    return {k: {"p50_ms": 1000 * pct(v, 0.5), "p99_ms": 1000 * pct(v, 0.99)} for k, v in result.items()}


# -- clerks --------------------------------------------------------------------------------
CLERK = r"""
import asyncio, json, random, resource, sys, time
db, actor, indicators, out = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[6]
think, until = float(sys.argv[4]), float(sys.argv[5])
from domain.commands import Ledger
from store import open_ledger
from tui.app import JixiaoApp
from tui.screens.standings import StandingsScreen

async def main():
    seen, saved, took, errors = [], [], [], []
    with open_ledger(db, create=False) as ledger:
        app = JixiaoApp(ledger, actor, steady=True)
        async with app.run_test(size=(100, 30)) as pilot:
            while not (isinstance(app.screen, StandingsScreen) and app.screen._shown >= 0):
                await asyncio.sleep(0.01)
            poll = app.view.poll

            def watched():
                n = poll()
                if n:
                    seen.append((app.view.position, time.monotonic()))
                return n

            app.view.poll = watched
            print("READY", flush=True)
            rng = random.Random(actor + out)
            i = 0
            await asyncio.sleep(rng.uniform(0, think))
            while time.monotonic() < until:
                committed = []

                def entry(l, i=i):
                    event = l.report_progress(actor, indicators[i % len(indicators)], period="2021Q4",
                                              percent=i % 101, done=f"{actor} 会话 {out.rsplit('/', 1)[-1]} 第{i}次")
                    committed.append(time.monotonic())
                    return event

                t0 = time.perf_counter()
                try:
                    app.record(entry)  # the save, then this clerk's own screen brought up to date
                except Exception as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
                else:
                    took.append(time.perf_counter() - t0)
                    saved.append((app.ledger.last_positions[-1], committed[-1]))
                await pilot.pause()
                i += 1
                await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
            await asyncio.sleep(3)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open(out, "w") as f:
        json.dump({"seen": seen, "saved": saved, "took": took, "rss": rss, "errors": errors}, f)

asyncio.run(main())
"""


def cpu_busy() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def bench_clerks(url: str, levels: list[int], think: float, seconds: float) -> list[dict[str, Any]]:
    from domain.demo import generate
    from projections.live import LiveFold
    from store import open_store
    from store.app import open_app
    from store.postgres.views import create_view_tables
    from store.readers import checkpoint_store, log_reader

    print(f"\n== clerks: terminal UIs on one server, an entry every ~{think:.0f} s each, {seconds:.0f} s per level",
          flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp, database(url) as demo:
        # a demo year, and the checkpoint every session opens from
        with open_store(demo) as demo_store:
            generate(demo_store)
        create_view_tables(demo)
        app = open_app(demo, create=False)
        live = LiveFold(log_reader(app), checkpoint=checkpoint_store(app))
        live.open()
        live.save()
        live.close()
        app.close()
        for count in levels:
            rows.append(run_clerks(demo, count, think, seconds, tmp))
            r = rows[-1]
            verdict = "holds" if r["ok"] else "too many"
            print(f"{count:3} clerks: command p50 {r['cmd_p50_ms']:6.0f} ms p95 {r['cmd_p95_ms']:6.0f} ms   "
                  f"seen by all p50 {r['seen_p50_ms']:6.0f} ms p95 {r['seen_p95_ms']:6.0f} ms   "
                  f"CPU {r['cpu']:4.0%}   {r['rss_mib']:4.0f} MiB/session   {r['connections']} connections   "
                  f"{r['commands']} commands   {verdict}", flush=True)
    return rows


def run_clerks(db: str, count: int, think: float, seconds: float, tmp: str) -> dict[str, Any]:
    tasks = writer_tasks(count)
    procs, outs = [], []
    launch_for = 2.5 * count + 30  # a session starts in about a second of CPU; logins spread
    until = time.monotonic() + launch_for + seconds
    for k, (user, inds) in enumerate(tasks):
        out = os.path.join(tmp, f"clerk-{count}-{k}.json")
        outs.append(out)
        procs.append(subprocess.Popen(
            [sys.executable, "-c", CLERK, db, user, ",".join(inds), str(think), str(until), out],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=open(out + ".err", "w"), text=True))
    for p in procs:
        assert p.stdout is not None
        line = p.stdout.readline()
        if not line.startswith("READY"):
            raise SystemExit(f"a clerk's session did not start ({p.wait()})")
    wait = until - seconds - time.monotonic()
    if wait < 0:
        print(f"   (sessions took {launch_for - wait:.0f} s to start; measuring {until - time.monotonic():.0f} s)")
    time.sleep(max(0.0, wait))
    from tests.pg import _connect

    with _connect(db) as conn:  # connections the sessions hold (LISTEN, pool, audit)
        connections = conn.execute("SELECT count(*) - 1 FROM pg_stat_activity WHERE datname = current_database()"
                                   ).fetchone()[0]
    busy0, total0 = cpu_busy()
    measured_from = time.monotonic()
    for p in procs:
        p.wait()
    busy1, total1 = cpu_busy()
    missing = [o for o in outs if not Path(o).exists()]
    if missing:
        raise SystemExit(f"{len(missing)} sessions failed: " + Path(missing[0] + ".err").read_text()[-2000:])
    results = [json.loads(Path(o).read_text()) for o in outs]
    errors = [e for r in results for e in r["errors"]]
    saved = {pos: at for r in results for pos, at in r["saved"] if at >= measured_from}
    took = [t for r in results for t in r["took"]]
    delays = []
    for pos, at in saved.items():
        latest = 0.0
        for r in results:
            when = next((t for p, t in r["seen"] if p >= pos), None)
            if when is None:
                continue
            latest = max(latest, when - at)
        delays.append(max(0.0, latest))
    row = {"clerks": count, "commands": len(took), "cmd_p50_ms": 1000 * pct(took, 0.5),
           "cmd_p95_ms": 1000 * pct(took, 0.95), "seen_p50_ms": 1000 * pct(delays, 0.5),
           "seen_p95_ms": 1000 * pct(delays, 0.95), "cpu": (busy1 - busy0) / max(1, total1 - total0),
           "rss_mib": statistics.mean(r["rss"] for r in results), "connections": connections}
    row["errors"] = len(errors)
    row["ok"] = row["cmd_p95_ms"] < 1000 and row["seen_p95_ms"] < 2000 and not errors
    if errors:
        print(f"   {len(errors)} commands failed, e.g. {errors[0]}")
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events to replay")
    parser.add_argument("--append-seconds", type=float, default=10.0)
    parser.add_argument("--clerks", default="10,20,40,60", help="numbers of sessions to try")
    parser.add_argument("--think", type=float, default=30.0, help="seconds between a clerk's entries")
    parser.add_argument("--clerk-seconds", type=float, default=90.0, help="seconds measured per level")
    parser.add_argument("--keep", help="keep (or reuse) the generated SQLite ledger here")
    parser.add_argument("--only", choices=("append", "replay", "follow", "clerks"), action="append")
    parser.add_argument("--skip", choices=("append", "replay", "follow", "clerks"), action="append", default=[])
    args = parser.parse_args()
    parts = [p for p in (args.only or ["append", "replay", "follow", "clerks"]) if p not in args.skip]
    print(f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}", flush=True)
    results: dict[str, Any] = {}
    with server() as url:
        from tests.pg import _connect

        with _connect(url) as conn:
            print(conn.execute("SELECT version()").fetchone()[0].split(" on ")[0], flush=True)
        if "append" in parts:
            results["append"] = bench_append(url, args.append_seconds)
        if "replay" in parts:
            results["replay"] = bench_replay(url, args.events, args.keep)
        if "follow" in parts:
            results["follow"] = bench_follow(url)
        if "clerks" in parts:
            levels = [int(x) for x in args.clerks.split(",")]
            results["clerks"] = bench_clerks(url, levels, args.think, args.clerk_seconds)
    print("RESULT " + json.dumps(results, default=float))
    if "replay" in results:
        print(f"replay ratio: {results['replay']['ratio_wall']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
