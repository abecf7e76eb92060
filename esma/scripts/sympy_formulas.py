"""Continued-fraction formulas built with SymPy, checked with mpmath.

Each ``Formula`` in ``FORMULAS`` states

    lhs = a_0 + b_0/(a_1 + b_1/(a_2 + ...)),   b_n = signs[n mod len(signs)],

with a_n = head[n] for n < start and, for m >= 0 and 0 <= j < period = len(polys),
a_{start + period*m + j} = polys[j], a polynomial in the SymPy symbol ``m``. ``lhs`` is a SymPy
expression of ``constant``; ``closed_form()`` gives a_n as one ``Piecewise`` in ``n``.

Run ``python FILE --check DIGITS`` to evaluate every formula with mpmath: the continued fraction,
from enough terms and evaluated backwards at DIGITS + 10 digits, against the left-hand side. One
line per formula, then a count; the exit status is 0 only if every formula agrees to DIGITS
digits. ``python FILE`` alone prints the count. Powers are written ``**`` (Python's).

>>> f = Formula("example", constant=E, lhs=E - 1, signs=(-1, 1), head=(), start=0,
...             polys=(2, 2*m + 3), verified_digits=1000, convergence_rate=2.5)
>>> f.terms(8)
[2, 3, 2, 5, 2, 7, 2, 9]
>>> f.check(30)[0]
True
"""

from __future__ import annotations

import argparse
import math
import sys
from fractions import Fraction
from functools import lru_cache

import mpmath
import sympy

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

n, m = sympy.symbols("n m", integer=True, nonnegative=True)

#: A continued fraction that needs more terms than this is reported as not converging.
MAX_TERMS = 1 << 16

#: Guard digits of the working precision above the digits compared.
GUARD = 10


class Formula:
    """One formula: the left-hand side, the head, one polynomial in m per residue class, signs."""

    def __init__(
        self,
        id: str,
        *,
        constant: sympy.Expr,
        lhs: sympy.Expr,
        signs: tuple[int, ...],
        head: tuple[int, ...],
        start: int,
        polys: tuple[sympy.Expr | int, ...],
        verified_digits: int,
        convergence_rate: float,
    ) -> None:
        if len(head) != start:
            raise ValueError(f"{id}: head must hold the {start} terms before the closed form")
        self.id = id
        self.constant = constant
        self.lhs = lhs
        self.signs = tuple(signs)
        self.head = tuple(head)
        self.start = start
        self.polys = tuple(sympy.Integer(p) if isinstance(p, int) else p for p in polys)
        self.verified_digits = verified_digits
        self.convergence_rate = convergence_rate
        self._integer_polys: list[tuple[list[int], int]] | None = None
        self._terms: list[int] = []

    def __repr__(self) -> str:
        return f"Formula({self.id!r}: {self.lhs} = ..., signs {self.signs})"

    @property
    def period(self) -> int:
        """Number of residue classes of the closed form."""
        return len(self.polys)

    def closed_form(self) -> sympy.Piecewise:
        """a_n as a Piecewise in n: the head term by term, then one branch per residue class.

        >>> Formula("x", constant=E, lhs=E, signs=(1,), head=(2,), start=1,
        ...         polys=(1, 2*m + 2, 1), verified_digits=0, convergence_rate=1.0
        ...         ).closed_form().subs(n, 5)
        4
        """
        pieces = [(sympy.Integer(value), sympy.Eq(n, k)) for k, value in enumerate(self.head)]
        for j, poly in enumerate(self.polys):
            offset = n - self.start - j
            branch = sympy.expand(poly.subs(m, offset / self.period))
            pieces.append((branch, (n >= self.start) & sympy.Eq(offset % self.period, 0)))
        return sympy.Piecewise(*pieces)

    def a(self, k: int) -> int:
        """a_k, an exact integer."""
        if k < self.start:
            return self.head[k]
        if self._integer_polys is None:
            self._integer_polys = [_integer_poly(p) for p in self.polys]
        mm, j = divmod(k - self.start, self.period)
        numerators, denominator = self._integer_polys[j]
        acc = 0
        for c in numerators:  # descending powers
            acc = acc * mm + c
        return acc // denominator  # exact: the polynomial is integer-valued on m >= 0

    def b(self, k: int) -> int:
        """b_k = signs[k mod len(signs)]."""
        return self.signs[k % len(self.signs)]

    def terms(self, count: int) -> list[int]:
        """a_0, ..., a_{count-1} (kept: a check asks for longer and longer prefixes)."""
        known = self._terms
        known.extend(self.a(k) for k in range(len(known), count))
        return known[:count]

    def value(self, count: int) -> mpmath.mpf:
        """The continued fraction from its first ``count`` terms, evaluated backwards at
        mpmath's current precision."""
        a = self.terms(count)
        signs, period = self.signs, len(self.signs)
        x = mpmath.mpf(a[-1])
        for k in range(count - 2, -1, -1):
            x = a[k] + signs[k % period] / x
        return x

    def check(self, digits: int) -> tuple[bool, mpmath.mpf, int]:
        """(agrees, |difference|, terms used): the continued fraction against the left-hand side.

        Terms are doubled, from a guess made with the recorded convergence rate, until two
        successive values agree to ``digits + GUARD`` digits (or MAX_TERMS is reached).
        """
        dps = digits + GUARD
        with mpmath.workdps(dps):
            target = _lhs_value(self.lhs, dps)
            # The rate was measured near 1000 digits; fewer digits converge more slowly per
            # term, hence the factor 2.
            count = max(8, math.ceil(2 * dps / self.convergence_rate))
            tolerance = mpmath.mpf(10) ** -dps
            try:
                value = self.value(count)
                while True:
                    count *= 2
                    more = self.value(count)
                    if abs(more - value) < tolerance or count >= MAX_TERMS:
                        break
                    value = more
            except ZeroDivisionError:  # a tail of the fraction is zero: it does not converge
                return False, mpmath.inf, count
            error = abs(more - target)
            return bool(error < mpmath.mpf(10) ** -digits), +error, count


def _integer_poly(poly: sympy.Expr) -> tuple[list[int], int]:
    """(integer coefficients, descending; common denominator) of a polynomial in m."""
    coeffs = [Fraction(int(c.p), int(c.q)) for c in sympy.Poly(poly, m).all_coeffs()]
    denominator = math.lcm(*(c.denominator for c in coeffs))
    return [int(c * denominator) for c in coeffs], denominator


@lru_cache(maxsize=4096)
def _lhs_value(lhs: sympy.Expr, dps: int) -> mpmath.mpf:
    return mpmath.mpf(lhs.evalf(dps + 5))


#: The formulas; the exported file appends their list here.
FORMULAS: list[Formula] = []


def check_all(formulas: list[Formula], digits: int, out=None) -> int:
    """Check every formula to ``digits`` digits, one line each, then a count; returns failures."""
    out = out or sys.stdout
    failures = 0
    for f in formulas:
        ok, error, count = f.check(digits)
        if ok:
            print(f"ok {f.id} ({count} terms)", file=out)
        else:
            failures += 1
            shown = mpmath.nstr(error, 5)
            print(f"FAIL {f.id}: differs by {shown} after {count} terms", file=out)
    agreed = len(formulas) - failures
    print(
        f"{agreed} of {len(formulas)} formulas agree with their left-hand sides to {digits} digits",
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
        help="evaluate every formula with mpmath and compare it with its left-hand side",
    )
    args = parser.parse_args(argv)
    if args.check is None:
        print(f"{len(FORMULAS)} formulas; run with --check DIGITS to evaluate them")
        return 0
    if not 1 <= args.check <= 100_000:
        parser.error(f"--check: {args.check} must be an integer from 1 to 100000")
    return 1 if check_all(FORMULAS, args.check) else 0
