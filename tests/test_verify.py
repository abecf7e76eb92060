"""Approve: shared convergent traces give exactly what a plain term-by-term check gives.

The oracle below is the definition of approve written out naively: every convergent p_n/q_n
from a_0, no sharing between left-hand sides. esma's approve computes the a_0-free part of the
convergents once per tail and replays it; the two must agree on every field, for approvals and
for rejections, whatever was approved before.
"""

import math
import subprocess
import sys
from itertools import cycle, islice

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from esma import verify
from esma.convergents import convergent_pairs
from esma.kernels.convergents import (
    LIMIT,
    cf_blocks,
    cf_blocks_py,
    recurrence_terms,
    recurrence_terms_py,
)
from esma.massey import find_recurrence
from esma.recurrence import Recurrence
from esma.search import SearchSpace, run
from esma.transforms import lhs_value
from esma.verify import Approval, _agreement, approve

LOG10_2 = math.log10(2)


def oracle(value, recurrence, signs, digits=1000):
    """approve's definition, one convergent at a time from a_0, nothing shared."""
    bits = int(digits / LOG10_2) + 64
    y = value.arb(bits)
    need = math.ceil((digits + 10) / LOG10_2) + 2
    terms = recurrence.iter_terms()
    p_prev, q_prev, p, q = 1, 0, next(terms), 1
    sums, checkpoint = [0], 64
    for a, b in zip(terms, cycle(signs)):
        p, p_prev = a * p + b * p_prev, p
        q, q_prev = a * q + b * q_prev, q
        total = q.bit_length() + q_prev.bit_length()
        sums.append(total)
        n = len(sums)
        if total >= need or n == checkpoint:
            agree = _agreement(p, q, y, bits)
            if total >= need:
                half = n // 2
                rate = (total - sums[half]) * LOG10_2 / max(n - 1 - half, 1)
                return Approval(agree, n, round(rate, 4)) if agree >= digits else None
            checkpoint *= 2
            spacing = (total - 2) * LOG10_2
            if spacing > 40 and agree < spacing / 2 - 10:
                return None
        if n >= max(2000, 4 * digits):
            return None
    return None


@pytest.fixture(scope="module")
def e_conjectures():
    return run(SearchSpace.create("e", coeff=2, periods="1-2", depth=105))


def shifted(recurrence: Recurrence, k: int) -> Recurrence:
    """The recurrence of a_0 + k, a_1, a_2, ... (the left-hand side plus k)."""
    terms = recurrence.terms(120)
    return find_recurrence([terms[0] + k, *terms[1:]])


def test_shared_traces_match_the_oracle_for_shifted_left_hand_sides(e_conjectures):
    verify._traces().clear()
    checked = 0
    for conj in e_conjectures[::7]:
        for k in (0, 3, -2):
            lhs = f"{conj.lhs} + {k}" if k else conj.lhs
            value = lhs_value("e", lhs)
            rec = shifted(conj.recurrence, k)
            got = approve(value, rec, conj.signs)
            assert got == oracle(value, rec, conj.signs)
            assert got is not None and got.digits >= 1000
            checked += 1
    assert checked >= 60
    # Shifts share their trace: three left-hand sides, one computation of the convergents.
    assert len(verify._traces()) <= checked // 3 + 1


def test_a_shared_trace_still_rejects_a_wrong_value(e_conjectures):
    conj = next(c for c in e_conjectures if c.lhs == "x - 1" and c.signs == (-1, 1))
    verify._traces().clear()
    assert approve(lhs_value("e", "x - 1"), conj.recurrence, conj.signs) is not None
    # Same tail, a_0 shifted by one, but the value shifted by 1/2: converges, to the wrong number.
    wrong = lhs_value("e", "x - 1/2")
    rec = shifted(conj.recurrence, 1)
    assert approve(wrong, rec, conj.signs) is None
    assert oracle(wrong, rec, conj.signs) is None
    assert len(verify._traces()) == 1


def test_the_trace_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(verify, "_MAX_TRACES", 3)
    verify._traces().clear()
    value = lhs_value("phi", "x")
    for k in range(6):  # different tails: 1, 1, 1, ... with a changing second term
        rec = Recurrence((1, -1), 2, (1, 1 + k, 1))
        assert approve(value, rec, (1,), digits=20) == oracle(value, rec, (1,), digits=20)
    assert len(verify._traces()) == 3


# -- the int64 block kernels behind the trace ------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(-3, 3), min_size=1, max_size=5).filter(lambda c: c[-1] != 0),
    st.lists(st.integers(-50, 50), min_size=7, max_size=7),
    st.integers(0, 2),
)
def test_recurrence_terms_are_exact_until_they_stop(coeffs, seed, start):
    charpoly = (1, *coeffs)
    order = len(coeffs)
    rec = Recurrence(charpoly, start, tuple(seed[: start + order]))
    out, valid = recurrence_terms(
        np.array(charpoly, np.int64), np.array(rec.initial, np.int64), 300
    )
    exact = rec.terms(300)
    assert out[:valid].tolist() == exact[:valid]
    if valid < 300:  # it stopped because a term outgrew the bound that keeps sums exact
        amax = LIMIT // (order * max(map(abs, coeffs), default=1) or 1)
        assert abs(exact[valid]) > amax or valid < len(rec.initial)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(-(2**20), 2**20).filter(lambda a: a != 0), min_size=1, max_size=120),
    st.sampled_from([(1,), (-1,), (1, -1), (-1, -1, 1)]),
    st.integers(1, 5),
    st.lists(st.integers(2, 130), max_size=4),
)
def test_cf_blocks_multiply_exactly_and_bound_growth(terms, signs, first, stops):
    stops = sorted(set(stops))
    ends, mats, growth = cf_blocks(
        np.array(terms, np.int64), np.array(signs, np.int64), first, np.array(stops, np.int64)
    )
    assert ends[-1] == first + len(terms) - 1
    k = first
    for end, mat, bits in zip(ends.tolist(), mats.tolist(), growth.tolist(), strict=True):
        p = [[1, 0], [0, 1]]
        widest = 1
        for j in range(k, end + 1):
            a, b = terms[j - first], signs[(j - 1) % len(signs)]
            p = [[a * p[0][0] + b * p[1][0], a * p[0][1] + b * p[1][1]], p[0]]
            widest = max(widest, abs(p[0][0]) + abs(p[0][1]))
            assert j == end or j + 1 not in stops  # blocks end at every stop
        assert mat == [p[0][0], p[0][1], p[1][0], p[1][1]]
        assert widest.bit_length() <= bits
        k = end + 1


# Integers up to the kernels' bound LIMIT = 2**61 that verify lets through, weighted towards
# the values where int64 arithmetic is closest to wrapping.
_WIDE = st.one_of(
    st.integers(-50, 50),
    st.integers(-LIMIT, LIMIT),
    st.sampled_from([LIMIT, -LIMIT, LIMIT - 1, 2**60, -(2**60) - 1, 2**31, 2**32 + 1]),
)


def _run_recurrence_terms(charpoly, initial, count):
    out, valid = recurrence_terms(np.array(charpoly, np.int64), np.array(initial, np.int64), count)
    return out.tolist(), int(valid)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_WIDE, min_size=0, max_size=9).filter(lambda c: not c or c[-1] != 0),
    st.data(),
    st.integers(0, 120),
)
def test_recurrence_terms_kernel_equals_twin(coeffs, data, count):
    charpoly = [1, *coeffs]
    initial = data.draw(st.lists(_WIDE, min_size=len(coeffs), max_size=len(coeffs) + 3))
    assert _run_recurrence_terms(charpoly, initial, count) == recurrence_terms_py(
        charpoly, initial, count
    )


@pytest.mark.parametrize(
    ("charpoly", "initial", "count", "valid"),
    [
        ([1, -1], [LIMIT], 50, 50),  # the constant LIMIT: every term at the bound is kept
        ([1, -1], [LIMIT + 1], 5, 0),  # one past it is not
        ([1, 0, -1], [-(2**60), 2**60], 9, 9),  # order 2: amax = LIMIT // 2 = 2**60
        ([1, 0, -1], [-LIMIT, LIMIT], 9, 0),
        ([1, -2], [2**59], 5, 2),  # 2**59, 2**60; 2**61 is past LIMIT // 2
        ([1, LIMIT], [1], 5, 1),  # amax = 1: the next term, -LIMIT, is refused
        ([1, 0, 0, 0, LIMIT], [0, 0, 0, 0], 8, 8),  # order * cmax = 2**63 would wrap
        ([1, -1, -1], [0, 1], 200, 89),  # Fibonacci: F_88 < 2**60 = LIMIT // 2 < F_89
        ([1], [], 4, 4),  # order 0: the zero sequence
        ([1, -1, -1], [0, 1], 1, 1),  # fewer terms asked than given
    ],
)
def test_recurrence_terms_at_the_int64_limits(charpoly, initial, count, valid):
    twin = recurrence_terms_py(charpoly, initial, count)
    assert _run_recurrence_terms(charpoly, initial, count) == twin
    assert twin[1] == valid
    exact = Recurrence(tuple(charpoly), 0, tuple(initial)).terms(count) if initial else [0] * count
    assert twin[0][:valid] == exact[:valid]


def test_recurrence_terms_never_divide_by_zero():
    """Order 8 with a coefficient near LIMIT: order * cmax is 2**64, which in int64 is 0; the
    kernel once divided LIMIT by it and the process died of SIGFPE. Run apart, so that a
    relapse fails this test instead of killing the test run."""
    code = (
        "import numpy as np; from esma.kernels.convergents import LIMIT, recurrence_terms;"
        "out, valid = recurrence_terms(np.array([1] + [0] * 7 + [LIMIT]), np.zeros(8, np.int64), 12);"
        "print(out.tolist(), valid)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{[0] * 12} 12\n"  # amax = LIMIT // 8 // LIMIT = 0: zeros are kept


def test_approve_refuses_a_wide_recurrence_without_crashing():
    """The same recurrence in a record (`esma import`, then `esma verify`): all zeros, not e."""
    rec = Recurrence((1, 0, 0, 0, 0, 0, 0, 0, LIMIT), 0, (0,) * 8)
    assert approve(lhs_value("e"), rec, (1,)) is None


def _run_cf_blocks(terms, signs, first, stops):
    ends, mats, growth = cf_blocks(
        np.array(terms, np.int64), np.array(signs, np.int64), first, np.array(stops, np.int64)
    )
    return ends.tolist(), mats.tolist(), growth.tolist()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_WIDE, min_size=0, max_size=60),
    st.lists(st.sampled_from([1, -1]), min_size=1, max_size=4),
    st.integers(1, 5),
    st.lists(st.integers(1, 70), max_size=5),
)
@example([LIMIT, LIMIT, LIMIT], [1], 1, [])  # every matrix its own block
@example([-LIMIT, 1, -LIMIT, 1], [-1], 1, [])
@example([1] * 100, [1], 1, [])  # Fibonacci denominators up to the bound
@example([2**30, 2**31, 2**30, 3], [1, -1], 2, [4, 5])
@example([0, 0, 5, 0], [1, -1], 1, [3])  # a zero term empties a row entry
def test_cf_blocks_kernel_equals_twin(terms, signs, first, stops):
    stops = sorted(set(stops))
    assert _run_cf_blocks(terms, signs, first, stops) == cf_blocks_py(terms, signs, first, stops)


def exact_value(recurrence, signs):
    """A stand-in for a value: a convergent within 2^-10000 of the limit, far past 10^-1000."""

    class Value:
        def arb(self, bits):
            from flint import arb, ctx, fmpq

            q_prev = 0
            for p, q in convergent_pairs(recurrence.iter_terms(), signs):  # noqa: B007 - p is read after the loop
                if q.bit_length() + q_prev.bit_length() > 10_000:
                    break
                q_prev = q
            with ctx.workprec(bits):
                return arb(fmpq(p, q))

    return Value()


@pytest.mark.parametrize(
    "recurrence",
    [
        Recurrence((1, -2), 1, (1, 2**40)),  # a_k = 2^(39+k): int64 blocks, then Python
        Recurrence((1, -1), 1, (0, 2**62)),  # too big for int64 from the start
        Recurrence((1, -2, 1), 0, (5, 2**58)),  # fits at first, then overflows
    ],
)
@pytest.mark.parametrize("signs", [(1,), (1, -1)])
def test_terms_too_big_for_int64_are_taken_exactly(recurrence, signs):
    verify._traces().clear()
    value = exact_value(recurrence, signs)
    got = approve(value, recurrence, signs)
    assert got is not None and got.digits >= 1000
    assert got == oracle(value, recurrence, signs)


@pytest.mark.parametrize("digits", [10, 50, 300, 2000])
def test_traces_match_the_oracle_at_any_precision(e_conjectures, digits):
    verify._traces().clear()
    for conj in e_conjectures[::25]:
        value = lhs_value("e", conj.lhs)
        assert approve(value, conj.recurrence, conj.signs, digits=digits) == oracle(
            value, conj.recurrence, conj.signs, digits=digits
        )


def test_each_thread_has_its_own_traces(e_conjectures):
    """A trace is a suspended generator: Dask's threaded workers must not share one."""
    import threading

    conj = e_conjectures[0]
    value = lhs_value("e", conj.lhs)
    verify._traces().clear()
    results = []
    worker = threading.Thread(
        target=lambda: results.append(approve(value, conj.recurrence, conj.signs))
    )
    worker.start()
    worker.join()
    assert len(verify._traces()) == 0
    assert results == [approve(value, conj.recurrence, conj.signs)] and results[0] is not None
    assert len(verify._traces()) == 1


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(-3, 3), max_size=3).filter(lambda c: not c or c[-1] != 0),
    st.integers(0, 2),
    st.lists(st.integers(-40, 40), min_size=5, max_size=5),
    st.sampled_from([(1,), (-1,), (1, -1), (-1, -1, 1)]),
    st.sampled_from([("e", "x"), ("phi", "x"), ("e", "(x + 1)/(x - 1)")]),
    st.sampled_from([10, 40, 120]),
)
def test_any_recurrence_gives_the_oracles_answer(coeffs, start, seed, signs, lhs, digits):
    """Zero, negative and shrinking terms, order 0, any signs: approvals and rejections alike
    (most of these converge to something else, or nowhere)."""
    rec = Recurrence((1, *coeffs), start, tuple(seed[: start + len(coeffs)]))
    value = lhs_value(*lhs)
    verify._traces().clear()
    assert approve(value, rec, signs, digits=digits) == oracle(value, rec, signs, digits=digits)


def test_a_released_trace_is_recomputed_exactly():
    """approve frees the walk of a rejected candidate; a later replay needing more of the trace
    redoes it from the start and gets the same events."""
    rec = Recurrence((1, -1), 1, (0, 2))  # [0; 2, 2, 2, ...] = sqrt(2) - 1, not 1/pi
    tail, signs = verify._tail(rec), (1,)
    trace = verify._Trace(tail, signs, 3400, 4000)
    head = list(islice(trace, 2))
    trace.release()
    assert list(trace)[:2] == head
    assert list(trace) == list(verify._Trace(tail, signs, 3400, 4000))
    assert list(trace)[-1][0] == "final"


def test_a_finished_trace_keeps_no_walk(e_conjectures):
    """Thousands of traces are cached: once approve has its answer, only the checkpoints stay."""
    conj = e_conjectures[0]
    verify._traces().clear()
    assert approve(lhs_value("e", conj.lhs), conj.recurrence, conj.signs) is not None
    (trace,) = verify._traces().values()
    assert trace._more is None and trace.events[-1][0] == "final"


@pytest.mark.parametrize(
    "lhs, signs", [("x - 1", (-1, 1)), ("1/x", (1,)), ("(x + 1)/(x - 1)", (1,))]
)
def test_sparse_walk_states_give_the_dense_result(monkeypatch, lhs, signs):
    """Past 2^16 bits the convergents' walk keeps one state in (bits >> 16) blocks, for memory;
    the digits, terms and rate are those of keeping every block's state."""
    import esma.verify as verify
    from esma.expansion import signed_expansion
    from esma.massey import find_recurrence
    from esma.transforms import lhs_value

    y = lhs_value("e", lhs)
    rec = find_recurrence(signed_expansion(y, signs, 80).terms)
    verify._traces().clear()
    sparse = verify.approve(y, rec, signs, digits=60_000)
    monkeypatch.setattr(verify._Walk, "STATE_SHIFT", 62)  # every state kept
    verify._traces().clear()
    dense = verify.approve(y, rec, signs, digits=60_000)
    assert sparse == dense and sparse.digits >= 60_000
