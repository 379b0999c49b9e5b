"""The ledger's people: registering users, their roles and their login keys, one
schema per command (`jixiao users ACTION`, tui/cli/users.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec

from domain import events as ev
from domain.access_accounts import bind_account
from domain.command_schemas import POSITIONAL, Name, Reason, SectionId, UserId
from domain.errors import fail
from domain.schema import Cli, Command, facts

if TYPE_CHECKING:
    from domain.commands import Ledger

Role = Annotated[str, msgspec.Meta(max_length=64)]
Fingerprint = Annotated[str, msgspec.Meta(max_length=128), facts(help="SHA256:... as shown by `users list`")]


class AddUser(Command, kw_only=True):
    user: Annotated[UserId, POSITIONAL]
    name: Annotated[Name, POSITIONAL]
    title: Name = ""
    section: SectionId = ""
    roles: Annotated[tuple[Role, ...], facts(flags=("--role",), help="a role (repeat)")] = ()

    kind = "users_add"
    permissions = ("manage_users",)
    cli = (Cli("add", "register a user"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.add_user(actor, self.user, self.name, title=self.title, section=self.section,
                               roles=self.roles, source=source)[-1]


class GrantRole(Command, kw_only=True):
    change: Literal["grant", "revoke"]
    user: Annotated[UserId, POSITIONAL]
    role: Annotated[Role, POSITIONAL]
    reason: Reason = ""

    kind = "users_grant"
    permissions = ("manage_users",)
    cli = (Cli("grant", "grant a role", fixed={"change": "grant"}),
           Cli("revoke", "revoke a role", fixed={"change": "revoke"}))

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.grant(actor, self.user, self.role, revoke=self.change == "revoke",
                            reason=self.reason, source=source)


class AddKey(Command, kw_only=True):
    user: Annotated[UserId, POSITIONAL]
    file: Annotated[str, POSITIONAL, msgspec.Meta(max_length=4096),
                    facts(help="the public key file (- for standard input)")]

    kind = "users_add_key"
    permissions = ("manage_users",)
    cli = (Cli("add-key", "register an SSH public key for a user"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        try:
            text = sys.stdin.read() if self.file == "-" else Path(self.file).read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise fail("file.unreadable", where=self.file, detail=exc) from None
        return ledger.add_key(actor, self.user, text, source=source)


class RevokeKey(Command, kw_only=True):
    user: Annotated[UserId, POSITIONAL]
    fingerprint: Annotated[Fingerprint, POSITIONAL]
    reason: Reason = ""

    kind = "users_revoke_key"
    permissions = ("manage_users",)
    cli = (Cli("revoke-key", "revoke a user's SSH key"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.revoke_key(actor, self.user, self.fingerprint, reason=self.reason, source=source)


class BindAccount(Command, kw_only=True):
    change: Literal["bind", "unbind"]
    user: Annotated[UserId, POSITIONAL]
    account: Annotated[str, POSITIONAL, msgspec.Meta(max_length=64), facts(help="the operating-system login name")]

    kind = "users_bind"
    permissions = ("manage_users",)
    cli = (Cli("bind", "bind an operating-system account to a user (who may use --as USER from it)",
               fixed={"change": "bind"}),
           Cli("unbind", "unbind an operating-system account from a user", fixed={"change": "unbind"}))

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return bind_account(ledger, actor, self.user, self.account, unbind=self.change == "unbind",
                            source=source)


Phone = Annotated[str, msgspec.Meta(max_length=32)]


class SetContact(Command, kw_only=True):
    """A person's telephone numbers for the register of responsible persons (附件4)."""

    user: Annotated[UserId, POSITIONAL]
    phone: Annotated[Phone, facts(help="office telephone, e.g. 0595-23231234")] = ""
    mobile: Annotated[Phone, facts(help="mobile number")] = ""

    kind = "users_contact"
    permissions = ("set_contact",)
    cli = (Cli("contact", "record a person's telephone numbers (负责人和联络员登记表)"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.set_contact(actor, self.user, phone=self.phone, mobile=self.mobile, source=source)


PEOPLE_SCHEMAS: tuple[type[Command], ...] = (AddUser, GrantRole, AddKey, RevokeKey, BindAccount, SetContact)
