"""The self-inspection bundle (自查材料包): the report, the year's evidence files and a
manifest of their digests with the log's head and latest seal, in one zip the county can
check offline (`jixiao verify --bundle`), with no ledger at hand.

The manifest (`manifest.json`) lists every other file of the zip with its SHA-256 and
size; a check recomputes each, and refuses a changed, missing or added file by name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import msgspec

from domain.errors import fail
from projections.evidence import EvidenceItem, evidence_of, latest_seal
from projections.fold import YearFold
from projections.self_inspection import markdown
from tui.cli.output import to_json
from tui.reports.base import ReportQuery, Source, plan_or_fail
from tui.reports.tables import self_inspection_report

MANIFEST = "manifest.json"
FORMAT = "jixiao-bundle/1"
REPORT_MD = "自查报告.md"
REPORT_JSON = "自查报告.json"
EVIDENCE_DIR = "佐证材料"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


class BundleFile(msgspec.Struct, kw_only=True):
    path: str
    sha256: str
    size: int


class BundleEvidence(msgspec.Struct, kw_only=True):
    indicator: str
    file_name: str
    sha256: str
    size: int
    actor: str
    recorded: dt.datetime
    kept: bool  # False: the ledger has the digest only (文件未保存); no file in the bundle
    path: str | None


class Manifest(msgspec.Struct, kw_only=True):
    format: str
    unit: str
    year: int
    title: str
    created: dt.datetime
    head: dict[str, Any]  # the log's head when the bundle was made: position, digest
    seal: dict[str, Any] | None  # the latest seal of the log (position, digest, and a signature if signed)
    files: list[BundleFile]
    evidence: list[BundleEvidence]


def _member(item: EvidenceItem) -> str:
    name = _UNSAFE.sub("_", item.file_name).lstrip(".")[:100] or "file"
    return f"{EVIDENCE_DIR}/{_UNSAFE.sub('_', item.indicator)}/{item.sha256[:12]}-{name}"


def _entry(path: str, data: bytes) -> BundleFile:
    return BundleFile(path=path, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def build_bundle(fold: YearFold, source: Source, query: ReportQuery, out: BinaryIO, *, now: dt.datetime) -> None:
    """Write the zip of the self-inspection report as `fold` has it, with its evidence and
    manifest, to `out`; the evidence files are read one at a time, never all in memory."""
    title, _, data = self_inspection_report(fold, source, query)
    plan_fold = plan_or_fail(fold, query)
    assert plan_fold.plan is not None
    store = source.ledger.store
    indicators = [ind.id for ind, _ in plan_fold.plan.walk()]
    files: list[BundleFile] = []
    evidence: list[BundleEvidence] = []
    placed: dict[str, str] = {}  # digest -> its path in the zip (a file attached twice is there once)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(path: str, content: bytes) -> None:
            archive.writestr(path, content)
            files.append(_entry(path, content))

        add(REPORT_MD, markdown(data).encode("utf-8"))
        add(REPORT_JSON, (to_json(data) + "\n").encode("utf-8"))
        for item in evidence_of(plan_fold, indicators, source.read, store.evidence.kept):
            path = placed.get(item.sha256)
            if item.kept and path is None:
                content = store.evidence.get(item.sha256)
                if content is not None:
                    path = placed[item.sha256] = _member(item)
                    add(path, content)
            evidence.append(BundleEvidence(indicator=item.indicator, file_name=item.file_name,
                                           sha256=item.sha256, size=item.size, actor=item.actor,
                                           recorded=item.recorded, kept=path is not None, path=path))
        head = store.head()
        manifest = Manifest(format=FORMAT, unit=plan_fold.plan.unit, year=plan_fold.plan.year, title=title,
                            created=now,
                            head={"position": head, "digest": store.digest_at(head) if head else None},
                            seal=latest_seal(store.log), files=files, evidence=evidence)
        archive.writestr(MANIFEST, msgspec.json.format(msgspec.json.encode(manifest), indent=2))


@dataclass(frozen=True)
class BundleStatus:
    """What checking a bundle found: its files, and the first fault (None: intact)."""

    files: int
    unit: str = ""
    year: int = 0
    manifest_sha256: str = ""
    problems: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _digest(archive: zipfile.ZipFile, name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with archive.open(name) as member:
        while chunk := member.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def check_bundle(path: str) -> BundleStatus:
    """Check a bundle offline: every file against the manifest; refused (a JixiaoError)
    when the bundle cannot be read at all."""
    try:
        archive = zipfile.ZipFile(Path(path).expanduser())
    except (OSError, zipfile.BadZipFile) as exc:
        raise fail("bundle.unreadable", where=path, detail=exc) from None
    with archive:
        try:
            raw = archive.read(MANIFEST)
            manifest = msgspec.json.decode(raw, type=Manifest)
        except (KeyError, msgspec.DecodeError, msgspec.ValidationError, zipfile.BadZipFile, OSError) as exc:
            raise fail("bundle.no_manifest", where=path, detail=exc) from None
        problems: list[dict[str, str]] = []
        names = set(archive.namelist())
        listed = {f.path: f for f in manifest.files}
        for entry in manifest.files:
            if entry.path not in names:
                problems.append({"code": "bundle.missing", "file": entry.path})
                continue
            try:
                digest, size = _digest(archive, entry.path)
            except (zipfile.BadZipFile, OSError):  # a damaged member: its own check fails
                digest, size = "", -1
            if digest != entry.sha256 or size != entry.size:
                problems.append({"code": "bundle.changed", "file": entry.path})
        for item in manifest.evidence:  # each kept file is the one its digest names
            if item.path is not None and (item.path not in listed or listed[item.path].sha256 != item.sha256):
                problems.append({"code": "bundle.changed", "file": item.path})
        problems += [{"code": "bundle.unlisted", "file": name} for name in sorted(names - set(listed) - {MANIFEST})]
    return BundleStatus(files=len(manifest.files), unit=manifest.unit, year=manifest.year,
                        manifest_sha256=hashlib.sha256(raw).hexdigest(), problems=problems)
