"""Where a report or an export may be written, for both faces (command line and terminal UI).

Three rules, checked on the opened file itself so that a symbolic or hard link cannot slip
past them: never one of the ledger's own files (database, its -wal/-shm/-journal, audit
index, checkpoint, log); never over an existing file unless the person asked for it
(`--force`, or a second confirmation in the dialog); and in a forced-command SSH session
only into the person's export folder under the ledger's data directory, named by a plain
file name (a name with a path in it is refused).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from domain.errors import JixiaoError, fail
from store import LedgerFiles, export_folder


@dataclass(frozen=True)
class Destination:
    """Where exports of one ledger go; `folder` set: a confined (SSH) session."""

    ledger: str | None
    force: bool = False
    folder: Path | None = None
    stream: bool = False  # a command sent over SSH: a workbook too goes to standard output
    files: LedgerFiles = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "files", LedgerFiles.of(self.ledger))

    @classmethod
    def confined(cls, ledger: str | None, user: str) -> Destination:
        return cls(ledger, folder=export_folder(ledger, user))

    def forced(self) -> Destination:
        return Destination(self.ledger, force=True, folder=self.folder)

    def default_path(self, name: str) -> str:
        """What the export dialog proposes: a plain name in a session, else a path here."""
        return name if self.folder is not None else str(Path.cwd() / name)

    def path_of(self, name: str) -> Path:
        """The file `name` means, refused if it is the ledger's or outside the session's folder."""
        if self.stream:  # a command sent over SSH writes no file on the server at all
            raise fail("ssh.refused", where=name)
        if self.folder is not None:
            if (not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name
                    or name != name.strip()):
                raise fail("export.path_in_name", where=name)
            path = self.folder / name
        else:
            if not name.strip() or "\0" in name:
                raise fail("export.path_in_name", where=name)
            path = Path(name).expanduser()
        if self.files.owns(path):
            raise fail("export.ledger_file", where=name)
        return path

    def source_of(self, name: str) -> Path:
        """The file an evidence name may mean: never one of the ledger's own files (a link
        to one neither), and in an SSH session only a plain name in the person's folder."""
        try:
            path = self.path_of(name)
        except JixiaoError as exc:
            if exc.problems[0].code == "export.ledger_file":
                raise fail("evidence.ledger_file", where=name) from None
            raise
        try:
            st = path.stat()
        except OSError:
            return path  # reading it says why it cannot be read
        if (st.st_dev, st.st_ino) in self.files.identities():
            raise fail("evidence.ledger_file", where=name)
        return path

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        """The file `name` open for writing, checked against the three rules."""
        path = self.path_of(name)
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) * (self.folder is not None)
        if not self.force:
            flags |= os.O_EXCL
        try:
            fd = os.open(path, flags, 0o600 if self.folder is not None else 0o666)
        except FileExistsError:
            raise fail("export.exists", where=name) from None
        except OSError as exc:
            raise fail("file.unwritable", where=name, detail=exc) from None
        st = os.fstat(fd)
        if (st.st_dev, st.st_ino) in self.files.identities():  # a link to the ledger's file
            os.close(fd)
            raise fail("export.ledger_file", where=name)
        os.ftruncate(fd, 0)
        with os.fdopen(fd, "wb") as out:
            yield out

    def write(self, name: str, data: bytes) -> Path:
        with self.open(name) as out:
            try:
                out.write(data)
            except OSError as exc:
                raise fail("file.unwritable", where=name, detail=exc) from None
        return self.path_of(name)

    def refuse_early(self, name: str) -> None:
        """The checks that need no writing, for writers that open the file themselves."""
        path = self.path_of(name)
        if path.exists() and not self.force:
            raise fail("export.exists", where=name)
        if path.exists() and (path.stat().st_dev, path.stat().st_ino) in self.files.identities():
            raise fail("export.ledger_file", where=name)


def deliver_bytes(data: bytes, name: str | None, destination: Destination) -> None:
    """Write to standard output, or to the file `name` through the destination."""
    if name:
        destination.write(name, data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
