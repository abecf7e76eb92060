"""SymPy, PARI/GP and ramanujantools exports, checked by the tools themselves.

Expected values come by independent routes: the catalogue's records (each approved to at least
1000 digits), esma's certified evaluation (python-flint balls) for the translated left-hand
sides, the recurrence's own terms, and exact convergents from :mod:`esma.convergents` for the
contracted matrices. Each exported file is run as its users would run it (``python FILE
--check DIGITS``, ``gp -q FILE``), and a false formula must make each of them fail.
"""

from __future__ import annotations

import io
import runpy
import subprocess
import sys
from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest

from esma.conjecture import PREFIX_TERMS, Conjecture, example
from esma.convergents import convergent_pairs
from esma.errors import InvalidRecord
from esma.evaluation import evaluate
from esma.export import read_jsonl
from esma.expr import parse_expression
from esma.interop import (
    formula_parts,
    gp_expression,
    period_matrix,
    to_sympy,
    write_gp,
    write_ramanujantools,
    write_sympy,
)
from esma.recurrence import Recurrence

CATALOGUE = Path(__file__).resolve().parent.parent / "conjectures"
GP_INSTALL = "Debian: apt-get install pari-gp"


@cache
def catalogue() -> tuple[Conjecture, ...]:
    out: list[Conjecture] = []
    for path in sorted(CATALOGUE.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            out += read_jsonl(fh, name=path.name)
    return tuple(out)


def sample(step: int = 61) -> list[Conjecture]:
    """Every step-th catalogue record: all six constants, heads of every length."""
    return list(catalogue()[::step])


def _write(writer, conjectures, path: Path) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        writer(conjectures, fh)
    return path


def _false_twin(conj: Conjecture) -> Conjecture:
    """The same continued fraction claimed for another left-hand side: a false formula."""
    return Conjecture(
        constant=conj.constant,
        lhs=f"({conj.lhs}) + 1/1000",
        lhs_value=conj.lhs_value,
        signs=conj.signs,
        a_prefix=conj.a_prefix,
        recurrence=conj.recurrence,
        verified_digits=conj.verified_digits,
        convergence_rate=conj.convergence_rate,
    )


def _lines(done: subprocess.CompletedProcess) -> list[str]:
    return done.stdout.strip().splitlines()


def _assert_all_ok(done: subprocess.CompletedProcess, records, digits: int, noun: str) -> None:
    lines = _lines(done)
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])
    assert [line.split()[1] for line in lines[:-1]] == [c.id for c in records]
    assert all(line.startswith("ok ") for line in lines[:-1])
    count = len(records)
    assert (
        lines[-1]
        == f"{count} of {count} {noun} agree with their left-hand sides to {digits} digits"
    )


# -- translation ----------------------------------------------------------------------------------

#: Every function and named constant of esma's expression language at least once.
EXPRESSIONS = [
    "(2*e + 1)/(e - 1)",
    "exp(1/3) - 2**(-2/3)",
    "log(2) + sqrt(2)*sin(1)*cos(1)/tan(1)",
    "atan(1/2) - sinh(1) + cosh(1)/tanh(1)",
    "gamma(1/3) + zeta(3)",
    "besseli(1, 2)/besseli(0, 2) - besselj(0, 1)",
    "pi**2/6 - catalan*euler_gamma",
    "phi**(1/2) - (-e2)/(2*sqrte - 1)",
    "tan1 + log2 + zeta3 + sqrt2 + e13**3 + besselratio",
]


def _close(text: str, ball, digits: int) -> bool:
    from flint import arb, ctx

    with ctx.workprec(4 * digits):  # arb parses decimal text at the working precision
        return bool(abs(arb(text) - ball) < arb(10) ** -digits)


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_to_sympy_agrees_with_the_certified_value(text):
    tree = parse_expression(text)
    value = to_sympy(tree).evalf(60)
    assert _close(str(value), evaluate(tree, 300), 50), (text, value)


def test_gp_expressions_agree_with_the_certified_values(need_tool):
    need_tool("gp", install=GP_INSTALL)
    script = "default(realprecision, 80);\n" + "".join(
        f"print({gp_expression(parse_expression(t))});\n" for t in EXPRESSIONS
    )
    done = subprocess.run(
        ["gp", "-q", "-f"], input=script + "quit;\n", capture_output=True, text=True, timeout=60
    )
    values = done.stdout.split()
    assert done.returncode == 0 and len(values) == len(EXPRESSIONS), done.stderr
    for text, value in zip(EXPRESSIONS, values, strict=True):
        assert _close(value.replace(" E", "e"), evaluate(parse_expression(text), 300), 70), text


def test_formula_parts_come_from_the_structured_fields():
    """A head of 14 terms (the longest in the catalogue) is all there, then the closed form."""
    conj = max(catalogue(), key=lambda c: c.quasi_polynomial.start)
    parts = formula_parts(conj)
    assert parts.start == conj.quasi_polynomial.start == 14
    assert parts.head == tuple(conj.a_prefix[:14])
    assert [parts.term(n) for n in range(PREFIX_TERMS)] == list(conj.a_prefix)


def test_a_record_without_closed_form_is_refused():
    fibonacci = Recurrence(charpoly=(1, -1, -1), start=0, initial=(1, 1))
    conj = Conjecture("e", "x", "2.718281828459045235360287471352662497757", (1,),
                      tuple(fibonacci.terms(PREFIX_TERMS)), fibonacci, 1000, 1.0)  # fmt: skip
    for writer in (write_sympy, write_gp, write_ramanujantools):
        with pytest.raises(InvalidRecord, match=rf"record {conj.id} has no closed form in m"):
            writer([conj], io.StringIO())


# -- SymPy ----------------------------------------------------------------------------------------


def test_sympy_file_rebuilds_every_catalogue_record(tmp_path):
    """The objects the file builds are esma's: lhs, head, one polynomial per class, signs."""
    import sympy

    records = catalogue()
    module = runpy.run_path(str(_write(write_sympy, records, tmp_path / "formulas.py")))
    formulas = module["FORMULAS"]
    m = module["m"]
    assert len(formulas) == len(records)
    for f, conj in zip(formulas, records, strict=True):
        parts = formula_parts(conj)
        assert f.id == conj.id and f.signs == conj.signs and f.head == parts.head
        assert f.lhs == to_sympy(parts.lhs_expr), conj.id
        for poly, coeffs in zip(f.polys, parts.polys, strict=True):
            expected = sum(
                sympy.Rational(c.numerator, c.denominator) * m**k for k, c in enumerate(coeffs)
            )
            assert sympy.expand(poly - expected) == 0, conj.id
        assert f.terms(PREFIX_TERMS) == list(conj.a_prefix), conj.id


def test_closed_form_is_a_piecewise_in_n_that_gives_every_term(tmp_path):
    records = sample(211)
    module = runpy.run_path(str(_write(write_sympy, records, tmp_path / "formulas.py")))
    n = module["n"]
    for f, conj in zip(module["FORMULAS"], records, strict=True):
        piecewise = f.closed_form()
        assert [piecewise.subs(n, k) for k in range(PREFIX_TERMS)] == list(conj.a_prefix)


def test_sympy_export_of_the_catalogue_passes_its_own_check(tmp_path):
    records = catalogue()
    path = _write(write_sympy, records, tmp_path / "formulas.py")
    done = subprocess.run(
        [sys.executable, str(path), "--check", "100"], capture_output=True, text=True, timeout=1200
    )
    _assert_all_ok(done, records, 100, "formulas")


# -- PARI/GP --------------------------------------------------------------------------------------


@pytest.fixture
def gp(need_tool):
    """``gp(path)``: run a GP script as its users would, ``gp -q FILE``."""
    need_tool("gp", install=GP_INSTALL)

    def run(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["gp", "-q", str(path)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=1200,
        )

    return run


def test_gp_script_of_the_catalogue_passes_under_gp(tmp_path, gp):
    records = catalogue()
    done = gp(_write(write_gp, records, tmp_path / "formulas.gp"))
    _assert_all_ok(done, records, 100, "formulas")


def test_gp_script_counts_an_error_as_a_failure(tmp_path, gp):
    """a_n = 0 from n = 1 on: every convergent divides by zero, and GP's error is a FAIL."""
    zeros = Recurrence(charpoly=(1, -1), start=1, initial=(1, 0))
    conj = Conjecture("e", "x", "2.718281828459045235360287471352662497757", (1,),
                      tuple(zeros.terms(PREFIX_TERMS)), zeros, 1000, 1.0)  # fmt: skip
    done = gp(_write(write_gp, [example(), conj], tmp_path / "formulas.gp"))
    lines = _lines(done)
    assert done.returncode == 1
    assert lines[0].startswith(f"ok {example().id}")
    assert lines[1].startswith(f"FAIL {conj.id}: e_INV")
    assert lines[-1] == "1 of 2 formulas agree with their left-hand sides to 100 digits"


# -- ramanujantools -------------------------------------------------------------------------------


def _steps(terms: list[int], signs: tuple[int, ...], count: int):
    """[[p_{n-2}, p_{n-1}], [q_{n-2}, q_{n-1}]] after the steps n = 0 … count − 1, multiplied
    out one by one from [[0, 1], [1, 0]] (b_{-1} = 1)."""
    p0, p1, q0, q1 = 0, 1, 1, 0
    for n in range(count):
        b = 1 if n == 0 else signs[(n - 1) % len(signs)]
        p0, p1, q0, q1 = p1, terms[n] * p1 + b * p0, q1, terms[n] * q1 + b * q0
    return (p0, p1), (q0, q1)


def test_period_matrix_is_the_product_of_the_steps():
    """Head and steps against the 2×2 step matrices multiplied out from the recurrence's own
    terms, and the walk's p/q against esma's convergents."""
    for conj in sample(37):
        pm = period_matrix(conj)
        terms = conj.recurrence.terms(pm.first + 4 * pm.period)
        pairs = list(convergent_pairs(terms, conj.signs))
        assert pm.head == _steps(terms, conj.signs, pm.first), conj.id
        walked = pm.head
        for m in range(4):
            (a, b), (c, d) = pm.at(m)
            (p0, p1), (q0, q1) = walked
            walked = ((p0 * a + p1 * c, p0 * b + p1 * d), (q0 * a + q1 * c, q0 * b + q1 * d))
            end = pm.first + (m + 1) * pm.period
            assert walked == _steps(terms, conj.signs, end), (conj.id, m)
            assert (walked[0][1], walked[1][1]) == pairs[end - 1], (conj.id, m)


def test_ramanujantools_objects_walk_to_esmas_convergents(tmp_path, need_module):
    """The file's Matrix objects, walked by ramanujantools itself (Matrix.limit with the head
    as initial values), give exactly esma's convergents."""
    rt = need_module("ramanujantools")
    records = sample(97)
    module = runpy.run_path(str(_write(write_ramanujantools, records, tmp_path / "rt.py")))
    for f, conj in zip(module["FORMULAS"], records, strict=True):
        assert isinstance(f.step, rt.Matrix) and isinstance(f.head, rt.Matrix)
        pairs = list(convergent_pairs(conj.recurrence.terms(f.first + 3 * f.period), conj.signs))
        for steps in (1, 2, 3):
            p, q = pairs[f.first + steps * f.period - 1]
            limit = f.limit(steps)
            assert isinstance(limit, rt.Limit)
            assert Fraction(int(limit.p()), int(limit.q())) == Fraction(p, q), (conj.id, steps)


def test_ramanujantools_limits_of_the_catalogue_agree_to_50_digits(tmp_path, need_module):
    need_module("ramanujantools")
    records = catalogue()
    path = _write(write_ramanujantools, records, tmp_path / "rt.py")
    done = subprocess.run(
        [sys.executable, str(path), "--check", "50"], capture_output=True, text=True, timeout=1200
    )
    _assert_all_ok(done, records, 50, "limits")


# -- a false formula fails everywhere -------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["sympy", "gp", "ramanujantools"])
def test_a_false_formula_fails_the_check(tmp_path, fmt, request):
    true = sample()[3]
    false = _false_twin(true)
    if fmt == "gp":
        done = request.getfixturevalue("gp")(_write(write_gp, [true, false], tmp_path / "f.gp"))
    else:
        if fmt == "ramanujantools":
            request.getfixturevalue("need_module")("ramanujantools")
        writer = write_sympy if fmt == "sympy" else write_ramanujantools
        path = _write(writer, [true, false], tmp_path / "f.py")
        done = subprocess.run(
            [sys.executable, str(path), "--check", "40"],
            capture_output=True,
            text=True,
            timeout=300,
        )
    lines = _lines(done)
    assert done.returncode == 1, done.stderr
    assert lines[0].startswith(f"ok {true.id}")
    assert lines[1].startswith(f"FAIL {false.id}: differs by ")
    assert lines[-1].startswith("1 of 2 ")


def test_exported_python_files_need_digits_in_range(tmp_path):
    path = _write(write_sympy, [example()], tmp_path / "f.py")
    done = subprocess.run(
        [sys.executable, str(path), "--check", "0"], capture_output=True, text=True
    )
    assert done.returncode == 2 and "--check: 0 must be an integer from 1" in done.stderr
    listed = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert listed.returncode == 0 and listed.stdout.startswith("1 formulas;")
