"""Events in words: a one-line summary for lists and every field for the detail pane.

Everything a user typed stays plain text (`rich.text.Text`), never markup.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Protocol

import msgspec
from rich.text import Text

from domain import events as ev
from domain.controls import shown
from domain.localtime import local
from tui.i18n import LABELS, kind_label, label, role_label
from tui.widgets.format import points

ENVELOPE = ("timestamp", "actor", "role", "effective", "reason", "source")


def local_time(moment: dt.datetime) -> str:
    """A recorded time in Beijing time, as people read it."""
    return f"{local(moment):%Y-%m-%d %H:%M}"


def _value(value: Any) -> str:
    if isinstance(value, Decimal):
        return points(value)
    if isinstance(value, dt.datetime):
        return local_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "；".join(_value(v) for v in value)
    if isinstance(value, msgspec.Struct):
        return msgspec.json.encode(value).decode()[:200]
    return "" if value is None else str(value)


def fields(event: ev.Event) -> list[tuple[str, str]]:
    """Every field of an event, envelope first, as (name, value) text pairs."""
    out = [("kind", event.kind), ("originator_id", str(event.originator_id)),
           ("originator_version", str(event.originator_version))]
    out += [(name, _value(getattr(event, name))) for name in ENVELOPE]
    for name in event.__struct_fields__:
        if name in ENVELOPE or name in ("originator_id", "originator_version"):
            continue
        out.append((name, _value(getattr(event, name))))
    return out


class Names(Protocol):
    """Who and what an event names, as people know them (the terminal's ledger view)."""

    def person_name(self, person: str) -> str: ...

    def section_name(self, section: str) -> str: ...

    @property
    def plan(self) -> Any: ...


PEOPLE = frozenset({"actor", "user", "person", "leader", "handler", "liaison", "rater"})
IDENTITY = ("originator_id", "originator_version")
CHOICES = frozenset({"adjustment", "method", "finding_source", "outcome", "report", "source"})


def words(event: ev.Event, position: int, lang: str, names: Names) -> Text:
    """The detail pane's text in words in the UI's language: what kind of event, who (with
    their name), on what (an indicator with its name, a section by name), when it took
    effect and when it was recorded (local time), why, and every other field by its label.
    Values are literal text, control characters shown escaped."""
    text = Text()
    text.append(f"#{position} {kind_label(event.kind, lang)}\n", style="bold")

    def line(key: str, value: str) -> None:
        if value:
            text.append(label(key, lang) + (": " if lang == "en" else "："), style="dim")
            text.append(shown(value))
            text.append("\n")

    line("ev.actor", f"{_person(event.actor, names, lang)} · {role_label(event.role, lang)}")
    line("ev.effective", event.effective.isoformat())
    line("ev.timestamp", local_time(event.timestamp))
    for name in event.__struct_fields__:
        if name in ENVELOPE or name in IDENTITY:
            continue
        value = getattr(event, name)
        if value in (None, "", (), [], {}) or (name == "about" and not value):
            continue
        line(_field_key(name), _worded(name, value, lang, names))
        if name == "indicator_id" and "section" not in event.__struct_fields__:
            found = names.plan.indicator(value) if names.plan is not None else None
            line("f.section", names.section_name(found.section) if found is not None else "")
    line("ev.reason", event.reason)
    line("ev.source", label(f"opt.{event.source}", lang))
    return text


def raw(event: ev.Event, position: int, lang: str) -> Text:
    """The stored payload for the technical reader: every field by its stored name."""
    text = Text()
    text.append(f"#{position} {event.topic()}  ", style="bold")
    text.append(label("ev.raw", lang) + "\n", style="dim")
    for name, value in fields(event):
        text.append(f"{name}: ", style="dim")
        text.append(shown(value))
        text.append("\n")
    return text


def _field_key(name: str) -> str:
    return f"f.{name}" if f"f.{name}" in LABELS else f"ev.{name}"


def _person(person: str, names: Names, lang: str) -> str:
    name = names.person_name(person)
    if not name or name == person:
        return person
    return f"{name} ({person})" if lang == "en" else f"{name}（{person}）"


def _worded(name: str, value: Any, lang: str, names: Names) -> str:
    if name in PEOPLE and isinstance(value, str):
        return _person(value, names, lang)
    if name in ("indicator_id", "indicator", "parent") and isinstance(value, str):
        plan = names.plan
        found = plan.indicator(value) if plan is not None else None
        return f"{value} {found.name}" if found is not None else value
    if name == "section" and isinstance(value, str):
        return names.section_name(value)
    if name in CHOICES and isinstance(value, str):
        return label(f"opt.{value}", lang) if f"opt.{value}" in LABELS else value
    if name == "voided_kind" and isinstance(value, str):
        return kind_label(value, lang)
    if name in ("finding", "voided", "about", "position") and isinstance(value, int):
        return f"#{value}"
    return _value(value)
