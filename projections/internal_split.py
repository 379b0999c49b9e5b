"""Splitting the bonus pool in whole fen by the largest-remainder method."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

import msgspec


def differentiated_part(pool_fen: int, share: Decimal) -> int:
    """pool x share, rounded half-to-even to the fen."""
    return int((Decimal(pool_fen) * share).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def split(total: int, weights: Sequence[Fraction], ties: Sequence[Any]) -> list[int]:
    """`total` fen in proportion to `weights`, by the largest-remainder method.

    Each part is the whole fen of its exact quota; the fen left over (fewer than the
    number of parts) go one each to the largest remainders, equal remainders in the
    order of `ties`. All weights 0 means equal parts.
    """
    if not weights:
        return []
    whole = sum(weights, Fraction(0))
    if whole == 0:
        weights = [Fraction(1)] * len(weights)
        whole = Fraction(len(weights))
    quotas = [Fraction(total) * w / whole for w in weights]
    parts = [q.numerator // q.denominator for q in quotas]
    left = total - sum(parts)
    order = sorted(range(len(parts)), key=lambda i: (-(quotas[i] - parts[i]), ties[i]))
    for i in order[:left]:
        parts[i] += 1
    return parts


class Participant(msgspec.Struct, kw_only=True, frozen=True):
    """One person in the split: category, base weight, differentiated weight, tie order."""

    person: str
    category: str
    base_weight: Decimal
    weight: Decimal
    order: tuple[Any, ...]  # smaller first on equal remainders (better grade, higher score, id)


class Allocation(msgspec.Struct, kw_only=True):
    pool_fen: int
    differentiated_fen: int
    base_fen: int
    shares: dict[str, tuple[int, int]]  # person -> (base, differentiated) in fen
    categories: dict[str, int]  # category -> its differentiated part in fen


def allocate(pool_fen: int, share: Decimal, people: Sequence[Participant]) -> Allocation:
    """Split the pool among the people: base by category weight, the rest by rating."""
    differentiated = differentiated_part(pool_fen, share)
    base = pool_fen - differentiated
    people = sorted(people, key=lambda p: p.person)
    if not people:
        return Allocation(pool_fen=pool_fen, differentiated_fen=differentiated, base_fen=base, shares={},
                          categories={})
    base_parts = split(base, [Fraction(p.base_weight) for p in people], [p.person for p in people])
    names = sorted({p.category for p in people})
    members = {c: [p for p in people if p.category == c] for c in names}
    category_parts = split(differentiated, [sum((Fraction(p.base_weight) for p in members[c]), Fraction(0))
                                            for c in names], names)
    shares = {p.person: (b, 0) for p, b in zip(people, base_parts, strict=True)}
    for c, amount in zip(names, category_parts, strict=True):
        group = members[c]
        parts = split(amount, [Fraction(p.weight) for p in group], [p.order for p in group])
        for p, d in zip(group, parts, strict=True):
            shares[p.person] = (shares[p.person][0], d)
    return Allocation(pool_fen=pool_fen, differentiated_fen=differentiated, base_fen=base, shares=shares,
                      categories=dict(zip(names, category_parts, strict=True)))

