"""Identification: LLL (python-flint) against PSLQ (mpmath), and `esma identify` end to end.

    python tests/benchmarks/bench_identify.py            # ~1 min
    python tests/benchmarks/bench_identify.py --quick    # fewer cases

For 100 and 1000 digits it measures, with both integer-relation methods inside the same
`esma.identify.identify` (same candidates, same rigorous check):

* random numbers (no relation): time per identification with every named constant, and how
  many relations were (wrongly) reported;
* planted relations y = M(c): random named constant c, random Möbius map M with coefficients up
  to H (and degree-2 maps), rounded to the digits: how many were recovered, and the time;

then the whole `esma identify DIGITS` process on 100 random digits (the "within a second" of
the issue). Medians of wall-clock time in one process.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time

import mpmath

from esma.constants import NAMED_CONSTANTS
from esma.digits import parse_digits
from esma.identify import identify
from esma.transforms import canonical


def digits_of(x, digits: int) -> str:
    k = int(mpmath.floor(mpmath.log10(abs(x))))
    m = int(mpmath.nint(x * mpmath.mpf(10) ** (digits - 1 - k)))
    return f"{m}e{k - digits + 1}"


def random_map(rng: random.Random, degree: int, height: int):
    while True:
        num = tuple(rng.randint(-height, height) for _ in range(degree + 1))
        den = tuple(rng.randint(-height, height) for _ in range(degree + 1))
        f = canonical(num, den)
        if f is not None and f.degree == degree and max(map(abs, f.num + f.den)) == height:
            return f


def planted(rng, digits, degree, height):
    names = [n for n in NAMED_CONSTANTS if n not in ("phi", "sqrt2")]  # quadratic: Möbius only
    name = rng.choice(names)
    f = random_map(rng, degree, height)
    with mpmath.workdps(digits + 50):
        c = NAMED_CONSTANTS[name].mpf(digits + 50)
        y = sum(a * c**j for j, a in enumerate(f.num)) / sum(a * c**j for j, a in enumerate(f.den))
        return name, f, parse_digits(digits_of(y, digits))


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n_random = 5 if args.quick else 12
    n_planted = 8 if args.quick else 25

    identify(parse_digits("1.2345678901234567890123456789"))  # load flint, fill caches
    print("## Random numbers (no relation), every named constant\n")
    print("| digits | degree | method | median ms | relations reported |")
    print("| ---: | ---: | --- | ---: | ---: |")
    ratios = {}
    for digits in (100, 1000):
        rng = random.Random(digits)
        numbers = [
            parse_digits("0." + "".join(rng.choice("0123456789") for _ in range(digits)))
            for _ in range(n_random)
        ]
        for degree in (1, 2):
            medians = {}
            for method in ("lll", "pslq"):
                times, wrong = [], 0
                for x in numbers:
                    dt, found = timed(
                        lambda x=x, d=degree, m=method: identify(x, degree=d, method=m)
                    )
                    times.append(dt)
                    wrong += len(found.relations)
                medians[method] = statistics.median(times)
                print(f"| {digits} | {degree} | {method} | {medians[method] * 1e3:.1f} | {wrong} |")
            ratios[(digits, degree)] = medians["pslq"] / medians["lll"]

    print("\n## Planted relations y = M(c), M with largest |coefficient| H\n")
    print("| digits | degree | H | method | recovered | median ms |")
    print("| ---: | ---: | ---: | --- | ---: | ---: |")
    plans = {
        30: ((1, (1000,)), (2, (100,))),  # heights near the chance bound of 30 digits
        100: ((1, (3, 30, 300, 1000)), (2, (2, 10, 1000))),
        1000: ((1, (3, 300)), (2, (2, 10))),
    }
    for digits, plan in plans.items():
        for degree, heights in plan:
            for height in heights:
                rng = random.Random(digits * 7 + degree * 100 + height)
                cases = [planted(rng, digits, degree, height) for _ in range(n_planted)]
                for method in ("lll", "pslq"):
                    times, hits = [], 0
                    for name, f, x in cases:
                        dt, found = timed(
                            lambda x=x, c=name, d=degree, m=method: identify(
                                x, [c], degree=d, method=m
                            )
                        )
                        times.append(dt)
                        hits += any(
                            r.constant == name and r.lhs in (f.text, f.negated().text)
                            for r in found.relations
                        )
                    print(
                        f"| {digits} | {degree} | {height} | {method} | {hits}/{len(cases)} | "
                        f"{statistics.median(times) * 1e3:.2f} |"
                    )

    print("\n## `esma identify` on 100 random digits, whole process (default bounds)\n")
    rng = random.Random(1)
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    walls = []
    for _ in range(3 if args.quick else 7):
        text = "0." + "".join(rng.choice("0123456789") for _ in range(100))
        t = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "esma", "identify", text],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        walls.append(time.perf_counter() - t)
        assert done.stdout.startswith("no relation found"), done.stdout
    print("| runs | median s | max s |")
    print("| ---: | ---: | ---: |")
    print(f"| {len(walls)} | {statistics.median(walls):.2f} | {max(walls):.2f} |")

    print("\n## PSLQ / LLL time on random numbers (same process)\n")
    print("| digits | degree | ratio |")
    print("| ---: | ---: | ---: |")
    for (digits, degree), ratio in ratios.items():
        print(f"| {digits} | {degree} | {ratio:.1f} |")


if __name__ == "__main__":
    main()
