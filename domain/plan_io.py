"""Reading and writing plan files: TOML (the native format) and Excel workbooks.

Decoding goes through msgspec (`domain.plan_decode`), so a wrong type or a missing key
is reported with its path in the file (and, for TOML, the line), never as a traceback.
Workbooks are read and written by `domain.plan_xlsx`, imported only when one is: openpyxl
takes a few tenths of a second to load, which `jixiao plan check` on a TOML file need not pay.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import msgspec
import tomli_w

from domain.errors import JixiaoError, fail
from domain.plan import Plan
from domain.plan_decode import convert_plan

BUNDLED_PLAN = "anxi_kjj_2021.toml"
PLAN_FILE_LIMIT = 20_000_000  # bytes, unpacked: a real plan is a few hundred kilobytes at most


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
        from domain.plan_xlsx import read_xlsx  # openpyxl only when a workbook is read

        check_plan_size(path)
        try:
            return read_xlsx(path)
        except RecursionError:
            raise fail("file.too_deep", where=str(path)) from None
    if suffix != ".toml":
        raise fail("file.format", where=str(path), suffix=suffix or "(none)")
    check_plan_size(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail("file.unreadable", where=str(path), detail=exc) from None
    return parse_toml(text, str(path))


def check_plan_size(path: Path) -> None:
    """Refuse a plan file far beyond any plan (a workbook also by what it unpacks to)."""
    try:
        size = path.stat().st_size
        if path.suffix.lower() == ".xlsx" and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as workbook:
                size = max(size, sum(item.file_size for item in workbook.infolist()))
    except (OSError, zipfile.BadZipFile):
        return  # the reader says what is wrong with it
    if size > PLAN_FILE_LIMIT:
        raise fail("file.too_large", where=str(path), actual=size, allowed=PLAN_FILE_LIMIT)


def parse_toml(text: str, where: str = "") -> Plan:
    if len(text) > PLAN_FILE_LIMIT:
        raise fail("file.too_large", where=where, actual=len(text), allowed=PLAN_FILE_LIMIT)
    try:
        data = tomllib.loads(text, parse_float=Decimal)
        return convert_plan(data, where, text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise fail(
            "file.toml", where=where, line=int(match.group(1)) if match else None, detail=exc
        ) from None
    except RecursionError:  # nested deeper than any plan: refused, not a crash
        raise fail("file.too_deep", where=where) from None


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
    return msgspec.to_builtins(plan, builtin_types=(Decimal, dt.date))


def dump_toml(plan: Plan) -> str:
    """The plan as TOML text; reading it back gives an equal Plan."""
    data = _toml_ready(plan_to_builtins(plan))
    return tomli_w.dumps(data, multiline_strings=False)


def write_plan(plan: Plan, path: str | Path, fmt: str, extra: Sequence[tuple[str, list[list[Any]]]] = ()) -> None:
    """Write the plan as TOML or Excel; `extra` sheets (name, rows) go into a workbook beside it."""
    path = Path(path)
    if fmt == "xlsx":
        from domain.plan_xlsx import write_xlsx  # openpyxl only when a workbook is written

        write_xlsx(plan, path, extra)
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
