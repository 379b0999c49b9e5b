"""Exports that carry their proof: every line with its chain link; import recomputes the
links, checks every actor's right at that moment and every signed seal, names the first
changed position and writes nothing; a good import keeps every position, so the digests
and the signed seals hold on the imported ledger."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from domain import events as ev
from domain.commands import Ledger
from domain.errors import JixiaoError
from store import open_ledger, verify
from store.chain_scan import GENESIS, link
from tests import pg
from tests.conftest import jixiao
from tests.stored import stored_events
from tests.test_chain import BOOTSTRAP, write_progress
from tests.trust_helpers import make_key, public

Items = list[dict[str, object]]
_targets = itertools.count(1)


@pytest.fixture
def year(ledger: Ledger, tmp_path: Path) -> tuple[Ledger, Path]:
    """Six progress reports, a correction, a finding, and a seal signed by the supervisor;
    the seal file's path."""
    key = make_key(tmp_path, "gongfuan")
    ledger.add_key("admin", "gongfuan", public(key))  # position 35
    write_progress(ledger, 6)  # 36..41: K04.1, K04.2, K04.3 by their clerks
    ledger.correct("chenwencai", BOOTSTRAP + 4, reason="重复")  # the section head voids 38
    ledger.record_finding("perf_office", method="明察暗访", finding_source="county-on-unit", count=1,
                          per_item="0.5", indicator="K05.1", description="台账不全")
    seal = tmp_path / "q3.seal"
    signed = jixiao("--as", "gongfuan", "seal", "--sign", str(key), "-o", str(seal), db=ledger.db)
    assert signed.returncode == 0, signed.stderr
    return ledger, seal


def exported(ledger: Ledger, tmp_path: Path) -> Items:
    path = tmp_path / "export.jsonl"
    result = jixiao("export", "-o", str(path), db=ledger.db)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def written(items: Items, tmp_path: Path, name: str = "edited.jsonl") -> Path:
    path = tmp_path / name
    # compact, as jixiao writes it: the payload's bytes are what the digests are over
    path.write_text("".join(json.dumps(i, ensure_ascii=False, separators=(",", ":")) + "\n" for i in items),
                    encoding="utf-8")
    return path


def relinked(items: Items) -> Items:
    """The export's links recomputed after an edit, as a careful forger would."""
    last_pos, last = 0, GENESIS
    for item in items:
        state = json.dumps(item["state"], ensure_ascii=False, separators=(",", ":")).encode()
        item["state"] = json.loads(state)
        digest = link(last, int(item["position"]), str(item["originator_id"]).replace("-", "").encode(),
                      int(item["originator_version"]), str(item["topic"]).encode(), state)
        item["previous"], item["digest"] = last_pos, digest.hex()
        last_pos, last = int(item["position"]), digest
    return items


@pytest.fixture
def target(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty ledger location on the same backend (a second database on PostgreSQL)."""
    if backend != "postgres":
        yield str(tmp_path / "target" / "ledger.db")
        return
    server = str(request.getfixturevalue("postgres_server"))
    name = f"jixiao_target_{os.getpid()}_{next(_targets)}"
    with pg._connect(server) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield urlunparse(urlparse(server)._replace(path=f"/{name}"))
    with pg._connect(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def empty(location: str) -> bool:
    if not location.startswith("postgres"):
        return not Path(location).exists()
    try:
        with open_ledger(location, create=False) as ledger:
            return ledger.max_position() == 0
    except JixiaoError as exc:  # not even the tables were made
        return exc.problems[0].code == "store.no_tables"


def refused(result: subprocess.CompletedProcess[str], where: Path, line: int, text: str) -> None:
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(f"{where}:{line}: {text}"), result.stderr


def test_the_export_carries_every_link_and_the_import_keeps_them(year: tuple[Ledger, Path], tmp_path: Path,
                                                                 target: str) -> None:
    ledger, seal = year
    items = exported(ledger, tmp_path)
    with open_ledger(ledger.db, create=False) as source:
        for item in items:
            assert item["digest"] == source.store.digest_at(int(item["position"]))
    assert [i["previous"] for i in items[:3]] == [0, 1, 2]
    result = jixiao("import", str(tmp_path / "export.jsonl"), db=target)
    assert result.returncode == 0, result.stderr
    assert f"{len(items)} events imported" in result.stdout and "1 signed seals hold" in result.stdout
    with open_ledger(target, create=False) as imported:
        status = verify(imported.store)
        assert status.ok and status.position == ledger.max_position()
        assert status.digest == ledger.store.digest_at(ledger.max_position())
    held = jixiao("verify", "--seals", str(seal), db=target)
    assert held.returncode == 0, held.stderr


EDITS: dict[str, tuple[Callable[[Items], None], int, str]] = {
    "a payload": (lambda items: items[BOOTSTRAP + 2]["state"].update(percent=99), BOOTSTRAP + 3,
                  "the digest at position"),
    "an actor": (lambda items: items[BOOTSTRAP + 1]["state"].update(actor="liuyuqin"), BOOTSTRAP + 2,
                 "the digest at position"),
    "the order": (lambda items: _swap(items, BOOTSTRAP + 2, BOOTSTRAP + 3), BOOTSTRAP + 3,
                  "the digest at position"),
}


def _swap(items: Items, a: int, b: int) -> None:
    """Two lines exchanged, their positions kept in order (different aggregates)."""
    items[a], items[b] = items[b], items[a]
    items[a]["position"], items[b]["position"] = items[b]["position"], items[a]["position"]


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edited_export_is_refused_at_the_first_changed_position(year: tuple[Ledger, Path], tmp_path: Path,
                                                                   target: str, edit: str) -> None:
    ledger, _ = year
    items = exported(ledger, tmp_path)
    change, position, text = EDITS[edit]
    change(items)
    path = written(items, tmp_path)
    result = jixiao("import", str(path), db=target)
    refused(result, path, position, f"{text} {position} does not match the one recomputed")
    assert empty(target)  # nothing written


def test_an_unauthorised_actor_in_a_consistent_export_is_refused(year: tuple[Ledger, Path], tmp_path: Path,
                                                                 target: str) -> None:
    ledger, _ = year
    items = exported(ledger, tmp_path)
    # a clerk of the business section reporting on the centre's K04.1, links recomputed
    items[BOOTSTRAP + 1]["state"].update(actor="xiewanting", role="clerk")
    path = written(relinked(items), tmp_path)
    result = jixiao("import", str(path), db=target)
    refused(result, path, BOOTSTRAP + 2, f"position {BOOTSTRAP + 2}: xiewanting had no right to record "
            "progress report as clerk at that moment")
    assert empty(target)


def test_a_clerk_voiding_anothers_entry_in_a_consistent_export_is_refused(
        year: tuple[Ledger, Path], tmp_path: Path, target: str) -> None:
    ledger, _ = year
    items = exported(ledger, tmp_path)
    correction = next(i for i in items if str(i["topic"]).startswith("jixiao:Corrected"))
    correction["state"].update(actor="yijiepin", role="clerk")  # 38 was reported by liuyuqin
    path = written(relinked(items), tmp_path)
    result = jixiao("import", str(path), db=target)
    refused(result, path, int(correction["position"]), f"position {correction['position']}: yijiepin had no "
            "right to record corrected")
    assert "may void only their own entries" in result.stderr


def test_a_forged_signed_seal_in_a_consistent_export_is_refused(year: tuple[Ledger, Path], tmp_path: Path,
                                                                target: str) -> None:
    ledger, _ = year
    items = exported(ledger, tmp_path)
    items[BOOTSTRAP + 2]["state"].update(percent=99)  # a figure changed and every link recomputed
    sealed = items[-1]
    assert str(sealed["topic"]).startswith("jixiao:Sealed")
    relinked(items)
    sealed["state"].update(digest=items[int(sealed["state"]["position"]) - 1]["digest"])
    path = written(relinked(items), tmp_path)
    result = jixiao("import", str(path), db=target)
    refused(result, path, int(sealed["position"]), f"the signed seal recorded at position {sealed['position']} "
            "does not hold: the signature does not match the head")
    assert empty(target)


def test_an_export_without_links_needs_unverified_which_is_recorded(year: tuple[Ledger, Path], tmp_path: Path,
                                                                    target: str) -> None:
    ledger, _ = year
    items = exported(ledger, tmp_path)
    for item in items:  # as an older version exported
        item.pop("previous")
        item.pop("digest")
    path = written(items, tmp_path, "old.jsonl")
    result = jixiao("import", str(path), db=target)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "this export carries no chain digests" in result.stderr and "--unverified" in result.stderr
    assert empty(target)
    done = jixiao("import", "--unverified", str(path), db=target)
    assert done.returncode == 0, done.stderr
    with open_ledger(target, create=False) as imported:
        (position, _, note), = stored_events(imported, len(items))
        assert isinstance(note, ev.ImportedUnverified) and position == len(items) + 1
        assert (note.file, note.count, note.digests, note.actor) == ("old.jsonl", len(items), False, "admin")
        assert verify(imported.store).ok
