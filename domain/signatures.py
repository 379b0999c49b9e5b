"""OpenSSH signatures through OpenSSH's own tool: `ssh-keygen -Y sign`, `-Y verify` and
`-Y check-novalidate`, so that the format is OpenSSH's and nothing here parses it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from domain.errors import fail
from domain.seals import ARMOR_BEGIN, NAMESPACE

TIMEOUT = 60  # seconds; a passphrase typed at the terminal counts too
_FINGERPRINT = re.compile(r"\b(SHA256:[A-Za-z0-9+/]+)")


def _tool() -> str:
    found = shutil.which("ssh-keygen")
    if found is None:
        raise fail("seal.no_tool")
    return found


def _run(args: list[str], message: bytes) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run([_tool(), *args], input=message, capture_output=True, timeout=TIMEOUT,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise fail("seal.tool_failed", detail=exc) from None


def sign(key_file: str, message: bytes) -> str:
    """The armored signature of `message` by the private key in `key_file`."""
    path = Path(key_file)
    if not path.is_file() or not os.access(path, os.R_OK):
        raise fail("seal.key_unreadable", where=key_file)
    done = _run(["-Y", "sign", "-f", str(path), "-n", NAMESPACE], message)
    text = done.stdout.decode(errors="replace")
    if done.returncode != 0 or ARMOR_BEGIN not in text:
        detail = done.stderr.decode(errors="replace").strip().splitlines()
        raise fail("seal.sign_failed", where=key_file, detail=detail[-1] if detail else done.returncode)
    return text.strip()


def _with_signature(signature: str, args: list[str], message: bytes,
                    allowed: str | None = None) -> subprocess.CompletedProcess[bytes]:
    with tempfile.TemporaryDirectory(prefix="jixiao-sig-") as folder:
        sig = Path(folder) / "seal.sig"
        sig.write_text(signature.strip() + "\n")
        extra: list[str] = []
        if allowed is not None:
            signers = Path(folder) / "allowed_signers"
            signers.write_text(allowed)
            extra = ["-f", str(signers)]
        return _run(["-Y", *args, *extra, "-n", NAMESPACE, "-s", str(sig)], message)


def signed_by(signature: str, message: bytes) -> str | None:
    """The fingerprint of the key that made a good signature over `message`, whoever it
    is; None when the signature is not over these bytes (or is no signature)."""
    done = _with_signature(signature, ["check-novalidate"], message)
    if done.returncode != 0:
        return None
    found = _FINGERPRINT.search(done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace"))
    return found.group(1) if found else ""


def verified(signature: str, message: bytes, principal: str, keys: Iterable[str]) -> str | None:
    """The fingerprint of the key, among `keys` (public key lines) of `principal`, that
    made a good signature over `message`; None if none did."""
    lines = [f'{principal} namespaces="{NAMESPACE}" {key}' for key in keys
             if "\n" not in key and " " in key.strip()]
    if not lines or any(c.isspace() or c in '"*?!,' for c in principal):
        return None
    done = _with_signature(signature, ["verify", "-I", principal], message,
                           allowed="\n".join(lines) + "\n")
    if done.returncode != 0:
        return None
    found = _FINGERPRINT.search(done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace"))
    return found.group(1) if found else ""
