"""Reading and writing a plan as an Excel workbook (.xlsx), the form offices exchange.

One sheet per part of the plan, header in row 1 (a title row or a few may sit above
it), one record per row. Sheets and headers are in Chinese so that a clerk can edit the
workbook by hand; the layout is documented in docs/plan-format-xlsx.md.

Reading builds the same builtins a TOML file decodes to and hands them to
`convert_plan`, so type errors read alike; a wrong type is reported at its cell
("plan.xlsx:指标!E7"). Writing then reading gives back an equal Plan:

- numbers are written as numbers; a Decimal a double cannot hold exactly is written as
  text (the reader takes numeric text), so no digit is lost;
- dates are date cells (dates before 1900-03-01, which Excel cannot show, are ISO text);
- lists are joined with a separator; a list that would not split back the same (an item
  holding the separator, an empty item...) is written as a JSON array, which the reader
  recognises by its leading "[";
- empty optional numbers and dates are empty cells (None), empty strings are empty cells.

The layout is `plan_xlsx_layout`, cell values `plan_xlsx_parse`, reading `plan_xlsx_read`,
writing `plan_xlsx_write`; this module is their public face.
"""

from __future__ import annotations

from domain.plan_xlsx_layout import PLAN_SHEET, TABLES
from domain.plan_xlsx_read import XlsxRead, read_xlsx, read_xlsx_report
from domain.plan_xlsx_write import write_xlsx

__all__ = ["PLAN_SHEET", "TABLES", "XlsxRead", "read_xlsx", "read_xlsx_report", "write_xlsx"]
