"""How esma's own processes run Python's cyclic garbage collector.

A search makes millions of short-lived containers (terms, rows, records, proof states) while it
holds many long-lived ones (kernels, caches of traces and inductions, the records stored so
far). With CPython's default thresholds, (700, 10, 10), a collection starts every 700 net
allocations of containers, and the older generations, everything long-lived, are scanned again
and again: on the degree-2 search of e that was 8-10 % of all CPU time, and decoding the 22,502
records that search stores took 1.3 s with the default collector and 0.4 s with the thresholds
below. Nothing esma keeps depends on when cycles are freed, only memory does, and a generation-0
threshold of 50,000 containers holds a few megabytes of garbage at most.

Only processes esma owns are tuned: the ``esma`` command and the workers it forks. A notebook or
script that imports esma keeps its own collector settings, and its searches' worker processes
tune themselves.
"""

from __future__ import annotations

import gc

__all__ = ["THRESHOLDS", "collect_less"]

#: Generation 0 every 50,000 net container allocations; generation 1 every 20 of those; the
#: oldest generation every 100 of generation 1 (CPython's default: 700, 10, 10).
THRESHOLDS = (50_000, 20, 100)


def collect_less() -> None:
    """Set this process's collector to :data:`THRESHOLDS` (for esma's own processes only).

    >>> import gc
    >>> before = gc.get_threshold()
    >>> collect_less(); gc.get_threshold()
    (50000, 20, 100)
    >>> gc.set_threshold(*before)
    """
    gc.set_threshold(*THRESHOLDS)
