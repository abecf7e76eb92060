r"""LaTeX and HTML for expansions, recurrences and conjectures (Jupyter's ``_repr_latex_``).

Everything here returns strings; nothing imports IPython. Constants and left-hand sides are
written by :func:`esma.constants.lhs_latex`.

>>> cf_latex([2, 1, 2], (1,))
'2 + \\cfrac{1}{1 + \\cfrac{1}{2 + \\ddots}}'
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from esma.constants import lhs_latex

if TYPE_CHECKING:
    from esma.conjecture import Conjecture
    from esma.expansion import Expansion
    from esma.recurrence import QuasiPolynomial, Recurrence

__all__ = [
    "cf_latex",
    "conjecture_latex",
    "conjectures_html",
    "expansion_latex",
    "quasi_polynomial_latex",
    "recurrence_latex",
    "signs_latex",
]


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


def _sign(signs: Sequence[int], n: int) -> str:
    return "+" if signs[n % len(signs)] > 0 else "-"


def signs_latex(signs: Sequence[int]) -> str:
    r"""One sign period as LaTeX text, e.g. ``(+, -)``.

    >>> signs_latex((1, -1, -1))
    '(+, -, -)'
    """
    from esma.signs import format_signs

    return "(" + ", ".join(format_signs(signs)) + ")"


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


def _text(words: str) -> str:
    return r"\text{" + latex_text(words) + "}"


def _poly_latex(poly: Sequence[Fraction]) -> str:
    from esma.recurrence import _poly_text

    return _poly_text(poly, latex=True, frac=r"\tfrac")  # \tfrac: text-size inside cases


def quasi_polynomial_latex(qp: QuasiPolynomial, head: Sequence[int] = ()) -> str:
    r"""The general term as a ``cases`` block, one line per residue class.

    ``head`` are the terms before ``qp.start`` (the irregular head), shown after it when given.

    >>> from esma.recurrence import QuasiPolynomial
    >>> print(quasi_polynomial_latex(QuasiPolynomial(1, 3, ((1,), (2, 2), (1,)))))
    a_{n} = \begin{cases} 1 & n = 1 + 3m \\ 2m + 2 & n = 2 + 3m \\ 1 & n = 3 + 3m \end{cases}\quad (m \ge 0)
    """
    if qp.period == 1:
        index = "m" if qp.start == 0 else f"{qp.start} + m"
        out = f"a_{{{index}}} = {_poly_latex(qp.polys[0])}\\quad (m \\ge 0)"
    else:
        step = f"{qp.period}m"
        rows = [f"{_poly_latex(p)} & n = {qp.start + j} + {step}" for j, p in enumerate(qp.polys)]
        out = r"a_{n} = \begin{cases} " + r" \\ ".join(rows) + r" \end{cases}\quad (m \ge 0)"
    head = tuple(head[: qp.start])
    if head:
        names = "a_{0}" if len(head) == 1 else f"a_{{0}}, \\dots, a_{{{len(head) - 1}}}"
        out += f",\\quad {names} = {', '.join(map(str, head))}"
    return out


def recurrence_latex(rec: Recurrence) -> str:
    r"""The recurrence, its initial terms, and its closed form when it has one.

    >>> from esma.recurrence import Recurrence
    >>> print(recurrence_latex(Recurrence((1, -1, -1), 0, (0, 1))))
    \begin{gathered}a_{n} = a_{n-1} + a_{n-2}\quad (n \ge 2) \\ a_{0}, \dots, a_{1} = 0, 1\end{gathered}
    """
    rhs = rec.right_side(latex=True)
    lines = [f"a_{{n}} = {rhs}\\quad (n \\ge {rec.start + rec.order})"]
    if rec.initial:
        last = len(rec.initial) - 1
        shown = ", ".join(map(str, rec.initial))
        label = "a_{0}" if last == 0 else f"a_{{0}}, \\dots, a_{{{last}}}"
        lines.append(f"{label} = {shown}")
    qp = rec.quasi_polynomial()
    if qp is not None and rec.order > 0 and not (qp.period == 1 and len(qp.polys[0]) == 1):
        lines.append(quasi_polynomial_latex(qp))
    return r"\begin{gathered}" + r" \\ ".join(lines) + r"\end{gathered}"


def expansion_latex(expansion: Expansion, shown: int = 8) -> str:
    r"""The first ``shown`` terms as a ``\cfrac``, then all terms and how they were certified.

    >>> from fractions import Fraction
    >>> from esma.expansion import signed_expansion
    >>> print(expansion_latex(signed_expansion(Fraction(8, 3), "+-", 5)))
    \begin{gathered}2 + \cfrac{1}{2 - \cfrac{1}{2}} \\ a = 2, 2, 2\quad \text{3 terms of an exact value, signs }(+, -)\text{ repeated}\end{gathered}
    """
    terms = expansion.terms
    head = terms[:shown]
    cf = cf_latex(head, expansion.signs, finite=expansion.complete and len(head) == len(terms))
    listed = ", ".join(map(str, terms[:40])) + (r", \dots" if len(terms) > 40 else "")
    how = (
        f"{len(terms)} terms of an exact value"
        if expansion.bits == 0
        else f"{len(terms)} terms, all certified from {expansion.digits} digits"
    )
    note = _text(f"{how}, signs ") + signs_latex(expansion.signs) + _text(" repeated")
    return r"\begin{gathered}" + cf + r" \\ " + f"a = {listed}\\quad {note}" + r"\end{gathered}"


def conjecture_latex(conj: Conjecture, shown: int = 5) -> str:
    r"""The conjecture for display: value = continued fraction, general term, digits verified.

    >>> from esma.conjecture import example
    >>> text = conjecture_latex(example())
    >>> r"\cfrac" in text, "1000 digits" in text
    (True, True)
    """
    cf = cf_latex(conj.a_prefix[:shown], conj.signs)
    qp = conj.quasi_polynomial
    if qp is not None:
        general = quasi_polynomial_latex(qp, conj.recurrence.terms(qp.start))
    else:
        general = recurrence_latex(conj.recurrence)
    from esma.errors import EsmaError

    try:
        lhs = lhs_latex(conj.lhs, conj.constant)
    except EsmaError:  # a record from elsewhere may use names this version cannot parse
        lhs = _text(conj.lhs_text)
    note = (
        _text("signs ")
        + signs_latex(conj.signs)
        + _text(
            f" repeated; verified to {conj.verified_digits} digits; "
            f"{conj.convergence_rate:.3g} digits per term; id {conj.id}"
        )
    )
    return rf"\begin{{gathered}}{lhs} = {cf} \\ {general} \\ {note}\end{{gathered}}"


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
