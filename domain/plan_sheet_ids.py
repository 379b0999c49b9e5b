"""Ids for what an office's sheet names only by its Chinese name: sections, people, indicators.

People get their name in pinyin (林丽艳 -> linliyan), as the bundled plan's ids are;
sections the pinyin of their name when short, else its initials (综合业务股 -> zhywg).
Without the pinyin tables (pypinyin not installed) ids are short codes in order of
appearance (p01, s01). A clash gets a number (linliyan2). The same sheet gives the
same ids every time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

try:
    from pypinyin import Style, lazy_pinyin
except ImportError:  # pragma: no cover - the tables are an installed dependency
    lazy_pinyin = None  # type: ignore[assignment]
    Style = None  # type: ignore[assignment,misc]

SECTION_PINYIN_MAX = 12  # longer section names take their initials
CATEGORY_PREFIX = {"key": "K", "routine": "R", "dynamic": "D", "capacity": "C"}


def _ascii(parts: Iterable[str]) -> str:
    text = "".join(parts).lower().replace("ü", "v")
    return re.sub(r"[^a-z0-9]", "", text)


def _pinyin(name: str, initials: bool = False) -> str:
    if lazy_pinyin is None:
        return ""
    if initials:
        return _ascii(lazy_pinyin(name, style=Style.FIRST_LETTER))
    return _ascii(lazy_pinyin(name))


def _unique(base: str, taken: set[str]) -> str:
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}{n}", n + 1
    taken.add(ident)
    return ident


def person_ids(names: list[str], taken: set[str] | None = None) -> dict[str, str]:
    """An id for each person's name, in order."""
    taken = set() if taken is None else taken
    ids: dict[str, str] = {}
    for number, name in enumerate(names, start=1):
        base = _pinyin(name) or f"p{number:02d}"
        ids[name] = _unique(base, taken)
    return ids


def section_ids(names: list[str], taken: set[str] | None = None) -> dict[str, str]:
    """An id for each section's name, in order."""
    taken = set() if taken is None else taken
    ids: dict[str, str] = {}
    for number, name in enumerate(names, start=1):
        full = _pinyin(name)
        base = full if len(full) <= SECTION_PINYIN_MAX else _pinyin(name, initials=True)
        ids[name] = _unique(base or f"s{number:02d}", taken)
    return ids


def indicator_id(work: str, first: int, second: int | None = None) -> str:
    """K01, K01.1: the category's letter, the first-level number, the second-level number."""
    ident = f"{CATEGORY_PREFIX.get(work, 'X')}{first:02d}"
    return ident if second is None else f"{ident}.{second}"
