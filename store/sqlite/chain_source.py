"""The chain of a SQLite ledger as `store.chain` reads it: one snapshot of the events'
rows, each with its link, checked in one process or, for a large log, in ranges by
several (`store.sqlite.range_scan`)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from urllib.parse import quote

from store.chain import GENESIS, SEALED_TOPIC, Row, Scan, as_digest, link_of, scan
from store.sqlite.range_scan import SQLITE_LINKED, scan_sqlite_range

PARALLEL_MIN = 200_000  # links; below this one process verifies faster than starting more


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class SQLiteSource:
    """The events' rows, each with its link. Positions are contiguous (SQLite gives each
    new row the largest rowid plus one), so an event's place is one after its predecessor."""

    def __init__(self, db_name: str, events_table: str) -> None:
        self.uri = db_name if db_name.startswith("file:") else f"file:{quote(db_name)}?mode=ro"
        self.conn = sqlite3.connect(self.uri, uri=True, isolation_level=None, timeout=30)
        self.conn.execute("BEGIN")  # one snapshot for every query below (WAL)
        self.events_table = events_table
        self.top = self.conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {events_table}").fetchone()[0]

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.execute("COMMIT")
        self.conn.close()

    def complete(self, count: int) -> bool:
        return True  # a link lives in its event's row: no link without its event

    def missing_after(self, position: int) -> int:
        return 0

    def scan(self, workers: int | None) -> Scan:
        if workers is None:
            workers = min(_usable_cpus(), 4) if self.top >= PARALLEL_MIN else 1
        if workers > 1 and self.top >= 2 * workers and not self.uri.startswith("file::memory:"):
            with contextlib.suppress(OSError, RuntimeError, ImportError):  # no processes: do it here
                return self._parallel(workers)
        rows = self.conn.execute(SQLITE_LINKED.format(events=self.events_table), (1, self.top))
        return scan(rows, 0, GENESIS, SEALED_TOPIC)

    def _parallel(self, workers: int) -> Scan:
        """Ranges of positions checked by worker processes; rows written after this
        snapshot began lie above `top` and are not read."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # forking is quick, but only safe while this process runs a single thread
        method = ("fork" if threading.active_count() == 1
                  and "fork" in multiprocessing.get_all_start_methods() else "spawn")
        step = -(-self.top // workers)
        ranges = [(low, min(low + step - 1, self.top)) for low in range(1, self.top + 1, step)]
        with ProcessPoolExecutor(len(ranges), mp_context=multiprocessing.get_context(method)) as pool:
            parts = list(pool.map(scan_sqlite_range, *zip(*[
                (self.uri, self.events_table, low, high, SEALED_TOPIC) for low, high in ranges], strict=True)))
        count, claims = 0, []
        last_pos, last = 0, GENESIS
        for part_count, broke, part_pos, part_last, part_claims in parts:
            count += part_count
            claims += part_claims
            if broke:
                return count, broke, part_pos, part_last, claims
            if part_count:
                last_pos, last = part_pos, part_last
        return count, 0, last_pos, last, claims

    def rows(self) -> Iterator[Row]:
        return iter(self.conn.execute(
            "SELECT rowid, CAST(originator_id AS BLOB), originator_version, CAST(topic AS BLOB), "
            f"state, previous, digest FROM {self.events_table} WHERE rowid <= ? ORDER BY rowid", (self.top,)))

    def home_of(self, row: Row) -> int:
        previous, digest = row[5], row[6]
        if not isinstance(previous, int):
            return 0
        before = self.digest_at(previous) if previous else GENESIS
        home = previous + 1
        return home if before is not None and link_of(before, home, row) == as_digest(digest) else 0

    def digest_at(self, position: int) -> bytes | None:
        row = self.conn.execute(f"SELECT digest FROM {self.events_table} WHERE rowid = ?",
                                (position,)).fetchone()
        return as_digest(row[0]) if row else None

    def good_prefix(self, position: int) -> tuple[int, bytes]:
        count = self.conn.execute(f"SELECT count(digest) FROM {self.events_table} WHERE rowid < ?",
                                  (position,)).fetchone()[0]
        row = self.conn.execute(f"SELECT digest FROM {self.events_table} WHERE rowid < ? "
                                "AND digest IS NOT NULL ORDER BY rowid DESC LIMIT 1", (position,)).fetchone()
        last = as_digest(row[0]) if row else None
        return count, last or GENESIS
