"""The catalogue's words for the plan's way into force and for meetings and their follow-up:
the forms' fields and choices, the event kinds and the audit detail's fields (merged into
the one catalogue by tui/i18n.py)."""

from __future__ import annotations

YEAR_LABELS: dict[str, tuple[str, str]] = {
    # entry kinds and their fields
    "kind.submit_plan": ("方案报审", "Submit the plan"),
    "kind.approve_plan": ("方案批复", "Plan approval"),
    "kind.publish_plan": ("方案印发", "Publish the plan"),
    "kind.record_meeting": ("会议记录", "Meeting"),
    "kind.record_decision": ("会议决定事项", "Decision of a meeting"),
    "kind.complete_follow_up": ("事项办结", "Item completed"),
    "f.meeting": ("会议", "Meeting"),
    "f.subject": ("会议名称", "Subject"),
    "f.meeting_date": ("审议日期", "Meeting date"),
    "f.date": ("日期", "Date"),
    "f.approval": ("批复文号", "Approval reference"),
    "f.approver": ("批复单位", "Approved by"),
    "f.notice": ("印发文号", "Notice number"),
    "f.openness": ("公开方式", "Openness"),
    "f.channels": ("公开渠道", "Channels"),
    "f.attendees": ("参会人员", "Attendees"),
    "f.minutes": ("会议纪要", "Minutes"),
    "f.decision": ("决定类型", "Decision"),
    "f.matter": ("事项", "Matter"),
    "f.due": ("完成期限", "Due"),
    "hint.attendees": ("人员账号，以“；”分隔", "user ids, separated by ;"),
    "hint.channels": ("以“；”分隔", "separated by ;"),
    "opt.quarterly-analysis": ("季度分析会", "quarterly analysis meeting"),
    "opt.half-year": ("半年汇报会", "half-year report meeting"),
    "opt.year-end": ("年终总结会", "year-end summary meeting"),
    "opt.notice": ("通报", "notice"),
    "opt.accountability": ("问责", "accountability"),
    "opt.rectification": ("整改", "rectification"),
    # the audit detail's fields
    "ev.meeting": ("会议", "Meeting"),
    "ev.meeting_date": ("审议日期", "Meeting date"),
    "ev.approver": ("批复单位", "Approved by"),
    "ev.notice": ("印发文号", "Notice number"),
    "ev.openness": ("公开方式", "Openness"),
    "ev.channels": ("公开渠道", "Channels"),
    "ev.attendees": ("参会人员", "Attendees"),
    "ev.minutes": ("会议纪要", "Minutes"),
    "ev.decision": ("决定（事件版本）", "Decision"),
    "ev.matter": ("事项", "Matter"),
    "ev.due": ("完成期限", "Due"),
    "ev.note": ("备注", "Note"),
    # the overview
    "st.plan_status": ("方案", "Plan"),
    "st.follow_ups": ("会议决定事项：未办结 {n} 项，逾期 {late} 项", "Meeting items: {n} open, {late} late"),
    "st.no_follow_ups": ("没有未办结的事项", "no open items"),
}

YEAR_KINDS: dict[str, tuple[str, str]] = {
    "PlanSubmitted": ("方案报审", "plan submitted"),
    "PlanPublished": ("方案印发", "plan published"),
    "MeetingRecorded": ("会议记录", "meeting recorded"),
    "DecisionRecorded": ("会议决定", "decision recorded"),
    "FollowUpCompleted": ("事项办结", "item completed"),
}
