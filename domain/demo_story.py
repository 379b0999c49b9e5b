"""One unit's evaluation year as dated actions, each a command of the ledger."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from typing import Any

from domain.commands import Ledger
from domain.demo_material import (
    ACTIONS,
    DOCUMENTS,
    HEADS,
    LIAISONS,
    NEXT_STEPS,
    PROBLEMS,
    Action,
    Content,
    at,
)
from domain.demo_office import OfficeWork
from domain.plan import Indicator, Plan


class YearStory(OfficeWork):
    """The actions of one unit's year, each at its moment."""

    def __init__(self, ledger: Ledger, plan: Plan, k: int, rng: random.Random,
                 content: Content | None) -> None:
        self.ledger = ledger
        self.plan = plan
        self.k = k
        self.rng = rng
        self.content = content
        self.y = plan.year
        self.actions: list[Action] = []
        self.positions: dict[str, int] = {}
        suffix = "" if k == 0 else f"_{k:02d}"
        self.who = {name: f"{pid}{suffix}" for name, pid in {
            "linliyan": "linliyan", "yujunwei": "yujunwei", "tangjinlong": "tangjinlong",
            "gongfuan": "gongfuan", "office": "huangyaqiong", "office_clerk": "suzhipeng"}.items()}
        self.heads = {s: f"{p}{suffix}" for s, p in HEADS.items()}
        self.liaisons = {s: f"{p}{suffix}" for s, p in LIAISONS.items()}
        self.people = {p.id: p for p in plan.people}
        self.seq = 0

    # -- scheduling ---------------------------------------------------------------
    def day(self, month: int, day: int, year_offset: int = 0) -> dt.date:
        return dt.date(self.y + year_offset, month, day)

    def when(self, first: dt.date, last: dt.date | None = None, *, hours: tuple[int, int] = (8, 17)) -> dt.datetime:
        last = last or first
        span = (last - first).days
        day = first + dt.timedelta(days=self.rng.randint(0, span))
        return at(day, self.rng.randint(*hours), self.rng.randint(0, 59), self.rng.randint(0, 59))

    def add(self, moment: dt.datetime, run: Callable[[], Any], what: str = "") -> None:
        self.seq += 1
        self.actions.append(Action(moment, (self.k, self.y, self.seq), run, what))

    def remember(self, name: str) -> Callable[[Any], Any]:
        def keep(result: Any) -> Any:
            self.positions[name] = self.ledger.last_positions[-1]
            return result

        return keep

    # -- the year -----------------------------------------------------------------
    def build(self) -> list[Action]:
        lg, plan, who = self.ledger, self.plan, self.who
        self.add(at(self.day(9, 15), 9, self.k % 60), lambda: lg.bootstrap(plan, actor="admin", source="demo"),
                 "init")
        leaves = list(plan.leaves())
        for n, (ind, _) in enumerate(plan.walk()):
            moment = at(self.day(9, 16) + dt.timedelta(days=n * 8 // len(list(plan.walk()))),
                        9 + n % 8, (7 * n) % 60)
            self.add(moment, self._assign(ind), f"assign {ind.id}")
        self._approval()

        finals = {ind.id: (100 if self.rng.random() < 0.85 else self.rng.choice((80, 85, 90, 95)))
                  for ind, _ in leaves}
        windows = {"Q1": (self.day(9, 24), self.day(9, 27)), "Q2": (self.day(9, 27), self.day(9, 29)),
                   "Q3": (self.day(10, 8), self.day(10, 10)), "Q4": (self.day(1, 2, 1), self.day(1, 4, 1))}
        shares = {"Q1": (0.1, 0.3), "Q2": (0.35, 0.6), "Q3": (0.6, 0.85), "Q4": (1.0, 1.0)}
        for ind, _ in leaves:
            for q, (first, last) in windows.items():
                low, high = shares[q]
                percent = min(finals[ind.id], round(finals[ind.id] * self.rng.uniform(low, high)))
                if ind.deadline is not None and ind.deadline <= self._quarter_end(q):
                    percent = finals[ind.id]
                moment = self.when(first, last)
                self.add(moment, self._progress(ind, q, percent), f"progress {ind.id} {q}")
                for m in range(self.rng.choice((0, 1, 1, 2))):
                    self.add(moment + dt.timedelta(minutes=5 + m), self._evidence(ind, q, m),
                             f"evidence {ind.id} {q}")

        self.office_forms()
        self._filings()
        self.internal_year()
        self._meetings(leaves)
        self._corrections(leaves)
        self._findings(leaves)
        self._adjustments(leaves)
        self._reassignments(leaves)
        # self-assessment by each section head in late December
        for ind, _ in leaves:
            tier = "一档" if finals[ind.id] == 100 and self.rng.random() < 0.8 else "二档"
            self.add(self.when(self.day(12, 20), self.day(12, 28)), self._self_assess(ind, tier),
                     f"self {ind.id}")
        # tiers awarded by the leadership in January, back-dated to the year's end
        for n, (ind, _) in enumerate(leaves):
            self.add(self.when(self.day(1, 7, 1), self.day(1, 12, 1)), self._award(ind, finals[ind.id], n),
                     f"tier {ind.id}")
        self.add(self.when(self.day(12, 15), hours=(15, 16)), lambda: lg.audit_remark(
            who["gongfuan"], "已审阅第三季度以来的分值变动记录，未发现异常。", source="demo"), "remark")
        return self.actions

    def _approval(self) -> None:
        """局务会审议, 县人社局审核批复, 印发 as 安科〔year〕12号 (此件主动公开)."""
        lg, who = self.ledger, self.who
        approval = f"安人社绩〔{self.y}〕{self.rng.randint(20, 90)}号"
        self.add(at(self.day(9, 24), 16, 10), lambda: lg.submit_plan(
            who["office"], meeting=f"{self.y}年第9次局务会", meeting_date=self.day(9, 23),
            effective=self.day(9, 24), source="demo"), "submit")
        self.add(at(self.day(9, 28), 10, 30), lambda: lg.approve_plan(
            "perf_office", approval, effective=self.day(9, 28), reason="县人社局审核批复", source="demo"), "approve")
        self.add(at(self.day(9, 30), 11, 0), lambda: lg.publish_plan(
            who["office"], notice=f"安科〔{self.y}〕12号", openness="主动公开", channels=("单位门户网站", "政务公开栏"),
            effective=self.day(9, 30), source="demo"), "publish")

    def _meetings(self, leaves: list[tuple[Indicator, Indicator | None]]) -> None:
        """The half-year, quarterly and year-end meetings, with their notices and the items
        followed up (one of the year-end meeting's is still open)."""
        lg, who = self.ledger, self.who
        leadership = [who["linliyan"], who["yujunwei"], who["tangjinlong"], who["office"]]
        attendees = (*leadership, *self.heads.values())
        # no random draw here: the rest of the year's draws stay as they were
        slow = next((i for i, _ in leaves if i.section == "center"), leaves[0][0])
        meetings = [  # kind, day, minutes, decisions: (kind, matter, indicator, section, person, due, done)
            ("half-year", self.day(9, 29), "听取各股室上半年绩效目标落实情况汇报，部署下半年工作。",
             [("notice", "通报上半年绩效目标完成情况", "", "", "", None, None)]),
            ("quarterly-analysis", self.day(10, 13), "分析第三季度各项指标进度，生产力促进中心季度报表逾期报送。",
             [("notice", "通报第三季度指标进度", "", "", "", None, None),
              ("rectification", f"{slow.id} 进度滞后，限期整改", slow.id, "", self.heads["center"],
               self.day(10, 31), self.day(10, 28)),
              ("accountability", "第三季度报表逾期报送，责成说明原因", "", "center", self.heads["center"],
               self.day(10, 20), self.day(10, 22))]),
            ("year-end", self.day(1, 6, 1), "总结全年绩效评估工作，研究察访核验问题整改。",
             [("rectification", "察访核验问题整改台账归档", "", "office", self.liaisons["office"],
               self.day(1, 31, 1), None)]),
        ]
        for n, (kind, day, minutes, decisions) in enumerate(meetings):
            name = f"meeting{n}"
            self.add(at(day, 15, 0), lambda kind=kind, day=day, minutes=minutes, name=name: self.remember(name)(
                lg.record_meeting(who["office"], kind, held=day, attendees=attendees, minutes=minutes,
                                  source="demo")), f"meeting {kind}")
            for m, (decision, matter, indicator, section, person, due, done) in enumerate(decisions):
                item = f"{name}.{m}"
                self.add(at(day, 16, m), lambda name=name, item=item, decision=decision, matter=matter,
                         indicator=indicator, section=section, person=person, due=due: self.remember(item)(
                    lg.record_decision(who["office"], self.positions[name], decision, matter=matter,
                                       indicator=indicator, section=section, person=person, due=due,
                                       source="demo")), f"decision {decision}")
                if done is not None:
                    self.add(at(done, 11, 0), lambda item=item, person=person, done=done: lg.complete_follow_up(
                        person, self.positions[item], note="已按会议要求落实", effective=done, source="demo"),
                        f"done {item}")

    def _quarter_end(self, q: str) -> dt.date:
        n = int(q[1])
        return dt.date(self.y, 12, 31) if n == 4 else dt.date(self.y, 3 * n + 1, 1) - dt.timedelta(days=1)

    def _actor_for(self, ind: Indicator) -> str:
        handler = self.people.get(ind.handler)
        if handler is not None and handler.section == ind.section:
            return handler.id
        return self.heads[ind.section]

    def _assign(self, ind: Indicator) -> Callable[[], Any]:
        def run() -> Any:
            return self.ledger.assign(
                self.who["office"], ind.id, section=ind.section, leader=ind.leader, handler=ind.handler,
                liaison=self.liaisons[ind.section], deadline=ind.deadline, milestones=tuple(ind.milestones),
                reason="按方案分解落实", source="demo")

        return run

    def _progress(self, ind: Indicator, q: str, percent: int, *, done: str | None = None) -> Callable[[], Any]:
        period = f"{self.y}{q}"
        end = self._quarter_end(q)
        text = done or f"围绕“{ind.target or ind.name}”，{self.rng.choice(ACTIONS[q])}，累计完成{percent}%。"
        problems = "" if percent >= 100 else self.rng.choice(PROBLEMS)
        steps = "" if percent >= 100 else self.rng.choice(NEXT_STEPS)

        def run() -> Any:
            return self.ledger.report_progress(
                self._actor_for(ind), ind.id, period=period, percent=percent, done=text,
                problems=problems, next_steps=steps, effective=end, source="demo")

        return run

    def _evidence(self, ind: Indicator, q: str, m: int) -> Callable[[], Any]:
        qn = int(q[1])
        start = dt.date(self.y, 3 * qn - 2, 1)
        day = start + dt.timedelta(days=self.rng.randint(0, 85))
        doc = self.rng.choice(DOCUMENTS)
        name = f"{ind.id}_{self.y}{q}_{doc}{m + 1}.pdf"
        digest = hashlib.sha256(f"{self.plan.unit}/{name}/{self.rng.random()}".encode()).hexdigest()
        size = self.rng.randint(40_000, 4_000_000)

        def run() -> Any:
            return self.ledger.attach_evidence(
                self._actor_for(ind), ind.id, file_name=name, sha256=digest, size=size,
                description=f"{ind.name}{doc}", effective=day, source="demo")

        return run

    def _self_assess(self, ind: Indicator, tier: str) -> Callable[[], Any]:
        def run() -> Any:
            return self.ledger.self_assess(self.heads[ind.section], ind.id, tier=tier,
                                           note="对照年度目标逐项自查", source="demo")

        return run

    def _award(self, ind: Indicator, final: int, n: int) -> Callable[[], Any]:
        tier = "一档" if final == 100 else "二档" if final >= 90 else "三档"
        if self.rng.random() < 0.1:
            tier = {"一档": "二档", "二档": "三档", "三档": "四档"}[tier]
        leader = self.who["yujunwei"] if n % 2 else self.who["tangjinlong"]
        year_end = dt.date(self.y, 12, 31)

        def run() -> Any:
            return self.ledger.award_tier(leader, ind.id, tier=tier, reason="年终考评定档",
                                          effective=year_end, source="demo")

        return run

    def _file(self, actor: str, report: str, *, period: str = "", section: str = "",
              moment: dt.datetime) -> None:
        def run() -> Any:
            content: Any = None
            if self.content is not None:
                content = self.content(self.ledger, report, section=section, period=period, actor=actor)
            if content is None:
                content = {"report": report, "unit": self.plan.unit, "year": self.y, "period": period,
                           "section": section}
            return self.ledger.file_report(actor, report, content=content, period=period,
                                           section=section, reason="按期报送", source="demo")

        self.add(moment, run, f"file {report} {period} {section}")

    def _filings(self) -> None:
        office = self.who["office"]
        y = self.y
        for q in ("Q1", "Q2"):
            for n, section in enumerate(("business", "center", "office")):
                self._file(self.heads[section], "quarterly", period=f"{y}{q}", section=section,
                           moment=at(self.day(9, 29), 15 + n, 10 * (q == "Q2")))
            self._file(office, "quarterly", period=f"{y}{q}", moment=at(self.day(9, 30), 10, 5 * (q == "Q2")))
        for n, report in enumerate(("plan", "decomposition", "contacts", "half_year_summary")):
            self._file(office, report, moment=at(self.day(9, 30), 14, 10 * n))
        self._file(office, "data_collection", moment=at(self.day(10, 9), 9, 30))  # a day late
        # the third quarter: the center files two days late, so the unit's summary is late too
        q3 = {"business": self.day(10, 8), "office": self.day(10, 9), "center": self.day(10, 12)}
        for section, day in q3.items():
            self._file(self.heads[section], "quarterly", period=f"{y}Q3", section=section, moment=at(day, 16))
        self._file(office, "quarterly", period=f"{y}Q3", moment=at(self.day(10, 12), 17))
        q4 = {"business": self.day(1, 4, 1), "center": self.day(1, 5, 1), "office": self.day(1, 5, 1)}
        for section, day in q4.items():
            self._file(self.heads[section], "quarterly", period=f"{y}Q4", section=section, moment=at(day, 11))
        self._file(office, "quarterly", period=f"{y}Q4", moment=at(self.day(1, 5, 1), 15))
        self._file(office, "annual_summary", moment=at(self.day(1, 5, 1), 16))
        self._file(office, "self_inspection", moment=at(self.day(1, 5, 1), 16, 30))
        self._file(office, "internal_evaluation", moment=at(self.day(2, 8, 1), 10))

    def _corrections(self, leaves: list[tuple[Indicator, Indicator | None]]) -> None:
        """A mistyped percent voided and re-reported; evidence on the wrong indicator voided."""
        ind = leaves[self.rng.randrange(len(leaves))][0]
        moment = self.when(self.day(10, 11), self.day(10, 13))
        wrong = self._progress(ind, "Q3", 99, done="录入有误")  # 90 typed as 99
        self.add(moment, lambda: self.remember("wrong_progress")(wrong()), f"wrong progress {ind.id}")
        actor = self._actor_for(ind)
        self.add(moment + dt.timedelta(minutes=20), lambda: self.ledger.correct(
            actor, self.positions["wrong_progress"], reason="进度百分比录入错误，予以作废", source="demo"),
            f"void progress {ind.id}")
        other = leaves[self.rng.randrange(len(leaves))][0]
        wrong_file = self._evidence(other, "Q3", 9)
        moment = self.when(self.day(10, 14), self.day(10, 20))
        self.add(moment, lambda: self.remember("wrong_evidence")(wrong_file()), f"wrong evidence {other.id}")
        actor2 = self._actor_for(other)
        self.add(moment + dt.timedelta(hours=2), lambda: self.ledger.correct(
            actor2, self.positions["wrong_evidence"], reason="佐证材料上传至错误指标", source="demo"),
            f"void evidence {other.id}")

    def _findings(self, leaves: list[tuple[Indicator, Indicator | None]]) -> None:
        """One finding by each of the six methods, then rectifications and appeals."""
        perf = "perf_office"
        picks = self.rng.sample([i for i, _ in leaves], 4)
        plan = [  # method, indicator, count, per item, description, then what happens
            ("明察暗访", picks[0], 2, "0.5", "明察暗访发现窗口服务人员不在岗", "rectified"),
            ("听取汇报", None, 1, "0.2", "汇报材料与实际工作进度不符", "rectified"),
            ("查看资料", picks[1], 3, "0.1", "台账资料不完整，部分佐证材料缺失", "rectified"),
            ("现场调查", picks[2], 1, "0.3", "现场调查项目进度与报送不一致", "appeal-upheld"),
            ("受理投诉", None, 1, "0.5", "群众投诉办事等候时间过长", "rectified"),
            ("电子监察", picks[3], 2, "0.25", "电子监察系统显示办件超时", "appeal-rejected"),
        ]
        for n, (method, ind, count, per_item, description, outcome) in enumerate(plan):
            moment = self.when(self.day(11, 2 + 3 * n), self.day(11, 3 + 3 * n))
            name = f"finding{n}"
            indicator = ind.id if ind is not None else ""

            def record(method: str = method, indicator: str = indicator, count: int = count,
                       per_item: str = per_item, description: str = description, name: str = name) -> Any:
                result = self.ledger.record_finding(
                    perf, method=method, finding_source="county-on-unit", count=count, per_item=per_item,
                    indicator=indicator, description=description, rectify_by=self.day(11, 30),
                    reason="察访核验", source="demo")
                self.positions[name] = self.ledger.last_positions[-1]
                return result

            self.add(moment, record, f"finding {method}")
            later = moment + dt.timedelta(days=self.rng.randint(5, 12))
            if outcome == "rectified":
                actor = self.heads[ind.section] if ind is not None else self.who["office"]
                self.add(later, lambda name=name, actor=actor: self.ledger.resolve_finding(
                    actor, self.positions[name], outcome="rectified", note="已落实整改并建立长效机制",
                    source="demo"), f"rectify {method}")
            else:
                note = "经复核，申诉理由成立" if outcome == "appeal-upheld" else "经复核，维持原扣分"
                self.add(later, lambda name=name, outcome=outcome, note=note: self.ledger.resolve_finding(
                    perf, self.positions[name], outcome=outcome, note=note, reason="申诉复核",
                    source="demo"), f"appeal {method}")
        # an internal check by the office
        ind = self.rng.choice([i for i, _ in leaves if i.section == "office"] or [leaves[0][0]])
        self.add(self.when(self.day(12, 1), self.day(12, 3)), lambda: self.ledger.record_finding(
            self.who["office"], method="查看资料", finding_source="internal", count=1, per_item="0.1",
            indicator=ind.id, description="内部检查发现会议记录未及时归档", reason="内部检查",
            source="demo"), "internal finding")

    def _adjustments(self, leaves: list[tuple[Indicator, Indicator | None]]) -> None:
        lg, who = self.ledger, self.who
        y = self.y
        self.add(self.when(self.day(12, 8)), lambda: lg.adjust(
            who["linliyan"], "bonus", "1.00", reason="工作获市级通报表扬",
            basis=f"泉州市科学技术局通报（泉科〔{y}〕88号）", source="demo"), "bonus")
        self.add(self.when(self.day(12, 13)), lambda: lg.adjust(
            who["linliyan"], "bonus", "0.50", reason="科技特派员工作获省级表彰", section="center",
            basis=f"福建省科技厅表彰决定（闽科〔{y}〕21号）", source="demo"), "section bonus")
        ind = self.rng.choice([i for i, _ in leaves])
        self.add(self.when(self.day(12, 15)), lambda: lg.adjust(
            who["yujunwei"], "deduction", "0.30", reason="信息报送迟报", indicator=ind.id,
            basis="县绩效办工作通报", source="demo"), "indicator deduction")
        moment = self.when(self.day(12, 16))
        self.add(moment, lambda: self.remember("mistake")(lg.adjust(
            who["yujunwei"], "deduction", "0.50", reason="专项督查发现问题", basis="安溪县专项督查通报",
            source="demo")), "mistaken deduction")
        self.add(moment + dt.timedelta(days=1), lambda: lg.correct(
            who["yujunwei"], self.positions["mistake"], reason="与察访核验扣分重复，予以更正", source="demo"),
            "void deduction")
        self.add(self.when(self.day(12, 20)), lambda: lg.adjust(
            who["linliyan"], "deduction", "0.20", reason="专项督查发现问题整改不到位",
            basis=f"安溪县专项督查通报（安督〔{y}〕5号）", source="demo"), "unit deduction")

    def _reassignments(self, leaves: list[tuple[Indicator, Indicator | None]]) -> None:
        ind = self.rng.choice([i for i, _ in leaves if i.section == "center"] or [leaves[0][0]])
        clerks = [p.id for p in self.plan.people if p.section == ind.section and "clerk" in p.roles
                  and p.id != ind.handler] or [ind.handler]
        handler = self.rng.choice(clerks)

        def run() -> Any:
            return self.ledger.assign(
                self.who["office"], ind.id, section=ind.section, leader=ind.leader, handler=handler,
                liaison=self.liaisons[ind.section], deadline=ind.deadline, milestones=tuple(ind.milestones),
                reason="人员调整，承办人变更", source="demo")

        self.add(self.when(self.day(11, 10), self.day(11, 12)), run, f"reassign {ind.id}")

