"""The checkpoint of a PostgreSQL ledger: a row of `jixiao_checkpoint` in its database,
shared by every process that opens it (made by `jixiao init` / `jixiao db migrate`)."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import ProgrammingError

CHECKPOINT_TABLE = "jixiao_checkpoint"
CHECKPOINT_NAME = "year"
CREATE = (f"CREATE TABLE IF NOT EXISTS {CHECKPOINT_TABLE} ("
          "name text PRIMARY KEY, header bytea NOT NULL, state bytea NOT NULL, "
          "saved timestamptz NOT NULL DEFAULT now())")


class TableCheckpoint:
    """The checkpoint row, read and written through the application's pool."""

    def __init__(self, datastore: Any, location: str = "") -> None:
        self.datastore = datastore
        self.location = f"{location}#checkpoint"

    def header(self) -> bytes | None:
        return self._column("header")

    def state(self) -> bytes | None:
        return self._column("state")

    def write(self, header: bytes, state: bytes) -> None:
        """Store the checkpoint; nothing is stored where the table was never created
        (`jixiao db migrate` makes it): the next start replays the log."""

        try:
            with self.datastore.get_connection() as conn:
                conn.execute(f"INSERT INTO {CHECKPOINT_TABLE} (name, header, state) VALUES (%s, %s, %s) "
                             "ON CONFLICT (name) DO UPDATE SET header = EXCLUDED.header, "
                             "state = EXCLUDED.state, saved = now()", (CHECKPOINT_NAME, header, state))
        except ProgrammingError:
            pass

    def _column(self, column: str) -> bytes | None:

        try:
            with self.datastore.get_connection() as conn:
                row = conn.execute(f"SELECT {column} FROM {CHECKPOINT_TABLE} WHERE name = %s",
                                   (CHECKPOINT_NAME,)).fetchone()
        except ProgrammingError:
            return None
        return bytes(row[column]) if row else None
