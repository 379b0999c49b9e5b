"""jixiao's words: one table per language (`domain/locale/zh.toml`, `domain/locale/en.toml`),
read once, with one lookup for the domain's messages and the UI's labels alike.

Each file is a flat TOML table, key = text, with `{name}` placeholders filled by the caller.
Both files hold the same keys; `tests/test_catalogue.py` fails on a key missing from one, a
Chinese entry with English words in it, or an English entry with Chinese characters.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Final

LANGUAGES: Final = ("zh", "en")
LOCALE_DIR: Final = Path(__file__).parent / "locale"


def _load(lang: str) -> dict[str, str]:
    with (LOCALE_DIR / f"{lang}.toml").open("rb") as f:
        table = tomllib.load(f)
    return {str(k): str(v) for k, v in table.items()}


TABLES: Final[Mapping[str, Mapping[str, str]]] = {lang: _load(lang) for lang in LANGUAGES}


def language(lang: str | None) -> str:
    """`lang` if jixiao speaks it, else Chinese (the default)."""
    return lang if lang in LANGUAGES else "zh"


def lookup(key: str, lang: str = "zh") -> str | None:
    """The text of `key` in `lang`, or None when the catalogue has no such key."""
    return TABLES[language(lang)].get(key)


def has(key: str) -> bool:
    """Whether the catalogue knows `key` (every key is in both languages)."""
    return key in TABLES["zh"]


def keys() -> list[str]:
    """Every key of the catalogue, in the order of the Chinese file."""
    return list(TABLES["zh"])
