"""Events in words: a label per kind and a one-line summary of what each event says.

Shared by the work ledger and the audit trail, so an event reads the same everywhere.
Summaries are plain text (user text is data, never markup).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from domain import events as ev
from domain.catalogue import lookup
from domain.deliverables import REPORT_LABELS

KIND_LABELS: dict[str, str] = {
    "UserRegistered": "登记用户",
    "RoleGranted": "授予角色",
    "RoleRevoked": "撤销角色",
    "KeyAdded": "添加密钥",
    "KeyRevoked": "撤销密钥",
    "AccountBound": "绑定系统账户",
    "AccountUnbound": "解除系统账户",
    "PlanRegistered": "登记方案",
    "PlanLoaded": "载入方案",
    "IndicatorAdded": "增设指标",
    "IndicatorRevised": "修订指标",
    "IndicatorWithdrawn": "撤销指标",
    "TierTableChanged": "修订定档分值表",
    "DeadlinesChanged": "修订报送节点",
    "PlanSubmitted": "方案报审",
    "PlanApproved": "方案批复",
    "PlanPublished": "方案印发",
    "MeetingRecorded": "会议记录",
    "DecisionRecorded": "会议决定",
    "FollowUpCompleted": "事项办结",
    "Assigned": "责任分解",
    "ProgressReported": "报送进度",
    "EvidenceAttached": "上传佐证",
    "SelfAssessed": "自评",
    "TierAwarded": "定档",
    "Adjusted": "加减分",
    "FindingRecorded": "察访核验",
    "FindingResolved": "整改/申诉",
    "ReportFiled": "报送报表",
    "Sealed": "封存",
    "AuditRemarked": "监督意见",
    "Corrected": "更正作废",
    "BonusPoolSet": "设定奖金总额",
    "InternalMethodSet": "设定内部考评办法",
    "SectionRated": "股室评分",
    "StaffRated": "人员评分",
    "InternalResultsLocked": "审定锁定内部考评",
    "ImportedUnverified": "未经核验导入",
    "ContactChanged": "登记联系电话",
    "DataItemsChanged": "修订数据采集表",
}

MEETING_LABELS = {"quarterly-analysis": "季度分析会", "half-year": "半年汇报会", "year-end": "年终总结会"}
MEETING_LABELS_EN = {"quarterly-analysis": "quarterly analysis meeting", "half-year": "half-year report meeting",
                     "year-end": "year-end summary meeting"}
DECISION_LABELS = {"notice": "通报", "accountability": "问责", "rectification": "整改"}
DECISION_LABELS_EN = {"notice": "notice", "accountability": "accountability", "rectification": "rectification"}
ADJUSTMENT_LABELS = {"bonus": "加分", "deduction": "扣分", "veto": "一票否决"}
OUTCOME_LABELS = {"rectified": "已整改", "appeal-upheld": "申诉成立", "appeal-rejected": "申诉驳回"}
SOURCE_LABELS = {"city-on-county": "市对县", "county-on-unit": "县对单位", "internal": "内部"}
OUTCOME_LABELS_EN = {"rectified": "rectified", "appeal-upheld": "appeal upheld",
                     "appeal-rejected": "appeal rejected"}
SOURCE_LABELS_EN = {"city-on-county": "city on county", "county-on-unit": "county on unit",
                    "internal": "internal"}
QUARTERS = {"1": "第一季度", "2": "第二季度", "3": "第三季度", "4": "第四季度"}


def kind_label(kind: str, lang: str = "zh") -> str:
    """An event kind in words, from the catalogue (进度报告 / progress reported)."""
    return lookup(f"event.{kind}", lang) or KIND_LABELS.get(kind, kind)


def period_label(period: str) -> str:
    """2021Q3 -> 2021年第三季度."""
    if len(period) == 6 and period[4] == "Q":
        return f"{period[:4]}年{QUARTERS.get(period[5], period[5])}"
    return period


def report_label(report: str, period: str = "", lang: str = "zh") -> str:
    """A report's name in words, with its quarter: 2021年第三季度季度报表 / quarterly report 2021Q3."""
    label = lookup(f"report.{report}", lang) or REPORT_LABELS.get(report, report)
    if lang == "en":
        return f"{label} {period}".rstrip()
    return f"{period_label(period)}{label}" if period else label


def points(value: Decimal) -> str:
    """Points as written in reports: two decimals."""
    return f"{value:.2f}"


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Words:
    """The words of the summaries in one language: the one place their wording lives
    (templates as functions: a summary is made for every event the audit trail folds)."""

    colon: str
    sep: str
    list: str
    progress: Callable[[str, int], str]
    evidence: Callable[[str, int, str], str]
    plan: Callable[[str, int], str]
    indicator: Callable[[str, str, str], str]
    under: Callable[[str], str]
    duty: tuple[str, str, str, str, str]  # section, leader, handler, liaison, deadline
    self_tier: Callable[[str], str]
    tier: Callable[[str, str], str]
    basis: Callable[[str], str]
    finding: Callable[[str, str, int, str, str], str]
    report: Callable[[str, str, str], str]
    sealed: Callable[[int, str], str]
    about: Callable[[int], str]
    corrected: Callable[[int, str], str]
    pool: Callable[[int, str], str]
    method: Callable[[str, Any, Any], str]
    section_rated: Callable[[str, str], str]
    staff_rated: Callable[[str, str, str], str]
    locked: Callable[[str], str]
    adjustments: dict[str, str]
    sources: dict[str, str]
    outcomes: dict[str, str]


WORDS: dict[str, Words] = {
    "zh": Words(
        colon="：", sep="，", list="、",
        progress=lambda period, percent: f"{period} 累计 {percent}%",
        evidence=lambda file, size, sha: f"{file}（{size} 字节，SHA-256 {sha}…）",
        plan=lambda title, n: f"{title}（{n} 项指标）",
        indicator=lambda id_, name, pts: f"{id_} {name} {pts} 分",
        under=lambda parent: f"（{parent} 下）",
        duty=("股室", "分管", "承办", "联络", "时限"),
        self_tier=lambda tier: f"自评 {tier}",
        tier=lambda tier, pts: f"定档 {tier}，得 {pts} 分",
        basis=lambda basis: f"（依据：{basis}）",
        finding=lambda method, source, count, per, ded: f"{method}（{source}）{count} 项×{per}，扣 {ded} 分",
        report=lambda report, where, digest: f"{report}{where}（摘要 {digest}…）",
        sealed=lambda position, digest: f"封存至 #{position}（{digest}…）",
        about=lambda about: f"关于 #{about}：",
        corrected=lambda voided, kind: f"作废 v{voided} {kind}",
        pool=lambda year, amount: f"{year} 年度绩效奖金总额 {amount} 元",
        method=lambda share, w, rest: f"差异化比例 {share}，股室得分 = 得分率×{w} + 领导评分×{rest}，",
        section_rated=lambda section, score: f"股室 {section} 评分 {score}",
        staff_rated=lambda person, category, rating: f"{person}（{category}）评定 {rating}",
        locked=lambda digest: f"结果审定锁定（摘要 {digest}…）",
        adjustments=ADJUSTMENT_LABELS, sources=SOURCE_LABELS, outcomes=OUTCOME_LABELS),
    "en": Words(
        colon=": ", sep=", ", list=", ",
        progress=lambda period, percent: f"{period} {percent}% done",
        evidence=lambda file, size, sha: f"{file} ({size} bytes, SHA-256 {sha}…)",
        plan=lambda title, n: f"{title} ({n} indicators)",
        indicator=lambda id_, name, pts: f"{id_} {name} {pts} points",
        under=lambda parent: f" (under {parent})",
        duty=("section", "leader", "handler", "liaison", "due"),
        self_tier=lambda tier: f"self-assessed {tier}",
        tier=lambda tier, pts: f"tier awarded {tier}, {pts} points",
        basis=lambda basis: f" (basis: {basis})",
        finding=lambda method, source, count, per, ded: f"{method} ({source}) {count} × {per}, -{ded} points",
        report=lambda report, where, digest: f"{report}{where} (digest {digest}…)",
        sealed=lambda position, digest: f"sealed up to #{position} ({digest}…)",
        about=lambda about: f"on #{about}: ",
        corrected=lambda voided, kind: f"voids v{voided} ({kind})",
        pool=lambda year, amount: f"{year} performance bonus pool {amount} yuan",
        method=lambda share, w, rest: (f"differentiated share {share}, section score = standing rate×{w} + "
                                       f"leaders' rating×{rest}, "),
        section_rated=lambda section, score: f"section {section} rated {score}",
        staff_rated=lambda person, category, rating: f"{person} ({category}) rated {rating}",
        locked=lambda digest: f"results approved and locked (digest {digest}…)",
        adjustments={"bonus": "bonus", "deduction": "deduction", "veto": "veto"},
        sources=SOURCE_LABELS_EN, outcomes=OUTCOME_LABELS_EN),
}


def summary(event: ev.Event, names: dict[str, str] | None = None, lang: str = "zh") -> str:
    """What the event says, in one line of plain text (ids shown as names when given);
    in Chinese, or in English with lang="en". User text (notes, remarks) is kept as typed."""
    en = lang == "en"
    w = WORDS["en" if en else "zh"]
    name = (lambda key: names.get(key, key)) if names else (lambda key: key)
    match event:  # the most frequent kinds first: a match tries its cases in order
        case ev.ProgressReported():
            text = w.progress(event.period, event.percent)
            return f"{text}{w.colon}{_clip(event.done, 60)}" if event.done else text
        case ev.EvidenceAttached():
            return w.evidence(event.file_name, event.size, event.sha256[:12])
        case ev.UserRegistered():
            return f"{event.user} {event.name} {event.title}".strip()
        case ev.RoleGranted() | ev.RoleRevoked():
            return f"{event.user}: {event.role_name}"
        case ev.KeyAdded() | ev.KeyRevoked():
            return f"{event.user}: {event.fingerprint}"
        case ev.AccountBound() | ev.AccountUnbound():
            return f"{event.user}: {event.account}"
        case ev.ContactChanged():
            return f"{name(event.user)}: " + w.list.join(p for p in (event.phone, event.mobile) if p)
        case ev.DataItemsChanged():
            return w.list.join(f"{d.id} {d.item}" for d in event.items) or "—"
        case ev.PlanRegistered():
            return f"{event.unit} {event.year}"
        case ev.PlanLoaded():
            return w.plan(event.plan.title, sum(1 for _ in event.plan.walk()))
        case ev.IndicatorAdded() | ev.IndicatorRevised():
            i = event.indicator
            text = w.indicator(i.id, i.name, points(i.points))
            parent = event.parent if isinstance(event, ev.IndicatorAdded) else ""
            return text + w.under(parent) if parent else text
        case ev.IndicatorWithdrawn():
            return event.indicator_id
        case ev.TierTableChanged():
            return w.list.join(t.name for t in event.tiers)
        case ev.DeadlinesChanged():
            return w.list.join(f"{d.name} {d.due}" for d in event.deadlines)
        case ev.PlanSubmitted():
            return (f"submitted after {event.meeting} of {event.meeting_date}" if en
                    else f"{event.meeting}（{event.meeting_date}）审议后报审")
        case ev.PlanApproved():
            return f"{event.approver} {event.approval}".strip()
        case ev.PlanPublished():
            return f"{event.notice} {event.openness}" if not en else f"published as {event.notice}, {event.openness}"
        case ev.MeetingRecorded():
            kind = (MEETING_LABELS_EN if en else MEETING_LABELS).get(event.meeting, event.meeting)
            people = w.list.join(name(p) for p in event.attendees)
            text = f"{kind} {event.title}".rstrip() + (f" ({people})" if en else f"（{people}）")
            return f"{text}{w.colon}{_clip(event.minutes, 50)}" if event.minutes else text
        case ev.DecisionRecorded():
            kind = (DECISION_LABELS_EN if en else DECISION_LABELS).get(event.decision, event.decision)
            who = w.sep.join(x for x in (event.indicator_id, name(event.section), name(event.person),
                                         str(event.due or "")) if x)
            return f"v{event.meeting} {kind}{w.colon}{_clip(event.matter, 50)}" + (f" [{who}]" if who else "")
        case ev.FollowUpCompleted():
            text = f"v{event.decision} " + ("done" if en else "办结")
            return f"{text}{w.colon}{_clip(event.note, 60)}" if event.note else text
        case ev.Assigned():
            section, leader, handler, liaison, due = w.duty
            parts = [f"{section} {name(event.section)}", f"{leader} {name(event.leader)}",
                     f"{handler} {name(event.handler)}"]
            if event.liaison:
                parts.append(f"{liaison} {name(event.liaison)}")
            if event.deadline:
                parts.append(f"{due} {event.deadline}")
            return w.sep.join(parts)
        case ev.SelfAssessed():
            return w.self_tier(event.tier)
        case ev.TierAwarded():
            return w.tier(event.tier, points(event.points))
        case ev.Adjusted():
            label = w.adjustments.get(event.adjustment, event.adjustment)
            sign = "+" if event.adjustment == "bonus" else "-" if event.adjustment == "deduction" else ""
            amount = f" {sign}{points(event.amount)}" if event.adjustment != "veto" else ""
            return label + amount + (w.basis(event.basis) if event.basis else "")
        case ev.FindingRecorded():
            source = w.sources.get(event.finding_source, event.finding_source)
            return (w.finding(event.method, source, event.count, points(event.per_item), points(event.deduction))
                    + (f"{w.colon}{_clip(event.description, 50)}" if event.description else ""))
        case ev.FindingResolved():
            text = f"v{event.finding} {w.outcomes.get(event.outcome, event.outcome)}"
            return f"{text}{w.colon}{_clip(event.note, 60)}" if event.note else text
        case ev.ReportFiled():
            report = report_label(event.report, event.period, lang)
            return w.report(report, f" {event.section}" if event.section else "", event.digest[:12])
        case ev.Sealed():
            return w.sealed(event.position, event.digest[:12])
        case ev.ImportedUnverified():
            return f"{event.file}: {event.count}"
        case ev.AuditRemarked():
            about = w.about(event.about) if event.about else ""
            return f"{about}{_clip(event.remark, 70)}"
        case ev.Corrected():
            return w.corrected(event.voided, kind_label(event.voided_kind, lang))
        case ev.BonusPoolSet():
            return w.pool(event.year, f"{Decimal(event.amount_fen) / 100:.2f}")
        case ev.InternalMethodSet():
            m = event.method
            return (w.method(f"{m.share:%}", m.standings_weight, 1 - m.standings_weight)
                    + w.list.join(f"{k}={v}" for k, v in m.coefficients.items()))
        case ev.SectionRated():
            return w.section_rated(event.section, points(event.score))
        case ev.StaffRated():
            rating = points(event.score) if event.score is not None else event.grade
            return w.staff_rated(event.person, event.category, rating)
        case ev.InternalResultsLocked():
            return w.locked(event.digest[:12])
    return ""


def effect(event: ev.Event) -> Decimal | None:
    """The raw change in points an event makes, before floors and caps (None: no score)."""
    match event:
        case ev.TierAwarded():
            return event.points
        case ev.Adjusted() if event.adjustment == "bonus":
            return event.amount
        case ev.Adjusted() if event.adjustment == "deduction":
            return -event.amount
        case ev.FindingRecorded():
            return -event.deduction
    return None


def target_of(event: Any) -> str:
    """What an event is about: an indicator, a user, a report, or the unit/plan."""
    indicator = getattr(event, "indicator_id", "")
    if indicator:
        return indicator
    for field in ("user", "report"):
        value = getattr(event, field, "")
        if value:
            return value
    if isinstance(event, ev.IndicatorAdded | ev.IndicatorRevised):
        return event.indicator.id
    return ""
