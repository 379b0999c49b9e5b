"""Writing tables and documents in the formats users ask for: table, json, csv, md, xlsx."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import msgspec
from tabulate import tabulate

FORMATS = ("table", "json", "csv", "md", "xlsx")


_json = msgspec.json.Encoder(decimal_format="number")


def to_json(data: Any) -> str:
    """Pretty JSON for scripts: exact decimals written as JSON numbers, dates as ISO text."""
    return msgspec.json.format(_json.encode(data).decode(), indent=2)


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> str:
    """A text table: `table` draws a CJK-aligned grid, `md` a GitHub table, `csv` CSV."""
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)
        return buf.getvalue()
    tablefmt = "github" if fmt == "md" else "simple"
    return tabulate(rows, headers=list(headers), tablefmt=tablefmt, disable_numparse=False) + "\n"


def write_xlsx_table(
    path: Path, sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]],
    title_rows: Sequence[Sequence[Any]] = (),
) -> None:
    """A workbook with one sheet per (name, headers, rows); bold headers, sized columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from wcwidth import wcswidth

    wb = Workbook()
    wb.remove(wb.active)
    for name, headers, rows in sheets:
        ws = wb.create_sheet(name[:31])
        for row in title_rows:
            ws.append(list(row))
        ws.append(list(headers))
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([_cell(v) for v in row])
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        for idx, header in enumerate(headers, start=1):
            values = [str(header)] + [str(r[idx - 1]) for r in rows if idx - 1 < len(r)]
            width = max((max(wcswidth(v), len(v)) for v in values), default=8)
            ws.column_dimensions[get_column_letter(idx)].width = min(max(width + 2, 6), 60)
    wb.save(path)


def _cell(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | dict):
        return to_json(value)
    return value


def deliver(text: str, output: str | None) -> None:
    """Print text, or write it to the file given with -o."""
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
