"""Tests for esma.functions: every entry is complete, and a new function is one entry.

Reference values come from mpmath 1.3 (``mpmath.sech``) at a precision far above the one tested.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import mpmath
import pytest
from flint import arb, fmpq

from esma.constants import checked_constant
from esma.errors import InvalidExpression
from esma.evaluation import evaluate, exact_value
from esma.expr import LAYOUT_KINDS, expr_latex, format_expression, parse_expression
from esma.functions import FUNCTIONS, Function, Piece, Refusal, latex_paren
from esma.precision import working_precision

POINTS = [Fraction(v) for v in (0, 1, 2, 5, -2, -3, Fraction(1, 2), Fraction(-7, 3))]


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_every_function_has_every_part(name: str) -> None:
    """Signature, caps, evaluator, exact rule (or an explicit None), domain, singular, LaTeX."""
    f = FUNCTIONS[name]
    assert isinstance(f, Function) and f.name == name
    assert f.signature == f"{name}({', '.join(f.labels)})" and f.arity == len(f.labels) >= 1
    assert len(f.caps) == f.arity and all(c is None or c > 0 for c in f.caps)
    assert callable(f.evaluate) and callable(f.latex) and callable(f.domain)
    assert f.exact is None or callable(f.exact)
    assert isinstance(f.singular, Refusal) and not f.singular.certain
    assert "{expr}" in f.singular.message and "\n" not in f.singular.message
    pieces = [Piece("2", "atom", 2)] * f.arity
    text, kind = f.latex(*pieces)
    assert isinstance(text, str) and "2" in text and kind in LAYOUT_KINDS
    with working_precision(128):
        value = f.evaluate(*[arb(fmpq(1, 2))] * f.arity)
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
            assert value.contains(fmpq(exact.numerator, exact.denominator)), args
    assert claimed >= 1  # every function here has a rational value at some rational point


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
    with pytest.raises(InvalidExpression, match=r"allowed functions: .*, besselj, sech$"):
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
