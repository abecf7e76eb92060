"""Left-hand sides y = f(c): Möbius maps and rational functions with small integer coefficients.

ESMA expands many functions of one constant. Here they are enumerated in exact canonical form,
without any symbolic simplification: P/Q is reduced by its polynomial gcd, its integer content
removed and its signs fixed, so two coefficient lists name the same function exactly when their
canonical forms are equal. Functions whose values coincide (or differ only in sign) at the
constant are then searched once, and rational values are dropped.

>>> f = canonical((1, 1), (-1, 1))      # (x + 1)/(x - 1)
>>> f.text
'(x + 1)/(x - 1)'
>>> len(enumerate_lhs(1, 1))            # Möbius maps with coefficients in {-1, 0, 1}
12
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from itertools import product
from typing import TYPE_CHECKING

from esma.errors import InvalidParameter, check_int
from esma.notation import substitute_constant

if TYPE_CHECKING:
    from flint import arb

    from esma.constants import Constant

#: Bits to which two values must agree to be called equal when de-duplicating: small-coefficient
#: functions of one constant that differ do so long before 2^-256.
VALUE_BITS = 256


@dataclass(frozen=True, order=True)
class RationalLhs:
    """P(x)/Q(x) with integer coefficients, lowest degree first, in canonical form."""

    num: tuple[int, ...]
    den: tuple[int, ...]

    @property
    def degree(self) -> int:
        """max(deg P, deg Q)."""
        return max(len(self.num), len(self.den)) - 1

    @cached_property
    def text(self) -> str:
        """Readable text in x that esma's own parser reads back, e.g. ``(2*x + 1)/(x - 1)``."""
        p, q = _poly_text(self.num), _poly_text(self.den)
        if q == "1":
            return p
        return f"{_group(p, self.num, False)}/{_group(q, self.den, True)}"

    def negated(self) -> RationalLhs:
        """-P/Q."""
        return RationalLhs(tuple(-a for a in self.num), self.den)

    def value(self, x: arb) -> arb:
        """P(x)/Q(x) in ball arithmetic (rigorous)."""
        return _horner(self.num, x) / _horner(self.den, x)

    def exact_value(self, x: Fraction) -> Fraction:
        """P(x)/Q(x) for an exact rational x.

        >>> canonical((1, 1), (-1, 1)).exact_value(Fraction(3))
        Fraction(2, 1)
        """
        return Fraction(_horner(self.num, Fraction(x))) / _horner(self.den, Fraction(x))


def _horner(coeffs: tuple[int, ...], x):
    acc = 0 * x
    for a in reversed(coeffs):
        acc = acc * x + a
    return acc


def _poly_text(coeffs: tuple[int, ...]) -> str:
    parts: list[str] = []
    for k in range(len(coeffs) - 1, -1, -1):
        a = coeffs[k]
        if a == 0:
            continue
        mag = abs(a)
        mono = "" if k == 0 else ("x" if k == 1 else f"x**{k}")
        body = str(mag) if not mono else (mono if mag == 1 else f"{mag}*{mono}")
        if not parts:
            parts.append(body if a > 0 else f"-{body}")
        else:
            parts.append(f"{'+' if a > 0 else '-'} {body}")
    return " ".join(parts) or "0"


def _group(text: str, coeffs: tuple[int, ...], divisor: bool) -> str:
    """Parenthesise a polynomial where ``/`` would otherwise bind wrongly (``1/(2*x)``)."""
    terms = sum(1 for a in coeffs if a)
    product = divisor and ("*" in text or "**" in text)
    return f"({text})" if terms > 1 or text.startswith("-") or product else text


def canonical(num: tuple[int, ...], den: tuple[int, ...]) -> RationalLhs | None:
    """The canonical form of P/Q, or ``None`` when it is constant or Q is zero.

    Common polynomial factors are cancelled (python-flint ``fmpz_poly.gcd``), the integer
    content removed, and signs fixed so Q's leading coefficient is positive. f and -f share the
    canonical form with P's leading coefficient positive (values equal up to sign are searched
    once; :func:`distinct_values` picks the sign that makes the value positive).

    >>> canonical((2, 2), (-2, 2)) == canonical((-1, -1), (1, -1)) == canonical((1, 1), (-1, 1))
    True
    >>> canonical((2,), (4,)) is None                        # a constant
    True
    """
    from flint import fmpz_poly

    p, q = fmpz_poly(list(num)), fmpz_poly(list(den))
    if q == 0 or p == 0:
        return None
    g = p.gcd(q)
    if g.degree() > 0:
        p, q = p // g, q // g
    if p.degree() <= 0 and q.degree() <= 0:
        return None
    pc, qc = [int(a) for a in p.coeffs()], [int(a) for a in q.coeffs()]
    content = math.gcd(*pc, *qc)
    pc, qc = [a // content for a in pc], [a // content for a in qc]
    if qc[-1] < 0:
        qc = [-a for a in qc]
    if pc[-1] < 0:  # -f: same search, sign chosen later from the value
        pc = [-a for a in pc]
    return RationalLhs(tuple(pc), tuple(qc))


def check_lhs_space(degree: int, coeff: int) -> None:
    """Refuse a degree or coefficient bound :func:`enumerate_lhs` cannot (or should not) take.

    >>> check_lhs_space(1, 2) is None
    True
    """
    check_int("degree", degree, 1, 4)
    check_int("coeff", coeff, 1, 50)
    if (2 * coeff + 1) ** (2 * degree + 2) > 5_000_000:
        raise InvalidParameter(
            f"coeff: {coeff} with degree {degree} gives {(2 * coeff + 1) ** (2 * degree + 2):,} "
            "coefficient lists, too large a space; lower it or the degree",
            parameter="coeff",
        )


def enumerate_lhs(degree: int, coeff: int) -> list[RationalLhs]:
    """Every distinct canonical P/Q with deg ≤ ``degree`` and |coefficients| ≤ ``coeff``.

    ``degree=1`` gives the Möbius maps (a·x + b)/(c·x + d) with ad - bc ≠ 0. The list is sorted,
    so the search domain (and every search) is deterministic.

    >>> [f.text for f in enumerate_lhs(1, 1)][:4]
    ['x - 1', 'x', 'x + 1', '1/(x - 1)']
    """
    check_lhs_space(degree, coeff)
    if (2 * coeff + 1) ** (2 * degree + 2) > BULK_LISTS:
        seen = _canonical_bulk(degree, coeff)
    else:
        seen = set()
        rng = range(-coeff, coeff + 1)
        for coeffs in product(rng, repeat=2 * degree + 2):
            num, den = coeffs[: degree + 1], coeffs[degree + 1 :]
            if degree == 1 and num[0] * den[1] - num[1] * den[0] == 0:
                continue  # fast path: a degenerate Möbius map is a constant
            f = canonical(_trim(num), _trim(den))
            if f is not None:
                seen.add((f.num, f.den))
    # (degree, len(den), den, len(num), num), on plain tuples: the order of every search.
    order = sorted(seen, key=lambda nd: (max(map(len, nd)), len(nd[1]), nd[1], len(nd[0]), nd[0]))
    return [RationalLhs(num, den) for num, den in order]


#: Coefficient lists above which :func:`enumerate_lhs` works on numpy arrays rather than one list
#: at a time (~6 µs each): e.g. degree 2, |coef| <= 3 (117,649 lists) and degree 3, |coef| <= 2.
BULK_LISTS = 20_000

#: Coefficient lists per numpy batch of the bulk enumeration (Sylvester matrices of 8x8 int64
#: for 200,000 lists take ~100 MB).
_BULK_BATCH = 200_000


def _canonical_bulk(degree: int, coeff: int) -> set[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The set of canonical forms ``(num, den)`` of every coefficient list, as :func:`canonical`
    gives them.

    A pair P, Q whose resultant (at the degree max(deg P, deg Q)) is not zero has no common
    factor, so its canonical form is P, Q divided by their integer content with the signs fixed:
    that is done for whole arrays at once. The pairs with a zero resultant (a common factor, a
    few percent) go through :func:`canonical` one by one.
    """
    import numpy as np

    width, base = degree + 1, 2 * coeff + 1
    values = np.arange(-coeff, coeff + 1, dtype=np.int64)
    total = base ** (2 * width)
    weights = base ** np.arange(2 * width, dtype=np.int64)
    pairs: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
    keys = []
    for start in range(0, total, _BULK_BATCH):
        index = np.arange(start, min(start + _BULK_BATCH, total), dtype=np.int64)
        digits = np.empty((len(index), 2 * width), dtype=np.int64)
        for col in range(2 * width):  # every list once (the result is a set: order is free)
            index, digit = np.divmod(index, base)
            digits[:, col] = values[digit]
        num, den = digits[:, :width], digits[:, width:]
        deg_p, deg_q = _degrees(num), _degrees(den)
        top = np.maximum(deg_p, deg_q)
        live = (deg_p >= 0) & (deg_q >= 0) & (top >= 1)  # P, Q not zero, not both constant
        coprime = np.zeros(len(digits), dtype=bool)
        for m in range(1, width):
            rows = np.nonzero(live & (top == m))[0]
            if len(rows):
                coprime[rows] = _resultants(num[rows, : m + 1], den[rows, : m + 1]) != 0
        for p_row, q_row in zip(
            num[live & ~coprime].tolist(), den[live & ~coprime].tolist(), strict=True
        ):
            f = canonical(_trim(tuple(p_row)), _trim(tuple(q_row)))
            if f is not None:
                pairs.add((f.num, f.den))
        rows = np.nonzero(coprime)[0]
        both = np.concatenate([num[rows], den[rows]], axis=1)
        both //= np.gcd.reduce(np.abs(both), axis=1)[:, None]
        picked = np.arange(len(rows))
        both[:, :width] *= np.where(both[picked, deg_p[rows]] < 0, -1, 1)[:, None]
        both[:, width:] *= np.where(both[picked, width + deg_q[rows]] < 0, -1, 1)[:, None]
        # Content removed, every coefficient is still in [-coeff, coeff]: one integer per form.
        keys.append(np.unique((both + coeff) @ weights))
    if keys:
        unique = np.unique(np.concatenate(keys))
        both = (unique[:, None] // weights) % base - coeff
        ends_p, ends_q = _degrees(both[:, :width]) + 1, _degrees(both[:, width:]) + 1
        for row, dp, dq in zip(both.tolist(), ends_p.tolist(), ends_q.tolist(), strict=True):
            pairs.add((tuple(row[:dp]), tuple(row[width : width + dq])))
    return pairs


def _degrees(coeffs):
    """The degree of each row's polynomial (lowest coefficient first); -1 for zero."""
    import numpy as np

    return np.where(coeffs != 0, np.arange(coeffs.shape[1]), -1).max(axis=1)


def _resultants(num, den):
    """Res(P, Q) of every row pair, both taken as polynomials of degree m (``num``, ``den``:
    int64 arrays of shape (N, m + 1), lowest coefficient first).

    The determinant of the Sylvester matrix in floating point (LAPACK's LU with partial
    pivoting), rounded. That is exact here: the matrices have size 2m <= 8 and entries at most
    ``coeff`` (<= 6 where m >= 2, :func:`check_lhs_space`), so every cofactor is below ~10^4
    (Hadamard's bound) and the rounding error of the LU (growth at most 2^7) moves the
    determinant by less than 10^-6, far from the 1/2 that rounding tolerates.
    """
    import numpy as np

    count, width = num.shape
    m = width - 1
    M = np.zeros((count, 2 * m, 2 * m))
    for i in range(m):  # m shifted rows of P and of Q, highest coefficient first
        M[:, i, i : i + width] = num[:, ::-1]
        M[:, m + i, i : i + width] = den[:, ::-1]
    return np.rint(np.linalg.det(M)).astype(np.int64)


def _trim(coeffs: tuple[int, ...]) -> tuple[int, ...]:
    end = len(coeffs)
    while end > 1 and coeffs[end - 1] == 0:
        end -= 1
    return coeffs[:end]


@dataclass(frozen=True)
class LhsValue:
    """y = f(c) as something the certified expansion can ask for digits of."""

    lhs: RationalLhs
    constant: Constant

    @property
    def text(self) -> str:
        """The value written out: ``(e + 1)/(e - 1)``."""
        return substitute_constant(self.lhs.text, self.constant.text)

    def arb(self, bits: int) -> arb:
        """A rigorous ball around y, relative accuracy about ``bits`` bits."""
        from esma.precision import GUARD_BITS, working_precision

        with working_precision(bits + GUARD_BITS):
            return self.lhs.value(self.constant.arb(bits + GUARD_BITS))

    def bounds(self, bits: int) -> tuple[int, int, int]:
        """(lo, hi, shift): lo/2^shift ≤ y ≤ hi/2^shift."""
        from esma.constants import ball_bounds

        return ball_bounds(self.arb(bits), bits)


def lhs_value(constant: str | Constant, lhs: str = "x") -> Constant:
    """The value of the expression ``lhs`` in x at the constant, checked like a constant.

    The result is a :class:`~esma.constants.Constant` whose text shows the constant written in
    for x; a value that is rational, zero or out of range is refused with InvalidExpression.

    >>> lhs_value("e", "(x+1)/(x-1)").text
    '(e + 1)/(e - 1)'
    """
    from esma.constants import Constant, checked_constant, get_constant
    from esma.expr import format_expression, parse_expression, substitute

    c = constant if isinstance(constant, Constant) else get_constant(constant)
    expr = parse_expression(lhs, variables=("x",))
    text = substitute_constant(format_expression(expr), c.text)
    return checked_constant(
        substitute(expr, "x", c.expr), text=text, description=f"{lhs} at {c.text}"
    )


def distinct_values(
    lhs_list: list[RationalLhs],
    constant: Constant,
    bits: int = VALUE_BITS,
    *,
    transcendental: bool = False,
) -> list[RationalLhs]:
    """The left-hand sides whose values at ``constant`` are distinct up to sign and irrational.

    Each kept f is returned with the sign that makes f(c) positive (as the reference does with
    |y|). Values that are rational (for an algebraic constant such as φ, x² - x = 1) or undefined
    (Q(c) = 0) are dropped. The first function of each value, in list order, is kept.

    ``transcendental=True`` says the constant is proven transcendental
    (:func:`esma.valueclasses.proven_transcendental`): f(c) = r for a nonconstant f = P/Q and a
    rational r would make c a root of P - rQ, so no value is rational, and the test for them (a
    Euclid on every value: half the time of listing the left-hand sides of degree 2) is skipped.

    >>> from esma.constants import get_constant
    >>> fs = distinct_values(enumerate_lhs(1, 1), get_constant("phi"))
    >>> len(fs), "1/x" in [f.text for f in fs]       # 1/φ = φ - 1 and 1/(φ + 1) = 2 - φ
    (6, False)
    """
    from esma.precision import working_precision

    keep: list[RationalLhs] = []
    seen: set[int] = set()
    # Twice the bits compared, so that each midpoint is far more accurate than the 2**-bits
    # grid its key is rounded to.
    with working_precision(2 * bits):
        x = constant.arb(2 * bits)
        for f in lhs_list:
            q = _horner(f.den, x)
            if q.contains(0):
                continue
            y = _horner(f.num, x) / q
            if y.contains(0):
                continue
            if y < 0:
                f, y = f.negated(), -y
            num, den = _mid_fraction(y)
            key = _round_scaled(num, den, bits)
            if key in seen or (not transcendental and _looks_rational(num, den, bits)):
                continue
            seen.add(key)
            keep.append(f)
    return keep


def _mid_fraction(y: arb) -> tuple[int, int]:
    """The midpoint of ``y`` as a reduced fraction (num, den), den a power of two."""
    man, exp = y.mid().man_exp()
    man, exp = int(man), int(exp)
    if exp >= 0:
        return man << exp, 1
    twos = min((man & -man).bit_length() - 1, -exp) if man else -exp
    return man >> twos, 1 << (-exp - twos)


def _round_scaled(num: int, den: int, bits: int) -> int:
    """``round(Fraction(num, den) * 2**bits)`` (half to even), in integers; den > 0.

    >>> _round_scaled(3, 8, 2), _round_scaled(5, 8, 2)     # 1.5 -> 2, 2.5 -> 2
    (2, 2)
    """
    whole, rest = divmod(num << bits, den)
    twice = 2 * rest
    return whole + (twice > den or (twice == den and whole & 1))


def _looks_rational(num: int, den: int, bits: int) -> bool:
    """True when y = num/den (reduced, den > 0) is within 2^-bits of a fraction with denominator
    at most 2^(bits/4): ``abs(y - y.limit_denominator(2**(bits // 4))) * 2**bits < 1``, with
    :meth:`fractions.Fraction.limit_denominator`'s algorithm run on integers (a search checks
    every left-hand side, and Fraction objects cost ~5x more).

    >>> _looks_rational(1, 3, 64), _looks_rational(2**62 + 1, 3 * 2**62, 64)
    (True, False)
    """
    max_den = 1 << (bits // 4)
    if den <= max_den:
        return True  # y itself is such a fraction
    p0, q0, p1, q1 = 0, 1, 1, 0
    n, d = num, den
    while True:
        a = n // d
        q2 = q0 + a * q1
        if q2 > max_den:
            break
        p0, q0, p1, q1 = p1, q1, p0 + a * p1, q2
        n, d = d, n - a * d
    k = (max_den - q0) // q1
    pk, qk = p0 + k * p1, q0 + k * q1
    # |p1/q1 - y| <= |pk/qk - y|, cross-multiplied by q1·qk·den > 0: limit_denominator's choice.
    err1, err_k = abs(p1 * den - num * q1), abs(pk * den - num * qk)
    q, err = (q1, err1) if err1 * qk <= err_k * q1 else (qk, err_k)
    return (err << bits) < q * den
