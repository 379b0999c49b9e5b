"""The audit trail's free-text filter: the trigram index finds what LIKE finds, on SQLite
(FTS5) and on PostgreSQL (pg_trgm)."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse, urlunparse

import pytest

from domain.demo import generate
from projections.audit import AuditFilter, AuditTrail
from projections.filing import Filer
from store import open_ledger, open_store
from store.app import open_app
from store.postgres.audit import TEXT_INDEX, PostgresAuditIndex, create_text_index
from store.readers import audit_index, log_reader
from store.sqlite import audit
from store.sqlite.audit import TABLE, TEXT_TABLE

QUERIES = [
    # Chinese, three characters and more
    "累计完成", "现场照片", "高新技术企业", "按方案分解落实", "复核完毕", "围绕“", "不存在的内容",
    # ASCII (LIKE folds ASCII case), an actor, a target, a space
    "pdf", "PDF", "Sha-256", "xiewanting", "K11.3", "2021Q4 累计", "股室 center",
    # one and two characters: scanned, as before
    "局", "自", "K", "%", "_", "累计", "Q1", "、1",
    # % and _ are literal, not wildcards
    "100%", "%：", "3_2021", "_2021Q1_", "a_b", "1%0", "5%：围绕", 'x"y', '"',
]


@pytest.fixture(scope="module")
def trail_db(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("audit-text") / "demo.db")
    app = open_app(db)
    filer = Filer(log_reader(app))
    with open_store(db) as demo_store:
        generate(demo_store, seed=11, content=filer)
    filer.close()
    app.close()
    return db


def like_positions(conn: sqlite3.Connection, text: str, actor: str = "") -> list[int]:
    """What the text filter returned when it scanned with LIKE, newest first."""
    like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    query = (f"SELECT position FROM {TABLE} WHERE (summary LIKE ? ESCAPE '\\' OR reason LIKE ? ESCAPE '\\' "
             f"OR actor LIKE ? ESCAPE '\\' OR target LIKE ? ESCAPE '\\')")
    params = [like] * 4
    if actor:
        query += " AND actor = ?"
        params.append(actor)
    return [p for (p,) in conn.execute(query + " ORDER BY position DESC", params)]


def check_index(trail: AuditTrail) -> None:
    """The index agrees with the rows it was made from (raises if not); on a connection
    of its own, since the trail reads the ledger read-only."""
    with contextlib.closing(sqlite3.connect(trail.index.path)) as conn:
        conn.execute(f"INSERT INTO {TEXT_TABLE}({TEXT_TABLE}, rank) VALUES ('integrity-check', 1)")


def assert_same_as_like(trail: AuditTrail) -> None:
    found = 0
    for text in QUERIES:
        expected = like_positions(trail.conn, text)
        assert [r.position for r in trail.rows(AuditFilter(text=text))] == expected, text
        assert trail.count(AuditFilter(text=text)) == len(expected), text
        found += bool(expected)
        # paged, and with another filter
        if len(expected) > 3:
            page = trail.page({"text": text}, before_position=expected[2], limit=5)
            assert [r.position for r in page] == expected[3:8], text
        actor = "xiewanting"
        assert [r.position for r in trail.rows(AuditFilter(text=text, actor=actor))] == \
            like_positions(trail.conn, text, actor), text
    assert found >= 20  # most of the queries do find rows


def test_the_text_filter_finds_what_like_found(trail_db, tmp_path, monkeypatch):
    with open_ledger(trail_db) as ledger, AuditTrail(audit_index(trail_db)) as trail:
        check_index(trail)
        # three characters and more are looked up in the index, fewer are scanned
        clauses, params = trail.index._where(AuditFilter(text="累计完成"))
        plan = " ".join(str(r) for r in trail.conn.execute(
            f"EXPLAIN QUERY PLAN SELECT 1 FROM {TABLE} a WHERE {' AND '.join(clauses)}", params))
        assert TEXT_TABLE in plan
        assert TEXT_TABLE not in " ".join(trail.index._where(AuditFilter(text="累计"))[0])
        assert_same_as_like(trail)
        # text in many rows is scanned for instead, with the same result
        with monkeypatch.context() as m:
            m.setattr(audit, "TEXT_LOOKUP_MAX", 5)
            assert TEXT_TABLE not in " ".join(trail.index._where(AuditFilter(text="累计完成"))[0])
            assert TEXT_TABLE in " ".join(trail.index._where(AuditFilter(text="不存在的内容"))[0])
            assert_same_as_like(trail)
        # a new row is indexed in the transaction that stores its event
        ledger.audit_remark("gongfuan", "复核完毕 100%_抽查 PDF")
        check_index(trail)
        for text in ("复核完毕", "100%_抽", "%_抽", "pdf"):
            assert trail.page(AuditFilter(text=text), limit=1)[0].summary == "复核完毕 100%_抽查 PDF"
        assert_same_as_like(trail)
        assert_same_as_like(trail)


def test_a_ledger_indexed_in_bulk_has_the_text_index_too(trail_db, tmp_path):
    db = str(tmp_path / "old.db")
    with contextlib.closing(sqlite3.connect(trail_db)) as source, contextlib.closing(sqlite3.connect(db)) as copy:
        source.backup(copy)
        for table in (TEXT_TABLE, TABLE, "jixiao_audit_owner", "jixiao_evidence"):  # as a ledger of the release before
            copy.execute(f"DROP TABLE {table}")
        copy.execute("DELETE FROM jixiao_schema WHERE version >= 3")
        copy.commit()
    with open_ledger(db) as ledger, AuditTrail(audit_index(db)) as trail:
        assert 3 in ledger.store.applied_steps()
        assert trail.count() == ledger.max_position()
        check_index(trail)
        assert_same_as_like(trail)


# -- PostgreSQL ------------------------------------------------------------------------------
@pytest.fixture
def utf8_db(postgres_server: str) -> Iterator[str]:
    """A database whose LC_CTYPE knows Chinese letters, as docs/deploy-postgres.md makes it."""
    from tests.pg import _connect

    name = f"jixiao_test_text_{os.getpid()}"
    with _connect(postgres_server) as conn:
        try:
            conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE 'C.UTF-8'")
        except Exception as exc:  # a server without the locale
            pytest.skip(f"no database with LC_CTYPE C.UTF-8: {exc}")
    yield urlunparse(urlparse(postgres_server)._replace(path=f"/{name}"))
    with _connect(postgres_server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def pg_trail(url: str) -> Iterator[AuditTrail]:
    """The demo year recorded into a PostgreSQL ledger, its audit trail's text indexed."""
    app = open_app(url)
    filer = Filer(log_reader(app))
    with open_store(url) as demo_store:
        generate(demo_store, seed=11, content=filer)
    filer.close()
    app.close()
    trail = AuditTrail(PostgresAuditIndex(url))
    assert create_text_index(trail.conn) is None
    try:
        yield trail
    finally:
        trail.close()


def pg_plan(trail: AuditTrail, filters: dict[str, Any]) -> str:
    query, params = trail.page_query(filters, None, 101)
    return "\n".join(r[0] for r in trail.conn.execute("EXPLAIN " + query, params).fetchall())


def pg_results(trail: AuditTrail, f: dict[str, Any], *, index: bool) -> tuple[list[int], int, list[int]]:
    """Every row (newest first), the count and a page in the middle, read through the trigram
    index (no scan allowed on this connection) or without it (GIN is read by bitmaps only)."""
    settings = ("enable_seqscan", "enable_indexscan") if index else ("enable_bitmapscan",)
    for setting in settings:
        trail.conn.execute(f"SET {setting} = off")
    try:
        if not index:
            assert "Bitmap" not in pg_plan(trail, f)
        elif len(f) == 1:
            assert f"Bitmap Index Scan on {TEXT_INDEX}" in pg_plan(trail, f)
        positions = [r.position for r in trail.rows(f)]
        page = [r.position for r in trail.page(f, before_position=positions[2], limit=5)] if len(positions) > 3 else []
        return positions, trail.count(f), page
    finally:
        for setting in settings:
            trail.conn.execute(f"RESET {setting}")


def test_on_postgres_the_text_filter_finds_what_like_found(utf8_db):
    """The same rows, order, count and pages through the index as the LIKE finds without it
    (PostgreSQL's LIKE is case-sensitive: "pdf" is not "PDF" there)."""
    with pg_trail(utf8_db) as trail, open_ledger(utf8_db) as ledger:
        trail.conn.execute(f"ANALYZE {TABLE}")
        found = 0
        for text in QUERIES:
            for extra in ({}, {"actor": "xiewanting"}, {"kind": "EvidenceAttached"}):
                f = {"text": text, **extra}
                without = pg_results(trail, f, index=False)
                assert pg_results(trail, f, index=True) == without, f
                assert without[1] == len(without[0]) and without[2] == without[0][3:8], f
                found += bool(without[0])
        assert found >= 30
        # a new row is found through the index as soon as its event is stored
        ledger.audit_remark("gongfuan", "复核完毕 100%_抽查 PDF")
        trail.conn.execute("SET enable_seqscan = off")
        for text in ("复核完毕", "100%_抽", "%_抽", "PDF"):
            assert trail.page({"text": text}, limit=1)[0].summary == "复核完毕 100%_抽查 PDF"
        assert trail.page({"text": "pdf"}, limit=1)[0].summary != "复核完毕 100%_抽查 PDF"


def test_on_postgres_a_search_of_three_characters_reads_the_trigram_index(utf8_db):
    """A demo year is small enough to scan, so this test's own connection forbids scanning
    the table whole: what is left is the index, where the text has trigrams."""
    with pg_trail(utf8_db) as trail:
        trail.conn.execute(f"ANALYZE {TABLE}")
        trail.conn.execute("SET enable_seqscan = off")
        trail.conn.execute("SET enable_indexscan = off")  # nor newest first through the positions
        (rows,) = trail.conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()
        for text in ("不存在的内容", "累计完成", "复核完毕", "xiewanting", "K11.3", "pdf", "Sha-256", "100%"):
            found = index_rows(trail, {"text": text})
            assert len(found) == 4 and max(found) < rows / 2, (text, found)  # a column each, narrowed
        # one or two characters have no trigram to look up: the index gives back every row
        # (and the versions of rows since updated), so the planner left to itself scans the
        # table, as before
        for text in ("累计", "局", "K", "%"):
            found = index_rows(trail, {"text": text})
            assert len(found) == 4 and min(found) >= rows, (text, found)


def index_rows(trail: AuditTrail, filters: dict[str, Any]) -> list[int]:
    """The rows each read of the trigram index gave, in the plan the page's query ran."""
    query, params = trail.page_query(filters, None, 101)
    lines = [r[0] for r in trail.conn.execute("EXPLAIN (ANALYZE, TIMING OFF) " + query, params).fetchall()]
    return [int(re.search(r"actual rows=(\d+)", line).group(1))  # type: ignore[union-attr]
            for line in lines if f"Bitmap Index Scan on {TEXT_INDEX}" in line]
