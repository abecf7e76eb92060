"""Local worker processes that start in milliseconds and never outlive the process that made them.

A :class:`Pool` forks one *zygote* as soon as it starts: a copy of this process, made before it
has opened a database or started a thread, that imports what the workers will need (numba and
the compiled kernels, ~0.3 s of CPU) while this process goes on preparing the run. Each worker is
then forked from the zygote, so the kernels are loaded once, not once per worker, and a new
worker costs a few milliseconds. Workers stay alive for the whole run, each fed tasks over its
own pipe a couple ahead, and answer with the result (or the exception) of each.

No process is left behind, whatever happens to this one: the zygote dies with it and every worker
with the zygote (Linux's parent-death signal; elsewhere a worker sees its pipe close when it next
reads), and none of them keeps this process's standard streams open (they use /dev/null), so a
script reading esma's output sees it end when esma ends.

Tasks are module-level functions and their arguments, pickled over the pipe (as with any
multiprocessing pool; nothing is stored this way).

>>> with Pool() as pool:
...     worker = pool.spawn()
...     worker.send(7, divmod, (17, 5))
...     event = next(pool.events())
>>> event.task, event.ok, event.value
(7, True, (3, 2))
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Self

from esma.collector import collect_less

__all__ = ["Event", "Pool", "Worker", "WorkerError", "fork_supported"]

#: Seconds :meth:`Pool.close` gives the zygote to exit before it is killed.
CLOSE_GRACE = 2.0


def fork_supported() -> bool:
    """True where processes can be forked (Linux, macOS; not Windows).

    >>> isinstance(fork_supported(), bool)
    True
    """
    return hasattr(os, "fork") and hasattr(socket, "send_fds")


class WorkerError(Exception):
    """An exception raised in a worker that could not be sent back as itself."""


@dataclass(frozen=True)
class Event:
    """What :meth:`Pool.events` reports: a task's result, or a worker that died.

    Attributes
    ----------
    worker : Worker
        The worker it concerns.
    task : Any
        The task's key as given to :meth:`Worker.send` (None when the worker died).
    ok : bool
        True: ``value`` is the result; False: ``value`` is the exception the task raised.
    value : Any
    died : bool
        The worker is gone (killed, crashed); the tasks it held (``worker.pending``) did not
        finish.
    """

    worker: Worker
    task: Any = None
    ok: bool = False
    value: Any = None
    died: bool = False


class Worker:
    """One worker process: its pid, its pipe, and the tasks sent to it not yet answered."""

    def __init__(self, pid: int, conn: Any):
        self.pid = pid
        self.conn = conn
        self.pending: list[Any] = []
        self.alive = True

    def send(self, task: Any, func: Callable[..., Any], args: Sequence[Any]) -> None:
        """Queue ``func(*args)`` on this worker under the key ``task``."""
        self.conn.send((task, func, tuple(args)))
        self.pending.append(task)

    def __repr__(self) -> str:
        return f"Worker(pid={self.pid}, pending={len(self.pending)})"


class Pool:
    """A zygote process and the workers forked from it.

    Parameters
    ----------
    preload : callable, optional
        Run in the zygote right after it is forked (e.g. load the compiled kernels), so every
        worker starts with its effects.

    Notes
    -----
    Forking is safe here because the zygote is made before this process has threads, open
    databases or numba's state, and the zygote itself never starts a thread (OpenBLAS is told
    to use one) before it forks the workers.
    """

    def __init__(self, preload: Callable[[], None] | None = None):
        self._preload = preload
        self._zygote: tuple[int, socket.socket] | None = None
        self.workers: list[Worker] = []

    # -- the zygote -----------------------------------------------------------------------------

    def start(self) -> None:
        """Fork the zygote now, so that it loads while this process prepares the run."""
        if self._zygote is not None:
            return
        if not fork_supported():  # pragma: no cover - Windows
            raise OSError("this platform cannot fork worker processes")
        mine, theirs = socket.socketpair()
        _flush_stdio()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the zygote (coverage does not follow forks)
            code = 1
            try:
                mine.close()
                for worker in self.workers:
                    worker.conn.close()
                _become_child()
                collect_less()  # the zygote and the workers forked from it are esma's own
                os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
                try:
                    if self._preload is not None:
                        self._preload()
                except BaseException as exc:  # said to the parent, then exit
                    theirs.sendall(b"E" + f"{type(exc).__name__}: {exc}".encode()[:4000])
                    raise
                _zygote_loop(theirs)
                code = 0
            finally:
                os._exit(code)
        theirs.close()
        self._zygote = (pid, mine)

    def spawn(self) -> Worker:
        """Fork one more worker (from the zygote, starting it first if need be)."""
        from multiprocessing.connection import Connection

        self.start()
        assert self._zygote is not None
        pid = None
        for attempt in range(2):
            mine, theirs = socket.socketpair()
            try:
                socket.send_fds(self._zygote[1], [b"f"], [theirs.fileno()])
                reply = self._zygote[1].recv(4096)
            except OSError:
                reply = b""
            finally:
                theirs.close()
            if reply.startswith(b"E"):  # the zygote could not load what workers need
                mine.close()
                raise OSError(
                    f"worker processes cannot start: {reply[1:].decode(errors='replace')}"
                )
            if reply:
                pid = int(reply)
                break
            mine.close()
            if attempt == 0:
                self._restart_zygote()  # it died (killed); make another and try once more
        if pid is None:
            raise OSError("could not start a worker process")
        worker = Worker(pid, Connection(mine.detach()))
        self.workers.append(worker)
        return worker

    def _restart_zygote(self) -> None:
        old, self._zygote = self._zygote, None
        if old is not None:
            old[1].close()
            _reap(old[0], 0.0)
        self.start()

    # -- results --------------------------------------------------------------------------------

    def events(self, timeout: float | None = None) -> Iterator[Event]:
        """Wait for workers to answer; yield each answer, and each worker that died.

        Stops when a wait of ``timeout`` seconds brings nothing (never, for None, while some
        worker holds a task).
        """
        from multiprocessing.connection import wait

        while True:
            busy = {w.conn: w for w in self.workers if w.alive and w.pending}
            if not busy:
                return
            ready = wait(list(busy), timeout)
            if not ready:
                return
            for conn in ready:
                worker = busy[conn]
                try:
                    task, ok, value = conn.recv()
                except (EOFError, OSError):
                    self.discard(worker)
                    yield Event(worker, died=True)
                    continue
                if task not in worker.pending:  # a task the worker could not even read
                    task = worker.pending[0]
                worker.pending.remove(task)
                yield Event(worker, task, ok, value)

    def discard(self, worker: Worker) -> None:
        """Forget a worker (it died, or should): kill it if it is still there."""
        if worker in self.workers:
            self.workers.remove(worker)
        worker.alive = False
        with contextlib.suppress(OSError):
            worker.conn.close()
        with contextlib.suppress(OSError):
            os.kill(worker.pid, signal.SIGKILL)

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and diagnostics)."""
        return [w.pid for w in self.workers if w.alive]

    # -- the end --------------------------------------------------------------------------------

    def close(self) -> None:
        """Stop every worker and the zygote, at once.

        Workers only compute (their results are stored, if at all, by this process), so one in
        the middle of a task loses nothing that was not lost anyway: it is killed. The zygote,
        this process's child, exits when its socket closes and is reaped.
        """
        workers, self.workers = self.workers, []
        for worker in workers:
            worker.alive = False
            with contextlib.suppress(OSError):
                worker.conn.close()
            with contextlib.suppress(OSError):
                os.kill(worker.pid, signal.SIGKILL)
        zygote, self._zygote = self._zygote, None
        if zygote is not None:
            zygote[1].close()
            _reap(zygote[0], CLOSE_GRACE)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- in the child processes ---------------------------------------------------------------------


def _flush_stdio() -> None:
    """Flush this process's buffered output, so that no child inherits a copy to write twice."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _become_child() -> None:  # pragma: no cover - runs in forked children
    """What the zygote (and so every worker) does first: die with its parent, leave Ctrl-C to
    esma, and let go of esma's standard streams (a reader of esma's output must see it end;
    what goes wrong in a worker comes back through its pipe)."""
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # stderr too: `esma ... 2>&1 | ...` makes it the same pipe
        os.dup2(null, fd)
    os.close(null)
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as the process


def _die_with_parent() -> None:  # pragma: no cover - runs in forked children
    """Ask the kernel to SIGKILL this process when its parent exits (Linux's PR_SET_PDEATHSIG);
    elsewhere a worker notices its closed pipe instead."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)


def _zygote_loop(control: socket.socket) -> None:  # pragma: no cover - runs in the zygote
    """Fork a worker for every request on ``control``; when it closes, wait for the workers (the
    parent has killed them) and return. Reaping them here, rather than letting the kernel discard
    them, keeps their CPU time in the accounts of esma's process tree."""
    while True:
        _reap_workers(block=False)
        try:
            message, fds, _flags, _addr = socket.recv_fds(control, 16, 1)
        except OSError:
            message, fds = b"", []
        if not message:
            _reap_workers(block=True)
            return
        if not fds:
            continue
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                control.close()
                _die_with_parent()
                _serve(fds[0])
                code = 0
            finally:
                os._exit(code)
        os.close(fds[0])
        control.sendall(str(pid).encode())


def _reap_workers(*, block: bool) -> None:  # pragma: no cover - runs in the zygote
    while True:
        try:
            pid, _status = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _serve(fd: int) -> None:  # pragma: no cover - runs in the workers
    """Answer tasks from the pipe ``fd`` until it closes or says stop (None)."""
    from multiprocessing.connection import Connection

    conn = Connection(fd)
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        except Exception as exc:  # a task that cannot be unpickled here (answers the oldest)
            conn.send((None, False, WorkerError(f"cannot read a task: {exc!r}")))
            continue
        if message is None:
            return
        task, func, args = message
        try:
            answer = (task, True, func(*args))
        except BaseException as exc:  # every failure goes back to the parent
            answer = (task, False, exc)
        try:
            conn.send(answer)
        except (BrokenPipeError, ConnectionResetError):
            return
        except Exception as exc:  # the exception (or result) does not pickle: send its text
            conn.send((task, False, WorkerError(f"{type(exc).__name__}: {exc}; {answer[2]!r}")))


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process now has this pid
        return False
    return True


def _reap(pid: int, grace: float) -> None:
    """Wait up to ``grace`` seconds for our child ``pid`` to exit, then kill and reap it."""
    import time

    deadline = time.monotonic() + grace
    while True:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done:
            return
        if time.monotonic() >= deadline:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            return
        time.sleep(0.005)
