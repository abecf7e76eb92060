"""Tests for esma.evaluation: certified balls, precision growth, exact zeros, random trees.

Expected values come from mpmath 1.3 computed at a precision far above the one under test.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
from flint import arb, ctx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esma.constants import NAMED_CONSTANTS
from esma.errors import InvalidExpression, InvalidParameter, PrecisionExhausted
from esma.evaluation import evaluate, exact_value
from esma.expr import format_expression, parse_expression

M = mpmath


def ball_to_mpf(x: arb) -> tuple[mpmath.mpf, mpmath.mpf]:
    """Midpoint and radius of an arb ball as exact mpmath numbers (caller sets the precision)."""
    mid_man, mid_exp = x.mid().man_exp()
    rad_man, rad_exp = x.rad().man_exp()
    return M.ldexp(M.mpf(int(mid_man)), int(mid_exp)), M.ldexp(M.mpf(int(rad_man)), int(rad_exp))


def test_evaluate_exact_zero_exhausts_precision() -> None:
    """evaluate() cannot certify relative accuracy of a zero value: PrecisionExhausted."""
    with pytest.raises(PrecisionExhausted):
        evaluate(parse_expression("exp(1) - exp(1)"), 64)
    with pytest.raises(InvalidExpression, match="division by zero"):
        evaluate(parse_expression("1/(exp(1) - exp(1))"), 64)


def test_evaluate_with_variables_and_precision_restored() -> None:
    """A left-hand side in x evaluates with x bound; flint's global precision is left alone."""
    before = ctx.prec
    lhs = parse_expression("(x + 1)/(x - 1)", variables=("x",))
    x = NAMED_CONSTANTS["e"].arb(300)
    value = evaluate(lhs, 200, {"x": x})
    with M.workprec(400):
        expected = (M.e + 1) / (M.e - 1)  # = coth(1/2)
        mid, rad = ball_to_mpf(value)
        assert abs(mid - expected) <= rad < M.ldexp(expected, -200)
    assert evaluate(lhs, 10, {"x": Fraction(3)}).contains(2)
    with pytest.raises(PrecisionExhausted):
        evaluate(parse_expression("x - x", variables=("x",)), 30, {"x": x})
    with pytest.raises(InvalidParameter, match="'x'"):
        evaluate(lhs, 10)
    with pytest.raises(InvalidParameter, match="bits"):
        evaluate(lhs, 0, {"x": x})
    assert ctx.prec == before


def test_evaluate_precision_grows_for_cancellation() -> None:
    """exp(100) + pi - exp(100) needs far more than bits + 64 working bits; the answer is pi."""
    value = evaluate(parse_expression("exp(100) + pi - exp(100)"), 100)
    assert value.overlaps(arb.pi()) and value.rel_accuracy_bits() >= 100


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("sqrt(9/4) + exp(0)", Fraction(5, 2)),
        ("8**(2/3) - gamma(5)", Fraction(-20)),
        ("log(1) + zeta(-2) + zeta(0)", Fraction(-1, 2)),
        ("besseli(0, 0) - besselj(3, 0)/7", Fraction(1)),
        ("cos(0)*cosh(0) + sin(0) + tan(0) + atan(0) + sinh(0) + tanh(0)", Fraction(1)),
        ("sqrt(2)", None),
        ("sqrt(2)**2", None),  # 2, but not by exact rules (the numeric test of get_constant)
        ("pi - pi", None),  # names are never folded
        ("gamma(1001)", None),  # 1000! is past the rule's range
        ("besseli(1/2, 0)", None),
    ],
)
def test_exact_values(text: str, value: Fraction | None) -> None:
    """exact_value folds exact rules only; where it claims a value, the ball contains it."""
    expr = parse_expression(text)
    assert exact_value(expr) == value
    if value is not None:
        ball = evaluate(expr, 64) if value else None
        assert ball is None or ball.contains(arb(value.numerator) / value.denominator)


# ---- property tests ------------------------------------------------------------------------

LEAVES = st.one_of(
    st.integers(1, 9).map(lambda n: (str(n), lambda n=n: M.mpf(n))),
    st.sampled_from(
        [
            ("pi", lambda: M.pi),
            ("e", lambda: M.e),
            ("catalan", lambda: M.catalan),
            ("euler_gamma", lambda: M.euler),
            ("phi", lambda: (1 + M.sqrt(5)) / 2),
            ("sqrt2", lambda: M.sqrt(2)),
            ("log2", lambda: M.log(2)),
            ("zeta3", lambda: M.zeta(3)),
        ]
    ),
)


def _binary(pair):
    (ta, fa), (tb, fb), op = pair
    ops = {
        "+": lambda: fa() + fb(),
        "-": lambda: fa() - fb(),
        "*": lambda: fa() * fb(),
        "/": lambda: fa() / (1 + fb() ** 2),
    }
    text = f"({ta})/(1 + ({tb})**2)" if op == "/" else f"({ta}) {op} ({tb})"
    return text, ops[op]


def _unary(pair):
    (t, f), kind = pair
    # Every form is total on the reals and keeps arguments inside the evaluation caps.
    forms = {
        "atan": (f"atan({t})", lambda: M.atan(f())),
        "tanh": (f"tanh({t})", lambda: M.tanh(f())),
        "sin": (f"sin(atan({t}))", lambda: M.sin(M.atan(f()))),
        "cos": (f"cos(tanh({t}))", lambda: M.cos(M.tanh(f()))),
        "exp": (f"exp(atan({t}))", lambda: M.exp(M.atan(f()))),
        "sinh": (f"sinh(tanh({t}))", lambda: M.sinh(M.tanh(f()))),
        "cosh": (f"cosh(atan({t}))", lambda: M.cosh(M.atan(f()))),
        "tan": (f"tan(tanh({t}))", lambda: M.tan(M.tanh(f()))),
        "log": (f"log(1 + ({t})**2)", lambda: M.log(1 + f() ** 2)),
        "sqrt": (f"sqrt(1 + ({t})**2)", lambda: M.sqrt(1 + f() ** 2)),
        "root": (f"(1 + ({t})**2)^(2/3)", lambda: M.cbrt(1 + f() ** 2) ** 2),
        "gamma": (f"gamma(2 + tanh({t}))", lambda: M.gamma(2 + M.tanh(f()))),
        "zeta": (f"zeta(2 + atan({t})**2)", lambda: M.zeta(2 + M.atan(f()) ** 2)),
        "besseli": (f"besseli(1, atan({t}))", lambda: M.besseli(1, M.atan(f()))),
        "besselj": (
            f"besselj(1/2, 2 + atan({t}))",
            lambda: M.besselj(M.mpf(1) / 2, 2 + M.atan(f())),
        ),
        "neg": (f"-({t})", lambda: -f()),
        "square": (f"({t})^2", lambda: f() ** 2),
        "inverse": (f"(1 + ({t})**2)**(-1)", lambda: 1 / (1 + f() ** 2)),
    }
    return forms[kind]


UNARY_KINDS = [
    "atan",
    "tanh",
    "sin",
    "cos",
    "exp",
    "sinh",
    "cosh",
    "tan",
    "log",
    "sqrt",
    "root",
    "gamma",
    "zeta",
    "besseli",
    "besselj",
    "neg",
    "square",
    "inverse",
]

TREES = st.recursive(
    LEAVES,
    lambda children: st.one_of(
        st.tuples(children, children, st.sampled_from(["+", "-", "*", "/"])).map(_binary),
        st.tuples(children, st.sampled_from(UNARY_KINDS)).map(_unary),
    ),
    max_leaves=5,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TREES)
def test_random_expressions_match_mpmath(tree) -> None:
    """Random trees over the whitelist: the 120-bit ball contains mpmath's 400-bit value."""
    text, oracle = tree
    expr = parse_expression(text)
    assert parse_expression(format_expression(expr)) == expr
    with M.workprec(400):
        expected = oracle()
    try:
        ball = evaluate(expr, 120)
    except PrecisionExhausted:
        assert abs(expected) < M.mpf(2) ** -300  # only an exactly zero value may exhaust
        return
    with M.workprec(800):
        mid, rad = ball_to_mpf(ball)
        assert abs(mid - expected) <= rad + M.ldexp(abs(expected), -390)
        assert rad <= M.ldexp(abs(mid), -120)
