"""The widgets and text helpers every screen shares, one module per feature:

- `format`: literal text, points, bars, sparklines, fixed columns, status styles;
- `inputs`: the form input and dropdown (`LedgerInput`, `LedgerSelect`);
- `banners`: the identity bar and the moment banner above every screen.

The names are importable from here too.
"""

from tui.widgets.banners import IdentityBar, MomentBanner
from tui.widgets.format import BLOCKS, STATUS_STYLE, bar, columns, lit, points, size_text, sparkline
from tui.widgets.inputs import LedgerInput, LedgerSelect

__all__ = ["BLOCKS", "STATUS_STYLE", "IdentityBar", "LedgerInput", "LedgerSelect", "MomentBanner", "bar", "columns",
           "lit", "points", "size_text", "sparkline"]
