"""Events in words, in both languages: every kind of the demo year reads in English under
--lang en, with the words users typed kept as typed."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from domain import events as ev
from domain.demo import generate
from projections.describe import summary
from projections.stream import read_log
from store import open_ledger, open_store
from store.readers import log_reader

# words of the Chinese templates: none may appear in an English summary unless a user typed it
TEMPLATE_WORDS = re.compile("累计|字节|项指标|分管|承办|联络|时限|自评|定档|依据|扣 |整改|申诉|摘要|封存|作废|"
                            "年度绩效|差异化|股室 |评定|审定|下）|（|）|，|：")
TYPED = ("done", "remark", "note", "description", "basis", "name", "title", "file_name", "tier",
         "method", "approval", "person", "category", "grade", "unit", "section", "handler", "leader",
         "meeting", "matter", "minutes", "notice", "openness", "approver", "attendees")


@pytest.fixture(scope="module")
def demo_events(tmp_path_factory: pytest.TempPathFactory) -> list[ev.Event]:
    db = str(tmp_path_factory.mktemp("describe") / "ledger.db")
    with open_store(db) as demo_store:
        generate(demo_store, seed=5)
    with open_ledger(db, create=False) as ledger:
        return [event for _, _, event in read_log(log_reader(ledger.app))]


def typed_text(event: ev.Event) -> str:
    """Everything a user typed into the event (or a plan author wrote), joined."""
    parts = [str(getattr(event, field, "")) for field in TYPED]
    for nested in ("indicator", "plan"):
        value = getattr(event, nested, None)
        if value is not None:
            parts += [str(getattr(value, "name", "")), str(getattr(value, "title", ""))]
    parts += [t.name for t in getattr(event, "tiers", ())] + [d.name for d in getattr(event, "deadlines", ())]
    return " ".join(parts)


def test_every_kind_of_the_demo_year_reads_in_english(demo_events: list[ev.Event]) -> None:
    kinds = Counter(type(e).__name__ for e in demo_events)
    assert len(kinds) >= 15, kinds
    for event in demo_events:
        zh, en = summary(event), summary(event, lang="en")
        assert en, event
        leftovers = {w for w in TEMPLATE_WORDS.findall(en) if w not in typed_text(event)}
        assert not leftovers, (type(event).__name__, en, leftovers)
        if isinstance(event, ev.ProgressReported | ev.TierAwarded | ev.Adjusted | ev.FindingRecorded):
            assert zh != en


def test_typed_text_is_kept_as_typed_in_english() -> None:
    import datetime as dt
    from uuid import uuid4

    note = "完成 [bold]初审[/]（第一批）：3 家"
    event = ev.ProgressReported(originator_id=uuid4(), originator_version=2,
                                timestamp=dt.datetime(2021, 7, 1, tzinfo=dt.UTC), actor="yijiepin",
                                role="clerk", effective=dt.date(2021, 7, 1), indicator_id="K04.2",
                                period="2021Q3", percent=40, done=note)
    assert summary(event, lang="en") == f"2021Q3 40% done: {note}"
    assert summary(event) == f"2021Q3 累计 40%：{note}"


def test_summaries_cover_every_event_kind() -> None:
    source = Path(ev.__file__).read_text(encoding="utf-8")
    kinds = set(re.findall(r"^class (\w+)\(Event", source, re.M))
    assert len(kinds) >= 25, kinds
    described = Path(__file__).parent.parent / "domain" / "describe.py"
    body = described.read_text(encoding="utf-8").split("def summary(", 1)[1].split("\ndef ", 1)[0]
    missing = {k for k in kinds if f"ev.{k}()" not in body}
    assert not missing, missing
