"""The commands of the ledger: check, authorise, then record. Shared by every interface.

Each public method decides against the current state, raises `JixiaoError` (nothing
stored) when refused, and otherwise returns the events it recorded. The commands are
grouped by what they act on, one module each; `Ledger` is all of them together.
"""

from __future__ import annotations

from domain.commands.context import (
    KEY_LIMIT,
    NAME_LIMIT,
    PLAN_CHANGES,
    TEXT_LIMIT,
    LedgerContext,
    withdrawn,
)
from domain.commands.filings import FilingCommands
from domain.commands.forms import FormCommands
from domain.commands.meetings import MeetingCommands
from domain.commands.people import LEADING_POSITIONS, PeopleCommands, roles_from_plan
from domain.commands.plan import PlanCommands
from domain.commands.plan_approval import PlanApprovalCommands
from domain.commands.scores import ScoreCommands
from domain.commands.voids import VoidCommands
from domain.internal import InternalEvaluation

__all__ = ["KEY_LIMIT", "LEADING_POSITIONS", "NAME_LIMIT", "PLAN_CHANGES", "TEXT_LIMIT",
           "Ledger", "LedgerContext", "roles_from_plan", "withdrawn"]


class Ledger(InternalEvaluation, ScoreCommands, VoidCommands, FilingCommands, FormCommands, PlanCommands,
             PlanApprovalCommands, MeetingCommands, PeopleCommands):
    """Every command of the evaluation year."""
