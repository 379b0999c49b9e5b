"""Every fact of the evaluation year, as immutable, versioned event records.

Events are frozen msgspec structs. Their stored topic is `jixiao:<Name>@<version>`,
fixed here and independent of the module path, so moving a class never orphans stored
history. Names are past tense. Fields are added with defaults; anything else needs an
upcaster (see `domain.codec.UPCASTERS`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar, Literal
from uuid import UUID

import msgspec

from domain.internal_method import InternalMethod
from domain.plan import DataItem, Deadline, Indicator, Plan, Tier

Source = Literal["tui", "cli", "import", "demo"]
AdjustmentKind = Literal["bonus", "deduction", "veto"]
Method = Literal["明察暗访", "听取汇报", "查看资料", "现场调查", "受理投诉", "电子监察"]
METHODS: tuple[str, ...] = ("明察暗访", "听取汇报", "查看资料", "现场调查", "受理投诉", "电子监察")
FindingSource = Literal["city-on-county", "county-on-unit", "internal"]
Outcome = Literal["rectified", "appeal-upheld", "appeal-rejected"]


class Event(msgspec.Struct, kw_only=True, frozen=True):
    """Fields every event carries: who, in which role, when recorded, effective when, why."""

    VERSION: ClassVar[int] = 1
    originator_id: UUID
    originator_version: int
    timestamp: dt.datetime  # recorded time, UTC
    actor: str
    role: str
    effective: dt.date  # the business date; back-dating is visible as effective < recorded
    reason: str = ""
    source: Source = "cli"

    @classmethod
    def topic(cls) -> str:
        return f"jixiao:{cls.__name__}@{cls.VERSION}"

    @property
    def kind(self) -> str:
        return type(self).__name__


# -- the directory: users, roles, keys, and the plans held in this ledger ---------------
class UserRegistered(Event, frozen=True):
    user: str
    name: str
    title: str = ""
    section: str = ""


class RoleGranted(Event, frozen=True):
    user: str
    role_name: str


class RoleRevoked(Event, frozen=True):
    user: str
    role_name: str


class KeyAdded(Event, frozen=True):
    user: str
    fingerprint: str
    public_key: str


class KeyRevoked(Event, frozen=True):
    user: str
    fingerprint: str


class AccountBound(Event, frozen=True):
    """An operating-system account may act on the command line as `user` (`--as`)."""

    user: str
    account: str


class AccountUnbound(Event, frozen=True):
    user: str
    account: str


class ContactChanged(Event, frozen=True):
    """A person's telephone numbers, for the register of responsible persons (附件4)."""

    user: str
    phone: str = ""  # office telephone
    mobile: str = ""


class PlanRegistered(Event, frozen=True):
    plan_id: UUID
    unit: str
    year: int


# -- the plan --------------------------------------------------------------------------
class PlanLoaded(Event, frozen=True):
    plan: Plan


class IndicatorAdded(Event, frozen=True):
    indicator: Indicator
    parent: str = ""  # empty: a first-level indicator


class IndicatorRevised(Event, frozen=True):
    indicator: Indicator  # the indicator as revised (children kept as they were)


class IndicatorWithdrawn(Event, frozen=True):
    indicator_id: str


class TierTableChanged(Event, frozen=True):
    tiers: list[Tier]


class DeadlinesChanged(Event, frozen=True):
    deadlines: list[Deadline]


class DataItemsChanged(Event, frozen=True):
    """The table of data items and who answers for each (数据采集内容和责任分工), as it now stands."""

    items: list[DataItem]


class PlanSubmitted(Event, frozen=True):
    """The plan put before the 局务会 and submitted for approval (effective: the day submitted)."""

    meeting: str  # the meeting that deliberated it, e.g. 2021年第9次局务会
    meeting_date: dt.date


class PlanApproved(Event, frozen=True):
    """The plan approved (审核批复), effective the day of the approval."""

    approval: str = ""  # e.g. the document number of the 县人社局 approval
    approver: str = ""  # who approved it (县人社局); empty in entries written before it was kept


Openness = Literal["主动公开", "依申请公开", "不予公开"]


class PlanPublished(Event, frozen=True):
    """The plan published by its notice (印发), effective the day published."""

    notice: str  # the notice's document number, e.g. 安科〔2021〕12号
    openness: Openness = "主动公开"
    channels: list[str] = []  # where it was made public (门户网站, 政务公开栏 ...)


# -- an indicator's year ---------------------------------------------------------------
class Assigned(Event, frozen=True):
    indicator_id: str
    section: str
    leader: str
    handler: str
    deadline: dt.date | None = None
    milestones: list[str] = []
    liaison: str = ""


class ProgressReported(Event, frozen=True):
    VERSION: ClassVar[int] = 2  # v1 had a single `note`; v2 splits it (see UPCASTERS)
    indicator_id: str
    period: str  # 2021Q3
    percent: int
    done: str = ""
    problems: str = ""
    next_steps: str = ""


class EvidenceAttached(Event, frozen=True):
    indicator_id: str
    file_name: str
    sha256: str
    size: int
    description: str = ""


class SelfAssessed(Event, frozen=True):
    indicator_id: str
    tier: str
    note: str = ""


class TierAwarded(Event, frozen=True):
    indicator_id: str
    tier: str
    points: Decimal  # the points the tier earned, fixed at award time


class Adjusted(Event, frozen=True):
    """A bonus, deduction or veto; against an indicator or the unit (indicator_id empty)."""

    adjustment: AdjustmentKind
    amount: Decimal
    basis: str = ""  # the basis document
    indicator_id: str = ""
    section: str = ""


class FindingRecorded(Event, frozen=True):
    method: Method
    finding_source: FindingSource
    count: int
    per_item: Decimal
    cap: Decimal
    deduction: Decimal  # min(count x per_item, cap)
    description: str = ""
    indicator_id: str = ""
    rectify_by: dt.date | None = None


class FindingResolved(Event, frozen=True):
    finding: int  # the version of the finding on the same aggregate
    outcome: Outcome
    note: str = ""
    indicator_id: str = ""


class ReportFiled(Event, frozen=True):
    report: str  # quarterly, self_inspection, plan, ...
    period: str = ""  # 2021Q3 for quarterly reports
    section: str = ""
    digest: str = ""  # SHA-256 of the content filed
    content: str = ""  # the report as filed (JSON), so it can be shown exactly later
    resubmission: bool = False  # filed again (with its reason) after an earlier filing


# -- meetings (季度分析会、半年汇报会、年终总结会) and their follow-up ------------------------------
MeetingKind = Literal["quarterly-analysis", "half-year", "year-end"]
DecisionKind = Literal["notice", "accountability", "rectification"]  # 通报 / 问责 / 整改


class MeetingRecorded(Event, frozen=True):
    """A meeting held (effective: the day held), its attendees and minutes."""

    meeting: MeetingKind
    title: str = ""
    attendees: list[str] = []  # people of the plan (user ids)
    minutes: str = ""


class DecisionRecorded(Event, frozen=True):
    """A decision of a meeting: a notice (通报), or an item followed up to its completion."""

    meeting: int  # the version of the meeting on the same aggregate
    decision: DecisionKind
    matter: str
    indicator_id: str = ""
    section: str = ""
    person: str = ""
    due: dt.date | None = None


class FollowUpCompleted(Event, frozen=True):
    """A decision's follow-up done (effective: the day it was completed)."""

    decision: int  # the version of the decision on the same aggregate
    note: str = ""
    section: str = ""


class Sealed(Event, frozen=True):
    position: int
    digest: str
    # a signed seal (`seal --sign`): the OpenSSH signature over `domain.seals.seal_message`
    # of the plan, the head and the actor, and the signing key's fingerprint; empty for a
    # seal signed on paper
    signature: str = ""
    fingerprint: str = ""
    plan: str = ""


class ImportedUnverified(Event, frozen=True):
    """The ledger was filled from an export without checking its digests, its actors'
    rights or its seals (`jixiao import --unverified`)."""

    file: str
    count: int
    digests: bool = False  # whether the export carried the chain's digests


class AuditRemarked(Event, frozen=True):
    remark: str
    about: int = 0  # global position the remark is about, 0 for none


class Corrected(Event, frozen=True):
    """Voids one earlier event of the same aggregate; the voided event stays stored."""

    voided: int  # originator_version of the voided event
    voided_kind: str
    indicator_id: str = ""


# -- the internal evaluation (内部考评) of sections and staff --------------------------------
class BonusPoolSet(Event, frozen=True):
    """The unit's performance bonus pool for the plan year, in fen (分)."""

    year: int
    amount_fen: int


class InternalMethodSet(Event, frozen=True):
    """How sections are scored internally and how the differentiated share is split."""

    method: InternalMethod


class SectionRated(Event, frozen=True):
    """The leadership group's rating of a section (0-100), beside its standings."""

    section: str
    score: Decimal
    rater: str = ""


class StaffRated(Event, frozen=True):
    """One person's internal rating: a score (0-100) or a grade, in a staff category."""

    person: str
    category: str  # 分类考评: 领导 / 干部 ...
    section: str = ""
    score: Decimal | None = None
    grade: str = ""
    rater: str = ""


class InternalResultsLocked(Event, frozen=True):
    """The results approved; the figures they rest on are fixed here."""

    section_rates: dict[str, Decimal]  # each section's standings rate when locked
    vetoed_sections: list[str] = []
    digest: str = ""  # SHA-256 of the results as approved


EVENT_TYPES: tuple[type[Event], ...] = (
    UserRegistered, RoleGranted, RoleRevoked, KeyAdded, KeyRevoked, PlanRegistered,
    PlanLoaded, IndicatorAdded, IndicatorRevised, IndicatorWithdrawn, TierTableChanged,
    DeadlinesChanged, PlanApproved, Assigned, ProgressReported, EvidenceAttached,
    SelfAssessed, TierAwarded, Adjusted, FindingRecorded, FindingResolved, ReportFiled,
    Sealed, AuditRemarked, Corrected,
    BonusPoolSet, InternalMethodSet, SectionRated, StaffRated, InternalResultsLocked,
    AccountBound, AccountUnbound, ContactChanged, DataItemsChanged, ImportedUnverified,
    PlanSubmitted, PlanPublished, MeetingRecorded, DecisionRecorded, FollowUpCompleted,
)

SCORE_KINDS = frozenset({"TierAwarded", "Adjusted", "FindingRecorded", "FindingResolved",
                         "Corrected", "SelfAssessed"})
