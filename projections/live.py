"""Following the log live: a fold that keeps its position and applies what is new.

`LiveFold(app, checkpoint=path).open()` starts from the checkpoint when it can be
trusted (else replays the whole log), then catches up. `poll()` asks the store for its
last position (one cheap query; on SQLite there is no notification to wait on) and
applies only the events stored since. The checkpoint is rewritten when the fold has
moved far enough past it, so the next start is fast.

`follow(on_new)` makes the fold hear of new events as soon as they commit: on
PostgreSQL through the library's subscription (`recorder.subscribe()`, LISTEN/NOTIFY),
whose notifications `poll()` then applies without asking the store anything; on SQLite,
which has no notifications, by watching the log's head from a thread. `on_new` is called
from that thread, once until the next `poll()`; the fold itself only ever changes in
`poll()`.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

from projections import checkpoint as cp
from projections.fold import YearFold
from projections.stream import _sqlite_db, max_position, read_rows


class LiveFold:
    ASK_EVERY = 10.0  # seconds: even when following, ask the store now and then

    def __init__(self, app: Any, *, checkpoint: str | None = None, every: int = 20_000) -> None:
        self.app = app
        self.checkpoint = checkpoint
        self.every = every
        self.fold = YearFold()
        self.saved_at = 0
        self.from_checkpoint = False
        self._conn: sqlite3.Connection | None = None
        self.follower: Follower | None = None
        self._asked = 0.0  # when the store was last asked for its head

    def open(self) -> YearFold:
        """Load the checkpoint (if trusted) or replay the log, then catch up."""
        loaded = cp.load(self.checkpoint, self.app) if self.checkpoint else None
        self.from_checkpoint = loaded is not None
        self.fold = loaded if loaded is not None else YearFold()
        self.saved_at = self.fold.position if loaded is not None else 0
        self.catch_up()
        return self.fold

    def catch_up(self) -> int:
        """Apply every event stored after the fold's position; returns how many."""
        n = self.fold.feed_rows(read_rows(self.app, after=self.fold.position))
        if self.checkpoint and self.fold.position - self.saved_at >= self.every:
            self.save()
        return n

    def last_position(self) -> int:
        db = _sqlite_db(self.app)
        if db is None:
            return max_position(self.app)
        if self._conn is None:
            self._conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
        try:
            return self._conn.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0] or 0
        except sqlite3.OperationalError:
            return 0

    def follow(self, on_new: Callable[[], None] | None = None, *, interval: float = 0.2) -> Follower:
        """Hear of new events as soon as they commit (see the module's notes)."""
        if self.follower is None:
            self.follower = Follower(self.app, self.fold.position, on_new, interval=interval)
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
        if self.checkpoint:
            cp.save(self.fold, self.checkpoint, self.app)
            self.saved_at = self.fold.position

    def close(self) -> None:
        if self.follower is not None:
            self.follower.stop()
            self.follower = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class Follower:
    """A thread that hears of each commit to the log and calls `on_new`.

    On PostgreSQL it iterates the library's subscription (LISTEN/NOTIFY): the rows it
    receives wait in a queue for `drain()`. If the subscription fails (the server
    restarted, the network dropped) it subscribes again from the last row received,
    after a pause; meanwhile `subscribed` is False and the fold asks the store itself.
    On SQLite it reads the head of the log every `interval` seconds.
    """

    RETRY = (0.2, 5.0)  # seconds before subscribing again: first, most

    def __init__(self, app: Any, after: int, on_new: Callable[[], None] | None = None, *,
                 interval: float = 0.2) -> None:
        self.app = app
        self.last = after
        self.on_new = on_new
        self.interval = interval
        self.rows: queue.SimpleQueue[tuple[int, str, str, bytes] | None] = queue.SimpleQueue()
        self.subscribed = False
        self.failures = 0
        self._stopped = threading.Event()
        self._woken = threading.Event()  # told, and not drained since
        self._subscription: Any = None
        self._lock = threading.Lock()
        postgres = _sqlite_db(app) is None and hasattr(app.recorder, "subscribe")
        self.thread = threading.Thread(target=self._listen if postgres else self._watch,
                                       name="jixiao-follow", daemon=True)
        self.thread.start()

    def _wake(self) -> None:
        """Tell the listener, once until it next drains the rows."""
        if not self._woken.is_set():
            self._woken.set()
            self._notify()

    def _notify(self) -> None:
        if self.on_new is not None:
            try:
                self.on_new()
            except Exception:  # the listener is gone (an app closing): nothing to tell
                pass

    def _listen(self) -> None:
        while not self._stopped.is_set():
            try:
                with self.app.recorder.subscribe(gt=self.last) as subscription:
                    with self._lock:
                        self._subscription = subscription
                    if self._stopped.is_set():
                        subscription.stop()
                    self.subscribed = True
                    self.failures = 0
                    self.rows.put(None)  # a mark: what came before may have been missed
                    self._wake()
                    for n in subscription:
                        self.rows.put((n.id, n.originator_id.hex, n.topic, n.state))
                        self.last = n.id
                        self._wake()
            except Exception:
                self.failures += 1
            finally:
                self.subscribed = False
                with self._lock:
                    self._subscription = None
            first, most = self.RETRY
            self._stopped.wait(min(most, first * 2 ** min(self.failures, 8)))

    def _watch(self) -> None:
        db = _sqlite_db(self.app)
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True) if db else None
        try:
            while not self._stopped.wait(self.interval):
                try:
                    head = (conn.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0]
                            if conn is not None else max_position(self.app)) or 0
                except Exception:
                    continue
                if head > self.last:
                    self.last = head
                    self._notify()
        finally:
            if conn is not None:
                conn.close()

    def drain(self, after: int) -> list[tuple[int, str, str, bytes]] | None:
        """The rows received after position `after`, in order; None when some may have
        been missed (a new subscription began): then the caller reads the store itself."""
        self._woken.clear()
        rows: list[tuple[int, str, str, bytes]] = []
        missed = False
        while True:
            try:
                item = self.rows.get_nowait()
            except queue.Empty:
                break
            if item is None:
                missed = True
            elif item[0] > after:
                rows.append(item)
                after = item[0]
        return None if missed else rows

    def stop(self) -> None:
        self._stopped.set()
        with self._lock:
            if self._subscription is not None:
                self._subscription.stop()
        self.thread.join(timeout=5)
