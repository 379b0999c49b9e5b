"""How a command's schema is written and read: field facts, the command base, parsing.

A record command is a `Command` struct (domain/command_schemas.py). What a field is
rides on its annotation:
- its constraints as `msgspec.Meta` (`max_length`, `ge`/`le`, `pattern`), checked by
  `parse`, which turns msgspec's complaint into the domain's own message;
- `facts(...)` (a `msgspec.Meta` extra): `ref` (what the value names: indicator, leaf,
  section, user, tier, period, amount; the form offers those as a choice), `code` (the
  message of a broken constraint), `required` (the form asks for a value the command
  line defaults), `faces` (a field on one face only), and for the command line
  `positional` (True, or "?" when it may be left out), `flags`, `dest`, `metavar`, `help`.
Choices are `Literal` types. A field is labelled `f.<name>` and hinted `hint.<name>`, a
command `kind.<kind>`, its choices `opt.<value>` (the catalogue in tui/i18n.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import NoneType, UnionType
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ClassVar,
    Literal,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

import msgspec

from domain import events as ev
from domain.controls import TEXT_PATTERN
from domain.errors import fail
from domain.validate import control

if TYPE_CHECKING:
    from domain.commands import Ledger


def facts(**extra: Any) -> msgspec.Meta:
    """What a field is beyond its type: see the module's docstring."""
    return msgspec.Meta(extra=extra)


@dataclass(frozen=True)
class Cli:
    """One command-line command of a schema: `jixiao record <name>`."""

    name: str
    help: str
    aliases: tuple[str, ...] = ()
    fixed: Mapping[str, Any] = field(default_factory=dict)  # fields the command itself sets
    omit: tuple[str, ...] = ()  # fields this command does not offer (their defaults hold)


class Command(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """A record command's input. Subclasses name their form kind, permissions and CLI commands."""

    kind: ClassVar[str]  # the form's name for it, labelled kind.<kind>
    permissions: ClassVar[tuple[str, ...]]  # any of these lets a user record it
    cli: ClassVar[tuple[Cli, ...]] = ()

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        """Run the domain command; it checks everything again and records the event."""
        raise NotImplementedError


# -- the fields, as both faces build them ---------------------------------------------------
@dataclass(frozen=True)
class FieldSpec:
    """One field of a schema with everything a face needs to show and parse it."""

    name: str
    kind: str  # text, int, date, list, choice, or the ref: indicator, leaf, section, user, tier, period, amount
    required: bool  # the form asks for it
    struct_required: bool  # the struct has no default
    default: Any
    choices: tuple[str, ...] = ()
    positional: bool | str = False
    flags: tuple[str, ...] = ()
    dest: str = ""
    metavar: str = ""
    help: str = ""
    faces: tuple[str, ...] = ("cli", "tui")
    max_length: int | None = None
    code: str = ""
    one_line: bool = True  # tab and newline refused as well (free text keeps them)

    @property
    def label(self) -> str:
        return f"f.{self.name}"

    @property
    def hint(self) -> str:
        return f"hint.{self.name}"


def _unwrap(hint: Any) -> tuple[Any, list[msgspec.Meta], bool]:
    """The bare type of an annotation, its Meta objects, and whether None is allowed."""
    metas: list[msgspec.Meta] = []
    optional = False
    while True:
        if get_origin(hint) is Annotated:
            args = get_args(hint)
            metas.extend(m for m in args[1:] if isinstance(m, msgspec.Meta))
            hint = args[0]
        elif get_origin(hint) in (Union, UnionType) and NoneType in get_args(hint):
            rest = [a for a in get_args(hint) if a is not NoneType]
            optional = True
            hint = rest[0]
        else:
            return hint, metas, optional


@cache
def fields(schema: type[Command]) -> tuple[FieldSpec, ...]:
    """The schema's fields in order, each with its facts."""

    hints = get_type_hints(schema, include_extras=True)
    out = []
    for info in msgspec.structs.fields(schema):
        bare, metas, _ = _unwrap(hints[info.name])
        extra: dict[str, Any] = {}
        max_length = None
        pattern = None
        for meta in metas:
            extra.update(meta.extra or {})
            max_length = meta.max_length if meta.max_length is not None else max_length
            pattern = meta.pattern if meta.pattern is not None else pattern
        item = bare
        if get_origin(bare) is tuple:
            item, item_metas, _ = _unwrap(get_args(bare)[0])
            max_length = next((m.max_length for m in item_metas if m.max_length is not None), max_length)
            pattern = next((m.pattern for m in item_metas if m.pattern is not None), pattern)
        choices: tuple[str, ...] = tuple(get_args(bare)) if get_origin(bare) is Literal else ()
        kind = extra.get("ref") or ("choice" if choices else "list" if item is not bare else
                                    "bool" if bare is bool else "int" if bare is int else "date" if bare is dt.date
                                    else "text")
        default = None if info.required else info.default
        out.append(FieldSpec(
            name=info.name, kind=kind, required=info.required or bool(extra.get("required")),
            struct_required=info.required, default=default, choices=choices,
            positional=extra.get("positional", False), flags=tuple(extra.get("flags", ())),
            dest=extra.get("dest", info.name), metavar=extra.get("metavar", ""), help=extra.get("help", ""),
            faces=tuple(extra.get("faces", ("cli", "tui"))), max_length=max_length, code=extra.get("code", ""),
            one_line=pattern != TEXT_PATTERN))
    return tuple(out)


def field_of(schema: type[Command], name: str) -> FieldSpec:
    """The field `name` of the schema."""
    return next(f for f in fields(schema) if f.name == name)


NOT_TEXT = frozenset({"int", "date", "choice", "period", "list", "bool"})
C = TypeVar("C", bound=Command)
_AT = re.compile(r"at `\$\.(\w+)")
_MISSING = re.compile(r"missing required field `(\w+)`")


def parse(schema: type[C], values: Mapping[str, Any], *, label: Callable[[str], str] = str) -> C:
    """A user's values as the command, or the domain's message for the first bad one.

    Values may be typed (the command line) or all text (the form): an empty text for a
    field that is not free text means "not given" (its default); a list field given as
    text is split at "；" or ";". `label` names a field in the user's language.
    """
    raw: dict[str, Any] = {}
    for f in fields(schema):
        value = values.get(f.name)
        if value is None:
            continue
        if isinstance(value, str) and f.kind == "list":
            value = [m.strip() for m in value.replace(";", "；").split("；") if m.strip()]
        elif isinstance(value, str) and (f.kind in NOT_TEXT or f.kind == "amount" or (not f.struct_required
                                         and f.default is None)):
            value = value.strip()
            if not value:
                continue
        if f.struct_required and isinstance(value, str) and not value.strip():
            continue  # an empty required field is a missing one
        raw[f.name] = value
    for f in fields(schema):
        if f.struct_required and f.name not in raw:
            raise fail("value.required", field=label(f.name))
    try:
        return msgspec.convert(raw, schema, strict=False)
    except msgspec.ValidationError as exc:
        raise _refusal(schema, raw, str(exc), label) from None


def _refusal(schema: type[Command], raw: Mapping[str, Any], detail: str, label: Callable[[str], str]) -> Any:
    """The domain's message for msgspec's complaint about one field."""
    match = _AT.search(detail) or _MISSING.search(detail)
    names = {f.name for f in fields(schema)}
    if match is None or match.group(1) not in names:
        return fail("value.invalid", field=schema.kind, detail=detail)
    f = field_of(schema, match.group(1))
    value = raw.get(f.name)
    name = label(f.name)
    if value is None:
        return fail("value.required", field=name)
    if f.kind == "int" and not _is(int, value):
        return fail("value.number", field=name, actual=value)
    if f.kind == "date" and not _is(dt.date.fromisoformat, value):
        return fail("value.date", field=name, actual=value)
    texts = value if isinstance(value, (list, tuple)) else [value]
    for text in texts:
        if isinstance(text, str):
            control(name, text, line=f.one_line)
    if f.max_length is not None:
        for text in texts:
            if isinstance(text, str) and len(text) > f.max_length:
                return fail("value.too_long", field=name, actual=len(text), allowed=f.max_length)
    if f.code:
        return fail(f.code, field=name, actual=value)
    if f.choices:
        return fail("value.choice", field=name, actual=value, allowed="/".join(f.choices))
    return fail("value.invalid", field=name, detail=detail)


def _is(convert: Callable[[Any], Any], value: Any) -> bool:
    """Whether `value` converts (an int field given 60 or "60", a date given "2021-09-30")."""
    if isinstance(value, dt.date) or (isinstance(value, int) and not isinstance(value, bool)):
        return True
    try:
        convert(value)
    except (TypeError, ValueError):
        return False
    return True
