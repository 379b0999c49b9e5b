"""The checkpoint of a SQLite ledger: one file beside it (`<ledger>.checkpoint`).

A header line, then the state's bytes. Written to a temporary file and renamed over the
old one, so a reader sees one whole checkpoint or the other; owner-only, since it holds
the ledger's data.
"""

from __future__ import annotations

import os
from pathlib import Path


def checkpoint_path(db: str) -> str:
    return db + ".checkpoint"


class FileCheckpoint:
    """A checkpoint kept in the file at `path` (see `domain.ports.CheckpointStore`)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.location = path

    def header(self) -> bytes | None:
        try:
            with open(self.path, "rb") as f:
                return f.readline(4096)
        except OSError:
            return None

    def state(self) -> memoryview | None:
        """The bytes after the header line, read at once (no copy of them is made)."""
        try:
            data = Path(self.path).read_bytes()
        except OSError:
            return None
        end = data.find(b"\n")
        return None if end < 0 else memoryview(data)[end + 1:]

    def write(self, header: bytes, state: bytes) -> None:
        tmp = f"{self.path}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(header + b"\n")
            out.write(state)
        os.replace(tmp, self.path)
