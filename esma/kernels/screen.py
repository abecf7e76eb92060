"""Batch screening: Gosper's homographic expansion plus Berlekamp-Massey for many candidates.

One call screens a whole block of candidates (Möbius maps × sign periods) without returning to
Python. For each candidate the signed expansion of y = (p·c + q)/(r·c + s) is produced from the
regular continued fraction c = [c₀; c₁, c₂, …] alone, with small integers only, and its terms are
screened by Berlekamp-Massey mod p exactly as :func:`esma.search.screen` does.

Status codes (the same in both twins; :mod:`esma.screening` names them): 0 rejected, 1 flagged,
2 undecided (the continued fraction of c ran out, or an entry would have outgrown ``limit``).

>>> import numpy as np
>>> maps = np.array([[1, -1, 0, 1]], dtype=np.int64)           # y = e - 1
>>> cf = np.array([[2, 1, 2, 1, 1, 4, 1, 1, 6, 1, 1, 8, 1, 1, 10, 1, 1, 12, 1, 1, 14]],
...               dtype=np.int64)
>>> signs = np.array([[-1, 1]], dtype=np.int64)
>>> status, L, terms = screen_block(maps, signs, np.array([2]), cf, np.array([21]),
...                                 12, 4, 101, 2**60)
>>> int(status[0]), int(L[0]), terms[0].tolist()          # e - 1 = 2 - 1/(3 + 1/(2 - …)), signs [-1, 1]
(1, 4, [2, 3, 2, 5, 2, 7, 2, 9, 2, 11, 2, 13])
>>> screen_block_py(maps, signs, [2], cf, [21], 12, 4, 101, None)[0]
[1]
"""

from __future__ import annotations

import numpy as np
from numba import types

from esma.kernels._jit import kernel
from esma.kernels.plain import MAX_LIMIT, screen_block_py

__all__ = ["MAX_LIMIT", "screen_block", "screen_block_py"]


# The state of one expansion lives in a 5-slot int64 array: the matrix (p, q, r, s) of the current
# tail x = (p·t + q)/(r·t + s) as a function of t, the tail of c's continued fraction, and the
# index of the next partial quotient of c to ingest. Slot 4 < 0 means "not started": c₀ has not
# been ingested, so t is c itself rather than a tail in (1, ∞).

# Short names for the explicit signatures.
i64, f64, vec, mat = types.int64, types.float64, types.int64[:], types.int64[:, :]


@kernel(i64(vec, vec, i64, vec, i64, vec, i64, i64, i64))
def _expand(state, signs, period, cf, cf_len, out, start, stop, limit):
    """Write terms ``start .. stop - 1`` of the signed expansion into ``out``; return how many.

    Fewer than asked means undecided: c's continued fraction ran out, or an entry would have
    exceeded ``limit``. The two steps of Gosper's algorithm (one function, so that the matrix
    stays in registers):

    *Emit.* t lies in (1, ∞); the test uses the closed interval [1, ∞], which is conservative: it
    can only ask for one more partial quotient, never emit a wrong term. When r·t + s keeps one
    strict sign on [1, ∞] (r ≠ 0, r + s ≠ 0, same sign) x is monotonic there and its image lies
    between x(1) = (p + q)/(r + s) and x(∞) = p/r, so floor (b = +1) or ceil (b = -1) is constant
    on it exactly when it agrees at the two ends. Then x' = b/(x - a) has the matrix
    (b·r, b·s, p - a·r, q - a·s).

    *Ingest.* t = c_k + 1/t': the matrix times [[c_k, 1], [1, 0]], i.e.
    (p·c_k + q, p, r·c_k + s, r). Every product is checked before it is formed:
    |p·c_k| + |q| <= limit exactly when |c_k| <= (limit - |q|) // |p| (skipped when every
    number involved is at most ``small``, whose square plus itself is at most ``limit``).

    Invariant: every entry is at most ``limit`` <= 2**60 in absolute value, so p + q, r + s are
    below 2**61; a rounds both p/r and (p + q)/(r + s), so |a·r| <= |p| + |r| and
    |a·(r + s)| <= |p + q| + |r + s| < 2**62: p - a·r and (p + q) - a·(r + s) cannot wrap,
    whereas q - a·s directly could. It is formed as their difference, below 2**62, and checked.
    """
    p, q, r, s, k = state[0], state[1], state[2], state[3], state[4]
    # Entries and quotients up to `small` pass the overflow test without its two divisions:
    # small² + small <= limit.
    small = np.int64(np.sqrt(np.float64(limit // 2)))
    while small > 0 and small * small > limit // 2:
        small -= 1
    ingest = k < 0
    if ingest:
        k = 0
    n = start
    while n < stop:
        if ingest:
            if k >= cf_len:
                break
            a = cf[k]
            mag = abs(a)
            if mag > small or max(abs(p), abs(q), abs(r), abs(s)) > small:
                if mag > limit:
                    break
                if p != 0 and mag > (limit - abs(q)) // abs(p):
                    break
                if r != 0 and mag > (limit - abs(s)) // abs(r):
                    break
            p, q, r, s = p * a + q, p, r * a + s, r
            k += 1
        ingest = True
        if r == 0:
            continue
        u = p + q
        v = r + s
        if v == 0 or (v > 0) != (r > 0):
            continue
        b = signs[n % period]
        if b > 0:
            a = p // r
            if u // v != a:
                continue
        else:
            a = -((-p) // r)
            if -((-u) // v) != a:
                continue
        r_new = p - a * r
        s_new = (u - a * v) - r_new
        if abs(s_new) > limit:
            break
        p, q, r, s = b * r, b * s, r_new, s_new
        out[n] = a
        n += 1
        ingest = False
    state[0], state[1], state[2], state[3], state[4] = p, q, r, s, k
    return n - start


@kernel(i64(i64, i64, f64))
def _reduce(x, p, inv_p):
    """x mod p for 0 <= x < 2**63 - p with x/p < 2**50 (e.g. x < 2·p², p < 2**31); inv_p = 1/p.

    The quotient is taken in floating point: three roundings of relative size 2**-53 move a
    quotient below 2**50 by less than 3·2**-3, so the truncated quotient is off by at most one
    and a single correction gives the exact remainder. (Integer division by a run-time p costs
    several times more, and p is an argument so that kernels read no globals.) For p = 2**31 - 1
    folding is cheaper still: the test is loop-invariant, so the compiler hoists it.
    """
    if p == 2147483647:
        # The search's prime is the Mersenne prime 2**31 - 1, for which x = hi·2**31 + lo is
        # hi + lo (mod p): two folds and one subtraction, no division and no float.
        r = (x & 2147483647) + (x >> 31)
        r = (r & 2147483647) + (r >> 31)
        return r - p if r >= p else r
    r = x - np.int64(np.float64(x) * inv_p) * p
    if r < 0:
        r += p
    elif r >= p:
        r -= p
    return r


@kernel(i64(vec, i64, i64, i64, f64, i64, vec, vec, vec, vec))
def _bm_extend(seq, start, stop, p, inv_p, bound, c, b, saved, state):
    """Carry Berlekamp-Massey over ``seq[start:stop]`` (residues mod p); return the complexity.

    Inversionless form: c <- γ·c - d·z^shift·b, where γ is b's discrepancy, instead of
    c <- c - (d/γ)·z^shift·b. Every polynomial is a non-zero multiple of the one in
    :func:`esma.kernels.bm.bm_mod_p`, so every discrepancy is zero at the same steps and the
    complexity L is the same at every step, early abort included (stop once L > ``bound``) —
    without a modular inverse per length change. ``state`` holds (L, deg b, shift, γ) so a
    later call resumes where this one stopped; ``c`` and ``b`` must start as 1, 0, 0, ….
    Residues stay below p < 2**31, so γ·c[j] + (p - d)·b[k] < 2**63 and :func:`_reduce` applies.
    """
    L, lb, shift, gamma = state[0], state[1], state[2], state[3]
    low_mask = (1 << 31) - 1
    two31 = (1 << 31) % p
    for i in range(start, stop):
        # The discrepancy is a dot product; reducing term by term would chain one reduction's
        # latency onto the next. Instead split each product (< 2**62) at bit 31 and sum the
        # halves apart, then reduce once: each half-sum is below (L + 1)·2**31 <= 2**50 / 2
        # (L < depth <= 2**18), so _reduce applies.
        hi = 0
        lo = 0
        for j in range(L + 1):
            x = c[j] * seq[i - j]
            hi += x >> 31
            lo += x & low_mask
        d = _reduce(_reduce(hi, p, inv_p) * two31 + _reduce(lo, p, inv_p), p, inv_p)
        if d == 0:
            shift += 1
            continue
        nd = p - d
        grow = 2 * L <= i
        top = i + 1 - L if grow else L  # Massey: deg(z^shift·b) = lb + shift <= new L
        if grow:
            for j in range(L + 1):
                saved[j] = c[j]
        for j in range(min(shift, top + 1)):
            c[j] = _reduce(gamma * c[j], p, inv_p)
        for j in range(shift, top + 1):
            c[j] = _reduce(gamma * c[j] + nd * b[j - shift], p, inv_p)
        if grow:
            for j in range(L + 1):
                b[j] = saved[j]
            lb, L, gamma, shift = L, top, d, 1
            if L > bound:
                break
        else:
            shift += 1
    state[0], state[1], state[2], state[3] = L, lb, shift, gamma
    return L


@kernel(
    types.Tuple((i64, i64))(
        vec, vec, i64, vec, i64, i64, i64, i64, i64, vec, vec, vec, vec, vec, vec
    )
)
def _screen_one(
    state, signs, period, cf, cf_len, depth, bound, p, limit, out, residues, c, b, saved, bm
):
    """Status and complexity of one candidate whose matrix is already in ``state``.

    ``c``, ``b``, ``saved`` (Berlekamp-Massey polynomials, length depth + 2) and ``bm`` (its
    state) are work arrays shared by all candidates, all zero before the first.
    """
    inv_p = 1.0 / p
    # The previous candidate left deg c <= L and deg b <= deg-b slot: clear only that much.
    c[: bm[0] + 1] = 0
    b[: bm[1] + 1] = 0
    c[0] = 1
    b[0] = 1
    bm[0], bm[1], bm[2], bm[3] = 0, 0, 1, 1
    head = min(depth, 2 * bound + 4)
    if _expand(state, signs, period, cf, cf_len, out, 0, head, limit) < head:
        return 2, 0
    for i in range(head):
        residues[i] = out[i] if 0 <= out[i] < p else out[i] % p  # terms are mostly small
    L = _bm_extend(residues, 0, head, p, inv_p, bound, c, b, saved, bm)
    if L > bound:
        return 0, L
    if head < depth:
        if _expand(state, signs, period, cf, cf_len, out, head, depth, limit) < depth - head:
            return 2, 0
        for i in range(head, depth):
            residues[i] = out[i] if 0 <= out[i] < p else out[i] % p
        L = _bm_extend(residues, head, depth, p, inv_p, bound, c, b, saved, bm)
        if L > bound:
            return 0, L
    return 1, L


@kernel(types.Tuple((vec, vec, mat))(mat, mat, vec, mat, vec, i64, i64, i64, i64))
def screen_block(maps, sign_rows, sign_lens, cfs, cf_lens, depth, bound, p, limit):
    """Screen every (map i, sign period j) pair; candidate i·len(sign_rows) + j is that pair.

    Parameters
    ----------
    maps : int64[:, 4]
        Rows (p, q, r, s): y = (p·c + q)/(r·c + s). A row with p·s - q·r = 0 (a constant, or
        all zeros) or an entry of 2**31 or more comes out undecided.
    sign_rows, sign_lens : int64[:, :], int64[:]
        Sign period j is ``sign_rows[j, :sign_lens[j]]`` (entries ±1, length >= 1).
    cfs, cf_lens : int64[:, :], int64[:]
        Regular continued fractions, row ``k`` valid up to ``cf_lens[k]``: ``cfs[k, 0]`` any
        integer, later entries >= 1. A single row serves every map; otherwise there must be
        one row per map, and map i uses row i (the identity map on each value's own expansion).
    depth, bound : int64
        Terms wanted (1 to 2**18) and the flag bound K (>= 0): flagged when the complexity of
        the first ``depth`` terms is at most K. Only the first min(depth, 2K + 4) terms are
        expanded when they already exceed K.
    p : int64
        A prime below 2**31 for Berlekamp-Massey.
    limit : int64
        Largest absolute value any matrix entry may take, at most :data:`MAX_LIMIT`.

    Returns
    -------
    status : int64[:]
        0 rejected, 1 flagged, 2 undecided.
    complexity : int64[:]
        The linear complexity L (flagged), the aborted prefix's L > K (rejected), 0 (undecided).
    terms : int64[:, depth]
        The terms of flagged candidates (other rows hold whatever was expanded before stopping).
    """
    n_maps = maps.shape[0]
    n_signs = sign_rows.shape[0]
    n = n_maps * n_signs
    status = np.full(n, 2, dtype=np.int64)
    complexity = np.zeros(n, dtype=np.int64)
    terms = np.zeros((n, depth), dtype=np.int64)
    residues = np.empty(depth, dtype=np.int64)
    state = np.zeros(5, dtype=np.int64)
    c = np.zeros(depth + 2, dtype=np.int64)
    b = np.zeros(depth + 2, dtype=np.int64)
    saved = np.zeros(depth + 2, dtype=np.int64)
    bm = np.zeros(4, dtype=np.int64)
    shared = cfs.shape[0] == 1
    for i in range(n_maps):
        row = 0 if shared else i
        m0, m1, m2, m3 = maps[i, 0], maps[i, 1], maps[i, 2], maps[i, 3]
        big = max(abs(m0), abs(m1), abs(m2), abs(m3))
        # Below 2**31 the determinant cannot wrap; a constant map (determinant 0) has a rational
        # value whose expansion ends, which is the exact path's business.
        if big > limit or big >= 2**31 or m0 * m3 - m1 * m2 == 0:
            continue
        for j in range(n_signs):
            k = i * n_signs + j
            state[0], state[1], state[2], state[3], state[4] = m0, m1, m2, m3, -1
            st, L = _screen_one(
                state,
                sign_rows[j],
                sign_lens[j],
                cfs[row],
                cf_lens[row],
                depth,
                bound,
                p,
                limit,
                terms[k],
                residues,
                c,
                b,
                saved,
                bm,
            )
            status[k] = st
            complexity[k] = L
    return status, complexity, terms
