"""Classical regular continued fractions, as data: the axioms esma's proofs start from.

Each :class:`Theorem` states the regular continued fraction of one constant,
c = [c₀; h₁, …, h_r, B(k₀), B(k₀ + 1), …], where the block B(k) is a tuple of terms linear in k.
A theorem is built from a *family* in :data:`THEOREMS` (Euler's e, Lambert's tan 1, ...) and a
parameter, and a constant is matched to it exactly, on its parsed expression tree
(:func:`theorem_for`): ``exp(1/4)``, ``e**(1/4)`` and ``e13`` are recognised, a decimal
approximation is not.

>>> t = theorem_for("e")
>>> t.citation, t.terms(10)
('Euler 1737', [2, 1, 2, 1, 1, 4, 1, 1, 6, 1])
>>> theorem_for("exp(1/4)").terms(8)
[1, 3, 1, 1, 11, 1, 1, 19]
>>> theorem_for("pi") is None
True

Notes
-----
The families (n ≥ 1 an integer unless said otherwise):

* e = [2; (1, 2k, 1) for k ≥ 1] (Euler 1737);
* e^(1/n) = [1; ((2k + 1)n − 1, 1, 1) for k ≥ 0], n ≥ 2 (Euler 1737);
* e² = [7; (3k + 2, 1, 1, 3k + 3, 12k + 18) for k ≥ 0] and, for odd n ≥ 3,
  e^(2/n) = [1; ((n − 1)/2 + 3nk, 6n + 12nk, (5n − 1)/2 + 3nk, 1, 1) for k ≥ 0]
  (Hurwitz 1891; Perron, *Die Lehre von den Kettenbrüchen*);
* tan 1 = [1; (2k − 1, 1) for k ≥ 1] and, for n ≥ 2, tan(1/n) = [0; n − 1, (1, (2k + 1)n − 2)
  for k ≥ 1] (Lambert 1768);
* tanh(1/n) = [0; ((2k + 1)n) for k ≥ 0] (Lambert 1768);
* I₁(2/n)/I₀(2/n) = [0; (nk) for k ≥ 1] (Lehmer, "Continued fractions containing arithmetic
  progressions", Scripta Math. 29, 1973);
* a quadratic irrational (p + q√d with rational p, q ≠ 0): its eventually periodic expansion,
  computed exactly (Lagrange 1770): the state (P, Q) of x = (P + √D)/Q repeating proves it.

Every encoding is tested against the certified expansion of its constant
(:func:`esma.expansion.regular_cf`) to 2,000 terms for several parameters
(``tests/test_theorems.py``): a wrong encoding would be the weakest point of every proof.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from esma.errors import EsmaError

if TYPE_CHECKING:
    from esma.expr import Expr

__all__ = ["THEOREMS", "Family", "Theorem", "describe", "theorem_for", "theorem_for_square"]

# A term linear in k: (alpha, beta) stands for alpha + beta*k.
Linear = tuple[int, int]


@dataclass(frozen=True)
class Family:
    """A classical theorem with a parameter: its name, citation and the constants it covers."""

    name: str
    citation: str
    covers: str


#: The families, by name. The name (with the parameter) is what a certificate cites.
THEOREMS: dict[str, Family] = {
    f.name: f
    for f in (
        Family("e", "Euler 1737", "e = exp(1)"),
        Family("exp(1/n)", "Euler 1737", "exp(1/n), n >= 2"),
        Family("e2", "Hurwitz 1891", "e**2 = exp(2)"),
        Family("exp(2/n)", "Hurwitz 1891", "exp(2/n), odd n >= 3"),
        Family("tan1", "Lambert 1768", "tan(1)"),
        Family("tan(1/n)", "Lambert 1768", "tan(1/n), n >= 2"),
        Family("tanh(1/n)", "Lambert 1768", "tanh(1/n), n >= 1"),
        Family("bessel(2/n)", "Lehmer 1973", "besseli(1, 2/n)/besseli(0, 2/n), n >= 1"),
        Family("quadratic", "Lagrange 1770", "quadratic irrationals p + q*sqrt(d)"),
    )
}


@dataclass(frozen=True)
class Theorem:
    """The regular continued fraction of one constant: [c0; head, block(k0), block(k0 + 1), …].

    Attributes
    ----------
    family : str
        Name of the family in :data:`THEOREMS`, e.g. ``"exp(1/n)"``.
    parameter : object
        The family's parameter: ``n`` for the families with n, ``None`` for e, e², tan 1, and
        ``(p, q, d)`` (p + q√d, p and q as ``"a/b"`` text) for a quadratic irrational.
    c0 : int
        The integer part.
    head : tuple of int
        Terms before the first block.
    block : tuple of (int, int)
        One block, each term ``(alpha, beta)`` meaning ``alpha + beta*k``.
    k0 : int
        Index k of the first block.

    Examples
    --------
    >>> t = theorem_for("tanh(1/2)")
    >>> t.family, t.parameter, t.terms(5), t.citation
    ('tanh(1/n)', 2, [0, 2, 6, 10, 14], 'Lambert 1768')
    """

    family: str
    parameter: object
    c0: int
    head: tuple[int, ...]
    block: tuple[Linear, ...]
    k0: int

    @property
    def citation(self) -> str:
        """Who proved it, e.g. ``"Euler 1737"``."""
        return THEOREMS[self.family].citation

    @property
    def key(self) -> str:
        """The family and parameter as one short text, as certificates cite it: ``exp(1/n):4``."""
        if self.parameter is None:
            return self.family
        if isinstance(self.parameter, tuple):
            return f"{self.family}:" + ",".join(str(p) for p in self.parameter)
        return f"{self.family}:{self.parameter}"

    def term(self, i: int) -> int:
        """The i-th term: c0 for i = 0, then the head, then the blocks."""
        if i == 0:
            return self.c0
        i -= 1
        if i < len(self.head):
            return self.head[i]
        k, r = divmod(i - len(self.head), len(self.block))
        alpha, beta = self.block[r]
        return alpha + beta * (self.k0 + k)

    def terms(self, n: int) -> list[int]:
        """The first n terms [c0, c1, …].

        >>> theorem_for("besselratio").terms(6)
        [0, 1, 2, 3, 4, 5]
        """
        return [self.term(i) for i in range(n)]

    def statement(self, name: str = "c") -> str:
        """The theorem as one line, the constant called ``name``.

        >>> theorem_for("e").statement("e")
        'e = [2; (1, 2k, 1) for k ≥ 1]'
        >>> theorem_for("tan(1/3)").statement()
        'c = [0; 2, (1, 6k + 1) for k ≥ 1]'
        >>> theorem_for("sqrt(3)").statement("sqrt(3)")
        'sqrt(3) = [1; (1, 2) repeated]'
        """
        head = "".join(f"{h}, " for h in self.head)
        block = ", ".join(_linear_text(alpha, beta) for alpha, beta in self.block)
        periodic = all(beta == 0 for _, beta in self.block)
        tail = "repeated" if periodic else f"for k ≥ {self.k0}"
        return f"{name} = [{self.c0}; {head}({block}) {tail}]"

    def __str__(self) -> str:
        return f"{self.key} ({self.citation})"


def _linear_text(alpha: int, beta: int) -> str:
    """alpha + beta·k as text: ``2k``, ``6k + 1``, ``3``."""
    if beta == 0:
        return str(alpha)
    k = "k" if beta == 1 else "-k" if beta == -1 else f"{beta}k"
    if alpha == 0:
        return k
    return f"{k} {'+' if alpha > 0 else '-'} {abs(alpha)}"


# --------------------------------------------------------------------------------------------
# Matching a constant to a theorem, on its expression tree


def describe(text: str) -> tuple | None:
    """What a constant is, exactly, when it is one the theorems know; else None.

    Returns ``("exp", r)``, ``("tan", r)``, ``("tanh", r)``, ``("bessel", z)`` (for
    I₁(z)/I₀(z)) with rational r, z, or ``("surd", p, q, d)`` for p + q√d.

    >>> describe("sqrt(e)"), describe("(1 + sqrt(5))/2")
    (('exp', Fraction(1, 2)), ('surd', Fraction(1, 2), Fraction(1, 2), 5))
    """
    from esma.constants import NAMED_CONSTANTS
    from esma.expr import parse_expression

    if not isinstance(text, str):
        return None
    text = text.strip()
    try:
        expr = NAMED_CONSTANTS[text].expr if text in NAMED_CONSTANTS else parse_expression(text)
    except EsmaError:
        return None
    return _describe_cached(expr)


@functools.lru_cache(maxsize=256)
def _describe_cached(expr: Expr) -> tuple | None:
    try:
        value = _Value.of(expr)
    except _NotKnown:
        return None
    if value.kind == "num" or (value.kind == "surd" and value.args[1] == 0):
        return None
    return (value.kind, *value.args)


class _NotKnown(Exception):
    """The expression is not of a form any theorem covers."""


@dataclass(frozen=True)
class _Value:
    """A constant of a known kind: num (r,), exp (r,), tan (r,), tanh (r,), bessel (z,),
    surd (p, q, d) meaning p + q*sqrt(d) with d > 1 not a square, or besseli (nu, z)."""

    kind: str
    args: tuple

    @staticmethod
    def of(expr: Expr) -> _Value:
        op, args = expr.op, expr.args
        if op == "num":
            return _Value("num", (Fraction(args[0]),))
        if op == "name":
            return _named(args[0])
        if op == "neg":
            return _arith("*", _Value("num", (Fraction(-1),)), _Value.of(args[0]))
        if op == "call":
            return _call(args[0], [_Value.of(a) for a in args[1:]])
        left, right = _Value.of(args[0]), _Value.of(args[1])
        if op == "**":
            return _power(left, right)
        return _arith(op, left, right)


def _named(name: str) -> _Value:
    from esma.constants import NAMED_CONSTANTS

    if name == "e":
        return _Value("exp", (Fraction(1),))
    if name in NAMED_CONSTANTS and NAMED_CONSTANTS[name].expr.op != "name":
        return _Value.of(NAMED_CONSTANTS[name].expr)
    raise _NotKnown


def _rational(value: _Value) -> Fraction:
    if value.kind == "num":
        return value.args[0]
    if value.kind == "surd" and value.args[1] == 0:
        return value.args[0]
    raise _NotKnown


def _call(name: str, values: list[_Value]) -> _Value:
    if name in ("exp", "tan", "tanh"):
        r = _rational(values[0])
        if r == 0:
            return _Value("num", (Fraction(1 if name == "exp" else 0),))
        return _Value(name, (r,))
    if name == "sqrt":
        value = values[0]
        if value.kind == "exp":
            return _Value("exp", (value.args[0] / 2,))
        return _sqrt(_rational(value))
    if name == "besseli":
        return _Value("besseli", (_rational(values[0]), _rational(values[1])))
    raise _NotKnown


def _power(base: _Value, exponent: _Value) -> _Value:
    q = _rational(exponent)
    if base.kind == "exp":
        return _Value("exp", (base.args[0] * q,))
    if q.denominator == 2 and q > 0:
        return _power(_sqrt(_rational(base)), _Value("num", (Fraction(q.numerator),)))
    if q.denominator != 1 or base.kind not in ("num", "surd"):
        raise _NotKnown
    result, factor = _Value("num", (Fraction(1),)), base
    for _ in range(abs(q.numerator)):
        result = _arith("*", result, factor)
    return result if q >= 0 else _arith("/", _Value("num", (Fraction(1),)), result)


def _sqrt(r: Fraction) -> _Value:
    """sqrt(r) for rational r > 0, as an exact rational or as q*sqrt(d)."""
    if r <= 0:
        raise _NotKnown
    n = r.numerator * r.denominator  # sqrt(a/b) = sqrt(a*b)/b
    square, d = _square_part(n)
    if d == 1:
        return _Value("num", (Fraction(square, r.denominator),))
    return _Value("surd", (Fraction(0), Fraction(square, r.denominator), d))


def _square_part(n: int) -> tuple[int, int]:
    """(s, d) with n = s²·d; d square-free when n's prime factors below 1000 are all that
    repeat (enough for what people type; d is in any case not a perfect square unless 1)."""
    s, d, p = 1, n, 2
    while p < 1000 and p * p <= d:
        while d % (p * p) == 0:
            d //= p * p
            s *= p
        p += 1
    root = math.isqrt(d)
    if root * root == d:
        return s * root, 1
    return s, d


def _as_surd(value: _Value) -> tuple[Fraction, Fraction, int | None]:
    if value.kind == "num":
        return value.args[0], Fraction(0), None
    if value.kind == "surd":
        return value.args
    raise _NotKnown


def _arith(op: str, left: _Value, right: _Value) -> _Value:
    if op == "/" and left.kind == "besseli" and right.kind == "besseli":
        (nu1, z1), (nu0, z0) = left.args, right.args
        if (nu1, nu0) == (1, 0) and z1 == z0 and z1 > 0:
            return _Value("bessel", (z1,))
        raise _NotKnown
    p1, q1, d1 = _as_surd(left)
    p2, q2, d2 = _as_surd(right)
    if d1 is not None and d2 is not None and d1 != d2:
        raise _NotKnown
    d = d1 if d1 is not None else d2
    if op == "+":
        p, q = p1 + p2, q1 + q2
    elif op == "-":
        p, q = p1 - p2, q1 - q2
    elif op == "*":
        p, q = p1 * p2 + q1 * q2 * (d or 0), p1 * q2 + q1 * p2
    else:  # "/": multiply by the conjugate
        norm = p2 * p2 - q2 * q2 * (d or 0)
        if norm == 0:
            raise _NotKnown
        p, q = (p1 * p2 - q1 * q2 * (d or 0)) / norm, (q1 * p2 - p1 * q2) / norm
    if q == 0 or d is None:
        return _Value("num", (p,))
    return _Value("surd", (p, q, d))


# --------------------------------------------------------------------------------------------
# From a description to a theorem


def theorem_for(constant_text: str, *, square: bool = False) -> Theorem | None:
    """The classical regular continued fraction of a constant, or None when esma knows none.

    Parameters
    ----------
    constant_text
        A named constant (``"e"``, ``"e2"``, ``"tan1"``, ``"phi"``, ...) or an expression
        (``"exp(2/3)"``, ``"tan(1/3)"``, ``"besseli(1,1)/besseli(0,1)"``, ``"sqrt(3)"``).
    square
        The theorem of the constant's square instead (:func:`theorem_for_square`), as a
        left-hand side that is a Möbius map of x² needs.

    Examples
    --------
    >>> theorem_for("e2").terms(6), theorem_for("sqrt(3)").terms(5)
    ([7, 2, 1, 1, 3, 18], [1, 1, 2, 1, 2])
    >>> theorem_for("besseli(1,1)/besseli(0,1)").key
    'bessel(2/n):2'
    """
    if square:
        return theorem_for_square(constant_text)
    description = describe(constant_text)
    return None if description is None else _theorem_of(description)


def theorem_for_square(constant_text: str) -> Theorem | None:
    """The theorem of the constant's square (e.g. e² for e, e for sqrt(e)), or None.

    >>> theorem_for_square("e").key, theorem_for_square("sqrte").key
    ('e2', 'e')
    """
    description = describe(constant_text)
    if description is None:
        return None
    kind, *args = description
    if kind == "exp":
        return _theorem_of(("exp", 2 * args[0]))
    if kind == "surd":
        p, q, d = args
        return _theorem_of(("surd", p * p + q * q * d, 2 * p * q, d))
    return None


@functools.lru_cache(maxsize=256)
def _theorem_of(description: tuple) -> Theorem | None:
    kind, *args = description
    if kind == "surd":
        return _surd_theorem(*args)
    r = args[0]
    n = 1 / r if r != 0 else None
    if kind == "exp":
        if r == 1:
            return Theorem("e", None, 2, (), ((1, 0), (0, 2), (1, 0)), 1)
        if r == 2:
            return Theorem("e2", None, 7, (), ((2, 3), (1, 0), (1, 0), (3, 3), (18, 12)), 0)
        if n is not None and n.denominator == 1 and n >= 2:
            n = int(n)
            return Theorem("exp(1/n)", n, 1, (), ((n - 1, 2 * n), (1, 0), (1, 0)), 0)
        m = 2 / r
        if m.denominator == 1 and m >= 3 and m % 2 == 1:
            m = int(m)
            block = (((m - 1) // 2, 3 * m), (6 * m, 12 * m), ((5 * m - 1) // 2, 3 * m))
            return Theorem("exp(2/n)", m, 1, (), (*block, (1, 0), (1, 0)), 0)
        return None
    if kind == "bessel":
        m = 2 / r
        if m.denominator != 1 or m < 1:
            return None
        return Theorem("bessel(2/n)", int(m), 0, (), ((0, int(m)),), 1)
    if n is None or n.denominator != 1 or n < 1:
        return None
    n = int(n)
    if kind == "tan":
        if n == 1:
            return Theorem("tan1", None, 1, (), ((-1, 2), (1, 0)), 1)
        return Theorem("tan(1/n)", n, 0, (n - 1,), ((1, 0), (n - 2, 2 * n)), 1)
    if kind == "tanh":
        return Theorem("tanh(1/n)", n, 0, (), ((n, 2 * n),), 0)
    return None


def _surd_theorem(p: Fraction, q: Fraction, d: int) -> Theorem | None:
    """The eventually periodic regular continued fraction of p + q√d, computed exactly.

    Write x = (P + √D)/Q with integers and Q | D − P²; then a = floor(x), P' = aQ − P,
    Q' = (D − P'²)/Q keeps that form, and the first repeated (P, Q) closes the period.
    """
    if q == 0:
        return None
    # (a + b*sqrt(d))/c with integers: a/c = p, b/c = q.
    c = p.denominator * q.denominator // math.gcd(p.denominator, q.denominator)
    a, b = int(p * c), int(q * c)
    s = 1 if b > 0 else -1
    big_p, big_d, big_q = s * a, b * b * d, s * c
    if (big_d - big_p * big_p) % big_q:
        big_p, big_d, big_q = big_p * abs(big_q), big_d * big_q * big_q, big_q * abs(big_q)
    root = math.isqrt(big_d)
    seen: dict[tuple[int, int], int] = {}
    terms: list[int] = []
    while (big_p, big_q) not in seen:
        seen[(big_p, big_q)] = len(terms)
        if big_q > 0:
            term = (big_p + root) // big_q
        else:
            term = -((big_p + root) // -big_q) - 1
        terms.append(term)
        big_p = term * big_q - big_p
        big_q = (big_d - big_p * big_p) // big_q
    first = seen[(big_p, big_q)]
    if first == 0:  # purely periodic from c0: start the blocks at c1 (one period rotated)
        terms.append(terms[0])
        first = 1
    period = tuple((t, 0) for t in terms[first:])
    parameter = (str(p), str(q), d)
    return Theorem("quadratic", parameter, terms[0], tuple(terms[1:first]), period, 0)
