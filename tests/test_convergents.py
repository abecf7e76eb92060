"""Exact convergents, finite values and convergence rates."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esma.convergents import convergence_rate, convergent_pairs, convergents, evaluate, log10_abs
from esma.errors import InvalidParameter


def _nested(terms, signs):
    """Direct right-to-left evaluation: the definition, as an independent oracle."""
    value = Fraction(terms[-1])
    for i in range(len(terms) - 2, -1, -1):
        value = terms[i] + Fraction(signs[i % len(signs)]) / value
    return value


@given(
    st.lists(st.integers(2, 50), min_size=1, max_size=25),
    st.lists(st.sampled_from([1, -1]), min_size=1, max_size=4),
    st.integers(-5, 5),
)
def test_evaluate_matches_nested_definition(tail, signs, a0):
    terms = [a0, *tail]
    assert evaluate(terms, tuple(signs)) == _nested(terms, tuple(signs))


def test_convergents_of_pi_prefix():
    """Classical: pi = [3; 7, 15, 1, 292, ...] gives 22/7, 333/106, 355/113."""
    assert list(convergents([3, 7, 15, 1]))[1:] == [
        Fraction(22, 7),
        Fraction(333, 106),
        Fraction(355, 113),
    ]


def test_determinant_identity():
    """p_n q_{n-1} - p_{n-1} q_n = (-1)^(n+1) b_0 ... b_{n-1} (from the three-term recurrence)."""
    terms, signs = [2, 3, 2, 5, 2, 7, 2, 9], (-1, 1)
    pairs = list(convergent_pairs(terms, signs))
    prod = -1  # p_0 q_{-1} - p_{-1} q_0 = -1
    for n in range(1, len(pairs)):
        prod *= -signs[(n - 1) % 2]
        (p0, q0), (p1, q1) = pairs[n - 1], pairs[n]
        assert p1 * q0 - p0 * q1 == prod


def test_evaluate_errors():
    with pytest.raises(InvalidParameter):
        evaluate([])
    with pytest.raises(InvalidParameter, match="divides by zero"):
        evaluate([0, 0])


def test_rates():
    """[1; 1, 1, ...] converges at 2 log10(phi) digits a term; [1; 2, 3, 4, ...] ever faster."""
    assert convergence_rate([1] * 400) == pytest.approx(0.41797, abs=1e-3)
    assert convergence_rate(list(range(1, 200))) > 3
    assert log10_abs(Fraction(3, 10**5000)) == pytest.approx(-5000 + 0.47712, abs=1e-4)
