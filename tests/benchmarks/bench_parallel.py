"""Benchmark: one search run serially (``--jobs 1``), on two local processes (``--jobs 2``) and
on a Dask LocalCluster with two single-threaded worker processes.

Each measurement is what ``esma search`` does end to end, minus the terminal: build the search
space, start the executor, store every chunk into a fresh SQLite file as it arrives, read the
records back. The local pool's start-up (spawning interpreters that import esma) is included,
since every ``--jobs N`` invocation pays it; the Dask cluster is started once, outside the
timings (a cluster outlives many searches), but connecting to it is included. Repetitions are
interleaved so that background load hits every executor alike; medians are reported, and the
records of every executor are checked to be identical.

Usage::

    python tests/benchmarks/bench_parallel.py             # e, degree 2, |coef| <= 2, periods 1-4
    python tests/benchmarks/bench_parallel.py --quick     # a few seconds per run, for a smoke test
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from esma.parallel import DaskExecutor, ProcessExecutor, SerialExecutor
from esma.runs import resume_search
from esma.search import SearchSpace, run_chunk
from esma.store import Store

WORKLOADS = {
    "full": {"degree": 2, "coeff": 2, "periods": "1-4", "depth": 100},
    "quick": {"degree": 1, "coeff": 2, "periods": "1-4", "depth": 100},
}


def forget_memos() -> None:
    """Empty esma's in-process memos (Approve's convergent traces, closed forms, LaTeX), which
    would otherwise let a repeated in-process run reuse the work of the previous one."""
    from esma import constants, notation, recurrence, verify

    verify._traces().clear()
    for memo in (
        recurrence._fit_quasi,
        recurrence._cyclotomic_structure,
        notation.poly_text,
        notation.poly_markup,
        notation.latex_text,
        constants.lhs_latex,
    ):
        memo.cache_clear()


def timed_run(
    make_executor, constant: str, options: dict, db: str
) -> tuple[float, float, list[dict], int]:
    """Wall seconds and this process's CPU seconds for one stored run, its records and its
    candidate count."""
    forget_memos()
    started = time.perf_counter()
    cpu = time.process_time()
    executor = make_executor()
    space = SearchSpace.create(constant, **options)
    with Store.open(db) as store:
        # As esma search does: workers load while the space is listed, chunks stored as they come.
        run_id = resume_search(space, store, executor).run_id
        records = [c.to_dict() for c in store.run_conjectures(run_id)]
    executor.close()
    return time.perf_counter() - started, time.process_time() - cpu, records, space.total_candidates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small workload")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (median reported)")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster")
    parser.add_argument("--constant", default="e", help="the constant searched (default e)")
    parser.add_argument(
        "--chunk-lhs", type=int, default=None, help="left-hand sides per chunk (default: esma's)"
    )
    args = parser.parse_args()
    options = dict(WORKLOADS["quick" if args.quick else "full"])
    if args.chunk_lhs is not None:
        options["chunk_lhs"] = args.chunk_lhs

    # Warm this process (numba cache load, constant digits) so --jobs 1 is not charged for it.
    run_chunk(SearchSpace.create(args.constant, **options), 0)

    cluster = None
    cluster_start = None
    if not args.no_dask:
        from distributed import LocalCluster

        t0 = time.perf_counter()
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        cluster_start = time.perf_counter() - t0

    makers = {
        "--jobs 1 (in-process)": SerialExecutor,
        "--jobs 2 (local processes)": lambda: ProcessExecutor(2),
    }
    if cluster is not None:
        makers["Dask LocalCluster, 2 workers"] = lambda: DaskExecutor(cluster.scheduler_address)

    times: dict[str, list[float]] = {name: [] for name in makers}
    cpus: dict[str, list[float]] = {name: [] for name in makers}
    reference = None
    candidates = 0
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(args.repeat):
            for n, (name, make) in enumerate(makers.items()):
                db = f"sqlite:///{Path(tmp) / f'{rep}-{n}.db'}"
                seconds, cpu, records, candidates = timed_run(make, args.constant, options, db)
                if reference is None:
                    reference = records
                elif records != reference:
                    sys.exit(f"{name}: records differ from --jobs 1")
                times[name].append(seconds)
                cpus[name].append(cpu)
                print(
                    f"  rep {rep + 1}: {name}: {seconds:.2f} s (this process {cpu:.2f} s CPU)",
                    file=sys.stderr,
                )
    if cluster is not None:
        cluster.close()

    base = statistics.median(times["--jobs 1 (in-process)"])
    text = ", ".join(f"{k} {v}" for k, v in options.items())
    print(
        f"\n{args.constant} ({text}), digits 1000: {candidates:,} candidates, {len(reference):,} conjectures;"
        f" {os.cpu_count()} cores, load average {load:.1f} at start, median of {args.repeat}\n"
    )
    print(
        "| executor | median s | min s | speed-up over --jobs 1 | candidates/s "
        "| CPU s in the esma process |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, values in times.items():
        med = statistics.median(values)
        print(
            f"| {name} | {med:.2f} | {min(values):.2f} | {base / med:.2f}x "
            f"| {candidates / med:,.0f} | {statistics.median(cpus[name]):.2f} |"
        )
    if cluster_start is not None:
        print(f"\nDask LocalCluster start-up (not in the timings): {cluster_start:.1f} s")
    print(
        "records identical across executors: yes. 'CPU s in the esma process' is the "
        "coordinator's share (storing, checking records) for the pools, everything for --jobs 1."
    )


if __name__ == "__main__":
    main()
