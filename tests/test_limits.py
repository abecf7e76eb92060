"""An option a user can type must not take the machine down (issue 14, Resources and Messages).

Each test here is a finding of the hostile review: before these limits, ``search --digits
1000000`` grew to 7.4 GB and died with a traceback, ``verify --digits`` answered in terms of
"bits", ``expand --terms`` up to a million ran for hours, ``search --depth`` 8,000 did not finish,
``--jobs 1000`` started 1000 workers, a search piped to a file said nothing for minutes, slow
but true formulas vanished without a word, and a sum whose terms cancel was called zero.
"""

from __future__ import annotations

import subprocess
import sys
import tracemalloc

import pytest
from click.testing import CliRunner

from esma.cli import cli


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ESMA_DB", raising=False)
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


def _one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("esma: error: "), result.stderr
    return lines[0]


@pytest.mark.parametrize(
    "args, option",
    [
        (["search", "e", "--digits", "1000000"], "--digits: 1000000 is above 100000"),
        (["search", "e", "--depth", "20000"], "--depth: 20000 is above 10000"),
        (["verify", "--all", "--digits", "100000000"], "--digits: 100000000 is above 1000000"),
        (["expand", "pi", "--terms", "1000001"], "--terms: 1000001 is above 50000"),
    ],
)
def test_costly_options_are_refused_naming_the_limit(run, args, option):
    """One line naming the option, the limit, why (what it would cost), and the way past it;
    nothing runs (no database is made)."""
    line = _one_error_line(run(*args))
    assert option in line
    assert "give --force to run it anyway" in line
    assert any(word in line for word in (" s ", " s,", "MB", "ms"))  # says what it would cost


def test_force_runs_past_a_limit_and_says_what_it_costs(run, monkeypatch):
    monkeypatch.setattr("esma.limits.EXPAND_TERMS", 10)
    monkeypatch.setattr("esma.cli.numbers.LONG_STEP_SECONDS", -1.0)
    refused = run("expand", "pi", "--terms", "12")
    assert "--terms: 12 is above 10" in _one_error_line(refused)
    forced = run("expand", "pi", "--terms", "12", "--force", "--json")
    assert forced.exit_code == 0, forced.output
    assert '"terms": [3, 7, 15, 1, 292, 1, 1, 1, 2, 1, 3, 1]' in forced.stdout
    assert "expanding 12 terms: about" in forced.stderr


def test_search_past_the_digits_limit_with_force(run, monkeypatch):
    monkeypatch.setattr("esma.limits.SEARCH_DIGITS", 500)
    refused = run("search", "e", "--coeff", "1", "--periods", "1-1", "--digits", "600")
    assert "--digits: 600 is above 500" in _one_error_line(refused)
    forced = run("search", "e", "--coeff", "1", "--periods", "1-1", "--digits", "600", "--force")
    assert forced.exit_code == 0, forced.output
    assert "approving to 600 digits: about" in forced.stderr
    assert "12 approved" in forced.stdout


def test_verify_digits_that_are_not_an_integer_name_the_option(run):
    line = _one_error_line(run("verify", "--all", "--digits", "1e8"))
    assert "--digits" in line and "bits" not in line


def test_jobs_beyond_the_cores_are_refused(run):
    line = _one_error_line(run("search", "e", "--jobs", "1000"))
    assert "--jobs: 1000 is more than" in line and "per usable core" in line


def test_approval_at_high_precision_keeps_memory_bounded():
    """Approve at 200,000 digits held ~285 MB of Python objects (a state per block of the
    convergents' walk); the walk now keeps a state every (bits >> 16) blocks past 2^16 bits."""
    from esma.expansion import signed_expansion
    from esma.massey import find_recurrence
    from esma.transforms import lhs_value
    from esma.verify import approve

    y = lhs_value("e", "x - 1")
    rec = find_recurrence(signed_expansion(y, (-1, 1), 60).terms)
    tracemalloc.start()
    try:
        approval = approve(y, rec, (-1, 1), digits=200_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert approval is not None and approval.digits >= 200_000
    assert peak < 200 * 2**20


def test_approve_trace_cache_is_bounded_in_bits(monkeypatch):
    """The cache of convergent traces is bounded by the bits it holds, not only its count."""
    import esma.verify as verify
    from esma.expansion import signed_expansion
    from esma.massey import find_recurrence
    from esma.transforms import lhs_value

    monkeypatch.setattr(verify, "_TRACE_BITS", 50_000)
    verify._traces().clear()
    verify._LOCAL.bits = 0
    for lhs in ("x - 1", "1/x", "x/(x - 1)", "(x + 1)/(x - 1)", "2*x", "x/2"):
        y = lhs_value("e", lhs)
        for signs in ((1,), (-1, 1)):
            rec = find_recurrence(signed_expansion(y, signs, 80).terms)
            if rec is not None:
                verify.approve(y, rec, signs, digits=3000)
    held = sum(trace.bits for trace in verify._traces().values())
    assert held == verify._LOCAL.bits
    last = max((t.bits for t in verify._traces().values()), default=0)
    assert held <= 50_000 + last  # the newest may overshoot; every older one was evicted


def test_progress_lines_when_stderr_is_not_a_terminal(run, monkeypatch):
    """CliRunner's stderr is no terminal: the search writes progress lines to it."""
    monkeypatch.setattr("esma.report.PROGRESS_SECONDS", 0.0)
    result = run("search", "e", "--coeff", "2", "--periods", "1-2", "--jobs", "1")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("search: ")]
    assert lines, result.stderr
    assert "candidates (" in lines[-1] and "candidates/s" in lines[-1] and "left" in lines[-1]
    assert "of 448 candidates (100%)" in lines[-1]


def test_slow_true_formulas_are_approved_or_reported(run, monkeypatch):
    """Five all-minus fractions of √3 need ~5,000-5,300 terms for 1000 digits: past the old
    cap of 4,000 terms they were dropped without a word. They are approved now; with the
    extension disabled they are counted in the summary."""
    result = run("search", "sqrt(3)", "--coeff", "2", "--periods", "1-1", "--no-prove")
    assert "180 flagged, 180 approved" in result.stdout
    monkeypatch.setattr("esma.verify.SLOW_FACTOR", 1)
    capped = run(
        "search", "sqrt(3)", "--coeff", "2", "--periods", "1-1", "--no-prove", "--db", "c.db"
    )
    assert "175 approved" in capped.stdout
    assert "5 flagged too slow to approve within 4,000 terms" in capped.stdout


def test_a_sum_whose_terms_cancel_is_not_zero():
    """exp(100000) - exp(100000) + pi is π: certifying it takes ~144,000 bits of working
    precision (the size of exp(100000)), past the usual cap, which now grows by the size of
    the terms of a sum."""
    from esma.constants import get_constant

    c = get_constant("exp(100000) - exp(100000) + pi")
    assert c.arb(200).overlaps(get_constant("pi").arb(200))
    with pytest.raises(Exception, match="zero or indistinguishable from zero"):
        get_constant("exp(100000) - exp(100000)")


def test_unreadable_scheduler_is_one_line_and_prompt(tmp_path):
    """A malformed --scheduler was refused in one line, then the half-built Dask client hung
    for 20 s at exit and printed a traceback."""
    pytest.importorskip("distributed")
    proc = subprocess.run(
        [sys.executable, "-m", "esma", "search", "e", "--scheduler", "notaurl"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=15,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "esma: error: --scheduler: 'notaurl' is not a scheduler address (missing port number "
        "in address 'notaurl'); give tcp://HOST:PORT"
    ]


def test_ctrl_c_as_esma_exits_keeps_the_exit_status(tmp_path):
    """A SIGINT that arrives once the command is over (here: inside sys.exit) used to kill
    esma by the signal (exit status -2); it now exits with the command's own status."""
    driver = (
        "import os, signal, sys\n"
        "real_exit = sys.exit\n"
        "def exit_with_interrupt(code=0):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    real_exit(code)\n"
        "sys.exit = exit_with_interrupt\n"
        "sys.argv = ['esma', 'constants']\n"
        "from esma.cli import main\n"
        "main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", driver], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, (proc.returncode, proc.stderr)
    assert "pi" in proc.stdout
