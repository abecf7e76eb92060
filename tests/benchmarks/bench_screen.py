"""Benchmark: batch screening kernel vs the exact path, and Berlekamp-Massey vs python-flint.

A script, not a test: ``python tests/benchmarks/bench_screen.py`` (add
``--quick`` for fewer repeats). It prints a Markdown table of medians (CPU time of this process)
over several repeats and the ratios between rows, all measured in this one process (shared
machines are noisy: compare ratios, not absolute times across runs). Numba kernels are warmed up
before any timing.

Rows:

- screening at depth 105, flag bound 26 (the default threshold 0.25), Möbius maps |coef| <= 3
  (distinct values), primitive sign periods of length 1-4, for π and e:
  ``esma.screening.screen_mobius_block`` over the whole domain (one call, outcomes included)
  vs ``esma.search.screen`` per candidate on a random sample of 300 candidates;
- Berlekamp-Massey on random residues mod PRIMES[0] at n = 200, 2000, 20000:
  ``esma.kernels.bm.bm_mod_p`` (the public kernel), the screening kernel's inversionless BM,
  python-flint ``fmpz_mod_poly_ctx(p).minpoly``, and the plain twin ``bm_mod_p_py`` at 200.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time

import numpy as np


def median_time(fn, repeats: int, *args) -> float:
    """Median CPU time of ``fn(*args)`` over ``repeats`` runs, in seconds.

    CPU time of this process (everything measured is single-threaded), not wall time: on a
    shared machine other jobs then inflate the numbers less, though they still share caches.
    """
    times = []
    for _ in range(repeats):
        t = time.process_time()
        fn(*args)
        times.append(time.process_time() - t)
    return statistics.median(times)


def screening_rows(constant: str, repeats: int, sample: int, seed: int) -> list[tuple]:
    from esma.screening import ScreenStatus, screen_mobius_block, screening_cf
    from esma.search import SearchSpace, screen
    from esma.transforms import LhsValue

    space = SearchSpace.create(constant, coeff=3, periods=(1, 4), depth=105)
    lhs, signs, depth, bound = space.lhs, space.signs, space.depth, space.flag_bound
    value = space.constant_value
    n = len(lhs) * len(signs)

    t_cf = median_time(lambda: screening_cf(value, depth), repeats)
    cf = screening_cf(value, depth)
    screen_mobius_block(cf, lhs[:2], signs, depth, bound)  # warm-up (loads the numba cache)
    t_kernel = median_time(lambda: screen_mobius_block(cf, lhs, signs, depth, bound), repeats)
    out = screen_mobius_block(cf, lhs, signs, depth, bound)
    counts = {s.name.lower(): sum(o.status == s for o in out) for s in ScreenStatus}

    rng = random.Random(seed)
    pairs = [(rng.choice(lhs), rng.choice(signs)) for _ in range(sample)]
    values = {f: LhsValue(f, value) for f, _ in pairs}

    def exact() -> None:
        for f, s in pairs:
            screen(values[f], s, depth, bound)

    t_exact = median_time(exact, max(1, repeats // 2))
    detail = ", ".join(f"{v} {k}" for k, v in counts.items())
    return [
        (f"{constant}: batch kernel, {n} candidates ({detail})", n / t_kernel, "candidates/s"),
        (f"{constant}: exact path, sample of {sample}", sample / t_exact, "candidates/s"),
        (f"{constant}: regular CF for the kernel ({len(cf)} terms, once)", t_cf * 1e3, "ms"),
    ]


def bm_rows(repeats: int, seed: int) -> list[tuple]:
    import flint

    from esma.kernels.bm import bm_mod_p, bm_mod_p_py
    from esma.kernels.screen import _bm_extend
    from esma.massey import PRIMES

    p = PRIMES[0]
    rng = np.random.default_rng(seed)

    def inversionless(seq: np.ndarray) -> int:
        n = seq.shape[0]
        c, b, saved = (np.zeros(n + 2, dtype=np.int64) for _ in range(3))
        c[0] = b[0] = 1
        state = np.array([0, 0, 1, 1], dtype=np.int64)
        return int(_bm_extend(seq, 0, n, p, 1.0 / p, n, c, b, saved, state))

    warm = rng.integers(0, p, 50)
    bm_mod_p(warm, p, 50)
    inversionless(warm)
    rows = []
    for n in (200, 2000, 20000):
        seq = rng.integers(0, p, n).astype(np.int64)
        as_list = seq.tolist()
        ctx = flint.fmpz_mod_poly_ctx(p)
        want = bm_mod_p(seq, p, n)[1]
        assert inversionless(seq) == want == ctx.minpoly(as_list).degree()
        reps = repeats if n < 20000 else max(1, repeats // 3)
        timed = [
            ("bm_mod_p (numba)", reps, bm_mod_p, seq, p, n),
            ("screening BM (numba, inversionless)", reps, inversionless, seq),
            ("python-flint minpoly", reps, ctx.minpoly, as_list),
        ]
        if n == 200:
            timed.append(
                ("bm_mod_p_py (plain twin)", max(1, reps // 2), bm_mod_p_py, as_list, p, n)
            )
        for name, r, fn, *args in timed:
            rows.append((f"BM n={n}: {name}", median_time(fn, r, *args)))
    return [(name, t * 1e3, "ms") for name, t in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--sample", type=int, default=300, help="exact-path sample size")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    repeats = 3 if args.quick else 7

    print(
        f"# bench_screen  ({platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cpus, load {os.getloadavg()[0]:.1f}, repeats={repeats}, "
        "medians of CPU time)\n"
    )
    print("| row | value | unit |")
    print("| --- | ---: | --- |")
    ratios = []
    for constant in ("pi", "e"):
        rows = screening_rows(constant, repeats, args.sample, args.seed)
        for name, value, unit in rows:
            print(f"| {name} | {value:,.1f} | {unit} |")
        ratios.append((f"{constant}: batch / exact path", rows[0][1] / rows[1][1]))
        ratios.append((f"{constant}: µs per candidate, batch", 1e6 / rows[0][1]))
        ratios.append((f"{constant}: µs per candidate, exact path", 1e6 / rows[1][1]))
    bm = bm_rows(repeats, args.seed)
    for name, value, unit in bm:
        print(f"| {name} | {value:,.3f} | {unit} |")
    times = {name: value for name, value, _ in bm}
    for n in (200, 2000, 20000):
        base = times[f"BM n={n}: bm_mod_p (numba)"]
        ratios.append(
            (f"BM n={n}: flint minpoly / bm_mod_p", times[f"BM n={n}: python-flint minpoly"] / base)
        )
        ratios.append(
            (
                f"BM n={n}: screening BM / bm_mod_p",
                times[f"BM n={n}: screening BM (numba, inversionless)"] / base,
            )
        )
    ratios.append(
        (
            "BM n=200: plain twin / bm_mod_p",
            times["BM n=200: bm_mod_p_py (plain twin)"] / times["BM n=200: bm_mod_p (numba)"],
        )
    )
    print("\n| ratio | value |")
    print("| --- | ---: |")
    for name, value in ratios:
        print(f"| {name} | {value:,.2f} |")


if __name__ == "__main__":
    main()
