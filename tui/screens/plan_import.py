"""Import an office's indicator table (指标体系): the sheet's path, a preview of the tree, then write.

The same reading as `jixiao plan import`: every error and guess with its cell, nothing
written while an error remains; the plan file written is ready for `plan check` and
`init --plan`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from domain.errors import JixiaoError
from domain.plan_io import write_plan
from projections.plan_import import report_lines
from tui.widgets import LedgerInput

if TYPE_CHECKING:
    from domain.plan import Plan
    from domain.plan_sheet_build import SheetImport


def tree_lines(plan: Plan) -> list[str]:
    """The plan's tree as preview lines: category, first-level, second-level with their cells."""
    sections = {s.id: s.name for s in plan.sections}
    people = {p.id: p.name for p in plan.people}
    lines: list[str] = []

    def fmt(points: Any) -> str:
        return format(points.normalize(), "f")

    for cat in plan.categories:
        lines.append(f"{cat.name}  {fmt(cat.points)}")
        for first in (i for i in plan.indicators if i.category == cat.id):
            lines.append(f"  {first.id} {first.name}  {fmt(first.points)}")
            for ind in first.children or []:
                extra = " · ".join(x for x in (sections.get(ind.section, ""), people.get(ind.handler, ""),
                                               ind.deadline.isoformat() if ind.deadline else "") if x)
                lines.append(f"    {ind.id} {ind.name}  {fmt(ind.points)}  {extra}")
    return lines


class PlanImportScreen(ModalScreen[None]):
    BINDINGS: ClassVar = [
        Binding("escape", "cancel", "", show=False),
        Binding("ctrl+s", "write", "", show=False),
        Binding("ctrl+r", "preview", "", show=False),
    ]
    DEFAULT_CSS = """
    PlanImportScreen { align: center middle; }
    #pi-box { width: 96; max-width: 100%; height: 90%; border: round $accent; background: $surface;
              padding: 0 1; }
    #pi-box Input { margin: 0 0 1 0; background: $panel; }
    #pi-preview { height: 1fr; border: tall $panel; }
    #pi-buttons { height: 1; }
    #pi-buttons Button { margin: 0 1 0 0; width: auto; min-width: 8; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.result: SheetImport | None = None
        self.read_from = ""

    def t(self, key: str, **params: object) -> str:
        app: Any = self.app
        return str(app.t(key, **params))

    def compose(self) -> ComposeResult:
        with Vertical(id="pi-box"):
            yield Static(Text(self.t("pi.title"), style="bold"))
            yield Label(self.t("pi.sheet"))
            yield LedgerInput(id="pi-sheet", compact=True, placeholder="指标体系.xlsx")
            yield Label(self.t("pi.output"))
            yield LedgerInput(value=str(Path.cwd() / "plan.toml"), id="pi-output", compact=True)
            with VerticalScroll(id="pi-preview"):
                yield Static(self.t("pi.hint"), id="pi-text")
            with Horizontal(id="pi-buttons"):
                yield Button(self.t("key.preview"), id="pi-preview-go", compact=True)
                yield Button(self.t("pi.write"), id="pi-write", variant="primary", compact=True)
                yield Button(self.t("key.cancel"), id="pi-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#pi-sheet", LedgerInput).focus()

    def on_input_submitted(self, event: LedgerInput.Submitted) -> None:
        event.stop()
        if event.input.id == "pi-sheet":
            self.action_preview()
        else:
            self.action_write()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"pi-preview-go": self.action_preview, "pi-write": self.action_write}.get(
            event.button.id or "", self.action_cancel)()

    def show(self, lines: list[str], style: str = "") -> None:
        self.query_one("#pi-text", Static).update(Text("\n".join(lines), style=style))

    def action_preview(self) -> None:
        from domain.plan_sheet_build import import_sheet

        app: Any = self.app
        path = self.query_one("#pi-sheet", LedgerInput).value.strip()
        if not path:
            self.show([self.t("pi.hint")])
            return
        self.result = import_sheet(Path(path).expanduser())
        self.read_from = path
        report = report_lines(self.result, app.lang)
        if self.result.plan is None:
            errors = [p.message(app.lang) for p in self.result.errors]
            self.show([self.t("pi.errors", n=len(errors)), *errors, "", *report], "red")
            return
        self.show([*report, "", *tree_lines(self.result.plan)])

    def action_write(self) -> None:

        app: Any = self.app
        path = self.query_one("#pi-sheet", LedgerInput).value.strip()
        if self.result is None or path != self.read_from:
            self.action_preview()
        if self.result is None or self.result.plan is None:
            return
        out = Path(self.query_one("#pi-output", LedgerInput).value.strip()).expanduser()
        if out.suffix.lower() not in (".toml", ".xlsx"):
            self.show([self.t("pi.suffix", path=out)], "red")
            return
        if out.exists():
            self.show([self.t("pi.exists", path=out)], "red")
            return
        try:
            write_plan(self.result.plan, out, out.suffix.lower().lstrip("."))
        except JixiaoError as exc:
            self.show([exc.message(app.lang)], "red")
            return
        except OSError as exc:
            self.show([f"{out}: {exc}"], "red")
            return
        app.notify(self.t("pi.written", path=out))
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
