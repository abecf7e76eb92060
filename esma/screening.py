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
from esma.kernels.plain import MAX_LIMIT
from esma.massey import PRIMES, check_modulus
from esma.signs import Signs, parse_signs

if TYPE_CHECKING:
    from esma.transforms import RationalLhs

__all__ = [
    "FLAGGED",
    "HEAD_BITS_PER_TERM",
    "REJECTED",
    "UNDECIDED",
    "ScreenOutcome",
    "ScreenStatus",
    "call_screen_block",
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


def _sign_rows(signs: Sequence[Signs]) -> list[Signs]:
    if isinstance(signs, str) or not hasattr(signs, "__len__") or len(signs) == 0:
        raise InvalidParameter(
            "signs: expected a non-empty list of sign periods like (1, -1)", parameter="signs"
        )
    return [parse_signs(s) for s in signs]


def _padded(rows: Sequence[Sequence[int]]):
    """Rows of different lengths as one zero-padded int64 matrix, and the lengths."""
    import numpy as np

    width = max([1] + [len(r) for r in rows])
    out = np.zeros((len(rows), width), dtype=np.int64)
    for k, row in enumerate(rows):
        out[k, : len(row)] = row
    return out, np.array([len(r) for r in rows], dtype=np.int64)


def _outcomes(status, complexity, terms) -> list[ScreenOutcome]:
    # Outcomes are frozen, so the few distinct non-flagged ones are shared rather than rebuilt:
    # this loop is the only per-candidate Python work.
    shared: dict[tuple[int, int], ScreenOutcome] = {}
    out: list[ScreenOutcome] = []
    append = out.append
    for k, (st, L) in enumerate(zip(status, complexity, strict=True)):
        if st == 1:
            row = terms[k]  # a list, or a row of the kernel's int64 matrix
            append(
                ScreenOutcome(FLAGGED, L, tuple(row.tolist() if hasattr(row, "tolist") else row))
            )
            continue
        o = shared.get((st, L))
        if o is None:
            o = shared[st, L] = ScreenOutcome(ScreenStatus(st), L, None)
        append(o)
    return out


#: CPU seconds the plain twin spends on one candidate at depth ~100 (~0.25-0.3 ms for e and π,
#: Möbius maps, periods 1-4): what :func:`esma.kernels.policy.compiled` weighs against loading numba.
PLAIN_SECONDS_PER_CANDIDATE = 3e-4


def _run(
    maps: list[list[int]],
    cfs: list[list[int]],
    signs,
    depth,
    bound,
    modulus,
    compiled: bool | None,
) -> list[ScreenOutcome]:
    from esma.kernels.policy import compiled as use_compiled

    depth = check_int("depth", depth, 1, MAX_DEPTH)
    # The complexity of depth terms is at most depth, so a larger bound means the same (and
    # must not overflow int64 on its way into the kernel).
    bound = min(check_int("bound", bound, 0), depth)
    p = check_modulus(modulus)
    rows = _sign_rows(signs)
    if compiled is None:
        work = len(maps) * len(rows) * depth / 100 * PLAIN_SECONDS_PER_CANDIDATE
        compiled = use_compiled(work)
    if not compiled:
        from esma.kernels.plain import screen_block_py

        lens = [len(cf) for cf in cfs]
        status, complexity, terms = screen_block_py(
            maps, rows, [len(r) for r in rows], cfs, lens, depth, bound, p, MAX_LIMIT
        )
        return _outcomes(status, complexity, terms)
    from esma.kernels.native import kernels

    status, complexity, terms = call_screen_block(
        kernels().screen_block, maps, rows, cfs, depth, bound, p
    )
    return _outcomes(status.tolist(), complexity.tolist(), terms)


def call_screen_block(
    screen_block: Any,
    maps: Sequence[Sequence[int]],
    signs: Sequence[Sequence[int]],
    cfs: Sequence[Sequence[int]],
    depth: int,
    bound: int,
    p: int,
) -> tuple:
    """``screen_block`` (the compiled kernel: JIT or native) on lists, as int64 arrays: maps
    ``(p, q, r, s)``, sign periods and continued fractions, the last two padded to rows.

    >>> from esma.kernels.native import kernels
    >>> e_cf = [2, 1, 2, 1, 1, 4, 1, 1, 6, 1, 1, 8, 1, 1, 10, 1, 1, 12, 1, 1, 14]
    >>> status, L, terms = call_screen_block(kernels().screen_block, [[1, -1, 0, 1]], [[-1, 1]],
    ...                                      [e_cf], 12, 4, 101)
    >>> status.tolist(), L.tolist(), terms[0, :6].tolist()   # e - 1 = 2 - 1/(3 + 1/(2 - …))
    ([1], [4], [2, 3, 2, 5, 2, 7])
    """
    import numpy as np

    sign_rows, sign_lens = _padded(signs)
    cf_rows, cf_lens = _padded(cfs)
    return screen_block(
        np.array(maps, dtype=np.int64).reshape(len(maps), 4),
        sign_rows,
        sign_lens,
        cf_rows,
        cf_lens,
        depth,
        bound,
        p,
        MAX_LIMIT,
    )


def screening_cf(value: Any, depth: int, *, bits: int | None = None) -> tuple[int, ...]:
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
    bits : int, optional
        Pin ``value`` to this many bits instead (a shorter prefix, for a first pass that
        decides most candidates; see :data:`HEAD_BITS_PER_TERM`).

    Returns
    -------
    tuple of int
        A prefix of the regular continued fraction: a shorter ``bits`` gives a prefix of what a
        longer one gives.

    >>> from esma.constants import get_constant
    >>> screening_cf(get_constant("pi"), 8)[:5]
    (3, 7, 15, 1, 292)
    """
    from esma.expansion import has_fixed_interval, initial_bits, interval_source

    depth = check_int("depth", depth, 1, MAX_DEPTH)
    bits = initial_bits(depth) if bits is None else check_int("bits", bits, 1)
    source = interval_source(value)
    fixed = has_fixed_interval(value)  # a number given by its digits: no more bits to ask
    work = bits + 64
    while True:
        out: list[int] = []
        q_prev, q = 1, 0  # q_{-2}, q_{-1}: convergent denominators
        # |value - p_k/q_k| < 1/q_k², so q_k² > 2**bits pins value to the target precision.
        lo, hi, den = source(work)
        # esma.expansion.interval_cf's Euclid on both ends, written out here with the stop test
        # on q (a generator per value costs a fifth of this loop), on GMP integers past ~2,000
        # bits: 1.3-1.5 times Python's there (tests/benchmarks/bench_bigint.py), slower below,
        # where importing gmpy2 would also cost a small search more than it saves.
        if work > 2048:
            import gmpy2

            n_lo, d_lo, n_hi = gmpy2.mpz(lo), gmpy2.mpz(den), gmpy2.mpz(hi)
        else:
            n_lo, d_lo, n_hi = lo, den, hi
        d_hi = d_lo
        while d_lo and d_hi:
            a, r_lo = divmod(n_lo, d_lo)
            if a != n_hi // d_hi:
                break
            r_hi = n_hi - a * d_hi
            if (r_lo == 0 or r_hi == 0) and not (r_lo == 0 and r_hi == 0):
                break  # an end is [..., a] = [..., a - 1, 1]: a is not certain
            if abs(a) > MAX_LIMIT:
                return tuple(out)
            out.append(int(a))
            q_prev, q = q, a * q + q_prev
            if 2 * (q.bit_length() - 1) > bits:
                return tuple(out)
            if r_lo == 0:
                break  # both ends are this rational: its expansion ends here
            n_lo, d_lo, n_hi, d_hi = d_hi, r_hi, d_lo, r_lo
        if lo == hi or fixed or work > 64 * bits:  # ended, all the data used, or unresolved
            return tuple(out)
        work *= 2


#: Bits per term of the screen's first 2K + 4 terms (where a random-looking candidate is
#: rejected) that a first, cheaper pass of :func:`screening_cf` pins a value of degree >= 2 to.
#: Measured on e, degree 2, |coef| <= 2, periods 1-4, depth 100: 8 bits a term leaves ~1.4% of
#: the values with a candidate undecided, 4 bits ~14%; those get the full prefix, so every
#: verdict is the one the full prefix gives.
HEAD_BITS_PER_TERM = 8


def screen_mobius_block(
    constant_cf: Sequence[int],
    lhs: Sequence[RationalLhs],
    signs: Sequence[Signs],
    depth: int,
    bound: int,
    modulus: int = PRIMES[0],
    *,
    compiled: bool | None = None,
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
    compiled : bool, optional
        Run the numba kernel (True) or its plain twin (False); by default
        :func:`esma.kernels.policy.compiled` decides from the number of candidates. Both give the same
        outcomes.

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
    if isinstance(lhs, (str, bytes)) or not hasattr(lhs, "__len__"):
        raise InvalidParameter(
            f"lhs: expected a list of RationalLhs, got {type(lhs).__name__}", parameter="lhs"
        )
    maps: list[list[int]] = []
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
        row = [int(x) for x in row]
        # Larger coefficients: an all-zero row, left UNDECIDED by the kernel.
        maps.append(row if max(map(abs, row)) < 2**31 else [0, 0, 0, 0])
    cf = _cf_prefix("constant_cf", constant_cf, MAX_LIMIT)
    return _run(maps, [cf], signs, depth, bound, modulus, compiled)


def screen_values_block(
    value_cfs: Sequence[Sequence[int]],
    signs: Sequence[Signs],
    depth: int,
    bound: int,
    modulus: int = PRIMES[0],
    *,
    compiled: bool | None = None,
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
    signs, depth, bound, modulus, compiled
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
    if isinstance(value_cfs, (str, bytes)) or not hasattr(value_cfs, "__len__"):
        raise InvalidParameter(
            "value_cfs: expected a list of continued fractions (lists of int)",
            parameter="value_cfs",
        )
    cfs = [_cf_prefix(f"value_cfs[{i}]", cf, MAX_LIMIT) for i, cf in enumerate(value_cfs)]
    maps = [[1, 0, 0, 1] for _ in cfs]
    return _run(maps, cfs, signs, depth, bound, modulus, compiled)
