"""Events in words: a one-line summary for lists and every field for the detail pane.

Everything a user typed stays plain text (`rich.text.Text`), never markup.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec
from rich.text import Text

from domain import events as ev
from domain.controls import shown
from domain.validate import BUSINESS_TZ
from tui.i18n import kind_label
from tui.widgets.format import points

ENVELOPE = ("timestamp", "actor", "role", "effective", "reason", "source")


def local_time(moment: dt.datetime) -> str:
    """A recorded time in Beijing time, as people read it."""
    return f"{moment.astimezone(BUSINESS_TZ):%Y-%m-%d %H:%M}"


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


def detail(event: ev.Event, position: int, lang: str) -> Text:
    """The detail pane's text: every field on its own line, values literal."""
    text = Text()
    text.append(f"#{position} {kind_label(event.kind, lang)}\n", style="bold")
    for name, value in fields(event):
        text.append(f"{name}: ", style="dim")
        text.append(shown(value))
        text.append("\n")
    return text
