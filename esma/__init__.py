"""esma: search for continued-fraction formulas of mathematical constants.

Expand a constant into signed continued fractions with certified terms, find linear recurrences
in the partial denominators with Berlekamp-Massey, and approve candidates to high precision.

>>> import esma
>>> isinstance(esma.__version__, str)
True
"""

from __future__ import annotations

from typing import Any

__all__ = ["__version__"]


def __getattr__(name: str) -> Any:
    # The version is read from the installed package's metadata on first use only: reading it
    # costs ~20 ms, which `esma --help` and small searches would otherwise pay at every start.
    if name != "__version__":
        raise AttributeError(f"module 'esma' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("esma")
    except PackageNotFoundError:  # running from a source tree that was not installed
        found = "0+unknown"
    globals()["__version__"] = found
    return found
