"""The two lines above every screen: who is signed in where, and the moment shown.

Each is handed what it shows (the ledger view, the moment, the language) by the screen
that holds it; neither reaches for the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from tui.i18n import label, role_label
from tui.widgets.format import lit

if TYPE_CHECKING:
    from tui.model import LedgerView, Moment


class IdentityBar(Static):
    """The header: the product, the plan, and who is signed in with role and section."""

    DEFAULT_CSS = """
    IdentityBar { height: 1; background: $primary-background; color: $text; padding: 0 1; }
    """

    _shown: tuple[LedgerView, str] | None = None

    def render_bar(self, view: LedgerView, lang: str) -> None:
        """Who is signed in comes first and the event count last: both stay whole on a narrow
        terminal; the plan between them is cut to the room left."""
        self._shown = (view, lang)
        who = Text()
        user = view.user
        if user is None:
            who.append(view.actor)
        else:
            roles = "、".join(role_label(r, lang) for r in user.roles) or "—"
            who.append(lit(user.name, "bold"))
            who.append(f"（{user.id}）" if lang == "zh" else f" ({user.id})", style="dim")
            who.append(f" · {roles}")
            if user.section:
                who.append(" · ")
                who.append(lit(view.section_short(user.section)))
        count = Text(label("app.events", lang, n=view.position), style="dim")
        plan = view.plan
        middle = lit(f"{plan.unit} {plan.year} · " if plan is not None else "")
        middle.append(label("app.title", lang))
        width = (self.size.width or self.app.size.width) - 2  # the padding
        sep = "  │  "
        room = width - who.cell_len - count.cell_len - 2 * len(sep)
        if room >= 8:
            middle.truncate(room, overflow="ellipsis")
            text = who + Text(sep) + middle + Text(sep) + count
        else:  # only who and the count: the name is cut before the count is
            who.truncate(max(width - count.cell_len - 3, 4), overflow="ellipsis")
            text = who + Text(" │ ") + count
        self.update(text)

    def on_resize(self) -> None:
        if self._shown is not None:
            self.render_bar(*self._shown)


class MomentBanner(Static):
    """A clear banner while the screens show an earlier moment."""

    DEFAULT_CSS = """
    MomentBanner { height: 1; background: $warning; color: $background; text-style: bold;
                   padding: 0 1; display: none; }
    MomentBanner.-past { display: block; }
    """

    def render_banner(self, moment: Moment, lang: str) -> None:
        self.set_class(not moment.now, "-past")
        if not moment.now:
            self.update(Text(label("moment.banner", lang, what=moment.describe(lang))))
        else:
            self.update("")
