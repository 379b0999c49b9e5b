"""The terminal UI's and the command line's words: labels looked up in the one catalogue
per language (`domain/catalogue.py`), the same tables the domain's messages come from.

Keys: screen names, column headers, key hints and banners by their own names (`app.title`,
`col.tier`); form fields `f.<name>` and hints `hint.<name>`; an event's fields in the audit
detail `ev.<name>`; a choice's words `opt.<value>`; event kinds `event.<Kind>`; roles
`role.<role>`; what a role may do `command.<name>`; command-line help `help.<...>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from domain.catalogue import TABLES, lookup

# which keys exist (the Chinese table; the English one holds the same keys)
LABELS: Final[Mapping[str, str]] = TABLES["zh"]

# every event kind, in the order the catalogue lists them (the audit trail's kind filter)
KINDS: Final[tuple[str, ...]] = tuple(k.removeprefix("event.") for k in LABELS if k.startswith("event."))


def label(key: str, lang: str = "zh", **params: object) -> str:
    """The label for `key` in `lang` with its parameters filled in (the key itself if unknown)."""
    template = lookup(key, lang) or key
    if not params:
        return template
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def kind_label(kind: str, lang: str = "zh") -> str:
    """An event kind in words: 进度报告 / progress reported."""
    return lookup(f"event.{kind}", lang) or kind


def role_label(role: str, lang: str = "zh") -> str:
    """A role in words: 承办人 / clerk."""
    return lookup(f"role.{role}", lang) or role


def option_label(value: str, lang: str = "zh") -> str:
    """A choice's value in words where the catalogue has them (bonus → 加分), else as given."""
    return lookup(f"opt.{value}", lang) or value


__all__ = ["KINDS", "LABELS", "kind_label", "label", "option_label", "role_label"]
