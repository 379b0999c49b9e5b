"""报表: the quarterly report, the deadlines, the self-inspection report and the standings,
for the moment viewed, each exportable to a file (xlsx, md, csv) from the screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label, ProgressBar, Select, Static

from domain.errors import JixiaoError, fail
from projections import quarterly as q
from projections.deadlines import DEADLINE_COLUMNS, deadline_rows, deadlines
from projections.self_inspection import markdown, self_inspection
from tui.outfile import Destination
from tui.reports import ReportQuery, Source
from tui.reports.export import emit
from tui.reports.standings import standings_report
from tui.screens.base import Host, LedgerScreen
from tui.screens.report_layout import screen_sheet
from tui.widgets import LedgerInput, LedgerSelect, lit, points

Sheet = tuple[str, list[str], list[list[Any]]]
Built = tuple[str, list[Sheet], str | None]  # title, sheets, markdown (documents)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if hasattr(value, "quantize"):
        return points(value)
    return str(value)


def build(name: str, view: Any) -> Built:
    """The report `name` for the moment the view shows, as titled sheets."""
    fold = view.fold()
    plan_fold = view.plan_fold()
    today = view.moment.as_of or view.today()
    read = view.reader()
    section = view.section if view.section_only else ""
    if name.startswith("quarterly:"):
        report = q.quarterly(fold, plan_fold, name.split(":", 1)[1], read, section=section, today=today)
        return q.title(report), [("季度报表", [label for _, label in q.COLUMNS], q.report_rows(report))], None
    if name == "deadlines":
        items = deadlines(fold, plan_fold, today=today, section=section)
        return "报送节点", [("报送节点", DEADLINE_COLUMNS, deadline_rows(items))], None
    if name == "self_inspection":
        r = self_inspection(fold, plan_fold, read, today=today)
        tiers = [[ln.indicator, ln.name, ln.points, ln.self_tier, ln.tier, ln.deductions, ln.score]
                 for part in r.categories for ln in part.lines]
        findings = [[f.position, f.date, f.method, f.indicator, f.deduction, f.outcome_label, f.description]
                    for f in r.findings]
        adjustments = [[a.position, a.date, a.kind_label, a.amount, a.indicator or a.section, a.basis, a.reason]
                       for a in r.adjustments]
        sheets = [("定档", ["编号", "指标", "分值", "自评", "定档", "扣分", "得分"], tiers),
                  ("察访核验", ["#", "日期", "方式", "指标", "扣分", "整改/申诉", "问题"], findings),
                  ("加减分", ["#", "日期", "类型", "分值", "对象", "依据", "理由"], adjustments)]
        return r.title, sheets, markdown(r)
    if name != "standings":
        raise KeyError(name)

    title, sheets, _ = standings_report(fold, Source(view.ledger, read, view.today()),
                                        ReportQuery(section=section, as_of=view.moment.as_of,
                                                    known_at=view.moment.known_at))
    return title, [(s[0], list(s[1]), [list(r) for r in s[2]]) for s in sheets], None


class ReportsScreen(LedgerScreen):
    TITLE_KEY = "screen.reports"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.built: Built | None = None
        self.sheet = 0

    def keys(self) -> list[tuple[str, str, str, bool]]:
        return [("x", "export", "key.export", True), ("tab", "next_sheet", "rp.next_sheet", False)]

    def choices(self) -> list[tuple[str, str]]:
        plan = self.japp.view.plan
        year = plan.year if plan else dt.date.today().year
        out = [(self.t("rp.quarterly", period=f"{year}Q{q}"), f"quarterly:{year}Q{q}") for q in (1, 2, 3, 4)]
        out += [(self.t(f"rp.{name}"), name) for name in ("deadlines", "self_inspection", "standings")]
        return out

    def body(self) -> ComposeResult:
        with Horizontal(id="rp-bar"):
            yield LedgerSelect(self.choices(), id="rp-choice", compact=True, allow_blank=False,
                         value=self._default())
            yield LedgerSelect([("—", "0")], id="rp-sheet", compact=True, allow_blank=False)
        yield Static(id="rp-title", classes="title")
        yield DataTable(id="rp-table", cursor_type="row", zebra_stripes=True)

    def _default(self) -> str:
        view = self.japp.view
        plan = view.plan
        day = view.moment.as_of or view.today()
        if plan is None:
            return "deadlines"
        quarter = (day.month - 1) // 3 + 1 if day.year == plan.year else 4
        return f"quarterly:{plan.year}Q{quarter}"

    def on_mount(self) -> None:
        self.refresh_view()
        # the table, not the report chooser: the screen keys (1-7) work on arrival
        self.query_one("#rp-table", DataTable).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if not self.is_mounted or self._shown < 0:
            return
        if event.select.id == "rp-choice":
            self.sheet = 0
            self.show_view()
        elif event.select.id == "rp-sheet" and event.value is not Select.NULL:
            self.sheet = int(str(event.value))
            self._fill()

    def show_view(self) -> None:
        name = str(self.query_one("#rp-choice", Select).value)
        try:
            self.built = build(name, self.japp.view)
        except (JixiaoError, KeyError, AssertionError) as exc:
            self.built = None
            message = exc.message(self.japp.lang) if isinstance(exc, JixiaoError) else self.t("rp.unavailable")
            self.query_one("#rp-title", Static).update(Text(message, style="red"))
            self.query_one("#rp-table", DataTable).clear(columns=True)
            return
        sheets = self.built[1]
        picker = self.query_one("#rp-sheet", Select)
        with picker.prevent(Select.Changed):
            picker.set_options([(s[0], str(i)) for i, s in enumerate(sheets)])
            self.sheet = min(self.sheet, len(sheets) - 1)
            picker.value = str(self.sheet)
        picker.display = len(sheets) > 1
        self._fill()

    def _fill(self) -> None:
        if self.built is None:
            return
        title, sheets, _ = self.built
        self.query_one("#rp-title", Static).update(lit(title, style="bold"))
        table = self.query_one("#rp-table", DataTable)
        table.clear(columns=True)
        _, headers, rows = sheets[self.sheet]
        name = str(self.query_one("#rp-choice", Select).value)
        columns, rows, frozen = screen_sheet(name, headers, rows)
        table.fixed_columns = frozen  # the quarterly report's indicator stays while the rest scrolls
        for header, width in columns:
            table.add_column(header, width=width)
        for row in rows:
            table.add_row(*[lit(_cell(v) if len(_cell(v)) <= 40 else _cell(v)[:39] + "…") for v in row])

    def action_next_sheet(self) -> None:
        if self.built and len(self.built[1]) > 1:
            self.sheet = (self.sheet + 1) % len(self.built[1])
            self.query_one("#rp-sheet", Select).value = str(self.sheet)

    def action_export(self) -> None:
        if self.built is None:
            return
        name = str(self.query_one("#rp-choice", Select).value).replace(":", "-")
        moment = self.japp.view.moment
        stamp = (moment.as_of or self.japp.view.today()).isoformat()
        self.app.push_screen(ExportScreen(self.built, f"jixiao-{name}-{stamp}"))


def export(built: Built, fmt: str, path: str, destination: Destination) -> None:
    """Write a built report in `fmt` (xlsx, md, csv) to `path`, where `destination` allows."""

    title, sheets, document = built
    if fmt == "md" and document is not None:
        destination.write(path, document.encode("utf-8"))
        return
    if fmt == "csv":
        sheets = sheets[:1]
    try:
        emit(title, sheets, None, fmt, path, destination=destination)
    except OSError as exc:
        raise fail("file.unwritable", where=path, detail=exc) from None


class ExportScreen(ModalScreen[None]):
    BINDINGS: ClassVar = [("escape", "cancel", "")]

    def __init__(self, built: Built, stem: str) -> None:
        super().__init__()
        self.built = built
        self.stem = stem
        self.confirming = ""  # the existing file a second press will overwrite
        self.writing = False  # a file is being written (off the UI thread)

    def compose(self) -> ComposeResult:
        app: Any = self.app
        with Vertical(id="export-box"):
            yield Static(Text(app.t("rp.export_title", report=self.built[0][:40]), style="bold"))
            yield Label(app.t("rp.format"))
            yield LedgerSelect([("Excel (xlsx)", "xlsx"), ("Markdown (md)", "md"), ("CSV", "csv")], value="xlsx",
                         id="export-format", compact=True, allow_blank=False)
            yield Label(app.t("rp.file"))
            yield LedgerInput(value=app.exports.default_path(f"{self.stem}.xlsx"), id="export-path", compact=True)
            yield Static(id="export-error")
            yield Static(id="export-doing")
            yield ProgressBar(id="export-bar", total=None, show_eta=False, show_percentage=False)
            with Horizontal(id="export-buttons"):
                yield Button(app.t("key.export"), id="export-go", variant="primary", compact=True)
                yield Button(app.t("key.cancel"), id="export-cancel", compact=True)

    def on_select_changed(self, event: Select.Changed) -> None:
        path = self.query_one("#export-path", LedgerInput)
        stem = path.value.rsplit(".", 1)[0] if "." in Path(path.value).name else path.value
        path.value = f"{stem}.{event.value}"

    def on_input_submitted(self, event: LedgerInput.Submitted) -> None:
        event.stop()
        self.go()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export-go":
            self.go()
        else:
            self.dismiss(None)

    def on_mount(self) -> None:
        self.query_one("#export-bar", ProgressBar).display = False

    def go(self) -> None:
        """Write the file off the UI thread; a bar says what is being written meanwhile."""
        app: Any = self.app
        if self.writing:
            return
        fmt = str(self.query_one("#export-format", Select).value)
        path = self.query_one("#export-path", LedgerInput).value.strip()
        destination = app.exports.forced() if path and path == self.confirming else app.exports
        self.writing = True
        self.query_one("#export-error", Static).update("")
        self.query_one("#export-doing", Static).update(
            Text(app.t("progress.export", what=self.built[0][:30], path=path), style="dim"))
        self.query_one("#export-bar", ProgressBar).display = True
        self.run_worker(lambda: self._write(fmt, path, destination), thread=True, group="export")

    def _write(self, fmt: str, path: str, destination: Destination) -> None:
        try:
            export(self.built, fmt, path, destination)
        except JixiaoError as exc:
            self.app.call_from_thread(self._done, path, exc)
            return
        self.app.call_from_thread(self._done, path, None)

    def _done(self, path: str, error: JixiaoError | None) -> None:
        app: Any = self.app
        self.writing = False
        self.query_one("#export-bar", ProgressBar).display = False
        self.query_one("#export-doing", Static).update("")
        if error is not None:
            self.confirming = path if error.problems[0].code == "export.exists" else ""
            self.query_one("#export-error", Static).update(Text(error.message(app.lang), style="red"))
            return
        app.notify(app.t("rp.exported", path=path))
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


