"""The office's part of a demo year beyond scores: the telephone numbers of the register
(附件4), the data-collection table, and the internal evaluation from the bonus pool to
the lock, each through the same commands a user has (`users contact`, `record
data-item`, `internal pool|rate-section|rate|lock`)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from domain.demo_material import Action, at
from domain.plan import Plan

# the city's data items (泉州市下达的绩效考核数据采集内容): item, section, source
DATA_ITEMS = (
    ("全社会研发经费投入强度", "business", "县统计局"),
    ("高新技术企业数量", "business", "省科技厅认定名单"),
    ("科技型中小企业评价入库数", "business", "全国科技型中小企业信息服务平台"),
    ("省级以上创新平台数量", "center", "市科技局备案"),
    ("科技特派员服务乡镇覆盖率", "center", "县生产力促进中心台账"),
)


class OfficeWork:
    """Mixed into the year's story: what it needs is `add`, `ledger`, `plan`, `who`, `rng`."""

    ledger: Any
    plan: Plan
    who: dict[str, str]
    rng: random.Random
    heads: dict[str, str]
    content: Any
    y: int
    people: dict[str, Any]

    def add(self, moment: dt.datetime, run: Callable[[], Any], what: str = "") -> None:
        raise NotImplementedError

    def day(self, month: int, day: int, year_offset: int = 0) -> dt.date:
        raise NotImplementedError

    def _users(self) -> list[str]:
        return [p.id for p in self.plan.people]  # a county's units: the plan's ids carry the unit's suffix

    def office_forms(self) -> None:
        """Telephone numbers before the register is filed; the data items before their table."""
        office = self.who["office"]
        for n, user in enumerate(self._users()):
            phone = f"0595-2328{self.rng.randint(1000, 9999)}"
            mobile = f"139{self.rng.randint(10_000_000, 99_999_999)}"
            self.add(at(self.day(9, 22), 9, n), lambda user=user, phone=phone, mobile=mobile:
                     self.ledger.set_contact(office, user, phone=phone, mobile=mobile, source="demo"),
                     f"contact {user}")
        for n, (item, section, data_source) in enumerate(DATA_ITEMS):
            due = self.day(10 + n % 3, 15)
            person = self.heads.get(section, "")
            self.add(at(self.day(10, 8), 10, n), lambda n=n, item=item, section=section, data_source=data_source,
                     due=due, person=person: self.ledger.set_data_item(
                         office, f"D{n + 1:02d}", item=item, section=section, person=person,
                         data_source=data_source, due=due, source="demo"),
                     f"data item {n + 1}")

    def internal_year(self) -> None:
        """The internal evaluation in late January, locked before it is filed in early February."""
        leader = self.who["yujunwei"]
        lg = self.ledger
        pool = 60_000 + 1_000 * self.rng.randint(0, 40)
        self.add(at(self.day(1, 15, 1), 10), lambda: lg.set_bonus_pool(
            leader, pool, reason=f"{self.y} 年度绩效奖金总额", source="demo"), "internal pool")
        for n, section in enumerate(s.id for s in self.plan.sections):
            score = self.rng.randint(80, 95)
            self.add(at(self.day(1, 18, 1), 9, n), lambda section=section, score=score: lg.rate_section(
                leader, section, score, reason="领导小组评议", source="demo"), f"rate section {section}")
        for n, user in enumerate(self._users()):
            score = self.rng.randint(72, 98)
            self.add(at(self.day(1, 20, 1), 9 + n // 30, n % 30 * 2), lambda user=user, score=score: lg.rate_staff(
                leader, user, score=score, reason="年度考核评议", source="demo"), f"rate {user}")
        lock = getattr(self.content, "lock", None)
        if lock is not None:
            self.add(at(self.day(2, 3, 1), 10), lambda: lock(lg, leader, reason="局党组会议审定"), "internal lock")


__all__ = ["Action", "OfficeWork"]
