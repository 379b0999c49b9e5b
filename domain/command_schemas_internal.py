"""The internal evaluation's commands (内部考评), one schema each, as for record commands.

`jixiao internal ACTION` builds its options from these (tui/cli/internal.py) and the
internal screen parses its entry through `RateStaff`/`RateSection`, so both faces
refuse a bad value with the same message.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec

from domain import events as ev
from domain.command_schemas import POSITIONAL, Effective, Name, Reason, SectionId, Text, UserId
from domain.errors import fail
from domain.plan import Grade
from domain.schema import Cli, Command, facts

if TYPE_CHECKING:
    from domain.commands import Ledger

Amount = Annotated[str, msgspec.Meta(max_length=32)]  # parsed by the domain command, in yuan or 0-100
Pair = Annotated[str, msgspec.Meta(max_length=200)]
Rater = Annotated[str, msgspec.Meta(max_length=200)]


def pairs(values: tuple[str, ...], what: str) -> dict[str, str]:
    """`NAME=VALUE` items as a mapping; a malformed item is refused naming the option."""
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise fail("value.pair", field=what, actual=item)
        out[name.strip()] = value.strip()
    return out


class SetBonusPool(Command, kw_only=True):
    amount: Annotated[Amount, POSITIONAL, facts(help="yuan, at most 2 decimals")]
    effective: Effective = None
    reason: Reason = ""

    kind = "internal_pool"
    permissions = ("internal_evaluation",)
    cli = (Cli("pool", "set the year's bonus pool, in yuan (e.g. 123456.78)"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.set_bonus_pool(actor, self.amount, reason=self.reason, effective=self.effective,
                                     source=source)


class SetInternalMethod(Command, kw_only=True):
    share: Annotated[Amount | None, facts(help="share of the pool split by rating (default 0.2)")] = None
    standings_weight: Annotated[Amount | None, facts(
        help="weight of the standings rate in a section's score (default 0.7)")] = None
    basis: Annotated[Literal["coefficient", "score"] | None, facts(
        help="split by grade coefficient or by score")] = None
    grades: Annotated[tuple[Pair, ...], facts(flags=("--grade",), metavar="NAME=MIN",
                      help="an internal grade and its threshold (repeat; default: the plan's grades)")] = ()
    coefficient: Annotated[tuple[Pair, ...], facts(metavar="GRADE=X",
                           help="coefficient of an internal grade (repeat)")] = ()
    category_weight: Annotated[tuple[Pair, ...], facts(metavar="CATEGORY=X",
                               help="base weight of a staff category (repeat; default 1)")] = ()
    description: Text | None = None
    reason: Reason = ""

    kind = "internal_method"
    permissions = ("internal_evaluation",)
    cli = (Cli("method", "set the method: share, weights, grades and coefficients"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        grades = None
        if self.grades:
            grades = []
            for name, value in pairs(self.grades, "--grade").items():
                try:
                    grades.append(Grade(name=name, min=Decimal(value)))
                except (ArithmeticError, InvalidOperation):
                    raise fail("value.number", field=f"--grade {name}", actual=value) from None
        return ledger.set_internal_method(
            actor, share=self.share, standings_weight=self.standings_weight, basis=self.basis,
            grades=grades, coefficients=pairs(self.coefficient, "--coefficient") or None,
            category_weights=pairs(self.category_weight, "--category-weight") or None,
            description=self.description, reason=self.reason, source=source)


class RateStaff(Command, kw_only=True):
    person: Annotated[UserId, POSITIONAL]
    score: Annotated[Amount, facts(help="0-100 (or give --grade)")] = ""
    grade: Annotated[Name, facts(help="an internal grade (or give --score)")] = ""
    category: Annotated[Name, facts(help="staff category (default 领导 for leaders, else 干部)")] = ""
    section: Annotated[SectionId | None, facts(help="the person's section (default: their own)")] = None
    rater: Annotated[Rater, facts(help="who rated (default: you)")] = ""
    effective: Effective = None
    reason: Reason = ""

    kind = "internal_rate"
    permissions = ("internal_evaluation",)
    cli = (Cli("rate", "rate a person by a score (0-100) or a grade"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        label: Callable[[str], str] = context.get("label", lambda name: f"--{name}")
        if bool(self.score.strip()) == bool(self.grade.strip()):
            raise fail("value.one_of", fields=f"{label('score')} / {label('grade')}")
        return ledger.rate_staff(actor, self.person, score=self.score or None, grade=self.grade,
                                 category=self.category, section=self.section, rater=self.rater,
                                 reason=self.reason, effective=self.effective, source=source)


class RateSection(Command, kw_only=True):
    section: Annotated[SectionId, POSITIONAL]
    score: Annotated[Amount, facts(help="0-100")]
    rater: Annotated[Rater, facts(help="who rated (default: you)")] = ""
    effective: Effective = None
    reason: Reason = ""

    kind = "internal_rate_section"
    permissions = ("internal_evaluation",)
    cli = (Cli("rate-section", "the leadership group's rating of a section (0-100)"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.rate_section(actor, self.section, self.score, rater=self.rater, reason=self.reason,
                                   effective=self.effective, source=source)


class LockInternal(Command, kw_only=True):
    reason: Reason = ""

    kind = "internal_lock"
    permissions = ("internal_evaluation",)
    cli = (Cli("lock", "approve and lock the results as they stand now"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        """`context["lock"]`: locks the results as the projections compute them now."""
        lock: Callable[..., ev.Event] = context["lock"]
        return lock(ledger, actor, reason=self.reason, source=source)


class VoidInternal(Command, kw_only=True):
    position: Annotated[int, POSITIONAL, facts(help="global position of the rating or lock")]
    reason: Reason = ""

    kind = "internal_void"
    permissions = ("internal_evaluation",)
    cli = (Cli("void", "void a rating or the lock (a correction; it stays in the log)"),)

    def call(self, ledger: Ledger, actor: str, *, source: str, **context: Any) -> ev.Event:
        return ledger.correct(actor, self.position, reason=self.reason, source=source)


INTERNAL_SCHEMAS: tuple[type[Command], ...] = (SetBonusPool, SetInternalMethod, RateStaff, RateSection,
                                               LockInternal, VoidInternal)
