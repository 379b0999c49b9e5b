"""Many people at once: N terminal UI sessions on one ledger while clerks record events.

    python bench/ssh_capacity.py                          # 10, 50 and 100 sessions, a demo year (SQLite)
    python bench/ssh_capacity.py --sessions 10,50 --db postgresql://jixiao_owner@127.0.0.1/bench

Each session is the terminal UI (`JixiaoApp`, Textual's headless driver at 100x30) in a
process of its own, as an SSH login runs one, signed in as one of the plan's people and
following the log as it does for a user: its poll every second and the watched head
(SQLite) or LISTEN/NOTIFY (PostgreSQL). Not through sshd: the SSH transport's own cost is
not counted.

For each N, after every session shows its first screen:
  - writing: --writers processes, one clerk each, record a progress report every --gap
    seconds for --seconds. For every commit, the time from the writer's commit returning
    to the last session having folded it and drawn its screen again (the frame after the
    redraw): p50 and p95 over the commits, and how many commits some session never showed;
  - idle: no writer for --idle seconds; the CPU each session used (utime + stime from
    /proc, threads included) as a share of one core, mean and max, and how many redraws
    the sessions made (nothing changed: there should be none);
  - memory: the sessions' mean peak RSS.

Targets on a 2-core machine: 50 sessions, p95 under 2 s; an idle session under 1 % of a core.
The ledger is generated in a temporary directory (or at --db, if it holds no ledger yet).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

P95_TARGET_S = 2.0
IDLE_TARGET = 0.01  # of one core

SESSION = r"""
import asyncio, json, resource, signal, sys, time
db, actor, out = sys.argv[1:4]
from store import open_ledger
from tui.app import JixiaoApp
from tui.screens.standings import StandingsScreen

async def main():
    seen, marks = [], {"redraws": 0}
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGUSR1, lambda: marks.__setitem__("idle_from", marks["redraws"]))
    with open_ledger(db, create=False) as ledger:
        app = JixiaoApp(ledger, actor, steady=True)
        async with app.run_test(size=(100, 30)):
            while not (isinstance(app.screen, StandingsScreen) and app.screen._shown >= 0):
                await asyncio.sleep(0.02)
            changed = app.changed

            def watched():
                changed()
                marks["redraws"] += 1
                position = app.view.position
                # shown: the frame after the redraw
                app.call_after_refresh(lambda: seen.append((position, time.time())))

            app.changed = watched
            print("READY", flush=True)
            await stop.wait()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    idle_redraws = marks["redraws"] - marks.get("idle_from", marks["redraws"])
    with open(out, "w") as f:
        json.dump({"seen": seen, "rss": rss, "idle_redraws": idle_redraws}, f)

asyncio.run(main())
"""

WRITER = r"""
import json, sys, time
db, user, indicators, gap, seconds, out = sys.argv[1:7]
indicators, gap, seconds = indicators.split(","), float(gap), float(seconds)
from store import open_ledger
saved = []
with open_ledger(db, create=False) as ledger:
    until = time.monotonic() + seconds
    i = 0
    while time.monotonic() < until:
        started = time.monotonic()
        ledger.report_progress(user, indicators[i % len(indicators)], period="2021Q4", percent=i % 101,
                               done=f"{user} 第{i}次进展（{out}）", reason="容量测试")
        saved.append((ledger.last_positions[-1], time.time()))
        i += 1
        time.sleep(max(0.0, gap - (time.monotonic() - started)))
with open(out, "w") as f:
    json.dump(saved, f)
"""


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def people() -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Who the sessions sign in as (every person of the bundled plan with a role), and the
    writers' (clerk, indicators) pairs: clerks and section heads, each with indicators of
    their own section."""
    from domain.commands import roles_from_plan
    from domain.plan_io import bundled_plan

    plan = bundled_plan()
    viewers = [p.id for p in plan.people if roles_from_plan(p)]
    leaves: dict[str, list[str]] = {}
    for ind, _ in plan.walk():
        if not ind.children:
            leaves.setdefault(ind.section, []).append(ind.id)
    writers = [(p.id, leaves[p.section]) for p in plan.people
               if p.section in leaves and {"clerk", "section_head"} & set(roles_from_plan(p))]
    return viewers, writers


def prepare(db: str) -> None:
    """A demo year in a new ledger, and the checkpoint every session opens from."""
    from domain.demo import generate
    from projections.live import LiveFold
    from store import open_store
    from store.app import open_app
    from store.readers import checkpoint_store, log_reader

    with open_store(db) as store:
        if not store.app.recorder.max_notification_id():
            generate(store)
    app = open_app(db, create=False)
    try:
        live = LiveFold(log_reader(app), checkpoint=checkpoint_store(app))
        live.open()
        live.save()
        live.close()
    finally:
        app.close()


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def run_level(db: str, count: int, args: argparse.Namespace, tmp: str) -> dict[str, Any]:
    sessions: list[subprocess.Popen[str]] = []
    try:
        return _run_level(db, count, args, tmp, sessions)
    finally:  # a session left waiting for its signal would run on
        for p in sessions:
            if p.poll() is None:
                p.kill()
                p.wait()


def _run_level(db: str, count: int, args: argparse.Namespace, tmp: str,
               sessions: list[subprocess.Popen[str]]) -> dict[str, Any]:
    viewers, writers = people()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outs = []
    started = time.monotonic()
    for k in range(count):
        out = os.path.join(tmp, f"session-{count}-{k}.json")
        outs.append(out)
        sessions.append(subprocess.Popen([sys.executable, "-c", SESSION, db, viewers[k % len(viewers)], out],
                                         cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                         stderr=open(out + ".err", "w"), text=True))
    for p, out in zip(sessions, outs, strict=True):
        assert p.stdout is not None
        if not p.stdout.readline().startswith("READY"):
            raise SystemExit(f"a session did not start: {Path(out + '.err').read_text()[-2000:]}")
    launched = time.monotonic() - started
    time.sleep(3)  # the sessions' first verification and checkpoint work done

    # writing
    writer_outs = []
    procs = []
    for k in range(args.writers):
        user, indicators = writers[k % len(writers)]
        out = os.path.join(tmp, f"writer-{count}-{k}.json")
        writer_outs.append(out)
        procs.append(subprocess.Popen([sys.executable, "-c", WRITER, db, user, ",".join(indicators),
                                       str(args.gap), str(args.seconds), out], cwd=ROOT, env=env,
                                      stderr=open(out + ".err", "w")))
        time.sleep(args.gap / args.writers)  # spread the writers' commits over the gap
    for p, out in zip(procs, writer_outs, strict=True):
        if p.wait():
            raise SystemExit(f"a writer failed: {Path(out + '.err').read_text()[-2000:]}")
    time.sleep(max(3.0, P95_TARGET_S * 2))  # the last commits shown (or late)

    # idle
    for p in sessions:
        p.send_signal(signal.SIGUSR1)
    time.sleep(1)
    before = {p.pid: cpu_ticks(p.pid) for p in sessions}
    t0 = time.monotonic()
    time.sleep(args.idle)
    ticks = {p.pid: cpu_ticks(p.pid) - before[p.pid] for p in sessions}
    idle_for = time.monotonic() - t0
    hz = os.sysconf("SC_CLK_TCK")
    idle = [ticks[p.pid] / hz / idle_for for p in sessions]

    for p in sessions:
        p.send_signal(signal.SIGTERM)
    for p in sessions:
        p.wait(timeout=120)
    results = [json.loads(Path(o).read_text()) for o in outs]
    saved = [tuple(s) for out in writer_outs for s in json.loads(Path(out).read_text())]
    delays, unseen = [], 0
    for position, at in saved:
        latest = 0.0
        for r in results:
            when = next((t for p, t in r["seen"] if p >= position), None)
            if when is None:
                unseen += 1
                break
            latest = max(latest, when - at)
        else:
            delays.append(latest)
    return {"sessions": count, "launch_s": round(launched, 1), "commits": len(saved), "unseen": unseen,
            "seen_p50_s": pct(delays, 0.5), "seen_p95_s": pct(delays, 0.95),
            "idle_cpu_mean": statistics.mean(idle), "idle_cpu_max": max(idle),
            "idle_redraws": sum(r["idle_redraws"] for r in results),
            "rss_mib": statistics.mean(r["rss"] for r in results)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", default="10,50,100", help="numbers of sessions to try")
    parser.add_argument("--db", help="ledger location (default: a demo year in a temporary directory)")
    parser.add_argument("--writers", type=int, default=2, help="writer processes, one clerk each")
    parser.add_argument("--gap", type=float, default=2.0, help="seconds between one writer's commits")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the writers write")
    parser.add_argument("--idle", type=float, default=20.0, help="seconds of idle measured")
    args = parser.parse_args()
    levels = [int(n) for n in args.sessions.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or os.path.join(tmp, "ledger.db")
        prepare(db)
        print(f"ledger: {db if args.db else 'a demo year'}; {args.writers} writers, a commit every "
              f"{args.gap:g} s each, for {args.seconds:g} s; idle measured over {args.idle:g} s", flush=True)
        rows = []
        for count in levels:
            r = run_level(db, count, args, tmp)
            rows.append(r)
            print(f"{count:3} sessions: commit to every session showing it p50 {r['seen_p50_s']:5.2f} s "
                  f"p95 {r['seen_p95_s']:5.2f} s ({r['commits']} commits, {r['unseen']} not shown by all)   "
                  f"idle session CPU mean {r['idle_cpu_mean']:6.2%} max {r['idle_cpu_max']:6.2%} of a core, "
                  f"{r['idle_redraws']} idle redraws   {r['rss_mib']:.0f} MiB/session   "
                  f"(started in {r['launch_s']:.0f} s)", flush=True)
        fifty = next((r for r in rows if r["sessions"] == 50), None)
        if fifty is not None:
            met = fifty["seen_p95_s"] < P95_TARGET_S and not fifty["unseen"]
            print(f"target 50 sessions p95 under {P95_TARGET_S:g} s: {'met' if met else 'NOT met'}")
        worst_idle = max(r["idle_cpu_mean"] for r in rows)
        print(f"target idle session under {IDLE_TARGET:.0%} of a core: "
              f"{'met' if worst_idle < IDLE_TARGET else 'NOT met'} (worst mean {worst_idle:.2%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
