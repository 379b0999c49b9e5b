"""指标: the plan's tree (category → first-level → second-level) with scores and status."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from projections.standings import assignment
from tui.screens.base import Host, LedgerScreen
from tui.widgets import STATUS_STYLE, lit, points


class IndicatorsScreen(LedgerScreen):
    TITLE_KEY = "screen.indicators"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self._rows: list[str] = []

    def body(self) -> ComposeResult:
        yield Static(id="ind-title", classes="title")
        yield DataTable(id="ind-table", cursor_type="row", zebra_stripes=False)

    def keys(self) -> list[tuple[str, str, str, bool]]:
        return [("enter", "open", "key.open", True), ("e", "record", "key.record", True),
                ("i", "import_plan", "key.import_plan", True)]

    def on_mount(self) -> None:
        self.refresh_view()

    def on_resize(self) -> None:
        if self.is_mounted and self._shown >= 0:
            self.show_view()

    def show_view(self) -> None:
        view = self.japp.view
        s = view.standings()
        plan = view.plan
        plan_fold = view.plan_fold()
        if s is None or plan is None or plan_fold is None:
            return
        t = self.t
        table = self.query_one("#ind-table", DataTable)
        keep = table.cursor_row
        selected = self._rows[keep] if 0 <= keep < len(self._rows) else self.japp.current_indicator
        table.clear(columns=True)
        own = view.section_only  # one section: its column says nothing
        widths = [("col.points", 4), ("col.score", 5), ("col.tier", 4), ("col.self_tier", 4),
                  *([] if own else [("col.section", 8)]), ("col.handler", 6), ("col.progress", 4),
                  ("col.status", 4)]
        # wide enough for its heading (English headings are longer than the Chinese)
        widths = [(key, max(width, cell_len(t(key)))) for key, width in widths]
        fixed = 6 + sum(w for _, w in widths) + 2 * (len(widths) + 2) + 2
        table.add_column(t("col.id"), width=6)
        table.add_column(t("col.indicator"), width=max(12, self.size.width - fixed))
        for key, width in widths:
            table.add_column(t(key), width=width)
        plan_inds = {i.id: i for i, _ in plan.walk()}
        cats = {c.id: c for c in plan.categories}
        rows: list[str] = []
        shown = 0
        current_cat = None
        for score in s.indicators:
            if not view.may_see(score.section):
                if score.level == 2 or not any(c.parent == score.id and view.may_see(c.section)
                                               for c in s.indicators):
                    continue
            if score.category != current_cat:
                current_cat = score.category
                cat = cats.get(current_cat)
                if cat is not None:
                    table.add_row(Text(""), Text(cat.name, style="bold"),
                                  Text(points(cat.points), style="bold"), key=f"cat:{cat.id}")
                    rows.append("")
            ind = plan_inds.get(score.id)
            indent = "  " if score.level == 1 else "    "
            style = "dim strike" if score.withdrawn else STATUS_STYLE.get(score.status, "")
            status = t("status.withdrawn") if score.withdrawn else t(f"status.{score.status}")
            handler = assignment(ind, plan_fold.record(score.id))["handler"] if ind else ""
            table.add_row(
                Text(score.id, style="bold" if score.level == 1 else ""),
                lit(indent + score.name, style="dim strike" if score.withdrawn else ""),
                points(score.points), points(score.score), lit(score.tier), lit(score.self_tier),
                *([] if own else [lit(view.section_short(score.section))]),
                lit(view.person_name(handler) if handler else ""),
                f"{score.progress}%", Text(status, style=style), key=score.id)
            rows.append(score.id)
            shown += 1
        self._rows = rows
        title = t("ind.title", n=shown) + "  ·  " + t("ind.hint")
        if view.section_only:
            title += "  ·  " + t("ind.own_section", section=view.section_name(view.section))
        self.query_one("#ind-title", Static).update(Text(title, style="bold"))
        if selected in rows:
            table.move_cursor(row=rows.index(selected), animate=False)
        elif rows:
            first = next((i for i, r in enumerate(rows) if r), 0)
            table.move_cursor(row=max(first, min(keep, len(rows) - 1)), animate=False)

    def _selected(self) -> str | None:
        table = self.query_one("#ind-table", DataTable)
        row = table.cursor_row
        if 0 <= row < len(self._rows) and self._rows[row]:
            return self._rows[row]
        return None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        indicator = self._selected()
        if indicator is not None:
            self.japp.open_work_ledger(indicator)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "import_plan":  # offered to those who may load a plan
            return self.japp.view.can("load_plan")
        return super().check_action(action, parameters)

    def action_import_plan(self) -> None:
        from tui.screens.plan_import import PlanImportScreen

        self.app.push_screen(PlanImportScreen())

    def action_record(self) -> None:
        indicator = self._selected()
        self.japp.open_entry(indicator=indicator)
