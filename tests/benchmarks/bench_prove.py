"""Benchmark: seconds per proof and per check, and what proving adds to a search.

Run from the repository root:  python tests/benchmarks/bench_prove.py [--quick]

Prints Markdown tables. Times are CPU seconds of this process (one core), measured per record;
"median" is the median record, "mean" the total over the records divided by their number.
Proofs share the symbolic super-block of records with a common tail (a cache keyed by the
boundary state); "cold" clears that cache before every record.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "conjectures"


def per_record(fn, items) -> list[float]:
    times = []
    for item in items:
        t = time.process_time()
        fn(item)
        times.append(time.process_time() - t)
    return times


def row(label: str, times: list[float]) -> str:
    return (
        f"| {label} | {len(times)} | {statistics.median(times) * 1000:.3f} ms "
        f"| {sum(times) / len(times) * 1000:.3f} ms |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="e only, one search repeat")
    args = parser.parse_args()

    from esma import prove as prove_module
    from esma.conjecture import Conjecture
    from esma.proofcheck import check
    from esma.prove import prove
    from esma.search import SearchSpace, run

    # A search that does not prove (esma.search.run proves each record unless told not to):
    # proving is timed here, record by record.
    space = SearchSpace.create("e", coeff=2, periods="1-4", depth=100, prove=False)
    run(space)  # warm up: numba kernels, constant digits
    e_records = run(space)
    sets = {"e (fresh search, coeff 2, periods 1-4)": e_records}
    if not args.quick:
        catalogue = [
            Conjecture.from_dict(json.loads(line), trusted=True)
            for path in sorted(CATALOGUE.glob("*.jsonl"))
            for line in path.read_text().splitlines()
        ]
        sets["whole catalogue"] = catalogue

    print("## Proving and checking, per record\n")
    print("| what | records | median | mean |")
    print("| --- | ---: | ---: | ---: |")
    for name, records in sets.items():
        prove_module.clear_caches()
        proofs = {}

        def prove_one(c, proofs=proofs):
            proofs[c.id] = prove(c)

        print(row(f"prove, {name}", per_record(prove_one, records)))
        if name.startswith("e "):

            def prove_cold(c):
                prove_module.clear_caches()
                prove(c)

            print(row(f"prove, cold cache, {name}", per_record(prove_cold, records)))
        dicts = [
            {**c.to_dict(), "status": proofs[c.id].status, "proof": proofs[c.id].certificate}
            for c in records
        ]
        print(row(f"check, {name}", per_record(check, dicts)))
        statuses = [p.status for p in proofs.values()]
        print(
            f"|   proved / refuted | {statuses.count('proved')} / {statuses.count('refuted')} | | |"
        )

    print("\n## A search of e (coeff 2, periods 1-4), with and without proving\n")
    repeats = 1 if args.quick else 5
    plain, proving = [], []
    for _ in range(repeats):
        t = time.process_time()
        found = run(space)
        plain.append(time.process_time() - t)
        prove_module.clear_caches()
        t = time.process_time()
        found = run(space)
        for c in found:
            prove(c)
        proving.append(time.process_time() - t)
    a, b = statistics.median(plain), statistics.median(proving)
    print("| search | records | median CPU |")
    print("| --- | ---: | ---: |")
    print(f"| search only | {len(found)} | {a:.2f} s |")
    print(f"| search, proving each record | {len(found)} | {b:.2f} s |")
    print(f"\nIn one process, warm: proving adds {100 * (b - a) / a:.0f}% to `esma.search.run`.")

    # What a user runs: `esma search` as a fresh process into a fresh SQLite file (imports,
    # compile-cache loading, approving, storing), against proving the same records from a cold
    # induction cache.
    cli = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            command = [sys.executable, "-m", "esma", "search", "e", "--coeff", "2"]
            command += ["--periods", "1-4", "--db", str(Path(tmp) / "e.db")]
            subprocess.run(command, check=True, capture_output=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cli.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    prove_module.clear_caches()
    t = time.process_time()
    for c in found:
        prove(c)
    cost = time.process_time() - t
    c_med = statistics.median(cli)
    print(f"\n| `esma search e --coeff 2 --periods 1-4` (fresh process) | {c_med:.2f} s CPU |")
    print(f"| proving its {len(found)} records (cold cache) | {cost:.2f} s CPU |")
    print(f"\nProving adds {100 * cost / c_med:.0f}% to the CPU time of `esma search`.")


if __name__ == "__main__":
    main()
