"""Exceptions raised by esma.

Every error a user can cause derives from :class:`EsmaError`; the CLI turns it into one line on
stderr and exit status 2.

>>> issubclass(InvalidExpression, EsmaError) and issubclass(InvalidExpression, ValueError)
True
"""

from __future__ import annotations

import numbers
from typing import Any


class EsmaError(Exception):
    """Base class of every error esma raises on purpose."""


class InvalidExpression(EsmaError, ValueError):
    """User text is not an expression esma accepts (syntax, unknown name, abuse, rational value)."""


class InvalidParameter(EsmaError, ValueError):
    """An argument is out of range or of the wrong form.

    The message starts with the parameter's library name (``depth: ...``) and ``parameter`` holds
    that name, so the command line can say ``--depth`` where the library says ``depth``.

    >>> InvalidParameter("depth: 5 must be an integer from 8 to 100000", parameter="depth").parameter
    'depth'
    """

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


class PrecisionExhausted(EsmaError, ArithmeticError):
    """More digits were needed than the precision cap allows (the value may be rational)."""


class InvalidRecord(EsmaError, ValueError):
    """A conjecture record (JSON line, database row) is malformed; the message says where."""


class StoreError(EsmaError):
    """The conjecture database cannot be opened or written."""


def check_int(name: str, value: Any, low: int = 0, high: int | None = None) -> int:
    """``value`` as an int in ``low..high``, or InvalidParameter naming ``name``.

    >>> check_int("jobs", 2, 1)
    2
    >>> check_int("depth", True, 1)
    Traceback (most recent call last):
    ...
    esma.errors.InvalidParameter: depth: True must be an integer >= 1
    """
    if not is_int(value) or value < low or (high is not None and value > high):
        span = f"from {low} to {high}" if high is not None else f">= {low}"
        raise InvalidParameter(f"{name}: {value!r} must be an integer {span}", parameter=name)
    return int(value)


def is_int(value: Any) -> bool:
    """True for an integer of any kind (int, numpy integer, ...) that is not a bool.

    >>> is_int(3), is_int(True), is_int(3.0)
    (True, False, False)
    """
    # type() first: most values are plain ints, and the ABC check costs several times more.
    return type(value) is int or (
        isinstance(value, numbers.Integral) and not isinstance(value, bool)
    )


def all_plain_ints(values: Any) -> bool:
    """True when every item is exactly ``int`` (not bool, not numpy): the common case of terms
    and records, checked without an ABC lookup per item.

    >>> all_plain_ints([1, 2**70]), all_plain_ints([1, True])
    (True, False)
    """
    return {int}.issuperset(map(type, values))


def one_line(exc: BaseException, limit: int = 300) -> str:
    """An exception's message on one line, at most ``limit`` characters; for a database error
    the driver's own message (``exc.orig``).

    >>> one_line(ValueError("two\\nlines"))
    'two lines'
    """
    inner = getattr(exc, "orig", None) or exc
    text = " ".join(str(inner).split()) or type(inner).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."
