"""Finding a person as people name them: by their name as shown (易婕频), their login id
(yijiepin), or the beginning of either."""

from __future__ import annotations

from collections.abc import Mapping

from domain.errors import fail


def person_of(typed: str, names: Mapping[str, str]) -> str:
    """The login id `typed` names among `names` (login id -> name): an exact id or name
    first, else the one person whose id or name begins with it. Empty stays empty (anyone);
    no one, or several, is refused with who was meant."""
    typed = typed.strip()
    if not typed:
        return ""
    exact = [user for user, name in names.items() if typed in (user, name)]
    if len(exact) == 1:
        return exact[0]
    folded = typed.casefold()
    found = exact or [user for user, name in names.items()
                      if user.casefold().startswith(folded) or name.startswith(typed)]
    if not found:
        raise fail("person.unknown", person=typed)
    if len(found) > 1:
        raise fail("person.ambiguous", person=typed,
                   candidates="、".join(f"{names[u]}（{u}）" for u in sorted(found)[:8]))
    return found[0]
