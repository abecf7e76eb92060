"""Left-hand sides: canonical forms, enumeration and de-duplication by value."""

from fractions import Fraction
from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esma.errors import InvalidParameter
from esma.transforms import canonical, distinct_values, enumerate_lhs

small = st.integers(-4, 4)


def _as_function(num, den):
    return lambda x: (
        sum(a * x**k for k, a in enumerate(num)) / sum(a * x**k for k, a in enumerate(den))
    )


@given(
    st.tuples(small, small, small), st.tuples(small, small, small), st.integers(-3, 3).filter(bool)
)
def test_canonical_form_is_the_same_function_up_to_sign(num, den, scale):
    f = canonical(num, den)
    g = canonical(tuple(scale * a for a in num), tuple(scale * a for a in den))
    assert f == g
    if f is None:
        return
    for x in (Fraction(7, 3), Fraction(-11, 5), Fraction(13, 2)):
        d_orig = sum(a * x**k for k, a in enumerate(den))
        if d_orig == 0 or sum(a * x**k for k, a in enumerate(f.den)) == 0:
            continue
        orig = _as_function(num, den)(x)
        assert f.exact_value(x) in (orig, -orig)


def test_common_factors_cancel():
    """(x^2 - 1)/(x^2 + x) = (x - 1)/x."""
    assert canonical((-1, 0, 1), (0, 1, 1)) == canonical((-1, 1), (0, 1))


def test_mobius_count():
    """Möbius maps with |coef| <= 1, counted by hand up to sign: 3 each with denominator 1, x,
    x + 1 and x - 1 (e.g. 1/(x+1), x/(x+1), (x-1)/(x+1))."""
    fs = enumerate_lhs(1, 1)
    assert len(fs) == len(set(fs)) == 12
    texts = {f.text for f in fs}
    assert {"x", "1/x", "(x + 1)/(x - 1)", "x + 1", "x - 1"} <= texts


def test_enumeration_is_exhaustive_and_distinct():
    """Every non-degenerate coefficient list lands on one canonical form in the enumeration."""
    fs = set(enumerate_lhs(1, 2))
    for a, b, c, d in product(range(-2, 3), repeat=4):
        f = canonical((b, a), (d, c))
        assert f is None or f in fs


@pytest.mark.parametrize("degree, coeff", [(0, 2), (5, 2), (1, 0), (1, 51), (3, 9)])
def test_bad_parameters(degree, coeff):
    with pytest.raises(InvalidParameter):
        enumerate_lhs(degree, coeff)


def test_distinct_values_drops_rational_and_equal_values():
    """For phi (x^2 = x + 1), x**2 - x is rational and x**2 equals x + 1: searched once."""
    from esma.constants import get_constant

    phi = get_constant("phi")
    fs = distinct_values(enumerate_lhs(2, 1), phi)
    texts = [f.text for f in fs]
    assert "x**2 - x" not in texts
    assert ("x**2" in texts) + ("x + 1" in texts) == 1
    values = [f.exact_value(Fraction(161803398874989, 10**14)) for f in fs]
    assert all(v > 0 for v in values)  # kept with the sign that makes the value positive


def test_distinct_values_keeps_all_mobius_of_e():
    """e is transcendental: distinct Möbius maps (up to sign) have distinct values."""
    from esma.constants import get_constant

    fs = enumerate_lhs(1, 2)
    assert len(distinct_values(fs, get_constant("e"))) == len(fs)


@pytest.mark.parametrize("constant", ["e", "pi", "log(2)"])
def test_distinct_values_of_a_transcendental_constant_skip_only_an_idle_test(monkeypatch, constant):
    """A constant proven transcendental has no rational values: skipping the test for them
    keeps exactly the left-hand sides the test keeps, and a search skips it."""
    import esma.transforms as transforms
    from esma.constants import get_constant
    from esma.search import SearchSpace
    from esma.valueclasses import proven_transcendental

    c = get_constant(constant)
    assert proven_transcendental(c.expr)
    called = []
    checked = transforms._looks_rational
    monkeypatch.setattr(transforms, "_looks_rational", lambda *a: called.append(a) or checked(*a))
    fs = enumerate_lhs(2, 2)
    fast = distinct_values(fs, c, transcendental=True)
    assert called == []
    assert distinct_values(fs, c) == fast
    assert len(called) == len(fast)
    called.clear()
    assert SearchSpace.create(constant, degree=2, coeff=2, periods="1-1").lhs == fast
    assert called == []


def test_a_search_of_an_algebraic_constant_still_tests_rationality(monkeypatch):
    import esma.transforms as transforms
    from esma.search import SearchSpace

    called = []
    checked = transforms._looks_rational
    monkeypatch.setattr(transforms, "_looks_rational", lambda *a: called.append(a) or checked(*a))
    lhs = SearchSpace.create("sqrt(2)", degree=2, coeff=1, periods="1-1").lhs
    assert called
    assert "x**2" not in [f.text for f in lhs]  # sqrt(2)**2 = 2


def test_text_reads_back_as_the_same_function():
    """Every LHS text, read by sympy (a test oracle, on our own text), is the same function."""
    import sympy

    x = sympy.Symbol("x")
    point = Fraction(7, 3)
    for f in enumerate_lhs(2, 2):
        parsed = sympy.sympify(f.text, locals={"x": x})
        expected = f.exact_value(point)
        assert sympy.Rational(expected.numerator, expected.denominator) == parsed.subs(
            x, sympy.Rational(7, 3)
        ), f.text


# -- the bulk enumeration and the integer rational test give what the plain definitions give ------


@pytest.mark.parametrize("degree, coeff", [(1, 2), (2, 1), (2, 2), (3, 1), (4, 1)])
def test_bulk_enumeration_equals_one_list_at_a_time(monkeypatch, degree, coeff):
    """The numpy path (resultants, contents and signs of whole arrays) yields exactly the list
    that canonical() applied to every coefficient list yields, in the same order."""
    import esma.transforms as transforms

    monkeypatch.setattr(transforms, "BULK_LISTS", 10**9)
    one_by_one = enumerate_lhs(degree, coeff)
    monkeypatch.setattr(transforms, "BULK_LISTS", 0)
    assert enumerate_lhs(degree, coeff) == one_by_one


def test_bulk_resultants_are_exact():
    """The rounded float determinants are the Sylvester resultants (python-flint's, exactly)."""
    import numpy as np
    from flint import fmpz_poly

    from esma.transforms import _resultants

    rng = np.random.default_rng(7)
    for m, coeff in ((1, 23), (2, 6), (3, 2), (4, 1)):
        num = rng.integers(-coeff, coeff + 1, size=(400, m + 1))
        den = rng.integers(-coeff, coeff + 1, size=(400, m + 1))
        num[:, m] = np.where(num[:, m] == 0, 1, num[:, m])  # degree m: flint's resultant too
        den[:, m] = np.where(den[:, m] == 0, -1, den[:, m])
        got = _resultants(num, den).tolist()
        want = [
            int(fmpz_poly(p.tolist()).resultant(fmpz_poly(q.tolist())))
            for p, q in zip(num, den, strict=True)
        ]
        assert got == want


@given(
    st.integers(1, 2**300),
    st.integers(0, 310),
    st.sampled_from([16, 64, 256]),
)
def test_integer_rational_test_is_limit_denominators(num, shift, bits):
    """_looks_rational and _round_scaled on integers agree with the Fraction definitions."""
    from esma.transforms import _looks_rational, _round_scaled

    y = Fraction(num, 1 << shift)
    approx = y.limit_denominator(1 << (bits // 4))
    assert _looks_rational(y.numerator, y.denominator, bits) == (abs(y - approx) * (1 << bits) < 1)
    assert _round_scaled(y.numerator, y.denominator, bits) == round(y * (1 << bits))


@given(st.integers(1, 2**64), st.integers(1, 2**64), st.integers(-8, 8), st.integers(200, 300))
def test_integer_rational_test_near_fractions(a, b, nudge, shift):
    """Numbers a few ulps from a/b, where the two candidates of limit_denominator compete."""
    from esma.transforms import _looks_rational

    y = Fraction(((a << shift) // b) + nudge, 1 << shift)
    if y <= 0:
        return
    approx = y.limit_denominator(1 << 64)
    assert _looks_rational(y.numerator, y.denominator, 256) == (abs(y - approx) * (1 << 256) < 1)
