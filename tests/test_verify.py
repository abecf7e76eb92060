"""Approve: shared convergent traces give exactly what a plain term-by-term check gives.

The oracle below is the definition of approve written out naively: every convergent p_n/q_n
from a_0, no sharing between left-hand sides. esma's approve computes the a_0-free part of the
convergents once per tail and replays it; the two must agree on every field, for approvals and
for rejections, whatever was approved before.
"""

import math
from itertools import cycle

import pytest

from esma import verify
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


@pytest.fixture(scope="module")
def e_conjectures():
    return run(SearchSpace.create("e", coeff=2, periods="1-2", depth=105))


def shifted(recurrence: Recurrence, k: int) -> Recurrence:
    """The recurrence of a_0 + k, a_1, a_2, ... (the left-hand side plus k)."""
    terms = recurrence.terms(120)
    return find_recurrence([terms[0] + k, *terms[1:]])


def test_shared_traces_match_the_oracle_for_shifted_left_hand_sides(e_conjectures):
    verify._TRACES.clear()
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
    assert len(verify._TRACES) <= checked // 3 + 1


def test_a_shared_trace_still_rejects_a_wrong_value(e_conjectures):
    conj = next(c for c in e_conjectures if c.lhs == "x - 1" and c.signs == (-1, 1))
    verify._TRACES.clear()
    assert approve(lhs_value("e", "x - 1"), conj.recurrence, conj.signs) is not None
    # Same tail, a_0 shifted by one, but the value shifted by 1/2: converges, to the wrong number.
    wrong = lhs_value("e", "x - 1/2")
    rec = shifted(conj.recurrence, 1)
    assert approve(wrong, rec, conj.signs) is None
    assert oracle(wrong, rec, conj.signs) is None
    assert len(verify._TRACES) == 1


def test_the_trace_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(verify, "_MAX_TRACES", 3)
    verify._TRACES.clear()
    value = lhs_value("phi", "x")
    for k in range(6):  # different tails: 1, 1, 1, ... with a changing second term
        rec = Recurrence((1, -1), 2, (1, 1 + k, 1))
        assert approve(value, rec, (1,), digits=20) == oracle(value, rec, (1,), digits=20)
    assert len(verify._TRACES) == 3
