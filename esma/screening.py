"""Batch screening of many candidates in one compiled call (the fast path of the search).

:func:`esma.search.screen` expands one candidate at a time with certified interval arithmetic
(~0.3 ms each). Here a whole block, every Möbius map y = (a·c + b)/(d·c + e) times every sign
period, is screened inside one numba call: Gosper's homographic algorithm turns the regular
continued fraction of c (computed and certified once) into the signed expansion of each y with
small integers, and Berlekamp-Massey mod p screens the terms with the same early abort.

Every term the kernel emits is proven (it is the same for every tail of c's continued fraction),
so a decided verdict is the exact path's verdict. When the kernel cannot decide (c's known
partial quotients ran out, or an integer would have outgrown int64) the outcome is
``UNDECIDED`` and the caller re-screens that candidate on the exact path.

>>> from esma.constants import get_constant
>>> from esma.expansion import regular_cf
>>> from esma.transforms import canonical
>>> cf = regular_cf(get_constant("e"), 80).terms
>>> out = screen_mobius_block(cf, [canonical((-1, 1), (1,))], [(-1, 1), (-1,)], 30, 6)
>>> [o.status.name for o in out]                       # e - 1 with signs [-1, 1]: 2, 3, 2, 5, …
['FLAGGED', 'REJECTED']
>>> out[0].terms[:8]
(2, 3, 2, 5, 2, 7, 2, 9)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from esma.errors import InvalidParameter, check_int, is_int
from esma.massey import PRIMES, check_modulus
from esma.signs import Signs, parse_signs

if TYPE_CHECKING:
    from esma.transforms import RationalLhs

__all__ = [
    "FLAGGED",
    "REJECTED",
    "UNDECIDED",
    "ScreenOutcome",
    "ScreenStatus",
    "screen_mobius_block",
    "screen_values_block",
    "screening_cf",
]


class ScreenStatus(IntEnum):
    """Verdict of the screen on one candidate; the values are the kernel's status codes."""

    REJECTED = 0  #: linear complexity above the bound: no short recurrence
    FLAGGED = 1  #: linear complexity at most the bound: worth approving
    UNDECIDED = 2  #: the fast path could not decide; re-screen on the exact path


#: Deepest expansion the kernel takes (its Berlekamp-Massey sums rely on it; searches stop at
#: 100,000).
MAX_DEPTH = 2**18

REJECTED = ScreenStatus.REJECTED
FLAGGED = ScreenStatus.FLAGGED
UNDECIDED = ScreenStatus.UNDECIDED


@dataclass(frozen=True)
class ScreenOutcome:
    """What the screen says about one (left-hand side, sign period) candidate.

    Attributes
    ----------
    status : ScreenStatus
        ``FLAGGED``, ``REJECTED`` or ``UNDECIDED`` (an int).
    complexity : int
        Linear complexity L mod p of the terms when flagged; when rejected, that of the prefix
        at which Berlekamp-Massey stopped (a lower bound, above the bound); 0 when undecided.
    terms : tuple of int or None
        The ``depth`` certified terms when flagged, else None.
    """

    status: ScreenStatus
    complexity: int
    terms: tuple[int, ...] | None


def _cf_prefix(name: str, cf: Sequence[int], limit: int) -> list[int]:
    """The usable prefix of a regular continued fraction: up to the first oversized entry."""
    parameter = name.split("[")[0]  # value_cfs[2] is an item of the parameter value_cfs
    if isinstance(cf, (str, bytes)) or not hasattr(cf, "__len__"):
        raise InvalidParameter(
            f"{name}: expected a sequence of integers, got {type(cf).__name__}",
            parameter=parameter,
        )
    usual = len(cf) and type(cf[0]) is int and abs(cf[0]) <= limit
    if usual and all(type(a) is int and 0 < a <= limit for a in cf[1:]):
        return list(cf)  # the usual case (screening_cf output), checked without ABCs
    out: list[int] = []
    for k, a in enumerate(cf):
        if not is_int(a):
            raise InvalidParameter(f"{name}[{k}]: {a!r} is not an integer", parameter=parameter)
        a = int(a)
        if k > 0 and a < 1:
            raise InvalidParameter(
                f"{name}[{k}]: {a} is not a regular continued fraction's partial quotient "
                "(those after the first are >= 1)",
                parameter=parameter,
            )
        if abs(a) > limit:
            break  # a huge quotient ends what int64 can use; the rest is the exact path's
        out.append(a)
    return out


def _sign_arrays(signs: Sequence[Signs]):
    import numpy as np

    if isinstance(signs, str) or not hasattr(signs, "__len__") or len(signs) == 0:
        raise InvalidParameter(
            "signs: expected a non-empty list of sign periods like (1, -1)", parameter="signs"
        )
    periods = [parse_signs(s) for s in signs]
    width = max(len(s) for s in periods)
    rows = np.zeros((len(periods), width), dtype=np.int64)
    for j, s in enumerate(periods):
        rows[j, : len(s)] = s
    return rows, np.array([len(s) for s in periods], dtype=np.int64)


def _outcomes(status, complexity, terms) -> list[ScreenOutcome]:
    # Outcomes are frozen, so the few distinct non-flagged ones are shared rather than rebuilt:
    # this loop is the only per-candidate Python work.
    shared: dict[tuple[int, int], ScreenOutcome] = {}
    out: list[ScreenOutcome] = []
    append = out.append
    for k, (st, L) in enumerate(zip(status.tolist(), complexity.tolist(), strict=True)):
        if st == 1:
            append(ScreenOutcome(FLAGGED, L, tuple(terms[k].tolist())))
            continue
        o = shared.get((st, L))
        if o is None:
            o = shared[st, L] = ScreenOutcome(ScreenStatus(st), L, None)
        append(o)
    return out


def _run(maps, cfs: list[list[int]], signs, depth, bound, modulus) -> list[ScreenOutcome]:
    import numpy as np

    from esma.kernels.screen import MAX_LIMIT, screen_block

    depth = check_int("depth", depth, 1, MAX_DEPTH)
    # The complexity of depth terms is at most depth, so a larger bound means the same (and
    # must not overflow int64 on its way into the kernel).
    bound = min(check_int("bound", bound, 0), depth)
    p = check_modulus(modulus)
    sign_rows, sign_lens = _sign_arrays(signs)
    width = max([1] + [len(cf) for cf in cfs])
    cf_rows = np.zeros((len(cfs), width), dtype=np.int64)
    for k, cf in enumerate(cfs):
        cf_rows[k, : len(cf)] = cf
    cf_lens = np.array([len(cf) for cf in cfs], dtype=np.int64)
    status, complexity, terms = screen_block(
        maps, sign_rows, sign_lens, cf_rows, cf_lens, depth, bound, p, MAX_LIMIT
    )
    return _outcomes(status, complexity, terms)


def screening_cf(value: Any, depth: int) -> tuple[int, ...]:
    """Enough certified regular continued fraction of ``value`` to screen ``depth`` terms.

    Partial quotients are taken until the convergents pin ``value`` to the precision the exact
    path starts with (:func:`esma.expansion.initial_bits`, 16 bits a term): measured on e, π, φ
    and ζ(3) with Möbius maps |coef| <= 3 and sign periods 1-4 at depth 105, that leaves no
    candidate undecided for want of terms (half as many leaves some for e and φ). A candidate
    that needs more is ``UNDECIDED``, never wrong. Stops early at a quotient too large for the
    kernel, or where a rational value's expansion ends.

    Parameters
    ----------
    value : Constant, LhsValue, int or Fraction
        Anything :func:`esma.expansion.iter_signed_terms` expands.
    depth : int
        The screening depth the prefix is meant for.

    Returns
    -------
    tuple of int

    >>> from esma.constants import get_constant
    >>> screening_cf(get_constant("pi"), 8)[:5]
    (3, 7, 15, 1, 292)
    """
    import gmpy2

    from esma.expansion import initial_bits, interval_cf, interval_source
    from esma.kernels.screen import MAX_LIMIT

    depth = check_int("depth", depth, 1, MAX_DEPTH)
    bits = initial_bits(depth)
    source = interval_source(value)
    work = bits + 64
    while True:
        out: list[int] = []
        q_prev, q = 1, 0  # q_{-2}, q_{-1}: convergent denominators
        # |value - p_k/q_k| < 1/q_k², so q_k² > 2**bits pins value to the target precision.
        lo, hi, den = source(work)
        # Euclid on GMP integers: 1.3-1.5 times Python's at these sizes, and this is most of a
        # degree-2 search's time (tests/benchmarks/bench_bigint.py).
        for a in interval_cf(gmpy2.mpz(lo), gmpy2.mpz(hi), gmpy2.mpz(den)):
            if abs(a) > MAX_LIMIT:
                return tuple(out)
            out.append(int(a))
            q_prev, q = q, a * q + q_prev
            if 2 * (q.bit_length() - 1) > bits:
                return tuple(out)
        if lo == hi or work > 64 * bits:  # an exact rational ended, or it will not resolve
            return tuple(out)
        work *= 2


def screen_mobius_block(
    constant_cf: Sequence[int],
    lhs: Sequence[RationalLhs],
    signs: Sequence[Signs],
    depth: int,
    bound: int,
    modulus: int = PRIMES[0],
) -> list[ScreenOutcome]:
    """Screen every Möbius left-hand side at a constant with every sign period, in one call.

    Parameters
    ----------
    constant_cf : sequence of int
        Certified partial quotients of the constant's regular continued fraction:
        :func:`screening_cf` ``(constant, depth)``, or ``regular_cf(constant, N).terms``. Only
        the prefix before the first quotient above 2**60 is used. Too few terms make candidates
        ``UNDECIDED``, never wrong.
    lhs : sequence of RationalLhs
        Degree-1 left-hand sides (a·x + b)/(d·x + e): ``num = (b, a)``, ``den = (e, d)``
        (shorter tuples when the top coefficient is absent).
    signs : sequence of tuple of int
        Sign periods, each a non-empty tuple of ±1 (or text such as ``"+-"``).
    depth : int
        Terms to expand for a candidate that survives the early abort (>= 1).
    bound : int
        Flag bound K (>= 0): flagged when the linear complexity mod ``modulus`` is at most K.
    modulus : int, default PRIMES[0]
        Prime below 2**31 for Berlekamp-Massey (the exact path's default).

    Returns
    -------
    list of ScreenOutcome
        One per candidate, in the order ``for f in lhs: for s in signs``. Where the status is
        ``FLAGGED`` or ``REJECTED`` it equals what :func:`esma.search.screen` decides (with
        ``terms`` equal to its terms when flagged); ``UNDECIDED`` candidates (constant maps,
        too short ``constant_cf``, int64 overflow) need the exact path.

    Examples
    --------
    >>> from esma.transforms import canonical
    >>> phi_cf = [1] * 60                                 # φ = [1; 1, 1, …]
    >>> out = screen_mobius_block(phi_cf, [canonical((0, 1), (1,))], [(1,)], 12, 3)
    >>> out[0].status.name, out[0].complexity, out[0].terms[:4]
    ('FLAGGED', 1, (1, 1, 1, 1))
    """
    import numpy as np

    from esma.kernels.screen import MAX_LIMIT

    if isinstance(lhs, (str, bytes)) or not hasattr(lhs, "__len__"):
        raise InvalidParameter(
            f"lhs: expected a list of RationalLhs, got {type(lhs).__name__}", parameter="lhs"
        )
    maps = np.zeros((len(lhs), 4), dtype=np.int64)
    for i, f in enumerate(lhs):
        num, den = getattr(f, "num", None), getattr(f, "den", None)
        if not isinstance(num, tuple) or not isinstance(den, tuple) or not num or not den:
            raise InvalidParameter(f"lhs[{i}]: {f!r} is not a RationalLhs", parameter="lhs")
        if len(num) > 2 or len(den) > 2:
            raise InvalidParameter(
                f"lhs[{i}]: {f!r} has degree {max(len(num), len(den)) - 1}; this screen takes "
                "Möbius maps (degree 1); use screen_values_block with the value's own expansion",
                parameter="lhs",
            )
        row = (num[1] if len(num) > 1 else 0, num[0], den[1] if len(den) > 1 else 0, den[0])
        if not all(is_int(x) for x in row):
            raise InvalidParameter(
                f"lhs[{i}]: coefficients of {f!r} must be integers", parameter="lhs"
            )
        if max(abs(int(x)) for x in row) < 2**31:
            maps[i] = row  # larger coefficients: an all-zero row, left UNDECIDED by the kernel
    cf = _cf_prefix("constant_cf", constant_cf, MAX_LIMIT)
    return _run(maps, [cf], signs, depth, bound, modulus)


def screen_values_block(
    value_cfs: Sequence[Sequence[int]],
    signs: Sequence[Signs],
    depth: int,
    bound: int,
    modulus: int = PRIMES[0],
) -> list[ScreenOutcome]:
    """Screen values given by their own regular continued fractions, with every sign period.

    For left-hand sides of degree 2 and more Gosper's map is not a Möbius map of c; instead the
    caller expands each value y's certified regular continued fraction once
    (:func:`screening_cf`), and every sign period is then derived from it with the identity
    map, in one compiled call.

    Parameters
    ----------
    value_cfs : sequence of sequence of int
        One certified regular continued fraction (prefix) per value.
    signs, depth, bound, modulus
        As in :func:`screen_mobius_block`.

    Returns
    -------
    list of ScreenOutcome
        One per candidate, in the order ``for y in value_cfs: for s in signs``.

    Examples
    --------
    >>> out = screen_values_block([[1] + [2] * 40], ["-", "+"], 10, 3)   # √2 = [1; 2, 2, …]
    >>> [o.terms for o in out]                      # √2 = 2 - 1/(2 - 1/(4 - 1/(2 - …)))
    [(2, 2, 4, 2, 4, 2, 4, 2, 4, 2), (1, 2, 2, 2, 2, 2, 2, 2, 2, 2)]
    """
    import numpy as np

    from esma.kernels.screen import MAX_LIMIT

    if isinstance(value_cfs, (str, bytes)) or not hasattr(value_cfs, "__len__"):
        raise InvalidParameter(
            "value_cfs: expected a list of continued fractions (lists of int)",
            parameter="value_cfs",
        )
    cfs = [_cf_prefix(f"value_cfs[{i}]", cf, MAX_LIMIT) for i, cf in enumerate(value_cfs)]
    maps = np.zeros((len(cfs), 4), dtype=np.int64)
    maps[:, 0] = 1
    maps[:, 3] = 1
    return _run(maps, cfs, signs, depth, bound, modulus)
