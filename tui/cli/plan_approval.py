"""`jixiao plan submit|approve|publish`: the plan's way into force, each step a command
whose options are built from its schema (domain/command_schemas_year.py)."""

from __future__ import annotations

import argparse
from typing import Any

from domain.command_schemas_year import PLAN_APPROVAL_SCHEMAS
from domain.plan_status import PlanStatus
from tui.cli.common import ledger_plan_state
from tui.cli.schema_args import add_command, run_command


def register(psub: Any, common: argparse.ArgumentParser) -> None:
    """Add the steps to the `plan` group's actions."""
    for schema in PLAN_APPROVAL_SCHEMAS:
        for binding in schema.cli:
            add_command(psub, common, schema, binding, _run)


def _run(args: argparse.Namespace) -> int:
    return run_command(args)


def ledger_status(args: argparse.Namespace) -> PlanStatus | None:
    """The status of the ledger's plan when a command is about it (no FILE given), else None."""
    if getattr(args, "file", None):
        return None
    state = ledger_plan_state(args)
    return state.status if state is not None else None
