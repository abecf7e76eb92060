"""Numbers given by their digits, and their certified expansions.

Oracles: the true terms of e, π and (e + 1)/(e − 1) come from mpmath at three times the digits
given (the defining recurrence of the signed expansion, run in mpmath); random reals are exact
rationals with three times the digits given, expanded with ``fractions`` by the same definition.
Maximality is checked on the interval's two ends: their exact expansions agree on every emitted
term and differ (or end) at the next one.
"""

import json
import random
from fractions import Fraction

import mpmath
import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from esma.cli import cli
from esma.digits import MAX_DIGITS, Digits, DigitsImage, parse_digits, read_number, value_of
from esma.errors import InvalidExpression, InvalidParameter, PrecisionExhausted
from esma.expansion import regular_cf, signed_expansion

SIGNS = [(1,), (-1,), (1, -1), (-1, 1, 1)]


def rounded(x, digits: int) -> str:
    """x (an mpf at much higher precision) correctly rounded to ``digits`` significant digits."""
    k = int(mpmath.floor(mpmath.log10(abs(x))))
    m = int(mpmath.nint(x * mpmath.mpf(10) ** (digits - 1 - k)))
    if len(str(abs(m))) > digits:  # rounding carried into a new leading digit
        k += 1
        m = int(mpmath.nint(x * mpmath.mpf(10) ** (digits - 1 - k)))
    return f"{m}e{k - digits + 1}"


def mp_terms(x, signs, n):
    """The definition of the signed expansion, run in mpmath."""
    out = []
    for i in range(n):
        b = signs[i % len(signs)]
        a = int(mpmath.floor(x)) if b > 0 else int(mpmath.ceil(x))
        out.append(a)
        x = b / (x - a)
    return out


def exact_terms(x: Fraction, signs, n):
    """The same definition on an exact rational; ends when x_k is an integer."""
    out = []
    for i in range(n):
        b = signs[i % len(signs)]
        a = x.numerator // x.denominator if b > 0 else -((-x.numerator) // x.denominator)
        out.append(a)
        if x == a:
            break
        x = Fraction(b) / (x - a)
    return out


def assert_maximal(number, expansion, signs):
    """Both ends of the interval share every emitted term, and, when the digits ran out,
    differ (or end) at the next."""
    n = len(expansion.terms)
    lo, hi, den = number.interval()
    ends = [exact_terms(Fraction(v, den), signs, n + 1) for v in (lo, hi)]
    assert ends[0][:n] == ends[1][:n] == list(expansion.terms)
    if expansion.exhausted:
        assert len(ends[0]) <= n or len(ends[1]) <= n or ends[0][n] != ends[1][n]


# -- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, centre, radius, digits",
    [
        ("3.14159", Fraction(314159, 100000), Fraction(1, 200000), 6),
        ("  -2.5e-3 ", Fraction(-25, 10000), Fraction(1, 20000), 2),
        ("1.41421 35623\n73095 04880", Fraction(141421356237309504880, 10**20), None, 21),
        ("# header\n2.718 # e\n28", Fraction(271828, 100000), None, 6),
        ("[2.5 +/- 0.25]", Fraction(5, 2), Fraction(1, 4), 2),
        ("2.5 ± 1e-3", Fraction(5, 2), Fraction(1, 1000), 2),
        ("[ 7 +/- 0 ]", Fraction(7), Fraction(0), 1),
        ("0.00120", Fraction(12, 10000), Fraction(1, 200000), 3),  # trailing zeros count
        ("1.234...", Fraction(1234, 1000), Fraction(1, 1000), 4),  # cut digits: one unit
        (".5", Fraction(1, 2), Fraction(1, 20), 1),
        ("5.", Fraction(5), Fraction(1, 2), 1),
        ("+12E+2", Fraction(1200), Fraction(50), 2),
    ],
)
def test_parse_forms(text, centre, radius, digits):
    x = parse_digits(text)
    assert x.centre == centre and x.digits == digits
    if radius is not None:
        assert x.radius == radius
    lo, hi, den = x.interval()
    assert Fraction(lo, den) == x.lower == x.centre - x.radius
    assert Fraction(hi, den) == x.upper == x.centre + x.radius


@pytest.mark.parametrize(
    "text, where",
    [
        ("3.14x15", "column 5"),
        ("3.14\n15 9z", "line 2, column 5"),
        ("3.14.15", "column 5"),
        ("", "no number"),
        ("# only a comment\n", "no number"),
        ("[3.14 +/- 1e-3", "missing ']'"),
        ("3.14 +/- -1e-3", "without a sign"),
        ("3.14 +/-", "ends too early"),
        ("1e", "needs digits after 'e'"),
        ("1e9999999", "exponent too large"),
        ("1e1001", "between 1e-1000 and 1e1000"),
        ("1e-1001", "between 1e-1000 and 1e1000"),
        ("3.14… +/- 1e-3", "not both"),
        ("3.14 +/- 1e2000", "radius must be below"),
        ("3\u221214", "U+2212"),  # a Unicode minus sign
        ("--3", "'-' is not expected"),
        ("e", "not expected"),
        ("1.5 2.5", "'.' is not expected"),
    ],
)
def test_bad_digits_are_one_line_naming_the_place(text, where):
    with pytest.raises(InvalidParameter) as err:
        parse_digits(text, source="f.txt")
    message = str(err.value)
    assert message.startswith("digits: ") and "\n" not in message and where in message
    assert err.value.parameter == "digits"


def test_digit_cap():
    ok = parse_digits("0." + "7" * (MAX_DIGITS - 1))
    assert ok.digits == MAX_DIGITS - 1
    with pytest.raises(InvalidParameter, match="more than 1,000,000 digits"):
        parse_digits("0." + "7" * (MAX_DIGITS + 1))


def test_long_numbers_beyond_pythons_int_text_limit():
    """Python refuses int() of more than 4,300 digits; the reader does not need it."""
    text = "1." + "3" * 9000
    x = parse_digits(text)
    assert x.digits == 9001 and x.mantissa == 10**9000 + (10**9000 - 1) // 3
    assert x.text == "1.3333333333333333333…"
    assert len(x.sha256) == 64


def test_sha256_is_content_not_spelling():
    assert parse_digits("2.50").sha256 == parse_digits("# x\n2.5 0\n").sha256
    assert parse_digits("2.50").sha256 != parse_digits("2.5").sha256  # a different interval
    assert parse_digits("[2.5 +/- 0.05]").sha256 == parse_digits("2.5").sha256


def test_names_and_shown_digits():
    assert parse_digits("1.5", name="c").text == "c"
    assert parse_digits("123456.7").text == "123456.7"
    assert parse_digits("1.23e-9").text == "1.23e-9"
    assert parse_digits("-7.5e30").text == "-7.5e30"
    assert parse_digits("0.001").text == "0.001"


def test_read_number_long_literals_are_digits_short_are_refused():
    long = read_number("2.718281828459045235360287471352662497757")
    assert isinstance(long, Digits) and long.digits == 40
    assert isinstance(read_number("[2.718 +/- 0.001]"), Digits)  # a ball is never an expression
    assert read_number("exp(1.5)").text == "exp(3/2)"  # short decimals inside expressions
    assert isinstance(read_number("2718281828459045235360287471352662497757e-39"), Digits)
    with pytest.raises(InvalidExpression, match="integer literal too large"):
        read_number("2718281828459045235360287471352662497757")  # an integer is an integer
    with pytest.raises(InvalidParameter, match="rational number with 4 significant digits"):
        read_number("2.718")
    with pytest.raises(InvalidExpression, match="unknown name"):
        read_number("nosuch")


# -- expansions end where the digits do ---------------------------------------------------------


@pytest.mark.parametrize("digits", [60, 200, 1000])
@pytest.mark.parametrize("name", ["e", "pi", "(e+1)/(e-1)"])
def test_expansion_terms_are_the_true_terms(name, digits):
    with mpmath.workdps(3 * digits):
        true = {"e": mpmath.e, "pi": mpmath.pi, "(e+1)/(e-1)": (mpmath.e + 1) / (mpmath.e - 1)}[
            name
        ]
        x = parse_digits(rounded(true, digits))
        for signs in SIGNS:
            exp = signed_expansion(x, signs, 3 * digits)
            assert exp.data_digits == digits and not exp.complete
            # Regular terms cost about a digit each (coth(1/2)'s grow, so fewer); signed ones
            # can cost far less (runs of 2s), so only the regular expansion must run out.
            assert exp.exhausted or signs != (1,)
            assert len(exp.terms) > digits // 6
            assert list(exp.terms) == mp_terms(+true, signs, len(exp.terms))
            assert_maximal(x, exp, signs)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("digits", [60, 200, 1000])
def test_random_reals(seed, digits):
    rng = random.Random(seed * 1000 + digits)
    exact = Fraction(rng.randrange(10 ** (3 * digits - 1), 10 ** (3 * digits)), 10 ** (3 * digits))
    exact *= rng.choice([1, -1, 7, -1000])
    with mpmath.workdps(4 * digits):
        text = rounded(mpmath.mpf(exact.numerator) / exact.denominator, digits)
    x = parse_digits(text)
    assert x.lower <= exact <= x.upper
    for signs in SIGNS:
        exp = signed_expansion(x, signs, 3 * digits)
        assert exp.exhausted or signs != (1,)
        assert list(exp.terms) == exact_terms(exact, signs, len(exp.terms))
        assert_maximal(x, exp, signs)


@pytest.mark.parametrize("digits", [60, 200, 1000])
def test_a_wider_radius_certifies_fewer_terms_never_a_wrong_one(digits):
    with mpmath.workdps(3 * digits):
        text = rounded(mpmath.pi, digits)
        truth = mp_terms(+mpmath.pi, (1,), 3 * digits)
    tight = regular_cf(parse_digits(text), 3 * digits)
    for width in (digits // 2, digits // 4, 10):
        wide = parse_digits(f"[{text} +/- 1e-{width}]")
        exp = regular_cf(wide, 3 * digits)
        assert exp.exhausted and len(exp.terms) < len(tight.terms)
        assert list(exp.terms) == truth[: len(exp.terms)]
        assert_maximal(wide, exp, (1,))


def test_expansion_of_digits_never_asks_for_more_bits():
    """A value given by its digits ends cleanly however small max_bits is: nothing to ask."""
    x = parse_digits("3.14159265358979323846264338327950288419716939937510")
    exp = signed_expansion(x, "+", 1000, max_bits=64)
    assert exp.exhausted and len(exp.terms) > 40


def test_named_constants_still_raise_precision_exhausted():
    class Stuck:
        def bounds(self, bits):
            return 0, 2 << bits, bits  # [0, 2]: never decides a₀

    with pytest.raises(PrecisionExhausted):
        signed_expansion(Stuck(), "+", 3, max_bits=4096)


def test_exact_decimal_expands_completely():
    exp = regular_cf(parse_digits("[0.75 +/- 0]"), 10)
    assert exp.terms == (0, 1, 3) and exp.complete and not exp.exhausted


def test_no_term_when_the_interval_straddles_an_integer():
    exp = regular_cf(parse_digits("3.0"), 5)  # [2.95, 3.05]
    assert exp.terms == () and exp.exhausted


def test_to_dict_says_whether_the_digits_ran_out():
    x = parse_digits("2.718281828459045235360287471352662497757")
    assert regular_cf(x, 5).to_dict()["exhausted"] is False
    assert regular_cf(x, 500).to_dict()["exhausted"] is True
    from esma.constants import get_constant

    assert "exhausted" not in regular_cf(get_constant("e"), 5).to_dict()  # unchanged contract


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=10**40),
    st.integers(min_value=0, max_value=45),
    st.integers(min_value=1, max_value=10**8),
    st.sampled_from(SIGNS),
)
@example(10**40, 40, 1, (1,))
def test_property_every_number_in_the_interval_shares_the_terms(num, scale, r, signs):
    x = parse_digits(f"[{num}e-{scale} +/- {r}e-{scale + 9}]")
    exp = signed_expansion(x, signs, 200)
    assert_maximal(x, exp, signs)
    rng = random.Random(num)
    lo, hi, den = x.interval()
    inside = Fraction(rng.randint(lo, hi), den)
    assert list(exp.terms) == exact_terms(inside, signs, len(exp.terms))


# -- left-hand sides of digits ----------------------------------------------------------------


def test_lhs_of_digits_is_certified_and_ends_with_the_digits():
    digits = 100
    with mpmath.workdps(3 * digits):
        x = parse_digits(rounded(mpmath.e, digits))
        truth = (mpmath.e + 1) / (mpmath.e - 1)  # coth(1/2) = [2; 6, 10, 14, ...]
        y = x.apply("(x+1)/(x-1)")
        assert isinstance(y, DigitsImage) and y.digits == digits
        exp = regular_cf(y, 500)
        assert exp.exhausted and len(exp.terms) > 20
        assert list(exp.terms) == [2 + 4 * n for n in range(len(exp.terms))]
        assert list(exp.terms) == mp_terms(+truth, (1,), len(exp.terms))
        lo, hi, den = y.interval()
        assert mpmath.mpf(lo) / den <= truth <= mpmath.mpf(hi) / den
        z = x.apply("exp(x) - x**2")
        assert mp_terms(mpmath.exp(mpmath.e) - mpmath.e**2, (1,), 5) == list(regular_cf(z, 5).terms)
    assert x.apply("x") is x


def test_lhs_with_a_pole_inside_the_interval_is_refused():
    x = parse_digits("2.0")  # [1.95, 2.05] holds the pole of 1/(x - 2)
    with pytest.raises(InvalidExpression, match="interval of the given number"):
        x.apply("1/(x - 2)")
    assert parse_digits("0.01").apply("log(x)").interval()[0] < 0  # [0.005, 0.015]: fine
    with pytest.raises(InvalidExpression, match="log argument is zero"):
        parse_digits("0.0").apply("log(x)")  # [-0.05, 0.05]


def test_value_of_constants_is_unchanged():
    y = value_of(read_number("e"), "x - 1")
    assert y.text == "e - 1" and regular_cf(y, 3).terms == (1, 1, 2)


# -- the command line ------------------------------------------------------------------------


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


E60 = "2.71828182845904523536028747135266249775724709369995957496697"


def test_cli_expand_long_literal_says_where_the_digits_end(run):
    result = run("expand", E60, "--terms", "200")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("2.7182818284590452353… = 2 + 1/(1 + 1/(2")
    count = len(lines[1].split(","))
    assert lines[2] == f"{count} terms, certified from 60 digits; give more digits for more terms"
    full = run("expand", E60, "--terms", "10")
    assert full.output.splitlines()[-1] == "10 terms, all certified from 60 digits"


def test_cli_expand_value_file_and_stdin(run, tmp_path):
    f = tmp_path / "e.txt"
    f.write_text("# e to 60 digits\n" + E60[:30] + "\n" + E60[30:] + "\n")
    by_file = json.loads(run("expand", "--value-file", str(f), "--terms", "500", "--json").stdout)
    by_stdin = json.loads(
        run("expand", "--value-file", "-", "--terms", "500", "--json", input=E60).stdout
    )
    assert by_file == by_stdin and by_file["exhausted"] is True and by_file["digits"] == 60
    with mpmath.workdps(200):
        assert by_file["terms"] == mp_terms(+mpmath.e, (1,), by_file["certified_terms"])
    named = run("expand", "--value-file", str(f), "--name", "E", "--lhs", "x - 1", "--signs", "-+")
    assert named.output.startswith("E - 1 = 2 - 1/(3 + 1/(2 - 1/(5")


def test_cli_expand_radius_and_no_term(run):
    wide = run("expand", f"[{E60} +/- 1e-20]", "--terms", "100")
    assert "certified from 60 digits ± 1e-20; give more digits" in wide.output
    none = run("expand", "[2.5 +/- 1]")
    assert none.exit_code == 0 and none.output.startswith("no term is certified")


@pytest.mark.parametrize(
    "args, word",
    [
        (["expand"], "CONSTANT or --value-file"),
        (["expand", "e", "--value-file", "-"], "CONSTANT or --value-file"),
        (["expand", "e", "--name", "y"], "--name"),
        (["expand", "2.718"], "at least 30 digits"),
        (["expand", "--value-file", "-"], "digits: stdin, column 6"),
        (["expand", "--value-file", "missing.txt"], "missing.txt"),
        (["expand", "[2.718 +/- 0.1", "--terms", "3"], "cannot parse"),  # not a ball: parsed
        (["expand", E60, "--lhs", f"1/(x - {E60})"], "interval of the given number"),
        (["expand", E60, "--lhs", "y"], "unknown name 'y'"),
    ],
)
def test_cli_bad_input_is_one_line_exit_2_nothing_written(tmp_path, monkeypatch, args, word):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args, input="2.718x")
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and word in lines[0], result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_binary_file_is_one_line(run, tmp_path):
    f = tmp_path / "bin.dat"
    f.write_bytes(b"\xff\xfe3.14")
    result = CliRunner().invoke(cli, ["expand", "--value-file", str(f)])
    assert result.exit_code == 2 and "not text (UTF-8)" in result.stderr
