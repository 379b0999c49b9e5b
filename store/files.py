"""The files a ledger owns, and the folder where a person's exports may go.

A SQLite ledger is more than its database: SQLite's `-wal`, `-shm` and `-journal`
beside it, the audit index (`<ledger>.audit.db` and its own companions), the checkpoint
(`<ledger>.checkpoint`), the log of refusals (`<ledger>.log`, or $JIXIAO_LOG). Every one
of them is named after the ledger file, in its directory, so "anything in that directory
whose name begins with the ledger's" covers them all, and the ones added later too. A
PostgreSQL ledger keeps everything in its database; only the log may be a file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from store.location import Location, resolve_db


@dataclass(frozen=True)
class LedgerFiles:
    """What an export must never write over."""

    directory: Path | None  # the SQLite ledger's directory (resolved), None on PostgreSQL
    stem: str  # the ledger file's name: every file it owns begins with it
    extra: tuple[Path, ...]  # files named elsewhere ($JIXIAO_LOG)

    @classmethod
    def of(cls, db: str | None) -> LedgerFiles:
        where = Location.of(resolve_db(db))
        log = os.environ.get("JIXIAO_LOG")
        extra = (Path(log).expanduser().resolve(),) if log else ()
        if where.is_postgres:
            return cls(None, "", extra)
        path = Path(where.text).expanduser().resolve()
        return cls(path.parent, path.name, extra)

    def owns(self, path: Path) -> bool:
        """Whether `path` (resolved: symbolic links followed) is one of the ledger's files."""
        resolved = path.resolve()
        if resolved in self.extra:
            return True
        return (self.directory is not None and resolved.parent == self.directory
                and resolved.name.startswith(self.stem))

    def identities(self) -> set[tuple[int, int]]:
        """(device, inode) of every existing file of the ledger: a hard link is caught too."""
        found: set[tuple[int, int]] = set()
        candidates: list[Path] = list(self.extra)
        if self.directory is not None:
            try:
                candidates += [p for p in self.directory.iterdir() if p.name.startswith(self.stem)]
            except OSError:
                pass
        for path in candidates:
            try:
                st = path.stat()
            except OSError:
                continue
            found.add((st.st_dev, st.st_ino))
        return found


def data_directory(db: str | None) -> Path:
    """The ledger's data directory: the SQLite file's folder, else the per-user data dir."""
    where = Location.of(resolve_db(db))
    if where.is_postgres:
        return Path(user_data_dir("jixiao", appauthor=False))
    return Path(where.text).expanduser().resolve().parent


def export_folder(db: str | None, user: str) -> Path:
    """`<data directory>/exports/<user>`: where a person's exports go in an SSH session."""
    return data_directory(db) / "exports" / user
