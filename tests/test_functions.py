"""Tests for esma.functions: every entry is complete, and a new function is one entry.

Reference values come from mpmath 1.3 (``mpmath.sech``, and every function of the table in
``test_values_match_mpmath_to_1000_digits``) at a precision above the one tested.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from fractions import Fraction

import mpmath
import pytest
from flint import arb, fmpq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esma.constants import checked_constant
from esma.errors import EsmaError, InvalidExpression, PrecisionExhausted
from esma.evaluation import evaluate, exact_value
from esma.expr import (
    LAYOUT_KINDS,
    MAX_EXACT_BITS,
    expr_latex,
    format_expression,
    parse_expression,
)
from esma.functions import FUNCTIONS, Function, Piece, Refusal, latex_paren
from esma.precision import working_precision

POINTS = [Fraction(v) for v in (0, 1, 2, 5, -2, -3, Fraction(1, 2), Fraction(-7, 3))]


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_every_function_has_every_part(name: str) -> None:
    """Signature, caps, evaluator, exact rule (or an explicit None), domain, singular, LaTeX,
    and the one-line description and domain that ``esma constants --functions`` lists."""
    f = FUNCTIONS[name]
    assert isinstance(f, Function) and f.name == name
    assert f.signature == f"{name}({', '.join(f.labels)})" and f.arity == len(f.labels) >= 1
    assert len(f.caps) == f.arity and all(c is None or c > 0 for c in f.caps)
    assert callable(f.evaluate) and callable(f.latex) and callable(f.domain)
    assert f.exact is None or callable(f.exact)
    assert isinstance(f.singular, Refusal) and not f.singular.certain
    assert "{expr}" in f.singular.message and "\n" not in f.singular.message
    for line in (f.description, f.defined_for, f.domain_text):
        assert line and "\n" not in line and len(line) < 200
    pieces = [Piece("2", "atom", 2)] * f.arity
    text, kind = f.latex(*pieces)
    assert isinstance(text, str) and "2" in text and kind in LAYOUT_KINDS
    with working_precision(128):
        # 1/2, or 3/2 where 1/2 is outside the domain (acosh)
        balls = next(
            balls
            for balls in ([arb(fmpq(p, 2))] * f.arity for p in (1, 3))
            if f.domain(*balls) is None
        )
        value = f.evaluate(*balls)
    assert value.is_finite() and value.rel_accuracy_bits() > 100


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_exact_rules_agree_with_the_evaluator(name: str) -> None:
    """Wherever an exact rule claims a rational value, the ball of the evaluator contains it,
    and where the domain refuses a point the exact rule claims nothing."""
    f = FUNCTIONS[name]
    claimed = 0
    for args in itertools.product(POINTS, repeat=f.arity):
        exact = f.exact(*args) if f.exact else None
        with working_precision(128):
            balls = [arb(fmpq(a.numerator, a.denominator)) for a in args]
            refusal = f.domain(*balls)
            if refusal is not None:
                assert refusal.certain and exact is None, args
                assert "{expr}" in refusal.message and "\n" not in refusal.message
                continue
            value = f.evaluate(*balls)
        if exact is not None:
            claimed += 1
            with working_precision(1024):  # 13/3 as a ball far narrower than the value's
                assert value.contains(fmpq(exact.numerator, exact.denominator)), args
    # Every function with an exact rule has a rational value at some point tried; digamma,
    # besselk and bessely have none (their values at rational points are not rational).
    assert claimed >= 1 or (f.exact is None and name in ("digamma", "besselk", "bessely"))


def test_refusals_are_one_line_messages_with_the_call() -> None:
    """Domain refusals reach the user as one line quoting the call as written."""
    for text, words in [
        ("log(-1)", "log of a negative number is not real: 'log(-1)'"),
        ("sqrt(-2)", "sqrt of a negative number is not real: 'sqrt(-2)'"),
        ("gamma(-2)", "gamma is undefined at 0, -1, -2, ... (pole): 'gamma(-2)'"),
        ("zeta(1)", "zeta is undefined at 1 (pole): 'zeta(1)'"),
        ("besselj(1/2, -1)", "'besselj(1/2, -1)' is not real: a negative argument z needs"),
        ("tan(pi/2)", "tan is undefined at odd multiples of pi/2 (pole): 'tan(pi/2)' is at or"),
        ("exp(10**6)", "exp argument too large: |z| must be at most 10**5"),
        ("besseli(2000, 1)", "besseli order nu too large: |nu| must be at most 1000"),
    ]:
        with pytest.raises(InvalidExpression) as info:
            evaluate(parse_expression(text), 64)
        assert words in str(info.value) and "\n" not in str(info.value)


def _sech_latex(z: Piece) -> tuple[str, str]:
    return r"\operatorname{sech}" + latex_paren(z.latex), "call"


SECH = Function(
    "sech(z)",
    (10**5,),
    lambda z: z.sech(),
    lambda z: Fraction(1) if z == 0 else None,
    _sech_latex,
)


def test_a_new_function_is_one_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding sech to the table, and nothing else, makes it parse, print, evaluate (capped,
    checked against mpmath), fold exactly at 0, render in LaTeX and appear in messages."""
    with pytest.raises(InvalidExpression, match="unknown function 'sech'"):
        parse_expression("sech(1)")
    monkeypatch.setitem(FUNCTIONS, "sech", SECH)

    expr = parse_expression("sech( 1/2 ) + 1")
    assert format_expression(expr) == "sech(1/2) + 1"
    ball = evaluate(expr, 200)
    with mpmath.workprec(400):
        expected = mpmath.sech(mpmath.mpf(1) / 2) + 1
        mid = mpmath.mpf(str(ball.mid().str(80, radius=False)))
        assert abs(mid - expected) < mpmath.mpf(2) ** -190
    assert expr_latex(expr) == r"\operatorname{sech}\left(\frac{1}{2}\right) + 1"
    assert exact_value(parse_expression("sech(0)*3")) == 3
    with pytest.raises(InvalidExpression, match=r"value is rational \(3\)"):
        checked_constant(parse_expression("sech(0)*3"))
    with pytest.raises(InvalidExpression, match=r"sech argument too large: \|z\| must be at most"):
        evaluate(parse_expression("sech(10**6)"), 64)
    with pytest.raises(InvalidExpression, match=r"sech\(z\) takes exactly 1 argument \(got 2\)"):
        parse_expression("sech(1, 2)")
    with pytest.raises(InvalidExpression, match=r"allowed functions: .*, hyp2f1, sech$"):
        parse_expression("cosec(1)")

    monkeypatch.undo()
    with pytest.raises(InvalidExpression, match="unknown function 'sech'"):
        parse_expression("sech(1)")


def test_entries_are_checked() -> None:
    """A signature that is not a call, or caps that do not match the arity, are refused."""
    with pytest.raises(ValueError, match="must look like"):
        Function("sech", (None,), SECH.evaluate, None, _sech_latex)
    with pytest.raises(ValueError, match="one cap per argument"):
        Function("sech(z)", (None, None), SECH.evaluate, None, _sech_latex)


# ---- the functions added with the wider expression language --------------------------------

M = mpmath
DIGITS = 1000
BITS = 3330  # a little over 1000 decimal digits


def _q(p: int, q: int = 1) -> mpmath.mpf:
    return M.mpf(p) / q


# Each function at several points, near its edges too; mpmath evaluates its own way (series,
# other transformations, closed forms), at 1100 digits.
MPMATH_CASES: list[tuple[str, object]] = [
    ("asin(1/3)", lambda: M.asin(_q(1, 3))),
    ("asin(1 - 10**-50)", lambda: M.asin(1 - _q(10) ** -50)),  # just inside the domain
    ("asin(-1)", lambda: M.asin(-1)),  # at its end: -pi/2
    ("acos(-1/3)", lambda: M.acos(_q(-1, 3))),
    ("acos(-1 + 10**-40)", lambda: M.acos(-1 + _q(10) ** -40)),
    ("acos(0)", lambda: M.pi / 2),
    ("asinh(1/2)", lambda: M.asinh(_q(1, 2))),
    ("asinh(-10**6)", lambda: M.asinh(-(10**6))),
    ("asinh(10**-30)", lambda: M.asinh(_q(10) ** -30)),
    ("acosh(2)", lambda: M.acosh(2)),
    ("acosh(1 + 10**-40)", lambda: M.acosh(1 + _q(10) ** -40)),
    ("acosh(10**20)", lambda: M.acosh(_q(10) ** 20)),
    ("atanh(1/2)", lambda: M.atanh(_q(1, 2))),
    ("atanh(1 - 10**-40)", lambda: M.atanh(1 - _q(10) ** -40)),  # next to the pole
    ("atanh(-999/1000)", lambda: M.atanh(_q(-999, 1000))),
    ("erf(1/3)", lambda: M.erf(_q(1, 3))),
    ("erf(-2)", lambda: M.erf(-2)),
    ("erf(10**-20)", lambda: M.erf(_q(10) ** -20)),
    ("erf(6)", lambda: M.erf(6)),
    ("erfc(1/3)", lambda: M.erfc(_q(1, 3))),
    ("erfc(20)", lambda: M.erfc(20)),
    ("erfc(-3)", lambda: M.erfc(-3)),
    ("agm(1, 2)", lambda: M.agm(1, 2)),
    ("agm(1, 10**-20)", lambda: M.agm(1, _q(10) ** -20)),
    ("agm(10**6, 1/3)", lambda: M.agm(10**6, _q(1, 3))),
    ("agm(sqrt(2), 1)", lambda: M.agm(M.sqrt(2), 1)),
    ("loggamma(1/3)", lambda: M.log(M.gamma(_q(1, 3)))),
    ("loggamma(10**-30)", lambda: M.loggamma(_q(10) ** -30)),  # next to the pole at 0
    ("loggamma(10**10)", lambda: M.loggamma(10**10)),
    ("loggamma(2 + 10**-30)", lambda: M.loggamma(2 + _q(10) ** -30)),  # next to its zero
    ("digamma(1/3)", lambda: M.digamma(_q(1, 3))),
    ("digamma(-1/2)", lambda: M.digamma(_q(-1, 2))),
    ("digamma(-3 + 10**-20)", lambda: M.digamma(-3 + _q(10) ** -20)),  # next to a pole
    ("digamma(10**6)", lambda: M.digamma(10**6)),
    ("polylog(2, 1/2)", lambda: M.polylog(2, _q(1, 2))),
    ("polylog(1/2, -1/2)", lambda: M.polylog(_q(1, 2), _q(-1, 2))),
    ("polylog(2, 1 - 10**-30)", lambda: M.polylog(2, 1 - _q(10) ** -30)),  # next to z = 1
    ("polylog(3, 1)", lambda: M.zeta(3)),  # Li_s(1) = zeta(s)
    ("polylog(5/2, -1)", lambda: -(1 - M.mpf(2) ** _q(-3, 2)) * M.zeta(_q(5, 2))),
    ("polylog(-2, pi)", lambda: M.polylog(-2, M.pi)),  # z > 1: a rational function of z
    ("polylog(2, -10**6)", lambda: M.polylog(2, -(10**6))),
    ("polylog(100, -1/3)", lambda: M.polylog(100, _q(-1, 3))),
    ("besselk(2, 1/3)", lambda: M.besselk(2, _q(1, 3))),
    ("besselk(1/2, 3)", lambda: M.sqrt(M.pi / 6) * M.exp(-3)),  # sqrt(pi/(2z)) exp(-z)
    ("besselk(1/3, 10**-20)", lambda: M.besselk(_q(1, 3), _q(10) ** -20)),  # near the pole
    ("besselk(5/2, 100)", lambda: M.besselk(_q(5, 2), 100)),
    ("besselk(-1/3, 2)", lambda: M.besselk(_q(-1, 3), 2)),
    ("bessely(0, 1)", lambda: M.bessely(0, 1)),
    ("bessely(1/3, 10**-10)", lambda: M.bessely(_q(1, 3), _q(10) ** -10)),
    ("bessely(7/2, 1000)", lambda: M.bessely(_q(7, 2), 1000)),
    ("bessely(-1/2, 3)", lambda: M.bessely(_q(-1, 2), 3)),
    ("hyp0f1(1/3, 2)", lambda: M.hyp0f1(_q(1, 3), 2)),
    ("hyp0f1(-5/2, -100)", lambda: M.hyp0f1(_q(-5, 2), -100)),
    ("hyp0f1(100, 10**6)", lambda: M.hyp0f1(100, 10**6)),
    ("hyp1f1(1/3, 1/2, -3)", lambda: M.hyp1f1(_q(1, 3), _q(1, 2), -3)),
    ("hyp1f1(-5/2, 4/3, 50)", lambda: M.hyp1f1(_q(-5, 2), _q(4, 3), 50)),
    ("hyp1f1(1, 2, -10**4)", lambda: M.hyp1f1(1, 2, -(10**4))),
    ("hyp2f1(1, 1, 2, 1/2)", lambda: 2 * M.log(2)),  # -log(1 - z)/z
    (
        "hyp2f1(1/3, 2/3, 2, 1 - 10**-30)",
        lambda: M.hyp2f1(_q(1, 3), _q(2, 3), 2, 1 - _q(10) ** -30),
    ),
    ("hyp2f1(1/3, 4/3, 1/2, -10**4)", lambda: M.hyp2f1(_q(1, 3), _q(4, 3), _q(1, 2), -(10**4))),
    (  # Gauss: 2F1(a, b; c; 1) = gamma(c) gamma(c - a - b)/(gamma(c - a) gamma(c - b))
        "hyp2f1(1/3, 1/2, 2, 1)",
        lambda: M.gamma(2) * M.gamma(_q(7, 6)) / (M.gamma(_q(5, 3)) * M.gamma(_q(3, 2))),
    ),
    ("hyp2f1(-3, 1/3, 2, 7)", lambda: M.hyp2f1(-3, _q(1, 3), 2, 7)),  # a polynomial beyond 1
    ("hyp2f1(hyp2f1(1, 1, 2, 1/2), 1, 2, 1/2)", lambda: M.hyp2f1(2 * M.log(2), 1, 2, _q(1, 2))),
    ("zeta(-5/2)", lambda: M.zeta(_q(-5, 2))),
    ("zeta(1 + 10**-20)", lambda: M.zeta(1 + _q(10) ** -20)),  # next to the pole
    ("glaisher", lambda: +M.glaisher),
    ("khinchin", lambda: +M.khinchin),
]


def test_every_new_function_is_checked_against_mpmath() -> None:
    """Each function added with the wider language has at least three mpmath cases."""
    called = [parse_expression(text).args[0] for text, _ in MPMATH_CASES if "(" in text]
    for name in list(FUNCTIONS)[list(FUNCTIONS).index("asin") :]:
        assert called.count(name) >= 3, name


@pytest.mark.parametrize(("text", "reference"), MPMATH_CASES, ids=[t for t, _ in MPMATH_CASES])
def test_values_match_mpmath_to_1000_digits(text: str, reference) -> None:
    """The certified ball of 1000 digits holds mpmath's value and is as narrow as asked."""
    ball = evaluate(parse_expression(text), BITS)
    with M.workdps(DIGITS + 100):
        expected = M.mpf(reference())
        mid = M.ldexp(M.mpf(int(ball.mid().man_exp()[0])), int(ball.mid().man_exp()[1]))
        rad = M.ldexp(M.mpf(int(ball.rad().man_exp()[0])), int(ball.rad().man_exp()[1]))
        assert abs(mid - expected) <= rad + abs(expected) * M.mpf(10) ** -(DIGITS + 50), text
        assert rad <= abs(mid) * M.mpf(2) ** -BITS, text


# At or across a pole or a branch cut: one line saying so, whether the point is given exactly or
# only as a ball that straddles it (retried with more bits, then refused).
EDGES = [
    ("asin(1 + 10**-50)", "asin is real only for -1 <= z <= 1"),
    ("acos(-3/2)", "acos is real only for -1 <= z <= 1"),
    ("asin(sin(pi/2))", "cannot decide whether the argument of 'asin(sin(pi/2))' is in asin's"),
    ("acosh(1 - 10**-40)", "acosh is real only for z >= 1"),
    ("acosh(cos(sin(pi)))", "cannot decide whether the argument of 'acosh(cos(sin(pi)))' is in"),
    ("atanh(-1)", "atanh is undefined at -1 and 1 (pole): 'atanh(-1)'"),
    ("atanh(1 + 10**-40)", "atanh is real only for -1 < z < 1"),
    ("atanh(tanh(10**4))", "atanh is undefined at -1 and 1 (pole): 'atanh(tanh(10000))' is at"),
    ("agm(-1, 2)", "agm of a negative number is not real: 'agm(-1, 2)'"),
    ("agm(1, sin(pi))", "cannot decide the sign of an argument of 'agm(1, sin(pi))'"),
    ("loggamma(-2)", "loggamma is undefined at 0, -1, -2, ... (pole): 'loggamma(-2)'"),
    ("loggamma(-1/2)", "loggamma is real only for z > 0: 'loggamma(-1/2)'"),
    ("loggamma(sin(pi))", "loggamma is undefined at 0 (pole): 'loggamma(sin(pi))' is at or"),
    ("digamma(0)", "digamma is undefined at 0, -1, -2, ... (pole): 'digamma(0)'"),
    ("digamma(gamma(1/2)**2/pi - 4)", "digamma is undefined at 0, -1, -2, ... (pole): 'dig"),
    ("polylog(2, 2)", "polylog(s, z) is not real for z > 1 (branch cut) unless s is 0, -1, "),
    ("polylog(1/2, 1 + 10**-40)", "polylog(s, z) is not real for z > 1 (branch cut)"),
    ("polylog(1, 1)", "polylog(s, 1) = zeta(s) diverges for s <= 1 (pole): 'polylog(1, 1)'"),
    ("polylog(-1, 1)", "polylog(s, 1) = zeta(s) diverges for s <= 1 (pole)"),
    ("polylog(2, sin(pi/2))", "'polylog(2, sin(pi/2))' is at or too close to z = 1, the branch"),
    ("besselk(0, 0)", "besselk(nu, 0) is undefined (pole): 'besselk(0, 0)'"),
    ("besselk(1/3, -1)", "besselk(nu, z) is real only for z > 0: 'besselk(1/3, -1)'"),
    ("bessely(2, -10**-30)", "bessely(nu, z) is real only for z > 0"),
    ("bessely(1, sin(pi))", "bessely(nu, z) is undefined at z = 0 (pole): 'bessely(1, sin(pi))'"),
    ("hyp0f1(-3, 2)", "hyp0f1 is undefined when b is 0, -1, -2, ... (pole): 'hyp0f1(-3, 2)'"),
    ("hyp1f1(1/2, 0, 2)", "hyp1f1 is undefined when b is 0, -1, -2, ... (pole)"),
    ("hyp1f1(1/2, sin(pi) - 1, 2)", "hyp1f1 cannot be certified at 'hyp1f1(1/2, sin(pi) - 1, "),
    ("hyp2f1(1, 1, -2, 1/2)", "hyp2f1 is undefined when c is 0, -1, -2, ... (pole)"),
    ("hyp2f1(1, 1, 2, 2)", "hyp2f1(a, b, c, z) is not real for z > 1 (branch cut)"),
    ("hyp2f1(1/2, 1/2, 1, 1)", "hyp2f1(a, b, c, 1) diverges unless c - a - b > 0"),
    ("hyp2f1(1/2, 1/2, 1, sin(pi/2))", "is at or too close to z = 1, the branch point of hyp2f1"),
    (  # c - a - b = 1, but not known exactly: arb cannot take the limit near z = 1
        "hyp2f1(sqrt(2), 1/2, sqrt(2) + 3/2, 9/10)",
        "a - b or c - a - b is an integer not written as a rational",
    ),
    ("polylog(101, 1/2)", "polylog order s too large: |s| must be at most 100"),
    ("polylog(2, -10**7)", "polylog argument too large: |z| must be at most 10**6"),
    ("hyp2f1(1, 101, 2, 1/2)", "hyp2f1 parameter b too large: |b| must be at most 100"),
    ("hyp1f1(1, 2, 10**6)", "hyp1f1 argument too large: |z| must be at most 10**5"),
    ("hyp0f1(-200, 1)", "hyp0f1 parameter b too large: |b| must be at most 100"),
    ("besselk(2000, 1)", "besselk order nu too large: |nu| must be at most 1000"),
    ("bessely(1, 10**5)", "bessely argument too large: |z| must be at most 10**4"),
    ("digamma(-10**7)", "digamma argument too large: |z| must be at most 10**6"),
]


@pytest.mark.parametrize(("text", "words"), EDGES, ids=[t for t, _ in EDGES])
def test_poles_cuts_and_caps_are_refused_with_one_line(text: str, words: str) -> None:
    with pytest.raises(EsmaError) as info:
        evaluate(parse_expression(text), 64)
    message = str(info.value)
    assert words in message and "\n" not in message, message


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("asin(0)", 0),
        ("acos(1)", 0),
        ("asinh(0)", 0),
        ("acosh(1)", 0),
        ("atanh(0)", 0),
        ("erf(0)", 0),
        ("erfc(0)", 1),
        ("agm(3/2, 3/2)", Fraction(3, 2)),
        ("agm(0, 5)", 0),
        ("loggamma(1) + loggamma(2)", 0),
        ("polylog(7/3, 0)", 0),
        ("polylog(0, 1/3)", Fraction(1, 2)),  # z/(1 - z)
        ("polylog(-1, 1/2)", 2),  # z/(1 - z)**2
        ("polylog(-3, 3)", Fraction(33, 8)),  # z(1 + 4z + z**2)/(1 - z)**4
        ("hyp0f1(1/3, 0)", 1),
        ("hyp1f1(-2, 1/2, 3)", 1),  # 1 - 12 + 12
        ("hyp2f1(-2, 1, 2, 3)", 1),  # 1 - 3 + 3
        ("hyp2f1(0, 1/3, 1/2, 7)", 1),
        ("hyp2f1(1/3, 1/2, 1/5, 0)", 1),
        ("asin(1)", None),  # pi/2
        ("agm(1, 2)", None),
        ("hyp2f1(1, 1, 2, 1/2)", None),  # 2 log 2
        ("hyp2f1(-2, 1, -1, 1/2)", None),  # c = -1: refused as a pole, never claimed
        ("polylog(-2, 1)", None),  # a pole
        ("digamma(1)", None),  # -euler_gamma
    ],
)
def test_exact_values_of_the_new_functions(text: str, value) -> None:
    """Rational values are known exactly, so such a constant is refused as rational."""
    expr = parse_expression(text)
    assert exact_value(expr) == value
    if value is not None:
        with pytest.raises(InvalidExpression, match="value is rational"):
            checked_constant(expr)


def test_exact_polylog_and_terminating_series_agree_with_mpmath() -> None:
    """Li_{-n}(z) from Stirling numbers, and 1F1 and 2F1 with an upper parameter -n summed
    exactly, equal mpmath's values; past the caps or the size of exact values esma keeps, the
    rules claim nothing."""
    polylog, hyp1f1, hyp2f1 = (FUNCTIONS[n].exact for n in ("polylog", "hyp1f1", "hyp2f1"))
    with M.workdps(60):
        for n in range(13):
            for z in (Fraction(1, 3), Fraction(-5, 2), Fraction(7, 2)):
                exact = polylog(Fraction(-n), z)
                assert abs(
                    M.polylog(-n, M.mpf(z.numerator) / z.denominator)
                    - M.mpf(exact.numerator) / exact.denominator
                ) < M.mpf(10) ** -40 * (1 + abs(exact))
            a, b, c, z = Fraction(-n), Fraction(1, 3), Fraction(5, 7), Fraction(-9, 4)
            mp = [M.mpf(x.numerator) / x.denominator for x in (a, b, c, z)]
            for exact, reference in (
                (hyp2f1(a, b, c, z), M.hyp2f1(*mp)),
                (hyp1f1(a, c, z), M.hyp1f1(mp[0], mp[2], mp[3])),
            ):
                assert abs(reference - M.mpf(exact.numerator) / exact.denominator) < M.mpf(
                    10
                ) ** -40 * (1 + abs(exact))
    assert polylog(Fraction(-101), Fraction(1, 2)) is None  # beyond the cap on s
    assert hyp2f1(Fraction(-100), Fraction(-100), Fraction(1), Fraction(10**40)) is None  # huge


def test_exact_values_are_as_small_as_the_parser_keeps() -> None:
    """The size limit of the exact rules is the parser's (they cannot import each other)."""
    from esma import functions

    assert functions._EXACT_BITS == MAX_EXACT_BITS


def test_hyp2f1_tells_arb_which_parameter_differences_are_integers() -> None:
    """Near z = 1 with c - a - b = 1 (1/3 + 2/3 + 1 = 2), arb finds the value only when told the
    difference is an integer: esma tells it from the exact rationals; a ball alone gives nothing
    certain, at once."""
    f = FUNCTIONS["hyp2f1"]
    with working_precision(200):
        balls = [arb(fmpq(1, 3)), arb(fmpq(2, 3)), arb(2), arb(fmpq(9, 10))]
        assert not f.evaluate(*balls).is_finite()
        rationals = (Fraction(1, 3), Fraction(2, 3), Fraction(2), Fraction(9, 10))
        told = f.evaluate(*balls, rationals=rationals)
    assert told.is_finite() and told.rel_accuracy_bits() > 150
    with M.workdps(80):
        reference = M.hyp2f1(_q(1, 3), _q(2, 3), 2, _q(9, 10))
        assert abs(M.mpf(told.mid().str(70, radius=False)) - reference) < M.mpf(10) ** -45


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("asin(1/2)", r"\arcsin\left(\frac{1}{2}\right)"),
        ("acos(e)", r"\arccos e"),
        ("asinh(2)", r"\operatorname{arsinh} 2"),
        ("acosh(3)*pi", r"\left(\operatorname{arcosh} 3\right) \pi"),
        ("atanh(1/3)", r"\operatorname{artanh}\left(\frac{1}{3}\right)"),
        ("erf(1)", r"\operatorname{erf}(1)"),
        ("erfc(1/2)", r"\operatorname{erfc}\left(\frac{1}{2}\right)"),
        ("1/agm(1, sqrt(2))", r"\frac{1}{\operatorname{agm}\left(1, \sqrt{2}\right)}"),
        ("agm(1, 2)", r"\operatorname{agm}(1, 2)"),
        ("loggamma(1/3)", r"\log\Gamma\left(\frac{1}{3}\right)"),
        ("loggamma(3)**2", r"\left(\log\Gamma(3)\right)^{2}"),
        ("digamma(1/4)", r"\psi\left(\frac{1}{4}\right)"),
        ("polylog(2, 1/2)", r"\operatorname{Li}_{2}\left(\frac{1}{2}\right)"),
        ("polylog(-1/2, -1)", r"\operatorname{Li}_{-\frac{1}{2}}\left(-1\right)"),
        ("besselk(0, 1)", r"K_{0}(1)"),
        ("bessely(1/2, 3)", r"Y_{\frac{1}{2}}(3)"),
        ("hyp0f1(1/3, 2)", r"{}_0F_1\left(; \frac{1}{3}; 2\right)"),
        ("hyp1f1(1, 2, 3)", r"{}_1F_1(1; 2; 3)"),
        ("hyp2f1(1, 1, 2, 1/2)", r"{}_2F_1\left(1, 1; 2; \frac{1}{2}\right)"),
        ("2*glaisher + khinchin", r"2 A + K_0"),
    ],
)
def test_latex_of_the_new_functions(text: str, latex: str) -> None:
    assert expr_latex(parse_expression(text)) == latex


def test_constants_functions_lists_the_table() -> None:
    """``esma constants --functions``: every entry once, with its signature, description and
    domain (caps included); ``--json`` for programs."""
    from click.testing import CliRunner

    from esma.cli import cli

    result = CliRunner().invoke(cli, ["constants", "--functions", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["name"] for r in rows] == list(FUNCTIONS)
    hyp2f1 = rows[[r["name"] for r in rows].index("hyp2f1")]
    assert hyp2f1["signature"] == "hyp2f1(a, b, c, z)"
    assert hyp2f1["caps"] == {"a": 100, "b": 100, "c": 100, "z": 10**6}
    assert "c not 0, -1, -2, ..." in hyp2f1["domain"] and "|z| <= 10**6" in hyp2f1["domain"]
    plain = CliRunner().invoke(cli, ["constants", "--functions"]).output
    lines = plain.splitlines()
    assert len(lines) == 2 * len(FUNCTIONS)
    asin = next(i for i, line in enumerate(lines) if line.startswith("asin(z) "))
    assert "inverse sine" in lines[asin] and lines[asin + 1].strip() == "defined for -1 <= z <= 1"


def test_constants_functions_imports_no_heavy_module() -> None:
    """The listing reads the table only: no flint, mpmath, numba or sympy."""
    code = (
        "import sys; from esma.cli import cli\n"
        "try: cli(['constants', '--functions'])\nexcept SystemExit: pass\n"
        "print(sorted(m for m in ('numba', 'sympy', 'flint', 'mpmath') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


# Random compositions: each form keeps its argument inside the function's real domain and caps.
FORMS = {
    "asin": ("asin(tanh({}))", lambda x: M.asin(M.tanh(x))),
    "acos": ("acos(tanh({}))", lambda x: M.acos(M.tanh(x))),
    "asinh": ("asinh({})", M.asinh),
    "acosh": ("acosh(1 + ({})**2)", lambda x: M.acosh(1 + x**2)),
    "atanh": ("atanh(tanh({})/2)", lambda x: M.atanh(M.tanh(x) / 2)),
    "erf": ("erf({})", M.erf),
    "erfc": ("erfc(atan({}))", lambda x: M.erfc(M.atan(x))),
    "agm": ("agm(1, 1 + ({})**2)", lambda x: M.agm(1, 1 + x**2)),
    "loggamma": ("loggamma(2 + ({})**2)", lambda x: M.loggamma(2 + x**2)),
    "digamma": ("digamma(1 + ({})**2)", lambda x: M.digamma(1 + x**2)),
    "polylog": ("polylog(2, tanh({})/2)", lambda x: M.polylog(2, M.tanh(x) / 2)),
    "besselk": ("besselk(1/3, 1 + atan({})**2)", lambda x: M.besselk(_q(1, 3), 1 + M.atan(x) ** 2)),
    "bessely": ("bessely(1/2, 2 + atan({}))", lambda x: M.bessely(_q(1, 2), 2 + M.atan(x))),
    "hyp0f1": ("hyp0f1(1/3, atan({}))", lambda x: M.hyp0f1(_q(1, 3), M.atan(x))),
    "hyp1f1": ("hyp1f1(1/3, 1/2, atan({}))", lambda x: M.hyp1f1(_q(1, 3), _q(1, 2), M.atan(x))),
    "hyp2f1": (
        "hyp2f1(1/3, 2/3, 2, tanh({}))",
        lambda x: M.hyp2f1(_q(1, 3), _q(2, 3), 2, M.tanh(x)),
    ),
}
RANDOM_LEAVES = st.builds(
    lambda p, q: (f"({p}/{q})", lambda: M.mpf(p) / q), st.integers(-9, 9), st.integers(1, 9)
)
RANDOM_TREES = st.recursive(
    RANDOM_LEAVES,
    lambda children: st.one_of(
        st.tuples(children, st.sampled_from(sorted(FORMS))).map(
            lambda pair: (
                FORMS[pair[1]][0].format(pair[0][0]),
                lambda: FORMS[pair[1]][1](pair[0][1]()),
            )
        ),
        st.tuples(children, children).map(
            lambda pair: (f"{pair[0][0]} + {pair[1][0]}", lambda: pair[0][1]() + pair[1][1]())
        ),
    ),
    max_leaves=4,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RANDOM_TREES)
def test_random_compositions_match_mpmath(tree) -> None:
    """Random trees of the new functions: the 120-bit ball holds mpmath's 400-bit value."""
    text, oracle = tree
    with M.workprec(400):
        expected = oracle()
    try:
        ball = evaluate(parse_expression(text), 120)
    except PrecisionExhausted:
        assert abs(expected) < M.mpf(2) ** -300, text  # only a value that is exactly zero
        return
    with M.workprec(800):
        mid = M.ldexp(M.mpf(int(ball.mid().man_exp()[0])), int(ball.mid().man_exp()[1]))
        rad = M.ldexp(M.mpf(int(ball.rad().man_exp()[0])), int(ball.rad().man_exp()[1]))
        assert abs(mid - expected) <= rad + M.ldexp(abs(expected), -390), text
        assert rad <= M.ldexp(abs(mid), -120), text
