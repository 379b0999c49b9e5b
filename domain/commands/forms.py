"""What the forms due with the plan need besides the plan itself: each person's telephone
numbers (the register of 附件4) and the table of data items the city asks for, with the
section and person answering for each (数据采集内容和责任分工).

The table is plan data: every change records the whole table as it now stands
(`DataItemsChanged`), so the plan shown, exported and filed carries it.
"""

from __future__ import annotations

import datetime as dt
import re

import msgspec

from domain import events as ev
from domain import validate as v
from domain.access import authorise
from domain.aggregates import Aggregate
from domain.commands.context import NAME_LIMIT, TEXT_LIMIT, LedgerContext
from domain.errors import fail
from domain.plan import DataItem

# a telephone number as offices write it: digits with - + ( ) spaces and 转 (extension)
PHONE = re.compile(r"^[0-9+()\- 转]{3,32}$")


class FormCommands(LedgerContext):
    """Telephone numbers and the data-collection table."""

    def set_contact(self, actor: str, user: str, *, phone: str = "", mobile: str = "",
                    source: str = "cli") -> ev.Event:
        """Record a person's office telephone and mobile number (both as they now stand)."""
        for field, value in (("phone", phone), ("mobile", mobile)):
            if value and not PHONE.match(value):
                raise fail("value.phone", field=field, actual=value)
        if not phone and not mobile:
            raise fail("value.required", field="phone")

        def decide() -> list[Aggregate]:
            directory = self.directory()
            role = authorise(self.user(directory, actor), "set_contact")
            self.user(directory, user)
            directory.trigger(ev.ContactChanged, user=user, phone=phone, mobile=mobile,
                              **self.envelope(actor, role, None, "", source))
            return [directory]

        return self.run(decide, actor=actor, what="set_contact")[0]

    def set_data_item(self, actor: str, item_id: str, *, item: str = "", section: str = "",
                      person: str = "", data_source: str = "", due: dt.date | None = None,
                      note: str = "", remove: bool = False, reason: str = "",
                      source: str = "cli") -> ev.Event:
        """Add, change or remove one data item; a change or removal needs its reason."""
        v.text("id", item_id, 64, required=True)
        v.control("id", item_id, line=True)
        if not remove:
            v.text("item", item, NAME_LIMIT, required=True)
            v.text("source", data_source, NAME_LIMIT)
            v.text("note", note, TEXT_LIMIT)

        def decide() -> list[Aggregate]:
            directory = self.directory()
            user = self.user(directory, actor)
            state = self.plan_state(self.plan_id(directory))
            assert state.plan is not None
            plan = state.plan
            role = authorise(user, "change_plan")
            items = list(plan.data_items)
            at = next((n for n, d in enumerate(items) if d.id == item_id), None)
            if remove:
                if at is None:
                    raise fail("cmd.unknown_data_item", item=item_id)
                del items[at]
            else:
                if section and section not in {s.id for s in plan.sections}:
                    raise fail("cmd.unknown_section", section=section)
                if person:
                    self.user(directory, person)
                if due is not None and due < dt.date(plan.year, 1, 1):
                    raise fail("value.before_year", field="due", actual=due, allowed=plan.year)
                if due is not None and due > v.filing_window_end(plan.year):
                    raise fail("value.after_year", field="due", actual=due,
                               allowed=v.filing_window_end(plan.year))
                row = DataItem(id=item_id, item=item, section=section, person=person, source=data_source,
                               due=due, note=note)
                if at is None:
                    items.append(row)
                elif items[at] == row:
                    raise fail("cmd.duplicate", kind="DataItemsChanged", version=state.version)
                else:
                    items[at] = row
            why = reason.strip()
            if not why and (remove or at is not None):
                raise fail("cmd.data_item_reason", item=item_id)
            v.text("reason", reason, 2000)
            state.trigger(ev.DataItemsChanged, items=[msgspec.structs.replace(d) for d in items],
                          **self.envelope(actor, role, None, why or "登记数据采集项", source, plan.year))
            return [state]

        return self.run(decide, actor=actor, what="change_plan")[0]
