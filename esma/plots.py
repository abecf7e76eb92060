"""Plots for notebooks: a_n by residue class, and digits of agreement against terms.

matplotlib is an optional dependency (``pip install "esma[notebooks]"``) imported inside the
plotting functions, so ``import esma.plots`` costs nothing. The functions draw on a new
:class:`matplotlib.figure.Figure` (not a pyplot figure, so nothing is shown twice or kept alive
by pyplot) and return it; in Jupyter run ``%matplotlib inline`` once so that a returned figure is
drawn, or save it with ``fig.savefig("plot.png")``. Pass ``ax=`` to draw into your own axes.

:func:`agreement_digits`, the computation behind :func:`plot_convergence`, needs no matplotlib:

>>> from esma.constants import get_constant
>>> [round(d, 1) for d in agreement_digits(get_constant("e"), [2, 1, 2, 1, 1, 4])]
[0.1, 0.6, 1.3, 1.5, 2.4, 3.3]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from esma.errors import InvalidParameter, check_int, is_int

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from esma.recurrence import QuasiPolynomial

__all__ = ["agreement_digits", "plot_convergence", "plot_terms", "residue_classes"]

_LOG10_2 = math.log10(2)


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - depends on the environment
        raise InvalidParameter(
            'plots need matplotlib: pip install "esma[notebooks]" (or pip install matplotlib)'
        ) from None
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _terms_and_form(source: Any, n: int | None) -> tuple[list[int], QuasiPolynomial | None]:
    """The terms to plot and the closed form that groups them, from any supported source."""
    from esma.conjecture import Conjecture
    from esma.expansion import Expansion
    from esma.recurrence import Recurrence

    if isinstance(source, Conjecture):
        source = source.recurrence
    if isinstance(source, Recurrence):
        count = n if n is not None else max(60, len(source.initial) + 4 * source.order)
        return source.terms(count), source.quasi_polynomial()
    terms = list(source.terms if isinstance(source, Expansion) else source)
    if n is not None:
        terms = terms[:n]
    if not terms or not all(map(is_int, terms)):
        raise InvalidParameter(
            "source: give a Conjecture, Recurrence, Expansion or a non-empty list of integers",
            parameter="source",
        )
    from esma.massey import find_recurrence

    rec = find_recurrence(terms)
    return terms, rec.quasi_polynomial() if rec is not None else None


def residue_classes(n_terms: int, start: int, period: int) -> list[int]:
    """The class of each index 0..n_terms-1: ``(n - start) mod period``, or -1 before ``start``.

    >>> residue_classes(7, 1, 3)
    [-1, 0, 1, 2, 0, 1, 2]
    """
    return [(n - start) % period if n >= start else -1 for n in range(n_terms)]


def plot_terms(
    source: Any,
    n: int | None = None,
    *,
    ax: Axes | None = None,
    log: bool = False,
) -> Figure:
    """Plot a_n against n, one colour per residue class of the quasi-period.

    Parameters
    ----------
    source : Conjecture, Recurrence, Expansion or list of int
        Where the terms come from; a conjecture or recurrence gives as many as asked.
    n : int, optional
        How many terms (default: 60 from a recurrence, all of an expansion or list).
    ax : matplotlib Axes, optional
        Draw here instead of on a new figure.
    log : bool
        Logarithmic (symlog) vertical axis, for fast-growing terms.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    The classes are those of the closed form a_{s+Nm+j} = p_j(m) (see
    :meth:`esma.recurrence.Recurrence.quasi_polynomial`); terms before s are an irregular head,
    drawn in grey. A list or expansion is grouped by the closed form of its own recurrence
    (:func:`esma.massey.find_recurrence`), if it has one.

    >>> fig = plot_terms([2, 1, 2, 1, 1, 4, 1, 1, 6, 1, 1, 8, 1, 1, 10, 1, 1, 12])
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['head', 'n = 1 + 3m', 'n = 2 + 3m', 'n = 3 + 3m']
    """
    terms, qp = _terms_and_form(source, n)
    start, period = (qp.start, qp.period) if qp is not None else (0, 1)
    classes = residue_classes(len(terms), start, period)
    fig, ax = _new_axes(ax, (6.4 if period <= 6 else 7.6, 3.6))
    colours = _colours(period)
    groups = ([-1] if start > 0 else []) + list(range(period))
    for j in groups:
        xs = [i for i, c in enumerate(classes) if c == j]
        if not xs:
            continue
        ys = [terms[i] for i in xs]
        if j < 0:
            ax.scatter(xs, ys, color="0.6", marker="x", label="head")
        else:
            label = f"n = {start + j} + {period}m" if period > 1 else None
            ax.plot(xs, ys, "o-", color=colours[j], markersize=4, linewidth=0.8, label=label)
    ax.set_xlabel("n")
    ax.set_ylabel("$a_n$")
    if log:
        ax.set_yscale("symlog")
    title = "closed form by residue class" if qp is not None and period > 1 else "terms"
    ax.set_title(title if qp is not None else "terms (no quasi-polynomial found)")
    if (period > 1 or start > 0) and period <= 20:
        if period <= 6:
            ax.legend(fontsize="small")
        else:  # many classes: beside the plot, where it hides no points
            ax.legend(
                fontsize="x-small",
                loc="center left",
                bbox_to_anchor=(1.01, 0.5),
                ncols=1 + period // 11,
            )
    return fig


def _colours(count: int) -> list:
    """``count`` distinguishable colours: tab10, tab20, then samples of a continuous map."""
    from matplotlib import colormaps

    if count <= 10:
        return [colormaps["tab10"](i) for i in range(count)]
    if count <= 20:
        return [colormaps["tab20"](i) for i in range(count)]
    return [colormaps["viridis"](i / (count - 1)) for i in range(count)]


def _as_value(value: Any, lhs: str) -> Any:
    """Something with ``arb(bits)``: a name or expression, a Constant or LhsValue, or a number."""
    if isinstance(value, str):
        from esma.transforms import lhs_value

        return lhs_value(value, lhs)
    if lhs != "x":
        from esma.transforms import lhs_value

        return lhs_value(value, lhs)
    if hasattr(value, "arb"):
        return value
    if isinstance(value, int | Fraction) and not isinstance(value, bool):
        exact = Fraction(value)
        return _Exact(exact)
    raise InvalidParameter(
        f"value: cannot evaluate {type(value).__name__}; give a constant name or expression, "
        "a Constant, an int or a Fraction",
        parameter="value",
    )


class _Exact:
    def __init__(self, x: Fraction) -> None:
        self.x = x

    def arb(self, bits: int) -> Any:
        from flint import arb

        from esma.precision import GUARD_BITS, working_precision

        with working_precision(bits + GUARD_BITS):
            return arb(self.x.numerator) / arb(self.x.denominator)


def agreement_digits(
    value: Any, terms: Sequence[int], signs: Sequence[int] | str = (1,)
) -> list[float]:
    """Digits to which each convergent of a₀ + b₀/(a₁ + …) agrees with ``value``.

    Entry k is -log10 |p_k/q_k - y| for the convergent of the first k + 1 terms, capped at the
    precision used (about twice the digits of the largest q_k, so never the cap in practice).

    Parameters
    ----------
    value
        A Constant or LhsValue (anything with ``arb(bits)``), an int or a Fraction.
    terms : sequence of int
        a₀, a₁, …
    signs : str or sequence of int
        One period of b_n.

    Lambert's cot 1 = 1 - 1/(3 - 1/(5 - …)) gains digits ever faster:

    >>> from esma.transforms import lhs_value
    >>> [round(d, 1) for d in agreement_digits(lhs_value("tan1", "1/x"), [1, 3, 5, 7, 9], "-")]
    [0.4, 1.6, 3.1, 4.9, 6.9]
    """
    from flint import arb

    from esma.convergents import convergent_pairs
    from esma.precision import working_precision

    y_source = _as_value(value, "x")
    pairs = list(convergent_pairs(terms, signs))
    if not pairs:
        return []
    largest_q = max(abs(q).bit_length() for _, q in pairs)
    bits = 2 * largest_q + 128
    cap = bits * _LOG10_2
    y = y_source.arb(bits)
    out = []
    with working_precision(bits):
        for p, q in pairs:
            if q == 0:
                out.append(0.0)
                continue
            diff = abs(arb(p) / arb(q) - y)
            if diff.contains(0):
                out.append(cap)
                continue
            man, exp = (int(v) for v in diff.mid().man_exp())
            out.append(min(cap, -(math.log10(man) + exp * _LOG10_2)))
    return out


def plot_convergence(
    value: Any,
    signs: Sequence[int] | str = "-",
    terms: int = 40,
    *,
    lhs: str = "x",
    regular: bool = True,
    ax: Axes | None = None,
) -> Figure:
    """Digits of agreement against the number of terms: a signed form and the regular CF.

    Parameters
    ----------
    value : Conjecture, str, Constant or LhsValue
        A conjecture (its own a_n and signs; ``signs`` is then ignored), or the number: a name or
        expression such as ``"e"`` or ``"exp(2)"`` (with ``lhs``), or a value object.
    signs : str or sequence of int
        One sign period of the signed expansion to compare.
    terms : int
        Number of terms on the horizontal axis.
    lhs : str
        An expression in x, when ``value`` is a name or expression.
    regular : bool
        Also draw the regular continued fraction of the same number. With the all-plus period
        the signed form *is* the regular continued fraction, so there is one curve, labelled
        as both.

    Returns
    -------
    matplotlib.figure.Figure

    >>> fig = plot_convergence("e", "-", 20, lhs="1/(x - 2)")
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['signs (-)', 'regular CF (+)']
    >>> fig = plot_convergence("e", "+", 20, lhs="1/(x - 2)")
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['signs (+) = regular CF']
    """
    from esma.conjecture import Conjecture
    from esma.expansion import regular_cf, signed_expansion
    from esma.notation import signs_latex
    from esma.signs import parse_signs

    terms = check_int("terms", terms, 2)
    if isinstance(value, Conjecture):
        from esma.transforms import lhs_value

        conj = value
        y = lhs_value(conj.constant, conj.lhs)
        period = conj.signs
        signed = conj.recurrence.terms(terms)
        title = conj.lhs_text
    else:
        y = _as_value(value, lhs)
        period = parse_signs(signs)
        signed = list(signed_expansion(y, period, terms).terms)
        title = getattr(y, "text", str(value))
    fig, ax = _new_axes(ax, (6.4, 3.6))
    label = f"signs {signs_latex(period)}"
    # All plus signs: the signed expansion is the regular continued fraction itself (a_n =
    # floor(x_n) throughout), so a second curve would lie exactly on the first.
    all_plus = all(s > 0 for s in period)
    if regular and all_plus:
        label += " = regular CF"
    curves = [(label, signed, period)]
    if regular and not all_plus:
        curves.append(("regular CF (+)", list(regular_cf(y, terms).terms), (1,)))
    for label, seq, sg in curves:
        digits = agreement_digits(y, seq, sg)
        ax.plot(range(1, len(digits) + 1), digits, "o-", markersize=3, linewidth=1, label=label)
    ax.set_xlabel("terms")
    ax.set_ylabel("digits of agreement")
    ax.set_title(title)
    ax.legend(fontsize="small")
    return fig
