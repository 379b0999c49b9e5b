"""A realistic evaluation year, recorded through the ledger's own commands.

The plan's people do what the plan describes: the office loads the plan in September
and assigns every indicator; sections report the first two quarters late in September
(back-dated to the quarter ends), the third in early October and the fourth in early
January; evidence is attached; the county's performance office records findings by each
of the six inspection methods and the sections rectify or appeal them; the leadership
adds bonuses and deductions, voids a mistaken one, and awards tiers in January; reports
are filed on or just after their deadlines. Every action goes through `Ledger`, so every
rule and permission is checked, and a settable clock steps through the year so recorded
times fall where they would have.

`generate(store, seed=..., units=N, years=Y)` scales the same story to a county: N units,
each with its own plan (and people), for Y consecutive years, interleaved in time.
The same seed gives the same ledger.
"""


from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from domain.commands import Ledger
from domain.demo_material import Action, Content, DemoClock, DemoStats, at, unit_plan
from domain.demo_story import YearStory
from domain.plan import Plan
from domain.plan_io import bundled_plan
from domain.ports import EventStore

__all__ = ["DemoClock", "DemoStats", "at", "generate", "unit_plan"]


def generate(store: EventStore, *, seed: int = 2021, units: int = 1, years: int = 1, plan: Plan | None = None,
             content: Content | None = None, progress: Callable[[int, int], None] | None = None) -> DemoStats:
    """Record a generated county's years into an opened store (a new or empty ledger's;
    `store.open_store(db)`); the caller closes it."""
    base = plan or bundled_plan()
    clock = DemoClock(at(dt.date(base.year, 9, 15), 8))
    stats = DemoStats(units=units, years=years)
    actions: list[Action] = []
    for y in range(years):
        for k in range(units):
            rng = random.Random(f"{seed}:{k}:{y}")
            unit = unit_plan(base, k, y, rng)
            ledger = Ledger(store, clock=clock, plan=(unit.unit, unit.year))
            actions += YearStory(ledger, unit, k, rng, content).build()
            stats.plans.append((unit.unit, unit.year))
    actions.sort()
    start = store.head()
    for n, action in enumerate(actions, start=1):
        clock.now = action.moment
        action.run()
        if progress is not None:
            progress(n, len(actions))
    stats.actions = len(actions)
    stats.events = store.head() - start
    return stats
