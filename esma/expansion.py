"""Certified signed continued-fraction expansions.

For a real y and a sign period σ (b_n = σ[n mod K]) the signed expansion is

    x₀ = y,  a_n = floor(x_n) if b_n = +1 else ceil(x_n),  x_{n+1} = b_n / (x_n - a_n),

so that y = a₀ + b₀/(a₁ + b₁/(a₂ + …)). All plus signs give the regular continued fraction.

Every term is *proven*: y is only known inside an interval [lo, hi] (rigorous bounds from
:mod:`esma.constants`, or an exact rational), and a term is emitted only when floor (or ceil)
takes the same value over the whole image of that interval. When the interval becomes too wide
the expansion asks the value for more bits and carries on from where it was; it never guesses.
A number known only from its digits (:mod:`esma.digits`) has no more bits to give: its
expansion ends where its interval stops deciding the next term, and says so
(:attr:`Expansion.exhausted`).

>>> from fractions import Fraction
>>> signed_expansion(Fraction(415, 93), "+", 10).terms   # 415/93 = [4; 2, 6, 7]
(4, 2, 6, 7)
>>> signed_expansion(Fraction(22, 7), "-", 10).terms      # 22/7 = 4 - 1/(2 - 1/(2 - … - 1/2))
(4, 2, 2, 2, 2, 2, 2)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

from esma.errors import InvalidParameter, PrecisionExhausted, check_int
from esma.notation import LATEX, MATHML, Markup, cf_markup, cf_text, math_html, signs_markup
from esma.signs import Signs, parse_signs

#: Largest working precision (bits) an expansion may ask of its value before giving up. At 2**20
#: bits (~315,000 digits) a failure to decide a term means the value is rational, or an integer
#: to that many digits, not that we were stingy.
MAX_BITS = 1 << 20

#: (lo, hi, den): the value lies in [lo/den, hi/den], den > 0.
Interval = tuple[int, int, int]


class HasBounds(Protocol):
    """Anything that can bound itself rigorously: ``bounds(bits) -> (lo, hi, shift)``."""

    def bounds(self, bits: int) -> tuple[int, int, int]: ...


class HasInterval(Protocol):
    """A number known only to lie in one fixed interval, e.g. from the digits a user gave.

    ``interval() -> (lo, hi, den)`` with ``den > 0`` holds every number the data allows;
    ``digits`` is how many significant digits the data had. Asking again gives nothing
    narrower, so an expansion of it ends (``Expansion.exhausted``) at the first term the
    interval does not decide, instead of asking for more bits.
    """

    digits: int

    def interval(self) -> tuple[int, int, int]: ...


def initial_bits(terms: int) -> int:
    """A first working precision for ``terms`` terms.

    Cost is nearly flat up to ~2000 bits, e-type expansions use up to ~15 bits a term and
    π-type ~3-4 (measured on the project's prototypes), so start generously and double on exhaustion.

    >>> initial_bits(100), initial_bits(1000)
    (1600, 16000)
    """
    return max(1024, 16 * terms)


def interval_source(value: Any) -> Callable[[int], Interval]:
    """Turn a value into a function ``bits -> (lo, hi, den)`` of rigorous bounds.

    Accepts an object with ``interval()`` (:class:`HasInterval`, its one interval whatever the
    bits), an object with ``bounds(bits)`` (an :class:`esma.constants.Constant`), an int, a
    :class:`~fractions.Fraction`, or a float (taken as the exact binary number it is).

    >>> interval_source(Fraction(1, 3))(64)
    (1, 1, 3)
    """
    if has_fixed_interval(value):
        lo, hi, den = _checked_interval(value.interval())
        return lambda bits: (lo, hi, den)
    if hasattr(value, "bounds"):

        def from_bounds(bits: int) -> Interval:
            lo, hi, shift = value.bounds(bits)
            if shift >= 0:
                return int(lo), int(hi), 1 << shift
            return int(lo) << -shift, int(hi) << -shift, 1

        return from_bounds
    if isinstance(value, bool) or not isinstance(value, int | Fraction | float):
        raise InvalidParameter(
            f"value: cannot expand {type(value).__name__}; pass a Constant, int, Fraction or float",
            parameter="value",
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidParameter(f"value: {value} is not a finite number", parameter="value")
    exact = Fraction(value)
    return lambda bits: (exact.numerator, exact.numerator, exact.denominator)


def has_fixed_interval(value: Any) -> bool:
    """True for a number known only to lie in one fixed interval (:class:`HasInterval`, e.g.
    given by its digits): asking it for more bits gives nothing narrower.

    >>> from esma.digits import parse_digits
    >>> has_fixed_interval(parse_digits("2.5")), has_fixed_interval(Fraction(5, 2))
    (True, False)
    """
    return callable(getattr(value, "interval", None))


def _checked_interval(interval: Any) -> Interval:
    """``interval`` as ``(lo, hi, den)`` of Python ints with ``lo <= hi`` and ``den > 0``."""
    try:
        lo, hi, den = (int(v) for v in interval)
    except (TypeError, ValueError):
        raise InvalidParameter(
            f"value: interval() must return three integers (lo, hi, den), got {interval!r}"
        ) from None
    if den <= 0 or lo > hi:
        raise InvalidParameter(
            f"value: interval() must give lo <= hi and den > 0, got ({lo}, {hi}, {den})"
        )
    return lo, hi, den


def iter_signed_terms(
    value: Any, signs: Signs | str = (1,), *, bits: int | None = None, max_bits: int = MAX_BITS
) -> Iterator[int]:
    """Yield the certified terms a₀, a₁, … of the signed expansion of ``value``.

    The generator is endless for an irrational value and stops after the last term of a
    rational one. It fetches more bits of the value on its own when the current interval cannot
    decide the next term, and raises :class:`PrecisionExhausted` past ``max_bits``. For a value
    with one fixed interval (:class:`HasInterval`) it stops at the first term that interval does
    not decide.

    >>> from itertools import islice
    >>> list(islice(iter_signed_terms(Fraction(-7, 3), "+"), 5))   # -7/3 = -3 + 1/(1 + 1/2)
    [-3, 1, 2]
    """
    state = _Precision(bits or initial_bits(64), max_bits, fixed=has_fixed_interval(value))
    return _expand(interval_source(value), parse_signs(signs), state)


@dataclass
class _Precision:
    """Mutable record of the precision an expansion has used so far."""

    bits: int
    max_bits: int
    exact: bool = False
    fixed: bool = False  # the value has one interval (its digits): no more bits to ask for
    exhausted: bool = False  # a fixed interval stopped deciding the next term


def _expand(source: Callable[[int], Interval], period: Signs, state: _Precision) -> Iterator[int]:
    lo, hi, den = source(state.bits)
    state.exact = lo == hi
    # x_n = (p·y + q) / (r·y + s); the matrix lets us re-derive x_n's interval from a tighter
    # interval of y without redoing the terms already emitted.
    p, q, r, s = 1, 0, 0, 1
    # x_n at the two ends of y's interval, as numerator and denominator: (p·lo + q·den,
    # r·lo + s·den) and the same at hi. They are carried from term to term like the remainders
    # of Euclid's algorithm (linear steps on numbers that shrink), not recomputed from the
    # matrix (four products of growing numbers a term: ~terms^2.7 in all).
    ends = (lo, den, hi, den)
    n = 0
    while True:
        b = period[n % len(period)]
        term = _decide_ends(*ends, b)
        while term is None:
            if state.exact:
                return  # cannot happen for a finite exact x_n; kept as a guard against looping
            if state.fixed:
                state.exhausted = True  # the data allow more than one value of this term
                return
            if state.bits * 2 > state.max_bits:
                raise PrecisionExhausted(
                    f"term {n} needs more than {state.max_bits} bits of the value; "
                    "it is rational or extremely close to a rational"
                )
            state.bits *= 2
            lo, hi, den = source(state.bits)
            ends = (p * lo + q * den, r * lo + s * den, p * hi + q * den, r * hi + s * den)
            term = _decide_ends(*ends, b)
        yield term
        # x_{n+1} = b / (x_n - a): new matrix (b·r, b·s, p - a·r, q - a·s), and at each end
        # (N, D) becomes (b·D, N - a·D).
        p, q, r, s = b * r, b * s, p - term * r, q - term * s
        n_lo, d_lo, n_hi, d_hi = ends
        ends = (b * d_lo, n_lo - term * d_lo, b * d_hi, n_hi - term * d_hi)
        if state.exact and ends[1] == 0:
            return  # x_n was exactly the integer a_n: a rational value's expansion ends here
        n += 1


def _decide_ends(n_lo: int, d_lo: int, n_hi: int, d_hi: int, b: int) -> int | None:
    """floor (b = +1) or ceil (b = -1) of x, if the same for every y in the interval, from x's
    values n_lo/d_lo and n_hi/d_hi at its two ends; ``None`` when the interval is too wide (or
    holds the pole) to decide."""
    # A Möbius map is monotonic between poles: if the denominator keeps one sign on the
    # interval, x's image is the interval between the two end values.
    if d_lo == 0 or d_hi == 0 or (d_lo > 0) != (d_hi > 0):
        return None
    if b > 0:
        t_lo, t_hi = n_lo // d_lo, n_hi // d_hi
    else:
        t_lo, t_hi = -((-n_lo) // d_lo), -((-n_hi) // d_hi)
    return t_lo if t_lo == t_hi else None


@dataclass(frozen=True)
class Expansion:
    """The first terms of a signed continued fraction, every one of them proven.

    Attributes
    ----------
    terms : tuple of int
        a₀, a₁, … (fewer than asked only when the value is rational and the expansion ended,
        or when the value's digits ran out: see ``exhausted``).
    signs : tuple of int
        One period of the partial numerators, b_n = signs[n mod len(signs)].
    bits : int
        Working precision (bits) of the value that certified the terms; 0 for an exact value.
        For a value given by its digits, the relative precision of its interval.
    complete : bool
        True when the expansion ended with the last term: the value is that finite fraction.
    exhausted : bool
        True when the value's data (its digits) ran out before the terms asked for: every
        number in its interval shares these terms, and two of them differ in the next one.
        More digits give more terms.
    data_digits : int or None
        For a value given by its digits (:class:`HasInterval`), how many significant digits
        it had; None for a value that can supply any precision.
    """

    terms: tuple[int, ...]
    signs: Signs
    bits: int
    complete: bool = False
    exhausted: bool = False
    data_digits: int | None = None

    @property
    def certified_terms(self) -> int:
        """How many terms are proven (all of them)."""
        return len(self.terms)

    @property
    def digits(self) -> int:
        """Decimal digits of the value that were used (0 for an exact value); for a value
        given by its digits, how many it had."""
        if self.data_digits is not None:
            return self.data_digits
        return int(self.bits * math.log10(2))

    def numerators(self) -> tuple[int, ...]:
        """b₀ … b_{N-2}: the partial numerators between the terms.

        >>> signed_expansion(Fraction(8, 3), "+-", 3).numerators()   # 8/3 = 2 + 1/(2 - 1/2)
        (1, -1)
        """
        k = len(self.signs)
        return tuple(self.signs[i % k] for i in range(max(len(self.terms) - 1, 0)))

    def to_dict(self) -> dict:
        """The JSON object ``esma expand --json`` prints."""
        out = {
            "terms": list(self.terms),
            "signs": list(self.signs),
            "certified_terms": self.certified_terms,
            "digits": self.digits,
        }
        if self.data_digits is not None:
            out["exhausted"] = self.exhausted
        return out

    def __str__(self) -> str:
        return cf_text(self.terms, self.signs)

    def latex(self, shown: int = 8) -> str:
        r"""LaTeX: the first ``shown`` terms as a ``\cfrac``, then every term and the digits used.

        >>> print(regular_cf(Fraction(415, 93)).latex())   # doctest: +NORMALIZE_WHITESPACE
        \begin{gathered}4 + \cfrac{1}{2 + \cfrac{1}{6 + \cfrac{1}{7}}} \\ a = 4, 2, 6, 7\quad
        \text{4 terms of an exact value, signs }(+)\text{ repeated}\end{gathered}
        """
        return self._markup(LATEX, shown)

    def mathml(self, shown: int = 8) -> str:
        """The same as :meth:`latex`, in presentation MathML (what Jupyter's HTML shows).

        >>> regular_cf(Fraction(415, 93)).mathml().count("<mfrac>")
        3
        """
        return self._markup(MATHML, shown)

    def _markup(self, mk: Markup, shown: int) -> str:
        terms = self.terms
        head = terms[:shown]
        cf = cf_markup(mk, head, self.signs, finite=self.complete and len(head) == len(terms))
        listed = [mk.var("a"), mk.op("=")]
        for i, t in enumerate(terms[:40]):
            listed += ([mk.comma(breakable=False)] if i else []) + [mk.num(t)]
        if len(terms) > 40:
            listed += [mk.comma(breakable=False), mk.dots()]
        how = (
            f"{len(terms)} terms of an exact value"
            if self.bits == 0
            else f"{len(terms)} terms, all certified from {self.digits} digits"
        )
        note = mk.row(mk.text(f"{how}, signs "), signs_markup(mk, self.signs), mk.text(" repeated"))
        return mk.lines([cf, mk.row(*listed, mk.quad(), note)])

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    def _repr_html_(self) -> str:
        return math_html(self.mathml())


def signed_expansion(
    value: Any,
    signs: Signs | str = (1,),
    terms: int = 20,
    *,
    bits: int | None = None,
    max_bits: int = MAX_BITS,
) -> Expansion:
    """Expand ``value`` into ``terms`` certified terms of its signed continued fraction.

    Parameters
    ----------
    value : Constant, int, Fraction or float
        The number; a :class:`esma.constants.Constant` supplies as many digits as needed.
    signs : str or tuple of int
        One sign period starting at b₀: ``"+-"``, ``"1,-1"`` or ``(1, -1)``.
    terms : int
        Number of terms wanted (fewer come back for a rational value, or when a value given by
        its digits runs out of them).
    bits : int, optional
        First working precision; doubled automatically until every term is proven.

    Returns
    -------
    Expansion

    Notes
    -----
    b_n = +1 takes floor, b_n = -1 takes ceil, so every tail x_n after the first lies in
    (1, ∞): a₀ may be zero or negative, later terms are ≥ 1 (≥ 2 after a minus sign).

    >>> signed_expansion(Fraction(7, 3), "-", 5).terms        # 7/3 = 3 - 1/(2 - 1/2)
    (3, 2, 2)
    >>> from esma.digits import parse_digits
    >>> x = signed_expansion(parse_digits("3.1415926536"), "+", 10)    # π to 11 digits
    >>> x.terms, x.exhausted, x.digits
    ((3, 7, 15, 1, 292, 1), True, 11)
    """
    check_int("terms", terms, 1)
    period = parse_signs(signs)
    fixed = has_fixed_interval(value)
    state = _Precision(bits or initial_bits(terms), max_bits, fixed=fixed)
    source = interval_source(value)
    out: list[int] = []
    it = _expand(source, period, state)
    for t in it:
        out.append(t)
        if len(out) == terms:
            break
    # Only an exact value can end; peeking one more of its terms costs no precision.
    complete = state.exact and (len(out) < terms or next(it, None) is None)
    if not fixed:
        return Expansion(tuple(out), period, 0 if state.exact else state.bits, complete)
    lo, hi, _ = source(0)
    bits = 0 if state.exact else max(max(abs(lo), abs(hi)).bit_length() - (hi - lo).bit_length(), 1)
    return Expansion(
        tuple(out), period, bits, complete, exhausted=state.exhausted, data_digits=value.digits
    )


def interval_cf(lo: int, hi: int, den: int) -> Iterator[int]:
    """The regular continued-fraction terms shared by every number in [lo/den, hi/den].

    Euclid's algorithm on both ends at once: the reals whose expansion starts [a₀; …, a_k]
    form an interval, so a prefix common to both ends is common to everything between them.
    This is the all-plus case of the signed expansion at a fraction of its cost (two divmods a
    term, no matrix), for callers that want many regular terms from one interval.

    >>> list(interval_cf(314159, 314160, 100000))   # π is in [3.14159, 3.14160]
    [3, 7]
    """
    # Endpoints as numerator/denominator pairs; x ↦ 1/(x - a) is decreasing, so they swap.
    n_lo, d_lo, n_hi, d_hi = lo, den, hi, den
    while d_lo and d_hi:
        a, r_lo = divmod(n_lo, d_lo)
        if a != n_hi // d_hi:
            return
        r_hi = n_hi - a * d_hi
        if r_lo == 0 or r_hi == 0:
            # An end is the rational [a₀; …, a]; its other expansion [a₀; …, a - 1, 1] makes
            # this last term uncertain unless both ends are that same rational.
            if r_lo == 0 and r_hi == 0:
                yield a
            return
        yield a
        n_lo, d_lo, n_hi, d_hi = d_hi, r_hi, d_lo, r_lo


def regular_cf(value: Any, terms: int = 20, **kwargs: Any) -> Expansion:
    """The regular continued fraction [a₀; a₁, a₂, …]: the all-plus signed expansion.

    >>> regular_cf(Fraction(415, 93)).terms
    (4, 2, 6, 7)
    """
    return signed_expansion(value, (1,), terms, **kwargs)
