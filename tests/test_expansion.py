"""Certified signed continued-fraction expansions.

Oracles: exact rational arithmetic (``fractions``), sympy's ``continued_fraction_periodic`` for
quadratic irrationals, and the defining recurrence run in mpmath at far more digits than needed.
"""

import random
from fractions import Fraction
from itertools import islice
from math import isqrt

import mpmath
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sympy import Rational
from sympy.ntheory.continued_fraction import (
    continued_fraction_iterator,
    continued_fraction_periodic,
)

from esma.convergents import evaluate
from esma.errors import InvalidParameter, PrecisionExhausted
from esma.expansion import iter_signed_terms, regular_cf, signed_expansion

sign_periods = st.lists(st.sampled_from([1, -1]), min_size=1, max_size=5).map(tuple)


class Surd:
    """(p + sqrt(d)) / q with rigorous dyadic bounds from integer square roots."""

    def __init__(self, p, d, q, jitter=None):
        self.p, self.d, self.q, self.jitter = p, d, q, jitter

    def bounds(self, bits):
        shift = bits + 8
        r = isqrt(self.d << (2 * shift))  # r <= sqrt(d)·2^shift < r + 1
        lo = (self.p << shift) + r
        hi = lo + 1
        if self.jitter is not None:  # widen by a random amount: still rigorous, less helpful
            lo -= self.jitter.randrange(0, 1 << 6)
            hi += self.jitter.randrange(0, 1 << 6)
        # divide by q > 0, rounding outward
        return lo // self.q, -((-hi) // self.q), shift

    def mp(self):
        return (self.p + mpmath.sqrt(self.d)) / self.q


def mp_signed_terms(x, signs, n):
    """The definition of the signed expansion, run at high precision (independent oracle)."""
    out = []
    for i in range(n):
        b = signs[i % len(signs)]
        a = int(mpmath.floor(x)) if b > 0 else int(mpmath.ceil(x))
        out.append(a)
        x = b / (x - a)
    return out


@given(st.integers(-(10**4), 10**4), st.integers(1, 10**4), sign_periods)
@example(22, 7, (-1,))
@example(0, 1, (1,))
@example(5, 1, (-1,))
@example(1, 10**4, (-1,))  # 1/q all-minus takes ~q terms: 1 - 1/(2 - 1/(2 - …))
def test_rational_expansion_terminates_and_evaluates_back(p, q, signs):
    y = Fraction(p, q)
    exp = signed_expansion(y, signs, 100_000)
    assert len(exp.terms) < 100_000 and exp.bits == 0
    assert evaluate(exp.terms, signs) == y


@given(st.integers(-(10**9), 10**9), st.integers(1, 10**9))
def test_all_plus_equals_regular_cf_on_rationals(p, q):
    expected = list(continued_fraction_iterator(Rational(p, q)))
    assert list(regular_cf(Fraction(p, q), 10_000).terms) == expected


@settings(max_examples=60, deadline=None)
@given(st.integers(-50, 50), st.integers(2, 500), st.integers(1, 40))
def test_all_plus_equals_regular_cf_on_quadratic_irrationals(p, d, q):
    if isqrt(d) ** 2 == d or (d - p * p) % q:  # sympy wants q | d - p^2
        return
    *head, period = continued_fraction_periodic(p, q, d)  # [a0, ..., [period]]
    expected = list(head) + list(period) * (60 // max(len(period), 1) + 1)
    assert list(regular_cf(Surd(p, d, q), 60).terms) == expected[:60]


@settings(max_examples=40, deadline=None)
@given(
    st.integers(-30, 30),
    st.integers(2, 300),
    st.integers(1, 9),
    sign_periods,
    st.integers(0, 2**32),
)
def test_signed_terms_match_definition_despite_jittered_bounds(p, d, q, signs, seed):
    if isqrt(d) ** 2 == d:
        return
    surd = Surd(p, d, q, jitter=random.Random(seed))
    with mpmath.workdps(600):
        expected = mp_signed_terms(surd.mp(), signs, 80)
    assert list(signed_expansion(surd, signs, 80, bits=64).terms) == expected


def test_refines_on_its_own():
    """Asked for many terms from a tiny first precision, it fetches more bits and says so."""
    exp = signed_expansion(Surd(0, 2, 1), "-", 500, bits=64)
    assert exp.terms[:4] == (2, 2, 4, 2) and len(exp.terms) == 500
    assert exp.bits > 64
    with mpmath.workdps(1500):
        assert list(exp.terms) == mp_signed_terms(mpmath.sqrt(2), (-1,), 500)


def test_zero_and_negative_heads():
    assert regular_cf(Surd(-3, 2, 1), 3).terms[0] == -2  # sqrt(2) - 3 = -1.58...
    assert regular_cf(Surd(-1, 2, 1), 3).terms[0] == 0  # sqrt(2) - 1 = 0.41...
    assert signed_expansion(Surd(-1, 2, 1), "-", 2).terms[0] == 1


def test_iterator_is_lazy_and_endless():
    terms = list(islice(iter_signed_terms(Surd(1, 5, 2), "+"), 200))
    assert terms == [1] * 200  # golden ratio


class NearInteger:
    """A value known only as 3 ± 2^-bits: no precision ever decides floor or ceil."""

    def bounds(self, bits):
        return (3 << bits) - 1, (3 << bits) + 1, bits


def test_never_guesses_when_digits_cannot_decide():
    with pytest.raises(PrecisionExhausted, match="bits"):
        signed_expansion(NearInteger(), "+", 1, max_bits=4096)


@pytest.mark.parametrize("terms", [0, -3, 1.5, True])
def test_bad_term_counts(terms):
    with pytest.raises(InvalidParameter, match="terms"):
        signed_expansion(Fraction(1, 3), "+", terms)


def test_bad_values():
    with pytest.raises(InvalidParameter, match="value"):
        signed_expansion("pi", "+", 3)
    with pytest.raises(InvalidParameter, match="value"):
        signed_expansion(float("nan"), "+", 3)


def test_json_shape():
    d = signed_expansion(Surd(0, 2, 1), "+-", 5).to_dict()
    assert set(d) == {"terms", "signs", "certified_terms", "digits"}
    assert d["signs"] == [1, -1] and d["certified_terms"] == 5 and d["digits"] > 300


def test_complete_only_when_the_expansion_ended():
    """415/93 = [4; 2, 6, 7]: three terms are a cut-off prefix, four are the whole fraction."""
    assert not signed_expansion(Fraction(415, 93), "+", 3).complete
    assert signed_expansion(Fraction(415, 93), "+", 4).complete
    assert signed_expansion(Fraction(415, 93), "+", 10).complete
    assert r"\ddots" in signed_expansion(Fraction(415, 93), "+", 3).latex()
    assert not signed_expansion(Surd(0, 2, 1), "+", 5).complete


def _matrix_terms(value, signs, count, bits):
    """The expansion as esma computed it before carrying the interval's ends: x_n's ends
    recomputed from the matrix (p, q, r, s) and y's interval for every term. Returns the terms
    and the precision used, for comparison with the remainder form."""
    lo, hi, shift = value.bounds(bits)
    den = 1 << shift
    p, q, r, s = 1, 0, 0, 1
    out = []
    while len(out) < count:
        b = signs[len(out) % len(signs)]
        while True:
            n_lo, d_lo = p * lo + q * den, r * lo + s * den
            n_hi, d_hi = p * hi + q * den, r * hi + s * den
            if d_lo and d_hi and (d_lo > 0) == (d_hi > 0):
                if b > 0:
                    t_lo, t_hi = n_lo // d_lo, n_hi // d_hi
                else:
                    t_lo, t_hi = -((-n_lo) // d_lo), -((-n_hi) // d_hi)
                if t_lo == t_hi:
                    break
            bits *= 2
            lo, hi, shift = value.bounds(bits)
            den = 1 << shift
        out.append(t_lo)
        p, q, r, s = b * r, b * s, p - t_lo * r, q - t_lo * s
    return out, bits


@settings(max_examples=40, deadline=None)
@given(
    st.integers(-30, 30),
    st.integers(2, 300),
    st.integers(1, 9),
    sign_periods,
    st.integers(0, 2**32),
)
def test_remainder_form_equals_the_matrix_form(p, d, q, signs, seed):
    """Carrying x_n's values at the interval's two ends from term to term (linear steps) gives
    the terms, and asks for more precision at the same terms, as recomputing them from the
    matrix did (four products of growing numbers a term)."""
    if isqrt(d) ** 2 == d:
        return
    got = signed_expansion(Surd(p, d, q, jitter=random.Random(seed)), signs, 120, bits=64)
    terms, bits = _matrix_terms(Surd(p, d, q, jitter=random.Random(seed)), signs, 120, 64)
    assert list(got.terms) == terms and got.bits == bits
