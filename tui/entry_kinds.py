"""The event kinds the entry form offers: one per command schema, its fields built from it.

The form's fields, labels and choices come from the schema (domain/command_schemas.py);
this module adds only what depends on the signed-in user (the choices a role may make)
and what a command needs besides its fields (a filed report's content).

A kind is offered only to a user whose roles the domain's permission table allows for
its command; every value is checked again by the command itself, and its refusal (in
the domain's own words) is what the form shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, get_args

from domain import events as ev
from domain.command_schemas import SCHEMAS, Command, FieldSpec, FileReport, fields, parse
from domain.command_schemas_year import MEETING_SCHEMAS, PLAN_APPROVAL_SCHEMAS
from domain.commands import Ledger
from projections.filing import report_content


@dataclass(frozen=True)
class Kind:
    """A schema as the entry form shows it: its form fields, and choices that depend on the user."""

    schema: type[Command]
    options: dict[str, Callable[[Any], tuple[str, ...]]] = field(default_factory=dict)
    # what the command needs besides its fields (filing: the report's content), from the view
    context: Callable[[Any, str], dict[str, Any]] | None = None

    @property
    def name(self) -> str:
        return self.schema.kind

    @property
    def commands(self) -> tuple[str, ...]:
        return self.schema.permissions

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in fields(self.schema) if "tui" in f.faces)

    def call(self, ledger: Ledger, actor: str, values: dict[str, Any], *,
             label: Callable[[str], str] = str) -> ev.Event:
        """Parse the form's text into the schema and run its domain command (source "tui")."""
        view = values.get("_view")
        command = parse(self.schema, {f.name: values.get(f.name) for f in self.fields}, label=label)
        context = self.context(view, actor) if self.context is not None else {}
        if values.get("_evidence_path") is not None:  # which file a typed evidence name means
            context["evidence_path"] = values["_evidence_path"]
        return command.call(ledger, actor, source="tui", label=label, **context)


def _report_content(view: Any, actor: str) -> dict[str, Any]:
    """Filing: the report's content as the projections build it now."""

    def content(command: FileReport, period: str) -> str | None:
        return report_content(view.live, view.plan_fold(view.moment.__class__()), command.report,
                              view.reader(), section=command.section, period=period, actor=actor,
                              today=view.today())

    return {"content": content}


def _finding_sources(view: Any) -> tuple[str, ...]:
    roles = set(view.user.roles) if view.user else set()
    if "performance_office" in roles:
        return ("county-on-unit", *(s for s in get_args(ev.FindingSource) if s != "county-on-unit"))
    return ("internal",)


def _outcomes(view: Any) -> tuple[str, ...]:
    out: tuple[str, ...] = ()
    if view.can("rectify_finding"):
        out += ("rectified",)
    if view.can("decide_appeal"):
        out += ("appeal-upheld", "appeal-rejected")
    return out


_OPTIONS: dict[str, dict[str, Callable[[Any], tuple[str, ...]]]] = {
    "record_finding": {"finding_source": _finding_sources},
    "resolve_finding": {"outcome": _outcomes},
}
FORM_SCHEMAS: tuple[type[Command], ...] = (*SCHEMAS, *MEETING_SCHEMAS, *PLAN_APPROVAL_SCHEMAS)
KINDS: tuple[Kind, ...] = tuple(
    Kind(s, _OPTIONS.get(s.kind, {}), _report_content if s is FileReport else None) for s in FORM_SCHEMAS)


def offered(view: Any) -> list[Kind]:
    """The kinds the signed-in user's roles may record (no others are offered)."""
    return [k for k in KINDS if any(view.can(c) for c in k.commands)
            and all(fn(view) for fn in k.options.values())]


class DryRun(Ledger):
    """The same commands, deciding against the stored state but storing nothing."""

    def run(self, decide: Callable[[], list[Any]], *, actor: str = "", what: str = "",
            files: Any = ()) -> list[ev.Event]:
        aggregates = decide()
        return [e for a in aggregates for e in a._pending]


def dry_run(ledger: Ledger) -> DryRun:
    return DryRun(ledger.store, clock=ledger.clock, plan=ledger.plan_key)
