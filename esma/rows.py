"""A conjecture as the database's ``conjectures`` table holds it, rendered once.

Rendering a record (its whole formula in text and LaTeX, its canonical JSON, the JSON columns
beside it) is the larger part of storing it. A search's workers render the rows of their chunks
(:func:`esma.parallel.chunk_task`), so that the one process that stores them only writes; this
module imports no database library, so the workers need none.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from esma.conjecture import Conjecture, canonical_json

__all__ = ["StoredConjectures", "StoredRecords", "StoredRow"]


class StoredRow(NamedTuple):
    """The columns of a conjecture's row that depend on the record alone, in table order.

    >>> from esma.conjecture import example
    >>> row = StoredRow.of(example())
    >>> row.id == example().id, row.status, json.loads(row.record)["formula"] == row.formula
    (True, 'conjectured', True)
    """

    id: str
    constant: str
    lhs: str
    lhs_value: str
    signs: str
    a_prefix: str
    recurrence: str
    quasi_polynomial: str | None
    verified_digits: int
    convergence_rate: float
    formula: str
    latex: str
    record: str
    status: str

    @classmethod
    def of(cls, conj: Conjecture) -> StoredRow:
        """The row of a conjecture."""
        record = conj.to_dict()
        qp = record["quasi_polynomial"]
        return cls(
            record["id"],
            conj.constant,
            conj.lhs,
            conj.lhs_value,
            json.dumps(record["signs"]),
            json.dumps(record["a_prefix"]),
            json.dumps(record["recurrence"], sort_keys=True),
            None if qp is None else json.dumps(qp, sort_keys=True),
            conj.verified_digits,
            conj.convergence_rate,
            record["formula"],
            record["latex"],
            canonical_json(record),
            conj.status,
        )


class StoredConjectures(Sequence):
    """Conjectures carried as their rows: what a worker sends for storing (the rows pickle as
    plain text, and the store writes them as they are), still a sequence of conjectures to
    whoever reads it, each rebuilt from its record when read.

    >>> from esma.conjecture import example
    >>> carried = StoredConjectures.of([example()])
    >>> len(carried), carried[0] == example(), list(carried) == [example()]
    (1, True, True)
    """

    __slots__ = ("rows",)

    def __init__(self, rows: Iterable[StoredRow]):
        self.rows = tuple(rows)

    @classmethod
    def of(cls, conjectures: Iterable[Conjecture]) -> StoredConjectures:
        """The conjectures, rendered (rendered ones are returned as they are)."""
        if isinstance(conjectures, StoredConjectures):
            return conjectures
        return cls(StoredRow.of(c) for c in conjectures)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return tuple(_rebuild(row) for row in self.rows[index])
        return _rebuild(self.rows[index])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StoredConjectures):
            return self.rows == other.rows
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StoredConjectures({len(self.rows)} rows)"

    def __getstate__(self) -> tuple:
        return self.rows

    def __setstate__(self, rows: tuple) -> None:
        self.rows = rows


class StoredRecords(Sequence):
    """Stored records (``to_dict()`` form) carried as the rows they were written from, each
    decoded from its JSON when first read; records already decoded are carried as they are.

    A search that prints its records reads four columns of each (:meth:`briefs`), and places
    them in families by id (its workers placed them): decoding the 22,502 records of the
    degree-2 search of e cost the storing process 0.4-1.2 s while the workers wanted the cores.

    >>> from esma.conjecture import example
    >>> records = StoredRecords([StoredRow.of(example())])
    >>> records.briefs()[0]["signs"], records[0] == example().to_dict()
    ([-1, 1], True)
    """

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[StoredRow | dict]):
        self._items = list(items)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        item = self._items[index]
        if isinstance(item, StoredRow):
            item = self._items[index] = json.loads(item.record)
        return item

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StoredRecords({len(self._items)} records)"

    def carried(self) -> list[StoredRow | dict]:
        """The records as carried: rows not read yet, and dicts (for :mod:`esma.families`,
        which takes either)."""
        return list(self._items)

    def briefs(self) -> list[dict[str, Any]]:
        """``id``, ``signs``, ``formula`` and ``verified_digits`` of every record, in order, read
        from the rows' columns (no record is decoded): what a listing prints."""
        return [
            {
                "id": item.id,
                "signs": json.loads(item.signs),
                "formula": item.formula,
                "verified_digits": item.verified_digits,
            }
            if isinstance(item, StoredRow)
            else {key: item[key] for key in ("id", "signs", "formula", "verified_digits")}
            for item in self._items
        ]


def _rebuild(row: StoredRow) -> Conjecture:
    """The conjecture of a row this process's code rendered (so trusted: not re-derived)."""
    return Conjecture.from_dict(json.loads(row.record), trusted=True)
