"""The writer keeps the shared checkpoint current: after a command, when the log has
moved `EVERY` events past the checkpoint (or the checkpoint is missing or of another
projection version), the committing process folds forward from it and stores it again,
in the ledger's own database, so every client that opens the ledger next folds only the
few events after it. On average a command pays a fraction of a millisecond for this: one
header read, and a fold of the events since every `EVERY` commands."""

from __future__ import annotations

from domain.ports import CheckpointStore, LogReader
from projections import checkpoint as cp
from projections.live import LiveFold

EVERY = 2000  # events past the checkpoint before the writer refreshes it


def stale(checkpoints: CheckpointStore, head: int, every: int = EVERY) -> bool:
    """Whether the checkpoint is missing, of another version, or `every` events behind."""
    header = cp.read_header(checkpoints)
    return header is None or header.version != cp.PROJECTION_VERSION or head - header.position >= every


def refresh(log: LogReader, checkpoints: CheckpointStore, head: int, *, every: int = EVERY) -> bool:
    """Fold forward from the checkpoint (a checkpoint not to be trusted is rebuilt from
    the log) and store it, when it is stale; whether it was."""
    if not stale(checkpoints, head, every):
        return False
    live = LiveFold(log, checkpoint=checkpoints, every=10**12)
    live.open()
    live.save()
    return True
