"""The prover: proves true records, refutes false ones at the first wrong n, and says why not."""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction
from functools import cache
from math import comb, prod
from pathlib import Path

import pytest

from esma.conjecture import Conjecture, example
from esma.proofcheck import check
from esma.prove import clear_caches, mobius_of_lhs, prove
from esma.recurrence import Recurrence
from esma.search import SearchSpace, run

CATALOGUE = Path(__file__).resolve().parent.parent / "conjectures"


def closed_form_record(
    base: Conjecture, head: list[int], start: int, period: int, polys: list[list]
) -> Conjecture:
    """``base`` with a_n = head[n] for n < start and a_{start + period·m + r} = polys[r](m):
    the recurrence (1 − z^period)^D with the right initial terms."""
    degree = max(len(p) for p in polys)
    charpoly = [0] * (period * degree + 1)
    for i in range(degree + 1):
        charpoly[period * i] = (-1) ** i * comb(degree, i)

    def a(n: int) -> int:
        if n < start:
            return head[n]
        m, r = divmod(n - start, period)
        value = sum(Fraction(c) * m**k for k, c in enumerate(polys[r]))
        assert value.denominator == 1
        return int(value)

    order = len(charpoly) - 1
    rec = Recurrence(tuple(charpoly), start, tuple(a(n) for n in range(start + order)))
    return dataclasses.replace(base, recurrence=rec, a_prefix=tuple(rec.terms(30)))


def as_record(conjecture: Conjecture, proof=None) -> dict:
    proof = proof if proof is not None else prove(conjecture)
    return {**conjecture.to_dict(), "status": proof.status, "proof": proof.certificate}


@cache
def searched(constant: str, periods: str) -> tuple[Conjecture, ...]:
    return tuple(run(SearchSpace.create(constant, coeff=2, periods=periods, depth=100)))


def _sweep(records) -> tuple[int, int, int]:
    proved = refuted = valid = 0
    for conjecture in records:
        proof = prove(conjecture)
        proved += proof.status == "proved"
        refuted += proof.status == "refuted"
        if proof.status == "proved":
            valid += check(as_record(conjecture, proof)).ok
    return proved, refuted, valid


# -- true records ------------------------------------------------------------------------------


def test_worked_example():
    proof = prove(example())
    assert (proof.status, proof.theorem) == ("proved", "Euler 1737")
    cert = proof.certificate
    assert cert["theorem"] == "e" and cert["M"] == [1, -1, 0, 1]
    # e - 1 = [2; 3, 2, 5, 2, 7, ...] with signs (-, +): a_{1+2j} = 3 + 2j, a_{2+2j} = 2.
    assert cert["prefix"] == [2] and cert["E"] == [[3, 2], [2]]
    assert json.loads(json.dumps(cert)) == cert  # JSON-able as it is


def test_e_catalogue_all_proved_and_checked():
    records = [Conjecture.from_dict(json.loads(line), trusted=True)
               for line in (CATALOGUE / "e.jsonl").read_text().splitlines()]  # fmt: skip
    assert len(records) == 1470
    assert _sweep(records) == (1470, 0, 1470)


def test_certificate_does_not_depend_on_the_order_records_are_proved():
    """The induction is cached per tail; each record's certificate must still be a function of
    the record alone, or serial and parallel searches would store different records."""
    records = [Conjecture.from_dict(json.loads(line), trusted=True)
               for line in (CATALOGUE / "e.jsonl").read_text().splitlines()]  # fmt: skip
    clear_caches()
    forward = {c.id: prove(c).certificate for c in records}
    clear_caches()
    backward = {c.id: prove(c).certificate for c in reversed(records)}
    clear_caches()
    alone = {c.id: prove(c).certificate for c in records[::97] if not clear_caches()}
    assert forward == backward
    assert all(forward[key] == cert for key, cert in alone.items())


def test_fresh_search_of_e():
    records = searched("e", "1-4")
    proved, refuted, valid = _sweep(records)
    assert refuted == 0 and valid == proved >= 0.995 * len(records)


@pytest.mark.parametrize(
    "constant", ["tanh(1/2)", "exp(1/4)", "besseli(1,1)/besseli(0,1)", "sqrt(3)"]
)
def test_constants_outside_the_catalogue(constant):
    records = searched(constant, "1-3")
    assert len(records) > 500
    proved, refuted, valid = _sweep(records)
    assert refuted == 0 and valid == proved >= 0.995 * len(records)


def test_lhs_of_the_square():
    # (e² + 1)/(e² − 1) = coth 1 = [1; 3, 5, 7, ...], proved through e² (Hurwitz).
    base = dataclasses.replace(example(), lhs="(x**2 + 1)/(x**2 - 1)", signs=(1,))
    record = closed_form_record(base, [], 0, 1, [[1, 2]])
    proof = prove(record)
    assert proof.status == "proved" and proof.certificate["square"] is True
    assert proof.certificate["theorem"] == "e2"
    assert check(as_record(record, proof)).ok
    # sqrt(e)**2 = e = [2; 1, 2, 1, 1, 4, ...]: through Euler's theorem.
    base = dataclasses.replace(example(), constant="sqrte", lhs="x**2", signs=(1,))
    record = closed_form_record(base, [2], 1, 3, [[1], [2, 2], [1]])
    proof = prove(record)
    assert (proof.status, proof.theorem, proof.certificate["theorem"]) == (
        "proved", "Euler 1737", "e"
    )  # fmt: skip


# -- what stays a conjecture ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"constant": "pi"}, "no theorem for this constant"),
        (
            {"lhs": "x**2 + x"},
            "left-hand side is not a Möbius map of the constant or of its square",
        ),
        ({"lhs": "x**3"}, "left-hand side is not a Möbius map of the constant or of its square"),
        ({"lhs": "sin(x)"}, "left-hand side is not a rational function of the constant"),
        ({"lhs": "x/x"}, "left-hand side does not depend on the constant"),
        ({"constant": "e2", "lhs": "x**2"}, "no theorem for the square of this constant"),
    ],
)
def test_conjectured_with_reason(changes, reason):
    proof = prove(dataclasses.replace(example(), **changes))
    assert (proof.status, proof.reason, proof.certificate) == ("conjectured", reason, None)


def test_no_quasi_polynomial_stays_conjectured():
    fib = Recurrence((1, -1, -1), 0, (2, 3))
    proof = prove(dataclasses.replace(example(), recurrence=fib, a_prefix=tuple(fib.terms(30))))
    assert proof.status == "conjectured"
    assert proof.reason == "the record's closed form is not a quasi-polynomial"


def test_mobius_of_lhs():
    assert mobius_of_lhs("(x - 1)/2") == ((1, -1, 0, 2), False)
    assert mobius_of_lhs("(x**2 - 1)/(x - 1)") == ((1, 1, 0, 1), False)  # x + 1 once reduced
    assert mobius_of_lhs("1/(x**2/3 + 1/2)") == ((0, 6, 2, 3), True)
    assert mobius_of_lhs("x**-1") == ((0, 1, 1, 0), False)


# -- false records are refuted at the first wrong n ------------------------------------------------


def test_changed_lhs_is_refuted():
    # e - 2 = 0.718...: with b_0 = -1, a_0 = ceil(0.718...) = 1.
    proof = prove(dataclasses.replace(example(), lhs="x - 2"))
    assert proof.status == "refuted" and proof.reason == "at n = 0: proven 1, record says 2"


def test_changed_signs_are_refuted():
    proof = prove(dataclasses.replace(example(), signs=(1, -1)))
    assert proof.status == "refuted" and proof.reason.startswith("at n = ")


def test_changed_closed_form_coefficient_is_refuted():
    # e - 1: a_0 = 2, a_{1+2m} = 3 + 2m, a_{2+2m} = 2; say 3 + 3m instead.
    assert prove(closed_form_record(example(), [2], 1, 2, [[3, 2], [2]])).status == "proved"
    proof = prove(closed_form_record(example(), [2], 1, 2, [[3, 3], [2]]))
    assert (proof.status, proof.reason) == ("refuted", "at n = 3: proven 5, record says 6")


def test_changed_head_term_is_refuted():
    proof = prove(closed_form_record(example(), [3], 1, 2, [[3, 2], [2]]))
    assert (proof.status, proof.reason) == ("refuted", "at n = 0: proven 2, record says 3")


def test_wrong_constant_is_refuted():
    proof = prove(dataclasses.replace(example(), constant="e2"))
    assert proof.status == "refuted" and proof.theorem == "Hurwitz 1891"


def test_formula_true_on_100_terms_only_is_refuted():
    # a_{1+2m} = 3 + 2m + prod_{i<50} (m − i): equal to the truth for m < 50, i.e. n < 101.
    poly = [1]  # coefficients of prod_{i<50} (m - i)
    for i in range(50):
        poly = [(poly[k - 1] if k else 0) - i * (poly[k] if k < len(poly) else 0)
                for k in range(len(poly) + 1)]  # fmt: skip
    bump = [3 + poly[0], 2 + poly[1], *poly[2:]]
    record = closed_form_record(example(), [2], 1, 2, [bump, [2]])
    assert record.recurrence.terms(101) == example().recurrence.terms(101)
    proof = prove(record)
    truth = 3 + 2 * 50
    fake = truth + prod(50 - i for i in range(50))
    assert (proof.status, proof.reason) == (
        "refuted", f"at n = 101: proven {truth}, record says {fake}"
    )  # fmt: skip
