"""What the generated year is made of: units, names, texts, the settable clock, and
each unit's plan shifted to its year."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec

from domain.localtime import local_zone
from domain.plan import Indicator, Plan

UNITS = ("安溪县教育局", "安溪县财政局", "安溪县农业农村局", "安溪县工业和信息化局", "安溪县自然资源局",
         "安溪县住房和城乡建设局", "安溪县交通运输局", "安溪县水利局", "安溪县商务局",
         "安溪县文化体育和旅游局", "安溪县卫生健康局", "安溪县市场监督管理局", "安溪县统计局",
         "安溪县医疗保障局", "安溪县林业局", "安溪县司法局", "安溪县民政局", "安溪县应急管理局",
         "安溪县生态环境局", "安溪县退役军人事务局")
SURNAMES = "林陈黄王李张刘吴郑谢苏许杨周洪蔡叶曾廖詹"
GIVEN = "志明文丽华建国秀英晓东婉婷雅琼海燕伟强静芳俊杰金龙福安彬鹏"
SHARED_PEOPLE = ("admin", "perf_office")

ACTIONS = {
    "Q1": ["制定年度工作方案并召开部署会", "开展政策宣传和摸底调查", "建立工作台账，明确责任分工"],
    "Q2": ["组织企业申报并完成材料初审", "召开推进会，协调解决存在问题", "开展专项培训和上门服务"],
    "Q3": ["完成申报材料审核推荐", "跟踪项目实施进度，开展中期检查", "配合上级部门开展评审和现场核查"],
    "Q4": ["完成年度目标任务并开展总结", "整理归档全年佐证材料", "配合县绩效办做好年终考评"],
}
PROBLEMS = ["部分企业申报积极性不高", "统计数据口径不一致，需进一步核实", "工作人员力量不足，任务较重",
            "项目推进受疫情影响有所滞后", "部分佐证材料收集不及时", ""]
NEXT_STEPS = ["加强政策宣传，主动上门服务", "加强与统计、税务部门沟通对接", "倒排工期，确保按期完成",
              "完善台账管理，及时收集佐证材料", "强化督促检查，压实工作责任"]
DOCUMENTS = ["工作方案", "会议纪要", "培训签到表", "统计报表", "现场照片", "通知文件", "验收报告"]
LIAISONS = {"office": "suzhipeng", "business": "xiewanting", "center": "liuyuqin"}
HEADS = {"office": "huangyaqiong", "business": "linzefu", "center": "chenwencai"}

Content = Callable[..., Any]


class DemoClock:
    """The clock the demo's ledger reads: set to each action's moment in turn."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass(order=True)
class Action:
    moment: dt.datetime
    order: tuple[int, int, int]
    run: Callable[[], Any] = field(compare=False)
    what: str = field(compare=False, default="")


@dataclass
class DemoStats:
    units: int = 0
    years: int = 0
    actions: int = 0
    events: int = 0
    plans: list[tuple[str, int]] = field(default_factory=list)


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A business-time moment (Beijing) as the UTC time the ledger records."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, second,
                       tzinfo=local_zone()).astimezone(dt.UTC)


def _shift(day: dt.date | None, years: int) -> dt.date | None:
    return day.replace(year=day.year + years) if day is not None else None


def unit_plan(base: Plan, k: int, years: int, rng: random.Random) -> Plan:
    """The plan of the k-th unit of the county in `base.year + years` (unit 0 is `base`'s)."""
    unit = base.unit if k == 0 else (UNITS[(k - 1) % len(UNITS)]
                                     + (f"（{(k - 1) // len(UNITS) + 1}）" if k > len(UNITS) else ""))
    ids = {p.id: p.id if k == 0 or p.id in SHARED_PEOPLE else f"{p.id}_{k:02d}" for p in base.people}
    people = []
    for p in base.people:
        name = p.name if k == 0 or p.id in SHARED_PEOPLE else (rng.choice(SURNAMES) + rng.choice(GIVEN)
                                                               + rng.choice(GIVEN))
        people.append(msgspec.structs.replace(p, id=ids[p.id], name=name))

    def move(ind: Indicator) -> Indicator:
        return msgspec.structs.replace(
            ind, leader=ids.get(ind.leader, ind.leader), handler=ids.get(ind.handler, ind.handler),
            deadline=_shift(ind.deadline, years), children=[move(c) for c in ind.children])

    year = base.year + years
    return msgspec.structs.replace(
        base, unit=unit, year=year, title=base.title.replace(base.unit, unit).replace(str(base.year), str(year)),
        people=people, indicators=[move(i) for i in base.indicators],
        deadlines=[msgspec.structs.replace(d, due=_shift(d.due, years),
                                           reports=[r.replace(str(base.year), str(year)) for r in d.reports])
                   for d in base.deadlines])

