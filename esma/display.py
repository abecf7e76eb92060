r"""LaTeX and HTML for expansions, recurrences and conjectures (Jupyter's ``_repr_latex_``).

Everything here returns strings; nothing imports IPython. Expressions typed by users (constants,
left-hand sides) are parsed with :func:`esma.constants.parse_expression` and rendered from the
tree, so ``exp(2)`` becomes ``e^{2}`` and ``(x + 1)/(x - 1)`` a ``\frac``.

>>> lhs_latex("(x + 1)/(x - 1)", "exp(2)")
'\\frac{e^{2} + 1}{e^{2} - 1}'
>>> cf_latex([2, 1, 2], (1,))
'2 + \\cfrac{1}{1 + \\cfrac{1}{2 + \\ddots}}'
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING

# Part of this module's API since before esma.notation held them (notebooks import them here).
from esma.notation import cf_latex, signs_latex

if TYPE_CHECKING:
    from esma.conjecture import Conjecture
    from esma.constants import Expr
    from esma.expansion import Expansion
    from esma.recurrence import QuasiPolynomial, Recurrence

__all__ = [
    "NAME_LATEX",
    "cf_latex",
    "conjecture_latex",
    "conjectures_html",
    "constant_latex",
    "expansion_latex",
    "expr_latex",
    "lhs_latex",
    "quasi_polynomial_latex",
    "recurrence_latex",
    "signs_latex",
]

# How a rendered piece behaves next to others, from tightest to loosest:
#   atom    e, \pi, 3, I_1(2), \zeta(3): safe anywhere
#   root    \sqrt{2}: safe in a product, parenthesised as a power base
#   power   e^{2}: safe in a product, parenthesised as a power base
#   prefix  \tan 1, \log 2: parenthesised when something multiplies it from the right
#   call    \tan\left(\frac{\pi}{8}\right): parenthesised as a power base
#   frac    \frac{..}{..}: parenthesised as a power base
#   product 2 e
#   neg     -e
#   sum     e + 1
_ATOMIC_BASE = {"atom"}
_SAFE_RIGHT_FACTOR = {"atom", "root", "power", "frac", "product", "prefix", "call"}

#: LaTeX of the named constants (see ``esma constants``) and the kind of piece each is.
NAME_LATEX: dict[str, tuple[str, str]] = {
    "e": ("e", "atom"),
    "pi": (r"\pi", "atom"),
    "phi": (r"\varphi", "atom"),
    "sqrt2": (r"\sqrt{2}", "root"),
    "catalan": ("G", "atom"),
    "zeta3": (r"\zeta(3)", "atom"),
    "log2": (r"\log 2", "prefix"),
    "euler_gamma": (r"\gamma", "atom"),
    "tan1": (r"\tan 1", "prefix"),
    # A slash, not \frac: this constant mostly sits inside the \frac of a Möbius map.
    "besselratio": ("I_1(2)/I_0(2)", "product"),
    "e2": ("e^{2}", "power"),
    "sqrte": (r"\sqrt{e}", "root"),
    "e13": ("e^{1/3}", "power"),
}

_PREFIX_FUNCTIONS = {
    "log": r"\log",
    "sin": r"\sin",
    "cos": r"\cos",
    "tan": r"\tan",
    "sinh": r"\sinh",
    "cosh": r"\cosh",
    "tanh": r"\tanh",
    "atan": r"\arctan",
}


def _paren(text: str) -> str:
    return rf"\left({text}\right)"


def _render(expr: Expr, names: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """(LaTeX, kind) of an expression tree; ``names`` maps variable and constant names."""
    op, args = expr.op, expr.args
    if op == "num":
        value = args[0]
        if isinstance(value, Fraction):
            text = rf"\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"
            return ("-" + text, "neg") if value < 0 else (text, "frac")
        return (str(value), "neg") if value < 0 else (str(value), "atom")
    if op == "name":
        name = args[0]
        if name in names:
            return names[name]
        return r"\mathrm{" + name.replace("_", r"\_") + "}", "atom"
    if op == "call":
        return _render_call(args[0], args[1:], names)
    if op == "neg":
        text, kind = _render(args[0], names)
        return "-" + (_paren(text) if kind in ("sum", "neg") else text), "neg"
    (left, lkind), (right, rkind) = _render(args[0], names), _render(args[1], names)
    if op in "+-":
        if rkind == "neg" and op == "+":
            return f"{left} - {right[1:]}", "sum"  # a + (-b) reads as a - b
        if rkind in ("sum", "neg") and op == "-":
            right = _paren(right)
        return f"{left} {op} {right}", "sum"
    if op == "*":
        if lkind == "sum" or _ends_in_prefix(args[0], names):
            left = _paren(left)  # \left(2 \tan 1\right) e, not 2 \tan 1 e
        if rkind not in _SAFE_RIGHT_FACTOR:
            right = _paren(right)
        # 2 e, 2 \pi; but 2 \cdot 3 (digits would merge) and 2 \cdot \frac{1}{3} (not 2⅓)
        joiner = r" \cdot " if right[:1].isdigit() or rkind == "frac" else " "
        return left + joiner + right, ("neg" if left.startswith("-") else "product")
    if op == "/":
        if lkind == "neg":  # -x/(x + 1) as -\frac{e}{e + 1}, not \frac{-e}{e + 1}
            top = _render(args[0].args[0], names)[0] if args[0].op == "neg" else left[1:]
            return rf"-\frac{{{top}}}{{{right}}}", "neg"
        return rf"\frac{{{left}}}{{{right}}}", "frac"
    # op == "**": the exponent is an exact rational (checked when the tree was built)
    base = left if lkind in _ATOMIC_BASE else _paren(left)
    return f"{base}^{{{args[1].args[0]}}}", "power"


def _ends_in_prefix(expr: Expr, names: dict[str, tuple[str, str]]) -> bool:
    """Whether the rendering of ``expr`` ends in an operator like ``\tan 1`` that would swallow
    a factor written after it."""
    if expr.op in ("name", "call"):
        return _render(expr, names)[1] == "prefix"
    if expr.op == "neg":
        return _ends_in_prefix(expr.args[0], names)
    if expr.op == "*":
        return _ends_in_prefix(expr.args[1], names)
    return False


def _render_call(name: str, operands: tuple, names: dict[str, tuple[str, str]]) -> tuple[str, str]:
    if name == "exp" and operands[0].op == "num":
        return f"e^{{{operands[0].args[0]}}}", "power"  # e^{1/3}, like the exponent of **
    args = [_render(a, names) for a in operands]
    if name == "exp":
        return f"e^{{{args[0][0]}}}", "power"
    if name == "sqrt":
        return rf"\sqrt{{{args[0][0]}}}", "root"
    if name in ("besseli", "besselj"):
        letter = "I" if name == "besseli" else "J"
        return f"{letter}_{{{args[0][0]}}}({args[1][0]})", "atom"
    text, kind = args[0]
    simple = kind == "atom" and not text.startswith("\\")  # a number or a one-letter name
    if name in ("gamma", "zeta"):
        command = r"\Gamma" if name == "gamma" else r"\zeta"
        return command + (f"({text})" if simple else _paren(text)), "atom"
    command = _PREFIX_FUNCTIONS[name]
    if simple:
        return f"{command} {text}", "prefix"  # \tan 1, \log 2
    return command + _paren(text), "call"


def expr_latex(expr: Expr, names: dict[str, tuple[str, str]] | None = None) -> str:
    r"""LaTeX of a parsed expression; ``names`` gives (LaTeX, kind) for variables.

    >>> from esma.constants import parse_expression
    >>> expr_latex(parse_expression("2*exp(1/3) - besseli(1, 2)/pi**2"))
    '2 e^{1/3} - \\frac{I_{1}(2)}{\\pi^{2}}'
    """
    return _render(expr, {**NAME_LATEX, **(names or {})})[0]


def _constant_piece(constant: str) -> tuple[str, str]:
    from esma.constants import parse_expression

    if constant in NAME_LATEX:
        return NAME_LATEX[constant]
    return _render(parse_expression(constant), dict(NAME_LATEX))


def constant_latex(constant: str) -> str:
    r"""LaTeX of a constant given by name or expression.

    >>> constant_latex("e13"), constant_latex("exp(2)"), constant_latex("besseli(1, 2)/besseli(0, 2)")
    ('e^{1/3}', 'e^{2}', '\\frac{I_{1}(2)}{I_{0}(2)}')

    Raises
    ------
    InvalidExpression
        ``constant`` is not in esma's expression language.
    """
    return _constant_piece(constant)[0]


@lru_cache(maxsize=4096)  # a search renders each left-hand side once per sign period
def lhs_latex(lhs: str, constant: str) -> str:
    r"""LaTeX of a left-hand side in ``x`` with the constant written in.

    >>> lhs_latex("x/(2*x + 2)", "e"), lhs_latex("x**2 - 1", "tan1")
    ('\\frac{e}{2 e + 2}', '\\left(\\tan 1\\right)^{2} - 1')

    Raises
    ------
    InvalidExpression
        ``lhs`` or ``constant`` is not in esma's expression language.
    """
    from esma.constants import parse_expression

    tree = parse_expression(lhs, variables=("x",))
    return _render(tree, {**NAME_LATEX, "x": _constant_piece(constant)})[0]


# The composites below are what notebooks show. Each object renders itself through
# esma.notation (its _repr_latex_ is the same block), so that the objects never import this
# module; these functions are the same blocks for code that holds the objects.


def quasi_polynomial_latex(qp: QuasiPolynomial, head: Sequence[int] = ()) -> str:
    r"""The general term as a ``cases`` block, one line per residue class.

    ``head`` are the terms before ``qp.start`` (the irregular head), shown after it when given.

    >>> from esma.recurrence import QuasiPolynomial
    >>> print(quasi_polynomial_latex(QuasiPolynomial(1, 3, ((1,), (2, 2), (1,)))))
    a_{n} = \begin{cases} 1 & n = 1 + 3m \\ 2m + 2 & n = 2 + 3m \\ 1 & n = 3 + 3m \end{cases}\quad (m \ge 0)
    """
    return qp.cases_latex(head)


def recurrence_latex(rec: Recurrence) -> str:
    r"""The recurrence, its initial terms, and its closed form when it has one.

    >>> from esma.recurrence import Recurrence
    >>> print(recurrence_latex(Recurrence((1, -1, -1), 0, (0, 1))))
    \begin{gathered}a_{n} = a_{n-1} + a_{n-2}\quad (n \ge 2) \\ a_{0}, \dots, a_{1} = 0, 1\end{gathered}
    """
    return rec.latex()


def expansion_latex(expansion: Expansion, shown: int = 8) -> str:
    r"""The first ``shown`` terms as a ``\cfrac``, then all terms and how they were certified.

    >>> from fractions import Fraction
    >>> from esma.expansion import signed_expansion
    >>> print(expansion_latex(signed_expansion(Fraction(8, 3), "+-", 5)))
    \begin{gathered}2 + \cfrac{1}{2 - \cfrac{1}{2}} \\ a = 2, 2, 2\quad \text{3 terms of an exact value, signs }(+, -)\text{ repeated}\end{gathered}
    """
    return expansion.latex(shown)


def conjecture_latex(conj: Conjecture, shown: int = 5) -> str:
    r"""The conjecture for display: value = continued fraction, general term, digits verified.

    >>> from esma.conjecture import example
    >>> text = conjecture_latex(example())
    >>> r"\cfrac" in text, "1000 digits" in text
    (True, True)
    """
    return conj.latex_block(shown)


def conjectures_html(conjectures: Iterable[Conjecture], limit: int = 50) -> str:
    """An HTML table (id, formula, digits) of at most ``limit`` conjectures, text escaped.

    >>> from esma.conjecture import example
    >>> conjectures_html([example()]).count("<tr>")
    2
    """
    rows = ["<tr><th>id</th><th>formula</th><th>digits</th></tr>"]
    for count, conj in enumerate(conjectures):
        if count == limit:
            rows.append('<tr><td colspan="3">…</td></tr>')
            break
        rows.append(
            f"<tr><td><code>{html.escape(conj.id)}</code></td>"
            f"<td><code>{html.escape(conj.formula)}</code></td>"
            f"<td>{conj.verified_digits}</td></tr>"
        )
    return "<table>\n" + "\n".join(rows) + "\n</table>"
