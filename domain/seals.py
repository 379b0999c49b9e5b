"""Signed seals: the text a supervisory-group member signs, and the seal file kept off
the server.

A signed seal is an OpenSSH signature (namespace `jixiao-seal`, as `ssh-keygen -Y sign`
makes it) over a short message naming the plan, the sealed head `position:digest` and
the signer, so that a signature over one head (or by one person) cannot be passed off
for another. The seal file is that message's fields, one `name: value` line each, then
the armored signature; `ssh-keygen -Y verify` checks it given the message
(`seal_message`).
"""

from __future__ import annotations

import re

import msgspec

from domain.errors import fail

NAMESPACE = "jixiao-seal"
MAGIC = "jixiao-seal 1"
ARMOR_BEGIN = "-----BEGIN SSH SIGNATURE-----"
ARMOR_END = "-----END SSH SIGNATURE-----"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_FIELDS = ("plan", "position", "digest", "signer")
MAX_FILE = 64 * 1024


class SealFile(msgspec.Struct, frozen=True, kw_only=True):
    """One signed seal as its file holds it."""

    plan: str
    position: int
    digest: str
    signer: str
    signature: str  # the armored OpenSSH signature
    fingerprint: str = ""  # the signing key's SHA256 fingerprint (information only)
    sealed: str = ""  # when it was recorded, UTC (information only)

    @property
    def head(self) -> str:
        return f"{self.position}:{self.digest}"

    def message(self) -> bytes:
        return seal_message(self.plan, self.position, self.digest, self.signer)


def seal_message(plan: str, position: int, digest: str, signer: str) -> bytes:
    """The exact bytes a seal's signature is over."""
    return (f"{MAGIC}\nplan: {plan}\nposition: {position}\ndigest: {digest}\n"
            f"signer: {signer}\n").encode()


def format_seal_file(seal: SealFile) -> str:
    """The seal file: the head line, the signed fields, the information and the signature."""
    lines = [MAGIC, f"head: {seal.head}", f"plan: {seal.plan}", f"position: {seal.position}",
             f"digest: {seal.digest}", f"signer: {seal.signer}"]
    if seal.fingerprint:
        lines.append(f"key: {seal.fingerprint}")
    if seal.sealed:
        lines.append(f"sealed: {seal.sealed}")
    return "\n".join(lines) + "\n" + seal.signature.strip() + "\n"


def parse_seal_file(text: str, where: str) -> SealFile:
    """A seal file read back; a refusal naming the file when it is not one."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != MAGIC:
        raise fail("seal.malformed", where=where)
    fields: dict[str, str] = {}
    armor: list[str] = []
    for line in lines[1:]:
        if armor or line.strip() == ARMOR_BEGIN:
            armor.append(line.strip())
            if line.strip() == ARMOR_END:
                break
            continue
        name, sep, value = line.partition(":")
        if sep:
            fields.setdefault(name.strip(), value.strip())
    if not armor or armor[-1] != ARMOR_END or any(f not in fields for f in _FIELDS):
        raise fail("seal.malformed", where=where)
    try:
        position = int(fields["position"])
    except ValueError:
        raise fail("seal.malformed", where=where) from None
    digest = fields["digest"].lower()
    if position < 1 or not _HEX64.fullmatch(digest) or not fields["signer"]:
        raise fail("seal.malformed", where=where)
    return SealFile(plan=fields["plan"], position=position, digest=digest, signer=fields["signer"],
                    signature="\n".join(armor), fingerprint=fields.get("key", ""),
                    sealed=fields.get("sealed", ""))
