"""Values and value classes of left-hand sides y = R(c), decided exactly.

Two numbers are in one *value class* when an integer unimodular Möbius map takes one to the
other, y₂ = (α·y₁ + β)/(γ·y₁ + δ) with αδ − βγ = ±1; equivalently (Serret's theorem) their regular
continued fractions share a tail. For y = R(c) = P(c)/Q(c) with integer polynomials this module
decides both equality of values and equivalence of values exactly, by one of two routes, and says
which (:class:`ClassKey`):

``identity`` — R₂(c) = U(R₁(c)) is a polynomial identity of degree ≤ 2d in c (d the larger
degree of R₁, R₂). When c is not algebraic of degree ≤ 2d it holds only as an identity of
rational functions, so U∘R₁ = R₂: the coefficient matrices [P₂; Q₂] and [P₁; Q₁] (one row per
polynomial) span the same row lattice up to a scalar, and the Hermite normal form of the
primitive coefficient matrix (python-flint ``fmpz_mat.hnf``) is a canonical key of the class.
For Möbius left-hand sides this is the criterion that M₂·adj(M₁) be a scalar multiple of a
unimodular matrix. The key is always *sound* (equal keys prove y₂ = U(y₁) for every c); it is
*complete* (``complete=True``) when :func:`arithmetic` proves c is not algebraic of degree ≤ 2d:
transcendental by Hermite–Lindemann–Weierstrass (e, π, exp, log, sin, cos, tan, sinh, cosh,
tanh, atan of nonzero rationals, and what a rational added to, a nonzero rational multiplying
or dividing, negation, inversion, square roots and nonzero rational powers make of one of
them), algebraic of known larger degree, or — for Möbius maps — a constant whose regular
continued fraction is a theorem of :mod:`esma.theorems` with unbounded partial quotients (not
quadratic by Lagrange's theorem). Otherwise (ζ(3), Catalan's constant, …) the classes are
labelled incomplete: values in different classes could still be equivalent if c were
algebraic of low degree.

``periodic`` — c is a quadratic irrational (its minimal polynomial computed exactly with
sympy). Then every y = R(c) is a Möbius image of c and a quadratic irrational, with extra
equivalences the identity route cannot see (√2/2 = 1/√2). Its regular continued fraction is
computed exactly from (P + √D)/Q and is eventually periodic; the class key is the smallest
rotation of the period. Complete.

>>> k1, k2 = class_key("e", "(x - 1)/(x + 1)"), class_key("e", "(2*x - 2)/(x + 1)")
>>> k1.route, k1.complete, k1 == class_key("e", "(x + 1)/(x - 1)"), k1 == k2
('identity', True, True, False)
>>> class_key("sqrt2", "x/2") == class_key("sqrt2", "x")           # √2/2 = 1/√2
True
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from esma.errors import InvalidRecord

# --------------------------------------------------------------------------------------------
# Left-hand sides as reduced pairs of integer polynomials


@lru_cache(maxsize=65536)
def lhs_polynomials(lhs: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(P, Q): the left-hand side ``lhs`` in x as P(x)/Q(x) in lowest terms, integer
    coefficients lowest degree first, content 1, Q's leading coefficient positive.

    The text is parsed by esma's safe parser; only numbers, x, + − × ÷ and integer powers are
    allowed (a left-hand side is a rational function of the constant).

    >>> lhs_polynomials("(2*x - 2)/(4*x + 4)")
    ((-1, 1), (2, 2))
    >>> lhs_polynomials("1/(1 - x)")
    ((-1,), (-1, 1))
    """
    from esma.errors import EsmaError
    from esma.expr import parse_expression

    try:
        expr = parse_expression(lhs, variables=("x",))
    except EsmaError as exc:
        raise InvalidRecord(f"lhs {lhs!r} cannot be read: {exc}") from None
    num, den = _rational_function(expr, lhs)
    if den == 0:
        raise InvalidRecord(f"lhs {lhs!r} divides by zero")
    if num * den.derivative() == den * num.derivative():  # (P/Q)' = 0: a constant
        raise InvalidRecord(f"lhs {lhs!r} is a constant, not a function of x")
    g = num.gcd(den)
    if g.degree() > 0:
        num, den = num / g, den / g
    nums = [Fraction(int(c.p), int(c.q)) for c in num.coeffs()] or [Fraction(0)]
    dens = [Fraction(int(c.p), int(c.q)) for c in den.coeffs()]
    scale = math.lcm(*(c.denominator for c in nums + dens))
    pn, pd = [int(c * scale) for c in nums], [int(c * scale) for c in dens]
    content = math.gcd(*pn, *pd)
    sign = 1 if pd[-1] > 0 else -1
    return tuple(sign * c // content for c in pn), tuple(sign * c // content for c in pd)


def _rational_function(expr: Any, lhs: str) -> tuple[Any, Any]:
    from flint import fmpq, fmpq_poly

    op, args = expr.op, expr.args
    if op == "num":
        value = Fraction(args[0])
        return fmpq_poly([fmpq(value.numerator, value.denominator)]), fmpq_poly([1])
    if op == "name" and args[0] == "x":
        return fmpq_poly([0, 1]), fmpq_poly([1])
    if op == "neg":
        p, q = _rational_function(args[0], lhs)
        return -p, q
    if op in ("+", "-", "*", "/"):
        (p1, q1), (p2, q2) = (_rational_function(a, lhs) for a in args)
        if op == "+":
            return p1 * q2 + p2 * q1, q1 * q2
        if op == "-":
            return p1 * q2 - p2 * q1, q1 * q2
        if op == "*":
            return p1 * p2, q1 * q2
        return p1 * q2, q1 * p2
    if op == "**":
        exponent = Fraction(args[1].args[0])
        if exponent.denominator == 1 and abs(exponent) <= 16:
            p, q = _rational_function(args[0], lhs)
            n = int(exponent)
            return (p**n, q**n) if n >= 0 else (q**-n, p**-n)
    raise InvalidRecord(
        f"lhs {lhs!r} is not a rational function of x (only numbers, x, + - * / and "
        "integer powers up to 16)"
    )


# --------------------------------------------------------------------------------------------
# What is proven about the constant


@dataclass(frozen=True)
class Arithmetic:
    """What esma can prove about a constant's algebraic nature.

    Attributes
    ----------
    kind : str
        ``"transcendental"``, ``"algebraic"`` (``degree`` and ``minpoly`` exact),
        ``"not quadratic"`` (irrational and not a quadratic irrational) or ``"unknown"``.
    degree : int or None
        The exact algebraic degree, for ``"algebraic"``.
    minpoly : tuple of int or None
        The minimal polynomial, lowest degree first, for ``"algebraic"``.
    reason : str
        The theorem or computation behind it.
    """

    kind: str
    degree: int | None = None
    minpoly: tuple[int, ...] | None = None
    reason: str = ""

    def excludes_degree(self, d: int) -> bool:
        """True when the constant is proven not to be algebraic of degree ≤ d.

        >>> arithmetic("e").excludes_degree(4), arithmetic("phi").excludes_degree(2)
        (True, False)
        """
        if self.kind == "transcendental":
            return True
        if self.kind == "algebraic":
            return self.degree is not None and self.degree > d
        if self.kind == "not quadratic":
            return d <= 2
        return False


_LINDEMANN = ("exp", "sin", "cos", "tan", "sinh", "cosh", "tanh")


@lru_cache(maxsize=256)
def arithmetic(constant: str) -> Arithmetic:
    """What is proven about ``constant`` (a name or expression esma accepts).

    >>> arithmetic("e13").kind, arithmetic("sqrt2").minpoly
    ('transcendental', (-2, 0, 1))
    >>> arithmetic("besselratio").kind
    'not quadratic'
    >>> arithmetic("digits:sha256:0123456789abcdef").kind    # a number given by its digits
    'unknown'
    """
    from esma.constants import get_constant
    from esma.errors import EsmaError

    try:
        expr = get_constant(constant).expr
    except EsmaError:
        # Not a constant esma computes: a number a search knew only from its digits (its
        # records name it so), of which nothing is proven.
        return Arithmetic("unknown", reason="esma cannot compute it: no theorem applies")
    if proven_transcendental(expr):
        return Arithmetic(
            "transcendental",
            reason="Hermite-Lindemann-Weierstrass: e, pi, or exp, log, sin, cos, tan, sinh, "
            "cosh, tanh, atan at a nonzero rational, up to rational operations and powers",
        )
    minpoly = _minimal_polynomial(expr)
    if minpoly is not None:
        return Arithmetic(
            "algebraic", len(minpoly) - 1, minpoly, reason="minimal polynomial (sympy, exact)"
        )
    theorem = _unbounded_theorem(constant)
    if theorem is not None:
        return Arithmetic(
            "not quadratic",
            reason=f"regular continued fraction with unbounded terms, {theorem} (Lagrange: a "
            "quadratic irrational has a periodic one)",
        )
    return Arithmetic("unknown", reason="no theorem esma knows decides its degree")


def _expand_name(expr: Any) -> Any:
    from esma.constants import NAMED_CONSTANTS

    if expr.op == "name" and expr.args[0] in NAMED_CONSTANTS:
        inner = NAMED_CONSTANTS[expr.args[0]].expr
        return expr if inner == expr else inner
    return expr


def _rational(expr: Any) -> Fraction | None:
    from esma.evaluation import exact_value

    return exact_value(_expand_name(expr))


def proven_transcendental(expr: Any) -> bool:
    """True when the constant ``expr`` (an :class:`esma.expr.Expr`) is proven transcendental by
    the theorems :func:`arithmetic` names; False says nothing (sound, not complete). Needs no
    computer algebra.

    >>> from esma.constants import get_constant
    >>> [proven_transcendental(get_constant(c).expr) for c in ("e", "log(3)", "phi")]
    [True, True, False]
    """
    expr = _expand_name(expr)
    op, args = expr.op, expr.args
    if op == "name":
        return args[0] in ("e", "pi")
    if op == "neg":
        return proven_transcendental(args[0])
    if op == "call":
        name, operands = args[0], args[1:]
        if name == "sqrt":
            return proven_transcendental(operands[0])
        z = _rational(operands[-1]) if len(operands) == 1 else None
        if z is None:
            return False
        if name in _LINDEMANN or name == "atan":
            return z != 0
        return name == "log" and z > 0 and z != 1
    if op == "**":
        return Fraction(args[1].args[0]) != 0 and proven_transcendental(args[0])
    if op in ("+", "-", "*", "/"):
        left, right = _rational(args[0]), _rational(args[1])
        # t ± q, q·t, t/q, q/t with t transcendental and q rational (nonzero where it multiplies)
        if left is not None and (op in ("+", "-") or left != 0):
            return proven_transcendental(args[1])
        if right is not None and (op in ("+", "-") or right != 0):
            return proven_transcendental(args[0])
    return False


def _to_sympy(expr: Any) -> Any:
    """The algebraic part of esma's expression language as sympy objects (built directly, never
    parsed from text); None outside it."""
    import sympy

    expr = _expand_name(expr)
    op, args = expr.op, expr.args
    if op == "num":
        return sympy.Rational(Fraction(args[0]).numerator, Fraction(args[0]).denominator)
    if op == "neg":
        inner = _to_sympy(args[0])
        return None if inner is None else -inner
    if op == "call" and args[0] == "sqrt":
        inner = _to_sympy(args[1])
        return None if inner is None else sympy.sqrt(inner)
    if op == "**":
        base = _to_sympy(args[0])
        q = Fraction(args[1].args[0])
        return None if base is None else base ** sympy.Rational(q.numerator, q.denominator)
    if op in ("+", "-", "*", "/"):
        left, right = _to_sympy(args[0]), _to_sympy(args[1])
        if left is None or right is None:
            return None
        return {"+": left + right, "-": left - right, "*": left * right, "/": left / right}[op]
    return None


def _minimal_polynomial(expr: Any) -> tuple[int, ...] | None:
    if not _to_sympy_possible(expr):
        return None
    import sympy

    value = _to_sympy(expr)
    if value is None:
        return None
    x = sympy.Symbol("x")
    poly = sympy.Poly(sympy.minimal_polynomial(value, x), x)
    coeffs = [int(c) for c in reversed(poly.all_coeffs())]
    if coeffs[-1] < 0:
        coeffs = [-c for c in coeffs]
    return tuple(coeffs)


def _to_sympy_possible(expr: Any) -> bool:
    """Cheap pre-check (no sympy import): only numbers, + - * / neg ** and sqrt."""
    expr = _expand_name(expr)
    if expr.op == "num":
        return True
    if expr.op == "name":
        return False
    if expr.op == "call":
        return expr.args[0] == "sqrt" and _to_sympy_possible(expr.args[1])
    if expr.op == "**":
        return _to_sympy_possible(expr.args[0])
    return all(_to_sympy_possible(a) for a in expr.args)


def _unbounded_theorem(constant: str) -> str | None:
    """The theorem of :mod:`esma.theorems` giving this constant's regular continued fraction
    with unbounded partial quotients (a block term with a nonzero slope in k), if there is one."""
    from esma.theorems import theorem_for

    theorem = theorem_for(constant)
    if theorem is None or not any(beta for _, beta in theorem.block):
        return None
    return f"{theorem.key} ({theorem.citation})"


# --------------------------------------------------------------------------------------------
# Value keys and class keys


def _key(payload: dict[str, Any]) -> str:
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@lru_cache(maxsize=65536)
def value_key(constant: str, lhs: str) -> str:
    """A content hash equal for two left-hand sides of ``constant`` exactly when their values
    are equal (exactly: reduced rational functions, or for a quadratic irrational the reduced
    Möbius form in ℚ(c); for a constant whose degree is not known, equal keys still prove equal
    values).

    >>> value_key("e", "(2*x + 2)/(2*x)") == value_key("e", "1 + 1/x")
    True
    """
    ar = arithmetic(constant)
    if ar.kind == "algebraic" and ar.degree == 2:
        (a, b), (c, d) = _moebius_in_field(ar.minpoly, *lhs_polynomials(lhs))
        return _key({"constant": constant, "value": [[a, b], [c, d]]})
    num, den = lhs_polynomials(lhs)
    return _key({"constant": constant, "value": [list(num), list(den)]})


@dataclass(frozen=True)
class ClassKey:
    """The value class of y = R(c), canonically.

    Attributes
    ----------
    key : str
        Content hash (16 hex digits), stable across runs and databases.
    constant : str
    route : str
        ``"identity"`` or ``"periodic"`` (see the module docstring).
    complete : bool
        True when values with different keys are proven inequivalent; False when they could
        still be equivalent (the constant's degree is not known to exceed 2d).
    form : tuple
        ``identity``: the Hermite normal form rows (highest degree first) of the primitive
        coefficient matrix [P; Q]; ``periodic``: the smallest rotation of the period of the
        regular continued fraction.
    """

    key: str
    constant: str
    route: str
    complete: bool
    form: tuple

    def canonical_lhs(self) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        """(P, Q), lowest degree first, of the class's canonical value (the HNF rows as
        numerator and denominator); None for the periodic route.

        >>> class_key("e", "(x + 1)/(2*x)").canonical_lhs()
        ((1, 1), (2,))
        """
        if self.route != "identity":
            return None
        top, bottom = self.form
        return _trim_int(tuple(reversed(top))), _trim_int(tuple(reversed(bottom)))


def _trim_int(coeffs: tuple[int, ...]) -> tuple[int, ...]:
    end = len(coeffs)
    while end > 1 and coeffs[end - 1] == 0:
        end -= 1
    return coeffs[:end]


@lru_cache(maxsize=65536)
def class_key(constant: str, lhs: str) -> ClassKey:
    """The value class of the left-hand side ``lhs`` at ``constant``.

    >>> class_key("e", "x").form, class_key("e", "2/(x - 1)").form
    (((1, 0), (0, 1)), ((1, 1), (0, 2)))
    """
    ar = arithmetic(constant)
    num, den = lhs_polynomials(lhs)
    if ar.kind == "algebraic" and ar.degree == 2:
        period = _periodic_class(ar.minpoly, _root_sign(constant, ar.minpoly), num, den)
        form = tuple(period)
        key = _key({"constant": constant, "route": "periodic", "form": list(form)})
        return ClassKey(key, constant, "periodic", True, form)
    degree = max(len(num), len(den)) - 1
    form = _hnf(num, den, degree)
    key = _key({"constant": constant, "route": "identity", "form": [list(r) for r in form]})
    return ClassKey(key, constant, "identity", ar.excludes_degree(2 * degree), form)


def _hnf(num: tuple[int, ...], den: tuple[int, ...], degree: int) -> tuple[tuple[int, ...], ...]:
    from flint import fmpz_mat

    rows = [[p[k] if k < len(p) else 0 for k in range(degree, -1, -1)] for p in (num, den)]
    content = math.gcd(*rows[0], *rows[1])
    h = fmpz_mat([[v // content for v in r] for r in rows]).hnf()
    return tuple(tuple(int(h[i, j]) for j in range(degree + 1)) for i in range(2))


# --------------------------------------------------------------------------------------------
# Quadratic irrationals: exact, eventually periodic regular continued fractions


def _root_sign(constant: str, minpoly: tuple[int, ...]) -> int:
    """ε with c = (−B + ε√D)/(2A) for the minimal polynomial A x² + B x + C (A > 0)."""
    from flint import arb

    from esma.constants import get_constant

    _, b, a = minpoly
    ball = get_constant(constant).arb(128)
    return 1 if ball > arb(-b) / (2 * a) else -1


def _moebius_in_field(
    minpoly: tuple[int, ...], num: tuple[int, ...], den: tuple[int, ...]
) -> tuple[tuple[int, int], tuple[int, int]]:
    """((α, β), (γ, δ)), primitive with its first nonzero entry positive, such that
    R(c) = (α c + β)/(γ c + δ) for c a root of ``minpoly`` (degree 2): P and Q reduced modulo
    the minimal polynomial."""
    c0, c1, c2 = (Fraction(v) for v in minpoly)

    def reduce(p: tuple[int, ...]) -> tuple[Fraction, Fraction]:
        coeffs = [Fraction(v) for v in p]
        while len(coeffs) > 2:  # x^k = x^(k-2)·x², x² = -(c1 x + c0)/c2
            top = coeffs.pop()
            k = len(coeffs) - 1  # top multiplies x^(k+1) = x^(k-1)·x²
            coeffs[k] -= top * c1 / c2
            coeffs[k - 1] -= top * c0 / c2
        coeffs += [Fraction(0)] * (2 - len(coeffs))
        return coeffs[1], coeffs[0]  # (coefficient of c, constant)

    (a, b), (c, d) = reduce(num), reduce(den)
    scale = math.lcm(*(v.denominator for v in (a, b, c, d)))
    ints = [int(v * scale) for v in (a, b, c, d)]
    g = math.gcd(*ints)
    ints = [v // g for v in ints]
    first = next(v for v in ints if v)
    if first < 0:
        ints = [-v for v in ints]
    if ints[0] * ints[3] - ints[1] * ints[2] == 0:
        raise InvalidRecord("left-hand side is rational at this quadratic constant")
    return (ints[0], ints[1]), (ints[2], ints[3])


def quadratic_cf(p: int, q: int, d: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(head, period) of the regular continued fraction of (p + √d)/q, exactly.

    Requires d > 0 not a square, q ≠ 0 and q | d − p² (any quadratic irrational can be written
    so). The complete quotients are (P + √d)/Q with integers P, Q; the expansion is periodic from
    the first state (P, Q) that repeats (Lagrange).

    >>> quadratic_cf(0, 1, 2)          # √2 = [1; 2, 2, …]
    ((1,), (2,))
    >>> quadratic_cf(1, 2, 5)          # φ = [1; 1, 1, …]
    ((), (1,))
    """
    if (d - p * p) % q:
        raise InvalidRecord(f"quadratic_cf: q = {q} must divide d - p² = {d - p * p}")
    root = math.isqrt(d)
    if root * root == d:
        raise InvalidRecord(f"quadratic_cf: d = {d} is a square; the number is rational")
    seen: dict[tuple[int, int], int] = {}
    terms: list[int] = []
    while (p, q) not in seen:
        seen[(p, q)] = len(terms)
        a = (p + root) // q if q > 0 else -((p + root) // -q) - 1
        terms.append(a)
        p = a * q - p
        q = (d - p * p) // q
    first = seen[(p, q)]
    return tuple(terms[:first]), tuple(terms[first:])


def _periodic_class(
    minpoly: tuple[int, ...], eps: int, num: tuple[int, ...], den: tuple[int, ...]
) -> tuple[int, ...]:
    """The smallest rotation of the period of the regular CF of R(c), c quadratic."""
    (al, be), (ga, de) = _moebius_in_field(minpoly, num, den)
    c0, c1, c2 = minpoly
    disc = c1 * c1 - 4 * c2 * c0
    # c = (-c1 + eps·√disc)/(2 c2) and y = (al c + be)/(ga c + de) = (u + v√disc)/w exactly.
    # Numerator and denominator of y, both of the form (x + y√disc)/(2 c2):
    nx, ny = -al * c1 + 2 * c2 * be, al * eps
    dx, dy = -ga * c1 + 2 * c2 * de, ga * eps
    # y = (nx + ny√D)/(dx + dy√D) = (nx + ny√D)(dx - dy√D)/(dx² - dy² D)
    u, v, w = nx * dx - ny * dy * disc, ny * dx - nx * dy, dx * dx - dy * dy * disc
    if w < 0:
        u, v, w = -u, -v, -w
    # y = (u + v√D)/w: with P = ±u·w, D' = v² w² D, Q = ±w², Q divides D' − P² (see docstring).
    big_d = v * v * w * w * disc
    if v > 0:
        _, period = quadratic_cf(u * w, w * w, big_d)
    else:
        _, period = quadratic_cf(-u * w, -w * w, big_d)
    return min(period[i:] + period[:i] for i in range(len(period)))


# --------------------------------------------------------------------------------------------
# The regular continued fraction's rate, once per class


@lru_cache(maxsize=4096)
def simple_cf_rate(cls: ClassKey, digits: int = 1000) -> float:
    """Digits per term of the regular continued fraction of the class's canonical value, measured
    as esma measures a record's rate: terms until consecutive convergents are 10^-(digits + 10)
    apart, slope of log10|q_{n−1} q_n| over the second half
    (:func:`esma.convergents.convergence_rate`).

    Every value of the class has the same regular tail, so this is a property of the class. The
    terms are certified (:func:`esma.expansion.interval_cf` on rigorous bounds), or exact for a
    quadratic irrational (the period repeated).

    >>> round(simple_cf_rate(class_key("e", "x")), 2)
    1.85

    Raises
    ------
    EsmaError
        The class's constant is not one esma computes (a number given by its digits).
    """
    from esma.convergents import convergence_rate

    need = math.ceil((digits + 10) / math.log10(2)) + 2
    if cls.route == "periodic":
        terms = _enough(iter_periodic(cls.form), need)
    else:
        terms = _regular_terms(cls, need)
    return convergence_rate(terms)


def iter_periodic(period: tuple[int, ...]):
    """The purely periodic sequence period, period, … (endless)."""
    while True:
        yield from period


def _enough(terms, need: int) -> list[int]:
    """The terms until log2 of consecutive regular convergent denominators' product passes
    ``need`` (by bit lengths, as approval does); None if the terms run out first."""
    out: list[int] = []
    q_prev, q = 0, 1
    for i, a in enumerate(terms):
        out.append(a)
        if i:
            q_prev, q = q, a * q + q_prev
            if q_prev and q.bit_length() + q_prev.bit_length() - 2 >= need:
                return out
    return None  # type: ignore[return-value]


def _regular_terms(cls: ClassKey, need: int) -> list[int]:
    from esma.constants import get_constant
    from esma.expansion import interval_cf
    from esma.transforms import LhsValue, RationalLhs

    num, den = cls.canonical_lhs()
    value = LhsValue(RationalLhs(num, den), get_constant(cls.constant))
    bits = need + 256
    while True:
        lo, hi, shift = value.bounds(bits)
        lo, hi, scale = (lo, hi, 1 << shift) if shift >= 0 else (lo << -shift, hi << -shift, 1)
        terms = _enough(interval_cf(lo, hi, scale), need)
        if terms is not None:
            return terms
        bits *= 2
