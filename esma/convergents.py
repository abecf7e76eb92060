"""Exact convergents of signed continued fractions and their rate of convergence.

For y = a₀ + b₀/(a₁ + b₁/(a₂ + …)) the convergents p_n/q_n follow the three-term recurrence

    p_n = a_n p_{n-1} + b_{n-1} p_{n-2},   q_n = a_n q_{n-1} + b_{n-1} q_{n-2},

from p_{-1} = 1, q_{-1} = 0, p₀ = a₀, q₀ = 1. Everything here is exact integer arithmetic.

>>> [str(c) for c in convergents([3, 7, 15, 1, 292])]
['3', '22/7', '333/106', '355/113', '103993/33102']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from fractions import Fraction

from esma.errors import InvalidParameter
from esma.signs import Signs, parse_signs


def convergent_pairs(terms: Iterable[int], signs: Signs | str = (1,)) -> Iterator[tuple[int, int]]:
    """Yield (p_n, q_n) for each term; ``signs`` is one period of b_n.

    Works on any iterable, so it composes with :func:`esma.expansion.iter_signed_terms` or
    :meth:`esma.recurrence.Recurrence.iter_terms`.

    >>> list(convergent_pairs([1, 2, 2], "-"))     # 1 - 1/(2 - 1/2) = 1/3
    [(1, 1), (1, 2), (1, 3)]
    """
    period = parse_signs(signs)
    k = len(period)
    p_prev, q_prev = 1, 0
    b = 1  # b_{-1} never multiplies anything non-zero (q_{-2} = 0 and p_{-2} is unused)
    p, q = None, None
    for n, a in enumerate(terms):
        if p is None:
            p, q = a, 1
        else:
            p, p_prev = a * p + b * p_prev, p
            q, q_prev = a * q + b * q_prev, q
        yield p, q
        b = period[n % k]


def convergents(terms: Iterable[int], signs: Signs | str = (1,)) -> Iterator[Fraction]:
    """Yield the convergents p_n/q_n as fractions (a zero q_n is skipped: it has no value).

    >>> [str(c) for c in convergents([2, 3, 2, 5], "-+")]     # e - 1 starts 2 - 1/(3 + 1/(2 - …))
    ['2', '5/3', '12/7', '55/32']
    """
    for p, q in convergent_pairs(terms, signs):
        if q:
            yield Fraction(p, q)


def evaluate(terms: Iterable[int], signs: Signs | str = (1,)) -> Fraction:
    """The exact value of the finite continued fraction a₀ + b₀/(a₁ + … + b_{N-2}/a_{N-1}).

    >>> evaluate([4, 2, 6, 7])
    Fraction(415, 93)
    """
    last = None
    for last in convergent_pairs(terms, signs):  # noqa: B007 - the loop keeps the last pair
        pass
    if last is None:
        raise InvalidParameter(
            "terms: need at least one term to evaluate a continued fraction", parameter="terms"
        )
    p, q = last
    if q == 0:
        raise InvalidParameter(
            "terms: this finite continued fraction divides by zero", parameter="terms"
        )
    return Fraction(p, q)


def log10_abs(x: Fraction | int) -> float:
    """log10 |x| for exact numbers of any size (no float overflow).

    >>> round(log10_abs(Fraction(1, 10**400)), 6)
    -400.0
    """
    x = abs(Fraction(x))
    if x == 0:
        return -math.inf
    n, d = x.numerator, x.denominator
    # Shift both to ~60 significant bits so the float division cannot overflow or underflow.
    sn, sd = max(n.bit_length() - 60, 0), max(d.bit_length() - 60, 0)
    return math.log10((n >> sn) / (d >> sd)) + (sn - sd) * math.log10(2)


def convergence_rate(terms: Iterable[int], signs: Signs | str = (1,)) -> float:
    """Digits gained per term: the slope of log10|p_n/q_n - p_{n-1}/q_{n-1}| over the second half.

    Consecutive convergents differ by ∏b / (q_{n-1} q_n), so the slope of log10|q_{n-1} q_n| is
    how many correct digits each further term adds. Fitting over the second half ignores a
    slow start; for super-exponential convergence (e-type) the rate grows with n and the value is
    the average over that half.

    >>> round(convergence_rate([1] * 200), 3)     # golden ratio: 2·log10(φ) ≈ 0.418
    0.418
    """
    logs = [
        math.log10(abs(q0)) + math.log10(abs(q1)) if q0 and q1 else None
        for q0, q1 in _pairwise(q for _, q in convergent_pairs(terms, signs))
    ]
    half = len(logs) // 2
    lo, hi = half, len(logs) - 1
    while lo < hi and logs[lo] is None:
        lo += 1
    if hi <= lo or logs[hi] is None:
        return 0.0
    return (logs[hi] - logs[lo]) / (hi - lo)


def _pairwise(it: Iterable[int]) -> Iterator[tuple[int, int]]:
    prev = None
    for i, x in enumerate(it):
        if i:
            yield prev, x
        prev = x
