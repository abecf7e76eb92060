"""Sign periods of signed continued fractions.

A signed continued fraction y = a₀ + b₀/(a₁ + b₁/(a₂ + …)) has partial numerators b_n = ±1 that
repeat with a period σ: b_n = σ[n mod K]. This module parses periods typed by people and
enumerates the primitive ones (words that are not a power of a shorter word).

>>> parse_signs("+-+")
(1, -1, 1)
>>> primitive_periods(1, 2)
[(1,), (-1,), (1, -1), (-1, 1)]
"""

from __future__ import annotations

from itertools import product

from esma.errors import InvalidParameter

# format_signs (the inverse of parse_signs) is written in esma.notation with the other texts of
# formulas; it is part of this module's API too.
from esma.notation import format_signs

__all__ = [
    "MAX_PERIOD",
    "Signs",
    "format_signs",
    "is_primitive",
    "parse_periods",
    "parse_signs",
    "primitive_periods",
    "primitive_root",
]

Signs = tuple[int, ...]

#: Longest period the enumerator accepts: 2**16 words of length 16 is already a big search.
MAX_PERIOD = 16


def parse_signs(text: str | Signs | list[int]) -> Signs:
    """Parse one sign period: ``"+-+"``, ``"1,-1,1"`` or a sequence of ±1.

    Parameters
    ----------
    text : str or sequence of int
        The period, starting at b₀.

    Returns
    -------
    tuple of int
        The period as ±1 integers, exactly as given (not reduced to its primitive root).

    >>> parse_signs("1,-1")
    (1, -1)
    >>> parse_signs("-")
    (-1,)
    """
    if isinstance(text, str):
        s = text.strip().replace(" ", "")
        if not s:
            raise InvalidParameter(
                "signs: empty sign period; give e.g. '+-' or '1,-1'", parameter="signs"
            )
        if set(s) <= {"+", "-"}:
            values = [1 if ch == "+" else -1 for ch in s]
        else:
            try:
                values = [int(part) for part in s.split(",")]
            except ValueError:
                raise InvalidParameter(
                    f"signs: cannot read {text!r}; write a period like '+-+' or '1,-1,1'",
                    parameter="signs",
                ) from None
    else:
        values = list(text)
    if not values or any(v not in (1, -1) or isinstance(v, bool) for v in values):
        raise InvalidParameter(
            f"signs: {text!r} is not a period of +1/-1 values; write e.g. '+-+' or '1,-1,1'",
            parameter="signs",
        )
    if len(values) > MAX_PERIOD * 64:
        raise InvalidParameter(
            f"signs: period of length {len(values)} is too long", parameter="signs"
        )
    return tuple(values)


def primitive_root(signs: Signs) -> Signs:
    """The shortest word whose repetition gives ``signs`` (``(1, 1)`` → ``(1,)``).

    >>> primitive_root((1, -1, 1, -1))
    (1, -1)
    """
    k = len(signs)
    for d in range(1, k + 1):
        if k % d == 0 and signs == signs[:d] * (k // d):
            return signs[:d]
    return signs  # pragma: no cover - d = k always matches


def is_primitive(signs: Signs) -> bool:
    """True when ``signs`` is not a power of a shorter word.

    >>> is_primitive((1, 1)), is_primitive((1, 1, -1))
    (False, True)
    """
    return primitive_root(signs) == tuple(signs)


def primitive_periods(shortest: int, longest: int) -> list[Signs]:
    """Every primitive ±1 word with length in ``shortest..longest``.

    Rotations are distinct periods (b₀ is where the period starts), so they are all kept. Order
    is deterministic: by length, then with +1 before -1 position by position.

    >>> len(primitive_periods(1, 4))  # 2 + 2 + 6 + 12
    22
    """
    parse_periods(f"{shortest}-{longest}")  # validates
    out: list[Signs] = []
    for k in range(shortest, longest + 1):
        out.extend(w for w in product((1, -1), repeat=k) if is_primitive(w))
    return out


def parse_periods(text: str) -> tuple[int, int]:
    """Parse a range of period lengths ``"A-B"`` (or a single ``"K"``).

    >>> parse_periods("1-3"), parse_periods("2")
    ((1, 3), (2, 2))
    """
    parts = str(text).strip().split("-")
    try:
        if len(parts) == 1:
            a = b = int(parts[0])
        elif len(parts) == 2:
            a, b = int(parts[0]), int(parts[1])
        else:
            raise ValueError
    except ValueError:
        raise InvalidParameter(
            f"periods: cannot read {text!r}; write a range of lengths like '1-3'",
            parameter="periods",
        ) from None
    if a < 1 or b < a or b > MAX_PERIOD:
        raise InvalidParameter(
            f"periods: {text!r} is not a range A-B with 1 <= A <= B <= {MAX_PERIOD}",
            parameter="periods",
        )
    return a, b
