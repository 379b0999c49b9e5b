"""Replay benchmark: how fast the projections rebuild, against the floor of reading the log.

    python bench/replay.py                 # 200,000 events
    python bench/replay.py --events 1000000

Generates N real domain events into a fresh SQLite ledger (in a child process, so its
memory is not counted), then in this process times:

  (a) the honest floor: every stored row read with sqlite3 and, dispatched by its topic,
      decoded with msgspec into typed structs of the very fields the fold uses (its views),
      nothing else (printed in full as it runs);
  (b) a full rebuild of the projections: the year fold every report is built from, plus
      the standings of every plan (the audit table, a SQLite projection of its own, is
      timed apart as (b'));
  (c) an as-of replay to mid-year (30 June);
  (d) opening from a checkpoint taken before the last 1% of the events, catching up.

Each line gives events/s by CPU time of this process (the steadier figure on a shared
machine) and by wall-clock time; the last line is `replay ratio: X.XX`, (b) over (a) by
CPU time, after the same ratio by wall-clock time.
(a') is the floor this benchmark used before (every field of every event decoded),
printed for comparison. Targets: (b) >= 0.7x (a); (d) under 1 s at 1,000,000 events;
peak memory under 400 MiB.

The events are written in large batches straight through the application's recorder
(which also writes the hash chain); each is a real event of `domain.events` for the
bundled plan's indicators, scaled to a county: one unit (with its own plan and people)
per 25,000 events, each with progress reports, evidence, self-assessments, tiers,
findings and their resolutions, adjustments, corrections and filed reports.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PER_UNIT = 25_000
TIERS = ("一档", "二档", "三档", "四档")
METHODS = ("明察暗访", "听取汇报", "查看资料", "现场调查", "受理投诉", "电子监察")
MID_YEAR = dt.date(2021, 6, 30)


# -- generating ------------------------------------------------------------------------------
def generate(db: str, events: int, seed: int) -> int:
    """Write about `events` events into a new ledger at `db`; returns how many were written."""
    from eventsourcing.persistence import StoredEvent

    from domain import events as ev
    from domain.aggregates import indicator_id, plan_id, unit_id
    from domain.codec import encode_event
    from domain.commands import Ledger
    from domain.demo import DemoClock, at, unit_plan
    from domain.plan_io import bundled_plan
    from store import open_store

    base = bundled_plan()
    units = max(1, round(events / PER_UNIT))
    rng = random.Random(seed)
    store = open_store(db)
    app = store.app
    clock = DemoClock(at(dt.date(2021, 1, 4), 9))
    plans = []
    for k in range(units):  # the plans and people, through the commands
        plan = unit_plan(base, k, 0, random.Random(f"{seed}:{k}"))
        Ledger(store, clock=clock, plan=(plan.unit, plan.year)).bootstrap(plan, actor="admin")
        plans.append(plan)
    written = app.recorder.max_notification_id() or 0
    left = events - written
    per_unit = left // units

    # every unit's aggregates, with their next version and what they hold
    targets = []
    for plan in plans:
        pid = plan_id(plan.unit, plan.year)
        leaves = [ind for ind, _ in plan.leaves()]
        heads = {p.section: p.id for p in plan.people if "section_head" in p.roles}
        leader = next(p.id for p in plan.people if p.leadership == "副组长")
        targets.append((plan, pid, leaves, heads, leader))
    versions: dict[Any, int] = {}
    kinds: dict[Any, list[tuple[int, str]]] = {}
    start = dt.datetime(2021, 1, 5, 1, tzinfo=dt.UTC)
    span = (dt.datetime(2022, 1, 20, tzinfo=dt.UTC) - start).total_seconds()
    total = per_unit * units
    batch: list[Any] = []
    for n in range(total):
        plan, pid, leaves, heads, leader = targets[n % units]
        recorded = start + dt.timedelta(seconds=span * n / total)
        today = (recorded + dt.timedelta(hours=8)).date()
        ind = leaves[rng.randrange(len(leaves))]
        roll = rng.random()
        unit_level = roll > 0.97
        originator = unit_id(pid) if unit_level else indicator_id(pid, ind.id)
        version = versions.get(originator, 0) + 1
        back = rng.randint(0, 20) if rng.random() < 0.3 else 0
        env = {"originator_id": originator, "originator_version": version, "timestamp": recorded,
               "effective": max(dt.date(2021, 1, 1), today - dt.timedelta(days=back)), "source": "import"}
        clerk = {**env, "actor": heads.get(ind.section, "admin"), "role": "section_head"}
        boss = {**env, "actor": leader, "role": "leader"}
        past = kinds.setdefault(originator, [])
        if unit_level:
            pick = rng.random()
            if pick < 0.4:
                event: Any = ev.Adjusted(**boss, adjustment=rng.choice(("bonus", "deduction")),
                                         amount=Decimal(rng.randint(1, 50)) / 100, basis="通报", reason="依据通报")
            elif pick < 0.6:
                event = ev.FindingRecorded(**{**boss, "actor": "perf_office", "role": "performance_office"},
                                           method=rng.choice(METHODS), finding_source="county-on-unit", count=1,
                                           per_item=Decimal("0.1"), cap=Decimal(10), deduction=Decimal("0.1"),
                                           description="单位层面察访核验发现问题")
            else:
                q = (today.month - 1) // 3 + 1
                event = ev.ReportFiled(**boss, report="quarterly", period=f"2021Q{q}",
                                       section=rng.choice(list(heads)), digest=f"{n:064x}", content="{}")
        elif roll < 0.35:
            q = (env["effective"].month - 1) // 3 + 1
            event = ev.ProgressReported(**clerk, indicator_id=ind.id, period=f"2021Q{q}",
                                        percent=min(100, q * 25 + rng.randint(-10, 10)),
                                        done=f"围绕“{ind.target}”推进落实，本期完成阶段任务。",
                                        problems=rng.choice(("", "进度偏慢", "企业积极性不高")),
                                        next_steps=rng.choice(("", "加强督促", "倒排工期")))
        elif roll < 0.70:
            event = ev.EvidenceAttached(**clerk, indicator_id=ind.id, file_name=f"{ind.id}_{n}.pdf",
                                        sha256=f"{n:064x}", size=rng.randint(10_000, 3_000_000),
                                        description="佐证材料")
        elif roll < 0.76:
            event = ev.SelfAssessed(**clerk, indicator_id=ind.id, tier=rng.choice(TIERS))
        elif roll < 0.82:
            tier = rng.choice(TIERS)
            share = {"一档": Decimal(1), "二档": Decimal("0.9"), "三档": Decimal("0.8"), "四档": Decimal("0.6")}
            event = ev.TierAwarded(**boss, indicator_id=ind.id, tier=tier,
                                   points=(ind.points * share[tier]).quantize(Decimal("0.01")))
        elif roll < 0.86:
            event = ev.FindingRecorded(**{**boss, "actor": "perf_office", "role": "performance_office"},
                                       method=rng.choice(METHODS), finding_source="county-on-unit", count=1,
                                       per_item=Decimal("0.1"), cap=ind.points, deduction=Decimal("0.1"),
                                       indicator_id=ind.id, description="察访核验发现问题")
        elif roll < 0.89 and any(k == "FindingRecorded" for _, k in past):
            finding = next(v for v, k in reversed(past) if k == "FindingRecorded")
            event = ev.FindingResolved(**clerk, finding=finding, outcome="rectified", note="已整改",
                                       indicator_id=ind.id)
        elif roll < 0.92:
            event = ev.Adjusted(**boss, adjustment="deduction", amount=Decimal("0.05"), basis="通报",
                                indicator_id=ind.id, section=ind.section, reason=f"扣分{n}")
        elif roll < 0.95 and past:
            voided, kind = past[rng.randrange(len(past))]
            if kind == "Corrected" or any(k == "Corrected" and v == voided for v, k in past):
                continue
            event = ev.Corrected(**boss, voided=voided, voided_kind=kind, indicator_id=ind.id,
                                 reason="录入错误，予以作废")
        else:
            event = ev.Assigned(**{**boss, "actor": "admin", "role": "admin"}, indicator_id=ind.id,
                                section=ind.section, leader=ind.leader, handler=ind.handler,
                                deadline=ind.deadline, milestones=list(ind.milestones))
        versions[originator] = version
        past.append((version, event.kind))
        batch.append(StoredEvent(originator_id=originator, originator_version=version, topic=event.topic(),
                                 state=encode_event(event)))
        if len(batch) >= 20_000:
            app.recorder.insert_events(batch)
            batch = []
    if batch:
        app.recorder.insert_events(batch)
    written = app.recorder.max_notification_id() or 0
    app.close()
    return written


def stored_count(db: str) -> int:
    """How many events the ledger at `db` already holds (0 when there is none)."""
    if not Path(db).exists() or not Path(db).stat().st_size:
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM stored_events").fetchone()[0])
    except sqlite3.OperationalError:  # not a ledger yet
        return 0
    finally:
        conn.close()


# -- measuring -----------------------------------------------------------------------------------
FLOOR = ("every row read with sqlite3 (the log reader's query, 10,000 rows a fetch) and, dispatched "
         "by its topic in one dict lookup, decoded with msgspec into the typed struct of the fields the "
         "fold uses (the fold's own views; people and the plan into their full events); no entry "
         "built, nothing kept; the cyclic collector off")


def raw_floor(db: str) -> int:
    """The honest floor of a rebuild: what the fold cannot avoid doing (see FLOOR)."""
    from domain.codec import decode_event
    from projections.fold import LEAN_VIEWS

    views = {topic: decode for topic, (_, decode, _) in LEAN_VIEWS.items()}
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    n = 0
    gc.disable()
    try:
        cursor = conn.execute("SELECT rowid, originator_id, topic, state FROM stored_events ORDER BY rowid")
        while rows := cursor.fetchmany(10_000):
            for _, _, topic, state in rows:
                decode = views.get(topic)
                if decode is None:
                    decode_event(topic, state)
                else:
                    decode(state)
            n += len(rows)
    finally:
        gc.enable()
        conn.close()
    return n


def full_decode(db: str) -> int:
    """The floor this benchmark used before: every row decoded into its full event (every
    field, texts included), which the fold never does; printed for comparison only."""
    import msgspec

    from domain.events import EVENT_TYPES

    decoders = {t.topic(): msgspec.json.Decoder(t).decode for t in EVENT_TYPES}
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    n = 0
    gc.disable()
    try:
        cursor = conn.execute("SELECT rowid, originator_id, topic, state FROM stored_events ORDER BY rowid")
        while rows := cursor.fetchmany(10_000):
            for _, _, topic, state in rows:
                decoders[topic](state)
            n += len(rows)
    finally:
        gc.enable()
        conn.close()
    return n


def rebuild(log: Any) -> int:
    import datetime as dt

    from domain.validate import business_date
    from projections.replay import rebuild as rebuild_projections

    return rebuild_projections(log, business_date(dt.datetime.now(dt.UTC))).position


def timed(label: str, run: Any, events: int) -> tuple[float, float]:
    """Events/s by CPU time and by wall-clock time (on a busy machine the CPU time is the
    steadier measure; both are printed)."""
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{label:<58} {wall:8.3f} s wall {cpu:8.3f} s CPU  {events / cpu:10,.0f} events/s "
          f"({events / wall:,.0f}/s wall)", flush=True)
    return events / cpu, events / wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", help="the ledger to measure: reused when it holds events, else generated "
                        "there (default: a temporary directory)")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip-audit", action="store_true", help="do not time the audit table rebuild")
    args = parser.parse_args()
    if args.generate_only:
        print(generate(args.db, args.events, args.seed))
        return 0

    from projections import checkpoint as cp
    from projections.fold import YearFold
    from projections.live import LiveFold
    from projections.replay import replay
    from projections.stream import read_log
    from store.app import open_app
    from store.readers import log_reader
    from store.sqlite import audit_table
    from store.sqlite.checkpoint import FileCheckpoint

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or os.path.join(tmp, "bench.db")
        started = time.perf_counter()
        n = stored_count(db)
        if n:
            print(f"reusing {n:,} events in the ledger at --db ({Path(db).stat().st_size / 2**20:.0f} MiB)",
                  flush=True)
        else:
            out = subprocess.run([sys.executable, __file__, "--generate-only", "--db", db, "--events",
                                  str(args.events), "--seed", str(args.seed)], check=True, capture_output=True,
                                 text=True)
            n = int(out.stdout.split()[-1])
            print(f"generated {n:,} events in {time.perf_counter() - started:.1f} s "
                  f"({Path(db).stat().st_size / 2**20:.0f} MiB ledger)", flush=True)
        app = open_app(db)
        log = log_reader(app)
        print(f"(a) the floor: {FLOOR}", flush=True)
        floor = timed("(a) honest floor: read + dispatch + decode the fold's fields", lambda: raw_floor(db), n)
        whole = timed("(a') the floor before: every row decoded into its full event", lambda: full_decode(db), n)
        full = timed("(b) full rebuild: year fold + standings of every plan", lambda: rebuild(log), n)
        if not args.skip_audit:
            def audit() -> None:
                # what upgrading a ledger of an earlier release does once; rolled back after
                conn = sqlite3.connect(db, isolation_level=None)
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    audit_table.drop(conn)
                    audit_table.index_all(conn, "stored_events")
                finally:
                    conn.execute("ROLLBACK")
                    conn.close()

            timed("(b') audit table bulk index (SQLite, every filter and text index)", audit, n)
        timed(f"(c) as-of replay to {MID_YEAR}", lambda: replay(log, as_of=MID_YEAR), n)

        # (d): a checkpoint taken before the last 1% of the events
        path = os.path.join(tmp, "bench.checkpoint")
        fold = YearFold()
        fold.feed(read_log(log, stop=n - n // 100))
        cp.save(fold, FileCheckpoint(path), log)
        size = Path(path).stat().st_size
        del fold
        gc.collect()

        def reopen() -> None:
            live = LiveFold(log, checkpoint=FileCheckpoint(path), every=10**12)
            live.open()
            assert live.from_checkpoint and live.fold.position == n
            assert live.fold.plans  # every plan's records decoded (opening decodes none)
            live.close()

        started = time.perf_counter()
        timed(f"(d) open from checkpoint ({size / 2**20:.0f} MiB), every plan read, + catch up "
              f"{n // 100:,} events", reopen, n)
        app.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MiB")
    print(f"replay ratio against the floor before (a'), CPU time: {full[0] / whole[0]:.2f}")
    print(f"replay ratio (wall-clock time): {full[1] / floor[1]:.2f}")
    print(f"replay ratio: {full[0] / floor[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
