"""What both backends' followers share: a daemon thread, and telling the listener once
until it next drains (see `domain.ports.Follower`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Self

from domain.ports import RawRow


class FollowerThread:
    """A thread that hears of commits to the log and calls `on_new`; subclasses say how."""

    def __init__(self, after: int, on_new: Callable[[], None] | None = None) -> None:
        self.last = after
        self.on_new = on_new
        self.subscribed = False
        self.failures = 0
        self._stopped = threading.Event()
        self._woken = threading.Event()  # told, and not drained since
        self.thread = threading.Thread(target=self._run, name="jixiao-follow", daemon=True)

    def start(self) -> Self:
        self.thread.start()
        return self

    def _run(self) -> None:  # pragma: no cover - each backend has its own
        raise NotImplementedError

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

    def drain(self, after: int) -> list[RawRow] | None:
        """No rows come with the news here: the caller reads the log itself."""
        self._woken.clear()
        return None

    def _halt(self) -> None:
        """Interrupt whatever the thread waits on (beyond the stop event)."""

    def stop(self) -> None:
        self._stopped.set()
        self._halt()
        self.thread.join(timeout=5)
