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

    def render_bar(self, view: LedgerView, lang: str) -> None:
        """Who is signed in comes first: it is what must stay visible on a narrow terminal."""
        text = Text()
        user = view.user
        if user is None:
            text.append(view.actor)
        else:
            roles = "、".join(role_label(r, lang) for r in user.roles) or "—"
            text.append(lit(user.name, "bold"))
            text.append(f"（{user.id}）" if lang == "zh" else f" ({user.id})", style="dim")
            text.append(f" · {roles}")
            if user.section:
                text.append(" · ")
                text.append(lit(view.section_short(user.section)))
        text.append("  │  ")
        plan = view.plan
        if plan is not None:
            text.append(lit(f"{plan.unit} {plan.year}"))
            text.append(" · ")
        text.append(label("app.title", lang))
        text.append(f"  │  #{view.position}", style="dim")
        self.update(text)


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
