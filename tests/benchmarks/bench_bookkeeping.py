"""Benchmark: what proving and family bookkeeping add to a stored search and to an import.

Run from the repository root:  python tests/benchmarks/bench_bookkeeping.py [--repeat N]

A search of e (Möbius maps, |coef| <= 2, periods 1-4, depth 100: 2,464 candidates, 1,470
records) runs with ``esma.runs.resume_search`` in this process into a fresh SQLite file, once
with proving and once without (``SearchSpace.prove``), alternately, after a warm-up run. The time
spent placing records in families (``place_families``, and reading the run's families back) is
measured inside the same runs. Then ``esma search`` as a fresh process, with and without
``--no-prove``, and an import of ``conjectures/e.jsonl`` with its family placement. Prints
Markdown tables of medians (wall-clock seconds); ratios are taken within one process.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def timed(name: str, spent: dict[str, float]):
    """Add the wall-clock time of the block to ``spent[name]``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        spent[name] = spent.get(name, 0.0) + time.perf_counter() - start


def instrument(spent: dict[str, float]) -> None:
    """Time esma.familystore's two entry points wherever they are called from."""
    import esma.familystore as fs

    for name in ("place_families", "current_families"):
        original = getattr(fs, name)

        def wrapper(*args, _original=original, _name=name, **kwargs):
            with timed(_name, spent):
                return _original(*args, **kwargs)

        setattr(fs, name, wrapper)


def stored_search(space, spent: dict[str, float]) -> tuple[float, int]:
    from esma.runs import resume_search
    from esma.store import Store

    with tempfile.TemporaryDirectory() as tmp, Store.open(str(Path(tmp) / "e.db")) as store:
        start = time.perf_counter()
        done = resume_search(space, store)
        return time.perf_counter() - start, len(done.records)


def cli_search(extra: list[str]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "esma", "search", "e", "--coeff", "2", "--periods"]
        command += ["1-4", "--jobs", "1", "--quiet", "--db", str(Path(tmp) / "e.db"), *extra]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each kind (default 5)")
    args = parser.parse_args()

    from esma import prove as prove_module
    from esma.importing import import_files
    from esma.search import SearchSpace
    from esma.store import Store

    spent: dict[str, float] = {}
    instrument(spent)
    proving = SearchSpace.create("e", coeff=2, periods="1-4", depth=100)
    plain = SearchSpace.create("e", coeff=2, periods="1-4", depth=100, prove=False)
    stored_search(proving, {})  # warm up: kernels, digits of e, theorem tables

    with_proofs, without, families = [], [], []
    records = 0
    for _ in range(args.repeat):
        prove_module.clear_caches()  # every proving run starts with an empty induction cache
        spent.clear()
        seconds, records = stored_search(proving, spent)
        with_proofs.append(seconds)
        families.append(spent.get("place_families", 0.0) + spent.get("current_families", 0.0))
        without.append(stored_search(plain, {})[0])
    a, b, f = (statistics.median(x) for x in (without, with_proofs, families))
    print(f"## A stored search of e (coeff 2, periods 1-4, {records:,} records), in one process\n")
    print("| run | median s |")
    print("| --- | ---: |")
    print(f"| `resume_search`, proving off | {a:.2f} |")
    print(f"| `resume_search`, proving on | {b:.2f} |")
    print(f"| of which placing records in families and reading them back | {f:.2f} |")
    print(
        f"\nProving adds {100 * (b - a) / a:.0f}% to the stored search; family bookkeeping is "
        f"{100 * f / b:.0f}% of its wall time."
    )

    print("\n## `esma search e --coeff 2 --periods 1-4 --jobs 1` as a fresh process\n")
    cli_on = [cli_search([]) for _ in range(args.repeat)]
    cli_off = [cli_search(["--no-prove"]) for _ in range(args.repeat)]
    on, off = statistics.median(cli_on), statistics.median(cli_off)
    print("| command | median s |")
    print("| --- | ---: |")
    print(f"| `esma search ... --no-prove` | {off:.2f} |")
    print(f"| `esma search ...` | {on:.2f} |")
    print(f"\nProving and its bookkeeping add {100 * (on - off) / off:.0f}% to the command.")

    text = (ROOT / "conjectures" / "e.jsonl").read_text(encoding="utf-8")
    imports, placing = [], []
    for _ in range(max(1, args.repeat // 2)):
        spent.clear()
        with tempfile.TemporaryDirectory() as tmp, Store.open(str(Path(tmp) / "i.db")) as store:
            start = time.perf_counter()
            import_files([("e.jsonl", io.StringIO(text))], store)
            imports.append(time.perf_counter() - start)
        placing.append(spent.get("place_families", 0.0))
    i, p = statistics.median(imports), statistics.median(placing)
    print("\n## Importing `conjectures/e.jsonl` (1,470 records, checked in this process)\n")
    print("| step | median s |")
    print("| --- | ---: |")
    print(f"| the whole import (approval, certificate check, storing, families) | {i:.2f} |")
    print(f"| of which placing the records in families | {p:.2f} |")
    print(f"\nPlacing families is {100 * p / i:.0f}% of the import.")


if __name__ == "__main__":
    main()
