"""台账: one indicator's assignment and its events in time order, voids struck through;
Enter opens the selected event in full (the audit trail's detail)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from projections.evidence import EvidenceItem, evidence_of
from projections.work_ledger import people_names, work_ledger
from tui.describe import local_time
from tui.i18n import kind_label
from tui.screens.base import Host, LedgerScreen
from tui.screens.event_detail import EventScreen
from tui.widgets import lit, points, size_text
from tui.widgets.format import kind_width

EVIDENCE_SHOWN = 4  # evidence lines in the panel: the latest ones


class WorkLedgerScreen(LedgerScreen):
    TITLE_KEY = "screen.work_ledger"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self._positions: list[int] = []
        self._voidable: set[int] = set()

    def keys(self) -> list[tuple[str, str, str, bool]]:
        return [("escape", "back", "key.back", True), ("enter", "detail", "key.detail", True),
                ("e", "record", "key.record", True), ("v", "void", "key.void", True)]

    def body(self) -> ComposeResult:
        yield Static(id="wl-head", classes="title")
        yield Static(id="wl-assignment", classes="panel")
        yield Static(id="wl-evidence", classes="panel")
        yield DataTable(id="wl-table", cursor_type="row")

    def on_mount(self) -> None:
        self.refresh_view()

    def show_view(self) -> None:
        view = self.japp.view
        indicator = self.japp.current_indicator
        head = self.query_one("#wl-head", Static)
        assignment = self.query_one("#wl-assignment", Static)
        evidence = self.query_one("#wl-evidence", Static)
        table = self.query_one("#wl-table", DataTable)
        table.clear(columns=True)
        self._positions, self._voidable = [], set()
        fold = view.fold()
        plan_fold = view.plan_fold()
        s = view.standings()
        score = next((i for i in s.indicators if i.id == indicator), None) if s else None
        wl = work_ledger(fold, plan_fold, indicator, view.reader(), self.japp.lang) \
            if plan_fold is not None and indicator else None
        if wl is None or score is None or not view.may_see(wl.duty.section):
            head.update(Text(self.t("wl.choose"), style="dim"))
            assignment.update("")
            evidence.update("")
            return
        t = self.t
        head.update(Text(t("wl.title", id=wl.indicator, name=wl.name), style="bold"))
        d = wl.duty
        grid = Table.grid(padding=(0, 2))
        for _ in range(3):
            grid.add_column()
        handler = lit(d.handler_name or "—")
        if d.liaison:
            handler += Text(f" / {t('f.liaison')} ") + lit(d.liaison_name)
        grid.add_row(Text(f"{t('col.section')} ") + lit(view.section_short(d.section)),
                     Text(f"{t('col.leader')} ") + lit(d.leader_name or "—"),
                     Text(f"{t('col.handler')} ") + handler)
        grid.add_row(
            Text(f"{t('col.points')} {points(score.points)}  {t('col.score')} {points(score.score)}"
                 f"  {t('col.projected')} {points(score.projected)}"),
            Text(f"{t('col.tier')} {score.tier or '—'}  {t('col.self_tier')} {score.self_tier or '—'}"
                 f"  {t('col.deductions')} {points(score.deductions)}"),
            Text(f"{t('col.progress')} {score.progress}%  {t('col.deadline')} "
                 f"{d.deadline.isoformat() if d.deadline else '—'}"))
        lines: list[object] = [grid]
        if wl.target:
            lines.append(Text(f"{t('wl.target')}：", style="dim") + lit(wl.target))
        if d.milestones:
            lines.append(Text(f"{t('wl.milestones')}：", style="dim") + lit("；".join(d.milestones)))
        assignment.update(Group(*lines))
        plan = view.plan
        first = plan.indicator(wl.indicator) if plan else None
        owners = [wl.indicator, *(c.id for c in (first.children if first else []))]
        items = evidence_of(plan_fold, owners, view.reader(), self.japp.ledger.store.evidence.kept)
        evidence.update(self._evidence(items, people_names(fold, plan_fold), several=len(owners) > 1))

        table.add_column(t("col.position"), width=6)
        table.add_column(t("col.effective"), width=10)
        table.add_column(t("col.recorded"), width=16)
        table.add_column(t("col.actor"), width=6)
        kind_w = kind_width(self.japp.lang)
        table.add_column(t("col.kind"), width=kind_w)
        table.add_column(f"{t('col.summary')} · {t('col.reason')}", width=max(20, self.size.width - 58 - kind_w))
        # a first-level indicator's ledger shows its second-level indicators' events too
        lines = [(wl.indicator, line) for line in wl.lines]
        for child in first.children if first else []:
            sub = work_ledger(fold, plan_fold, child.id, view.reader(), self.japp.lang)
            lines += [(child.id, line) for line in sub.lines] if sub else []
        lines.sort(key=lambda pair: pair[1].position)
        voided_by = {(ind, line.voided_by): line for ind, line in lines if line.voided_by}
        for owner, line in lines:
            style = "strike dim" if line.voided else ""
            text = lit(line.summary, style=style)
            if owner != wl.indicator:
                text = Text(f"{owner} ", style="bold " + style) + text
            if line.voided:
                text.append("  ")
                text.append(f"⟵ #{line.voided_by}", style="bold yellow")
                if line.void_reason:
                    text.append(" ")
                    text.append(lit(line.void_reason, style="yellow"))
            if line.kind == "Corrected":
                voided = voided_by.get((owner, line.position))
                text = Text(f"✗ #{voided.position if voided else '?'} ", style="bold yellow") + lit(
                    kind_label(voided.kind, self.japp.lang) if voided else line.summary)
                if owner != wl.indicator:
                    text = Text(f"{owner} ", style="bold") + text
            elif not line.voided:
                self._voidable.add(line.position)
            if line.reason:
                text.append(" · ", style="dim")
                text.append(lit(line.reason, style="dim " + style))
            table.add_row(Text(f"#{line.position}", style=style), Text(str(line.effective), style=style),
                          Text(local_time(line.recorded), style=style), lit(line.actor_name, style=style),
                          Text(kind_label(line.kind, self.japp.lang), style=style), text,
                          key=str(line.position))
            self._positions.append(line.position)
        if not lines:
            table.add_row("", "", "", "", "", Text(t("wl.none"), style="dim"))

    def _evidence(self, items: list[EvidenceItem], names: dict[str, str], *, several: bool) -> Group:
        """The evidence panel: each file with its size, who attached it and when, kept or not."""
        t = self.t
        rows: list[object] = [Text(t("wl.evidence", count=len(items)), style="bold")]
        if not items:
            rows.append(Text(t("wl.evidence_none"), style="dim"))
        for item in items[-EVIDENCE_SHOWN:]:  # the latest; the work ledger below lists every one
            line = Text(f"{item.indicator} ", style="bold") if several else Text()
            line += lit(item.file_name)
            line.append(f"  {size_text(item.size)}  ", style="dim")
            line += lit(names.get(item.actor, item.actor))
            line.append(f"  {local_time(item.recorded)}  ", style="dim")
            line.append(t("wl.kept") if item.kept else t("wl.not_kept"),
                        style="green" if item.kept else "yellow")
            line.append(f"  {item.sha256[:8]}…", style="dim")
            rows.append(line)
        if len(items) > EVIDENCE_SHOWN:
            rows.append(Text(t("wl.evidence_more", count=len(items) - EVIDENCE_SHOWN), style="dim"))
        return Group(*rows)

    def selected_position(self) -> int | None:
        table = self.query_one("#wl-table", DataTable)
        row = table.cursor_row
        return self._positions[row] if 0 <= row < len(self._positions) else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_detail()

    def action_detail(self) -> None:
        """The selected event in full, as the audit trail's detail shows it."""
        position = self.selected_position()
        if position is not None:
            self.app.push_screen(EventScreen(self.japp, position))

    def action_back(self) -> None:
        self.japp.action_goto("indicators")

    def action_record(self) -> None:
        self.japp.open_entry(indicator=self.japp.current_indicator)

    def action_void(self) -> None:
        position = self.selected_position()
        if position is not None and position in self._voidable and self.japp.view.moment.now:
            self.japp.open_entry(kind="correct", position=position)
