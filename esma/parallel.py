"""Executors that run a search's chunks: in this process, on local cores, or on a Dask cluster.

All three share one small interface, ``run(space, indices) -> iterator of ChunkResult``,
``map(task, arguments, label=...)`` for other work (the checks of an import), ``start()``
(optional: get workers ready early) and ``close()`` (and are context managers that close
themselves), so :mod:`esma.cli`, notebooks and :mod:`esma.runs` never care which one runs.
Results arrive in completion order; the store files each under its chunk index, so the records
of a run do not depend on that order.

Work sent to a Dask cluster crosses as plain JSON-able data (the space's parameters, a chunk
index, conjecture records), and every record is rebuilt and re-checked by
:meth:`Conjecture.from_dict` on arrival. Local workers (:mod:`esma.workers`) are forks of this
process running the same code: they get each chunk's left-hand sides with it and send back the
finished :class:`ChunkResult`. A worker that dies costs only the chunks it was running: both
pools run them again elsewhere, up to ``retries`` times per chunk.

>>> from esma.search import SearchSpace
>>> space = SearchSpace.create("e", coeff=1, periods="1-1", depth=60, chunk_lhs=8)
>>> with executor_for(1, None) as executor:
...     [len(r.conjectures) for r in executor.run(space, range(space.total_chunks))]
[8, 4]
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields, replace
from functools import lru_cache, partial
from typing import Any, Protocol, Self

import esma
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
# few enough that the inductions a worker's prover finds reach the others soon (they travel
# with the next chunk sent) and Ctrl-C cancels the rest at once.
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

    def begin(self, space: SearchSpace) -> None:
        """Start running ``space``'s first chunks now, if this executor can (local workers)."""

    def close(self) -> None:
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@lru_cache(maxsize=8)
def _space(params_json: str, number_json: str | None = None) -> SearchSpace:
    """One SearchSpace per worker process and parameters, so the LHS list is built once; with
    the digits of the number it searches, if it searches one (checked by their SHA-256)."""
    number = None
    if number_json is not None:
        from esma.digits import Digits

        number = Digits.from_dict(json.loads(number_json))
    return SearchSpace.from_dict(json.loads(params_json), number)


def _params_json(space: SearchSpace) -> str:
    return json.dumps(space.to_dict(), sort_keys=True)


def _number_json(space: SearchSpace) -> str | None:
    """The digits of the number a search of one searches, as JSON (they are not parameters:
    a million digits would not go into every run's record), or None."""
    if space.number is None:
        return None
    return json.dumps(space.number.to_dict(), sort_keys=True)


def chunk_task(
    params_json: str,
    index: int,
    lhs: Sequence[tuple[Sequence[int], Sequence[int]]] | None = None,
    compiled: bool | None = None,
    number: str | None = None,
    learned: Sequence[tuple] = (),
    *,
    as_records: bool = True,
) -> dict[str, Any] | ChunkResult:
    """Run one chunk from plain data and return plain data: the unit of work of every pool.

    Parameters
    ----------
    params_json : str
        ``json.dumps(space.to_dict(), sort_keys=True)`` of the :class:`SearchSpace`.
    index : int
        The chunk to run.
    lhs : list of (num, den), optional
        The chunk's left-hand sides as ``space.chunk(index)`` lists them (numerator and
        denominator coefficients), so that the worker need not list the whole space.
    compiled : bool, optional
        numba's kernels or their plain twins (default: the space decides).
    number : str, optional
        For a search of a number given by its digits, the number as JSON
        (:meth:`esma.digits.Digits.to_dict`), checked against the parameters' SHA-256.
    learned : sequence, optional
        Inductions the other workers' provers found (:func:`esma.prove.learn`), so that this
        one does not look for them again; the ones it finds come back in the result.
    as_records : bool, default True
        False returns the :class:`ChunkResult` itself with every conjecture rendered as the
        row it is stored as (:class:`esma.rows.StoredConjectures`), for a worker of this
        machine forked from the process that stores it: the same code on both ends, so the
        storing process, which stores every chunk, only writes (rebuilding and re-checking each
        record from JSON would cost it ~0.3 ms a record, rendering it ~0.1 ms).

    Returns
    -------
    dict or ChunkResult
        The fields of :class:`ChunkResult`, with the conjectures as their JSON records (and
        their placements as :mod:`esma.families` objects, pickled like any task's result).

    Examples
    --------
    >>> from esma.search import SearchSpace
    >>> space = SearchSpace.create("e", coeff=1, periods="1-1", depth=60, chunk_lhs=8)
    >>> data = chunk_task(json.dumps(space.to_dict()), 1)
    >>> data["index"], data["screened"], data["conjectures"][0]["lhs"]
    (1, 8, '(x + 1)/x')
    """
    from esma.prove import learn, take_found
    from esma.transforms import RationalLhs

    space = _space(params_json, number)
    given = None if lhs is None else [RationalLhs(tuple(n), tuple(d)) for n, d in lhs]
    learn(learned)
    result = run_chunk(space, index, lhs=given, compiled=compiled)
    found = take_found()
    if not as_records:
        from esma.rows import StoredConjectures

        return replace(result, conjectures=StoredConjectures.of(result.conjectures), learned=found)
    data = {f.name: getattr(result, f.name) for f in fields(ChunkResult) if f.name != "learned"}
    data["conjectures"] = [c.to_dict() for c in result.conjectures]
    return data


def _local_chunk(*args: Any) -> tuple[int, ChunkResult]:
    """:func:`chunk_task` in a worker of this machine (its rows rendered), and the worker's
    process id."""
    return os.getpid(), chunk_task(*args, as_records=False)


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


def _preload(compiled: bool) -> None:
    """What the workers' zygote loads before it forks them (once, for all of them): the search's
    modules and, when the search runs compiled, the kernels (a millisecond from their native
    module, ~0.3 s through numba's JIT, or the first compile)."""
    import esma.conjecture
    import esma.families
    import esma.massey
    import esma.prove
    import esma.rows
    import esma.verify  # noqa: F401

    if compiled:
        from esma.kernels.policy import warm

        warm(float("inf"))


def _stripe_starts(total: int, slots: int) -> list[int]:
    """Where the stripes of ``total`` tasks begin (:class:`_Stripes`; ``begin`` sends their
    heads first).

    >>> _stripe_starts(7, 2)
    [0, 3]
    """
    return [total * i // slots for i in range(slots)]


class _Stripes:
    """The tasks still to send, in one contiguous stripe per worker slot, each taken from its
    start; a worker whose stripe is done takes from the far end of the longest one.

    Neighbouring chunks share tails (their left-hand sides are listed in order): workers that
    ran neighbours side by side each looked for the same inductions before they could learn
    them from each other. On the degree-2 search of e two workers in stripes looked for a
    quarter fewer (2,796 instead of 3,729; one process: 2,541).

    >>> stripes = _Stripes(range(6), 2)
    >>> [stripes.take(0), stripes.take(1), stripes.take(0), stripes.take(0), stripes.take(0)]
    [0, 3, 1, 2, 5]
    """

    def __init__(self, tasks: Iterable[int], slots: int):
        tasks = list(tasks)
        bounds = [*_stripe_starts(len(tasks), slots), len(tasks)]
        self._stripes = [deque(tasks[bounds[i] : bounds[i + 1]]) for i in range(slots)]

    def __bool__(self) -> bool:
        return any(self._stripes)

    def take(self, slot: int) -> int:
        own = self._stripes[slot]
        if own:
            return own.popleft()
        return max(self._stripes, key=len).pop()

    def put_back(self, slot: int, tasks: Iterable[int]) -> None:
        """Tasks to send again (first) to ``slot``'s stripe."""
        self._stripes[slot].extendleft(sorted(tasks, reverse=True))


class ProcessExecutor(_Closing):
    """Runs chunks on ``jobs`` worker processes of this machine; results arrive as they finish.

    The workers come from :mod:`esma.workers`: one zygote, forked by :meth:`start` before this
    process opens its database, loads the kernels while this process lists the left-hand sides;
    each worker is forked from it in milliseconds when the first chunks are submitted, and lives
    until :meth:`close`. Every worker gets its chunks' left-hand sides with the chunk, so none
    lists the whole space. If a worker dies, the chunks it held run again on a new one (each at
    most ``retries`` times). No worker outlives this process.

    Parameters
    ----------
    jobs : int
        Worker processes (at most one per chunk is started).
    retries : int
        Restarts of a chunk whose worker died.
    compiled : bool
        Whether workers run numba's kernels (loaded once, in the zygote) or their plain twins
        (see :mod:`esma.kernels.policy`).

    >>> ProcessExecutor(2).jobs
    2
    """

    def __init__(self, jobs: int, *, retries: int = RETRIES, compiled: bool = True):
        self.jobs = check_int("jobs", jobs, 1)
        self.retries = check_int("retries", retries, 0)
        self.compiled = bool(compiled)
        self._pool = None
        self._begun: tuple[str, frozenset[int]] | None = None  # (parameters, chunks sent)

    def start(self) -> None:
        """Fork the workers' zygote now, so that it loads while this process prepares the run."""
        if self._pool is None:
            from esma.workers import Pool

            self._pool = Pool(preload=partial(_preload, self.compiled))
        self._pool.start()

    def worker_pids(self) -> list[int]:
        """The live workers' process ids."""
        return [] if self._pool is None else self._pool.pids()

    def begin(self, space: SearchSpace) -> None:
        """Send the workers ``space``'s first chunks now (as many as :meth:`run` keeps them
        busy with), before this process imports SQLAlchemy and opens its database, which take
        longer than a small search's work. :meth:`run` then takes their results; those of
        chunks the database holds finished already (a resumed run) are dropped."""
        if self._begun is not None:
            return
        self.start()
        total = space.total_chunks
        pool = self._pool
        while len(pool.workers) < min(self.jobs, total):
            pool.spawn()
        sent = set()
        # The first chunks of each worker's stripe (as map() will stripe them).
        for worker, start in zip(
            pool.workers, _stripe_starts(total, len(pool.workers)), strict=True
        ):
            for index in range(start, min(start + _AHEAD_PER_JOB, total)):
                if index not in sent:
                    (args,) = self._tasks(space, [index])
                    worker.send(index, _local_chunk, (*args, ()))
                    sent.add(index)
        self._begun = (_params_json(space), frozenset(sent))

    def _tasks(self, space: SearchSpace, indices: Iterable[int]) -> list[tuple]:
        params, number = _params_json(space), _number_json(space)
        return [
            (params, index, [(f.num, f.den) for f in space.chunk(index)], self.compiled, number)
            for index in indices
        ]

    def run(self, space: SearchSpace, indices: Iterable[int]) -> Iterator[ChunkResult]:
        """Run the chunks ``indices`` on the workers; yield results in completion order."""
        indices = sorted(set(indices))
        begun, self._begun = self._begun, None
        early: frozenset[int] = frozenset()
        if begun is not None and begun[0] == _params_json(space):
            early = begun[1]
        elif begun is not None:  # begun for another search: its answers must not reach this one
            for worker in list(self._pool.workers):
                if worker.pending:
                    self._pool.discard(worker)
        if not indices and not early:
            return
        # Task k is chunk k: those sent by begin() are in flight, those not asked are skipped
        # (and the results of any of them in flight are dropped).
        wanted = set(indices)
        top = max([*indices, *early]) + 1
        tasks = self._tasks(space, range(top))
        # What the workers' provers found, passed on to the others with their next chunks.
        found: list[tuple[int, tuple]] = []  # (pid of the finder, its inductions)
        sent: dict[int, int] = {}  # pid -> how much of `found` that worker has been sent

        def learned(worker: Any) -> tuple:
            start, sent[worker.pid] = sent.get(worker.pid, 0), len(found)
            return (tuple(x for pid, part in found[start:] if pid != worker.pid for x in part),)

        for index, (pid, result) in self.map(
            _local_chunk,
            tasks,
            label=lambda k: f"chunk {k}",
            note=_CHUNKS_STORED,
            more=learned,
            skip=lambda k: k not in wanted or k in early,
        ):
            if result.learned:
                found.append((pid, result.learned))
            if index in wanted:
                yield replace(result, learned=())

    def map(
        self,
        task: Callable[..., Any],
        arguments: Sequence[tuple],
        *,
        label: Callable[[int], str],
        note: str = "",
        more: Callable[[Any], tuple] | None = None,
        skip: Callable[[int], bool] | None = None,
    ) -> Iterator[tuple[int, Any]]:
        """Run ``task(*arguments[k])`` on the workers; yield ``(k, result)`` in completion order.

        Each worker holds :data:`_AHEAD_PER_JOB` tasks, so it never waits for the next, taken
        from its own stripe of the tasks (:class:`_Stripes`). A task that raises stops the run
        with its exception; a task whose worker died runs again, at most ``retries`` times, and
        ``note`` ends the error that stops the run after that.
        ``more(worker)``, when given, adds arguments as each task is sent (to that worker);
        tasks ``k`` with ``skip(k)`` are not sent (though results of them sent before under
        the key ``k``, by :meth:`begin`, are yielded).
        """
        if not arguments:
            return
        self.start()
        pool = self._pool
        wanted = min(self.jobs, len(arguments))
        pending = _Stripes(
            (k for k in range(len(arguments)) if skip is None or not skip(k)), wanted
        )
        deaths: dict[int, int] = {}
        slots: dict[int, int] = {}  # pid -> its stripe; a worker that replaces one takes its

        def slot(worker) -> int:
            if worker.pid not in slots:
                held = {slots[w.pid] for w in pool.workers if w.pid in slots}
                slots[worker.pid] = min(set(range(wanted)) - held, default=0)
            return slots[worker.pid]

        def feed(worker) -> None:
            while pending and worker.alive and len(worker.pending) < _AHEAD_PER_JOB:
                k = pending.take(slot(worker))
                try:
                    extra = more(worker) if more is not None else ()
                    worker.send(k, task, (*arguments[k], *extra))
                except OSError:  # it died; its tasks come back when the death is seen
                    pending.put_back(slot(worker), [k])
                    return

        try:
            while len(pool.workers) < wanted:
                pool.spawn()
            for worker in list(pool.workers):
                feed(worker)
            while True:
                for event in pool.events():
                    if event.died:
                        lost = sorted(event.worker.pending)
                        for k in lost:
                            deaths[k] = deaths.get(k, 0) + 1
                            if deaths[k] > self.retries:
                                raise EsmaError(
                                    f"{label(k)}: worker processes died {deaths[k]} times "
                                    f"while it ran{note}"
                                )
                        pending.put_back(slots.get(event.worker.pid, 0), lost)
                        if pending and len(pool.workers) < wanted:
                            feed(pool.spawn())
                        continue
                    if not event.ok:
                        raise event.value
                    yield event.task, event.value
                    feed(event.worker)
                if not pending:
                    return
                for worker in list(pool.workers):  # every worker died at once: start again
                    feed(worker)
                while pending and len(pool.workers) < wanted:
                    feed(pool.spawn())
        finally:
            # Stopped early (an error, Ctrl-C, a caller that stopped reading): a worker still
            # busy with this call's tasks would answer them to the next call, so it goes.
            for worker in list(pool.workers):
                if worker.pending:
                    pool.discard(worker)

    def close(self) -> None:
        """Stop the workers at once (the chunks they were running are simply not stored)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()


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
            # The address is checked, and the scheduler's port knocked on, before a Client is
            # made: a Client that fails in its constructor is left half-built, and at exit its
            # finaliser waits 20 s to close it and prints a traceback.
            _knock(self.address, seconds)
            # set_as_default=False: a notebook's own default client stays its default.
            self._client = Client(self.address, timeout=f"{seconds}s", set_as_default=False)
        except (ValueError, OSError) as exc:
            _drop_half_built_client(exc)
            self._raise_unreachable(exc)
        try:
            self._check_workers()
        except BaseException:
            self.close()
            raise

    def _raise_unreachable(self, exc: Exception) -> None:
        if isinstance(exc, ValueError):
            raise InvalidParameter(
                f"scheduler: {self.address!r} is not a scheduler address ({one_line(exc)}); "
                "give tcp://HOST:PORT",
                parameter="scheduler",
            ) from None
        raise InvalidParameter(
            f"scheduler: no Dask scheduler answers at {self.address} ({one_line(exc)}); "
            "start one with 'dask scheduler' or check the address",
            parameter="scheduler",
        ) from None

    def _check_workers(self) -> None:
        """Workers must run this esma: records made by two versions would not be one run."""
        from importlib import metadata

        mine = esma.__version__
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
        params, number = _params_json(space), _number_json(space)
        indices = list(indices)
        # The digits of a number go with each chunk; a constant's search sends what it always did.
        tasks = [(params, index) + ((None, None, number) if number else ()) for index in indices]
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


def _knock(address: str, seconds: float) -> None:
    """ValueError if ``address`` is not a scheduler address Dask can read, OSError if nothing
    listens at its host and port (a TCP connection, within ``seconds``)."""
    import socket

    from distributed.comm import get_address_host_port, parse_address

    scheme, _ = parse_address(address)
    host, port = get_address_host_port(address)
    if scheme in ("tcp", "tls"):
        with socket.create_connection((host, port), timeout=seconds):
            pass


def _drop_half_built_client(exc: BaseException) -> None:
    """Close, quickly and quietly, a Client whose constructor raised ``exc``: otherwise its
    finaliser runs at exit, waits 20 s for a scheduler that is not there and prints a
    traceback."""
    from distributed import Client

    tb = exc.__traceback__
    while tb is not None:
        client = tb.tb_frame.f_locals.get("self")
        if isinstance(client, Client):
            with contextlib.suppress(Exception):
                client.close(timeout=1)
            client.status = "closed"  # what close() sets; its finaliser then does nothing
        tb = tb.tb_next


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


#: Local worker processes allowed per usable core: more only take turns on the cores while each
#: holds its own memory.
JOBS_PER_CORE = 4

#: Searches estimated below this many candidates run in this process unless ``--jobs`` says
#: otherwise: there workers add more than they save (forking, and caches of proofs and
#: convergents each worker fills again). Measured on this project's 2-core
#: machine, whole processes with the kernels' native module: e, |coef| <= 1, periods 1-1 (24
#: candidates) 0.36 s in this process, 0.42 s with two workers; the reference's test workload
#: (224 candidates) 0.51 s and 0.47 s; e, |coef| <= 2, periods 1-3 (1,120 candidates) 0.76 s
#: and 0.66 s (tests/benchmarks/bench_targets.py).
SERIAL_CANDIDATES = 200


def check_jobs(jobs: Any) -> int:
    """``jobs`` checked against this machine: from 1 to :data:`JOBS_PER_CORE` per usable core.

    >>> check_jobs(1)
    1
    >>> check_jobs(10**6) if usable_cores() < 250_000 else None
    Traceback (most recent call last):
    ...
    esma.errors.InvalidParameter: jobs: 1000000 is more than ...
    """
    cores = usable_cores()
    limit = JOBS_PER_CORE * cores
    check_int("jobs", jobs, 1)
    if jobs > limit:
        raise InvalidParameter(
            f"jobs: {jobs} is more than {limit} ({JOBS_PER_CORE} processes per usable core, "
            f"{cores} here); more only take turns on the cores, each with its own memory",
            parameter="jobs",
        )
    return int(jobs)


def executor_for(
    jobs: int | None, scheduler: str | None, *, space: SearchSpace | None = None
) -> Executor:
    """The executor for ``jobs`` local processes or a Dask ``scheduler``.

    Parameters
    ----------
    jobs : int or None
        Worker processes on this machine (:func:`check_jobs`); ``None`` means
        :func:`usable_cores`, 1 means in this process.
    scheduler : str or None
        Address of a Dask scheduler; then ``jobs`` must be ``None`` (the cluster decides).
    space : SearchSpace, optional
        The search to run, sized from its parameters alone (nothing is listed): with
        ``jobs=None`` a search of fewer than :data:`SERIAL_CANDIDATES` candidates runs in this
        process, and workers load numba only when the search is large enough to repay it
        (:mod:`esma.kernels.policy`).

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
    compiled = True
    if jobs is not None:
        check_jobs(jobs)
    if space is not None:
        from esma.kernels.policy import compiled as worth_compiling

        candidates = space.estimated_candidates
        compiled = worth_compiling(space.plain_seconds(candidates))
        if jobs is None and candidates < SERIAL_CANDIDATES:
            return SerialExecutor()
    if jobs is None:
        jobs = usable_cores()
    return SerialExecutor() if jobs == 1 else ProcessExecutor(jobs, compiled=compiled)
