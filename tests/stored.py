"""Helpers for tests that read back what the ledger stored, and build test inputs."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from typing import Any

from domain import events as ev
from domain.commands import Ledger


def stored_events(ledger: Ledger, after: int = 0) -> list[tuple[int, Any, ev.Event]]:
    """(position, originator id, decoded event) of everything stored after `after`."""
    out: list[tuple[int, Any, ev.Event]] = []
    while True:
        rows = ledger.app.recorder.select_notifications(start=after, limit=500,
                                                        inclusive_of_start=False)
        if not rows:
            return out
        for row in rows:
            out.append((row.id, row.originator_id, ledger.app.mapper.to_domain_event(row)))
        after = rows[-1].id


def ssh_key(seed: str, comment: str = "user@host") -> str:
    """A well-formed ssh-ed25519 public key line, distinct per seed."""
    name = b"ssh-ed25519"
    body = hashlib.sha256(seed.encode()).digest()
    blob = struct.pack(">I", len(name)) + name + struct.pack(">I", len(body)) + body
    return f"ssh-ed25519 {base64.b64encode(blob).decode()} {comment}"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def log_count(result_stdout: str) -> int:
    """The number of entries in `jixiao log --format json` output."""
    return len(json.loads(result_stdout))
