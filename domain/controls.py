"""Control characters in people's text: refused when typed, shown escaped when stored.

A note, reason or remark is read later on a supervisor's terminal. An escape sequence
inside it (ESC, OSC, CSI, BEL, a carriage return or backspace, a bidirectional override)
would be obeyed by that terminal: clear the screen, retitle the window, hide or reorder
what is written. So every command refuses such characters on input (`first_control`,
the schemas' `msgspec` patterns), and every text output writes what is already stored
through `shown`, which makes each one visible as `\\x1b`, `\\x07`, `\\u202e`. JSON keeps the
exact text (its encoder escapes control characters itself).
"""

from __future__ import annotations

import re

# C0 except tab and newline, DEL, C1, and the bidirectional embeddings, overrides and isolates
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
# single-line values (names, ids, tiers) refuse tab and newline as well
_LINE_CONTROLS = "\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
CONTROL = re.compile(f"[{_CONTROLS}]")
LINE_CONTROL = re.compile(f"[{_LINE_CONTROLS}]")
# for msgspec.Meta(pattern=...): the whole value is free of them (\Z: no trailing newline slips past)
TEXT_PATTERN = rf"\A[^{_CONTROLS}]*\Z"
LINE_PATTERN = rf"\A[^{_LINE_CONTROLS}]*\Z"


def escaped(char: str) -> str:
    """One control character as it is shown: `\\x1b`, `\\x9b`, `\\u202e`."""
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def first_control(text: str, *, line: bool = False) -> tuple[int, str] | None:
    """The first forbidden character of `text` (its 1-based place and itself), or None.
    `line`: a one-line value, where tab and newline are refused too."""
    match = (LINE_CONTROL if line else CONTROL).search(text)
    return None if match is None else (match.start() + 1, match.group())


def shown(text: str) -> str:
    """`text` safe to write to a terminal: each control character visibly escaped, tab and
    newline kept. The one function every text output (log, reports, the TUI) draws through."""
    if not CONTROL.search(text):
        return text
    return CONTROL.sub(lambda m: escaped(m.group()), text)
