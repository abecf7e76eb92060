"""Rich display (esma.display, the _repr_latex_ methods) and plot helpers (esma.plots)."""

from __future__ import annotations

import dataclasses
import itertools
import re
import subprocess
from fractions import Fraction
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esma.conjecture import Conjecture, example
from esma.constants import get_constant, lhs_latex
from esma.display import (
    conjecture_latex,
    conjectures_html,
    quasi_polynomial_latex,
)
from esma.expansion import regular_cf, signed_expansion
from esma.notation import cf_latex
from esma.recurrence import QuasiPolynomial, Recurrence
from esma.transforms import lhs_value

# e = [2; 1, 2, 1, 1, 4, ...]: a_{1+3m} = 1, a_{2+3m} = 2 + 2m, a_{3+3m} = 1 (Euler 1737).
E_REC = Recurrence(charpoly=(1, 0, 0, -2, 0, 0, 1), start=1, initial=(2, 1, 2, 1, 1, 4, 1))


def _e_minus_one() -> Conjecture:
    """e - 1 with signs [-1, 1]: a = 2, 3, 2, 5, 2, 7, ... (the published reference's own tests)."""
    return dataclasses.replace(example(), verified_digits=1012, convergence_rate=1.9)


def _balanced(text: str) -> bool:
    depth = 0
    for ch in re.sub(r"\\[{}]", "", text):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0 and text.count(r"\left(") == text.count(r"\right)")


# -- _repr_latex_ ----------------------------------------------------------------------------


def test_expansion_repr_latex_has_cfrac_terms_and_digits():
    """Terms of e with signs (+, -) are those `esma expand e --signs +- --terms 12` prints."""
    exp = signed_expansion(get_constant("e"), "+-", 12)
    out = exp._repr_latex_()
    assert out.startswith("$") and out.endswith("$")
    assert out.count(r"\cfrac") == 7  # eight terms shown, seven fraction bars
    assert r"\ddots" in out
    assert "a = " + ", ".join(map(str, exp.terms)) in out
    assert f"certified from {exp.digits} digits" in out
    assert "(+, -)" in out
    assert _balanced(out)


def test_exact_expansion_ends_without_dots():
    """415/93 = [4; 2, 6, 7] (a finite CF, checked by hand)."""
    out = regular_cf(Fraction(415, 93)).latex()
    assert r"4 + \cfrac{1}{2 + \cfrac{1}{6 + \cfrac{1}{7}}}" in out
    assert r"\ddots" not in out and "exact value" in out


def test_recurrence_repr_latex_has_general_term():
    out = E_REC._repr_latex_()
    assert r"a_{n} = 2a_{n-3} - a_{n-6}\quad (n \ge 7)" in out
    assert "a_{0}, \\dots, a_{6} = 2, 1, 2, 1, 1, 4, 1" in out
    assert r"2m + 2 & n = 2 + 3m" in out  # the closed form, one case per residue class


def test_recurrence_without_closed_form_shows_no_cases():
    """Fibonacci: roots (1 ± √5)/2 are not roots of unity, so no quasi-polynomial."""
    out = Recurrence((1, -1, -1), 0, (0, 1))._repr_latex_()
    assert "cases" not in out and r"a_{n} = a_{n-1} + a_{n-2}" in out


def test_conjecture_repr_latex_has_cfrac_general_term_and_digits():
    conj = _e_minus_one()
    out = conj._repr_latex_()
    assert out.startswith(r"$\displaystyle ") and out.endswith("$")
    assert r"e - 1 = 2 - \cfrac{1}{3 + \cfrac{1}{2 - \cfrac{1}{5 + \cfrac{1}{2 - \ddots}}}}" in out
    assert r"a_{n} = \begin{cases} 2 & n = 0 + 2m \\ 2m + 3 & n = 1 + 2m \end{cases}" in out
    assert "verified to 1012 digits" in out and conj.id in out
    assert _balanced(out)


def test_conjecture_display_lists_the_irregular_head():
    """e = [2; 1, 2, 1, ...]: a_0 = 2 is not produced by the closed form from n = 1."""
    conj = Conjecture(
        constant="e",
        lhs="x",
        lhs_value="2.718281828459045235360",
        signs=(1,),
        a_prefix=tuple(E_REC.terms(30)),
        recurrence=E_REC,
        verified_digits=1000,
        convergence_rate=1.0,
    )
    assert r"a_{0} = 2" in conjecture_latex(conj)


def test_record_latex_field_renders_named_constants():
    """The record's latex field: exp(2) is e^{2}, not \\left(exp(2)\\right) (issue 7)."""
    conj = _e_minus_one()
    for constant, expected in [
        ("e2", r"e^{2} - 1 = "),
        ("exp(2)", r"e^{2} - 1 = "),
        ("besselratio", "I_1(2)/I_0(2) - 1 = "),
        ("sqrte", r"\sqrt{e} - 1 = "),
        ("e13", "e^{1/3} - 1 = "),
    ]:
        record = conj.to_dict() | {"constant": constant}
        del record["id"]
        assert Conjecture.from_dict(record).latex.startswith(expected), constant


def test_unparseable_names_fall_back_to_text():
    """A record imported from elsewhere may name a constant esma cannot parse."""
    conj = _e_minus_one()
    record = conj.to_dict() | {"constant": "my_const"}
    del record["id"]
    other = Conjecture.from_dict(record)
    assert r"\cfrac" in other.latex and r"\cfrac" in other._repr_latex_()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(-50, 50), min_size=1, max_size=12),
    st.lists(st.sampled_from([1, -1]), min_size=1, max_size=4),
)
def test_cf_latex_structure(terms, signs):
    out = cf_latex(terms, signs)
    assert out.count(r"\cfrac") == len(terms) - 1
    assert _balanced(out)
    assert out.startswith(str(terms[0]))


def test_quasi_polynomial_cases():
    qp = QuasiPolynomial(0, 2, ((0, Fraction(1, 2), Fraction(1, 2)), (5,)))
    out = quasi_polynomial_latex(qp)
    assert r"\tfrac{1}{2}m^{2} + \tfrac{1}{2}m & n = 0 + 2m" in out and "5 & n = 1 + 2m" in out


def test_html_table_escapes_text():
    conj = _e_minus_one()
    out = conjectures_html([conj] * 3, limit=2)
    assert out.count("<tr>") == 4  # header, two rows, the ellipsis row
    record = {k: v for k, v in conj.to_dict().items() if k != "id"} | {"constant": "<b>&"}
    assert "&lt;b&gt;&amp;" in conjectures_html([Conjecture.from_dict(record)])


def test_repr_latex_compiles(compile_latex):
    """Every display string typesets with plain LaTeX + amsmath (MathJax reads a subset)."""
    shows = [
        signed_expansion(get_constant("e"), "+-", 12)._repr_latex_(),
        E_REC._repr_latex_(),
        _e_minus_one()._repr_latex_(),
        "$" + lhs_latex("(2*x + 1)/(x - 2)", "besselratio") + "$",
        "$" + lhs_latex("x**2 - x", "tan1") + "$",
    ]
    compile_latex("\n\n".join(shows))


# -- plots -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mpl():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure


def test_plot_terms_colours_each_residue_class(mpl):
    from esma.plots import plot_terms

    fig = plot_terms(E_REC, 31)
    assert isinstance(fig, mpl)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["head", "n = 1 + 3m", "n = 2 + 3m", "n = 3 + 3m"]
    lines = ax.get_lines()
    assert [len(line.get_xdata()) for line in lines] == [10, 10, 10]
    assert list(lines[1].get_ydata()) == [2 + 2 * m for m in range(10)]
    assert len({line.get_color() for line in lines}) == 3


def test_plot_terms_accepts_lists_and_expansions(mpl):
    from esma.plots import plot_terms

    terms = list(E_REC.terms(40))
    assert isinstance(plot_terms(terms), mpl)
    fig = plot_terms(signed_expansion(get_constant("pi"), "+", 30))
    assert "no quasi-polynomial" in fig.axes[0].get_title()


def test_agreement_digits_match_mpmath():
    """Independent oracle: mpmath at 50 digits, -log10 |p/q - e| for [2; 1, 2, 1, 1, 4, 1, 1]."""
    import mpmath

    from esma.convergents import convergents
    from esma.plots import agreement_digits

    terms = [2, 1, 2, 1, 1, 4, 1, 1]
    got = agreement_digits(get_constant("e"), terms)
    with mpmath.workdps(50):
        want = [
            float(-mpmath.log10(abs(mpmath.mpf(c.numerator) / c.denominator - mpmath.e)))
            for c in convergents(terms)
        ]
    assert got == pytest.approx(want, abs=1e-9)


def test_plot_convergence_signed_against_regular(mpl):
    """The signed curve is the conjecture's own convergents (recomputed here), improving at
    every term; the second curve is the regular CF of the same number."""
    from esma.plots import agreement_digits, plot_convergence

    conj = _e_minus_one()
    fig = plot_convergence(conj, terms=30)
    assert isinstance(fig, mpl)
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["signs (-, +)", "regular CF (+)"]
    signed = list(lines[0].get_ydata())
    assert signed == agreement_digits(lhs_value("e", "x - 1"), conj.recurrence.terms(30), (-1, 1))
    assert all(b > a for a, b in itertools.pairwise(signed))
    fig2 = plot_convergence("e", "-", 15, lhs="1/(x - 2)", regular=False)
    assert len(fig2.axes[0].get_lines()) == 1


def test_plots_module_imports_no_matplotlib():
    import sys

    code = "import sys, esma.plots, esma.display; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- _repr_html_ -------------------------------------------------------------------------------

#: Presentation MathML elements the renderer may write (MathML Core, which browsers draw).
MATHML_ELEMENTS = {
    "math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "mfrac", "msub", "msup", "msqrt",
    "mtable", "mtr", "mtd",
}  # fmt: skip


class _Tree(HTMLParser):
    """Checks that every element is closed in order and collects the text of each kind."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.numbers: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        self.tags.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack.pop() == tag, f"</{tag}> closes nothing open"

    def handle_startendtag(self, tag, attrs):
        raise AssertionError(f"<{tag}/>: MathML in HTML has no self-closing elements")

    def handle_data(self, data):
        assert self.stack, f"text {data!r} outside <math>"
        if self.stack[-1] == "mn":
            self.numbers.append(data)
        self.text.append(data)


def _parse_html(markup: str) -> _Tree:
    tree = _Tree()
    tree.feed(markup)
    tree.close()
    assert not tree.stack, f"unclosed: {tree.stack}"
    assert tree.tags[0] == "math" and markup.startswith('<math display="block">')
    assert set(tree.tags) <= MATHML_ELEMENTS, set(tree.tags) - MATHML_ELEMENTS
    return tree


def _numbers(values) -> list[str]:
    return [str(abs(v)) for v in values]


def test_expansion_repr_html_lists_every_term():
    exp = signed_expansion(get_constant("e"), "+-", 12)
    tree = _parse_html(exp._repr_html_())
    shown = tree.numbers[: 2 * 8 - 1 : 2]  # the fraction's terms, between its numerators 1
    assert shown == _numbers(exp.terms[:8])
    assert tree.numbers[-12:] == _numbers(exp.terms)  # then every term, listed
    assert f"certified from {exp.digits} digits" in "".join(tree.text)


def test_recurrence_repr_html_has_recurrence_initial_terms_and_cases():
    tree = _parse_html(E_REC._repr_html_())
    assert tree.tags.count("mtr") == 3 + 3  # three lines; a cases block of three classes
    assert "".join(tree.text).startswith("an=2\u2062an−3−an−6(n≥7)")
    assert "a0,…,a6=2,1,2,1,1,4,1" in "".join(tree.text)


def test_quasi_polynomial_repr_html_and_latex():
    qp = QuasiPolynomial(1, 3, ((1,), (2, 2), (1,)))
    tree = _parse_html(qp._repr_html_())
    text = "".join(tree.text)
    assert text.startswith("an=") and "2\u2062m+2" in text  # 2m + 2, invisible times
    for j in range(3):
        assert f"n={1 + j}+3\u2062m" in text
    assert "(m≥0)" in text
    assert qp._repr_latex_() == f"$\\displaystyle {qp.cases_latex()}$"


def test_conjecture_repr_html_states_the_head_closed_form_signs_and_digits():
    conj = Conjecture(
        constant="e",
        lhs="x",
        lhs_value="2.718281828459045235360",
        signs=(1,),
        a_prefix=tuple(E_REC.terms(30)),
        recurrence=E_REC,
        verified_digits=1000,
        convergence_rate=1.0,
    )
    tree = _parse_html(conj._repr_html_())
    text = "".join(tree.text)
    assert text.startswith("e=2+1")
    assert "a0=2" in text  # the irregular head
    assert "signs\u00a0(+)\u00a0repeated; verified to 1000 digits" in text
    assert conj.id in text
    # the same three lines as the LaTeX block: fraction, general term (3 classes), note
    assert tree.tags.count("mtr") == 3 + 3 and conj.latex_block().count(r"\cfrac") == 4


def test_repr_html_of_a_record_whose_names_esma_cannot_parse():
    record = _e_minus_one().to_dict() | {"constant": "my<const>"}
    del record["id"]
    tree = _parse_html(Conjecture.from_dict(record)._repr_html_())
    assert "".join(tree.text).startswith("(my<const>) - 1=2")  # escaped, then parsed back


def test_plot_convergence_draws_two_different_curves_or_says_they_are_one(mpl):
    """Notebook 03 drew two identical curves: its best record had the period +, whose signed
    expansion is the regular continued fraction itself. Such a record now gets one curve,
    labelled as both; a record with a minus sign gets two curves that differ."""
    from esma.plots import plot_convergence

    rec = Recurrence(
        charpoly=(1, -2, 1), start=0, initial=(2, 6)
    )  # (e + 1)/(e - 1) = [2; 6, 10, …]
    plus = Conjecture("e", "(x + 1)/(x - 1)", "2.16395341373865284877", (1,),
                      tuple(rec.terms(30)), rec, 1000, 5.56)  # fmt: skip
    lines = plot_convergence(plus, terms=12).axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["signs (+) = regular CF"]
    two = plot_convergence(_e_minus_one(), terms=12).axes[0].get_lines()
    assert len(two) == 2 and list(two[0].get_ydata()) != list(two[1].get_ydata())
