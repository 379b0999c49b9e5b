"""The ledger's people: the first load of a plan, users, roles and login keys."""

from __future__ import annotations

import datetime as dt
from typing import Any

from domain import events as ev
from domain import validate as v
from domain.access import ROLES, authorise
from domain.aggregates import (
    Aggregate,
    DirectoryAggregate,
    PlanAggregate,
    plan_id,
)
from domain.commands.context import KEY_LIMIT, NAME_LIMIT, LedgerContext
from domain.errors import JixiaoError, fail
from domain.keys import fingerprint
from domain.plan import Plan
from domain.rules import check

LEADING_POSITIONS = ("组长", "副组长")


def roles_from_plan(person: Any) -> list[str]:
    """A person's roles from the plan: groups, section, and any named explicitly."""
    roles: list[str] = []
    # 组长 and 副组长 lead; a 成员 of the group acts through their own section's role
    if person.leadership in LEADING_POSITIONS:
        roles.append("leader")
    if person.supervisory:
        roles.append("supervisor")
    for role in person.roles:
        if role not in roles:
            roles.append(role)
    if person.section and not {"clerk", "section_head"} & set(roles):
        roles.append("clerk")
    return roles



class PeopleCommands(LedgerContext):
    """Users, their roles and their keys."""

    def bootstrap(self, plan: Plan, *, actor: str = "admin", replace: bool = False,
                  source: str = "cli") -> list[ev.Event]:
        """Create the ledger's admin, register the plan's people and load the plan."""
        problems = check(plan)
        if problems:
            raise JixiaoError(*problems)
        pid = plan_id(plan.unit, plan.year)

        def decide() -> list[Aggregate]:
            directory = self.directory()
            # the first plan creates the ledger and its admin; later ones are a command
            role = authorise(self.user(directory, actor), "load_plan") if directory.users else "admin"
            state = self.get(PlanAggregate, pid)
            out: list[Aggregate] = [directory]
            if state.plan is not None:
                if state.plan == plan:
                    return []
                if not replace:
                    raise fail("cmd.plan_exists", unit=plan.unit, year=plan.year)
            now = self.clock().astimezone(dt.UTC)
            today = v.business_date(now)
            base = {"timestamp": now, "effective": today, "source": source}
            if actor not in directory.users:
                directory.trigger(ev.UserRegistered, actor="system", role="admin", user=actor,
                                  name="系统管理员", **base)
                directory.trigger(ev.RoleGranted, actor="system", role="admin", user=actor,
                                  role_name="admin", **base)
            admin = {"actor": actor, "role": role, **base}
            for person in plan.people:
                if person.id not in directory.users:
                    directory.trigger(ev.UserRegistered, user=person.id, name=person.name,
                                      title=person.title, section=person.section, **admin)
                for role in roles_from_plan(person):
                    if role not in directory.users[person.id].roles:
                        directory.trigger(ev.RoleGranted, user=person.id, role_name=role, **admin)
            if (plan.unit, plan.year) not in directory.plans:
                directory.trigger(ev.PlanRegistered, plan_id=pid, unit=plan.unit, year=plan.year,
                                  **admin)
            state.trigger(ev.PlanLoaded, plan=plan, **admin)
            out.append(state)
            return out

        return self.run(decide, actor=actor, what="init")

    def add_user(self, actor: str, user: str, name: str, *, title: str = "", section: str = "",
                 roles: tuple[str, ...] = (), source: str = "cli") -> list[ev.Event]:

        def decide() -> list[Aggregate]:
            directory = self.directory()
            role = authorise(self.user(directory, actor), "manage_users")
            if user in directory.users:
                raise fail("cmd.user_exists", user=user)
            v.text("user", user, 64, required=True)
            v.text("name", name, NAME_LIMIT, required=True)
            v.text("title", title, NAME_LIMIT)
            if section and section not in self._sections(directory):
                raise fail("cmd.unknown_section", section=section)
            for r in roles:
                if r not in ROLES:
                    raise fail("cmd.unknown_role", role=r, allowed="/".join(ROLES))
            env = self.envelope(actor, role, None, "", source)
            directory.trigger(ev.UserRegistered, user=user, name=name, title=title,
                              section=section, **env)
            for r in roles:
                directory.trigger(ev.RoleGranted, user=user, role_name=r, **env)
            return [directory]

        return self.run(decide, actor=actor, what="users add")

    def _sections(self, directory: DirectoryAggregate) -> set[str]:
        """The sections of every plan this ledger holds."""
        sections: set[str] = set()
        for pid in directory.plans.values():
            state = self.get(PlanAggregate, pid)
            if state.plan is not None:
                sections.update(s.id for s in state.plan.sections)
        return sections

    def grant(self, actor: str, user: str, role_name: str, *, revoke: bool = False,
              reason: str = "", source: str = "cli") -> ev.Event:

        def decide() -> list[Aggregate]:
            directory = self.directory()
            role = authorise(self.user(directory, actor), "manage_users")
            target = self.user(directory, user)
            if role_name not in ROLES:
                raise fail("cmd.unknown_role", role=role_name, allowed="/".join(ROLES))
            holds = role_name in target.roles
            if holds != revoke:
                raise fail("cmd.role_unchanged", user=user, role=role_name)
            event_type = ev.RoleRevoked if revoke else ev.RoleGranted
            directory.trigger(event_type, user=user, role_name=role_name,
                              **self.envelope(actor, role, None, reason, source))
            return [directory]

        return self.run(decide, actor=actor, what="users grant")[0]

    def add_key(self, actor: str, user: str, public_key: str, *, source: str = "cli") -> ev.Event:

        v.text("public_key", public_key, KEY_LIMIT, required=True)

        def decide() -> list[Aggregate]:
            directory = self.directory()
            role = authorise(self.user(directory, actor), "manage_users")
            self.user(directory, user)
            line, fp = fingerprint(public_key)
            for other in directory.users.values():
                if fp in other.keys:
                    raise fail("cmd.key_taken", fingerprint=fp, user=other.id)
            directory.trigger(ev.KeyAdded, user=user, fingerprint=fp, public_key=line,
                              **self.envelope(actor, role, None, "", source))
            return [directory]

        return self.run(decide, actor=actor, what="users add-key")[0]

    def revoke_key(self, actor: str, user: str, fp: str, *, reason: str = "",
                   source: str = "cli") -> ev.Event:
        def decide() -> list[Aggregate]:
            directory = self.directory()
            role = authorise(self.user(directory, actor), "manage_users")
            target = self.user(directory, user)
            if fp not in target.keys:
                raise fail("cmd.no_key", user=user, fingerprint=fp)
            directory.trigger(ev.KeyRevoked, user=user, fingerprint=fp,
                              **self.envelope(actor, role, None, reason, source))
            return [directory]

        return self.run(decide, actor=actor, what="users revoke-key")[0]

