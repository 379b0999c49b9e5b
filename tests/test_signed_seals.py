"""Seals signed by the supervisory group with their own SSH keys, and checked later
against the log with `verify --seals`: a good seal holds (for ssh-keygen itself too);
a recomputed chain, a cut log, an emptied ledger, a key outside the group and a
signature over another head each fail with their own message."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from domain import events as ev
from domain.commands import Ledger
from domain.seal_reminder import quarter_start, seal_due
from domain.seals import SealFile, format_seal_file, parse_seal_file, seal_message
from domain.signatures import sign
from tests.conftest import Clock, jixiao
from tests.stored import stored_events
from tests.test_chain import BOOTSTRAP, write_progress
from tests.trust_helpers import cut_from, make_key, public, rewrite
from tests.tui_helpers import drive, make_app, static_text


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "keys"
    folder.mkdir()
    return {name: make_key(folder, name) for name in ("gongfuan", "yijiepin", "stranger")}


@pytest.fixture
def year(ledger: Ledger, keys: dict[str, Path]) -> Ledger:
    """The plan, the supervisor's and a clerk's keys registered, six progress reports."""
    ledger.add_key("admin", "gongfuan", public(keys["gongfuan"]))
    ledger.add_key("admin", "yijiepin", public(keys["yijiepin"]))
    write_progress(ledger, 6)
    return ledger


def signed(ledger: Ledger, key: Path, out: Path, actor: str = "gongfuan") -> SealFile:
    result = jixiao("--as", actor, "seal", "--sign", str(key), "-o", str(out), db=ledger.db)
    assert result.returncode == 0, result.stderr
    return parse_seal_file(out.read_text(), str(out))


def verify_seals(ledger: Ledger, *files: Path) -> subprocess.CompletedProcess[str]:
    return jixiao("verify", "--seals", *map(str, files), db=ledger.db)


def refused(result: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for part in parts:
        assert part in result.stderr, result.stderr


def test_a_signed_seal_holds_for_jixiao_and_for_ssh_keygen(year: Ledger, keys: dict[str, Path],
                                                          tmp_path: Path) -> None:
    head = year.max_position()
    seal_path = tmp_path / "q3.seal"
    seal = signed(year, keys["gongfuan"], seal_path)
    assert seal.position == head and seal.digest == year.store.digest_at(head)
    assert f"head: {head}:{seal.digest}" in seal_path.read_text()
    assert seal.signer == "gongfuan" and seal.fingerprint.startswith("SHA256:")

    # recorded in the log, with the signature and the key
    (_, _, event), = stored_events(year, head)
    assert isinstance(event, ev.Sealed) and (event.actor, event.role) == ("gongfuan", "supervisor")
    assert event.signature.strip() == seal.signature.strip() and event.fingerprint == seal.fingerprint
    assert event.plan == seal.plan

    good = verify_seals(year, seal_path)
    assert good.returncode == 0, good.stderr
    assert f"seal {head}:{seal.digest} holds: signed by gongfuan ({seal.fingerprint})" in good.stdout

    # OpenSSH's own tool agrees: the message is the documented text, the namespace jixiao-seal
    message = (f"jixiao-seal 1\nplan: {seal.plan}\nposition: {head}\ndigest: {seal.digest}\n"
               "signer: gongfuan\n").encode()
    assert message == seal_message(seal.plan, head, seal.digest, "gongfuan")
    signature = tmp_path / "q3.sig"
    signature.write_text(seal.signature + "\n")
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f'gongfuan namespaces="jixiao-seal" {public(keys["gongfuan"])}\n')
    openssh = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(allowed), "-I", "gongfuan",
                              "-n", "jixiao-seal", "-s", str(signature)], input=message, capture_output=True)
    assert openssh.returncode == 0, openssh.stderr
    assert b'Good "jixiao-seal" signature for gongfuan' in openssh.stdout
    # and the seal file goes to standard output without -o
    out = jixiao("--as", "gongfuan", "seal", "--sign", str(keys["gongfuan"]), db=year.db)
    assert out.returncode == 0 and parse_seal_file(out.stdout, "-").position == head + 1


def test_only_the_supervisory_group_signs_with_a_registered_key(year: Ledger, keys: dict[str, Path],
                                                               tmp_path: Path) -> None:
    before = year.max_position()
    clerk = jixiao("--as", "yijiepin", "seal", "--sign", str(keys["yijiepin"]), "-o",
                   str(tmp_path / "x.seal"), db=year.db)
    refused(clerk, "yijiepin is not a member of the supervisory group")
    stranger = jixiao("--as", "gongfuan", "seal", "--sign", str(keys["stranger"]), "-o",
                      str(tmp_path / "y.seal"), db=year.db)
    refused(stranger, "the signing key is not registered for gongfuan")
    missing = jixiao("--as", "gongfuan", "seal", "--sign", str(tmp_path / "none"), db=year.db)
    refused(missing, "cannot read the private key file")
    assert year.max_position() == before  # nothing recorded
    assert not (tmp_path / "x.seal").exists() and not (tmp_path / "y.seal").exists()


def _forged(seal: SealFile, key: Path, signer: str, out: Path) -> Path:
    """A seal file for the same head, signed by another key in another's name."""
    signature = sign(str(key), seal_message(seal.plan, seal.position, seal.digest, signer))
    out.write_text(format_seal_file(SealFile(plan=seal.plan, position=seal.position, digest=seal.digest,
                                             signer=signer, signature=signature)))
    return out


def test_a_key_outside_the_supervisory_group_fails(year: Ledger, keys: dict[str, Path], tmp_path: Path) -> None:
    seal = signed(year, keys["gongfuan"], tmp_path / "good.seal")
    clerk = _forged(seal, keys["yijiepin"], "yijiepin", tmp_path / "clerk.seal")
    result = verify_seals(year, clerk)
    refused(result, f"{clerk}: the key", f"signed the seal at position {seal.position} was not a "
            "registered key of a supervisory-group member yijiepin")
    stranger = _forged(seal, keys["stranger"], "gongfuan", tmp_path / "stranger.seal")
    refused(verify_seals(year, stranger), f"{stranger}: the key", "member gongfuan")
    # one bad file among good ones fails the whole check, naming only the bad one
    mixed = verify_seals(year, tmp_path / "good.seal", clerk)
    refused(mixed, str(clerk))
    assert "good.seal: seal" in mixed.stdout


def test_a_key_revoked_before_the_seal_fails(year: Ledger, keys: dict[str, Path], tmp_path: Path) -> None:
    seal = signed(year, keys["gongfuan"], tmp_path / "good.seal")
    assert verify_seals(year, tmp_path / "good.seal").returncode == 0
    year.revoke_key("admin", "gongfuan", seal.fingerprint)  # after the seal: it still holds
    assert verify_seals(year, tmp_path / "good.seal").returncode == 0
    # a file signed now with the revoked key, for a head after the revocation, does not
    later = year.max_position()
    forged = SealFile(plan=seal.plan, position=later, digest=str(year.store.digest_at(later)),
                      signer="gongfuan", signature="")
    path = _forged(forged, keys["gongfuan"], "gongfuan", tmp_path / "late.seal")
    refused(verify_seals(year, path), f"position {later} was not a registered key")


def test_a_signature_over_another_head_fails(year: Ledger, keys: dict[str, Path], tmp_path: Path) -> None:
    seal = signed(year, keys["gongfuan"], tmp_path / "good.seal")
    other = seal.position - 1
    moved = tmp_path / "moved.seal"
    moved.write_text(format_seal_file(SealFile(
        plan=seal.plan, position=other, digest=str(year.store.digest_at(other)), signer="gongfuan",
        signature=seal.signature)))
    refused(verify_seals(year, moved), f"{moved}: the signature does not match the head at position {other}")
    garbage = tmp_path / "garbage.seal"
    garbage.write_text("not a seal\n")
    refused(verify_seals(year, garbage), f"{garbage}: not a seal file")


def test_a_recomputed_chain_fails(year: Ledger, keys: dict[str, Path], tmp_path: Path) -> None:
    seal = signed(year, keys["gongfuan"], tmp_path / "good.seal")
    changed = BOOTSTRAP + 2 + 3  # a progress report under the seal (after the two keys)
    sealed_event = seal.position + 1

    def edit(position: int, state: bytes, digests: dict[int, str]) -> bytes:
        if position == changed:
            data = json.loads(state)
            data["percent"] = 99
            return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        if position == sealed_event:  # the seal in the log made to agree, as an attacker would
            return state.replace(seal.digest.encode(), digests[seal.position].encode())
        return state

    year.close()
    rewrite(year.db, edit)
    plain = jixiao("verify", db=year.db)
    assert plain.returncode == 0, plain.stderr  # the chain alone cannot tell
    refused(verify_seals(year, tmp_path / "good.seal"),
            f"good.seal: the digest at position {seal.position} is not the one sealed")


def test_a_cut_log_and_an_emptied_ledger_fail(year: Ledger, keys: dict[str, Path], tmp_path: Path) -> None:
    seal = signed(year, keys["gongfuan"], tmp_path / "good.seal")
    year.close()
    cut_from(year.db, seal.position - 1)
    assert jixiao("verify", db=year.db).returncode == 0  # consistent in itself
    refused(verify_seals(year, tmp_path / "good.seal"),
            f"the log ends at position {seal.position - 2}: the sealed position {seal.position} was cut off")
    cut_from(year.db, 1)
    emptied = jixiao("verify", db=year.db)
    assert emptied.returncode == 0 and "0 events" in emptied.stdout  # the attack of the issue
    refused(verify_seals(year, tmp_path / "good.seal"),
            f"the ledger is empty: the sealed position {seal.position} is not in it")


def test_seal_reminds_when_no_recent_signed_seal(year: Ledger, keys: dict[str, Path], tmp_path: Path) -> None:
    first = jixiao("--as", "gongfuan", "seal", db=year.db)
    assert first.returncode == 0 and "reminder: this ledger has no signed seal yet" in first.stderr
    signed(year, keys["gongfuan"], tmp_path / "good.seal")
    after = jixiao("--as", "gongfuan", "seal", db=year.db)
    assert after.returncode == 0 and "reminder" not in after.stderr
    bad = jixiao("--as", "gongfuan", "seal", "--interval-days", "0", db=year.db)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_a_signed_seal_is_due_each_quarter_or_after_the_interval() -> None:
    utc = dt.UTC
    assert quarter_start(dt.date(2021, 11, 30)) == dt.date(2021, 10, 1)
    last = dt.datetime(2021, 9, 28, 9, 0, tzinfo=utc)
    assert not seal_due(last, dt.datetime(2021, 9, 30, tzinfo=utc))
    assert seal_due(last, dt.datetime(2021, 10, 2, tzinfo=utc))  # a new quarter began
    assert not seal_due(last, dt.datetime(2021, 10, 2, tzinfo=utc), interval_days=30)
    assert seal_due(last, dt.datetime(2021, 11, 2, tzinfo=utc), interval_days=30)
    assert seal_due(None, dt.datetime(2021, 1, 1, tzinfo=utc))


def test_the_seal_file_names_its_head() -> None:
    text = format_seal_file(SealFile(plan="p", position=7, digest="ab" * 32, signer="gongfuan",
                                     signature="-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----"))
    assert re.search(r"^head: 7:(ab){32}$", text, re.M)
    assert parse_seal_file(text, "f").head == f"7:{'ab' * 32}"


def _integrity(ledger: Ledger, actor: str) -> str:
    app = make_app(ledger, actor)
    seen: list[str] = []

    async def steps(pilot: Any) -> None:
        seen.append(static_text(pilot.app, "#st-integrity"))

    drive(app, steps)
    return seen[0]


def test_the_terminal_ui_reminds_the_supervisory_group(year: Ledger, keys: dict[str, Path], clock: Clock) -> None:
    assert "尚无签名签封" in _integrity(year, "gongfuan")
    assert "签封" not in _integrity(year, "yijiepin")  # a clerk has nothing to sign
    clock.set("2021-09-20T02:00:00")
    head = year.max_position()
    digest = str(year.store.digest_at(head))
    plan = str(year.plan_id(year.directory()))
    year.seal("gongfuan", head, digest,
              signature=sign(str(keys["gongfuan"]), seal_message(plan, head, digest, "gongfuan")))
    clock.set("2021-09-30T02:00:00")
    assert "提醒" not in _integrity(year, "gongfuan")  # signed this quarter
    clock.set("2021-10-08T02:00:00")
    text = _integrity(year, "gongfuan")
    assert "上一次签名签封在 2021-09-20，已超过签封周期（每季度）" in text
