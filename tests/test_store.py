"""The conjecture database, on SQLite and (with ESMA_TEST_POSTGRES_URL) PostgreSQL.

Expected values come from the operations themselves: what a test writes is what it must read
back; the e - 1 conjecture of conftest.py is a worked example of the published reference's own tests.
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3

import pytest
import sqlalchemy as sa

from esma.conjecture import Conjecture
from esma.errors import InvalidParameter, StoreError
from esma.store import SCHEMA_VERSION, Store, resolve_url

PARAMS = {"constant": "e", "degree": 1, "coeff": 2, "periods": [1, 3], "depth": 100}


@pytest.fixture
def store(db_url):
    with Store.open(db_url) as opened:
        yield opened


def _table_count(db_url: str, table: str) -> int:
    engine = sa.create_engine(resolve_url(db_url))
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar_one()
    finally:
        engine.dispose()


# -- opening --------------------------------------------------------------------------------------


def test_schema_version_is_recorded_and_a_newer_one_refused(db_url):
    """The version written is SCHEMA_VERSION; a database claiming a later one is not touched."""
    Store.open(db_url).close()
    engine = sa.create_engine(resolve_url(db_url))
    with engine.begin() as conn:
        version = conn.exec_driver_sql(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).scalar_one()
        assert version == str(SCHEMA_VERSION)
        conn.exec_driver_sql(
            f"UPDATE meta SET value = '{SCHEMA_VERSION + 1}' WHERE key = 'schema_version'"
        )
    engine.dispose()
    with pytest.raises(StoreError, match="newer than this esma") as info:
        Store.open(db_url)
    assert "\n" not in str(info.value)


def test_reopening_keeps_the_data(db_url, make_conjecture):
    with Store.open(db_url) as first:
        first.import_conjectures([make_conjecture()], "a.jsonl")
    with Store.open(db_url) as second:
        assert second.conjectures() == [make_conjecture()]


def test_sqlite_file_is_in_wal_mode_with_foreign_keys(tmp_path, make_conjecture):
    path = tmp_path / "wal.db"
    with Store.open(str(path)) as store:
        store.import_conjectures([make_conjecture()], "a.jsonl")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # The foreign key from verifications to conjectures exists in the schema.
        refs = conn.execute("PRAGMA foreign_key_list(verifications)").fetchall()
        assert any(row[2] == "conjectures" for row in refs)


@pytest.mark.parametrize(
    "url, fragment",
    [
        ("postgresql+psycopg://esma:s3cret@127.0.0.1:1/nowhere", "127.0.0.1:1"),
        ("sqlite:////nonexistent-folder/sub/esma.db", "does not exist"),
        ("/nonexistent-folder/sub/esma.db", "nonexistent-folder"),
    ],
)
def test_a_database_that_cannot_be_reached_is_one_line_naming_it(url, fragment):
    """Port 1 on the loopback refuses connections; the folder does not exist."""
    with pytest.raises(StoreError) as info:
        Store.open(url)
    message = str(info.value)
    assert "\n" not in message
    assert fragment in message
    assert "s3cret" not in message  # the password is masked


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are not the bytes of a SQLite database" * 100)
    with pytest.raises(StoreError, match="not a database") as info:
        Store.open(str(path))
    assert "\n" not in str(info.value)


def test_resolve_url(monkeypatch, tmp_path):
    monkeypatch.setenv("ESMA_DB", str(tmp_path / "env.db"))
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.delenv("ESMA_DB")
    assert resolve_url(None) == "sqlite:///esma.db"
    assert resolve_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"
    with pytest.raises(InvalidParameter, match="mysql"):
        resolve_url("mysql://u:pw@h/db")
    with pytest.raises(InvalidParameter):
        resolve_url("  ")


def test_a_missing_file_is_created_only_when_asked(tmp_path):
    path = tmp_path / "absent.db"
    for kwargs in ({"read_only": True}, {"create": False}):
        with pytest.raises(InvalidParameter, match="there is no database") as info:
            Store.open(str(path), **kwargs)
        assert info.value.parameter == "db"
    assert list(tmp_path.iterdir()) == []
    Store.open(str(path)).close()
    with Store.open(str(path), read_only=True) as store:
        assert store.read_only and store.ids() == []


# -- runs that resume -----------------------------------------------------------------------------


def test_start_run_resumes_with_the_done_chunks(store):
    run, done = store.start_run(PARAMS, total_chunks=5)
    assert done == set()
    store.finish_chunk(run, 0, [])
    store.finish_chunk(run, 3, [])
    # The same parameters in another key order are the same search.
    again = store.start_run(dict(reversed(list(PARAMS.items()))), total_chunks=5)
    assert again == (run, {0, 3})
    other, done = store.start_run({**PARAMS, "depth": 200}, total_chunks=5)
    assert other != run and done == set()
    # Chunked differently, the chunk indices mean other things: a new run.
    rechunked, done = store.start_run(PARAMS, total_chunks=7)
    assert rechunked not in (run, other) and done == set()
    info = store.run(run)
    assert info["parameters"] == PARAMS
    assert (info["total_chunks"], info["done_chunks"], info["finished"]) == (5, 2, None)


def test_finish_run_is_recorded_once_and_a_finished_run_is_reused(store):
    run, _ = store.start_run(PARAMS, total_chunks=1)
    store.finish_chunk(run, 0, [])
    store.finish_run(run)
    finished = store.run(run)["finished"]
    assert finished is not None
    assert store.start_run(PARAMS, total_chunks=1) == (run, {0})
    store.finish_run(run)
    assert store.run(run)["finished"] == finished


def test_finish_chunk_is_idempotent_and_keeps_search_order(store, db_url, make_conjecture):
    found = [make_conjecture(f"x - {k}") for k in (3, 1, 2)]
    run, _ = store.start_run(PARAMS, total_chunks=2)
    assert store.finish_chunk(run, 1, found[2:]) == 1
    assert store.finish_chunk(run, 0, found[:2] + found[:1]) == 2  # a repeat within a chunk
    assert store.finish_chunk(run, 0, found[:2]) == 0
    assert store.finish_chunk(run, 1, found[2:]) == 0
    assert _table_count(db_url, "conjectures") == 3
    assert _table_count(db_url, "conjecture_runs") == 3
    assert _table_count(db_url, "chunks") == 2
    assert store.run_conjectures(run) == found  # chunk 0 in its order, then chunk 1
    assert store.run_records(run) == [c.to_dict() for c in found]


def test_chunks_stored_together_count_each_new_conjecture_once(store, db_url, make_conjecture):
    a, b, c = (make_conjecture(f"x - {k}") for k in (1, 2, 3))
    proved_b = b.proved({"v": 1, "theorem": "e"})  # the store keeps what callers checked
    run, _ = store.start_run(PARAMS, total_chunks=4)
    assert store.finish_chunk(run, 3, [c]) == 1
    # b twice (conjectured, then proved), c stored before, chunk 0 given twice: one INSERT.
    counts = store.finish_chunks(run, [(0, [a, b]), (1, [proved_b, c]), (0, [a]), (2, [])])
    assert counts == [2, 0, 0, 0]
    assert _table_count(db_url, "conjectures") == 3
    assert _table_count(db_url, "chunks") == 4
    assert store.get(b.id).status == "proved"  # what is proved stays proved
    assert [x.id for x in store.run_conjectures(run)] == [a.id, b.id, c.id]  # where first found


def test_finish_chunk_rejects_unknown_runs_and_indices(store, make_conjecture):
    run, _ = store.start_run(PARAMS, total_chunks=2)
    with pytest.raises(InvalidParameter, match="no run"):
        store.finish_chunk(run + 1, 0, [])
    with pytest.raises(InvalidParameter, match="chunk 2"):
        store.finish_chunk(run, 2, [])
    with pytest.raises(InvalidParameter, match="Conjecture"):
        store.finish_chunk(run, 0, [make_conjecture().to_dict()])
    with pytest.raises(InvalidParameter, match="JSON"):
        store.start_run({"when": object()}, 1)


def test_one_conjecture_found_by_two_runs_is_one_row_remembering_both(
    store, db_url, make_conjecture
):
    shared = make_conjecture()
    first, _ = store.start_run(PARAMS, total_chunks=1)
    second, _ = store.start_run({**PARAMS, "coeff": 3}, total_chunks=1)
    assert store.finish_chunk(first, 0, [shared]) == 1
    assert store.finish_chunk(second, 0, [make_conjecture("x + 1"), shared]) == 1
    assert _table_count(db_url, "conjectures") == 2
    assert store.runs_of(shared.id) == [first, second]
    assert store.source_of(shared.id)["first_run"] == first
    assert store.run_conjectures(second) == [make_conjecture("x + 1"), shared]


# -- reading --------------------------------------------------------------------------------------


def test_big_integers_come_back_exact(store, db_url, make_conjecture):
    """10**60 + 1 does not fit any SQL integer type; it must survive as JSON text."""
    huge = make_conjecture("x + 2", huge=True)
    store.import_conjectures([huge], "big.jsonl")
    back = store.get(huge.id)
    assert back == huge
    assert back.a_prefix[0] == 10**60 + 1
    engine = sa.create_engine(resolve_url(db_url))
    with engine.connect() as conn:
        prefix = conn.exec_driver_sql("SELECT a_prefix FROM conjectures").scalar_one()
    engine.dispose()
    assert json.loads(prefix)[:2] == [10**60 + 1, 3]


def test_conjectures_are_ordered_by_constant_then_id_and_filtered(store, make_conjecture):
    items = [make_conjecture(f"x + {k}", constant=c) for k in range(3) for c in ("pi", "e")]
    store.import_conjectures(items, "mixed.jsonl")
    listed = store.conjectures()
    assert [(c.constant, c.id) for c in listed] == sorted((c.constant, c.id) for c in items)
    assert {c.constant for c in store.conjectures("pi")} == {"pi"}
    assert len(store.conjectures("pi")) == 3
    assert store.conjectures("zeta3") == []


def _two_sharing_a_prefix(make_conjecture) -> tuple[Conjecture, Conjecture]:
    """Two conjectures whose ids share their first 4 hex digits (found by trying lhs texts;
    with 65536 prefixes a pair turns up after a few hundred, by the birthday bound)."""
    seen: dict[str, Conjecture] = {}
    for k in range(20_000):
        conj = make_conjecture(f"x + {k}")
        if conj.id[:4] in seen:
            return seen[conj.id[:4]], conj
        seen[conj.id[:4]] = conj
    raise AssertionError("no shared prefix")  # pragma: no cover


def test_get_by_prefix(store, make_conjecture):
    one, two = _two_sharing_a_prefix(make_conjecture)
    lone = make_conjecture("x")
    store.import_conjectures([one, two, lone], "p.jsonl")
    assert store.get(lone.id) == lone
    assert store.get(lone.id[:8].upper()) == lone
    assert store.get(one.id) == one
    with pytest.raises(InvalidParameter, match="several") as info:
        store.get(one.id[:4])
    assert one.id in str(info.value) and two.id in str(info.value)
    unknown = next(f"{k:04x}" for k in range(65536) if f"{k:04x}" not in {one.id[:4], lone.id[:4]})
    with pytest.raises(InvalidParameter, match="no conjecture"):
        store.get(unknown)
    for bad in ("abc", "xyz123", ""):
        with pytest.raises(InvalidParameter, match="hex digits"):
            store.get(bad)


def test_verifications_are_kept_in_order(store, make_conjecture):
    conj = make_conjecture()
    store.import_conjectures([conj], "v.jsonl")
    assert store.verifications(conj.id) == []
    store.add_verification(conj.id, digits=1000, terms=1500, ok=True)
    store.add_verification(conj.id, digits=0, terms=3000, ok=False)
    checks = store.verifications(conj.id)
    assert [(v["digits"], v["terms"], v["ok"]) for v in checks] == [
        (1000, 1500, True),
        (0, 3000, False),
    ]
    assert all(v["at"].endswith("+00:00") for v in checks)
    with pytest.raises(InvalidParameter, match="no conjecture"):
        store.add_verification("0" * 16, 10, 10, True)
    with pytest.raises(InvalidParameter, match="digits"):
        store.add_verification(conj.id, -1, 10, True)


def test_import_counts_new_and_present(store, make_conjecture):
    items = [make_conjecture(f"x - {k}") for k in range(4)]
    assert store.import_conjectures(items[:3], "a.jsonl") == (3, 0)
    assert store.import_conjectures(items + items[:1], "b.jsonl") == (1, 3)
    assert store.import_conjectures([], "empty.jsonl") == (0, 0)
    assert store.source_of(items[0].id)["source"] == "a.jsonl"
    assert store.source_of(items[3].id)["source"] == "b.jsonl"
    assert store.runs_of(items[0].id) == []


# -- two processes at once ------------------------------------------------------------------------


def _write_run(url: str, tag: str, records: list[dict], shared: dict) -> int:
    """Worker: one search run of 5 chunks, each with its own conjectures and a shared one."""
    from esma.conjecture import Conjecture
    from esma.store import Store

    conjs = [Conjecture.from_dict(r) for r in records]
    shared_conj = Conjecture.from_dict(shared)
    with Store.open(url) as store:
        run, _ = store.start_run({"worker": tag}, total_chunks=5)
        for index in range(5):
            store.finish_chunk(run, index, conjs[index::5] + [shared_conj])
        store.finish_run(run)
    return run


def test_two_processes_write_one_database_and_lose_nothing(db_url, make_conjecture):
    """Both workers also create the schema of a fresh database at the same moment."""
    mine = {tag: [make_conjecture(f"{tag}(x) + {k}") for k in range(20)] for tag in ("f", "g")}
    shared = make_conjecture("x**2")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        pending = [
            pool.apply_async(
                _write_run, (db_url, tag, [c.to_dict() for c in conjs], shared.to_dict())
            )
            for tag, conjs in mine.items()
        ]
        runs = sorted(p.get(timeout=120) for p in pending)
    with Store.open(db_url) as store:
        stored = {c.id for c in store.conjectures()}
        assert stored == {c.id for conjs in mine.values() for c in conjs} | {shared.id}
        assert store.runs_of(shared.id) == runs
        for run in runs:
            assert store.run(run)["done_chunks"] == 5
    if db_url.startswith("sqlite"):
        with sqlite3.connect(sa.engine.make_url(db_url).database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
