"""The one place that sets working precision, and the guard bits esma adds, decided once.

python-flint's ``ctx.prec`` and mpmath's ``mp.prec`` are process-wide: a thread that sets one
changes it for every other thread, in the middle of whatever they compute. Dask runs search chunks
in threads, so esma never assigns either anywhere else: every ball operation whose result depends
on the precision runs inside :func:`working_precision`, which holds a process-wide re-entrant lock
for as long as the precision is set. Two threads therefore never see each other's precision, and a
computation gives exactly the ball it gives alone. python-flint keeps the interpreter lock while it
computes, so the lock costs no parallelism that threads had.

>>> from flint import arb
>>> with working_precision(20):
...     third = arb(1) / 3
>>> third.rel_accuracy_bits(), (arb(1) / 3).rel_accuracy_bits()
(18, 51)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from esma.errors import check_int

__all__ = ["CHECK_BITS", "GUARD_BITS", "precision_cap", "working_precision"]

#: Bits of working precision above the accuracy wanted. Each ball operation loses about a bit of
#: relative accuracy, so 64 guard bits let a formula of a few dozen operations deliver the bits
#: asked for in one pass; cancellation that eats more is caught by the caller, which doubles the
#: precision (:func:`esma.evaluation.evaluate`).
GUARD_BITS = 64

#: Precision at which a ball's bounds are rounded (outward, so always rigorously) when a check
#: compares them with a threshold: "is the radius below 2**-bits of the value", "is |value| below
#: 2**64". It is python-flint's default precision, which these checks have always used; a few bits
#: would do, but another number could tip a borderline decision and so change the ball a
#: computation settles on.
CHECK_BITS = 53

#: Evaluation gives up at ``PRECISION_CAP_FACTOR * bits + PRECISION_CAP_EXTRA`` bits: a value that
#: needs more is zero or too close to it for the accuracy asked (cancellation of thousands of bits
#: in a formula a person types means an exact zero), and the cap keeps a hostile expression cheap.
PRECISION_CAP_FACTOR = 4
PRECISION_CAP_EXTRA = 4096

# Held while a working precision is set. Re-entrant: a computation at one precision may compute an
# ingredient at another (a left-hand side evaluates its constant with more bits).
_LOCK = threading.RLock()


def precision_cap(bits: int) -> int:
    """The most working precision spent to certify ``bits`` bits of a value.

    >>> precision_cap(1000)
    8096
    """
    return PRECISION_CAP_FACTOR * bits + PRECISION_CAP_EXTRA


@contextmanager
def working_precision(bits: int, *, mpmath: bool = False) -> Iterator[None]:
    """Compute with python-flint (and mpmath, if asked) at ``bits`` bits inside the block.

    The previous precision is restored on leaving, also on an exception. While the block runs
    this thread holds esma's precision lock, so no other thread changes the precision under it
    (and another thread that wants a precision waits for the block to end).

    Parameters
    ----------
    bits
        Working precision in bits (at least 2).
    mpmath
        Also set ``mpmath.mp.prec`` to ``bits`` (imports mpmath).

    >>> import mpmath
    >>> with working_precision(100, mpmath=True):
    ...     mpmath.mp.prec
    100
    """
    from flint import ctx

    bits = check_int("bits", bits, 2)
    with _LOCK:
        old = ctx.prec
        if mpmath:
            from mpmath import mp

            old_mp = mp.prec
        try:
            ctx.prec = bits
            if mpmath:
                mp.prec = bits
            yield
        finally:
            ctx.prec = old
            if mpmath:
                mp.prec = old_mp
