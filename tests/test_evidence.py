"""Evidence kept and checked: the file itself beside the log, by its SHA-256 digest.

A clerk attaches a file; the supervisory group gets it back byte for byte; a changed byte
in the store is caught by `verify`; the self-inspection bundle is checked offline and
refused after an edit. Every test runs on SQLite and on PostgreSQL unless it is about the
SQLite file itself.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest

from domain.commands import Ledger
from domain.errors import JixiaoError
from store import open_ledger
from tests.conftest import Clock, jixiao, jixiao_bytes
from tui.outfile import Destination

BINARY = b"%PDF-1.7\x00\x00\xff\xfe\x00" + bytes(range(256)) * 40 + b"\x00end"


def a_file(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def init(db: str) -> None:
    created = jixiao("init", "--example", db=db)
    assert created.returncode == 0, created.stderr


def kept_rows(db: str, backend: str) -> list[tuple[str, int]]:
    """(digest, size) of every kept file, read from the store's own table."""
    if backend == "sqlite":
        conn = sqlite3.connect(db)
        try:
            return [(r[0], r[1]) for r in conn.execute("SELECT sha256, size FROM jixiao_evidence ORDER BY sha256")]
        finally:
            conn.close()
    from tests.test_postgres_store import sql

    return [(r[0], r[1]) for r in sql(db, "SELECT sha256, size FROM jixiao_evidence ORDER BY sha256")]


def change_a_byte(db: str, backend: str, digest: str) -> None:
    """What someone with write access to the database could do to a kept file."""
    if backend == "sqlite":
        conn = sqlite3.connect(db)
        content = bytearray(conn.execute("SELECT content FROM jixiao_evidence WHERE sha256 = ?",
                                         (digest,)).fetchone()[0])
        content[9] ^= 0x01
        conn.execute("UPDATE jixiao_evidence SET content = ? WHERE sha256 = ?", (bytes(content), digest))
        conn.commit()
        conn.close()
        return
    from tests.test_postgres_store import sql

    sql(db, "UPDATE jixiao_evidence SET content = overlay(content placing '\\x01'::bytea from 10 for 1) "
            "WHERE sha256 = %s", digest)


# -- kept and given back -----------------------------------------------------------------
def test_a_binary_file_is_kept_and_given_back_byte_for_byte(db_path: str, backend: str, tmp_path: Path) -> None:
    init(db_path)
    evidence = a_file(tmp_path, "申报材料.pdf", BINARY)
    recorded = jixiao("--as", "yijiepin", "record", "evidence", "K04.1", str(evidence), db=db_path)
    assert recorded.returncode == 0, recorded.stderr
    assert kept_rows(db_path, backend) == [(sha(BINARY), len(BINARY))]

    got = jixiao_bytes("--as", "yijiepin", "evidence", "get", sha(BINARY), db=db_path)
    assert got.returncode == 0, got.stderr
    assert got.stdout == BINARY  # standard output, binary-safe
    out = tmp_path / "back.pdf"
    assert jixiao("evidence", "get", sha(BINARY).upper(), "-o", str(out), db=db_path).returncode == 0
    assert out.read_bytes() == BINARY
    again = jixiao("evidence", "get", sha(BINARY), "-o", str(out), db=db_path)
    assert again.returncode == 1 and "--force" in again.stderr and "Traceback" not in again.stderr
    # the work ledger report lists it with its whole digest, the one `evidence get` takes
    listed = jixiao("report", "ledger", "--indicator", "K04.1", db=db_path)
    assert listed.returncode == 0 and sha(BINARY) in listed.stdout and "已保存" in listed.stdout
    # the event names the file as before: name, digest, size
    log = json.loads(jixiao("log", "--limit", "1", "--format", "json", db=db_path).stdout)
    assert log[-1]["payload"]["file_name"] == "申报材料.pdf" and log[-1]["payload"]["sha256"] == sha(BINARY)


def test_the_same_file_attached_twice_is_kept_once(db_path: str, backend: str, tmp_path: Path) -> None:
    init(db_path)
    first = a_file(tmp_path, "a.pdf", BINARY)
    second = a_file(tmp_path, "同一文件.pdf", BINARY)
    other = a_file(tmp_path, "b.txt", b"another\x00file")
    for indicator, path in (("K04.1", first), ("K04.2", second), ("K04.1", other)):
        result = jixiao("--as", "yijiepin", "record", "evidence", indicator, str(path), db=db_path)
        assert result.returncode == 0, result.stderr
    assert kept_rows(db_path, backend) == sorted([(sha(BINARY), len(BINARY)), (sha(other.read_bytes()), 12)])
    assert jixiao_bytes("evidence", "get", sha(BINARY), db=db_path).stdout == BINARY


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(db_path: str, backend: str,
                                                                tmp_path: Path) -> None:
    init(db_path)
    top = json.loads(jixiao("log", "--limit", "1", "--format", "json", db=db_path).stdout)[-1]["position"]
    big = a_file(tmp_path, "big.bin", b"\x00" * 2048)
    refused = jixiao("--as", "yijiepin", "record", "evidence", "K04.1", str(big), db=db_path,
                     env={"JIXIAO_EVIDENCE_LIMIT": "1KB", "JIXIAO_LANG": "zh"})
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "超过上限 1024 字节" in refused.stderr and "JIXIAO_EVIDENCE_LIMIT" in refused.stderr
    assert kept_rows(db_path, backend) == []
    after = json.loads(jixiao("log", "--limit", "1", "--format", "json", db=db_path).stdout)[-1]["position"]
    assert after == top  # no event either
    bad = jixiao("--as", "yijiepin", "record", "evidence", "K04.1", str(big), db=db_path,
                 env={"JIXIAO_EVIDENCE_LIMIT": "lots"})
    assert bad.returncode == 1 and "JIXIAO_EVIDENCE_LIMIT" in bad.stderr and "Traceback" not in bad.stderr
    within = jixiao("--as", "yijiepin", "record", "evidence", "K04.1", str(big), db=db_path,
                    env={"JIXIAO_EVIDENCE_LIMIT": "2048"})
    assert within.returncode == 0, within.stderr
    assert kept_rows(db_path, backend) == [(sha(b"\x00" * 2048), 2048)]


@pytest.mark.sqlite_only
def test_the_ledgers_own_files_are_not_evidence(db_path: str, tmp_path: Path) -> None:
    init(db_path)
    for name in (db_path, db_path + ".log"):
        Path(name).touch()
        refused = jixiao("--as", "yijiepin", "record", "evidence", "K04.1", name, db=db_path)
        assert refused.returncode == 1 and "ledger's own files" in refused.stderr, refused.stderr
    assert kept_rows(db_path, "sqlite") == []


def test_a_digest_recorded_without_its_file_says_file_not_kept(ledger: Ledger, db_path: str) -> None:
    """An old ledger (or a digest given by hand) keeps its digest and says the file is not kept."""
    digest = sha(b"an old scan")
    ledger.attach_evidence("yijiepin", "K04.1", file_name="旧扫描件.pdf", sha256=digest, size=11)
    got = jixiao("evidence", "get", digest, db=db_path, env={"JIXIAO_LANG": "zh"})
    assert got.returncode == 1 and got.stdout == ""
    assert "文件未保存" in got.stderr and "旧扫描件.pdf" in got.stderr
    unknown = jixiao("evidence", "get", "0" * 64, db=db_path)
    assert unknown.returncode == 1 and "no evidence" in unknown.stderr
    malformed = jixiao("evidence", "get", "not-a-digest", db=db_path)
    assert malformed.returncode == 1 and "SHA-256" in malformed.stderr and "Traceback" not in malformed.stderr


def test_the_file_and_its_event_are_one_transaction(ledger: Ledger, backend: str, db_path: str) -> None:
    """A refused attachment (a clerk of another section) keeps neither the event nor the file."""
    top = ledger.max_position()
    with pytest.raises(JixiaoError):
        ledger.attach_evidence("yijiepin", "K01.1", file_name="x.pdf", sha256=sha(BINARY), size=len(BINARY),
                               content=BINARY)
    assert ledger.max_position() == top and kept_rows(db_path, backend) == []
    ledger.attach_evidence("yijiepin", "K04.1", file_name="x.pdf", sha256=sha(BINARY), size=len(BINARY),
                           content=BINARY)
    assert ledger.store.evidence.get(sha(BINARY)) == BINARY
    assert ledger.store.evidence.kept([sha(BINARY), "0" * 64]) == {sha(BINARY)}


# -- verify ------------------------------------------------------------------------------
def test_a_changed_byte_in_the_store_is_caught_by_verify(db_path: str, backend: str, tmp_path: Path) -> None:
    init(db_path)
    evidence = a_file(tmp_path, "a.pdf", BINARY)
    assert jixiao("--as", "yijiepin", "record", "evidence", "K04.1", str(evidence), db=db_path).returncode == 0
    good = jixiao("verify", db=db_path)
    assert good.returncode == 0 and "1 evidence files, each matching its digest" in good.stdout
    change_a_byte(db_path, backend, sha(BINARY))
    caught = jixiao("verify", db=db_path)
    assert caught.returncode == 1, caught.stdout
    assert sha(BINARY) in caught.stderr and "K04.1" in caught.stderr and "evidence changed" in caught.stderr
    data = json.loads(jixiao("verify", "--format", "json", db=db_path).stdout)
    assert data["ok"] is False
    assert data["evidence"]["damaged"] == [{"sha256": sha(BINARY), "indicators": ["K04.1"]}]


# -- the self-inspection bundle -----------------------------------------------------------
def bundle_of(db: str, tmp_path: Path) -> Path:
    for indicator, name, content in (("K04.1", "申报.pdf", BINARY), ("K04.2", "照片.jpg", b"\xff\xd8\x00jpg"),
                                     ("K05.1", "申报副本.pdf", BINARY)):
        path = a_file(tmp_path, name, content)
        result = jixiao("--as", "yijiepin", "record", "evidence", indicator, str(path), db=db)
        assert result.returncode == 0, result.stderr
    assert jixiao("--as", "gongfuan", "seal", db=db).returncode == 0
    out = tmp_path / "自查材料.zip"
    made = jixiao("report", "self-inspection", "--bundle", str(out), db=db)
    assert made.returncode == 0, made.stderr
    return out


def manifest_of(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("manifest.json"))


def rewrite(path: Path, target: Path, change: dict[str, bytes | None]) -> None:
    """A copy of the zip with members replaced (bytes), removed (None) or added."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            if item.filename in change:
                continue
            dst.writestr(item, src.read(item.filename))
        for name, content in change.items():
            if content is not None:
                dst.writestr(name, content)


def test_the_bundle_holds_the_report_the_years_evidence_and_the_latest_seal(db_path: str,
                                                                           tmp_path: Path) -> None:
    init(db_path)
    out = bundle_of(db_path, tmp_path)
    manifest = manifest_of(out)
    paths = [f["path"] for f in manifest["files"]]
    assert paths[:2] == ["自查报告.md", "自查报告.json"]
    with zipfile.ZipFile(out) as z:
        assert sorted(z.namelist()) == sorted(["manifest.json", *paths])
        assert "自查报告" in z.read("自查报告.md").decode()
        kept = {e["sha256"]: z.read(e["path"]) for e in manifest["evidence"]}
    assert kept[sha(BINARY)] == BINARY and len(paths) == 4  # the same file twice is in the zip once
    assert {e["indicator"] for e in manifest["evidence"]} == {"K04.1", "K04.2", "K05.1"}
    seal = manifest["seal"]
    assert seal["kind"] == "Sealed" and seal["actor"] == "gongfuan" and len(seal["digest"]) == 64
    assert manifest["head"]["position"] == seal["recorded_at"]


def test_the_bundle_is_verified_offline_and_refused_after_an_edit(db_path: str, backend: str,
                                                                 tmp_path: Path) -> None:
    init(db_path)
    out = bundle_of(db_path, tmp_path)
    elsewhere = tmp_path / "county" / "bundle.zip"  # no ledger beside it, none named
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(out.read_bytes())
    checked = jixiao("verify", "--bundle", str(elsewhere), db=str(tmp_path / "none" / "missing.db"))
    assert checked.returncode == 0, checked.stderr
    assert "bundle intact: 4 files" in checked.stdout
    assert not (tmp_path / "none").exists()  # no ledger was opened, nor made

    manifest = manifest_of(out)
    evidence = next(e["path"] for e in manifest["evidence"] if e["indicator"] == "K04.2")
    report = "自查报告.md"
    with zipfile.ZipFile(out) as z:
        text = z.read(report).decode().replace("良好", "优秀").replace("一般", "优秀") + "\n改过"
    cases: dict[str, tuple[dict[str, bytes | None], str]] = {
        "report edited": ({report: text.encode()}, f"file {report} does not match"),
        "evidence replaced": ({evidence: b"\xff\xd8\x01jpg"}, f"file {evidence} does not match"),
        "evidence removed": ({evidence: None}, f"file {evidence} of the manifest is missing"),
        "file slipped in": ({"佐证材料/K04.1/extra.pdf": b"x"}, "file 佐证材料/K04.1/extra.pdf is not in the manifest"),
    }
    for name, (change, message) in cases.items():
        edited = tmp_path / f"{name}.zip"
        rewrite(out, edited, change)
        refused = jixiao("verify", "--bundle", str(edited))
        assert refused.returncode == 1, name
        assert message in refused.stderr, (name, refused.stderr)
        assert "Traceback" not in refused.stderr
    # the manifest's own digest of an edited evidence file, changed to match: the evidence
    # list still names the digest the ledger recorded
    forged = dict(manifest)
    forged["files"] = [dict(f, sha256=sha(b"forged"), size=6) if f["path"] == evidence else f
                       for f in manifest["files"]]
    edited = tmp_path / "forged.zip"
    rewrite(out, edited, {"manifest.json": json.dumps(forged).encode(), evidence: b"forged"})
    refused = jixiao("verify", "--bundle", str(edited))
    assert refused.returncode == 1 and evidence in refused.stderr
    broken = a_file(tmp_path, "not.zip", b"PK\x03\x04 not really")
    unreadable = jixiao("verify", "--bundle", str(broken))
    assert unreadable.returncode == 1 and "cannot read the bundle" in unreadable.stderr
    assert "Traceback" not in unreadable.stderr


def test_only_the_self_inspection_report_makes_a_bundle(ledger: Ledger, db_path: str, tmp_path: Path) -> None:
    refused = jixiao("report", "standings", "--bundle", str(tmp_path / "x.zip"), db=db_path)
    assert refused.returncode == 1 and "self-inspection" in refused.stderr
    assert not (tmp_path / "x.zip").exists()


def test_a_ledger_moved_to_postgresql_and_back_keeps_its_evidence_files(postgres_db: str, tmp_path: Path,
                                                                        clock: Clock) -> None:
    first, back = str(tmp_path / "unit.db"), str(tmp_path / "back.db")
    init(first)
    with open_ledger(first, create=False, clock=clock) as ledger:
        ledger.attach_evidence("yijiepin", "K04.1", file_name="x.pdf", sha256=sha(BINARY), size=len(BINARY),
                               content=BINARY)
    for source, target in ((f"sqlite:{first}", postgres_db), (postgres_db, f"sqlite:{back}")):
        moved = jixiao("migrate", "--from", source, "--to", target)
        assert moved.returncode == 0, moved.stderr
    for there in (postgres_db, back):
        got = jixiao_bytes("evidence", "get", sha(BINARY), db=there)
        assert got.returncode == 0 and got.stdout == BINARY, got.stderr


@pytest.mark.sqlite_only
def test_in_an_ssh_session_evidence_is_read_only_from_the_persons_own_folder(ledger: Ledger, db_path: str) -> None:
    """The entry form over SSH takes a plain file name, read from that person's folder; a path
    to a server file, or a name of the ledger's own files, is refused."""
    session = Destination.confined(db_path, "yijiepin")
    for name in ("/etc/passwd", "../jixiao.db", "sub/x.pdf"):
        with pytest.raises(JixiaoError) as refused:
            session.source_of(name)
        assert refused.value.problems[0].code == "export.path_in_name"
    with pytest.raises(JixiaoError) as refused:
        Destination(db_path).source_of(db_path)
    assert refused.value.problems[0].code == "evidence.ledger_file"
    assert session.source_of("scan.pdf") == session.folder / "scan.pdf"
