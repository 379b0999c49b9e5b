"""Writing a built report: to standard output or a file, as table, JSON, CSV, Markdown or Excel."""

from __future__ import annotations

import io
import sys
from decimal import Decimal
from typing import Any

from domain.controls import shown
from domain.errors import fail
from tui.cli.output import render_table, to_json, write_xlsx_table  # the writers; no argparse there
from tui.outfile import Destination
from tui.reports.base import Sheet


def emit(title: str, sheets: list[Sheet], data: Any, fmt: str, output: str | None, *,
         destination: Destination, document: str | None = None) -> None:
    """Write the report in `fmt` to `output` (standard output if None; xlsx needs a file),
    a file only where `destination` allows it."""
    if fmt == "xlsx":
        if not output and not destination.stream:
            raise fail("value.required", field="-o FILE")
        buffer = io.BytesIO()  # the whole workbook first: a refused or failed write leaves nothing half-made
        write_xlsx_table(buffer, sheets, title_rows=[[title]])
        if output:
            destination.write(output, buffer.getvalue())
        else:
            sys.stdout.buffer.write(buffer.getvalue())
            sys.stdout.flush()
        return
    if document is not None:
        text = document
    elif fmt == "json":
        text = to_json(data) + "\n"
    else:
        parts = [f"# {title}\n\n" if fmt == "md" else f"{title}\n"] if fmt != "csv" else []
        for name, headers, rows in sheets:
            if fmt != "csv" and len(sheets) > 1:
                parts.append(f"\n## {name}\n\n" if fmt == "md" else f"\n{name}\n")
            parts.append(render_table(headers, [[_text(v) for v in row] for row in rows], fmt,
                                      floatfmt=".2f"))
        text = "".join(parts)
    if fmt != "json":  # JSON keeps the exact text (its encoder escapes control characters)
        text = shown(text)
    if output:
        destination.write(output, text.encode("utf-8"))
    else:
        sys.stdout.write(text)


def _text(value: Any) -> Any:
    """A cell as text tables show it: points with two decimals, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, str) and "\n" in value:
        return " ".join(value.split())
    return value
