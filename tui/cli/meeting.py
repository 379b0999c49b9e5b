"""`jixiao meeting record|decide|complete`: the year's meetings (季度分析会、半年汇报会、
年终总结会), their decisions (通报、问责、整改) and each item's completion. What is open or
late shows in `jixiao report deadlines`."""

from __future__ import annotations

import argparse
from typing import Any

from domain.command_schemas_year import MEETING_SCHEMAS
from tui.cli.schema_args import add_group, run_command


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    add_group(sub, common, "meeting", "meetings, their decisions and follow-up (会议与跟踪问责)", MEETING_SCHEMAS,
              lambda args: run_command(args))
