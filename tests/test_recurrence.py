"""find_recurrence, Recurrence and QuasiPolynomial: planted recurrences, worked examples, records.

Where expected values come from: continued-fraction terms are computed here with python-flint
``arb`` balls (every term certified: ``floor().unique_fmpz()`` is None when a ball straddles an
integer), and compared with worked examples (the published reference's own tests and
classical results: Euler for e, e/(e-2) from the authors' tests, I0(2)/I1(2) =
[1; 2, 3, ...]). Property tests plant a recurrence and check that it (or a smaller one) comes back.
"""

from __future__ import annotations

import json
import random
from fractions import Fraction
from itertools import islice

import flint
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from esma.errors import InvalidParameter, InvalidRecord
from esma.massey import find_recurrence
from esma.recurrence import QuasiPolynomial, Recurrence


def signed_cf(x: flint.arb, signs: list[int], n: int) -> list[int]:
    """First n partial denominators of x with b_k = signs[k % len(signs)] (the signed
    expansion: a_k = floor(x_k) if b_k = +1 else ceil(x_k); x_{k+1} = b_k / (x_k - a_k)), all certified."""
    out = []
    for k in range(n):
        b = signs[k % len(signs)]
        a = x.floor().unique_fmpz() if b == 1 else -((-x).floor().unique_fmpz())
        assert a is not None, "increase the precision"
        out.append(int(a))
        x = b / (x - a)
    return out


@pytest.fixture(scope="module")
def arb_prec():
    old = flint.ctx.prec
    flint.ctx.prec = 4000
    yield
    flint.ctx.prec = old


def _planted_terms(charpoly, head_and_seed, n):
    """a_0.. a_{n-1}: the given first s + L terms, then a_k = -sum_j c_j a_{k-j}."""
    out = list(head_and_seed[:n])
    L = len(charpoly) - 1
    while len(out) < n:
        k = len(out)
        out.append(-sum(charpoly[j] * out[k - j] for j in range(1, L + 1)))
    return out


# ---- worked examples --------------------------------------------------------------------------


def test_e_regular_cf(arb_prec):
    """e = [2; 1, 2, 1, 1, 4, 1, 1, 6, ...] (Euler 1737): 60 terms from arb, cross-checked
    against the pattern. Recurrence from s = 1 with charpoly (1 - z^3)^2, closed form
    a_{1+3m} = 1, a_{2+3m} = 2 + 2m, a_{3+3m} = 1."""
    e = flint.arb.const_e()
    seq = signed_cf(e, [1], 60)
    assert seq == ([2] + [x for k in range(1, 21) for x in (1, 2 * k, 1)])[:60]
    rec = find_recurrence(seq)
    assert rec == Recurrence((1, 0, 0, -2, 0, 0, 1), 1, (2, 1, 2, 1, 1, 4, 1))
    assert rec.terms(60) == seq
    assert rec.formula() == "a(n) = 2*a(n-3) - a(n-6) for n >= 7"
    qp = rec.quasi_polynomial()
    assert qp == QuasiPolynomial(1, 3, ((1,), (2, 2), (1,)))
    assert qp.formula() == "a(1+3m) = 1, a(2+3m) = 2 + 2m, a(3+3m) = 1"
    assert qp.latex() == (
        r"a_{1+3m} = 1,\allowbreak\ a_{2+3m} = 2m + 2,\allowbreak\ a_{3+3m} = 1"
    )  # inline: a line may break between classes
    assert [qp.term(n) for n in range(1, 60)] == seq[1:]


def test_e_over_e_minus_1_signs_plus_minus(arb_prec):
    """e/(e-1) with signs [1, -1] gives 1, 2, 3, 2, 5, 2, 7, ... and a_n = 2a_{n-2} - a_{n-4}
    (the published reference's own tests), i.e. a_{2m} = 1 + 2m, a_{1+2m} = 2."""
    e = flint.arb.const_e()
    seq = signed_cf(e / (e - 1), [1, -1], 40)
    assert seq[:7] == [1, 2, 3, 2, 5, 2, 7]
    rec = find_recurrence(seq)
    assert rec.charpoly == (1, 0, -2, 0, 1) and rec.start == 0
    assert rec.formula() == "a(n) = 2*a(n-2) - a(n-4) for n >= 4"
    assert rec.quasi_polynomial() == QuasiPolynomial(0, 2, ((1, 2), (2,)))


def test_e_over_e_minus_2(arb_prec):
    """e/(e-2) = [3; 1, 3, 1, 1, 1, 3, 3, 3, 1, 3, 1, ...] with charpoly 1 - z^3 - z^6 + z^9
    (from the published reference's own tests), from s = 0; (1-z^3)^2 (1+z^3) has cyclotomic indices
    1, 2, 3, 6, so the closed form has period 6 and degree 1."""
    e = flint.arb.const_e()
    seq = signed_cf(e / (e - 2), [1], 80)
    assert seq[:12] == [3, 1, 3, 1, 1, 1, 3, 3, 3, 1, 3, 1]
    rec = find_recurrence(seq)
    assert rec.charpoly == (1, 0, 0, -1, 0, 0, -1, 0, 0, 1) and rec.start == 0
    assert rec.terms(80) == seq
    qp = rec.quasi_polynomial()
    assert qp == QuasiPolynomial(0, 6, ((3,), (1, 2), (3,), (1,), (1, 2), (1,)))
    # Longer than the data it came from: check against a fresh, longer certified expansion.
    longer = signed_cf(e / (e - 2), [1], 150)
    assert [qp.term(n) for n in range(150)] == longer


def test_bessel_ratio(arb_prec):
    """I0(2)/I1(2) = [1; 2, 3, 4, ...] (Lehmer 1973): a_n = n + 1, charpoly (1 - z)^2."""
    two = flint.arb(2)
    seq = signed_cf(two.bessel_i(0) / two.bessel_i(1), [1], 40)
    assert seq == list(range(1, 41))
    rec = find_recurrence(seq)
    assert rec == Recurrence((1, -2, 1), 0, (1, 2))
    assert rec.quasi_polynomial() == QuasiPolynomial(0, 1, ((1, 1),))
    assert rec.quasi_polynomial().formula() == "a(m) = 1 + m"


def test_fibonacci_is_not_quasi_polynomial():
    """Fibonacci: charpoly 1 - z - z^2, roots (1 +- sqrt 5)/2 are not roots of unity."""
    fib = [0, 1]
    while len(fib) < 30:
        fib.append(fib[-1] + fib[-2])
    rec = find_recurrence(fib)
    assert rec == Recurrence((1, -1, -1), 0, (0, 1))
    assert rec.quasi_polynomial() is None
    assert rec.formula() == "a(n) = a(n-1) + a(n-2) for n >= 2"


def test_big_integers():
    """2**100 * n: second differences vanish, so charpoly (1 - z)^2 and a_m = 2**100 m;
    (10**60)**n: charpoly 1 - 10**60 z (coefficient needs 7 primes to lift);
    (10**200)**n + n: charpoly (1 - 10**200 z)(1 - z)^2, beyond the prime budget, so the exact
    rational fallback finds it."""
    seq = [2**100 * n for n in range(20)]
    rec = find_recurrence(seq)
    assert rec == Recurrence((1, -2, 1), 0, (0, 2**100))
    assert rec.quasi_polynomial() == QuasiPolynomial(0, 1, ((0, 2**100),))
    assert find_recurrence([(10**60) ** n for n in range(12)]).charpoly == (1, -(10**60))
    q = 10**200
    rec = find_recurrence([q**n + n for n in range(12)])
    assert rec.charpoly == (1, -(q + 2), 2 * q + 1, -q) and rec.start == 0


def test_random_sequence_gives_none():
    """200 random integers (seeded) have linear complexity ~100: nothing is confirmed."""
    rng = random.Random(2023)
    assert find_recurrence([rng.randint(-(10**9), 10**9) for _ in range(200)]) is None
    assert find_recurrence([rng.randint(0, 1) for _ in range(200)]) is None


def test_short_constant_and_zero_sequences():
    """Confirmation needs s + 2L + min_confirm terms: a constant (L = 1) needs 6, zeros (L = 0)
    need 4. A rational-only recurrence (2**20, 2**19, ..., 1: a_n = a_{n-1}/2) is no integer one."""
    assert find_recurrence([1]) is None
    assert find_recurrence([1, 2]) is None
    assert find_recurrence([7] * 5) is None
    assert find_recurrence([7] * 6) == Recurrence((1, -1), 0, (7,))
    assert find_recurrence([7] * 5, min_confirm=3) == Recurrence((1, -1), 0, (7,))
    zeros = find_recurrence([0] * 4)
    assert zeros == Recurrence((1,), 0, ())
    assert zeros.terms(3) == [0, 0, 0] and zeros.formula() == "a(n) = 0 for n >= 0"
    assert zeros.quasi_polynomial() == QuasiPolynomial(0, 1, ((0,),))
    assert find_recurrence([0] * 3) is None
    assert find_recurrence([3, 0, 0, 0, 0, 0]) == Recurrence((1,), 1, (3,))
    assert find_recurrence([2 ** (20 - k) for k in range(21)]) is None
    const = Recurrence((1, -1), 0, (7,)).quasi_polynomial()
    assert const == QuasiPolynomial(0, 1, ((7,),))


def test_irregular_head():
    """Ten arbitrary terms, then 5, 5, 5, ...: charpoly 1 - z from the first 5 on (s <= 10;
    s < 10 only if the head happens to end in 5s)."""
    head = [9, -4, 17, 0, 3, 8, 1, 1, 2, 6]
    rec = find_recurrence(head + [5] * 30)
    assert rec == Recurrence((1, -1), 10, tuple(head) + (5,))


def test_smallest_period():
    """A non-minimal charpoly 1 - z^2 on a constant sequence still gives period 1; with two
    different values period 2 (lcm of cyclotomic indices 1, 2)."""
    assert Recurrence((1, 0, -1), 0, (4, 4)).quasi_polynomial() == QuasiPolynomial(0, 1, ((4,),))
    assert Recurrence((1, 0, -1), 0, (1, 2)).quasi_polynomial() == QuasiPolynomial(
        0, 2, ((1,), (2,))
    )


def test_triangular_numbers_fractions():
    """n(n+1)/2: charpoly (1 - z)^3, closed form m/2 + m^2/2 (non-integer coefficients)."""
    rec = find_recurrence([n * (n + 1) // 2 for n in range(20)])
    assert rec.charpoly == (1, -3, 3, -1)
    qp = rec.quasi_polynomial()
    assert qp.polys == ((0, Fraction(1, 2), Fraction(1, 2)),)
    assert qp.formula() == "a(m) = (1/2)m + (1/2)m**2"
    assert qp.latex() == r"a_{m} = \frac{1}{2}m^{2} + \frac{1}{2}m"
    assert qp.to_dict() == {"start": 0, "period": 1, "polys": [[0, "1/2", "1/2"]]}


# ---- properties ---------------------------------------------------------------------------------


@st.composite
def planted(draw):
    """(charpoly, start, seed terms): random small C with C(0) = 1 and c_L != 0, a random
    irregular head of length s, and random (sometimes huge) seed terms."""
    L = draw(st.integers(0, 5))
    coeffs = draw(st.lists(st.integers(-3, 3), min_size=L, max_size=L))
    if L:
        coeffs[-1] = coeffs[-1] or draw(st.sampled_from([-1, 1, 2]))
    s = draw(st.integers(0, 4))
    size = draw(st.sampled_from([10, 10**6, 10**50]))
    seed = draw(st.lists(st.integers(-size, size), min_size=s + L, max_size=s + L))
    return (1, *coeffs), s, seed


@given(planted(), st.integers(0, 10))
@example(((1, 0, 0, -2, 0, 0, 1), 1, [2, 1, 2, 1, 1, 4, 1]), 0)  # e's CF (Euler)
@example(((1, -1), 3, [0, 0, 0, 0]), 0)  # the head coincides with the tail: s shrinks to 0
@example(((1,), 2, [5, 0]), 0)  # head then zeros
@settings(max_examples=120, deadline=None)
def test_planted_recurrence_comes_back(plant, extra):
    """With n >= 2 (s + L) + 4 terms the minimal register is unique, so find_recurrence must
    return a recurrence of order <= L and start <= s that regenerates every term exactly."""
    charpoly, s, seed = plant
    L = len(charpoly) - 1
    n = 2 * (s + L) + 4 + extra
    seq = _planted_terms(charpoly, seed, n)
    rec = find_recurrence(seq)
    assert rec is not None
    assert rec.order <= L and rec.start <= s
    assert rec.terms(n) == seq
    assert list(islice(rec.iter_terms(), n)) == seq
    assert Recurrence.from_dict(json.loads(json.dumps(rec.to_dict()))) == rec
    qp = rec.quasi_polynomial()
    if qp is not None:
        assert qp.start == rec.start
        assert [qp.term(k) for k in range(rec.start, n)] == seq[rec.start :]
        assert QuasiPolynomial.from_dict(json.loads(json.dumps(qp.to_dict()))) == qp


@st.composite
def quasi_polys(draw):
    """Random integer-valued quasi-polynomials: period 1..4, each class c0 + c1 m + c2 m(m-1)/2."""
    period = draw(st.integers(1, 4))
    polys = []
    for _ in range(period):
        c0, c1, c2 = (draw(st.integers(-5, 5)) for _ in range(3))
        polys.append([Fraction(c0), Fraction(c1) - Fraction(c2, 2), Fraction(c2, 2)])
    return period, polys


@given(quasi_polys())
@settings(max_examples=60, deadline=None)
def test_quasi_polynomial_comes_back(qp_data):
    """Terms of a random quasi-polynomial -> find_recurrence -> quasi_polynomial() gives the
    same values, with a period dividing the planted one (smaller when classes coincide)."""
    period, polys = qp_data
    n = 2 * 3 * period + 10  # order <= 3 * period (charpoly divides (1 - z^period)^3)
    seq = [
        int(sum(c * (k // period) ** i for i, c in enumerate(polys[k % period]))) for k in range(n)
    ]
    rec = find_recurrence(seq)
    assert rec is not None
    qp = rec.quasi_polynomial()
    assert qp is not None and period % qp.period == 0
    assert [qp.term(k) for k in range(rec.start, n)] == seq[rec.start :]


@given(st.lists(st.integers(-(10**30), 10**30), min_size=1, max_size=30))
@settings(max_examples=60, deadline=None)
def test_found_recurrences_always_hold(seq):
    """Whatever comes back (usually None for random data) regenerates the input exactly and is
    confirmed by the documented count len(seq) >= s + 2L + 4."""
    rec = find_recurrence(seq)
    if rec is not None:
        assert rec.terms(len(seq)) == seq
        assert len(seq) >= rec.start + 2 * rec.order + 4


# ---- records ------------------------------------------------------------------------------------


def test_record_round_trips():
    """to_dict is plain JSON (ints, 'p/q' strings) and from_dict inverts it."""
    rec = Recurrence((1, 0, 0, -2, 0, 0, 1), 1, (2, 1, 2, 1, 1, 4, 1))
    d = rec.to_dict()
    assert d == {"charpoly": [1, 0, 0, -2, 0, 0, 1], "start": 1, "initial": [2, 1, 2, 1, 1, 4, 1]}
    assert Recurrence.from_dict(json.loads(json.dumps(d))) == rec
    qp = QuasiPolynomial(0, 2, ((0, Fraction(1, 2), Fraction(-1, 2)), (10**40,)))
    d = qp.to_dict()
    assert d == {"start": 0, "period": 2, "polys": [[0, "1/2", "-1/2"], [10**40]]}
    assert QuasiPolynomial.from_dict(json.loads(json.dumps(d))) == qp


GOOD_REC = {"charpoly": [1, -1], "start": 1, "initial": [3, 5]}


@pytest.mark.parametrize(
    "bad",
    [
        None,
        [1, -1],
        {"charpoly": [1, -1], "start": 1},
        {**GOOD_REC, "extra": 1},
        {**GOOD_REC, "charpoly": [2, -1]},
        {**GOOD_REC, "charpoly": []},
        {**GOOD_REC, "charpoly": [1, -1, 0], "initial": [3, 5, 5]},
        {**GOOD_REC, "charpoly": [1, -1.0]},
        {**GOOD_REC, "charpoly": [1, "-1"]},
        {**GOOD_REC, "charpoly": [True, -1]},
        {**GOOD_REC, "charpoly": "1,-1"},
        {**GOOD_REC, "start": -1},
        {**GOOD_REC, "start": 1.0},
        {**GOOD_REC, "start": "1"},
        {**GOOD_REC, "initial": [3]},
        {**GOOD_REC, "initial": [3, 5, 5]},
        {**GOOD_REC, "initial": [3, None]},
    ],
)
def test_recurrence_from_dict_rejects_garbage(bad):
    """Each record breaks one rule of the documented format."""
    with pytest.raises(InvalidRecord) as info:
        Recurrence.from_dict(bad)
    assert "\n" not in str(info.value)


GOOD_QP = {"start": 0, "period": 2, "polys": [[1], [2, 2]]}


@pytest.mark.parametrize(
    "bad",
    [
        None,
        {"start": 0, "period": 2},
        {**GOOD_QP, "more": 0},
        {**GOOD_QP, "period": 3},
        {**GOOD_QP, "period": 0, "polys": []},
        {**GOOD_QP, "start": -2},
        {**GOOD_QP, "start": True},
        {**GOOD_QP, "polys": [[1], []]},
        {**GOOD_QP, "polys": [[1], [2, 0]]},  # untrimmed
        {**GOOD_QP, "polys": [[1], ["1/2"]]},  # not integer-valued
        {**GOOD_QP, "polys": [[1], ["1/0"]]},
        {**GOOD_QP, "polys": [[1], ["abc"]]},
        {**GOOD_QP, "polys": [[1], [1.5]]},
        {**GOOD_QP, "polys": [[1], "2"]},
        {**GOOD_QP, "polys": "[[1], [2]]"},
    ],
)
def test_quasi_polynomial_from_dict_rejects_garbage(bad):
    """Each record breaks one rule of the documented format."""
    with pytest.raises(InvalidRecord):
        QuasiPolynomial.from_dict(bad)


def test_constructors_reject_inconsistent_objects():
    """Direct construction checks the same rules, raising InvalidParameter."""
    with pytest.raises(InvalidParameter, match="initial"):
        Recurrence((1, -1), 0, ())
    with pytest.raises(InvalidParameter, match="charpoly"):
        Recurrence((1, 0), 0, (1,))
    with pytest.raises(InvalidParameter, match="polys"):
        QuasiPolynomial(0, 1, ((Fraction(1, 3),),))
    with pytest.raises(InvalidParameter, match="n must"):
        QuasiPolynomial(2, 1, ((1,),)).term(1)
    with pytest.raises(InvalidParameter, match="n must"):
        Recurrence((1,), 0, ()).terms(-1)


def test_fraction_text_with_a_trailing_newline_is_refused():
    """'1/2\\n' is not the "p/q" form of a record (a regex '$' would let it through)."""
    from esma.errors import InvalidRecord
    from esma.recurrence import QuasiPolynomial

    with pytest.raises(InvalidRecord):
        QuasiPolynomial.from_dict({"start": 0, "period": 1, "polys": [[0, "1/2\n", "1/2"]]})
