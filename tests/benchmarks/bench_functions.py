"""Benchmark: the caps of the expression language's functions, and how fast bad input is refused.

Prints Markdown tables:

1. for each function with caps (``esma.functions.FUNCTIONS``), the time of one arb evaluation on
   a grid of points up to its caps (the caps themselves, points next to them, small and awkward
   values, parameter differences that are integers), at the working precisions esma uses to
   check a constant (2064 bits: the 2000-bit rationality check; 4352: the cap of the 64-bit
   first look; 12096: the cap of the 2000-bit check): median and maximum;
2. with ``--beyond``, a few points just past the caps that show why they are where they are
   (two of them take about a minute each);
3. hostile inputs to the new functions: median time of ``esma.constants.get_constant`` (in this
   process) and of ``python -m esma expand`` (a process of its own, start-up included).

Run from the repository root: ``python tests/benchmarks/bench_functions.py [--quick] [--beyond]``
(about two minutes; ``--quick`` uses fewer points and repeats).
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import time
from fractions import Fraction

from flint import arb, fmpq

from esma.constants import _get_constant, get_constant
from esma.errors import EsmaError
from esma.functions import FUNCTIONS
from esma.precision import working_precision

PRECISIONS = (2064, 4352, 12096)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _ball(x: Fraction):
    return arb(fmpq(x.numerator, x.denominator))


def _values(cap: int | None, quick: bool) -> list[Fraction]:
    """Points for one argument: signs, small values, thirds (inexact in binary), the cap."""
    base = [Fraction(1, 3), Fraction(-7, 3), Fraction(5, 2), Fraction(-1, 2)]
    if cap is not None:
        base += [Fraction(cap), -Fraction(cap) + Fraction(1, 3), Fraction(cap, 7)]
    return base[:5] if quick else base


def _z_values(name: str, cap: int | None, quick: bool) -> list[Fraction]:
    """The argument z, inside the real domain of the function, out to its cap."""
    near_one = [Fraction(1, 2), Fraction(9, 10), 1 - Fraction(1, 10**30), Fraction(-1, 3)]
    if name in ("polylog", "hyp2f1"):
        far = [-Fraction(cap), -Fraction(cap) / 1000 - Fraction(1, 3), Fraction(-3)]
        return near_one + ([] if quick else far[1:]) + far[:1]
    if name in ("besselk", "bessely"):
        return [Fraction(1, 3), Fraction(10**-20), Fraction(cap), Fraction(cap, 7)]
    if name == "digamma":
        return [Fraction(1, 3), -Fraction(cap) - Fraction(1, 3), Fraction(cap), Fraction(-5, 2)]
    return [Fraction(1, 3), Fraction(cap), -Fraction(cap) + Fraction(1, 3), Fraction(cap, 7)]


def _points(name: str, quick: bool) -> list[tuple[Fraction, ...]]:
    f = FUNCTIONS[name]
    axes = [_values(cap, quick) for cap in f.caps[:-1]]
    axes.append(_z_values(name, f.caps[-1], quick))
    points = list(itertools.product(*axes))
    if name == "hyp2f1":  # integer differences a - b and c - a - b, near z = 1 and below -3
        points += [
            (Fraction(1, 3), Fraction(2, 3), Fraction(2), Fraction(9, 10)),
            (Fraction(1, 3), Fraction(4, 3), Fraction(1, 2), -Fraction(10**6)),
            (Fraction(-299, 3), Fraction(299, 3), Fraction(1, 3), Fraction(99, 100)),
            (Fraction(5, 2), Fraction(-299, 3), Fraction(299, 3), Fraction(1, 2)),
        ]
    return points


def _time_point(name: str, point: tuple[Fraction, ...], prec: int) -> float:
    f = FUNCTIONS[name]
    with working_precision(prec):
        balls = [_ball(x) for x in point]
        if f.domain(*balls) is not None:
            return -1.0
        start = time.perf_counter()
        if f.rational_hints:
            f.evaluate(*balls, rationals=point)
        else:
            f.evaluate(*balls)
        return time.perf_counter() - start


def caps_table(quick: bool) -> None:
    print("## Evaluation time up to the caps (one arb call, seconds)\n")
    head = " | ".join(f"{p} bits: median / max" for p in PRECISIONS)
    print(f"| function | caps | points | {head} | slowest point |")
    print("| --- | --- | ---: |" + " ---: |" * len(PRECISIONS) + " --- |")
    for name, f in FUNCTIONS.items():
        if all(cap is None for cap in f.caps):
            continue
        points = _points(name, quick)
        cells, slowest = [], (0.0, None)
        for prec in PRECISIONS:
            times = [(_time_point(name, p, prec), p) for p in points]
            kept = [(t, p) for t, p in times if t >= 0]
            slowest = max(slowest, max(kept, key=lambda tp: tp[0]), key=lambda tp: tp[0])
            spent = [t for t, _ in kept]
            cells.append(f"{statistics.median(spent):.4f} / {max(spent):.3f}")
        caps = ", ".join(f"{x} {c}" for x, c in zip(f.labels, f.caps, strict=True) if c)
        point = ", ".join(str(x) for x in slowest[1])
        print(f"| {name} | {caps} | {len(kept)} | " + " | ".join(cells) + f" | ({point}) |")
    print()


def beyond_table() -> None:
    """Points past the caps: the costs the caps keep out."""
    print("## Past the caps\n")
    print("| point | bits | seconds | result |")
    print("| --- | ---: | ---: | --- |")
    third = Fraction(1, 3)
    cases = [
        ("hyp2f1", (Fraction(5, 2), -300 + third, 300 - third, Fraction(1, 2)), 2064),
        ("hyp2f1", (Fraction(5, 2), -400 + third, 400 - third, Fraction(1, 2)), 2064),
        ("polylog", (Fraction(1000), Fraction(1, 2)), 2064),
        ("besselk", (Fraction(5, 2), Fraction(100)), 512),
        ("besselk", (Fraction(5, 2), Fraction(200)), 1088),
        ("besselk", (Fraction(5, 2), Fraction(500)), 2064),
        ("digamma", (-(Fraction(2) ** 10000) - third,), 2064),
    ]
    for name, point, prec in cases:
        f = FUNCTIONS[name]
        with working_precision(prec):
            balls = [_ball(x) for x in point]
            start = time.perf_counter()
            value = f.evaluate(*balls, rationals=point) if f.rational_hints else f.evaluate(*balls)
            spent = time.perf_counter() - start
            result = f"{value.rel_accuracy_bits()} bits" if value.is_finite() else "not finite"
        shown = ", ".join(str(x) if len(str(x)) < 20 else "-2**10000 - 1/3" for x in point)
        print(f"| {name}({shown}) | {prec} | {spent:.2f} | {result} |")
    print()


HOSTILE = [
    "polylog(10**6, 1/2)",
    "hyp2f1(10**6, 1, 2, 1/2)",
    "hyp1f1(1, 2, -10**6)",
    "erfc(10**30)",
    "loggamma(10**30)",
    "agm(1, exp(10**5))",
    "digamma(-5)",
    "atanh(1)",
    "polylog(1, 1)",
    "besselk(0, 0)",
    "hyp2f1(1, 1, -3, 1/2)",
    "asin(2)",
    "polylog(2, 3/2)",
    "hyp2f1(1/2, 1/2, 1, 2)",
    "asin(sin(pi/2))",
    "polylog(2, sin(pi/2))",
    "hyp2f1(1, 1, 2, sin(pi/2))",
    "atanh(tanh(10**4))",
    "loggamma(sin(pi))",
    "hyp2f1(sqrt(2), 1/2, sqrt(2) + 3/2, 9/10)",
    "hyp2f1(1, 1, 2, hyp2f1(1, 1, 2, 9/10))",
    "hyp1f1(hyp1f1(hyp1f1(1, 2, 3), 2, 3), 2, hyp1f1(1, 2, 3))",
    "(polylog(1/3, -1/2) - polylog(1/3, -1/2))*(2**1000)**7 + 1",
]


def _median_time(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def hostile_table(quick: bool) -> None:
    repeats = 1 if quick else 3
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")])}

    def in_process(text: str) -> str:
        _get_constant.cache_clear()  # time the work, not the cache
        try:
            get_constant(text)
        except EsmaError as error:
            return str(error)
        return "accepted"

    def cli(text: str) -> None:
        subprocess.run([sys.executable, "-m", "esma", "expand", text], env=env, capture_output=True)

    empty = _median_time(lambda: cli("e"), repeats)
    print(f"## Hostile input (medians of {repeats}; `esma expand e` takes {empty:.2f} s)\n")
    print("| input | get_constant (s) | esma expand (s) | message |")
    print("| --- | ---: | ---: | --- |")
    for text in HOSTILE:
        message = in_process(text)
        inside = _median_time(lambda t=text: in_process(t), repeats)
        outside = _median_time(lambda t=text: cli(t), repeats)
        shown = message if len(message) < 70 else message[:67] + "..."
        print(f"| `{text}` | {inside:.3f} | {outside:.2f} | {shown} |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer points and repeats")
    parser.add_argument("--beyond", action="store_true", help="also time points past the caps")
    args = parser.parse_args()
    print(f"python-flint {__import__('flint').__version__}, Python {sys.version.split()[0]}\n")
    caps_table(args.quick)
    if args.beyond:
        beyond_table()
    hostile_table(args.quick)


if __name__ == "__main__":
    main()
