"""Checkpoints: the year fold's state with its position, so a large ledger opens fast.

A checkpoint is a JSON header (format, projection version, position, the identity of
the event at that position) and the fold's state as msgpack, kept by a
`domain.ports.CheckpointStore` (a file beside a SQLite ledger, a row in a PostgreSQL
ledger's database), each plan's records encoded apart so that opening it
decodes only the people and the plans' structures; a plan's records are decoded when
the plan is first read (see `YearFold.from_stored`). It is trusted only if its
projection version is this code's and the event at its position is still the one it
was built from; otherwise it is discarded and the fold rebuilt from the log.
"""

from __future__ import annotations

import gc

import msgspec

from domain.ports import CheckpointStore, LogReader
from projections.fold import StoredState, YearFold

# Bump whenever the fold's state, its meaning or its layout changes: older checkpoints are
# then rebuilt. 2: each plan's records encoded apart. 3: the plan's status, meetings and their
# follow-up, people's telephone numbers.
PROJECTION_VERSION = 3
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


def log_identity(log: LogReader, position: int) -> tuple[str, int] | None:
    """(originator, version) of the event stored at `position`, None if there is none."""
    return log.identity(position) if position > 0 else None


def save(fold: YearFold, store: CheckpointStore, log: LogReader) -> None:
    """Write the fold's state as one step (a SQLite ledger's file is owner-only: it holds
    the ledger's data)."""
    if not fold.clocks.now:
        raise ValueError("only a fold of the whole log (no clocks) can be checkpointed")
    header = Header(format=FORMAT, version=PROJECTION_VERSION, position=fold.position,
                    last=log_identity(log, fold.position))
    store.write(msgspec.json.encode(header), encode_state(fold))


def read_header(store: CheckpointStore) -> Header | None:
    try:
        line = store.header()
        header = msgspec.json.decode(line, type=Header) if line else None
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    return header if header is not None and header.format == FORMAT else None


def load(store: CheckpointStore, log: LogReader) -> YearFold | None:
    """The fold saved in `store`, or None if absent, from another version or another log."""
    header = read_header(store)
    if header is None or header.version != PROJECTION_VERSION:
        return None
    if header.position and log_identity(log, header.position) != header.last:
        return None
    enabled = gc.isenabled()
    gc.disable()  # a million small objects at once: no collection passes while decoding
    try:
        data = store.state()
        if data is None:
            return None
        state = _decoder.decode(data)
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
