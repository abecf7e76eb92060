"""A search stored chunk by chunk: run what a database has not finished, resume what it has.

:func:`resume_search` is the loop behind ``esma search``: the chunks of a
:class:`~esma.search.SearchSpace` run on an executor of :mod:`esma.parallel`, and each finished
chunk goes into the database (:mod:`esma.store`) with its conjectures in one transaction (with
the chunks that finished in the same half second, up to 16), so a run interrupted at any moment
resumes where it stopped. When every chunk is stored, the records are placed in their families
(:func:`esma.familystore.place_families`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from esma.parallel import SerialExecutor
from esma.rows import StoredConjectures, StoredRecords, StoredRow
from esma.search import ChunkResult, SearchSpace

if TYPE_CHECKING:
    from esma.families import Family

__all__ = ["STORE_CHUNKS", "STORE_SECONDS", "SearchRun", "resume_search"]

#: Chunks that finish within this many seconds of the last stored ones are stored with the next
#: (one transaction for all: a transaction costs more than its rows), at most STORE_CHUNKS of
#: them at once. An interruption loses at most the chunks running and those waiting to be
#: stored: they run again on resuming.
STORE_SECONDS = 0.5
STORE_CHUNKS = 16


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
    records : esma.rows.StoredRecords
        Every conjecture of the run (``to_dict()`` form, as stored), in search order: a
        sequence of dicts, decoded from the rows written when first read.
    families : tuple of Family
        The families of those records (as stored, with every member of the constant, found by
        this run or not), in :func:`esma.familystore.family_order`.
    """

    run_id: int
    total_chunks: int
    resumed: int
    ran: int
    new: int
    records: StoredRecords
    families: tuple[Family, ...] = ()


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
    transaction (with those of the chunks finished within :data:`STORE_SECONDS`, at most
    :data:`STORE_CHUNKS`), so an interruption at any moment loses at most the chunks in flight
    and those just finished.

    A search of a number given by its digits is checked before anything is stored
    (:attr:`SearchSpace.data_check`: its digits certify every candidate to the depth), and is
    refused when the database holds a search of another number under the same name.

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
    >>> again.records == first.records  # read back, and as written
    True
    >>> sum(len(f.members) for f in first.families), len(first.families)
    (12, 2)
    """
    from esma.families import record_id
    from esma.familystore import current_families, place_families

    params = space.to_dict()
    if space.value_sha256 is not None:
        _check_number(space, store)
    if executor is None:
        executor = SerialExecutor()
    elif not store.finished(params):
        executor.start()  # workers load while this process lists the left-hand sides
    run_id, done = store.start_run(params, space.total_chunks)
    if on_start is not None:
        on_start(run_id, frozenset(done))
    todo = [i for i in range(space.total_chunks) if i not in done]
    ran = new = 0
    placements: dict[str, tuple] = {}  # each record's place in its family, from the workers
    waiting: list[ChunkResult] = []  # finished, not stored yet
    stored_at = time.monotonic()
    # The records as stored, by chunk: the rows as they are written, when every chunk ran in
    # this call and every record was new (none stored before, perhaps otherwise); else they are
    # read back once the run is done.
    written: dict[int, tuple[StoredRow, ...]] | None = {} if not done else None

    def store_waiting() -> None:
        nonlocal ran, new, stored_at, written
        batch = [(r, StoredConjectures.of(r.conjectures).rows) for r in waiting]
        waiting.clear()  # stored now or never by this call, whatever a callback raises
        added = store.finish_chunks(run_id, [(r.index, rows) for r, rows in batch])
        stored_at = time.monotonic()
        for (result, rows), count in zip(batch, added, strict=True):
            if written is not None and count == len(rows):
                written[result.index] = rows
            else:
                written = None
            ran, new = ran + 1, new + count
            placements.update((rid, (member, tail)) for rid, member, tail in result.placements)
            if on_chunk is not None:
                on_chunk(result, count)

    try:
        for result in executor.run(space, todo):
            waiting.append(result)
            if len(waiting) >= STORE_CHUNKS or time.monotonic() - stored_at >= STORE_SECONDS:
                store_waiting()
    finally:  # what finished is stored, however the loop ends (Ctrl-C, a failed chunk)
        if waiting:
            store_waiting()
    store.finish_run(run_id)
    if written is not None and len(written) == space.total_chunks:
        records = StoredRecords(r for index in sorted(written) for r in written[index])
    else:
        records = StoredRecords(store.run_records(run_id))
    # Rows stay undecoded: the workers placed their records (esma.families takes rows).
    known = {record_id(r): r for r in records.carried()}
    ids = set(known)
    placed = place_families(store, known=known, placed=placements)
    if space.constant in placed.constants:
        fams = [f for f in placed.current if f.constant == space.constant]
    else:  # nothing new to place: read them
        fams = current_families(store, space.constant)
    fams = tuple(f for f in fams if any(m.id in ids for m in f.members))
    return SearchRun(run_id, space.total_chunks, len(done), ran, new, records, fams)


def _check_number(space: SearchSpace, store: Any) -> None:
    """Refuse (InvalidParameter) a search of a number given by its digits that cannot run as
    asked, or whose name the database already gives to another number; stores nothing."""
    from esma.errors import InvalidParameter

    space.data_check  # noqa: B018 - raises when the digits do not allow the search
    others = store.digits_sources(space.constant) - {space.value_sha256}
    if others:
        other = min(others)
        raise InvalidParameter(
            f"name: this database has a search of another number named {space.constant} "
            f"(digits with sha256 {other[:16]}…); give these digits another --name",
            parameter="name",
        )
