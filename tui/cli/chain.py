"""`jixiao verify` and `jixiao seal`: the hash chain for the supervisory group."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import os
import sys
from typing import Any

import msgspec

from domain.commands import Ledger
from domain.errors import fail
from domain.localtime import local_text
from domain.messages import render
from projections.evidence import evidence_in_log
from store import ChainStatus, parse_head, verify
from tui.cli.common import actor_of, lang_of
from tui.cli.common import open_ledger as open_checked
from tui.cli.seals import interval_days, sign_seal, verify_seals
from tui.reports.bundle import BundleStatus, check_bundle
from tui.seal_notice import seal_reminder

chain_log = logging.getLogger("jixiao.chain")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("verify", parents=[common],
                       help="recompute the hash chain: was any event changed, removed, inserted or reordered?")
    p.add_argument("--head", metavar="POS:DIGEST",
                   help="a sealed head (from `jixiao seal`) the log must still extend")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--bundle", metavar="ZIP",
                   help="check a self-inspection bundle offline (no ledger needed): every file against "
                        "its manifest")
    p.add_argument("--workers", type=_workers, metavar="N",
                   help="processes hashing a large SQLite log (default: one per CPU, up to 4)")
    p.add_argument("--low-priority", action="store_true",
                   help="run at a lower CPU priority (as the app's background check does)")
    p.add_argument("--seals", nargs="+", metavar="FILE",
                   help="signed seal files (from `seal --sign`): each must hold against this log")
    p.set_defaults(handler=verify_cmd)

    p = sub.add_parser("seal", parents=[common],
                       help="print the chain's head to sign on paper, and record the seal")
    p.add_argument("--sign", metavar="PRIVATE_KEY_FILE",
                   help="sign the head with this SSH key (supervisory group; its public half registered)")
    p.add_argument("-o", "--output", help="write the signed seal to this file (default: standard output)")
    p.add_argument("--force", action="store_true", help="overwrite the -o file if it exists")
    p.add_argument("--interval-days", type=interval_days, metavar="N",
                   help="remind when the last signed seal is older than N days (default: each quarter)")
    p.set_defaults(handler=seal_cmd)


def _workers(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= 64:
        raise argparse.ArgumentTypeError(f"expected a number of processes from 1 to 64, got {text!r}")
    return n


def _lang(args: argparse.Namespace) -> str:

    return lang_of(args)


def _open(args: argparse.Namespace) -> Ledger:
    return open_checked(args)


def _report(status: ChainStatus, args: argparse.Namespace, damaged: list[dict[str, Any]] | None = None,
            files: int = 0) -> int:
    damaged = damaged or []
    lang = _lang(args)
    if getattr(args, "format", "text") == "json":
        data = dataclasses.asdict(status)
        data["message"] = status.message("en")
        data["ok"] = status.ok and not damaged  # a changed evidence file fails the check too
        data["evidence"] = {"files": files, "damaged": damaged}
        print(msgspec.json.encode(data).decode())
    else:
        print(status.message(lang), file=sys.stdout if status.ok else sys.stderr)
        for bad in damaged:
            print(render("evidence.damaged", lang, sha256=bad["sha256"], indicators="、".join(bad["indicators"])),
                  file=sys.stderr)
        if files and not damaged:
            print(render("evidence.intact", lang, count=str(files)))
    return 0 if status.ok and not damaged else 1


def _evidence_damaged(ledger: Ledger) -> tuple[int, list[dict[str, Any]]]:
    """(the number of kept evidence files, those whose bytes no longer match their digest,
    each with the indicators it was attached to)."""
    checked = list(ledger.store.evidence.check())
    bad = [digest for digest, ok in checked if not ok]
    if not bad:
        return len(checked), []
    attached = evidence_in_log(ledger.store.log)
    return len(checked), [{"sha256": d, "indicators": sorted({i.indicator for i in attached.get(d, [])}) or ["—"]}
                          for d in bad]


def _bundle_report(status: BundleStatus, args: argparse.Namespace) -> int:
    lang = _lang(args)
    if args.format == "json":
        data = dataclasses.asdict(status)
        data["ok"] = status.ok
        print(msgspec.json.encode(data).decode())
    elif status.ok:
        print(render("bundle.intact", lang, count=str(status.files), unit=status.unit, year=str(status.year),
                     digest=status.manifest_sha256))
    else:
        for problem in status.problems:
            print(render(problem["code"], lang, file=problem["file"]), file=sys.stderr)
    return 0 if status.ok else 1


def verify_cmd(args: argparse.Namespace) -> int:
    if args.bundle:  # offline: no ledger is opened
        return _bundle_report(check_bundle(args.bundle), args)
    head = parse_head(args.head) if args.head else None
    if args.low_priority:

        with contextlib.suppress(OSError, AttributeError):  # not where priorities cannot be set
            os.nice(10)
    with _open(args) as ledger:
        if args.seals:
            return verify_seals(args, ledger)
        status = verify(ledger.store, head, workers=args.workers)
        files, damaged = _evidence_damaged(ledger)
    if not status.ok:
        chain_log.warning("verify failed: %s", status.message("en"))
    for bad in damaged:
        chain_log.warning("verify failed: evidence %s changed (%s)", bad["sha256"], ", ".join(bad["indicators"]))
    return _report(status, args, damaged, files)


def seal_cmd(args: argparse.Namespace) -> int:

    actor = actor_of(args)
    with _open(args) as ledger:
        status = verify(ledger.store)
        if not status.ok:
            chain_log.warning("seal refused: actor=%s: %s", actor, status.message("en"))
            raise fail("chain.broken_seal", detail=status.message(_lang(args)))
        if status.position == 0:
            raise fail("ledger.no_event", position=0)
        if args.sign:
            return sign_seal(args, ledger, status, actor)
        event = ledger.seal(actor, status.position, status.digest)
        at = ledger.last_positions[-1] if ledger.last_positions else 0
        due = seal_reminder(ledger, _lang(args), args.interval_days)
    when = local_text(event.timestamp)
    print(f"{status.head_line}  {when}  {event.actor} ({event.role})")
    hint = {"zh": f"签封已记录于位置 {at}；日后核验：jixiao verify --head {status.head_line}",
            "en": f"seal recorded at position {at}; check later with: jixiao verify --head {status.head_line}"}
    print(hint[_lang(args)], file=sys.stderr)
    if due:
        print(due, file=sys.stderr)
    return 0
