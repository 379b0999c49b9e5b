"""Messages of the plan's approval and publication, and of meetings and their follow-up
(merged into the one catalogue, domain/messages.py)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "plan.not_submitted": ("方案尚未报审（局务会审议后报审），不能批复",
                           "the plan has not been submitted (after the bureau meeting): nothing to approve"),
    "plan.already_approved": ("方案已于 {date} 批复（{approval}）；再次批复须先重新报审，并说明理由",
                              "the plan was approved on {date} ({approval}); a second approval needs a "
                              "resubmission first, with its reason"),
    "plan.resubmit_reason": ("方案已于 {date} 报审；重新报审须说明理由（--reason）",
                             "the plan was submitted on {date}; a resubmission needs its reason (--reason)"),
    "plan.not_approved": ("方案尚未批复，不能印发", "the plan is not approved: it cannot be published"),
    "plan.already_published": ("方案已于 {date} 印发（{notice}）；修改后须重新报审、批复",
                               "the plan was published on {date} ({notice}); a change needs a new "
                               "submission and approval"),
    "plan.meeting_after": ("局务会审议日期 {actual} 晚于报审日期 {allowed}",
                           "the bureau meeting on {actual} is after the submission on {allowed}"),
    "plan.approved_before": ("批复日期 {actual} 早于报审日期 {allowed}",
                             "the approval on {actual} is before the submission on {allowed}"),
    "plan.published_before": ("印发日期 {actual} 早于批复日期 {allowed}",
                              "the publication on {actual} is before the approval on {allowed}"),
    "meeting.unknown_attendee": ("参会人员 {person} 不是本方案的人员",
                                 "attendee {person} is not a person of the plan"),
    "meeting.unknown_person": ("责任人 {person} 不是本方案的人员", "the person {person} is not a person of the plan"),
    "meeting.not_meeting": ("#{position} 不是本单位的会议记录", "#{position} is not a meeting of this unit"),
    "meeting.not_decision": ("#{position} 不是会议决定事项", "#{position} is not a decision of a meeting"),
    "meeting.needs_section": ("{decision}事项须写明责任股室（或指标）",
                              "an item of {decision} needs its section (or indicator)"),
    "meeting.needs_person": ("{decision}事项须写明责任人", "an item of {decision} needs its person"),
    "meeting.needs_due": ("{decision}事项须写明完成期限", "an item of {decision} needs its due date"),
    "meeting.due_before": ("完成期限 {actual} 早于会议日期 {allowed}",
                           "the due date {actual} is before the meeting on {allowed}"),
    "meeting.completed": ("#{position} 事项已办结", "item #{position} is already completed"),
    "meeting.notice_only": ("通报事项无须办结", "a notice (通报) has nothing to complete"),
    "meeting.before": ("办结日期 {actual} 早于会议日期 {allowed}",
                       "the completion on {actual} is before the meeting on {allowed}"),
}
