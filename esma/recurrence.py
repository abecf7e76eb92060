"""Exact integer linear recurrences and their quasi-polynomial closed forms.

A :class:`Recurrence` is what :func:`esma.massey.find_recurrence` returns: a characteristic
polynomial, the index from which it holds, and every term before that. When all roots of the
characteristic polynomial are roots of unity the sequence is a quasi-polynomial from the start on
(:class:`QuasiPolynomial`), the closed form that a continued-fraction conjecture is stated in.

>>> rec = Recurrence(charpoly=(1, 0, 0, -2, 0, 0, 1), start=1, initial=(2, 1, 2, 1, 1, 4, 1))
>>> rec.terms(12)
[2, 1, 2, 1, 1, 4, 1, 1, 6, 1, 1, 8]
>>> rec.quasi_polynomial().formula()
'a(1+3m) = 1, a(2+3m) = 2 + 2m, a(3+3m) = 1'
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property, lru_cache
from itertools import pairwise
from operator import mul
from typing import Any

from esma.errors import InvalidParameter, InvalidRecord, all_plain_ints, is_int
from esma.notation import (
    LATEX,
    MATHML,
    Markup,
    cases_markup,
    closed_form_cases,
    closed_form_latex,
    closed_form_text,
    math_html,
    recurrence_markup,
    recurrence_rhs,
)

__all__ = ["QuasiPolynomial", "Recurrence"]


def _unchecked(cls: type, **fields: Any) -> Any:
    """An instance of the frozen dataclass ``cls`` with ``fields`` set as given, skipping
    ``__post_init__``: for values esma computed and that are valid by construction."""
    obj = object.__new__(cls)
    for name, value in fields.items():
        object.__setattr__(obj, name, value)
    return obj


def _int_tuple(values: Any, name: str) -> tuple[int, ...] | str:
    """``values`` as a tuple of Python ints, or a one-line complaint naming ``name``."""
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__len__"):
        return f"{name} must be a sequence of integers, got {type(values).__name__}"
    if all_plain_ints(values):
        return tuple(values)
    out = []
    for i, x in enumerate(values):
        if not is_int(x):
            return f"{name}[{i}] must be an integer, got {x!r}"
        out.append(int(x))
    return tuple(out)


def _expect_object(d: Any, name: str, keys: set[str]) -> None:
    """A JSON object with exactly ``keys``, or InvalidRecord naming the field ``name``."""
    if not isinstance(d, dict):
        raise InvalidRecord(f"{name} must be an object, got {type(d).__name__}")
    if set(d) != keys:
        raise InvalidRecord(
            f"{name} must have exactly the keys {sorted(keys)}, got {sorted(map(str, d))}"
        )


def _recurrence_problem(charpoly: Any, start: Any, initial: Any) -> str | tuple:
    """Checked ``(charpoly, start, initial)``, or a one-line description of what is wrong."""
    cp = _int_tuple(charpoly, "charpoly")
    if isinstance(cp, str):
        return cp
    if not cp or cp[0] != 1:
        return f"charpoly must start with 1 (C(0) = 1), got {list(cp)}"
    if len(cp) > 1 and cp[-1] == 0:
        return f"charpoly must end with a nonzero coefficient (trim trailing zeros), got {list(cp)}"
    if not is_int(start) or start < 0:
        return f"start must be an integer >= 0, got {start!r}"
    init = _int_tuple(initial, "initial")
    if isinstance(init, str):
        return init
    need = int(start) + len(cp) - 1
    if len(init) != need:
        return f"initial must hold start + order = {need} terms, got {len(init)}"
    return cp, int(start), init


@dataclass(frozen=True)
class Recurrence:
    """An integer sequence given by a linear recurrence that holds from index ``start + order``.

    Attributes
    ----------
    charpoly : tuple of int
        ``(1, c_1, ..., c_L)`` with ``c_L != 0`` (or just ``(1,)``):
        ``a_n + c_1 a_{n-1} + ... + c_L a_{n-L} = 0`` for every ``n >= start + L``.
    start : int
        ``s``: the terms before ``s`` are an irregular head that the recurrence does not produce.
    initial : tuple of int
        ``a_0 .. a_{s+L-1}``, so that the object alone regenerates the whole sequence.

    Examples
    --------
    >>> fib = Recurrence(charpoly=(1, -1, -1), start=0, initial=(0, 1))
    >>> fib.terms(10), fib.order
    ([0, 1, 1, 2, 3, 5, 8, 13, 21, 34], 2)
    >>> fib.formula()
    'a(n) = a(n-1) + a(n-2) for n >= 2'
    """

    charpoly: tuple[int, ...]
    start: int
    initial: tuple[int, ...]

    def __post_init__(self) -> None:
        checked = _recurrence_problem(self.charpoly, self.start, self.initial)
        if isinstance(checked, str):
            raise InvalidParameter(checked)
        # Normalise numpy integers and lists to Python ints in tuples (frozen, hashable).
        for field, value in zip(("charpoly", "start", "initial"), checked, strict=True):
            object.__setattr__(self, field, value)

    @classmethod
    def trusted(cls, charpoly: tuple[int, ...], start: int, initial: tuple[int, ...]) -> Recurrence:
        """Build from fields that already pass the constructor's checks (tuples of Python ints,
        as find_recurrence computes them), skipping the checks: on a search's flagged
        sequences they cost about as much as confirming the recurrence. Only for fields esma
        computed itself; anything else goes through the constructor.

        >>> Recurrence.trusted((1, -1, -1), 0, (0, 1)) == Recurrence((1, -1, -1), 0, (0, 1))
        True
        """
        return _unchecked(cls, charpoly=charpoly, start=start, initial=initial)

    @property
    def order(self) -> int:
        """``L``, the degree of the characteristic polynomial.

        >>> Recurrence((1, -2, 1), 0, (0, 1)).order
        2
        """
        return len(self.charpoly) - 1

    def _steps(self) -> list[tuple[int, int]]:
        # Only nonzero coefficients: the recurrences of continued fractions are sparse
        # (e's is a_n = 2 a_{n-3} - a_{n-6}), so this is most of the speed of terms().
        return [(j, -c) for j, c in enumerate(self.charpoly) if j and c]

    def terms(self, n: int) -> list[int]:
        """The first ``n`` terms ``a_0 .. a_{n-1}`` as exact Python ints.

        >>> Recurrence((1, -1), 1, (7, 5)).terms(4)
        [7, 5, 5, 5]
        """
        if not is_int(n) or n < 0:
            raise InvalidParameter(f"n must be an integer >= 0, got {n!r}", parameter="n")
        out = list(self.initial[:n])
        if len(out) < n:
            # map() keeps the per-coefficient loop in C (a generator costs ~3x more): a search
            # asks each flagged candidate's recurrence for its first terms several times.
            steps = self._steps()
            coeffs, back = [c for _, c in steps], [-j for j, _ in steps]
            window = out.__getitem__
            for _ in range(len(out), n):
                out.append(sum(map(mul, coeffs, map(window, back))))
        return out

    def iter_terms(self) -> Iterator[int]:
        """Yield ``a_0, a_1, ...`` without end.

        >>> from itertools import islice
        >>> list(islice(Recurrence((1, -2), 0, (3,)).iter_terms(), 5))
        [3, 6, 12, 24, 48]
        """
        yield from self.initial
        L, steps = self.order, self._steps()
        if L == 0:
            while True:
                yield 0
        out = list(self.initial[len(self.initial) - L :])  # the last L terms, oldest first
        # Approve spends most of its time here: the sparse sum is unrolled for the common
        # recurrences of one to three terms (e's is a_n = 2a_{n-3} - a_{n-6}), and the window
        # is trimmed in blocks rather than term by term.
        while True:
            if len(steps) == 1:
                ((j1, c1),) = steps
                for _ in range(256):
                    out.append(c1 * out[-j1])
            elif len(steps) == 2:
                (j1, c1), (j2, c2) = steps
                for _ in range(256):
                    out.append(c1 * out[-j1] + c2 * out[-j2])
            elif len(steps) == 3:
                (j1, c1), (j2, c2), (j3, c3) = steps
                for _ in range(256):
                    out.append(c1 * out[-j1] + c2 * out[-j2] + c3 * out[-j3])
            else:
                # map() keeps the per-coefficient loop in C (a generator costs ~3x more).
                coeffs, back = [c for _, c in steps], [-j for j, _ in steps]
                window = out.__getitem__
                for _ in range(256):
                    out.append(sum(map(mul, coeffs, map(window, back))))
            yield from out[L:]
            del out[:-L]

    def quasi_polynomial(self) -> QuasiPolynomial | None:
        """The closed form from ``start`` on, or None unless all roots are roots of unity.

        >>> Recurrence((1, -2, 1), 0, (3, 5)).quasi_polynomial().formula()
        'a(m) = 3 + 2m'
        >>> Recurrence((1, -1, -1), 0, (0, 1)).quasi_polynomial() is None
        True

        Notes
        -----
        The roots of ``C`` are roots of unity exactly when ``C`` is, up to sign, a product of
        cyclotomic polynomials (factored with python-flint). If ``Phi_k`` occurs with
        multiplicity at most ``D`` for ``k`` in a set with lcm ``N``, then
        ``a_{s+n} = sum_zeta p_zeta(n) zeta^n`` with ``zeta^N = 1`` and ``deg p_zeta < D``, so each
        residue class ``a_{s+N m+j}`` is a polynomial in ``m`` of degree ``< D``. Each class is
        interpolated exactly (Newton, Fractions) for every period ``P`` dividing ``N``, smallest
        first, and the first that fits is returned. A fit is checked on ``L + P*D`` consecutive
        terms from ``s``: the difference of two sequences annihilated by ``C`` and by
        ``(1 - z^P)^D`` is annihilated by their product, of order ``L + P*D``, so it vanishes
        everywhere once it vanishes on that many consecutive terms.
        """
        return self._quasi

    @cached_property
    def _quasi(self) -> QuasiPolynomial | None:
        # Cached: records render the closed form several times (formula, LaTeX, JSON). The fit
        # depends only on the terms from ``start`` on, which left-hand sides differing by an
        # integer share, so it is also memoised across recurrences. cached_property writes the
        # instance __dict__ directly, which a frozen dataclass allows; equality and hashing use
        # the fields only.
        return _fit_quasi(self.charpoly, self.start, self.initial[self.start :])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready ``{"charpoly": [...], "start": s, "initial": [...]}``.

        >>> Recurrence((1, -1), 0, (4,)).to_dict()
        {'charpoly': [1, -1], 'start': 0, 'initial': [4]}
        """
        return {"charpoly": list(self.charpoly), "start": self.start, "initial": list(self.initial)}

    @classmethod
    def from_dict(cls, d: Any) -> Recurrence:
        """Rebuild from :meth:`to_dict` output, checking types and consistency.

        >>> Recurrence.from_dict({"charpoly": [1, -1], "start": 0, "initial": [4]}).terms(3)
        [4, 4, 4]

        Raises
        ------
        InvalidRecord
            If ``d`` is not such a dict (wrong keys or types, ``len(initial) != start + order``).
        """
        _expect_object(d, "recurrence", {"charpoly", "start", "initial"})
        for key in ("charpoly", "initial"):
            if not isinstance(d[key], list) or not all_plain_ints(d[key]):
                raise InvalidRecord(f"recurrence.{key} must be a list of integers, got {d[key]!r}")
        if not _json_int(d["start"]):
            raise InvalidRecord(f"recurrence.start must be an integer, got {d['start']!r}")
        try:  # the constructor's own checks, reported as a record error
            return cls(d["charpoly"], d["start"], d["initial"])
        except InvalidParameter as exc:
            raise InvalidRecord(f"recurrence.{exc}") from None

    def formula(self, offset: int = 0) -> str:
        """One readable line, e.g. ``a(n) = 2*a(n-3) - a(n-6) for n >= 7``; ``offset`` is the
        index of the first term (an OEIS b-file's first n).

        >>> Recurrence((1, 0, 0, -2, 0, 0, 1), 1, (2, 1, 2, 1, 1, 4, 1)).formula()
        'a(n) = 2*a(n-3) - a(n-6) for n >= 7'
        >>> Recurrence((1, -1, -1), 0, (0, 1)).formula(offset=1)
        'a(n) = a(n-1) + a(n-2) for n >= 3'
        """
        rhs = self.right_side(latex=False)
        return f"a(n) = {rhs} for n >= {self.start + self.order + offset}"

    def right_side(self, latex: bool = False) -> str:
        """The right side of ``a_n = ...``: ``2*a(n-3) - a(n-6)``, or ``2a_{n-3} - a_{n-6}``.

        >>> Recurrence((1, 0, 0, -2, 0, 0, 1), 1, (2, 1, 2, 1, 1, 4, 1)).right_side(latex=True)
        '2a_{n-3} - a_{n-6}'
        """
        return recurrence_rhs(self.charpoly, latex)

    def latex(self) -> str:
        r"""LaTeX: the recurrence, the initial terms and the closed form when there is one.

        >>> print(Recurrence((1, -2, 1), 0, (3, 5)).latex())
        \begin{gathered}a_{n} = 2a_{n-1} - a_{n-2}\quad (n \ge 2) \\ a_{0}, a_{1} = 3, 5 \\ a_{m} = 2m + 3\quad (m \ge 0)\end{gathered}
        """
        return self._markup(LATEX)

    def mathml(self) -> str:
        """The same as :meth:`latex`, in presentation MathML (what Jupyter's HTML shows).

        >>> Recurrence((1, -1, -1), 0, (0, 1)).mathml().count("<mtr>")
        2
        """
        return self._markup(MATHML)

    def _markup(self, mk: Markup) -> str:
        qp = self.quasi_polynomial()
        closed = None
        # A constant closed form (a_n = c) says no more than the recurrence and its terms.
        if qp is not None and self.order > 0 and not (qp.period == 1 and len(qp.polys[0]) == 1):
            closed = (qp.start, qp.period, qp.polys)
        return recurrence_markup(mk, self.charpoly, self.start, self.initial, closed)

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    def _repr_html_(self) -> str:
        return math_html(self.mathml())


def _json_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


@lru_cache(maxsize=1024)
def _cyclotomic_structure(charpoly: tuple[int, ...]) -> tuple[int, int] | None:
    """``(N, D)``: lcm of the cyclotomic indices of ``charpoly`` and the largest multiplicity.

    None when some factor is not cyclotomic. ``(1, 0)`` for the constant polynomial 1.
    """
    if len(charpoly) == 1:
        return 1, 0
    import flint  # lazy: ~0.1 s, and only needed for closed forms

    _, factors = flint.fmpz_poly(list(charpoly)).factor()
    big_n, mult = 1, 0
    for f, e in factors:
        k = int((f if f[f.degree()] > 0 else -f).is_cyclotomic())  # Phi_k -> k, else 0
        if k == 0:
            return None
        big_n, mult = math.lcm(big_n, k), max(mult, e)
    return big_n, mult


@lru_cache(maxsize=4096)
def _fit_quasi(
    charpoly: tuple[int, ...], start: int, seed: tuple[int, ...]
) -> QuasiPolynomial | None:
    """The closed form of the recurrence ``charpoly`` from ``start`` on, whose terms from
    ``start`` begin with ``seed`` (``order`` terms); see :meth:`Recurrence.quasi_polynomial`."""
    found = _cyclotomic_structure(charpoly)
    if found is None:
        return None
    big_n, mult = found
    deg = max(mult, 1)  # number of interpolation points per class (at least one: zeros)
    # Terms once, for the largest period; a smaller period checks a prefix of them.
    every = Recurrence.trusted(charpoly, 0, seed).terms(len(seed) + big_n * deg)
    for period in (d for d in range(1, big_n + 1) if big_n % d == 0):
        tail = every[: len(seed) + period * deg]
        # Integer test first: each class must have vanishing deg-th differences over the
        # whole checked range; only the period that fits pays for Fraction arithmetic.
        classes = [tail[j::period] for j in range(period)]
        if all(_degree_below(values, deg) for values in classes):
            polys = tuple(_newton_to_monomial(values[:deg]) for values in classes)
            return QuasiPolynomial._fitted(start, period, polys)
    return None  # unreachable for a consistent Recurrence: period N always fits


def _degree_below(values: Sequence[int], deg: int) -> bool:
    """True when the deg-th forward differences of ``values`` are all zero (a polynomial of
    degree < deg in the index fits every value).

    >>> _degree_below([1, 4, 9, 16, 25], 3), _degree_below([1, 4, 9, 16, 25], 2)
    (True, False)
    """
    row = list(values)
    for _ in range(deg):
        row = [b - a for a, b in pairwise(row)]
    return not any(row)


def _newton_to_monomial(values: Sequence[int]) -> tuple[Fraction, ...]:
    """Monomial coefficients (ascending, trimmed) of the polynomial through ``(m, values[m])``.

    >>> _newton_to_monomial([0, 1, 3, 6])                # m(m+1)/2
    (Fraction(0, 1), Fraction(1, 2), Fraction(1, 2))
    """
    diffs: list[int] = []
    row = [int(v) for v in values]
    while row:
        diffs.append(row[0])
        row = [b - a for a, b in pairwise(row)]
    # p(m) = sum_k diffs[k] * m(m-1)...(m-k+1) / k!. Scaled by D! (D = len(diffs) - 1) every
    # term is an integer polynomial, so only the final division makes Fractions.
    top = math.factorial(len(diffs) - 1)
    coeffs = [0] * len(diffs)
    falling = [1]  # coefficients of m(m-1)...(m-k+1), ascending
    for k, dk in enumerate(diffs):
        scale = dk * (top // math.factorial(k))
        for i, c in enumerate(falling):
            coeffs[i] += scale * c
        nxt = [0] * (len(falling) + 1)  # falling * (m - k)
        for i, c in enumerate(falling):
            nxt[i] -= k * c
            nxt[i + 1] += c
        falling = nxt
    return _trim([Fraction(c, top) for c in coeffs])


def _trim(coeffs: Sequence[Fraction]) -> tuple[Fraction, ...]:
    out = list(coeffs)
    while len(out) > 1 and out[-1] == 0:
        out.pop()
    return tuple(out) if out else (Fraction(0),)


_FRACTION_TEXT = re.compile(r"^-?[0-9]+/[0-9]+$")


def _poly_value(poly: Sequence[Fraction], m: int) -> Fraction:
    acc = Fraction(0)
    for c in reversed(poly):
        acc = acc * m + c
    return acc


@dataclass(frozen=True)
class QuasiPolynomial:
    """``a_{start + period*m + j} = sum_k polys[j][k] * m**k`` for ``0 <= j < period``, ``m >= 0``.

    Attributes
    ----------
    start : int
        First index the closed form covers.
    period : int
        Number of residue classes, ``N >= 1``.
    polys : tuple of tuple of Fraction
        Ascending coefficients of each class's polynomial, trailing zeros trimmed (the zero
        polynomial is ``(0,)``). Every polynomial must be integer-valued on ``m >= 0``.

    Examples
    --------
    >>> qp = QuasiPolynomial(1, 3, ((1,), (2, 2), (1,)))
    >>> [qp.term(n) for n in range(1, 10)]
    [1, 2, 1, 1, 4, 1, 1, 6, 1]
    >>> print(qp.latex())
    a_{1+3m} = 1,\\allowbreak\\ a_{2+3m} = 2m + 2,\\allowbreak\\ a_{3+3m} = 1
    """

    start: int
    period: int
    polys: tuple[tuple[Fraction, ...], ...]

    def __post_init__(self) -> None:
        checked = _quasi_problem(self.start, self.period, self.polys)
        if isinstance(checked, str):
            raise InvalidParameter(checked)
        object.__setattr__(self, "polys", checked)

    @classmethod
    def _fitted(cls, start: int, period: int, polys: tuple[tuple[Fraction, ...], ...]):
        """Build from an exact fit to integer terms, which is valid by construction: skips the
        input checks, which would cost more than the fit itself on every search record."""
        return _unchecked(cls, start=start, period=period, polys=polys)

    def term(self, n: int) -> int:
        """``a_n`` for ``n >= start``.

        >>> QuasiPolynomial(0, 2, ((0, 1), (5,))).term(6)
        3
        """
        if not is_int(n) or n < self.start:
            raise InvalidParameter(
                f"n must be an integer >= start = {self.start}, got {n!r}", parameter="n"
            )
        m, j = divmod(int(n) - self.start, self.period)
        value = _poly_value(self.polys[j], m)
        # Integer-valued polynomials were checked at construction, so this is exact.
        return value.numerator

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; integers as JSON ints, other coefficients as ``"p/q"`` strings.

        >>> QuasiPolynomial(0, 1, ((0, Fraction(1, 2), Fraction(1, 2)),)).to_dict()
        {'start': 0, 'period': 1, 'polys': [[0, '1/2', '1/2']]}
        """
        return {
            "start": self.start,
            "period": self.period,
            "polys": [
                [int(c) if c.denominator == 1 else f"{c.numerator}/{c.denominator}" for c in p]
                for p in self.polys
            ],
        }

    @classmethod
    def from_dict(cls, d: Any) -> QuasiPolynomial:
        """Rebuild from :meth:`to_dict` output.

        >>> QuasiPolynomial.from_dict({"start": 0, "period": 1, "polys": [[0, "1/2", "1/2"]]}).term(3)
        6

        Raises
        ------
        InvalidRecord
            On wrong keys, types, lengths, untrimmed or non-integer-valued polynomials.
        """
        _expect_object(d, "quasi_polynomial", {"start", "period", "polys"})
        for key in ("start", "period"):
            if not _json_int(d[key]):
                raise InvalidRecord(f"quasi_polynomial.{key} must be an integer, got {d[key]!r}")
        polys = d["polys"]
        if not isinstance(polys, list) or not all(isinstance(p, list) for p in polys):
            raise InvalidRecord(f"quasi_polynomial.polys must be a list of lists, got {polys!r}")
        parsed = []
        for j, p in enumerate(polys):
            row = []
            for k, c in enumerate(p):
                is_ratio = isinstance(c, str) and _FRACTION_TEXT.fullmatch(c) is not None
                if _json_int(c) or (is_ratio and int(c.split("/")[1]) != 0):
                    row.append(Fraction(c))
                else:
                    raise InvalidRecord(
                        f"quasi_polynomial.polys[{j}][{k}] must be an integer or a 'p/q' string, "
                        f"got {c!r}"
                    )
            parsed.append(tuple(row))
        try:  # the constructor's own checks, reported as a record error
            return cls(d["start"], d["period"], tuple(parsed))
        except InvalidParameter as exc:
            raise InvalidRecord(f"quasi_polynomial.{exc}") from None

    def formula(self, var: str = "a", offset: int = 0) -> str:
        """One readable line, ascending powers: ``a(1+3m) = 1, a(2+3m) = 2 + 2m, a(3+3m) = 1``;
        ``offset`` is the index of the first term (an OEIS b-file's first n).

        >>> QuasiPolynomial(0, 1, ((0, Fraction(1, 2), Fraction(-1, 2)),)).formula("b")
        'b(m) = (1/2)m - (1/2)m**2'
        >>> QuasiPolynomial(1, 3, ((1,), (2, 2), (1,))).formula(offset=-1)
        'a(3m) = 1, a(1+3m) = 2 + 2m, a(2+3m) = 1'
        """
        if var == "a" and offset == 0:
            return self._formula_a
        return self._formula(var, offset)

    def latex(self) -> str:
        r"""Inline LaTeX, descending powers, which may break between classes:
        ``a_{1+3m} = 1,\allowbreak\ a_{2+3m} = 2m + 2, …``.

        >>> print(QuasiPolynomial(0, 1, ((0, Fraction(1, 2), Fraction(1, 2)),)).latex())
        a_{m} = \frac{1}{2}m^{2} + \frac{1}{2}m
        """
        return self._latex

    # The texts are cached: one closed form is shared by every record whose terms from `start`
    # on agree (see _fit_quasi), and a search renders thousands of records.
    @cached_property
    def _formula_a(self) -> str:
        return self._formula("a")

    def _formula(self, var: str, offset: int = 0) -> str:
        return closed_form_text(self.start + offset, self.period, self.polys, var)

    @cached_property
    def _latex(self) -> str:
        return closed_form_latex(self.start, self.period, self.polys)

    def cases_latex(self, head: Sequence[int] = ()) -> str:
        r"""The general term as a LaTeX ``cases`` block, one line per residue class.

        ``head`` are the terms before ``start`` (the irregular head), shown after it when given.

        >>> print(QuasiPolynomial(1, 3, ((1,), (2, 2), (1,))).cases_latex())
        a_{n} = \begin{cases} 1 & n = 1 + 3m \\ 2m + 2 & n = 2 + 3m \\ 1 & n = 3 + 3m \end{cases}\quad (m \ge 0)
        """
        return closed_form_cases(self.start, self.period, self.polys, head)

    def mathml(self, head: Sequence[int] = ()) -> str:
        """:meth:`cases_latex` in presentation MathML (what Jupyter's HTML shows).

        >>> QuasiPolynomial(1, 3, ((1,), (2, 2), (1,))).mathml().count("<mtr>")
        3
        """
        return cases_markup(MATHML, self.start, self.period, self.polys, head)

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.cases_latex()}$"

    def _repr_html_(self) -> str:
        return math_html(self.mathml())


def _quasi_problem(start: Any, period: Any, polys: Any) -> str | tuple:
    """Checked ``polys`` as tuples of Fractions, or a one-line description of what is wrong."""
    if not is_int(start) or start < 0:
        return f"start must be an integer >= 0, got {start!r}"
    if not is_int(period) or period < 1:
        return f"period must be an integer >= 1, got {period!r}"
    if not isinstance(polys, (tuple, list)) or len(polys) != period:
        return f"polys must hold period = {period} polynomials, got {polys!r}"
    out = []
    for j, p in enumerate(polys):
        if not isinstance(p, (tuple, list)) or not p:
            return f"polys[{j}] must be a non-empty sequence of coefficients, got {p!r}"
        if not all(
            isinstance(c, (Fraction, numbers.Integral)) and not isinstance(c, bool) for c in p
        ):
            return f"polys[{j}] must hold integers or Fractions, got {p!r}"
        row = tuple(Fraction(c) for c in p)
        if len(row) > 1 and row[-1] == 0:
            return f"polys[{j}] must have its trailing zero coefficients trimmed, got {list(p)}"
        # Integer-valued on m >= 0 iff integer at m = 0..deg (its Newton coefficients are then
        # integers, and binomial(m, k) is an integer); integer coefficients need no check.
        fractional = any(c.denominator != 1 for c in row)
        if fractional and any(_poly_value(row, m).denominator != 1 for m in range(len(row))):
            return f"polys[{j}] must take integer values at m = 0, 1, ..., got {list(p)}"
        out.append(row)
    return tuple(out)
