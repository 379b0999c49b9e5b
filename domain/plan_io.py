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
        line = locate(text, data, path) if text is not None else None
        raise fail("file.type", where=where, line=line, path=path, detail=detail) from None


def locate(text: str, data: Any, path: str) -> int | None:
    """Best-effort line of the table holding `path` ($.indicators[3].children[1].points)."""
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
