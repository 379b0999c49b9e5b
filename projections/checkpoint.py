"""Checkpoints: the year fold's state with its position, so a large ledger opens fast.

A checkpoint is one file beside the ledger (`<ledger>.checkpoint`): a JSON header line
(format, projection version, position, the identity of the event at that position)
and the fold's state as msgpack, each plan's records encoded apart so that opening it
decodes only the people and the plans' structures; a plan's records are decoded when
the plan is first read (see `YearFold.from_stored`). It is trusted only if its
projection version is this code's and the event at its position is still the one it
was built from; otherwise it is discarded and the fold rebuilt from the log.
"""

from __future__ import annotations

import gc
import os
import sqlite3
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec

from projections.fold import StoredState, YearFold
from store.app import is_postgres

# Bump whenever the fold's state, its meaning or its layout changes: older checkpoints are
# then rebuilt. 2: each plan's records encoded apart.
PROJECTION_VERSION = 2
FORMAT = "jixiao-checkpoint"


class Header(msgspec.Struct, kw_only=True):
    format: str
    version: int
    position: int
    last: tuple[str, int] | None = None


_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(StoredState)


def encode_state(fold: YearFold) -> bytes:
    """The fold's state as bytes (msgpack): what a checkpoint stores."""
    return _encoder.encode(fold.stored())


def decode_state(data: bytes | memoryview) -> YearFold:
    """A fold continuing from state bytes written by `encode_state` (each plan's records
    decoded when the plan is first read; they keep `data` alive until then)."""
    return YearFold.from_stored(_decoder.decode(data))


def checkpoint_path(db: str) -> str:
    """A file beside a SQLite ledger; a row in the ledger's own database on PostgreSQL
    (see `store.pg_views`), shared by every process that opens it."""
    if is_postgres(db):
        return db + "#checkpoint"
    return db + ".checkpoint"


def log_identity(app: Any, position: int) -> tuple[str, int] | None:
    """(originator, version) of the event stored at `position`, None if there is none."""
    if position <= 0:
        return None
    db = app.env.get("SQLITE_DBNAME") if hasattr(app, "env") else None
    if db and not is_postgres(db):
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT originator_id, originator_version FROM stored_events "
                               "WHERE rowid = ?", (position,)).fetchone()
        finally:
            conn.close()
        return (str(UUID(str(row[0]))), int(row[1])) if row else None
    rows = app.recorder.select_notifications(start=position, limit=1, stop=position)
    return (str(rows[0].originator_id), rows[0].originator_version) if rows else None


def save(fold: YearFold, path: str, app: Any) -> None:
    """Write the fold's state atomically (owner-only: it holds the ledger's data)."""
    if not fold.clocks.now:
        raise ValueError("only a fold of the whole log (no clocks) can be checkpointed")
    header = Header(format=FORMAT, version=PROJECTION_VERSION, position=fold.position,
                    last=log_identity(app, fold.position))
    body = encode_state(fold)
    if is_postgres(path):
        from store.pg_views import save_checkpoint

        save_checkpoint(app, msgspec.json.encode(header), body)
        return
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(msgspec.json.encode(header) + b"\n")
        out.write(body)
    os.replace(tmp, path)


def read_header(path: str) -> Header | None:
    try:
        with open(path, "rb") as f:
            line = f.readline(4096)
        header = msgspec.json.decode(line, type=Header)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    return header if header.format == FORMAT else None


def load(path: str, app: Any) -> YearFold | None:
    """The fold saved at `path`, or None if absent, from another version or another log."""
    if is_postgres(path):
        return _load_postgres(app)
    header = read_header(path)
    if header is None or header.version != PROJECTION_VERSION:
        return None
    if header.position and log_identity(app, header.position) != header.last:
        return None
    enabled = gc.isenabled()
    gc.disable()  # a million small objects at once: no collection passes while decoding
    try:
        data = Path(path).read_bytes()
        state = _decoder.decode(memoryview(data)[data.index(b"\n") + 1:])
        if state.position != header.position:
            return None
        fold = YearFold.from_stored(state)
        # the fold makes no cycles (reference counting frees it): keep the collector's
        # passes from traversing its many containers again and again
        gc.freeze()
    except (OSError, ValueError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    finally:
        if enabled:
            gc.enable()
    return fold


def _load_postgres(app: Any) -> YearFold | None:
    from store.pg_views import checkpoint_header, checkpoint_state

    line = checkpoint_header(app)
    try:
        header = msgspec.json.decode(line, type=Header) if line else None
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if header is None or header.format != FORMAT or header.version != PROJECTION_VERSION:
        return None
    if header.position and log_identity(app, header.position) != header.last:
        return None
    data = checkpoint_state(app)
    if data is None:
        return None
    enabled = gc.isenabled()
    gc.disable()
    try:
        state = _decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    finally:
        if enabled:
            gc.enable()
    return YearFold.from_stored(state) if state.position == header.position else None
