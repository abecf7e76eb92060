"""The conjecture record: stable ids, round trips, rendering.

The example is e - 1 with signs [-1, 1], from the published reference's own tests: a = 2, 3, 2, 5, 2, 7, ... (a_n = 2a_{n-2} - a_{n-4}).
"""

import dataclasses

import pytest

from esma.conjecture import FIELDS, Conjecture, example
from esma.errors import InvalidRecord


@pytest.fixture
def conj():
    return dataclasses.replace(example(), verified_digits=1016, convergence_rate=2.78)


def test_record_has_every_design_field(conj):
    record = conj.to_dict()
    assert tuple(record) == FIELDS
    assert record["quasi_polynomial"] == {"start": 0, "period": 2, "polys": [[2], [3, 2]]}


def test_id_depends_on_content_only(conj):
    again = Conjecture.from_dict(conj.to_dict())
    assert again.id == conj.id and len(conj.id) == 16
    record = {k: v for k, v in conj.to_dict().items() if k != "id"}
    assert Conjecture.from_dict({**record, "lhs": "x - 2"}).id != conj.id
    assert Conjecture.from_dict({**record, "verified_digits": 2000}).id == conj.id


def test_trusted_rebuild_renders_the_same(conj):
    record = conj.to_dict()
    trusted = Conjecture.from_dict(record, trusted=True)
    fresh = Conjecture.from_dict(record)
    assert trusted.to_dict() == fresh.to_dict() == record


def test_rendering(conj):
    assert conj.formula == (
        "e - 1 = 2 - 1/(3 + 1/(2 - 1/(5 + …))); signs -+; for m >= 0: a(2m) = 2, a(1+2m) = 3 + 2m"
    )
    assert r"\cfrac" in conj.latex and "a_{1+2m}" in conj.latex
    assert conj._repr_latex_().startswith("$")


@pytest.mark.parametrize(
    "change, word",
    [
        ({"id": "0" * 16}, "does not match"),
        ({"signs": [1, 2]}, "signs"),
        ({"a_prefix": [2, 3, 2, 6]}, "disagrees"),
        ({"verified_digits": "many"}, "verified_digits"),
        ({"recurrence": {"charpoly": [1]}}, "recurrence"),
    ],
)
def test_bad_records_are_refused(conj, change, word):
    with pytest.raises(InvalidRecord, match=word):
        Conjecture.from_dict({**conj.to_dict(), **change})
