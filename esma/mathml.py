"""Presentation MathML of expressions: the left-hand sides of formulas, as browsers draw them.

The HTML page (:mod:`esma.htmlpage`) and the objects' ``_repr_html_`` (through
:meth:`esma.conjecture.Conjecture.mathml_block`) write left-hand sides with these functions;
the rest of a formula is written by :mod:`esma.notation`.

>>> lhs_mathml("x - 1", "e")
'<mrow><mi>e</mi><mo>−</mo><mn>1</mn></mrow>'
"""

from __future__ import annotations

import html
from fractions import Fraction
from typing import TYPE_CHECKING

from esma.errors import EsmaError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from esma.expr import Expr

__all__ = ["expr_mathml", "lhs_mathml"]


_MINUS = "\u2212"


def _mrow(*parts: str) -> str:
    return "<mrow>" + "".join(parts) + "</mrow>"


def _mo(symbol: str) -> str:
    return f"<mo>{symbol}</mo>"


def _paren(markup: str) -> str:
    return _mrow(_mo("("), markup, _mo(")"))


def _number(value: int | Fraction) -> tuple[str, str]:
    """(markup, kind) of a rational number."""
    magnitude = abs(value)
    if isinstance(magnitude, Fraction) and magnitude.denominator != 1:
        markup = f"<mfrac><mn>{magnitude.numerator}</mn><mn>{magnitude.denominator}</mn></mfrac>"
        kind = "frac"
    else:
        markup, kind = f"<mn>{int(magnitude)}</mn>", "atom"
    if value < 0:
        return _mrow(_mo(_MINUS), markup), "neg"
    return markup, kind


#: MathML of the constants esma evaluates directly and of the golden ratio; every other named
#: constant is rendered from its definition (``tan1`` as tan 1).
_NAMES = {
    "e": ("<mi>e</mi>", "atom"),
    "pi": ("<mi>\u03c0</mi>", "atom"),
    "phi": ("<mi>\u03c6</mi>", "atom"),
    "catalan": ("<mi>G</mi>", "atom"),
    "euler_gamma": ("<mi>\u03b3</mi>", "atom"),
}

_PREFIX_FUNCTIONS = {"log", "sin", "cos", "tan", "sinh", "cosh", "tanh", "atan"}
_SAFE_RIGHT_FACTOR = {"atom", "root", "power", "frac", "product", "prefix", "call"}


def expr_mathml(expr: Expr) -> str:
    """Presentation MathML (the content of a ``<math>`` element) of a parsed expression.

    >>> from esma.expr import parse_expression
    >>> expr_mathml(parse_expression("pi/2"))
    '<mfrac><mrow><mi>π</mi></mrow><mrow><mn>2</mn></mrow></mfrac>'
    >>> expr_mathml(parse_expression("exp(1/3) - 1"))
    '<mrow><msup><mi>e</mi><mrow><mn>1</mn><mo>/</mo><mn>3</mn></mrow></msup><mo>−</mo><mn>1</mn></mrow>'
    """
    return _render(expr)[0]


def _render(expr: Expr) -> tuple[str, str]:
    """(markup, kind); kinds as in :mod:`esma.display`: atom, root, power, prefix, call, frac,
    product, neg, sum, from tightest to loosest."""
    op, args = expr.op, expr.args
    if op == "num":
        return _number(args[0])
    if op == "name":
        name = args[0]
        if name in _NAMES:
            return _NAMES[name]
        from esma.constants import NAMED_CONSTANTS

        constant = NAMED_CONSTANTS.get(name)
        if constant is not None and constant.expr.op != "name":
            return _render(constant.expr)
        return f"<mi>{html.escape(name)}</mi>", "atom"
    if op == "call":
        return _render_call(args[0], args[1:])
    if op == "neg":
        inner, kind = _render(args[0])
        return _mrow(_mo(_MINUS), _paren(inner) if kind in ("sum", "neg") else inner), "neg"
    (left, lkind), (right, rkind) = _render(args[0]), _render(args[1])
    if op in "+-":
        symbol = "+" if op == "+" else _MINUS
        # a - (b + c), a - (-b), a + (-b): the right side in parentheses
        if rkind == "neg" or (op == "-" and rkind == "sum"):
            right = _paren(right)
        return _mrow(left, _mo(symbol), right), "sum"
    if op == "*":
        if lkind in ("sum", "prefix"):
            left = _paren(left)
        if rkind not in _SAFE_RIGHT_FACTOR:
            right = _paren(right)
        # 2e with an invisible times; a visible dot between two numbers (2·3, 2·½)
        joiner = "&#x22c5;" if rkind == "frac" or right.startswith("<mn>") else "&#x2062;"
        return _mrow(left, _mo(joiner), right), ("neg" if lkind == "neg" else "product")
    if op == "/":
        return f"<mfrac>{_strip(left)}{_strip(right)}</mfrac>", "frac"
    # "**": the exponent is an exact rational
    base = left if lkind == "atom" else _paren(left)
    return f"<msup>{base}{_exponent(args[1].args[0])}</msup>", "power"


def _strip(markup: str) -> str:
    """One element for a slot of mfrac, msup, msub (which take a fixed number of children)."""
    return markup if markup.startswith("<mrow>") else _mrow(markup)


def _exponent(value: int | Fraction) -> str:
    value = Fraction(value)
    sign = _mo(_MINUS) if value < 0 else ""
    if value.denominator == 1:
        return _mrow(sign, f"<mn>{abs(value.numerator)}</mn>") if sign else f"<mn>{value}</mn>"
    return _mrow(
        sign, f"<mn>{abs(value.numerator)}</mn>", _mo("/"), f"<mn>{value.denominator}</mn>"
    )


def _render_call(name: str, operands: tuple) -> tuple[str, str]:
    if name == "exp" and operands[0].op == "num":
        return f"<msup><mi>e</mi>{_exponent(operands[0].args[0])}</msup>", "power"
    rendered = [_render(a) for a in operands]
    if name == "exp":
        return f"<msup><mi>e</mi>{_strip(rendered[0][0])}</msup>", "power"
    if name == "sqrt":
        return f"<msqrt>{rendered[0][0]}</msqrt>", "root"
    if name in ("besseli", "besselj"):
        letter = "I" if name == "besseli" else "J"
        order = _strip(rendered[0][0])
        return _mrow(f"<msub><mi>{letter}</mi>{order}</msub>", _paren(rendered[1][0])), "atom"
    text, kind = rendered[0]
    simple = kind == "atom" and text.startswith(("<mn>", "<mi>"))
    if name in ("gamma", "zeta"):
        letter = "\u0393" if name == "gamma" else "\u03b6"
        return _mrow(f"<mi>{letter}</mi>", _paren(text)), "atom"
    function = "arctan" if name == "atan" else name
    head = f"<mi>{function}</mi><mo>&#x2061;</mo>"
    if simple:
        return _mrow(head, text), "prefix"  # tan 1, log 2
    return _mrow(head, _paren(text)), "call"


def lhs_mathml(lhs: str, constant: str) -> str:
    """Presentation MathML of a left-hand side in ``x`` with the constant written in for x
    (the text itself when this version cannot parse it).

    >>> lhs_mathml("1/x", "e")
    '<mfrac><mrow><mn>1</mn></mrow><mrow><mi>e</mi></mrow></mfrac>'
    """
    from esma.expr import parse_expression, substitute
    from esma.notation import substitute_constant

    try:
        tree = substitute(parse_expression(lhs, variables=("x",)), "x", parse_expression(constant))
    except EsmaError:  # a record from elsewhere may use names this version cannot parse
        return f"<mtext>{html.escape(substitute_constant(lhs, constant))}</mtext>"
    return _render(tree)[0]
