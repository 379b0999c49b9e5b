"""One catalogue of words per language: every key in both, Chinese without English words,
English without Chinese characters, and every key the code names present."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from domain.access import PERMISSIONS
from domain.catalogue import TABLES, has, keys
from domain.events import EVENT_TYPES
from tui.cli.main import build_parser
from tui.cli.words import use

ROOT = Path(__file__).resolve().parent.parent

# what a Chinese entry may hold in Latin letters: names of formats, programs and standards,
# keys of the keyboard, commands and values the user types, date patterns, field names of files
ALLOWED_WORDS = frozenset("""
    ASCII AuthorizedKeysCommand BEL CPU Ctrl DD ESC Enter Excel HH JSON LC_CTYPE MM OpenSSH PGPASSWORD
    POSTGRES_ENABLE_DB_FUNCTIONS PostgreSQL Q3 S SHA SHA256 SQLite SS SSH THH TOML YYYY Z authorized_keys
    appeal rectified upheld rejected bonus deduction veto coefficient score originator_id originator_version
    sqlite sshd sha256 xlsx zh en n r jixiao ssh init db migrate log check plan verify
""".split())
STRIP = [r"\{[^}]*\}", r"%\([a-z_]+\)[sr]", r"%%?[srfd]", r"`[^`]*`", r"--?[a-z][a-z0-9-]*", r"\$[A-Z_]+",
         r"[a-z]+://\S*", r"~/\.\w+", r"\.(toml|xlsx|md|csv|json)\b", r"[\w.]+@[\w.]+"]
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# English entries that quote what a user's own sheet or data holds, in Chinese
CHINESE_DATA = frozenset({"sheet.no_header", "sheet.date", "sheet.total", "in.category_hint",
                          "help.staff category (default 领导 for leaders, else 干部)",
                          "help.ranking: only units whose names begin with this (e.g. 安溪县)"})


def english_words(text: str) -> list[str]:
    for pattern in STRIP:
        text = re.sub(pattern, " ", text)
    return [w for w in WORD.findall(text) if w not in ALLOWED_WORDS]


def test_both_languages_hold_the_same_keys() -> None:
    assert set(TABLES["zh"]) == set(TABLES["en"])


@pytest.mark.parametrize("key", keys())
def test_every_entry_is_in_its_own_language(key: str) -> None:
    zh, en = TABLES["zh"][key], TABLES["en"][key]
    assert not english_words(zh), f"{key}: English words in the Chinese entry: {zh}"
    assert key in CHINESE_DATA or not CJK.search(en), f"{key}: Chinese in the English entry: {en}"
    assert bool(zh.strip()) == bool(en.strip()), f"{key}: empty in one language"


def test_english_words_are_caught() -> None:
    assert english_words("effective 日期格式有误") == ["effective"]
    assert english_words("#1123 ProgressReported · yijiepin (clerk)") == ["ProgressReported", "yijiepin", "clerk"]
    assert english_words("{field} 日期格式有误：{actual}（应为 YYYY-MM-DD），见 --effective") == []


def test_every_event_kind_role_and_command_has_words() -> None:
    for event_type in EVENT_TYPES:
        assert has(f"event.{event_type.__name__}"), event_type.__name__
    roles = {role for allowed in PERMISSIONS.values() for role in allowed}
    assert all(has(f"role.{role}") for role in roles)
    assert all(has(f"command.{command}") for command in PERMISSIONS)


KEY_CALL = re.compile(r"""\b(?:label|render|fail|t|self\.t|_t|lookup|has)\(\s*f?["']([a-z_]+\.[a-z0-9_.-]+)["']""")


def test_every_key_the_code_names_is_in_the_catalogue() -> None:
    named: dict[str, str] = {}
    for package in ("domain", "projections", "tui", "store"):
        for path in (ROOT / package).rglob("*.py"):
            for key in KEY_CALL.findall(path.read_text(encoding="utf-8")):
                if "{" not in key:
                    named.setdefault(key, str(path.relative_to(ROOT)))
    missing = {k: where for k, where in named.items() if not has(k)}
    assert len(named) > 200 and not missing


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                found += _parsers(sub)
    return found


def test_every_help_text_of_the_command_line_has_words_in_both_languages() -> None:
    use("en")  # argparse's own help texts as their ids
    try:
        parsers = _parsers(build_parser())
    finally:
        use("zh")
    helps: set[str] = set()
    for parser in parsers:
        if parser.description:
            helps.add(parser.description)
        helps.update(g.title for g in parser._action_groups[2:] if g.title)  # beyond argparse's own two
        for action in parser._actions:
            if action.help and action.help != argparse.SUPPRESS:
                helps.add(action.help)
            if isinstance(action, argparse._SubParsersAction):
                helps.update(c.help for c in action._choices_actions if c.help)
    missing = sorted(h for h in helps if not has(f"help.{h}"))
    assert not missing
