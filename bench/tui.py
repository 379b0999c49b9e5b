"""The terminal UI on a large ledger: time to the first usable screen, cold and warm, and
the audit trail's interactive paths.

    python bench/tui.py                      # 1,000,000 events (generated once, then kept)
    python bench/tui.py --events 200000 --db bench-data/ledger.db

Generates the ledger if --db holds none (as bench/replay.py does, in a child process).
Every measured run is a new process that starts the app headless at 100x30 and reports,
counted from the process's launch:

  - cold: first the ledger's derived files are removed (the fold's checkpoint and the
    audit table kept beside it), so the app starts as on a ledger just migrated or moved:
    no checkpoint, no audit table. One cold run, then:
  - warm: --runs runs on what the cold run (and `jixiao` after it) left behind, the
    checkpoint saved and the audit table current (their building timed apart).

Each run reports:
  - first screen: until the standings screen is drawn with the ledger's figures;
  - the audit paths, each until the page is drawn and the app idle again: switching to
    the audit screen (its first page); each filter applied as the user does (Enter in an
    input, a choice in a list): actor, kind, section, indicator, a date range, and free
    text of 1, 2 and 4 characters that match rows and of 1, 2 and 4 characters that
    match none (the bench checks that the ones meant to match do); opening an event's
    detail (moving to the next row); stepping a quarter back with `[` and forward
    with `]` on the standings;
  - peak memory (max RSS) of the process.

The lines read by scripts: `cold first screen: S s` (the cold run), `warm first screen:
S s` (median of the warm runs) and `audit worst: MS ms` (the slowest audit path: the
cold run's slowest, or the median of the warm runs' slowest, whichever is slower).
Targets: first screen under 1.0 s, cold or warm; every audit path under 200 ms; under
600 MiB.
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST_SCREEN_TARGET = 1.0
AUDIT_TARGET_MS = 200.0
MEMORY_TARGET_MIB = 600

# (name, [(widget, value), ...], whether rows must match)
FILTERS = [
    ("actor", [("#au-actor", "{actor}")], True),
    ("kind", [("#au-kind", "TierAwarded")], True),
    ("section", [("#au-section", "{section}")], True),
    ("indicator", [("#au-indicator", "{indicator}")], True),
    ("date range", [("#au-from", "2021-06-01"), ("#au-to", "2021-06-30")], True),
    ("text, 1 char", [("#au-text", "档")], True),
    ("text, 2 chars", [("#au-text", "扣分")], True),
    ("text, 4 chars", [("#au-text", "推进落实")], True),
    ("text, 1 char, no match", [("#au-text", "龘")], False),
    ("text, 2 chars, no match", [("#au-text", "龘龘")], False),
    ("text, 4 chars, no match", [("#au-text", "无此字样")], False),
]

CHILD = r"""
import asyncio, datetime as dt, json, resource, sys, time
launched = float(sys.argv[2])
filters = json.loads(sys.argv[3])
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
            from textual.widgets import DataTable, Select
            paths = {}
            t0 = time.perf_counter()
            await pilot.press("4")
            await pilot.pause()
            screen = app.screen
            while screen._building or not screen._rows:
                await asyncio.sleep(0.01)
            await pilot.pause()
            paths["switch to audit (first page)"] = {"ms": ms(t0), "rows": len(screen._rows)}
            first = screen._rows[-1]
            plan = app.view.plan
            values = {"actor": first.actor, "section": plan.sections[0].id,
                      "indicator": next(ind.id for ind, _ in plan.leaves())}
            for name, pairs, must_match in filters:
                screen.action_clear()
                await pilot.pause()
                t0 = time.perf_counter()
                chosen = False
                for selector, value in pairs:
                    widget = screen.query_one(selector)
                    widget.value = value.format(**values)
                    chosen = chosen or isinstance(widget, Select)
                if not chosen:  # typed into an input: Enter loads the page (a choice loads it itself)
                    screen._cursors = [None]
                    screen.load_page()
                await pilot.pause()
                paths["filter: " + name] = {"ms": ms(t0), "query_ms": round(screen.last_ms, 1),
                                            "rows": len(screen._rows), "must_match": must_match}
            screen.action_clear()
            await pilot.pause()
            table = screen.query_one("#au-table", DataTable)
            table.focus()
            await pilot.pause()
            t0 = time.perf_counter()
            await pilot.press("down")
            await pilot.pause()
            paths["open an event's detail"] = {"ms": ms(t0), "position": screen._selected}
            await pilot.press("1")
            await pilot.pause()
            for key, label in (("left_square_bracket", "quarter back ["), ("left_square_bracket", "quarter back ["),
                               ("right_square_bracket", "quarter forward ]"),
                               ("right_square_bracket", "quarter forward ]")):
                t0 = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                took = ms(t0)
                entry = paths.setdefault(label, {"ms": 0.0, "steps": []})
                entry["steps"].append(took)
                entry["ms"] = max(entry["ms"], took)
            await pilot.press("n")
            await pilot.pause()
            out["audit_paths"] = paths
    out["max_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print("RESULT " + json.dumps(out, ensure_ascii=False))

asyncio.run(main())
"""


def forget_derived(db: str) -> list[str]:
    """Remove the fold's checkpoint (a row in the ledger) and any file an earlier release
    derived beside it: the app then starts cold. The audit table is written with the events
    and is never missing (a ledger of an earlier release is indexed when first opened, timed
    by bench/replay.py). Returns what was removed."""
    import sqlite3

    removed = []
    for base in (db + ".checkpoint", db + ".audit.db"):
        for suffix in ("", "-wal", "-shm", ".tmp"):
            path = Path(base + suffix)
            if path.exists():
                path.unlink()
                removed.append(path.name)
    conn = sqlite3.connect(db)
    try:
        if conn.execute("DELETE FROM jixiao_checkpoint").rowcount:
            removed.append("jixiao_checkpoint")
        conn.commit()
    except sqlite3.OperationalError:
        pass  # a ledger of an earlier release: no table yet
    finally:
        conn.close()
    return removed


def prepare(db: str) -> dict[str, float]:
    """What `jixiao` keeps current after a session: the checkpoint saved and the audit table
    refreshed (timed apart; after the cold run both are mostly there already)."""
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
            trail.refresh(log_reader(app))  # nothing to do: the rows are written with the events
        audit_s = time.perf_counter() - t0
    finally:
        app.close()
    return {"checkpoint_save_s": round(checkpoint_s, 1), "audit_refresh_s": round(audit_s, 1)}


def run_once(db: str) -> dict[str, Any]:
    launched = time.time()
    proc = subprocess.run([sys.executable, "-c", CHILD, db, repr(launched), json.dumps(FILTERS)],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          timeout=1800)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"the app run failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(line[len("RESULT "):])
    return result


def worst(run: dict[str, Any]) -> tuple[str, float]:
    name, path = max(run["audit_paths"].items(), key=lambda item: item[1]["ms"])
    return name, float(path["ms"])


def unmatched(run: dict[str, Any]) -> list[str]:
    """The filters meant to match rows that matched none (the bench would flatter)."""
    return [name for name, p in run["audit_paths"].items() if p.get("must_match") and not p["rows"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", help="ledger to use (generated there if missing)")
    parser.add_argument("--runs", type=int, default=3, help="warm runs (one cold run comes first)")
    parser.add_argument("--warm-only", action="store_true",
                        help="no cold run: time the warm paths on what the ledger already keeps (the cold "
                             "line then says so)")
    args = parser.parse_args()
    db = args.db or str(Path(tempfile.gettempdir()) / "jixiao-tui-bench" / f"ledger-{args.events}.db")
    Path(db).parent.mkdir(parents=True, exist_ok=True)
    if not Path(db).exists():
        t0 = time.perf_counter()
        code = (f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); sys.path.insert(0, {str(ROOT)!r}); "
                f"from replay import generate; print(generate({db!r}, {args.events}, 2021))")
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        print(f"generated {db} in {time.perf_counter() - t0:.0f} s")
    if args.warm_only:
        print("after earlier runs: " + json.dumps(prepare(db)), flush=True)
        runs = [run_once(db) for _ in range(args.runs)]
        return report_warm(runs)
    removed = forget_derived(db)
    print(f"cold: removed {', '.join(removed) or 'nothing (none there)'}; no checkpoint, no audit table")
    cold = run_once(db)
    print("cold run: " + json.dumps(cold, ensure_ascii=False), flush=True)
    print("after the cold run: " + json.dumps(prepare(db)), flush=True)
    runs = [run_once(db) for _ in range(args.runs)]
    for r in runs:
        print("warm run: " + json.dumps(r, ensure_ascii=False))
    middle = len(runs) // 2
    warm_first = sorted(r["first_screen_s"] for r in runs)[middle]
    cold_name, cold_worst = worst(cold)
    warm_worsts = sorted((worst(r)[1], worst(r)[0]) for r in runs)
    warm_worst, warm_name = warm_worsts[middle]
    audit_worst, audit_name = max((cold_worst, f"{cold_name}, cold"), (warm_worst, f"{warm_name}, warm"))
    memory = max(r["max_rss_mib"] for r in [cold, *runs])
    print(f"events: {cold['events']}")
    missing = sorted({name for r in [cold, *runs] for name in unmatched(r)})
    print("filters meant to match rows: " + (f"NONE FOR {', '.join(missing)}" if missing else "every one matched"))
    print(f"warm audit worst (median of {len(runs)}): {warm_worst:.0f} ms ({warm_name}); "
          f"cold audit worst: {cold_worst:.0f} ms ({cold_name})")
    print(f"peak memory: {memory:.0f} MiB  (target {MEMORY_TARGET_MIB} MiB)"
          f"  {'ok' if memory < MEMORY_TARGET_MIB else 'MISSED'}")
    print(f"targets: first screen under {FIRST_SCREEN_TARGET} s, cold and warm; every audit path under "
          f"{AUDIT_TARGET_MS:.0f} ms: {'met' if max(cold['first_screen_s'], warm_first) < FIRST_SCREEN_TARGET and audit_worst < AUDIT_TARGET_MS else 'NOT met'}")  # noqa: E501
    print(f"cold first screen: {cold['first_screen_s']:.2f} s")
    print(f"warm first screen: {warm_first:.2f} s")
    print(f"the slowest audit path: {audit_name}")
    print(f"audit worst: {audit_worst:.0f} ms")
    return 0


def report_warm(runs: list[dict[str, Any]]) -> int:
    """The lines of a run without its cold run (--warm-only)."""
    for r in runs:
        print("warm run: " + json.dumps(r, ensure_ascii=False))
    middle = len(runs) // 2
    warm_first = sorted(r["first_screen_s"] for r in runs)[middle]
    names = sorted(runs[0]["audit_paths"])
    for name in names:  # each path's median over the warm runs
        print(f"  {name:<34} {sorted(r['audit_paths'][name]['ms'] for r in runs)[middle]:8.1f} ms (median)")
    warm_worst, warm_name = sorted((worst(r)[1], worst(r)[0]) for r in runs)[middle]
    missing = sorted({name for r in runs for name in unmatched(r)})
    print("filters meant to match rows: " + (f"NONE FOR {', '.join(missing)}" if missing else "every one matched"))
    print(f"peak memory: {max(r['max_rss_mib'] for r in runs):.0f} MiB  (target {MEMORY_TARGET_MIB} MiB)")
    print("cold first screen: not measured (--warm-only)")
    print(f"warm first screen: {warm_first:.2f} s")
    print(f"the slowest audit path: {warm_name}, warm")
    print(f"audit worst: {warm_worst:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
