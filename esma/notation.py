r"""How formulas are written: continued fractions, polynomials, closed forms and recurrences as
one line of text, as LaTeX and as MathML.

Everything here takes plain data (integers, Fractions, tuples of them, strings) and returns
strings, and imports no other esma module: the objects that hold formulas
(:class:`~esma.recurrence.Recurrence`, :class:`~esma.recurrence.QuasiPolynomial`,
:class:`~esma.expansion.Expansion`, :class:`~esma.conjecture.Conjecture`) render themselves
through it, and :mod:`esma.display` composes their renderings for notebooks.

LaTeX and MathML come from the same code: the functions named ``*_markup`` compose a formula
from pieces (a number, a subscript, a continued fraction, a ``cases`` block, ...) that a
:class:`Markup` writes, :data:`LATEX` as LaTeX and :data:`MATHML` as presentation MathML (what
``_repr_html_`` shows in Jupyter, drawn by the browser). The ``*_latex`` functions are the LaTeX
of the same compositions.

>>> cf_text([2, 3, 2], (-1, 1), tail="…")
'2 - 1/(3 + 1/(2 - …))'
>>> cf_latex([2, 1, 2], (1,))
'2 + \\cfrac{1}{1 + \\cfrac{1}{2 + \\ddots}}'
>>> cf_markup(MATHML, [2], (1,))
'<mrow><mn>2</mn><mo>+</mo><mo>⋱</mo></mrow>'
>>> closed_form_text(1, 3, ((1,), (2, 2), (1,)))
'a(1+3m) = 1, a(2+3m) = 2 + 2m, a(3+3m) = 1'
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache
from typing import ClassVar

__all__ = [
    "LATEX",
    "LATEX_BREAKABLE",
    "MATHML",
    "LatexMarkup",
    "Markup",
    "MathMLMarkup",
    "cases_markup",
    "cf_latex",
    "cf_markup",
    "cf_text",
    "class_index",
    "closed_form_cases",
    "closed_form_latex",
    "closed_form_markup",
    "closed_form_text",
    "format_signs",
    "gathered",
    "general_term_markup",
    "general_term_text",
    "initial_terms_latex",
    "initial_terms_markup",
    "latex_text",
    "math_html",
    "poly_markup",
    "poly_text",
    "recurrence_markup",
    "recurrence_rhs",
    "recurrence_rhs_markup",
    "signs_latex",
    "signs_markup",
    "statement_markup",
    "statement_text",
    "substitute_constant",
    "terms_text",
    "text_latex",
]


# -- signs and continued fractions as text ----------------------------------------------------


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
    return signs_markup(LATEX, signs)


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


# -- markup: the pieces of a formula, as LaTeX or as MathML ------------------------------------


class Markup:
    """How the pieces of a formula are written; :class:`LatexMarkup` and :class:`MathMLMarkup`
    write them. The ``*_markup`` functions compose formulas from these pieces only, so a
    formula's LaTeX and its MathML have the same structure.

    Each method returns one piece (for MathML, one element or a row of them).
    """

    def num(self, value: int) -> str:
        """An integer, with its sign."""
        raise NotImplementedError

    def var(self, name: str) -> str:
        """A variable: ``a``, ``b``, ``m``, ``n``."""
        raise NotImplementedError

    def sub(self, base: str, index: str) -> str:
        """``base`` with a subscript."""
        raise NotImplementedError

    def sup(self, base: str, exponent: str) -> str:
        """``base`` with a superscript."""
        raise NotImplementedError

    def frac(self, num: int, den: int, small: bool = False) -> str:
        """A positive fraction of two integers (``small``: text size, as in a ``cases`` row)."""
        raise NotImplementedError

    def cfrac(self, num: str, den: str) -> str:
        """A fraction of a continued fraction: both parts at full size."""
        raise NotImplementedError

    def op(self, symbol: str) -> str:
        """An operator with the spacing of a binary operator or relation: ``+ - = >=``."""
        raise NotImplementedError

    def tight(self, symbol: str) -> str:
        """An operator written without space, as in the index ``1+3m``: ``+ -``."""
        raise NotImplementedError

    def minus(self) -> str:
        """A leading (unary) minus."""
        raise NotImplementedError

    def times(self) -> str:
        """The product of a coefficient and a power: nothing in LaTeX, invisible in MathML."""
        raise NotImplementedError

    def punct(self, symbol: str) -> str:
        """``( ) : ,`` as they are, with no added space."""
        raise NotImplementedError

    def comma(self, breakable: bool = True) -> str:
        """Between the items of a list (``breakable``: a line may break there)."""
        raise NotImplementedError

    def sep(self) -> str:
        """Between equations of one statement (the classes of a closed form)."""
        raise NotImplementedError

    def clause(self) -> str:
        """Between the clauses of a statement (signs; head; closed form)."""
        raise NotImplementedError

    def space(self) -> str:
        """A word space."""
        raise NotImplementedError

    def quad(self) -> str:
        """A wide space before a side condition."""
        raise NotImplementedError

    def dots(self) -> str:
        """``…`` in a list."""
        raise NotImplementedError

    def ddots(self) -> str:
        """The diagonal dots that end a continued fraction."""
        raise NotImplementedError

    def text(self, words: str) -> str:
        """Words inside a formula."""
        raise NotImplementedError

    def row(self, *parts: str) -> str:
        """Pieces side by side, as one piece."""
        raise NotImplementedError

    def lines(self, rows: Sequence[str]) -> str:
        """Rows stacked and centred."""
        raise NotImplementedError

    def cases(self, rows: Sequence[tuple[str, str]]) -> str:
        """A brace before rows of (value, condition)."""
        raise NotImplementedError


class LatexMarkup(Markup):
    r"""The pieces as LaTeX (amsmath). ``breakable`` marks the places between list items and
    clauses where a line may break (``\allowbreak``), for text that is set inline.

    >>> LATEX.row(LATEX.sub(LATEX.var("a"), "0"), LATEX.op("="), LATEX.frac(1, 2))
    'a_{0} = \\frac{1}{2}'
    """

    _OPS: ClassVar[dict[str, str]] = {"+": "+", "-": "-", "=": "=", ">=": r"\ge"}

    def __init__(self, breakable: bool = False) -> None:
        self.breakable = breakable
        self._break = r"\allowbreak" if breakable else ""

    def num(self, value: int) -> str:
        return str(value)

    def var(self, name: str) -> str:
        return name

    def sub(self, base: str, index: str) -> str:
        return f"{base}_{{{index}}}"

    def sup(self, base: str, exponent: str) -> str:
        return f"{base}^{{{exponent}}}"

    def frac(self, num: int, den: int, small: bool = False) -> str:
        command = r"\tfrac" if small else r"\frac"
        return f"{command}{{{num}}}{{{den}}}"

    def cfrac(self, num: str, den: str) -> str:
        return f"\\cfrac{{{num}}}{{{den}}}"

    def op(self, symbol: str) -> str:
        return f" {self._OPS[symbol]} "

    def tight(self, symbol: str) -> str:
        return symbol

    def minus(self) -> str:
        return "-"

    def times(self) -> str:
        return ""

    def punct(self, symbol: str) -> str:
        return {":": "{:}"}.get(symbol, symbol)

    def comma(self, breakable: bool = True) -> str:
        return f",{self._break if breakable else ''} "

    def sep(self) -> str:
        return f",{self._break}\\ "

    def clause(self) -> str:
        return f";{self._break}\\quad "

    def space(self) -> str:
        return r"\ "

    def quad(self) -> str:
        return r"\quad "

    def dots(self) -> str:
        return r"\dots"

    def ddots(self) -> str:
        return r"\ddots"

    def text(self, words: str) -> str:
        return text_latex(words)

    def row(self, *parts: str) -> str:
        return "".join(parts)

    def lines(self, rows: Sequence[str]) -> str:
        return r"\begin{gathered}" + r" \\ ".join(rows) + r"\end{gathered}"

    def cases(self, rows: Sequence[tuple[str, str]]) -> str:
        body = r" \\ ".join(f"{value} & {condition}" for value, condition in rows)
        return r"\begin{cases} " + body + r" \end{cases}"


_MINUS = "\u2212"


class MathMLMarkup(Markup):
    """The pieces as presentation MathML (MathML Core, which browsers draw themselves).

    >>> MATHML.row(MATHML.sub(MATHML.var("a"), MATHML.num(0)), MATHML.op("="), MATHML.num(-2))
    '<mrow><msub><mi>a</mi><mrow><mn>0</mn></mrow></msub><mo>=</mo><mrow><mo>−</mo><mn>2</mn></mrow></mrow>'
    """

    _OPS: ClassVar[dict[str, str]] = {"+": "+", "-": _MINUS, "=": "=", ">=": "\u2265"}

    def num(self, value: int) -> str:
        if value < 0:
            return f"<mrow><mo>{_MINUS}</mo><mn>{-value}</mn></mrow>"
        return f"<mn>{value}</mn>"

    def var(self, name: str) -> str:
        return f"<mi>{html.escape(name)}</mi>"

    def sub(self, base: str, index: str) -> str:
        return f"<msub>{base}<mrow>{index}</mrow></msub>"

    def sup(self, base: str, exponent: str) -> str:
        return f"<msup>{base}<mrow>{exponent}</mrow></msup>"

    def frac(self, num: int, den: int, small: bool = False) -> str:
        return f"<mfrac><mn>{num}</mn><mn>{den}</mn></mfrac>"

    def cfrac(self, num: str, den: str) -> str:
        # displaystyle and scriptlevel 0 on both parts keep every level full size, as \cfrac
        # does (displaystyle alone still lets the browser shrink the font one level a fraction)
        full = '<mrow displaystyle="true" scriptlevel="0">'
        return f"<mfrac>{full}{num}</mrow>{full}{den}</mrow></mfrac>"

    def op(self, symbol: str) -> str:
        return f"<mo>{self._OPS[symbol]}</mo>"

    def tight(self, symbol: str) -> str:
        return f'<mo lspace="0" rspace="0">{self._OPS[symbol]}</mo>'

    def minus(self) -> str:
        return f"<mo>{_MINUS}</mo>"

    def times(self) -> str:
        return "<mo>\u2062</mo>"

    def punct(self, symbol: str) -> str:
        if symbol in "()":  # no space inside parentheses: (m ≥ 0), (+, −)
            return f'<mo stretchy="false" lspace="0" rspace="0">{symbol}</mo>'
        return f"<mo>{html.escape(symbol)}</mo>"

    def comma(self, breakable: bool = True) -> str:
        return "<mo>,</mo>"

    def sep(self) -> str:
        return '<mo>,</mo><mspace width="0.5em"></mspace>'

    def clause(self) -> str:
        return '<mo>;</mo><mspace width="1em"></mspace>'

    def space(self) -> str:
        return '<mspace width="0.5em"></mspace>'

    def quad(self) -> str:
        return '<mspace width="1em"></mspace>'

    def dots(self) -> str:
        return "<mi>\u2026</mi>"  # an item of the list, not an operator with space around it

    def ddots(self) -> str:
        return "<mo>\u22f1</mo>"

    def text(self, words: str) -> str:
        # MathML trims the spaces at the ends of mtext: keep them as no-break spaces
        stripped = words.strip(" ")
        lead = "\u00a0" if words.startswith(" ") else ""
        trail = "\u00a0" if words.endswith(" ") and stripped else ""
        return f"<mtext>{lead}{html.escape(stripped)}{trail}</mtext>"

    def row(self, *parts: str) -> str:
        return "<mrow>" + "".join(parts) + "</mrow>"

    def lines(self, rows: Sequence[str]) -> str:
        # a table's cells are set in text style; gathered's lines are displays
        cells = "".join(f'<mtr><mtd displaystyle="true">{r}</mtd></mtr>' for r in rows)
        return f"<mtable>{cells}</mtable>"

    def cases(self, rows: Sequence[tuple[str, str]]) -> str:
        cells = "".join(
            f'<mtr><mtd style="text-align: left">{value}</mtd>'
            f'<mtd style="text-align: left; padding-left: 1em">{condition}</mtd></mtr>'
            for value, condition in rows
        )
        return f"<mrow><mo>{{</mo><mtable>{cells}</mtable></mrow>"


#: Display LaTeX (notebooks, ``_repr_latex_``).
LATEX = LatexMarkup()
#: LaTeX set inline, which may break between list items and clauses (the records' ``latex``).
LATEX_BREAKABLE = LatexMarkup(breakable=True)
#: Presentation MathML (``_repr_html_``).
MATHML = MathMLMarkup()


def math_html(content: str) -> str:
    """A MathML formula as a block of HTML: what ``_repr_html_`` returns.

    >>> math_html(MATHML.num(3))
    '<math display="block"><mn>3</mn></math>'
    """
    return f'<math display="block">{content}</math>'


def signs_markup(mk: Markup, signs: Sequence[int]) -> str:
    """One sign period in parentheses: ``(+, -, -)``.

    >>> signs_markup(LATEX_BREAKABLE, (1, -1, -1))
    '(+, -, -)'
    """
    pieces = [mk.punct("(")]
    for i, s in enumerate(signs):
        pieces += ([mk.comma(breakable=False)] if i else []) + [mk.tight("+" if s > 0 else "-")]
    return mk.row(*pieces, mk.punct(")"))


def cf_markup(
    mk: Markup, terms: Sequence[int], signs: Sequence[int], *, finite: bool = False
) -> str:
    r"""Nested continued fraction of ``terms`` with partial numerators ``signs`` (one period).

    The last shown term is followed by the diagonal dots unless ``finite`` says the fraction
    ends there.

    >>> cf_markup(LATEX, [1, 2], (-1,), finite=True)
    '1 - \\cfrac{1}{2}'
    """
    if not terms:
        return mk.ddots()
    last = len(terms) - 1
    out = (
        mk.num(terms[-1])
        if finite
        else mk.row(mk.num(terms[-1]), mk.op(_sign(signs, last)), mk.ddots())
    )
    for i in range(last - 1, -1, -1):
        out = mk.row(mk.num(terms[i]), mk.op(_sign(signs, i)), mk.cfrac(mk.num(1), out))
    return out


def cf_latex(terms: Sequence[int], signs: Sequence[int], *, finite: bool = False) -> str:
    r"""Nested ``\cfrac`` of ``terms`` with partial numerators ``signs`` (one period).

    The last shown term is followed by ``\ddots`` unless ``finite`` says the fraction ends there.

    >>> cf_latex([1, 2, 3], (1, -1), finite=True)
    '1 + \\cfrac{1}{2 - \\cfrac{1}{3}}'
    """
    return cf_markup(LATEX, terms, signs, finite=finite)


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


@lru_cache(maxsize=1024)  # the same few words ("for ", " repeating ") in every record
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
    return LATEX.lines(lines)


def initial_terms_markup(mk: Markup, values: Sequence[int]) -> str:
    r"""``a_0, …, a_k = v_0, …, v_k`` (``a_0 = v_0`` for one value, ``a_0, a_1`` for two); a line may break
    between the values.

    >>> print(initial_terms_markup(LATEX_BREAKABLE, (0, 1)))
    a_{0}, a_{1} = 0,\allowbreak 1
    """
    last = len(values) - 1
    a = mk.var("a")
    if last == 0:
        label = mk.sub(a, mk.num(0))
    elif last == 1:
        label = mk.row(mk.sub(a, mk.num(0)), mk.comma(breakable=False), mk.sub(a, mk.num(1)))
    else:
        label = mk.row(
            mk.sub(a, mk.num(0)),
            mk.comma(breakable=False),
            mk.dots(),
            mk.comma(breakable=False),
            mk.sub(a, mk.num(last)),
        )
    listed = []
    for i, v in enumerate(values):
        listed += ([mk.comma()] if i else []) + [mk.num(v)]
    return mk.row(label, mk.op("="), *listed)


def initial_terms_latex(values: Sequence[int]) -> str:
    r"""``a_{0}, \dots, a_{k} = v_0, ..., v_k`` (``a_{0} = v_0`` for one value).

    >>> initial_terms_latex((0, 1))
    'a_{0}, a_{1} = 0, 1'
    """
    return initial_terms_markup(LATEX, values)


# -- polynomials in m and closed forms ---------------------------------------------------------


def _coef_text(c: Fraction) -> str:
    """Plain text of a positive coefficient."""
    return str(c.numerator) if c.denominator == 1 else f"({c.numerator}/{c.denominator})"


def _nonzero_terms(poly: tuple[Fraction, ...], descending: bool) -> list[tuple[int, Fraction]]:
    order = range(len(poly) - 1, -1, -1) if descending else range(len(poly))
    return [(k, Fraction(poly[k])) for k in order if poly[k] != 0]


@lru_cache(maxsize=8192)  # few distinct polynomials recur across thousands of records
def poly_markup(mk: Markup, poly: tuple[Fraction, ...], small: bool = False) -> str:
    r"""A polynomial in ``m`` from its ascending coefficients, in descending powers
    (``small``: text-size fractions, as inside ``cases``).

    >>> poly_markup(LATEX, (Fraction(-2), Fraction(0), Fraction(1, 2)), small=True)
    '\\tfrac{1}{2}m^{2} - 2'
    >>> poly_markup(MATHML, (Fraction(0), Fraction(3)))
    '<mrow><mn>3</mn><mo>\u2062</mo><mi>m</mi></mrow>'
    """
    pieces: list[str] = []
    for i, (k, c) in enumerate(_nonzero_terms(poly, descending=True)):
        mag = abs(c)
        number = (
            mk.num(mag.numerator)
            if mag.denominator == 1
            else mk.frac(mag.numerator, mag.denominator, small)
        )
        m = mk.var("m")
        power = m if k == 1 else mk.sup(m, mk.num(k))
        if k == 0:
            text = number
        else:
            text = power if mag == 1 else mk.row(number, mk.times(), power)
        if i == 0:
            pieces += [mk.minus(), text] if c < 0 else [text]
        else:
            pieces += [mk.op("-" if c < 0 else "+"), text]
    if not pieces:
        return mk.num(0)
    return pieces[0] if len(pieces) == 1 else mk.row(*pieces)


@lru_cache(maxsize=8192)  # few distinct polynomials recur across thousands of records
def poly_text(poly: tuple[Fraction, ...], latex: bool, frac: str = r"\frac") -> str:
    r"""A polynomial in ``m`` from its ascending coefficients: text in ascending powers
    (``2 + (1/2)m**2``), LaTeX in descending powers with ``frac`` for fractions.

    >>> p = (Fraction(2), Fraction(0), Fraction(1, 2))
    >>> poly_text(p, latex=False), poly_text(p, latex=True, frac=r"\tfrac")
    ('2 + (1/2)m**2', '\\tfrac{1}{2}m^{2} + 2')
    """
    if latex:
        return poly_markup(LATEX, tuple(poly), small=frac == r"\tfrac")
    pieces: list[tuple[bool, str]] = []
    for k, c in _nonzero_terms(poly, descending=False):
        mag = abs(c)
        if k == 0:
            text = _coef_text(mag)
            if c.denominator != 1:
                text = text[1:-1]  # a lone constant needs no parentheses
        else:
            # Plain text writes powers as Python and esma's parser do: m**2.
            power = "m" if k == 1 else f"m**{k}"
            text = power if mag == 1 else _coef_text(mag) + power
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


def _index_markup(mk: Markup, base: int, period: int) -> str:
    """``base+period·m`` without spaces, as a subscript (``m`` alone for 0 + 1·m)."""
    m = mk.var("m")
    step = m if period == 1 else mk.row(mk.num(period), mk.times(), m)
    return step if base == 0 else mk.row(mk.num(base), mk.tight("+"), step)


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


def closed_form_markup(mk: Markup, start: int, period: int, polys: Polys) -> str:
    r"""One equation per residue class, in a row: ``a_{1+3m} = 1, a_{2+3m} = 2m + 2, …``.

    >>> print(closed_form_markup(LATEX_BREAKABLE, 0, 2, ((Fraction(2),), (Fraction(3), Fraction(2)))))
    a_{2m} = 2,\allowbreak\ a_{1+2m} = 2m + 3
    """
    pieces = []
    for j, p in enumerate(polys):
        if j:
            pieces.append(mk.sep())
        index = _index_markup(mk, start + j, period)
        pieces.append(mk.row(mk.sub(mk.var("a"), index), mk.op("="), poly_markup(mk, tuple(p))))
    return pieces[0] if len(pieces) == 1 else mk.row(*pieces)


def closed_form_latex(start: int, period: int, polys: Polys) -> str:
    r"""Inline LaTeX, descending powers, which may break between classes:
    ``a_{1+3m} = 1,\allowbreak\ a_{2+3m} = 2m + 2,\allowbreak\ a_{3+3m} = 1``.

    >>> print(closed_form_latex(0, 1, ((Fraction(0), Fraction(1, 2), Fraction(1, 2)),)))
    a_{m} = \frac{1}{2}m^{2} + \frac{1}{2}m
    """
    return closed_form_markup(LATEX_BREAKABLE, start, period, polys)


def _m_at_least_zero(mk: Markup) -> str:
    return mk.row(mk.punct("("), mk.var("m"), mk.op(">="), mk.num(0), mk.punct(")"))


def cases_markup(
    mk: Markup, start: int, period: int, polys: Polys, head: Sequence[int] = ()
) -> str:
    r"""The general term as a ``cases`` block, one line per residue class.

    ``head`` are the terms before ``start`` (the irregular head), shown after it when given.

    >>> print(cases_markup(LATEX, 2, 1, ((Fraction(5),),), head=(1, 4)))
    a_{2 + m} = 5\quad (m \ge 0),\quad a_{0}, a_{1} = 1, 4
    """
    a, m = mk.var("a"), mk.var("m")
    if period == 1:
        index = m if start == 0 else mk.row(mk.num(start), mk.op("+"), m)
        poly = poly_markup(mk, tuple(polys[0]), small=True)
        out = mk.row(mk.sub(a, index), mk.op("="), poly, mk.quad(), _m_at_least_zero(mk))
    else:
        rows = []
        for j, p in enumerate(polys):
            condition = mk.row(
                mk.var("n"),
                mk.op("="),
                mk.num(start + j),
                mk.op("+"),
                mk.num(period),
                mk.times(),
                m,
            )
            rows.append((poly_markup(mk, tuple(p), small=True), condition))
        out = mk.row(
            mk.sub(a, mk.var("n")), mk.op("="), mk.cases(rows), mk.quad(), _m_at_least_zero(mk)
        )
    head = tuple(head[:start])
    if head:
        out = mk.row(out, mk.punct(","), mk.quad(), initial_terms_markup(mk, head))
    return out


def closed_form_cases(start: int, period: int, polys: Polys, head: Sequence[int] = ()) -> str:
    r"""The general term as a ``cases`` block, one line per residue class.

    ``head`` are the terms before ``start`` (the irregular head), shown after it when given.

    >>> F = Fraction
    >>> print(closed_form_cases(1, 3, ((F(1),), (F(2), F(2)), (F(1),)), head=(2,)))
    a_{n} = \begin{cases} 1 & n = 1 + 3m \\ 2m + 2 & n = 2 + 3m \\ 1 & n = 3 + 3m \end{cases}\quad (m \ge 0),\quad a_{0} = 2
    """
    return cases_markup(LATEX, start, period, polys, head)


# -- recurrences -----------------------------------------------------------------------------


def recurrence_rhs_markup(mk: Markup, charpoly: Sequence[int]) -> str:
    """The right side of ``a_n = ...`` for ``a_n + c_1 a_{n-1} + ... + c_L a_{n-L} = 0``.

    >>> recurrence_rhs_markup(LATEX, (1, 0, 0, -2, 0, 0, 1))
    '2a_{n-3} - a_{n-6}'
    """
    pieces = []
    for j, c in enumerate(charpoly):
        if not j or not c:
            continue
        c = -c  # a_n = -c_1 a_{n-1} - ...
        term = mk.sub(mk.var("a"), mk.row(mk.var("n"), mk.tight("-"), mk.num(j)))
        if abs(c) != 1:
            term = mk.row(mk.num(abs(c)), mk.times(), term)
        if pieces:
            pieces.append(mk.op("-" if c < 0 else "+"))
        elif c < 0:
            pieces.append(mk.minus())
        pieces.append(term)
    if not pieces:
        return mk.num(0)
    return pieces[0] if len(pieces) == 1 else mk.row(*pieces)


def recurrence_rhs(charpoly: Sequence[int], latex: bool = False) -> str:
    """The right side of ``a_n = ...`` for ``a_n + c_1 a_{n-1} + ... + c_L a_{n-L} = 0``:
    ``2*a(n-3) - a(n-6)`` as text, ``2a_{n-3} - a_{n-6}`` as LaTeX.

    >>> recurrence_rhs((1, 0, 0, -2, 0, 0, 1)), recurrence_rhs((1, -1, -1), latex=True)
    ('2*a(n-3) - a(n-6)', 'a_{n-1} + a_{n-2}')
    """
    if latex:
        return recurrence_rhs_markup(LATEX, charpoly)
    parts = []
    for j, c in enumerate(charpoly):
        if not j or not c:
            continue
        c = -c
        mag = "" if abs(c) == 1 else f"{abs(c)}*"
        parts.append((c < 0, mag + f"a(n-{j})"))
    if not parts:
        return "0"
    out = ("-" if parts[0][0] else "") + parts[0][1]
    return out + "".join(f" {'-' if neg else '+'} {text}" for neg, text in parts[1:])


def _recurrence_equation(mk: Markup, charpoly: Sequence[int], first: int) -> str:
    """``a_n = rhs  (n ≥ first)``."""
    condition = mk.row(mk.punct("("), mk.var("n"), mk.op(">="), mk.num(first), mk.punct(")"))
    a_n = mk.sub(mk.var("a"), mk.var("n"))
    return mk.row(a_n, mk.op("="), recurrence_rhs_markup(mk, charpoly), mk.quad(), condition)


def recurrence_markup(
    mk: Markup,
    charpoly: Sequence[int],
    start: int,
    initial: Sequence[int],
    closed: tuple[int, int, Polys] | None = None,
) -> str:
    r"""A recurrence stacked over its initial terms and, when given, its closed form
    ``(start, period, polys)`` as a ``cases`` block.

    >>> print(recurrence_markup(LATEX, (1, -1, -1), 0, (0, 1)))
    \begin{gathered}a_{n} = a_{n-1} + a_{n-2}\quad (n \ge 2) \\ a_{0}, a_{1} = 0, 1\end{gathered}
    """
    rows = [_recurrence_equation(mk, charpoly, start + len(charpoly) - 1)]
    if initial:
        rows.append(initial_terms_markup(mk, initial))
    if closed is not None:
        rows.append(cases_markup(mk, *closed))
    return mk.lines(rows)


# -- the whole statement of a formula -----------------------------------------------------------


def terms_text(values: Sequence[int]) -> str:
    """The first terms as one clause: ``a(0) = 2`` or ``a(0..3) = 1, 2, 2, 1``.

    >>> terms_text([2]), terms_text([1, 2, 2, 1])
    ('a(0) = 2', 'a(0..3) = 1, 2, 2, 1')
    """
    label = "a(0)" if len(values) == 1 else f"a(0..{len(values) - 1})"
    return f"{label} = {', '.join(map(str, values))}"


def general_term_text(
    closed: str | None, recurrence: tuple[Sequence[int], int] | None = None
) -> str:
    """Every term from the head on: the closed form (its text, :func:`closed_form_text`) for
    m ≥ 0, or, without one, the recurrence ``(charpoly, first index)``.

    >>> general_term_text(closed_form_text(0, 2, ((2,), (3, 2))))
    'for m >= 0: a(2m) = 2, a(1+2m) = 3 + 2m'
    >>> general_term_text(None, ((1, -1, -1), 2))
    'a(n) = a(n-1) + a(n-2) for n >= 2'
    """
    if closed is not None:
        return "for m >= 0: " + closed
    charpoly, first = recurrence
    return f"a(n) = {recurrence_rhs(charpoly)} for n >= {first}"


def statement_text(signs: Sequence[int], head: Sequence[int], general: str) -> str:
    """The whole formula after its continued fraction: the sign period, every head term in
    order, and the general term, as clauses separated by ``;``.

    >>> statement_text((-1, 1), (), general_term_text(closed_form_text(0, 2, ((2,), (3, 2)))))
    'signs -+; for m >= 0: a(2m) = 2, a(1+2m) = 3 + 2m'
    >>> closed = closed_form_text(1, 3, ((1,), (2, 2), (1,)))
    >>> statement_text((1,), (2,), general_term_text(closed))
    'signs +; a(0) = 2; for m >= 0: a(1+3m) = 1, a(2+3m) = 2 + 2m, a(3+3m) = 1'
    """
    clauses = [f"signs {format_signs(signs)}"]
    if head:
        clauses.append(terms_text(head))
    return "; ".join([*clauses, general])


def general_term_markup(
    mk: Markup, closed: str | None, recurrence: tuple[Sequence[int], int] | None = None
) -> str:
    r""":func:`general_term_text` as markup (``closed``: :func:`closed_form_markup`'s).

    >>> print(general_term_markup(LATEX, closed_form_markup(LATEX, 0, 1, ((3, 2),))))
    \text{for }m \ge 0{:}\ a_{m} = 2m + 3
    """
    if closed is not None:
        return mk.row(
            mk.text("for "),
            mk.var("m"),
            mk.op(">="),
            mk.num(0),
            mk.punct(":"),
            mk.space(),
            closed,
        )
    charpoly, first = recurrence
    return _recurrence_equation(mk, charpoly, first)


def statement_markup(mk: Markup, signs: Sequence[int], head: Sequence[int], general: str) -> str:
    r""":func:`statement_text` as markup: the signs (``b_n = +1``, or ``b_n`` repeating a
    period), every head term and the general term.

    >>> print(statement_markup(LATEX, (1, -1), (), "G"))
    b_{n}\text{ repeating }(+, -);\quad G
    """
    b_n = mk.sub(mk.var("b"), mk.var("n"))
    if len(signs) == 1:
        signs_part = mk.row(b_n, mk.op("="), mk.tight("+" if signs[0] > 0 else "-"), mk.num(1))
    else:
        signs_part = mk.row(b_n, mk.text(" repeating "), signs_markup(mk, signs))
    clauses = [signs_part]
    if head:
        clauses.append(initial_terms_markup(mk, head))
    clauses.append(general)
    out = []
    for i, clause in enumerate(clauses):
        out += ([mk.clause()] if i else []) + [clause]
    return mk.row(*out)


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
