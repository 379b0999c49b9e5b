"""Reading a PostgreSQL ledger's log: the library's events table, through its pool.

Pages come from one indexed query each, rows fetched in binary as plain tuples (the
library's `select_notifications` makes a dict, a UUID and a notification per row).
`follow` iterates the library's subscription (`recorder.subscribe()`, LISTEN/NOTIFY):
the rows arrive with the news and wait in a queue for `drain`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from domain.ports import RawRow
from store.follow import FollowerThread

PAGE = 5000


class PostgresLog:
    """The log of the application whose recorder is `recorder` (see `domain.ports.LogReader`)."""

    def __init__(self, recorder: Any) -> None:
        from psycopg.sql import SQL, Identifier

        self.recorder = recorder
        table = SQL("{}.{}").format(Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
        select = ("SELECT notification_id, replace(originator_id::text, '-', ''), topic, state FROM {} "
                  "WHERE notification_id > %s")
        self._page = SQL(select + " ORDER BY notification_id LIMIT %s").format(table)
        self._page_to = SQL(select + " AND notification_id <= %s ORDER BY notification_id LIMIT %s").format(table)

    def pages(self, after: int = 0, stop: int | None = None) -> Iterator[list[RawRow]]:
        from psycopg.rows import tuple_row

        query = self._page if stop is None else self._page_to
        with self.recorder.datastore.get_connection() as conn, \
                conn.cursor(row_factory=tuple_row, binary=True) as cursor:
            while True:
                params = (after, PAGE) if stop is None else (after, stop, PAGE)
                cursor.execute(query, params, prepare=True)
                rows = cursor.fetchall()
                if not rows:
                    return
                yield rows
                if len(rows) < PAGE:
                    return
                after = rows[-1][0]

    def at(self, positions: Iterable[int]) -> list[RawRow]:
        wanted = sorted(set(positions))
        if not wanted:
            return []
        # contiguous runs are read as one page each
        runs = []
        run_start = prev = wanted[0]
        for p in wanted[1:]:
            if p != prev + 1:
                runs.append((run_start, prev))
                run_start = p
            prev = p
        runs.append((run_start, prev))
        found: list[RawRow] = []
        for first, last in runs:
            for page in self.pages(first - 1, last):
                found += page
        return found

    def head(self) -> int:
        return self.recorder.max_notification_id() or 0

    def identity(self, position: int) -> tuple[str, int] | None:
        if position <= 0:
            return None
        rows = self.recorder.select_notifications(start=position, limit=1, stop=position)
        return (str(rows[0].originator_id), rows[0].originator_version) if rows else None

    def follow(self, after: int, on_new: Callable[[], None] | None = None, *,
               interval: float = 0.2) -> Subscriber:
        return Subscriber(self.recorder, after, on_new).start()

    def close(self) -> None:
        """Nothing kept: the connections are the application's pool."""


class Subscriber(FollowerThread):
    """Iterates the library's subscription; the rows it receives wait for `drain()`.

    If the subscription fails (the server restarted, the network dropped) it subscribes
    again from the last row received, after a pause; meanwhile `subscribed` is False and
    the fold asks the store itself.
    """

    RETRY = (0.2, 5.0)  # seconds before subscribing again: first, most

    def __init__(self, recorder: Any, after: int, on_new: Callable[[], None] | None = None) -> None:
        super().__init__(after, on_new)
        self.recorder = recorder
        self.rows: queue.SimpleQueue[RawRow | None] = queue.SimpleQueue()
        self._subscription: Any = None
        self._lock = threading.Lock()

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                with self.recorder.subscribe(gt=self.last) as subscription:
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

    def drain(self, after: int) -> list[RawRow] | None:
        """The rows received after position `after`, in order; None when some may have
        been missed (a new subscription began): then the caller reads the store itself."""
        self._woken.clear()
        rows: list[RawRow] = []
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

    def _halt(self) -> None:
        with self._lock:
            if self._subscription is not None:
                self._subscription.stop()
