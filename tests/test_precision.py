"""Tests for esma.precision: one place sets working precision, and threads cannot disturb it.

python-flint's ``ctx.prec`` is process-wide: a thread that sets it changes it for every other
thread. These tests run evaluations from several threads at once and require exactly the balls
of a serial run; without the lock in :func:`esma.precision.working_precision` they differ.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mpmath
import pytest
from flint import arb, ctx

import esma
from esma.constants import get_constant
from esma.errors import InvalidParameter
from esma.evaluation import evaluate
from esma.expr import parse_expression
from esma.precision import working_precision
from esma.transforms import LhsValue, canonical

PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71)
# Different constants at different precisions, several with many ball operations each (every
# operation is a point where another thread could change the precision under it).
CASES = [
    (" + ".join(f"sqrt({p})" for p in PRIMES), 100),
    (" + ".join(f"log({p})/{p}" for p in PRIMES), 700),
    (" + ".join(f"atan(1/{p})" for p in PRIMES), 2000),
    ("zeta3 + catalan*pi - e/phi + sqrt2*log2", 1500),
    ("besseli(1, 2)/besseli(0, 2)", 3000),
    ("exp(100) + pi - exp(100)", 200),  # needs more than one pass
    ("gamma(1/3)*gamma(2/3)/pi", 64),
]
THREADS = 4
ROUNDS = 8


def _key(ball: arb) -> tuple[int, ...]:
    """The ball exactly: midpoint and radius as integers (two balls are equal iff keys are)."""
    (m, e), (r, f) = ball.mid().man_exp(), ball.rad().man_exp()
    return int(m), int(e), int(r), int(f)


def _in_threads(jobs: list[Callable[[], Any]]) -> list[list[Any]]:
    """Run ``jobs`` ROUNDS times in each of THREADS threads started together (each thread in
    another order), switching threads as often as the interpreter can; every thread's results
    (or the exceptions raised), in the order of ``jobs``."""

    def outcome(job: Callable[[], Any]) -> Any:
        try:
            return job()
        except Exception as error:  # a wrong PrecisionExhausted is a failure to report, too
            return repr(error)

    barrier, results = threading.Barrier(THREADS), {}

    def work(k: int) -> None:
        order = list(range(k, len(jobs))) + list(range(k))
        got: dict[int, list[Any]] = {i: [] for i in order}
        barrier.wait()
        for _ in range(ROUNDS):
            for i in order:
                got[i].append(outcome(jobs[i]))
        results[k] = [got[i] for i in range(len(jobs))]

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(k,)) for k in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    return [results[k] for k in range(THREADS)]


def test_threads_get_the_balls_of_a_serial_run() -> None:
    """Evaluations in four threads at once give exactly the serial balls (before the precision
    lock, some differed, and some raised PrecisionExhausted), and flint's global precision is
    what it was."""
    before = ctx.prec
    exprs = [(parse_expression(text), bits) for text, bits in CASES]
    jobs = [lambda e=e, b=b: _key(evaluate(e, b)) for e, b in exprs]
    serial = [job() for job in jobs]
    for per_thread in _in_threads(jobs):
        assert per_thread == [[want] * ROUNDS for want in serial]
    assert ctx.prec == before


def test_left_hand_sides_in_threads() -> None:
    """LhsValue.arb nests two working precisions (its own, then its constant's): threads still
    get the serial balls."""
    values = [
        LhsValue(canonical((1, 1), (-1, 1)), get_constant("e")),
        LhsValue(canonical((0, 2), (1, 1)), get_constant("tan1")),
        LhsValue(canonical((1, 0, 1), (0, 1)), get_constant("zeta3")),
    ]
    jobs = [lambda v=v, b=b: _key(v.arb(b)) for v in values for b in (100, 900, 2500)]
    serial = [job() for job in jobs]
    for per_thread in _in_threads(jobs):
        assert per_thread == [[want] * ROUNDS for want in serial]


def test_a_second_thread_waits_for_the_first() -> None:
    """While one thread computes at 100 bits, another that wants 300 waits; neither sees the
    other's precision."""
    inside, release = threading.Event(), threading.Event()
    seen: list[tuple[str, int]] = []

    def first() -> None:
        with working_precision(100):
            inside.set()
            release.wait(10)
            seen.append(("first", ctx.prec))

    def second() -> None:
        inside.wait(10)
        with working_precision(300):
            seen.append(("second", ctx.prec))

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    inside.wait(10)
    time.sleep(0.1)  # time for the second thread to reach the lock
    assert seen == []
    release.set()
    for thread in threads:
        thread.join(10)
    assert seen == [("first", 100), ("second", 300)]


def test_precision_is_restored_nested_and_on_errors() -> None:
    before, mp_before = ctx.prec, mpmath.mp.prec
    with working_precision(200):
        assert ctx.prec == 200 and mpmath.mp.prec == mp_before
        with working_precision(80, mpmath=True):
            assert ctx.prec == 80 and mpmath.mp.prec == 80
        assert ctx.prec == 200 and mpmath.mp.prec == mp_before
    with pytest.raises(ZeroDivisionError), working_precision(300, mpmath=True):
        raise ZeroDivisionError
    assert ctx.prec == before and mpmath.mp.prec == mp_before
    for bad in (1, 0, 2.5, True, "64"):
        with pytest.raises(InvalidParameter, match="bits"), working_precision(bad):
            pass  # pragma: no cover - never entered


def test_precision_is_set_only_in_precision_py() -> None:
    """No module of esma sets flint's or mpmath's precision except esma/precision.py. (The
    heads of exported files in esma/scripts/ run without esma, in another process.)"""
    pattern = re.compile(r"ctx\.(prec|dps)\s*=(?!=)|workprec|workdps|mp\.(prec|dps)\s*=(?!=)")
    root = Path(esma.__file__).parent
    offenders = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        if path.name != "precision.py" and path.parent.name != "scripts"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
    assert pattern.search((root / "precision.py").read_text())  # the pattern finds what it seeks
