"""Checking signed seal files against the log: does each signature hold, by a key of the
supervisory group at the time, and does the log still extend each sealed head?

"At the time" is the moment the seal was recorded: the directory (people, roles, keys) as
it stood at the `Sealed` event carrying that signature, or, when the log holds no such
event, at the sealed head itself. The chain itself is verified by the caller (the store);
this module reads the log through the ports only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import msgspec

from domain import events as ev
from domain.aggregates import DIRECTORY_ID, DirectoryAggregate, User
from domain.codec import decode_event
from domain.ports import EventStore, LogReader
from domain.seals import SealFile
from domain.signatures import signed_by, verified

_DIRECTORY = DIRECTORY_ID.hex
_SEALED = ev.Sealed.topic()


@dataclass(frozen=True)
class SealResult:
    """One seal file's verdict: `code` a message of the catalogue, with its parameters."""

    where: str
    ok: bool
    code: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class _Moments:
    """What one pass over the log found: the signed seals recorded (signature -> position)
    and the directory's users at each position asked for and at each signed seal."""

    recorded: dict[str, int] = field(default_factory=dict)
    users: dict[int, dict[str, User]] = field(default_factory=dict)
    plans: set[str] = field(default_factory=set)


def _snapshot(directory: DirectoryAggregate) -> dict[str, User]:
    return {k: msgspec.structs.replace(u, roles=list(u.roles), keys=dict(u.keys))
            for k, u in directory.users.items()}


def _moments(log: LogReader, heads: set[int]) -> _Moments:
    found = _Moments()
    directory = DirectoryAggregate()
    pending = sorted(heads)
    for page in log.pages():
        for position, originator, topic, state in page:
            while pending and pending[0] < position:
                found.users[pending.pop(0)] = _snapshot(directory)
            if originator == _DIRECTORY:
                event = decode_event(topic, state)
                directory.apply(event)
                if isinstance(event, ev.PlanRegistered):
                    found.plans.add(str(event.plan_id))
            elif topic == _SEALED:
                seal = decode_event(topic, state)
                if isinstance(seal, ev.Sealed) and seal.signature:
                    found.recorded.setdefault(seal.signature.strip(), position)
                    found.users[position] = _snapshot(directory)
            if pending and pending[0] == position:
                found.users[pending.pop(0)] = _snapshot(directory)
    for position in pending:
        found.users[position] = _snapshot(directory)
    return found


def supervisors_keys(users: dict[str, User], signer: str) -> list[str]:
    """The keys registered for `signer` if `signer` is then in the supervisory group."""
    user = users.get(signer)
    return list(user.keys.values()) if user is not None and "supervisor" in user.roles else []


def check_seals(store: EventStore, log: LogReader, seals: Sequence[tuple[str, SealFile]], *,
                chain_ok: bool, broken_at: int, detail: str) -> list[SealResult]:
    """The verdict on each (file name, seal): `chain_ok` and `broken_at` (the first broken
    position) from the chain's own verification, `detail` its message."""
    head = store.head()
    moments = _moments(log, {s.position for _, s in seals}) if head else _Moments()
    results: list[SealResult] = []
    for where, seal in seals:
        results.append(_one(store, moments, where, seal, head=head, chain_ok=chain_ok,
                            broken_at=broken_at, detail=detail))
    return results


def _one(store: EventStore, moments: _Moments, where: str, seal: SealFile, *, head: int,
         chain_ok: bool, broken_at: int, detail: str) -> SealResult:
    at = {"position": str(seal.position), "head": seal.head}
    if head == 0:
        return SealResult(where, False, "seal.empty", at)
    if seal.position > head:
        return SealResult(where, False, "seal.truncated", {**at, "end": str(head)})
    stored = store.digest_at(seal.position)
    if stored != seal.digest:
        return SealResult(where, False, "seal.rewritten", at)
    if not chain_ok:
        return SealResult(where, False, "seal.chain_broken", {**at, "detail": detail,
                                                               "broken": str(broken_at)})
    if moments.plans and seal.plan not in moments.plans:
        return SealResult(where, False, "seal.other_plan", {**at, "plan": seal.plan})
    message = seal.message()
    key = signed_by(seal.signature, message)
    if key is None:
        return SealResult(where, False, "seal.bad_signature", at)
    moment = moments.recorded.get(seal.signature.strip(), seal.position)
    keys = supervisors_keys(moments.users.get(moment, {}), seal.signer)
    good = verified(seal.signature, message, seal.signer, keys)
    if good is None:
        return SealResult(where, False, "seal.outside_group",
                          {**at, "key": key or seal.fingerprint or "?", "signer": seal.signer,
                           "at": str(moment)})
    return SealResult(where, True, "seal.ok", {**at, "signer": seal.signer, "key": good})
