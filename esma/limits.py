"""What one command may ask of this machine: limits set from measured costs, and their estimates.

An option a user can type must not take the machine down. Each limit below bounds one quantity
whose cost grows fast (the digits of an approval, the terms of an expansion, the depth of a
screen), at the point where one item of work stops taking a fraction of a second; the cost
models beside them were measured on this project's 2-core machine
(``tests/benchmarks/bench_targets.py``, ``bench_stages.py``) and serve to say, before starting,
roughly what a request will cost. Past a limit the command refuses with one line that names it
and why, unless it is given ``--force``.

>>> check_limit("digits", 2000, SEARCH_DIGITS, "why", force=False)
2000
>>> check_limit("digits", 10**6, SEARCH_DIGITS, "it is slow", force=False)
Traceback (most recent call last):
...
esma.errors.InvalidParameter: digits: 1000000 is above 100000 (it is slow); give --force to run it anyway
"""

from __future__ import annotations

from esma.errors import InvalidParameter, check_int

__all__ = [
    "EXPAND_TERMS",
    "SEARCH_DEPTH",
    "SEARCH_DIGITS",
    "VERIFY_DIGITS",
    "approval_cost",
    "check_limit",
    "expansion_seconds",
    "screen_seconds",
]

#: Digits a search approves to without ``--force``: one approval there takes ~0.15 s and
#: ~50 MB, and a search may approve thousands (a million digits: ~11 s and ~0.9 GB each).
SEARCH_DIGITS = 100_000

#: Digits ``esma verify`` checks to without ``--force``: one record at a million digits takes
#: ~11 s and ~0.9 GB, and the time grows as digits^1.9.
VERIFY_DIGITS = 1_000_000

#: Terms ``esma expand`` computes without ``--force``: ~17 s for π at 50,000 terms; the time
#: grows as terms^2 (every term is certified from ~16 bits a term of the value).
EXPAND_TERMS = 50_000

#: Screening depth of a search without ``--force``: a candidate costs about (depth/100)^2 times
#: what it costs at depth 100, so 10,000 is ~10^4 times the default's work per candidate.
SEARCH_DEPTH = 10_000


def check_limit(name: str, value: int, limit: int, why: str, *, force: bool) -> int:
    """``value`` if it is at most ``limit`` (or ``force``), else InvalidParameter naming ``name``
    (the library name of the option; the command line writes it as ``--name``)."""
    value = check_int(name, value, 1)
    if value > limit and not force:
        raise InvalidParameter(
            f"{name}: {value} is above {limit} ({why}); give --force to run it anyway",
            parameter=name,
        )
    return value


def approval_cost(digits: int) -> tuple[float, float]:
    """``(seconds, megabytes)`` one approval to ``digits`` digits costs, roughly: e - 1 with
    signs (-1, 1) measured 0.15 s at 10^5 digits, 1.2 s at 3·10^5, 11 s and ~0.9 GB at 10^6
    (time ~ digits^1.9, memory ~ 0.9 kB a digit).

    >>> round(approval_cost(1_000_000)[0])
    12
    """
    return 0.15 * (digits / 1e5) ** 1.9, 0.9e-3 * digits


def expansion_seconds(terms: int) -> float:
    """Seconds to expand ``terms`` certified terms, roughly (π: 3.1 s at 20,000, 17 s at 50,000:
    ~7·10^-9 terms^2).

    >>> round(expansion_seconds(50_000))
    18
    """
    return 7e-9 * terms**2


def screen_seconds(candidates: int, depth: int) -> float:
    """Seconds the compiled screen spends on ``candidates`` at ``depth``, roughly: ~6 µs a
    candidate at depth 100, growing as depth^2 (Berlekamp-Massey over the first depth/2 terms).

    >>> screen_seconds(11_088, 100)
    0.066528
    """
    return candidates * 6e-6 * (depth / 100) ** 2
