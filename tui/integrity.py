"""The integrity line of the standings: the hash chain, verified in the background."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from typing import TYPE_CHECKING, Any

from domain.errors import JixiaoError, Problem
from store import ChainStatus
from tui.i18n import label

if TYPE_CHECKING:
    from tui.model import LedgerView


async def verify_log(view: LedgerView) -> Any:
    """Recompute the log's hash chain in a child process (`jixiao verify`): seconds of
    hashing on a large log, which must not take the UI's interpreter from the user, nor
    its CPU: one process, at a lower priority than the app."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tui.cli", "--db", view.ledger.db, "--lang", "en", "verify", "--format", "json",
        "--workers", "1", "--low-priority", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL)
    out, err = await proc.communicate()
    try:
        data = json.loads(out.decode().strip().splitlines()[-1])
        names = {f.name for f in dataclasses.fields(ChainStatus)}
        return ChainStatus(**{k: v for k, v in data.items() if k in names})
    except (ValueError, IndexError, TypeError):
        detail = (err.decode(errors="replace").strip().splitlines() or ["?"])[-1]
        return JixiaoError(Problem(code="store.unopenable", params={"detail": detail}))


def integrity_status(view: LedgerView, lang: str) -> tuple[str, str]:
    """("ok" | "bad" | "unknown", text) from the last verification."""
    status = view.chain
    if status is None:
        return "unknown", label("st.integrity_checking", lang)
    if isinstance(status, JixiaoError):
        return "unknown", status.message(lang)
    if status.ok:
        text = label("st.integrity_ok", lang, count=status.count, position=status.position,
                     digest=status.digest[:12])
    else:
        text = status.message(lang)
    if status.ok and view.position > status.position:
        text += label("st.integrity_since", lang, n=view.position - status.position)
    return ("ok" if status.ok else "bad"), text
