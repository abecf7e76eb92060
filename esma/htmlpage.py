"""One self-contained HTML page of formulas: MathML the browser renders, nothing fetched.

:func:`write_html` writes a single file that opens without a network: the formulas are MathML
(rendered by the browser itself, as Chromium, Firefox and Safari do), the style and the few lines
of script that sort the table are inline. Each row is a group: a representative formula, shown
whole (the left-hand side = a continued fraction of its first terms, then the sign period,
every head term and the closed form), with the other members of its group folded in a
``<details>`` element. Without a grouping, every record is a group of its own.

Every formula is rendered from the structured fields of its record (the parsed left-hand side,
the head, the quasi-polynomial), never from its ``formula`` text.

>>> import io
>>> from esma.conjecture import example
>>> buf = io.StringIO()
>>> write_html([example()], buf)
1
>>> page = buf.getvalue()
>>> page.startswith("<!DOCTYPE html>"), page.count("<math"), "http" in page
(True, 1, False)
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import IO, TYPE_CHECKING

from esma.mathml import expr_mathml, lhs_mathml

if TYPE_CHECKING:  # pragma: no cover - typing only
    from esma.conjecture import Conjecture
    from esma.families import Family

__all__ = [
    "PageGroup",
    "expr_mathml",
    "family_groups",
    "formula_mathml",
    "groups_of",
    "write_html",
]

#: Partial denominators the continued fraction of a formula shows before its ellipsis (the
#: statement below it gives every term).
SHOWN_TERMS = 4


@dataclass(frozen=True)
class PageGroup:
    """One row of the page: a representative formula and the other records of its group.

    Attributes
    ----------
    key : str
        What identifies the group (a family key; a record's id when it stands alone).
    representative : Conjecture
        The formula shown in full.
    members : tuple of Conjecture
        The other records of the group, folded under the representative.
    status : str
        ``"conjectured"`` or ``"proved"``.
    classical : bool or None
        Whether the group is a classical result (None: not known).
    citation : str
        Where the classical result comes from, if it is one.
    """

    key: str
    representative: Conjecture
    members: tuple[Conjecture, ...] = ()
    status: str = "conjectured"
    classical: bool | None = None
    citation: str = ""

    @property
    def records(self) -> tuple[Conjecture, ...]:
        """The representative and the members."""
        return (self.representative, *self.members)


def groups_of(conjectures: Iterable[Conjecture]) -> list[PageGroup]:
    """One group per record, in the order given: the page without a grouping.

    >>> from esma.conjecture import example
    >>> [g.key for g in groups_of([example()])]
    ['f47e46dd25a4bf43']
    """
    return [PageGroup(key=c.id, representative=c) for c in conjectures]


def family_groups(fams: Iterable[Family], conjectures: Iterable[Conjecture]) -> list[PageGroup]:
    """One group per family (:mod:`esma.families`), in the order given: the representative
    shown, the other members folded; proved when every member is.

    >>> from esma.conjecture import example
    >>> from esma.families import families
    >>> [(g.key, g.classical) for g in family_groups(families([example()]), [example()])]
    [('e78d8a2a086619b6', False)]
    """
    by_id = {c.id: c for c in conjectures}
    groups = []
    for fam in fams:
        records = [by_id[m.id] for m in fam.members if m.id in by_id]
        if not records:
            continue
        proved = all(c.status == "proved" for c in records)
        groups.append(
            PageGroup(
                key=fam.key,
                representative=records[0],
                members=tuple(records[1:]),
                status="proved" if proved else "conjectured",
                classical=fam.kind == "classical",
                citation=fam.citation or "",
            )
        )
    return groups


_MINUS = "\u2212"


# -- MathML ---------------------------------------------------------------------------------------


def formula_mathml(conj: Conjecture, shown: int = SHOWN_TERMS) -> str:
    """A ``<math display="block">`` element: left-hand side = the continued fraction's first terms.

    >>> from esma.conjecture import example
    >>> formula_mathml(example()).count("<mfrac>")
    3
    """
    from esma.notation import MATHML, cf_markup

    lhs = lhs_mathml(conj.lhs, conj.constant)
    cf = cf_markup(MATHML, conj.a_prefix[:shown], conj.signs)
    return f'<math display="block">{lhs}<mo>=</mo>{cf}</math>'


# -- the statement in running text ----------------------------------------------------------------


def _a(index: str) -> str:
    return f"<i>a</i><sub>{index}</sub>"


def _poly_html(coeffs: tuple[Fraction, ...]) -> str:
    from esma.interop import join_terms, poly_terms

    pieces = []
    for negative, magnitude, k in poly_terms(coeffs):
        power = "" if k == 0 else ("<i>m</i>" if k == 1 else f"<i>m</i><sup>{k}</sup>")
        number = str(magnitude) if magnitude.denominator == 1 else f"({magnitude})"
        pieces.append((negative, power if power and magnitude == 1 else number + power))
    return join_terms(pieces, minus=_MINUS)


def statement_html(conj: Conjecture) -> str:
    """The whole formula in words: the sign period, every head term, then the closed form.

    >>> from esma.conjecture import example
    >>> print(statement_html(example()))
    with <i>b</i><sub><i>n</i></sub> repeating (−, +); for <i>m</i> ≥ 0: <i>a</i><sub>2m</sub> = 2, <i>a</i><sub>1+2m</sub> = 2<i>m</i> + 3
    """
    from esma.signs import format_signs

    signs = format_signs(conj.signs).replace("-", _MINUS)
    if len(conj.signs) == 1:
        parts = [f"<i>b</i><sub><i>n</i></sub> = {signs}1"]
    else:
        parts = [f"<i>b</i><sub><i>n</i></sub> repeating ({', '.join(signs)})"]
    qp = conj.quasi_polynomial
    if qp is None:
        recurrence = html.escape(conj.recurrence.formula())
        return f"with {parts[0]}; {recurrence}, from {_a('0')} = {conj.a_prefix[0]}"
    head = conj.recurrence.terms(qp.start)
    if len(head) == 1:
        parts.append(f"{_a('0')} = {_signed(head[0])}")
    elif head:
        names = f"{_a('0')}, …, {_a(str(len(head) - 1))}"
        parts.append(f"{names} = {', '.join(_signed(t) for t in head)}")
    step = "m" if qp.period == 1 else f"{qp.period}m"
    classes = ", ".join(
        f"{_a(step if qp.start + j == 0 else f'{qp.start + j}+{step}')} = {_poly_html(p)}"
        for j, p in enumerate(qp.polys)
    )
    return f"with {'; '.join(parts)}; for <i>m</i> ≥ 0: {classes}"


def _signed(value: int) -> str:
    return str(value) if value >= 0 else _MINUS + str(-value)


# -- the page -------------------------------------------------------------------------------------

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 80rem; padding: 0 1rem;
       color: #1b1b1b; line-height: 1.45; }
h1 { font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 0.4rem 0.5rem; text-align: left;
         vertical-align: top; }
th button { font: inherit; font-weight: 600; border: 0; background: none; cursor: pointer;
            padding: 0; }
th[aria-sort=ascending] button::after { content: " \\25b2"; }
th[aria-sort=descending] button::after { content: " \\25bc"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.formula { min-width: 28rem; }
math[display=block] { margin: 0.3rem 0; font-size: 1.15em; }
p.statement { margin: 0.2rem 0 0.4rem; font-size: 0.95em; }
details { margin-top: 0.4rem; }
details li { margin-bottom: 0.6rem; }
code { font-size: 0.9em; }
"""

# Sort the rows by the clicked column: numbers by value, text alphabetically; a second click
# reverses. Each sortable cell carries its key in data-value.
_SCRIPT = """
for (const th of document.querySelectorAll("th[data-sort]")) {
  th.querySelector("button").addEventListener("click", () => {
    const body = th.closest("table").tBodies[0];
    const column = th.cellIndex;
    const numeric = th.dataset.sort === "number";
    const direction = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    for (const other of th.parentElement.children) other.removeAttribute("aria-sort");
    th.setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
    const key = (row) => row.cells[column].dataset.value;
    const rows = Array.from(body.rows);
    rows.sort((a, b) => direction * (numeric ? key(a) - key(b) : key(a).localeCompare(key(b))));
    const fragment = document.createDocumentFragment();
    for (const row of rows) fragment.appendChild(row);
    body.appendChild(fragment);
  });
}
"""

#: (heading, sort type or "" for a column that does not sort)
_COLUMNS = (
    ("Constant", "text"),
    ("Formula", ""),
    ("Signs", "text"),
    ("Status", "text"),
    ("Digits", "number"),
    ("Digits per term", "number"),
    ("Records", "number"),
    ("Id", "text"),
)


def _cell(content: str, value: str | float | None = None, css: str = "") -> str:
    attributes = f' class="{css}"' if css else ""
    if value is not None:
        attributes += f' data-value="{html.escape(str(value))}"'
    return f"<td{attributes}>{content}</td>"


def _formula_block(conj: Conjecture) -> str:
    return f'{formula_mathml(conj)}<p class="statement">{statement_html(conj)}.</p>'


def _row(group: PageGroup) -> str:
    from esma.signs import format_signs

    rep = group.representative
    formula = _formula_block(rep)
    if group.members:
        items = "".join(
            f"<li><code>{m.id}</code> ({m.verified_digits} digits, "
            f"{m.convergence_rate:.3g} per term){_formula_block(m)}</li>"
            for m in group.members
        )
        count = len(group.members)
        formula += (
            f"<details><summary>{count} more formula{'s' if count != 1 else ''} of this "
            f"group</summary><ol>{items}</ol></details>"
        )
    status = html.escape(group.status)
    if group.classical is not None:
        status += ", classical" if group.classical else ", new"
    if group.citation:
        status += f" ({html.escape(group.citation)})"
    rates = [c.convergence_rate for c in group.records]
    rate = f"{rep.convergence_rate:.3g}"
    if len(rates) > 1 and min(rates) != max(rates):
        rate += f" ({min(rates):.3g}–{max(rates):.3g})"
    signs = format_signs(rep.signs)
    ident = f"<code>{rep.id}</code>"
    if group.key != rep.id:
        ident += f"<br><small>group {html.escape(group.key)}</small>"
    cells = [
        _cell(f"<code>{html.escape(rep.constant)}</code>", rep.constant),
        _cell(formula, css="formula"),
        _cell(f"<code>{signs}</code>", signs),
        _cell(status, status),
        _cell(str(rep.verified_digits), rep.verified_digits, "num"),
        _cell(rate, rep.convergence_rate, "num"),
        _cell(str(len(group.records)), len(group.records), "num"),
        _cell(ident, rep.id),
    ]
    return "<tr>" + "".join(cells) + "</tr>\n"


def write_html(
    conjectures: Iterable[Conjecture],
    fh: IO[str],
    *,
    groups: Iterable[PageGroup] | None = None,
    title: str = "Continued-fraction formulas",
) -> int:
    """Write one self-contained HTML page listing the formulas, grouped, sortable.

    Parameters
    ----------
    conjectures
        The records; each is its own group unless ``groups`` is given.
    groups
        Rows in order (families first, say), each a representative and its folded members;
        when given, ``conjectures`` is not read.
    title
        The page's title and heading.

    Returns
    -------
    int
        How many records the page shows (representatives and members).
    """
    rows = list(groups) if groups is not None else groups_of(conjectures)
    count = sum(len(g.records) for g in rows)
    constants = sorted({c.constant for g in rows for c in g.records})
    heading = html.escape(title)
    header = "".join(
        f'<th data-sort="{kind}"><button type="button">{name}</button></th>'
        if kind
        else f"<th>{name}</th>"
        for name, kind in _COLUMNS
    )
    fh.write(
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{heading}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{heading}</h1>\n"
        f"<p>{count} formula{'s' if count != 1 else ''} in {len(rows)} "
        f"group{'s' if len(rows) != 1 else ''}, for "
        f"{', '.join(f'<code>{html.escape(c)}</code>' for c in constants) or 'no constant'}. "
        "Each states <i>y</i> = <i>a</i><sub>0</sub> + <i>b</i><sub>0</sub>/(<i>a</i><sub>1</sub>"
        " + <i>b</i><sub>1</sub>/(<i>a</i><sub>2</sub> + …)): the signs <i>b</i><sub><i>n</i></sub> = ±1"
        " repeat with the period shown, the first terms <i>a</i><sub><i>n</i></sub> are listed, and the"
        " others follow the closed form, a polynomial in <i>m</i> for each residue class of"
        " <i>n</i>. Every formula agrees with its left-hand side to the digits shown. Click a"
        " column heading to sort.</p>\n"
        f"<table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n"
    )
    for group in rows:
        fh.write(_row(group))
    fh.write(f"</tbody>\n</table>\n<script>{_SCRIPT}</script>\n</body>\n</html>\n")
    return count
