"""Continued-fraction formulas as ramanujantools matrix walks, checked by their limits.

Each ``Formula`` in ``FORMULAS`` is y = a_0 + b_0/(a_1 + b_1/(a_2 + ...)) written as a walk of
2x2 matrices. Its convergents p_n/q_n satisfy

    [[p_{n-1}, p_n], [q_{n-1}, q_n]] = [[p_{n-2}, p_{n-1}], [q_{n-2}, q_{n-1}]] * [[0, b_{n-1}], [1, a_n]]

(the step matrix of ramanujantools' ``PCF``, with b_{-1} = 1 and p_{-2}, p_{-1}, q_{-2}, q_{-1} =
0, 1, 1, 0). ``head`` is the product of the first ``first`` steps (numbers), and ``step`` the
product of ``period`` steps n = first + period*m + j, j = 0, ..., period - 1: one period of the
formula contracted into a matrix of polynomials in ``m``. So

    y = lim p/q of head * step(0) * step(1) * ... * step(k - 1),

which is ``step.limit({m: 1}, k, {m: 0}, initial_values=head)`` in ramanujantools (p and q are
the right column). Run ``python FILE --check DIGITS`` to compute every limit and compare it with
the left-hand side (a SymPy expression); the exit status is 0 only if all agree to DIGITS digits.
Powers are written ``**`` (Python's).

>>> f = Formula("example", lhs=E - 1, head=Matrix([[1, 2], [0, 1]]),
...             step=Matrix([[-1, -2], [2*m + 3, 4*m + 7]]), first=1, period=2,
...             verified_digits=1000, convergence_rate=2.5)
>>> f.limit(1).as_rational()
12/7
>>> f.check(30)[0]
True
"""

from __future__ import annotations

import argparse
import math
import sys
from functools import lru_cache

import mpmath
import sympy
from ramanujantools import Limit, Matrix

# Every name a left-hand side may use, so that the formulas below read as SymPy.
from sympy import (  # noqa: F401
    Catalan,
    E,
    EulerGamma,
    Rational,
    atan,
    besseli,
    besselj,
    cos,
    cosh,
    exp,
    gamma,
    log,
    pi,
    sin,
    sinh,
    sqrt,
    tan,
    tanh,
    zeta,
)

# A plain symbol, as ramanujantools' own (sympy.abc.n): its polynomial conversions look symbols
# up by name and would miss one with assumptions.
m = sympy.Symbol("m")

#: A walk that needs more steps than this is reported as not converging.
MAX_STEPS = 1 << 14

#: Guard digits above the digits compared.
GUARD = 10


class Formula:
    """One formula: the left-hand side, the head matrix, and one period as a matrix in m."""

    def __init__(
        self,
        id: str,
        *,
        lhs: sympy.Expr,
        head: Matrix,
        step: Matrix,
        first: int,
        period: int,
        verified_digits: int,
        convergence_rate: float,
    ) -> None:
        self.id = id
        self.lhs = lhs
        self.head = head
        self.step = step
        self.first = first
        self.period = period
        self.verified_digits = verified_digits
        self.convergence_rate = convergence_rate

    def __repr__(self) -> str:
        return f"Formula({self.id!r}: {self.lhs} = lim head * step(0) * step(1) * ...)"

    def limits(self, steps: list[int]) -> list[Limit]:
        """ramanujantools' limits after each number of steps in ``steps`` (sorted, distinct)."""
        return self.step.limit({m: 1}, steps, {m: 0}, initial_values=self.head)

    def limit(self, steps: int) -> Limit:
        """The limit after ``steps`` steps, i.e. ``first + period * steps`` terms."""
        return self.limits([steps])[0]

    def check(self, digits: int) -> tuple[bool, mpmath.mpf, int]:
        """(agrees, |difference|, terms used): the walk's limit against the left-hand side.

        Steps are doubled, from a guess made with the recorded convergence rate, until two
        successive limits agree to ``digits + GUARD`` digits (or MAX_STEPS is reached).
        """
        dps = digits + GUARD
        with mpmath.workdps(dps):
            target = _lhs_value(self.lhs, dps)
            tolerance = mpmath.mpf(10) ** -dps
            # The rate was measured near 1000 digits; fewer digits converge more slowly per
            # term, hence the factor 2.
            steps = max(2, math.ceil(2 * dps / (self.convergence_rate * self.period)))
            while True:
                value, more = (_value(lim) for lim in self.limits([steps, 2 * steps]))
                steps *= 2
                if abs(more - value) < tolerance or steps >= MAX_STEPS:
                    break
            error = abs(more - target)
            terms = self.first + self.period * steps
            return bool(error < mpmath.mpf(10) ** -digits), +error, terms


def _value(limit: Limit) -> mpmath.mpf:
    """p/q of a limit (ramanujantools' ``as_rational``) at mpmath's current precision."""
    ratio = limit.as_rational()
    if not ratio.is_Rational:  # q = 0
        return mpmath.inf
    return mpmath.mpf(int(ratio.p)) / int(ratio.q)


@lru_cache(maxsize=4096)
def _lhs_value(lhs: sympy.Expr, dps: int) -> mpmath.mpf:
    return mpmath.mpf(lhs.evalf(dps + 5))


#: The formulas; the exported file appends their list here.
FORMULAS: list[Formula] = []


def check_all(formulas: list[Formula], digits: int, out=None) -> int:
    """Check every formula's limit to ``digits`` digits, one line each, then a count; returns
    the number of failures."""
    out = out or sys.stdout
    failures = 0
    for f in formulas:
        ok, error, terms = f.check(digits)
        if ok:
            print(f"ok {f.id} ({terms} terms)", file=out)
        else:
            failures += 1
            shown = mpmath.nstr(error, 5)
            print(f"FAIL {f.id}: differs by {shown} after {terms} terms", file=out)
    agreed = len(formulas) - failures
    print(
        f"{agreed} of {len(formulas)} limits agree with their left-hand sides to {digits} digits",
        file=out,
    )
    return failures


def main(argv: list[str] | None = None) -> int:
    """``--check DIGITS``: check every formula; without it, say how many there are."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        type=int,
        metavar="DIGITS",
        help="compute every walk's limit with ramanujantools and compare it with the left-hand side",
    )
    args = parser.parse_args(argv)
    if args.check is None:
        print(f"{len(FORMULAS)} formulas; run with --check DIGITS to compute their limits")
        return 0
    if not 1 <= args.check <= 10_000:
        parser.error(f"--check: {args.check} must be an integer from 1 to 10000")
    return 1 if check_all(FORMULAS, args.check) else 0
