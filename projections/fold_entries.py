"""The fold's records: one small typed entry per voidable event, kept per indicator (or
for the unit) by kind, with the corrections that void them; the plan's fold that holds
them; and the people the fold knows.

Entries are msgspec structs (array-like, tagged by kind, outside the cyclic collector)
so a county's year of them fits in memory and a checkpoint encodes them exactly.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from operator import attrgetter
from typing import Any, ClassVar
from uuid import UUID

import msgspec

from domain.plan import Plan
from domain.plan_status import PlanStatus


# -- entries: one per voidable event, typed by kind ---------------------------------------
class Entry(msgspec.Struct, array_like=True, gc=False, tag_field="k"):
    """One voidable entry: enough to score and list it without re-reading the log."""

    KIND: ClassVar[str] = ""
    position: int
    version: int
    effective: dt.date

    @property
    def kind(self) -> str:
        return self.KIND


class AssignedEntry(Entry, tag=1):
    KIND: ClassVar[str] = "Assigned"
    section: str
    leader: str
    handler: str
    deadline: dt.date | None
    milestones: list[str]
    liaison: str


class ProgressEntry(Entry, tag=2):
    KIND: ClassVar[str] = "ProgressReported"
    period: str
    percent: int


class EvidenceEntry(Entry, tag=3):
    KIND: ClassVar[str] = "EvidenceAttached"
    size: int


class SelfAssessedEntry(Entry, tag=4):
    KIND: ClassVar[str] = "SelfAssessed"
    tier: str


class TierEntry(Entry, tag=5):
    KIND: ClassVar[str] = "TierAwarded"
    tier: str
    points: Decimal


class AdjustedEntry(Entry, tag=6):
    KIND: ClassVar[str] = "Adjusted"
    adjustment: str
    amount: Decimal
    section: str
    basis: str


class FindingEntry(Entry, tag=7):
    KIND: ClassVar[str] = "FindingRecorded"
    method: str
    finding_source: str
    count: int
    per_item: Decimal
    deduction: Decimal
    rectify_by: dt.date | None


class ResolvedEntry(Entry, tag=8):
    KIND: ClassVar[str] = "FindingResolved"
    finding: int
    outcome: str


class FiledEntry(Entry, tag=9):
    KIND: ClassVar[str] = "ReportFiled"
    report: str
    period: str
    section: str
    digest: str
    actor: str
    recorded: dt.datetime


class SealedEntry(Entry, tag=10):
    KIND: ClassVar[str] = "Sealed"


class RemarkEntry(Entry, tag=11):
    KIND: ClassVar[str] = "AuditRemarked"


class CorrectedEntry(Entry, tag=12):
    KIND: ClassVar[str] = "Corrected"
    voided: int
    voided_kind: str


class MeetingEntry(Entry, tag=13):
    KIND: ClassVar[str] = "MeetingRecorded"
    meeting: str


class DecisionEntry(Entry, tag=14):
    KIND: ClassVar[str] = "DecisionRecorded"
    meeting: int  # the meeting's version
    decision: str
    indicator: str
    section: str
    person: str
    due: dt.date | None


class FollowUpEntry(Entry, tag=15):
    KIND: ClassVar[str] = "FollowUpCompleted"
    decision: int  # the decision's version


AnyEntry = (AssignedEntry | ProgressEntry | EvidenceEntry | SelfAssessedEntry | TierEntry
            | AdjustedEntry | FindingEntry | ResolvedEntry | FiledEntry | SealedEntry
            | RemarkEntry | CorrectedEntry | MeetingEntry | DecisionEntry | FollowUpEntry)


_VERSION = attrgetter("version")
_LATEST = attrgetter("effective", "version")  # versions differ within a record: no ties


class Record(msgspec.Struct, array_like=True, kw_only=True):
    """The entries of one indicator (or of the unit) by kind, in version order, with voids."""

    kinds: dict[str, list[AnyEntry]] = {}
    voided: dict[int, CorrectedEntry] = {}  # voided version -> the correction
    last_position: int = 0

    def all(self, kind: str) -> list[Any]:
        return self.kinds.get(kind, [])

    def valid(self, kind: str) -> list[Any]:
        """Entries of a kind that no correction voids, in the order they were recorded."""
        entries = self.kinds.get(kind, [])
        voided = self.voided
        if not voided or voided.keys().isdisjoint(map(_VERSION, entries)):  # in C: none of them voided
            return list(entries)
        return [e for e in entries if e.version not in voided]

    def latest(self, kind: str) -> Any:
        """The latest valid entry of a kind (by effective date, then recording order)."""
        entries = self.kinds.get(kind)
        if not entries:
            return None
        best = max(entries, key=_LATEST)  # in C; only when it is voided, look further
        if best.version not in self.voided:
            return best
        return max(self.valid(kind), key=_LATEST, default=None)

    def entries(self) -> list[Any]:
        """Every entry, in the order it was recorded."""
        return sorted((e for es in self.kinds.values() for e in es), key=lambda e: e.version)

    def __len__(self) -> int:
        return sum(len(es) for es in self.kinds.values())


class PlanFold(msgspec.Struct, kw_only=True):
    plan_id: UUID
    plan: Plan | None = None
    withdrawn: set[str] = set()
    approved: bool = False
    status: PlanStatus = PlanStatus()  # submitted, approved, published
    indicators: dict[str, Record] = {}
    unit: Record = msgspec.field(default_factory=Record)

    def record(self, indicator: str) -> Record:
        return self.indicators.get(indicator) or _EMPTY

    def is_withdrawn(self, indicator: str) -> bool:
        """Whether an indicator, or the first-level indicator above it, is withdrawn."""
        if indicator in self.withdrawn:
            return True
        if self.plan is None or not self.withdrawn:
            return False
        return any(indicator in {c.id for c in first.children}
                   for first in self.plan.indicators if first.id in self.withdrawn)


_EMPTY = Record()


class UserInfo(msgspec.Struct, kw_only=True):
    id: str
    name: str
    title: str = ""
    section: str = ""
    roles: list[str] = []
    phone: str = ""
    mobile: str = ""


def total(values: Any) -> Decimal:
    return sum(values, Decimal(0))
