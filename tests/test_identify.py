"""Identification of numbers given by their digits.

The digits are computed with mpmath at far more precision than given and correctly rounded;
each reported relation is re-evaluated independently with mpmath (its ``lhs`` parsed by esma's
parser and evaluated in mpmath at the constant's value) and must match every digit given.
"""

import json
import random

import mpmath
import pytest
from click.testing import CliRunner

from esma.cli import cli
from esma.constants import get_constant, parse_expression
from esma.digits import parse_digits
from esma.errors import InvalidParameter
from esma.identify import MARGIN_DIGITS, Relation, identify, max_height_for

mp = mpmath.mp


def digits_of(x, digits: int) -> str:
    k = int(mpmath.floor(mpmath.log10(abs(x))))
    m = int(mpmath.nint(x * mpmath.mpf(10) ** (digits - 1 - k)))
    return f"{m}e{k - digits + 1}"


#: The test numbers, computed by mpmath (at the working precision of the caller).
VALUES = {
    "(2*e + 1)/(e - 1)": lambda: (2 * mpmath.e + 1) / (mpmath.e - 1),
    "tanh(1/2)": lambda: mpmath.tanh(mpmath.mpf(1) / 2),
    "4/pi + 1": lambda: 4 / mpmath.pi + 1,
    "-(2*e + 1)/(e - 1)": lambda: -(2 * mpmath.e + 1) / (mpmath.e - 1),
    "(1 + sqrt(5))/2": lambda: (1 + mpmath.sqrt(5)) / 2,
    "sqrt(3)/2 + 1": lambda: mpmath.sqrt(3) / 2 + 1,
    "22/7": lambda: mpmath.mpf(22) / 7,
    "(e**2 + 1)/(e - 2)": lambda: (mpmath.e**2 + 1) / (mpmath.e - 2),
    "(e**2 + e + 1)/(2*e**2 - 1)": lambda: (mpmath.e**2 + mpmath.e + 1) / (2 * mpmath.e**2 - 1),
    "(exp(3) + 2)/(exp(3) - 1)": lambda: (mpmath.exp(3) + 2) / (mpmath.exp(3) - 1),
    "(e**2 + 1)/(e**2 - 2)": lambda: (mpmath.e**2 + 1) / (mpmath.e**2 - 2),
}


def number(expr: str, digits: int = 100, **kw):
    """The number ``expr`` of :data:`VALUES`, to ``digits`` correctly rounded digits."""
    with mpmath.workdps(3 * digits):
        value = VALUES[expr]()
        return parse_digits(digits_of(value, digits), **kw), value


def mp_value(relation: Relation):
    """The relation's value, independently: its lhs (esma's parser) evaluated by mpmath."""
    tree = parse_expression(relation.lhs, variables=("x",))
    x = get_constant(relation.constant).mpf(mp.dps) if relation.constant else None
    return _mp_eval(tree, x)


def _mp_eval(node, x):
    if node.op == "num":
        v = node.args[0]
        return mpmath.mpf(v) if isinstance(v, int) else mpmath.mpf(v.numerator) / v.denominator
    if node.op == "name":
        return x
    if node.op == "neg":
        return -_mp_eval(node.args[0], x)
    a, b = (_mp_eval(arg, x) for arg in node.args)
    return {"+": a + b, "-": a - b, "*": a * b, "/": a / b, "**": a**b}[node.op]


def assert_true_to_every_digit(relation, value, digits):
    with mpmath.workdps(3 * digits):
        assert abs(mp_value(relation) - value) <= abs(value) * mpmath.mpf(10) ** (1 - digits)


@pytest.mark.parametrize(
    "expr, kind, constant, lhs, height",
    [
        ("(2*e + 1)/(e - 1)", "mobius", "e", "(2*x + 1)/(x - 1)", 2),
        ("tanh(1/2)", "mobius", "e", "(x - 1)/(x + 1)", 1),  # typed as tanh(1/2)'s digits
        ("4/pi + 1", "mobius", "pi", "(x + 4)/x", 4),
        ("-(2*e + 1)/(e - 1)", "mobius", "e", "(-2*x - 1)/(x - 1)", 2),
        ("(1 + sqrt(5))/2", "mobius", "phi", "x", 1),
        ("sqrt(3)/2 + 1", "quadratic", "sqrt(3)", "(x + 2)/2", 8),
        ("22/7", "fraction", None, "22/7", 22),
    ],
)
def test_recovers_from_100_digits(expr, kind, constant, lhs, height):
    x, value = number(expr)
    found = identify(x)
    best = found.relations[0]
    assert (best.kind, best.constant, best.lhs, best.height) == (kind, constant, lhs, height)
    assert best.checked_digits == 100
    assert_true_to_every_digit(best, value, 100)


def test_golden_ratio_is_also_recognised_as_a_quadratic():
    x, _ = number("(1 + sqrt(5))/2")
    found = identify(x)
    quadratic = [r for r in found.relations if r.kind == "quadratic"]
    assert [(r.constant, r.lhs, r.relation) for r in quadratic] == [
        ("sqrt(5)", "(x + 1)/2", (1, -1, -1))
    ]
    assert "root of y**2 - y - 1 = 0" in str(quadratic[0])


@pytest.mark.parametrize(
    "expr, lhs",
    [
        ("(e**2 + 1)/(e - 2)", "(x**2 + 1)/(x - 2)"),
        ("(e**2 + e + 1)/(2*e**2 - 1)", "(x**2 + x + 1)/(2*x**2 - 1)"),
    ],
)
def test_degree_two_rational_function_of_e(expr, lhs):
    x, value = number(expr)
    assert not identify(x).relations  # not a Möbius image: degree 1 finds nothing
    best = identify(x, degree=2).relations[0]
    assert (best.kind, best.constant, best.lhs) == ("rational", "e", lhs)
    assert best.search == "esma search e --degree 2 --coeff 2"
    assert_true_to_every_digit(best, value, 100)


def test_constants_may_be_expressions():
    x, value = number("(exp(3) + 2)/(exp(3) - 1)")
    best = identify(x, ["pi", "exp(3)"]).relations[0]
    assert (best.constant, best.value) == ("exp(3)", "(exp(3) + 2)/(exp(3) - 1)")
    assert_true_to_every_digit(best, value, 100)
    assert best.search == "esma search 'exp(3)' --coeff 2"


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("degree", [1, 2])
def test_nothing_in_random_digits(seed, degree):
    rng = random.Random(seed)
    x = parse_digits("0." + "".join(rng.choice("0123456789") for _ in range(100)))
    found = identify(x, degree=degree)
    assert found.relations == () and found.lowered() is None
    assert "Möbius maps of height <= 1000" in found.bounds()


def test_a_wrong_last_digit_is_not_identified():
    """The relation must hold to every digit given: change the last one and it is gone."""
    text = digits_of_mp("(2*e + 1)/(e - 1)", 100)
    mantissa, exponent = text.split("e")
    wrong = f"{int(mantissa) + 3}e{exponent}"
    assert identify(parse_digits(text), ["e"]).relations
    assert not identify(parse_digits(wrong), ["e"]).relations
    # ... while a radius wide enough for the change keeps it, checked to fewer digits
    kept = identify(parse_digits(f"[{wrong} +/- 5e{int(exponent)}]"), ["e"]).relations
    assert kept and kept[0].checked_digits == 99


def digits_of_mp(expr, digits):
    value = number(expr, digits)[1]
    with mpmath.workdps(3 * digits):
        return digits_of(value, digits)


def test_pslq_finds_the_same_relations():
    for expr in ("(2*e + 1)/(e - 1)", "4/pi + 1", "tanh(1/2)", "sqrt(3)/2 + 1"):
        x, _ = number(expr)
        assert identify(x, method="pslq").relations == identify(x).relations
    # φ is quadratic, so y = φ has several Möbius forms of height 1; PSLQ returns one of them
    x, value = number("(1 + sqrt(5))/2")
    (best,) = identify(x, ["phi"], method="pslq").relations[:1]
    assert best.constant == "phi" and best.height == 1
    assert_true_to_every_digit(best, value, 100)
    x, _ = number("(e**2 + 1)/(e - 2)")
    assert identify(x, ["e"], degree=2, method="pslq").relations[0].lhs == "(x**2 + 1)/(x - 2)"


def test_few_digits_lower_the_height_and_say_so():
    """20 digits cannot tell relations of height 1000 among 4 numbers from chance."""
    rng = random.Random(7)
    for _ in range(5):
        x = parse_digits("0." + "".join(rng.choice("123456789") for _ in range(20)))
        found = identify(x, degree=2)
        assert found.heights["mobius"] == max_height_for(20, 4) < 1000
        assert "cannot tell relations of height 1000 from chance" in found.lowered()
        for r in found.relations:  # anything reported clears the chance bound
            assert 4 * mpmath.log10(2 * r.height + 1) + MARGIN_DIGITS <= 20


def test_without_the_bound_chance_relations_appear():
    """Why the bound exists: among the (2·10^4 + 1)^4 ≈ 10^17 Möbius maps of height 10^4, one
    matches almost any 16 digits by chance. mpmath's PSLQ finds such a 'relation' for every one
    of these random numbers; identify searches only heights the digits can vouch for (15)."""
    rng = random.Random(3)
    for _ in range(10):
        text = "1." + "".join(rng.choice("0123456789") for _ in range(15))
        with mpmath.workdps(16):
            y = mpmath.mpf(text)
            chance = mpmath.pslq([y * mpmath.e, y, mpmath.e, 1], maxcoeff=10**4, maxsteps=10**5)
        assert chance is not None
        found = identify(parse_digits(text), ["e"], max_height=10**4)
        assert found.relations == () and found.heights["mobius"] == 15
        assert "cannot tell relations of height 10000 from chance" in found.lowered()


def test_refusals():
    with pytest.raises(InvalidParameter, match="too few to tell a relation from chance"):
        identify(parse_digits("1.2345678"))
    with pytest.raises(InvalidParameter, match="zero to the digits given"):
        identify(parse_digits("0.0000000000000000000000000"))
    x, _ = number("4/pi + 1")
    with pytest.raises(InvalidParameter, match="degree"):
        identify(x, degree=3)
    with pytest.raises(InvalidParameter, match="max_height"):
        identify(x, max_height=0)
    with pytest.raises(InvalidParameter, match="constants: 'nosuch'"):
        identify(x, ["e", "nosuch"])
    with pytest.raises(InvalidParameter, match="constants: 'sqrt\\(4\\)': value is rational"):
        identify(x, ["sqrt(4)"])


def test_to_dict_fields():
    x, _ = number("(2*e + 1)/(e - 1)")
    d = identify(x).relations[0].to_dict()
    assert d == {
        "kind": "mobius",
        "constant": "e",
        "lhs": "(2*x + 1)/(x - 1)",
        "value": "(2*e + 1)/(e - 1)",
        "height": 2,
        "relation": [1, 2, -1, 1],
        "checked_digits": 100,
        "search": "esma search e --coeff 2",
        "theorem": "Euler 1737",
    }


def test_theorem_only_where_esma_can_prove():
    e, _ = number("(2*e + 1)/(e - 1)")
    assert identify(e).relations[0].theorem == "Euler 1737"
    # A degree-2 map of e that is a Möbius map of e**2 is proved through e**2's theorem; one
    # that is not stays unprovable.
    square, _ = number("(e**2 + 1)/(e**2 - 2)")
    [relation] = identify(square, ["e"], degree=2).relations
    assert relation.kind == "rational" and relation.theorem is not None
    other, _ = number("(e**2 + 1)/(e - 2)")
    assert [r.theorem for r in identify(other, ["e"], degree=2).relations] == [None]
    pi, _ = number("4/pi + 1")
    assert [r.theorem for r in identify(pi).relations] == [None]


# -- the command line ------------------------------------------------------------------------


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


def test_cli_identify_text_and_json(run, tmp_path):
    text = digits_of_mp("(2*e + 1)/(e - 1)", 100)
    result = run("identify", text)
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "y = (2*e + 1)/(e - 1)  height 2, checked to 100 digits",
        "  formulas: esma search e --coeff 2",
        "  provable: Euler 1737; the search proves what it finds",
    ]
    f = tmp_path / "y.txt"
    f.write_text(text[:50] + "\n" + text[50:] + "\n")
    lines = run("identify", "--value-file", str(f), "--json").output.splitlines()
    assert [json.loads(line)["lhs"] for line in lines] == ["(2*x + 1)/(x - 1)"]
    named = run("identify", "--value-file", "-", "--name", "c", input=text)
    assert named.output.startswith("c = (2*e + 1)/(e - 1)")


def test_cli_nothing_found_states_the_bounds(run):
    rng = random.Random(11)
    digits = "0." + "".join(rng.choice("0123456789") for _ in range(100))
    result = run("identify", digits, "--constants", "e,pi,exp(2)", "--degree", "2")
    assert result.exit_code == 0
    assert result.output == (
        "no relation found within Möbius maps of height <= 1000, quadratics of height <= 1000, "
        "degree-2 rational functions of height <= 1000 over e, pi, exp(2), from 100 digits\n"
    )
    assert run("identify", digits, "--json").output == ""


@pytest.mark.parametrize(
    "args, word",
    [
        (["identify"], "DIGITS or --value-file"),
        (["identify", "1.5", "--value-file", "-"], "DIGITS or --value-file"),
        (["identify", "3.14x"], "digits: DIGITS, column 5"),
        (["identify", "3.14159"], "too few to tell a relation from chance"),
        (["identify", "0.000000000000000000000000"], "zero"),
        (["identify", "1.2345678901234567890123456789", "--constants", "e,,pi"], "empty entry"),
        (["identify", "1.2345678901234567890123456789", "--constants", "e,foo"], "'foo'"),
        (["identify", "1.2345678901234567890123456789", "--degree", "3"], "--degree"),
        (["identify", "1.2345678901234567890123456789", "--max-height", "0"], "--max-height"),
        (["identify", "--value-file", "-"], "digits: stdin"),
    ],
)
def test_cli_bad_input_is_one_line_exit_2(tmp_path, monkeypatch, args, word):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args, input="2.7x")
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and word in lines[0], result.stderr
    assert list(tmp_path.iterdir()) == []
