"""The schemas of the plan's way into force (`jixiao plan submit|approve|publish`) and of
meetings and their follow-up (`jixiao meeting record|decide|complete`), written as the
record commands are (domain/command_schemas.py, domain/schema.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from domain import events as ev
from domain.command_schemas import POSITIONAL, Id, IndicatorId, Name, Reason, SectionId, Text, UserId
from domain.schema import Cli, Command, facts

if TYPE_CHECKING:
    from domain.commands import Ledger

Day = Annotated[dt.date, facts(help="YYYY-MM-DD")]


class SubmitPlan(Command, kw_only=True):
    """The plan submitted for approval after the bureau meeting (局务会) deliberated it."""

    meeting: Annotated[Name, facts(help="the meeting that deliberated it, e.g. 2021年第9次局务会")]
    meeting_date: Annotated[Day, facts(help="the day of that meeting YYYY-MM-DD")]
    date: Annotated[Day, facts(flags=("--date", "--effective"), help="the day submitted YYYY-MM-DD")]
    reason: Annotated[Reason, facts(help="why (required for a resubmission)")] = ""

    kind = "submit_plan"
    permissions = ("submit_plan",)
    cli = (Cli("submit", "submit the plan for approval (局务会审议后报审)"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.submit_plan(actor, meeting=self.meeting, meeting_date=self.meeting_date, effective=self.date,
                                  reason=self.reason, source=source)


class ApprovePlan(Command, kw_only=True):
    """县人社局's approval (审核批复) of the plan as submitted."""

    approval: Annotated[Name, facts(flags=("--reference", "--approval"),
                                    help="the approval's document number, e.g. 安人社绩〔2021〕45号")]
    date: Annotated[Day, facts(flags=("--date", "--effective"), help="the day approved YYYY-MM-DD")]
    approver: Annotated[Name, facts(help="who approved it (default 县人社局)")] = "县人社局"
    reason: Reason = ""

    kind = "approve_plan"
    permissions = ("approve_plan",)
    cli = (Cli("approve", "record the plan's approval by 县人社局 (审核批复)"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.approve_plan(actor, self.approval, approver=self.approver or "县人社局", effective=self.date,
                                   reason=self.reason, source=source)


class PublishPlan(Command, kw_only=True):
    """The approved plan published by its notice (印发)."""

    notice: Annotated[Name, facts(help="the notice's number, e.g. 安科〔2021〕12号")]
    date: Annotated[Day, facts(flags=("--date", "--effective"), help="the day published YYYY-MM-DD")]
    openness: ev.Openness = "主动公开"
    channels: Annotated[tuple[Name, ...],
                        facts(flags=("--channel",), help="where it was made public (repeatable)")] = ()
    reason: Reason = ""

    kind = "publish_plan"
    permissions = ("publish_plan",)
    cli = (Cli("publish", "record the plan's publication by its notice (印发)"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.publish_plan(actor, notice=self.notice, openness=self.openness, channels=self.channels,
                                   effective=self.date, reason=self.reason, source=source)


class RecordMeeting(Command, kw_only=True):
    """A 季度分析会, 半年汇报会 or 年终总结会: when, who attended, the minutes."""

    meeting: Annotated[ev.MeetingKind, facts(flags=("--kind",))]
    date: Annotated[Day, facts(flags=("--date", "--effective"), help="the day held YYYY-MM-DD")]
    attendees: Annotated[tuple[Annotated[Id, facts(ref="user")], ...],
                         facts(flags=("--attendee",), required=True, help="a person of the plan (repeatable)")] = ()
    subject: Annotated[Name, facts(flags=("--title", "--subject"), help="the meeting's name")] = ""
    minutes: Text = ""
    reason: Reason = ""

    kind = "record_meeting"
    permissions = ("record_meeting",)
    cli = (Cli("record", "record a meeting (季度分析会、半年汇报会、年终总结会)"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.record_meeting(actor, self.meeting, held=self.date, attendees=self.attendees, title=self.subject,
                                     minutes=self.minutes, reason=self.reason, source=source)


class RecordDecision(Command, kw_only=True):
    """A decision of a meeting: a notice (通报), or an accountability or rectification item."""

    meeting: Annotated[int, POSITIONAL, facts(metavar="MEETING", help="global position of the meeting")]
    decision: ev.DecisionKind
    matter: Annotated[Text, facts(help="what was decided")]
    indicator: IndicatorId = ""
    section: SectionId = ""
    person: UserId = ""
    due: Annotated[dt.date | None, facts(help="due date YYYY-MM-DD (accountability, rectification)")] = None
    reason: Reason = ""

    kind = "record_decision"
    permissions = ("record_meeting",)
    cli = (Cli("decide", "record a decision of a meeting (通报、问责、整改)"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.record_decision(actor, self.meeting, self.decision, matter=self.matter, indicator=self.indicator,
                                      section=self.section, person=self.person, due=self.due, reason=self.reason,
                                      source=source)


class CompleteFollowUp(Command, kw_only=True):
    """An accountability or rectification item done (办结)."""

    decision: Annotated[int, POSITIONAL, facts(metavar="DECISION", help="global position of the decision")]
    note: Text = ""
    date: Annotated[dt.date | None, facts(flags=("--date", "--effective"),
                                          help="the day completed YYYY-MM-DD (default: today)")] = None
    reason: Reason = ""

    kind = "complete_follow_up"
    permissions = ("complete_follow_up",)
    cli = (Cli("complete", "record that a decided item is done (办结)"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.complete_follow_up(actor, self.decision, note=self.note, effective=self.date,
                                         reason=self.reason, source=source)


PLAN_APPROVAL_SCHEMAS: tuple[type[Command], ...] = (SubmitPlan, ApprovePlan, PublishPlan)
MEETING_SCHEMAS: tuple[type[Command], ...] = (RecordMeeting, RecordDecision, CompleteFollowUp)
