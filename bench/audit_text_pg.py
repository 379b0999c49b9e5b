"""The audit trail's free-text filter on PostgreSQL, without and with the trigram index.

    python bench/audit_text_pg.py                          # 1,000,000 events
    python bench/audit_text_pg.py --events 200000 --runs 5
    python bench/audit_text_pg.py --ledger big.db          # keep (or reuse) the generated ledger

A ledger of N events is generated into SQLite as bench/replay.py generates it, and its
audit trail folded into a PostgreSQL database (LC_CTYPE C.UTF-8, so that Chinese text
has trigrams) on $JIXIAO_BENCH_PG or a throwaway cluster (see bench/pg.py). Then, for
each search, the statement the audit page runs (newest first, 101 rows: a screen and
one more) is timed `--runs` times through the audit trail's own connection, first with
the table as it was (no text index: a scan), then after `create_text_index` (pg_trgm,
GIN), each time after ANALYZE. Printed per search: the rows found by a count, the
median and the slowest run, and the plan's access to the table (EXPLAIN ANALYZE).
Also printed: the time to fold the trail, to build the index over it, and to fold the
trail of a new ledger whose index exists from the start (as `jixiao db migrate` makes it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import msgspec

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SEARCHES: list[tuple[str, dict[str, Any]]] = [
    ("不存在的内容", {}),          # in no row: the whole table is read to say so
    ("复核完毕", {}),
    ("单位层面察访", {}),
    ("依据通报", {}),
    ("K03.1", {}),
    ("pdf", {}),
    ("安全隐患排查", {}),
    ("录入错误", {}),
    ("SHA-256", {}),
    ("累计", {}),                 # two characters and one: no trigram, a scan as before
    ("局", {}),
    ("zz", {}),
    ("饶", {}),
    ("依据通报", {"kind": "Adjusted"}),
    ("录入错误", {"actor": "yujunwei_19"}),
    ("饶", {"actor": "yujunwei_19"}),
    ("不存在的内容", {"since": "2021-11-01", "until": "2021-11-30"}),
]


def utf8_database(url: str) -> contextlib.AbstractContextManager[str]:
    """A database whose character type gives Chinese text trigrams."""
    from pg import database  # bench/pg.py

    return database(url, "TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE 'C.UTF-8'")


def access(plan: Any) -> list[str]:
    """The nodes that read jixiao_audit in the subquery that picks the page's positions."""
    found: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        kind = node["Node Type"]
        if kind in ("Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Index Scan", "Bitmap Heap Scan"):
            name = node.get("Index Name") or node.get("Relation Name", "")
            found.append(f"{kind} {name}".strip())
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found


def measure(trail: Any, runs: int) -> list[dict[str, Any]]:
    from projections.audit import AuditFilter

    results = []
    for text, extra in SEARCHES:
        f = msgspec.convert({"text": text, **extra}, AuditFilter, strict=False)
        query, params = trail.page_query(f, None, 101)
        trail.page(f, limit=101)  # warm
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            rows = trail.page(f, limit=101)
            times.append((time.perf_counter() - started) * 1000)
        plan = trail.conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query, params).fetchone()[0]
        results.append({"text": text, "filters": extra, "page": len(rows), "matching": trail.count(f),
                        "median_ms": statistics.median(times), "max_ms": max(times),
                        "plan": access(plan)})
    return results


def show(label: str, results: list[dict[str, Any]]) -> None:
    print(f"\n{label}")
    print(f"{'search':<34} {'rows':>8} {'median ms':>10} {'max ms':>8}  plan")
    for r in results:
        search = r["text"] + (" " + json.dumps(r["filters"], ensure_ascii=False) if r["filters"] else "")
        print(f"{search:<34} {r['matching']:>8} {r['median_ms']:>10.1f} {r['max_ms']:>8.1f}  "
              + ", ".join(dict.fromkeys(r["plan"])), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--ledger", help="keep (or reuse) the generated SQLite ledger here")
    args = parser.parse_args()

    from pg import server  # bench/pg.py

    from projections.audit import AuditTrail
    from store.app import open_app, pg_connect
    from store.postgres.audit import PostgresAuditIndex, create_text_index
    from store.readers import log_reader

    with contextlib.ExitStack() as stack:
        ledger = args.ledger
        if ledger is None:
            import tempfile

            ledger = str(Path(stack.enter_context(tempfile.TemporaryDirectory())) / "ledger.db")
        if not Path(ledger).exists():
            started = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "bench" / "replay.py"), "--generate-only", "--db",
                            ledger, "--events", str(args.events)], check=True, stdout=subprocess.DEVNULL)
            print(f"generated the ledger in {time.perf_counter() - started:.0f} s", flush=True)
        url = stack.enter_context(server())
        db = stack.enter_context(utf8_database(url))
        app = open_app(ledger, create=False)
        stack.callback(app.close)
        trail = stack.enter_context(AuditTrail(PostgresAuditIndex(db, create=True)))
        started = time.perf_counter()
        n = trail.refresh(log_reader(app))
        print(f"folded {n:,} events into the audit trail in {time.perf_counter() - started:.0f} s", flush=True)
        trail.conn.execute("VACUUM ANALYZE jixiao_audit")
        show("without the text index (a scan, as before)", measure(trail, args.runs))

        with contextlib.closing(pg_connect(db)) as conn:
            started = time.perf_counter()
            problem = create_text_index(conn)
            built = time.perf_counter() - started
            size = conn.execute("SELECT pg_size_pretty(pg_relation_size('jixiao_audit_text')), "
                                "pg_size_pretty(pg_relation_size('jixiao_audit'))").fetchone()
        if problem:
            print(problem)
        print(f"\nbuilt the text index over {n:,} rows in {built:.0f} s ({size[0]}; the table {size[1]})",
              flush=True)
        trail.conn.execute("ANALYZE jixiao_audit")
        show("with the text index (pg_trgm, GIN)", measure(trail, args.runs))
        trail.close()

        # a new ledger's trail: the index made by `db migrate` first, every row folded into it
        db = stack.enter_context(utf8_database(url))
        trail = stack.enter_context(AuditTrail(PostgresAuditIndex(db, create=True)))
        with contextlib.closing(pg_connect(db)) as conn:
            create_text_index(conn)
        started = time.perf_counter()
        n = trail.refresh(log_reader(app))
        print(f"\nfolded {n:,} events into an audit trail with the text index in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
