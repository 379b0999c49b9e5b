"""The fold's state as data: to compare two folds (`FoldState`) and as a checkpoint stores
it (`StoredState`: each plan's structure, and its records encoded apart so a fold opened
from it decodes a plan's records only when the plan is first read).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec

from domain.plan import Plan
from domain.plan_status import PlanStatus
from projections.fold_entries import PlanFold, Record, UserInfo


class FoldState(msgspec.Struct, kw_only=True):
    """Everything a fold knows, as data (to compare two folds)."""

    position: int
    plans: dict[UUID, PlanFold]
    users: dict[str, UserInfo]


class PlanRecords(msgspec.Struct, array_like=True):
    """A plan's records: what a checkpoint encodes apart for each plan."""

    indicators: dict[str, Record]
    unit: Record


class StoredPlan(msgspec.Struct, kw_only=True):
    """One plan as a checkpoint stores it: its structure, and its records as bytes."""

    plan_id: UUID
    plan: Plan | None = None
    withdrawn: set[str] = set()
    approved: bool = False
    status: PlanStatus = PlanStatus()
    owned: dict[UUID, str]  # aggregate id -> its indicator ("" for the unit): see `_owned`
    records: msgspec.Raw


class StoredState(msgspec.Struct, kw_only=True):
    """Everything a fold knows, as a checkpoint stores it."""

    position: int
    users: dict[str, UserInfo]
    plans: list[StoredPlan]


_records_encoder = msgspec.msgpack.Encoder()
_records_decoder = msgspec.msgpack.Decoder(PlanRecords)


class _Encoded:
    """A plan's records still as bytes, with the entries for it folded since (in order)."""

    __slots__ = ("records", "waiting")

    def __init__(self, records: msgspec.Raw) -> None:
        self.records = records
        self.waiting: list[tuple[tuple[PlanFold, str], int, type, Any, Any]] = []
