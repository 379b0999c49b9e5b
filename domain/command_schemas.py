"""One schema per record command: its fields, their constraints and labels, its domain call.

The command line's options (tui/cli/schema_args.py) and the terminal form's fields
(tui/entry_kinds.py) are both built from these structs, so a new command is written
once: a struct here and the `Ledger` method it calls. How a schema is written and
parsed: domain/schema.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec

from domain import events as ev
from domain.controls import LINE_PATTERN, TEXT_PATTERN
from domain.errors import fail
from domain.evidence import read_evidence
from domain.schema import Cli, Command, FieldSpec, facts, field_of, fields, parse
from domain.validate import NAME_LIMIT, REASON_LIMIT, TEXT_LIMIT

if TYPE_CHECKING:
    from domain.commands import Ledger

__all__ = ["SCHEMAS", "Cli", "Command", "FieldSpec", "field_of", "fields", "file_digest", "parse"]

POSITIONAL = facts(positional=True)
CLI_ONLY = facts(faces=("cli",))

# free text keeps tab and newline; a one-line value (a name, an id) neither: no other control character
Text = Annotated[str, msgspec.Meta(max_length=TEXT_LIMIT, pattern=TEXT_PATTERN)]
Line = Annotated[str, msgspec.Meta(pattern=LINE_PATTERN)]
Name = Annotated[Line, msgspec.Meta(max_length=NAME_LIMIT)]
Reason = Annotated[str, msgspec.Meta(max_length=REASON_LIMIT, pattern=TEXT_PATTERN),
                   facts(help="why (kept with the event)")]
Effective = Annotated[dt.date | None, facts(help="business date YYYY-MM-DD (default: today)")]
Id = Annotated[Line, msgspec.Meta(max_length=64)]
IndicatorId = Annotated[Id, facts(ref="indicator")]
LeafId = Annotated[Id, facts(ref="leaf")]
SectionId = Annotated[Id, facts(ref="section")]
UserId = Annotated[Id, facts(ref="user")]
TierName = Annotated[Name, facts(ref="tier")]
Period = Annotated[str, msgspec.Meta(pattern=r"^\d{4}Q[1-4]$"),
                   facts(ref="period", code="value.period", help="e.g. 2021Q3")]
Percent = Annotated[int, msgspec.Meta(ge=0, le=100), facts(code="value.percent")]
Count = Annotated[int, msgspec.Meta(ge=1, le=1000), facts(code="value.positive")]
Points = Annotated[Line, msgspec.Meta(max_length=32), facts(ref="amount")]  # parsed by validate.amount
Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-fA-F]{64}$"), facts(code="value.sha256")]
Size = Annotated[int, msgspec.Meta(ge=0), facts(code="value.positive")]
# a document the office writes (a work summary): Markdown, kept exactly as filed
Document = Annotated[str, msgspec.Meta(max_length=1_000_000, pattern=TEXT_PATTERN),
                     facts(ref="document", faces=("tui",))]
SUMMARY_REPORTS = frozenset({"half_year_summary", "annual_summary"})
FiledReport = Literal["plan", "decomposition", "data_collection", "contacts", "quarterly", "half_year_summary",
                      "annual_summary", "self_inspection", "internal_evaluation"]


class Assign(Command, kw_only=True):
    indicator: Annotated[IndicatorId, POSITIONAL]
    section: SectionId
    leader: UserId
    handler: Annotated[UserId, facts(dest="handler_user")]  # `handler` is the command's callback
    liaison: UserId = ""
    deadline: dt.date | None = None
    milestones: Annotated[tuple[Name, ...], facts(flags=("--milestone",))] = ()
    effective: Effective = None
    reason: Reason = ""

    kind = "assign"
    permissions = ("assign",)
    cli = (Cli("assignment", "assign an indicator (责任分解)", aliases=("assign",)),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.assign(actor, self.indicator, section=self.section, leader=self.leader,
                             handler=self.handler, liaison=self.liaison, deadline=self.deadline,
                             milestones=self.milestones, effective=self.effective, reason=self.reason,
                             source=source)


class ReportProgress(Command, kw_only=True):
    indicator: Annotated[IndicatorId, POSITIONAL]
    period: Period
    percent: Percent
    done: Annotated[Text, facts(flags=("--note", "--done"), help="what was done")] = ""
    problems: Text = ""
    next_steps: Text = ""
    effective: Effective = None
    reason: Reason = ""

    kind = "report_progress"
    permissions = ("report_progress",)
    cli = (Cli("progress", "report progress for a period"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.report_progress(actor, self.indicator, period=self.period, percent=self.percent,
                                      done=self.done, problems=self.problems, next_steps=self.next_steps,
                                      effective=self.effective, reason=self.reason, source=source)


class FileDigest(msgspec.Struct, frozen=True):
    """What the ledger keeps of an evidence file: its name, SHA-256 digest and size."""

    name: str
    sha256: str
    size: int


def file_digest(path: str | Path) -> FileDigest:
    """Hash a file without keeping it (`domain.evidence.read_evidence` reads one to keep)."""
    where = Path(path).expanduser()
    digest = hashlib.sha256()
    size = 0
    try:
        with where.open("rb") as file:
            while chunk := file.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise fail("file.unreadable", where=str(path), detail=exc) from None
    return FileDigest(where.name, digest.hexdigest(), size)


class AttachEvidence(Command, kw_only=True):
    indicator: Annotated[IndicatorId, POSITIONAL]
    path: Annotated[Line, facts(positional="?", metavar="file",
                               help="the file to keep; or give --name/--sha256/--size to "
                                    "record a file by its digest only")] = ""
    file_name: Annotated[Line, msgspec.Meta(max_length=255), facts(flags=("--name",))] = ""
    sha256: Sha256 | None = None
    size: Size | None = None
    description: Text = ""
    effective: Effective = None
    reason: Reason = ""

    kind = "attach_evidence"
    permissions = ("attach_evidence",)
    cli = (Cli("evidence", "attach an evidence file (the file is kept in the ledger)"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        content: bytes | None = None
        if self.path:  # `evidence_path`: which file a typed name may mean (the face decides)
            found = read_evidence(self.path, where=context.get("evidence_path"))
            name, digest, size, content = self.file_name or found.name, found.sha256, found.size, found.content
        elif self.file_name and self.sha256 and self.size is not None:
            name, digest, size = self.file_name, self.sha256, self.size
        else:  # neither a file to hash nor its name, digest and size
            label: Callable[[str], str] = context.get("label", str)
            raise fail("value.required", field="FILE or --name/--sha256/--size" if source == "cli"
                       else label("path"))
        return ledger.attach_evidence(actor, self.indicator, file_name=name, sha256=digest, size=size,
                                      description=self.description, effective=self.effective,
                                      reason=self.reason, source=source, content=content)


class SelfAssess(Command, kw_only=True):
    indicator: Annotated[LeafId, POSITIONAL]
    tier: TierName
    note: Text = ""
    effective: Effective = None
    reason: Reason = ""

    kind = "self_assess"
    permissions = ("self_assess",)
    cli = (Cli("self-assessment", "self-assess a tier", aliases=("self",)),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.self_assess(actor, self.indicator, tier=self.tier, note=self.note,
                                  effective=self.effective, reason=self.reason, source=source)


class AwardTier(Command, kw_only=True):
    indicator: Annotated[LeafId, POSITIONAL]
    tier: TierName
    effective: Effective = None
    reason: Reason = ""

    kind = "award_tier"
    permissions = ("award_tier",)
    cli = (Cli("tier", "award a tier (assessor)"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.award_tier(actor, self.indicator, tier=self.tier, effective=self.effective,
                                 reason=self.reason, source=source)


class Adjust(Command, kw_only=True):
    adjustment: ev.AdjustmentKind
    amount: Annotated[Points, POSITIONAL] = "0"
    indicator: LeafId = ""
    section: SectionId = ""
    basis: Annotated[Name, facts(help="the basis document")] = ""
    effective: Effective = None
    reason: Reason = ""

    kind = "adjust"
    permissions = ("adjust",)
    cli = (Cli("bonus", "a bonus (正向激励加分)", fixed={"adjustment": "bonus"}),
           Cli("deduction", "a deduction (扣分)", fixed={"adjustment": "deduction"}),
           Cli("veto", "a veto (一票否决)", fixed={"adjustment": "veto"}, omit=("amount", "indicator")))

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.adjust(actor, self.adjustment, self.amount or "0", reason=self.reason,
                             basis=self.basis, indicator=self.indicator, section=self.section,
                             effective=self.effective, source=source)


class RecordFinding(Command, kw_only=True):
    method: ev.Method
    finding_source: Annotated[ev.FindingSource, facts(flags=("--source",), required=True)] = "county-on-unit"
    count: Count
    per_item: Points
    cap: Points | None = None
    indicator: LeafId = ""
    description: Text = ""
    rectify_by: dt.date | None = None
    effective: Effective = None
    reason: Reason = ""

    kind = "record_finding"
    permissions = ("record_finding",)
    cli = (Cli("finding", "an inspection finding (察访核验)"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.record_finding(actor, method=self.method, finding_source=self.finding_source,
                                     count=self.count, per_item=self.per_item, cap=self.cap,
                                     indicator=self.indicator, description=self.description,
                                     rectify_by=self.rectify_by, effective=self.effective,
                                     reason=self.reason, source=source)


class ResolveFinding(Command, kw_only=True):
    position: Annotated[int, POSITIONAL, facts(help="global position of the finding")]
    outcome: ev.Outcome
    note: Text = ""
    effective: Effective = None
    reason: Reason = ""

    kind = "resolve_finding"
    permissions = ("rectify_finding", "decide_appeal")
    cli = (Cli("resolution", "a finding's rectification or appeal outcome"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.resolve_finding(actor, self.position, outcome=self.outcome, note=self.note,
                                      effective=self.effective, reason=self.reason, source=source)


class Correct(Command, kw_only=True):
    position: Annotated[int, POSITIONAL, facts(help="global position of the event to void")]
    effective: Annotated[Effective, CLI_ONLY] = None  # the form's corrections take effect when recorded
    reason: Annotated[Reason, facts(required=True)] = ""

    kind = "correct"
    permissions = ("adjust", "assign", "attach_evidence", "award_tier", "record_finding",
                   "rectify_finding", "report_progress", "self_assess")
    cli = (Cli("correction", "void an earlier event (it stays in the log)", aliases=("void",)),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.correct(actor, self.position, reason=self.reason, effective=self.effective, source=source)


class AuditRemark(Command, kw_only=True):
    remark: Annotated[Text, POSITIONAL, facts(metavar="text")]
    about: int = 0
    effective: Annotated[Effective, CLI_ONLY] = None  # the form's remarks are dated when recorded
    reason: Annotated[Reason, CLI_ONLY] = ""

    kind = "audit_remark"
    permissions = ("audit_remark",)
    cli = (Cli("remark", "an audit remark (supervisory group)"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.audit_remark(actor, self.remark, about=self.about, effective=self.effective, source=source)


class FileReport(Command, kw_only=True):
    """Filing a report from the form; the command line files with `report NAME --file`.

    A work summary is filed with the text written in the form's text area (the ledger's
    draft is put there to start from); every other deliverable with its content as the
    projections build it now.
    """

    report: FiledReport
    period: Period | None = None
    section: SectionId = ""
    effective: Effective = None
    reason: Reason = ""
    content: Document = ""

    kind = "file_report"
    permissions = ("file_report",)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        """`context["content"]`: the report as the projections build it now."""
        period = (self.period or "") if self.report == "quarterly" else ""
        if self.report == "quarterly" and not period:
            label: Callable[[str], str] = context.get("label", str)
            raise fail("value.required", field=label("period"))
        if self.content.strip() and self.report not in SUMMARY_REPORTS:
            raise fail("report.content_file")
        content = self.content if self.content.strip() else context["content"](self, period) or ""
        return ledger.file_report(actor, self.report, content=content, period=period,
                                  section=self.section, effective=self.effective, reason=self.reason,
                                  source=source)


class SetDataItem(Command, kw_only=True):
    """A row of 泉州市下达的绩效考核数据采集内容和责任分工: add it, change it, or remove it."""

    item_id: Annotated[Id, POSITIONAL, facts(metavar="id")]
    item: Annotated[Name, facts(help="what the city asks for (采集内容)")] = ""
    section: SectionId = ""
    person: UserId = ""
    data_source: Annotated[Name, facts(flags=("--source",), help="where the figure comes from")] = ""
    due: Annotated[dt.date | None, facts(help="by when, YYYY-MM-DD")] = None
    note: Text = ""
    remove: Annotated[bool, CLI_ONLY, facts(help="remove the item (with --reason)")] = False
    reason: Reason = ""

    kind = "data_item"
    permissions = ("change_plan",)
    cli = (Cli("data-item", "a data item the city asks for, with who answers for it (数据采集)"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.set_data_item(actor, self.item_id, item=self.item, section=self.section,
                                    person=self.person, data_source=self.data_source, due=self.due,
                                    note=self.note, remove=self.remove, reason=self.reason, source=source)


SCHEMAS: tuple[type[Command], ...] = (ReportProgress, AttachEvidence, SelfAssess, AwardTier, Adjust,
                                      RecordFinding, ResolveFinding, Correct, Assign, FileReport,
                                      AuditRemark, SetDataItem)
