"""Events in words: a label per kind and a one-line summary of what each event says.

Shared by the work ledger and the audit trail, so an event reads the same everywhere.
Summaries are plain text (user text is data, never markup).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain import events as ev

KIND_LABELS: dict[str, str] = {
    "UserRegistered": "登记用户",
    "RoleGranted": "授予角色",
    "RoleRevoked": "撤销角色",
    "KeyAdded": "添加密钥",
    "KeyRevoked": "撤销密钥",
    "PlanRegistered": "登记方案",
    "PlanLoaded": "载入方案",
    "IndicatorAdded": "增设指标",
    "IndicatorRevised": "修订指标",
    "IndicatorWithdrawn": "撤销指标",
    "TierTableChanged": "修订定档分值表",
    "DeadlinesChanged": "修订报送节点",
    "PlanApproved": "方案批复",
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
}

ADJUSTMENT_LABELS = {"bonus": "加分", "deduction": "扣分", "veto": "一票否决"}
OUTCOME_LABELS = {"rectified": "已整改", "appeal-upheld": "申诉成立", "appeal-rejected": "申诉驳回"}
SOURCE_LABELS = {"city-on-county": "市对县", "county-on-unit": "县对单位", "internal": "内部"}
OUTCOME_LABELS_EN = {"rectified": "rectified", "appeal-upheld": "appeal upheld",
                     "appeal-rejected": "appeal rejected"}
SOURCE_LABELS_EN = {"city-on-county": "city on county", "county-on-unit": "county on unit",
                    "internal": "internal"}
REPORT_LABELS = {
    "plan": "绩效评估工作方案",
    "decomposition": "重点工作任务分解情况表",
    "data_collection": "绩效考核数据采集内容和责任分工",
    "contacts": "负责人和联络员登记表",
    "quarterly": "季度报表",
    "half_year_summary": "上半年绩效评估工作总结",
    "annual_summary": "年度绩效评估工作总结",
    "self_inspection": "自查报告",
    "internal_evaluation": "内部考评方案和结果",
}
QUARTERS = {"1": "第一季度", "2": "第二季度", "3": "第三季度", "4": "第四季度"}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def period_label(period: str) -> str:
    """2021Q3 -> 2021年第三季度."""
    if len(period) == 6 and period[4] == "Q":
        return f"{period[:4]}年{QUARTERS.get(period[5], period[5])}"
    return period


def report_label(report: str, period: str = "") -> str:
    label = REPORT_LABELS.get(report, report)
    return f"{period_label(period)}{label}" if period else label


def points(value: Decimal) -> str:
    """Points as written in reports: two decimals."""
    return f"{value:.2f}"


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summary(event: ev.Event, names: dict[str, str] | None = None, lang: str = "zh") -> str:
    """What the event says, in one line of plain text (ids shown as names when given);
    in Chinese, or in English with lang="en". User text (notes, remarks) is kept as typed."""
    if lang == "en":
        return _summary_en(event, names)
    name = (lambda key: names.get(key, key)) if names else (lambda key: key)
    match event:  # the most frequent kinds first: a match tries its cases in order
        case ev.ProgressReported():
            text = f"{event.period} 累计 {event.percent}%"
            return f"{text}：{_clip(event.done, 60)}" if event.done else text
        case ev.EvidenceAttached():
            return f"{event.file_name}（{event.size} 字节，SHA-256 {event.sha256[:12]}…）"
        case ev.UserRegistered():
            return f"{event.user} {event.name} {event.title}".strip()
        case ev.RoleGranted() | ev.RoleRevoked():
            return f"{event.user}: {event.role_name}"
        case ev.KeyAdded() | ev.KeyRevoked():
            return f"{event.user}: {event.fingerprint}"
        case ev.PlanRegistered():
            return f"{event.unit} {event.year}"
        case ev.PlanLoaded():
            n = sum(1 for _ in event.plan.walk())
            return f"{event.plan.title}（{n} 项指标）"
        case ev.IndicatorAdded():
            where = f"（{event.parent} 下）" if event.parent else ""
            return f"{event.indicator.id} {event.indicator.name} {points(event.indicator.points)} 分{where}"
        case ev.IndicatorRevised():
            return f"{event.indicator.id} {event.indicator.name} {points(event.indicator.points)} 分"
        case ev.IndicatorWithdrawn():
            return event.indicator_id
        case ev.TierTableChanged():
            return "、".join(t.name for t in event.tiers)
        case ev.DeadlinesChanged():
            return "、".join(f"{d.name} {d.due}" for d in event.deadlines)
        case ev.PlanApproved():
            return event.approval
        case ev.Assigned():
            parts = [f"股室 {name(event.section)}", f"分管 {name(event.leader)}", f"承办 {name(event.handler)}"]
            if event.liaison:
                parts.append(f"联络 {name(event.liaison)}")
            if event.deadline:
                parts.append(f"时限 {event.deadline}")
            return "，".join(parts)
        case ev.SelfAssessed():
            return f"自评 {event.tier}"
        case ev.TierAwarded():
            return f"定档 {event.tier}，得 {points(event.points)} 分"
        case ev.Adjusted():
            label = ADJUSTMENT_LABELS.get(event.adjustment, event.adjustment)
            sign = "+" if event.adjustment == "bonus" else "-" if event.adjustment == "deduction" else ""
            amount = f" {sign}{points(event.amount)}" if event.adjustment != "veto" else ""
            basis = f"（依据：{event.basis}）" if event.basis else ""
            return f"{label}{amount}{basis}"
        case ev.FindingRecorded():
            return (f"{event.method}（{SOURCE_LABELS.get(event.finding_source, event.finding_source)}）"
                    f"{event.count} 项×{points(event.per_item)}，扣 {points(event.deduction)} 分"
                    + (f"：{_clip(event.description, 50)}" if event.description else ""))
        case ev.FindingResolved():
            text = f"v{event.finding} {OUTCOME_LABELS.get(event.outcome, event.outcome)}"
            return f"{text}：{_clip(event.note, 60)}" if event.note else text
        case ev.ReportFiled():
            where = f" {event.section}" if event.section else ""
            return f"{report_label(event.report, event.period)}{where}（摘要 {event.digest[:12]}…）"
        case ev.Sealed():
            return f"封存至 #{event.position}（{event.digest[:12]}…）"
        case ev.AuditRemarked():
            about = f"关于 #{event.about}：" if event.about else ""
            return f"{about}{_clip(event.remark, 70)}"
        case ev.Corrected():
            return f"作废 v{event.voided} {kind_label(event.voided_kind)}"
        case ev.BonusPoolSet():
            return f"{event.year} 年度绩效奖金总额 {Decimal(event.amount_fen) / 100:.2f} 元"
        case ev.InternalMethodSet():
            m = event.method
            w = m.standings_weight
            return (f"差异化比例 {m.share:%}，股室得分 = 得分率×{w} + 领导评分×{1 - w}，"
                    + "、".join(f"{k}={v}" for k, v in m.coefficients.items()))
        case ev.SectionRated():
            return f"股室 {event.section} 评分 {points(event.score)}"
        case ev.StaffRated():
            rating = points(event.score) if event.score is not None else event.grade
            return f"{event.person}（{event.category}）评定 {rating}"
        case ev.InternalResultsLocked():
            return f"结果审定锁定（摘要 {event.digest[:12]}…）"
    return ""


def _summary_en(event: ev.Event, names: dict[str, str] | None) -> str:
    name = (lambda key: names.get(key, key)) if names else (lambda key: key)
    match event:
        case ev.ProgressReported():
            text = f"{event.period} {event.percent}% done"
            return f"{text}: {_clip(event.done, 60)}" if event.done else text
        case ev.EvidenceAttached():
            return f"{event.file_name} ({event.size} bytes, SHA-256 {event.sha256[:12]}…)"
        case ev.UserRegistered() | ev.RoleGranted() | ev.RoleRevoked() | ev.KeyAdded() | ev.KeyRevoked() \
                | ev.PlanRegistered() | ev.IndicatorWithdrawn() | ev.PlanApproved():
            return summary(event, names)  # ids, names and numbers only: the same in both
        case ev.TierTableChanged():
            return ", ".join(t.name for t in event.tiers)
        case ev.DeadlinesChanged():
            return ", ".join(f"{d.name} {d.due}" for d in event.deadlines)
        case ev.AuditRemarked():
            about = f"on #{event.about}: " if event.about else ""
            return f"{about}{_clip(event.remark, 70)}"
        case ev.PlanLoaded():
            n = sum(1 for _ in event.plan.walk())
            return f"{event.plan.title} ({n} indicators)"
        case ev.IndicatorAdded():
            where = f" (under {event.parent})" if event.parent else ""
            return f"{event.indicator.id} {event.indicator.name} {points(event.indicator.points)} points{where}"
        case ev.IndicatorRevised():
            return f"{event.indicator.id} {event.indicator.name} {points(event.indicator.points)} points"
        case ev.Assigned():
            parts = [f"section {name(event.section)}", f"leader {name(event.leader)}",
                     f"handler {name(event.handler)}"]
            if event.liaison:
                parts.append(f"liaison {name(event.liaison)}")
            if event.deadline:
                parts.append(f"due {event.deadline}")
            return ", ".join(parts)
        case ev.SelfAssessed():
            return f"self-assessed {event.tier}"
        case ev.TierAwarded():
            return f"tier awarded {event.tier}, {points(event.points)} points"
        case ev.Adjusted():
            if event.adjustment == "veto":
                label = "veto"
            else:
                label = f"{event.adjustment} {'+' if event.adjustment == 'bonus' else '-'}{points(event.amount)}"
            return f"{label} (basis: {event.basis})" if event.basis else label
        case ev.FindingRecorded():
            return (f"{event.method} ({SOURCE_LABELS_EN.get(event.finding_source, event.finding_source)}) "
                    f"{event.count} × {points(event.per_item)}, -{points(event.deduction)} points"
                    + (f": {_clip(event.description, 50)}" if event.description else ""))
        case ev.FindingResolved():
            text = f"v{event.finding} {OUTCOME_LABELS_EN.get(event.outcome, event.outcome)}"
            return f"{text}: {_clip(event.note, 60)}" if event.note else text
        case ev.ReportFiled():
            where = f" {event.section}" if event.section else ""
            period = f" {event.period}" if event.period else ""
            return f"{event.report}{period}{where} (digest {event.digest[:12]}…)"
        case ev.Sealed():
            return f"sealed up to #{event.position} ({event.digest[:12]}…)"
        case ev.Corrected():
            return f"voids v{event.voided} ({event.voided_kind})"
        case ev.BonusPoolSet():
            return f"{event.year} performance bonus pool {Decimal(event.amount_fen) / 100:.2f} yuan"
        case ev.InternalMethodSet():
            m = event.method
            w = m.standings_weight
            return (f"differentiated share {m.share:%}, section score = standing rate×{w} + leaders' rating×"
                    f"{1 - w}, " + ", ".join(f"{k}={v}" for k, v in m.coefficients.items()))
        case ev.SectionRated():
            return f"section {event.section} rated {points(event.score)}"
        case ev.StaffRated():
            rating = points(event.score) if event.score is not None else event.grade
            return f"{event.person} ({event.category}) rated {rating}"
        case ev.InternalResultsLocked():
            return f"results approved and locked (digest {event.digest[:12]}…)"
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
