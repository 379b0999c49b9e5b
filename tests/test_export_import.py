"""Export and import: every event as JSON lines in global order, reproduced exactly.

Also: an event stored by an older version of its class is still read, upcast to the
current one, by the mapper, the repository, the command layer and the command line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest
from eventsourcing.persistence import StoredEvent

from domain import events as ev
from domain.aggregates import DIRECTORY_ID, indicator_id, plan_id
from domain.commands import Ledger
from domain.errors import JixiaoError
from store import open_ledger
from tests.conftest import jixiao
from tests.stored import sha, stored_events

PLAN = plan_id("安溪县科学技术局", 2021)


def count(db: str) -> int:
    result = jixiao("log", "--limit", "1000000", "--format", "json", db=db)
    assert result.returncode == 0, result.stderr
    return len(json.loads(result.stdout))


@pytest.fixture
def year(ledger: Ledger) -> str:
    """A ledger with a little of everything: Chinese text, decimals, dates, a correction."""
    ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=60, done="完成申报\n第二行",
                           problems="“引号”与\\反斜杠", next_steps="🙂")
    ledger.attach_evidence("chenwencai", "K04.1", file_name="申报.pdf", sha256=sha("pdf"), size=1024)
    ledger.award_tier("yujunwei", "K04.1", tier="二档", reason="复核")
    ledger.correct("yujunwei", ledger.last_positions[-1], reason="定档有误")
    ledger.record_finding("perf_office", method="明察暗访", finding_source="county-on-unit", count=2,
                          per_item="0.5", indicator="K05.1", description="台账不全")
    ledger.adjust("yujunwei", "bonus", "1.25", reason="省级表彰", basis="闽科〔2021〕5号")
    ledger.file_report("chenwencai", "quarterly", content={"rows": [1, 2]}, period="2021Q3",
                       section="center")
    ledger.audit_remark("gongfuan", "已核实")
    return ledger.db


def test_export_import_export_is_byte_identical(year: str, tmp_path: Path) -> None:
    first = tmp_path / "first.jsonl"
    assert jixiao("export", "-o", str(first), db=year).returncode == 0
    to_stdout = jixiao("export", db=year)
    assert to_stdout.returncode == 0 and to_stdout.stdout.encode() == first.read_bytes()

    lines = first.read_bytes().splitlines()
    assert len(lines) == count(year)
    exported = [json.loads(line) for line in lines]
    assert [e["position"] for e in exported] == list(range(1, len(lines) + 1))  # global order
    assert {e["topic"].split("@")[0] for e in exported} >= {"jixiao:ProgressReported",
                                                             "jixiao:Corrected", "jixiao:PlanLoaded"}

    copy = str(tmp_path / "copy" / "ledger.db")
    result = jixiao("import", str(first), db=copy)
    assert result.returncode == 0, result.stderr
    assert f"{len(lines)} events imported" in result.stdout
    second = tmp_path / "second.jsonl"
    assert jixiao("export", "-o", str(second), db=copy).returncode == 0
    assert second.read_bytes() == first.read_bytes()

    # and the copy is a working ledger: its state is the original's
    with open_ledger(year) as original, open_ledger(copy) as imported:
        assert imported.directory().users == original.directory().users
        assert imported.plan_state().plan == original.plan_state().plan
        file = imported.indicator_file(PLAN, "K04.1")
        assert file.version == 4 and file.voided == {3: 4}
        imported.report_progress("yijiepin", "K04.1", period="2021Q3", percent=80, done="导入后继续")


def test_import_into_a_non_empty_ledger_is_refused(year: str, ledger: Ledger, tmp_path: Path) -> None:
    export = tmp_path / "export.jsonl"
    assert jixiao("export", "-o", str(export), db=year).returncode == 0
    before = count(year)
    result = jixiao("import", str(export), db=year)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == f"{year}: import needs an empty ledger"
    assert count(year) == before


def _edit(lines: list[bytes], edit: Callable[[list[dict]], None]) -> bytes:
    items = [json.loads(line) for line in lines]
    edit(items)
    return b"".join(json.dumps(i, ensure_ascii=False).encode() + b"\n" for i in items)


def _set(index: int, key: str, value: object) -> Callable[[list[dict]], None]:
    def edit(items: list[dict]) -> None:
        items[index][key] = value

    return edit


BROKEN: dict[str, tuple[Callable[[list[bytes]], bytes], str]] = {
    "not JSON": (lambda lines: b"\n".join([*lines[:2], b"{oops", *lines[3:]]), ":3: malformed import line"),
    "a field missing": (lambda lines: _edit(lines, lambda i: i[1].pop("topic")), ":2: malformed import line"),
    "unknown event topic": (lambda lines: _edit(lines, _set(4, "topic", "jixiao:Nonsense@1")),
                            ":5: malformed import line: unknown event topic: jixiao:Nonsense@1"),
    "payload not the event": (lambda lines: _edit(lines, _set(2, "state", {"x": 1})),
                              ":3: malformed import line"),
    "line disagrees with its event": (
        lambda lines: _edit(lines, _set(3, "originator_id", "00000000-0000-0000-0000-000000000001")),
        ":4: the line's originator_id/originator_version disagree with its event"),
    "a line left out": (lambda lines: b"\n".join([*lines[:3], *lines[4:]]),
                        f":4: version 5 of {DIRECTORY_ID} is out of sequence (expected 4)"),
    "a line twice": (lambda lines: b"\n".join([*lines[:3], lines[2], *lines[3:]]),
                     f":4: version 3 of {DIRECTORY_ID} is out of sequence (expected 4)"),
    "positions out of order": (lambda lines: _edit(lines, _set(6, "position", 2)),
                               ":7: position 2 does not follow the previous line's 6"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_malformed_import_is_refused_with_its_line(year: str, tmp_path: Path, case: str) -> None:
    export = tmp_path / "export.jsonl"
    assert jixiao("export", "-o", str(export), db=year).returncode == 0
    damage, expect = BROKEN[case]
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(damage(export.read_bytes().splitlines()))
    target = tmp_path / "target" / "ledger.db"
    result = jixiao("import", str(broken), db=str(target))
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(f"{broken}{expect}"), result.stderr
    assert not target.exists()  # nothing written, not even an empty ledger


def test_aggregate_ids_are_stable() -> None:
    """Stored history is found by these ids: the identity scheme must never change."""
    assert str(DIRECTORY_ID) == "4dae5290-0cbf-5061-94b2-c55b737545fd"
    assert str(PLAN) == "7a5c179d-9678-528c-818b-1fcbfb08f978"
    assert str(indicator_id(PLAN, "K04.1")) == "4d88fe73-6753-5149-87a6-8341e463558f"


def test_an_unreadable_export_target_is_reported(year: str, tmp_path: Path) -> None:
    result = jixiao("export", "-o", str(tmp_path / "no" / "such" / "dir" / "x.jsonl"), db=year)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cannot write the file" in result.stderr


# -- upcasting ---------------------------------------------------------------------------------
def _v1_progress(ledger: Ledger, version: int, note: str) -> StoredEvent:
    """A ProgressReported row as version 1 of the class wrote it: one `note`, no split."""
    originator = indicator_id(PLAN, "K04.1")
    state = {
        "originator_id": str(originator), "originator_version": version,
        "timestamp": "2021-07-05T01:02:03Z", "actor": "yijiepin", "role": "clerk",
        "effective": "2021-07-05", "reason": "", "source": "cli",
        "indicator_id": "K04.1", "period": "2021Q2", "percent": 40, "note": note,
    }
    return StoredEvent(originator_id=originator, originator_version=version,
                       topic="jixiao:ProgressReported@1", state=msgspec.json.encode(state))


def test_an_old_progress_report_is_upcast_when_read(ledger: Ledger, tmp_path: Path) -> None:
    before = ledger.max_position()
    ledger.app.recorder.insert_events([_v1_progress(ledger, 1, "完成一半；缺少资金；下月申报")])

    # through the mapper, from the log
    (position, originator, event), = stored_events(ledger, before)
    row = ledger.app.recorder.select_notifications(position, 1)[0]
    assert row.topic == "jixiao:ProgressReported@1"
    assert isinstance(event, ev.ProgressReported)
    assert (event.done, event.problems, event.next_steps) == ("完成一半；缺少资金；下月申报", "", "")
    assert (event.period, event.percent, event.actor, event.role) == ("2021Q2", 40, "yijiepin", "clerk")
    assert originator == indicator_id(PLAN, "K04.1")

    # through the repository: the aggregate folds it like any other report
    file = ledger.indicator_file(PLAN, "K04.1")
    assert file.version == 1 and file.kinds == {1: "ProgressReported"}
    with pytest.raises(JixiaoError) as info:  # the same report again is a duplicate
        ledger.report_progress("yijiepin", "K04.1", period="2021Q2", percent=40,
                               done="完成一半；缺少资金；下月申报")
    assert [p.code for p in info.value.problems] == ["cmd.duplicate"]

    # and the command layer carries on from it, writing the current version
    later = ledger.report_progress("yijiepin", "K04.1", period="2021Q3", percent=60, done="完成申报")
    assert later.originator_version == 2
    newest = ledger.app.recorder.select_notifications(ledger.max_position(), 1)[0]
    assert newest.topic == "jixiao:ProgressReported@2"
    ledger.correct("yijiepin", position, reason="旧报告作废")
    assert ledger.indicator_file(PLAN, "K04.1").voided == {1: 3}

    # the command line shows it upcast, and exports it as stored
    log = json.loads(jixiao("log", "--limit", "1000000", "--format", "json", db=ledger.db).stdout)
    old = next(e for e in log if e["position"] == position)
    assert old["topic"] == "jixiao:ProgressReported@1" and old["payload"]["done"].startswith("完成一半")
    export = tmp_path / "export.jsonl"
    assert jixiao("export", "-o", str(export), db=ledger.db).returncode == 0
    line = json.loads(export.read_bytes().splitlines()[position - 1])
    assert line["topic"] == "jixiao:ProgressReported@1" and line["state"]["note"].startswith("完成一半")
    copy = str(tmp_path / "copy.db")
    assert jixiao("import", str(export), db=copy).returncode == 0
    again = tmp_path / "again.jsonl"
    assert jixiao("export", "-o", str(again), db=copy).returncode == 0
    assert again.read_bytes() == export.read_bytes()
