"""Batch screening (esma.screening, esma.kernels.screen) against the exact path and its twins.

The reference for every verdict is :func:`esma.search.screen`, the certified interval expansion
plus Berlekamp-Massey; the kernel must agree with it on every candidate it decides.
"""

from __future__ import annotations

import random
from fractions import Fraction
from functools import cache
from itertools import islice

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from esma.errors import InvalidParameter, PrecisionExhausted
from esma.expansion import signed_expansion
from esma.kernels.plain import MAX_LIMIT, _homographic_py, bm_mod_p_py, screen_block_py
from esma.kernels.screen import _bm_extend, screen_block
from esma.massey import PRIMES
from esma.screening import (
    FLAGGED,
    REJECTED,
    UNDECIDED,
    ScreenOutcome,
    screen_mobius_block,
    screen_values_block,
    screening_cf,
)
from esma.search import screen
from esma.transforms import LhsValue, RationalLhs, canonical

DEPTH, BOUND = 40, 9  # head = 2·9 + 4 = 22 terms, then 40 for survivors: both phases exercised


@cache
def _constant(text):
    from esma.constants import get_constant

    return get_constant(text)


@cache
def _cf(text, depth=DEPTH):
    return screening_cf(_constant(text), depth)


def _lhs(a, b, c, d):
    """(a·x + b)/(c·x + d) as a RationalLhs, in the raw (not canonical) form the kernel takes."""

    def trim(coeffs):
        return coeffs[:1] if coeffs[1] == 0 else coeffs

    return RationalLhs(trim((b, a)), trim((d, c)))


def _random_candidates(seed, n_maps, n_signs, coeff=5):
    rng = random.Random(seed)
    maps = []
    while len(maps) < n_maps:
        a, b, c, d = (rng.randint(-coeff, coeff) for _ in range(4))
        if a * d - b * c != 0:
            maps.append(_lhs(a, b, c, d))
    signs = [tuple(rng.choice((1, -1)) for _ in range(rng.randint(1, 4))) for _ in range(n_signs)]
    return maps, signs


def _exact(f, constant, signs, depth=DEPTH, bound=BOUND):
    return screen(LhsValue(f, _constant(constant)), signs, depth, bound)


def _assert_matches_exact(outcomes, maps, signs, constant, depth=DEPTH, bound=BOUND):
    """Every decided outcome equals the exact path's verdict; returns the status counts."""
    counts = {FLAGGED: 0, REJECTED: 0, UNDECIDED: 0}
    k = 0
    for f in maps:
        for s in signs:
            o = outcomes[k]
            k += 1
            counts[o.status] += 1
            if o.status == UNDECIDED:
                continue
            want = _exact(f, constant, s, depth, bound)
            got = None if o.status == REJECTED else list(o.terms)
            assert got == want, (constant, f.text, s, o)
            if o.status == FLAGGED:
                assert o.complexity <= bound and len(o.terms) == depth
            else:
                assert o.complexity > bound
    return counts


# -- against the exact path ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("constant", "seed"), [("e", 1), ("pi", 2), ("phi", 3), ("sqrt(2)", 4), ("log(2)", 5)]
)
def test_random_moebius_candidates_match_exact_path(constant, seed):
    """600 random candidates per constant (maps |coef| <= 5, periods of length 1-4): every verdict
    the kernel reaches is esma.search.screen's, terms included. With screening_cf's prefix none
    is left undecided, and each constant yields flagged as well as rejected candidates (φ and √2
    are quadratic, so all their expansions are eventually periodic; π's all-minus expansions hide
    runs of 2s that fool a short prefix: conjectures/README.md, "Negative results")."""
    maps, signs = _random_candidates(seed, 100, 6)
    out = screen_mobius_block(_cf(constant), maps, signs, DEPTH, BOUND)
    assert len(out) == 600
    counts = _assert_matches_exact(out, maps, signs, constant)
    assert counts[UNDECIDED] == 0
    assert counts[FLAGGED] > 0 and counts[REJECTED] > 0


def test_small_limit_leaves_undecided_but_never_wrong():
    """Entries capped at 2**8 stop most expansions (int64 overflow stands in for this): those come
    out undecided, and what is decided still matches the exact path."""
    maps, signs = _random_candidates(6, 40, 5)
    cf = np.array([_cf("e")], dtype=np.int64)
    args = _arrays(maps, signs)
    status, comp, terms = screen_block(
        args[0], args[1], args[2], cf, np.array([cf.shape[1]]), DEPTH, BOUND, PRIMES[0], 2**8
    )
    out = [
        ScreenOutcome(st, L, tuple(row) if st == FLAGGED else None)
        for st, L, row in zip(status.tolist(), comp.tolist(), terms.tolist(), strict=True)
    ]
    counts = _assert_matches_exact(out, maps, signs, "e")
    assert counts[UNDECIDED] > 0 and counts[FLAGGED] + counts[REJECTED] > 0


def test_known_expansions_of_e():
    """Worked examples of the published reference's own tests: e - 1 with signs [-1, 1] is 2, 3, 2, 5, 2, 7, …;
    e/(e - 1) with [1, -1] is 1, 2, 3, 2, 5, 2, 7, … (a_n = 2a_{n-2} - a_{n-4});
    e/(e - 2) with [1] is 3, 1, 3, 1, 1, 1, 3, 3, 3, 1, 3, 1, … (charpoly 1 - z³ - z⁶ + z⁹, so
    L = 9 counting the irregular head)."""
    maps = [canonical((-1, 1), (1,)), canonical((0, 1), (-1, 1)), canonical((0, 1), (-2, 1))]
    out = screen_mobius_block(_cf("e"), maps, [(-1, 1), (1, -1), (1,)], DEPTH, BOUND)
    assert out[0].terms[:8] == (2, 3, 2, 5, 2, 7, 2, 9) and out[0].complexity == 4
    assert out[4].terms[:7] == (1, 2, 3, 2, 5, 2, 7)
    assert out[8].terms[:12] == (3, 1, 3, 1, 1, 1, 3, 3, 3, 1, 3, 1)
    assert out[8].complexity == 9


def test_constant_map_is_undecided():
    """(2x + 2)/(x + 1) = 2 is rational: its expansion ends, which only the exact path can tell;
    the exact path itself cannot certify it (the value is never known exactly) and raises
    PrecisionExhausted, so UNDECIDED is the consistent answer."""
    f = _lhs(2, 2, 1, 1)
    out = screen_mobius_block(_cf("phi"), [f], [(1,), (-1,)], DEPTH, BOUND)
    assert [o.status for o in out] == [UNDECIDED, UNDECIDED]
    with pytest.raises(PrecisionExhausted):
        signed_expansion(LhsValue(f, _constant("phi")), (1,), 3, max_bits=4096)


def test_short_or_huge_constant_cf_is_undecided_not_wrong():
    """Too few partial quotients, or one above 2**60 (the prefix stops there), leave candidates
    undecided; an empty prefix decides nothing. Expected terms: the exact path."""
    maps, signs = _random_candidates(7, 20, 3)
    short = _cf("pi")[:6]
    out = screen_mobius_block(short, maps, signs, DEPTH, BOUND)
    counts = _assert_matches_exact(out, maps, signs, "pi")
    assert counts[UNDECIDED] > 0
    assert screen_mobius_block(list(short) + [2**61, 1, 1], maps, signs, DEPTH, BOUND) == out
    assert all(o.status == UNDECIDED for o in screen_mobius_block([], maps, signs, DEPTH, BOUND))


def test_degree_two_values_through_their_own_cf():
    """screen_values_block: y = (x² + 1)/(x + 2) and x² - 2 at e, each expanded once (exact
    regular CF), then every sign period with the identity map; verdicts match esma.search.screen
    on the same LhsValue."""
    from esma.expansion import regular_cf

    lhs = [RationalLhs((1, 0, 1), (2, 1)), RationalLhs((-2, 0, 1), (1,))]
    values = [LhsValue(f, _constant("e")) for f in lhs]
    cfs = [regular_cf(v, 250).terms for v in values]
    signs = [(1,), (-1,), (1, -1), (1, 1, -1)]
    out = screen_values_block(cfs, signs, DEPTH, BOUND)
    assert len(out) == 8
    for k, o in enumerate(out):
        assert o.status != UNDECIDED
        want = screen(values[k // 4], signs[k % 4], DEPTH, BOUND)
        assert (None if o.terms is None else list(o.terms)) == want


# -- the terms themselves, without any constant ------------------------------------------------


def _convergent(cf):
    p, q, p0, q0 = 1, 0, 0, 1
    for a in cf:
        p, q, p0, q0 = a * p + p0, a * q + q0, p, q
    return p, q, p0, q0


cf_prefixes = st.tuples(st.integers(-3, 3), st.lists(st.integers(1, 30), min_size=1, max_size=25))
coefs = st.integers(-6, 6)
sign_periods = st.lists(st.sampled_from((1, -1)), min_size=1, max_size=4).map(tuple)


@settings(max_examples=300, deadline=None)
@given(cf_prefixes, st.tuples(coefs, coefs, coefs, coefs), sign_periods)
@example((0, [1]), (1, 0, 0, 1), (-1,))
@example((1, [2] * 20), (1, 0, 0, 1), (1,))
@example((0, [27, 4, 9, 18, 4, 1, 2, 29, 1, 2, 5, 29, 1]), (-2, -2, 0, 5), (-1,))  # 182 2s
def test_emitted_terms_hold_at_both_ends_of_the_interval(head_tail, matrix, signs):
    """Whatever the tail t ∈ [1, ∞] after a known prefix [c₀; c₁, …, c_N], the emitted terms are a
    prefix of the exact signed expansion of y = f(c) at both extreme values of c (the
    convergent p_N/q_N and (p_N + p_{N-1})/(q_N + q_{N-1})), computed by
    esma.expansion.signed_expansion on Fractions. The kernel and its twin agree."""
    c0, tail = head_tail
    cf = [c0, *tail]
    a, b, c, d = matrix
    if a * d - b * c == 0:
        return
    p, q, p0, q0 = _convergent(cf)
    rows = [list(matrix)]
    status, comp, terms = screen_block(
        np.array(rows, dtype=np.int64),
        np.array([signs], dtype=np.int64),
        np.array([len(signs)]),
        np.array([cf], dtype=np.int64),
        np.array([len(cf)]),
        12,
        12,
        101,
        MAX_LIMIT,
    )
    twin = screen_block_py(rows, [signs], [len(signs)], [cf], [len(cf)], 12, 12, 101, None)
    assert status.tolist() == twin[0] and comp.tolist() == twin[1]
    # Finitely many, but an all-minus run of 2s mirrors a large regular quotient of y, which a
    # Möbius map can make far larger than c's: cap what is compared.
    emitted = list(islice(_homographic_py(list(matrix), list(signs), cf, None), 2000))
    if status[0] != UNDECIDED:
        assert terms[0].tolist() == emitted[:12]
    for x in (Fraction(p, q), Fraction(p + p0, q + q0)):
        den = c * x + d
        if den == 0:
            continue
        exact = signed_expansion((a * x + b) / den, signs, len(emitted) + 1).terms
        assert list(exact[: len(emitted)]) == emitted


# -- kernel and twin ---------------------------------------------------------------------------


def _arrays(maps, signs):
    rows = np.array(
        [
            [
                f.num[1] if len(f.num) > 1 else 0,
                f.num[0],
                f.den[1] if len(f.den) > 1 else 0,
                f.den[0],
            ]
            for f in maps
        ],
        dtype=np.int64,
    )
    width = max(len(s) for s in signs)
    sign_rows = np.zeros((len(signs), width), dtype=np.int64)
    for j, s in enumerate(signs):
        sign_rows[j, : len(s)] = s
    return rows, sign_rows, np.array([len(s) for s in signs], dtype=np.int64)


@pytest.mark.parametrize("limit", [MAX_LIMIT, 2**16, 2**7])
@pytest.mark.parametrize("constant", ["e", "pi"])
def test_kernel_equals_twin(constant, limit):
    """With the same limit the plain twin returns the same statuses, complexities and flagged
    terms, entry for entry (small limits exercise every overflow exit). With no limit the twin
    decides at least as much, and agrees wherever the kernel decided."""
    maps, signs = _random_candidates(11, 25, 4)
    rows, sign_rows, sign_lens = _arrays(maps, signs)
    cf = np.array([_cf(constant)], dtype=np.int64)
    args = (rows, sign_rows, sign_lens, cf, np.array([cf.shape[1]]), DEPTH, BOUND, PRIMES[0])
    status, comp, terms = screen_block(*args, limit)
    t_status, t_comp, t_terms = screen_block_py(*args, limit)
    assert status.tolist() == t_status and comp.tolist() == t_comp
    for k, st_k in enumerate(t_status):
        if st_k == FLAGGED:
            assert terms[k].tolist() == t_terms[k]
    u_status, u_comp, _ = screen_block_py(*args, None)
    for k, st_k in enumerate(status.tolist()):
        if st_k != UNDECIDED:
            assert (u_status[k], u_comp[k]) == (st_k, comp[k])
    assert u_status.count(UNDECIDED) <= t_status.count(UNDECIDED)


# -- the screening Berlekamp-Massey --------------------------------------------------------------


def _bm(seq, p, bound, split=None):
    n = len(seq)
    c, b, saved = (np.zeros(n + 2, dtype=np.int64) for _ in range(3))
    c[0] = b[0] = 1
    state = np.array([0, 0, 1, 1], dtype=np.int64)
    arr = np.array(seq, dtype=np.int64)
    cut = n if split is None else split
    L = _bm_extend(arr, 0, cut, p, 1.0 / p, bound, c, b, saved, state)
    if L <= bound and cut < n:
        L = _bm_extend(arr, cut, n, p, 1.0 / p, bound, c, b, saved, state)
    return int(L)


residue_moduli = st.sampled_from([2, 3, 101, 65537, 2**31 - 19, PRIMES[0]])


@settings(max_examples=300, deadline=None)
@given(
    residue_moduli,
    st.lists(st.integers(0, 2**40), min_size=1, max_size=80),
    st.integers(0, 50),
    st.data(),
)
@example(PRIMES[0], [PRIMES[0] - 1] * 60, 100, None)  # largest residues: sums near 2**63
@example(2, [1, 0, 0, 1, 1, 0, 1, 0] * 5, 40, None)
def test_inversionless_bm_has_bm_mod_p_complexity(p, seq, bound, data):
    """The kernel's inversionless, resumable Berlekamp-Massey gives the complexity of
    esma.kernels.bm.bm_mod_p_py (Massey's algorithm) with the same early abort, in one pass or
    resumed at any split point."""
    residues = [x % p for x in seq]
    want = bm_mod_p_py(residues, p, bound)[1]
    split = None if data is None else data.draw(st.integers(0, len(seq)))
    assert _bm(residues, p, bound) == want
    assert _bm(residues, p, bound, split) == want


def test_bm_recurrence_with_many_zero_discrepancies():
    """Fibonacci mod p has complexity 2 (python-flint: fmpz_mod_poly_ctx(p).minpoly of the
    sequence is z² - z - 1); a periodic 0/1 word of period 7 has complexity <= 7."""
    fib = [0, 1]
    while len(fib) < 60:
        fib.append((fib[-1] + fib[-2]) % PRIMES[0])
    assert _bm(fib, PRIMES[0], 60) == 2
    word = [1, 0, 0, 1, 0, 1, 1] * 8
    assert _bm(word, 101, 56) == bm_mod_p_py(word, 101, 56)[1] <= 7


# -- the wrapper ---------------------------------------------------------------------------------


def test_order_and_shape_of_outcomes():
    """One outcome per (lhs, signs), lhs-major; flagged outcomes carry depth terms."""
    maps = [canonical((0, 1), (1,)), canonical((1,), (0, 1))]  # x and 1/x at φ: both flagged
    out = screen_mobius_block(_cf("phi"), maps, [(1,), (-1,)], 20, 5)
    assert [o.terms[:3] for o in out] == [(1, 1, 1), (2, 3, 3), (0, 1, 1), (1, 3, 3)]
    assert all(len(o.terms) == 20 for o in out)


def test_bound_above_depth_flags_everything_decided():
    """Any L of 12 terms is at most 12, so bound = depth and a huge bound both flag every
    candidate (and the huge one must not overflow on its way into the kernel)."""
    maps, signs = _random_candidates(8, 5, 3)
    huge = screen_mobius_block(_cf("pi"), maps, signs, 12, 10**30)
    assert huge == screen_mobius_block(_cf("pi"), maps, signs, 12, 12)
    assert all(o.status == FLAGGED for o in huge)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"depth": 0}, "depth"),
        ({"depth": 2**19}, "depth"),
        ({"bound": -1}, "bound"),
        ({"modulus": 100}, "modulus"),
        ({"signs": [(1, 0)]}, "signs"),
        ({"signs": []}, "signs"),
        ({"lhs": [RationalLhs((1, 0, 1), (1,))]}, "lhs[0]"),
        ({"lhs": ["x"]}, "lhs[0]"),
        ({"constant_cf": [3, 7, 0, 1]}, "constant_cf[2]"),
        ({"constant_cf": [3, 7.5]}, "constant_cf[1]"),
    ],
)
def test_invalid_arguments_name_the_argument(kwargs, fragment):
    """Misuse raises InvalidParameter whose one-line message names the argument."""
    args = {
        "constant_cf": [3, 7, 15, 1, 292],
        "lhs": [canonical((0, 1), (1,))],
        "signs": [(1,)],
        "depth": 10,
        "bound": 2,
    } | kwargs
    with pytest.raises(InvalidParameter, match=fragment.replace("[", r"\[")):
        screen_mobius_block(**args)


def test_screening_cf_prefix():
    """π = [3; 7, 15, 1, 292, …] (sympy continued_fraction docs); the prefix pins π to at least
    the exact path's starting precision, and a rational ends with its own last quotient."""
    cf = screening_cf(_constant("pi"), 105)
    assert cf[:5] == (3, 7, 15, 1, 292)
    q = _convergent(cf)[1]
    assert 2 * (q.bit_length() - 1) > 1680
    assert screening_cf(Fraction(415, 93), 10) == (4, 2, 6, 7)
