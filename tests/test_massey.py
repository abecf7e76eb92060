"""Berlekamp-Massey mod p: kernel vs plain twin vs python-flint, early abort, public wrapper.

Oracles: python-flint 0.9 ``fmpz_mod_poly_ctx(p).minpoly(seq)`` returns the monic minimal
polynomial ``z^L C(1/z)`` of degree ``L`` (coefficients ascending), i.e. the connection polynomial
reversed and padded to length ``L + 1``; it equals ours whenever the register is unique
(``2 L <= n``). Primality: ``sympy.isprime``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from unittest import mock

import flint
import numpy as np
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from esma.errors import InvalidParameter
from esma.kernels.bm import bm_mod_p, bm_mod_p_py, inv_mod
from esma.massey import (
    PRIMES,
    ModularLFSR,
    _bm_exact,
    _int64,
    _smallest_start,
    berlekamp_massey,
    find_recurrence,
    linear_complexity,
)

SMALL_PRIMES = [2, 3, 5, 7, 101, 65537]
ALL_PRIMES = SMALL_PRIMES + list(PRIMES[:3])


def _lfsr_terms(p: int, conn: list[int], head: list[int], n: int) -> list[int]:
    """Terms of the register with connection ``conn`` (C[0] = 1) seeded by ``head``, mod p."""
    out = [x % p for x in head[:n]]
    while len(out) < n:
        k = len(out)
        out.append(-sum(c * out[k - j] for j, c in enumerate(conn) if j and k - j >= 0) % p)
    return out


@st.composite
def residue_sequences(draw, max_len: int = 60):
    """(p, seq): random residues, or a random low-complexity register (to exercise both)."""
    p = draw(st.sampled_from(ALL_PRIMES))
    n = draw(st.integers(0, max_len))
    if draw(st.booleans()):
        seq = draw(st.lists(st.integers(0, p - 1), min_size=n, max_size=n))
    else:
        order = draw(st.integers(0, 6))
        conn = [1] + draw(st.lists(st.integers(0, p - 1), min_size=order, max_size=order))
        head = draw(st.lists(st.integers(0, p - 1), min_size=order + 2, max_size=order + 2))
        seq = _lfsr_terms(p, conn, head, n)
    return p, seq


def _kernel(seq: list[int], p: int, k: int) -> tuple[list[int], int]:
    c, L = bm_mod_p(np.array(seq, dtype=np.int64), p, k)
    return c.tolist(), int(L)


def test_primes_are_primes_below_2_31():
    """Primality checked with sympy.isprime; descending and distinct as documented."""
    assert len(PRIMES) >= 4
    assert all(sympy.isprime(p) and p < 2**31 for p in PRIMES)
    assert list(PRIMES) == sorted(set(PRIMES), reverse=True)


@given(st.sampled_from(ALL_PRIMES), st.integers(1, 2**40))
@settings(max_examples=60, deadline=None)
def test_inv_mod(p, a):
    """Definition of the inverse (Python's pow(a, -1, p) would be the same number)."""
    if a % p:
        assert inv_mod(a % p, p) * a % p == 1


@given(residue_sequences(), st.data())
@settings(max_examples=150, deadline=None)
def test_kernel_equals_twin(ps, data):
    """The compiled kernel and its plain-Python twin give identical results, with or without
    early abort (same algorithm, so nothing to derive by hand)."""
    p, seq = ps
    k = data.draw(st.integers(0, len(seq)))
    assert _kernel(seq, p, k) == bm_mod_p_py(seq, p, k)
    assert _kernel(seq, p, len(seq)) == bm_mod_p_py(seq, p, len(seq))


@given(residue_sequences(max_len=80))
@settings(max_examples=150, deadline=None)
def test_kernel_equals_flint_minpoly(ps):
    """Oracle: python-flint ``fmpz_mod_poly_ctx(p).minpoly(seq)``; degree = linear complexity,
    and reversed coefficients = connection polynomial when the register is unique."""
    p, seq = ps
    c, L = _kernel(seq, p, len(seq))
    mp = flint.fmpz_mod_poly_ctx(p).minpoly(seq)
    assert L == mp.degree()
    assert len(c) == L + 1 and c[0] == 1
    # The register generates the sequence mod p, whatever n.
    for i in range(L, len(seq)):
        assert sum(c[j] * seq[i - j] for j in range(L + 1)) % p == 0
    if 2 * L <= len(seq):
        assert c == [int(x) for x in reversed(mp.coeffs())]


@given(residue_sequences(max_len=80), st.data())
@settings(max_examples=150, deadline=None)
def test_early_abort_is_prefix_result(ps, data):
    """Documented abort result: at the first prefix seq[:i+1] whose complexity exceeds K the
    kernel returns exactly that prefix's register; K < L_abort <= true L (never smaller than the
    truth's lower bound, never a false pass). Without abort, the full result."""
    p, seq = ps
    k = data.draw(st.integers(0, max(len(seq), 0)))
    full_c, full_L = _kernel(seq, p, len(seq))
    c, L = _kernel(seq, p, k)
    if full_L <= k:
        assert (c, L) == (full_c, full_L)
        return
    assert k < L <= full_L
    first = next(i for i in range(len(seq)) if _kernel(seq[: i + 1], p, i + 1)[1] > k)
    assert (c, L) == _kernel(seq[: first + 1], p, first + 1)


@given(st.lists(st.integers(-50, 50), min_size=1, max_size=25))
@settings(max_examples=80, deadline=None)
def test_exact_rational_bm_agrees_mod_p(seq):
    """The Fraction fallback of find_recurrence is Berlekamp-Massey over Q: its register reduces
    mod p to the kernel's (p = PRIMES[0] divides no numerator or denominator of a discrepancy of
    such small data except with probability ~n / 2**31) and generates the sequence exactly."""
    c, L = _bm_exact(seq)
    assert c[0] == 1 and len(c) == L + 1
    for i in range(L, len(seq)):
        assert sum(c[j] * seq[i - j] for j in range(L + 1)) == 0
    p = PRIMES[0]
    kc, kL = _kernel([x % p for x in seq], p, len(seq))
    assert kL == L
    assert kc == [x.numerator * pow(x.denominator, -1, p) % p for x in c]


def test_abort_on_random_sequence_is_early():
    """A random sequence has complexity about n/2; with K = 5 the kernel stops with L = 6 or 7
    (a length change jumps from L to i + 1 - L), far below the true ~100."""
    rng = np.random.default_rng(12345)
    seq = rng.integers(0, PRIMES[0], 200, dtype=np.int64)
    c, L = bm_mod_p(seq, PRIMES[0], 5)
    assert 5 < L <= 12 and len(c) == L + 1
    assert bm_mod_p(seq, PRIMES[0], 200)[1] >= 95


def test_kernel_runs_without_jit():
    """NUMBA_DISABLE_JIT=1 turns the kernel into plain Python with the same answer (Fibonacci:
    connection 1 - z - z^2, i.e. [1, 100, 100] mod 101)."""
    code = (
        "import numpy as np; from esma.kernels.bm import bm_mod_p;"
        "c, L = bm_mod_p(np.array([1, 1, 2, 3, 5, 8], dtype=np.int64), 101, 6);"
        "print(type(bm_mod_p).__name__, c.tolist(), L)"
    )
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split(maxsplit=1)
    assert out == ["function", "[1, 100, 100] 2\n"]


def test_berlekamp_massey_fibonacci_and_e():
    """Fibonacci: 1 - z - z^2 (classical). e's regular CF [2; 1, 2, 1, 1, 4, ...] (Euler):
    complexity 7 with connection 1 - 2 z^3 + z^6, i.e. one irregular head term."""
    assert berlekamp_massey([0, 1, 1, 2, 3, 5, 8, 13], 101) == ModularLFSR((1, 100, 100), 2, 101)
    e = [2] + [x for k in range(1, 12) for x in (1, 2 * k, 1)]
    r = berlekamp_massey(e)
    p = PRIMES[0]
    assert r == ModularLFSR((1, 0, 0, p - 2, 0, 0, 1, 0), 7, p)
    assert linear_complexity(e) == 7


def test_big_integers_and_numpy_inputs():
    """2**100 * n has connection (1 - z)^2 (second differences vanish); numpy int64 and object
    arrays are accepted; negative terms are reduced into [0, p)."""
    p = PRIMES[1]
    big = [2**100 * n for n in range(10)]
    assert berlekamp_massey(big, p) == ModularLFSR((1, p - 2, 1), 2, p)
    assert berlekamp_massey(np.array(big, dtype=object), p) == ModularLFSR((1, p - 2, 1), 2, p)
    assert linear_complexity(np.arange(20, dtype=np.int64)) == 2
    assert linear_complexity([-1, 1, -1, 1, -1, 1]) == 1
    assert berlekamp_massey([np.int32(5)] * 6) == ModularLFSR((1, PRIMES[0] - 1), 1, PRIMES[0])


def test_max_complexity():
    """None (and a complexity above the bound) exactly when the bound is exceeded; the
    complexities come from the e example above (7) and a constant sequence (1)."""
    e = [2] + [x for k in range(1, 12) for x in (1, 2 * k, 1)]
    assert berlekamp_massey(e, max_complexity=6) is None
    assert linear_complexity(e, max_complexity=6) > 6
    assert berlekamp_massey(e, max_complexity=7).complexity == 7
    assert berlekamp_massey([3] * 9, max_complexity=0) is None
    assert berlekamp_massey([0] * 9, max_complexity=0) == ModularLFSR((1,), 0, PRIMES[0])


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"seq": [1, 2], "modulus": 100}, "modulus"),
        ({"seq": [1, 2], "modulus": 2147483659}, "modulus"),  # prime, but >= 2**31
        ({"seq": [1, 2], "modulus": 1}, "modulus"),
        ({"seq": [1, 2], "modulus": 101.0}, "modulus"),
        ({"seq": [1, 2], "modulus": True}, "modulus"),
        ({"seq": []}, "seq"),
        ({"seq": [1, 1.5]}, "seq[1]"),
        ({"seq": [1, "3"]}, "seq[1]"),
        ({"seq": [None]}, "seq[0]"),
        ({"seq": [True, 1]}, "seq[0]"),
        ({"seq": "123"}, "seq"),
        ({"seq": 5}, "seq"),
        ({"seq": np.array([1.0, 2.0])}, "seq[0]"),
        ({"seq": np.zeros((2, 2), dtype=np.int64)}, "seq"),
        ({"seq": [1, 2], "max_complexity": -1}, "max_complexity"),
        ({"seq": [1, 2], "max_complexity": 1.5}, "max_complexity"),
    ],
)
def test_validation(kwargs, word):
    """Misuse raises InvalidParameter with a one-line message naming the argument."""
    for fn in (berlekamp_massey, linear_complexity):
        with pytest.raises(InvalidParameter, match=word.replace("[", r"\[")) as info:
            fn(**kwargs)
        assert "\n" not in str(info.value)


def test_find_recurrence_validation():
    """Same sequence checks in find_recurrence, plus min_confirm."""
    with pytest.raises(InvalidParameter, match="seq"):
        find_recurrence([])
    with pytest.raises(InvalidParameter, match=r"seq\[2\]"):
        find_recurrence([1, 2, 2.5])
    with pytest.raises(InvalidParameter, match="min_confirm"):
        find_recurrence([1, 2, 3], min_confirm=-1)


@given(
    st.lists(
        st.one_of(
            st.integers(-(2**63), 2**63 - 1),
            st.integers(-9, 9),
            st.sampled_from([2**62, 2**63 - 1, -(2**63), 2**64, -(10**40)]),
        ),
        min_size=1,
        max_size=30,
    ),
    st.lists(st.one_of(st.integers(-3, 3), st.integers(-(2**70), 2**70)), max_size=6),
)
@example([2**62, 0], [4])  # 0 + 4 * 2**62 = 2**64 wraps to 0 in int64: must not count as zero
@example([-(2**63), 2**62, 0], [2, 0])
def test_smallest_start_int64_path_is_exact(terms, tail):
    """The numpy int64 shortcut of _smallest_start gives the exact Python-int answer, including
    terms and coefficients at or beyond the int64 range (where it must step aside)."""
    charpoly = [1, *tail]
    while len(charpoly) > 1 and charpoly[-1] == 0:
        charpoly.pop()
    assert _smallest_start(terms, charpoly, _int64(terms)) == _smallest_start(terms, charpoly)


@st.composite
def recurrent_sequences(draw):
    """Terms of a random integer recurrence with a head, some of them degenerate modulo
    PRIMES[1] (the second prime find_recurrence tries): leading coefficient or every term
    divisible by it. Lengths straddle the 2 L + 4 terms needed to confirm."""
    order, start = draw(st.integers(0, 5)), draw(st.integers(0, 3))
    coeffs = draw(st.lists(st.integers(-3, 3), min_size=order, max_size=order))
    if order:
        lead = st.sampled_from([-1, 1, 2, PRIMES[1], -PRIMES[1], PRIMES[0] * PRIMES[1]])
        coeffs[-1] = coeffs[-1] or draw(lead)
    size = draw(st.sampled_from([10, 2**62, 10**40]))
    out = draw(st.lists(st.integers(-size, size), min_size=start + order, max_size=start + order))
    n = draw(st.integers(1, 2 * (start + order) + 10))
    while len(out) < n:
        out.append(-sum(c * out[-j] for j, c in enumerate(coeffs, start=1)))
    scale = draw(st.sampled_from([1, 1, PRIMES[1]]))
    return [scale * x for x in out[:n]]


@given(recurrent_sequences(), st.sampled_from([0, 1, 4]))
@example([3**k + PRIMES[1] * 7**k for k in range(20)], 4)  # complexity 2, but 1 mod PRIMES[1]
@example([PRIMES[1] * 2**k for k in range(12)], 4)  # complexity 1, but 0 mod PRIMES[1]
@settings(max_examples=200, deadline=None)
def test_find_recurrence_shortcuts_change_nothing(seq, min_confirm):
    """find_recurrence settles from one prime when it can prove the second would agree, and
    computes in int64 when that is exact: the result equals the one from voting primes with
    Python ints only."""
    fast = find_recurrence(seq, min_confirm=min_confirm)
    with (
        mock.patch("esma.massey._first_prime_settles", return_value=None),
        mock.patch("esma.massey._int64", return_value=None),
    ):
        slow = find_recurrence(seq, min_confirm=min_confirm)
    assert fast == slow
