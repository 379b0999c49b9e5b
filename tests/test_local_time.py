"""One time zone everywhere: the plan's (Asia/Shanghai unless it says otherwise). Dates are
counted in it, a moment typed without an offset is read in it on the command line and in
the terminal alike, and printed recorded times are shown in it; stored times stay UTC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import msgspec
import pytest

from domain.localtime import DEFAULT_ZONE, local_text, use_zone
from domain.plan_io import bundled_plan
from domain.rules import check
from domain.validate import business_date, parse_moment
from store import open_ledger
from tests.conftest import Clock
from tests.stored import stored_events


@pytest.fixture(autouse=True)
def default_zone() -> Iterator[None]:
    yield
    use_zone(DEFAULT_ZONE)


def test_a_moment_typed_without_an_offset_is_local_and_a_bare_date_is_the_end_of_the_local_day() -> None:
    use_zone(DEFAULT_ZONE)
    assert parse_moment("known-at", "2021-10-08 10:00") == dt.datetime(2021, 10, 8, 2, 0, tzinfo=dt.UTC)
    assert parse_moment("known-at", "2021-10-08T10:00") == parse_moment("known-at", "2021-10-08 10:00")
    assert parse_moment("known-at", "2021-10-08") == dt.datetime(2021, 10, 8, 15, 59, 59, 999999, tzinfo=dt.UTC)
    assert parse_moment("known-at", "2021-10-08T10:00Z") == dt.datetime(2021, 10, 8, 10, 0, tzinfo=dt.UTC)
    # 17:30 UTC is already the next day in Anxi
    assert business_date(dt.datetime(2021, 10, 8, 17, 30, tzinfo=dt.UTC)) == dt.date(2021, 10, 9)
    assert local_text(dt.datetime(2021, 10, 8, 17, 30, tzinfo=dt.UTC)) == "2021-10-09 01:30"


def test_the_plans_time_zone_counts_dates_and_shows_times(db_path: str, backend: str) -> None:
    plan = msgspec.structs.replace(bundled_plan(), time_zone="UTC")
    late = Clock(dt.datetime(2021, 10, 8, 17, 30, tzinfo=dt.UTC))
    with open_ledger(db_path, clock=late) as ledger:
        if backend == "postgres":
            from store.postgres.views import create_view_tables

            create_view_tables(db_path)
        ledger.bootstrap(plan)
    with open_ledger(db_path, clock=late) as ledger:  # opened in its plan's zone
        ledger.audit_remark("gongfuan", "已审阅本周分值变动")
        event = stored_events(ledger)[-1][2]
    assert event.effective == dt.date(2021, 10, 8)  # the 8th in UTC (the 9th in Anxi)
    assert event.timestamp == dt.datetime(2021, 10, 8, 17, 30, tzinfo=dt.UTC)  # stored in UTC
    assert local_text(event.timestamp) == "2021-10-08 17:30"
    assert parse_moment("known-at", "2021-10-08 10:00") == dt.datetime(2021, 10, 8, 10, 0, tzinfo=dt.UTC)


def test_a_plan_with_an_unknown_time_zone_is_refused() -> None:
    plan = msgspec.structs.replace(bundled_plan(), time_zone="Mars/Olympus")
    assert [p.code for p in check(plan)] == ["rule.time_zone"]
    assert not check(bundled_plan())
