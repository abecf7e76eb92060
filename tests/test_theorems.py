"""The classical continued fractions esma's proofs start from, each against its certified expansion."""

from fractions import Fraction

import pytest

from esma.constants import get_constant
from esma.expansion import regular_cf
from esma.theorems import THEOREMS, describe, theorem_for, theorem_for_square

TERMS = 2000

# Several parameters for every family; each is compared term by term with the expansion
# certified from the constant's digits. One or two per family run by default, the rest with -m slow.
CASES = [
    ("e", "e"),
    pytest.param("exp(1)", "e", marks=pytest.mark.slow),
    ("e2", "e2"),
    pytest.param("exp(2)", "e2", marks=pytest.mark.slow),
    ("sqrte", "exp(1/n):2"),
    pytest.param("e13", "exp(1/n):3", marks=pytest.mark.slow),
    ("exp(1/4)", "exp(1/n):4"),
    pytest.param("exp(1/7)", "exp(1/n):7", marks=pytest.mark.slow),
    ("exp(2/3)", "exp(2/n):3"),
    pytest.param("exp(2/5)", "exp(2/n):5", marks=pytest.mark.slow),
    pytest.param("exp(2/9)", "exp(2/n):9", marks=pytest.mark.slow),
    ("tan1", "tan1"),
    pytest.param("tan(1/2)", "tan(1/n):2", marks=pytest.mark.slow),
    ("tan(1/3)", "tan(1/n):3"),
    pytest.param("tan(1/6)", "tan(1/n):6", marks=pytest.mark.slow),
    pytest.param("tanh(1)", "tanh(1/n):1", marks=pytest.mark.slow),
    ("tanh(1/2)", "tanh(1/n):2"),
    pytest.param("tanh(1/5)", "tanh(1/n):5", marks=pytest.mark.slow),
    pytest.param("besselratio", "bessel(2/n):1", marks=pytest.mark.slow),
    ("besseli(1,1)/besseli(0,1)", "bessel(2/n):2"),
    pytest.param("besseli(1, 2/3)/besseli(0, 2/3)", "bessel(2/n):3", marks=pytest.mark.slow),
    ("phi", "quadratic:1/2,1/2,5"),
    pytest.param("sqrt2", "quadratic:0,1,2", marks=pytest.mark.slow),
    ("sqrt(3)", "quadratic:0,1,3"),
    pytest.param("(2 + sqrt(7))/3", "quadratic:2/3,1/3,7", marks=pytest.mark.slow),
    ("1/(sqrt(13) - 2)", "quadratic:2/9,1/9,13"),
]


@pytest.mark.parametrize(("text", "key"), CASES)
def test_theorem_matches_certified_expansion(text, key):
    theorem = theorem_for(text)
    assert theorem is not None and theorem.key == key
    assert theorem.citation == THEOREMS[theorem.family].citation
    certified = regular_cf(get_constant(text), TERMS)
    assert certified.certified_terms >= TERMS
    assert theorem.terms(TERMS) == list(certified.terms[:TERMS])


@pytest.mark.parametrize(
    "text",
    [
        "pi",
        "exp(3)",
        "exp(-1)",
        "exp(2/4) + 1",
        "tan(2)",
        "tanh(2/3)",
        "zeta3",
        "log2",
        "besseli(1,3)/besseli(0,3)",
        "besseli(0,1)/besseli(1,1)",
        "sqrt(2) + sqrt(3)",
        "x",
        "1 +",
    ],
)
def test_no_theorem(text):
    assert theorem_for(text) is None


def test_equal_expressions_match_the_same_theorem():
    assert {theorem_for(t).key for t in ("sqrte", "sqrt(e)", "exp(1/2)", "e**(1/2)")} == {
        "exp(1/n):2"
    }
    assert {theorem_for(t).key for t in ("phi", "(1+sqrt(5))/2", "1/2 + sqrt(5)/2")} == {
        "quadratic:1/2,1/2,5"
    }
    assert describe("sqrt(8)") == ("surd", Fraction(0), Fraction(2), 2)


def test_square_theorems():
    assert theorem_for_square("e").key == "e2"
    assert theorem_for_square("sqrte").key == "e"
    assert theorem_for_square("exp(1/6)").key == "exp(1/n):3"
    assert theorem_for_square("e13").key == "exp(2/n):3"
    assert theorem_for_square("phi").key == "quadratic:3/2,1/2,5"
    assert theorem_for_square("sqrt(3)") is None  # 3 is rational
    assert theorem_for_square("tan1") is None
    assert theorem_for_square("e2") is None  # e**4 has no theorem here
