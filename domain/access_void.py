"""Who may void an entry: its author, the section head of its section, or the roles above.

A clerk acts on the section's indicators, but a correction undoes somebody's word: a clerk
voids only what that clerk recorded. Section heads (of the entry's section) and the
unit-wide roles allowed the command void any such entry, as before.
"""

from __future__ import annotations

from domain.access import PERMISSIONS, authorise
from domain.aggregates import User
from domain.errors import JixiaoError, fail


def authorise_void(user: User, author: str, command: str, section: str | None,
                   allowed: tuple[str, ...] | None = None) -> str:
    """The role `user` voids an entry recorded by `author` in, or a refusal."""
    permitted = allowed if allowed is not None else PERMISSIONS[command]
    role = authorise(user, command, section, allowed)  # the same refusals as recording
    if role != "clerk" or author == user.id:
        return role
    above = tuple(r for r in permitted if r != "clerk")
    try:
        return authorise(user, command, section, above)
    except JixiaoError:
        raise fail("auth.void_not_author", user=user.id, author=author) from None
