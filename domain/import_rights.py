"""Checking an export before it is imported: had every event's actor the right to record
it, at that moment, and does every signed seal in it hold?

The same table as recording (`domain.access`): the directory (people, roles, keys) is
folded from the export's own events, in order, and each event is checked against it as it
stood just before that event: the actor is a user of the ledger then, holds the role the
event names, that role may run the command that writes this kind of event, and a
section's role (承办人, 股室负责人) acts only on its own section's indicators (by the
indicator's assignment at that moment). A correction is checked as voiding is
(`domain.access_void`). The one exception is the ledger's creation: `system` registers
the first admin before anybody holds a role.

What is not replayed: the rules of each command about its values (a percentage in range,
a tier of the table...): those are the plan's and the events' own, and the chain's
digests already say the events are the ones recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from domain import events as ev
from domain.access import COMMAND_OF_KIND, PERMISSIONS, authorise
from domain.access_void import authorise_void
from domain.aggregates import (
    DIRECTORY_ID,
    DirectoryAggregate,
    IndicatorAggregate,
    PlanAggregate,
    User,
    indicator_id,
)
from domain.errors import JixiaoError, fail
from domain.plan import Indicator
from domain.seals import seal_message
from domain.signatures import signed_by, verified

DIRECTORY_KINDS = frozenset({"UserRegistered", "RoleGranted", "RoleRevoked", "KeyAdded", "KeyRevoked",
                             "AccountBound", "AccountUnbound", "PlanRegistered"})
PLAN_COMMANDS = {"PlanLoaded": "load_plan", "IndicatorAdded": "change_plan", "IndicatorRevised": "change_plan",
                 "IndicatorWithdrawn": "change_plan", "TierTableChanged": "change_plan",
                 "DeadlinesChanged": "change_plan", "PlanApproved": "approve_plan",
                 "BonusPoolSet": "internal_evaluation", "InternalMethodSet": "internal_evaluation",
                 "Sealed": "seal", "ImportedUnverified": "manage_users"}

# what a correction needs of the entry it voids: (command, author, section field, narrower roles)
Entry = tuple[str, str, str, tuple[str, ...] | None]


class RightsCheck:
    """The export's events folded in order; `check(position, originator, event)` raises a
    refusal naming the position when the actor had no right to record it."""

    def __init__(self, digests: dict[int, str], lang: str = "zh") -> None:
        self.digests = digests  # position -> the chain digest there (hex), as checked
        self.lang = lang
        self.directory = DirectoryAggregate()
        self.plans: dict[UUID, PlanAggregate] = {}
        self.indicators: dict[UUID, Indicator] = {}
        self.files: dict[UUID, IndicatorAggregate] = {}
        self.entries: dict[tuple[UUID, int], Entry] = {}
        self.seals = 0  # signed seals that held

    def check(self, position: int, originator: UUID, event: ev.Event) -> None:
        try:
            self._authorise(originator, event)
        except JixiaoError as exc:
            raise fail("import.actor", position=position, actor=event.actor, role=event.role,
                       kind=event.kind, detail=exc.message(self.lang)) from None
        if isinstance(event, ev.Sealed) and event.signature:
            self._seal(position, event)
        self._apply(originator, event)

    # -- who may -------------------------------------------------------------------------
    def _user(self, actor: str) -> User:
        user = self.directory.users.get(actor)
        if user is None:
            raise fail("auth.unknown_user", user=actor)
        return user

    @staticmethod
    def _as_recorded(user: User, role: str, command: str, section: str | None,
                     allowed: tuple[str, ...] | None = None) -> None:
        """The user could act in `role` (the one the event names) for the command."""
        permitted = allowed if allowed is not None else PERMISSIONS[command]
        if role not in permitted:
            raise fail("auth.refused", user=user.id, roles=role, command=command)
        authorise(user, command, section, (role,))

    def _authorise(self, originator: UUID, event: ev.Event) -> None:
        role, kind = event.role, event.kind
        if originator == DIRECTORY_ID and kind in DIRECTORY_KINDS:
            if event.actor == "system" and not any(u.roles for u in self.directory.users.values()):
                return  # the ledger's creation: its first admin
            user = self._user(event.actor)
            try:
                self._as_recorded(user, role, "manage_users", None)
            except JixiaoError:
                self._as_recorded(user, role, "load_plan", None)  # a plan's people, loaded with it
            return
        user = self._user(event.actor)
        if isinstance(event, ev.Corrected):
            self._correction(user, originator, event)
            return
        if kind in PLAN_COMMANDS:
            allowed = ("supervisor",) if isinstance(event, ev.Sealed) and event.signature else None
            self._as_recorded(user, role, PLAN_COMMANDS[kind], None, allowed)
            return
        command = COMMAND_OF_KIND.get(kind)
        if command is None:
            raise fail("auth.refused", user=user.id, roles=event.role, command=kind)
        allowed = None
        if isinstance(event, ev.FindingResolved) and event.outcome != "rectified":
            command = "decide_appeal"
        if isinstance(event, ev.FindingRecorded) and event.finding_source != "internal":
            allowed = ("performance_office",)
        self._as_recorded(user, role, command, self._section(originator, event), allowed)

    def _section(self, originator: UUID, event: ev.Event) -> str | None:
        if isinstance(event, ev.Assigned | ev.TierAwarded | ev.Adjusted | ev.FindingRecorded):
            return None  # commands of unit-wide roles, authorised without a section
        ind = self.indicators.get(originator)
        if ind is not None:
            file = self.files.get(originator)
            return (file.section if file is not None else "") or ind.section or None
        return getattr(event, "section", "") or None

    def _correction(self, user: User, originator: UUID, event: ev.Corrected) -> None:
        entry = self.entries.get((originator, event.voided))
        if entry is None:
            raise fail("cmd.not_voidable", position=event.voided, kind=event.voided_kind)
        command, author, section_field, allowed = entry
        ind = self.indicators.get(originator)
        if ind is not None:
            file = self.files.get(originator)
            section = (file.section if file is not None else "") or ind.section or None
        else:
            section = section_field or None
        permitted = allowed if allowed is not None else PERMISSIONS[command]
        if event.role not in permitted:
            raise fail("auth.refused", user=user.id, roles=event.role, command=command)
        authorise_void(user, author, command, section, (event.role,))

    # -- signed seals --------------------------------------------------------------------
    def _seal(self, position: int, seal: ev.Sealed) -> None:
        code = ""
        if self.digests.get(seal.position) != seal.digest:
            code = "seal.rewritten"
        else:
            message = seal_message(seal.plan, seal.position, seal.digest, seal.actor)
            if signed_by(seal.signature, message) is None:
                code = "seal.bad_signature"
            else:
                user = self.directory.users.get(seal.actor)
                keys = list(user.keys.values()) if user and "supervisor" in user.roles else []
                if verified(seal.signature, message, seal.actor, keys) is None:
                    code = "seal.outside_group"
        if code:
            detail = fail(code, position=seal.position, key=seal.fingerprint, signer=seal.actor,
                          at=position).message(self.lang)
            raise fail("import.seal", position=position, detail=detail)
        self.seals += 1

    # -- the fold --------------------------------------------------------------------------
    def _apply(self, originator: UUID, event: ev.Event) -> None:
        if originator == DIRECTORY_ID:
            self.directory.apply(event)
            return
        if isinstance(event, ev.PlanLoaded) or originator in self.plans:
            plan = self.plans.setdefault(originator, PlanAggregate(originator))
            plan.apply(event)
            if plan.plan is not None:
                for ind, _ in plan.plan.walk():
                    self.indicators[indicator_id(originator, ind.id)] = ind
            return
        if originator in self.indicators:
            self.files.setdefault(originator, IndicatorAggregate(originator)).apply(event)
        command = COMMAND_OF_KIND.get(event.kind)
        if command is not None:
            allowed = (("performance_office",) if isinstance(event, ev.FindingRecorded)
                       and event.finding_source != "internal" else None)
            if isinstance(event, ev.FindingResolved) and event.outcome != "rectified":
                command = "decide_appeal"  # only who decides an appeal may void the decision
            self.entries[(originator, event.originator_version)] = (
                command, event.actor, getattr(event, "section", "") or "", allowed)


def check_rights(events: Iterable[tuple[int, UUID, ev.Event]], digests: dict[int, str],
                 lang: str = "zh") -> RightsCheck:
    """Check every (position, originator, event) of an export in order (see the module)."""
    rights = RightsCheck(digests, lang)
    for position, originator, event in events:
        rights.check(position, originator, event)
    return rights
