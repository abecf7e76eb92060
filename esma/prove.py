"""The prover: from a classical continued fraction to a record's closed form, for every n.

A record claims y = f(c) = a₀ + b₀/(a₁ + b₁/(a₂ + …)) with b_n = signs[n mod K] and a_n given by
its recurrence (a quasi-polynomial from some index on). When c has a classical regular continued
fraction (:mod:`esma.theorems`) and y = M(c) for an integer 2×2 matrix M (or y = M(c²) and c² has
one), the claim is decided for every n by a finite exact computation, symbolic Gosper induction:

1. **Gosper's homographic algorithm.** The state T = [[A, B], [C, D]] says x_n = T(t), t the
   unread tail of c's continued fraction. Reading a term c_i: T ← T·[[c_i, 1], [1, 0]]. After
   any read the tail lies in (1, ∞), so x_n lies strictly between T(1) = (A + B)/(C + D) and
   T(∞) = A/C when C and C + D are nonzero of one sign. Then a_n = floor(x_n) (b_n = +1) or
   ceil(x_n) (b_n = −1) is known when one integer a satisfies a ≤ e ≤ a + 1 (floor) or
   a − 1 ≤ e ≤ a (ceil) at both ends e, and the algorithm emits it: T ← [[0, b_n], [1, −a_n]]·T.
   Emitting whenever possible gives a canonical state at every block boundary.
2. **Induction.** The theorem's terms come in blocks linear in k. Group L blocks into a
   super-block; at boundary j (before block k₀ + Lj) the state is, up to sign, a matrix S(j)
   of polynomials in j, guessed from the exact run. One super-block is run *symbolically*, the
   entries polynomials in j: every floor or ceil is decided for all j ≥ j₁ by polynomial
   division and the sign of the remainder's leading coefficient, and every inequality it needs
   is a polynomial that is nonnegative for j ≥ j₁ (all coefficients of p(j₁ + u) nonnegative).
   If the super-block returns ±S(j + 1) having emitted E₀(j), …, E_{m−1}(j) with m ≡ 0 mod K,
   and the exact run reaches ±S(j₁) after n₁ terms, then a_{n₁ + m(j − j₁) + i} = E_i(j) for
   all j ≥ j₁: every a_n is proven.
3. **The record.** E_i is compared with the record's quasi-polynomial on each residue class as a
   polynomial identity, the first n₁ terms term by term. A difference refutes the record at the
   first n where the proven expansion differs. Convergence of the proven continued fraction to
   y: a_n ≥ 1, a_n + b_n ≥ 1 for n ≥ 1 and no infinite tail of (a, b) = (2, −1) (Tietze's
   criterion for semi-regular continued fractions; Perron, *Die Lehre von den Kettenbrüchen*,
   §§ 37–42), which the certificate shows per super-block.

Quadratic irrationals need nothing extra: their theorem (Lagrange) has constant blocks, S(j) is
constant and the induction is the exact state repeating.

>>> from esma.conjecture import example
>>> proof = prove(example())
>>> proof.status, proof.theorem, proof.certificate["L"]
('proved', 'Euler 1737', 1)

Certificate
-----------
A compact JSON object, stored with the record; :mod:`esma.proofcheck` replays it. Polynomials
are lists of ascending coefficients in j (ints, or ``"p/q"`` strings), ``[]`` for zero.

``v``
    Format version, 1.
``theorem``
    The theorem's key (:attr:`esma.theorems.Theorem.key`), e.g. ``"e"``, ``"exp(1/n):4"``,
    ``"quadratic:0,1,3"``. The checker matches the record's constant to its own copy of the
    theorems and requires the same key.
``square``
    ``true`` when the left-hand side is M(x²) and the theorem is that of the constant's square.
``M``
    ``[p, q, r, s]``: y = (p·t + q)/(r·t + s) with t the constant (or its square). The checker
    parses the record's left-hand side and requires M proportional to it.
``L``
    Blocks of the theorem per super-block; boundary j is before block k₀ + L·j.
``j1``
    The induction starts at boundary j₁; every side condition holds for j ≥ j₁.
``phase``
    n₁ mod K, the sign phase at every boundary.
``prefix``
    a₀ … a_{n₁−1}: what the exact run emits before boundary j₁ (the checker re-runs it).
``S``
    ``[A, B, C, D]``: the boundary state as four polynomials in j; the exact run must reach
    ±S(j₁), the symbolic super-block must return ±S(j + 1).
``schedule``
    One character per step of a super-block: ``c`` reads the next term, ``e`` emits.
``E``
    The emitted terms of a super-block, one polynomial in j per ``e``.
``conv``
    Index i into ``E`` of a term that is never (2, −1): b = +1 there, or E_i ≠ 2; so the
    expansion has no infinite tail of (2, −1).
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from esma.errors import EsmaError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from esma.conjecture import Conjecture
    from esma.theorems import Theorem

__all__ = ["Proof", "clear_caches", "learn", "mobius_of_lhs", "prove", "take_found"]

#: Largest super-block tried, in blocks of the theorem (constant blocks of a quadratic
#: irrational may need longer ones: they are cheap).
MAX_L = 6
MAX_L_PERIODIC = 24
#: Largest j₁ accepted: the base case is an exact run over j₁ super-blocks.
MAX_J1 = 400
#: Blocks of the theorem the exact run covers before the induction is looked up or guessed.
FIRST_BLOCKS = 16
#: Degree of the boundary polynomials tried.
MAX_DEGREE = 6
#: Fitting points beyond the degree, to confirm a guess before it is checked symbolically.
EXTRA_POINTS = 3

Poly = tuple  # ascending coefficients, int or Fraction; () is zero


@dataclass(frozen=True)
class Proof:
    """The outcome of :func:`prove`.

    Attributes
    ----------
    status : str
        ``"proved"``, ``"conjectured"`` (no proof could be made; the record may well be true)
        or ``"refuted"`` (the proven expansion differs from the record).
    theorem : str or None
        The citation of the theorem used, e.g. ``"Euler 1737"``.
    reason : str
        One line: why not proved, where refuted, or what was proved.
    certificate : dict or None
        The JSON-able certificate of a proof (see the module docstring), else None.
    """

    status: str
    theorem: str | None
    reason: str
    certificate: dict | None = None


# --------------------------------------------------------------------------------------------
# Polynomials in one variable, ascending coefficients, exact (int or Fraction)


def _trim(p: list) -> Poly:
    while p and p[-1] == 0:
        p.pop()
    return tuple(p)


def _padd(p: Poly, q: Poly) -> Poly:
    if len(p) < len(q):
        p, q = q, p
    out = list(p)
    for i, c in enumerate(q):
        out[i] += c
    return _trim(out)


def _psub(p: Poly, q: Poly) -> Poly:
    out = list(p) + [0] * (len(q) - len(p))
    for i, c in enumerate(q):
        out[i] -= c
    return _trim(out)


def _pmul(p: Poly, q: Poly) -> Poly:
    if not p or not q:
        return ()
    out = [0] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        if a:
            for k, b in enumerate(q):
                out[i + k] += a * b
    return _trim(out)


def _pscale(p: Poly, c: Any) -> Poly:
    return _trim([c * a for a in p]) if c else ()


def _peval(p: Poly, x: Any) -> Any:
    acc = 0
    for c in reversed(p):
        acc = acc * x + c
    return acc


def _pshift(p: Poly, h: int) -> Poly:
    """p(j + h) (Taylor shift, exact)."""
    out = list(p)
    n = len(out)
    for i in range(n - 1):
        for k in range(n - 2, i - 1, -1):
            out[k] += h * out[k + 1]
    return _trim(out)


def _pcompose_linear(p: Poly, a: int, b: int) -> Poly:
    """p(a·u + b)."""
    out: Poly = ()
    for c in reversed(p):
        out = _padd(_pmul(out, (b, a)), (c,) if c else ())
    return out


def _pdivmod(p: Poly, d: Poly) -> tuple[Poly, Poly]:
    """Quotient and remainder over the rationals."""
    rem = list(p)
    lead = d[-1]
    quot: list = [0] * max(len(p) - len(d) + 1, 0)
    for i in range(len(p) - len(d), -1, -1):
        top = rem[i + len(d) - 1]
        # Integers while the division is exact (the usual case: most leading coefficients
        # are ±1); the same values as Fraction arithmetic, several times faster.
        if type(top) is int and type(lead) is int and top % lead == 0:
            c = top // lead
        else:
            c = Fraction(top) / lead
        quot[i] = c
        if c:
            for k, dk in enumerate(d):
                rem[i + k] -= c * dk
    return _norm(_trim(quot)), _norm(_trim(rem[: len(d) - 1]))


def _norm(p: Poly) -> Poly:
    return tuple(c.numerator if isinstance(c, Fraction) and c.denominator == 1 else c for c in p)


def _integer_valued(p: Poly) -> bool:
    """An integer-valued polynomial takes integer values at deg + 1 consecutive integers."""
    return all(isinstance(c, int) for c in p) or all(
        Fraction(_peval(p, x)).denominator == 1 for x in range(len(p))
    )


def _start_of_positivity(p: Poly, strict: bool, cap: int) -> int | None:
    """Smallest J ≥ 0 with every coefficient of p(J + u) ≥ 0 (and the constant > 0 when
    strict), so p(j) ≥ 0 (> 0) for every j ≥ J; None when no J ≤ cap works."""
    if not p:
        return None if strict else 0

    def ok(j: int) -> bool:
        q = _pshift(p, j)
        return all(c >= 0 for c in q) and (not strict or q[0] > 0)

    if p[-1] < 0:
        return None
    if ok(0):
        return 0
    hi = 1
    while not ok(hi):
        hi *= 2
        if hi > 2 * cap:
            return None
    lo = hi // 2  # not ok(lo) unless lo == 0 which failed above
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return hi if hi <= cap else None


def _poly_json(p: Poly) -> list:
    return [c if isinstance(c, int) else c.numerator if c.denominator == 1 else f"{c}" for c in p]


# --------------------------------------------------------------------------------------------
# Left-hand sides: exact rational functions of x


@functools.lru_cache(maxsize=4096)  # a search proves each left-hand side for every sign period
def mobius_of_lhs(lhs: str) -> tuple[tuple[int, int, int, int], bool] | str:
    """``(M, squared)`` with lhs = M(x) (``squared`` False) or M(x²) (True), M = (p, q, r, s)
    primitive integers meaning (p·x + q)/(r·x + s); otherwise a one-line reason.

    >>> mobius_of_lhs("(2*x + 1)/(x - 1)"), mobius_of_lhs("(x**2 + 1)/(x**2 - 1)")
    (((2, 1, 1, -1), False), ((1, 1, 1, -1), True))
    >>> mobius_of_lhs("x**2 + x")
    'left-hand side is not a Möbius map of the constant or of its square'
    """
    from esma.expr import parse_expression

    try:
        num, den = _rational_function(parse_expression(lhs, variables=("x",)))
    except (EsmaError, _NotRational):
        return "left-hand side is not a rational function of the constant"
    g = _poly_gcd(num, den)
    if len(g) > 1:
        num, den = _pdivmod(num, g)[0], _pdivmod(den, g)[0]
    degree = max(len(num), len(den)) - 1
    squared = False
    if degree == 2 and all(not c for c in num[1::2]) and all(not c for c in den[1::2]):
        num, den, squared, degree = num[::2], den[::2], True, 1
    if degree != 1:
        if degree < 1:
            return "left-hand side does not depend on the constant"
        return "left-hand side is not a Möbius map of the constant or of its square"
    coeffs = [Fraction(c) for c in (*_pad2(num)[::-1], *_pad2(den)[::-1])]
    scale = math.lcm(*(c.denominator for c in coeffs))
    ints = [int(c * scale) for c in coeffs]
    g = math.gcd(*ints)
    return tuple(c // g for c in ints), squared


def _pad2(p: Poly) -> tuple:
    return (tuple(p) + (0, 0))[:2]


class _NotRational(Exception):
    pass


def _rational_function(expr: Any) -> tuple[Poly, Poly]:
    op, args = expr.op, expr.args
    if op == "num":
        value = Fraction(args[0])
        return ((value,) if value else ()), (1,)
    if op == "name":
        if args[0] != "x":
            raise _NotRational
        return (0, 1), (1,)
    if op == "neg":
        n, d = _rational_function(args[0])
        return _pscale(n, -1), d
    if op == "call":
        raise _NotRational
    if op == "**":  # an integer exponent of small size
        exponent = args[1]
        if exponent.op != "num" or Fraction(exponent.args[0]).denominator != 1:
            raise _NotRational
        power = int(exponent.args[0])
        if abs(power) > 8:
            raise _NotRational
        n1, d1 = _rational_function(args[0])
        n, d = (1,), (1,)
        for _ in range(abs(power)):
            n, d = _pmul(n, n1), _pmul(d, d1)
        if power < 0:
            if not n:
                raise _NotRational
            n, d = d, n
        return n, d
    (n1, d1), (n2, d2) = _rational_function(args[0]), _rational_function(args[1])
    if op == "+":
        return _padd(_pmul(n1, d2), _pmul(n2, d1)), _pmul(d1, d2)
    if op == "-":
        return _psub(_pmul(n1, d2), _pmul(n2, d1)), _pmul(d1, d2)
    if op == "*":
        return _pmul(n1, n2), _pmul(d1, d2)
    if not n2:  # "/"
        raise _NotRational
    return _pmul(n1, d2), _pmul(d1, n2)


def _poly_gcd(p: Poly, q: Poly) -> Poly:
    while q:
        p, q = q, _pdivmod(p, q)[1]
    return p


# --------------------------------------------------------------------------------------------
# The exact run


def _decide(a: int, b: int, c: int, d: int, sign: int) -> int | None:
    """The next term when T = [[a, b], [c, d]] decides it for every tail in (1, ∞), else None."""
    e = c + d
    if c == 0 or e == 0 or (c > 0) != (e > 0):
        return None
    if sign == 1:
        f1, f2 = a // c, (a + b) // e
        if f1 == f2:
            return f1
        if f1 == f2 + 1:  # the upper end A/C must be exactly f1
            return f2 if a == f1 * c else None
        if f2 == f1 + 1:
            return f1 if a + b == f2 * e else None
        return None
    c1, c2 = -(-a // c), -(-(a + b) // e)
    if c1 == c2:
        return c1
    if c1 == c2 + 1:  # the lower end (A + B)/(C + D) must be exactly c2
        return c1 if a + b == c2 * e else None
    if c2 == c1 + 1:
        return c2 if a == c1 * c else None
    return None


@dataclass
class _Run:
    """An exact run of Gosper's algorithm, with the state at every block boundary."""

    state: list  # [A, B, C, D]
    out: list
    boundaries: list  # per block boundary: (A, B, C, D, len(out))


def _exact_run(m: tuple, theorem: Theorem, signs: tuple, blocks: int, run: _Run | None) -> _Run:
    """Run (or continue) the algorithm through ``blocks`` blocks of the theorem."""
    k_signs = len(signs)
    if run is None:
        a, b, c, d = m
        out: list = []
        run = _Run([a, b, c, d], out, [])
        head = (theorem.c0, *theorem.head)
    else:
        head = ()
    a, b, c, d = run.state
    out = run.out
    bounds = run.boundaries
    block = theorem.block
    k0 = theorem.k0

    def feed(term: int) -> None:
        nonlocal a, b, c, d
        a, b, c, d = a * term + b, a, c * term + d, c
        while True:
            s = signs[len(out) % k_signs]
            t = _decide(a, b, c, d, s)
            if t is None:
                return
            out.append(t)
            a, b, c, d = s * c, s * d, a - t * c, b - t * d

    for term in head:
        feed(term)
    if not bounds:
        bounds.append((a, b, c, d, len(out)))
    while len(bounds) <= blocks:
        k = k0 + len(bounds) - 1
        for alpha, beta in block:
            feed(alpha + beta * k)
        bounds.append((a, b, c, d, len(out)))
    run.state = [a, b, c, d]
    return run


def _same_map(point: tuple, polys: tuple[Poly, ...], j: int) -> bool:
    """The exact boundary state equals ±S(j)."""
    values = [_peval(p, j) for p in polys]
    state = point[:4]
    return all(x == v for x, v in zip(state, values, strict=True)) or all(
        x == -v for x, v in zip(state, values, strict=True)
    )


def _normal(state: tuple) -> tuple:
    """The state up to sign: the entry largest in size (the first of equals) made positive."""
    big = max(range(4), key=lambda i: (abs(state[i]), -i))
    return state if state[big] >= 0 else tuple(-x for x in state)


# --------------------------------------------------------------------------------------------
# Guessing S(j) and the symbolic super-block


def _fit(values: list[int], first: int) -> Poly | None:
    """The polynomial of degree ≤ len(values) − 1 − EXTRA_POINTS through (first + i, values[i]),
    or None when the values need a higher degree."""
    diffs = [list(values)]
    while len(diffs[-1]) > 1 and any(diffs[-1]):
        row = diffs[-1]
        diffs.append([y - x for x, y in itertools.pairwise(row)])
    if any(diffs[-1]) or len(diffs) - 1 > len(values) - EXTRA_POINTS:
        return None
    # Newton form at `first`: p(j) = sum_k Δ^k v_0 · C(j − first, k).
    out: Poly = ()
    basis: Poly = (1,)
    for k, row in enumerate(diffs):
        if row and row[0]:
            out = _padd(out, _pscale(basis, Fraction(row[0], math.factorial(k))))
        basis = _pmul(basis, (-first - k, 1))
    return _norm(out)


def _guess(run: _Run, big_l: int, k_signs: int) -> tuple[tuple[Poly, ...], int] | None:
    """S(j) fitted on the last boundaries of an L-block grouping, and the phase; None when no
    polynomial of low degree fits. Only boundaries from FIRST_BLOCKS on are used: records that
    share the state there share every later one, so the guess is theirs alike."""
    points = [run.boundaries[i] for i in range(0, len(run.boundaries), big_l)]
    need = MAX_DEGREE + 1 + EXTRA_POINTS
    if len(points) - -(-FIRST_BLOCKS // big_l) < need + 2:
        return None
    tail = points[-need:]
    first = len(points) - need
    counts = [p[4] for p in tail]
    m = counts[1] - counts[0]
    if m == 0 or m % k_signs or any(y - x != m for x, y in itertools.pairwise(counts)):
        return None
    states = [_normal(p[:4]) for p in tail]
    polys = []
    for i in range(4):
        p = _fit([s[i] for s in states], first)
        if p is None:
            return None
        polys.append(p)
    return tuple(polys), counts[0] % k_signs


@dataclass(frozen=True)
class _Step:
    schedule: str
    emitted: tuple[Poly, ...]
    j1: int  # side conditions hold from here on


def _symbolic_emit(t: list, sign: int, cap: int) -> tuple[Poly, int] | None:
    """The term T decides for all j ≥ J, with J; None when no such term is found."""
    a, b, c, d = t
    e = _padd(c, d)
    if not c or not e or (c[-1] > 0) != (e[-1] > 0):
        return None
    sigma = 1 if c[-1] > 0 else -1
    ends = ((a, c), (_padd(a, b), e))
    tried = set()
    for num, den in ends:
        quot, rem = _pdivmod(_pscale(num, sigma), _pscale(den, sigma))
        const = Fraction(quot[0]) if quot else Fraction(0)
        rest = _norm(_psub(quot, (const,) if const else ()))  # ints where integral
        if not _integer_valued(rest):
            continue
        r = rem[-1] if rem else 0
        # The floor (ceil) of this end, eventually: rest + floor(const + r/den) with
        # r/den → 0; an end that is exactly an integer may be the open end of the interval,
        # where the term is one less (more).
        if sign == 1:
            shift = math.floor(const) - (1 if const.denominator == 1 and r < 0 else 0)
            base = _padd(rest, (shift,) if shift else ())
            candidates = (base, _psub(base, (1,)))
        else:
            shift = math.ceil(const) + (1 if const.denominator == 1 and r > 0 else 0)
            base = _padd(rest, (shift,) if shift else ())
            candidates = (base, _padd(base, (1,)))
        for term in candidates:
            if term in tried:
                continue
            tried.add(term)
            found = _justify(term, sign, ends, c, e, sigma, cap)
            if found is not None:
                return term, found
    return None


def _justify(
    term: Poly, sign: int, ends: tuple, c: Poly, e: Poly, sigma: int, cap: int
) -> int | None:
    """The J from which T's ends both lie in [term, term + 1] (floor) or [term − 1, term]
    (ceil) and its denominators keep their sign; None when there is none up to cap."""
    low, high = (term, _padd(term, (1,))) if sign == 1 else (_psub(term, (1,)), term)
    conditions = [(_pscale(c, sigma), True), (_pscale(e, sigma), True)]
    for n, dn in ends:  # low ≤ n/dn ≤ high
        conditions.append((_pscale(_psub(n, _pmul(low, dn)), sigma), False))
        conditions.append((_pscale(_psub(_pmul(high, dn), n), sigma), False))
    start = 0
    for p, strict in conditions:
        j = _start_of_positivity(p, strict, cap)
        if j is None:
            return None
        start = max(start, j)
    return start


@functools.lru_cache(maxsize=4096)
def _super_block(
    theorem: Theorem, big_l: int, signs: tuple, phase: int, s: tuple[Poly, ...]
) -> _Step | None:
    """Run one super-block from S(j) symbolically; None unless it returns ±S(j + 1) after a
    multiple of K emissions. Cached: records sharing a tail share this step."""
    t = list(s)
    schedule: list[str] = []
    emitted: list[Poly] = []
    start = 0
    k_signs = len(signs)
    for i in range(big_l):
        base = theorem.k0 + i  # block k0 + L j + i
        for alpha, beta in theorem.block:
            term = _trim([alpha + beta * base, beta * big_l])
            a, b, c, d = t
            t = [_padd(_pmul(a, term), b), a, _padd(_pmul(c, term), d), c]
            schedule.append("c")
            while True:
                sign = signs[(phase + len(emitted)) % k_signs]
                found = _symbolic_emit(t, sign, MAX_J1)
                if found is None:
                    break
                value, j = found
                start = max(start, j)
                emitted.append(value)
                schedule.append("e")
                a, b, c, d = t
                t = [_pscale(c, sign), _pscale(d, sign), _psub(a, _pmul(value, c)),
                     _psub(b, _pmul(value, d))]  # fmt: skip
    if len(emitted) % k_signs:
        return None
    following = tuple(_pshift(p, 1) for p in s)
    if tuple(t) != following and tuple(_pscale(p, -1) for p in t) != following:
        return None
    return _Step("".join(schedule), tuple(emitted), start)


# --------------------------------------------------------------------------------------------
# The prover


def prove(conjecture: Conjecture) -> Proof:
    """Prove, refute, or leave a conjecture as it is, with a certificate when proved.

    Parameters
    ----------
    conjecture
        An :class:`esma.conjecture.Conjecture`.

    Returns
    -------
    Proof
        ``status`` ``"proved"`` with a certificate (see the module docstring), ``"refuted"``
        with the first n where the proven expansion differs, or ``"conjectured"`` with the
        reason no proof was made.

    Examples
    --------
    >>> from esma.conjecture import example
    >>> prove(example()).reason
    'proved for every n by induction over super-blocks of 1 block from j = 0'
    """
    from esma.theorems import theorem_for

    mapped = mobius_of_lhs(conjecture.lhs)
    if isinstance(mapped, str):
        return Proof("conjectured", None, mapped)
    m, squared = mapped
    theorem = theorem_for(conjecture.constant, square=squared)
    if theorem is None:
        what = "the square of this constant" if squared else "this constant"
        return Proof("conjectured", None, f"no theorem for {what}")
    qp = conjecture.quasi_polynomial
    if qp is None:
        return Proof(
            "conjectured", theorem.citation, "the record's closed form is not a quasi-polynomial"
        )
    signs = tuple(conjecture.signs)
    periodic = all(beta == 0 for _, beta in theorem.block)
    run = _exact_run(m, theorem, signs, FIRST_BLOCKS, None)
    # Records that share a tail (one continued fraction up to a finite head) reach the same
    # state, up to sign, at the same block boundary with the same sign phase; from there the
    # run is the same, so the induction found for one serves them all.
    point = run.boundaries[FIRST_BLOCKS]
    key = (theorem, signs, _normal(point[:4]), point[4] % len(signs))
    found = _INDUCTIONS.get(key)
    if found is None:
        found = _find_induction(m, theorem, signs, run)
        if found is None:
            refuted = _check_prefix(conjecture, run.out)
            if refuted is not None:
                return Proof("refuted", theorem.citation, refuted)
            return Proof(
                "conjectured",
                theorem.citation,
                "no super-block of up to "
                f"{MAX_L_PERIODIC if periodic else MAX_L} blocks closes the induction",
            )
        _remember(key, found)
        if len(_FOUND) >= 4096:  # nobody takes them (a search in one process): keep few
            _FOUND.clear()
        _FOUND.append((key, found))
    big_l, s, phase, step = found
    # The base case: the first boundary j1 past the side conditions and the start of the
    # record's quasi-polynomial where the exact run is at ±S(j1) in phase. From there the
    # induction carries it to every later boundary, so the first is found by counting up, and
    # it depends on this record alone (not on which record filled the cache).
    last = max(step.j1, -(-12 * FIRST_BLOCKS // big_l))  # within the run the guess was fitted on
    j1 = step.j1
    while True:
        run = _exact_run(m, theorem, signs, big_l * j1, run)
        point = run.boundaries[big_l * j1]
        n1 = point[4]
        if n1 >= max(qp.start, 1) and n1 % len(signs) == phase and _same_map(point, s, j1):
            break
        if j1 >= last:
            return Proof(
                "conjectured", theorem.citation, "the exact run does not reach the guessed state"
            )
        j1 += 1
    prefix = run.out[:n1]
    found = _check_prefix(conjecture, prefix)
    if found is not None:
        return Proof("refuted", theorem.citation, found)
    found = _compare_closed_form(step.emitted, n1, j1, qp)
    if found is not None:
        n, proven, claimed = found
        return Proof(
            "refuted", theorem.citation, f"at n = {n}: proven {proven}, record says {claimed}"
        )
    conv = _convergence_witness(step.emitted, signs, phase)
    if conv is None or not _positive_terms(step.emitted, signs, phase, j1, prefix):
        return Proof(
            "conjectured", theorem.citation, "the convergence conditions could not be shown"
        )
    certificate = {
        "v": 1,
        "theorem": theorem.key,
        "square": squared,
        "M": list(m),
        "L": big_l,
        "j1": j1,
        "phase": phase,
        "prefix": list(prefix),
        "S": [_poly_json(p) for p in s],
        "schedule": step.schedule,
        "E": [_poly_json(p) for p in step.emitted],
        "conv": conv,
    }
    return Proof(
        "proved",
        theorem.citation,
        f"proved for every n by induction over super-blocks of {big_l} "
        f"block{'s' if big_l != 1 else ''} from j = {j1}",
        certificate,
    )


#: Inductions found, by (theorem, signs, state and phase at boundary FIRST_BLOCKS).
_INDUCTIONS: dict[tuple, tuple] = {}
#: The inductions this process found since :func:`take_found` last took them.
_FOUND: list[tuple[tuple, tuple]] = []


def _remember(key: tuple, found: tuple) -> None:
    if len(_INDUCTIONS) >= 4096:
        _INDUCTIONS.clear()
    _INDUCTIONS[key] = found


def take_found() -> tuple[tuple[tuple, tuple], ...]:
    """The inductions this process found since the last call (and forget that it found them):
    a search's worker sends them with its chunk, for :func:`learn` in the other workers, so that
    each tail's induction is looked for once, not once per worker.

    >>> from esma.conjecture import example
    >>> clear_caches(); _ = take_found(); _ = prove(example())
    >>> len(take_found()), take_found()
    (1, ())
    """
    found = tuple(_FOUND)
    _FOUND.clear()
    return found


def learn(found: Iterable[tuple[tuple, tuple]]) -> None:
    """Take the inductions another process found (:func:`take_found`). An induction is a
    function of its tail's state alone (see :func:`_find_induction`), so a record proved with
    one learned gets the certificate it would get with one found here.

    >>> from esma.conjecture import example
    >>> clear_caches(); _ = take_found(); first = prove(example()); shared = take_found()
    >>> clear_caches(); learn(shared); again = prove(example())
    >>> again == first, take_found()     # proved with the learned induction, none found here
    (True, ())
    """
    for key, value in found:
        if key not in _INDUCTIONS:
            _remember(key, value)


def _find_induction(m: tuple, theorem: Theorem, signs: tuple, run: _Run) -> tuple | None:
    """(L, S, phase, step) for the first super-block size that closes the induction, extending
    the exact run as needed; None when none does. A function of the state at boundary
    FIRST_BLOCKS alone (see :func:`_guess`), so whichever record of a tail comes first, every
    record of it gets the same induction and so the same certificate."""
    periodic = all(beta == 0 for _, beta in theorem.block)
    for blocks in (4 * FIRST_BLOCKS, 12 * FIRST_BLOCKS, 30 * FIRST_BLOCKS):
        if blocks > 12 * FIRST_BLOCKS and not periodic:
            break  # growing entries: longer runs cost more than they find
        run = _exact_run(m, theorem, signs, blocks, run)
        for big_l in range(1, (MAX_L_PERIODIC if periodic else MAX_L) + 1):
            guess = _guess(run, big_l, len(signs))
            if guess is None:
                continue
            s, phase = guess
            step = _super_block(theorem, big_l, signs, phase, s)
            if step is not None:
                return big_l, s, phase, step
    return None


def _check_prefix(conjecture: Conjecture, proven: list[int]) -> str | None:
    claimed = conjecture.recurrence.terms(len(proven))
    for n, (x, y) in enumerate(zip(proven, claimed, strict=True)):
        if x != y:
            return f"at n = {n}: proven {x}, record says {y}"
    return None


def _compare_closed_form(
    emitted: tuple[Poly, ...], n1: int, j1: int, qp: Any
) -> tuple[int, int, int] | None:
    """The first (n, proven, claimed) with n ≥ n1 where E and the quasi-polynomial differ."""
    m, period, start = len(emitted), qp.period, qp.start
    lcm = math.lcm(m, period)
    reps = lcm // m  # super-blocks per common period
    polys = [_norm(p) for p in qp.polys]
    worst = None
    for v in range(reps):
        for i, e in enumerate(emitted):
            # j = j1 + reps·u + v emits n = n1 + m·v + i + lcm·u. Both sides are polynomials
            # in u of degree < points, equal iff equal at u = 0, ..., points - 1; where they
            # differ, the first such u is the first n.
            offset = n1 + m * v + i - start
            claimed_poly = polys[offset % period]
            points = max(len(e), len(claimed_poly), 1)
            for u in range(points):
                proven = _peval(e, reps * u + j1 + v)
                claimed = _peval(claimed_poly, (lcm // period) * u + offset // period)
                if proven != claimed:
                    n = n1 + m * v + i + lcm * u
                    if worst is None or n < worst[0]:
                        worst = (n, int(proven), int(claimed))
                    break
    return worst


def _convergence_witness(emitted: tuple[Poly, ...], signs: tuple, phase: int) -> int | None:
    for i, e in enumerate(emitted):
        if signs[(phase + i) % len(signs)] == 1 or e != (2,):
            return i
    return None


def _positive_terms(
    emitted: tuple[Poly, ...], signs: tuple, phase: int, j1: int, prefix: list
) -> bool:
    """a_n ≥ 1 and a_n + b_n ≥ 1 for every n ≥ 1 (guaranteed by the algorithm; checked)."""
    k = len(signs)
    for n, a in enumerate(prefix[1:], start=1):
        if a < 1 or a + signs[n % k] < 1:
            return False
    for i, e in enumerate(emitted):
        b = signs[(phase + i) % k]
        for p in (_psub(e, (1,)), _psub(_padd(e, (b,)), (1,))):
            if p and not all(c >= 0 for c in _pshift(p, j1)):
                return False
    return True


def clear_caches() -> None:
    """Forget the inductions found so far, and the left-hand sides read (for benchmarks of
    cold proofs)."""
    _INDUCTIONS.clear()
    _super_block.cache_clear()
    mobius_of_lhs.cache_clear()
