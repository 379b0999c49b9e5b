"""The chain of a PostgreSQL ledger as `store.chain` reads it: one REPEATABLE READ
snapshot of the events and the chain table, streamed in position order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from psycopg.rows import tuple_row
from psycopg.sql import SQL, Composed, Identifier

from store.chain import GENESIS, SEALED_TOPIC, Scan, link, scan


class PostgresSource:
    """One REPEATABLE READ snapshot of the events and the chain, streamed in position order."""

    def __init__(self, recorder: Any, conn: Any) -> None:
        self.conn = conn
        self.names = {"schema": Identifier(recorder.datastore.schema),
                      "events": Identifier(recorder.events_table_name),
                      "chain": Identifier(recorder.chain_table)}
        self.cursors = 0

    def _q(self, text: str) -> Composed:
        return SQL(text).format(**self.names)  # type: ignore[arg-type]

    def _one(self, text: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        with self.conn.cursor(row_factory=tuple_row) as cursor:
            cursor.execute(self._q(text), params)
            return cursor.fetchone()  # type: ignore[no-any-return]

    def _stream(self, text: str) -> Iterator[tuple[Any, ...]]:
        self.cursors += 1
        with self.conn.cursor(name=f"jixiao_verify_{self.cursors}", row_factory=tuple_row) as cursor:
            cursor.itersize = 5000
            cursor.execute(self._q(text))
            yield from cursor

    def scan(self, workers: int | None) -> Scan:
        with self.conn.cursor(name="jixiao_verify_scan", row_factory=tuple_row) as cursor:
            cursor.execute(self._q(
                "SELECT e.notification_id, convert_to(replace(e.originator_id::text, '-', ''), 'UTF8'), "
                "e.originator_version, convert_to(e.topic, 'UTF8'), e.state, c.digest "
                "FROM {schema}.{events} AS e LEFT JOIN {schema}.{chain} AS c ON c.position = e.notification_id "
                "ORDER BY e.notification_id"))
            return scan(cursor, 0, GENESIS, SEALED_TOPIC)

    def complete(self, count: int) -> bool:
        row = self._one("SELECT count(*) FROM {schema}.{chain}")
        assert row is not None
        return int(row[0]) == count  # a link beyond the events: events cut off the end

    def rows(self) -> Iterator[tuple[Any, ...]]:
        return self._stream(
            "SELECT e.notification_id, convert_to(replace(e.originator_id::text, '-', ''), 'UTF8'), "
            "e.originator_version, convert_to(e.topic, 'UTF8'), e.state, c.previous, c.digest "
            "FROM {schema}.{events} AS e LEFT JOIN {schema}.{chain} AS c ON c.position = e.notification_id "
            "ORDER BY e.notification_id")

    def missing_after(self, position: int) -> int:
        row = self._one("SELECT min(c.position) FROM {schema}.{chain} AS c LEFT JOIN {schema}.{events} AS e "
                        "ON e.notification_id = c.position WHERE c.position > %s AND e.notification_id IS NULL",
                        (position,))
        return int(row[0]) if row and row[0] is not None else 0

    def home_of(self, row: tuple[Any, ...]) -> int:
        previous, digest = row[5], row[6]
        if previous is None or digest is None:
            return 0
        found = self._one("SELECT c.position, coalesce(p.digest, %s) FROM {schema}.{chain} AS c "
                          "LEFT JOIN {schema}.{chain} AS p ON p.position = c.previous "
                          "WHERE c.previous = %s ORDER BY c.position LIMIT 1", (GENESIS, previous))
        if found is None:
            return 0
        home, before = int(found[0]), bytes(found[1])
        return home if link(before, home, *row[1:5]) == bytes(digest) else 0

    def digest_at(self, position: int) -> bytes | None:
        row = self._one("SELECT digest FROM {schema}.{chain} WHERE position = %s", (position,))
        return bytes(row[0]) if row else None

    def good_prefix(self, position: int) -> tuple[int, bytes]:
        row = self._one(
            "SELECT count(*), (SELECT digest FROM {schema}.{chain} WHERE position < %s "
            "ORDER BY position DESC LIMIT 1) FROM {schema}.{chain} WHERE position < %s",
            (position, position))
        assert row is not None
        return int(row[0]), bytes(row[1]) if row[1] is not None else GENESIS
