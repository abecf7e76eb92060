"""Continued-fraction convergents in int64 blocks: the small-integer half of Approve, with the
kernels' plain-Python twins.

Approve multiplies ~600 matrices ``[[a_k, b_{k-1}], [1, 0]]`` into numerators and denominators of
thousands of bits. Done term by term in Python, that is ~600 interpreted steps of big-integer
arithmetic. These kernels generate the terms a_k of a recurrence and multiply runs of
consecutive matrices into blocks whose entries still fit in int64, so Python applies one block
(a few big-by-small products) per ~10 terms (:func:`esma.verify._checkpoints`).

>>> import numpy as np
>>> terms, valid = recurrence_terms(np.array([1, 0, -2, 0, 1]), np.array([3, 2, 5, 2]), 8)
>>> terms[:valid].tolist()                                  # a_n = 2 a_{n-2} - a_{n-4}
[3, 2, 5, 2, 7, 2, 9, 2]
>>> ends, mats, growth = cf_blocks(terms[:valid], np.array([1, -1]), 1, np.array([4, 64]))
>>> ends.tolist(), mats.tolist()[0]      # a block ends where n = k + 1 reaches a stop (n = 4)
([3, 8], [28, 11, 5, 2])
>>> cf_blocks_py([3, 2, 5, 2, 7, 2, 9, 2], [1, -1], 1, [4, 64])[1][0]
[28, 11, 5, 2]
"""

from __future__ import annotations

import numpy as np
from numba import types

from esma.kernels._jit import kernel
from esma.kernels.plain import LIMIT, cf_blocks_py, recurrence_terms_py

__all__ = ["LIMIT", "cf_blocks", "cf_blocks_py", "recurrence_terms", "recurrence_terms_py"]


@kernel(types.Tuple((types.int64[:], types.int64))(types.int64[:], types.int64[:], types.int64))
def recurrence_terms(charpoly, initial, count):
    """``(terms, valid)``: the first ``count`` terms of ``sum_j charpoly[j] a_{n-j} = 0`` from
    ``initial`` (``charpoly[0] = 1``, ``len(initial) >= len(charpoly) - 1``); only the first
    ``valid`` are set, the rest would exceed :data:`LIMIT`.

    With ``|c_j| <= cmax`` for the ``L`` coefficients after the first, terms up to
    ``amax = LIMIT // (L cmax)`` keep every partial sum below LIMIT: generation stops before the
    first term above ``amax`` (it is exact, but the next sums could wrap).
    """
    order = charpoly.size - 1
    out = np.zeros(count, np.int64)
    cmax = 1
    for j in range(1, order + 1):
        cmax = max(cmax, abs(charpoly[j]))
    # Two divisions, not LIMIT // (order * cmax): that product can pass 2**63 (order 8 and a
    # coefficient near LIMIT wrap to 0, a division by zero that kills the process).
    amax = LIMIT // max(order, 1) // cmax
    for n in range(min(count, initial.size)):
        if abs(initial[n]) > amax:
            return out, n
        out[n] = initial[n]
    for n in range(initial.size, count):
        acc = 0
        for j in range(1, order + 1):
            if charpoly[j] != 0:
                acc -= charpoly[j] * out[n - j]
        if abs(acc) > amax:
            return out, n
        out[n] = acc
    return out, count


@kernel(
    types.Tuple((types.int64[:], types.int64[:, :], types.int64[:]))(
        types.int64[:], types.int64[:], types.int64, types.int64[:]
    )
)
def cf_blocks(terms, signs, first, stops):
    """Products of runs of ``M_k = [[a_k, b_{k-1}], [1, 0]]``, ``a_k = terms[k - first]``,
    ``b_{k-1} = signs[(k - 1) % len(signs)]``, ``k >= first >= 1``; every ``|a_k| <= LIMIT``
    and ``b = ±1`` (as :func:`recurrence_terms` and sign periods guarantee).

    Returns
    -------
    ends : int64[:]
        The last k of each block. A block also ends where n = k + 1 (the terms a_0..a_k used) is
        one of ``stops`` (ascending), so Python sees the state at every such n.
    mats : int64[:, 4]
        ``(P00, P01, P10, P11)`` of ``P = M_end ... M_start``: (q_end, q_{end-1}) =
        P (q_{start-1}, q_{start-2}), and the same for the numerators.
    growth : int64[:]
        Bit length of the largest ``|P00| + |P01|`` over the block's partial products: every
        q_k inside the block has at most that many bits more than the larger of the two
        denominators it starts from.
    """
    size = terms.size
    period = signs.size
    ends = np.zeros(size, np.int64)
    mats = np.zeros((size, 4), np.int64)
    growth = np.zeros(size, np.int64)
    stop = 0
    while stop < stops.size and stops[stop] <= first:
        stop += 1
    count = 0
    i = 0
    while i < size:
        p00, p01, p10, p11 = 1, 0, 0, 1
        widest = 1
        while i < size:
            k = first + i
            a = terms[i]
            b = signs[(k - 1) % period]
            # Row 0 becomes a * row0 + b * row1 with |b| = 1: it fits when |a| |x| <= LIMIT - |y|.
            if (p00 != 0 and abs(a) > (LIMIT - abs(p10)) // abs(p00)) or (
                p01 != 0 and abs(a) > (LIMIT - abs(p11)) // abs(p01)
            ):
                break  # a block holds at least one matrix: the identity has p01 = 0, p00 = 1
            n00 = a * p00 + b * p10
            n01 = a * p01 + b * p11
            p10, p11 = p00, p01
            p00, p01 = n00, n01
            widest = max(widest, abs(p00) + abs(p01))
            i += 1
            if stop < stops.size and k + 1 == stops[stop]:
                stop += 1
                break
        ends[count] = first + i - 1
        mats[count, 0], mats[count, 1], mats[count, 2], mats[count, 3] = p00, p01, p10, p11
        bits = 0
        while widest > 0:
            bits += 1
            widest >>= 1
        growth[count] = bits
        count += 1
    return ends[:count], mats[:count], growth[:count]
