"""Text about stored records for the terminal: proofs, families, and records sorted and filtered.

What ``esma prove``, ``esma families``, ``esma list``, ``esma show`` and the end of ``esma search``
print, as plain functions of plain data (record dicts, :class:`~esma.families.Family`,
:class:`~esma.prove.Proof`), so the commands stay thin and the text is tested on its own.

>>> from esma.conjecture import example
>>> from esma.families import families
>>> [fam] = families([example()])
>>> family_summary([fam], {example().id: example().formula})[0]
'1 record in 1 family, 1 of them new'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from esma.errors import InvalidParameter
from esma.notation import format_signs

if TYPE_CHECKING:
    from esma.families import Family
    from esma.prove import Proof

__all__ = [
    "SORT_KEYS",
    "certificate_text",
    "families_markdown",
    "family_lines",
    "family_summary",
    "mobius_text",
    "proof_line",
    "rate_text",
    "record_lines",
    "select_records",
    "short_citation",
    "theorem_text",
    "transform_text",
]

#: How ``esma list --sort`` orders records (ties: constant, then id).
SORT_KEYS = ("id", "rate", "digits", "height", "status")

#: New families named at the end of a search.
BEST_SHOWN = 5


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


# -- proofs -------------------------------------------------------------------------------------


def short_citation(citation: str | None) -> str:
    """``"Euler 1737: L. Euler, De fractionibus ..."`` → ``"Euler 1737"``.

    >>> short_citation("Euler 1737: L. Euler, De fractionibus continuis dissertatio")
    'Euler 1737'
    """
    return (citation or "").split(":", 1)[0]


def proof_line(conjecture_id: str, proof: Proof) -> str:
    """One line of ``esma prove``: id, status, and the theorem (proved) or the reason.

    >>> from esma.prove import Proof
    >>> proof_line("f47e46dd25a4bf43", Proof("proved", "Euler 1737", "proved for every n"))
    'f47e46dd25a4bf43  proved  Euler 1737'
    >>> proof_line("f47e46dd25a4bf43", Proof("refuted", "Euler 1737", "at n = 17: proven 5, record says 6"))
    'f47e46dd25a4bf43  refuted  at n = 17: proven 5, record says 6'
    """
    what = proof.theorem if proof.status == "proved" else proof.reason
    return f"{conjecture_id}  {proof.status}  {what}"


def theorem_text(constant: str, certificate: Mapping[str, Any]) -> str:
    """The theorem a certificate starts from, stated: ``e = [2; (1, 2k, 1) for k ≥ 1] (Euler
    1737)``; the theorem's key when esma no longer has it.

    >>> theorem_text("e", {"theorem": "e", "square": False})
    'e = [2; (1, 2k, 1) for k ≥ 1] (Euler 1737)'
    """
    from esma.theorems import theorem_for

    square = bool(certificate.get("square"))
    theorem = theorem_for(constant, square=square)
    if theorem is None or theorem.key != certificate.get("theorem"):
        return str(certificate.get("theorem"))
    name = f"({constant})**2" if square else constant
    return f"{theorem.statement(name)} ({theorem.citation})"


def certificate_text(certificate: Mapping[str, Any]) -> str:
    """What a certificate holds, in one line.

    >>> from esma.conjecture import example
    >>> from esma.prove import prove
    >>> certificate_text(prove(example()).certificate)
    'y = c - 1; induction over super-blocks of 1 block from j = 0; base case a_0; S(j) of degree 0; 2 terms per super-block'
    """
    p, q, r, s = certificate["M"]
    variable = "c**2" if certificate.get("square") else "c"
    prefix = len(certificate["prefix"])
    degree = max((len(poly) - 1 for poly in certificate["S"]), default=0)
    blocks = _plural(certificate["L"], "block")
    base = "a_0" if prefix == 1 else f"a_0 … a_{prefix - 1}"
    return (
        f"y = {mobius_text(p, q, r, s, variable)}; induction over super-blocks of {blocks} "
        f"from j = {certificate['j1']}; base case {base}; S(j) of degree "
        f"{degree}; {_plural(len(certificate['E']), 'term')} per super-block"
    )


# -- families -------------------------------------------------------------------------------------


def rate_text(fam: Family) -> str:
    """The family's digits per term against the regular continued fraction of its value class.

    >>> from esma.conjecture import example
    >>> from esma.families import families
    >>> rate_text(families([example()])[0])
    '2.5 vs 1.85 digits/term (1.35x)'
    """
    if fam.simple_cf_rate is None:
        return f"{fam.convergence_rate:.3g} digits/term"
    return (
        f"{fam.convergence_rate:.3g} vs {fam.simple_cf_rate:.3g} digits/term ({fam.speedup:.2f}x)"
    )


def _kind_text(fam: Family) -> str:
    return "new" if fam.kind == "new" else f"classical ({short_citation(fam.citation)})"


def family_lines(fams: Sequence[Family], formulas: Mapping[str, str]) -> list[str]:
    """One aligned line per family: key, constant, members, classical or new, rate, and the
    representative's formula (``formulas`` by record id).

    >>> from esma.conjecture import example
    >>> from esma.families import families
    >>> family_lines(families([example()]), {example().id: "e - 1 = ..."})[0].split("  ")[2:]
    ['1 member', 'new', '2.5 vs 1.85 digits/term (1.35x)', 'e - 1 = ...']
    """
    if not fams:
        return []
    rows = [
        (
            fam.key,
            fam.constant,
            _plural(len(fam.members), "member"),
            _kind_text(fam),
            rate_text(fam),
            formulas.get(fam.representative, fam.representative),
        )
        for fam in fams
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    return [
        "  ".join(
            [
                row[0].ljust(widths[0]),
                row[1].ljust(widths[1]),
                row[2].rjust(widths[2]),
                row[3].ljust(widths[3]),
                row[4].ljust(widths[4]),
                row[5],
            ]
        )
        for row in rows
    ]


def family_summary(
    fams: Sequence[Family], formulas: Mapping[str, str], *, records: int | None = None
) -> list[str]:
    """The end of a search: how many records in how many families, how many new, and the new
    families that beat the regular continued fraction by most (at most :data:`BEST_SHOWN`).

    ``records`` counts the search's records (default: every member of ``fams``).
    """
    count = records if records is not None else sum(len(f.members) for f in fams)
    new = [f for f in fams if f.kind == "new"]
    families = _plural(len(fams), "family", "families")
    lines = [f"{_plural(count, 'record')} in {families}, {len(new):,} of them new"]
    if not new:
        return lines
    best = sorted(new, key=lambda f: (-(f.speedup or 0.0), f.members[0].rank))[:BEST_SHOWN]
    lines.append(
        "best new families (digits per term vs the regular continued fraction of the same "
        "value; 'esma families --new' lists all):"
    )
    lines.extend("  " + line for line in family_lines(best, formulas))
    return lines


def transform_text(matrix: Sequence[Sequence[int]]) -> str:
    """y = M(y_representative) as text.

    >>> transform_text(((1, 0), (0, 1)))
    'y = y_rep'
    >>> transform_text(((-1, 2), (0, 1)))
    'y = -y_rep + 2, M = [[-1, 2], [0, 1]]'
    >>> transform_text(((1, 0), (1, -1)))
    'y = y_rep/(y_rep - 1), M = [[1, 0], [1, -1]]'
    """
    (p, q), (r, s) = matrix
    if (p, q, r, s) == (1, 0, 0, 1):
        return "y = y_rep"
    return f"y = {mobius_text(p, q, r, s, 'y_rep')}, M = [[{p}, {q}], [{r}, {s}]]"


def mobius_text(p: int, q: int, r: int, s: int, var: str = "x") -> str:
    """(p·var + q)/(r·var + s), written as a person would.

    >>> mobius_text(1, -1, 0, 1, "e"), mobius_text(2, 1, 1, -1), mobius_text(0, 1, 1, 0)
    ('e - 1', '(2*x + 1)/(x - 1)', '1/x')
    """

    def affine(a: int, b: int) -> str:
        lead = {1: var, -1: f"-{var}", 0: ""}.get(a, f"{a}*{var}")
        if not lead:
            return str(b)
        return lead if b == 0 else f"{lead} {'+' if b > 0 else '-'} {abs(b)}"

    top, bottom = affine(p, q), affine(r, s)
    if bottom == "1":
        return top
    if bottom == "-1":
        return affine(-p, -q)
    return f"{_paren(top)}/{_paren(bottom)}"


def _paren(text: str) -> str:
    return text if " " not in text and "*" not in text else f"({text})"


# -- records ------------------------------------------------------------------------------------


def _height(lhs: str) -> int:
    from esma.valueclasses import lhs_polynomials

    num, den = lhs_polynomials(lhs)
    return max(abs(c) for c in num + den)


def select_records(
    records: Iterable[dict],
    *,
    sort: str = "id",
    signs: str | None = None,
    period: int | None = None,
    status: str | None = None,
    ids: Iterable[str] | None = None,
    limit: int | None = None,
) -> list[dict]:
    """The stored records (dicts) that pass the filters, sorted, at most ``limit``.

    Parameters
    ----------
    sort : str
        ``id`` (constant, then id), ``rate`` (fastest first), ``digits`` (most verified digits
        first), ``height`` (simplest left-hand side first: smallest largest coefficient) or
        ``status`` (proved first).
    signs : str, optional
        Only this sign period, exactly (``+-``; ``-+`` is another period).
    period : int, optional
        Only sign periods of this length.
    status : str, optional
        ``proved`` or ``conjectured``.
    ids : iterable of str, optional
        Only these records (the members of a family).

    >>> from esma.conjecture import example
    >>> [r["lhs"] for r in select_records([example().to_dict()], signs="-+", period=2)]
    ['x - 1']
    >>> select_records([example().to_dict()], signs="+-")
    []
    """
    from esma.signs import parse_signs

    if sort not in SORT_KEYS:
        raise InvalidParameter(f"sort: {sort!r} must be one of {', '.join(SORT_KEYS)}", "sort")
    if status is not None and status not in ("proved", "conjectured"):
        raise InvalidParameter(f"status: {status!r} must be proved or conjectured", "status")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise InvalidParameter(f"limit: {limit!r} must be a whole number >= 0", "limit")
    if period is not None and (
        isinstance(period, bool) or not isinstance(period, int) or period < 1
    ):
        raise InvalidParameter(f"period: {period!r} must be a whole number >= 1", "period")
    wanted = None if signs is None else tuple(parse_signs(signs))
    keep = None if ids is None else set(ids)
    out = [
        r
        for r in records
        if (wanted is None or tuple(r["signs"]) == wanted)
        and (period is None or len(r["signs"]) == period)
        and (status is None or r.get("status", "conjectured") == status)
        and (keep is None or r["id"] in keep)
    ]
    out.sort(key=lambda r: (r["constant"], r["id"]))
    if sort == "rate":
        out.sort(key=lambda r: -r["convergence_rate"])
    elif sort == "digits":
        out.sort(key=lambda r: -r["verified_digits"])
    elif sort == "height":
        heights = {r["id"]: _height(r["lhs"]) for r in out}
        out.sort(key=lambda r: heights[r["id"]])
    elif sort == "status":
        out.sort(key=lambda r: r.get("status", "conjectured") != "proved")
    return out if limit is None else out[:limit]


def record_lines(records: Sequence[dict]) -> list[str]:
    """The table of ``esma list``: id, constant, signs, status, digits, rate, formula.

    >>> from esma.conjecture import example
    >>> record_lines([example().to_dict()])[1].split()[:6]
    ['f47e46dd25a4bf43', 'e', '-+', 'conjectured', '1000', '2.5']
    """
    if not records:
        return []
    width = max(len("constant"), *(len(r["constant"]) for r in records))
    signs_width = max(len("signs"), *(len(r["signs"]) for r in records))
    lines = [
        f"{'id':<16}  {'constant':<{width}}  {'signs':<{signs_width}}  {'status':<11}  "
        f"{'digits':>6}  {'rate':>5}  formula"
    ]
    for r in records:
        lines.append(
            f"{r['id']:<16}  {r['constant']:<{width}}  {format_signs(r['signs']):<{signs_width}}  "
            f"{r.get('status', 'conjectured'):<11}  {r['verified_digits']:>6}  "
            f"{r['convergence_rate']:>5.3g}  {r['formula']}"
        )
    return lines


# -- a Markdown page of families ------------------------------------------------------------------


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def families_markdown(fams: Sequence[Family], records: Mapping[str, dict]) -> str:
    """A Markdown page of the families (``esma families --md``, ``conjectures/families.md``):
    the funnel per constant, then for each constant its new families, fastest against the
    regular continued fraction first, then its classical ones. ``records`` are the stored
    records by id (for the formulas and the proof status).

    >>> from esma.conjecture import example
    >>> from esma.families import families
    >>> page = families_markdown(families([example()]), {example().id: example().to_dict()})
    >>> page.splitlines()[6]
    '| `e` | 1 | 0 | 1 | 1 | 1 | 1 | 1 |'
    """
    from esma.families import funnel

    by_constant: dict[str, list[Family]] = {}
    for fam in fams:
        by_constant.setdefault(fam.constant, []).append(fam)
    out = [
        "# Families of formulas",
        "",
        "Generated by `esma families --md`. Two records are one *family* when their pairs "
        "(a_n, b_n) agree from some index on, up to a shift of the index: the same continued "
        "fraction with another head. Each member's value is y = M(y_rep) for an integer matrix "
        "M of determinant ±1 (`esma families --json` gives every member's M). A family is "
        "*classical* when its tail is that of a formula in esma's library of classical "
        "continued fractions (`esma.classical`, with the citation), and *new* otherwise: new "
        "relative to that library, not necessarily unknown to the literature. Rates are digits "
        "gained per term, the representative's against the regular continued fraction of the "
        "same value (the simple CF).",
        "",
        "| constant | records | proved | values | value classes | families | new families "
        "| new and faster than the simple CF |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in funnel(fams):
        group = by_constant[row.constant]
        ids = [m.id for f in group for m in f.members]
        proved = sum(records.get(i, {}).get("status") == "proved" for i in ids)
        new = [f for f in group if f.kind == "new"]
        # Unknown where a new family's simple CF has no rate (a number given by its digits).
        faster = (
            "–"
            if any(f.faster_than_simple is None for f in new)
            else f"{sum(bool(f.faster_than_simple) for f in new):,}"
        )
        out.append(
            f"| `{row.constant}` | {row.records:,} | {proved:,} | {row.values:,} | "
            f"{row.value_classes:,} | {row.families:,} | {row.new_families:,} | {faster} |"
        )
    header = [
        "| family | representative formula | signs | members | digits/term | simple CF | status |",
        "| --- | --- | --- | ---: | ---: | ---: | --- |",
    ]
    for constant, group in by_constant.items():
        new = sorted(
            (f for f in group if f.kind == "new"),
            key=lambda f: (-(f.speedup or 0.0), f.members[0].rank),
        )
        classical = [f for f in group if f.kind != "new"]
        out += ["", f"## `{constant}`", ""]
        out.append(
            f"{_plural(len(new), 'new family', 'new families')} (fastest against the simple CF "
            f"first), then {_plural(len(classical), 'classical family', 'classical families')}."
        )
        out += ["", *header]
        for fam in new + classical:
            rep = records.get(fam.representative, {})
            members = [records.get(m.id, {}) for m in fam.members]
            proved = sum(r.get("status") == "proved" for r in members)
            status = "new" if fam.kind == "new" else f"classical: {short_citation(fam.citation)}"
            status += (
                ", proved" if proved == len(members) else f", {proved} of {len(members)} proved"
            )
            simple = (
                ""
                if fam.simple_cf_rate is None
                else f"{fam.simple_cf_rate:.3g} ({fam.speedup:.2f}x)"
            )
            out.append(
                f"| `{fam.key}` | {_md(rep.get('formula', fam.representative))} | "
                f"`{format_signs(rep.get('signs', ()))}` | {len(fam.members)} | "
                f"{fam.convergence_rate:.3g} | {simple} | {status} |"
            )
    return "\n".join(out) + "\n"
