"""How a report's sheet sits in the 报表 screen's table. The quarterly report opens with its
progress in view: the indicator (id and name) frozen at the left, then the progress
columns, then the rest, scrolled sideways. Exports keep the sheet's own column order."""

from __future__ import annotations

from typing import Any

from projections import quarterly as q

# the quarterly report's columns on screen, after the frozen indicator
PROGRESS_FIRST = ("percent", "progress", "problems", "next_steps", "evidence", "self_tier", "remarks",
                  "points", "category", "first_level", "target", "section", "leader", "handler", "deadline")
INDICATOR_WIDTH = 20  # "K04.1 省级以上创新平台培育", cut
TEXT_WIDTH = 30  # the long text columns (progress, problems, next steps), cut


def screen_sheet(name: str, headers: list[str], rows: list[list[Any]]
                 ) -> tuple[list[tuple[str, int | None]], list[list[Any]], int]:
    """(headers with their widths, rows, frozen columns) of a sheet as the screen shows it."""
    if not name.startswith("quarterly:") or [label for _, label in q.COLUMNS] != headers:
        return [(h, None) for h in headers], rows, 0
    keys = [key for key, _ in q.COLUMNS]
    at = {key: i for i, key in enumerate(keys)}
    label = dict(q.COLUMNS)
    wide = {"progress", "problems", "next_steps", "target"}
    columns = [("指标", INDICATOR_WIDTH)]
    columns += [(label[k], TEXT_WIDTH if k in wide else None) for k in PROGRESS_FIRST]
    shown = []
    for row in rows:
        name_of = row[at["second_level"]] or row[at["first_level"]]
        shown.append([f"{row[at['indicator']]} {name_of}".strip(), *(row[at[k]] for k in PROGRESS_FIRST)])
    return columns, shown, 1
