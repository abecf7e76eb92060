"""Identify a number given by its digits: is it a Möbius image of a constant esma knows?

For a number y known from its digits (:class:`esma.digits.Digits`) and each constant c, an
integer-relation algorithm looks for small integers with

* ``m0·y·c + m1·y + m2·c + m3 = 0``, i.e. y = M(c) for a Möbius map M (kind ``mobius``);
* ``m0·y·c² + m1·y·c + m2·y + m3·c² + m4·c + m5 = 0``, y = P(c)/Q(c) of degree 2 (``rational``,
  with ``degree=2``);
* ``a·y² + b·y + c = 0``, a quadratic irrational (``quadratic``), written as a Möbius image of
  √d;
* ``q·y - p = 0``, a fraction (``fraction``; then y is rational and nothing else is tried).

The relations come from LLL (python-flint ``fmpz_mat.lll``) on the numbers' first digits; each
candidate is then **checked to every given digit** in ball arithmetic: the value M(c), computed
with a rigorous error bound, must lie inside the interval the digits allow. Relations are ranked
by height (largest |coefficient|), then by kind and by the order of the constants.

**Chance.** Among k numbers known to D digits, some integer relation of height H holds to all D
digits by chance once D ≲ k·log10(2H + 1): there are (2H + 1)^k vectors to try. So the height
searched is capped at the largest H with k·log10(2H + 1) + :data:`MARGIN_DIGITS` ≤ D, and a
number with too few digits for even H = 1 is refused.

>>> from esma.digits import parse_digits
>>> y = parse_digits("3.7459301206079792731550060153270346756406079032262")  # (2e + 1)/(e - 1)
>>> found = identify(y, constants=["e", "pi"])
>>> print(found.relations[0])
y = (2*e + 1)/(e - 1)  height 2, checked to 50 digits

Notes
-----
The integer-relation algorithm was chosen by measurement (``tests/benchmarks/bench_identify.py``):
LLL from python-flint and mpmath's PSLQ recover the same relations from 100 and 1000 digits, and
LLL is several times faster where it matters, on numbers with no relation (PSLQ must run until its
norm bound passes the height). ``method="pslq"`` runs mpmath's PSLQ instead, as a cross-check.
"""

from __future__ import annotations

import math
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from esma.errors import InvalidParameter
from esma.precision import working_precision

if TYPE_CHECKING:  # pragma: no cover - typing only; flint is imported lazily
    import flint

    from esma.constants import Constant
    from esma.digits import Digits
    from esma.transforms import RationalLhs

__all__ = ["MARGIN_DIGITS", "Identification", "Relation", "identify", "split_constants"]

#: Digits a relation must hold beyond what chance explains: the chance that a relation of the
#: searched heights holds to all the digits at random is then about 10**-MARGIN_DIGITS.
MARGIN_DIGITS = 10
#: Default and largest height bound (largest |coefficient|) of the relations searched.
DEFAULT_HEIGHT = 1000
MAX_HEIGHT = 10**6
#: Digits of the number used to *find* candidates (every candidate is then checked to all
#: digits): enough for any height allowed, and LLL on 1000 digits takes about a millisecond.
DETECT_DIGITS = 1000
#: The largest search space esma search takes (its --coeff bound).
SEARCH_COEFF_LIMIT = 50

#: Number of reals in each kind's relation, and the order kinds are listed in.
_SIZES = {"fraction": 2, "mobius": 4, "quadratic": 3, "rational": 6}
_KIND_ORDER = {"fraction": 0, "mobius": 1, "quadratic": 2, "rational": 3}


@dataclass(frozen=True)
class Relation:
    """y = lhs(constant), found by an integer relation and checked to every given digit.

    Attributes
    ----------
    kind : str
        ``"mobius"`` (y = (a·c + b)/(d·c + e)), ``"rational"`` (P(c)/Q(c) of degree 2),
        ``"quadratic"`` (a·y² + b·y + c = 0, written as a Möbius image of √d) or ``"fraction"``.
    constant : str or None
        The constant c as esma writes it (``"e"``, ``"exp(2)"``, ``"sqrt(5)"``); None for a
        fraction.
    lhs : str
        y as an expression in x = c that esma parses: ``"(2*x + 1)/(x - 1)"`` (``"1/7"`` for a
        fraction).
    value : str
        The same with the constant written in: ``"(2*e + 1)/(e - 1)"``.
    height : int
        Largest |coefficient| of the relation: of P and Q, of the quadratic, or of p and q.
    relation : tuple of int
        Coefficients: (P's, lowest degree first) then (Q's) for mobius and rational maps,
        (a, b, c) of a·y² + b·y + c for a quadratic, (p, q) for a fraction.
    checked_digits : int
        Digits of y the value matches (its interval holds the value, checked in ball
        arithmetic).
    coeff : int or None
        Largest |coefficient| of the map ``lhs`` (what ``esma search --coeff`` must reach);
        None for a fraction.
    name : str
        How y is named in the text (``"y"``).
    """

    kind: str
    constant: str | None
    lhs: str
    value: str
    height: int
    relation: tuple[int, ...]
    checked_digits: int
    coeff: int | None = None
    name: str = "y"

    @property
    def search(self) -> str | None:
        """The ``esma search`` that covers y = lhs(c), or None (a fraction, or coefficients
        beyond the search's bound).

        >>> Relation("rational", "e", "(x**2 + 1)/(x - 1)", "(e**2 + 1)/(e - 1)", 1,
        ...          (1, 0, 1, -1, 1), 100, coeff=1).search
        'esma search e --degree 2 --coeff 1'
        """
        if self.constant is None or self.coeff is None or self.coeff > SEARCH_COEFF_LIMIT:
            return None
        degree = " --degree 2" if self.kind == "rational" else ""
        constant = self.constant if self.constant.isidentifier() else shlex.quote(self.constant)
        return f"esma search {constant}{degree} --coeff {self.coeff}"

    @property
    def theorem(self) -> str | None:
        """The classical theorem that proves the formulas of y a search finds (their proofs
        are made as they are found, :mod:`esma.prove`), or None.

        >>> Relation("mobius", "e", "(2*x + 1)/(x - 1)", "(2*e + 1)/(e - 1)", 2,
        ...          (1, 2, -1, 1), 100, coeff=2).theorem
        'Euler 1737'
        """
        from esma.prove import mobius_of_lhs
        from esma.theorems import theorem_for

        if self.constant is None:
            return None
        mapped = mobius_of_lhs(self.lhs)
        if isinstance(mapped, str):
            return None
        found = theorem_for(self.constant, square=mapped[1])
        return None if found is None else found.citation

    def __str__(self) -> str:
        if self.kind == "quadratic":
            a, b, c = self.relation
            poly = _quadratic_text(a, b, c, self.name)
            what = f"{self.name} = {self.value}, root of {poly} = 0"
        else:
            what = f"{self.name} = {self.value}"
        return f"{what}  height {self.height}, checked to {self.checked_digits} digits"

    def to_dict(self) -> dict[str, Any]:
        """The JSON object ``esma identify --json`` prints for this relation."""
        return {
            "kind": self.kind,
            "constant": self.constant,
            "lhs": self.lhs,
            "value": self.value,
            "height": self.height,
            "relation": list(self.relation),
            "checked_digits": self.checked_digits,
            "search": self.search,
            "theorem": self.theorem,
        }


@dataclass(frozen=True)
class Identification:
    """What :func:`identify` found, and the bounds it searched within.

    Attributes
    ----------
    relations : tuple of Relation
        Best first: by height, then kind (fraction, mobius, quadratic, rational), then constant.
    digits : int
        Digits of y the search could rely on.
    degree : int
        1: Möbius maps and quadratics; 2: also rational functions of degree 2.
    heights : dict
        The height searched for each kind (``max_height``, or less where the digits cannot tell
        a relation of that height from chance); a kind the digits cannot support is absent.
    constants : tuple of str
        The constants tried.
    """

    relations: tuple[Relation, ...]
    digits: int
    degree: int
    max_height: int
    heights: dict[str, int] = field(default_factory=dict)
    constants: tuple[str, ...] = ()

    def bounds(self) -> str:
        """The search's bounds in words, for "nothing found" and for limits lowered by the
        digits."""
        kinds = {
            "mobius": "Möbius maps",
            "quadratic": "quadratics",
            "rational": "degree-2 rational functions",
        }
        parts = [f"{kinds[k]} of height <= {self.heights[k]}" for k in kinds if k in self.heights]
        return (
            ", ".join(parts)
            + f" over {', '.join(self.constants)}, from {self.digits} digits"
            + ("" if self.degree == 2 else " (degree 2 adds rational functions)")
        )

    def lowered(self) -> str | None:
        """A note when the digits lowered a height bound below ``max_height``, else None."""
        low = {k: h for k, h in self.heights.items() if h < self.max_height and k != "fraction"}
        if not low:
            return None
        parts = ", ".join(f"{k} {h}" for k, h in low.items())
        return (
            f"{self.digits} digits cannot tell relations of height {self.max_height} from "
            f"chance; heights searched: {parts}; give more digits to search higher"
        )


# --------------------------------------------------------------------------------------------


def split_constants(text: str) -> list[str]:
    """Split a ``--constants`` list at commas outside parentheses.

    >>> split_constants("e, pi,besseli(1, 2)/besseli(0, 2)")
    ['e', 'pi', 'besseli(1, 2)/besseli(0, 2)']
    """
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    if any(not p for p in parts):
        raise InvalidParameter(
            f"constants: {text[:60]!r} has an empty entry; give names or expressions separated "
            "by commas, like e,pi,exp(2)",
            parameter="constants",
        )
    return parts


def max_height_for(digits: int, k: int, margin: int = MARGIN_DIGITS) -> int:
    """The largest height H with k·log10(2H + 1) + margin <= digits (0 when even H = 1 fails).

    >>> max_height_for(100, 4), max_height_for(20, 6), max_height_for(12, 4)
    (15811388300841896116224, 22, 1)
    """
    room = (digits - margin) / k
    if room < math.log10(3):
        return 0
    if room > 30:
        return 10**30
    return max(int((10**room - 1) // 2), 0)


def identify(
    number: Digits,
    constants: Sequence[str | Constant] | None = None,
    *,
    degree: int = 1,
    max_height: int = DEFAULT_HEIGHT,
    method: str = "lll",
) -> Identification:
    """Find small integer relations that make ``number`` a Möbius (or degree-2) image of a constant.

    Parameters
    ----------
    number : Digits
        y, known from its digits.
    constants : list of str or Constant, optional
        Names or expressions (``"e"``, ``"exp(2)"``); default: every named constant.
    degree : {1, 2}
        1: Möbius maps and quadratic irrationals; 2: also P(c)/Q(c) with deg P, Q <= 2.
    max_height : int
        Largest |coefficient| searched, 1 to 10**6; lowered automatically where the digits
        cannot tell relations that high from chance.
    method : {"lll", "pslq"}
        python-flint's LLL (default) or mpmath's PSLQ.

    Returns
    -------
    Identification
        Its ``relations`` are empty when none was found within the bounds (not an error).

    Raises
    ------
    InvalidParameter
        For y = 0 to the digits given, or too few digits to tell any relation from chance.

    Examples
    --------
    >>> from esma.digits import parse_digits
    >>> phi = parse_digits("1.6180339887498948482045868343656381177203091798058")
    >>> [str(r) for r in identify(phi, constants=["e"]).relations]
    ['y = (sqrt(5) + 1)/2, root of y**2 - y - 1 = 0  height 1, checked to 50 digits']
    """
    from esma.constants import Constant
    from esma.digits import Digits

    if not isinstance(number, Digits):
        raise InvalidParameter(
            f"number: expected Digits (esma.digits.parse_digits), got {type(number).__name__}",
            parameter="number",
        )
    if degree not in (1, 2) or isinstance(degree, bool):
        raise InvalidParameter(f"degree: {degree!r} must be 1 or 2", parameter="degree")
    if (
        isinstance(max_height, bool)
        or not isinstance(max_height, int)
        or not 1 <= max_height <= MAX_HEIGHT
    ):
        raise InvalidParameter(
            f"max_height: {max_height!r} must be an integer from 1 to {MAX_HEIGHT}",
            parameter="max_height",
        )
    if method not in ("lll", "pslq"):
        raise InvalidParameter(f"method: {method!r} must be 'lll' or 'pslq'", parameter="method")
    lo, hi, _ = number.interval()
    if lo <= 0 <= hi:
        raise InvalidParameter(
            "digits: the number is zero to the digits given (its interval holds 0); give a "
            "nonzero number",
            parameter="digits",
        )
    digits = number.known_digits
    kinds = ["fraction", "mobius", "quadratic"] + (["rational"] if degree == 2 else [])
    heights = {k: min(max_height, max_height_for(digits, _SIZES[k])) for k in kinds}
    heights = {k: h for k, h in heights.items() if h >= 1}
    if "mobius" not in heights:
        need = MARGIN_DIGITS + math.ceil(_SIZES["mobius"] * math.log10(3))
        raise InvalidParameter(
            f"digits: {digits} digits are too few to tell a relation from chance; give at least "
            f"{need}",
            parameter="digits",
        )
    if constants is None:
        from esma.constants import NAMED_CONSTANTS

        chosen = list(NAMED_CONSTANTS.values())
    else:
        chosen = [c if isinstance(c, Constant) else _constant(c) for c in constants]
        if not chosen:
            raise InvalidParameter(
                "constants: the list is empty; give names like e,pi", parameter="constants"
            )
    unique = list({c.text: c for c in chosen}.values())
    finder = _Finder(number, digits, method)
    name = number.name or "y"
    found: list[Relation] = []

    fraction = finder.fraction(heights["fraction"]) if "fraction" in heights else None
    if fraction is not None:
        p, q = fraction
        text = _fraction_text(p, q)
        found.append(
            Relation("fraction", None, text, text, max(abs(p), q), (p, q), digits, None, name)
        )
    else:
        for c in unique:
            found.extend(_map_relation(f, c, digits, name) for f in finder.maps(c, heights, degree))
        if "quadratic" in heights:
            found.extend(finder.quadratics(heights["quadratic"], name))
    ranked = _rank(found, [c.text for c in unique])
    return Identification(
        tuple(ranked), digits, degree, max_height, heights, tuple(c.text for c in unique)
    )


def _constant(text: str) -> Constant:
    from esma.constants import get_constant
    from esma.errors import EsmaError

    try:
        return get_constant(text)
    except EsmaError as exc:
        raise InvalidParameter(f"constants: {text[:60]!r}: {exc}", parameter="constants") from None


# --------------------------------------------------------------------------------------------
# Finding and checking candidates


class _Finder:
    """Integer relations among y and powers of a constant, each checked to every digit."""

    def __init__(self, number: Digits, digits: int, method: str) -> None:
        self.number = number
        self.method = method
        self.detect = min(digits, DETECT_DIGITS)
        # Candidates are found from the centre to `detect` digits; its bits, with room for the
        # magnitudes of the products y·c².
        self.bits = int(self.detect * 3.3219280948873626) + 64
        self.interval = number.interval()
        self.check_bits = number.data_bits + 64
        # y's first digits (finding needs no more; checking uses the whole interval).
        mantissa, exponent = number.mantissa, number.exponent
        drop = max(number.digits - (self.detect + 5), 0)
        if drop:
            mantissa, exponent = mantissa // 10**drop, exponent + drop
        self.centre = Fraction(mantissa) * Fraction(10) ** exponent

    # -- fractions ---------------------------------------------------------------------------

    def fraction(self, height: int) -> tuple[int, int] | None:
        """p/q in y's interval with max(|p|, q) <= height, or None.

        The fraction closest to y's centre among those with q <= height lies in the interval
        if any does; at most one does (fractions this small are further apart than the
        interval is wide), so the first digits find it and the exact interval confirms it.
        """
        guess = self.centre.limit_denominator(height)
        p, q = guess.numerator, guess.denominator
        lo, hi, den = self.interval
        if abs(p) > height or not lo * q <= p * den <= hi * q:
            return None
        return p, q

    # -- Möbius maps and rational functions of a constant --------------------------------------

    def maps(self, c: Constant, heights: dict[str, int], degree: int) -> list[RationalLhs]:
        """Checked maps f with y = f(c): Möbius, and degree 2 when asked (unless c is quadratic,
        when every rational function of c is already a Möbius image of it)."""

        out: list[RationalLhs] = []
        seen: set[RationalLhs] = set()
        with working_precision(self.bits):
            y, x = self._y(), c.arb(self.bits)
            plans = [(1, heights["mobius"])]
            if degree == 2 and "rational" in heights and not _is_quadratic(c):
                plans.append((2, heights["rational"]))
            for d, height in plans:
                xs = [x**j for j in range(d + 1)]  # 1, x, x²
                vector = [y * p for p in reversed(xs)] + list(reversed(xs))
                for m in self._relations(vector, height):
                    f = _map_from_relation(m, d)
                    if f is None or f in seen:
                        continue
                    f = self._checked_map(f, c)
                    if f is not None and f not in seen:
                        seen.add(f)
                        out.append(f)
        return out

    def quadratics(self, height: int, name: str) -> list[Relation]:
        """y as a root of a·y² + b·y + c = 0, written as a Möbius image of √d."""
        from esma.constants import get_constant

        out = []
        with working_precision(self.bits):
            y = self._y()
            candidates = self._relations([y * y, y, y**0], height)
        for a, b, c in candidates:
            if a == 0:
                continue  # a linear relation: a fraction, which was looked for first
            if a < 0:
                a, b, c = -a, -b, -c
            g = math.gcd(a, b, c)
            a, b, c = a // g, b // g, c // g
            disc = b * b - 4 * a * c
            if disc <= 0 or math.isqrt(disc) ** 2 == disc:
                continue  # complex or rational roots
            s, d = _square_part(disc)
            root = get_constant(f"sqrt({d})")
            # y = (-b ± s√d)/(2a): pick the root in y's interval (checked below).
            for sign in (1, -1):
                f = _canonical_map((-b, sign * s), (2 * a,))
                checked = self._checked_map(f, root) if f is not None else None
                if checked is not None:
                    rel = _map_relation(checked, root, self.number.known_digits, name)
                    height = max(abs(a), abs(b), abs(c))
                    out.append(replace(rel, kind="quadratic", height=height, relation=(a, b, c)))
                    break
        return out

    def _y(self) -> flint.arb:
        """y's centre to the detection digits, as an exact-ish ball (its digits, not its
        interval: the relation search needs the number, the check needs the interval)."""
        from flint import arb, fmpq

        return arb(fmpq(self.centre.numerator, self.centre.denominator))

    def _relations(self, vector: list[flint.arb], height: int) -> list[tuple[int, ...]]:
        """Integer vectors m with max|m| <= height and m·vector ≈ 0 to the detection digits."""
        k = len(vector)
        top = max(abs(_mid_fraction(v)) for v in vector)
        values = [_mid_fraction(v) / top for v in vector]  # the largest is ±1
        if self.method == "pslq":
            return _pslq(values, height, self.detect)
        from flint import fmpz_mat

        # Scale so that the largest entry has `detect - 2` digits: y's last digit is rounded.
        scale = 10 ** (self.detect - 2)
        ints = [round(v * scale) for v in values]
        rows = [[int(i == j) for j in range(k)] + [ints[i]] for i in range(k)]
        reduced = fmpz_mat(rows).lll()
        out = []
        # A true relation leaves m·ints within rounding (about k·height); anything not that
        # small is not a relation to these digits.
        slack = 4 * k * height
        for i in range(k):
            m = tuple(int(reduced[i, j]) for j in range(k))
            if any(m) and max(map(abs, m)) <= height and abs(int(reduced[i, k])) <= slack:
                out.append(m)
        return out

    def _checked_map(self, f: RationalLhs, c: Constant) -> RationalLhs | None:
        """f with the sign that makes f(c) = y, if f(c) lies in y's interval (ball arithmetic,
        to every digit), else None."""
        from esma.digits import ball_interval

        with working_precision(self.check_bits):
            value = f.value(c.arb(self.check_bits))
            if not value.is_finite():
                return None  # Q(c) = 0 cannot be excluded
            lo, hi, den = self.interval
            for g, v in ((f, value), (f.negated(), -value)):
                vlo, vhi, vden = ball_interval(v)
                if vlo * den >= lo * vden and vhi * den <= hi * vden:
                    return g
        return None


def _mid_fraction(ball: flint.arb) -> Fraction:
    man, exp = (int(v) for v in ball.mid().man_exp())
    return Fraction(man) * Fraction(2) ** exp


def _pslq(values: list[Fraction], height: int, digits: int) -> list[tuple[int, ...]]:
    """mpmath's PSLQ on ``values`` (largest ±1) known to ``digits`` digits."""
    import mpmath
    from mpmath.libmp import dps_to_prec

    # mpmath stops when its lower bound on the *Euclidean* norm of a relation passes
    # maxcoeff; a relation of height H among k numbers has norm up to H·√k.
    bound = math.isqrt(height * height * len(values)) + 1
    with working_precision(dps_to_prec(digits + 10), mpmath=True):
        xs = [mpmath.mpf(v.numerator) / v.denominator for v in values]
        found = mpmath.pslq(xs, tol=mpmath.mpf(10) ** (10 - digits), maxcoeff=bound, maxsteps=10**6)
    if not found or max(abs(int(a)) for a in found) > height:
        return []
    return [tuple(int(a) for a in found)]


def _map_from_relation(m: tuple[int, ...], d: int) -> RationalLhs | None:
    """The map y = P(c)/Q(c) of an integer relation among (y·c^d, …, y, c^d, …, 1).

    ``m[:d+1]·(y c^d, …, y) + m[d+1:]·(c^d, …, 1) = 0`` gives Q = m[:d+1] and P = −m[d+1:]
    (highest degree first in m). None for a constant map.

    >>> _map_from_relation((1, -1, -2, -1), 1).text     # y·c − y − 2c − 1 = 0
    '(2*x + 1)/(x - 1)'
    """
    den = tuple(reversed(m[: d + 1]))
    num = tuple(-a for a in reversed(m[d + 1 :]))
    return _canonical_map(num, den)


def _canonical_map(num: tuple[int, ...], den: tuple[int, ...]) -> RationalLhs | None:
    """P/Q (lowest degree first) in esma's canonical form (up to sign), None if constant."""
    from esma.transforms import canonical

    if not any(den) or not any(num):
        return None
    return canonical(_trim(num), _trim(den))


def _trim(coeffs: tuple[int, ...]) -> tuple[int, ...]:
    end = len(coeffs)
    while end > 1 and coeffs[end - 1] == 0:
        end -= 1
    return coeffs[:end]


def _map_relation(f: RationalLhs, c: Constant, digits: int, name: str) -> Relation:
    from esma.conjecture import substitute_constant

    kind = "mobius" if f.degree == 1 else "rational"
    height = max(abs(a) for a in f.num + f.den)
    return Relation(
        kind,
        c.text,
        f.text,
        substitute_constant(f.text, c.text),
        height,
        f.num + f.den,
        digits,
        height,
        name,
    )


def _square_part(n: int) -> tuple[int, int]:
    """(s, d) with n = s²·d and d squarefree (python-flint factors n)."""
    from flint import fmpz

    s = d = 1
    for p, e in fmpz(n).factor():
        s *= int(p) ** (e // 2)
        d *= int(p) ** (e % 2)
    return s, d


_QUADRATIC: dict[str, bool] = {}


def _is_quadratic(c: Constant) -> bool:
    """True when c satisfies a small quadratic equation (φ, √2): then every rational function
    of c is a Möbius image of c, and the degree-2 search only repeats the Möbius one."""
    if c.text not in _QUADRATIC:
        from flint import fmpz_mat

        bits = 1100  # ~330 digits; a false positive would need a relation of height 10**3 by chance
        with working_precision(bits):
            x = c.arb(bits)
            scale = Fraction(2) ** 1000
            ints = [round(_mid_fraction(v) * scale) for v in (x * x, x, x**0)]
        rows = [[int(i == j) for j in range(3)] + [ints[i]] for i in range(3)]
        first = fmpz_mat(rows).lll()
        m = [int(first[0, j]) for j in range(3)]
        _QUADRATIC[c.text] = m[0] != 0 and max(map(abs, m)) <= 1000 and abs(int(first[0, 3])) < 100
    return _QUADRATIC[c.text]


def _rank(found: list[Relation], order: list[str]) -> list[Relation]:
    """Best first, one relation per constant and kind; degree-2 relations only when no Möbius
    map or quadratic explains y (one that does makes any other a consequence of relations among
    the constants themselves, like sqrte**2 = e)."""
    position = {text: i for i, text in enumerate(order)}

    def key(r: Relation) -> tuple:
        nonzero = sum(1 for a in r.relation if a)
        return (r.height, _KIND_ORDER[r.kind], nonzero, position.get(r.constant or "", -1), r.lhs)

    best: dict[tuple[str | None, str], Relation] = {}
    for r in sorted(found, key=key):
        best.setdefault((r.constant, r.kind), r)
    kept = list(best.values())
    if any(r.kind in ("mobius", "quadratic") for r in kept):
        kept = [r for r in kept if r.kind != "rational"]
    return sorted(kept, key=key)


def _fraction_text(p: int, q: int) -> str:
    return str(p) if q == 1 else f"{p}/{q}"


def _quadratic_text(a: int, b: int, c: int, name: str) -> str:
    parts = []
    for coef, mono in ((a, f"{name}**2"), (b, name), (c, "")):
        if coef == 0:
            continue
        mag = abs(coef)
        body = str(mag) if not mono else (mono if mag == 1 else f"{mag}*{mono}")
        sign = "-" if coef < 0 else "+"
        parts.append(f"{sign} {body}" if parts else (f"-{body}" if coef < 0 else body))
    return " ".join(parts)
