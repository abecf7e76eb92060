"""Numbers a user has only as decimal digits.

A researcher's number often comes as digits: a numerical integral, a value from a paper, the
output of another program. :func:`parse_digits` reads it (digits may be split by spaces and
newlines, ``#`` starts a comment, and ``[x +/- r]`` or ``x +/- r`` gives an explicit radius)
and returns a :class:`Digits`: not a point but the interval of every number the digits allow,
± half a unit in the last digit given (± one unit after a trailing ``...``, for digits that
were cut rather than rounded), or x ± r with the radius given.

The expansion (:func:`esma.expansion.signed_expansion`) takes a :class:`Digits` as it is and
emits exactly the terms every number of that interval shares, then stops with
``Expansion.exhausted`` set: 60 digits certify what 60 digits prove, and no more.

>>> x = parse_digits("3.14159 26535 89793")
>>> x.digits, x.text
(16, '3.141592653589793')
>>> from esma.expansion import regular_cf
>>> cf = regular_cf(x, 40)
>>> cf.terms, cf.exhausted
((3, 7, 15, 1, 292, 1, 1, 1, 2, 1, 3, 1), True)

Digits are read by this module's own scanner: no ``float``, no ``eval``, integers built with
gmpy2 (no 4,300-digit limit). Caps, and why: at most :data:`MAX_DIGITS` digits (an expansion
certifies about one term per digit, far beyond any use), a written exponent of at most
:data:`MAX_EXPONENT` in magnitude, and a value (and a radius) below ``10**MAX_ORDER`` whose first
significant digit is at or above ``10**-MAX_ORDER``, so that every term of its expansion prints.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import IO, TYPE_CHECKING

from esma.errors import InvalidParameter
from esma.precision import working_precision

if TYPE_CHECKING:  # pragma: no cover - typing only; flint is imported lazily
    import flint

    from esma.constants import Constant

__all__ = [
    "MAX_DIGITS",
    "Digits",
    "DigitsImage",
    "ball_interval",
    "parse_digits",
    "read_digits",
    "read_number",
    "value_of",
]

#: Most digits a number may have (centre and radius together).
MAX_DIGITS = 1_000_000
#: Most characters of a file of digits (spaces, newlines and comments included).
MAX_CHARACTERS = 4 * MAX_DIGITS
#: Largest |exponent| written after ``e``.
MAX_EXPONENT = 1_000_000
#: A nonzero value lies in [10**-MAX_ORDER, 10**MAX_ORDER) in magnitude.
MAX_ORDER = 1000
#: A decimal literal on the command line is read as digits from this many significant digits
#: on; shorter decimals keep their meaning of exact rationals inside expressions (``exp(1.5)``).
LONG_LITERAL_DIGITS = 30
#: Significant digits shown when a number has no name.
SHOWN_DIGITS = 20

_HINT = "give a decimal number such as 3.14159 26535 or [3.14159 +/- 1e-5]"
# Digit runs, whitespace runs and comments are single tokens, so a million digits in lines of
# fifty make a few tens of thousands of tokens; every other character is a token of its own.
_TOKEN = re.compile(r"[0-9]+|[ \t\r\n\f\v]+|#[^\n]*|\+/-|\.\.\.|.", re.S)


def _int(digits: str) -> int:
    """The integer written by a string of ASCII digits, of any length."""
    if len(digits) <= 4000:  # Python's own int() refuses more than 4300 digits
        return int(digits)
    import gmpy2

    return int(gmpy2.mpz(digits))


def _pow10(n: int) -> int:
    if n < 4000:
        return 10**n
    import gmpy2

    return int(gmpy2.mpz(10) ** n)


@dataclass(frozen=True)
class Digits:
    """A real number known from decimal digits: every number in [centre − radius, centre + radius].

    Build one with :func:`parse_digits`. The centre is ``mantissa * 10**exponent`` exactly.

    Attributes
    ----------
    mantissa : int
        The digits given, as a signed integer.
    exponent : int
        Power of ten of the last digit given.
    radius : Fraction
        Half a unit in the last digit, one unit after ``...``, or the radius given (>= 0).
    digits : int
        Significant digits given (leading zeros do not count, trailing zeros do).
    name : str or None
        How output names the number (``--name``); None shows its first digits.
    explicit_radius : bool
        True when the radius was written (``[x +/- r]``).
    origin : str or None
        Where the digits came from (a file name, ``stdin``), for messages; not part of the
        number (two files with the same digits are one number).

    Examples
    --------
    >>> x = parse_digits("[2.5 +/- 0.01]", name="c")
    >>> x.lower, x.upper, x.text
    (Fraction(249, 100), Fraction(251, 100), 'c')
    """

    mantissa: int
    exponent: int
    radius: Fraction
    digits: int
    name: str | None = None
    explicit_radius: bool = False
    origin: str | None = field(default=None, compare=False)
    _interval: tuple[int, int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.radius < 0:
            raise InvalidParameter(f"radius: {self.radius} must be >= 0", parameter="radius")
        den_exp = max(0, -self.exponent)
        scale = _pow10(den_exp)
        centre = self.mantissa * _pow10(self.exponent + den_exp)
        rd = self.radius.denominator
        # den = lcm(scale, rd); the quotients below are as long as the numbers, which Python's
        # own division does in quadratic time: gmpy2 divides a million digits in milliseconds.
        g = _gcd(scale, rd)
        r = self.radius.numerator * _exact_div(scale, g)
        c = centre * _exact_div(rd, g)
        den = _exact_div(scale, g) * rd
        object.__setattr__(self, "_interval", (c - r, c + r, den))

    # -- the interval ----------------------------------------------------------------------------

    @cached_property
    def centre(self) -> Fraction:
        """The number as written (a Fraction: slow beyond ~100,000 digits, which esma's own code
        avoids by working with :meth:`interval`)."""
        return Fraction(self.mantissa) * Fraction(10) ** self.exponent

    @property
    def lower(self) -> Fraction:
        """The smallest number the digits allow."""
        lo, _, den = self._interval
        return Fraction(lo, den)

    @property
    def upper(self) -> Fraction:
        """The largest number the digits allow."""
        _, hi, den = self._interval
        return Fraction(hi, den)

    def interval(self) -> tuple[int, int, int]:
        """``(lo, hi, den)``: every number the digits allow lies in [lo/den, hi/den], exactly.

        This is what :func:`esma.expansion.signed_expansion` expands (see
        :class:`esma.expansion.HasInterval`): one fixed interval, never narrower.

        >>> parse_digits("0.25").interval()     # [0.245, 0.255]
        (49, 51, 200)
        """
        return self._interval

    @cached_property
    def known_digits(self) -> int:
        """Digits the interval pins down: ``floor(log10(|centre| / width)) + 1`` (0 if that is
        negative). This is :attr:`digits` for the default radius; a wider radius gives fewer.

        >>> parse_digits("3.14159").known_digits, parse_digits("[3.14159 +/- 0.001]").known_digits
        (6, 4)
        """
        lo, hi, _ = self._interval
        if lo == hi:
            return self.digits
        whole = abs(lo + hi) // (2 * (hi - lo))  # |centre| / width, rounded down
        return _decimal_length(whole) if whole else 0

    @cached_property
    def data_bits(self) -> int:
        """Relative precision of the interval in bits: about ``log2(|x| / width)``, at least 1.

        >>> parse_digits("1.000000").data_bits   # width 1e-6
        19
        """
        lo, hi, _ = self._interval
        if lo == hi:
            return _EXACT_BITS
        return max(max(abs(lo), abs(hi)).bit_length() - (hi - lo).bit_length(), 1)

    def bounds(self, bits: int) -> tuple[int, int, int]:
        """Dyadic bounds ``(lo, hi, shift)``: ``lo/2**shift <= every allowed number <= hi/2**shift``.

        Rounded outward from :meth:`interval`; asking for more bits than the digits support
        gives the same (wide) interval, never a narrower one.

        >>> lo, hi, shift = parse_digits("3.14159").bounds(100)
        >>> lo / 2**shift <= 3.141585 and 3.141595 <= hi / 2**shift
        True
        """
        return _dyadic(self._interval, bits)

    def arb(self, bits: int) -> flint.arb:
        """A python-flint ball holding the whole interval (never narrower than the digits).

        >>> from flint import arb
        >>> bool(parse_digits("2.5").arb(64).contains(arb("2.54")))
        True
        """
        return _interval_ball(self._interval, min(bits, self.data_bits) + 64)

    # -- names and identity ----------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The name given, else the first :data:`SHOWN_DIGITS` significant digits (``…`` if
        there are more)."""
        return self.name if self.name else self.shown()

    def shown(self, limit: int = SHOWN_DIGITS) -> str:
        """The number as a decimal, cut to ``limit`` significant digits (``…`` when cut).

        >>> parse_digits("-0.000123456789", name="y").shown(4)
        '-0.0001234…'
        >>> parse_digits("1.5e-9").shown()
        '1.5e-9'
        """
        sign = "-" if self.mantissa < 0 else ""
        magnitude = abs(self.mantissa)
        total = _decimal_length(magnitude)
        cut = total > limit
        # Only the leading digits are turned into text: a million-digit mantissa is not.
        lead = str(magnitude // _pow10(total - limit)) if cut else str(magnitude)
        point = total + self.exponent  # digits before the decimal point
        dots = "…" if cut else ""
        if 0 < point < len(lead) or (point == len(lead) and not cut):
            body = lead[:point] + ("." + lead[point:] if point < len(lead) else "")
        elif -6 <= point <= 0:
            body = "0." + "0" * -point + lead
        else:
            mant = lead[0] + ("." + lead[1:] if len(lead) > 1 else "")
            return f"{sign}{mant}{dots}e{point - 1}"
        return f"{sign}{body}{dots}"

    @cached_property
    def sha256(self) -> str:
        """Hex SHA-256 of the number's exact content (centre and radius), not of its spelling:
        two files with the same digits share it, two different numbers never do.

        >>> parse_digits("2.50").sha256 == parse_digits("2.5 0").sha256 != parse_digits("2.5").sha256
        True
        """
        # Hexadecimal: Python writes ints of any size in base 16 (its 4,300-digit limit is
        # for decimal text only), and the interval is the number's whole content.
        lo, hi, den = self._interval
        text = f"{lo:x}/{hi:x}/{den:x}"
        return hashlib.sha256(text.encode("ascii")).hexdigest()

    def with_name(self, name: str | None) -> Digits:
        """The same number under another name."""
        return Digits(
            self.mantissa,
            self.exponent,
            self.radius,
            self.digits,
            name,
            self.explicit_radius,
            self.origin,
        )

    def cut(self, digits: int) -> Digits:
        """The number to its first ``digits`` significant digits: the interval x' ± (one unit
        in its last digit + this radius), which holds every number this one allows. Itself
        when it has no more digits.

        >>> x = parse_digits("3.14159265358979", name="p").cut(4)
        >>> x.text, x.mantissa, x.exponent, x.radius
        ('p', 3141, -3, Fraction(200000000001, 200000000000000))
        """
        drop = self.digits - digits
        if drop <= 0 or digits < 1:
            return self
        import gmpy2

        kept = int(gmpy2.mpz(abs(self.mantissa)) // gmpy2.mpz(10) ** drop)
        exponent = self.exponent + drop
        return Digits(
            kept if self.mantissa > 0 else -kept,
            exponent,
            _unit(exponent) + self.radius,
            digits,
            self.name,
            True,
            self.origin,
        )

    def describe(self) -> str:
        """``60 digits`` or ``60 digits ± 1e-40`` (an explicit radius): what certified a result.

        >>> parse_digits("[1.2345 +/- 0.001]").describe()
        '5 digits ± 1/1000'
        """
        plural = "digit" if self.digits == 1 else "digits"
        if not self.explicit_radius:
            return f"{self.digits} {plural}"
        return f"{self.digits} {plural} ± {_radius_text(self.radius)}"

    def apply(self, lhs: str) -> Digits | DigitsImage:
        """y = lhs(x) for this number x, in ball arithmetic over its whole interval.

        ``lhs`` is an expression in ``x`` (esma's safe parser). ``"x"`` gives the number itself.
        The result is again a number known only to lie in an interval, so its expansion ends
        where its digits do.

        >>> y = parse_digits("2.718281828459045235360287471352662497757").apply("(x+1)/(x-1)")
        >>> y.text, y.digits
        ('(2.7182818284590452353… + 1)/(2.7182818284590452353… - 1)', 40)
        """
        from esma.evaluation import evaluate_once
        from esma.expr import format_expression, parse_expression

        expr = parse_expression(lhs, variables=("x",))
        if expr.op == "name" and expr.args[0] == "x":
            return self
        prec = self.data_bits + 64
        ball = evaluate_once(expr, prec, {"x": self.arb(prec)})
        return DigitsImage(self, format_expression(expr), ball_interval(ball))

    def image(self, num: tuple[int, ...], den: tuple[int, ...], lhs: str) -> DigitsImage:
        """y = P(x)/Q(x) (integer coefficients, lowest degree first; ``lhs`` its text) over the
        whole interval of x.

        A Möbius map (degree 1) is monotonic between its poles, so its image is computed
        exactly from the two ends: the interval is then exactly the numbers y the digits
        allow, and every term certified for x's regular continued fraction carries over. A
        higher degree gets a ball arithmetic enclosure (sound, possibly a little wider).

        >>> x = parse_digits("2.5")                     # [2.45, 2.55]
        >>> y = x.image((1, 1), (-1, 1), "(x + 1)/(x - 1)")
        >>> lo, hi, den = y.interval()                  # [3.55/1.55, 3.45/1.45]
        >>> Fraction(lo, den), Fraction(hi, den)
        (Fraction(71, 31), Fraction(69, 29))

        Raises
        ------
        InvalidParameter
            Q vanishes somewhere in the interval (the image is unbounded).
        """
        if max(len(num), len(den)) <= 2:
            lo, hi, scale = self._interval
            b, a = (num + (0,))[:2]
            d, c = (den + (0,))[:2]
            n_lo, n_hi = a * lo + b * scale, a * hi + b * scale
            m_lo, m_hi = c * lo + d * scale, c * hi + d * scale
            if m_lo == 0 or m_hi == 0 or (m_lo > 0) != (m_hi > 0):
                raise InvalidParameter(
                    f"lhs: {lhs} has a pole inside the interval of the digits", parameter="lhs"
                )
            # y(lo) = n_lo/m_lo and y(hi) = n_hi/m_hi over the common denominator m_lo·m_hi > 0.
            ends = sorted((n_lo * m_hi, n_hi * m_lo))
            return DigitsImage(self, lhs, (ends[0], ends[1], m_lo * m_hi))
        from esma.precision import working_precision

        prec = self.data_bits + 64
        with working_precision(prec):
            x = self.arb(prec)
            q = _horner(den, x)
            if q.contains(0):
                raise InvalidParameter(
                    f"lhs: {lhs} has a pole inside the interval of the digits", parameter="lhs"
                )
            ball = _horner(num, x) / q
        return DigitsImage(self, lhs, ball_interval(ball))

    def to_dict(self) -> dict:
        """The number as JSON-able data (integers in hexadecimal, of any size): how it travels
        to a search's workers on other machines. :meth:`from_dict` reads it back exactly.

        >>> x = parse_digits("[-2.5 +/- 0.01]", name="c")
        >>> Digits.from_dict(x.to_dict()) == x
        True
        """
        return {
            "mantissa": format(self.mantissa, "x"),
            "exponent": self.exponent,
            "radius": [format(self.radius.numerator, "x"), format(self.radius.denominator, "x")],
            "digits": self.digits,
            "name": self.name,
            "explicit_radius": self.explicit_radius,
            "origin": self.origin,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Digits:
        """The number :meth:`to_dict` wrote (checked for form; a search checks its SHA-256).

        Raises
        ------
        InvalidParameter
            A field is missing, of the wrong type, or beyond the caps of :func:`parse_digits`.
        """
        try:
            mantissa = _hex(data["mantissa"])
            num, den = (_hex(v) for v in data["radius"])
            exponent, digits = data["exponent"], data["digits"]
            name, origin, explicit = data["name"], data["origin"], data["explicit_radius"]
            ok = (
                all(type(v) is int for v in (exponent, digits))
                and abs(exponent) <= MAX_EXPONENT + MAX_DIGITS
                and 0 <= digits <= MAX_DIGITS
                and num >= 0
                and den > 0
                and all(v is None or isinstance(v, str) for v in (name, origin))
                and isinstance(explicit, bool)
            )
        except (KeyError, TypeError, ValueError):
            ok = False
        if not ok:
            raise InvalidParameter(
                "number: not the data of a number given by its digits", parameter="number"
            )
        return cls(mantissa, exponent, Fraction(num, den), digits, name, explicit, origin)


def _hex(text: object) -> int:
    """A signed hexadecimal integer of at most MAX_DIGITS decimal digits' size."""
    if not isinstance(text, str) or len(text) > MAX_DIGITS or not _HEX.fullmatch(text):
        raise ValueError("not a hexadecimal integer")
    return int(text, 16)  # linear time for base 16, and no 4,300-digit limit


_HEX = re.compile(r"-?[0-9a-f]+")


def _horner(coeffs: tuple[int, ...], x):
    acc = 0 * x
    for a in reversed(coeffs):
        acc = acc * x + a
    return acc


def pinned_decimals(interval: tuple[int, int, int]) -> int:
    """Decimals after the point that the interval ``(lo, hi, den)`` pins:
    ``floor(-log10(width))``, the largest d with width <= 10**-d (may be negative; a large
    number for a point).

    >>> pinned_decimals((2449, 2451, 1000)), pinned_decimals((1, 3, 1)), pinned_decimals((5, 5, 2))
    (2, -1, 1048576)
    """
    lo, hi, den = interval
    if lo == hi:
        return _EXACT_BITS
    width = hi - lo
    # log10(den/width) within one of the estimate; the exact test settles it.
    d = math.floor((den.bit_length() - width.bit_length()) * 0.30102999566398120)

    def pins(k: int) -> bool:  # width <= 10**-k
        return width * _pow10(k) <= den if k >= 0 else width <= den * _pow10(-k)

    while not pins(d):
        d -= 1
    while pins(d + 1):
        d += 1
    return d


def _gcd(a: int, b: int) -> int:
    """gcd of integers of any size (Python's math.gcd is quadratic on million-digit numbers)."""
    if a.bit_length() < 20000 or b.bit_length() < 20000:
        return math.gcd(a, b)
    import gmpy2

    return int(gmpy2.gcd(a, b))


def _exact_div(a: int, b: int) -> int:
    """a // b for b dividing a, fast at any size."""
    if b == 1:
        return a
    if a.bit_length() - b.bit_length() < 20000:
        return a // b
    import gmpy2

    return int(gmpy2.mpz(a) // b)


def _decimal_length(n: int) -> int:
    """Number of decimal digits of |n| (1 for 0), without converting n to text."""
    n = abs(n)
    if n < 10:
        return 1
    guess = int((n.bit_length() - 1) * 0.30102999566398120) + 1
    if n >= _pow10(guess):
        return guess + 1
    if n < _pow10(guess - 1):
        return guess - 1
    return guess


def _radius_text(r: Fraction) -> str:
    """A short exact text for a radius: ``1/1000``, ``5e-41`` style when the denominator is a
    power of ten with many digits."""
    num, den = r.numerator, r.denominator
    if den == 1:
        return str(num)  # below 10**MAX_ORDER: printable
    k = _decimal_length(den) - 1
    if den == _pow10(k) and k > 6 and num < 10**6:
        return f"{num}e-{k}"
    if num.bit_length() < 200 and den.bit_length() < 200:
        return f"{num}/{den}"
    return f"about 1e{_decimal_length(num) - _decimal_length(den)}"


_EXACT_BITS = 1 << 20  # an exact decimal (radius 0): as many bits as any expansion asks for


def _dyadic(interval: tuple[int, int, int], bits: int) -> tuple[int, int, int]:
    """Outward rounding of an exact interval to multiples of 2**-shift."""
    lo, hi, den = interval
    width_bits = den.bit_length() - (hi - lo).bit_length() if hi > lo else bits
    shift = max(min(bits, width_bits + 16), 0) + 4
    return (lo << shift) // den, -((-hi << shift) // den), shift


def _interval_ball(interval: tuple[int, int, int], prec: int) -> flint.arb:
    from flint import arb, fmpq

    lo, hi, den = interval
    with working_precision(prec):
        ball = arb(fmpq(lo, den))
        return ball if lo == hi else ball.union(arb(fmpq(hi, den)))


def ball_interval(ball: flint.arb) -> tuple[int, int, int]:
    """The exact dyadic interval [mid − rad, mid + rad] of an arb ball, as (lo, hi, den).

    >>> from flint import arb
    >>> ball_interval(arb(3) / 4)
    (3, 3, 4)
    """
    mid_man, mid_exp = (int(v) for v in ball.mid().man_exp())
    rad_man, rad_exp = (int(v) for v in ball.rad().man_exp())
    low = min(mid_exp, rad_exp) if rad_man else mid_exp
    centre = mid_man << (mid_exp - low)
    radius = rad_man << (rad_exp - low) if rad_man else 0
    if low >= 0:
        return (centre - radius) << low, (centre + radius) << low, 1
    return centre - radius, centre + radius, 1 << -low


@dataclass(frozen=True)
class DigitsImage:
    """y = f(x) for a number x known from its digits: the ball arithmetic image of its interval.

    Built by :meth:`Digits.apply`. Like :class:`Digits` it has one fixed interval, so its
    expansion ends where the digits of x stop deciding the next term.

    Attributes
    ----------
    source : Digits
        x.
    lhs : str
        f, an expression in x, as esma writes it (``(x + 1)/(x - 1)``).
    """

    source: Digits
    lhs: str
    _interval: tuple[int, int, int] = field(repr=False)

    @property
    def digits(self) -> int:
        """Significant digits of x."""
        return self.source.digits

    @property
    def text(self) -> str:
        """f with x's name (or first digits) written in: ``(y + 1)/(y - 1)``."""
        from esma.conjecture import substitute_constant

        shown = self.source.text
        if self.source.name is None and not shown.startswith("-") and "e" not in shown:
            return re.sub(r"\bx\b", lambda _: shown, self.lhs)  # plain digits need no brackets
        return substitute_constant(self.lhs, shown)

    def interval(self) -> tuple[int, int, int]:
        """``(lo, hi, den)`` holding f(x) for every x the digits allow."""
        return self._interval

    @cached_property
    def data_bits(self) -> int:
        """Relative precision of the interval in bits (at least 1)."""
        lo, hi, _ = self._interval
        if lo == hi:
            return _EXACT_BITS
        return max(max(abs(lo), abs(hi)).bit_length() - (hi - lo).bit_length(), 1)

    def bounds(self, bits: int) -> tuple[int, int, int]:
        """Dyadic bounds ``(lo, hi, shift)`` of the interval, rounded outward."""
        return _dyadic(self._interval, bits)

    def arb(self, bits: int) -> flint.arb:
        """A python-flint ball holding the whole interval."""
        return _interval_ball(self._interval, min(bits, self.data_bits) + 64)

    def describe(self) -> str:
        """What certified a result: the digits of x."""
        return self.source.describe()

    @property
    def sha256(self) -> str:
        """SHA-256 of x's content and f's text."""
        return hashlib.sha256(f"{self.source.sha256}:{self.lhs}".encode()).hexdigest()


# --------------------------------------------------------------------------------------------
# Reading


class _Scanner:
    """Tokens of a number's text, with positions for one-line errors."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        # Lazily, one token ahead: a hostile file of four million punctuation marks is refused
        # at its first one, never held as four million tokens.
        self._tokens = _TOKEN.finditer(text)
        self.tok: str | None = None
        self.pos = 0  # where self.tok starts (len(text) at the end)
        self.count = 0  # digits read so far (centre and radius)
        self._advance()

    def _advance(self) -> None:
        for m in self._tokens:
            first = m.group()[0]
            if not (first.isspace() or first == "#"):
                self.tok, self.pos = m.group(), m.start()
                return
        self.tok, self.pos = None, len(self.text)

    def peek(self) -> str | None:
        return self.tok

    def take(self) -> str:
        tok = self.tok
        self._advance()
        return tok

    def accept(self, *choices: str) -> bool:
        if self.tok in choices:
            self._advance()
            return True
        return False

    def where(self, pos: int | None = None) -> str:
        pos = self.pos if pos is None else pos
        if pos >= len(self.text):
            return f"{self.source}: at the end"
        line = self.text.count("\n", 0, pos) + 1
        column = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        if line == 1 and "\n" not in self.text:
            return f"{self.source}, column {column}"
        return f"{self.source}, line {line}, column {column}"

    def fail(self, what: str, pos: int | None = None) -> InvalidParameter:
        return InvalidParameter(f"digits: {self.where(pos)}: {what}; {_HINT}", parameter="digits")

    def unexpected(self) -> InvalidParameter:
        tok = self.peek()
        if tok is None:
            return self.fail("the number ends too early")
        char = tok[0]
        if ord(char) > 127 and char != "±":
            return self.fail(f"character U+{ord(char):04X} is not part of a decimal number")
        return self.fail(f"{tok[:20]!r} is not expected here")

    def digit_runs(self) -> str:
        """Digits, possibly split by whitespace, as one string."""
        runs = []
        while (tok := self.peek()) is not None and tok[0].isdigit():
            self.count += len(tok)
            if self.count > MAX_DIGITS:
                raise self.fail(f"more than {MAX_DIGITS:,} digits")
            runs.append(self.take())
        return "".join(runs)

    def decimal(self, *, signed: bool) -> tuple[int, str, str, int, bool]:
        """(sign, integer digits, fraction digits, exponent, truncated)."""
        sign = 1
        if self.peek() in ("+", "-"):
            if not signed:
                raise self.fail("the radius must be a number >= 0 without a sign")
            sign = -1 if self.take() == "-" else 1
        whole = self.digit_runs()
        fraction = ""
        if self.accept("."):
            fraction = self.digit_runs()
        if not whole and not fraction:
            raise self.unexpected()
        truncated = self.accept("...", "…")
        exponent = 0
        if self.accept("e", "E"):
            esign = -1 if self.peek() == "-" else 1
            self.accept("+", "-")
            tok = self.peek()
            if tok is None or not tok[0].isdigit():
                raise self.fail("an exponent needs digits after 'e', like 1.5e-7")
            if len(tok.lstrip("0")) > len(str(MAX_EXPONENT)) or int(tok) > MAX_EXPONENT:
                raise self.fail(f"exponent too large: at most {MAX_EXPONENT:,} in magnitude")
            exponent = esign * int(self.take())
        return sign, whole, fraction, exponent, truncated


def parse_digits(text: str, *, source: str = "digits", name: str | None = None) -> Digits:
    """Read a decimal number and the interval its digits allow.

    Parameters
    ----------
    text : str
        An optional sign, digits with an optional decimal point (spaces and newlines between
        digits are ignored, ``#`` starts a comment to the end of the line), an optional
        exponent (``e-5``), then optionally ``+/-`` (or ``±``) and a radius; the whole may be
        in brackets, ``[x +/- r]``. A trailing ``...`` after the digits says they were cut
        rather than rounded.
    source : str
        How error messages name the text (a file name).
    name : str, optional
        How output names the number.

    Returns
    -------
    Digits
        x ± half a unit in the last digit; x ± one unit after ``...``; x ± r with a radius.

    Raises
    ------
    InvalidParameter
        One line naming the line and column of the first character that does not fit, or the
        cap that was passed.

    Examples
    --------
    >>> x = parse_digits("1.41421 35623\\n73095 # sqrt(2)")
    >>> x.digits, x.radius
    (16, Fraction(1, 2000000000000000))
    >>> parse_digits("[1.5e-3 +/- 2e-6]").describe()
    '2 digits ± 1/500000'
    >>> parse_digits("3.14.15")
    Traceback (most recent call last):
    ...
    esma.errors.InvalidParameter: digits: digits, column 5: '.' is not expected here; give a decimal number such as 3.14159 26535 or [3.14159 +/- 1e-5]
    """
    if not isinstance(text, str):
        raise InvalidParameter(
            f"digits: expected text, got {type(text).__name__}", parameter="digits"
        )
    if len(text) > MAX_CHARACTERS:
        raise InvalidParameter(
            f"digits: {source} has more than {MAX_CHARACTERS:,} characters", parameter="digits"
        )
    scan = _Scanner(text, source)
    if scan.peek() is None:
        raise InvalidParameter(f"digits: {source}: no number found; {_HINT}", parameter="digits")
    bracket = scan.accept("[")
    start = scan.pos
    sign, whole, fraction, exponent, truncated = scan.decimal(signed=True)
    radius: Fraction | None = None
    plus_minus = scan.pos
    if scan.accept("+/-", "±"):
        if truncated:
            raise scan.fail("give either '...' (digits cut) or a radius, not both", plus_minus)
        r_at = scan.pos
        _, r_whole, r_fraction, r_exp, r_cut = scan.decimal(signed=False)
        if r_cut:
            raise scan.fail("a radius cannot end in '...'", r_at)
        radius = Fraction(_int(r_whole + r_fraction or "0")) * Fraction(10) ** (
            r_exp - len(r_fraction)
        )
        if radius and _order(radius) > MAX_ORDER:
            raise scan.fail(f"the radius must be below 1e{MAX_ORDER}", r_at)
    if bracket and not scan.accept("]"):
        raise scan.unexpected() if scan.peek() is not None else scan.fail("missing ']'")
    if scan.peek() is not None:
        raise scan.unexpected()
    all_digits = whole + fraction
    significant = all_digits.lstrip("0")
    mantissa = sign * _int(significant or "0")
    last = exponent - len(fraction)  # power of ten of the last digit given
    if significant:
        order = last + len(significant) - 1
        if not -MAX_ORDER <= order < MAX_ORDER:
            raise scan.fail(
                f"the number must lie between 1e-{MAX_ORDER} and 1e{MAX_ORDER} in magnitude", start
            )
    explicit = radius is not None
    if radius is None:
        unit = _unit(last)
        radius = unit if truncated else unit / 2
    return Digits(
        mantissa, last, radius, len(significant), name, explicit_radius=explicit, origin=source
    )


def _unit(power: int) -> Fraction:
    return Fraction(_pow10(power)) if power >= 0 else Fraction(1, _pow10(-power))


def _order(r: Fraction) -> int:
    """floor(log10(r)) for r > 0, roughly (within one): enough for a cap."""
    return _decimal_length(r.numerator) - _decimal_length(r.denominator)


def read_digits(stream: IO, *, source: str, name: str | None = None) -> Digits:
    """Read a number from a file opened in binary or text mode (``-`` for stdin is the
    caller's business); the file is read only up to the size cap.

    >>> import io
    >>> read_digits(io.BytesIO(b"2.71828 18284\\n59045"), source="e.txt").digits
    16
    """
    raw = stream.read(MAX_CHARACTERS + 1)
    if len(raw) > MAX_CHARACTERS:
        raise InvalidParameter(
            f"digits: {source} has more than {MAX_CHARACTERS:,} characters", parameter="digits"
        )
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidParameter(
                f"digits: {source}: byte {exc.start} is not text (UTF-8); {_HINT}",
                parameter="digits",
            ) from None
    return parse_digits(raw, source=source, name=name)


def read_number(text: str) -> Constant | Digits:
    """A CONSTANT as typed on the command line: a decimal literal (with a point or an exponent)
    with at least :data:`LONG_LITERAL_DIGITS` significant digits, or a ball ``[x +/- r]``, is a
    number known from its digits; anything else, integers included, is a constant or expression
    (:func:`esma.constants.get_constant`).

    A shorter decimal alone would be an exact rational, which esma does not expand; the error
    says how to give digits instead.

    >>> read_number("2.718281828459045235360287471352662497757").digits
    40
    >>> read_number("exp(1)").text
    'exp(1)'
    """
    from esma.constants import get_constant

    try:
        number = parse_digits(text, source="constant")
    except InvalidParameter:
        return get_constant(text)
    if number.explicit_radius:
        return number
    if not any(mark in text for mark in ".eE…"):
        return get_constant(text)  # an integer means that integer, not digits of a real
    if number.digits >= LONG_LITERAL_DIGITS:
        return number
    raise InvalidParameter(
        f"constant: {text.strip()[:40]} is a rational number with {number.digits} significant "
        f"digits; to expand a number known from its digits give at least "
        f"{LONG_LITERAL_DIGITS} digits or --value-file FILE",
        parameter="constant",
    )


def value_of(number: Constant | Digits, lhs: str = "x") -> Constant | Digits | DigitsImage:
    """y = lhs(x) at a constant (checked like a constant) or at a number given by its digits
    (ball arithmetic over its interval).

    >>> value_of(read_number("e"), "x - 1").text
    'e - 1'
    """
    if isinstance(number, Digits):
        return number.apply(lhs)
    from esma.transforms import lhs_value

    return lhs_value(number, lhs)
