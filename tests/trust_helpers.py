"""Helpers for the trust tests: SSH keys made with ssh-keygen, and tampering with a
ledger's rows directly on either backend, as someone with write access to them could."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

from store import open_ledger
from store.chain_scan import GENESIS, link
from store.transfer import linked_events


def make_key(folder: Path, name: str) -> Path:
    """A fresh ed25519 key pair without a passphrase; the private key's path."""
    path = folder / f"{name}_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)],
                   check=True, capture_output=True)
    return path


def public(key: Path) -> str:
    return Path(f"{key}.pub").read_text().strip()


def _execute(db: str, statements: list[tuple[str, tuple[object, ...]]]) -> None:
    if db.startswith("postgres"):
        import psycopg

        parsed = urlparse(db)
        with psycopg.connect(host=parsed.hostname, port=parsed.port, user=parsed.username,
                             dbname=parsed.path.lstrip("/"), autocommit=True) as conn:
            for text, params in statements:
                conn.execute(text.replace("?", "%s"), params)  # type: ignore[arg-type]
        return
    conn = sqlite3.connect(db)
    try:
        for text, params in statements:
            conn.execute(text, params)
        conn.commit()
    finally:
        conn.close()


def cut_from(db: str, position: int) -> None:
    """Delete every event (and link) at or after `position`."""
    if db.startswith("postgres"):
        _execute(db, [("DELETE FROM jixiao_events WHERE notification_id >= ?", (position,)),
                      ("DELETE FROM jixiao_chain WHERE position >= ?", (position,))])
    else:
        _execute(db, [("DELETE FROM stored_events WHERE rowid >= ?", (position,))])


Edit = Callable[[int, bytes, dict[int, str]], bytes]


def rewrite(db: str, edit: Edit) -> None:
    """Change payloads and recompute every link after, so the chain is consistent again:
    `edit(position, payload, new digests so far)` returns the payload to store."""
    with open_ledger(db, create=False) as ledger:
        events = list(linked_events(ledger.store))
    last = GENESIS
    digests: dict[int, str] = {}
    statements: list[tuple[str, tuple[object, ...]]] = []
    for event in events:
        state = edit(event.position, event.state, digests)
        digest = link(last, event.position, event.originator_id.hex.encode(), event.originator_version,
                      event.topic.encode(), state)
        digests[event.position] = digest.hex()
        if db.startswith("postgres"):
            statements += [("UPDATE jixiao_events SET state = ? WHERE notification_id = ?", (state, event.position)),
                           ("UPDATE jixiao_chain SET digest = ? WHERE position = ?", (digest, event.position))]
        else:
            statements.append(("UPDATE stored_events SET state = ?, digest = ? WHERE rowid = ?",
                               (state, digest, event.position)))
        last = digest
    _execute(db, statements)
