r"""LaTeX and HTML for expansions, recurrences and conjectures (Jupyter's ``_repr_latex_``).

Everything here returns strings; nothing imports IPython. Constants and left-hand sides are
written by :func:`esma.constants.lhs_latex`, continued fractions by :mod:`esma.notation`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from esma.conjecture import Conjecture
    from esma.expansion import Expansion
    from esma.recurrence import QuasiPolynomial, Recurrence

__all__ = [
    "conjecture_latex",
    "conjectures_html",
    "expansion_latex",
    "quasi_polynomial_latex",
    "recurrence_latex",
]


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
    \begin{gathered}a_{n} = a_{n-1} + a_{n-2}\quad (n \ge 2) \\ a_{0}, a_{1} = 0, 1\end{gathered}
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
