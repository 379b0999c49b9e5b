"""`jixiao evidence get SHA256 [-o FILE]`: an evidence file kept in the ledger, byte for byte.

Anyone the ledger lets read (the `--as` claim accepted from this account) may get any
kept file; over SSH the forced command allows `evidence get DIGEST` to standard output.
A digest recorded by an earlier version, whose file was never kept, says so (文件未保存).
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from domain.errors import fail
from projections.evidence import evidence_in_log
from tui.cli.common import destination_of, open_ledger, usage
from tui.outfile import deliver_bytes

DIGEST = re.compile(r"^[0-9a-fA-F]{64}$")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("evidence", parents=[common], help="evidence files kept in the ledger")
    actions = p.add_subparsers(dest="evidence_action", metavar="ACTION")
    p.set_defaults(default_handler=usage(p))
    g = actions.add_parser("get", parents=[common], help="write a kept evidence file, byte for byte")
    g.add_argument("sha256", metavar="SHA256", help="the file's SHA-256 digest (as `jixiao log` shows it)")
    g.add_argument("-o", "--output", help="file to write (default: standard output)")
    g.add_argument("--force", action="store_true", help="overwrite the -o file if it exists")
    g.set_defaults(handler=get_cmd)


def get_cmd(args: argparse.Namespace) -> int:
    if not DIGEST.match(args.sha256):
        raise fail("value.sha256", actual=args.sha256)
    digest = args.sha256.lower()
    destination = destination_of(args)
    if args.output:
        destination.refuse_early(args.output)  # before reading anything
    with open_ledger(args) as ledger:
        content = ledger.store.evidence.get(digest)
        if content is None:
            attached = evidence_in_log(ledger.store.log).get(digest)
            if not attached:
                raise fail("evidence.unknown", sha256=digest)
            raise fail("evidence.not_kept", sha256=digest, name=attached[0].file_name)
    deliver_bytes(content, args.output, destination)
    return 0
