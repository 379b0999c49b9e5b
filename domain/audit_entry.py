"""Each event's row of the audit trail, made when the event is stored.

The store writes the row in the transaction that stores the event (`store.sqlite.recorder`,
`store.postgres.recorder`), so a ledger's audit trail never needs building. What a row
holds comes from the event itself and from what the store has already written, asked
through a `domain.ports.AuditBook`: which unit, year, indicator and section an aggregate
belongs to (its plan's and assignments' events said so earlier), the small number the
table knows the aggregate by, the latest valid tier awarded (a tier's effect is the
change from it), and the rows a correction voids or an upheld appeal gives back.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from domain import events as ev
from domain.aggregates import indicator_id, unit_id
from domain.audit_query import ts
from domain.describe import effect, summary, target_of
from domain.ports import AuditBook, AuditOwner, AuditRecord

_SHAPING = (ev.PlanRegistered, ev.PlanLoaded, ev.IndicatorAdded, ev.Assigned)


def audit_record(book: AuditBook, position: int, originator: str, event: ev.Event) -> AuditRecord:
    """The row of the event stored at `position` (its aggregate's id as 32 hex digits),
    after telling `book` what the event says of later events' owners (plans, indicators,
    assignments)."""
    owner = book.aggregate(originator)
    if isinstance(event, _SHAPING):
        owner = _shape(book, UUID(originator), owner, event)
    indicator = getattr(event, "indicator_id", "") or owner.indicator
    section = getattr(event, "section", "") or (owner.section if indicator else "")
    change = effect(event)
    points = None
    if type(event) is ev.TierAwarded:
        latest = book.latest_award(owner.agg)
        change = event.points - (Decimal(latest[1]) if latest else Decimal(0))
        points = str(event.points)
    return (position, ts(event.timestamp), event.effective.isoformat(), event.actor, event.role,
            type(event).__name__, owner.unit, owner.year, section, indicator, target_of(event),
            summary(event), event.reason, None if change is None else str(change), owner.agg,
            event.originator_version, points)


def after_record(book: AuditBook, record: AuditRecord, event: ev.Event) -> None:
    """What the event changes in earlier rows, once its own is written: a correction marks
    the row it voids (and undoes its effect), an upheld appeal gives back the finding."""
    if type(event) is ev.Corrected:
        _void(book, record[0], record[14], event)
    elif type(event) is ev.FindingResolved and event.outcome == "appeal-upheld":
        deducted = book.effect_of(record[14], event.finding)
        if deducted is not None:
            book.set_effect(record[0], str(-Decimal(deducted)))


def _shape(book: AuditBook, originator: UUID, owner: AuditOwner, event: ev.Event) -> AuditOwner:
    """Plans and assignments: which unit and section later events belong to."""
    if isinstance(event, ev.PlanRegistered):
        book.own(event.plan_id.hex, event.unit, event.year, "", "")
        return owner
    if isinstance(event, ev.Assigned):
        book.assign(originator.hex, event.section)
        return owner
    if isinstance(event, ev.PlanLoaded):
        unit, year = event.plan.unit, event.plan.year
        plan_owner = book.own(originator.hex, unit, year, "", "")
        indicators = [i for i, _ in event.plan.walk()]
    else:
        assert isinstance(event, ev.IndicatorAdded)
        unit, year = (owner.unit, owner.year) if owner.year is not None else ("", 0)
        plan_owner = owner if owner.year is not None else AuditOwner(owner.agg, "", 0, "", "")
        indicators = [event.indicator]
    book.own(unit_id(originator).hex, unit, year, "", "")
    for ind in indicators:
        book.own(indicator_id(originator, ind.id).hex, unit, year, ind.id, ind.section)
    return plan_owner


def _void(book: AuditBook, position: int, agg: int, event: ev.Corrected) -> None:
    latest = book.latest_award(agg)  # before the void: whether it is the one voided
    voided = book.void(agg, event.voided, position)
    if voided is None or voided[0] is None:
        return
    stored, kind = voided
    undo = -Decimal(stored)
    if kind == "TierAwarded":
        was_latest = latest is not None and latest[0] == event.voided
        before = Decimal(latest[1]) if latest else Decimal(0)
        after_award = book.latest_award(agg)
        after = Decimal(after_award[1]) if after_award else Decimal(0)
        undo = after - before if was_latest else Decimal(0)
    book.set_effect(position, str(undo))
