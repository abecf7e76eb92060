"""Rows a search writes: carried undecoded, read as the records they hold."""

import json

from click.testing import CliRunner

from esma.cli import main
from esma.rows import StoredRecords, StoredRow
from esma.runs import resume_search
from esma.search import SearchSpace
from esma.store import Store


def test_a_fresh_run_carries_its_rows_and_reads_as_its_records():
    space = SearchSpace.create("e", coeff=2, periods="1-2", depth=60)
    with Store.open("sqlite://") as store:
        first = resume_search(space, store)
        again = resume_search(space, store)  # read back: nothing ran
        stored = store.run_records(first.run_id)
    assert all(isinstance(item, StoredRow) for item in first.records.carried())
    assert all(isinstance(item, dict) for item in again.records.carried())
    briefs = first.records.briefs()
    assert all(isinstance(item, StoredRow) for item in first.records.carried())  # none decoded
    assert list(first.records) == list(again.records) == stored
    assert first.records == again.records and len(first.records) == len(stored) > 0
    assert (
        briefs
        == again.records.briefs()
        == [{k: r[k] for k in ("id", "signs", "formula", "verified_digits")} for r in stored]
    )
    assert first.records[1:3] == tuple(stored[1:3]) and first.records[-1] == stored[-1]


def test_records_given_decoded_are_carried_as_they_are():
    record = {"id": "ab", "signs": [1], "formula": "f", "verified_digits": 1000, "lhs": "x"}
    records = StoredRecords([record])
    assert records.briefs() == [{k: v for k, v in record.items() if k != "lhs"}]
    assert records[0] is record
    assert records != [dict(record, id="cd")]


def test_the_listing_of_a_fresh_run_is_the_listing_read_back(tmp_path):
    db = str(tmp_path / "s.db")
    args = ["search", "e", "--coeff", "2", "--periods", "1-2", "--depth", "60", "--db", db]
    fresh = CliRunner().invoke(main, args)
    again = CliRunner().invoke(main, args)
    as_json = CliRunner().invoke(main, [*args, "--json"])
    assert fresh.exit_code == again.exit_code == as_json.exit_code == 0
    lines = [line for line in fresh.output.splitlines() if "digits]" in line]
    assert lines and lines == [line for line in again.output.splitlines() if "digits]" in line]
    ids = [json.loads(line)["id"] for line in as_json.output.splitlines() if line[:1] == "{"]
    assert [line.split()[0] for line in lines] == ids
