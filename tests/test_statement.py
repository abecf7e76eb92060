"""Every printed formula states the whole formula: read each one back and compare it with the
record's recurrence.

A record's ``formula`` (the text that ``esma list``, ``esma show``, the Markdown and CSV exports
print) and its ``latex`` must give the sign period, every head term a₀ … a_{s−1} in order and
the closed form from a_s on, so that the printed statement alone determines every a_n. The
tests below parse those back out of the text, with esma's own expression parser for the
polynomials, and compare them with the terms the recurrence generates.
"""

from __future__ import annotations

import csv
import io
import re
from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest

from esma.conjecture import PREFIX_TERMS, SHOWN_TERMS, Conjecture, example
from esma.export import read_jsonl, write_csv, write_markdown
from esma.expr import parse_expression
from esma.notation import format_signs
from esma.recurrence import Recurrence

CATALOGUE = Path(__file__).resolve().parent.parent / "conjectures"


@cache
def catalogue() -> tuple[Conjecture, ...]:
    records: list[Conjecture] = []
    for path in sorted(CATALOGUE.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            records += read_jsonl(fh, name=path.name)
    return tuple(records)


@cache  # a few hundred distinct polynomials recur across the catalogue
def _value(poly: str, m: int) -> Fraction:
    """A printed polynomial in m (``6 + 2m``, ``(1/2)m**2``, ``\\frac{1}{2}m^{2} + 3``) at m."""
    text = re.sub(r"\\t?frac\{(\d+)\}\{(\d+)\}", r"(\1/\2)", poly)
    text = re.sub(r"m\^\{(\d+)\}", r"m**\1", text)
    text = re.sub(r"(\d|\))m", r"\1*m", text).replace("m", f"({m})")
    tree = parse_expression(text)
    assert tree.op == "num", poly
    return Fraction(tree.args[0])


def _check_classes(classes: list[tuple[str, str, str]], start: int, conj: Conjecture) -> None:
    """``classes``: (base, step, polynomial) read from ``a(base+step·m) = polynomial``; each
    must give the recurrence's terms of its class."""
    who = conj.id
    assert classes, who
    period = len(classes)
    terms = conj.recurrence.terms(start + 5 * period)
    for j, (base, step, poly) in enumerate(classes):
        assert int(base or 0) == start + j, who
        assert int(step or 1) == period, who
        for m in range(5):  # five points: more than any degree in the catalogue needs
            assert _value(poly, m) == terms[start + j + m * period], (who, poly, m)


# -- the text -------------------------------------------------------------------------------------

_TEXT = re.compile(
    r"^(?P<lhs>.+?) = (?P<cf>[^;]+); signs (?P<signs>[+-]+)"
    r"(?:; a\(0(?:\.\.(?P<last>\d+))?\) = (?P<head>[^;]+))?"
    r"; (?:for m >= 0: (?P<classes>.+)|a\(n\) = (?P<rhs>.+) for n >= (?P<first>\d+))$"
)


def read_text(formula: str) -> dict:
    """The parts of a printed one-line formula (asserts that it has the documented shape)."""
    match = _TEXT.match(formula)
    assert match, formula
    parts = match.groupdict()
    parts["head"] = [int(v) for v in parts["head"].split(", ")] if parts["head"] else []
    if parts["last"] is not None:
        assert int(parts["last"]) == len(parts["head"]) - 1, formula
    if parts["classes"] is not None:
        parts["classes"] = re.findall(r"a\((?:(\d+)\+)?(\d*)m\) = ([^,]+)", parts["classes"])
    return parts


def check_text(conj: Conjecture, formula: str) -> None:
    parts = read_text(formula)
    assert parts["signs"] == format_signs(conj.signs), conj.id
    # the continued fraction of the first terms, with their signs
    shown = re.findall(r"(-?\d+) ([+-]) (?:1/\(|…)", parts["cf"])
    assert [int(a) for a, _ in shown] == list(conj.a_prefix[:SHOWN_TERMS]), conj.id
    assert "".join(s for _, s in shown) == "".join(
        format_signs(conj.signs)[i % len(conj.signs)] for i in range(len(shown))
    )
    if conj.quasi_polynomial is None:
        rec = conj.recurrence
        assert parts["head"] == list(rec.initial), conj.id
        assert int(parts["first"]) == rec.start + rec.order
        assert parts["rhs"] == rec.right_side(), conj.id
        return
    head = parts["head"]
    assert head == conj.recurrence.terms(len(head)), conj.id  # every head term, in order
    _check_classes(parts["classes"], len(head), conj)


@pytest.mark.parametrize("field", ["formula", "text of the CSV and Markdown"])
def test_every_catalogue_formula_states_every_term(field):
    """For each of the 8,416 records, the head a₀ … a_{s−1} printed in order and the closed form
    from a_s on give the recurrence's terms (1,470 + … records; 2,938 start past a₄)."""
    records = catalogue()
    assert len(records) == 8416
    late = 0
    if field == "formula":
        texts = [c.formula for c in records]
    else:
        buf = io.StringIO()
        write_csv(records, buf)
        rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
        md = io.StringIO()
        write_markdown(records, md)
        lines = md.getvalue().splitlines()
        column = [c.strip() for c in lines[0].strip("|").split("|")].index("formula")
        cells = [line.split(" | ")[column].strip("`") for line in lines[2:]]
        assert [r["formula"] for r in rows] == cells
        texts = cells
    for conj, text in zip(records, texts, strict=True):
        check_text(conj, text)
        late += conj.quasi_polynomial.start > 4
    assert late == 2938


def test_a_late_closed_form_is_stated_with_its_whole_head():
    """478cf0f1b9f6be70 has its closed form from a₁₄ on: a₀ … a₁₃ must all be printed (before
    this fix they were not: the text showed a₀ … a₃ and the classes from a₁₄)."""
    (conj,) = [c for c in catalogue() if c.id == "478cf0f1b9f6be70"]
    assert conj.quasi_polynomial.start == 14
    parts = read_text(conj.formula)
    assert parts["head"] == [0, 2, 2, 1, 3, 2, 1, 2, 2, 2, 4, 2, 1, 3]
    assert conj.formula.endswith(
        "; signs +--; a(0..13) = 0, 2, 2, 1, 3, 2, 1, 2, 2, 2, 4, 2, 1, 3; "
        "for m >= 0: a(14+3m) = 5, a(15+3m) = 1, a(16+3m) = 6 + 2m"
    )
    old = (
        "(2*sqrte + 1)/(2*sqrte + 2) = 0 + 1/(2 - 1/(2 - 1/(1 + …))), "
        "a(14+3m) = 5, a(15+3m) = 1, a(16+3m) = 6 + 2m"
    )
    with pytest.raises(AssertionError):
        check_text(conj, old)


def test_a_record_without_closed_form_states_its_recurrence(make_conjecture):
    fibonacci = Recurrence(charpoly=(1, -1, -1), start=0, initial=(1, 1))
    conj = Conjecture(
        "e", "x", make_conjecture().lhs_value, (1, -1), tuple(fibonacci.terms(PREFIX_TERMS)),
        fibonacci, 1000, 1.0,
    )  # fmt: skip
    assert conj.formula.endswith("; signs +-; a(0..1) = 1, 1; a(n) = a(n-1) + a(n-2) for n >= 2")
    check_text(conj, conj.formula)
    latex = read_latex(conj.latex)
    assert latex["head"] == [1, 1] and latex["rhs"] == "a_{n-1} + a_{n-2}"


def test_sign_periods_that_look_alike_print_differently():
    """++-+ and ++-- share their first three signs: the shown fraction alone could not tell them
    apart, the printed period does (issue 15, item 2)."""
    base = example()
    texts = []
    for signs in ((1, 1, -1, 1), (1, 1, -1, -1)):
        record = base.to_dict() | {"signs": list(signs)}
        del record["id"]
        conj = Conjecture.from_dict(record)
        md = io.StringIO()
        write_markdown([conj], md)
        texts.append((conj.formula, md.getvalue(), conj.latex))
    (f1, md1, l1), (f2, md2, l2) = texts
    assert "signs ++-+" in f1 and "signs ++--" in f2
    assert "signs ++-+" in md1 and "signs ++--" in md2
    assert r"(+, +, -, +)" in l1 and r"(+, +, -, -)" in l2


# -- the LaTeX ------------------------------------------------------------------------------------

_LATEX = re.compile(
    r"^(?P<lhs>.+?) = (?P<cf>.+?);\\allowbreak\\quad "
    r"b_\{n\}(?: = (?P<one>[+-])1|\\text\{ repeating \}\((?P<signs>[^)]*)\))"
    r"(?:;\\allowbreak\\quad a_\{0\}(?:, (?:\\dots, )?a_\{(?P<last>\d+)\})? = (?P<head>[^;]+))?"
    r";\\allowbreak\\quad (?:\\text\{for \}m \\ge 0\{:\}\\ (?P<classes>.+)"
    r"|a_\{n\} = (?P<rhs>.+)\\quad \(n \\ge (?P<first>\d+)\))$"
)


def read_latex(latex: str) -> dict:
    match = _LATEX.match(latex)
    assert match, latex
    parts = match.groupdict()
    parts["signs"] = parts["one"] or parts["signs"].replace(", ", "")
    parts["head"] = [int(v) for v in parts["head"].split(",\\allowbreak ")] if parts["head"] else []
    if parts["last"] is not None:
        assert int(parts["last"]) == len(parts["head"]) - 1, latex
    if parts["classes"] is not None:
        parts["classes"] = re.findall(
            r"a_\{(?:(\d+)\+)?(\d*)m\} = (.+?)(?:,\\allowbreak\\ |$)", parts["classes"]
        )
    return parts


def test_every_catalogue_latex_states_every_term():
    for conj in catalogue():
        parts = read_latex(conj.latex)
        assert parts["signs"] == format_signs(conj.signs), conj.id
        assert parts["cf"].count(r"\cfrac") == SHOWN_TERMS - 1, conj.id
        head = parts["head"]
        assert head == conj.recurrence.terms(conj.quasi_polynomial.start), conj.id
        _check_classes(parts["classes"], len(head), conj)


def test_catalogue_latex_set_inline_compiles_and_breaks(compile_latex):
    """Every record's ``latex`` set inline in a narrow column: it compiles, and every line
    breaks within the column (no overfull box), since the statement may break between its
    clauses and list items."""
    body = "\\raggedright\n" + "\n\n".join(f"${c.latex}$" for c in catalogue())
    log = compile_latex(body)
    assert "Output written on doc.pdf" in log
    assert "Overfull" not in log, re.findall(r"Overfull.*", log)[:5]
