"""Benchmark: the speed issue's targets, before and after, as whole `esma search` processes.

Run from the repository root:

    python tests/benchmarks/bench_targets.py                 # every row, 3 runs each (~25 min)
    python tests/benchmarks/bench_targets.py --quick         # the small rows only (~3 min)
    python tests/benchmarks/bench_targets.py --before REF    # compare with another commit
    python tests/benchmarks/bench_targets.py --growth        # how the cost grows (~3 min)

"Before" is the git ref ``--before`` (default ``main``), unpacked with ``git archive`` into a
temporary folder; "after" is this working tree. Each row runs ``python -m esma search ...`` as a
fresh process into a fresh SQLite file, the way a user runs it, with the numba cache warm (one
untimed run first) except in the cold-start row, which gives each side an empty
``NUMBA_CACHE_DIR``. Reported: the median wall time of ``--repeat`` runs, the median CPU time of
the whole process tree (esma and every worker it started), the machine's load average while the
row ran (other jobs share this machine: compare CPU times and the ratios), and for the largest
rows the peak memory of the process tree (the sum of its processes' proportional set sizes, so
pages shared by forked workers count once), sampled in the untimed first run: sampling /proc
five times a second cost the degree-2 search on 2 cores ~1 s of its ~15.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SMALL = "e --coeff 1 --periods 1-1"
REFERENCE = "e --coeff 2 --periods 2-2 --depth 105"
PI = "pi --coeff 3 --periods 1-4 --depth 105"
E3 = "e --coeff 3 --periods 1-4 --depth 105"
DEGREE2 = "e --degree 2 --coeff 3 --periods 1-6"
DEGREE3 = "e --degree 3 --coeff 2 --periods 1-4"


@dataclass
class Row:
    label: str
    args: str
    target: str
    jobs: int | None = None
    cold: bool = False
    large: bool = False
    sides: tuple[str, ...] = ("before", "after")
    memory: bool = False
    results: dict = field(default_factory=dict)


ROWS = [
    Row("24-candidate search (`esma search e --coeff 1 --periods 1-1`)", SMALL, "≤ 0.6 s"),
    Row(
        "the reference's test workload (`e --coeff 2 --periods 2-2 --depth 105`)",
        REFERENCE,
        "≤ 0.6 s",
    ),
    Row("`pi --coeff 3 --periods 1-4 --depth 105`", PI, "≤ 0.5 s"),
    Row("`e --coeff 3 --periods 1-4 --depth 105`", E3, "≤ 1.0 s"),
    Row(
        "`e --coeff 3 --periods 1-4 --depth 105 --no-prove`",
        E3 + " --no-prove",
        "≤ 1.0 s",
        sides=("after",),
    ),
    Row(f"`{DEGREE2}`, `--jobs 1`", DEGREE2, "", jobs=1, large=True, memory=True),
    Row(f"`{DEGREE2}`, 2 cores", DEGREE2, "≤ 15 s", jobs=2, large=True, memory=True),
    Row(
        f"`{DEGREE2} --no-prove`, `--jobs 1`",
        DEGREE2 + " --no-prove",
        "",
        jobs=1,
        large=True,
        sides=("after",),
    ),
    Row(
        f"`{DEGREE2} --no-prove`, 2 cores",
        DEGREE2 + " --no-prove",
        "≤ 15 s",
        jobs=2,
        large=True,
        sides=("after",),
        memory=True,
    ),
    Row(
        "first search with an empty compile cache (π row), extra time",
        PI,
        "≤ +5 s, with a message",
        cold=True,
    ),
    Row(
        f"`{DEGREE3}`, 2 cores",
        DEGREE3,
        "≤ 3 min, ≤ 2 GB",
        jobs=2,
        large=True,
        sides=("after",),
        memory=True,
    ),
]


def unpack(ref: str, into: Path) -> Path:
    """The tree of ``ref`` (a commit of this repository), without its .git."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _tree_pids(root: int) -> list[int]:
    """``root`` and every process descended from it (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                parent = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_once(tree: Path, args: str, jobs: int | None, cache: str | None, memory: bool) -> dict:
    """One fresh `esma search` process: wall and CPU seconds, peak memory, what it printed."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "esma", "search", *args.split(), "--db", f"{tmp}/b.db"]
        if jobs is not None:
            command += ["--jobs", str(jobs)]
        env = {**os.environ, "PYTHONPATH": str(tree)}
        # As users run esma: Python caches its compiled bytecode (an environment that forbids
        # it makes every process compile esma's modules again, ~0.1 s).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if cache is not None:
            env["NUMBA_CACHE_DIR"] = cache
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.Popen(
            command, env=env, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        peak = [0]
        if memory:

            def sample() -> None:
                while proc.poll() is None:
                    peak[0] = max(peak[0], sum(map(_pss_kb, _tree_pids(proc.pid))))
                    time.sleep(0.2)

            watcher = threading.Thread(target=sample, daemon=True)
            watcher.start()
        out, err = proc.communicate()
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{err}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        summary = out.strip().splitlines()[-1] if out.strip() else ""
        return {"wall": wall, "cpu": cpu, "peak_mb": peak[0] / 1024, "summary": summary, "err": err}


def _wait_for_builds(cache: str, timeout: float = 300.0) -> None:
    """Wait until no process mentions ``cache`` on its command line (a background build)."""
    deadline = time.monotonic() + timeout
    needle = cache.encode()
    while time.monotonic() < deadline:
        busy = False
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    busy = needle in Path(f"/proc/{entry}/cmdline").read_bytes()
                except OSError:
                    continue
                if busy:
                    break
        if not busy:
            return
        time.sleep(0.2)


def measure(row: Row, trees: dict[str, Path], repeat: int) -> None:
    for side in row.sides:
        tree = trees[side]
        load = [os.getloadavg()[0]]
        if row.cold:
            warm = [run_once(tree, row.args, row.jobs, None, False) for _ in range(repeat)]
            cold = []
            for _ in range(repeat):
                with tempfile.TemporaryDirectory() as cache:
                    cold.append(run_once(tree, row.args, row.jobs, cache, False))
                    # The native kernels' build that a first run starts in the background
                    # (detached: not in the CPU counted) must not overlap the next run.
                    _wait_for_builds(cache)
            extra = statistics.median(r["wall"] for r in cold) - statistics.median(
                r["wall"] for r in warm
            )
            said = any("compil" in r["err"] for r in cold)
            row.results[side] = {
                "text": f"+{extra:.1f} s" + (", with a message" if said else ", silent"),
                "cpu": statistics.median(r["cpu"] for r in cold)
                - statistics.median(r["cpu"] for r in warm),
                "load": (load[0] + os.getloadavg()[0]) / 2,
                "summary": cold[-1]["summary"],
            }
            continue
        # The first run warms the caches (compiled kernels, files) and gives the peak memory:
        # sampling /proc five times a second costs CPU the timed runs must not lose.
        first = run_once(tree, row.args, row.jobs, None, row.memory)
        runs = [run_once(tree, row.args, row.jobs, None, False) for _ in range(repeat)]
        wall = statistics.median(r["wall"] for r in runs)
        row.results[side] = {
            "text": f"{wall:.2f} s",
            "wall": wall,
            "cpu": statistics.median(r["cpu"] for r in runs),
            "peak_mb": first["peak_mb"],
            "load": (load[0] + os.getloadavg()[0]) / 2,
            "summary": runs[-1]["summary"],
        }


#: How a search's cost grows: one parameter varied at a time from e, degree 1, |coef| <= 2,
#: periods 1-4, depth 100 (``--growth``; --jobs 1 --no-prove, so that the numbers are the
#: search's own work on one core).
GROWTH = [
    ("coefficient bound", [f"e --coeff {c} --periods 1-4" for c in (1, 2, 3, 4)]),
    ("sign periods", [f"e --coeff 2 --periods 1-{b}" for b in (2, 3, 4, 5, 6)]),
    ("degree", [f"e --degree {d} --coeff 2 --periods 1-4" for d in (1, 2, 3)]),
    ("depth", [f"e --coeff 2 --periods 1-4 --depth {n}" for n in (50, 100, 200, 400, 800)]),
    ("a constant without formulas", [f"pi --coeff {c} --periods 1-4" for c in (2, 3, 4)]),
]


def growth(repeat: int) -> None:
    """Print the growth table: candidates, approvals, CPU seconds and µs per candidate."""
    print(
        "| varied | search (`--jobs 1 --no-prove`) | candidates | approved | CPU s | µs/candidate |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for varied, searches in GROWTH:
        for args in searches:
            run_once(ROOT, args + " --no-prove", 1, None, False)  # warm
            runs = [run_once(ROOT, args + " --no-prove", 1, None, False) for _ in range(repeat)]
            cpu = statistics.median(r["cpu"] for r in runs)
            summary = runs[-1]["summary"]
            words = summary.replace(",", "").split()
            screened = int(words[words.index("candidates") - 3])
            approved = int(words[words.index("approved") - 1])
            print(
                f"| {varied} | `{args}` | {screened:,} | {approved:,} | {cpu:.2f} "
                f"| {cpu / screened * 1e6:,.0f} |"
            )
            varied = ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default="main", help="git ref to compare with (default main)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row and side (median)")
    parser.add_argument("--quick", action="store_true", help="skip the large searches")
    parser.add_argument("--only-after", action="store_true", help="measure this tree only")
    parser.add_argument("--rows", default="", help="comma-separated row numbers (1-based)")
    parser.add_argument(
        "--growth", action="store_true", help="print how the cost grows instead (this tree)"
    )
    args = parser.parse_args()
    if args.growth:
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}\n")
        growth(args.repeat)
        return
    rows = [r for r in ROWS if not (args.quick and r.large)]
    if args.rows:
        chosen = {int(k) for k in args.rows.split(",")}
        rows = [r for k, r in enumerate(ROWS, 1) if k in chosen]
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    print(f"python {sys.version.split()[0]}; before = {args.before}, after = this working tree\n")
    with tempfile.TemporaryDirectory() as tmp:
        trees = {"after": ROOT}
        if not args.only_after:
            trees["before"] = unpack(args.before, Path(tmp))
        for row in rows:
            if args.only_after:
                row.sides = ("after",)
            measure(row, trees, 1 if row.large and row.jobs == 1 else args.repeat)
            print(f"measured: {row.label}", file=sys.stderr)
    print("| workload | before | after | target | CPU s before → after | load | peak memory |")
    print("| --- | ---: | ---: | --- | --- | ---: | ---: |")
    for row in rows:
        b, a = row.results.get("before"), row.results.get("after")
        cpu = " → ".join(f"{r['cpu']:.2f}" if r else "–" for r in (b, a))
        load = statistics.mean(r["load"] for r in (b, a) if r)
        peak = a.get("peak_mb", 0) if a else 0
        print(
            f"| {row.label} | {b['text'] if b else 'not run'} | {a['text'] if a else '–'} "
            f"| {row.target} | {cpu} | {load:.1f} | {f'{peak:,.0f} MB' if peak else ''} |"
        )
    ratio_rows = [r for r in rows if r.args == DEGREE2 and r.jobs in (1, 2)]
    if len(ratio_rows) == 2:
        for side in ("before", "after"):
            one, two = (r.results.get(side) for r in ratio_rows)
            if one and two:
                print(f"\n`--jobs 2` over `--jobs 1` ({side}): {one['wall'] / two['wall']:.2f}×")
    print("\nwhat each row printed last (after):")
    for row in rows:
        if row.results.get("after"):
            print(f"- {row.args}: {row.results['after']['summary']}")


if __name__ == "__main__":
    main()
