"""`jixiao report ranking`: the county's units side by side (the report: tui/reports/ranking.py)."""

from __future__ import annotations

import argparse
from typing import Any

from tui.reports.ranking import ranking_report

__all__ = ["ranking_report"]


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Nothing of its own: `ranking` is one of the names `jixiao report` takes."""
