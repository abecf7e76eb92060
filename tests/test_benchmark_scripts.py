"""The benchmark scripts answer ``--help`` at once, with their whole first paragraph.

The scripts print tables and are run by hand (tests/benchmarks/README.md); what is tested here
is only their command line: ``--help`` exits 0 without running the benchmark, and the
description it prints is a whole sentence (one once stopped mid-sentence at a line break of its
docstring).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted((ROOT / "tests" / "benchmarks").glob("bench_*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_help_prints_the_whole_description_and_runs_nothing(script):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(script), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    description = done.stdout.split("\n\n")[1]  # usage, description, options
    assert not description.startswith(("options:", "usage:")), done.stdout
    assert description.rstrip().endswith((".", "?", ")")), description
    assert "|" not in done.stdout  # no table: the benchmark did not run
