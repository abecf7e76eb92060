"""Berlekamp-Massey over GF(p) as a numba kernel, with its plain-Python twin.

>>> import numpy as np
>>> c, L = bm_mod_p(np.array([1, 1, 2, 3, 5, 8], dtype=np.int64), 101, 6)
>>> c.tolist(), int(L)
([1, 100, 100], 2)
>>> bm_mod_p_py([1, 1, 2, 3, 5, 8], 101, 6)
([1, 100, 100], 2)
"""

from __future__ import annotations

import numpy as np
from numba import types

from esma.kernels._jit import kernel
from esma.kernels.plain import bm_mod_p_py

__all__ = ["bm_mod_p", "bm_mod_p_py", "inv_mod"]

# Arithmetic note for both kernels: the wrappers guarantee p < 2**31 and residues in [0, p), so
# every product of two residues is below 2**62 and a residue plus such a product is below 2**63:
# ``(a * b) % p`` and ``(d + a * b) % p`` are exact in int64. With a larger p they would overflow
# silently, which is why the wrappers refuse p >= 2**31.


@kernel(types.int64(types.int64, types.int64))
def inv_mod(a, p):
    """Inverse of ``a`` modulo ``p`` by the extended Euclidean algorithm (gcd(a, p) must be 1).

    Euclid rather than Fermat: it needs no primality, and its ~log(p) divisions are cheaper than
    the ~2 log2(p) multiplications of ``pow(a, p - 2, p)``.
    """
    r0, r1 = p, a % p
    s0, s1 = 0, 1
    while r1 != 0:
        q = r0 // r1
        r0, r1 = r1, r0 - q * r1
        s0, s1 = s1, s0 - q * s1
    return s0 % p


@kernel(types.Tuple((types.int64[:], types.int64))(types.int64[:], types.int64, types.int64))
def bm_mod_p(seq, p, max_complexity):
    """Shortest linear feedback shift register of ``seq`` over GF(p) (Berlekamp-Massey).

    Parameters
    ----------
    seq : int64[:]
        Residues, each already in ``[0, p)``.
    p : int64
        A prime below ``2**31`` (not checked here; :func:`esma.massey.berlekamp_massey` checks).
    max_complexity : int64
        Stop as soon as the linear complexity exceeds this (``len(seq)`` means never stop:
        the complexity of ``n`` terms is at most ``n``). Must be >= 0.

    Returns
    -------
    connection : int64[:]
        ``C[0..L]`` with ``C[0] = 1``: ``sum_j C[j] * seq[i - j] = 0 (mod p)`` for ``L <= i``
        (trailing entries may be zero: ``deg C <= L``).
    complexity : int64
        The linear complexity ``L``.

    Notes
    -----
    Early abort: the complexity of a prefix never decreases as terms are added, so once it
    exceeds ``max_complexity`` the answer for the whole sequence does too. The kernel then stops
    at the first index ``i`` where ``L`` jumps past ``max_complexity`` and returns the shortest
    register of the *prefix* ``seq[:i + 1]``: ``L > max_complexity`` is that prefix's complexity,
    a lower bound (never an overestimate) of the whole sequence's, and ``C`` its connection
    polynomial. Callers read ``L > max_complexity`` as "aborted". Without an abort the result is
    exactly Massey's (1969) register for the whole sequence.

    Plain function on arrays so that a later batch kernel can call it from inside numba.
    """
    n = seq.shape[0]
    c = np.zeros(n + 1, dtype=np.int64)  # current connection polynomial, deg c <= L
    b = np.zeros(n + 1, dtype=np.int64)  # c as it was before the last length change
    saved = np.zeros(n + 1, dtype=np.int64)
    c[0] = 1
    b[0] = 1
    L = 0
    lb = 0  # complexity when b was current, so deg b <= lb
    shift = 1  # steps since the last length change: b enters multiplied by z**shift
    bd = 1  # discrepancy at the last length change
    for i in range(n):
        d = seq[i]
        for j in range(1, L + 1):
            d = (d + c[j] * seq[i - j]) % p
        if d == 0:
            shift += 1
            continue
        coef = d * inv_mod(bd, p) % p
        if 2 * L <= i:
            old = L
            for j in range(old + 1):
                saved[j] = c[j]
            # Massey's invariant keeps shift + lb <= new L <= n, so the index stays in range.
            for j in range(lb + 1):
                c[j + shift] = (c[j + shift] - coef * b[j]) % p
            L = i + 1 - old
            for j in range(old + 1):
                b[j] = saved[j]
            lb = old
            bd = d
            shift = 1
            if L > max_complexity:
                break
        else:
            for j in range(lb + 1):
                c[j + shift] = (c[j + shift] - coef * b[j]) % p
            shift += 1
    return c[: L + 1].copy(), L
