"""Reading and writing plan files: TOML (the native format) and Excel workbooks.

Decoding goes through msgspec, so a wrong type or a missing key is reported with its
path in the file (and, for TOML, the line), never as a traceback.
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import msgspec
import tomli_w

from domain.errors import JixiaoError, fail
from domain.plan import Plan

BUNDLED_PLAN = "anxi_kjj_2021.toml"


def bundled_plan_text() -> str:
    """The TOML text of the bundled 2021 plan of the Anxi County Science and Technology Bureau."""
    return resources.files("domain.plans").joinpath(BUNDLED_PLAN).read_text(encoding="utf-8")


def bundled_plan() -> Plan:
    return parse_toml(bundled_plan_text(), BUNDLED_PLAN)


def load_plan(path: str | Path) -> Plan:
    """Load a plan from a .toml or .xlsx file; raises JixiaoError naming the place."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from domain.plan_xlsx import read_xlsx

        return read_xlsx(path)
    if suffix != ".toml":
        raise fail("file.format", where=str(path), suffix=suffix or "(none)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail("file.unreadable", where=str(path), detail=exc) from None
    return parse_toml(text, str(path))


def parse_toml(text: str, where: str = "") -> Plan:
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise fail(
            "file.toml", where=where, line=int(match.group(1)) if match else None, detail=exc
        ) from None
    return convert_plan(data, where, text)


def convert_plan(data: Any, where: str, text: str | None = None) -> Plan:
    """Turn decoded builtins into a Plan, naming the path (and line) of a bad value."""
    try:
        return msgspec.convert(data, Plan)
    except msgspec.ValidationError as exc:
        detail = str(exc)
        path_match = re.search(r"at `([^`]+)`", detail)
        path = path_match.group(1) if path_match else "$"
        detail = re.sub(r"\s+-\s+at `[^`]+`$", "", detail)  # the path is given apart
        unknown = re.search(r"unknown field `(\w+)`", detail)
        line = locate(text, data, path + (f".{unknown.group(1)}" if unknown else "")) if text is not None else None
        raise fail("file.type", where=where, line=line, path=path, detail=detail) from None


_HEADER = re.compile(r"^\s*\[(\[)?\s*([\w.\s-]+?)\s*\]\]?\s*(?:#.*)?$")


def locate(text: str, data: Any, path: str) -> int | None:
    """Best-effort line of `path` ($.indicators[3].children[1].points) in the TOML text.

    The key's own line when it is written there, else the line of the table holding it.
    """
    return _locate_key(text, path) or _locate_anchor(text, data, path)


def _locate_key(text: str, path: str) -> int | None:
    lines = text.splitlines()
    headers = [
        (n, re.sub(r"\s*\.\s*", ".", m.group(2)), bool(m.group(1)))
        for n, m in ((n, _HEADER.match(line)) for n, line in enumerate(lines))
        if m
    ]
    steps = re.findall(r"\.(\w+)|\[(\d+)\]", path)
    prefix, lo, hi, table = "", 0, len(lines), None  # table: the current header's index
    i = 0
    while i < len(steps) and steps[i][0]:
        key = steps[i][0]
        name = f"{prefix}.{key}" if prefix else key
        index = int(steps[i + 1][1]) if i + 1 < len(steps) and steps[i + 1][1] else None
        found = [n for n, h, array in headers if lo <= n < hi and h == name and array == (index is not None)]
        pick = index if index is not None else 0
        if pick >= len(found):
            own = table + 1 if table is not None else 0
            end = min(next((n for n, _, _ in headers if n >= own), hi), hi)
            pattern = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
            line = next((n for n in range(own, end) if pattern.match(lines[n])), table)
            return None if line is None else line + 1
        table = found[pick]
        hi = min(next((n for n, h, _ in headers if n > table and not h.startswith(name + ".")), hi), hi)
        prefix, lo = name, table
        i += 2 if index is not None else 1
    return None if table is None else table + 1


def _locate_anchor(text: str, data: Any, path: str) -> int | None:
    """The line of the nearest enclosing `id = "..."` (inline tables have no headers)."""
    node: Any = data
    anchor: str | None = None
    for key, index in re.findall(r"\.(\w+)|\[(\d+)\]", path):
        try:
            node = node[key] if key else node[int(index)]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            anchor = node["id"]
    if anchor is None:
        return None
    return line_of_id(text, anchor)


def line_of_id(text: str | None, ident: str) -> int | None:
    """The line on which `id = "<ident>"` is written, if any."""
    if not text:
        return None
    pattern = re.compile(r'^\s*id\s*=\s*["\']' + re.escape(ident) + r'["\']', re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _toml_ready(value: Any) -> Any:
    """Decimals become ints or floats whose repr round-trips exactly back to the Decimal."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _toml_ready(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_toml_ready(v) for v in value]
    return value


def plan_to_builtins(plan: Plan) -> dict[str, Any]:
    import datetime as dt

    return msgspec.to_builtins(plan, builtin_types=(Decimal, dt.date))


def dump_toml(plan: Plan) -> str:
    """The plan as TOML text; reading it back gives an equal Plan."""
    data = _toml_ready(plan_to_builtins(plan))
    return tomli_w.dumps(data, multiline_strings=False)


def write_plan(plan: Plan, path: str | Path, fmt: str) -> None:
    path = Path(path)
    if fmt == "xlsx":
        from domain.plan_xlsx import write_xlsx

        write_xlsx(plan, path)
    else:
        path.write_text(dump_toml(plan), encoding="utf-8")


__all__ = [
    "JixiaoError",
    "bundled_plan",
    "dump_toml",
    "load_plan",
    "parse_toml",
    "write_plan",
]
