"""Roles and what each may do: the one authorisation table every interface shares.

Clerks and section heads act only on their own section's indicators; the leadership
group and its office run the plan, award tiers and adjust scores; the performance
office records findings; the supervisory group writes only audit remarks and seals;
admins manage users.
"""

from __future__ import annotations

from typing import Final

from domain.aggregates import User
from domain.errors import JixiaoError, fail

ROLES: Final = ("admin", "leader", "office", "section_head", "clerk", "supervisor",
                "performance_office")
SECTION_BOUND: Final = frozenset({"clerk", "section_head"})

# command -> roles allowed, in the order a role is chosen to act in
PERMISSIONS: Final[dict[str, tuple[str, ...]]] = {
    "load_plan": ("office", "leader", "admin"),
    "change_plan": ("office", "leader"),
    "submit_plan": ("office", "leader"),  # after the 局务会审议
    "approve_plan": ("performance_office", "admin"),  # 县人社局's approval, recorded by its assessor
    "publish_plan": ("office",),  # the notice is issued by the office (印发)
    "assign": ("office", "leader"),
    "report_progress": ("clerk", "section_head"),
    "attach_evidence": ("clerk", "section_head"),
    "self_assess": ("section_head", "clerk"),
    "award_tier": ("leader", "office"),
    "adjust": ("leader", "office"),
    "record_finding": ("performance_office", "office", "leader"),
    "rectify_finding": ("clerk", "section_head", "office"),
    "decide_appeal": ("performance_office",),
    "file_report": ("section_head", "clerk", "office", "leader"),
    "audit_remark": ("supervisor",),
    "seal": ("supervisor", "admin"),
    "manage_users": ("admin",),
    "set_contact": ("office", "admin"),
    "internal_evaluation": ("leader", "office"),
    "record_meeting": ("office", "leader"),
    "complete_follow_up": ("section_head", "clerk", "office", "leader"),
}

# which event kind each command writes (for corrections: who may void what)
COMMAND_OF_KIND: Final[dict[str, str]] = {
    "Assigned": "assign",
    "ProgressReported": "report_progress",
    "EvidenceAttached": "attach_evidence",
    "SelfAssessed": "self_assess",
    "TierAwarded": "award_tier",
    "Adjusted": "adjust",
    "FindingRecorded": "record_finding",
    "FindingResolved": "rectify_finding",
    "ReportFiled": "file_report",
    "AuditRemarked": "audit_remark",
    "SectionRated": "internal_evaluation",
    "StaffRated": "internal_evaluation",
    "InternalResultsLocked": "internal_evaluation",
    "MeetingRecorded": "record_meeting",
    "DecisionRecorded": "record_meeting",
    "FollowUpCompleted": "complete_follow_up",
}


def authorise(user: User | None, command: str, section: str | None = None,
              allowed: tuple[str, ...] | None = None) -> str:
    """The role `user` acts in for `command` (on an indicator of `section`), or a refusal.

    `allowed` narrows the roles further (e.g. only the performance office decides appeals).
    """
    if user is None:
        raise fail("auth.unknown_user")
    if not user.roles:
        raise fail("auth.no_roles", user=user.id)
    permitted = allowed if allowed is not None else PERMISSIONS[command]
    if section is None:  # nothing section-bound: act in a unit-wide role when one is held
        permitted = tuple(sorted(permitted, key=lambda r: r in SECTION_BOUND))
    wrong_section = False
    for role in permitted:
        if role not in user.roles:
            continue
        if role in SECTION_BOUND and (section is None or section != user.section):
            wrong_section = True  # a section's role acts only on that section's entries
            continue
        return role
    if wrong_section:
        raise fail("auth.wrong_section", user=user.id, section=section or "—",
                   own=user.section or "—")
    raise fail("auth.refused", user=user.id, roles=",".join(user.roles), command=command)


def is_refusal(error: JixiaoError) -> bool:
    return any(p.code.startswith("auth.") for p in error.problems)
