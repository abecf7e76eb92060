"""Tests for esma.expr: the expression trees, the parser's variables, text and LaTeX rendering.

The hostile inputs (caps, one-line errors) are in test_parser_hostile.py; values in
test_evaluation.py and test_constants.py.
"""

from __future__ import annotations

import pytest

from esma.errors import InvalidExpression, InvalidParameter
from esma.expr import (
    LAYOUT_KINDS,
    Expr,
    expr_latex,
    format_expression,
    latex_piece,
    parse_expression,
    substitute,
)
from esma.functions import FUNCTIONS
from esma.names import NAMES


def _call(function, z: str, nu: str = "1") -> str:
    """A call of ``function`` with its order ``nu`` (if it has one) and its argument ``z``."""
    return f"{function.name}({', '.join(nu if label == 'nu' else z for label in function.labels)})"


def test_expr_nodes_are_hashable_and_validated() -> None:
    """Expr is a frozen, hashable tree; malformed nodes are refused at construction."""
    a = parse_expression("exp(2) + pi")
    b = parse_expression("exp( 2 )+pi")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a.op == "+" and a.args[0] == Expr("call", ("exp", Expr("num", (2,))))
    with pytest.raises(InvalidExpression):
        Expr("**", (Expr("name", ("pi",)), Expr("name", ("e",))))
    with pytest.raises(InvalidExpression):
        Expr("call", ("system", Expr("num", (1,))))
    with pytest.raises(InvalidExpression):
        Expr("num", (1.5,))
    deep = Expr("name", ("pi",))
    with pytest.raises(InvalidExpression, match="nested"):
        for _ in range(1000):
            deep = Expr("neg", (deep,))


def test_parse_variables_are_checked() -> None:
    """A variable may not shadow a constant or function, and must be an identifier."""
    for bad in (("pi",), ("exp",), ("1x",), ("lambda",), "x"):
        with pytest.raises(InvalidParameter):
            parse_expression("1", variables=bad)  # type: ignore[arg-type]
    assert parse_expression("x^2", variables=("x",)) == parse_expression("x**2", variables=("x",))


def test_every_name_and_function_is_accepted_and_others_refused() -> None:
    """The parser's vocabulary is exactly the two tables: names in NAMES, calls in FUNCTIONS."""
    for name in NAMES:
        assert parse_expression(name) == Expr("name", (name,))
    for name, function in FUNCTIONS.items():
        call = parse_expression(_call(function, "1/2"))
        assert call.op == "call" and call.args[0] == name and len(call.args) == 1 + function.arity
    with pytest.raises(InvalidExpression, match="unknown name 'tau'; use one of: ") as info:
        parse_expression("tau")
    assert str(info.value).endswith(", ".join(sorted(NAMES)))
    with pytest.raises(InvalidExpression, match="allowed functions: exp, log, sqrt, sin, "):
        parse_expression("sec(1)")


def test_substitute_replaces_the_variable_only() -> None:
    """x -> exp(2) everywhere x occurs, inside calls too; names and numbers are left alone."""
    lhs = parse_expression("x**2 - sin(x)/pi + 1", variables=("x",))
    out = substitute(lhs, "x", parse_expression("exp(2)"))
    assert format_expression(out) == "exp(2)**2 - sin(exp(2))/pi + 1"
    assert parse_expression(format_expression(out)) == out


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("2*exp(1/3) - besseli(1, 2)/pi**2", r"2 e^{1/3} - \frac{I_{1}(2)}{\pi^{2}}"),
        ("exp(pi/2)", r"e^{\frac{\pi}{2}}"),
        ("tan(1)*e", r"\left(\tan 1\right) e"),
        ("tan(pi/8)", r"\tan\left(\frac{\pi}{8}\right)"),
        ("gamma(1/3) + zeta(3)", r"\Gamma\left(\frac{1}{3}\right) + \zeta(3)"),
        ("atan(2) - log(phi)", r"\arctan 2 - \log\left(\varphi\right)"),
        ("sqrt(sqrt2 + 1)**3", r"\left(\sqrt{\sqrt{2} + 1}\right)^{3}"),
        ("-(e + 1)", r"-\left(e + 1\right)"),
        ("besselj(1/2, 3)", r"J_{\frac{1}{2}}(3)"),
    ],
)
def test_expr_latex(text: str, latex: str) -> None:
    """Functions are written as their table entry says, names as NAMES says."""
    assert expr_latex(parse_expression(text)) == latex


def test_latex_piece_kinds_are_known() -> None:
    """Every piece a name, a function or an operator makes is one of the documented kinds."""
    texts = [*NAMES, "1/3", "-2", "e + 1", "2*e", "e/3", "e**2"]
    texts += [_call(f, z) for f in FUNCTIONS.values() for z in ("2", "pi/7")]
    kinds = {latex_piece(parse_expression(text))[1] for text in texts}
    assert kinds <= set(LAYOUT_KINDS)
    assert {"atom", "root", "power", "prefix", "call", "frac", "product", "neg", "sum"} == kinds
