"""Tests for esma.constants: values, certified bounds, canonical text, rational rejection, LaTeX.

Expected values come from mpmath 1.3 (``mpmath.e``, ``mpmath.pi``, ``mpmath.zeta``,
``mpmath.catalan``, ``mpmath.euler``, ``mpmath.besseli`` ...) computed at a precision far above the
one under test; the constant definitions are the classical ones (phi = (1 + sqrt 5)/2, etc.).
"""

from __future__ import annotations

import re
import subprocess
import sys
from fractions import Fraction

import mpmath
import pytest
from flint import arb
from hypothesis import given, settings
from hypothesis import strategies as st

from esma.constants import (
    NAMED_CONSTANTS,
    Constant,
    constant_latex,
    get_constant,
    lhs_latex,
)
from esma.errors import InvalidExpression
from esma.evaluation import evaluate
from esma.expr import LAYOUT_KINDS, format_expression, parse_expression
from esma.names import NAMES, NamedConstant
from esma.transforms import enumerate_lhs

M = mpmath


def third() -> mpmath.mpf:
    return M.mpf(1) / 3


# name or expression -> mpmath reference (evaluated inside a high-precision workdps block)
REFERENCES = {
    "e": lambda: M.e,
    "pi": lambda: M.pi,
    "phi": lambda: (1 + M.sqrt(5)) / 2,
    "sqrt2": lambda: M.sqrt(2),
    "catalan": lambda: M.catalan,
    "zeta3": lambda: M.zeta(3),
    "log2": lambda: M.log(2),
    "euler_gamma": lambda: M.euler,
    "tan1": lambda: M.tan(1),
    "besselratio": lambda: M.besseli(1, 2) / M.besseli(0, 2),
    "e2": lambda: M.exp(2),
    "sqrte": lambda: M.exp(M.mpf(1) / 2),
    "e13": lambda: M.exp(third()),
    "glaisher": lambda: M.glaisher,
    "khinchin": lambda: M.khinchin,
    "tan(1)": lambda: M.tan(1),
    "besseli(1, 2)/besseli(0, 2)": lambda: M.besseli(1, 2) / M.besseli(0, 2),
    "exp(2)": lambda: M.exp(2),
    "tan(1/2)": lambda: M.tan(M.mpf(1) / 2),
    "pi**2/6": lambda: M.pi**2 / 6,
    "(1 + sqrt(5))/2": lambda: (1 + M.sqrt(5)) / 2,
    "gamma(1/3)": lambda: M.gamma(third()),
    "zeta(1/2)": lambda: M.zeta(M.mpf(1) / 2),
    "besselj(1/2, 3)": lambda: M.besselj(M.mpf(1) / 2, 3),
    "besseli(0, -2)": lambda: M.besseli(0, -2),
    "-pi": lambda: -M.pi,
    "1 - e": lambda: 1 - M.e,
    "exp(-3)": lambda: M.exp(-3),
    "atan(1/3) + sinh(1)/cosh(2)": lambda: M.atan(third()) + M.sinh(1) / M.cosh(2),
    "log(3)/log(2)": lambda: M.log(3) / M.log(2),
    "2**(1/3)": lambda: M.cbrt(2),
    "-zeta3/1000": lambda: -M.zeta(3) / 1000,
    "0.1*pi - 2^(-1/2)": lambda: M.pi / 10 - 1 / M.sqrt(2),
    "gamma(-3/2)*tanh(2)": lambda: M.gamma(-M.mpf(3) / 2) * M.tanh(2),
}


def reference(text: str, prec: int) -> mpmath.mpf:
    with M.workprec(prec):
        return +REFERENCES[text]()


def ball_to_mpf(x: arb) -> tuple[mpmath.mpf, mpmath.mpf]:
    """Midpoint and radius of an arb ball as exact mpmath numbers (caller sets the precision)."""
    mid_man, mid_exp = x.mid().man_exp()
    rad_man, rad_exp = x.rad().man_exp()
    return M.ldexp(M.mpf(int(mid_man)), int(mid_exp)), M.ldexp(M.mpf(int(rad_man)), int(rad_exp))


@pytest.mark.parametrize("text", sorted(REFERENCES))
def test_value_to_sixty_digits(text: str) -> None:
    """Each constant agrees with mpmath (at 500 bits) to 60 digits, and its ball contains it."""
    constant = get_constant(text)
    with M.workprec(600):
        expected = reference(text, 600)
        got = constant.mpf(70)
        assert abs(got - expected) <= M.mpf(10) ** -60 * max(1, abs(expected))
        mid, rad = ball_to_mpf(constant.arb(250))
        assert abs(mid - expected) <= rad
        assert rad <= M.ldexp(abs(expected), -250)


@pytest.mark.parametrize("text", ["e", "pi", "-pi", "1 - e", "exp(-3)", "-zeta3/1000", "log2"])
@pytest.mark.parametrize("bits", [8, 64, 333, 1000])
def test_bounds_are_rigorous_and_narrow(text: str, bits: int) -> None:
    """lo/2**shift <= value <= hi/2**shift, with width below 2**-bits * max(1, |value|)."""
    lo, hi, shift = get_constant(text).bounds(bits)
    assert all(isinstance(v, int) for v in (lo, hi, shift))
    with M.workprec(bits + 400):
        value = reference(text, bits + 400)
        scaled = M.ldexp(value, shift)
        assert M.mpf(lo) <= scaled <= M.mpf(hi)
        width = M.ldexp(M.mpf(hi - lo), -shift)
        assert width < M.ldexp(max(M.mpf(1), abs(value)), -bits)


@pytest.mark.parametrize("text", ["zeta3", "besselratio", "1 - e", "exp(-3)"])
def test_bounds_width_shrinks_as_bits_grow(text: str) -> None:
    """More bits give a strictly narrower interval (widths compared exactly as fractions)."""
    constant = get_constant(text)
    widths = []
    for bits in (16, 64, 256, 1024):
        lo, hi, shift = constant.bounds(bits)
        assert lo < hi
        widths.append(Fraction(hi - lo, 2**shift))
    assert widths == sorted(widths, reverse=True) and len(set(widths)) == len(widths)


def test_bounds_nest() -> None:
    """A wider interval contains the narrower one (both are rigorous enclosures of zeta(3))."""
    lo1, hi1, s1 = NAMED_CONSTANTS["zeta3"].bounds(50)
    lo2, hi2, s2 = NAMED_CONSTANTS["zeta3"].bounds(500)
    assert (
        Fraction(lo1, 2**s1) <= Fraction(lo2, 2**s2) < Fraction(hi2, 2**s2) <= Fraction(hi1, 2**s1)
    )


@pytest.mark.parametrize("name", sorted(NAMED_CONSTANTS))
def test_every_named_constant(name: str) -> None:
    """Every named constant has a description, keeps its name as text and evaluates to 200 bits."""
    constant = NAMED_CONSTANTS[name]
    assert isinstance(constant, Constant)
    assert constant.text == name and constant.description
    assert get_constant(name) is constant
    assert get_constant(f"  {name}\t") is constant
    assert get_constant(f"({name})") is constant
    ball = constant.arb(200)
    assert ball.is_finite() and ball.rel_accuracy_bits() >= 200
    assert name in REFERENCES


def test_required_named_constants_present() -> None:
    """The names the CLI and the paper rely on."""
    for name in (
        "e",
        "pi",
        "phi",
        "sqrt2",
        "catalan",
        "zeta3",
        "log2",
        "euler_gamma",
        "tan1",
        "besselratio",
    ):
        assert name in NAMED_CONSTANTS
    assert format_expression(NAMED_CONSTANTS["e"].expr) == "exp(1)"
    assert format_expression(NAMED_CONSTANTS["phi"].expr) == "(1 + sqrt(5))/2"
    assert format_expression(NAMED_CONSTANTS["besselratio"].expr) == "besseli(1, 2)/besseli(0, 2)"


@pytest.mark.parametrize(
    ("variants", "canonical"),
    [
        (["exp(2)", " exp( 2 ) ", "exp(1+1)", "exp(4/2)", "exp(2.0)", "exp((2))"], "exp(2)"),
        (
            ["besseli(1,2)/besseli(0,2)", "besseli( 1 , 2 ) / besseli( 0 , 2 )"],
            "besseli(1, 2)/besseli(0, 2)",
        ),
        (["pi^2/6", "pi**2/6", "(pi**2)/6", "+pi ** 2 / 6"], "pi**2/6"),
        (["1+sqrt(5)", "1 + sqrt(5)", "(1)+(sqrt(5))"], "1 + sqrt(5)"),
        (["tan(0.5)", "tan(1/2)", "tan(2/4)", "tan(5e-1)"], "tan(1/2)"),
        (["e - pi", "e-pi", "(e)-(pi)"], "e - pi"),
    ],
)
def test_canonical_text_ignores_spacing(variants: list[str], canonical: str) -> None:
    """Differently typed forms of one expression get one canonical text."""
    assert {get_constant(v).text for v in variants} == {canonical}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("1/3", "(1/3)"),
        ("sin(0)", "(0)"),
        ("exp(0)", "(1)"),
        ("2**10", "(1024)"),
        ("sqrt(4)", "(2)"),
        ("sqrt(9/4)", "(3/2)"),
        ("8**(2/3)", "(4)"),
        ("-8**(1/3)", "(-2)"),
        ("gamma(5)", "(24)"),
        ("zeta(0)", "(-1/2)"),
        ("1.25", "(5/4)"),
        ("log(1) + 7", "(7)"),
        ("sqrt(8)/sqrt(2)", "(~2)"),
        ("sqrt(2)**2/3", "(~2/3)"),
        ("exp(log(3))", "(~3)"),
        ("cos(pi/3)", "(~1/2)"),
        ("zeta(-1)", "(~-1/12)"),
        ("phi**2 - phi", "(~1)"),
        ("atan(1)*4/pi", "(~1)"),
    ],
)
def test_rational_values_are_rejected(text: str, shown: str) -> None:
    """Exactly folded rationals say 'is rational'; numerically detected ones 'appears' (~p/q)."""
    with pytest.raises(InvalidExpression, match="rational") as info:
        get_constant(text)
    assert shown in str(info.value)
    assert ("appears" in str(info.value)) == shown.startswith("(~")


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("exp(1) - exp(1)", "zero"),
        ("exp(-50)", "too small"),
        ("exp(50)", "too large"),
        ("log(-1)", "not real"),
        ("sqrt(-2)", "not real"),
        ("gamma(-2)", "pole"),
        ("zeta(1)", "pole"),
        ("log(0)", "undefined"),
        ("tan(pi/2)", "pole"),
        ("1/(pi - pi)", "division by zero"),
    ],
)
def test_degenerate_values_are_rejected(text: str, word: str) -> None:
    """Zero, tiny, huge, non-real and undefined values are refused with a reason."""
    with pytest.raises(InvalidExpression, match=word):
        get_constant(text)


# ---- the registry ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(NAMES))
def test_every_registry_entry_is_complete(name: str) -> None:
    """Each entry: its name, a definition that parses, a description, LaTeX, read-only metadata;
    NAMED_CONSTANTS holds the checked constant built from it."""
    entry = NAMES[name]
    assert isinstance(entry, NamedConstant) and entry.name == name
    assert entry.description and entry.latex and entry.kind in LAYOUT_KINDS
    if entry.text == name:
        assert entry.primitive is not None
    else:
        assert NAMED_CONSTANTS[name].expr == parse_expression(entry.text)
    assert NAMED_CONSTANTS[name].description == entry.description
    with pytest.raises(TypeError):
        entry.metadata["theorem"] = "x"  # type: ignore[index]


def test_primitives_agree_with_their_definitions() -> None:
    """Where a name inside an expression is evaluated by an arb method (e as const_e), that ball
    overlaps the ball of the definition (e as exp(1))."""
    for name, entry in NAMES.items():
        if entry.primitive is not None and entry.text != name:
            inside = evaluate(parse_expression(name), 300)  # the name node: the primitive
            assert inside.overlaps(NAMED_CONSTANTS[name].arb(300)), name


def test_metadata_is_a_read_only_copy() -> None:
    """Facts attached to an entry cannot change under it, and do not enter its equality."""
    facts = {"theorem": "Euler (1737)"}
    entry = NamedConstant("e_again", "exp(1)", "e", "e", metadata=facts)
    facts["theorem"] = "changed"
    assert entry.metadata["theorem"] == "Euler (1737)"
    assert entry == NamedConstant("e_again", "exp(1)", "e", "e") and hash(entry)
    with pytest.raises(ValueError, match="defined by itself"):
        NamedConstant("tau", "tau", "2 pi", r"\tau")


# ---- LaTeX ---------------------------------------------------------------------------------


def _balanced(text: str) -> bool:
    depth = 0
    for ch in re.sub(r"\\[{}]", "", text):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0 and text.count(r"\left(") == text.count(r"\right)")


@pytest.mark.parametrize(
    ("lhs", "constant", "expected"),
    [
        ("(x + 1)/(x - 1)", "e", r"\frac{e + 1}{e - 1}"),
        ("x/(2*x + 2)", "exp(2)", r"\frac{e^{2}}{2 e^{2} + 2}"),
        ("(-1)/(2*x - 2)", "pi", r"-\frac{1}{2 \pi - 2}"),
        ("2*x/(x + 2)", "besselratio", r"\frac{2 I_1(2)/I_0(2)}{I_1(2)/I_0(2) + 2}"),
        ("x**2 + 1", "besselratio", r"\left(I_1(2)/I_0(2)\right)^{2} + 1"),
        ("3*x/4", "pi", r"\frac{3 \pi}{4}"),
        ("x*(1/3)", "e", r"e \cdot \frac{1}{3}"),
        ("x**2 - x", "tan1", r"\left(\tan 1\right)^{2} - \tan 1"),
        ("1/x", "zeta(3)", r"\frac{1}{\zeta(3)}"),
        ("-x", "log(2)", r"-\log 2"),
    ],
)
def test_lhs_latex_examples(lhs, constant, expected):
    assert lhs_latex(lhs, constant) == expected


def test_every_named_constant_has_latex():
    assert set(NAMES) == set(NAMED_CONSTANTS)
    for name, entry in NAMES.items():
        assert entry.latex and entry.kind in LAYOUT_KINDS
        assert constant_latex(name) == entry.latex
    assert constant_latex("besseli(1, 2)/besseli(0, 2)") == r"\frac{I_{1}(2)}{I_{0}(2)}"


_LHS = [f.text for f in enumerate_lhs(1, 2)] + [f.text for f in enumerate_lhs(2, 1)][:200]
_CONSTANTS = sorted(NAMED_CONSTANTS) + ["exp(2)", "pi/2", "tan(pi/8)", "-sqrt(3)", "gamma(1/3)"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_LHS), st.sampled_from(_CONSTANTS))
def test_lhs_latex_is_well_formed(lhs, constant):
    """Every enumerated left-hand side renders with balanced braces and no Python operators."""
    out = lhs_latex(lhs, constant)
    assert _balanced(out)
    assert "*" not in out and "x" not in out.replace(r"\max", "")
    assert not re.search(r"\d \d", out)  # juxtaposed numbers would read as one


@pytest.mark.parametrize(
    "module", ["constants", "expr", "evaluation", "functions", "names", "precision"]
)
def test_import_is_cheap(module: str) -> None:
    """Importing esma.constants or a module below it loads neither flint, mpmath, sympy nor numba."""
    code = (
        f"import sys, esma.{module}\n"
        "print([m for m in ('flint', 'mpmath', 'sympy', 'numba') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---- property tests ------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.integers(-(10**6), 10**6).filter(bool), st.integers(1, 10**6))
def test_random_fractions_are_rejected_as_rational(p: int, q: int) -> None:
    """p/q is refused exactly; sqrt(2)**2*p/q (= 2p/q) is refused by the numeric test."""
    value = Fraction(p, q)
    with pytest.raises(InvalidExpression, match=r"value is rational") as info:
        get_constant(f"{p}/{q}")
    assert f"({value.numerator}/{value.denominator})" in str(info.value) or (
        value.denominator == 1 and f"({value.numerator})" in str(info.value)
    )
    with pytest.raises(InvalidExpression, match=r"appears to be rational"):
        get_constant(f"sqrt(2)**2*{p}/{q}")


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 10**4).filter(lambda n: int(n**0.5) ** 2 != n), st.integers(1, 50))
def test_square_roots_of_non_squares_are_accepted(n: int, k: int) -> None:
    """sqrt(n)/k is irrational for non-square n, so it must pass every check."""
    constant = get_constant(f"sqrt({n})/{k}")
    assert constant.text == f"sqrt({n})/{k}"
    with M.workprec(300):
        mid, rad = ball_to_mpf(constant.arb(200))
        assert abs(mid - M.sqrt(n) / k) <= rad
