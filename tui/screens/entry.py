"""录入: a form for each event kind the user's role allows, checked and previewed live.

Each change runs the domain command as a dry run (nothing stored): a refusal shows in
the domain's own words; an accepted entry shows the score change it would make. Ctrl+S
(or the button) records it, and every screen shows the new event at once.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from domain.command_schemas import SUMMARY_REPORTS, FieldSpec, FileReport
from domain.errors import JixiaoError, fail
from projections.preview import with_events
from projections.standings import standings
from tui.entry_kinds import Kind, dry_run, offered
from tui.i18n import LABELS, kind_label
from tui.screens.base import Host, LedgerScreen
from tui.widgets import LedgerInput, LedgerSelect, lit, points


class EntryScreen(LedgerScreen):
    TITLE_KEY = "screen.entry"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.kinds: list[Kind] = []
        self.kind: Kind | None = None
        self._pending_values: dict[str, Any] = {}
        self._check_timer: Any = None
        self._quiet = False
        self._built_for = ""
        self.ready = False

    def keys(self) -> list[tuple[str, str, str, bool]]:
        return [("ctrl+s", "confirm", "key.confirm", True), ("escape", "leave_field", "key.leave", True)]

    def action_leave_field(self) -> None:
        """Leave the field, so the screen keys (1-6, t, n, q) work again."""
        self.set_focus(None)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.call_after_refresh(self._mark_focused_row)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self.call_after_refresh(self._mark_focused_row)

    def _mark_focused_row(self) -> None:
        """The row of the field with focus shows its label in the focus colour (a class, since
        a label is not restyled when focus moves inside its row)."""
        chain = set(self.focused.ancestors_with_self) if self.focused is not None else set()
        for row in self.query(".en-row"):
            row.set_class(row in chain, "-focused")

    def body(self) -> ComposeResult:
        with Horizontal(id="en-main"):
            with Vertical(id="en-left"):
                self.kinds = offered(self.japp.view)
                yield LedgerSelect([(self.t(f"kind.{k.name}"), k.name) for k in self.kinds] or [("—", "")],
                             prompt=self.t("en.kind"), id="en-kind", compact=True, allow_blank=False)
                yield VerticalScroll(id="en-form")
            with Vertical(id="en-right"):
                yield Static(id="en-preview", classes="panel")
                yield Static(id="en-message")
                yield Button(self.t("key.confirm"), id="en-confirm", variant="primary", disabled=True,
                             compact=True)

    def on_mount(self) -> None:
        if not self.kinds:
            self.query_one("#en-kind", Select).display = False
        self.refresh_view()
        self.apply_prefill()

    # -- the form ----------------------------------------------------------------------
    def apply_prefill(self) -> None:
        prefill = dict(self.japp.entry_prefill)
        self.japp.entry_prefill = {}
        if not self.kinds:
            return
        name = prefill.pop("kind", None) or (self.kind.name if self.kind else self.kinds[0].name)
        if name not in {k.name for k in self.kinds}:
            name = self.kinds[0].name
        values = {k: str(v) for k, v in prefill.items() if v is not None}
        if self.kind is not None and self.kind.name == name:
            self._set_values(values)
            if values:
                self.call_after_refresh(self._focus_first_empty)
            self.schedule_check()
            return
        self._pending_values = {"__kind__": name, **values}
        select = self.query_one("#en-kind", Select)
        if select.value != name:
            select.value = name
        else:
            self.call_later(self.build_form, name)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "en-kind":
            if event.value is not Select.NULL and (self.kind is None or self.kind.name != event.value):
                self.call_later(self.build_form, str(event.value))
        else:
            if event.select.id == "f-report":
                self._draft_into_text_area(event.value)
            self._quiet = False
            self.schedule_check()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._quiet = False
        self.schedule_check()

    def _draft_into_text_area(self, report: Any) -> None:
        """A work summary starts from the ledger's draft, put into its text area to edit."""
        areas = self.query(TextArea)
        if not areas or self.kind is None or self.kind.context is None:
            return
        area = areas.first()
        if report not in SUMMARY_REPORTS:
            area.load_text("")
            area.disabled = True
            return
        area.disabled = False
        if not area.text.strip():
            view = self.japp.view
            draft = self.kind.context(view, view.actor)["content"](FileReport(report=report), "")
            area.load_text(draft or "")

    async def build_form(self, name: str) -> None:
        if self._built_for == name:  # asked twice (the select's first value and a prefill)
            return
        self._built_for = name
        self.kind = next(k for k in self.kinds if k.name == name)
        form = self.query_one("#en-form", VerticalScroll)
        await form.remove_children()
        rows = [self._row(f) for f in self.kind.fields]
        await form.mount_all(rows)
        view = self.japp.view
        defaults = {"section": view.section} if view.section_only else {}
        pending = self._pending_values
        if pending.get("__kind__") == name:  # values meant for this kind's form
            self._pending_values = {}
            defaults.update({k: v for k, v in pending.items() if k != "__kind__"})
        self._set_values(defaults)
        self.ready = True
        # typing starts at the first empty field (the first field, unless opened for an indicator
        # or an event): keys typed into it go to it, never to the screen keys
        self.call_after_refresh(self._focus_first_empty)
        self.schedule_check()

    def _label(self, name: str) -> str:
        """A field's name in the user's language, for the domain's messages."""
        return self.t(f"f.{name}")

    def _focus_first_empty(self) -> None:
        """Put the cursor where typing should start: the first field still empty."""
        values = self.values()
        for f in self.kind.fields if self.kind else ():
            if not str(values.get(f.name, "")).strip():
                self.query_one(f"#f-{f.name}").focus()
                return

    def _row(self, f: FieldSpec) -> Horizontal:
        label = self.t(f"f.{f.name}") + (self.t("en.required") if f.required else "")
        widget: Any
        options = self._options(f)
        if f.kind == "document":  # a work summary's text: written (or the draft edited) here
            area = TextArea(id=f"f-{f.name}", soft_wrap=True, show_line_numbers=False, classes="en-document")
            return Horizontal(Label(Text(label), classes="en-label"), area, classes="en-row en-document-row")
        if options is not None:
            widget = LedgerSelect(options, id=f"f-{f.name}", compact=True, prompt=self.t("en.choose"),
                            allow_blank=not f.required or len(options) != 1)
        else:
            hint = f"hint.{f.name}" if f"hint.{f.name}" in LABELS else "hint.date" if f.kind == "date" else ""
            widget = LedgerInput(id=f"f-{f.name}", compact=True, value="",
                                 placeholder=self.t(hint) if hint else "")
        return Horizontal(Label(Text(label), classes="en-label"), widget, classes="en-row")

    def _options(self, f: FieldSpec) -> list[tuple[Any, str]] | None:
        view = self.japp.view
        plan = view.plan
        assert plan is not None and self.kind is not None
        lang = self.japp.lang
        if f.name in self.kind.options:
            return [(self.t(f"opt.{o}"), o) for o in self.kind.options[f.name](view)]
        if f.kind == "choice":
            return [(self.t(f"opt.{o}") if f"opt.{o}" in LABELS else o, o) for o in f.choices]
        if f.kind == "period":
            return [(f"{plan.year}Q{q}", f"{plan.year}Q{q}") for q in (1, 2, 3, 4)]
        if f.kind == "tier":
            return [(t.name, t.name) for t in plan.tiers]
        if f.kind == "section":
            return [(s.name, s.id) for s in plan.sections if view.may_see(s.id)]
        if f.kind == "user":
            return [(f"{u.name}（{u.id}）" if lang == "zh" else f"{u.name} ({u.id})", u.id)
                    for u in view.live.users.values()]
        if f.kind in ("indicator", "leaf"):
            s = view.standings(view.moment.__class__())
            leaves_only = f.kind == "leaf"
            out = []
            for i in s.indicators if s else []:
                if i.withdrawn or not view.may_see(i.section):
                    continue
                if leaves_only and any(c.parent == i.id for c in s.indicators):
                    continue
                name = i.name if len(i.name) <= 24 else i.name[:23] + "…"
                out.append((Text(f"{i.id} {name}"), i.id))
            return out
        return None

    def _set_values(self, values: dict[str, str]) -> None:
        for name, value in values.items():
            try:
                widget = self.query_one(f"#f-{name}")
            except Exception:
                continue
            if isinstance(widget, Select):
                try:
                    widget.value = value
                except Exception:  # not among the options offered: leave it unset
                    pass
            elif isinstance(widget, Input):
                widget.value = value
            elif isinstance(widget, TextArea):
                widget.load_text(value)

    def values(self) -> dict[str, Any]:
        assert self.kind is not None
        out: dict[str, Any] = {}
        for f in self.kind.fields:
            widget = self.query_one(f"#f-{f.name}")
            if isinstance(widget, Select):
                out[f.name] = "" if widget.value is Select.NULL else str(widget.value)
            elif isinstance(widget, TextArea):
                out[f.name] = widget.text
            else:
                out[f.name] = widget.value  # type: ignore[attr-defined]
        return out

    # -- checking and previewing ---------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        self._quiet = False
        self.schedule_check()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def schedule_check(self) -> None:
        if self._check_timer is not None:
            self._check_timer.stop()
        self._check_timer = self.set_timer(0.15, self.check)

    def check(self) -> list[Any] | None:
        """Dry-run the command: the events it would record, or None with the refusal shown."""
        message = self.query_one("#en-message", Static)
        button = self.query_one("#en-confirm", Button)
        preview = self.query_one("#en-preview", Static)
        view = self.japp.view
        if not self.kinds:
            message.update(Text(self.t("en.nothing"), style="dim"))
            button.disabled = True
            return None
        if not view.moment.now:
            message.update(Text(self.t("en.time_travel"), style="yellow"))
            button.disabled = True
            return None
        if self.kind is None or not self.ready or self._quiet:
            return None
        values = self.values()
        try:
            for f in self.kind.fields:
                if f.required and not str(values[f.name]).strip():
                    raise fail("value.required", field=self.t(f"f.{f.name}"))
            context = {**values, "_view": view, "_evidence_path": self.japp.exports.source_of}
            events = self.kind.call(dry_run(self.japp.ledger), view.actor, context,
                                    label=self._label)
        except JixiaoError as exc:
            message.update(Text(exc.message(self.japp.lang), style="red"))
            preview.update(Text(self.t("en.preview"), style="bold"))
            button.disabled = True
            return None
        events = events if isinstance(events, list) else [events]
        preview.update(self._preview(events))
        message.update(Text(self.t("en.ok"), style="green"))
        button.disabled = False
        return events

    def _preview(self, events: list[Any]) -> Text:
        view = self.japp.view
        t = self.t
        text = Text(t("en.preview") + "\n", style="bold")
        plan_fold = view.plan_fold(view.moment.__class__())
        before = view.standings(view.moment.__class__())
        after_fold = with_events(view.live, events).plan_by_id(view.plan_id)  # type: ignore[arg-type]
        if plan_fold is None or before is None or after_fold is None:
            return text
        after = standings(after_fold, today=view.today(), position=view.position)
        old = {i.id: i for i in before.indicators}
        changed = False
        for new in after.indicators:
            was = old.get(new.id)
            if was is None or (new.level != 2 and any(c.parent == new.id for c in after.indicators)):
                continue
            if was.score != new.score:
                text.append(t("en.preview_indicator", id=new.id, before=points(was.score),
                              after=points(new.score)) + "\n")
                changed = True
            if was.projected != new.projected:
                text.append(t("en.preview_projected", id=new.id, before=points(was.projected),
                              after=points(new.projected)) + "\n")
                changed = True
        if before.total != after.total or before.grade != after.grade:
            text.append(t("en.preview_total", before=points(before.total), after=points(after.total),
                          grade_before=before.grade, grade_after=after.grade), style="bold")
            changed = True
        if not changed:
            text.append(t("en.preview_none"), style="dim")
        return text

    # -- recording -------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "en-confirm":
            self.action_confirm()

    def action_confirm(self) -> None:
        if self.kind is None or self.check() is None:
            return
        values = self.values()
        kind = self.kind
        try:
            event, position = self.japp.record(
                lambda ledger: kind.call(ledger, self.japp.view.actor,
                                         {**values, "_view": self.japp.view,
                                          "_evidence_path": self.japp.exports.source_of},
                                         label=self._label))
        except JixiaoError as exc:
            self.query_one("#en-message", Static).update(Text(exc.message(self.japp.lang), style="red"))
            return
        done = self.t("en.recorded", position=position, kind=kind_label(event.kind, self.japp.lang))
        self.app.notify(done, timeout=4)
        keep = {f.name: values[f.name] for f in kind.fields if f.name in ("indicator", "period", "tier")}
        for f in kind.fields:
            if f.name not in keep:
                widget = self.query_one(f"#f-{f.name}")
                if isinstance(widget, Input):
                    with widget.prevent(Input.Changed):
                        widget.value = ""
        self.query_one("#en-message", Static).update(lit(done, style="green"))
        self.query_one("#en-confirm", Button).disabled = True
        self._quiet = True  # keep saying what was recorded until the user types again

    def show_view(self) -> None:
        if self.kinds and self.ready:
            self.schedule_check()
        elif not self.kinds:
            self.check()

