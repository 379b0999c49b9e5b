"""From decoded builtins to a `Plan`, naming the place of a bad value.

Both plan formats end here (TOML through `domain.plan_io`, workbooks through
`domain.plan_xlsx`): a wrong type or a missing key is reported with its path in the
plan ($.indicators[3].points) and, when the TOML text is at hand, its line.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from domain.errors import fail
from domain.plan import Plan


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
