"""Make docs/examples/office-sheet.xlsx: the bundled 2021 plan as an office keeps it.

One sheet 指标体系 in the offices' layout (a merged title row, category and first-level
cells merged over their second-level rows, points typed as "3分", dates as
2021年12月31日, a blank row between categories, a 合计 row) and a 说明 sheet. It is the
example `jixiao plan import` reads in docs/plan-format-xlsx.md:

    python docs/examples/make_office_sheet.py            # writes docs/examples/office-sheet.xlsx
    python docs/examples/make_office_sheet.py other.xlsx
    jixiao plan import docs/examples/office-sheet.xlsx -o plan.toml
"""

from __future__ import annotations

import sys
from pathlib import Path

from domain.plan_io import bundled_plan
from domain.plan_sheet_write import OfficeStyle, office_workbook

DEFAULT = Path(__file__).resolve().parent / "office-sheet.xlsx"


def make(path: Path = DEFAULT) -> Path:
    """Write the example sheet to `path`."""
    style = OfficeStyle(text_points=True, chinese_dates=True)
    office_workbook(bundled_plan(), style).save(path)
    return path


if __name__ == "__main__":
    print(make(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
