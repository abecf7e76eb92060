"""The one place that decides how esma's kernels are compiled.

Kernels are module-level functions decorated with :func:`kernel` (a function typed at the
prompt cannot be cached: numba needs a file to cache beside), e.g. the modular inverse:

>>> from esma.kernels.bm import inv_mod
>>> inv_mod(3, 7)
5
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import numba

F = TypeVar("F", bound=Callable[..., Any])

#: Each kernel's signature, by (module, name): what :mod:`esma.kernels.native` exports.
SIGNATURES: dict[tuple[str, str], Any] = {}


def kernel(signature: Any) -> Callable[[F], F]:
    """Return the decorator that compiles a kernel with esma's options.

    Parameters
    ----------
    signature : numba signature or str
        Explicit argument and return types (e.g. ``"int64(int64[:], int64)"``): the kernel is
        compiled (or loaded from the cache) when its module is imported, and calls with other
        types are refused instead of silently compiling a second specialisation.

    Returns
    -------
    callable
        A decorator; apply it to a plain function.

    Notes
    -----
    Why each option is set:

    - ``nopython`` (``numba.njit``): a kernel must never fall back to object mode; if it cannot be
      compiled to machine code that is a bug to fix, not a slow path to accept.
    - ``cache=True``: the compiled code is written beside the module (``__pycache__``) so the
      2-4 s compile is paid once per machine, not once per process (tests, CLI runs, workers).
      This is safe only because kernels read no globals: numba freezes globals into the cache.
    - ``nogil=True``: kernels touch no Python objects, so they release the GIL and threads (e.g.
      Dask's threaded workers) can run them in parallel.
    - ``error_model="numpy"``: integer division by zero does not raise a Python exception from
      inside the loop; kernels check their own preconditions and the wrappers validate inputs,
      so the check per division is pure cost.
    - ``boundscheck`` is left off (numba's default) for speed; ``NUMBA_BOUNDSCHECK=1`` turns it
      on for debugging without touching code.

    ``NUMBA_DISABLE_JIT=1`` makes ``numba.njit`` return the function unchanged, so every kernel
    then runs as plain Python (for coverage and debugging) with no code here to special-case it.

    While :mod:`esma.kernels.native` builds its module (``ESMA_NATIVE_BUILD=1``) the kernels are
    left uncompiled: the build compiles each with what it calls, once.
    """

    def decorate(function: F) -> F:
        SIGNATURES[function.__module__, function.__name__] = signature
        if os.environ.get("ESMA_NATIVE_BUILD") == "1":
            return numba.njit(nogil=True, error_model="numpy")(function)
        return numba.njit(signature, cache=True, nogil=True, error_model="numpy")(function)

    return decorate
