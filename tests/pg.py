"""A PostgreSQL server for tests: $JIXIAO_TEST_PG, else a throwaway local cluster.

`postgres_server` (session scope) gives a `postgresql://` URL of a server the tests may
create databases on; `postgres_db` gives the URL of a fresh, empty database per test.
Tests that use them are skipped, with the reason, when no server can be had: no
psycopg, no PostgreSQL binaries, or no unprivileged user to run them as root.

The throwaway cluster is made with the Debian binaries (/usr/lib/postgresql/*/bin):
`initdb` in a temporary directory, `pg_ctl start` on 127.0.0.1 and a free port, trust
authentication for its one user; it is stopped and deleted after the session.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import pytest

ENV = "JIXIAO_TEST_PG"
USER = "jixiao"


def _binaries() -> Path | None:
    """The newest installed PostgreSQL bin directory holding initdb and pg_ctl."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as() -> dict[str, Any]:
    """subprocess arguments that run the server unprivileged: initdb refuses root."""
    if os.geteuid() != 0:
        return {}
    import pwd

    try:
        who = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no 'postgres' user to run PostgreSQL as")
    return {"user": who.pw_uid, "group": who.pw_gid, "extra_groups": []}


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary directory."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_user = _run_as()
        self.root = Path(tempfile.mkdtemp(prefix="jixiao-pg-"))  # under /tmp: reachable by that user
        if self.as_user:
            os.chown(self.root, self.as_user["user"], self.as_user["group"])
        self.data = self.root / "data"
        self.port = _free_port()

    def _run(self, *args: str) -> None:
        result = subprocess.run([str(self.bindir / args[0]), *args[1:]], capture_output=True,
                                text=True, cwd=self.root, timeout=120, **self.as_user)
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {result.stdout}{result.stderr}")

    # A test cluster need not survive a crash of the machine, only of its own processes:
    # without fsync the WAL still reaches the OS at every commit, so a server killed or
    # restarted mid-run recovers every acknowledged transaction.
    TEST_SETTINGS = ("fsync=off", "full_page_writes=off", "max_connections=200")

    def start(self, settings: tuple[str, ...] = TEST_SETTINGS) -> str:
        self._run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8",
                  "--no-locale")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} "
                   f"-c unix_socket_directories={self.root} " + " ".join(f"-c {s}" for s in settings))
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"),
                  "-w", "-t", "60", "start")
        return self.url

    @property
    def url(self) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/postgres"

    def restart(self, mode: str = "fast") -> None:
        """Stop the server (`fast`: clients are disconnected, open transactions rolled
        back; `immediate`: as if it crashed) and start it again with the same settings."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-m", mode,
                  "-w", "-t", "60", "restart")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except (RuntimeError, OSError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.root, ignore_errors=True)


def _connect(url: str) -> Any:
    import psycopg

    parsed = urlparse(url)
    return psycopg.connect(host=parsed.hostname or "127.0.0.1", port=parsed.port or 5432,
                           user=parsed.username or USER, password=os.environ.get("PGPASSWORD", ""),
                           dbname=parsed.path.lstrip("/") or "postgres", autocommit=True,
                           connect_timeout=10)


def available() -> bool:
    """Whether a PostgreSQL server can be had for the tests (without starting one)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return False
    return bool(os.environ.get(ENV)) or _binaries() is not None


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster | None]:
    """The throwaway cluster the tests started (None for a server given by $JIXIAO_TEST_PG)."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[postgres]')")
    url = os.environ.get(ENV)
    if url:
        try:
            _connect(url).close()
        except Exception as exc:
            pytest.skip(f"${ENV} is set but unreachable: {exc}")
        yield None
        return
    bindir = _binaries()
    if bindir is None:
        pytest.skip(f"no PostgreSQL server: set ${ENV} or install postgresql")
    cluster = Cluster(bindir)
    try:
        cluster.start()
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        cluster.stop()
        pytest.skip(f"could not start a throwaway PostgreSQL cluster: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_server(postgres_cluster: Cluster | None) -> str:
    """The URL of a PostgreSQL server on which databases may be created and dropped."""
    return postgres_cluster.url if postgres_cluster is not None else os.environ[ENV]


_numbers = itertools.count(1)


@pytest.fixture
def postgres_db(postgres_server: str) -> Iterator[str]:
    """The URL of a new, empty database, dropped after the test."""
    name = f"jixiao_test_{os.getpid()}_{next(_numbers)}"
    with _connect(postgres_server) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parsed = urlparse(postgres_server)
    yield urlunparse(parsed._replace(path=f"/{name}"))
    with _connect(postgres_server) as conn:
        try:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # PostgreSQL 13+
        except Exception:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
