"""The terminal UI on a large ledger: time to the first usable screen, and to a filtered
audit page.

    python bench/tui.py                      # 1,000,000 events (generated once, then kept)
    python bench/tui.py --events 200000 --db /tmp/ledger.db

Generates the ledger (as bench/replay.py does, in a child process), then builds what the
app opens from (the fold's checkpoint and the audit table, as `jixiao` keeps them beside
the ledger; timed apart). Each measured run is a fresh process that starts the app
headless at 100x30 and reports, counted from the process's launch:

  - first screen: until the standings screen is drawn with the ledger's figures;
  - audit: switching to the audit screen and its first page; then each filter (actor,
    kind, section, indicator, a date range, free text) applied as the user does (Enter
    in an input, a choice in a list): the page's query alone (page_ms) and until the
    page is drawn and the app idle again (with_redraw_ms, what the target is about);
  - time travel: stepping the as-of date back through the quarters;
  - peak memory (max RSS) of the process.

Targets: first screen under 1.0 s, a filtered audit page under 200 ms, under 600 MiB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST_SCREEN_TARGET = 1.0
FILTER_TARGET_MS = 200.0
MEMORY_TARGET_MIB = 600

CHILD = r"""
import asyncio, datetime as dt, json, resource, sys, time
launched = float(sys.argv[2])
from domain.commands import Ledger
from store import open_ledger
from tui.app import JixiaoApp
from tui.screens.standings import StandingsScreen

def ms(t0):
    return round((time.perf_counter() - t0) * 1000, 1)

async def main():
    out = {}
    with open_ledger(sys.argv[1], create=False) as ledger:
        app = JixiaoApp(ledger, "admin", poll_interval=None, steady=True)
        async with app.run_test(size=(100, 30)) as pilot:
            while not (isinstance(app.screen, StandingsScreen) and app.screen._shown >= 0):
                await asyncio.sleep(0.005)
            await pilot.pause()
            out["first_screen_s"] = round(time.time() - launched, 3)
            out["events"] = app.view.position
            out["total"] = str(app.view.standings().total)
            from textual.widgets import Select
            t0 = time.perf_counter()
            await pilot.press("4")
            await pilot.pause()
            screen = app.screen
            while screen._building or not screen._rows:
                await asyncio.sleep(0.01)
            out["audit_first_page_ms"] = ms(t0)
            first = screen._rows[-1]
            plan = app.view.plan
            filters = {
                "actor": ("#au-actor", first.actor),
                "kind": ("#au-kind", "TierAwarded"),
                "section": ("#au-section", plan.sections[0].id),
                "indicator": ("#au-indicator", "K03.1"),
                "date range": (("#au-from", "2021-06-01"), ("#au-to", "2021-06-30")),
                "text": ("#au-text", "加强督促"),
            }
            timings = {}
            for name, spec in filters.items():
                screen.action_clear()
                await pilot.pause()
                pairs = spec if isinstance(spec[0], tuple) else (spec,)
                t0 = time.perf_counter()
                chosen = False
                for selector, value in pairs:
                    widget = screen.query_one(selector)
                    widget.value = value
                    chosen = chosen or isinstance(widget, Select)
                if not chosen:  # typed into an input: Enter loads the page (a choice loads it itself)
                    screen._cursors = [None]
                    screen.load_page()
                await pilot.pause()
                timings[name] = {"page_ms": round(screen.last_ms, 1), "with_redraw_ms": ms(t0),
                                 "rows": len(screen._rows)}
            out["audit_filters"] = timings
            await pilot.press("1")
            await pilot.pause()
            steps = []
            for _ in range(4):
                t0 = time.perf_counter()
                await pilot.press("left_square_bracket")
                await pilot.pause()
                steps.append(ms(t0))
            out["quarter_steps_ms"] = steps
            t0 = time.perf_counter()
            await pilot.press("n")
            await pilot.pause()
            out["back_to_now_ms"] = ms(t0)
    out["max_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print("RESULT " + json.dumps(out, ensure_ascii=False))

asyncio.run(main())
"""


def prepare(db: str) -> dict[str, float]:
    """The checkpoint and the audit table `jixiao` keeps beside the ledger (timed apart)."""
    from projections.audit import AuditTrail
    from projections.live import LiveFold
    from store.app import open_app
    from store.readers import audit_index, checkpoint_store, log_reader

    app = open_app(db, create=False)
    try:
        t0 = time.perf_counter()
        live = LiveFold(log_reader(app), checkpoint=checkpoint_store(app))
        live.open()
        live.save()
        live.close()
        checkpoint_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        with AuditTrail(audit_index(db)) as trail:
            trail.refresh(log_reader(app))
        audit_s = time.perf_counter() - t0
    finally:
        app.close()
    return {"checkpoint_build_s": round(checkpoint_s, 1), "audit_build_s": round(audit_s, 1)}


def run_once(db: str) -> dict[str, object]:
    launched = time.time()
    proc = subprocess.run([sys.executable, "-c", CHILD, db, repr(launched)], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"the app run failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return json.loads(line[len("RESULT "):])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", help="ledger to use (generated there if missing)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    db = args.db or str(Path(tempfile.gettempdir()) / "jixiao-tui-bench" / f"ledger-{args.events}.db")
    Path(db).parent.mkdir(parents=True, exist_ok=True)
    if not Path(db).exists():
        t0 = time.perf_counter()
        code = (f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); sys.path.insert(0, {str(ROOT)!r}); "
                f"from replay import generate; print(generate({db!r}, {args.events}, 2021))")
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        print(f"generated {db} in {time.perf_counter() - t0:.0f} s")
    print(json.dumps(prepare(db)))
    runs = [run_once(db) for _ in range(args.runs)]
    for r in runs:
        print(json.dumps(r, ensure_ascii=False))
    first = sorted(r["first_screen_s"] for r in runs)[len(runs) // 2]  # type: ignore[type-var]
    # what the user waits for after a filter: the page queried and drawn (each run's worst
    # filter, the median over runs); the query alone beside it
    redraws = sorted(max(t["with_redraw_ms"] for t in r["audit_filters"].values())  # type: ignore[union-attr]
                     for r in runs)
    worst_filter = redraws[len(runs) // 2]
    worst_page = max(t["page_ms"] for r in runs for t in r["audit_filters"].values())  # type: ignore[union-attr]
    memory = max(r["max_rss_mib"] for r in runs)  # type: ignore[type-var]
    print(f"events: {runs[0]['events']}")
    print(f"first screen (median of {len(runs)}): {first:.2f} s  (target {FIRST_SCREEN_TARGET} s)"
          f"  {'ok' if first < FIRST_SCREEN_TARGET else 'MISSED'}")
    print(f"filtered audit page, drawn (worst filter, median of {len(runs)}): {worst_filter:.0f} ms"
          f"  (target {FILTER_TARGET_MS:.0f} ms)  {'ok' if worst_filter < FILTER_TARGET_MS else 'MISSED'}"
          f"  · query alone (worst): {worst_page:.0f} ms")
    print(f"peak memory: {memory:.0f} MiB  (target {MEMORY_TARGET_MIB} MiB)"
          f"  {'ok' if memory < MEMORY_TARGET_MIB else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
