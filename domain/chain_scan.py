"""The hot loop of chain verification, kept free of heavy imports.

Worker processes of a parallel verification import only this module. Each link is
checked against the stored digest before it, so ranges of the log verify independently
and the whole chain holds when every range does and the ranges meet.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterable
from hashlib import sha256
from typing import Any

GENESIS = bytes(32)
HEADER = struct.Struct(">QHQI")  # position, len(originator id), version, len(topic)

# (position, originator id, version, topic, payload, previous position, digest) by position
SQLITE_JOINED = (
    "SELECT e.rowid, CAST(e.originator_id AS BLOB), e.originator_version, CAST(e.topic AS BLOB), "
    "e.state, c.previous, c.digest FROM {events} AS e JOIN {chain} AS c ON c.position = e.rowid "
    "WHERE e.rowid BETWEEN ? AND ? ORDER BY e.rowid")

# what a scan found: links verified, the position that broke (0: none), the last good
# link (position, digest), and the seals met on the way (position, payload)
Scan = tuple[int, int, int, bytes, list[tuple[int, bytes]]]


def link(previous: bytes, position: int, originator: bytes, version: int, topic: bytes,
         state: bytes) -> bytes:
    """The digest of one stored event, chained to the digest before it."""
    return sha256(previous + HEADER.pack(position, len(originator), version, len(topic))
                  + originator + topic + state).digest()


def scan(rows: Iterable[tuple[Any, ...]], last_pos: int, last: bytes, sealed: bytes) -> Scan:
    """Check joined rows in position order, starting after the link (last_pos, last)."""
    pack = HEADER.pack
    count = 0
    claims: list[tuple[int, bytes]] = []
    pos = last_pos
    try:
        for pos, oid, ver, topic, state, previous, digest in rows:
            if previous != last_pos or sha256(
                    last + pack(pos, len(oid), ver, len(topic)) + oid + topic + state).digest() != digest:
                return count, pos, last_pos, last, claims
            if topic == sealed:
                claims.append((pos, state))
            last_pos = pos
            last = digest
            count += 1
    except (TypeError, struct.error):  # a value of the wrong type was written into a row
        return count, pos, last_pos, last, claims
    return count, 0, last_pos, last, claims


def scan_sqlite_range(uri: str, events: str, chain: str, low: int, high: int, sealed: bytes) -> Scan:
    """Verify the links at positions low..high of a SQLite ledger (run in a worker)."""
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
    try:
        before = conn.execute(f"SELECT position, digest FROM {chain} WHERE position < ? "
                              "ORDER BY position DESC LIMIT 1", (low,)).fetchone()
        last_pos, last = (before[0], bytes(before[1])) if before else (0, GENESIS)
        rows = conn.execute(SQLITE_JOINED.format(events=events, chain=chain), (low, high))
        return scan(rows, last_pos, last, sealed)
    finally:
        conn.close()
