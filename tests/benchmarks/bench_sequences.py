"""How long `esma recurrence` takes against the length of the sequence (sets MAX_TERMS).

    python tests/benchmarks/bench_sequences.py

`esma.massey.find_recurrence` on sequences without a recurrence (the worst case: Berlekamp-Massey
runs to the end, over several primes) and on one with a short recurrence, for growing lengths.
Medians of 3 wall-clock runs in one process.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from esma.massey import find_recurrence
from esma.sequences import MAX_TERMS


def main() -> None:
    find_recurrence([1, 2, 3, 5, 8, 13, 21, 34, 55, 89])  # load the kernels
    print(f"MAX_TERMS = {MAX_TERMS:,}\n")
    print("| terms | random digits 0-9 s | random 50-digit terms s | a(n) = n s |")
    print("| ---: | ---: | ---: | ---: |")
    for n in (1_000, 2_500, 5_000, 10_000, 20_000):
        rng = random.Random(n)
        cases = (
            [rng.randint(0, 9) for _ in range(n)],
            [rng.randrange(10**50) for _ in range(n)],
            list(range(n)),
        )
        cells = []
        for seq in cases:
            times = []
            for _ in range(3):
                t = time.perf_counter()
                find_recurrence(seq)
                times.append(time.perf_counter() - t)
            cells.append(f"{statistics.median(times):.3f}")
        print(f"| {n:,} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()  # for --help
    main()
