"""The ESMA search: enumerate left-hand sides × sign periods, screen, approve.

The domain is every distinct left-hand side f (see :mod:`esma.transforms`) times every primitive
sign period σ with length in ``periods``. It is cut into deterministic chunks (blocks of
left-hand sides × all periods) so a run can be stored chunk by chunk, resumed, and spread over
workers. For each candidate (f, σ):

1. **screen**: expand the first ``depth`` certified terms of f(c) with signs σ and compute their
   linear complexity L with Berlekamp–Massey mod p; the expansion stops early once the first
   2K + 4 terms already have L > K, where K is the flag bound (L never decreases). A whole chunk
   is screened in one compiled call (:mod:`esma.screening`); what it cannot decide goes through
   the exact path (:func:`screen`);
2. **recurrence**: for a flagged candidate, the exact integer recurrence with its start index;
3. **approve**: regenerate terms and compare the continued fraction with f(c) to ``digits``.

>>> space = SearchSpace.create("e", coeff=1, periods=(1, 1), depth=60)
>>> found = [c for chunk in range(space.total_chunks) for c in run_chunk(space, chunk).conjectures]
>>> found[1].formula
'e = 2 + 1/(1 + 1/(2 + 1/(1 + …))), a(1+3m) = 1, a(2+3m) = 2 + 2m, a(3+3m) = 1'
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cached_property
from itertools import islice
from typing import TYPE_CHECKING, Any

from esma.errors import InvalidParameter, PrecisionExhausted
from esma.signs import Signs, parse_periods, primitive_periods

if TYPE_CHECKING:
    from esma.conjecture import Conjecture
    from esma.constants import Constant
    from esma.transforms import RationalLhs

#: Left-hand sides per chunk: small enough that a killed run loses little, large enough that
#: per-chunk bookkeeping (one database transaction) is negligible.
CHUNK_LHS = 16


@dataclass(frozen=True)
class SearchSpace:
    """The parameters that define a search; equal spaces give identical results.

    Attributes mirror the ``esma search`` options; ``threshold`` is the flag bound as a fraction
    of ``depth`` (flag when L < threshold · depth).
    """

    constant: str
    degree: int = 1
    coeff: int = 2
    periods: tuple[int, int] = (1, 3)
    depth: int = 100
    threshold: float = 0.25
    digits: int = 1000
    chunk_lhs: int = CHUNK_LHS

    @classmethod
    def create(cls, constant: str, **options: Any) -> SearchSpace:
        """Validate the options (messages name the option) and canonicalise the constant.

        >>> SearchSpace.create("exp( 1 )", periods="1-2").periods
        (1, 2)
        """
        from esma.constants import get_constant
        from esma.transforms import check_lhs_space

        periods = options.pop("periods", (1, 3))
        if isinstance(periods, str):
            periods = parse_periods(periods)
        else:
            periods = parse_periods(f"{periods[0]}-{periods[1]}")
        depth = options.get("depth", 100)
        if isinstance(depth, bool) or not isinstance(depth, int) or not 8 <= depth <= 100_000:
            raise InvalidParameter(f"--depth: {depth!r} must be an integer from 8 to 100000")
        threshold = options.get("threshold", 0.25)
        if not 0 < threshold <= 0.5:
            raise InvalidParameter(f"--threshold: {threshold!r} must be in (0, 0.5]")
        digits = options.get("digits", 1000)
        if isinstance(digits, bool) or not isinstance(digits, int) or digits < 10:
            raise InvalidParameter(f"--digits: {digits!r} must be an integer of at least 10")
        const = get_constant(constant)
        space = cls(constant=const.text, periods=periods, **options)
        check_lhs_space(space.degree, space.coeff)
        return space

    def to_dict(self) -> dict[str, Any]:
        """JSON-able parameters; a stored run is identified by them."""
        d = asdict(self)
        d["periods"] = list(self.periods)
        return d

    @classmethod
    def from_dict(cls, params: dict[str, Any]) -> SearchSpace:
        """The space :meth:`to_dict` describes (for workers that receive it as JSON)."""
        return cls(**{**params, "periods": tuple(params["periods"])})

    @cached_property
    def constant_value(self) -> Constant:
        from esma.constants import get_constant

        return get_constant(self.constant)

    @cached_property
    def lhs(self) -> list[RationalLhs]:
        """The distinct left-hand sides, in deterministic order."""
        from esma.transforms import distinct_values, enumerate_lhs

        return distinct_values(enumerate_lhs(self.degree, self.coeff), self.constant_value)

    @cached_property
    def screening_cf(self) -> tuple[int, ...]:
        """The constant's certified regular CF, as much as the screening kernel needs."""
        from esma.screening import screening_cf

        return screening_cf(self.constant_value, self.depth)

    @cached_property
    def signs(self) -> list[Signs]:
        """The primitive sign periods."""
        return primitive_periods(*self.periods)

    @property
    def total_chunks(self) -> int:
        return max(1, math.ceil(len(self.lhs) / self.chunk_lhs))

    @property
    def total_candidates(self) -> int:
        return len(self.lhs) * len(self.signs)

    @property
    def flag_bound(self) -> int:
        """K: a candidate is flagged when its linear complexity is at most K."""
        return max(1, math.ceil(self.threshold * self.depth) - 1)

    def chunk(self, index: int) -> list[RationalLhs]:
        """The left-hand sides of chunk ``index``."""
        if not 0 <= index < self.total_chunks:
            raise InvalidParameter(f"chunk: {index} is not in 0..{self.total_chunks - 1}")
        return self.lhs[index * self.chunk_lhs : (index + 1) * self.chunk_lhs]


@dataclass(frozen=True)
class ChunkResult:
    """What one chunk produced: approved conjectures in search order, and counts."""

    index: int
    conjectures: tuple[Conjecture, ...]
    screened: int
    flagged: int
    rejected: int = 0
    uncertified: int = 0


def screen(value: Any, signs: Signs, depth: int, bound: int) -> list[int] | None:
    """The first ``depth`` certified terms if their linear complexity is ≤ ``bound``, else None.

    Only the first 2·bound + 4 terms are expanded when they already exceed the bound.
    """
    from esma.expansion import initial_bits, iter_signed_terms
    from esma.massey import linear_complexity

    terms_iter = iter_signed_terms(value, signs, bits=initial_bits(depth))
    head = min(depth, 2 * bound + 4)
    terms = list(islice(terms_iter, head))
    if len(terms) < head or linear_complexity(terms, max_complexity=bound) > bound:
        return None
    terms.extend(islice(terms_iter, depth - head))
    if len(terms) < depth or linear_complexity(terms, max_complexity=bound) > bound:
        return None
    return terms


def run_chunk(space: SearchSpace, index: int, *, exact: bool = False) -> ChunkResult:
    """Screen and approve every candidate of chunk ``index``; deterministic.

    The block is screened in one compiled call (:mod:`esma.screening`); candidates the kernel
    cannot decide (int64 overflow, CF prefix exhausted) go through the exact path, and
    ``exact=True`` sends every candidate there. Both give identical results.
    """
    from esma.conjecture import PREFIX_TERMS, Conjecture
    from esma.massey import find_recurrence
    from esma.transforms import LhsValue
    from esma.verify import approve

    lhs = space.chunk(index)
    values = [LhsValue(f, space.constant_value) for f in lhs]
    outcomes = None if exact else iter(_screen_block(space, lhs, values))
    found: list[Conjecture] = []
    screened = flagged = rejected = uncertified = 0
    for f, value in zip(lhs, values, strict=True):
        for signs in space.signs:
            screened += 1
            try:
                terms = _screened_terms(space, value, signs, outcomes)
            except PrecisionExhausted:
                uncertified += 1
                continue
            if terms is None:
                continue
            flagged += 1
            rec = find_recurrence(terms)
            approval = approve(value, rec, signs, digits=space.digits) if rec else None
            if approval is None:
                rejected += 1
                continue
            found.append(
                Conjecture(
                    constant=space.constant,
                    lhs=f.text,
                    lhs_value=_value_text(value),
                    signs=signs,
                    a_prefix=tuple(rec.terms(max(PREFIX_TERMS, len(rec.initial)))),
                    recurrence=rec,
                    verified_digits=approval.digits,
                    convergence_rate=approval.convergence_rate,
                )
            )
    return ChunkResult(index, tuple(found), screened, flagged, rejected, uncertified)


def _screen_block(space: SearchSpace, lhs: list[RationalLhs], values: list[Any]) -> list:
    """Kernel outcomes for every (f, σ) of a chunk, in the order f, then σ."""
    from esma.screening import screen_mobius_block, screen_values_block, screening_cf

    if space.degree == 1:
        return screen_mobius_block(
            space.screening_cf, lhs, space.signs, space.depth, space.flag_bound
        )
    # P/Q is no Möbius map of c: expand each value's own regular CF once, then all periods.
    cfs = [screening_cf(v, space.depth) for v in values]
    return screen_values_block(cfs, space.signs, space.depth, space.flag_bound)


def _screened_terms(space: SearchSpace, value: Any, signs: Signs, outcomes) -> list[int] | None:
    """The flagged terms of one candidate, from the kernel or, if it could not decide, exactly."""
    if outcomes is not None:
        from esma.screening import FLAGGED, REJECTED

        outcome = next(outcomes)
        if outcome.status == FLAGGED:
            return list(outcome.terms)
        if outcome.status == REJECTED:
            return None
    return screen(value, signs, space.depth, space.flag_bound)


def _value_text(value: Any, digits: int = 60) -> str:
    """The value to ``digits`` significant digits (rigorously rounded by arb)."""
    return value.arb(int(digits * 3.33) + 64).str(digits, radius=False)


def run(space: SearchSpace) -> list[Conjecture]:
    """Every chunk in order, in this process: the conjectures found (for notebooks and tests;
    the command line stores chunk by chunk through :mod:`esma.parallel`)."""
    return [c for index in range(space.total_chunks) for c in run_chunk(space, index).conjectures]


@dataclass(frozen=True)
class SearchRun:
    """What :func:`resume_search` did.

    Attributes
    ----------
    run_id : int
        The stored run (the same one each time the same search is resumed).
    total_chunks : int
        Chunks in the search.
    resumed : int
        Chunks already finished before this call, skipped.
    ran : int
        Chunks this call ran and stored.
    new : int
        Conjectures new to the database.
    records : tuple of dict
        Every conjecture of the run (``to_dict()`` form, as stored), in search order.
    """

    run_id: int
    total_chunks: int
    resumed: int
    ran: int
    new: int
    records: tuple[dict, ...]


def resume_search(
    space: SearchSpace,
    store: Any,
    executor: Any = None,
    *,
    on_start: Callable[[int, frozenset[int]], None] | None = None,
    on_chunk: Callable[[ChunkResult, int], None] | None = None,
) -> SearchRun:
    """Run the chunks of ``space`` that ``store`` has not finished, storing each as it arrives.

    A search is identified by its parameters: calling this again with the same space and store
    (after an interruption, or on another machine with the same database) skips the finished
    chunks and stores nothing twice. Each chunk's conjectures and its "done" mark go into one
    transaction, so an interruption at any moment loses at most the chunks in flight.

    Parameters
    ----------
    space : SearchSpace
        What to search.
    store : esma.store.Store
        Where runs, chunks and conjectures are stored.
    executor : optional
        An executor of :mod:`esma.parallel` (default: this process, chunk after chunk).
    on_start : callable, optional
        ``on_start(run_id, done)`` once the run is known, before any chunk runs; ``done`` are
        the chunks finished earlier.
    on_chunk : callable, optional
        ``on_chunk(result, new)`` after each chunk is stored (``new``: conjectures new to the
        database).

    Examples
    --------
    >>> from esma.store import Store
    >>> space = SearchSpace.create("e", coeff=1, periods="1-1", depth=60)
    >>> with Store.open("sqlite://") as store:
    ...     first, again = resume_search(space, store), resume_search(space, store)
    >>> (first.ran, first.new, len(first.records)), (again.resumed, again.ran, again.new)
    ((1, 12, 12), (1, 0, 0))
    >>> again.records == first.records
    True
    """
    from esma.parallel import SerialExecutor

    params = space.to_dict()
    if executor is None:
        executor = SerialExecutor()
    elif not store.finished(params):
        executor.start()  # workers load while this process lists the left-hand sides
    run_id, done = store.start_run(params, space.total_chunks)
    if on_start is not None:
        on_start(run_id, frozenset(done))
    todo = [i for i in range(space.total_chunks) if i not in done]
    ran = new = 0
    for result in executor.run(space, todo):
        added = store.finish_chunk(run_id, result.index, result.conjectures)
        ran, new = ran + 1, new + added
        if on_chunk is not None:
            on_chunk(result, added)
    store.finish_run(run_id)
    records = tuple(store.run_records(run_id))
    return SearchRun(run_id, space.total_chunks, len(done), ran, new, records)
