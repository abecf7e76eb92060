"""What a search can do with a number given by its digits, decided before it starts.

A number known only from its digits (:mod:`esma.digits`) is an interval, so a search of it
(``esma search --value-file FILE``) has what the digits prove and no more:

* **screen**: every candidate y = f(x) with a sign period must have ``depth`` terms certified by
  the interval of x, or the screen would judge it on fewer terms than asked. :func:`check_data`
  expands every candidate before anything is stored (~40 µs a candidate: Gosper's algorithm on
  x's certified regular continued fraction, :func:`esma.kernels.plain.homographic_terms`; the
  exact interval expansion where that runs short) and refuses the search when one falls short,
  saying about how many digits the depth needs;
* **approve**: a formula can agree with y only to the decimals y's interval pins, so it is
  approved to ``min(digits, what the interval pins - 1)`` (:func:`approval_digits`), and a
  record's ``verified_digits`` never exceeds what the data prove. Below
  :data:`MIN_APPROVAL_DIGITS` the search is refused;
* **names**: the records name the number by ``--name`` or by its SHA-256
  (:func:`search_constant`), and a search's parameters carry the SHA-256, so two numbers never
  share a run or, without a name, a record.

No classical theorem is about a number given by its digits, so its records stay conjectured.

>>> from esma.digits import parse_digits
>>> x = parse_digits("1.6180339887498948482045868343656381177203091798057628621354486227")
>>> search_constant(x), search_constant(x.with_name("g"))
('digits:sha256:3dd7983d36e2a6db', 'g')
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

from esma.errors import InvalidParameter

if TYPE_CHECKING:
    from esma.digits import Digits, DigitsImage
    from esma.signs import Signs
    from esma.transforms import RationalLhs

__all__ = [
    "DIGITS_PREFIX",
    "MIN_APPROVAL_DIGITS",
    "DataCheck",
    "approval_digits",
    "check_data",
    "check_search_name",
    "check_search_number",
    "is_digits_constant",
    "search_constant",
    "working_digits",
]

#: How a record names a number given by its digits when it has no ``--name``: this prefix and
#: the first 16 hex digits of the number's SHA-256 (:attr:`esma.digits.Digits.sha256`).
DIGITS_PREFIX = "digits:sha256:"

#: Fewest decimals an approval of a number given by its digits may compare: below this, the
#: digits are too few to tell a formula from a coincidence of its first terms.
MIN_APPROVAL_DIGITS = 50

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")


def check_search_name(name: str) -> str:
    """``name`` if it can name a number in records: a letter, then letters, digits or ``_``
    (at most 40), and no name esma's expressions already mean (a constant, a function, x).

    >>> check_search_name("c1")
    'c1'
    >>> check_search_name("pi")
    Traceback (most recent call last):
    ...
    esma.errors.InvalidParameter: name: 'pi' is a constant esma knows; a number given by its digits needs another name
    """
    from esma.functions import FUNCTIONS
    from esma.names import NAMES

    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InvalidParameter(
            f"name: {name!r} cannot name a number in records; give a letter followed by "
            "letters, digits or '_' (at most 40), e.g. c1",
            parameter="name",
        )
    if name in NAMES or name in FUNCTIONS or name == "x":
        what = "a constant" if name in NAMES else "a function" if name in FUNCTIONS else "x"
        what = "the variable of left-hand sides" if name == "x" else f"{what} esma knows"
        raise InvalidParameter(
            f"name: {name!r} is {what}; a number given by its digits needs another name",
            parameter="name",
        )
    return name


def check_search_number(number: Digits) -> Digits:
    """``number`` if a search can take it: told apart from 0 by its digits, and of the size esma
    searches constants of (2**-64 <= |x| <= 2**64, :data:`esma.constants.MAGNITUDE_BITS`).

    >>> from esma.digits import parse_digits
    >>> check_search_number(parse_digits("[0.001 +/- 0.01]"))
    Traceback (most recent call last):
    ...
    esma.errors.InvalidParameter: constant: the digits do not tell the number from 0 (0.001, 1 digit ± 1/100); give more digits
    """
    from esma.constants import MAGNITUDE_BITS

    lo, hi, den = number.interval()  # integers: a million digits compare in microseconds
    if lo <= 0 <= hi:
        raise InvalidParameter(
            f"constant: the digits do not tell the number from 0 ({number.shown(8)}, "
            f"{number.describe()}); give more digits",
            parameter="constant",
        )
    low, high = sorted((abs(lo), abs(hi)))
    if low > den << MAGNITUDE_BITS or high << MAGNITUDE_BITS < den:
        raise InvalidParameter(
            f"constant: {number.shown(8)} is outside the sizes esma searches: |x| must be from "
            f"2**-{MAGNITUDE_BITS} to 2**{MAGNITUDE_BITS}",
            parameter="constant",
        )
    return number


def search_constant(number: Digits) -> str:
    """What the records of a search of ``number`` have in their ``constant`` field: its name, or
    :data:`DIGITS_PREFIX` and the first 16 hex digits of its SHA-256."""
    if number.name is not None:
        return check_search_name(number.name)
    return DIGITS_PREFIX + number.sha256[:16]


def is_digits_constant(constant: str) -> bool:
    """True for a record constant that names a number by its SHA-256 (:func:`search_constant`).

    >>> is_digits_constant("digits:sha256:0123456789abcdef"), is_digits_constant("e")
    (True, False)
    """
    return isinstance(constant, str) and constant.startswith(DIGITS_PREFIX)


def working_digits(digits: int, depth: int) -> int:
    """How many significant digits of a number a search with ``digits`` and ``depth`` works
    with: more could not raise an approval above ``digits``, and ~20 digits a term is several
    times what the fastest-growing expansions (e^(1/n): 4-6 digits a term at depth 100) use. A
    longer number is cut (:meth:`esma.digits.Digits.cut`): a million digits would make every
    interval of the search a million digits long.

    >>> working_digits(1000, 100)
    2100
    """
    return max(digits + 20, 20 * depth + 100)


def approval_digits(value: Digits | DigitsImage, digits: int) -> int:
    """The decimals a formula of ``value`` is approved to: ``digits``, or one less than the
    decimals its interval pins when that is fewer (a formula's fraction is a number of the
    interval to within its own convergence, so it can provably agree with every number there
    only to about the interval's width).

    >>> from esma.digits import parse_digits
    >>> approval_digits(parse_digits("3." + "1" * 200), 1000), approval_digits(parse_digits("3." + "1" * 200), 100)
    (199, 100)
    """
    from esma.digits import pinned_decimals

    return min(digits, pinned_decimals(value.interval()) - 1)


@dataclass(frozen=True)
class DataCheck:
    """What :func:`check_data` found: the search can run as asked.

    Attributes
    ----------
    candidates : int
        Candidates checked (left-hand sides × sign periods).
    approval : tuple of (int, int)
        Fewest and most decimals a formula is approved to, over the left-hand sides.
    digits : int
        The ``digits`` asked (approval never goes beyond).
    """

    candidates: int
    approval: tuple[int, int]
    digits: int

    @property
    def limited(self) -> bool:
        """True when the digits hold approval below the digits asked."""
        return self.approval[0] < self.digits

    def note(self, number: Digits) -> str:
        """One line for the search's output: what the approvals compare.

        >>> from esma.digits import parse_digits
        >>> DataCheck(10, (996, 999), 1000).note(parse_digits("2." + "7" * 999))
        'approving to 996-999 digits (what the 1000 digits of the number support; --digits 1000)'
        >>> DataCheck(10, (100, 100), 100).note(parse_digits("2." + "7" * 999))
        'approving to 100 digits, as --digits asks (the 1000 digits of the number support them)'
        """
        lo, hi = self.approval
        if not self.limited:
            return (
                f"approving to {self.digits} digits, as --digits asks (the "
                f"{number.describe()} of the number support them)"
            )
        shown = f"{lo}" if lo == hi else f"{lo}-{hi}"
        return (
            f"approving to {shown} digits (what the {number.describe()} of the number support; "
            f"--digits {self.digits})"
        )


def check_data(
    number: Digits,
    lhs: Sequence[RationalLhs],
    signs: Sequence[Signs],
    depth: int,
    digits: int,
    *,
    given: Digits | None = None,
) -> DataCheck:
    """Check that the digits of ``number`` certify ``depth`` terms of every candidate and
    approval to at least :data:`MIN_APPROVAL_DIGITS` decimals; refuse the search otherwise.

    Parameters
    ----------
    number : Digits
        x.
    lhs : sequence of RationalLhs
        The search's distinct left-hand sides.
    signs : sequence of sign periods
    depth : int
        Terms every candidate must have.
    digits : int
        Digits asked of an approval.
    given : Digits, optional
        The number as the user gave it, when ``number`` is its cut to the digits a search
        uses (:func:`working_digits`): what refusals name.

    Raises
    ------
    InvalidParameter
        ``depth: 100 needs about N digits of the number; FILE gives 60: ...`` when a candidate
        has fewer certified terms, or ``digits: ...`` when approval would compare fewer than
        :data:`MIN_APPROVAL_DIGITS` decimals.

    Examples
    --------
    >>> from esma.digits import parse_digits
    >>> from esma.transforms import enumerate_lhs
    >>> x = parse_digits("2.7182818284590452353602874713526624977572470936999595749669676277",
    ...                  source="e.txt")
    >>> check_data(x, enumerate_lhs(1, 1)[:4], [(1,), (-1,)], 100, 1000)
    Traceback (most recent call last):
    ...
    esma.errors.InvalidParameter: depth: 100 needs about 120 digits of the number; e.txt gives 65: give more digits or a smaller depth
    >>> check_data(x, enumerate_lhs(1, 1)[:4], [(1,), (-1,)], 40, 1000).approval
    (63, 63)
    """
    values = [number.image(f.num, f.den, f.text) for f in lhs]
    given = given or number
    have, origin = given.known_digits, _origin(given)
    if _shortest(number, lhs, values, signs, depth) < depth:
        need = _estimate(number, lhs, values, signs, depth)
        if number.digits < given.digits and need <= have:  # the cut is what falls short
            raise InvalidParameter(
                f"depth: {depth} needs about {need} digits of the number, more than the "
                f"{number.digits} a search with these digits and depth uses of the "
                f"{have} {origin} gives: raise the digits asked",
                parameter="depth",
            )
        raise InvalidParameter(
            f"depth: {depth} needs about {need} digits of the number; {origin} gives {have}: "
            "give more digits or a smaller depth",
            parameter="depth",
        )
    approval = [approval_digits(v, digits) for v in values or [number]]
    low = min(approval)
    if low < MIN_APPROVAL_DIGITS:
        raise InvalidParameter(
            f"digits: {origin} gives {have} digits, which approve a formula to only "
            f"{max(low, 0)} decimals; approval needs at least {MIN_APPROVAL_DIGITS}: give more "
            "digits",
            parameter="digits",
        )
    return DataCheck(len(values) * len(signs), (low, max(approval)), digits)


def _shortest(
    number: Digits,
    lhs: Sequence[RationalLhs],
    values: Sequence[DigitsImage],
    signs: Sequence[Signs],
    depth: int,
    *,
    exact: bool = True,
) -> int:
    """The fewest terms (at most ``depth``) the digits certify of a candidate.

    Gosper's algorithm on x's regular continued fraction (every term the interval certifies)
    first: a term it emits holds for every number whose expansion starts so, hence for the
    whole interval of x. Its cylinder is wider than the interval, so with ``exact`` a candidate
    it leaves short is expanded exactly over its own interval (what the search's exact path
    does), and the first one short there too ends the check. Without ``exact``, the fewest
    terms Gosper's algorithm certifies (a lower bound, for estimates).
    """
    from esma.expansion import interval_cf, iter_signed_terms
    from esma.kernels.plain import homographic_terms

    x_cf = list(interval_cf(*number.interval()))
    shortest = depth
    for f, value in zip(lhs, values, strict=True):
        if f.degree == 1:
            num, den = f.num + (0,), f.den + (0,)
            matrix, cf = [num[1], num[0], den[1], den[0]], x_cf
        else:
            matrix, cf = [1, 0, 0, 1], list(interval_cf(*value.interval()))
        for period in signs:
            count = _count(homographic_terms(matrix, period, cf), depth)
            if count < depth and exact:
                count = _count(iter_signed_terms(value, period), depth)
                if count < depth:
                    return count
            shortest = min(shortest, count)
    return shortest


def _estimate(
    number: Digits,
    lhs: Sequence[RationalLhs],
    values: Sequence[DigitsImage],
    signs: Sequence[Signs],
    depth: int,
) -> int:
    """About how many digits certify ``depth`` terms of every candidate, when the digits given
    do not: extrapolated from the shortest candidate (by Gosper's algorithm, a cheap lower
    bound) at these digits and at half of them, as terms ∝ digits^γ (γ ≈ 1 where terms stay
    small, as π's do, below 1 where they grow, as e's do); rounded up to tens. ``values``: the
    images of ``lhs`` over ``number``."""
    given = number.known_digits
    gamma = 1.0
    terms = _shortest(number, lhs, values, signs, depth, exact=False)
    if given >= 8 and terms >= 4:
        half = number.cut(given // 2)  # known to about half the digits
        try:
            values = [half.image(f.num, f.den, f.text) for f in lhs]
        except InvalidParameter:  # a pole inside the wider interval: no second point
            values = None
        fewer = _shortest(half, lhs, values, signs, depth, exact=False) if values else 0
        if fewer >= 2:
            gamma = min(max(math.log(terms / fewer, 2), 0.5), 1.5)
    need = given * (depth / max(terms, 1)) ** (1 / gamma)
    return math.ceil(need / 10) * 10


def _count(terms, limit: int) -> int:
    return sum(1 for _ in islice(terms, limit))


def _origin(number: Digits) -> str:
    """How a refusal names where the digits came from."""
    origin = number.origin
    if origin in (None, "constant"):
        return "CONSTANT" if origin == "constant" else "the number"
    return origin
