"""Python integers against gmpy2's mpz on esma's big-integer work: is gmpy2 worth depending on?

esma's exact arithmetic on big integers is of three kinds, measured here on the sizes approval
meets (1000 digits, ~3,300-bit convergents):

* **convergents term by term** (``esma.verify``'s walk past int64 blocks): r, r' = a·r + b·r', r
  with a small a and b = ±1, for the 2,000 terms of an e-type fraction;
* **block products**: the int64 2×2 block matrices of ``esma.kernels.convergents.cf_blocks``
  applied to big (r, r'), q (four int64 × big products a block);
* **Euclid** on big numerators and denominators (``esma.expansion.interval_cf``, the regular
  continued fraction each screened value needs): at the precision ``screening_cf`` starts with
  for depth 100 (``initial_bits(100)`` + 64 bits), and at four times that.

Each is run on Python ints and on mpz (inputs converted, terms converted back), in one process,
medians of 7 repeats; the table gives the ratio Python / gmpy2 (above 1: gmpy2 faster)::

    python tests/benchmarks/bench_bigint.py

What it showed (2 cores, Python 3.11, gmpy2 2.3.2): Euclid 1.4 times faster on mpz at the
screening size and 5 times at four times that; convergents and block products 1.8-2.9 times.
Euclid at the screening size is where a degree-2 search spends most of its time (the regular
continued fraction of every value), so ``esma.screening.screening_cf`` runs it on mpz (about 1.25
times faster per value, end to end). Approval's arithmetic is mostly int64 blocks in numba and a
small part of its time, so it stays on Python ints.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import gmpy2

from esma.expansion import initial_bits, interval_cf


def _median_time(fn: Callable[[], object], repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _e_terms(count: int) -> list[int]:
    """e's partial quotients [2; 1, 2, 1, 1, 4, 1, ...] (Euler)."""
    out = [2]
    k = 1
    while len(out) < count:
        out += [1, 2 * k, 1]
        k += 1
    return out[:count]


def convergents(terms: list[int], zero: object, one: object) -> object:
    r_prev, r = one, zero + terms[0]
    q_prev, q = zero, one
    for a in terms[1:]:
        r, r_prev = a * r + r_prev, r
        q, q_prev = a * q + q_prev, q
    return r, q


def blocks(matrices: list[tuple[int, int, int, int]], r: object, r_prev: object) -> object:
    for m00, m01, m10, m11 in matrices:
        r, r_prev = m00 * r + m01 * r_prev, m10 * r + m11 * r_prev
    return r, r_prev


def euclid(lo: object, hi: object, den: object) -> list[int]:
    return [int(a) for a in interval_cf(lo, hi, den)]


def main() -> None:
    rng = random.Random(7)
    terms = _e_terms(2000)
    r, q = convergents(terms, 0, 1)  # ~3,000-digit convergents: where approval works
    r_big, q_big = int(r), int(q)
    matrices = [tuple(rng.randrange(-(2**31), 2**31) for _ in range(4)) for _ in range(200)]
    screening = initial_bits(100) + 64
    intervals = []
    for bits in (screening, 4 * screening):
        lo = rng.getrandbits(bits)
        intervals.append((bits, lo, lo + 256, 1 << bits))
    cases = [
        *(
            (
                f"Euclid on a {bits:,}-bit interval",
                lambda lo=lo, hi=hi, den=den: euclid(lo, hi, den),
                lambda lo=lo, hi=hi, den=den: euclid(gmpy2.mpz(lo), gmpy2.mpz(hi), gmpy2.mpz(den)),
            )
            for bits, lo, hi, den in intervals
        ),
        (
            "convergents, 2,000 terms of e",
            lambda: convergents(terms, 0, 1),
            lambda: convergents(terms, gmpy2.mpz(0), gmpy2.mpz(1)),
        ),
        (
            "200 int64 block products on 10,000-bit r",
            lambda: blocks(matrices, r_big, q_big),
            lambda: blocks(matrices, gmpy2.mpz(r_big), gmpy2.mpz(q_big)),
        ),
    ]
    print(f"Python {sys.version.split()[0]}, gmpy2 {gmpy2.version()}; medians of 7 repeats\n")
    print("| work | Python int | gmpy2 mpz | Python / gmpy2 |")
    print("| --- | ---: | ---: | ---: |")
    for name, plain, mpz in cases:
        assert plain() == mpz(), name  # the same answer either way
        t_plain, t_mpz = _median_time(plain), _median_time(mpz)
        print(f"| {name} | {t_plain * 1e3:.2f} ms | {t_mpz * 1e3:.2f} ms | {t_plain / t_mpz:.2f} |")


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()  # for --help
    main()
