"""Evidence files (佐证材料): reading one to keep, within the ledger's size limit.

The file itself is kept with the event that attaches it, in the ledger's evidence store
(a table beside the log, by SHA-256 digest: the same file attached twice is kept once).
The limit is 50 MB unless `JIXIAO_EVIDENCE_LIMIT` says otherwise: a number of bytes, or
with a unit (`20MB`, `500KB`, `1GB`).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import msgspec

from domain.errors import fail
from domain.ports import EvidenceFile

LIMIT_ENV = "JIXIAO_EVIDENCE_LIMIT"
DEFAULT_LIMIT = 50 * 1024 * 1024
_UNITS = {"": 1, "B": 1, "K": 1024, "KB": 1024, "M": 1024 ** 2, "MB": 1024 ** 2, "G": 1024 ** 3, "GB": 1024 ** 3}
_LIMIT = re.compile(r"^\s*(\d+)\s*([KMG]?B?)\s*$", re.IGNORECASE)


class ReadEvidence(msgspec.Struct, frozen=True):
    """A file read for an evidence record: its name, digest, size and bytes."""

    name: str
    sha256: str
    size: int
    content: bytes

    @property
    def file(self) -> EvidenceFile:
        return EvidenceFile(self.sha256, self.content)


def evidence_limit(env: Mapping[str, str] | None = None) -> int:
    """The largest evidence file kept, in bytes (`JIXIAO_EVIDENCE_LIMIT`, default 50 MB)."""
    text = (os.environ if env is None else env).get(LIMIT_ENV, "").strip()
    if not text:
        return DEFAULT_LIMIT
    found = _LIMIT.match(text)
    if found is None:
        raise fail("evidence.limit_setting", value=text)
    return int(found.group(1)) * _UNITS[found.group(2).upper()]


def read_evidence(path: str | Path, *, limit: int | None = None,
                  where: Callable[[str], Path] | None = None) -> ReadEvidence:
    """Read a file to keep as evidence; refused, with nothing read past the limit, when it
    is larger than the limit. `where` maps the name given to the file allowed (it refuses
    the ledger's own files, and outside a person's folder in an SSH session)."""
    limit = evidence_limit() if limit is None else limit
    shown = str(path)
    target = where(shown) if where is not None else Path(shown).expanduser()
    try:
        with target.open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size > limit:
                raise fail("evidence.too_large", where=shown, size=size, limit=limit)
            content = file.read(limit + 1)  # a file that grew meanwhile is caught too
    except OSError as exc:
        raise fail("file.unreadable", where=shown, detail=exc) from None
    if len(content) > limit:
        raise fail("evidence.too_large", where=shown, size=len(content), limit=limit)
    return ReadEvidence(target.name, hashlib.sha256(content).hexdigest(), len(content), content)
