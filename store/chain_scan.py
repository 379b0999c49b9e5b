"""The hot loop of chain verification, kept free of heavy imports and of SQL.

Worker processes of a parallel verification import only this module and the backend's
range reader (`store.sqlite.range_scan`). Each link is checked against the stored digest
before it, so ranges of the log verify independently and the whole chain holds when
every range does and the ranges meet.
"""

from __future__ import annotations

import struct
from hashlib import sha256
from typing import Any

GENESIS = bytes(32)
HEADER = struct.Struct(">QHQI")  # position, len(originator id), version, len(topic)
FETCH = 1000  # rows per fetch: fetching in blocks is faster than stepping the cursor

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
