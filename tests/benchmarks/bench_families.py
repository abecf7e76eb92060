"""Benchmark: families of the whole catalogue, from scratch and incrementally.

Run from the repository root:  python tests/benchmarks/bench_families.py [--quick]

Prints Markdown tables of medians of CPU time (``time.process_time``: other jobs on a shared
machine inflate it less than wall time), measured in this process. "Cold" runs empty every memo of
esma.tails, esma.valueclasses, esma.families and esma.classical first, so they pay for every
canonical form, left-hand side and classical tail as a fresh process would (imports excluded);
"warm" runs keep them, as a long-lived process (a notebook, a server) would.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "conjectures"
CONSTANTS = ("e", "e2", "tan1", "besselratio", "sqrte", "e13")


def clear_memos() -> None:
    import esma.classical
    import esma.families
    import esma.recurrence
    import esma.tails
    import esma.valueclasses

    for module in (esma.tails, esma.valueclasses, esma.families, esma.classical):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def median_time(fn, repeat: int, *, cold: bool) -> float:
    times = []
    for _ in range(repeat):
        if cold:
            clear_memos()
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 repeats instead of 7")
    args = parser.parse_args()
    repeat = 3 if args.quick else 7

    from esma.conjecture import Conjecture
    from esma.families import Family, assign, families, funnel, value_classes

    records = []
    for name in CONSTANTS:
        with (CATALOGUE / f"{name}.jsonl").open(encoding="utf-8") as fh:
            records.extend(json.loads(line) for line in fh)
    n = len(records)
    conjectures = [Conjecture.from_dict(r, trusted=True) for r in records]
    per_k = 1000 / n

    fams = families(records)  # warm-up, and the figures below
    rows = []

    def row(label: str, seconds: float, per: str = "") -> None:
        rows.append((label, f"{seconds * 1e3:.0f} ms", per))

    t = median_time(lambda: families(records, rates=False), repeat, cold=True)
    row("from scratch, record dicts, cold, no rates", t, f"{t * per_k * 1e3:.0f} ms / 1000 records")
    t_cold = median_time(lambda: families(records), repeat, cold=True)
    row(
        "from scratch, record dicts, cold, with rates",
        t_cold,
        f"{t_cold * per_k * 1e3:.0f} ms / 1000 records",
    )
    t = median_time(lambda: families(records), repeat, cold=False)
    row("from scratch, record dicts, warm", t, f"{t * per_k * 1e3:.0f} ms / 1000 records")
    t = median_time(lambda: families(conjectures), repeat, cold=True)
    row(
        "from scratch, Conjecture objects (already parsed), cold",
        t,
        f"{t * per_k * 1e3:.0f} ms / 1000 records",
    )

    from esma.valueclasses import class_key, simple_cf_rate

    keys = {class_key(f.constant, f.members[0].lhs) for f in fams}

    def rates() -> None:
        simple_cf_rate.cache_clear()
        for k in keys:
            simple_cf_rate(k)

    t = median_time(rates, repeat, cold=False)
    row(f"regular CF rates alone, {len(keys)} value classes", t, "")

    # Incrementally: ten batches, the families between batches kept as JSON (as a store would).
    batches = [records[i::10] for i in range(10)]

    def in_batches() -> list:
        state: list = []
        for batch in batches:
            stored = [Family.from_dict(json.loads(json.dumps(f.to_dict(full=True)))) for f in state]
            state = assign(batch, stored)
        return state

    t = median_time(in_batches, repeat, cold=True)
    row("10 batches, families stored as JSON between", t, f"{t / t_cold:.2f} × from scratch")
    assert [f.to_dict(full=True) for f in in_batches()] == [f.to_dict(full=True) for f in fams]

    # One more record into the catalogue's families (a search storing one chunk).
    stored = [Family.from_dict(f.to_dict(full=True)) for f in fams]
    last = records[-1]
    without = [f for f in assign([], stored) if last["id"] not in {m.id for m in f.members}]
    t = median_time(lambda: assign([last], stored), repeat, cold=False)
    row("one record added to 8,415 stored ones, warm", t, "")
    t = median_time(
        lambda: [Family.from_dict(f.to_dict(full=True)) for f in fams], repeat, cold=False
    )
    row("rebuild 420 families from their stored JSON", t, "")
    del without

    print(f"## Families of the catalogue ({n:,} records, {len(fams)} families)\n")
    print("| computation | median | per |")
    print("| --- | ---: | --- |")
    for label, value, per in rows:
        print(f"| {label} | {value} | {per} |")

    print("\n## Funnel\n")
    print("| constant | records | values | value classes | families | new | classical | faster |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for f in funnel(fams):
        print(
            f"| {f.constant} | {f.records:,} | {f.values} | {f.value_classes} | {f.families} | "
            f"{f.new_families} | {f.classical_families} | {f.faster_families} |"
        )
    total = funnel(fams)
    print(
        f"| all | {sum(f.records for f in total):,} | {sum(f.values for f in total)} | "
        f"{len(value_classes(fams))} | {len(fams)} | {sum(f.new_families for f in total)} | "
        f"{sum(f.classical_families for f in total)} | {sum(f.faster_families for f in total)} |"
    )


if __name__ == "__main__":
    main()
