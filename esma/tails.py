"""Canonical tails: a signed continued fraction up to a finite head and a shift of the index.

Two continued fractions a₀ + b₀/(a₁ + b₁/(a₂ + …)) have *the same tail* when their sequences of
pairs (a_n, b_n) coincide from some index on, up to a shift of the index. The tail is then one
object, and this module gives it a canonical form and a content hash (:attr:`Tail.key`) that do
not depend on which continued fraction it was read from.

*Quasi-polynomial tails* (every record of the esma catalogue): from its start s, a_{s+Nm+j} is a
polynomial P_j(m) and b_n = σ[n mod K]. Extended to every integer n, the pairs form a bi-infinite
pattern with a smallest period P (P divides lcm(N, K)); a tail is that pattern up to translation.
The canonical form is the rotation, and the shift m → m + k of all the polynomials together,
that makes the pattern smallest (see :func:`_canonical_qp`). Decided exactly, with rational
polynomial arithmetic: two sequences that follow quasi-polynomials eventually coincide (up to a
shift) exactly when their canonical patterns are equal.

*Other linear recurrences* (a root of the characteristic polynomial is not a root of unity, so the
terms grow exponentially): the sequence is extended backwards over ℚ (the last coefficient of a
minimal recurrence is nonzero) and the canonical phase is the window of L consecutive terms of
smallest height within ``SCAN`` terms of the record's start. Equal keys prove the same tail
(charpoly, window and sign phase determine the whole sequence); two tails whose smallest windows
lie farther apart than ``SCAN`` would get different keys. No record of the catalogue is of this
kind.

>>> from esma.recurrence import Recurrence
>>> e_minus_1 = Recurrence((1, 0, -2, 0, 1), 0, (2, 3, 2, 5))       # 2, 3, 2, 5, 2, 7, …
>>> longer = Recurrence((1, 0, -2, 0, 1), 1, (9, 2, 5, 2, 7))       # 9, 2, 5, 2, 7, …
>>> p1, p2 = place(e_minus_1, (-1, 1)), place(longer, (1, -1))
>>> p1.tail == p2.tail, p1.head, p2.head
(True, 0, 1)
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Any

from esma.errors import InvalidParameter, InvalidRecord
from esma.recurrence import QuasiPolynomial, Recurrence
from esma.signs import primitive_root

#: How far from a record's start the canonical window of a non-quasi-polynomial tail is sought.
SCAN = 64

#: A 2×2 integer (or rational) matrix ((p, q), (r, s)), the Möbius map x ↦ (p·x + q)/(r·x + s).
Matrix = tuple[tuple[Any, Any], tuple[Any, Any]]

IDENTITY: Matrix = ((1, 0), (0, 1))

Poly = tuple[Fraction, ...]


def mat_mul(x: Matrix, y: Matrix) -> Matrix:
    """The product x·y (composition of Möbius maps: first y, then x).

    >>> mat_mul(((1, 2), (3, 4)), ((0, 1), (1, 0)))
    ((2, 1), (4, 3))
    """
    (a, b), (c, d) = x
    (e, f), (g, h) = y
    return ((a * e + b * g, a * f + b * h), (c * e + d * g, c * f + d * h))


def det(x: Matrix) -> Any:
    """The determinant.

    >>> det(((2, 1), (1, 1)))
    1
    """
    return x[0][0] * x[1][1] - x[0][1] * x[1][0]


def adjugate(x: Matrix) -> Matrix:
    """adj(x), so that x·adj(x) = det(x)·I (the inverse map, up to a scalar).

    >>> adjugate(((2, 1), (1, 1)))
    ((1, -1), (-1, 2))
    """
    (a, b), (c, d) = x
    return ((d, -b), (-c, a))


def normalized(x: Matrix) -> Matrix:
    """x or −x, whichever has its first nonzero entry (row by row) positive: one matrix per map.

    >>> normalized(((0, -1), (-1, 2)))
    ((0, 1), (1, -2))
    """
    first = next(v for row in x for v in row if v)
    return x if first > 0 else tuple(tuple(-v for v in row) for row in x)


def pair_matrix(a: Any, b: int) -> Matrix:
    """The map x ↦ a + b/x of one step of a continued fraction: ((a, b), (1, 0)).

    >>> pair_matrix(2, -1)
    ((2, -1), (1, 0))
    """
    return ((a, b), (1, 0))


def head_matrix(terms: Sequence[int], signs: Sequence[int], count: int) -> Matrix:
    """H with y = H(x_count): the first ``count`` steps a₀ + b₀/(…(a_{count-1} + b/x_count)).

    >>> head_matrix([2, 3], (-1, 1), 2)          # 2 - 1/(3 + 1/x) = (5x + 2)/(3x + 1)
    ((5, 2), (3, 1))
    """
    p, q, r, s = 1, 0, 0, 1
    k = len(signs)
    for n in range(count):
        a, b = terms[n], signs[n % k]
        p, q, r, s = p * a + q, p * b, r * a + s, r * b
    return ((p, q), (r, s))


# --------------------------------------------------------------------------------------------
# Polynomials in m with rational coefficients, lowest degree first, trailing zeros trimmed.


def _trim(coeffs: list) -> Poly:
    while len(coeffs) > 1 and coeffs[-1] == 0:
        coeffs.pop()
    # Integral coefficients stay ints (equal and hash-equal to the Fractions they stand for):
    # most tails have integer polynomials, and int arithmetic is much faster.
    return tuple(
        c.numerator if isinstance(c, Fraction) and c.denominator == 1 else c for c in coeffs
    )


def _affine(poly: Poly, alpha: Fraction | int, beta: Fraction | int) -> Poly:
    """poly(alpha·m + beta), exactly.

    >>> _affine((1, 2, 1), 1, 1)                  # (m + 2)² = 4 + 4m + m²
    (4, 4, 1)
    """
    out: list = [poly[-1]]
    for c in reversed(poly[:-1]):
        # out = out·(alpha·m + beta) + c
        nxt = [beta * v for v in out] + [0]
        for i, v in enumerate(out):
            nxt[i + 1] += alpha * v
        nxt[0] += c
        out = nxt
    return _trim(out)


def _value(poly: Poly, m: int) -> Fraction:
    acc = Fraction(0)
    for c in reversed(poly):
        acc = acc * m + c
    return acc


def _coef_json(c: Fraction) -> int | str:
    return c.numerator if c.denominator == 1 else f"{c.numerator}/{c.denominator}"


def _coef_read(c: Any, where: str) -> Fraction:
    if isinstance(c, bool) or not isinstance(c, int | str):
        raise InvalidRecord(f"{where} must be an integer or a 'p/q' string, got {c!r}")
    try:
        value = Fraction(c)
        return value.numerator if value.denominator == 1 else value
    except (ValueError, ZeroDivisionError):
        raise InvalidRecord(f"{where} must be an integer or a 'p/q' string, got {c!r}") from None


# --------------------------------------------------------------------------------------------
# Tails


@dataclass(frozen=True)
class Tail:
    """A canonical tail: a bi-infinite pattern of pairs (a_t, b_t), t ∈ ℤ, up to translation.

    Attributes
    ----------
    kind : str
        ``"quasi-polynomial"`` or ``"recurrence"``.
    signs : tuple of int
        b_t for t = 0 … P−1 (quasi-polynomial: one entry per class; recurrence: one sign period,
        rotated to the canonical phase).
    polys : tuple of tuple of int or Fraction
        Quasi-polynomial: a_{Pm + j} = polys[j](m) for every integer m, ascending coefficients
        (ints where integral). Empty for a recurrence.
    charpoly : tuple of int
        Recurrence: ``(1, c₁, …, c_L)``, a_t + c₁a_{t−1} + … + c_L a_{t−L} = 0 for every t.
        ``(1,)`` for a quasi-polynomial.
    window : tuple of Fraction
        Recurrence: a₀ … a_{L−1} (rational where the pattern was extended backwards). Empty for a
        quasi-polynomial.

    Position t = 0 is the canonical phase; :func:`place` says where it falls in a given record.
    """

    kind: str
    signs: tuple[int, ...]
    polys: tuple[Poly, ...] = ()
    charpoly: tuple[int, ...] = (1,)
    window: tuple[Fraction, ...] = ()

    @property
    def period(self) -> int:
        """P: the pattern repeats (up to m → m + 1 in the polynomials) every P positions."""
        return len(self.signs) if self.kind == "recurrence" else len(self.polys)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; rationals as ``"p/q"`` strings (as in a record's quasi_polynomial).

        >>> Tail("quasi-polynomial", (1,), ((Fraction(2), Fraction(4)),)).to_dict()
        {'kind': 'quasi-polynomial', 'signs': [1], 'polys': [[2, 4]]}
        """
        out: dict[str, Any] = {"kind": self.kind, "signs": list(self.signs)}
        if self.kind == "quasi-polynomial":
            out["polys"] = [[_coef_json(c) for c in p] for p in self.polys]
        else:
            out["charpoly"] = list(self.charpoly)
            out["window"] = [_coef_json(c) for c in self.window]
        return out

    @classmethod
    def from_dict(cls, d: Any) -> Tail:
        """Rebuild from :meth:`to_dict` output (checked: it must already be canonical).

        >>> t = Tail("quasi-polynomial", (1,), ((Fraction(2), Fraction(4)),))
        >>> Tail.from_dict(t.to_dict()) == t
        True
        """
        if not isinstance(d, dict) or d.get("kind") not in ("quasi-polynomial", "recurrence"):
            raise InvalidRecord(
                "tail must be an object with kind 'quasi-polynomial' or 'recurrence'"
            )
        signs = d.get("signs")
        if not isinstance(signs, list) or not signs or any(s not in (1, -1) for s in signs):
            raise InvalidRecord("tail.signs must be a non-empty list of 1 and -1")
        if d["kind"] == "quasi-polynomial":
            polys = d.get("polys")
            if not isinstance(polys, list) or len(polys) != len(signs):
                raise InvalidRecord("tail.polys must hold one polynomial per sign")
            rows = []
            for j, p in enumerate(polys):
                if not isinstance(p, list) or not p:
                    raise InvalidRecord(f"tail.polys[{j}] must be a non-empty list")
                rows.append(tuple(_coef_read(c, f"tail.polys[{j}]") for c in p))
            tail = cls("quasi-polynomial", tuple(signs), tuple(rows))
            again = _canonical_qp(tuple(rows), tuple(signs))[0]
        else:
            charpoly, window = d.get("charpoly"), d.get("window")
            if not isinstance(charpoly, list) or not isinstance(window, list):
                raise InvalidRecord("tail.charpoly and tail.window must be lists")
            rec_window = tuple(_coef_read(c, "tail.window") for c in window)
            tail = cls("recurrence", tuple(signs), (), tuple(charpoly), rec_window)
            again = tail if len(window) == len(charpoly) - 1 else None
        if again != tail:
            raise InvalidRecord("tail is not in canonical form")
        return tail

    @cached_property
    def key(self) -> str:
        """Content hash (16 hex digits) of the canonical form: the same tail, the same key, in
        every database and whichever record it was read from."""
        blob = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def sign(self, t: int) -> int:
        """b_t."""
        return self.signs[t % len(self.signs)]

    def term(self, t: int) -> int | Fraction:
        """a_t for any integer t (a Fraction only where a recurrence was extended backwards, or
        where a quasi-polynomial is evaluated outside the record's terms).

        >>> Tail("quasi-polynomial", (1,), ((Fraction(2), Fraction(4)),)).term(3)
        14
        """
        if self.kind == "quasi-polynomial":
            m, j = divmod(t, len(self.polys))
            poly = self._int_polys[j]
            if poly is not None:  # integer coefficients (almost always): plain int arithmetic
                acc = 0
                for c in reversed(poly):
                    acc = acc * m + c
                return acc
            value = _value(self.polys[j], m)
            return value.numerator if value.denominator == 1 else value
        value = self._recurrence_terms.term(t)
        return value.numerator if value.denominator == 1 else value

    @cached_property
    def _int_polys(self) -> tuple[tuple[int, ...] | None, ...]:
        return tuple(
            tuple(c.numerator for c in p) if all(c.denominator == 1 for c in p) else None
            for p in self.polys
        )

    @cached_property
    def _recurrence_terms(self) -> _BiInfinite:
        return _BiInfinite(self.charpoly, self.window)

    def matrix(self, t0: int, t1: int) -> Matrix:
        """G with T_{t0} = G(T_{t1}): the steps of the pattern at positions t0 … t1−1.

        >>> Tail("quasi-polynomial", (1,), ((Fraction(1),),)).matrix(0, 2)   # x ↦ 1 + 1/(1 + 1/x)
        ((2, 1), (1, 1))
        """
        p, q, r, s = 1, 0, 0, 1
        for t in range(t0, t1):
            a, b = self.term(t), self.sign(t)
            p, q, r, s = p * a + q, p * b, r * a + s, r * b
        return ((p, q), (r, s))


class _BiInfinite:
    """Terms of a linear recurrence at every integer position, from a window at 0 … L−1."""

    def __init__(self, charpoly: tuple[int, ...], window: tuple[Fraction, ...]):
        self.charpoly = charpoly
        self.known = {i: Fraction(v) for i, v in enumerate(window)}
        self.lo, self.hi = 0, len(window) - 1

    def term(self, t: int) -> Fraction:
        c, L = self.charpoly, len(self.charpoly) - 1
        while t > self.hi:
            n = self.hi + 1
            self.known[n] = -sum(c[j] * self.known[n - j] for j in range(1, L + 1))
            self.hi = n
        while t < self.lo:
            n = self.lo - 1  # a_{n+L} + c_1 a_{n+L-1} + … + c_L a_n = 0
            self.known[n] = -sum(c[j] * self.known[n + L - j] for j in range(L)) / c[L]
            self.lo = n
        return self.known[t]


@dataclass(frozen=True)
class Placement:
    """Where a record's continued fraction meets its canonical tail.

    Attributes
    ----------
    tail : Tail
    position : int
        The record's index of the tail's position 0 (may be negative, or inside the head).
    head : int
        The record's shortest head: its pairs from index ``head`` on follow the tail, and the
        pair at ``head − 1`` (if any) does not.
    """

    tail: Tail
    position: int
    head: int

    @property
    def anchor_offset(self) -> int:
        """t_m = max(0, head − position): the first tail position that is inside the record's
        tail and not before the tail's position 0."""
        return max(0, self.head - self.position)


def place(
    recurrence: Recurrence, signs: Sequence[int], closed: QuasiPolynomial | None = None
) -> Placement:
    """The canonical tail of a_n (from ``recurrence``) with b_n = signs[n mod K], and where it
    starts in this sequence.

    ``closed`` is the recurrence's closed form when the caller has it already (it must be
    equal to ``recurrence.quasi_polynomial()``; by default that is computed).

    >>> from esma.recurrence import Recurrence
    >>> e = Recurrence((1, 0, 0, -2, 0, 0, 1), 1, (2, 1, 2, 1, 1, 4, 1))   # e = [2; 1, 2, 1, …]
    >>> pl = place(e, (1,))
    >>> pl.head, pl.tail.period, [pl.tail.term(t) for t in range(6)]    # canonical phase: 2m, 1, 1
    (1, 3, [0, 1, 1, 2, 1, 1])
    """
    period = primitive_root(tuple(signs))
    qp = closed if closed is not None else recurrence.quasi_polynomial()
    if qp is None:
        return _place_recurrence(recurrence, period)
    k = len(period)
    at_start = tuple(period[(qp.start + j) % k] for j in range(k))
    tail, offset = _qp_tail(qp.polys, at_start)
    position = qp.start + offset
    terms = recurrence.terms(qp.start)
    head = qp.start
    while head > 0 and tail.term(head - 1 - position) == terms[head - 1]:
        head -= 1
    return Placement(tail, position, head)


@lru_cache(maxsize=65536)
def _qp_tail(polys: tuple[Poly, ...], signs: tuple[int, ...]) -> tuple[Tail, int]:
    """Canonical tail of a_{s+Nm+j} = polys[j](m), b_{s+j} = signs[j mod K], and the offset
    from s of its canonical position 0."""
    n, k = len(polys), len(signs)
    big = n * k // math.gcd(n, k)
    ratio = big // n
    # The pattern read from s with period lcm(N, K): class j is P_{j mod N}(ratio·m + j div N).
    classes = tuple(
        _affine(polys[j % n], ratio, j // n) if ratio > 1 else _trim(list(polys[j]))
        for j in range(big)
    )
    return _canonical_qp(classes, tuple(signs[j % k] for j in range(big)))


@lru_cache(maxsize=65536)
def _canonical_qp(classes: tuple[Poly, ...], signs: tuple[int, ...]) -> tuple[Tail, int]:
    """The canonical tail of the pattern a_{Pm+j} = classes[j](m), b_j = signs[j], and the
    position (in this pattern's indexing) of the canonical position 0.

    Steps, all exact: (1) the smallest period d of the pattern (a divisor of P: every class j
    must equal class j mod d shifted by (j div d)·d/P, with the same sign); (2) for each rotation
    r of the d classes, the shift m → m + k that puts the second-highest coefficient of the first
    non-constant class in [0, deg·|lead|) (a constant pattern needs none); (3) the smallest of
    these d patterns, ordered by their sign word, then their polynomials. A translation of the pattern by τ positions is a rotation by τ mod d and a
    shift by τ div d, so every translate yields the same d candidates, and the smallest is the
    canonical form. Two rotations cannot give the same candidate: the pattern would equal a
    proper translate of itself, hence be periodic, which minimal d rules out unless all classes
    are constant (then k is 0 and the candidates differ because d is minimal).
    """
    big = len(classes)
    for d in (d for d in range(1, big + 1) if big % d == 0):
        if all(signs[j] == signs[j % d] for j in range(big)) and all(
            classes[j] == _affine(classes[j % d], 1, Fraction((j // d) * d, big))
            for j in range(d, big)
        ):
            break
    base = tuple(_affine(classes[j], Fraction(d, big), 0) for j in range(d)) if d < big else classes
    base_signs = signs[:d]
    # Candidates are ordered by their sign word first (cheap), then by their polynomials,
    # compared lazily: most rotations lose on the sign word or on the first polynomial.
    rotations = [base_signs[r:] + base_signs[:r] for r in range(d)]
    word = min(rotations)
    later = [_affine(p, 1, 1) for p in base]  # class j one period later
    best: list | None = None
    best_offset = 0
    for r in (r for r in range(d) if rotations[r] == word):
        polys = base[r:] + tuple(later[:r])
        anchor = next((p for p in polys if len(p) > 1), None)
        shift = 0
        if anchor is not None:
            step = (len(anchor) - 1) * anchor[-1]
            c = anchor[-2]
            shift = math.ceil(Fraction(-c) / step) if step > 0 else math.floor(Fraction(c) / -step)
        candidate: list = []
        smaller = best is None
        for j, p in enumerate(polys):
            q = _affine(p, 1, shift) if shift and len(p) > 1 else p
            if not smaller:
                if q > best[j]:
                    break
                smaller = q < best[j]
            candidate.append(q)
        else:
            if smaller:
                best, best_offset = candidate, r + d * shift
    tail = Tail("quasi-polynomial", word, tuple(best))
    return tail, best_offset


def _place_recurrence(recurrence: Recurrence, signs: tuple[int, ...]) -> Placement:
    charpoly, start = _minimal(recurrence)
    L = len(charpoly) - 1
    k = len(signs)
    if L == 0:  # terms zero from `start` on: not a continued fraction esma stores, but defined
        raise InvalidParameter("recurrence: the terms are eventually 0, not a continued fraction")
    window = recurrence.terms(start + L)[start:]
    seq = _BiInfinite(charpoly, tuple(Fraction(v) for v in window))

    def rank(t: int) -> tuple:
        win = [seq.term(t + i) for i in range(L)]
        height = max(max(abs(v.numerator), v.denominator) for v in win)
        return (height, tuple((v.numerator, v.denominator) for v in win), (start + t) % k)

    best = min(range(-SCAN, SCAN + 1), key=rank)  # relative to `start`
    rotated = tuple(signs[(start + best + j) % k] for j in range(k))
    tail = Tail(
        "recurrence",
        rotated,
        (),
        charpoly,
        tuple(seq.term(best + i) for i in range(L)),
    )
    position = start + best
    terms = recurrence.terms(start)
    head = start
    while head > 0 and tail.term(head - 1 - position) == terms[head - 1]:
        head -= 1
    return Placement(tail, position, head)


def _minimal(recurrence: Recurrence) -> tuple[tuple[int, ...], int]:
    """(charpoly, start) of the shortest recurrence of the record's terms from its start on.

    Berlekamp–Massey (:func:`esma.massey.find_recurrence`) on 2L + 8 terms from the start; a
    shorter recurrence of order L′ that it returns is taken only when it agrees with the record
    on at least L + L′ consecutive terms past both starts, which proves they agree forever (the
    difference of the two sequences satisfies a recurrence of order L + L′).
    """
    from esma.massey import find_recurrence

    L, s = recurrence.order, recurrence.start
    count = 2 * L + 8
    terms = recurrence.terms(s + count)[s:]
    found = find_recurrence(terms)
    if found is None or found.order >= L:
        return recurrence.charpoly, s
    if count - found.start < L + found.order or found.terms(count) != terms:
        return recurrence.charpoly, s
    return found.charpoly, s + found.start
