"""Berlekamp-Massey: linear complexity mod p, and exact integer recurrences by multi-prime lifting.

The public functions check their arguments, reduce big integers modulo a prime in Python and
hand int64 arrays to the compiled kernel :func:`esma.kernels.bm.bm_mod_p` (or, for work too small
to repay loading numba, lists to its plain twin; :func:`esma.kernels.policy.compiled` decides).

>>> berlekamp_massey([1, 1, 2, 3, 5, 8, 13, 21]).complexity
2
>>> find_recurrence([2, 1, 2, 1, 1, 4, 1, 1, 6, 1, 1, 8, 1, 1, 10, 1, 1, 12]).formula()
'a(n) = 2*a(n-3) - a(n-6) for n >= 7'
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from esma.errors import InvalidParameter, all_plain_ints, check_int, is_int
from esma.recurrence import Recurrence

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "PRIMES",
    "ModularLFSR",
    "berlekamp_massey",
    "check_modulus",
    "find_recurrence",
    "linear_complexity",
]

#: The largest primes below 2**31 (sympy.prevprime, descending). Below 2**31 the kernel's int64
#: products of two residues are exact; several primes are combined by CRT for exact answers.
PRIMES: tuple[int, ...] = (
    2147483647,
    2147483629,
    2147483587,
    2147483579,
    2147483563,
    2147483549,
    2147483543,
    2147483497,
)

_P_LIMIT = 2**31
_INT64_MAX = 2**63 - 1
#: Primes tried by find_recurrence before it falls back to exact rational Berlekamp-Massey:
#: 16 primes lift any charpoly coefficient below ~2**490 in absolute value.
_MAX_PRIMES = 16


@dataclass(frozen=True)
class ModularLFSR:
    """The shortest linear feedback shift register of a sequence over GF(p).

    Attributes
    ----------
    connection : tuple of int
        ``C[0..L]`` in ``[0, p)``, ``C[0] = 1``: ``sum_j C[j] a_{n-j} = 0 (mod p)`` for ``n >= L``
        (``deg C <= L``; the last entries may be 0).
    complexity : int
        The linear complexity ``L``.
    modulus : int
        The prime ``p``.
    """

    connection: tuple[int, ...]
    complexity: int
    modulus: int


@lru_cache(maxsize=256)
def _is_prime(n: int) -> bool:
    """Deterministic Miller-Rabin, exact for n < 3,215,031,751 (bases 2, 3, 5, 7)."""
    if n < 2:
        return False
    for q in (2, 3, 5, 7):
        if n % q == 0:
            return n == q
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for a in (2, 3, 5, 7):
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _primes() -> Iterator[int]:
    """PRIMES, then the next primes below them, without end."""
    yield from PRIMES
    q = PRIMES[-1] - 2
    while True:
        if _is_prime(q):
            yield q
        q -= 2


def _check_sequence(seq: Any) -> list[int]:
    """``seq`` as a non-empty list of Python ints, or InvalidParameter naming ``seq``."""
    if isinstance(seq, (str, bytes, dict)) or not hasattr(seq, "__len__"):
        raise InvalidParameter(
            f"seq must be a sequence of integers (list, tuple or 1-D array), "
            f"got {type(seq).__name__}",
            parameter="seq",
        )
    if getattr(seq, "ndim", 1) != 1:
        raise InvalidParameter(
            f"seq must be one-dimensional, got {seq.ndim} dimensions", parameter="seq"
        )
    if len(seq) == 0:
        raise InvalidParameter(
            "seq must hold at least one term, got an empty sequence", parameter="seq"
        )
    if all_plain_ints(seq):  # the common case (expansions)
        return list(seq)
    out = []
    for i, x in enumerate(seq):
        if not is_int(x):
            raise InvalidParameter(f"seq[{i}] must be an integer, got {x!r}", parameter="seq")
        out.append(int(x))
    return out


def check_modulus(modulus: Any) -> int:
    """``modulus`` as an int if it is a prime below 2**31 (the kernels' int64 products of two
    residues are then exact), else InvalidParameter naming ``modulus``.

    >>> check_modulus(PRIMES[0]) == PRIMES[0], check_modulus(101)
    (True, 101)
    """
    if not is_int(modulus) or not 2 <= modulus < _P_LIMIT or not _is_prime(int(modulus)):
        raise InvalidParameter(
            f"modulus must be a prime below 2**31 (e.g. esma.massey.PRIMES[0] = {PRIMES[0]}), "
            f"got {modulus!r}",
            parameter="modulus",
        )
    return int(modulus)


def _int64(terms: list[int]) -> np.ndarray | None:
    """``terms`` as an int64 array, or None when some term does not fit."""
    import numpy as np

    try:
        return np.array(terms, dtype=np.int64)
    except OverflowError:
        return None


#: CPU seconds of one inner step of the plain twin :func:`esma.kernels.plain.bm_mod_p_py` (a
#: multiply-add mod p in Python): what :func:`esma.kernels.policy.compiled` weighs against loading numba.
PLAIN_SECONDS_PER_STEP = 2e-7


def _compiled(n: int, bound: int) -> bool:
    """Whether Berlekamp-Massey on ``n`` terms, stopping past complexity ``bound``, should run
    compiled: the twin does about n·min(n/2, bound) steps."""
    from esma.kernels.policy import compiled

    return compiled(n * (min(n // 2, bound) + 1) * PLAIN_SECONDS_PER_STEP)


def _run(
    terms: list[int], p: int, max_complexity: int, wide: np.ndarray | None, compiled: bool
) -> tuple[list[int], int]:
    """The kernel's (or its twin's) ``(connection, complexity)``; ``wide`` is
    ``_int64(terms)`` or None."""
    if not compiled:
        from esma.kernels.plain import bm_mod_p_py

        return bm_mod_p_py([x % p for x in terms], p, max_complexity)
    import numpy as np

    from esma.kernels.native import kernels  # lazy: numba stays out of `esma --help`

    bm_mod_p = kernels().bm_mod_p

    # numpy's % is Python's (a result in [0, p)), and cheaper than reducing each term in Python.
    residues = np.array([x % p for x in terms], dtype=np.int64) if wide is None else wide % p
    c, L = bm_mod_p(residues, p, max_complexity)
    return c.tolist(), int(L)


def _bm_call(seq: Any, modulus: Any, max_complexity: Any) -> tuple[list[int], int, int, int]:
    terms = _check_sequence(seq)
    p = check_modulus(modulus)
    if max_complexity is None:
        bound = len(terms)  # the complexity of n terms is at most n: never abort
    else:
        bound = min(check_int("max_complexity", max_complexity, 0), len(terms))
    fast = _compiled(len(terms), bound)
    c, L = _run(terms, p, bound, _int64(terms) if fast else None, fast)
    return c, L, p, bound


def berlekamp_massey(
    seq: Sequence[int], modulus: int = PRIMES[0], *, max_complexity: int | None = None
) -> ModularLFSR | None:
    """Shortest linear feedback shift register of an integer sequence modulo a prime.

    Parameters
    ----------
    seq : sequence of int
        At least one term; Python or numpy integers of any size (reduced mod ``modulus`` here).
    modulus : int, default PRIMES[0]
        A prime below ``2**31``.
    max_complexity : int, optional
        Give up (return None) as soon as the complexity is known to exceed this; this is the
        cheap screen for "no short recurrence" (only about ``2 * max_complexity`` terms are
        examined before a random sequence is rejected).

    Returns
    -------
    ModularLFSR or None
        None exactly when the linear complexity exceeds ``max_complexity``.

    Examples
    --------
    >>> berlekamp_massey([1, 1, 2, 3, 5, 8], 101)
    ModularLFSR(connection=(1, 100, 100), complexity=2, modulus=101)
    >>> berlekamp_massey([3, 1, 4, 1, 5, 9, 2, 6, 5, 3], max_complexity=3) is None
    True

    Notes
    -----
    Massey (1969), "Shift-register synthesis and BCH decoding". The register is unique when
    ``2 L <= len(seq)``.
    """
    c, L, p, bound = _bm_call(seq, modulus, max_complexity)
    if L > bound:
        return None
    return ModularLFSR(tuple(c), L, p)


def linear_complexity(
    seq: Sequence[int], modulus: int = PRIMES[0], *, max_complexity: int | None = None
) -> int:
    """Linear complexity of ``seq`` modulo a prime.

    Parameters are those of :func:`berlekamp_massey`. A result above ``max_complexity`` means
    "aborted": it is the complexity of the prefix at which the search stopped, a lower bound
    for the whole sequence's.

    Examples
    --------
    >>> linear_complexity([2, 1, 2, 1, 1, 4, 1, 1, 6, 1, 1, 8, 1, 1, 10, 1])
    7
    >>> linear_complexity([0, 0, 0, 0])
    0
    """
    return _bm_call(seq, modulus, max_complexity)[1]


def _trimmed_degree(c: Sequence[Any]) -> int:
    d = len(c) - 1
    while d > 0 and c[d] == 0:
        d -= 1
    return d


class _Lift:
    """CRT accumulator of one candidate connection polynomial over several primes."""

    def __init__(self) -> None:
        self.residues: list[int] = []
        self.modulus = 1
        self.count = 0

    def symmetric(self) -> list[int]:
        m, half = self.modulus, self.modulus // 2
        return [x - m if x > half else x for x in self.residues]

    def add(self, p: int, coeffs: list[int]) -> bool:
        """Add ``coeffs`` mod ``p``; True when the lift so far already agreed with them."""
        if self.count == 0:
            self.residues, self.modulus, self.count = list(coeffs), p, 1
            return False
        stable = all(x % p == c for x, c in zip(self.symmetric(), coeffs, strict=True))
        m = self.modulus
        m_inv = pow(m, -1, p)
        self.residues = [
            x + m * ((c - x) * m_inv % p) for x, c in zip(self.residues, coeffs, strict=True)
        ]
        self.modulus, self.count = m * p, self.count + 1
        return stable


def _smallest_start(terms: list[int], charpoly: list[int], wide: np.ndarray | None = None) -> int:
    """Smallest ``s`` with ``sum_j charpoly[j] a_{n-j} = 0`` for every given ``n >= s + deg``
    (``charpoly[0] = 1``).

    ``wide`` is ``_int64(terms)``, if known: when every sum fits in int64 they are all computed
    at once in numpy, else one by one with Python ints.
    """
    deg = len(charpoly) - 1
    steps = [(j, c) for j, c in enumerate(charpoly) if c]
    count = len(terms)
    if deg >= count:
        return 0
    if wide is not None:
        bound = max(int(wide.max()), -int(wide.min()), 1)
        # |sum_j c_j a_{n-j}| and every partial sum are at most bound * sum_j |c_j|: exact.
        if sum(abs(c) for _, c in steps) <= _INT64_MAX // bound:
            residual = wide[deg:].copy()  # charpoly[0] = 1
            for j, c in steps[1:]:
                shifted = wide[deg - j : count - j]
                # No product for the common +-1 (e's recurrence is a_n = 2 a_{n-3} - a_{n-6}).
                if c == 1:
                    residual += shifted
                elif c == -1:
                    residual -= shifted
                else:
                    residual += c * shifted
            nonzero = residual.nonzero()[0]
            return int(nonzero[-1]) + 1 if len(nonzero) else 0
    n = count - 1
    while n >= deg and sum(c * terms[n - j] for j, c in steps) == 0:
        n -= 1
    return max(n + 1 - deg, 0)


def _bm_exact(terms: list[int]) -> tuple[list[Fraction], int]:
    """Berlekamp-Massey over the rationals (the slow, always-right fallback)."""
    n = len(terms)
    c = [Fraction(1)] + [Fraction(0)] * n
    b = [Fraction(1)] + [Fraction(0)] * n
    L, shift, bd = 0, 1, Fraction(1)
    for i in range(n):
        d = terms[i] + sum(c[j] * terms[i - j] for j in range(1, L + 1) if c[j])
        if d == 0:
            shift += 1
            continue
        coef = d / bd
        saved = c[:]
        for j in range(n + 1 - shift):
            if b[j]:
                c[j + shift] -= coef * b[j]
        if 2 * L <= i:
            L, b, bd, shift = i + 1 - L, saved, Fraction(d), 1
        else:
            shift += 1
    return c[: L + 1], L


def _confirmed(
    terms: list[int],
    charpoly: list[int],
    complexity: int,
    min_confirm: int,
    wide: np.ndarray | None = None,
) -> tuple[bool, Recurrence | None]:
    """``(holds, recurrence)``: whether ``charpoly`` (Python ints, ``charpoly[0] = 1``) holds
    exactly over Z from ``complexity`` on, and the recurrence if it also has enough terms to
    confirm it (else None)."""
    charpoly = charpoly[: _trimmed_degree(charpoly) + 1]
    deg = len(charpoly) - 1
    s = _smallest_start(terms, charpoly, wide)
    if s + deg > complexity:
        return False, None
    if len(terms) < s + 2 * deg + min_confirm:
        return True, None
    # Trimmed, C(0) = 1, Python ints, s + deg initial terms: what the constructor would check.
    return True, Recurrence.trusted(tuple(charpoly), s, tuple(terms[: s + deg]))


def _first_prime_settles(
    terms: list[int],
    charpoly: list[int],
    complexity: int,
    min_confirm: int,
    wide: np.ndarray | None,
) -> Recurrence | None:
    """find_recurrence's answer if the register of the first prime, lifted, holds over Z.

    Needs ``2 L <= n`` and ``L + deg + min_confirm <= n``; returns None if it does not hold.
    Then the vote over primes would end with this register, so it is skipped: modulo any prime
    the register is this one reduced (two registers of lengths ``<= L`` agreeing on ``2 L``
    terms have the same generating function), with ``L`` and ``deg`` at most its own, so no
    key stops early; only this register holds over Z (unique over Q), so no other is
    confirmed; and exact Berlekamp-Massey finds it too.
    """
    holds, found = _confirmed(terms, charpoly, complexity, min_confirm, wide)
    return found if holds else None


def find_recurrence(seq: Sequence[int], *, min_confirm: int = 4) -> Recurrence | None:
    """The exact minimal integer linear recurrence of ``seq``, from the smallest start index.

    Parameters
    ----------
    seq : sequence of int
        At least one term; integers of any size.
    min_confirm : int, default 4
        Terms beyond the ``s + 2 L`` needed to determine a recurrence of order ``L`` from start
        ``s`` that must also satisfy it before it counts as found.

    Returns
    -------
    Recurrence or None
        None unless ``len(seq) >= s + 2 L + min_confirm`` and the recurrence holds exactly on every
        given term from ``s + L`` on. A random sequence (complexity about ``len(seq) / 2``) gives
        None.

    Examples
    --------
    >>> rec = find_recurrence([1, 2, 3, 2, 5, 2, 7, 2, 9, 2, 11, 2, 13, 2, 15])
    >>> rec.formula()
    'a(n) = 2*a(n-2) - a(n-4) for n >= 4'
    >>> find_recurrence([1, 2, 3]) is None
    True

    Notes
    -----
    An integer sequence with a rational generating function ``N(z)/C(z)`` has, by Fatou's lemma,
    a reduced form with ``C`` in ``Z[z]`` and ``C(0) = 1``. Berlekamp-Massey returns ``C`` and the
    complexity ``L = max(deg C, deg N + 1)``, so ``s = L - deg C`` is the smallest start for ``C``.
    When the terms determine the register (``len(seq) >= L + L'`` for any other recurrence's
    ``L' = s' + deg C'``), ``C`` divides ``C'`` and ``s <= s'``: no recurrence has a smaller order or
    start. ``C`` is computed modulo several
    primes below ``2**31`` and lifted by CRT to symmetric representatives; primes are added until
    the lift stops changing and holds exactly over Z on every term. If the primes disagree or the
    lift never settles (huge or non-integral coefficients), exact rational Berlekamp-Massey
    decides. Primes that disagree with the majority (a discrepancy divisible by p) are outvoted.
    When the first prime's lift already holds over Z and ``2 L <= n``, the other primes could
    only confirm it, and are skipped.
    """
    terms = _check_sequence(seq)
    check_int("min_confirm", min_confirm, 0)
    n = len(terms)
    fast = _compiled(n, n)
    wide = _int64(terms) if fast else None  # numpy only where the kernels run anyway
    lifts: dict[tuple[int, int], _Lift] = {}
    for count, p in enumerate(_primes(), start=1):
        if count > _MAX_PRIMES:
            break
        c, L = _run(terms, p, n, wide, fast)
        deg = _trimmed_degree(c)
        key = (L, deg)
        lift = lifts.setdefault(key, _Lift())
        stable = lift.add(p, c[: deg + 1])
        if count == 1 and 2 * L <= n and L + deg + min_confirm <= n:
            found = _first_prime_settles(terms, lift.symmetric(), L, min_confirm, wide)
            if found is not None:
                return found
        best_key, best = max(lifts.items(), key=lambda kv: (kv[1].count, kv[0][0]))
        if best.count >= 2 and best_key[0] + best_key[1] + min_confirm > n:
            return None  # two primes agree the answer needs more terms than there are
        if stable and key == best_key:
            holds, found = _confirmed(terms, lift.symmetric(), L, min_confirm, wide)
            if holds:
                return found
    exact, L = _bm_exact(terms)
    exact = exact[: _trimmed_degree(exact) + 1]
    if any(x.denominator != 1 for x in exact):
        return None  # no integer recurrence with C(0) = 1 reproduces these terms
    return _confirmed(terms, [int(x) for x in exact], L, min_confirm, wide)[1]
