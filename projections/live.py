"""Following the log live: a fold that keeps its position and applies what is new.

`LiveFold(log, checkpoint=store).open()` starts from the checkpoint when it can be
trusted (else replays the whole log), then catches up. `poll()` asks the log for its
head (one cheap query) and applies only the events stored since. The checkpoint is
rewritten when the fold has moved far enough past it, so the next start is fast.

`follow(on_new)` makes the fold hear of new events as soon as they commit (the log's
`follow`: on PostgreSQL the rows come with the notification, and `poll()` then applies
them without asking the store anything; a SQLite file is watched). `on_new` is called
from another thread, once until the next `poll()`; the fold itself only ever changes in
`poll()`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator

from domain.ports import CheckpointStore, Follower, LogReader, RawRow
from projections import checkpoint as cp
from projections.fold import YearFold

Progress = Callable[[int, int], None]


def counted(pages: Iterable[list[RawRow]], total: int, progress: Progress) -> Iterator[list[RawRow]]:
    """The pages, telling `progress(rows so far, total)` after each."""
    done = 0
    progress(0, total)
    for page in pages:
        yield page
        done += len(page)
        progress(min(done, total), total)


class LiveFold:
    ASK_EVERY = 10.0  # seconds: even when following, ask the store now and then

    def __init__(self, log: LogReader, *, checkpoint: CheckpointStore | None = None, every: int = 20_000) -> None:
        self.log = log
        self.checkpoint = checkpoint
        self.every = every
        self.fold = YearFold()
        self.saved_at = 0
        self.from_checkpoint = False
        self.follower: Follower | None = None
        self._asked = 0.0  # when the store was last asked for its head

    def open(self, progress: Progress | None = None) -> YearFold:
        """Load the checkpoint (if trusted) or replay the log, then catch up; `progress(done,
        total)` is told how far the catching up is, page by page (a first open folds it all)."""
        loaded = cp.load(self.checkpoint, self.log) if self.checkpoint is not None else None
        self.from_checkpoint = loaded is not None
        self.fold = loaded if loaded is not None else YearFold()
        self.saved_at = self.fold.position if loaded is not None else 0
        self.catch_up(progress)
        return self.fold

    def catch_up(self, progress: Progress | None = None) -> int:
        """Apply every event stored after the fold's position; returns how many."""
        pages: Iterable[list[RawRow]] = self.log.pages(after=self.fold.position)
        if progress is not None:
            pages = counted(pages, self.log.head() - self.fold.position, progress)
        n = self.fold.feed_rows(pages)
        if self.checkpoint is not None and self.fold.position - self.saved_at >= self.every:
            self.save()
        return n

    def last_position(self) -> int:
        return self.log.head()

    def follow(self, on_new: Callable[[], None] | None = None, *, interval: float = 0.2) -> Follower:
        """Hear of new events as soon as they commit (see the module's notes)."""
        if self.follower is None:
            self.follower = self.log.follow(self.fold.position, on_new, interval=interval)
        return self.follower

    def poll(self) -> int:
        """Apply what was stored since the last call (nothing read if nothing is new)."""
        follower = self.follower
        if follower is not None and follower.subscribed:
            rows = follower.drain(self.fold.position)
            if rows is not None and (rows or time.monotonic() - self._asked < self.ASK_EVERY):
                return self.fold.feed_rows([rows]) if rows else 0
        self._asked = time.monotonic()
        if self.last_position() <= self.fold.position:
            return 0
        return self.catch_up()

    def save(self) -> None:
        if self.checkpoint is not None:
            cp.save(self.fold, self.checkpoint, self.log)
            self.saved_at = self.fold.position

    def close(self) -> None:
        """Stop following and let go of what the log reader keeps open."""
        if self.follower is not None:
            self.follower.stop()
            self.follower = None
        self.log.close()
