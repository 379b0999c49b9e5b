"""Who you are on the command line: operating-system accounts bound to ledger users.

`--as USER` is a claim. On a ledger where any account is bound, the claim is accepted
only from an operating-system account bound to USER, or bound to a user who is an admin
(the service account behind the SSH forced commands is one: it acts for the key's person).
That holds for reads as well as writes. An empty `--as` and a user the ledger does not
know are refused on every ledger. A ledger without bindings (made before they existed, or
through the library) trusts `--as` as before; `jixiao init` binds its creator's account
to the admin, so a new ledger always has one.
"""

from __future__ import annotations

from typing import Any

from domain import events as ev
from domain.access import authorise
from domain.aggregates import Aggregate, DirectoryAggregate
from domain.errors import fail

ACCOUNT_LIMIT = 64  # POSIX login names are at most 32; Windows domain\\user a little more


def may_act_as(directory: DirectoryAggregate, actor: str | None, account: str) -> None:
    """Refuse `actor` (the `--as` given, None when it was not) claimed from OS `account`."""
    if actor is not None and not actor.strip():
        raise fail("auth.empty_actor")
    name = actor if actor is not None else "admin"
    if name not in directory.users:
        raise fail("auth.unknown_user", user=name)
    bound = [u for u in directory.users.values() if account in u.accounts]
    if not any(u.accounts for u in directory.users.values()):
        return  # a ledger without bindings
    if any(u.id == name or "admin" in u.roles for u in bound):
        return
    raise fail("auth.account_not_bound", user=name, account=account)


def _check_account(account: str) -> None:
    if not account or len(account) > ACCOUNT_LIMIT or not account.isprintable() or any(c.isspace() for c in account):
        raise fail("cmd.account_name", account=account[:80])


def bind_account(ledger: Any, actor: str, user: str, account: str, *, unbind: bool = False,
                 source: str = "cli") -> ev.Event:
    """Bind (or unbind) operating-system `account` to ledger `user`; admins only."""
    _check_account(account)

    def decide() -> list[Aggregate]:
        directory = ledger.directory()
        role = authorise(ledger.user(directory, actor), "manage_users")
        target = ledger.user(directory, user)
        if (account in target.accounts) != unbind:
            raise fail("cmd.account_unchanged", user=user, account=account)
        if unbind and "admin" in target.roles and not any(
                a != account or u.id != user
                for u in directory.users.values() if "admin" in u.roles for a in u.accounts):
            raise fail("cmd.last_admin_account", account=account)  # nobody could bind accounts again
        kind = ev.AccountUnbound if unbind else ev.AccountBound
        directory.trigger(kind, user=user, account=account,
                          **ledger.envelope(actor, role, None, "", source))
        return [directory]

    return ledger.run(decide, actor=actor, what="users bind")[0]  # type: ignore[no-any-return]


def bind_creator(ledger: Any, account: str, *, admin: str = "admin", source: str = "cli") -> bool:
    """On a ledger without bindings, bind the account that created it to its admin."""
    directory = ledger.directory()
    if admin not in directory.users or any(u.accounts for u in directory.users.values()):
        return False
    bind_account(ledger, admin, admin, account, source=source)
    return True
