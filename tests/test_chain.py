"""The hash chain: written with every event, recomputed by `jixiao verify`, sealed on paper.

Every tampering here is done directly on the SQLite file with sqlite3, as someone with
access to the file would, and `verify` must name the first position that breaks and how
(those tests are `sqlite_only`; tampering with PostgreSQL is in test_chain_pg). The rest
runs on every backend.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import re
import sqlite3
from collections.abc import Iterator
from hashlib import sha256
from pathlib import Path

import pytest

from domain import events as ev
from domain.commands import Ledger
from domain.errors import JixiaoError
from domain.plan_io import bundled_plan
from store import open_ledger
from store.chain import GENESIS, ChainStatus, link, verify
from tests.conftest import Clock, jixiao
from tests.stored import stored_events

BOOTSTRAP = 34  # events written by init with the bundled plan
CENTER = ("K04.1", "K04.2", "K04.3")
CLERKS = {"K04.1": "chenwencai", "K04.2": "yijiepin", "K04.3": "liuyuqin"}


def write_progress(ledger: Ledger, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        indicator = CENTER[n % 3]
        ledger.report_progress(CLERKS[indicator], indicator, period=f"2021Q{1 + n % 3}",
                               percent=(n * 7) % 101, done=f"第{n}次进展：完成材料{n}")


@pytest.fixture
def db(db_path: str, clock: Clock) -> str:
    """A closed ledger file: the plan and 12 progress reports (positions 35..46)."""
    with open_ledger(db_path, clock=clock) as ledger:
        ledger.bootstrap(bundled_plan())
        write_progress(ledger, 12)
        assert ledger.max_position() == BOOTSTRAP + 12
    return db_path


def check(db: str, head: str | None = None) -> ChainStatus:
    with open_ledger(db, create=False) as ledger:
        return verify(ledger.app, head)


def sql(db: str, *statements: str | tuple[str, tuple[object, ...]]) -> None:
    """Tamper with the file directly, as anyone with write access to it could."""
    conn = sqlite3.connect(db)
    try:
        for statement in statements:
            text, params = statement if isinstance(statement, tuple) else (statement, ())
            conn.execute(text, params)
        conn.commit()
    finally:
        conn.close()


def row(db: str, position: int) -> tuple[str, int, str, bytes]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT originator_id, originator_version, topic, state FROM stored_events "
                            "WHERE rowid = ?", (position,)).fetchone()
    finally:
        conn.close()


def broken(status: ChainStatus, problem: str, position: int) -> None:
    assert not status.ok, status
    assert (status.problem, status.position) == (problem, position), status.message("en")


def cli_broken(db: str, problem: str, position: int, *head: str) -> None:
    result = jixiao("verify", *head, db=db)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"chain broken at position {position}: {problem}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


# -- the chain as written ------------------------------------------------------------------
@pytest.mark.sqlite_only
def test_every_event_is_chained_when_written(db: str) -> None:
    conn = sqlite3.connect(db)
    events = conn.execute("SELECT rowid, originator_id, originator_version, topic, state "
                          "FROM stored_events ORDER BY rowid").fetchall()
    links = conn.execute("SELECT rowid, previous, digest FROM stored_events ORDER BY rowid").fetchall()
    conn.close()
    assert [e[0] for e in events] == [c[0] for c in links] == list(range(1, BOOTSTRAP + 13))
    previous, last = 0, GENESIS
    for (position, oid, version, topic, state), (_, prev, digest) in zip(events, links, strict=True):
        # the documented formula, spelled out independently of the code under test
        message = (last + position.to_bytes(8, "big") + len(oid).to_bytes(2, "big")
                   + version.to_bytes(8, "big") + len(topic.encode()).to_bytes(4, "big")
                   + oid.encode() + topic.encode() + state)
        assert prev == previous
        assert digest == sha256(message).digest() == link(last, position, oid.encode(), version,
                                                          topic.encode(), state)
        previous, last = position, digest
    status = check(db)
    assert status.ok and status.count == BOOTSTRAP + 12
    assert (status.position, status.digest) == (BOOTSTRAP + 12, last.hex())


def test_verify_prints_count_and_head(db: str) -> None:
    status = check(db)
    result = jixiao("verify", db=db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (f"chain intact: {BOOTSTRAP + 12} events verified, "
                                     f"head {BOOTSTRAP + 12}:{status.digest}")
    as_json = jixiao("verify", "--format", "json", db=db)
    assert '"ok":true' in as_json.stdout and status.digest in as_json.stdout


def test_verify_with_a_chosen_number_of_processes(db: str) -> None:
    status = check(db)
    for workers in ("1", "2"):
        result = jixiao("verify", "--workers", workers, "--low-priority", db=db)
        assert result.returncode == 0 and status.digest in result.stdout, result.stderr
    for bad in ("0", "x", "65"):
        result = jixiao("verify", "--workers", bad, db=db)
        assert result.returncode == 2 and "expected a number of processes from 1 to 64" in result.stderr
        assert "Traceback" not in result.stderr


def test_a_refused_write_leaves_no_link(db: str, clock: Clock) -> None:
    with open_ledger(db, clock=clock) as ledger:
        with pytest.raises(JixiaoError):
            ledger.report_progress("yijiepin", "K03.1", period="2021Q3", percent=10)  # not her section
        ledger.report_progress("yijiepin", "K04.2", period="2021Q4", percent=90, done="收尾")
        assert ledger.last_positions == [BOOTSTRAP + 13]
    assert check(db).ok and check(db).count == BOOTSTRAP + 13


def test_a_conflicting_save_rolls_back_its_link(db_path: str, clock: Clock) -> None:
    """The link is in the events' transaction: a save that loses a race stores neither."""
    from eventsourcing.persistence import IntegrityError

    with open_ledger(db_path, clock=clock) as first:
        first.bootstrap(bundled_plan())
        with open_ledger(db_path, clock=clock) as second:
            stale = second.indicator_file(second.plan_id(), "K04.2")
            first.report_progress("yijiepin", "K04.2", period="2021Q3", percent=50, done="a")
            stale.trigger(ev.ProgressReported, indicator_id="K04.2", period="2021Q3", percent=51,
                          **second.envelope("yijiepin", "clerk", None, "", "cli"))
            with pytest.raises(IntegrityError):
                second.app.save(stale)
    assert check(db_path).ok and check(db_path).count == BOOTSTRAP + 1


def test_two_stores_on_one_file_writing_in_turn_keep_one_chain(db: str, clock: Clock) -> None:
    """Each recorder remembers the head it wrote; another writer in between is noticed."""
    with open_ledger(db, clock=clock) as first, open_ledger(db, clock=clock) as second:
        for n in range(6):
            writer = first if n % 3 else second
            writer.report_progress("yijiepin", "K04.2", period="2021Q4", percent=n, done=f"轮流{n}", reason="轮流写入")
        first.report_progress("yijiepin", "K04.2", period="2021Q4", percent=50, done="再写", reason="轮流写入")
        first.report_progress("yijiepin", "K04.2", period="2021Q4", percent=51, done="连写", reason="轮流写入")
    status = check(db)
    assert status.ok and status.count == BOOTSTRAP + 12 + 8


# -- tampering, each found at the right position -------------------------------------------
@pytest.mark.sqlite_only
def test_a_changed_byte_in_a_payload(db: str) -> None:
    position = BOOTSTRAP + 5
    state = row(db, position)[3]
    assert b'"percent":28' in state
    sql(db, ("UPDATE stored_events SET state = ? WHERE rowid = ?",
             (state.replace(b'"percent":28', b'"percent":98'), position)))
    broken(check(db), "changed", position)
    cli_broken(db, "changed", position)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("column", ["topic", "originator_version", "digest"])
def test_a_changed_topic_version_or_digest(db: str, column: str) -> None:
    position = BOOTSTRAP + 3
    statement = {
        "topic": "UPDATE stored_events SET topic = 'jixiao:SelfAssessed@1' WHERE rowid = ?",
        "originator_version": "UPDATE stored_events SET originator_version = 77 WHERE rowid = ?",
        "digest": "UPDATE stored_events SET digest = zeroblob(32) WHERE rowid = ?",
    }[column]
    sql(db, (statement, (position,)))
    broken(check(db), "changed", position)


@pytest.mark.sqlite_only
def test_a_deleted_row(db: str) -> None:
    sql(db, "DELETE FROM stored_events WHERE rowid = 40")
    broken(check(db), "missing", 40)
    cli_broken(db, "missing", 40)


@pytest.mark.sqlite_only
def test_several_deleted_rows(db: str) -> None:
    sql(db, "DELETE FROM stored_events WHERE rowid BETWEEN 40 AND 42")
    broken(check(db), "missing", 40)


@pytest.mark.sqlite_only
def test_a_deleted_row_with_the_rest_moved_down(db: str) -> None:
    sql(db, "DELETE FROM stored_events WHERE rowid = 40",
        "UPDATE stored_events SET rowid = rowid + 1000 WHERE rowid > 40",
        "UPDATE stored_events SET rowid = rowid - 1001 WHERE rowid > 1000")
    broken(check(db), "missing", 40)


def forged(db: str, like: int) -> tuple[str, int, str, bytes]:
    """A plausible extra progress report, copied from the one at `like`."""
    originator, _, topic, state = row(db, like)
    return originator, 99, topic, re.sub(rb'"percent":\d+', b'"percent":100', state)


@pytest.mark.sqlite_only
def test_an_inserted_row_at_the_end(db: str) -> None:
    sql(db, ("INSERT INTO stored_events (originator_id, originator_version, topic, state) "
             "VALUES (?,?,?,?)", forged(db, 40)))
    broken(check(db), "inserted", BOOTSTRAP + 13)
    cli_broken(db, "inserted", BOOTSTRAP + 13)


@pytest.mark.sqlite_only
def test_an_inserted_row_with_the_rest_moved_up(db: str) -> None:
    extra = forged(db, 40)
    sql(db, "UPDATE stored_events SET rowid = rowid + 1000 WHERE rowid >= 40",
        "UPDATE stored_events SET rowid = rowid - 999 WHERE rowid > 1000",
        ("INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
         "VALUES (40,?,?,?,?)", extra))
    broken(check(db), "inserted", 40)


@pytest.mark.sqlite_only
def test_an_inserted_row_with_a_link_of_its_own(db: str) -> None:
    """Someone who knows the formula chains the forged row to the row before it; the
    row after it still names its true predecessor."""
    sql(db, "UPDATE stored_events SET rowid = rowid + 1000 WHERE rowid >= 40",
        "UPDATE stored_events SET rowid = rowid - 999 WHERE rowid > 1000")
    originator, version, topic, state = forged(db, 41)
    conn = sqlite3.connect(db)
    before = conn.execute("SELECT digest FROM stored_events WHERE rowid = 39").fetchone()[0]
    conn.close()
    digest = link(before, 40, originator.encode(), version, topic.encode(), state)
    sql(db, ("INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state, "
             "previous, digest) VALUES (40,?,?,?,?,39,?)", (originator, version, topic, state, digest)))
    broken(check(db), "inserted", 40)


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("first", "second"), [(38, 43), (40, 41)])
def test_two_rows_swapped(db: str, first: int, second: int) -> None:
    sql(db, f"UPDATE stored_events SET rowid = -1 WHERE rowid = {first}",
        f"UPDATE stored_events SET rowid = {first} WHERE rowid = {second}",
        f"UPDATE stored_events SET rowid = {second} WHERE rowid = -1")
    status = check(db)
    broken(status, "reordered", first)
    assert status.other == second
    cli_broken(db, "reordered", first)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("workers", [2, 3])
def test_worker_processes_find_the_same_first_break(db: str, workers: int) -> None:
    """Ranges of the log hashed by several processes: the break named is the first one,
    whichever range it falls in, and a range's edge is no break."""
    with open_ledger(db, create=False) as ledger:
        assert verify(ledger.app, workers=workers).ok
    state = row(db, 44)[3]
    sql(db, "DELETE FROM stored_events WHERE rowid = 40",
        ("UPDATE stored_events SET state = ? WHERE rowid = 44", (state.replace(b'"percent"', b'"percent" '),)))
    with open_ledger(db, create=False) as ledger:
        broken(verify(ledger.app, workers=workers), "missing", 40)
    sql(db, "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state, previous, "
            "digest) SELECT 40, originator_id, 98, topic, state, previous, digest FROM stored_events "
            "WHERE rowid = 41")
    with open_ledger(db, create=False) as ledger:
        status = verify(ledger.app, workers=workers)
    assert not status.ok and status.position == 40


def seal(db: str, clock: Clock, actor: str = "gongfuan") -> str:
    with open_ledger(db, clock=clock) as ledger:
        status = verify(ledger.app)
        ledger.seal(actor, status.position, status.digest)
    return status.head_line


@pytest.mark.sqlite_only
def test_the_tail_truncated_is_caught_with_the_sealed_head(db: str, clock: Clock) -> None:
    head = seal(db, clock)  # covers 46; the seal itself is 47
    with open_ledger(db, clock=clock) as ledger:
        write_progress(ledger, 5, start=100)  # 48..52
    assert check(db, head).ok
    # rows cut off the end leave a chain that is consistent in itself...
    sql(db, "DELETE FROM stored_events WHERE rowid > 44")
    assert check(db).ok and check(db).position == 44
    # ...but it no longer reaches the head signed on paper
    status = check(db, head)
    broken(status, "missing", 45)
    cli_broken(db, "missing", 45, "--head", head)
    # a head copied from paper may be cut to its first 16 hex digits
    cli_broken(db, "missing", 45, "--head", head[: head.index(":") + 17])


@pytest.mark.sqlite_only
def test_a_rebuilt_database_from_an_edited_export(db: str, clock: Clock, tmp_path: Path) -> None:
    head = seal(db, clock)  # 46, recorded at 47
    sealed_at = int(head.split(":")[0])
    exported = tmp_path / "export.jsonl"
    assert jixiao("export", "-o", str(exported), db=db).returncode == 0
    # an honest restore keeps every position, so it keeps the chain and the sealed head
    restored = str(tmp_path / "restored" / "ledger.db")
    assert jixiao("import", str(exported), db=restored).returncode == 0
    assert check(restored, head).ok and check(restored).digest == check(db).digest
    # the same export with one report's figure changed
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert '"percent":28' in lines[BOOTSTRAP + 5 - 1]
    lines[BOOTSTRAP + 5 - 1] = lines[BOOTSTRAP + 5 - 1].replace('"percent":28', '"percent":98')
    edited = tmp_path / "edited.jsonl"
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rebuilt = str(tmp_path / "rebuilt" / "ledger.db")
    # import itself refuses it, naming the position changed...
    refused = jixiao("import", str(edited), db=rebuilt)
    assert refused.returncode == 1 and f"position {BOOTSTRAP + 5} does not match" in refused.stderr
    assert not Path(rebuilt).exists()
    # ...so someone rebuilds it without the checks (which the log records)
    assert jixiao("import", "--unverified", str(edited), db=rebuilt).returncode == 0
    # the seal recorded in the log no longer matches, and neither does the paper
    status = check(rebuilt)
    broken(status, "changed", sealed_at)
    assert status.reason == "chain.seal_mismatch" and status.other == sealed_at + 1
    status = check(rebuilt, head)
    broken(status, "changed", sealed_at)
    cli_broken(rebuilt, "changed", sealed_at, "--head", head)


@pytest.mark.sqlite_only
def test_a_write_after_its_own_rows_were_removed_is_refused(db: str, clock: Clock) -> None:
    """A ledger kept open (a clerk's session) remembers the head it wrote: when rows it
    chained are gone, it stores nothing rather than chain over the gap."""
    with open_ledger(db, clock=clock) as ledger:
        ledger.report_progress("yijiepin", "K04.2", period="2021Q4", percent=97, done="x")
        sql(db, "DELETE FROM stored_events WHERE rowid > 44")
        with pytest.raises(JixiaoError) as info:
            ledger.report_progress("yijiepin", "K04.2", period="2021Q4", percent=99, done="y")
    assert info.value.problems[0].code == "chain.write_over"
    assert "run `jixiao verify`" in info.value.problems[0].text("en")
    assert check(db).position == 44  # nothing was written


@pytest.mark.sqlite_only
def test_a_write_after_a_forged_row_is_refused(db: str) -> None:
    sql(db, ("INSERT INTO stored_events (originator_id, originator_version, topic, state) "
             "VALUES (?,?,?,?)", forged(db, 40)))
    result = jixiao("--as", "yijiepin", "record", "progress", "K04.2", "--period", "2021Q4",
                    "--percent", "98", db=db)
    assert result.returncode == 1 and "run `jixiao verify`" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    broken(check(db), "inserted", BOOTSTRAP + 13)  # and nothing was written after it


@pytest.mark.sqlite_only
def test_a_ledger_with_the_old_chain_table_is_moved_on_opening(db: str, clock: Clock) -> None:
    """Ledgers written before links were kept in the events' rows had a chain table beside
    them: opening one moves every link into its event's row, keeping the head."""
    status = check(db)
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE jixiao_chain (position INTEGER PRIMARY KEY, previous INTEGER NOT NULL, "
        "digest BLOB NOT NULL);"
        "INSERT INTO jixiao_chain SELECT rowid, previous, digest FROM stored_events;"
        "CREATE TABLE old_events (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB, "
        "PRIMARY KEY (originator_id, originator_version));"
        "INSERT INTO old_events (rowid, originator_id, originator_version, topic, state) "
        "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events;"
        "DROP TABLE stored_events; ALTER TABLE old_events RENAME TO stored_events;"
        "DROP TABLE jixiao_schema;")  # nor did they record a schema version
    conn.close()
    moved = check(db)
    assert moved.ok and (moved.count, moved.digest) == (status.count, status.digest)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'jixiao_chain'").fetchall() == []
    conn.close()
    with open_ledger(db, clock=clock) as ledger:
        write_progress(ledger, 2, start=50)
    assert check(db).ok and check(db).count == status.count + 2


# -- seal ----------------------------------------------------------------------------------
def test_seal_prints_the_head_and_records_it(db: str) -> None:
    status = check(db)
    result = jixiao("--as", "gongfuan", "seal", db=db)
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert "\n" not in line
    assert line.startswith(f"{BOOTSTRAP + 12}:{status.digest}  ")
    assert line.endswith("gongfuan (supervisor)")
    assert f"jixiao verify --head {status.head_line}" in result.stderr
    with open_ledger(db, create=False) as ledger:
        (position, _, sealed), = stored_events(ledger, BOOTSTRAP + 12)
    assert isinstance(sealed, ev.Sealed)
    assert (position, sealed.position, sealed.digest) == (BOOTSTRAP + 13, BOOTSTRAP + 12, status.digest)
    assert (sealed.actor, sealed.role) == ("gongfuan", "supervisor")
    ok = jixiao("verify", "--head", status.head_line, db=db)
    assert ok.returncode == 0 and f"still extends the sealed head {status.head_line}" in ok.stdout


@pytest.mark.sqlite_only
def test_seal_is_refused_to_a_clerk_and_on_a_broken_chain(db: str) -> None:
    refused = jixiao("--as", "yijiepin", "seal", db=db)
    assert refused.returncode == 1 and "may not seal the chain" in refused.stderr
    assert "refused: actor=yijiepin command=seal" in Path(db + ".log").read_text(encoding="utf-8")
    sql(db, "DELETE FROM stored_events WHERE rowid = 40")
    result = jixiao("--as", "gongfuan", "seal", db=db)
    assert result.returncode == 1
    assert "the chain is broken, nothing sealed" in result.stderr and "position 40: missing" in result.stderr
    assert check(db).count == 39  # nothing was written


@pytest.mark.parametrize("head", ["46", "46:", "x:abcdef0123456789", "46:abc", "0:" + "0" * 64,
                                  "46:" + "g" * 64])
def test_a_malformed_head_is_refused(db: str, head: str) -> None:
    result = jixiao("verify", "--head", head, db=db)
    assert result.returncode == 1 and "bad head" in result.stderr and "Traceback" not in result.stderr


# -- concurrency -----------------------------------------------------------------------------
def _writer(db: str, worker: int, count: int) -> None:
    clock = Clock(dt.datetime(2021, 10, 8, 2, 0, tzinfo=dt.UTC))
    with open_ledger(db, clock=clock) as ledger:
        for n in range(count):
            indicator = CENTER[(worker + n) % 3]
            ledger.report_progress(CLERKS[indicator], indicator, period="2021Q3",
                                   percent=(worker * 13 + n) % 101, done=f"进程{worker}第{n}条", reason="并发写入")


@pytest.fixture
def spawn() -> Iterator[multiprocessing.context.SpawnContext]:
    yield multiprocessing.get_context("spawn")


def test_eight_processes_writing_at_once_leave_a_chain_that_verifies(
        db: str, spawn: multiprocessing.context.SpawnContext) -> None:
    workers = [spawn.Process(target=_writer, args=(db, w, 15)) for w in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=300)
    assert [w.exitcode for w in workers] == [0] * 8
    status = check(db)
    assert status.ok, status.message("en")
    assert status.count == BOOTSTRAP + 12 + 8 * 15
    assert status.position >= status.count  # PostgreSQL may leave gaps where a write rolled back
