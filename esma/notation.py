r"""How formulas are written: continued fractions, polynomials, closed forms and recurrences as
one line of text and as LaTeX.

Everything here takes plain data (integers, Fractions, tuples of them, strings) and returns
strings, and imports no other esma module: the objects that hold formulas
(:class:`~esma.recurrence.Recurrence`, :class:`~esma.recurrence.QuasiPolynomial`,
:class:`~esma.expansion.Expansion`, :class:`~esma.conjecture.Conjecture`) render themselves
through it, and :mod:`esma.display` composes their renderings for notebooks.

>>> cf_text([2, 3, 2], (-1, 1), tail="…")
'2 - 1/(3 + 1/(2 - …))'
>>> cf_latex([2, 1, 2], (1,))
'2 + \\cfrac{1}{1 + \\cfrac{1}{2 + \\ddots}}'
>>> closed_form_text(1, 3, ((1,), (2, 2), (1,)))
'a(1+3m) = 1, a(2+3m) = 2 + 2m, a(3+3m) = 1'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache

__all__ = [
    "cf_latex",
    "cf_text",
    "class_index",
    "closed_form_cases",
    "closed_form_latex",
    "closed_form_text",
    "format_signs",
    "gathered",
    "initial_terms_latex",
    "latex_text",
    "poly_text",
    "recurrence_rhs",
    "signs_latex",
    "substitute_constant",
    "text_latex",
]


# -- signs and continued fractions ------------------------------------------------------------


def format_signs(signs: Sequence[int]) -> str:
    """Compact text of a sign period: ``(1, -1)`` → ``"+-"``.

    >>> format_signs((1, -1, -1))
    '+--'
    """
    return "".join("+" if s > 0 else "-" for s in signs)


def signs_latex(signs: Sequence[int]) -> str:
    r"""One sign period as LaTeX text, e.g. ``(+, -)``.

    >>> signs_latex((1, -1, -1))
    '(+, -, -)'
    """
    return "(" + ", ".join(format_signs(signs)) + ")"


def _sign(signs: Sequence[int], n: int) -> str:
    return "+" if signs[n % len(signs)] > 0 else "-"


def cf_text(terms: Sequence[int], signs: Sequence[int], *, tail: str = "...") -> str:
    """``a0 + 1/(a1 - 1/(a2 + …))``: the terms as one line of text, ending in ``tail``.

    >>> cf_text([3, 1, 5], (1, -1), tail="…")
    '3 + 1/(1 - 1/(5 + …))'
    """
    if not terms:
        return ""
    out = str(terms[0])
    for i, a in enumerate(terms[1:]):
        out += f" {_sign(signs, i)} 1/({a}"
    return out + f" {_sign(signs, len(terms) - 1)} {tail}" + ")" * (len(terms) - 1)


def cf_latex(terms: Sequence[int], signs: Sequence[int], *, finite: bool = False) -> str:
    r"""Nested ``\cfrac`` of ``terms`` with partial numerators ``signs`` (one period).

    The last shown term is followed by ``\ddots`` unless ``finite`` says the fraction ends there.

    >>> cf_latex([1, 2, 3], (1, -1), finite=True)
    '1 + \\cfrac{1}{2 - \\cfrac{1}{3}}'
    """
    if not terms:
        return r"\ddots"
    out = str(terms[-1]) if finite else f"{terms[-1]} {_sign(signs, len(terms) - 1)} \\ddots"
    for i in range(len(terms) - 2, -1, -1):
        out = f"{terms[i]} {_sign(signs, i)} \\cfrac{{1}}{{{out}}}"
    return out


# -- LaTeX text and layout --------------------------------------------------------------------

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}


def latex_text(text: str) -> str:
    """Escape text for LaTeX's text mode.

    >>> latex_text("euler_gamma & 100%")
    'euler\\\\_gamma \\\\& 100\\\\%'
    """
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def text_latex(words: str) -> str:
    r"""Words inside a formula: ``\text{...}``, escaped.

    >>> text_latex("signs of e_2")
    '\\text{signs of e\\_2}'
    """
    return r"\text{" + latex_text(words) + "}"


def gathered(lines: Sequence[str]) -> str:
    r"""Lines of LaTeX stacked and centred (amsmath's ``gathered``).

    >>> gathered(["a = 1", "b = 2"])
    '\\begin{gathered}a = 1 \\\\ b = 2\\end{gathered}'
    """
    return r"\begin{gathered}" + r" \\ ".join(lines) + r"\end{gathered}"


def initial_terms_latex(values: Sequence[int]) -> str:
    r"""``a_{0}, \dots, a_{k} = v_0, ..., v_k`` (``a_{0} = v_0`` for one value).

    >>> initial_terms_latex((0, 1))
    'a_{0}, \\dots, a_{1} = 0, 1'
    """
    last = len(values) - 1
    label = "a_{0}" if last == 0 else f"a_{{0}}, \\dots, a_{{{last}}}"
    return f"{label} = {', '.join(map(str, values))}"


# -- polynomials in m and closed forms ---------------------------------------------------------


def _coef_text(c: Fraction, latex: bool, frac: str = r"\frac") -> str:
    """Text of a positive coefficient (``frac``: the LaTeX fraction macro)."""
    if c.denominator == 1:
        return str(c.numerator)
    if latex:
        return f"{frac}{{{c.numerator}}}{{{c.denominator}}}"
    return f"({c.numerator}/{c.denominator})"


@lru_cache(maxsize=8192)  # few distinct polynomials recur across thousands of records
def poly_text(poly: tuple[Fraction, ...], latex: bool, frac: str = r"\frac") -> str:
    r"""A polynomial in ``m`` from its ascending coefficients: text in ascending powers
    (``2 + (1/2)m**2``), LaTeX in descending powers with ``frac`` for fractions.

    >>> p = (Fraction(2), Fraction(0), Fraction(1, 2))
    >>> poly_text(p, latex=False), poly_text(p, latex=True, frac=r"\tfrac")
    ('2 + (1/2)m**2', '\\tfrac{1}{2}m^{2} + 2')
    """
    order = range(len(poly) - 1, -1, -1) if latex else range(len(poly))
    pieces: list[tuple[bool, str]] = []
    for k in order:
        c = poly[k]
        if c == 0:
            continue
        mag = abs(c)
        if k == 0:
            text = _coef_text(mag, latex, frac)
            if not latex and c.denominator != 1:
                text = text[1:-1]  # a lone constant needs no parentheses
        else:
            # Plain text writes powers as Python and esma's parser do: m**2 (LaTeX: m^{2}).
            power = "m" if k == 1 else (f"m^{{{k}}}" if latex else f"m**{k}")
            text = power if mag == 1 else _coef_text(mag, latex, frac) + power
        pieces.append((c < 0, text))
    if not pieces:
        return "0"
    neg, text = pieces[0]
    out = ("-" if neg else "") + text
    for neg, text in pieces[1:]:
        out += (" - " if neg else " + ") + text
    return out


def class_index(start: int, period: int, j: int) -> str:
    """The index ``start + j + period*m`` of residue class ``j``, as ``2+3m`` (``m`` alone at 0).

    >>> class_index(1, 3, 1), class_index(0, 1, 0)
    ('2+3m', 'm')
    """
    step = "m" if period == 1 else f"{period}m"
    base = start + j
    return step if base == 0 else f"{base}+{step}"


Polys = Sequence[tuple[Fraction, ...]]


def closed_form_text(start: int, period: int, polys: Polys, var: str = "a") -> str:
    """One line, ascending powers: ``a(1+3m) = 1, a(2+3m) = 2 + 2m, a(3+3m) = 1``.

    >>> closed_form_text(0, 1, ((Fraction(0), Fraction(1, 2), Fraction(-1, 2)),), "b")
    'b(m) = (1/2)m - (1/2)m**2'
    """
    return ", ".join(
        f"{var}({class_index(start, period, j)}) = {poly_text(tuple(p), latex=False)}"
        for j, p in enumerate(polys)
    )


def closed_form_latex(start: int, period: int, polys: Polys) -> str:
    r"""Inline LaTeX, descending powers: ``a_{1+3m} = 1,\ a_{2+3m} = 2m + 2,\ a_{3+3m} = 1``.

    >>> print(closed_form_latex(0, 1, ((Fraction(0), Fraction(1, 2), Fraction(1, 2)),)))
    a_{m} = \frac{1}{2}m^{2} + \frac{1}{2}m
    """
    return ",\\ ".join(
        f"a_{{{class_index(start, period, j)}}} = {poly_text(tuple(p), latex=True)}"
        for j, p in enumerate(polys)
    )


def closed_form_cases(start: int, period: int, polys: Polys, head: Sequence[int] = ()) -> str:
    r"""The general term as a ``cases`` block, one line per residue class.

    ``head`` are the terms before ``start`` (the irregular head), shown after it when given.

    >>> F = Fraction
    >>> print(closed_form_cases(1, 3, ((F(1),), (F(2), F(2)), (F(1),)), head=(2,)))
    a_{n} = \begin{cases} 1 & n = 1 + 3m \\ 2m + 2 & n = 2 + 3m \\ 1 & n = 3 + 3m \end{cases}\quad (m \ge 0),\quad a_{0} = 2
    """

    def poly(p: tuple[Fraction, ...]) -> str:
        return poly_text(tuple(p), latex=True, frac=r"\tfrac")  # \tfrac: text-size inside cases

    if period == 1:
        index = "m" if start == 0 else f"{start} + m"
        out = f"a_{{{index}}} = {poly(polys[0])}\\quad (m \\ge 0)"
    else:
        step = f"{period}m"
        rows = [f"{poly(p)} & n = {start + j} + {step}" for j, p in enumerate(polys)]
        out = r"a_{n} = \begin{cases} " + r" \\ ".join(rows) + r" \end{cases}\quad (m \ge 0)"
    head = tuple(head[:start])
    if head:
        out += f",\\quad {initial_terms_latex(head)}"
    return out


# -- recurrences -----------------------------------------------------------------------------


def recurrence_rhs(charpoly: Sequence[int], latex: bool = False) -> str:
    """The right side of ``a_n = ...`` for ``a_n + c_1 a_{n-1} + ... + c_L a_{n-L} = 0``:
    ``2*a(n-3) - a(n-6)`` as text, ``2a_{n-3} - a_{n-6}`` as LaTeX.

    >>> recurrence_rhs((1, 0, 0, -2, 0, 0, 1)), recurrence_rhs((1, -1, -1), latex=True)
    ('2*a(n-3) - a(n-6)', 'a_{n-1} + a_{n-2}')
    """
    parts = []
    for j, c in enumerate(charpoly):
        if not j or not c:
            continue
        c = -c  # a_n = -c_1 a_{n-1} - ...
        mag = "" if abs(c) == 1 else (f"{abs(c)}" if latex else f"{abs(c)}*")
        parts.append((c < 0, mag + (f"a_{{n-{j}}}" if latex else f"a(n-{j})")))
    if not parts:
        return "0"
    out = ("-" if parts[0][0] else "") + parts[0][1]
    return out + "".join(f" {'-' if neg else '+'} {text}" for neg, text in parts[1:])


# -- left-hand sides --------------------------------------------------------------------------


def substitute_constant(lhs: str, constant: str) -> str:
    """Write the constant in for x, with parentheses where it is not a plain name.

    >>> substitute_constant("(x + 1)/(x - 1)", "e"), substitute_constant("1/x", "exp(2)")
    ('(e + 1)/(e - 1)', '1/exp(2)')
    >>> substitute_constant("x**2", "pi/2")
    '(pi/2)**2'
    """
    if lhs.strip() == "x":
        return constant
    plain = re.fullmatch(r"\w+(\(.*\))?", constant) and _balanced_call(constant)
    name = constant if plain else f"({constant})"
    return re.sub(r"\bx\b", lambda _: name, lhs)


def _balanced_call(text: str) -> bool:
    """True for ``name`` or ``name(...)`` whose outer parentheses enclose everything after it."""
    if "(" not in text:
        return True
    depth = 0
    for i, ch in enumerate(text[text.index("(") :]):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return text.index("(") + i == len(text) - 1
    return False
