"""The independent checker of proof certificates: the only proof code that must be trusted.

It shares no code with :mod:`esma.prove` or :mod:`esma.theorems`: it has its own copy of the
theorems, its own replay of Gosper's algorithm and its own polynomial arithmetic, and uses only
esma's safe expression parser, ``fractions`` and Python integers.

>>> from esma.conjecture import example
>>> from esma.prove import prove
>>> record = example().to_dict()
>>> record.update(status="proved", proof=prove(example()).certificate)
>>> check(record)
CheckResult(ok=True, reason='valid: e (Euler 1737)')
>>> record["proof"]["E"][0] = [3, 3]
>>> check(record).reason
'emission 0 of the super-block is not justified: the term is not floor/ceil of the state'

The argument a reader checks
----------------------------
The record claims y = f(c) = a₀ + b₀/(a₁ + b₁/(a₂ + …)), b_n = signs[n mod K], where a_n is the
sequence of its recurrence, equal from ``quasi_polynomial.start`` on to its quasi-polynomial.

1. **Axiom.** c's regular continued fraction is c = [c₀; h…, B(k₀), B(k₀+1), …] with B(k) a
   block of terms linear in k: the theorem of :data:`_THEOREMS`, chosen here from the record's
   constant (parsed by esma's parser, matched exactly); its key must equal ``theorem``. With
   ``square`` the theorem is that of c² (exp(r)² = exp(2r); (p + q√d)² = p² + q²d + 2pq√d).
   Write t_i = [c_i; c_{i+1}, …]; t_i > 1 for i ≥ 1.
2. **The map.** The left-hand side, parsed and expanded to N(x)/D(x) with exact polynomials,
   must equal (p·x + q)/(r·x + s) (x² for ``square``) for ``M`` = [p, q, r, s], ps − qr ≠ 0:
   N·(r x + s) = D·(p x + q) as polynomials. So y = M(t₀) (t₀ = c or c²).
3. **Gosper's algorithm.** Let T = [[A, B], [C, D]] with x_n = T(t) = (A t + B)/(C t + D), t the
   unread tail, at first T = M, n = 0 and t = t₀. Reading term c_i (T ← T·[[c_i, 1], [1, 0]])
   keeps x_n = T(t_{i+1}) since t_i = c_i + 1/t_{i+1}. After a read, t ∈ (1, ∞), so when C and
   C + D are nonzero of one sign, T is continuous and monotone there and x_n lies in the open
   interval between T(1) = (A + B)/(C + D) and T(∞) = A/C. If an integer a has a ≤ both ends
   ≤ a + 1, then floor(x_n) = a; if a − 1 ≤ both ends ≤ a, then ceil(x_n) = a. The expansion
   defines a_n = floor(x_n) for b_n = +1 and ceil(x_n) for b_n = −1 and x_{n+1} =
   b_n/(x_n − a_n); so emitting a_n and setting T ← [[0, b_n], [1, −a_n]]·T keeps
   x_{n+1} = T(t). Any order of reads and emissions that only emits such justified terms
   yields the true a_n. The checker replays the exact run (reading c₀, the head and
   L·j₁ blocks, emitting whenever a term is justified) and requires it to emit exactly
   ``prefix`` and to end at ±S(j₁) (T and −T are the same map), with n₁ = len(prefix) ≥ 1 and
   n₁ ≡ ``phase`` mod K.
4. **Induction.** Suppose at boundary j ≥ j₁ (before block k₀ + L·j) the state is ±S(j) and
   n = n₁ + m(j − j₁) with m = len(E). The checker runs ``schedule`` on the matrix S(j) of
   polynomials in j: ``c`` reads the next term of blocks k₀ + Lj, …, k₀ + Lj + L − 1 (linear in
   j; exactly all of them are read), ``e`` emits E_i with sign b = signs[(phase + i) mod K]. Each
   emission is justified for every integer j ≥ j₁ by polynomial inequalities: with σ the sign of
   C's leading coefficient, σC > 0 and σ(C + D) > 0, and for both ends N/Dn, σ(N − low·Dn) ≥ 0
   and σ(high·Dn − N) ≥ 0, where [low, high] = [E_i, E_i + 1] (floor) or [E_i − 1, E_i] (ceil),
   and E_i is integer-valued (integer at deg + 1 consecutive integers). A polynomial p is
   shown ≥ 0 (> 0) for all j ≥ j₁ when every coefficient of p(j₁ + u) is ≥ 0 (and the
   constant term > 0): then p(j₁ + u) ≥ 0 for u ≥ 0. The run must end at ±S(j + 1) as a
   polynomial identity, with m ≥ 1 and m ≡ 0 mod K (so the phase repeats). By induction on j,
   a_{n₁ + m(j − j₁) + i} = E_i(j) for every j ≥ j₁ and i < m: every a_n is proven.
5. **The record.** On each of the lcm(m, N) residue classes of n ≥ n₁ (N the period of the
   quasi-polynomial, n₁ ≥ its start) E_i and the quasi-polynomial agree as polynomials. The
   quasi-polynomial satisfies the recurrence as a polynomial identity on every residue class
   from its start + order on, so the proven terms do from n₁ + order on; the recurrence's terms
   equal the proven ones below max(n₁ + order, the recurrence's start + order): by induction
   the two sequences agree for all n. ``a_prefix`` equals the proven terms.
6. **Convergence.** For n ≥ 1, a_n ≥ 1 and a_n + b_n ≥ 1 (prefix term by term; E_i − 1 ≥ 0 and
   E_i + b_i − 1 ≥ 0 as above), and E_conv has b = +1 or is not the constant 2, so the expansion
   has no infinite tail of (2, −1). By Tietze's criterion for semi-regular continued fractions
   (Perron, *Die Lehre von den Kettenbrüchen*, §§ 37–42) the continued fraction converges, and
   since every remainder x_n lies in (1, ∞) its value is y.

The record's ``id``, ``formula`` and ``latex`` are not part of the claim (esma's record code
checks the id); ``lhs_value`` is numerical and not used.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from esma.constants import NAMED_CONSTANTS
from esma.errors import EsmaError
from esma.expr import parse_expression

__all__ = ["CheckResult", "CheckSummary", "check", "check_jsonl", "check_records"]

#: Bounds on the work a certificate can ask for (a hostile file must not hang the checker).
MAX_L = 64
MAX_J1 = 2000
MAX_DEGREE = 64
MAX_TERMS = 200_000

_FIELDS = {"v", "theorem", "square", "M", "L", "j1", "phase", "prefix", "S", "schedule", "E",
           "conv"}  # fmt: skip
_FRACTION = re.compile(r"-?[0-9]+/[0-9]+")


@dataclass(frozen=True)
class CheckResult:
    """Whether a certificate proves its record, with a one-line reason."""

    ok: bool
    reason: str


class _Reject(Exception):
    pass


def check(record: dict) -> CheckResult:
    """Replay a record's certificate against the record and the checker's own theorems.

    Parameters
    ----------
    record
        The JSON object of a record (:meth:`esma.conjecture.Conjecture.to_dict`) with
        ``status`` and ``proof`` (the certificate).

    Returns
    -------
    CheckResult
        ``ok`` True only when the certificate proves the record for every n.
    """
    try:
        return CheckResult(True, _check(record))
    except _Reject as why:
        return CheckResult(False, str(why))
    except (EsmaError, ArithmeticError, RecursionError) as error:
        return CheckResult(False, f"malformed record or certificate: {error}")


# --------------------------------------------------------------------------------------------
# Reading the record and the certificate


def _int(value: Any, what: str, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Reject(f"{what} must be an integer")
    if (low is not None and value < low) or (high is not None and value > high):
        raise _Reject(f"{what} = {value} is out of range")
    return value


def _ints(value: Any, what: str) -> list[int]:
    if not isinstance(value, list):
        raise _Reject(f"{what} must be a list of integers")
    return [_int(x, what) for x in value]


def _rational(value: Any, what: str) -> Fraction:
    if isinstance(value, str) and _FRACTION.fullmatch(value):
        q = Fraction(value)
        if q.denominator != 1:
            return q
    raise _Reject(f"{what}: a coefficient must be an integer or a 'p/q' text")


def _poly(value: Any, what: str) -> tuple:
    if not isinstance(value, list) or len(value) > MAX_DEGREE + 1:
        raise _Reject(f"{what} must be a list of coefficients")
    coeffs = tuple(
        c if isinstance(c, int) and not isinstance(c, bool) else _rational(c, what) for c in value
    )
    if coeffs and coeffs[-1] == 0:
        raise _Reject(f"{what} has a trailing zero coefficient")
    return coeffs


def _record_claim(record: dict) -> dict:
    for name in ("constant", "lhs"):
        if not isinstance(record.get(name), str):
            raise _Reject(f"record field {name!r} must be a text")
    signs = _ints(record.get("signs"), "signs")
    if not signs or any(s not in (1, -1) for s in signs):
        raise _Reject("signs must be a non-empty list of 1 and -1")
    rec = record.get("recurrence")
    qp = record.get("quasi_polynomial")
    if not isinstance(rec, dict) or not isinstance(qp, dict):
        raise _Reject("the record needs a recurrence and a quasi-polynomial closed form")
    charpoly = _ints(rec.get("charpoly"), "recurrence charpoly")
    start = _int(rec.get("start"), "recurrence start", 0, MAX_TERMS)
    initial = _ints(rec.get("initial"), "recurrence initial terms")
    if not charpoly or charpoly[0] != 1 or len(initial) != start + len(charpoly) - 1:
        raise _Reject("recurrence: charpoly must start with 1 and initial hold start + order terms")
    period = _int(qp.get("period"), "quasi-polynomial period", 1, 10_000)
    qp_start = _int(qp.get("start"), "quasi-polynomial start", 0, MAX_TERMS)
    polys = qp.get("polys")
    if not isinstance(polys, list) or len(polys) != period:
        raise _Reject("quasi-polynomial: one polynomial per residue class")
    return {
        "signs": signs,
        "charpoly": charpoly,
        "rec_start": start,
        "initial": initial,
        "qp_start": qp_start,
        "period": period,
        "polys": [_poly(p, "quasi-polynomial") for p in polys],
        "a_prefix": _ints(record.get("a_prefix", []), "a_prefix"),
    }


def _check(record: dict) -> str:
    if not isinstance(record, dict):
        raise _Reject("a record must be a JSON object")
    if record.get("status") != "proved":
        raise _Reject(f"status is {record.get('status')!r}, not 'proved'")
    cert = record.get("proof")
    if not isinstance(cert, dict):
        raise _Reject("a proved record needs its certificate in 'proof'")
    if set(cert) != _FIELDS:
        raise _Reject("certificate fields must be exactly " + ", ".join(sorted(_FIELDS)))
    if cert["v"] != 1 or isinstance(cert["v"], bool):
        raise _Reject("certificate version must be 1")
    claim = _record_claim(record)
    signs = claim["signs"]
    k = len(signs)

    # 1. The axiom.
    if not isinstance(cert["square"], bool) or not isinstance(cert["theorem"], str):
        raise _Reject("certificate 'square' must be true/false and 'theorem' a text")
    theorem = _theorem_of(record["constant"], cert["square"])
    if theorem is None:
        raise _Reject("no theorem covers the record's constant" + " squared" * cert["square"])
    key, citation, c0, head, block, k0 = theorem
    if key != cert["theorem"]:
        raise _Reject(f"certificate cites theorem {cert['theorem']!r}, the constant has {key!r}")

    # 2. The map.
    m = _ints(cert["M"], "M")
    if len(m) != 4 or m[0] * m[3] - m[1] * m[2] == 0:
        raise _Reject("M must be four integers with nonzero determinant")
    _check_map(record["lhs"], m, cert["square"])

    # 3. The base case.
    big_l = _int(cert["L"], "L", 1, MAX_L)
    j1 = _int(cert["j1"], "j1", 0, MAX_J1)
    phase = _int(cert["phase"], "phase", 0, k - 1)
    prefix = _ints(cert["prefix"], "prefix")
    s = cert["S"]
    if not isinstance(s, list) or len(s) != 4:
        raise _Reject("S must be four polynomials")
    s = [_poly(p, "S") for p in s]
    n1 = len(prefix)
    if n1 < 1 or n1 % k != phase:
        raise _Reject("the prefix must be non-empty and its length ≡ phase mod K")
    state, out = _replay(m, c0, head, block, k0, big_l * j1, signs)
    if out != prefix:
        raise _Reject("the exact run to boundary j1 does not emit the certificate's prefix")
    if not _same_map(state, [_value(p, j1) for p in s]):
        raise _Reject("the exact run does not reach ±S(j1)")

    # 4. The induction step.
    schedule, emitted = cert["schedule"], cert["E"]
    if not isinstance(schedule, str) or not isinstance(emitted, list):
        raise _Reject("schedule must be a text of c and e, E a list of polynomials")
    emitted = [_poly(p, "E") for p in emitted]
    _check_step(s, schedule, emitted, block, k0, big_l, j1, signs, phase)

    # 6. Convergence (before 5: it needs only the proof).
    conv = _int(cert["conv"], "conv", 0, len(emitted) - 1)
    if signs[(phase + conv) % k] == -1 and emitted[conv] == (2,):
        raise _Reject("conv does not point at a term that is never (2, -1)")
    for n in range(1, n1):
        if prefix[n] < 1 or prefix[n] + signs[n % k] < 1:
            raise _Reject(f"convergence: a_{n} = {prefix[n]} breaks a_n >= 1, a_n + b_n >= 1")
    for i, e in enumerate(emitted):
        b = signs[(phase + i) % k]
        if not _nonneg_from(_sub(e, (1,)), j1) or not _nonneg_from(_sub(e, (1 - b,)), j1):
            raise _Reject(f"convergence: E_{i} breaks a_n >= 1, a_n + b_n >= 1")

    # 5. The record.
    _check_record(claim, prefix, emitted, j1)
    return f"valid: {key} ({citation})"


# --------------------------------------------------------------------------------------------
# Exact polynomials in one variable: tuples of ascending coefficients, () is zero


def _clean(c: list) -> tuple:
    while c and c[-1] == 0:
        c.pop()
    return tuple(x.numerator if isinstance(x, Fraction) and x.denominator == 1 else x for x in c)


def _add(p: tuple, q: tuple) -> tuple:
    n = max(len(p), len(q))
    return _clean([(p[i] if i < len(p) else 0) + (q[i] if i < len(q) else 0) for i in range(n)])


def _sub(p: tuple, q: tuple) -> tuple:
    return _add(p, tuple(-x for x in q))


def _mul(p: tuple, q: tuple) -> tuple:
    if not p or not q:
        return ()
    c = [0] * (len(p) + len(q) - 1)
    for i, x in enumerate(p):
        for j, y in enumerate(q):
            c[i + j] += x * y
    return _clean(c)


def _neg(p: tuple) -> tuple:
    return tuple(-x for x in p)


def _value(p: tuple, x: Any) -> Any:
    v = 0
    for c in reversed(p):
        v = v * x + c
    return v


def _taylor(p: tuple, h: int) -> tuple:
    """Coefficients of p(h + u) in u."""
    c = list(p)
    for i in range(len(c)):
        for j in range(len(c) - 2, i - 1, -1):
            c[j] += h * c[j + 1]
    return _clean(c)


def _nonneg_from(p: tuple, j1: int, strict: bool = False) -> bool:
    """p(j) ≥ 0 (> 0 when strict) for every integer j ≥ j1, shown by p(j1 + u) having only
    nonnegative coefficients (and a positive constant term)."""
    if not p:
        return not strict
    c = _taylor(p, j1)
    return all(x >= 0 for x in c) and (not strict or (len(c) > 0 and c[0] > 0))


def _substitute(p: tuple, a: int, b: int) -> tuple:
    """p(a·u + b) in u."""
    out: tuple = ()
    for c in reversed(p):
        out = _add(_mul(out, (b, a)), (c,))
    return out


# --------------------------------------------------------------------------------------------
# The checker's own table of theorems


def _theorem_of(constant: str, square: bool) -> tuple | None:
    """(key, citation, c0, head, block, k0) for the constant (or its square), or None."""
    text = constant.strip()
    try:
        tree = NAMED_CONSTANTS[text].expr if text in NAMED_CONSTANTS else parse_expression(text)
        kind, *args = _kind(tree)
    except (_NoTheorem, EsmaError):
        return None
    if square:
        if kind == "exp":
            args = [2 * args[0]]
        elif kind == "surd":
            p, q, d = args
            args = [p * p + q * q * d, 2 * p * q, d]
        else:
            return None
    return _table(kind, args)


class _NoTheorem(Exception):
    pass


def _kind(t: Any) -> tuple:
    """The value of an expression tree as ("rat", r), ("exp", r), ("tan", r), ("tanh", r),
    ("I", nu, z), ("bessel", z) or ("surd", p, q, d) = p + q√d."""
    if t.op == "num":
        return ("rat", Fraction(t.args[0]))
    if t.op == "name":
        name = t.args[0]
        if name == "e":
            return ("exp", Fraction(1))
        if name in NAMED_CONSTANTS and NAMED_CONSTANTS[name].expr.op != "name":
            return _kind(NAMED_CONSTANTS[name].expr)
        raise _NoTheorem
    if t.op == "neg":
        return _surd_op("*", ("rat", Fraction(-1)), _kind(t.args[0]))
    if t.op == "call":
        f, parts = t.args[0], [_kind(a) for a in t.args[1:]]
        if f == "sqrt" and parts[0][0] == "exp":
            return ("exp", parts[0][1] / 2)
        if f == "sqrt" and parts[0][0] == "rat":
            return _sqrt_of(parts[0][1])
        if f in ("exp", "tan", "tanh") and parts[0][0] == "rat":
            return (f, parts[0][1])
        if f == "besseli" and parts[0][0] == "rat" and parts[1][0] == "rat":
            return ("I", parts[0][1], parts[1][1])
        raise _NoTheorem
    x, y = _kind(t.args[0]), _kind(t.args[1])
    if t.op == "**":
        if y[0] != "rat":
            raise _NoTheorem
        if x[0] == "exp":
            return ("exp", x[1] * y[1])
        if y[1].denominator == 2 and y[1] > 0 and x[0] == "rat":
            base = _sqrt_of(x[1])
            power = y[1].numerator
        elif y[1].denominator == 1 and 0 <= y[1] <= 64:
            base, power = x, int(y[1])
        else:
            raise _NoTheorem
        result: tuple = ("rat", Fraction(1))
        for _ in range(power):
            result = _surd_op("*", result, base)
        return result
    if t.op == "/" and x[0] == "I" and y[0] == "I":
        if x[1] == 1 and y[1] == 0 and x[2] == y[2] and x[2] > 0:
            return ("bessel", x[2])
        raise _NoTheorem
    return _surd_op(t.op, x, y)


def _sqrt_of(r: Fraction) -> tuple:
    if r <= 0:
        raise _NoTheorem
    n = r.numerator * r.denominator
    s = 1
    f = 2
    while f < 1000 and f * f <= n:
        while n % (f * f) == 0:
            n //= f * f
            s *= f
        f += 1
    root = math.isqrt(n)
    if root * root == n:
        return ("rat", Fraction(s * root, r.denominator))
    return ("surd", Fraction(0), Fraction(s, r.denominator), n)


def _surd_op(op: str, x: tuple, y: tuple) -> tuple:
    def parts(v: tuple) -> tuple:
        if v[0] == "rat":
            return v[1], Fraction(0), None
        if v[0] == "surd":
            return v[1], v[2], v[3]
        raise _NoTheorem

    (p1, q1, d1), (p2, q2, d2) = parts(x), parts(y)
    if None not in (d1, d2) and d1 != d2:
        raise _NoTheorem
    d = d1 or d2 or 0
    if op == "+":
        p, q = p1 + p2, q1 + q2
    elif op == "-":
        p, q = p1 - p2, q1 - q2
    elif op == "*":
        p, q = p1 * p2 + d * q1 * q2, p1 * q2 + p2 * q1
    elif op == "/":
        den = p2 * p2 - d * q2 * q2
        if den == 0:
            raise _NoTheorem
        p, q = (p1 * p2 - d * q1 * q2) / den, (p2 * q1 - p1 * q2) / den
    else:
        raise _NoTheorem
    return ("surd", p, q, d) if q else ("rat", p)


def _table(kind: str, args: list) -> tuple | None:
    if kind == "surd":
        return _periodic(*args)
    if kind not in ("exp", "tan", "tanh", "bessel"):
        return None
    r = args[0]
    if r <= 0:
        return None
    n, n2 = 1 / r, 2 / r
    if kind == "exp" and r == 1:
        return ("e", "Euler 1737", 2, [], [(1, 0), (0, 2), (1, 0)], 1)
    if kind == "exp" and r == 2:
        return ("e2", "Hurwitz 1891", 7, [], [(2, 3), (1, 0), (1, 0), (3, 3), (18, 12)], 0)
    if kind == "exp" and n.denominator == 1 and n >= 2:
        n = int(n)
        return (f"exp(1/n):{n}", "Euler 1737", 1, [], [(n - 1, 2 * n), (1, 0), (1, 0)], 0)
    if kind == "exp" and n2.denominator == 1 and n2 % 2 == 1 and n2 >= 3:
        n = int(n2)
        block = [(n // 2, 3 * n), (6 * n, 12 * n), ((5 * n - 1) // 2, 3 * n), (1, 0), (1, 0)]
        return (f"exp(2/n):{n}", "Hurwitz 1891", 1, [], block, 0)
    if kind == "bessel" and n2.denominator == 1:
        n = int(n2)
        return (f"bessel(2/n):{n}", "Lehmer 1973", 0, [], [(0, n)], 1)
    if kind == "tan" and r == 1:
        return ("tan1", "Lambert 1768", 1, [], [(-1, 2), (1, 0)], 1)
    if kind == "tan" and n.denominator == 1:
        n = int(n)
        return (f"tan(1/n):{n}", "Lambert 1768", 0, [n - 1], [(1, 0), (n - 2, 2 * n)], 1)
    if kind == "tanh" and n.denominator == 1:
        n = int(n)
        return (f"tanh(1/n):{n}", "Lambert 1768", 0, [], [(n, 2 * n)], 0)
    return None


def _periodic(p: Fraction, q: Fraction, d: int) -> tuple:
    """The regular continued fraction of p + q√d (Lagrange): with x = (P + √D)/Q, D not a
    square and Q dividing D − P², the term is floor(x) and the next state is P' = aQ − P,
    Q' = (D − P'²)/Q; a repeated state closes the period, which proves it."""
    den = math.lcm(p.denominator, q.denominator)
    big_p, big_q = int(p * den), den
    big_d = int(q * den) ** 2 * d
    if q < 0:
        big_p, big_q = -big_p, -big_q
    if (big_d - big_p * big_p) % big_q:
        big_p, big_d, big_q = big_p * abs(big_q), big_d * big_q * big_q, big_q * abs(big_q)
    r = math.isqrt(big_d)
    terms: list[int] = []
    index: dict[tuple[int, int], int] = {}
    while (big_p, big_q) not in index:
        index[(big_p, big_q)] = len(terms)
        # floor((P + √D)/Q): √D is irrational, so it is floor((P + r)/Q) for Q > 0 and
        # floor((P + r + 1)/Q) for Q < 0 (the value lies strictly between those of r, r + 1).
        a = (big_p + r) // big_q if big_q > 0 else (big_p + r + 1) // big_q
        terms.append(a)
        big_p = a * big_q - big_p
        big_q = (big_d - big_p * big_p) // big_q
    loop = index[(big_p, big_q)]
    period = terms[loop:]
    if loop == 0:
        period = period[1:] + period[:1]
        loop = 1
    key = f"quadratic:{p},{q},{d}"
    return (key, "Lagrange 1770", terms[0], terms[1:loop], [(a, 0) for a in period], 0)


# --------------------------------------------------------------------------------------------
# The map, the exact replay, the symbolic step, the record


def _check_map(lhs: str, m: list[int], square: bool) -> None:
    try:
        num, den = _ratfun(parse_expression(lhs, variables=("x",)))
    except (EsmaError, _NoTheorem):
        raise _Reject("the left-hand side is not a rational function of x") from None
    x = (0, 0, 1) if square else (0, 1)
    lhs_num, lhs_den = _add(_mul((m[0],), x), (m[1],)), _add(_mul((m[2],), x), (m[3],))
    if not den or _mul(num, lhs_den) != _mul(den, lhs_num):
        raise _Reject("M does not match the left-hand side")


def _ratfun(t: Any) -> tuple[tuple, tuple]:
    if t.op == "num":
        return _clean([Fraction(t.args[0])]), (1,)
    if t.op == "name" and t.args[0] == "x":
        return (0, 1), (1,)
    if t.op == "neg":
        n, d = _ratfun(t.args[0])
        return _neg(n), d
    if t.op == "**" and t.args[1].op == "num":
        power = Fraction(t.args[1].args[0])
        if power.denominator != 1 or abs(power) > 8:
            raise _NoTheorem
        n0, d0 = _ratfun(t.args[0])
        n, d = (1,), (1,)
        for _ in range(abs(int(power))):
            n, d = _mul(n, n0), _mul(d, d0)
        return (n, d) if power >= 0 else (d, n)
    if t.op in ("+", "-", "*", "/"):
        (n1, d1), (n2, d2) = _ratfun(t.args[0]), _ratfun(t.args[1])
        if t.op == "+":
            return _add(_mul(n1, d2), _mul(n2, d1)), _mul(d1, d2)
        if t.op == "-":
            return _sub(_mul(n1, d2), _mul(n2, d1)), _mul(d1, d2)
        if t.op == "*":
            return _mul(n1, n2), _mul(d1, d2)
        return _mul(n1, d2), _mul(d1, n2)
    raise _NoTheorem


def _same_map(state: list, values: list) -> bool:
    return state == values or state == [-v for v in values]


def _replay(
    m: list[int], c0: int, head: list, block: list, k0: int, blocks: int, signs: list
) -> tuple[list, list]:
    """The exact run: read c0, the head and ``blocks`` blocks, emitting every justified term."""
    a, b, c, d = m
    out: list[int] = []
    k = len(signs)
    terms = [c0, *head]
    terms += [al + be * (k0 + i) for i in range(blocks) for al, be in block]
    if len(terms) > MAX_TERMS:
        raise _Reject("the base case is too long")
    for term in terms:
        a, b, c, d = a * term + b, a, c * term + d, c
        while True:
            sign = signs[len(out) % k]
            lo_den, hi_den = c + d, c
            if lo_den == 0 or hi_den == 0 or (lo_den > 0) != (hi_den > 0):
                break
            ends = [Fraction(a + b, lo_den), Fraction(a, hi_den)]
            low, high = min(ends), max(ends)
            t = math.floor(low) if sign == 1 else math.ceil(high)
            if (sign == 1 and high > t + 1) or (sign == -1 and low < t - 1):
                break
            out.append(t)
            a, b, c, d = sign * c, sign * d, a - t * c, b - t * d
            if len(out) > MAX_TERMS:
                raise _Reject("the base case is too long")
    return [a, b, c, d], out


def _check_step(
    s: list, schedule: str, emitted: list, block: list, k0: int, big_l: int, j1: int,
    signs: list, phase: int,
) -> None:  # fmt: skip
    terms = [
        _clean([al + be * (k0 + i), be * big_l]) for i in range(big_l) for al, be in block
    ]  # block k0 + L j + i
    if (
        schedule.count("c") != len(terms)
        or schedule.count("e") != len(emitted)
        or set(schedule) - {"c", "e"}
    ):
        raise _Reject("the schedule must read every term of the super-block once and emit E")
    if not emitted or len(emitted) % len(signs):
        raise _Reject("a super-block must emit a positive multiple of K terms")
    a, b, c, d = s
    reads = emits = 0
    for step in schedule:
        if step == "c":
            term = terms[reads]
            reads += 1
            a, b, c, d = _add(_mul(a, term), b), a, _add(_mul(c, term), d), c
            continue
        value = emitted[emits]
        sign = signs[(phase + emits) % len(signs)]
        if not _justified(a, b, c, d, value, sign, j1):
            raise _Reject(
                f"emission {emits} of the super-block is not justified: "
                "the term is not floor/ceil of the state"
            )
        emits += 1
        a, b, c, d = (
            _mul((sign,), c),
            _mul((sign,), d),
            _sub(a, _mul(value, c)),
            _sub(b, _mul(value, d)),
        )
    following = [_taylor(p, 1) for p in s]
    if [a, b, c, d] != following and [a, b, c, d] != [_neg(p) for p in following]:
        raise _Reject("the super-block does not return to ±S(j + 1)")


def _justified(a: tuple, b: tuple, c: tuple, d: tuple, value: tuple, sign: int, j1: int) -> bool:
    e = _add(c, d)
    if not c:
        return False
    sigma = (1,) if c[-1] > 0 else (-1,)
    if not _nonneg_from(_mul(sigma, c), j1, True) or not _nonneg_from(_mul(sigma, e), j1, True):
        return False
    if not all(Fraction(_value(value, j1 + i)).denominator == 1 for i in range(len(value) + 1)):
        return False
    low, high = (value, _add(value, (1,))) if sign == 1 else (_sub(value, (1,)), value)
    for num, den in ((a, c), (_add(a, b), e)):
        if not _nonneg_from(_mul(sigma, _sub(num, _mul(low, den))), j1):
            return False
        if not _nonneg_from(_mul(sigma, _sub(_mul(high, den), num)), j1):
            return False
    return True


def _check_record(claim: dict, prefix: list, emitted: list, j1: int) -> None:
    n1, m = len(prefix), len(emitted)
    qs, period, polys = claim["qp_start"], claim["period"], claim["polys"]
    if n1 < qs:
        raise _Reject("the induction must start at or after the quasi-polynomial's start")

    def proven(n: int) -> int:
        if n < n1:
            return prefix[n]
        j, i = divmod(n - n1, m)
        return _value(emitted[i], j1 + j)

    # E against the quasi-polynomial on every residue class of n >= n1.
    common = math.lcm(m, period)
    reps = common // m
    for v in range(reps):
        for i, e in enumerate(emitted):
            offset = n1 + m * v + i - qs
            mine = _substitute(e, reps, j1 + v)
            theirs = _substitute(polys[offset % period], common // period, offset // period)
            if mine != theirs:
                u = next(
                    u
                    for u in range(len(_sub(mine, theirs)) + 1)
                    if _value(mine, u) != _value(theirs, u)
                )
                n = n1 + m * v + i + common * u
                raise _Reject(
                    f"at n = {n}: proven {_value(mine, u)}, record says {_value(theirs, u)}"
                )
    for p in polys:  # the record's closed form is integer-valued (so its terms are integers)
        if not all(Fraction(_value(p, x)).denominator == 1 for x in range(len(p) + 1)):
            raise _Reject("the quasi-polynomial is not integer-valued")
    # The quasi-polynomial satisfies the recurrence on every residue class from qs + order.
    charpoly = claim["charpoly"]
    order = len(charpoly) - 1
    for r in range(period):
        total: tuple = ()
        for i, ci in enumerate(charpoly):
            # n = qs + order + period·u + r, so n − i − qs = period·u + (order + r − i).
            off = order + r - i
            q, rr = divmod(off, period)
            total = _add(total, _mul((ci,), _substitute(polys[rr], 1, q)))
        if total:
            raise _Reject("the quasi-polynomial does not satisfy the record's recurrence")
    # The recurrence's own terms agree with the proven ones long enough to agree forever.
    initial, rs = claim["initial"], claim["rec_start"]
    upto = max(n1 + order, rs + order, len(claim["a_prefix"]))
    if upto > MAX_TERMS:
        raise _Reject("the record's head is too long")
    seq = list(initial)
    while len(seq) < upto:
        seq.append(-sum(ci * seq[-i] for i, ci in enumerate(charpoly) if i))
    for n in range(upto):
        if seq[n] != proven(n):
            raise _Reject(f"at n = {n}: proven {proven(n)}, record says {seq[n]}")
    for n, x in enumerate(claim["a_prefix"]):
        if x != proven(n):
            raise _Reject(f"a_prefix at n = {n}: proven {proven(n)}, record says {x}")


# --------------------------------------------------------------------------------------------
# Files


@dataclass(frozen=True)
class CheckSummary:
    """What :func:`check_jsonl` found: counts, and each invalid record's id with the reason."""

    records: int
    certificates: int
    valid: int
    invalid: tuple[tuple[str, str], ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when every certificate is valid (and no proved record lacks one)."""
        return not self.invalid

    def __str__(self) -> str:
        return f"{self.certificates} certificates, {self.valid} valid"


def check_jsonl(lines: Iterable[str]) -> CheckSummary:
    """Check every certificate in the lines of a JSONL export.

    A record without a certificate that does not claim ``status: proved`` is counted but not
    checked; a line that is not a JSON object, or a proved record whose certificate fails, is
    invalid.

    >>> from esma.conjecture import example
    >>> from esma.prove import prove
    >>> good = {**example().to_dict(), "status": "proved", "proof": prove(example()).certificate}
    >>> str(check_jsonl([json.dumps(good), "{not json"]))
    '2 certificates, 1 valid'
    """

    def parsed() -> Iterable[tuple[str, Any]]:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield f"line {number}", json.loads(line)
            except ValueError:
                yield f"line {number}", None

    return _tally(parsed())


def check_records(records: Iterable[Any]) -> CheckSummary:
    """:func:`check_jsonl` for records already read (JSON objects); each invalid one is named
    by its id (or its position, ``record N``, if it has none).

    >>> from esma.conjecture import example
    >>> check_records([example().to_dict()]).certificates     # conjectured: nothing to check
    0
    """
    return _tally((f"record {n}", r) for n, r in enumerate(records, start=1))


def _tally(items: Iterable[tuple[str, Any]]) -> CheckSummary:
    records = certificates = valid = 0
    invalid = []
    for where, record in items:
        records += 1
        if not isinstance(record, dict):
            certificates += 1
            invalid.append((where, "not a JSON object"))
            continue
        if record.get("proof") is None and record.get("status") != "proved":
            continue
        certificates += 1
        result = check(record)
        if result.ok:
            valid += 1
        else:
            invalid.append((str(record.get("id", where)), result.reason))
    return CheckSummary(records, certificates, valid, tuple(invalid))
