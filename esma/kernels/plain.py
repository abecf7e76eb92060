"""The plain-Python twins of every compiled kernel, importable without numba or numpy.

Each function here computes exactly what the kernel of the same name without ``_py`` computes
(:mod:`esma.kernels.bm`, :mod:`esma.kernels.convergents`, :mod:`esma.kernels.screen`), on
lists and Python integers. They serve twice: the tests compare every kernel with its twin, and
a search too small to repay loading numba (a few hundred candidates) runs on them
(:func:`esma.kernels.policy.compiled` decides), so that it finishes before numba would have loaded.

>>> bm_mod_p_py([1, 1, 2, 3, 5, 8], 101, 6)
([1, 100, 100], 2)
>>> recurrence_terms_py([1, 0, -2, 0, 1], [3, 2, 5, 2], 8)
([3, 2, 5, 2, 7, 2, 9, 2], 8)
"""

from __future__ import annotations

from operator import mul

#: Every block entry and generated term of :mod:`esma.kernels.convergents` stays at most this in
#: absolute value, so a row sum |x| + |y| of two entries is below 2**62 and no product or sum
#: there wraps int64.
LIMIT = 2**61

#: The largest ``limit`` the screening kernel accepts. With every state entry at most 2**60 in
#: absolute value, the sums p + q, r + s stay below 2**61 and the products of an emission step
#: stay below 2**62 (see ``esma.kernels.screen._expand``), so int64 never wraps.
MAX_LIMIT = 2**60

__all__ = [
    "LIMIT",
    "MAX_LIMIT",
    "bm_mod_p_py",
    "cf_blocks_py",
    "recurrence_terms_py",
    "screen_block_py",
]


class _Massey:
    """Berlekamp-Massey over GF(p), fed terms a run at a time: the state of
    :func:`bm_mod_p_py`'s loop, so that a screen can stop after a prefix and carry on later."""

    __slots__ = ("L", "b", "bd", "c", "i", "lb", "p", "seq", "shift")

    def __init__(self, p: int, capacity: int) -> None:
        self.p = p
        self.c = [0] * (capacity + 1)
        self.b = [0] * (capacity + 1)
        self.c[0] = self.b[0] = 1
        self.seq: list[int] = []
        self.L, self.lb, self.shift, self.bd, self.i = 0, 0, 1, 1, 0

    def extend(self, residues: list[int], max_complexity: int) -> int:
        """Take ``residues`` (each in [0, p)); stop once the complexity exceeds
        ``max_complexity``. Returns the complexity L."""
        p, c, b, seq = self.p, self.c, self.b, self.seq
        L, lb, shift, bd = self.L, self.lb, self.shift, self.bd
        seq.extend(residues)
        for i in range(self.i, len(seq)):
            # One reduction per discrepancy: Python integers do not overflow.
            d = (
                seq[i]
                + sum(
                    map(
                        mul,
                        c[1 : L + 1],
                        seq[i - 1 :: -1] if i == L else seq[i - 1 : i - L - 1 : -1],
                    )
                )
            ) % p
            if d == 0:
                shift += 1
                continue
            coef = d * pow(bd, -1, p) % p
            top = shift + lb + 1
            if 2 * L <= i:
                old = L
                saved = c[: old + 1]
                c[shift:top] = [(x - coef * y) % p for x, y in zip(c[shift:top], b, strict=False)]
                L = i + 1 - old
                b[: old + 1] = saved
                lb, bd, shift = old, d, 1
                if L > max_complexity:
                    self.i = i + 1
                    break
            else:
                c[shift:top] = [(x - coef * y) % p for x, y in zip(c[shift:top], b, strict=False)]
                shift += 1
        else:
            self.i = len(seq)
        self.L, self.lb, self.shift, self.bd = L, lb, shift, bd
        return L


def bm_mod_p_py(seq: list[int], p: int, max_complexity: int) -> tuple[list[int], int]:
    """Plain-Python twin of :func:`esma.kernels.bm.bm_mod_p`: same algorithm, same results, on
    lists.

    >>> bm_mod_p_py([2, 1, 2, 1, 1, 4, 1, 1, 6, 1, 1, 8, 1, 1, 10, 1], 101, 16)
    ([1, 0, 0, 99, 0, 0, 1, 0], 7)
    """
    massey = _Massey(p, len(seq))
    L = massey.extend(list(seq), max_complexity)
    return massey.c[: L + 1], L


def recurrence_terms_py(
    charpoly: list[int], initial: list[int], count: int
) -> tuple[list[int], int]:
    """Plain-Python twin of :func:`esma.kernels.convergents.recurrence_terms`: same bounds, same results, on lists.

    >>> recurrence_terms_py([1, -1, -1], [0, 1], 6)
    ([0, 1, 1, 2, 3, 5], 6)
    """
    order = len(charpoly) - 1
    out = [0] * count
    amax = LIMIT // max(order, 1) // max([1, *map(abs, charpoly[1:])])
    for n in range(min(count, len(initial))):
        if abs(initial[n]) > amax:
            return out, n
        out[n] = initial[n]
    for n in range(len(initial), count):
        acc = -sum(charpoly[j] * out[n - j] for j in range(1, order + 1))
        if abs(acc) > amax:
            return out, n
        out[n] = acc
    return out, count


def cf_blocks_py(
    terms: list[int], signs: list[int], first: int, stops: list[int]
) -> tuple[list[int], list[list[int]], list[int]]:
    """Plain-Python twin of :func:`esma.kernels.convergents.cf_blocks`: the same blocks, on lists.

    >>> cf_blocks_py([2, 3], [1], 1, [])
    ([2], [[7, 3, 2, 1]], [4])
    """
    ends: list[int] = []
    mats: list[list[int]] = []
    growth: list[int] = []
    stop = 0
    while stop < len(stops) and stops[stop] <= first:
        stop += 1
    i = 0
    while i < len(terms):
        p00, p01, p10, p11 = 1, 0, 0, 1
        widest = 1
        while i < len(terms):
            k = first + i
            a, b = terms[i], signs[(k - 1) % len(signs)]
            if (p00 and abs(a) > (LIMIT - abs(p10)) // abs(p00)) or (
                p01 and abs(a) > (LIMIT - abs(p11)) // abs(p01)
            ):
                break
            p00, p01, p10, p11 = a * p00 + b * p10, a * p01 + b * p11, p00, p01
            widest = max(widest, abs(p00) + abs(p01))
            i += 1
            if stop < len(stops) and k + 1 == stops[stop]:
                stop += 1
                break
        ends.append(first + i - 1)
        mats.append([p00, p01, p10, p11])
        growth.append(widest.bit_length())
    return ends, mats, growth


def screen_block_py(maps, sign_rows, sign_lens, cfs, cf_lens, depth, bound, p, limit):
    """Plain-Python twin of :func:`esma.kernels.screen.screen_block`: same algorithm on Python ints.

    Takes the same arguments (arrays or nested lists) and returns ``(status, complexity, terms)``
    as lists. With ``limit`` equal to the kernel's the results are identical, entry for entry
    (the undecided rows of ``terms`` excepted: the twin leaves them as far as it got).
    ``limit=None`` lifts the bound: the twin is then undecided only where c's continued fraction
    runs out (or the map is constant), so it decides a superset of what the kernel decides, and
    both agree wherever the kernel decides.

    >>> screen_block_py([[1, 0, 0, 1]], [[1]], [1], [[1] * 30], [30], 12, 3, 101, None)
    ([1], [1], [[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]])
    """
    n_signs = len(sign_rows)
    shared = len(cfs) == 1
    status, complexity, terms = [], [], []
    for i, m in enumerate(maps):
        cf = [int(x) for x in cfs[0 if shared else i]][: int(cf_lens[0 if shared else i])]
        m0, m1, m2, m3 = (int(x) for x in m)
        constant = m0 * m3 - m1 * m2 == 0
        big = max(abs(m0), abs(m1), abs(m2), abs(m3))
        oversized = limit is not None and (big > limit or big >= 2**31)
        for j in range(n_signs):
            signs = [int(x) for x in sign_rows[j]][: int(sign_lens[j])]
            if constant or oversized:
                st, L, out = 2, 0, [0] * depth
            else:
                st, L, out = _screen_one_py([m0, m1, m2, m3], signs, cf, depth, bound, p, limit)
            status.append(st)
            complexity.append(L)
            terms.append(out)
    return status, complexity, terms


def _screen_one_py(matrix, signs, cf, depth, bound, p, limit):
    out = [0] * depth
    expand = _homographic_py(matrix, signs, cf, limit)
    massey = _Massey(p, depth + 1)
    head = min(depth, 2 * bound + 4)
    for n in range(head):
        t = next(expand, None)
        if t is None:
            return 2, 0, out
        out[n] = t
    L = massey.extend([t % p for t in out[:head]], bound)
    if L > bound:
        return 0, L, out
    if head < depth:
        for n in range(head, depth):
            t = next(expand, None)
            if t is None:
                return 2, 0, out
            out[n] = t
        L = massey.extend([t % p for t in out[head:]], bound)
        if L > bound:
            return 0, L, out
    return 1, L, out


def homographic_terms(matrix, signs, cf):
    """Certified signed terms (signs repeated) of y = (p·c + q)/(r·c + s), ``matrix`` = (p, q,
    r, s), from ``cf``, a certified prefix of c's regular continued fraction, on Python
    integers of any size: every term holds for every number whose expansion starts with
    ``cf``; the iterator ends where ``cf`` stops deciding the next one.

    >>> list(homographic_terms([1, 1, 1, -1], (1,), [1] * 30))   # (φ + 1)/(φ - 1) = φ³
    [4, 4, 4, 4, 4, 4, 4, 4, 4]
    """
    return _homographic_py([int(v) for v in matrix], list(signs), list(cf), None)


def _homographic_py(matrix, signs, cf, limit):
    """Yield certified signed terms of (p·c + q)/(r·c + s); stop when undecided.

    The same steps as the kernel's ``_expand``; with ``limit`` set it stops where the kernel
    does, since the checks compare the same exact quantities.
    """
    p, q, r, s = matrix
    k = 0
    n = 0
    ingest = True  # c₀ first: only after it is t a tail in (1, ∞)
    while True:
        if ingest:
            if k >= len(cf):
                return
            a = cf[k]
            if limit is not None and (
                abs(a) > limit or abs(p * a) + abs(q) > limit or abs(r * a) + abs(s) > limit
            ):
                return
            p, q, r, s = p * a + q, p, r * a + s, r
            k += 1
        b = signs[n % len(signs)]
        ingest = True
        u, v = p + q, r + s
        if r == 0 or v == 0 or (v > 0) != (r > 0):
            continue
        if b > 0:
            a, a_u = p // r, u // v
        else:
            a, a_u = -((-p) // r), -((-u) // v)
        if a != a_u:
            continue
        r_new = p - a * r
        s_new = q - a * s
        if limit is not None and abs(s_new) > limit:
            return
        p, q, r, s = b * r, b * s, r_new, s_new
        n += 1
        ingest = False
        yield a
