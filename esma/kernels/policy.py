"""When to run the compiled kernels and when their plain twins.

Loading the compiled kernels costs a process a millisecond once their native module is built
(:mod:`esma.kernels.native`; ~0.06 s more if numpy is not imported yet), but a few tenths of a
second of CPU through numba's JIT before that: more than a small job spends in the plain twins
(:mod:`esma.kernels.plain`), which give the same results. The wrappers (:mod:`esma.screening`,
:mod:`esma.massey`, :mod:`esma.verify`) ask :func:`compiled` which to run; a job that knows its
whole size (a search) asks :func:`warm` once.

>>> compiled(10.0)           # ten seconds of plain-Python work: worth loading the kernels
True
"""

from __future__ import annotations

import os
import sys

from esma.errors import InvalidParameter

__all__ = ["LOAD_SECONDS", "MODES", "compiled", "load_seconds", "loaded", "mode", "warm"]

#: CPU seconds it costs a process to import numba and load the cached kernels: ~0.3 s on this
#: project's 2-core Xeon (import numba and numpy ~0.2 s, the first kernel loaded initialises
#: LLVM ~0.15 s; tests/benchmarks/bench_targets.py). Work the twins finish in less time than
#: loading takes runs in the twins.
LOAD_SECONDS = 0.3
#: The same for the native module: importing numpy (when not imported yet) and the module.
NATIVE_LOAD_SECONDS = 0.06

#: ``ESMA_KERNELS`` values: ``auto`` (the default: :func:`compiled` decides from the work),
#: ``compiled`` (always numba) and ``plain`` (never numba, e.g. where numba cannot compile).
MODES = ("auto", "compiled", "plain")


def mode() -> str:
    """The kernel mode set by the environment variable ``ESMA_KERNELS`` (default ``auto``).

    >>> mode() in MODES
    True
    """
    value = os.environ.get("ESMA_KERNELS", "").strip().lower() or "auto"
    if value not in MODES:
        raise InvalidParameter(
            f"ESMA_KERNELS: {value!r} is not a kernel mode; use one of {', '.join(MODES)}",
            parameter="ESMA_KERNELS",
        )
    return value


def loaded() -> bool:
    """True once this process has loaded the compiled kernels (then they cost nothing more).

    >>> isinstance(loaded(), bool)
    True
    """
    from esma.kernels.native import loaded as native_loaded

    return native_loaded() or "esma.kernels._jit" in sys.modules


def load_seconds() -> float:
    """CPU seconds loading the compiled kernels would cost this process now.

    >>> 0.0 <= load_seconds() <= LOAD_SECONDS
    True
    """
    from esma.kernels.native import built

    if loaded():
        return 0.0
    if built():
        return 0.001 if "numpy" in sys.modules else NATIVE_LOAD_SECONDS
    return LOAD_SECONDS


def compiled(plain_seconds: float) -> bool:
    """Whether to run a compiled kernel rather than its plain twin.

    Parameters
    ----------
    plain_seconds : float
        An estimate of the CPU seconds the twins would take for the work at hand (a whole
        search, not one call of it, where the caller knows the whole).

    Returns
    -------
    bool
        True when the work would take the twins longer than loading the kernels takes
        (:func:`load_seconds`: nothing once they are loaded); ``ESMA_KERNELS`` overrides it.
        Both give identical results; only the time differs.

    Examples
    --------
    >>> compiled(1e-4) == (loaded() or mode() == "compiled")
    True
    """
    chosen = mode()
    if chosen != "auto":
        return chosen == "compiled"
    return loaded() or plain_seconds > load_seconds()


def warm(plain_seconds: float) -> bool:
    """:func:`compiled` for a whole job (a search, a batch of checks), loading the kernels now if
    the answer is yes, so that every call of the job afterwards runs compiled.

    Returns
    -------
    bool
        What :func:`compiled` answered.

    >>> warm(0.0) == loaded()
    True
    """
    if not compiled(plain_seconds):
        return False
    from esma.kernels.native import kernels

    kernels()
    return True


#: The modules whose kernels are compiled (and cached) when they are imported.
KERNEL_MODULES = ("bm", "convergents", "screen")


def cache_is_warm() -> bool | None:
    """Whether loading the kernels will compile nothing, without importing numba: True (their
    native module is built, or numba's on-disk cache holds every kernel of the current source),
    False (the next load compiles, ~4 s of CPU), or None (the cache is somewhere this cannot see).

    A kernel is cached when numba's index file for it (``<module>.<function>-<line>.pyXY.nbi``
    in ``__pycache__`` beside the module, or under ``$NUMBA_CACHE_DIR``) records the current
    source: numba stamps each index with the SHA-256 of the module's source, and recompiles
    when the stamp differs (an edited source, another numba).

    >>> cache_is_warm() in (True, False, None)
    True
    """
    import hashlib
    import re
    from pathlib import Path

    from esma.kernels.native import built

    if built():
        return True
    folder = Path(__file__).resolve().parent
    tag = f"py{sys.version_info[0]}{sys.version_info[1]}{getattr(sys, 'abiflags', '')}"
    custom = os.environ.get("NUMBA_CACHE_DIR")
    if custom:
        digest = hashlib.sha1(str(folder).encode()).hexdigest()
        cache = Path(custom) / f"{folder.name}_{digest}"
    else:
        cache = folder / "__pycache__"
        if not os.access(folder, os.W_OK) and not os.access(cache, os.W_OK):
            return None  # numba caches elsewhere (a user-wide folder)
    for module in KERNEL_MODULES:
        source = (folder / f"{module}.py").read_bytes()
        stamp = hashlib.sha256(source).digest()
        # Every function under a @kernel decorator is compiled when the module is imported.
        for match in re.finditer(rb"^@kernel\(.*?^def (\w+)\(", source, re.M | re.S):
            name = match.group(1).decode()
            indexes = cache.glob(f"{module}.{name}-*.{tag}.nbi")
            if not any(stamp in index.read_bytes() for index in indexes):
                return False
    return True
