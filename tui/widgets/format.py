"""Text helpers every screen draws with: literal text, points, bars, sparklines, columns.

User text (notes, reasons, names) is always wrapped in `rich.text.Text` before it reaches
a widget, so `[/]` or `[bold]` typed by someone shows as typed, and its control characters
are shown escaped (domain/controls.py), so a stored escape sequence cannot act on the terminal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from domain.controls import shown
from tui.i18n import KINDS, kind_label

BLOCKS = " ▁▂▃▄▅▆▇█"
STATUS_STYLE = {"on_track": "", "late": "bold red", "done": "green", "withdrawn": "dim"}


def lit(value: Any, style: str = "") -> Text:
    """Text shown exactly as typed: never parsed as markup. On one line, cut with an ellipsis
    where it does not fit (a table cell); appended to a wrapping text, it wraps with it."""
    return Text("" if value is None else shown(str(value)), style=style, no_wrap=True, overflow="ellipsis")


def points(value: Decimal | int | None) -> str:
    """Points as people write them: 40, 2.5, 0.75."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return f"{value.normalize():f}"


def bar(score: Decimal, total: Decimal, width: int = 20, style: str = "green") -> Text:
    """A horizontal bar of score against total (drawn, never computed into a score)."""
    share = float(score / total) if total else 0.0
    share = min(max(share, 0.0), 1.0)
    eighths = round(share * width * 8)
    full, part = divmod(eighths, 8)
    text = Text("█" * full, style=style)
    if part and full < width:
        text.append("▏▎▍▌▋▊▉"[part - 1], style=style)
        full += 1
    text.append("·" * (width - full), style="dim")
    return text


def sparkline(values: list[Decimal], top: Decimal, width: int = 4) -> Text:
    """One block per value, scaled to `top`; empty places shown as dots."""
    text = Text()
    for value in values:
        share = float(value / top) if top else 0.0
        index = min(max(round(share * 8), 1 if value > 0 else 0), 8)
        text.append(BLOCKS[index] if index else "▁", style="cyan")
    text.append("·" * max(width - len(values), 0), style="dim")
    return text


def columns(rows: list[list[Text | str]], widths: list[int | None], total: int,
            right: tuple[int, ...] = ()) -> Text:
    """Rows of cells laid out in fixed columns as one Text (cheap to measure and draw).

    A width of None takes what the others leave of `total`; cells are cut with an ellipsis
    or padded by display width, so Chinese (two cells a character) lines up.
    """
    fixed = sum(w for w in widths if w is not None) + len(widths) - 1
    flexible = max(total - fixed, 4)
    out = Text(no_wrap=True, overflow="ellipsis")
    for n, row in enumerate(rows):
        if n:
            out.append("\n")
        for i, (cell, width) in enumerate(zip(row, widths, strict=False)):
            text = cell.copy() if isinstance(cell, Text) else Text(shown(cell))
            size = width if width is not None else flexible
            if text.cell_len > size:
                text.truncate(size, overflow="ellipsis")
            text.align("right" if i in right else "left", size)
            if i:
                out.append(" ")
            out.append_text(text)
    return out


def size_text(size: int) -> str:
    """A file's size as people read it: 812 B, 3.4 KB, 12.0 MB."""
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024 or unit == "MB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} MB"  # pragma: no cover - the loop always returns


def kind_width(lang: str) -> int:
    """The width of a column of event kinds: the frequent kinds' words in `lang` whole
    (four characters in Chinese, "progress report" in English); a rarer longer one is cut."""
    return min(8 if lang == "zh" else 15, max(cell_len(kind_label(kind, lang)) for kind in KINDS))
