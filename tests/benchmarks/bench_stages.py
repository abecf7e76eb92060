"""Benchmark: the cost of each stage of a search, and whole searches against the issue's targets.

Run from the repository root:  python tests/benchmarks/bench_stages.py [--quick]

Prints Markdown tables of medians. Stage costs are measured in this process (numba warmed up);
whole searches run `esma search` as a fresh process into a fresh SQLite file, the way a user
runs it, so imports, compile-cache loading, storing and printing are all included.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the Approve oracle


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def stage_rows(repeat: int) -> list[tuple[str, str, str]]:
    from esma import verify
    from esma.constants import get_constant
    from esma.expansion import signed_expansion
    from esma.massey import find_recurrence, linear_complexity
    from esma.search import SearchSpace
    from esma.transforms import LhsValue, distinct_values, enumerate_lhs
    from esma.verify import approve

    rows = []
    e = get_constant("e")
    for degree, coeff in ((1, 3), (2, 2)):
        fs = enumerate_lhs(degree, coeff)
        t = median_time(lambda d=degree, k=coeff: distinct_values(enumerate_lhs(d, k), e), repeat)
        rows.append(
            (
                f"LHS enumeration + value de-duplication, degree {degree}, coeff {coeff}",
                f"{t * 1e3:.0f} ms",
                f"{len(fs)} functions, {t / len(fs) * 1e6:.1f} µs each",
            )
        )

    space = SearchSpace.create("e", coeff=3, periods="1-4", depth=105)
    values = [LhsValue(f, space.constant_value) for f in space.lhs[:40]]
    t = median_time(lambda: [signed_expansion(v, "+-", 105) for v in values], repeat)
    rows.append(
        (
            "certified expansion, exact path, 105 terms",
            f"{t / len(values) * 1e3:.2f} ms",
            f"{t / len(values) / 105 * 1e6:.1f} µs per term",
        )
    )

    seq = list(signed_expansion(values[0], "+-", 105).terms)
    t = median_time(lambda: [linear_complexity(seq) for _ in range(100)], repeat) / 100
    rows.append(("Berlekamp–Massey mod p (numba), n = 105, full", f"{t * 1e6:.0f} µs", ""))

    # Approve on the flagged candidates of the first chunks of the e search, as a search meets
    # them (left-hand sides that differ by an integer share a trace), against the plain
    # term-by-term definition (tests/test_verify.py's oracle) in the same process.
    from test_verify import oracle

    from esma.screening import FLAGGED
    from esma.search import _screen_block

    flagged = []
    for index in range(8):
        lhs = space.chunk(index)
        chunk_values = [LhsValue(f, space.constant_value) for f in lhs]
        outcomes = iter(_screen_block(space, lhs, chunk_values))
        for v in chunk_values:
            for s in space.signs:
                outcome = next(outcomes)
                if outcome.status == FLAGGED:
                    flagged.append((v, s, list(outcome.terms)))
    t = median_time(lambda: [find_recurrence(terms) for _, _, terms in flagged], repeat)
    rows.append(
        (
            "exact recurrence (`find_recurrence`), 105 terms",
            f"{t / len(flagged) * 1e6:.0f} µs",
            f"per flagged candidate of e ({len(flagged)})",
        )
    )
    flagged = [(v, s, find_recurrence(terms)) for v, s, terms in flagged]

    def fresh_approve():
        verify._traces().clear()
        return [approve(v, r, s) for v, s, r in flagged]

    assert fresh_approve() == [oracle(v, r, s) for v, s, r in flagged]
    t_plain = median_time(lambda: [oracle(v, r, s) for v, s, r in flagged], repeat)
    t_esma = median_time(fresh_approve, repeat)
    note = f"{len(flagged)} flagged candidates of e, 8 chunks"
    rows.append(
        (
            "Approve to 1000 digits, plain term by term",
            f"{t_plain / len(flagged) * 1e3:.3f} ms",
            note,
        )
    )
    rows.append(
        (
            "Approve to 1000 digits, esma (shared traces, int64 blocks)",
            f"{t_esma / len(flagged) * 1e3:.3f} ms",
            f"{t_plain / t_esma:.1f}× faster",
        )
    )
    return rows


WORKLOADS = [
    ("pi --degree 1 --coeff 3 --periods 1-4 --depth 105", 1.5),
    ("e --degree 1 --coeff 3 --periods 1-4 --depth 105", 3.0),
    ("e --degree 2 --coeff 2 --periods 1-4", 60.0),
]


def search_rows(repeat: int, quick: bool) -> list[tuple[str, str, str, str]]:
    esma = [sys.executable, "-m", "esma", "search"]
    rows = []
    for workload, target in WORKLOADS[:2] if quick else WORKLOADS:
        for jobs in ("1", "2"):
            times = []
            for _ in range(repeat):
                with tempfile.TemporaryDirectory() as tmp:
                    db = os.path.join(tmp, "bench.db")
                    t = time.perf_counter()
                    subprocess.run(
                        [*esma, *workload.split(), "--db", db, "--jobs", jobs],
                        check=True,
                        capture_output=True,
                    )
                    times.append(time.perf_counter() - t)
            rows.append(
                (
                    f"`esma search {workload}`",
                    jobs,
                    f"{statistics.median(times):.2f}",
                    f"≤ {target:g}",
                )
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no degree-2 search")
    parser.add_argument("--repeat", type=int, default=None, help="repeats per measurement")
    args = parser.parse_args()
    repeat = args.repeat or (3 if args.quick else 5)

    from esma.search import SearchSpace, run

    run(SearchSpace.create("e", coeff=1, periods="1-1", depth=60))  # warm numba's cache
    print("| stage | median | note |\n| --- | ---: | --- |")
    for row in stage_rows(repeat):
        print("| " + " | ".join(row) + " |")
    print("\n| whole process (fresh SQLite file) | --jobs | median s | target s |")
    print("| --- | ---: | ---: | ---: |")
    for row in search_rows(max(1, repeat // 2 + 1), args.quick):
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
