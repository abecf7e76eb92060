"""Executors that run a search's chunks: in this process, on local cores, or on a Dask cluster.

All three share one small interface, ``run(space, indices) -> iterator of ChunkResult``,
``map(task, arguments, label=...)`` for other work (the checks of an import), ``start()`` (optional: get workers ready early) and ``close()`` (and are context managers that
close themselves), so :mod:`esma.cli`, notebooks and
:mod:`esma.search` never care which one runs. Results arrive in completion order; the store
files each under its chunk index, so the records of a run do not depend on that order.

Work crosses process boundaries as plain JSON-able data (the space's parameters, a chunk index,
conjecture records), and every record is rebuilt and re-checked by :meth:`Conjecture.from_dict`
on arrival. A worker that dies costs only the chunks it was running: both pools run them again
elsewhere, up to ``retries`` times per chunk.

>>> from esma.search import SearchSpace
>>> space = SearchSpace.create("e", coeff=1, periods="1-1", depth=60, chunk_lhs=8)
>>> with executor_for(1, None) as executor:
...     [len(r.conjectures) for r in executor.run(space, range(space.total_chunks))]
[8, 4]
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields
from functools import lru_cache
from typing import Any, Protocol, Self

from esma import __version__
from esma.errors import EsmaError, InvalidParameter, check_int, one_line
from esma.search import ChunkResult, SearchSpace, run_chunk

#: Seconds to wait for a Dask scheduler to answer before it is declared unreachable.
CONNECT_TIMEOUT = 10.0

#: How often a chunk may be restarted because its worker died (or, on Dask, because it raised)
#: before the run stops with an error; a chunk that kills every worker it touches is a bug.
RETRIES = 3

# How the errors that stop a search end: what is lost and what is not.
_CHUNKS_STORED = "; finished chunks are stored"

# Chunks handed to a local pool ahead of the free workers: enough to keep every worker busy,
# few enough that chunks start (and so finish) roughly in index order and Ctrl-C cancels the
# rest at once.
_AHEAD_PER_JOB = 2


class Executor(Protocol):
    """What the command line and notebooks need of an executor."""

    def run(self, space: SearchSpace, indices: Iterable[int]) -> Iterator[ChunkResult]:
        """Run the chunks ``indices`` of ``space``; yield each result as it is ready."""
        ...  # pragma: no cover

    def map(
        self, task: Callable[..., Any], arguments: Sequence[tuple], *, label: Callable[[int], str]
    ) -> Iterator[tuple[int, Any]]:
        """Run ``task(*arguments[k])`` for every k; yield ``(k, result)`` as each is ready.

        ``task`` is a module-level function taking and returning plain data (it may run in
        another process); ``label(k)`` names task k in errors.
        """
        ...  # pragma: no cover

    def start(self) -> None:
        """Get workers ready ahead of the first chunk (optional: :meth:`run` starts them too)."""
        ...  # pragma: no cover

    def close(self) -> None:
        """Release workers and connections; the executor may not be used afterwards."""
        ...  # pragma: no cover

    def __enter__(self) -> Self: ...  # pragma: no cover

    def __exit__(self, *exc: object) -> None: ...  # pragma: no cover


class _Closing:
    """Context-manager support shared by the executors."""

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@lru_cache(maxsize=8)
def _space(params_json: str) -> SearchSpace:
    """One SearchSpace per worker process and parameters, so the LHS list is built once."""
    return SearchSpace.from_dict(json.loads(params_json))


def _params_json(space: SearchSpace) -> str:
    return json.dumps(space.to_dict(), sort_keys=True)


def chunk_task(params_json: str, index: int) -> dict[str, Any]:
    """Run one chunk from plain data and return plain data: the unit of work of every pool.

    Parameters
    ----------
    params_json : str
        ``json.dumps(space.to_dict(), sort_keys=True)`` of the :class:`SearchSpace`.
    index : int
        The chunk to run.

    Returns
    -------
    dict
        The fields of :class:`ChunkResult`, with the conjectures as their JSON records.

    Examples
    --------
    >>> from esma.search import SearchSpace
    >>> space = SearchSpace.create("e", coeff=1, periods="1-1", depth=60, chunk_lhs=8)
    >>> data = chunk_task(json.dumps(space.to_dict()), 1)
    >>> data["index"], data["screened"], data["conjectures"][0]["lhs"]
    (1, 8, '(x + 1)/x')
    """
    result = run_chunk(_space(params_json), index)
    data = {f.name: getattr(result, f.name) for f in fields(ChunkResult)}
    data["conjectures"] = [c.to_dict() for c in result.conjectures]
    return data


def _result(data: dict[str, Any]) -> ChunkResult:
    """The ChunkResult of :func:`chunk_task`'s data, every record checked on the way in."""
    from esma.conjecture import Conjecture

    return ChunkResult(
        **{
            **data,
            "conjectures": tuple(
                # Checked field by field and by id; the worker's rendering is kept, not redone.
                Conjecture.from_dict(c, trusted=True)
                for c in data["conjectures"]
            ),
        }
    )


class SerialExecutor(_Closing):
    """Runs chunks one after another in this process (``--jobs 1``), in index order.

    >>> from esma.search import SearchSpace
    >>> space = SearchSpace.create("e", coeff=1, periods="1-1", depth=60, chunk_lhs=8)
    >>> [r.index for r in SerialExecutor().run(space, [1, 0])]
    [1, 0]
    """

    def run(self, space: SearchSpace, indices: Iterable[int]) -> Iterator[ChunkResult]:
        """Run each chunk of ``indices`` in turn."""
        for index in indices:
            yield run_chunk(space, index)

    def map(
        self, task: Callable[..., Any], arguments: Sequence[tuple], *, label: Callable[[int], str]
    ) -> Iterator[tuple[int, Any]]:
        """Run each task in turn.

        >>> list(SerialExecutor().map(divmod, [(7, 2), (9, 4)], label=str))
        [(0, (3, 1)), (1, (2, 1))]
        """
        for k, args in enumerate(arguments):
            yield k, task(*args)


def _init_worker() -> None:
    """Pool workers leave Ctrl-C to the parent, which stops cleanly and keeps what is stored.
    They load numba's compiled kernels (~0.5 s) before any chunk arrives, while the parent
    prepares the run."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from esma.kernels import convergents, screen  # noqa: F401


def _ready() -> None:
    """A task that does nothing: submitting it makes the pool start a worker."""


class ProcessExecutor(_Closing):
    """Runs chunks on ``jobs`` worker processes of this machine; results arrive as they finish.

    Workers are started with *spawn* (a clean interpreter each, safe with numba's and flint's
    native state) when the first chunk is submitted, and live until :meth:`close`. If a worker
    dies, the pool is rebuilt and the chunks that were running are run again (each at most
    ``retries`` times).

    >>> ProcessExecutor(2).jobs
    2
    """

    def __init__(self, jobs: int, *, retries: int = RETRIES):
        self.jobs = check_int("jobs", jobs, 1)
        self.retries = check_int("retries", retries, 0)
        self._pool = None

    def _get_pool(self):
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
            )
        return self._pool

    def start(self) -> None:
        """Start every worker now, so they load while this process prepares the run."""
        pool = self._get_pool()
        for _ in range(self.jobs):
            pool.submit(_ready)

    def _discard_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def run(self, space: SearchSpace, indices: Iterable[int]) -> Iterator[ChunkResult]:
        """Run the chunks ``indices`` on the pool; yield results in completion order."""
        params = _params_json(space)
        indices = list(indices)
        tasks = [(params, index) for index in indices]
        for _, data in self.map(
            chunk_task, tasks, label=lambda k: f"chunk {indices[k]}", note=_CHUNKS_STORED
        ):
            yield _result(data)

    def map(
        self,
        task: Callable[..., Any],
        arguments: Sequence[tuple],
        *,
        label: Callable[[int], str],
        note: str = "",
    ) -> Iterator[tuple[int, Any]]:
        """Run ``task(*arguments[k])`` on the pool; yield ``(k, result)`` in completion order.

        A task whose worker died runs again, at most ``retries`` times; ``note`` ends the error
        that stops the run after that.
        """
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        pending = deque(range(len(arguments)))
        running: dict[Any, int] = {}
        deaths: dict[int, int] = {}
        try:
            while pending or running:
                broken = False
                try:
                    pool = self._get_pool()
                    while pending and len(running) < _AHEAD_PER_JOB * self.jobs:
                        future = pool.submit(task, *arguments[pending[0]])
                        running[future] = pending.popleft()
                except BrokenProcessPool:
                    broken = True
                if not broken:
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in sorted(done, key=running.__getitem__):
                        try:
                            data = future.result()
                        except BrokenProcessPool:
                            broken = True
                            continue
                        k = running.pop(future)
                        yield k, data
                if broken:
                    # A worker died; every task still running is suspect and runs again.
                    lost = sorted(running.values())
                    for k in lost:
                        deaths[k] = deaths.get(k, 0) + 1
                        if deaths[k] > self.retries:
                            raise EsmaError(
                                f"{label(k)}: worker processes died {deaths[k]} times "
                                f"while it ran{note}"
                            )
                    running.clear()
                    self._discard_pool()
                    pending.extendleft(reversed(lost))
        finally:
            for future in running:
                future.cancel()

    def close(self) -> None:
        """Stop the workers (after the chunks they are running); queued chunks are dropped."""
        self._discard_pool()


class DaskExecutor(_Closing):
    """Submits chunks to a running Dask distributed scheduler.

    The scheduler is contacted at once, so a wrong address fails before anything is written.
    A chunk whose worker dies is rerun on another worker (Dask's ``allowed-failures``), one that
    raises is retried ``retries`` times; each result comes back once, as plain data, and the
    caller stores it in one transaction, so nothing is written twice.

    Parameters
    ----------
    scheduler : str
        The scheduler's address, e.g. ``tcp://10.0.0.5:8786``.
    retries : int
        Retries of a chunk that raised an exception on a worker.
    timeout : float, optional
        Seconds to wait for the scheduler (default :data:`CONNECT_TIMEOUT`).

    Examples
    --------
    >>> DaskExecutor("not an address")
    Traceback (most recent call last):
    ...
    esma.errors.InvalidParameter: scheduler: 'not an address' is not a scheduler address (missing port number in address 'not an address'); give tcp://HOST:PORT
    """

    def __init__(self, scheduler: str, *, retries: int = RETRIES, timeout: float | None = None):
        if not isinstance(scheduler, str) or not scheduler.strip():
            raise InvalidParameter(
                f"scheduler: {scheduler!r} is not an address; give tcp://HOST:PORT",
                parameter="scheduler",
            )
        self.address = scheduler.strip()
        self.retries = check_int("retries", retries, 0)
        self._client = None
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - depends on the install
            raise InvalidParameter(
                "scheduler: Dask is not installed; pip install 'esma[distributed]'",
                parameter="scheduler",
            ) from None
        seconds = CONNECT_TIMEOUT if timeout is None else timeout
        try:
            # set_as_default=False: a notebook's own default client stays its default.
            self._client = Client(self.address, timeout=f"{seconds}s", set_as_default=False)
        except ValueError as exc:
            raise InvalidParameter(
                f"scheduler: {self.address!r} is not a scheduler address ({one_line(exc)}); "
                "give tcp://HOST:PORT",
                parameter="scheduler",
            ) from None
        except OSError as exc:
            raise InvalidParameter(
                f"scheduler: no Dask scheduler answers at {self.address} ({one_line(exc)}); "
                "start one with 'dask scheduler' or check the address",
                parameter="scheduler",
            ) from None
        try:
            self._check_workers()
        except BaseException:
            self.close()
            raise

    def _check_workers(self) -> None:
        """Workers must run this esma: records made by two versions would not be one run."""
        from importlib import metadata

        mine = __version__
        # A function of the standard library, so a worker without esma can still answer.
        theirs = self._client.run(metadata.version, "esma", on_error="return")
        for worker, version in sorted(theirs.items()):
            if version != mine:
                found = "no esma" if isinstance(version, Exception) else f"esma {version}"
                raise InvalidParameter(
                    f"scheduler: worker {worker} has {found}, this is esma {mine}; "
                    "install the same esma on every worker",
                    parameter="scheduler",
                )

    def run(self, space: SearchSpace, indices: Iterable[int]) -> Iterator[ChunkResult]:
        """Submit the chunks ``indices``; yield results in completion order."""
        params = _params_json(space)
        indices = list(indices)
        tasks = [(params, index) for index in indices]
        for _, data in self.map(
            chunk_task, tasks, label=lambda k: f"chunk {indices[k]}", note=_CHUNKS_STORED
        ):
            yield _result(data)

    def map(
        self,
        task: Callable[..., Any],
        arguments: Sequence[tuple],
        *,
        label: Callable[[int], str],
        note: str = "",
    ) -> Iterator[tuple[int, Any]]:
        """Submit ``task(*arguments[k])`` for every k; yield ``(k, result)`` in completion
        order. ``note`` ends the error raised when the cluster cannot run a task."""
        import uuid

        from distributed import as_completed
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker

        if self._client is None:
            raise InvalidParameter("executor: this DaskExecutor is closed")
        if not arguments:
            return
        token = uuid.uuid4().hex  # keys unique per call: a stale task never stands in for ours
        futures = self._client.map(
            task,
            *zip(*arguments, strict=True),
            key=[f"esma-{token}-{k}" for k in range(len(arguments))],
            retries=self.retries,
            pure=False,
        )
        open_futures = {future: k for k, future in enumerate(futures)}
        del futures
        try:
            for future in as_completed(list(open_futures), loop=self._client.loop):
                k = open_futures.pop(future)
                try:
                    data = future.result()
                except (KilledWorker, FutureCancelledError) as exc:
                    raise EsmaError(
                        f"{label(k)}: the cluster could not run it ({one_line(exc)}){note}"
                    ) from None
                future.release()  # the cluster forgets the result: memory stays flat
                yield k, data
        finally:
            if open_futures and self._client is not None:
                self._client.cancel(list(open_futures))

    def close(self) -> None:
        """Disconnect from the scheduler; chunks not yet finished are cancelled."""
        client, self._client = self._client, None
        if client is not None:
            client.close()


def usable_cores() -> int:
    """The cores this process may run on (the default ``jobs``): the CPU affinity mask where the
    system has one, so a container limited to 2 of 64 cores starts 2 workers, not 64.

    >>> usable_cores() >= 1
    True
    """
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # macOS and Windows have no affinity mask
        return os.cpu_count() or 1


def executor_for(jobs: int | None, scheduler: str | None) -> Executor:
    """The executor for ``jobs`` local processes or a Dask ``scheduler``.

    Parameters
    ----------
    jobs : int or None
        Worker processes on this machine; ``None`` means :func:`usable_cores`, 1 means in
        this process.
    scheduler : str or None
        Address of a Dask scheduler; then ``jobs`` must be ``None`` (the cluster decides).

    Examples
    --------
    >>> type(executor_for(1, None)).__name__, type(executor_for(2, None)).__name__
    ('SerialExecutor', 'ProcessExecutor')
    >>> executor_for(0, None)
    Traceback (most recent call last):
    ...
    esma.errors.InvalidParameter: jobs: 0 must be an integer >= 1
    """
    if scheduler is not None:
        if jobs is not None:
            raise InvalidParameter(
                "jobs: not used with a scheduler (the cluster's workers run the chunks)",
                parameter="jobs",
            )
        return DaskExecutor(scheduler)
    if jobs is None:
        jobs = usable_cores()
    check_int("jobs", jobs, 1)
    return SerialExecutor() if jobs == 1 else ProcessExecutor(jobs)
