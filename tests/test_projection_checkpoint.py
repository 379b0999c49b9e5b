"""The checkpoint of a county's ledger: opening it decodes no plan's records until the plan
is read, a plan read later holds every event recorded since, and a checkpoint of an
earlier layout is rebuilt from the log, never misread."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import msgspec
import pytest

from domain.demo import generate
from projections import checkpoint as cp
from projections.fold import YearFold
from projections.live import LiveFold
from projections.replay import replay
from projections.standings import standings
from projections.stream import Clocks, read_log
from store import open_ledger, open_store
from store.readers import checkpoint_store, log_reader
from store.sqlite.checkpoint import FileCheckpoint, checkpoint_path

SCIENCE = ("安溪县科学技术局", 2021)  # unit 0 of the generated county: the bundled plan
EDUCATION = ("安溪县教育局", 2021)  # unit 1: its people carry the suffix _01
TODAY = dt.date(2022, 1, 31)
LATER = dt.datetime(2021, 12, 20, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def county_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("county") / "county.db"
    with open_store(str(path)) as demo_store:
        generate(demo_store, seed=7, units=2)
    return path


@pytest.fixture
def county(county_file: Path, tmp_path: Path) -> str:
    db = tmp_path / "county.db"
    shutil.copy(county_file, db)
    return str(db)


def checkpointed(db: str) -> None:
    """Fold the whole log and write its checkpoint into the ledger."""
    with open_ledger(db) as ledger:
        live = LiveFold(log_reader(ledger.app), checkpoint=checkpoint_store(ledger.app))
        live.open()
        live.save()
        live.close()


def record_progress(db: str, plan: tuple[str, int], actor: str, percent: int) -> int:
    with open_ledger(db, plan=plan, clock=lambda: LATER) as ledger:
        ledger.report_progress(actor, "K04.1", period="2021Q4", percent=percent, done="检查点之后", reason="补录")
        return ledger.last_positions[-1]


def plan_ids(fold: YearFold) -> dict[tuple[str, int], Any]:
    return {(plan.unit, plan.year): plan_id for plan_id, plan in fold.structures()}


def same_standings(fold: YearFold, whole: YearFold, key: tuple[str, int]) -> None:
    mine, theirs = fold.plan_fold(*key), whole.plan_fold(*key)
    assert mine is not None and theirs is not None
    assert (msgspec.json.encode(standings(mine, today=TODAY, position=fold.position))
            == msgspec.json.encode(standings(theirs, today=TODAY, position=whole.position)))


def test_a_plan_first_read_after_opening_holds_the_events_recorded_since_the_checkpoint(county: str) -> None:
    checkpointed(county)
    education = record_progress(county, EDUCATION, "yijiepin_01", 77)
    with open_ledger(county) as ledger:
        live = LiveFold(log_reader(ledger.app), checkpoint=checkpoint_store(ledger.app))
        fold = live.open()
        assert live.from_checkpoint and fold.position == education
        ids = plan_ids(fold)
        assert set(fold._encoded) == set(ids.values())  # opening decoded no plan's records
        whole = replay(log_reader(ledger.app))
        # the education plan, read first, is decoded alone and has the event since
        same_standings(fold, whole, EDUCATION)
        assert set(fold._encoded) == {ids[SCIENCE]}
        entries = fold.plan_by_id(ids[EDUCATION]).record("K04.1").all("ProgressReported")
        assert entries[-1].position == education and entries[-1].percent == 77
        # followed live: a commit to the plan still encoded waits for it, then is folded in
        science = record_progress(county, SCIENCE, "yijiepin", 64)
        assert live.poll() == 1 and ids[SCIENCE] in fold._encoded
        whole = replay(log_reader(ledger.app))
        same_standings(fold, whole, SCIENCE)
        assert fold.plan_by_id(ids[SCIENCE]).record("K04.1").all("ProgressReported")[-1].position == science
        assert fold.state() == whole.state()
        live.close()


def test_a_checkpoint_written_while_events_wait_for_an_encoded_plan_keeps_them(county: str) -> None:
    checkpointed(county)
    with open_ledger(county) as ledger:
        live = LiveFold(log_reader(ledger.app), checkpoint=checkpoint_store(ledger.app))
        fold = live.open()
        record_progress(county, SCIENCE, "yijiepin", 55)
        assert live.poll() == 1 and len(fold._encoded) == 2
        live.save()  # the science plan's waiting event is folded into what is written
        live.close()
        again = LiveFold(log_reader(ledger.app), checkpoint=checkpoint_store(ledger.app))
        again.open()
        assert again.from_checkpoint
        assert again.fold.state() == replay(log_reader(ledger.app)).state()
        again.close()


def test_a_checkpoint_of_the_earlier_layout_is_rebuilt_from_the_log(county: str) -> None:
    """Version 1 stored every plan's records in one piece: such a file is not trusted."""
    path = checkpoint_path(county)
    with open_ledger(county) as ledger:
        whole = replay(log_reader(ledger.app))
        header = cp.Header(format=cp.FORMAT, version=1, position=whole.position,
                           last=cp.log_identity(log_reader(ledger.app), whole.position))
        Path(path).write_bytes(msgspec.json.encode(header) + b"\n" + msgspec.msgpack.encode(whole.state()))
        assert cp.load(FileCheckpoint(path), log_reader(ledger.app)) is None
        live = LiveFold(log_reader(ledger.app), checkpoint=FileCheckpoint(path))
        live.open()
        assert not live.from_checkpoint and live.fold.state() == whole.state()
        live.save()
        live.close()
        assert cp.read_header(FileCheckpoint(path)).version == cp.PROJECTION_VERSION
        reopened = cp.load(FileCheckpoint(path), log_reader(ledger.app))
        assert reopened is not None and reopened.state() == whole.state()
        # the earlier layout under the current version's header is not misread either
        header.version = cp.PROJECTION_VERSION
        Path(path).write_bytes(msgspec.json.encode(header) + b"\n" + msgspec.msgpack.encode(whole.state()))
        assert cp.load(FileCheckpoint(path), log_reader(ledger.app)) is None


def test_what_an_event_of_a_plan_not_yet_decoded_changed_is_scored_on_its_records(county: str) -> None:
    from projections.effect import effect

    checkpointed(county)
    with open_ledger(county) as ledger:
        fold = cp.load(checkpoint_store(ledger.app), log_reader(ledger.app))
        assert fold is not None
        whole = replay(log_reader(ledger.app))
        tier = max(e.position for e in whole.plan_fold(*SCIENCE).record("K04.1").all("TierAwarded"))
        event = ledger.event_at(tier)[1]
        assert plan_ids(fold)[SCIENCE] in fold._encoded
        assert effect(fold, tier, event, today=TODAY) == effect(whole, tier, event, today=TODAY) is not None


def test_a_rebuild_of_the_demo_county_equals_folding_its_events_one_by_one(county: str) -> None:
    """Replaying the stored rows (payloads decoded straight into entries) gives the same
    records, standings and checkpoint bytes as folding each decoded event in turn, now
    and as of mid-year; a checkpoint of it reads back the same."""
    with open_ledger(county) as ledger:
        log = log_reader(ledger.app)
        for as_of in (None, dt.date(2021, 6, 30)):
            fast = replay(log, as_of=as_of)
            slow = YearFold(Clocks(as_of))
            slow.feed(read_log(log))
            for key in (SCIENCE, EDUCATION):
                same_standings(fast, slow, key)
                mine, theirs = fast.plan_fold(*key), slow.plan_fold(*key)
                assert mine is not None and theirs is not None
                assert {i: [e.position for e in r.entries()] for i, r in mine.indicators.items()} == {
                    i: [e.position for e in r.entries()] for i, r in theirs.indicators.items()}
            assert msgspec.msgpack.encode(fast.state()) == msgspec.msgpack.encode(slow.state())
        fast = replay(log)
        again = cp.decode_state(cp.encode_state(fast))
        assert msgspec.msgpack.encode(again.state()) == msgspec.msgpack.encode(fast.state())
