"""Families kept in the database: placed as records are stored, incremental equal to from scratch;
proof status stored with the record. On SQLite and (with ESMA_TEST_POSTGRES_URL) PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from conftest import catalogue_lines

from esma.conjecture import Conjecture, canonical_json
from esma.errors import InvalidParameter, StoreError
from esma.families import families
from esma.familystore import current_families, family_order, place_families
from esma.importing import import_files
from esma.runs import resume_search
from esma.search import SearchSpace
from esma.store import Store


def _stored(store: Store) -> dict[str, str]:
    return store.family_records()


def _scratch(records) -> dict[str, str]:
    """The families of ``records`` computed from scratch, as a store keeps them."""
    return {f.key: canonical_json(f.to_dict(full=True)) for f in families(records)}


def _partition_holds(store: Store) -> None:
    """Every record is a member of exactly one stored family."""
    members = [m.id for f in store.families() for m in f.members]
    assert sorted(members) == sorted(store.ids())


@pytest.fixture(scope="module")
def lines() -> list[str]:
    """Records of two constants, true and proved (from the catalogue)."""
    return catalogue_lines("e2", 160) + catalogue_lines("tan1", 80)


def test_imports_in_two_halves_store_the_families_of_one_import(db_url, new_db, lines):
    """Alternate lines in two imports: families grow across both, and representatives change
    when a simpler member arrives; the result is the families computed from scratch."""
    first, second = lines[::2], lines[1::2]
    with Store.open(db_url) as store:
        import_files([("a.jsonl", io.StringIO("\n".join(first)))], store)
        after_first = {f.key: f.representative for f in store.families()}
        import_files([("b.jsonl", io.StringIO("\n".join(second)))], store)
        halves = _stored(store)
        _partition_holds(store)
        final = {f.key: f.representative for f in store.families()}
    # The second half changed stored families: some gained a new representative.
    assert any(after_first.get(k, v) != v for k, v in final.items())
    with Store.open(new_db()) as whole:
        import_files([("all.jsonl", io.StringIO("\n".join(lines)))], whole)
        assert _stored(whole) == halves
    assert halves == _scratch([json.loads(line) for line in lines])


def test_a_search_stopped_and_resumed_stores_the_families_of_one_import(
    db_url, new_db, monkeypatch
):
    monkeypatch.setattr("esma.runs.STORE_SECONDS", 0.0)  # each chunk stored as it arrives
    space = SearchSpace.create("e", coeff=1, periods="1-2", depth=60, chunk_lhs=3)
    assert space.total_chunks >= 3

    def stop_after_the_first(result, _new):
        raise KeyboardInterrupt

    with Store.open(db_url) as store:
        with pytest.raises(KeyboardInterrupt):
            resume_search(space, store, on_chunk=stop_after_the_first)
        stopped = store.records()
        assert stopped and store.families() == []  # the run did not finish: nothing placed
        assert len(store.unplaced()) == len(stopped)
        in_memory = current_families(store)  # a reader places them without writing
        assert store.families() == [] and sum(len(f.members) for f in in_memory) == len(stopped)
        done = resume_search(space, store)
        assert done.resumed == 1 and store.unplaced() == []
        _partition_holds(store)
        searched = _stored(store)
        records = store.records()
        assert {m.id for f in done.families for m in f.members} == {r["id"] for r in records}
    jsonl = "\n".join(canonical_json(r) for r in records)
    with Store.open(new_db()) as whole:
        import_files([("e.jsonl", io.StringIO(jsonl))], whole)
        assert _stored(whole) == searched
    assert searched == _scratch(records)


def test_readers_compute_families_in_memory_and_write_nothing(tmp_path, lines):
    path = tmp_path / "r.db"
    with Store.open(str(path)) as store:
        store.import_conjectures([Conjecture.from_dict(json.loads(x)) for x in lines], "x.jsonl")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with Store.open(str(path), read_only=True) as store:
        shown = current_families(store)
        with pytest.raises(StoreError, match="read-only"):
            place_families(store)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    with Store.open(str(path)) as store:
        placed = place_families(store)
        assert placed.records == len(lines) and placed.constants == ("e2", "tan1")
        assert current_families(store) == shown  # now read from the database
        assert sorted(store.families(), key=family_order) == shown
        assert place_families(store).records == 0  # nothing left to place


def test_families_written_meanwhile_are_not_overwritten(db_url, lines):
    """save_families writes only over the families it computed from; placing starts again."""
    records = [json.loads(x) for x in lines[:40]]
    with Store.open(db_url) as store:
        store.import_conjectures([Conjecture.from_dict(r) for r in records], "x.jsonl")
        fams = families(records)
        assert store.save_families("e2", fams, {}) == len(fams)
        assert store.save_families("e2", fams, {}) is None  # what it expected is gone
        assert store.save_families("e2", fams, store.family_records("e2")) == 0  # no change
        with pytest.raises(InvalidParameter, match="not 'tan1'"):
            store.save_families("tan1", fams, {})
        assert store.unplaced() == []


def test_status_and_certificate_are_stored_with_the_record(db_url, true_records):
    conj = Conjecture.from_dict(true_records[0])
    assert conj.status == "proved"
    bare = Conjecture.from_dict({**true_records[0], "status": "conjectured", "proof": None})
    with Store.open(db_url) as store:
        store.import_conjectures([bare], "x.jsonl")
        assert store.status_of(conj.id) == ("conjectured", None)
        # Found again, proved: the stored record gains the certificate; never the reverse.
        store.import_conjectures([conj], "y.jsonl")
        assert store.status_of(conj.id) == ("proved", conj.proof)
        store.import_conjectures([bare], "z.jsonl")
        assert store.get(conj.id) == conj and store.get(conj.id).status == "proved"
        store.set_status(conj.id, "conjectured")
        assert store.records()[0]["proof"] is None and store.ids() == [conj.id]
        store.set_status(conj.id, "proved", conj.proof)
        assert store.records()[0] == conj.to_dict()
        with pytest.raises(InvalidParameter, match=r"^status"):
            store.set_status(conj.id, "refuted")
        with pytest.raises(InvalidParameter, match=r"^proof"):
            store.set_status(conj.id, "proved")
        with pytest.raises(InvalidParameter, match="no conjecture"):
            store.set_status("0" * 16, "conjectured")


def test_the_status_column_follows_the_record(tmp_path, true_records):
    """For SQL readers (sqlite3, datasette): the column says what the record says."""
    import sqlite3

    path = tmp_path / "s.db"
    conj = Conjecture.from_dict(true_records[0])
    with Store.open(str(path)) as store:
        store.import_conjectures([conj], "x.jsonl")
        store.set_status(conj.id, "conjectured")
    with sqlite3.connect(path) as conn:
        ((status, record),) = conn.execute("SELECT status, record FROM conjectures").fetchall()
    assert status == "conjectured" and json.loads(record)["status"] == "conjectured"
