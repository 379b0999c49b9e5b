"""What the app shows, kept in one place: the live fold, the moment viewed, the user.

Screens ask this object for standings and records; it folds the log once, follows it
live (`poll`), and derives earlier moments from the fold (or a replay when the known-at
clock is set), caching each so stepping back and forth is instant.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain import events as ev
from domain.access import PERMISSIONS, SECTION_BOUND
from domain.commands import Ledger
from domain.localtime import local
from domain.plan import Plan
from domain.validate import business_date
from projections.audit import AuditTrail
from projections.fold import PlanFold, UserInfo, YearFold
from projections.live import LiveFold, Progress
from projections.moments import earliest_since, narrow
from projections.replay import replay
from projections.standings import Standings, standings
from projections.stream import read_at
from tui.i18n import label


@dataclass(frozen=True)
class Moment:
    """The moment the screens show: effective date and known-at time (None: now)."""

    as_of: dt.date | None = None
    known_at: dt.datetime | None = None

    @property
    def now(self) -> bool:
        return self.as_of is None and self.known_at is None

    def describe(self, lang: str) -> str:
        parts = []
        if self.as_of is not None:
            parts.append(label("moment.as_of", lang, date=self.as_of.isoformat()))
        if self.known_at is not None:
            parts.append(label("moment.known_at", lang, time=f"{local(self.known_at):%Y-%m-%d %H:%M}"))
        return " · ".join(parts)


def quarter_ends(year: int) -> list[dt.date]:
    return [dt.date(year, 3, 31), dt.date(year, 6, 30), dt.date(year, 9, 30), dt.date(year, 12, 31)]


class LedgerView:
    """The ledger as the app shows it, for one signed-in user."""

    CACHE = 16

    def __init__(self, ledger: Ledger, actor: str) -> None:
        self.ledger = ledger
        self.log = ledger.store.log
        self.actor = actor
        self.moment = Moment()
        self.live: YearFold = YearFold()
        self._folds: OrderedDict[Moment, YearFold] = OrderedDict()
        self._standings: OrderedDict[tuple[Moment, int], Standings] = OrderedDict()
        self._known: OrderedDict[dt.datetime, YearFold] = OrderedDict()
        self.follower: LiveFold | None = None
        self.plan_id: UUID | None = None
        self.chain: Any = None  # the last verification of the hash chain, once done

    # -- loading and following -----------------------------------------------------
    def load(self, progress: Progress | None = None) -> None:
        """Fold the log, from the checkpoint beside the ledger when it can be trusted;
        `progress(done, total)` hears how far (a first open, with no checkpoint, folds it all)."""
        self.follower = LiveFold(self.log, checkpoint=self.ledger.store.checkpoints)
        self.live = self.follower.open(progress)
        self.plan_id = self._choose_plan()
        if self.plan_id is not None:  # here, off the UI thread; the other plans when read
            self.live.plan_by_id(self.plan_id)
        self._forget(known=True)

    def poll(self) -> int:
        """Fold what other users recorded since (one cheap query when nothing is new)."""
        before = self.live.position
        shown = self.live.plan_by_id(self.plan_id) if self.plan_id is not None else None
        shape = (shown.plan, len(shown.withdrawn), shown.approved) if shown is not None else None
        n = self.follower.poll()
        if n:
            self._forget(kept=self._unchanged_before(before, shape))
        return n

    def _unchanged_before(self, before: int, shape: Any) -> dt.date | None:
        """The effective date before which the shown plan is as it was at `before`: views as
        of earlier dates (the quarters of the trend, a quarter stepped to) stay right. None
        when the plan itself changed, or nothing of it did not."""
        shown = self.live.plan_by_id(self.plan_id) if self.plan_id is not None else None
        if shown is None or shape != (shown.plan, len(shown.withdrawn), shown.approved):
            return None
        earliest = earliest_since(shown, before)
        return earliest if earliest is not None else dt.date.max

    def follow(self, on_new: Any) -> None:
        """Be told at once when anyone records an event: `on_new()` is called from another
        thread (PostgreSQL notifies each commit; a SQLite file is watched)."""
        if self.follower is not None:
            self.follower.follow(on_new)

    def stop_following(self) -> None:
        if self.follower is not None and self.follower.follower is not None:
            self.follower.follower.stop()
            self.follower.follower = None

    def close(self) -> None:
        if self.follower is not None:
            self.follower.close()

    def _forget(self, *, known: bool = False, kept: dt.date | None = None) -> None:
        # a replay as known at a past time stays right when newer events arrive; so does a
        # moment of the live fold as of a date before everything new (`kept`)
        folds = {m: f for m, f in self._folds.items()
                 if kept is not None and m.known_at is None and m.as_of is not None and m.as_of < kept}
        figures = {(m, self.live.position): s for (m, _), s in self._standings.items() if m in folds}
        self._folds.clear()
        self._standings.clear()
        for moment, fold in folds.items():
            fold.position = self.live.position  # the same records, as of the same date
            self._folds[moment] = fold
        for key, figure in figures.items():
            figure.position = self.live.position
            self._standings[key] = figure
        if known:
            self._known.clear()
        now = self.ledger.clock()
        for moment in [k for k in self._known if k >= now]:  # "known at" a time still to come
            del self._known[moment]

    @property
    def position(self) -> int:
        return self.live.position

    # -- the moment ----------------------------------------------------------------
    def today(self) -> dt.date:
        return business_date(self.ledger.clock())

    def fold(self, moment: Moment | None = None) -> YearFold:
        moment = self.moment if moment is None else moment
        if moment.now:
            return self.live
        cached = self._folds.get(moment)
        if cached is not None:
            self._folds.move_to_end(moment)
            return cached
        base = self.live if moment.known_at is None else self._known_fold(moment.known_at)
        fold = narrow(base, as_of=moment.as_of, only=self.plan_id)
        self._folds[moment] = fold
        while len(self._folds) > self.CACHE:
            self._folds.popitem(last=False)
        return fold

    def knows(self, known_at: dt.datetime) -> bool:
        return known_at in self._known

    def prepare_known(self, known_at: dt.datetime) -> None:
        """Replay the log as known at that time (seconds on a large log: off the UI thread)."""
        self._known_fold(known_at)

    def _known_fold(self, known_at: dt.datetime) -> YearFold:
        cached = self._known.get(known_at)
        if cached is None:
            cached = self._known[known_at] = replay(self.log, known_at=known_at)
            while len(self._known) > 4:
                self._known.popitem(last=False)
        return cached

    def plan_fold(self, moment: Moment | None = None) -> PlanFold | None:
        """The records of the plan shown (the user's unit and year) at the moment."""
        if self.plan_id is None:
            return None
        return self.fold(moment).plan_by_id(self.plan_id)

    @property
    def plan(self) -> Plan | None:
        fold = self.live.plan_by_id(self.plan_id) if self.plan_id is not None else None
        return fold.plan if fold else None

    def _choose_plan(self) -> UUID | None:
        """The plan asked for, else the latest one naming the signed-in user, else the latest."""
        key = self.ledger.plan_key
        if key is not None:
            chosen = self.live.plan_fold(*key)
            return chosen.plan_id if chosen else None
        plans = self.live.structures()
        mine = [k for k, plan in plans if any(p.id == self.actor for p in plan.people)]
        return (mine or [k for k, _ in plans] or [None])[-1]

    def standings(self, moment: Moment | None = None) -> Standings | None:
        moment = self.moment if moment is None else moment
        key = (moment, self.live.position)
        cached = self._standings.get(key)
        if cached is not None:
            return cached
        plan_fold = self.plan_fold(moment)
        if plan_fold is None:
            return None
        result = standings(plan_fold, today=self.today(), as_of=moment.as_of,
                           known_at=moment.known_at, position=self.fold(moment).position)
        self._standings[key] = result
        while len(self._standings) > self.CACHE * 2:
            self._standings.popitem(last=False)
        return result

    def trend_ready(self, moment: Moment | None = None) -> bool:
        """Whether the trend of the moment is computed already (so drawing it is instant)."""
        moment = self.moment if moment is None else moment
        plan = self.plan
        if plan is None:
            return True
        last = moment.as_of or self.today()
        return all((Moment(end, moment.known_at), self.live.position) in self._standings
                   for end in quarter_ends(plan.year) if end <= last)

    def trend(self, moment: Moment | None = None) -> list[tuple[dt.date, Standings]]:
        """The standings at each quarter end of the plan year up to the moment viewed."""
        moment = self.moment if moment is None else moment
        plan = self.plan
        if plan is None:
            return []
        last = moment.as_of or self.today()
        out = []
        for end in quarter_ends(plan.year):
            if end > last:
                break
            s = self.standings(Moment(end, moment.known_at))
            if s is not None:
                out.append((end, s))
        return out

    # -- the signed-in user --------------------------------------------------------
    @property
    def user(self) -> UserInfo | None:
        return self.live.users.get(self.actor)

    @property
    def section(self) -> str:
        user = self.user
        return user.section if user else ""

    @property
    def section_only(self) -> bool:
        """Whether every role the user holds is bound to their own section."""
        user = self.user
        return bool(user and user.roles and set(user.roles) <= SECTION_BOUND)

    def can(self, command: str) -> bool:
        user = self.user
        return bool(user and set(user.roles) & set(PERMISSIONS[command]))

    def may_see(self, section: str) -> bool:
        return not self.section_only or section == self.section

    def section_name(self, section: str) -> str:
        plan = self.plan
        if plan is None:
            return section
        return next((s.name for s in plan.sections if s.id == section), section)

    def section_short(self, section: str) -> str:
        """A section's name without the county prefix the unit carries (安溪县生产力促进中心 -> 生产力促进中心)."""
        name = self.section_name(section)
        plan = self.plan
        if plan is not None:
            for mark in ("县", "市", "区"):
                cut = plan.unit.find(mark)
                if 0 < cut and name.startswith(plan.unit[:cut + 1]) and len(name) > cut + 1:
                    return name[cut + 1:]
        return name

    def person_name(self, person: str) -> str:
        user = self.live.users.get(person)
        return user.name if user else person

    # -- reading stored events ----------------------------------------------------
    def event_at(self, position: int) -> ev.Event:
        return self.ledger.event_at(position)[1]

    def events_at(self, positions: list[int]) -> dict[int, ev.Event]:
        """Stored events by position."""
        return {p: e for p, (_, e) in read_at(self.log, positions).items()}

    def audit_trail(self) -> AuditTrail:
        """The ledger's audit trail (its table beside the ledger or in its database)."""
        return AuditTrail(self.ledger.store.audit_index())

    def reader(self) -> Any:
        """The read-back function the projections take: positions -> {position: (originator, event)}."""
        return lambda positions: read_at(self.log, positions)
