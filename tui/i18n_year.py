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
    "hint.meeting": ("如 2021年第9次局务会；会议记录中为会议类型",
                     "e.g. the bureau meeting; for a meeting record: its kind"),
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
    # the follow-up's status
    "fu.open": ("未办结", "open"),
    "fu.late": ("逾期未办结", "late, open"),
    "fu.done": ("按期办结", "done on time"),
    "fu.done_late": ("逾期办结", "done late"),
}

YEAR_KINDS: dict[str, tuple[str, str]] = {
    "PlanSubmitted": ("方案报审", "plan submitted"),
    "PlanPublished": ("方案印发", "plan published"),
    "MeetingRecorded": ("会议记录", "meeting recorded"),
    "DecisionRecorded": ("会议决定", "decision recorded"),
    "FollowUpCompleted": ("事项办结", "item completed"),
}
