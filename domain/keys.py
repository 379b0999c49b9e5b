"""SSH public keys: parsing one authorized_keys-style line and its SHA256 fingerprint."""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct

from domain.errors import fail

KEY_TYPES = ("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
             "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
             "sk-ecdsa-sha2-nistp256@openssh.com")


def fingerprint(line: str) -> tuple[str, str]:
    """The key as `type base64` (options and comment dropped) and its `SHA256:` fingerprint."""
    parts = line.strip().split()
    start = next((i for i, p in enumerate(parts) if p in KEY_TYPES), None)
    if start is None or start + 1 >= len(parts):
        raise fail("key.malformed")
    key_type, blob64 = parts[start], parts[start + 1]
    try:
        blob = base64.b64decode(blob64, validate=True)
        (length,) = struct.unpack(">I", blob[:4])
        embedded = blob[4:4 + length].decode()
    except (binascii.Error, struct.error, UnicodeDecodeError):
        raise fail("key.malformed") from None
    if embedded != key_type:
        raise fail("key.malformed")
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    return f"{key_type} {blob64}", f"SHA256:{digest}"
