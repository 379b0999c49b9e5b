"""One range of a SQLite ledger's links, checked in a worker process of a parallel
verification; kept free of heavy imports (a spawned worker imports only this)."""

from __future__ import annotations

import sqlite3

from store.chain_scan import GENESIS, Scan, scan

# (position, originator id, version, topic, payload, digest) by position: what the fast
# pass reads of a SQLite ledger, where each event's link is stored in its own row
SQLITE_LINKED = (
    "SELECT rowid, CAST(originator_id AS BLOB), originator_version, CAST(topic AS BLOB), state, "
    "digest FROM {events} WHERE rowid BETWEEN ? AND ? ORDER BY rowid")


def scan_sqlite_range(uri: str, events: str, low: int, high: int, sealed: bytes) -> Scan:
    """Verify the links at positions low..high of a SQLite ledger (run in a worker)."""
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
    try:
        before = conn.execute(f"SELECT rowid, digest FROM {events} WHERE rowid < ? "
                              "ORDER BY rowid DESC LIMIT 1", (low,)).fetchone()
        last_pos, last = (before[0], before[1]) if before else (0, GENESIS)
        if not isinstance(last, bytes):  # a row without a link (or a forged one) just before
            return 0, low, last_pos, GENESIS, []
        rows = conn.execute(SQLITE_LINKED.format(events=events), (low, high))
        return scan(rows, last_pos, last, sealed)
    finally:
        conn.close()
