"""The event kinds the entry form offers: their fields, and the domain command each calls.

A kind is offered only to a user whose roles the domain's permission table allows for
its command; every value is checked again by the command itself, and its refusal (in
the domain's own words) is what the form shows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain import events as ev
from domain.commands import Ledger
from domain.errors import fail
from domain.validate import parse_date


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"  # text, int, date, amount, choice, indicator, leaf, section, user
    required: bool = False
    options: tuple[str, ...] = ()  # fixed choices, labelled "opt.<value>"
    default: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    commands: tuple[str, ...]  # the permission(s) any of which lets a user record it
    fields: tuple[Field, ...]
    call: Callable[[Ledger, str, dict[str, Any]], ev.Event]
    options: dict[str, Callable[[Any], tuple[str, ...]]] = field(default_factory=dict)


EFFECTIVE = Field("effective", "date")
REASON = Field("reason")


def _int(name: str, value: str, *, required: bool = True) -> int | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise fail("value.required", field=name)
        return None
    try:
        return int(value)
    except ValueError:
        raise fail("value.number", field=name, actual=value) from None


def _date(name: str, value: str) -> dt.date | None:
    return parse_date(name, (value or "").strip() or None)


def _evidence(ledger: Ledger, actor: str, v: dict[str, Any]) -> ev.Event:
    name, digest, size = v["file_name"], v["sha256"], v["size"]
    if v.get("path"):
        path = Path(v["path"]).expanduser()
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise fail("file.unreadable", where=v["path"], detail=exc) from None
        name, digest, size = name or path.name, hashlib.sha256(data).hexdigest(), str(len(data))
    return ledger.attach_evidence(actor, v["indicator"], file_name=name, sha256=digest.strip(),
                                  size=_int("size", size) or 0, description=v["description"],
                                  effective=_date("effective", v["effective"]), reason=v["reason"],
                                  source="tui")


def _file_report(ledger: Ledger, actor: str, v: dict[str, Any]) -> ev.Event:
    """File a report: its content is the report as the projections build it now."""
    from projections.filing import report_content
    from projections.work_ledger import Reader

    view = v["_view"]
    report, period, section = v["report"], v["period"] if v["report"] == "quarterly" else "", v["section"]
    if report == "quarterly" and not period:
        raise fail("value.required", field="period")
    read: Reader = view.reader()
    content = report_content(view.live, view.plan_fold(view.moment.__class__()), report, read,
                             section=section, period=period, actor=actor, today=view.today())
    return ledger.file_report(actor, report, content=content or "", period=period, section=section,
                              effective=_date("effective", v["effective"]), reason=v["reason"], source="tui")


def _finding_sources(view: Any) -> tuple[str, ...]:
    roles = set(view.user.roles) if view.user else set()
    if "performance_office" in roles:
        return ("county-on-unit", "city-on-county", "internal")
    return ("internal",)


def _outcomes(view: Any) -> tuple[str, ...]:
    out: tuple[str, ...] = ()
    if view.can("rectify_finding"):
        out += ("rectified",)
    if view.can("decide_appeal"):
        out += ("appeal-upheld", "appeal-rejected")
    return out


KINDS: tuple[Kind, ...] = (
    Kind("report_progress", ("report_progress",),
         (Field("indicator", "indicator", True), Field("period", "period", True),
          Field("percent", "int", True), Field("done"), Field("problems"), Field("next_steps"),
          EFFECTIVE, REASON),
         lambda lg, who, v: lg.report_progress(
             who, v["indicator"], period=v["period"], percent=_int("percent", v["percent"]) or 0,
             done=v["done"], problems=v["problems"], next_steps=v["next_steps"],
             effective=_date("effective", v["effective"]), reason=v["reason"], source="tui")),
    Kind("attach_evidence", ("attach_evidence",),
         (Field("indicator", "indicator", True), Field("path"), Field("file_name"),
          Field("sha256"), Field("size", "int"), Field("description"), EFFECTIVE, REASON),
         _evidence),
    Kind("self_assess", ("self_assess",),
         (Field("indicator", "leaf", True), Field("tier", "tier", True), Field("note"),
          EFFECTIVE, REASON),
         lambda lg, who, v: lg.self_assess(
             who, v["indicator"], tier=v["tier"], note=v["note"],
             effective=_date("effective", v["effective"]), reason=v["reason"], source="tui")),
    Kind("award_tier", ("award_tier",),
         (Field("indicator", "leaf", True), Field("tier", "tier", True), EFFECTIVE, REASON),
         lambda lg, who, v: lg.award_tier(
             who, v["indicator"], tier=v["tier"], effective=_date("effective", v["effective"]),
             reason=v["reason"], source="tui")),
    Kind("adjust", ("adjust",),
         (Field("adjustment", "choice", True, ("deduction", "bonus", "veto")),
          Field("amount", "amount"), Field("indicator", "leaf"), Field("section", "section"),
          Field("basis"), EFFECTIVE, REASON),
         lambda lg, who, v: lg.adjust(
             who, v["adjustment"], (v["amount"] or "0").strip(), reason=v["reason"],
             basis=v["basis"], indicator=v["indicator"], section=v["section"],
             effective=_date("effective", v["effective"]), source="tui")),
    Kind("record_finding", ("record_finding",),
         (Field("method", "choice", True, ev.METHODS), Field("finding_source", "choice", True),
          Field("count", "int", True), Field("per_item", "amount", True), Field("cap", "amount"),
          Field("indicator", "leaf"), Field("description"), Field("rectify_by", "date"),
          EFFECTIVE, REASON),
         lambda lg, who, v: lg.record_finding(
             who, method=v["method"], finding_source=v["finding_source"],
             count=_int("count", v["count"]) or 0, per_item=(v["per_item"] or "").strip(),
             cap=(v["cap"] or "").strip() or None, indicator=v["indicator"],
             description=v["description"], rectify_by=_date("rectify_by", v["rectify_by"]),
             effective=_date("effective", v["effective"]), reason=v["reason"], source="tui"),
         {"finding_source": _finding_sources}),
    Kind("resolve_finding", ("rectify_finding", "decide_appeal"),
         (Field("position", "int", True), Field("outcome", "choice", True), Field("note"),
          EFFECTIVE, REASON),
         lambda lg, who, v: lg.resolve_finding(
             who, _int("position", v["position"]) or 0, outcome=v["outcome"], note=v["note"],
             effective=_date("effective", v["effective"]), reason=v["reason"], source="tui"),
         {"outcome": _outcomes}),
    Kind("correct", tuple(sorted({"report_progress", "attach_evidence", "self_assess", "award_tier",
                                  "adjust", "record_finding", "rectify_finding", "assign"})),
         (Field("position", "int", True), Field("reason", required=True)),
         lambda lg, who, v: lg.correct(who, _int("position", v["position"]) or 0,
                                       reason=v["reason"], source="tui")),
    Kind("assign", ("assign",),
         (Field("indicator", "indicator", True), Field("section", "section", True),
          Field("leader", "user", True), Field("handler", "user", True), Field("liaison", "user"),
          Field("deadline", "date"), Field("milestones"), EFFECTIVE, REASON),
         lambda lg, who, v: lg.assign(
             who, v["indicator"], section=v["section"], leader=v["leader"], handler=v["handler"],
             liaison=v["liaison"], deadline=_date("deadline", v["deadline"]),
             milestones=tuple(m.strip() for m in v["milestones"].replace(";", "；").split("；")
                              if m.strip()),
             effective=_date("effective", v["effective"]), reason=v["reason"], source="tui")),
    Kind("file_report", ("file_report",),
         (Field("report", "choice", True, ("quarterly", "decomposition", "contacts", "self_inspection")),
          Field("period", "period"), Field("section", "section"), EFFECTIVE, REASON),
         _file_report),
    Kind("audit_remark", ("audit_remark",),
         (Field("remark", required=True), Field("about", "int")),
         lambda lg, who, v: lg.audit_remark(who, v["remark"],
                                            about=_int("about", v["about"], required=False) or 0,
                                            source="tui")),
)


def offered(view: Any) -> list[Kind]:
    """The kinds the signed-in user's roles may record (no others are offered)."""
    return [k for k in KINDS if any(view.can(c) for c in k.commands)
            and all(fn(view) for fn in k.options.values())]


class DryRun(Ledger):
    """The same commands, deciding against the stored state but storing nothing."""

    def run(self, decide: Callable[[], list[Any]], *, actor: str = "", what: str = "") -> list[ev.Event]:
        aggregates = decide()
        return [e for a in aggregates for e in a._pending]


def dry_run(ledger: Ledger) -> DryRun:
    return DryRun(ledger.store, clock=ledger.clock, plan=ledger.plan_key)
