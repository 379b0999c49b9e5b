"""The domain's user-facing messages, rendered from the one catalogue of words per language
(`domain/catalogue.py`: `domain/locale/zh.toml`, `domain/locale/en.toml`).

Every message a user can see from the domain has a code there. Parameters that name a
thing of the code (a field, a role, a command, an event kind) are put in words of the
message's language, so no internal name reaches a Chinese message ("effective 日期格式有误").
"""

from __future__ import annotations

from collections.abc import Callable

from domain.catalogue import has, language, lookup
from domain.controls import shown


def _words(prefix: str) -> Callable[[str, str], str]:
    def say(value: str, lang: str) -> str:
        return lookup(f"{prefix}{value}", lang) or value

    return say


def _roles(value: str, lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    return sep.join(lookup(f"role.{r.strip()}", lang) or r.strip() for r in value.split(",") if r.strip())


def _field(value: str, lang: str) -> str:
    return lookup(f"f.{value}", lang) or lookup(f"ev.{value}", lang) or value


# a parameter of this name, holding a code's name, is shown as the catalogue's word for it
NAMED: dict[str, Callable[[str, str], str]] = {
    "field": _field,
    "what": _field,
    "roles": _roles,
    "role": _words("role."),
    "command": _words("command."),
    "kind": _words("event."),
}


def render(code: str, lang: str = "zh", **params: object) -> str:
    """The message for `code` in `lang` ("zh" or "en") with its parameters filled in."""
    lang = language(lang)
    template = lookup(code, lang) or code
    values: dict[str, str] = {}
    for name, value in params.items():
        text = str(value)
        say = NAMED.get(name)
        values[name] = shown(say(text, lang) if say else text)  # typed text is shown, never obeyed
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return template


def known(code: str) -> bool:
    """Whether `code` is a message of the catalogue."""
    return has(code)
