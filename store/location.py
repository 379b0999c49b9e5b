"""Where a ledger lives, decided once: a SQLite file or a PostgreSQL database.

A ledger location is a path (or `sqlite:PATH`) or a `postgresql://user@host:port/db`
URL. `Location.of` reads it and every other part of the store asks the opened store
(`kind`), never the text again. A password never belongs in the URL: it would show in
process lists, shell history and authorized_keys; it comes from $PGPASSWORD or
~/.pgpass, and `safe` scrubs it from any text shown to a user.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlparse

from platformdirs import user_data_dir

from domain.errors import fail

Kind = Literal["sqlite", "postgres"]
_POSTGRES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class Location:
    """A ledger location: its backend and its path (SQLite) or URL (PostgreSQL)."""

    kind: Kind
    text: str  # the file path, or the URL as given

    @classmethod
    def of(cls, text: str) -> Location:
        """Read `sqlite:PATH`, `sqlite://PATH`, a bare path or a postgresql:// URL."""
        if text.startswith(_POSTGRES):
            return cls("postgres", text)
        if text.startswith("sqlite://"):
            return cls("sqlite", text.removeprefix("sqlite://"))
        return cls("sqlite", text.removeprefix("sqlite:"))

    @property
    def is_postgres(self) -> bool:
        return self.kind == "postgres"

    @property
    def safe(self) -> str:
        """The location as it may be shown: without any password."""
        return safe(self.text)

    def refuse_password(self) -> None:
        if self.is_postgres and urlparse(self.text).password is not None:
            raise fail("store.password_in_url", where=self.safe)

    def same_as(self, other: Location) -> bool:
        if self.is_postgres or other.is_postgres:
            return self.text == other.text
        return Path(self.text).resolve() == Path(other.text).resolve()

    def env(self, *, create_table: bool = True) -> dict[str, str]:
        """eventsourcing's settings for this location."""
        if self.is_postgres:
            url = urlparse(self.text)
            env = {
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "POSTGRES_DBNAME": unquote(url.path.lstrip("/")) or "jixiao",
                "POSTGRES_HOST": url.hostname or "127.0.0.1",
                "POSTGRES_PORT": str(url.port or 5432),
                "POSTGRES_USER": unquote(url.username or os.environ.get("PGUSER", "jixiao")),
                "POSTGRES_PASSWORD": os.environ.get("PGPASSWORD", "") or _pgpass(url),
                "POSTGRES_POOL_SIZE": "2",
                "POSTGRES_LOCK_TIMEOUT": "10",
                "POSTGRES_CONNECT_TIMEOUT": "10",  # a server that is down is reported in seconds
            }
        else:
            env = {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": self.text,
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        env["CREATE_TABLE"] = "y" if create_table else "n"
        return env


def default_db_path() -> Path:

    return Path(user_data_dir("jixiao", appauthor=False)) / "ledger.db"


def resolve_db(db: str | None) -> str:
    """The ledger location: --db, else $JIXIAO_DB, else the per-user data dir."""
    return db or os.environ.get("JIXIAO_DB") or str(default_db_path())



def store_env(db: str, *, create_table: bool = True) -> dict[str, str]:
    """eventsourcing settings for a ledger location (a SQLite path or a PostgreSQL URL)."""
    return Location.of(db).env(create_table=create_table)


def _pgpass(url: Any) -> str:
    """The password for this URL from ~/.pgpass (or $PGPASSFILE), never from the URL."""
    path = Path(os.environ.get("PGPASSFILE", Path.home() / ".pgpass"))
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return ""
    want = [url.hostname or "127.0.0.1", str(url.port or 5432), url.path.lstrip("/"),
            url.username or ""]
    for line in lines:
        if not line or line.startswith("#"):
            continue
        fields = line.split(":", 4)
        if len(fields) == 5 and all(f in ("*", w) for f, w in zip(fields[:4], want, strict=True)):
            return fields[4]
    return ""


def prepare_sqlite_path(db: str) -> None:
    """Create the ledger's directory and file with owner-only permissions."""
    path = Path(db)
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    if not path.exists():
        path.touch(mode=0o600)
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)


def safe(text: str) -> str:
    """Text with any PostgreSQL password removed (from $PGPASSWORD or a URL)."""
    password = os.environ.get("PGPASSWORD")
    text = text.replace(password, "***") if password else text
    return _URL_PASSWORD.sub(r"\1***@", text)


_safe = safe  # the name the read side imports
_URL_PASSWORD = re.compile(r"(postgres(?:ql)?://[^:/@\s]*:)[^@\s]*@")
