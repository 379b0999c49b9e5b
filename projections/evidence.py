"""Evidence (佐证材料) as the read side lists it: each attached file with who attached it
and when, and whether the file itself is kept; and the latest seal of the log.

An indicator's list comes from the fold (the valid `EvidenceAttached` entries) and the
events read back by position; the whole log's, for `verify` and `evidence get`, from
the rows whose topic is an evidence event's (only those are decoded).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import msgspec

from domain import events as ev
from domain.codec import decode_event
from domain.ports import LogReader
from projections.fold import PlanFold
from projections.work_ledger import Reader

EVIDENCE_TOPIC = "jixiao:EvidenceAttached@"
SEAL_MARK = "Seal"  # Sealed, and any later kind of seal (a signed one)
ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp", "effective", "reason", "source"})


class EvidenceItem(msgspec.Struct, kw_only=True):
    """One attached evidence file."""

    position: int
    indicator: str
    file_name: str
    sha256: str
    size: int
    description: str
    actor: str
    recorded: dt.datetime
    effective: dt.date
    kept: bool  # False: a ledger of an earlier version recorded the digest only (文件未保存)


def _item(position: int, event: ev.EvidenceAttached, kept: set[str]) -> EvidenceItem:
    return EvidenceItem(position=position, indicator=event.indicator_id, file_name=event.file_name,
                        sha256=event.sha256, size=event.size, description=event.description,
                        actor=event.actor, recorded=event.timestamp, effective=event.effective,
                        kept=event.sha256 in kept)


def evidence_of(fold: PlanFold, indicators: Iterable[str], read: Reader,
                kept: Callable[[Iterable[str]], set[str]]) -> list[EvidenceItem]:
    """The valid (not voided) evidence of these indicators, in the order it was recorded."""
    positions = [e.position for i in indicators for e in fold.record(i).valid("EvidenceAttached")]
    events = read(positions)
    found = [(p, events[p][1]) for p in sorted(positions) if p in events]
    attached = [(p, e) for p, e in found if isinstance(e, ev.EvidenceAttached)]
    have = kept({e.sha256 for _, e in attached}) if attached else set()
    return [_item(p, e, have) for p, e in attached]


def evidence_in_log(log: LogReader, kept: Callable[[Iterable[str]], set[str]] | None = None,
                    ) -> dict[str, list[EvidenceItem]]:
    """Every evidence event of the log (voided ones too), by digest."""
    found: dict[str, list[tuple[int, ev.EvidenceAttached]]] = {}
    for page in log.pages():
        for position, _, topic, state in page:
            if topic.startswith(EVIDENCE_TOPIC):
                event = decode_event(topic, bytes(state))
                found.setdefault(event.sha256, []).append((position, event))
    have = kept(found) if kept is not None and found else set()
    return {sha: [_item(p, e, have) for p, e in items] for sha, items in found.items()}


def latest_seal(log: LogReader) -> dict[str, Any] | None:
    """The latest seal recorded in the log: where it was recorded, who sealed, the head it
    seals (position, digest) and whatever else the seal carries (a signature, when seals
    are signed); None if the log has no seal."""
    last: tuple[int, Any] | None = None
    for page in log.pages():
        for position, _, topic, state in page:
            if SEAL_MARK in topic.split(":", 1)[-1].split("@", 1)[0]:
                last = (position, (topic, state))
    if last is None:
        return None
    position, (topic, state) = last
    event = decode_event(topic, bytes(state))
    payload = {k: v for k, v in msgspec.to_builtins(event).items() if k not in ENVELOPE}
    return {"recorded_at": position, "kind": event.kind, "recorded": event.timestamp.isoformat(),
            **payload}
