"""The audit trail's free-text filter on SQLite: the trigram index finds what LIKE finds."""

from __future__ import annotations

import sqlite3

import pytest

from domain.commands import Ledger
from domain.demo import generate
from domain.store import open_app
from projections import audit
from projections.audit import TABLE, TEXT_TABLE, AuditFilter, AuditTrail
from projections.filing import Filer

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
    filer = Filer(app)
    generate(db, seed=11, content=filer)
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
    """The index agrees with the rows it was made from (raises if not)."""
    trail.conn.execute(f"INSERT INTO {TEXT_TABLE}({TEXT_TABLE}, rank) VALUES ('integrity-check', 1)")


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
    with Ledger(trail_db) as ledger, AuditTrail(trail_db, path=str(tmp_path / "audit.db")) as trail:
        trail.refresh(ledger.app)
        check_index(trail)
        # three characters and more are looked up in the index, fewer are scanned
        clauses, params = trail._where(AuditFilter(text="累计完成"))
        plan = " ".join(str(r) for r in trail.conn.execute(
            f"EXPLAIN QUERY PLAN SELECT 1 FROM {TABLE} a WHERE {' AND '.join(clauses)}", params))
        assert TEXT_TABLE in plan
        assert TEXT_TABLE not in " ".join(trail._where(AuditFilter(text="累计"))[0])
        assert_same_as_like(trail)
        # text in many rows is scanned for instead, with the same result
        with monkeypatch.context() as m:
            m.setattr(audit, "TEXT_LOOKUP_MAX", 5)
            assert TEXT_TABLE not in " ".join(trail._where(AuditFilter(text="累计完成"))[0])
            assert TEXT_TABLE in " ".join(trail._where(AuditFilter(text="不存在的内容"))[0])
            assert_same_as_like(trail)
        # new rows are indexed as they are folded
        ledger.audit_remark("gongfuan", "复核完毕 100%_抽查 PDF")
        assert trail.refresh(ledger.app) == 1
        check_index(trail)
        for text in ("复核完毕", "100%_抽", "%_抽", "pdf"):
            assert trail.page(AuditFilter(text=text), limit=1)[0].summary == "复核完毕 100%_抽查 PDF"
        assert_same_as_like(trail)
        # a refold from scratch starts the index again
        trail.reset()
        assert trail.page(AuditFilter(text="累计完成")) == []
        trail.refresh(ledger.app)
        check_index(trail)
        assert_same_as_like(trail)


def test_a_file_without_the_text_index_is_rebuilt(trail_db, tmp_path):
    path = str(tmp_path / "audit.db")
    with Ledger(trail_db) as ledger:
        with AuditTrail(trail_db, path=path) as trail:
            n = trail.refresh(ledger.app)
            # as a file written before the text was indexed
            trail.conn.execute(f"DROP TABLE {TEXT_TABLE}")
            trail.conn.execute("DELETE FROM jixiao_audit_meta WHERE key='text_index'")
        with AuditTrail(trail_db, path=path) as trail:
            assert trail.position == 0 and trail.count() == 0  # not trusted: folded again
            assert trail.refresh(ledger.app) == n
            check_index(trail)
            assert_same_as_like(trail)
