"""Hostile and abusive input for the expression parser: every string is refused, none runs code.

Each case names a word of the expected message, so a rejection is known to come from the check
meant for it (not from an accident further down). The strings are classic Python sandbox escapes
(``sympify`` and ``parse_expr`` evaluate their input with ``eval``, as SymPy's documentation
warns, and such strings escape restricted globals), resource bombs, and plain mistakes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esma.constants import get_constant
from esma.errors import EsmaError, InvalidExpression
from esma.expr import parse_expression

PWNED = "/tmp/esma_pwned"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOUCH = f"__import__('os').system('touch {PWNED}')"

HOSTILE: list[tuple[str, str]] = [
    # sandbox escapes
    ("().__class__.__base__.__subclasses__()", "attribute access"),
    (TOUCH, "attribute access"),
    ("__import__('os')", "unknown function '__import__'"),
    (f"lambda: {TOUCH}", "lambda"),
    ("[c for c in ().__class__.__bases__]", "comprehensions"),
    ("{k: 1 for k in 'ab'}", "comprehensions"),
    ("(x for x in (1,))", "comprehensions"),
    ("{x for x in (1,)}", "comprehensions"),
    ("open('f')", "unknown function 'open'"),
    ("eval('1')", "unknown function 'eval'"),
    ("exec('import os')", "unknown function 'exec'"),
    ("globals()", "unknown function 'globals'"),
    ("__builtins__", "unknown name '__builtins__'"),
    ("pi.real", "attribute access"),
    ("(1).__class__", "attribute access"),
    ("exp.__globals__", "attribute access"),
    ("exp(1)(2)", "can be called"),
    ("pi(2)", "'pi' is not a function"),
    ("'touch /tmp/esma_pwned'", "strings are not allowed"),
    ("b'abc'", "bytes are not allowed"),
    ("f'{pi}'", "f-strings"),
    ("(y := 2)", "assignment"),
    ("pi[0]", "subscripts"),
    ("pi[1:2]", "subscripts"),
    ("await pi", "await"),
    ("(yield)", "yield"),
    # resource bombs
    ("9**9**9**9", "exponent too large"),
    ("10**10**10", "exponent too large"),
    ("(10**30)**1000", "number too large"),
    ("gamma(10**40)", "gamma argument too large"),
    ("zeta(10**7)", "zeta argument too large"),
    ("exp(10**6)", "exp argument too large"),
    ("sin(10**9)", "sin argument too large"),
    ("besseli(10**4, 1)", "besseli order nu too large"),
    ("besselj(1, 10**5)", "besselj argument too large"),
    ("1e999999", "decimal exponent too large"),
    ("1" * 40, "integer literal too large"),
    ("2**pi", "exponent must be an integer or a simple fraction"),
    ("2**(1/10**6)", "exponent denominator too large"),
    ("(" * 5000 + "1" + ")" * 5000, "too long"),
    ("(" * 200 + "1" + ")" * 200, "too deeply nested"),
    ("-" * 500 + "1", "too deeply nested"),
    ("+".join(["1"] * 150), "too deeply nested"),
    ("exp(" * 120 + "1" + ")" * 120, "too deeply nested"),
    ("x" * 100_000, "too long"),
    # not the language
    ("besseli(1, z=2)", "keyword arguments are not allowed: besseli(nu, z)"),
    ("exp(x=1)", "keyword arguments are not allowed"),
    ("exp(*[1])", "starred arguments"),
    ("exp(**{'x': 1})", "unpacking"),
    ("pi if 1 else e", "conditional expressions"),
    ("pi < e", "comparisons"),
    ("pi and e", "'and'/'or'"),
    ("not pi", "operator 'not'"),
    ("~1", "operator '~'"),
    ("pi | 1", "operator '|'"),
    ("pi & 1", "operator '&'"),
    ("pi << 2", "operator '<<'"),
    ("pi % 2", "operator '%'"),
    ("pi // 2", "operator '//'"),
    ("pi @ e", "operator '@'"),
    ("[1, 2]", "lists"),
    ("(1, 2)", "tuples"),
    ("{1}", "sets"),
    ("{}", "dicts"),
    ("None", "'None' is not allowed"),
    ("True", "'True' is not allowed"),
    ("...", "'Ellipsis' is not allowed"),
    ("1j", "complex numbers"),
    ("exp(2j)", "complex numbers"),
    ("exp", "'exp' is a function"),
    ("exp()", "takes exactly 1 argument (got 0)"),
    ("exp(1,2)", "takes exactly 1 argument (got 2)"),
    ("besseli(1, 2, 3)", "besseli(nu, z) takes exactly 2 arguments (got 3)"),
    ("x", "unknown name 'x'"),
    ("E", "unknown name 'E'"),
    ("", "empty"),
    ("   \t  ", "empty"),
    ("pi pi", "cannot parse"),
    ("sin(1", "cannot parse"),
    ("exp(1))", "cannot parse"),
    ("exp(1);import os", "cannot parse"),
    ("exp(1)\nimport os", "cannot parse"),
    (f"1\n{TOUCH}", "cannot parse"),
    # lookalikes and control characters
    ("\u0435xp(1)", "non-ASCII"),  # Cyrillic small ie
    ("\uff45\uff58\uff50(1)", "non-ASCII"),  # fullwidth, which Python would NFKC-fold to exp
    ("p\u0456", "non-ASCII"),  # Cyrillic i
    ("\u202epi", "non-ASCII"),  # right-to-left override
    ("pi\x00", "control character"),
    ("pi\x0b", "control character"),
    # well-formed but not a valid constant
    ("exp(1)-exp(1)", "zero"),
    ("exp(1) - exp(1) + 2**-100", "too small"),
    ("exp(10**5)", "too large"),
    ("1/3", "rational"),
    ("sqrt(2)**2", "rational"),
    ("sqrt(-2)", "not real"),
    ("log(-1)", "not real"),
    ("(-8)**(1/3)", "not real"),
    ("besseli(1/2, -2)", "not real"),
    ("log(0)", "undefined"),
    ("zeta(1)", "pole"),
    ("gamma(0)", "pole"),
    ("gamma(-3)", "pole"),
    ("tan(pi/2)", "pole"),
    ("1/(e - e)", "division by zero"),
    ("1/0", "division by zero"),
    ("0**-1", "division by zero"),
]


def _nest(text: str, times: int, inner: str) -> str:
    """``text`` with ``{}`` replaced by itself ``times`` times around ``inner``."""
    for _ in range(times):
        inner = text.format(inner)
    return inner


# The functions of the wider expression language: huge arguments, poles, branch cuts (given
# exactly or as balls that straddle them), nested hypergeometric functions.
NEW_FUNCTIONS_HOSTILE: list[tuple[str, str]] = [
    ("polylog(10**6, 1/2)", "polylog order s too large"),
    ("polylog(2, -10**30)", "polylog argument too large"),
    ("hyp2f1(10**6, 1, 2, 1/2)", "hyp2f1 parameter a too large"),
    ("hyp2f1(1, 1, 2, -10**30)", "hyp2f1 argument too large"),
    ("hyp1f1(1, 10**4, 1)", "hyp1f1 parameter b too large"),
    ("hyp1f1(1, 2, -10**6)", "hyp1f1 argument too large"),
    ("hyp0f1(1, 10**9)", "hyp0f1 argument too large"),
    ("besselk(1, 10**9)", "besselk argument too large"),
    ("bessely(10**5, 1)", "bessely order nu too large"),
    ("digamma(-10**20 - 1/2)", "digamma argument too large"),
    ("erfc(10**30)", "too small"),
    ("erf(10**30)", "rational"),
    ("loggamma(10**30)", "too large"),
    ("agm(1, exp(10**5))", "too large"),
    ("digamma(-5)", "digamma is undefined at 0, -1, -2, ... (pole)"),
    ("loggamma(0)", "loggamma is undefined at 0, -1, -2, ... (pole)"),
    ("atanh(1)", "atanh is undefined at -1 and 1 (pole)"),
    ("polylog(1, 1)", "diverges for s <= 1 (pole)"),
    ("besselk(0, 0)", "besselk(nu, 0) is undefined (pole)"),
    ("bessely(1, 0)", "bessely(nu, 0) is undefined (pole)"),
    ("hyp2f1(1, 1, -3, 1/2)", "hyp2f1 is undefined when c is 0, -1, -2, ... (pole)"),
    ("hyp1f1(1, -1, 1)", "hyp1f1 is undefined when b is 0, -1, -2, ... (pole)"),
    ("hyp0f1(0, 1)", "hyp0f1 is undefined when b is 0, -1, -2, ... (pole)"),
    ("asin(2)", "asin is real only for -1 <= z <= 1"),
    ("acos(-1 - 10**-30)", "acos is real only for -1 <= z <= 1"),
    ("acosh(0)", "acosh is real only for z >= 1"),
    ("atanh(-2)", "atanh is real only for -1 < z < 1"),
    ("loggamma(-1/2)", "loggamma is real only for z > 0"),
    ("polylog(2, 3/2)", "branch cut"),
    ("hyp2f1(1/2, 1/2, 1, 2)", "branch cut"),
    ("hyp2f1(1, 1, 2, 1)", "diverges unless c - a - b > 0"),
    ("besselk(1, -1)", "besselk(nu, z) is real only for z > 0"),
    ("agm(-1, -2)", "agm of a negative number is not real"),
    ("asin(sin(pi/2))", "cannot decide whether the argument"),
    ("polylog(2, sin(pi/2))", "too close to z = 1"),
    ("hyp2f1(1, 1, 2, sin(pi/2))", "too close to z = 1"),
    ("atanh(tanh(10**4))", "atanh is undefined at -1 and 1 (pole)"),
    ("loggamma(sin(pi))", "loggamma is undefined at 0 (pole)"),
    ("hyp2f1(sqrt(2), 1/2, sqrt(2) + 3/2, 9/10)", "not written as a rational"),
    ("hyp2f1(1, 1, 2, hyp2f1(1, 1, 2, 9/10))", "branch cut"),
    (_nest("hyp2f1(1, 1, 2, {}/2)", 45, "1/2"), "branch cut"),  # grows past z = 1
    ("hyp1f1(hyp1f1(hyp1f1(1, 2, 3), 2, 3), 2, hyp1f1(1, 2, 3))", "hyp1f1 parameter a too large"),
    ("hyp2f1(hyp2f1(1, 1, 2, 1/2), 1, -2, 1/2)", "(pole)"),
    ("polylog(-2, 1/3)", "rational"),  # 3/2, known exactly
    ("hyp2f1(-2, 1, 2, 3)", "rational"),  # a polynomial: 1
    ("agm(2, 2)", "rational"),
]
HOSTILE += NEW_FUNCTIONS_HOSTILE


# Nested hypergeometric functions that are fine constants: evaluated, not refused.
NESTED_VALID = [
    "hyp2f1(hyp2f1(1,1,2,0.5),1,2,0.5)",
    _nest("hyp1f1(1/2, 3/2, -{})", 12, "2"),
    _nest("hyp0f1(3/2, -{})", 25, "1/2"),
    _nest("agm(1, {})", 30, "1/2"),
]


@pytest.fixture(autouse=True)
def _no_pwned_file():
    if os.path.exists(PWNED):  # left over from an earlier, broken run
        os.remove(PWNED)
    yield
    assert not os.path.exists(PWNED), "a hostile string executed code"


def test_enough_cases() -> None:
    """The brief asks for at least 40 distinct hostile strings."""
    assert len({text for text, _ in HOSTILE}) >= 40


@pytest.mark.parametrize(("text", "word"), HOSTILE, ids=[repr(t[:30]) for t, _ in HOSTILE])
def test_hostile_string_is_rejected(text: str, word: str) -> None:
    """InvalidExpression, with a one-line message naming the problem, quickly."""
    start = time.perf_counter()
    with pytest.raises(InvalidExpression) as info:
        get_constant(text)
    elapsed = time.perf_counter() - start
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    assert word in message, message
    assert len(message) < 300
    assert elapsed < 2.0


def test_variables_do_not_open_the_door() -> None:
    """With a variable allowed, escapes through it are still refused."""
    for text in ("x.__class__", "x(1)", "x[0]", "y", f"x + {TOUCH}"):
        with pytest.raises(InvalidExpression):
            parse_expression(text, variables=("x",))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789+-*/^().,_ epixsqrtlogamzbnj'[]=:;e\\", max_size=40))
def test_arbitrary_text_only_raises_esma_errors(text: str) -> None:
    """Fuzzed text either gives a constant or an EsmaError; nothing else escapes."""
    try:
        get_constant(text)
    except EsmaError as error:
        assert "\n" not in str(error)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_arbitrary_unicode_only_raises_esma_errors(text: str) -> None:
    """Any unicode, control characters included, is handled without a stray exception."""
    try:
        parse_expression(text, variables=("x",))
    except EsmaError as error:
        assert "\n" not in str(error)


# A NUL byte cannot travel in a command-line argument at all; the parser test above covers it.
@pytest.mark.parametrize(("text", "word"), [case for case in HOSTILE if "\x00" not in case[0]])
def test_hostile_string_on_the_command_line(text: str, word: str, tmp_path, monkeypatch) -> None:
    """Through ``esma expand`` (and ``--lhs``): exit status 2, one line on stderr, no file."""
    from click.testing import CliRunner

    from esma.cli import cli

    monkeypatch.chdir(tmp_path)
    cases = [["expand", text]]
    if text.strip() != "x":  # the one string that is a fine left-hand side
        cases.append(["expand", "e", "--lhs", text])
    for args in cases:
        result = CliRunner().invoke(cli, args)
        lines = result.stderr.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1, (args, result.stderr)
    assert not os.path.exists(PWNED) and list(tmp_path.iterdir()) == []


def _esma(*args: str) -> subprocess.CompletedProcess:
    """``python -m esma ARGS`` with this checkout first on the path, as a user runs it."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "esma", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,  # generous: each takes well under a second (tests/benchmarks/bench_functions.py)
    )


@pytest.mark.parametrize(
    ("text", "word"), NEW_FUNCTIONS_HOSTILE, ids=[repr(t[:30]) for t, _ in NEW_FUNCTIONS_HOSTILE]
)
def test_new_functions_hostile_through_the_cli(text: str, word: str, tmp_path) -> None:
    """``esma expand`` in a process of its own: exit status 2, one line on stderr saying what is
    wrong, nothing on stdout, no file written."""
    result = _esma("expand", text)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert lines[0].startswith("esma: error: ") and word in lines[0], lines[0]
    assert result.stdout == ""


@pytest.mark.parametrize("text", NESTED_VALID, ids=[t[:30] for t in NESTED_VALID])
def test_nested_hypergeometric_constants_are_expanded(text: str) -> None:
    """Nesting is no attack in itself: a nested hypergeometric value is certified like any
    other (the first of these is checked against mpmath in tests/test_functions.py)."""
    result = _esma("expand", text, "--terms", "5", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["certified_terms"] == 5
