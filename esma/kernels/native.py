"""The compiled kernels as one native module, built once ahead of time.

Importing numba and loading its cached kernels costs every process about 0.35 s of CPU (numba
~0.2 s, starting LLVM ~0.15 s): most of a small search, and paid again by the workers' zygote.
numba also compiles the same functions ahead of time (``numba.pycc``) into an ordinary extension
module, which imports in a millisecond and needs no numba at run time. It is built once, in the
background: the first process that needs the kernels runs numba's JIT as before (compiling them,
the first time, announced) and starts a detached, low-priority build (~8 s of CPU) into a cache
folder, under a name that carries the SHA-256 of the kernels' sources, numba's and numpy's
versions, the Python build and the CPU it is compiled for, so an edited kernel, another numba or
another kind of machine builds afresh. Every process after it imports the module.

Where the module cannot be built (no C compiler, a numba without ``pycc``, a read-only cache) the
build's error is kept beside it (``.failed``) so that no later process tries again, and the
kernels keep running through numba's JIT: the same functions compiled by the same compiler, the
same results (``tests/test_native.py``). ``ESMA_NATIVE=0`` chooses the JIT;
``NUMBA_DISABLE_JIT=1`` runs plain Python.

>>> import numpy as np
>>> c, L = kernels().bm_mod_p(np.array([1, 1, 2, 3, 5, 8], dtype=np.int64), 101, 6)
>>> c.tolist(), int(L)
([1, 100, 100], 2)
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

__all__ = ["EXPORTS", "build", "built", "kernels", "loaded", "module_path"]

#: The kernels called from outside :mod:`esma.kernels`, by module: the native module exports
#: these (each compiled with the kernels it calls).
EXPORTS = {
    "bm": ("bm_mod_p",),
    "convergents": ("cf_blocks", "recurrence_terms"),
    "screen": ("screen_block",),
}

#: Source files whose text the compiled code depends on (``plain`` lends constants).
SOURCES = ("_jit", "plain", "bm", "convergents", "screen")

_FOLDER = Path(__file__).resolve().parent
_KERNELS: Any = None


def loaded() -> bool:
    """True once this process has its kernels (native or JIT): then they cost nothing more.

    >>> isinstance(loaded(), bool)
    True
    """
    return _KERNELS is not None


def kernels() -> Any:
    """The exported kernels, as attributes (``kernels().screen_block``): the native module when
    it is built, else numba's JIT dispatchers (plain Python under ``NUMBA_DISABLE_JIT=1``),
    starting the native module's build in the background for the processes that come later.
    The first call decides; later calls return the same object."""
    global _KERNELS
    if _KERNELS is None:
        _KERNELS = _native() or _jit()
    return _KERNELS


def module_path() -> Path:
    """Where the native module of the current sources is (or would be) built.

    >>> module_path().name.startswith("esma_kernels_")
    True
    """
    return _cache_folder() / f"{_module_name()}{EXTENSION_SUFFIXES[0]}"


@functools.cache
def _module_name() -> str:
    """``esma_kernels_`` and 16 hex digits of the SHA-256 of what the compiled code depends on:
    the kernels' sources, numba's and numpy's versions, the Python build and the CPU."""
    digest = hashlib.sha256()
    for name in SOURCES:
        digest.update((_FOLDER / f"{name}.py").read_bytes())
    for package, version_file in (("numba", "_version.py"), ("numpy", "version.py")):
        spec = importlib.util.find_spec(package)  # finds it without importing it
        if spec is not None and spec.origin is not None:
            version = Path(spec.origin).with_name(version_file)
            digest.update(version.read_bytes() if version.exists() else spec.origin.encode())
    digest.update(sys.version.encode())
    digest.update((_host_cpu() or "generic").encode())
    return f"esma_kernels_{digest.hexdigest()[:16]}"


@functools.cache
def _host_cpu() -> str | None:
    """This machine's CPU as Linux describes it (model name and instruction-set flags of its
    first core), or None elsewhere. Where it is known the module is compiled for this CPU (the
    screening kernel ran 18 % faster than for a generic x86-64 on an AMD EPYC) and its name
    carries it, so a cache shared with another kind of machine never loads instructions that
    CPU lacks; where it is not, the module is compiled for the architecture's generic CPU."""
    wanted = ("model name", "flags", "Features", "CPU part")  # x86 and ARM spellings
    found: dict[str, str] = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            for line in info:
                if not line.strip():
                    break  # the end of the first core's block
                key, _, value = line.partition(":")
                if key.strip() in wanted:
                    found[key.strip()] = " ".join(value.split())
    except OSError:
        return None
    if "flags" not in found and "Features" not in found:
        return None
    return "; ".join(f"{key}: {found[key]}" for key in wanted if key in found)


def built() -> bool | None:
    """True when the native module of the current sources is built, False when it is not yet
    (the next :func:`kernels` call starts its build), None when it will not be used (it failed
    to build here, or ``ESMA_NATIVE=0`` / ``NUMBA_DISABLE_JIT=1`` asks for the JIT or plain
    Python).

    >>> built() in (True, False, None)
    True
    """
    if not _wanted():
        return None
    path = module_path()
    if path.exists():
        return True
    return None if _failure(path).exists() else False


def _wanted() -> bool:
    return os.environ.get("ESMA_NATIVE", "1") != "0" and os.environ.get(
        "NUMBA_DISABLE_JIT", "0"
    ) in ("", "0")


def _cache_folder() -> Path:
    """numba's cache folder when one is set (so an empty one means a first run for both), else
    ``__pycache__`` beside the kernels when writable, else the user's cache folder."""
    custom = os.environ.get("NUMBA_CACHE_DIR")
    if custom:
        return Path(custom) / "esma_native"
    beside = _FOLDER / "__pycache__"
    if os.access(beside, os.W_OK) or (not beside.exists() and os.access(_FOLDER, os.W_OK)):
        return beside
    try:
        home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    except (RuntimeError, KeyError):  # no home directory: the build will fail and say so
        return beside
    return Path(home) / "esma"


def _stem(path: Path) -> str:
    return path.name.split(".")[0]


def _failure(path: Path) -> Path:
    return path.with_name(_stem(path) + ".failed")


def _native() -> ModuleType | None:
    """Import the native module; None when it is not built (its build then starts in the
    background, unless it failed here before or is running) or cannot be loaded."""
    if not _wanted():
        return None
    path = module_path()
    if not path.exists():
        if not _failure(path).exists():
            _build_in_background(path)
        return None
    spec = importlib.util.spec_from_file_location(_stem(path), path)
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except (ImportError, OSError):  # damaged: the JIT serves, and the next build replaces it
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    return module


def build(path: Path | None = None) -> bool:
    """Build the native module (at ``path``, default :func:`module_path`) now, in a child
    process, unless another process is building it; True when it is there afterwards. A failure
    is written beside it (``.failed``), not raised: the JIT serves instead."""
    path = module_path() if path is None else path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    with _locked(path) as mine:
        if path.exists() or not mine:
            return path.exists()
        done = subprocess.run(
            [sys.executable, "-m", "esma.kernels.native", str(path)],
            env=dict(os.environ, ESMA_NATIVE_BUILD="1"),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 or not path.exists():
            lines = (done.stderr or "").strip().splitlines() or ["the build printed nothing"]
            with contextlib.suppress(OSError):
                _failure(path).write_text(lines[-1] + "\n")
    return path.exists()


def _build_in_background(path: Path) -> None:
    """Start :func:`build` in a detached, low-priority process (a few seconds of CPU) and go
    on: this process runs the JIT kernels, the next ones the native module. Detached, it is no
    child of this process (it may outlive it, to finish the build), and it writes nothing to
    this process's streams."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(path) as free:
            if not free:
                return  # a build is running
    except OSError:
        return
    # sh starts the build in the background and exits at once: the build is re-parented, so
    # it is never a process of this one's tree, and nothing waits for it.
    script = 'nice -n 19 "$0" -m esma.kernels.native --if-free "$1" </dev/null >/dev/null 2>&1 &'
    with contextlib.suppress(OSError):
        subprocess.run(
            ["/bin/sh", "-c", script, sys.executable, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            check=False,
        )


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[bool]:
    """Try to take the build lock of ``path`` for the block: True when this process holds it,
    False when another process does (where files cannot be locked, always True)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield True
        return
    with open(path.with_name(_stem(path) + ".lock"), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _jit() -> SimpleNamespace:
    """numba's JIT dispatchers of the exported kernels (loaded from numba's cache)."""
    import importlib

    return SimpleNamespace(
        **{
            name: getattr(importlib.import_module(f"esma.kernels.{module}"), name)
            for module, names in EXPORTS.items()
            for name in names
        }
    )


def _compile(path: Path) -> None:
    """Compile the exported kernels ahead of time into ``path`` (run in a child process with
    ``ESMA_NATIVE_BUILD=1``, so that importing the kernel modules compiles nothing: numba
    compiles each exported kernel once, here, with every kernel it calls)."""
    import importlib
    import tempfile
    import warnings

    import setuptools  # noqa: F401 - numba.pycc compiles and links the module with it
    from numba.core.errors import NumbaPendingDeprecationWarning
    from numba.pycc import CC

    from esma.kernels._jit import SIGNATURES

    warnings.simplefilter("ignore", NumbaPendingDeprecationWarning)
    name = _stem(path)
    with tempfile.TemporaryDirectory(dir=path.parent) as folder:
        cc = CC(name)
        cc.output_dir = folder
        cc.verbose = False
        if _host_cpu() is not None:
            cc.target_cpu = "host"  # the module's name says which CPU (see _host_cpu)
        for module, names in EXPORTS.items():
            loaded = importlib.import_module(f"esma.kernels.{module}")
            for export in names:
                function = getattr(loaded, export)
                cc.export(export, SIGNATURES[loaded.__name__, export])(function.py_func)
        cc.compile()
        (made,) = Path(folder).glob(f"{name}*")
        os.replace(made, path)  # whole or not at all: readers never see a half-written module


if __name__ == "__main__":
    if sys.argv[1] == "--if-free":  # started by _build_in_background
        build(Path(sys.argv[2]))
    else:  # the child process of build(), with ESMA_NATIVE_BUILD=1
        _compile(Path(sys.argv[1]))
