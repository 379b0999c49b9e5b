"""`jixiao internal ...`: the internal evaluation (内部考评); its report is `jixiao report
internal` (tui/reports/internal.py).

The leadership group sets the bonus pool and the method, rates sections and staff, and
locks the results; the report (Markdown or Excel) is what goes to the county office.
Each action's options are built from its schema (domain/command_schemas_internal.py).
"""

from __future__ import annotations

import argparse
from typing import Any

from domain.command_schemas_internal import INTERNAL_SCHEMAS
from tui.cli.schema_args import add_group, run_command
from tui.reports.internal import current_results, lock_now


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    add_group(sub, common, "internal", "the internal evaluation (内部考评) and bonus split", INTERNAL_SCHEMAS,
              lambda args: run_command(args, lock=lock_now))


__all__ = ["current_results", "lock_now"]
