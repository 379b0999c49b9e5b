"""The command line in the user's language: argparse's own words (usage, errors) and every
option's help, looked up in the catalogue (`domain/catalogue.py`).

argparse looks its words up through gettext (`argparse._`); jixiao answers those look-ups
from its catalogue (`argparse.<msgid>`), and translates each help text (`help.<text>`, the
English text as its id, the way gettext keys a catalogue) and each metavar
(`metavar.<NAME>`) when it formats help. The language is chosen before parsing: `--lang`
on the command line, else $JIXIAO_LANG, else Chinese.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from typing import Any

from wcwidth import wcswidth

from domain.catalogue import language, lookup

_LANG: list[str] = ["zh"]  # the language of this process's command line, set once by main()


def language_of(argv: Sequence[str]) -> str:
    """The language a command line asks for: `--lang X` / `--lang=X`, else $JIXIAO_LANG."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return language(argv[i + 1])
        if arg.startswith("--lang="):
            return language(arg.partition("=")[2])
    return language(os.environ.get("JIXIAO_LANG"))


def use(lang: str) -> None:
    """Speak `lang` in argparse's words and the help from now on."""
    _LANG[0] = language(lang)
    argparse._ = gettext  # type: ignore[attr-defined]  # argparse's own hook for its words
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


def gettext(message: str) -> str:
    return lookup(f"argparse.{message}", _LANG[0]) or message


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def say(text: str | None) -> str | None:
    """A help text in the current language (itself when the catalogue lacks it)."""
    if not text or text == argparse.SUPPRESS:
        return text
    return lookup(f"help.{text}", _LANG[0]) or text


def _metavar(name: str) -> str:
    return lookup(f"metavar.{name}", _LANG[0]) or name


class Formatter(argparse.HelpFormatter):
    """argparse's formatter, saying help texts, descriptions and metavars in the catalogue's words."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return say(action.help)

    def add_text(self, text: str | None) -> None:
        super().add_text(say(text))

    def start_section(self, heading: str | None) -> None:
        super().start_section(say(heading))

    def _get_default_metavar_for_optional(self, action: argparse.Action) -> str:
        return _metavar(action.dest.upper())

    def _get_default_metavar_for_positional(self, action: argparse.Action) -> str:
        return _metavar(action.dest)

    # Chinese characters take two columns: the help column is aligned and wrapped by width
    def _format_action_invocation(self, action: argparse.Action) -> str:
        return _Wide(super()._format_action_invocation(action))

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        header = self._format_action_invocation(action)
        extra = len(header) - str.__len__(header)
        lead = " " * self._current_indent + header
        if extra > 0 and text.startswith(lead + " " * (extra + 2)):
            text = lead + text[len(lead) + extra:]
        return text

    def _split_lines(self, text: str, width: int) -> list[str]:
        lines: list[str] = []
        line = ""
        for piece in _PIECES.findall(" ".join(text.split())):
            if line and columns(line + piece.rstrip()) > width:
                lines.append(line.rstrip())
                line = piece.lstrip()
            else:
                line += piece
        return [*lines, line.rstrip()] if line.strip() else lines

    def _metavar_formatter(self, action: argparse.Action, default_metavar: str) -> Any:
        if isinstance(action.metavar, str):
            action = _renamed(action, _metavar(action.metavar))
        return super()._metavar_formatter(action, default_metavar)


_PIECES = re.compile(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+")


def columns(text: str) -> int:
    """How many terminal columns `text` takes."""
    return max(wcswidth(text), len(text))


class _Wide(str):
    """Text whose length, for argparse's layout, is the columns it takes."""

    def __len__(self) -> int:
        return columns(str(self))


def _renamed(action: argparse.Action, metavar: str) -> argparse.Action:
    copy = argparse.Action.__new__(type(action))
    copy.__dict__.update(action.__dict__, metavar=metavar)
    return copy


class Parser(argparse.ArgumentParser):
    """jixiao's parser: its help and errors in the user's language (every subparser alike)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        _name_in_words(action)
        return action

    def add_subparsers(self, **kwargs: Any) -> Any:
        if isinstance(kwargs.get("metavar"), str):
            kwargs["metavar"] = _metavar(kwargs["metavar"])
        return super().add_subparsers(**kwargs)


def _name_in_words(action: argparse.Action) -> None:
    """A positional's name, as usage and argparse's errors show it, in the catalogue's words
    ("参数 位置：值有误" rather than "argument position")."""
    if isinstance(action.metavar, str):
        action.metavar = _metavar(action.metavar)
    elif action.metavar is None and not action.option_strings and not action.choices:
        translated = _metavar(action.dest)
        if translated != action.dest:
            action.metavar = translated
