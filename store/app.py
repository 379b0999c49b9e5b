"""The event store: eventsourcing's Application with a msgspec mapper.

Payloads are stored as msgspec JSON of the event structs in `domain.events`, under the
stable topics those structs declare. The store is eventsourcing's own SQLite module by
default and its PostgreSQL module for a `postgresql://` URL; nothing here is a home-made
store.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import ApplicationRecorder, Mapper, StoredEvent, Transcoder

from domain.codec import decode_event, encoder
from domain.errors import fail


class _NoTranscoder(Transcoder):
    def encode(self, obj: Any) -> bytes:  # pragma: no cover - never called
        raise NotImplementedError

    def decode(self, data: bytes) -> Any:  # pragma: no cover - never called
        raise NotImplementedError


class MsgspecMapper(Mapper[UUID]):
    """Maps event structs to stored events and back with msgspec, by stable topic."""

    def __init__(self) -> None:
        super().__init__(transcoder=_NoTranscoder())

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=domain_event.topic(),
            state=encoder.encode(domain_event),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        return decode_event(stored_event.topic, stored_event.state)


class LedgerApp(Application[UUID]):
    """The ledger's application: its event store, repository and notification log."""

    name = "jixiao"

    def construct_mapper(self) -> Mapper[UUID]:
        return MsgspecMapper()

    def construct_recorder(self) -> ApplicationRecorder:
        """The library's recorder for the store, extended to write the hash chain
        (`store.chain`) in the same transaction as the events."""
        from store.chain import is_chained, recorder_topic

        env = self.factory.env
        topic = recorder_topic(env.get("PERSISTENCE_MODULE", ""))
        if topic is not None:
            for key in env.create_keys("APPLICATION_RECORDER_TOPIC"):
                env[key] = topic
        recorder = super().construct_recorder()
        if not is_chained(recorder):
            raise fail("chain.unsupported", recorder=type(recorder).__name__)
        return recorder


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("jixiao", appauthor=False)) / "ledger.db"


def resolve_db(db: str | None) -> str:
    """The ledger location: --db, else $JIXIAO_DB, else the per-user data dir."""
    return db or os.environ.get("JIXIAO_DB") or str(default_db_path())


def is_postgres(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


def store_env(db: str, *, create_table: bool = True) -> dict[str, str]:
    """eventsourcing settings for a ledger location (a SQLite path or a PostgreSQL URL)."""
    if is_postgres(db):
        url = urlparse(db)
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
            "SQLITE_DBNAME": db,
            "SQLITE_LOCK_TIMEOUT": "30",
        }
    env["CREATE_TABLE"] = "y" if create_table else "n"
    return env


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


def open_app(db: str, *, create: bool = True) -> LedgerApp:
    """Open the ledger's store; for SQLite, `create=False` refuses a missing file."""
    if is_postgres(db) and urlparse(db).password is not None:
        # a password in the URL shows in process lists, shell history and authorized_keys
        raise fail("store.password_in_url", where=_safe(db))
    if not is_postgres(db):
        if not Path(db).exists():
            if not create:
                raise fail("store.missing", where=db)
            prepare_sqlite_path(db)
    # PostgreSQL tables are made by `jixiao init` / `jixiao db migrate`, not on every start
    create_table = create or not is_postgres(db)
    try:
        app = LedgerApp(env=store_env(db, create_table=create_table))
        missing = [] if create_table else missing_tables(app)
    except Exception as exc:  # the library raises many kinds; the user needs one message
        raise fail("store.unopenable", where=_safe(db), detail=_safe(str(exc))) from None
    if missing:
        app.close()
        raise fail("store.no_tables", where=_safe(db), tables=", ".join(missing))
    return app


def missing_tables(app: LedgerApp) -> list[str]:
    """The ledger's PostgreSQL tables (events and chain) not yet created in its database."""
    recorder: Any = app.recorder
    schema = recorder.datastore.schema
    names = [f"{schema}.{recorder.events_table_name}", f"{schema}.{recorder.chain_table}"]
    with recorder.datastore.get_connection() as conn:
        found = conn.execute("SELECT " + ", ".join(f"to_regclass(%s) IS NOT NULL AS t{i}"
                                                   for i in range(len(names))), names).fetchone()
    return [name for i, name in enumerate(names) if not found[f"t{i}"]]


def pg_connect_args(db: str) -> dict[str, Any]:
    """psycopg connection arguments for a postgresql:// ledger (password as for the store)."""
    env = store_env(db)
    return {"host": env["POSTGRES_HOST"], "port": int(env["POSTGRES_PORT"]),
            "user": env["POSTGRES_USER"], "password": env["POSTGRES_PASSWORD"],
            "dbname": env["POSTGRES_DBNAME"], "connect_timeout": 30}


def pg_connect(db: str, *, autocommit: bool = True) -> Any:
    """A psycopg connection to a ledger's database, for what sits beside the library's
    tables (read models, checkpoints, moving a ledger)."""
    import psycopg

    if urlparse(db).password is not None:
        raise fail("store.password_in_url", where=_safe(db))
    try:
        return psycopg.connect(autocommit=autocommit, **pg_connect_args(db))
    except psycopg.Error as exc:
        raise fail("store.unopenable", where=_safe(db), detail=_safe(str(exc))) from None


def _safe(text: str) -> str:
    """Text with any PostgreSQL password removed (from $PGPASSWORD or a URL)."""
    password = os.environ.get("PGPASSWORD")
    text = text.replace(password, "***") if password else text
    return _URL_PASSWORD.sub(r"\1***@", text)


_URL_PASSWORD = re.compile(r"(postgres(?:ql)?://[^:/@\s]*:)[^@\s]*@")
