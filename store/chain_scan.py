"""The hot loop of chain verification, kept free of heavy imports.

Worker processes of a parallel verification import only this module. Each link is
checked against the stored digest before it, so ranges of the log verify independently
and the whole chain holds when every range does and the ranges meet.
"""

from __future__ import annotations

import sqlite3
import struct
from hashlib import sha256
from typing import Any

GENESIS = bytes(32)
HEADER = struct.Struct(">QHQI")  # position, len(originator id), version, len(topic)
FETCH = 1000  # rows per fetch: fetching in blocks is faster than stepping the cursor

# (position, originator id, version, topic, payload, digest) by position: what the fast
# pass reads of a SQLite ledger, where each event's link is stored in its own row
SQLITE_LINKED = (
    "SELECT rowid, CAST(originator_id AS BLOB), originator_version, CAST(topic AS BLOB), state, "
    "digest FROM {events} WHERE rowid BETWEEN ? AND ? ORDER BY rowid")

# what a scan found: links verified, the position that broke (0: none), the last good
# link (position, digest), and the seals met on the way (position, payload)
Scan = tuple[int, int, int, bytes, list[tuple[int, bytes]]]


def link(previous: bytes, position: int, originator: bytes, version: int, topic: bytes,
         state: bytes) -> bytes:
    """The digest of one stored event, chained to the digest before it."""
    return sha256(previous + HEADER.pack(position, len(originator), version, len(topic))
                  + originator + topic + state).digest()


def scan(cursor: Any, last_pos: int, last: bytes, sealed: bytes) -> Scan:
    """Check rows (position, id, version, topic, payload, digest) in position order,
    starting after the link (last_pos, last). `cursor` has fetchmany(), as a DB-API
    cursor does. Only the digests are compared here: a row removed, moved or slipped in
    breaks the digest after it, and the slow pass (`store.chain`) says how."""
    pack = HEADER.pack
    count = 0
    claims: list[tuple[int, bytes]] = []
    pos = last_pos
    try:
        while rows := cursor.fetchmany(FETCH):
            for pos, oid, ver, topic, state, digest in rows:
                if sha256(last + pack(pos, len(oid), ver, len(topic)) + oid + topic + state).digest() != digest:
                    return count, pos, last_pos, last, claims
                if topic == sealed:
                    claims.append((pos, state))
                last_pos = pos
                last = digest
                count += 1
    except (TypeError, struct.error):  # a value of the wrong type was written into a row
        return count, pos, last_pos, last, claims
    return count, 0, last_pos, last, claims


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
