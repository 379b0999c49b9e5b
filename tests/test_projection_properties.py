"""Properties of the fold: one pass, chunks, a checkpoint plus the rest, and the two
clocks all agree, for any sequence of events."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal as D
from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain import events as ev
from domain.aggregates import DIRECTORY_ID, indicator_id, plan_id, unit_id
from projections.checkpoint import decode_state, encode_state
from projections.fold import STRUCTURAL, YearFold
from projections.standings import standings
from projections.stream import Clocks
from store.readers import log_reader
from store.sqlite.checkpoint import FileCheckpoint
from tests.test_projection_standings import small_plan

PLAN = small_plan()
PID = plan_id(PLAN.unit, PLAN.year)
LEAVES = [i.id for i, _ in PLAN.leaves()]
START = dt.datetime(2021, 9, 1, 2, tzinfo=dt.UTC)
TIERS = ["一档", "二档", "三档", "四档", "未完成"]


def _base(originator: Any, version: int, day: int, back: int, actor: str = "boss") -> dict[str, Any]:
    recorded = START + dt.timedelta(days=day, minutes=version)
    return {"originator_id": originator, "originator_version": version, "timestamp": recorded,
            "actor": actor, "role": "leader", "effective": recorded.date() - dt.timedelta(days=back)}


def opening() -> list[tuple[Any, ev.Event]]:
    out: list[tuple[Any, ev.Event]] = []
    v = 0
    for person in PLAN.people:
        v += 1
        out.append((DIRECTORY_ID, ev.UserRegistered(**_base(DIRECTORY_ID, v, 0, 0, "admin"), user=person.id,
                                                    name=person.name, section=person.section)))
    v += 1
    out.append((DIRECTORY_ID, ev.PlanRegistered(**_base(DIRECTORY_ID, v, 0, 0, "admin"), plan_id=PID,
                                                unit=PLAN.unit, year=PLAN.year)))
    out.append((PID, ev.PlanLoaded(**_base(PID, 1, 0, 0, "admin"), plan=PLAN)))
    return out


# an operation: (target: index of a leaf or -1 for the unit, kind, day, days back-dated, a number)
op = st.tuples(st.integers(-1, len(LEAVES) - 1),
               st.sampled_from(["progress", "evidence", "self", "tier", "deduction", "finding", "resolve",
                                "void", "bonus", "veto", "filed", "withdraw", "role"]),
               st.integers(0, 150), st.integers(0, 40), st.integers(0, 1000))


def build(ops: list[tuple[int, str, int, int, int]]) -> list[tuple[int, Any, ev.Event]]:
    """A log: the opening, then each operation as an event (skipping ones that cannot apply)."""
    events = opening()
    versions: dict[Any, int] = {DIRECTORY_ID: len(PLAN.people) + 1, PID: 1}
    kinds: dict[Any, dict[int, str]] = {}
    for target, kind, day, back, n in ops:
        if kind in ("withdraw", "role"):
            originator = PID if kind == "withdraw" else DIRECTORY_ID
            version = versions[originator] = versions[originator] + 1
            base = _base(originator, version, day, back, "admin")
            event: ev.Event = (ev.IndicatorWithdrawn(**base, indicator_id=LEAVES[n % len(LEAVES)])
                               if kind == "withdraw" else
                               ev.RoleGranted(**base, user=PLAN.people[n % len(PLAN.people)].id,
                                              role_name="office"))
            events.append((originator, event))
            continue
        ind = LEAVES[target] if target >= 0 else ""
        originator = indicator_id(PID, ind) if ind else unit_id(PID)
        mine = kinds.setdefault(originator, {})
        version = versions.get(originator, 0) + 1
        base = _base(originator, version, day, back)
        amount = D(n % 300 + 1) / 100
        if kind == "progress" and ind:
            event = ev.ProgressReported(**base, indicator_id=ind, period=f"2021Q{n % 4 + 1}", percent=n % 101,
                                        done=f"进展{n}")
        elif kind == "evidence" and ind:
            event = ev.EvidenceAttached(**base, indicator_id=ind, file_name=f"{n}.pdf", sha256=f"{n:064x}",
                                        size=n)
        elif kind == "self" and ind:
            event = ev.SelfAssessed(**base, indicator_id=ind, tier=TIERS[n % 5])
        elif kind == "tier" and ind:
            event = ev.TierAwarded(**base, indicator_id=ind, tier=TIERS[n % 5], points=amount)
        elif kind in ("deduction", "bonus", "veto"):
            if ind and kind != "deduction":
                continue
            event = ev.Adjusted(**base, adjustment=kind, amount=D(0) if kind == "veto" else amount,
                                indicator_id=ind, section=["", "a", "b"][n % 3], basis=f"依据{n}")
        elif kind == "finding":
            event = ev.FindingRecorded(**base, method="明察暗访", finding_source="county-on-unit", count=1,
                                       per_item=amount, cap=D(10), deduction=amount, indicator_id=ind)
        elif kind == "resolve":
            findings = [v for v, k in mine.items() if k == "FindingRecorded"]
            if not findings:
                continue
            event = ev.FindingResolved(**base, finding=findings[n % len(findings)],
                                       outcome=["rectified", "appeal-upheld", "appeal-rejected"][n % 3],
                                       indicator_id=ind)
        elif kind == "void":
            # the ledger refuses to void an event twice (cmd.already_voided)
            voided_already = {e.voided for o, e in events if o == originator and isinstance(e, ev.Corrected)}
            open_ = [v for v, k in mine.items() if k != "Corrected" and v not in voided_already]
            if not open_:
                continue
            voided = open_[n % len(open_)]
            event = ev.Corrected(**base, voided=voided, voided_kind=mine[voided], indicator_id=ind)
        elif kind == "filed" and not ind:
            event = ev.ReportFiled(**base, report="quarterly", period=f"2021Q{n % 4 + 1}",
                                   section=["", "a", "b"][n % 3], digest=f"{n:064x}", content="{}")
        else:
            continue
        versions[originator] = version
        mine[version] = event.kind
        events.append((originator, event))
    return [(p, o, e) for p, (o, e) in enumerate(events, start=1)]


def state(fold: YearFold) -> bytes:
    """The fold's state as comparable bytes (a set's iteration order depends on its history:
    withdrawn indicators are compared sorted; entries as a checkpoint keeps them, however
    they were folded)."""
    whole = fold.state()
    plans = [msgspec.structs.replace(p, withdrawn=sorted(p.withdrawn)) for p in whole.plans.values()]
    return msgspec.msgpack.encode((list(whole.plans), plans, whole.users))


def fold_all(log: list[tuple[int, Any, ev.Event]], clocks: Clocks | None = None) -> YearFold:
    fold = YearFold(clocks)
    fold.feed(log)
    return fold


ops_lists = st.lists(op, min_size=0, max_size=80)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(ops_lists, st.lists(st.integers(0, 200), max_size=6))
def test_one_pass_equals_chunks_and_checkpoint_plus_rest(ops, cuts):
    log = build(ops)
    whole = fold_all(log)
    bounds = sorted({0, len(log), *[c % (len(log) + 1) for c in cuts]})
    # incrementally, in arbitrary chunks, each chunk from a fold saved and restored
    fold = YearFold()
    for low, high in itertools.pairwise(bounds):
        fold = decode_state(encode_state(fold))
        fold.feed(log[low:high])
    assert state(fold) == state(whole)
    assert fold.position == whole.position
    s1 = standings(fold.plan_fold(), today=dt.date(2022, 1, 31))
    s2 = standings(whole.plan_fold(), today=dt.date(2022, 1, 31))
    assert msgspec.json.encode(s1) == msgspec.json.encode(s2)


@FAST
@given(ops_lists, st.integers(0, 200), st.integers(0, 1000), st.sampled_from(["upto", "as_of", "both"]))
def test_a_fold_narrowed_to_an_earlier_moment_holds_what_folding_to_it_holds(
        ops: list[Any], cut: int, d: int, which: str) -> None:
    from projections.moments import narrow

    log = build(ops)
    upto = cut % (len(log) + 1) if which != "as_of" else None
    # a day some event is effective on: the edge where "by that date" must include it
    as_of = log[d % len(log)][2].effective if which != "upto" else None

    def records(fold: YearFold) -> dict[tuple[Any, str], Any]:
        return {(k, ind): r for k, p in fold.plans.items()
                for ind, r in [*p.indicators.items(), ("", p.unit)] if len(r)}

    then = fold_all([x for x in log if upto is None or x[0] <= upto], Clocks(as_of=as_of))
    assert records(narrow(fold_all(log), upto=upto, as_of=as_of)) == records(then)


@FAST
@given(ops_lists, st.integers(0, 160), st.integers(0, 160), st.booleans(), st.booleans())
def test_as_of_and_known_at_equal_folding_exactly_the_admitted_events(ops, d, k, use_d, use_k):
    log = build(ops)
    as_of = (START + dt.timedelta(days=d)).date() if use_d else None
    known = START + dt.timedelta(days=k, hours=12) if use_k else None
    clocked = fold_all(log, Clocks(as_of, known))

    def admitted(event: ev.Event) -> bool:
        if known is not None and event.timestamp > known:
            return False
        # structural events (people, the plan) are admitted by what was known, not by date
        return isinstance(event, STRUCTURAL) or as_of is None or event.effective <= as_of

    plain = fold_all([(p, o, e) for p, o, e in log if admitted(e)])
    assert state(clocked) == state(plain)
    if clocked.plan_fold() is not None:
        a = standings(clocked.plan_fold(), today=dt.date(2022, 1, 31), as_of=as_of)
        b = standings(plain.plan_fold(), today=dt.date(2022, 1, 31), as_of=as_of)
        assert msgspec.json.encode(a) == msgspec.json.encode(b)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(ops_lists, st.lists(st.integers(1, 100), min_size=1, max_size=4), st.integers(0, 160),
       st.integers(0, 160))
def test_live_following_a_real_store_equals_a_replay(tmp_path_factory, ops, cuts, d, k):
    """Events written to a SQLite ledger in chunks: a live fold polling between chunks, a
    fold opened from its checkpoint, and a fresh replay agree; and a replay of the store
    on the two clocks equals folding the events one by one on the same clocks."""
    from eventsourcing.persistence import StoredEvent

    from domain.codec import encode_event
    from projections import checkpoint as cp
    from projections.live import LiveFold
    from projections.replay import replay
    from store.app import open_app

    log = build(ops)
    db = str(tmp_path_factory.mktemp("live") / "ledger.db")
    app = open_app(db)
    try:
        live = LiveFold(log_reader(app), checkpoint=FileCheckpoint(db + ".checkpoint"), every=10)
        live.open()
        bounds = sorted({0, len(log), *[c % (len(log) + 1) for c in cuts]})
        for low, high in itertools.pairwise(bounds):
            app.recorder.insert_events([StoredEvent(originator_id=e.originator_id,
                                                    originator_version=e.originator_version,
                                                    topic=e.topic(), state=encode_event(e))
                                        for _, _, e in log[low:high]])
            live.poll()
        live.save()
        again = LiveFold(log_reader(app), checkpoint=FileCheckpoint(db + ".checkpoint"))
        again.open()
        assert again.from_checkpoint
        fresh = replay(log_reader(app))
        assert state(live.fold) == state(fresh) == state(again.fold) == state(fold_all(log))
        assert cp.read_header(FileCheckpoint(db + ".checkpoint")).position == len(log)
        as_of, known = (START + dt.timedelta(days=d)).date(), START + dt.timedelta(days=k, hours=12)
        for clocks in ({"as_of": as_of}, {"known_at": known}, {"as_of": as_of, "known_at": known}):
            assert state(replay(log_reader(app), **clocks)) == state(fold_all(log, Clocks(**clocks)))
        live.close()
        again.close()
    finally:
        app.close()


def test_an_event_voided_twice_counts_from_its_first_void() -> None:
    """The ledger refuses a second void (cmd.already_voided); a log imported from elsewhere
    may hold one: the first counts, in the fold and in every earlier moment of it."""
    from projections.moments import narrow

    log = build([(0, "progress", 0, 0, 0), (0, "progress", 0, 0, 0), (0, "void", 0, 0, 0)])
    position, originator, first = log[-1]
    assert isinstance(first, ev.Corrected)
    again = msgspec.structs.replace(first, originator_version=first.originator_version + 1)
    log.append((position + 1, originator, again))
    whole = fold_all(log)
    record = whole.plan_fold().indicators[LEAVES[0]]
    assert record.voided[first.voided].position == position
    narrowed = narrow(whole, upto=position).plan_fold().indicators[LEAVES[0]]
    assert narrowed.voided == fold_all(log[:-1]).plan_fold().indicators[LEAVES[0]].voided
    assert narrow(whole, upto=position - 1).plan_fold().indicators[LEAVES[0]].voided == {}
