"""`jixiao seal --sign KEY` and `jixiao verify --seals FILE...`: seals signed by the
supervisory group with their own SSH keys, and checking them later, off the server's word.

The reminder `seal` prints when a signed seal is due is `tui.seal_notice`'s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

from domain import events as ev
from domain.commands import Ledger
from domain.errors import fail
from domain.messages import render
from domain.seals import MAX_FILE, SealFile, format_seal_file, parse_seal_file, seal_message
from domain.signatures import sign
from projections.seals import check_seals
from store import ChainStatus, verify
from tui.cli.common import destination_of, lang_of
from tui.outfile import deliver_bytes

chain_log = logging.getLogger("jixiao.chain")


def interval_days(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= 3660:
        raise argparse.ArgumentTypeError(f"expected a number of days from 1 to 3660, got {text!r}")
    return n


def sign_seal(args: argparse.Namespace, ledger: Ledger, status: ChainStatus, actor: str) -> int:
    """Sign the verified head with the key file, record the signed seal, write its file."""
    destination = destination_of(args)
    if args.output:
        destination.refuse_early(args.output)
    plan = str(ledger.plan_id(ledger.directory()))
    signature = sign(args.sign, seal_message(plan, status.position, status.digest, actor))
    event = ledger.seal(actor, status.position, status.digest, signature=signature)
    at = ledger.last_positions[-1] if ledger.last_positions else 0
    text = format_seal_file(SealFile(
        plan=plan, position=status.position, digest=status.digest, signer=actor, signature=signature,
        fingerprint=event.fingerprint if isinstance(event, ev.Sealed) else "",
        sealed=event.timestamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")))
    deliver_bytes(text.encode(), args.output, destination)
    print(render("seal.signed", lang_of(args), at=str(at), head=status.head_line), file=sys.stderr)
    return 0


def read_seal(name: str) -> SealFile:
    try:
        with Path(name).open("rb") as handle:
            data = handle.read(MAX_FILE + 1)
    except OSError as exc:
        raise fail("file.unreadable", where=name, detail=exc) from None
    if len(data) > MAX_FILE:
        raise fail("seal.malformed", where=name)
    return parse_seal_file(data.decode("utf-8", errors="replace"), name)


def verify_seals(args: argparse.Namespace, ledger: Ledger) -> int:
    """Every seal file against the log: exit 0 only if every one holds."""
    lang = lang_of(args)
    seals = [(name, read_seal(name)) for name in args.seals]  # a bad file refuses them all
    status = verify(ledger.store, workers=args.workers)
    results = check_seals(ledger.store, ledger.store.log, seals, chain_ok=status.ok,
                          broken_at=status.position, detail=status.message(lang))
    failed = 0
    for result in results:
        text = f"{result.where}: {render(result.code, lang, **result.params)}"
        if result.ok:
            print(text)
        else:
            failed += 1
            chain_log.warning("verify --seals failed: %s: %s", result.where,
                              render(result.code, "en", **result.params))
            print(text, file=sys.stderr)
    if failed:
        return 1
    print(render("seal.files", lang, n=str(len(results))))
    return 0
