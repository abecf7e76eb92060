"""Families as a database keeps them: placed as records are stored, read with the rest in memory.

:mod:`esma.families` groups records into families; this module keeps those families in a
:class:`~esma.store.Store` (tables ``families`` and ``family_members``) and up to date:

- :func:`place_families` places every stored record that is in no family yet
  (:func:`esma.families.assign` of the unplaced records to the stored families) and writes back
  the families that changed, one transaction per constant. A finished search
  (:func:`esma.runs.resume_search`), an import (:func:`esma.importing.import_files`) and
  ``esma families`` on a writable database call it; a search stopped before it finished leaves
  its records unplaced until one of them runs.
- :func:`current_families` reads the stored families and places the unplaced records in memory,
  writing nothing: what read-only commands show.

Placing is incremental and gives exactly the families computed from scratch
(:func:`esma.families.assign` adds records to stored families as if all were new).

>>> from esma.conjecture import example
>>> from esma.store import Store
>>> with Store.open("sqlite://") as store:
...     _ = store.import_conjectures([example()], "e.jsonl")
...     before = current_families(store)            # computed in memory
...     placed = place_families(store)
...     after = store.families()                      # stored
>>> placed.records, placed.families, before == after
(1, 1, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from esma.errors import EsmaError, StoreError

if TYPE_CHECKING:
    from esma.families import Family
    from esma.store import Store

__all__ = ["Placed", "current_families", "family_order", "place_families"]

#: How often placing starts again when another process changed a constant's families meanwhile.
ATTEMPTS = 8


@dataclass(frozen=True)
class Placed:
    """What :func:`place_families` did.

    Attributes
    ----------
    records : int
        Records placed in families.
    families : int
        Families written (new ones, and stored ones that gained members).
    constants : tuple of str
        The constants whose families were updated.
    skipped : tuple of (str, str)
        Records that could not be placed (id, reason); they stay unplaced.
    current : tuple of Family
        Every family of the constants updated, as now stored (in :func:`family_order`).
    """

    records: int = 0
    families: int = 0
    constants: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    current: tuple[Family, ...] = ()


def family_order(fam: Family) -> tuple:
    """The order families are listed in: by constant, new before classical, then by the
    representative's rank (as :func:`esma.families.assign` returns them).

    >>> from esma.conjecture import example
    >>> from esma.families import families
    >>> family_order(families([example()])[0])[:2]
    ('e', False)
    """
    return (fam.constant, fam.kind != "new", fam.members[0].rank)


def place_families(
    store: Store,
    constants: Iterable[str] | None = None,
    *,
    known: Mapping[str, dict[str, Any]] | None = None,
    placed: Mapping[str, tuple] | None = None,
) -> Placed:
    """Place the stored records that are in no family yet, and store the families that changed.

    Parameters
    ----------
    store : Store
        Opened for writing.
    constants : iterable of str, optional
        Only these constants (canonical text); default every constant with unplaced records.
    known : mapping of str to dict or StoredRow, optional
        Stored records the caller has already (id -> record, exactly as stored, or the
        :class:`esma.rows.StoredRow` it was written from): they are not read again.
    placed : mapping of str to (Member, Tail), optional
        :func:`esma.families.place` of records computed already (by id; a search's workers
        compute them for its records).

    Each constant is one transaction. The families are computed outside it, from what was
    stored when placing began; if another process changed that constant's families meanwhile,
    nothing is written and the constant is computed again.

    Raises
    ------
    StoreError
        The database is read-only, or its families kept changing under this process.
    """
    if store.read_only:
        raise StoreError(f"database {store.url} was opened read-only; families are not stored")
    todo = store.unplaced_constants()
    if constants is not None:
        wanted = set(constants)
        todo = [c for c in todo if c in wanted]
    known = known or {}
    records = written = 0
    done: list[str] = []
    skipped: list[tuple[str, str]] = []
    current: list[Family] = []
    for constant in todo:
        for _ in range(ATTEMPTS):
            expected = store.family_records(constant)
            existing = store.families(constant, records=expected)
            ids = store.unplaced_ids(constant)
            if not ids:
                break
            read = store.records_of(i for i in ids if i not in known)
            new = [known[i] if i in known else read[i] for i in ids if i in known or i in read]
            fams, bad = _assign(new, existing, placed=placed)
            count = store.save_families(constant, fams, expected)
            if count is not None:
                records += len(new) - len(bad)
                written += count
                skipped.extend(bad)
                done.append(constant)
                current.extend(fams)
                break
        else:
            raise StoreError(
                f"database {store.url}: the families of {constant} changed {ATTEMPTS} times "
                "while esma placed records in them; run 'esma families' again"
            )
    current.sort(key=family_order)
    return Placed(records, written, tuple(done), tuple(skipped), tuple(current))


def current_families(
    store: Store, constant: str | None = None, *, rates: bool = True
) -> list[Family]:
    """The families of the stored records (of one constant): those stored, with the records
    not placed yet placed in memory. Writes nothing.

    Parameters
    ----------
    rates : bool
        Compute the regular continued fraction's rate of new families' value classes (see
        :func:`esma.families.assign`); stored families keep theirs.

    Returns
    -------
    list of Family
        In :func:`family_order`.
    """
    stored: dict[str, list[Family]] = {}
    for fam in store.families(constant):
        stored.setdefault(fam.constant, []).append(fam)
    unplaced = set(store.unplaced_constants())
    if constant is not None:
        unplaced &= {constant}
    fams = []
    for name in sorted(set(stored) | unplaced):
        group = stored.get(name, [])
        if name in unplaced:
            group, _ = _assign(store.unplaced(name), group, rates=rates)
        fams.extend(group)
    return sorted(fams, key=family_order)


def _assign(
    new: Sequence[dict[str, Any]],
    existing: Sequence[Family],
    *,
    rates: bool = True,
    placed: Mapping[str, tuple] | None = None,
) -> tuple[list[Family], list[tuple[str, str]]]:
    """:func:`esma.families.assign`, leaving out (and naming) records that cannot be placed."""
    from esma.families import assign, place, record_id

    try:
        return assign(new, existing, rates=rates, placed=placed), []
    except EsmaError:
        pass
    good, bad = [], []
    for record in new:
        try:
            place(record)
        except EsmaError as exc:
            bad.append((str(record_id(record)), str(exc)))
        else:
            good.append(record)
    return assign(good, existing, rates=rates, placed=placed), bad
