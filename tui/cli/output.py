"""Writing tables and documents in the formats users ask for: table, json, csv, md, xlsx."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import msgspec
from tabulate import tabulate
from wcwidth import wcswidth

from domain.controls import shown
from tui.outfile import Destination

FORMATS = ("table", "json", "csv", "md", "xlsx")


_json = msgspec.json.Encoder(decimal_format="number")


def to_json(data: Any) -> str:
    """Pretty JSON for scripts: exact decimals written as JSON numbers, dates as ISO text."""
    return msgspec.json.format(_json.encode(data).decode(), indent=2)


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, *,
                 floatfmt: str = "g") -> str:
    """A text table: `table` draws a CJK-aligned grid, `md` a GitHub table, `csv` CSV.
    Control characters in a cell are shown escaped (domain/controls.py), before the columns
    are measured."""
    headers = [shown(str(h)) for h in headers]
    rows = [[shown(v) if isinstance(v, str) else v for v in row] for row in rows]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)
        return buf.getvalue()
    tablefmt = "github" if fmt == "md" else "simple"
    return tabulate(rows, headers=list(headers), tablefmt=tablefmt, disable_numparse=False,
                    floatfmt=floatfmt) + "\n"


def write_xlsx_table(
    path: Path | BinaryIO, sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]],
    title_rows: Sequence[Sequence[Any]] = (),
) -> None:
    """A workbook a clerk can send upward: one sheet per (name, headers, rows), the title
    merged above bold, shaded headers, numbers and dates as real cells (points shown with
    two decimals), long text wrapped, columns sized to their content, panes frozen."""
    # openpyxl only when a workbook is written: a few tenths of a second the other commands need not pay
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = Workbook()
    wb.remove(wb.active)
    for name, headers, rows in sheets:
        ws = wb.create_sheet(_sheet_name(name))
        for row in title_rows:
            ws.append([_cell(v) for v in row])
            if len(headers) > 1 and len(row) == 1:
                ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row,
                               end_column=len(headers))
            ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=13)
            ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="center")
            ws.row_dimensions[ws.max_row].height = 36
        ws.append(list(headers))
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = border
        widths = [max(wcswidth(str(h)), len(str(h))) for h in headers]
        for row in rows:
            ws.append([_cell(v) for v in row])
            for idx, value in enumerate(row):
                cell = ws.cell(row=ws.max_row, column=idx + 1)
                cell.border = border
                if isinstance(value, Decimal):
                    cell.number_format = "0.00"
                elif isinstance(value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, str):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                if idx < len(widths):
                    text = f"{value:.2f}" if isinstance(value, Decimal) else str(value if value is not None else "")
                    widths[idx] = max(widths[idx], wcswidth(text) if wcswidth(text) >= 0 else len(text))
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        for idx, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(idx)].width = min(max(width + 2, 6), 50)
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
    wb.save(path)


def _sheet_name(name: str) -> str:
    """Excel refuses some characters and more than 31 in a sheet name."""
    for ch in "[]:*?/\\":
        name = name.replace(ch, "_")
    return name[:31] or "Sheet"


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)  # Excel has no time zones: UTC
    if isinstance(value, list | dict):
        return to_json(value)
    if isinstance(value, str):  # a workbook cannot hold control characters: shown escaped
        return shown(value)
    return value


def deliver(text: str, output: str | None, destination: Destination) -> None:
    """Print text, or write it to the file given with -o (checked by the destination);
    control characters are shown escaped."""
    if output:
        destination.write(output, shown(text).encode("utf-8"))
    else:
        sys.stdout.write(shown(text))
