"""Approve: regenerate terms from a recurrence and compare the continued fraction with the value.

A screened candidate becomes a conjecture only here. The recurrence generates as many terms as
it takes for consecutive convergents to agree to the requested digits; the last convergent p/q
is then compared, in rigorous ball arithmetic, with the left-hand side computed independently.
The number of digits *proven* to agree is recorded.

>>> from fractions import Fraction
>>> from esma.recurrence import Recurrence
>>> ones = Recurrence(charpoly=(1, -1), start=0, initial=(1,))   # [1; 1, 1, ...] = golden ratio
>>> from esma.constants import get_constant
>>> approve(get_constant("phi"), ones, (1,), digits=100).digits >= 100
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from collections import OrderedDict
from collections.abc import Iterator
from itertools import cycle
from typing import Any

from esma.errors import InvalidParameter
from esma.recurrence import Recurrence
from esma.signs import Signs

#: Approval never uses fewer digits than this (DESIGN.md: conjectures are approved to ≥ 1000).
MIN_DIGITS = 1000

_LOG10_2 = math.log10(2)


@dataclass(frozen=True)
class Approval:
    """The evidence for a conjecture.

    Attributes
    ----------
    digits : int
        Decimal digits (after the point) to which the convergent and the value provably agree.
    terms : int
        Terms of the continued fraction used.
    convergence_rate : float
        Digits gained per term over the second half of the terms used: the slope of
        log10|q_{n-1} q_n| (as :func:`esma.convergents.convergence_rate`, from bit lengths).
    """

    digits: int
    terms: int
    convergence_rate: float


def approve(
    value: Any,
    recurrence: Recurrence,
    signs: Signs,
    *,
    digits: int = MIN_DIGITS,
    max_terms: int | None = None,
) -> Approval | None:
    """Check y = a₀ + b₀/(a₁ + …) to ``digits`` digits, a_n from ``recurrence``; ``None`` if not.

    Parameters
    ----------
    value
        Anything with ``arb(bits)`` returning a rigorous ball (a Constant or an LhsValue).
    recurrence : Recurrence
        Generates a_n.
    signs : tuple of int
        One period of b_n.
    digits : int
        Digits that must provably agree.
    max_terms : int, optional
        Give up after this many terms (default ``max(2000, 4 * digits)``): a continued fraction
        that converges more slowly is not approved.

    Notes
    -----
    Consecutive convergents differ by 1/|q_{n-1} q_n| because |p_n q_{n-1} - p_{n-1} q_n| = 1,
    so terms are generated until log10|q_{n-1} q_n| exceeds the target. Every doubling of n the
    convergent is compared with y: a continued fraction converging to another number is rejected
    as soon as the disagreement shows, which keeps wrong candidates (π's long runs of 2s) cheap.
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 10:
        raise InvalidParameter(f"digits: {digits!r} must be an integer of at least 10")
    max_terms = max_terms or max(2000, 4 * digits)
    bits = int(digits / _LOG10_2) + 64
    y = value.arb(bits)
    # |q| >= 2^(bit_length - 1), so bit lengths give a lower bound on log2 |q_{n-1} q_n| that
    # costs no float work in the loop; ``need`` is the digits + 10 target in those units.
    need = math.ceil((digits + 10) / _LOG10_2) + 2
    a0 = recurrence.terms(1)[0]
    for kind, n, r, q, total, rate in _trace(_tail(recurrence), signs, need, max_terms):
        if kind is _GIVE_UP:
            return None
        agree = _agreement(a0 * q + r, q, y, bits)  # p_n = a_0 q_n + r_n
        if kind is _FINAL:
            return Approval(agree, n, rate) if agree >= digits else None
        spacing = (total - 2) * _LOG10_2
        if spacing > 40 and agree < spacing / 2 - 10:
            return None  # converging, but not to y
    return None  # pragma: no cover - a trace ends with _FINAL or _GIVE_UP


# The convergents p_n/q_n of a_0 + b_0/(a_1 + b_1/(a_2 + ...)) are p_n = a_0 q_n + r_n, where
# q_n and r_n do not depend on a_0 (r_n is p_n for a_0 = 0). Everything approve decides besides
# the agreement with y (where to stop, the rate) depends on the q_n only. So the convergents are
# computed once per (tail a_1 a_2 ..., signs) as a *trace* of the checkpoints approve visits, and
# replayed for every a_0: left-hand sides that differ by an integer share one, and approve gives
# exactly what the full computation would.
_CHECK, _FINAL, _GIVE_UP = "check", "final", "give up"
_TRACES: OrderedDict[tuple, _Trace] = OrderedDict()
_MAX_TRACES = 4096


def _tail(recurrence: Recurrence) -> Recurrence:
    """The recurrence of a_1, a_2, ... (the sequence without a_0), in a canonical form: equal
    tails of recurrences with the same characteristic polynomial and start give equal results."""
    start = max(recurrence.start - 1, 0)
    seed = recurrence.terms(1 + start + recurrence.order)[1:]
    return Recurrence(recurrence.charpoly, start, tuple(seed))


class _Trace:
    """The checkpoints of one tail, computed as far as some replay has needed them."""

    def __init__(self, tail: Recurrence, signs: Signs, need: int, max_terms: int):
        self.events: list[tuple] = []
        self._more = _checkpoints(tail, signs, need, max_terms)

    def __iter__(self):
        yield from self.events  # what earlier replays computed
        for event in self._more:
            self.events.append(event)
            yield event


def _trace(tail: Recurrence, signs: Signs, need: int, max_terms: int) -> _Trace:
    key = (tail, tuple(signs), need, max_terms)
    trace = _TRACES.get(key)
    if trace is None:
        trace = _TRACES[key] = _Trace(tail, signs, need, max_terms)
        if len(_TRACES) > _MAX_TRACES:
            _TRACES.popitem(last=False)
    else:
        _TRACES.move_to_end(key)
    return trace


def _checkpoints(tail: Recurrence, signs: Signs, need: int, max_terms: int) -> Iterator[tuple]:
    """Yield ``(kind, n, r_n, q_n, total, rate)`` where approve looks: at n = 64, 128, ..., and
    where ``total`` (the bit lengths of q_{n-1} and q_n) first reaches ``need`` (_FINAL), or at
    ``max_terms`` (_GIVE_UP)."""
    sums = [0]  # bit_length(q_{n-1}) + bit_length(q_n), for n = 0, 1, ...
    r_prev, q_prev, r, q = 1, 0, 0, 1
    checkpoint = 64
    # a_n pairs with b_{n-1}: zip the terms from a_1 with the sign cycle from b_0.
    for a, b in zip(tail.iter_terms(), cycle(signs)):
        r, r_prev = a * r + b * r_prev, r
        q, q_prev = a * q + b * q_prev, q
        total = q.bit_length() + q_prev.bit_length()
        sums.append(total)
        n = len(sums)
        if total >= need:
            half = n // 2
            rate = (total - sums[half]) * _LOG10_2 / max(n - 1 - half, 1)
            yield _FINAL, n, r, q, total, round(rate, 4)
            return
        if n == checkpoint:
            yield _CHECK, n, r, q, total, None
            checkpoint *= 2
        if n >= max_terms:
            yield _GIVE_UP, n, None, None, total, None
            return


def _agreement(p: int, q: int, y: Any, bits: int) -> int:
    """Digits after the point to which p/q and the ball y provably agree (0 when q = 0)."""
    if q == 0:
        return 0
    from flint import arb, ctx

    with ctx.workprec(bits):
        upper = abs(arb(p) / arb(q) - y).abs_upper()
    if upper == 0:
        return 10**9  # cannot happen for an irrational y; treat as unbounded agreement
    man, exp = (int(v) for v in arb(upper).mid().man_exp())
    log10_upper = math.log10(man) + exp * _LOG10_2
    return max(0, math.floor(-log10_upper))
