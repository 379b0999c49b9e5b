"""The audit trail: one row per event, in a SQLite table that pages without loading all.

The table `jixiao_audit` lives in its own file beside the ledger (`<ledger>.audit.db`),
so readers never contend with writers of the ledger. `AuditTrail.refresh(app)` folds
the events stored since its position (one transaction per batch, the position and the
fold's small state saved with the rows); `page(filters, before_position, limit)` reads
a page newest first by keyset paging, using an index for each filter. In a SQLite file
the free text is also indexed by trigrams (FTS5, `jixiao_audit_text`, written in the
same transaction as the rows), so a search of three or more characters looks up the
rows that contain it instead of scanning them all; shorter searches scan. On PostgreSQL
the same LIKE is answered through a GIN index of pg_trgm (`jixiao_audit_text`, made by
`store.pg_views.create_text_index`), which the planner uses by itself for a
search of three or more characters.

Each row says who (actor, role), when (recorded, effective), what (kind, target,
summary), why (reason), which section and indicator it concerns, its raw effect on the
points (before floors and caps) and, once corrected, the correction that voided it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec

from domain import events as ev
from domain.aggregates import indicator_id, unit_id
from projections.describe import effect, kind_label, summary, target_of
from projections.stream import read_log
from store.app import is_postgres

AUDIT_VERSION = 1
TEXT_INDEX_VERSION = 1  # the SQLite file's full-text index; a file without it is rebuilt
BATCH = 5000
TABLE = "jixiao_audit"
TEXT_TABLE = "jixiao_audit_text"
TEXT_COLUMNS = ("summary", "reason", "actor", "target")  # what a text filter searches
TEXT_LOOKUP_MAX = 20_000  # text in more rows than this is found sooner by scanning newest first
INDEXED = ("actor", "kind", "section", "indicator", "effective", "recorded")


class AuditRow(msgspec.Struct, kw_only=True):
    position: int
    recorded: dt.datetime
    effective: dt.date
    actor: str
    role: str
    kind: str
    kind_label: str
    unit: str
    year: int | None
    section: str
    indicator: str
    target: str
    summary: str
    reason: str
    effect: Decimal | None
    voided_by: int | None = None
    voided_by_actor: str = ""
    void_reason: str = ""


class AuditFilter(msgspec.Struct, kw_only=True):
    """What to show; every field narrows. Dates are effective dates, times recorded ones."""

    actor: str = ""
    kind: str = ""
    kinds: list[str] = []
    section: str = ""
    indicator: str = ""
    unit: str = ""
    year: int | None = None
    since: dt.date | None = None  # effective on or after
    until: dt.date | None = None  # effective on or before
    recorded_from: dt.datetime | None = None
    recorded_to: dt.datetime | None = None
    text: str = ""
    score_only: bool = False  # only events that change points
    as_of: dt.date | None = None  # the two clocks: rows and voids effective by this date
    known_at: dt.datetime | None = None  # ...and recorded by this time


class Owner(msgspec.Struct, array_like=True):
    plan: UUID
    unit: str
    year: int
    indicator: str


class AuditState(msgspec.Struct, kw_only=True):
    """What the fold remembers between refreshes (small: per aggregate, not per event)."""

    position: int = 0
    last: tuple[str, int] | None = None  # (originator, version) at `position`
    owners: dict[UUID, Owner] = {}
    sections: dict[UUID, str] = {}  # indicator aggregate -> its section now
    awards: dict[str, list[tuple[int, Decimal]]] = {}  # "<agg>" -> valid (version, points)
    aggs: dict[UUID, int] = {}


_SHAPING = frozenset({ev.PlanRegistered, ev.PlanLoaded, ev.IndicatorAdded, ev.Assigned})


def audit_path(db: str) -> str:
    """Where the audit table of a ledger lives: a file beside a SQLite ledger; the ledger's
    own database on PostgreSQL (see `store.pg_views`)."""
    if is_postgres(db):
        return db
    return db + ".audit.db"


def _ts(value: dt.datetime) -> str:
    """A recorded time as sortable text, always UTC and always with microseconds."""
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    return value.isoformat(" ", "microseconds")[:26]


def _parse_ts(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=dt.UTC)


class AuditTrail:
    """The audit table of one ledger."""

    def __init__(self, db: str, *, path: str | None = None) -> None:
        self.path = path or audit_path(db)
        self._pg = is_postgres(self.path)
        if self._pg:
            from store.pg_views import AuditConnection

            self.conn: Any = AuditConnection(self.path)
        else:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA cache_size=-32768")  # 32 MiB: index builds stay in memory
        self.conn.execute("PRAGMA temp_store=MEMORY")
        self._schema()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> AuditTrail:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema and state --------------------------------------------------------------
    def _schema(self) -> None:
        c = self.conn
        c.execute("CREATE TABLE IF NOT EXISTS jixiao_audit_meta (key TEXT PRIMARY KEY, value BLOB)")
        row = c.execute("SELECT value FROM jixiao_audit_meta WHERE key='version'").fetchone()
        stale = row is not None and int(row[0]) != AUDIT_VERSION
        if not self._pg and row is not None:
            text = c.execute("SELECT value FROM jixiao_audit_meta WHERE key='text_index'").fetchone()
            stale = stale or text is None or int(text[0]) != TEXT_INDEX_VERSION
        if stale:
            if not self._pg:
                c.execute(f"DROP TABLE IF EXISTS {TEXT_TABLE}")
            c.execute(f"DROP TABLE IF EXISTS {TABLE}")
            c.execute("DELETE FROM jixiao_audit_meta")
        c.execute(f"""CREATE TABLE IF NOT EXISTS {TABLE} (
            position INTEGER PRIMARY KEY, recorded TEXT NOT NULL, effective TEXT NOT NULL,
            actor TEXT NOT NULL, role TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT NOT NULL,
            year INTEGER, section TEXT NOT NULL, indicator TEXT NOT NULL, target TEXT NOT NULL,
            summary TEXT NOT NULL, reason TEXT NOT NULL, effect TEXT, agg INTEGER NOT NULL,
            version INTEGER NOT NULL, voided_by INTEGER)""")
        c.execute("INSERT OR IGNORE INTO jixiao_audit_meta VALUES ('version', ?)", (str(AUDIT_VERSION),))
        if not self._pg:
            # external content: the index holds the trigrams only, the text stays in the rows
            c.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {TEXT_TABLE} USING fts5({', '.join(TEXT_COLUMNS)}, "
                      f"content='{TABLE}', content_rowid='position', tokenize='trigram')")
            c.execute("INSERT OR IGNORE INTO jixiao_audit_meta VALUES ('text_index', ?)",
                      (str(TEXT_INDEX_VERSION),))
        self._indexes()

    def _indexes(self) -> None:
        for col in INDEXED:
            self.conn.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_{col} ON {TABLE}({col}, position)")
        self.conn.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_agg ON {TABLE}(agg, version)")

    def _drop_indexes(self) -> None:
        """Drop the filter indexes for a bulk build (the one corrections use stays)."""
        for col in INDEXED:
            self.conn.execute(f"DROP INDEX IF EXISTS {TABLE}_{col}")

    def _state(self) -> AuditState:
        from projections.stream import shared_uuid

        row = self.conn.execute("SELECT value FROM jixiao_audit_meta WHERE key='state'").fetchone()
        if row is None:
            return AuditState()
        state = msgspec.msgpack.decode(row[0], type=AuditState)
        # keyed by the same id objects the log reader hands out: lookups match by identity
        state.owners = {shared_uuid(k): v for k, v in state.owners.items()}
        state.sections = {shared_uuid(k): v for k, v in state.sections.items()}
        state.aggs = {shared_uuid(k): v for k, v in state.aggs.items()}
        return state

    def _save_state(self, state: AuditState) -> None:
        self.conn.execute("INSERT OR REPLACE INTO jixiao_audit_meta VALUES ('state', ?)",
                          (msgspec.msgpack.encode(state),))

    @property
    def position(self) -> int:
        return self._state().position

    def reset(self) -> None:
        if self._pg:
            self.conn.execute(f"DELETE FROM {TABLE}")
            self.conn.execute("DELETE FROM jixiao_audit_meta WHERE key IN ('state', 'position')")
            return
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            c.execute(f"DELETE FROM {TABLE}")
            c.execute(f"INSERT INTO {TEXT_TABLE}({TEXT_TABLE}) VALUES ('delete-all')")
            c.execute("DELETE FROM jixiao_audit_meta WHERE key IN ('state', 'position')")
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    # -- folding -----------------------------------------------------------------------
    def refresh(self, app: Any, *, progress: Any = None) -> int:
        """Fold the events stored since the table's position; returns how many."""
        from projections.checkpoint import log_identity

        state = self._state()
        if state.position and log_identity(app, state.position) != state.last:
            self.reset()  # the ledger is not the one this table was built from
            state = AuditState()
        bulk = state.position == 0
        if bulk:
            self._drop_indexes()
        n = 0
        try:
            batch: list[tuple[int, UUID, ev.Event]] = []
            for item in read_log(app, after=state.position):
                batch.append(item)
                if len(batch) >= BATCH:
                    written, state = self._write(batch, state)
                    n += written
                    batch = []
                    if progress is not None:
                        progress(n)
            if batch:
                n += self._write(batch, state)[0]
        finally:
            if bulk:
                self._indexes()
        return n

    def _write(self, batch: list[tuple[int, UUID, ev.Event]], state: AuditState) -> tuple[int, AuditState]:
        """Insert a batch in one transaction with the state after it; another process may
        have folded some of it first, so the stored position decides where to start."""
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            row = c.execute("SELECT value FROM jixiao_audit_meta WHERE key='position'").fetchone()
            if (int(row[0]) if row else 0) != state.position:
                state = self._state()
            batch = [b for b in batch if b[0] > state.position]
            if not batch:
                c.execute("ROLLBACK")
                return 0, state
            rows = []
            later = []
            for position, originator, event in batch:
                row = self._row(state, position, originator, event)
                rows.append(row)
                if isinstance(event, ev.Corrected | ev.FindingResolved):
                    later.append((position, row[14], event))
            c.executemany(f"INSERT INTO {TABLE} VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL)", rows)
            if not self._pg:  # the text columns are written once: the index needs no updates
                c.executemany(f"INSERT INTO {TEXT_TABLE}(rowid, {', '.join(TEXT_COLUMNS)}) VALUES (?,?,?,?,?)",
                              [(r[0], r[11], r[12], r[3], r[10]) for r in rows])
            for position, agg, event in later:
                if isinstance(event, ev.Corrected):
                    self._void(state, position, agg, event)
                elif event.outcome == "appeal-upheld":
                    self._upheld(position, agg, event)
            last_position, last_originator, last_event = batch[-1]
            state.position = last_position
            state.last = (str(last_originator), last_event.originator_version)
            self._save_state(state)
            c.execute("INSERT OR REPLACE INTO jixiao_audit_meta VALUES ('position', ?)", (str(last_position),))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise
        return len(batch), state

    def _row(self, state: AuditState, position: int, originator: UUID, event: ev.Event) -> tuple[Any, ...]:
        agg = state.aggs.get(originator)
        if agg is None:
            agg = state.aggs[originator] = len(state.aggs) + 1
        owner = state.owners.get(originator)
        kind = type(event)
        if kind in _SHAPING:
            owner = self._shape(state, originator, owner, event)
        indicator = getattr(event, "indicator_id", "") or (owner.indicator if owner else "")
        section = getattr(event, "section", "")
        if not section and indicator:
            section = state.sections.get(originator, "")
        change = effect(event)
        if kind is ev.TierAwarded:
            awards = state.awards.setdefault(str(agg), [])
            before = awards[-1][1] if awards else Decimal(0)
            awards.append((event.originator_version, event.points))
            change = event.points - before
        return (position, _ts(event.timestamp), event.effective.isoformat(), event.actor, event.role,
                event.__class__.__name__, owner.unit if owner else "", owner.year if owner else None, section,
                indicator, target_of(event), summary(event), event.reason,
                None if change is None else str(change), agg, event.originator_version)

    @staticmethod
    def _shape(state: AuditState, originator: UUID, owner: Owner | None, event: Any) -> Owner | None:
        """Plans and assignments: which unit and section later events belong to."""
        from projections.stream import shared_uuid

        if isinstance(event, ev.PlanRegistered):
            state.owners[shared_uuid(event.plan_id)] = Owner(event.plan_id, event.unit, event.year, "")
        elif isinstance(event, ev.Assigned):
            state.sections[originator] = event.section
        else:
            plan_owner = owner or Owner(originator, "", 0, "")
            if isinstance(event, ev.PlanLoaded):
                plan_owner = Owner(originator, event.plan.unit, event.plan.year, "")
                state.owners[originator] = plan_owner
                indicators = [i for i, _ in event.plan.walk()]
            else:
                indicators = [event.indicator]
            state.owners[shared_uuid(unit_id(originator))] = plan_owner
            for ind in indicators:
                aggregate = shared_uuid(indicator_id(originator, ind.id))
                state.owners[aggregate] = Owner(originator, plan_owner.unit, plan_owner.year, ind.id)
                state.sections[aggregate] = ind.section
            owner = plan_owner
        return owner

    def _void(self, state: AuditState, position: int, agg: int, event: ev.Corrected) -> None:
        c = self.conn
        c.execute(f"UPDATE {TABLE} SET voided_by=? WHERE agg=? AND version=?",
                  (position, agg, event.voided))
        row = c.execute(f"SELECT effect, kind FROM {TABLE} WHERE agg=? AND version=?",
                        (agg, event.voided)).fetchone()
        if row is None or row[0] is None:
            return
        undo = -Decimal(row[0])
        if row[1] == "TierAwarded":
            awards = state.awards.get(str(agg), [])
            was_latest = bool(awards) and awards[-1][0] == event.voided
            before = awards[-1][1] if awards else Decimal(0)
            state.awards[str(agg)] = awards = [a for a in awards if a[0] != event.voided]
            after = awards[-1][1] if awards else Decimal(0)
            undo = after - before if was_latest else Decimal(0)
        c.execute(f"UPDATE {TABLE} SET effect=? WHERE position=?", (str(undo), position))

    def _upheld(self, position: int, agg: int, event: ev.FindingResolved) -> None:
        """An upheld appeal gives back what the finding deducted."""
        row = self.conn.execute(f"SELECT effect FROM {TABLE} WHERE agg=? AND version=?",
                                (agg, event.finding)).fetchone()
        if row is not None and row[0] is not None:
            self.conn.execute(f"UPDATE {TABLE} SET effect=? WHERE position=?",
                              (str(-Decimal(row[0])), position))

    # -- reading -----------------------------------------------------------------------
    def _where(self, f: AuditFilter) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for col in ("actor", "kind", "section", "indicator", "unit"):
            value = getattr(f, col)
            if value:
                clauses.append(f"a.{col} = ?")
                params.append(value)
        if f.year is not None:
            clauses.append("a.year = ?")
            params.append(f.year)
        kinds = list(f.kinds)
        if f.score_only:
            kinds = [k for k in (kinds or ev.SCORE_KINDS) if k in ev.SCORE_KINDS]
        if kinds:
            clauses.append(f"a.kind IN ({','.join('?' * len(kinds))})")
            params += sorted(kinds)
        since, until = f.since, f.until
        if f.as_of is not None:
            until = min(until, f.as_of) if until else f.as_of
        if since:
            clauses.append("a.effective >= ?")
            params.append(since.isoformat())
        if until:
            clauses.append("a.effective <= ?")
            params.append(until.isoformat())
        recorded_to = f.recorded_to
        if f.known_at is not None:
            recorded_to = min(recorded_to, f.known_at) if recorded_to else f.known_at
        if f.recorded_from:
            clauses.append("a.recorded >= ?")
            params.append(_ts(f.recorded_from))
        if recorded_to:
            clauses.append("a.recorded <= ?")
            params.append(_ts(recorded_to))
        if f.text:
            like = "%" + f.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            clauses.append("(a.summary LIKE ? ESCAPE '\\' OR a.reason LIKE ? ESCAPE '\\' "
                           "OR a.actor LIKE ? ESCAPE '\\' OR a.target LIKE ? ESCAPE '\\')")
            params += [like] * 4
            if not self._pg and len(f.text) >= 3:
                match = '"' + f.text.replace('"', '""') + '"'
                if self._rare(match):
                    # the trigram index finds the rows holding the text (case folded more
                    # widely than LIKE folds it, so the LIKE above still decides)
                    clauses.insert(0, f"a.position IN (SELECT rowid FROM {TEXT_TABLE} WHERE {TEXT_TABLE} MATCH ?)")
                    params.insert(0, match)
        return clauses, params

    def _rare(self, match: str) -> bool:
        """Whether text is in few enough rows that looking them up beats scanning; text in
        many rows fills a page after a short scan, and shorter text (no trigram) scans."""
        found = self.conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM {TEXT_TABLE} WHERE {TEXT_TABLE} "
                                  f"MATCH ? LIMIT {TEXT_LOOKUP_MAX + 1})", (match,)).fetchone()[0]
        return bool(found <= TEXT_LOOKUP_MAX)

    def page(self, filters: AuditFilter | dict[str, Any] | None = None,
             before_position: int | None = None, limit: int = 100) -> list[AuditRow]:
        """A page of rows, newest first, strictly before `before_position` when given."""
        f = _filter(filters)
        query, params = self.page_query(f, before_position, limit)
        rows = self.conn.execute(query, params).fetchall()
        return [self._decode(r, f) for r in rows]

    def page_query(self, filters: AuditFilter | dict[str, Any] | None = None,
                   before_position: int | None = None, limit: int = 100) -> tuple[str, list[Any]]:
        """The statement `page` runs, with its parameters (in SQLite's dialect)."""
        clauses, params = self._where(_filter(filters))
        if before_position is not None:
            clauses.append("a.position < ?")
            params.append(before_position)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        # the page's positions first, then its rows: a filter read through an index in
        # another order (a date range) sorts positions, not whole rows with their texts
        query = (f"SELECT a.position, a.recorded, a.effective, a.actor, a.role, a.kind, a.unit, "
                 f"a.year, a.section, a.indicator, a.target, a.summary, a.reason, a.effect, "
                 f"a.voided_by, v.recorded, v.effective, v.actor, v.reason "
                 f"FROM {TABLE} a LEFT JOIN {TABLE} v ON v.position = a.voided_by "
                 f"WHERE a.position IN (SELECT a.position FROM {TABLE} a {where} "
                 f"ORDER BY a.position DESC LIMIT ?) ORDER BY a.position DESC")
        return query, [*params, max(1, min(limit, 10_000))]

    def count(self, filters: AuditFilter | dict[str, Any] | None = None) -> int:
        clauses, params = self._where(_filter(filters))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return self.conn.execute(f"SELECT COUNT(*) FROM {TABLE} a {where}", params).fetchone()[0]

    def rows(self, filters: AuditFilter | dict[str, Any] | None = None, *,
             limit: int | None = None) -> Iterable[AuditRow]:
        """Every matching row, newest first, a page at a time."""
        before = None
        left = limit
        while left is None or left > 0:
            page = self.page(filters, before_position=before, limit=min(1000, left or 1000))
            if not page:
                return
            yield from page
            before = page[-1].position
            if left is not None:
                left -= len(page)

    @staticmethod
    def _decode(r: tuple[Any, ...], f: AuditFilter) -> AuditRow:
        voided_by = r[14]
        if voided_by is not None and (
                (f.known_at is not None and _parse_ts(r[15]) > f.known_at)
                or (f.as_of is not None and dt.date.fromisoformat(r[16]) > f.as_of)):
            voided_by = None  # the correction had not happened on the clocks asked for
        return AuditRow(
            position=r[0], recorded=_parse_ts(r[1]), effective=dt.date.fromisoformat(r[2]),
            actor=r[3], role=r[4], kind=r[5], kind_label=kind_label(r[5]), unit=r[6], year=r[7],
            section=r[8], indicator=r[9], target=r[10], summary=r[11], reason=r[12],
            effect=Decimal(r[13]) if r[13] is not None else None, voided_by=voided_by,
            voided_by_actor=r[17] if voided_by is not None else "",
            void_reason=r[18] if voided_by is not None else "")


def _filter(filters: AuditFilter | dict[str, Any] | None) -> AuditFilter:
    if filters is None:
        return AuditFilter()
    if isinstance(filters, AuditFilter):
        return filters
    return msgspec.convert(filters, AuditFilter, strict=False)
