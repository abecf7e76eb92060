"""Executors: the same search, run serially, on two local processes and on a two-worker Dask
cluster, stores the same records in the same order; a worker killed mid-run costs nothing.

Expected values: the serial run of the same search (SerialExecutor, i.e. ``--jobs 1``) is the
oracle for every other executor; the records must be identical whatever runs them
(README.md, "Scale").
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, suppress

import pytest
from click.testing import CliRunner

from esma.cli import cli
from esma.errors import EsmaError, InvalidParameter
from esma.parallel import DaskExecutor, ProcessExecutor, SerialExecutor, executor_for
from esma.runs import resume_search
from esma.search import CHUNK_LHS, SearchSpace
from esma.store import Store

pytestmark = pytest.mark.filterwarnings("ignore:Port 8787 is already in use:UserWarning")

# 112 distinct Möbius maps x 4 sign periods: 28 chunks of 4 maps, 156 conjectures (serially).
SEARCH = {"coeff": 2, "periods": "1-2", "depth": 60, "digits": 1000}
CLI_SEARCH = shlex.split("search e --coeff 2 --periods 1-2 --depth 60 --digits 1000 --json")


def _space(chunk_lhs: int = 4, **changes) -> SearchSpace:
    return SearchSpace.create("e", **{**SEARCH, **changes}, chunk_lhs=chunk_lhs)


class _Stop(Exception):
    """Raised from on_chunk to stop a run part way, as Ctrl-C would."""


def _store_run(executor, space: SearchSpace, db: str, *, stop_after: int | None = None):
    """Store a run as ``esma search`` does (``resume_search``: each chunk in one transaction as
    it arrives); return the run's records and the chunk indices in arrival order."""
    arrived, runs = [], []

    def on_chunk(result, _new) -> None:
        arrived.append(result.index)
        if stop_after is not None and len(arrived) >= stop_after:
            raise _Stop

    with Store.open(db) as store:
        with suppress(_Stop):
            resume_search(
                space, store, executor, on_start=lambda r, _: runs.append(r), on_chunk=on_chunk
            )
        records = [c.to_dict() for c in store.run_conjectures(runs[0])]
    return records, arrived


@pytest.fixture(scope="module")
def serial_records(tmp_path_factory):
    """The oracle: the search run chunk after chunk in this process."""
    db = f"sqlite:///{tmp_path_factory.mktemp('serial') / 'esma.db'}"
    records, arrived = _store_run(SerialExecutor(), _space(), db)
    assert arrived == list(range(_space().total_chunks))
    assert len(records) > 100  # a non-trivial oracle (156 records when this was written)
    return records


@pytest.fixture(scope="module")
def cluster():
    """A Dask LocalCluster with two single-threaded worker processes on 127.0.0.1."""
    pytest.importorskip("distributed")
    with _local_cluster() as local:
        yield local


@contextmanager
def _local_cluster():
    """Two single-threaded Dask workers; Dask's nannies set OMP_NUM_THREADS and friends in this
    process's environment, which is put back afterwards for the tests that follow."""
    from distributed import LocalCluster

    saved = dict(os.environ)
    try:
        with LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as local:
            yield local
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture
def invoke(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ESMA_DB", raising=False)
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return run


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the same records whatever runs the chunks ---------------------------------------------------


def test_two_processes_store_the_serial_records(tmp_path, serial_records):
    with ProcessExecutor(2) as executor:
        records, arrived = _store_run(executor, _space(), f"sqlite:///{tmp_path / 'p.db'}")
    assert sorted(arrived) == list(range(_space().total_chunks))  # each chunk exactly once
    assert records == serial_records


def test_workers_started_ahead_store_the_serial_records(tmp_path, serial_records):
    """start() forks the workers' zygote (it loads while the run is prepared); the workers are
    forked from it when chunks arrive, one per job."""
    with ProcessExecutor(2) as executor:
        executor.start()
        assert executor.worker_pids() == []  # nothing forked before there is work
        records, arrived = _store_run(executor, _space(), f"sqlite:///{tmp_path / 's.db'}")
        assert len(executor.worker_pids()) == 2
    assert sorted(arrived) == list(range(_space().total_chunks))
    assert records == serial_records
    assert executor.worker_pids() == []  # closed: no worker left


def test_cli_starts_workers_before_it_opens_the_database(invoke, monkeypatch):
    """Workers start on the first chunks before the database says what is done; a search whose
    run is finished drops what they found and stores nothing again."""
    from esma.workers import Pool

    spawned = []
    real_spawn = Pool.spawn
    monkeypatch.setattr(Pool, "spawn", lambda self: spawned.append(1) or real_spawn(self))
    first = invoke(*CLI_SEARCH, "--db", "w.db", "--jobs", "2")
    assert first.exit_code == 0, first.output
    assert spawned
    spawned.clear()
    again = invoke(*CLI_SEARCH, "--db", "w.db", "--jobs", "2")
    assert again.exit_code == 0, again.output
    assert spawned  # begun before the run was found finished
    assert again.stdout == first.stdout
    with Store.open("w.db") as store:
        assert len(store.conjectures()) == len(_json_lines(first.stdout))


def test_dask_cluster_stores_the_serial_records(db_url, serial_records, cluster):
    """Into SQLite, and into PostgreSQL (what a cluster on several machines uses) when
    ESMA_TEST_POSTGRES_URL names a server."""
    with DaskExecutor(cluster.scheduler_address) as executor:
        records, arrived = _store_run(executor, _space(), db_url)
    assert sorted(arrived) == list(range(_space().total_chunks))
    assert records == serial_records


def test_cli_jobs_and_scheduler_print_the_serial_records(invoke, serial_records, cluster):
    """The CLI cuts the search into chunks of CHUNK_LHS LHS, not 4; chunks are consecutive blocks of
    the same LHS order, so the records and their order are still those of the oracle."""
    outputs = {}
    for name, extra in [
        ("serial", ["--jobs", "1"]),
        ("jobs2", ["--jobs", "2"]),
        ("dask", ["--scheduler", cluster.scheduler_address]),
    ]:
        result = invoke(*CLI_SEARCH, "--db", f"{name}.db", *extra)
        assert result.exit_code == 0, result.output
        outputs[name] = _json_lines(result.stdout)
    assert outputs["serial"] == serial_records
    assert outputs["jobs2"] == serial_records
    assert outputs["dask"] == serial_records


def test_dask_run_resumes_where_it_stopped(tmp_path, serial_records, cluster, monkeypatch):
    """Stop a Dask run after three chunks; the same command resumes it and writes each record
    once."""
    monkeypatch.setattr("esma.runs.STORE_SECONDS", 0.0)  # each chunk stored as it arrives
    db = f"sqlite:///{tmp_path / 'resume.db'}"
    space = _space(chunk_lhs=CHUNK_LHS)  # what the CLI uses
    with DaskExecutor(cluster.scheduler_address) as executor:
        _, first = _store_run(executor, space, db, stop_after=3)
    assert len(first) == 3
    result = CliRunner().invoke(
        cli,
        [*CLI_SEARCH, "--db", db, "--scheduler", cluster.scheduler_address],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert f"resuming: 3 of {space.total_chunks} chunks done" in result.stderr
    assert _json_lines(result.stdout) == serial_records
    with Store.open(db) as store:
        assert len(store.conjectures()) == len(serial_records)
        assert store.run(1)["done_chunks"] == space.total_chunks


def test_empty_work_starts_nothing():
    executor = ProcessExecutor(2)
    assert list(executor.run(_space(), [])) == []
    assert executor._pool is None  # no process was forked for nothing
    executor.close()


# -- workers that die ----------------------------------------------------------------------------


def test_dask_worker_killed_mid_run_changes_nothing(tmp_path, serial_records):
    """SIGKILL the busiest Dask worker after the first result: its chunks run again elsewhere
    (or on the worker the nanny restarts) and the records are the oracle's."""
    distributed = pytest.importorskip("distributed")
    space = _space(chunk_lhs=1)  # 112 short chunks: the run is still going when one arrives
    killed = []
    with (
        _local_cluster() as local,
        distributed.Client(local.scheduler_address, set_as_default=False) as spy,
        DaskExecutor(local.scheduler_address) as executor,
    ):
        pids = spy.run(os.getpid)
        arrived = []
        with Store.open(f"sqlite:///{tmp_path / 'k.db'}") as store:
            run_id, _ = store.start_run(space.to_dict(), space.total_chunks)
            for result in executor.run(space, range(space.total_chunks)):
                store.finish_chunk(run_id, result.index, result.conjectures)
                arrived.append(result.index)
                if not killed:
                    victim = _busiest(spy)
                    os.kill(pids[victim], signal.SIGKILL)
                    killed.append((victim, len(arrived)))
            records = [c.to_dict() for c in store.run_conjectures(run_id)]
        assert pids[killed[0][0]] not in spy.run(os.getpid).values()  # it really died
    assert killed[0][1] < space.total_chunks  # killed mid-run, not after the end
    assert sorted(arrived) == list(range(space.total_chunks))  # each chunk exactly once
    assert records == serial_records


def _busiest(client) -> str:
    """The worker with the most chunks assigned (waiting a moment if it is between two)."""
    for _ in range(100):
        busy = {w: keys for w, keys in client.processing().items() if keys}
        if busy:
            return max(busy, key=lambda w: len(busy[w]))
        time.sleep(0.02)
    raise AssertionError("no Dask worker is running a chunk")


def test_process_pool_worker_killed_mid_run_changes_nothing(tmp_path, serial_records):
    """SIGKILL one worker after the first result: a new one is forked, the chunks the dead one
    held run again, and the records are the oracle's."""
    space = _space(chunk_lhs=2)
    arrived = []
    with ProcessExecutor(2) as executor, Store.open(f"sqlite:///{tmp_path / 'k.db'}") as store:
        run_id, _ = store.start_run(space.to_dict(), space.total_chunks)
        for result in executor.run(space, range(space.total_chunks)):
            store.finish_chunk(run_id, result.index, result.conjectures)
            arrived.append(result.index)
            if len(arrived) == 1:
                workers = executor.worker_pids()
                assert workers
                os.kill(workers[0], signal.SIGKILL)
        records = [c.to_dict() for c in store.run_conjectures(run_id)]
    assert sorted(arrived) == list(range(space.total_chunks))
    assert records == serial_records


def test_a_chunk_that_keeps_killing_workers_stops_the_run(monkeypatch):
    """After ``retries`` new workers the chunk is given up with one clear line."""
    executor = ProcessExecutor(2, retries=1)
    monkeypatch.setattr("esma.parallel.chunk_task", _die)
    with (
        executor,
        pytest.raises(
            EsmaError,
            match=r"^chunk 0: worker processes died 2 times while it ran; finished chunks are stored$",
        ),
    ):
        list(executor.run(_space(), [0]))


def _die(*task, **options):  # pragma: no cover - runs in a pool worker that it kills
    os.kill(os.getpid(), signal.SIGKILL)


# -- wrong parameters fail fast, with one line ---------------------------------------------------


def test_unreachable_scheduler_is_one_clear_line():
    pytest.importorskip("distributed")
    address = f"tcp://127.0.0.1:{_closed_port()}"
    started = time.perf_counter()
    with pytest.raises(InvalidParameter) as info:
        DaskExecutor(address, timeout=1)
    assert time.perf_counter() - started < 10
    message = str(info.value)
    assert "\n" not in message and message.startswith("scheduler: no Dask scheduler answers at")
    assert info.value.parameter == "scheduler"
    assert address in message


@pytest.mark.parametrize("address", ["not an address", "foo://bar:1", "tcp://127.0.0.1"])
def test_malformed_scheduler_address(address):
    pytest.importorskip("distributed")
    with pytest.raises(InvalidParameter, match=r"^scheduler: .* give tcp://HOST:PORT$"):
        DaskExecutor(address, timeout=1)


def test_workers_with_another_esma_are_refused(cluster, monkeypatch):
    """Records from two esma versions must not mix in one run: connecting checks versions."""
    monkeypatch.setattr("esma.__version__", "0.0.0")
    with pytest.raises(
        InvalidParameter,
        match=r"^scheduler: worker tcp://127\.0\.0\.1:\d+ "
        r"has esma \S+, this is esma 0\.0\.0; install the same esma",
    ):
        DaskExecutor(cluster.scheduler_address)


def test_cli_unreachable_scheduler_writes_nothing(invoke, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr("esma.parallel.CONNECT_TIMEOUT", 1.0)
    result = invoke(*CLI_SEARCH, "--db", "x.db", "--scheduler", f"tcp://127.0.0.1:{_closed_port()}")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("esma: error: --scheduler: no Dask scheduler")
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--jobs", "0"], "--jobs: 0 must be an integer >= 1"),
        (["--jobs", "2", "--scheduler", "tcp://127.0.0.1:1"], "--jobs: not used with a scheduler"),
    ],
)
def test_cli_bad_jobs(invoke, tmp_path, args, message):
    result = invoke(*CLI_SEARCH, "--db", "x.db", *args)
    assert result.exit_code == 2 and message in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_executor_for_defaults_to_every_usable_core():
    """Expected value: the affinity mask, as ``nproc`` reports it (nproc also obeys
    OMP_NUM_THREADS, which Dask's nannies set to 1, so that is removed)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMP_")}
    out = subprocess.run(["nproc"], capture_output=True, text=True, check=True, env=env)
    cores = int(out.stdout)
    executor = executor_for(None, None)
    assert (executor.jobs if isinstance(executor, ProcessExecutor) else 1) == cores


def test_parallel_does_not_import_dask():
    """``esma --help`` and local runs must not pay for importing Dask (~1 s)."""
    code = (
        "import sys, esma.parallel as p; p.executor_for(2, None); "
        "print([m for m in ('dask', 'distributed') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_worker_that_learns_a_tails_induction_does_not_look_for_it_again():
    """What one worker's prover found, passed to another (chunk_task's ``learned``), is not
    looked for again, and the records and certificates are the same."""
    from esma.parallel import chunk_task
    from esma.prove import clear_caches, take_found

    params = json.dumps(_space().to_dict(), sort_keys=True)
    clear_caches()
    take_found()
    first = chunk_task(params, 0, as_records=False)
    clear_caches()  # a fresh worker
    again = chunk_task(params, 0, learned=first.learned, as_records=False)
    assert first.learned and again.learned == ()
    assert again.conjectures == first.conjectures
    assert any(c.status == "proved" for c in again.conjectures)


def test_workers_that_share_what_their_provers_found_give_the_serial_records():
    """Two workers, each sent what the other's prover found, give the serial run's records
    chunk by chunk (and the results yielded carry none of what was shared)."""
    space = _space()
    with ProcessExecutor(2) as executor:
        results = list(executor.run(space, range(space.total_chunks)))
    serial = list(SerialExecutor().run(space, range(space.total_chunks)))
    by_index = {r.index: r for r in results}
    assert all(r.learned == () for r in results)
    for s in serial:
        assert tuple(by_index[s.index].conjectures) == tuple(s.conjectures)


@pytest.mark.parametrize("done", [set(), {0, 2}, "all"])
def test_chunks_begun_before_the_database_opens_give_the_serial_results(done):
    """begin() sends the first chunks before the run knows which are done; run() then yields
    exactly the chunks asked (dropping the answers of finished ones), each the serial result."""
    space = _space()
    done = set(range(space.total_chunks)) if done == "all" else done
    todo = [i for i in range(space.total_chunks) if i not in done]
    serial = {r.index: r for r in SerialExecutor().run(space, todo)}
    with ProcessExecutor(2) as executor:
        executor.begin(space)
        results = list(executor.run(space, todo))
        again = list(executor.run(space, todo))  # begun once: a second run starts afresh
    for got in (results, again):
        assert sorted(r.index for r in got) == todo
        for r in got:
            assert tuple(r.conjectures) == tuple(serial[r.index].conjectures)


def test_chunks_begun_for_another_search_never_reach_this_one():
    begun, asked = _space(), _space(coeff=1)
    serial = {r.index: r for r in SerialExecutor().run(asked, range(asked.total_chunks))}
    with ProcessExecutor(2) as executor:
        executor.begin(begun)
        results = list(executor.run(asked, range(asked.total_chunks)))
    assert sorted(r.index for r in results) == sorted(serial)
    for r in results:
        assert tuple(r.conjectures) == tuple(serial[r.index].conjectures)
