"""The plan's way into force as a read model: the header that `plan show`, the exported
plan, the self-inspection and the terminal's overview carry."""

from __future__ import annotations

from typing import Any

import msgspec

from domain.plan_status import STAGE_LABELS, PlanStatus, status_line

STATUS_ROWS = ("阶段", "局务会审议", "审议日期", "报审日期", "报审次数", "批复单位", "批复文号", "批复日期",
               "印发文号", "印发日期", "公开方式", "公开渠道")


def status_view(status: PlanStatus) -> dict[str, Any]:
    """The status as JSON keys: every field of `PlanStatus`, the stage's label and one line."""
    return {**msgspec.to_builtins(status), "stage_label": STAGE_LABELS[status.stage][0],
            "summary": status_line(status)}


def status_rows(status: PlanStatus) -> list[list[Any]]:
    """The status as rows of a sheet (label, value)."""
    values = (STAGE_LABELS[status.stage][0], status.meeting, status.meeting_date, status.submitted,
              status.submissions, status.approver, status.approval, status.approved, status.notice,
              status.published, status.openness, "、".join(status.channels))
    return [[label, "" if value is None else value] for label, value in zip(STATUS_ROWS, values, strict=True)]


def toml_header(status: PlanStatus) -> str:
    """Comment lines for an exported TOML plan (a comment: reading the file back ignores it)."""
    return "".join(f"# {label}：{value}\n" for label, value in status_rows(status) if value not in ("", 0))
