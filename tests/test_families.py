"""Families, value classes and the classical library, checked by independent routes.

The expected counts for e (Möbius left-hand sides with |coefficients| ≤ 2, sign periods 1–4:
``conjectures/e.jsonl`` is exactly that search) and for the whole catalogue were measured
independently when issue 13 was filed: 1,470 records, 88 values, 8 value classes, 68 tails for
e; 8,416 records, 525 values, 53 value classes and 420 tails for the catalogue. Here every count
is also recomputed by a route that shares no code with :mod:`esma.families`: pair sequences
regenerated from the recurrences and compared over long windows, and certified regular continued
fractions compared tail to tail.
"""

from __future__ import annotations

import itertools
import json
import random
from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esma.classical import THEOREM_INSTANCES, classical_for, classical_formulas
from esma.conjecture import Conjecture
from esma.errors import InvalidRecord
from esma.expansion import regular_cf, signed_expansion
from esma.families import (
    RATE_MARGIN,
    Family,
    assign,
    families,
    funnel,
    place,
    value_classes,
)
from esma.recurrence import Recurrence
from esma.tails import Tail, det
from esma.tails import place as place_tail
from esma.transforms import lhs_value
from esma.valueclasses import (
    arithmetic,
    class_key,
    lhs_polynomials,
    quadratic_cf,
    value_key,
)

CATALOGUE = Path(__file__).resolve().parent.parent / "conjectures"
CONSTANTS = ("e", "e2", "tan1", "besselratio", "sqrte", "e13")


@cache
def records(name: str) -> tuple[dict, ...]:
    with (CATALOGUE / f"{name}.jsonl").open(encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh)


@cache
def e_families() -> tuple[Family, ...]:
    return tuple(families(records("e")))


@cache
def catalogue_families() -> tuple[Family, ...]:
    return tuple(families([r for name in CONSTANTS for r in records(name)]))


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, x, y) -> None:
        self.parent[self.find(x)] = self.find(y)

    def blocks(self) -> set[frozenset]:
        out: dict = {}
        for x in list(self.parent):
            out.setdefault(self.find(x), set()).add(x)
        return {frozenset(b) for b in out.values()}


def moebius(lhs: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """((a, b), (c, d)) of a Möbius left-hand side (a·x + b)/(c·x + d)."""
    num, den = lhs_polynomials(lhs)
    num, den = num + (0,) * (2 - len(num)), den + (0,) * (2 - len(den))
    return (num[1], num[0]), (den[1], den[0])


# -- families on e ---------------------------------------------------------------------------


def test_families_partition_the_records():
    fams = e_families()
    ids = [m.id for f in fams for m in f.members]
    assert len(ids) == len(set(ids)) == len(records("e")) == 1470
    assert set(ids) == {r["id"] for r in records("e")}
    for f in fams:
        assert f.members[0].id == f.representative
        assert {m.family for m in f.members} == {f.key}
        assert f.members[0].transform == ((1, 0), (0, 1))


def test_family_count_equals_independent_tail_count_on_e():
    """Independent route: regenerate each record's terms from its recurrence and compare the
    pair sequences (a_n, b_n) over windows of 60 pairs, for every shift of up to 300 terms past
    index 40. Every start in the file is below 40 and every order below 30, so two records that
    share a window share a tail (their difference satisfies a recurrence of order ≤ 60), and two
    records whose tails coincide at any offset below 300 share a window."""
    start, window, shifts = 40, 60, 300
    by_window: dict[tuple, str] = {}
    uf = UnionFind()
    for r in records("e"):
        rec = Recurrence.from_dict(r["recurrence"])
        assert rec.start < start and rec.order < window // 2
        terms = rec.terms(start + shifts + window)
        signs = r["signs"]
        pairs = [(a, signs[n % len(signs)]) for n, a in enumerate(terms)]
        uf.find(r["id"])
        for i in range(start, start + shifts):
            w = tuple(pairs[i : i + window])
            if w in by_window:
                uf.union(r["id"], by_window[w])
            else:
                by_window[w] = r["id"]
    independent = uf.blocks()
    ours = {frozenset(m.id for m in f.members) for f in e_families()}
    assert len(independent) == 68
    assert ours == independent


def test_largest_family_of_e():
    """26 heads × 4 rotations of the sign period +++-: 104 records of one continued fraction."""
    sizes = sorted(len(f.members) for f in e_families())
    assert sizes[-1] == 104
    biggest = max(e_families(), key=lambda f: (len(f.members), f.key))
    rotations = {m.signs for m in biggest.members}
    assert len(rotations) == 4 and all(sorted(s) == [-1, 1, 1, 1] for s in rotations)
    assert len({m.lhs for m in biggest.members}) == 26


def test_every_transform_maps_the_representative_to_the_member_exactly():
    """M is unimodular and M·L_rep is a scalar multiple of L_member, where L is the Möbius
    matrix of the left-hand side: then y_member = M(y_rep) for every value of the constant."""
    for f in e_families():
        rep = moebius(f.members[0].lhs)
        for m in f.members:
            assert det(m.transform) in (1, -1)
            (p, q), (r, s) = m.transform
            (a, b), (c, d) = rep
            image = ((p * a + q * c, p * b + q * d), (r * a + s * c, r * b + s * d))
            target = moebius(m.lhs)
            flat_i, flat_t = [v for row in image for v in row], [v for row in target for v in row]
            # proportional: every 2x2 minor of the pair of vectors vanishes
            assert all(
                flat_i[i] * flat_t[j] == flat_i[j] * flat_t[i] for i in range(4) for j in range(4)
            ), (m.id, m.transform)


def test_every_transform_agrees_with_ball_arithmetic_to_250_digits():
    """The same, numerically: M(y_rep) and y_member computed with python-flint balls at 900
    bits agree to 250 digits."""
    from flint import arb, ctx

    from esma.constants import get_constant

    old = ctx.prec
    try:
        ctx.prec = 900
        x = get_constant("e").arb(900)

        def value(lhs: str):
            (a, b), (c, d) = moebius(lhs)
            return (a * x + b) / (c * x + d)

        for f in e_families():
            y_rep = value(f.members[0].lhs)
            for m in f.members:
                (p, q), (r, s) = m.transform
                diff = (p * y_rep + q) / (r * y_rep + s) - value(m.lhs)
                assert abs(diff) < arb(10) ** -250, m.id
    finally:
        ctx.prec = old


def test_value_classes_equal_regular_cf_tail_classes_on_e():
    """Independent route: the certified regular continued fraction of every value (400 terms),
    tails compared over windows of 40 terms at shifts of up to 150 past index 20."""
    lhs_by_value = {}
    for r in records("e"):
        lhs_by_value.setdefault(value_key("e", r["lhs"]), r["lhs"])
    assert len(lhs_by_value) == 88
    uf, by_window = UnionFind(), {}
    for lhs in lhs_by_value.values():
        terms = regular_cf(lhs_value("e", lhs), 400).terms
        uf.find(lhs)
        for i in range(20, 170):
            w = terms[i : i + 40]
            if w in by_window:
                uf.union(lhs, by_window[w])
            else:
                by_window[w] = lhs
    independent = uf.blocks()
    classes = value_classes(e_families())
    assert len(classes) == len(independent) == 8
    ours = {frozenset(lhs_by_value[v] for v in c.values) for c in classes}
    assert ours == independent
    assert all(c.route == "identity" and c.complete for c in classes)


def test_each_family_lies_in_one_value_class():
    """Members are related by unimodular maps, so the value-class keys (computed from each
    left-hand side alone) agree within every family: no class needed merging."""
    for f in catalogue_families():
        assert {m.value_class for m in f.members} == {f.value_class}


# -- incremental ------------------------------------------------------------------------------


def _full(fams) -> list[dict]:
    return [f.to_dict(full=True) for f in fams]


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**32), batches=st.integers(1, 6))
def test_incremental_equals_from_scratch(seed, batches):
    """Random orders and random splits; existing families go through their stored JSON form
    (to_dict(full=True) / from_dict) between batches, as a database would keep them."""
    rng = random.Random(seed)
    shuffled = list(records("e"))
    rng.shuffle(shuffled)
    cuts = [rng.randrange(len(shuffled) + 1) for _ in range(batches - 1)]
    bounds = [0, *sorted(cuts), len(shuffled)]
    fams: list[Family] = []
    for lo, hi in itertools.pairwise(bounds):
        stored = [Family.from_dict(json.loads(json.dumps(d))) for d in _full(fams)]
        fams = assign(shuffled[lo:hi], stored)
    assert _full(fams) == _full(e_families())


def test_resuming_with_records_already_present_changes_nothing():
    fams = e_families()
    again = assign(records("e")[:100], fams)
    assert again == list(fams)


def test_conjectures_and_record_dicts_give_the_same_families():
    conjectures = [Conjecture.from_dict(r) for r in records("e")[:200]]
    assert families(conjectures, rates=False) == families(records("e")[:200], rates=False)


def test_keys_do_not_depend_on_the_other_records():
    alone = {m.id: m.family for r in records("e") for m in [place(r)[0]]}
    for f in e_families():
        assert all(alone[m.id] == f.key for m in f.members)


# -- classical library -------------------------------------------------------------------------


@pytest.mark.parametrize("formula", classical_formulas(), ids=lambda f: f.name)
def test_classical_formula_matches_certified_expansion(formula):
    terms = 300
    expansion = signed_expansion(lhs_value(formula.value, "x"), formula.signs, terms)
    assert list(expansion.terms) == formula.terms(terms)
    assert formula.citation


def test_library_tails_are_distinct_except_euler_and_lambert():
    """tanh(1/2) = (e − 1)/(e + 1): Lambert's n = 2 is Euler's fraction; the older is named."""
    keys: dict[str, list] = {}
    for f in classical_formulas():
        keys.setdefault(f.tail_key, []).append(f)
    shared = [[f.name for f in fs] for fs in keys.values() if len(fs) > 1]
    assert shared == [["Euler: (e - 1)/(e + 1)", "Lambert: tanh(1/n), n = 2"]]
    lambert = next(fs for fs in keys.values() if len(fs) > 1)[1]
    assert classical_for(place_tail(lambert.recurrence, lambert.signs).tail).year == 1737


def test_every_theorem_family_is_in_the_library():
    """The regular continued fraction of every constant esma.theorems proves is classical."""
    from esma.theorems import THEOREMS, theorem_for

    assert set(THEOREMS) == set(THEOREM_INSTANCES) | {"quadratic"}
    theorem_keys = {f.theorem for f in classical_formulas()}
    for family, instances in THEOREM_INSTANCES.items():
        for value, _ in instances:
            theorem = theorem_for(value)
            assert theorem.family == family and theorem.key in theorem_keys


@pytest.mark.parametrize("period", [(1,), (2,), (1, 2), (3, 1, 4, 1, 5), (1, 1, 1, 7)])
def test_periodic_regular_tails_are_lagrange(period):
    """All-plus periodic tails are classical (Lagrange): the formula's value, certified, has the
    purely periodic expansion."""
    charpoly = (1,) + (0,) * (len(period) - 1) + (-1,)  # a_n = a_{n-P}
    tail = place(_synthetic("x", charpoly, 0, period))[1]
    formula = classical_for(tail)
    assert formula.year == 1770 and formula.citation.startswith("Lagrange 1770")
    terms = list(regular_cf(lhs_value(formula.value, "x"), 60).terms)
    assert terms == formula.terms(60)
    rotations = [(list(period[i:] + period[:i]) * 60)[:60] for i in range(len(period))]
    assert terms in rotations
    minus = place(_synthetic("x", charpoly, 0, tuple(p + 1 for p in period), signs=(-1,)))
    assert classical_for(minus[1]) is None


def test_each_catalogue_constant_has_a_classical_family():
    fams = catalogue_families()
    for name in CONSTANTS:
        classical = [f for f in fams if f.constant == name and f.kind == "classical"]
        assert classical, name
        assert all(f.citation for f in classical)
        # the constant's own regular continued fraction (left-hand side x, all plus) is one
        own = [f for f in fams if any(m.lhs == "x" and m.signs == (1,) for m in f.members)]
        assert any(f.kind == "classical" for f in own if f.constant == name), name
    euler = next(f for f in fams if f.constant == "e" and f.classical == "Euler: e")
    assert euler.members[0].lhs == "x"  # the representative a reader quotes: e itself
    cot = next(
        f for f in fams if f.constant == "tan1" and f.classical == "Lambert: cot(1/n), n = 1"
    )
    assert cot.members[0].lhs == "1/x" and cot.members[0].signs == (-1,)


def test_new_families_are_not_in_the_library():
    library = {f.tail_key for f in classical_formulas()}
    for f in catalogue_families():
        # no catalogue tail is periodic, so the library's formulas are all that can match
        assert (f.tail.key in library) == (f.kind == "classical")
        assert (f.citation is None) == (f.kind == "new")


# -- rates ------------------------------------------------------------------------------------


def test_simple_cf_rate_is_the_records_own_measure():
    """The record of e itself (x, signs +) is the regular continued fraction of its class:
    its stored convergence_rate and the class's simple_cf_rate are the same measurement."""
    f = next(f for f in e_families() if f.classical == "Euler: e")
    record = next(r for r in records("e") if r["lhs"] == "x" and r["signs"] == [1])
    assert record["id"] == f.representative
    assert f.simple_cf_rate == pytest.approx(record["convergence_rate"], abs=1e-3)
    assert not f.faster_than_simple


def test_faster_than_simple():
    """Lambert's cot 1 = 1 − 1/(3 − 1/(5 − …)) gains twice the digits per term of tan 1's
    regular continued fraction [1; 1, 1, 3, 1, 5, …]."""
    fams = catalogue_families()
    cot = next(f for f in fams if f.classical == "Lambert: cot(1/n), n = 1")
    assert cot.speedup == pytest.approx(2, rel=0.01) and cot.faster_than_simple
    for f in fams:
        if abs(f.speedup - 1) <= RATE_MARGIN:
            assert not f.faster_than_simple
    assert any(f.faster_than_simple for f in fams if f.kind == "new")


# -- the whole catalogue -------------------------------------------------------------------------


def test_catalogue_counts():
    fams = catalogue_families()
    classes = value_classes(fams)
    assert len(fams) == 420
    assert len(classes) == 53
    rows = {row.constant: row for row in funnel(fams)}
    assert sum(row.records for row in rows.values()) == 8416
    assert sum(row.values for row in rows.values()) == 525
    e = rows["e"]
    assert (e.records, e.values, e.value_classes, e.families) == (1470, 88, 8, 68)
    for row in rows.values():
        assert row.new_families + row.classical_families == row.families
        assert row.records >= row.values >= row.value_classes
        assert row.families >= row.value_classes


# -- quadratic irrationals: the periodic route ---------------------------------------------------


@pytest.mark.parametrize("constant", ["sqrt2", "phi"])
def test_quadratic_classes_equal_regular_cf_tail_classes(constant):
    """Every Möbius image with |coefficients| ≤ 2: classes from the exact periodic expansions
    equal classes of the certified regular continued fractions' periods (300 terms, the period
    read from the last 60). Extra symmetries exist: there are fewer classes than Hermite normal
    forms."""
    from esma.constants import get_constant
    from esma.transforms import distinct_values, enumerate_lhs

    lhs = [f.text for f in distinct_values(enumerate_lhs(1, 2), get_constant(constant))]
    keys = {t: class_key(constant, t) for t in lhs}
    assert {k.route for k in keys.values()} == {"periodic"}
    independent: dict[tuple, set] = {}
    for t in lhs:
        tail = regular_cf(lhs_value(constant, t), 300).terms[-60:]
        period = next(p for p in range(1, 30) if tail[p:] == tail[:-p])
        word = tail[:period]
        canonical = min(word[i:] + word[:i] for i in range(period))
        assert canonical == keys[t].form
        independent.setdefault(canonical, set()).add(t)
    ours: dict[str, set] = {}
    for t, k in keys.items():
        ours.setdefault(k.key, set()).add(t)
    assert {frozenset(b) for b in ours.values()} == {frozenset(b) for b in independent.values()}
    hnf = {class_key("e", t).form for t in lhs}  # the identity route's classes, for contrast
    assert len(ours) < len(hnf)


@pytest.mark.parametrize("constant", ["sqrt2", "phi"])
def test_families_of_a_quadratic_search(constant):
    """A search of a quadratic irrational: periodic tails, classes by the periodic route, every
    transform checked on the values with ball arithmetic (√2/2 and 1/√2 are one class there)."""
    from flint import arb, ctx

    from esma.constants import get_constant
    from esma.search import SearchSpace, run

    found = run(SearchSpace.create(constant, coeff=1, periods="1-2", depth=60))
    fams = families(found)
    assert sorted(m.id for f in fams for m in f.members) == sorted(c.id for c in found)
    assert all(f.tail.kind == "quasi-polynomial" for f in fams)
    classes = value_classes(fams)
    assert {(c.route, c.complete) for c in classes} == {("periodic", True)}
    for f in fams:
        assert {m.value_class for m in f.members} == {f.value_class}
    old = ctx.prec
    try:
        ctx.prec = 600
        x = get_constant(constant).arb(600)

        def value(lhs: str):
            (a, b), (c, d) = moebius(lhs)
            return (a * x + b) / (c * x + d)

        for f in fams:
            y_rep = value(f.members[0].lhs)
            for m in f.members:
                (p, q), (r, s) = m.transform
                assert abs((p * y_rep + q) / (r * y_rep + s) - value(m.lhs)) < arb(10) ** -150
    finally:
        ctx.prec = old


def test_quadratic_cf_exact():
    # (1 + √13)/3 = [1; 1, 1, 1, 2, 1, 1, 1, ...]... checked against the certified expansion
    head, period = quadratic_cf(1, 3, 13)
    value = lhs_value("(1 + sqrt(13))/3", "x")
    terms = regular_cf(value, 40).terms
    expected = list(head) + list(period) * 40
    assert list(terms) == expected[:40]


def test_arithmetic_routes():
    assert arithmetic("e").kind == "transcendental"
    assert arithmetic("sqrte").kind == "transcendental"
    assert arithmetic("tan1").kind == "transcendental"
    assert arithmetic("besselratio").kind == "not quadratic"
    assert arithmetic("phi").minpoly == (-1, -1, 1)
    assert arithmetic("2**(1/3)").degree == 3
    assert arithmetic("zeta3").kind == "unknown"
    assert not class_key("zeta3", "x").complete
    assert class_key("2**(1/3)", "x").complete  # degree 3 > 2·1
    assert not class_key("2**(1/3)", "x**2 + 1").complete  # degree 3 ≤ 2·2
    assert class_key("besselratio", "1/x").complete
    assert not class_key("besselratio", "x**2").complete


# -- linear recurrences that are not quasi-polynomials -------------------------------------------


def _synthetic(lhs: str, charpoly, start, initial, signs=(1,)) -> Conjecture:
    rec = Recurrence(charpoly, start, initial)
    return Conjecture(
        constant="e",
        lhs=lhs,
        lhs_value="0",
        signs=signs,
        a_prefix=tuple(rec.terms(30)),
        recurrence=rec,
        verified_digits=0,
        convergence_rate=1.0,
    )


def test_recurrence_tails_without_closed_form():
    """Fibonacci-type terms (the roots are not roots of unity): three heads on one tail, shifted,
    and a different tail (Lucas numbers). The matrices are checked on the exact values of the
    continued fractions truncated after 60 terms."""
    from esma.convergents import evaluate

    fib = (1, -1, -1)
    a = _synthetic("x", fib, 0, (1, 2))  # 1, 2, 3, 5, 8, ...
    b = _synthetic("x + 1", fib, 1, (7, 3, 5))  # 7, 3, 5, 8, 13, ...
    c = _synthetic("2*x", fib, 2, (4, 4, 5, 8), signs=(1,))  # 4, 4, 5, 8, 13, ...
    d = _synthetic("1/x", fib, 0, (1, 3))  # 1, 3, 4, 7, 11, ...
    fams = families([a, b, c, d], rates=False)
    assert sorted(len(f.members) for f in fams) == [1, 3]
    assert all(f.tail.kind == "recurrence" for f in fams)
    big = next(f for f in fams if len(f.members) == 3)
    heads = {m.id: m.head for m in big.members}
    assert heads == {a.id: 0, b.id: 1, c.id: 2}

    def value(conj: Conjecture) -> Fraction:
        return evaluate(conj.recurrence.terms(60), conj.signs)

    by_id = {x.id: x for x in (a, b, c)}
    y_rep = value(by_id[big.representative])
    for m in big.members:
        (p, q), (r, s) = m.transform
        assert abs((p * y_rep + q) / (r * y_rep + s) - value(by_id[m.id])) < Fraction(1, 10**20)


# -- bad input ----------------------------------------------------------------------------------


def test_bad_records_are_refused_with_one_clear_line():
    good = dict(records("e")[0])
    with pytest.raises(InvalidRecord, match="lacks the field"):
        families([{k: v for k, v in good.items() if k != "recurrence"}])
    with pytest.raises(InvalidRecord, match="quasi_polynomial disagrees"):
        bad = json.loads(json.dumps(good))
        bad["quasi_polynomial"]["polys"][0][0] += 1
        families([bad])
    with pytest.raises(InvalidRecord, match="not a rational function"):
        families([{**good, "lhs": "exp(x)"}])
    with pytest.raises(InvalidRecord, match="is a constant"):
        families([{**good, "lhs": "(2*x + 2)/(x + 1)"}])
    stored = e_families()[0].to_dict(full=True)
    with pytest.raises(InvalidRecord, match="does not match its tail"):
        Family.from_dict({**stored, "constant": "e2"})
    with pytest.raises(InvalidRecord, match="Conjecture or a JSON object"):
        families(["not a record"])
    with pytest.raises(InvalidRecord, match="canonical"):
        Tail.from_dict({"kind": "quasi-polynomial", "signs": [1], "polys": [[5, 4]]})


def test_random_subsets_keep_keys_and_representatives_consistent():
    rng = random.Random(13)
    subset = rng.sample(list(records("e")), 300)
    full = {f.key: f for f in e_families()}
    for f in families(subset, rates=False):
        whole = full[f.key]
        assert {m.id for m in f.members} <= {m.id for m in whole.members}
        ranks = sorted(m.rank for m in whole.members if m.id in {x.id for x in f.members})
        assert f.members[0].rank == ranks[0]
