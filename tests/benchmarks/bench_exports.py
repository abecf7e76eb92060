"""How long the exports of the whole catalogue take to write, and their checks to run.

Reads ``conjectures/*.jsonl`` (8,416 records), writes every export format into a temporary
folder (medians of 3, in this process), then runs each checking file as its users would:
``python FILE --check 100`` (SymPy), ``gp -q FILE`` (PARI/GP), ``python FILE --check 50``
(ramanujantools), ``pdflatex`` (LaTeX) and headless Chromium loading the page (HTML), once
each, reporting wall-clock and CPU time of the child process. A tool that is not installed is
reported as such::

    python tests/benchmarks/bench_exports.py
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from esma.export import FORMATS, read_jsonl, write_latex  # noqa: E402


def _records() -> list:
    out = []
    for path in sorted((ROOT / "conjectures").glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            out += read_jsonl(fh, name=path.name)
    return out


def _child(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """(wall s, CPU s of the child, exit status)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def main() -> None:
    records = _records()
    print(f"{len(records)} records, {os.cpu_count()} cores\n")
    print("| export | write (median of 3) | size |")
    print("| --- | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        names = {"sympy": "f.py", "gp": "f.gp", "ramanujantools": "rt.py", "html": "f.html"}
        for fmt in ("jsonl", "csv", "md", "latex", "html", "sympy", "gp", "ramanujantools"):
            times = []
            for _ in range(3):
                buf = io.StringIO()
                start = time.perf_counter()
                if fmt == "latex":
                    write_latex(records, buf, standalone=True)
                else:
                    FORMATS[fmt](records, buf)
                times.append(time.perf_counter() - start)
            text = buf.getvalue()
            (folder / names.get(fmt, f"f.{fmt}")).write_text(text, encoding="utf-8")
            size = len(text.encode()) / 2**20
            print(f"| {fmt} | {statistics.median(times):.2f} s | {size:.1f} MiB |")

        checks = [
            ("SymPy file, --check 100", [sys.executable, "f.py", "--check", "100"], None),
            ("GP script, gp -q", ["gp", "-q", "f.gp"], "gp"),
            ("ramanujantools file, --check 50", [sys.executable, "rt.py", "--check", "50"], None),
            (
                "LaTeX, pdflatex",
                ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "f.latex"],
                "pdflatex",
            ),
            (
                "HTML, headless Chromium",
                [
                    "chromium",
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-first-run",
                    "--dump-dom",
                    "f.html",
                ],
                "chromium",
            ),
        ]
        print("\n| check | wall | CPU (child) | exit |")
        print("| --- | ---: | ---: | ---: |")
        for name, cmd, tool in checks:
            if tool and shutil.which(tool) is None:
                print(f"| {name} | {tool} not installed | | |")
                continue
            wall, cpu, status = _child(cmd, folder)
            print(f"| {name} | {wall:.1f} s | {cpu:.1f} s | {status} |")


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()  # for --help
    main()
