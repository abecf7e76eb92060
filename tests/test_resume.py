"""Runs that resume: SIGKILL at any moment loses at most the chunks in flight and those finished
within the last half second (esma.runs.STORE_SECONDS), which run again.

The reference for "what a run finds" is the same search run without interruption.
"""

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

SEARCH = [
    "search",
    "e",
    "--coeff",
    "3",  # 32 chunks: several batches of stored chunks, so a kill lands between two
    "--periods",
    "1-3",
    "--depth",
    "100",
    "--jobs",
    "1",
    "--json",
]


def esma(*args, check=False, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "esma", *args], capture_output=True, text=True, check=check, **kwargs
    )


def chunks_done(path):
    try:
        with sqlite3.connect(path, timeout=30) as conn:
            return conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    db = tmp_path_factory.mktemp("ref") / "ref.db"
    out = esma(*SEARCH, "--db", str(db), check=True)
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_sigkill_then_resume_gives_the_uninterrupted_records(tmp_path, uninterrupted):
    db = tmp_path / "killed.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "esma", *SEARCH, "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while chunks_done(db) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the search finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at = chunks_done(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        total = conn.execute("SELECT total_chunks FROM runs").fetchone()[0]
    assert 3 <= killed_at < total

    resumed = esma(*SEARCH, "--db", str(db), check=True)
    assert f"resuming: {killed_at} of {total} chunks done" in resumed.stderr
    records = [json.loads(line) for line in resumed.stdout.splitlines()]
    assert records == uninterrupted
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n_rows = conn.execute("SELECT count(*), count(DISTINCT id) FROM conjectures").fetchone()
    assert n_rows == (len(uninterrupted), len(uninterrupted))


def test_two_processes_search_into_one_sqlite_file(tmp_path):
    db = tmp_path / "shared.db"
    args = [
        "--coeff",
        "2",
        "--periods",
        "1-2",
        "--depth",
        "80",
        "--jobs",
        "1",
        "--db",
        str(db),
        "--json",
    ]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "esma", "search", c, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for c in ("e", "tan1")
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
    found = {
        c: {json.loads(line)["id"] for line in out.splitlines()}
        for c, (out, _) in zip(("e", "tan1"), outs, strict=True)
    }
    assert found["e"] and found["tan1"]
    listed = esma("list", "--db", str(db), "--format", "json", check=True)
    stored = {r["id"] for r in json.loads(listed.stdout)}
    assert stored == found["e"] | found["tan1"]


def test_ctrl_c_stops_cleanly_with_130_and_keeps_finished_chunks(tmp_path, uninterrupted):
    db = tmp_path / "interrupted.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "esma", *SEARCH, "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # SIGINT as on a terminal, even when the suite runs as a background job (which starts
        # with SIGINT ignored, inherited across exec).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while chunks_done(db) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the search finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    kept = chunks_done(db)
    assert kept >= 2
    resumed = esma(*SEARCH, "--db", str(db), check=True)
    assert f"resuming: {kept} of" in resumed.stderr
    assert [json.loads(line) for line in resumed.stdout.splitlines()] == uninterrupted
