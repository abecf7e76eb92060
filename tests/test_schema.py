"""Schema versions and migrations, on SQLite and (with ESMA_TEST_POSTGRES_URL) PostgreSQL.

The version-1 databases in tests/data/ were made by esma itself before migrations existed, the
version-2 ones before proof status and families had their own column and tables (see the comment
at the top of each file); a migrated one must hold the same data and have exactly the tables of
a new database.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa

from esma import schema
from esma.dialects import resolve_url
from esma.errors import StoreError
from esma.schema import SCHEMA_VERSION, AddColumn, AddTable, Migration
from esma.store import Store

DATA = Path(__file__).resolve().parent / "data"
FOUND, IMPORTED = "0015b5721bb18974", "002027550e34e9a4"  # the two records of the v1 files


def _load_v1(db_url: str, version: int = 1) -> None:
    """Fill the empty database ``db_url`` with the dump of ``version`` of its dialect."""
    url = sa.engine.make_url(resolve_url(db_url))
    if url.get_backend_name() == "sqlite":
        import sqlite3

        with sqlite3.connect(url.database) as conn:
            conn.executescript((DATA / f"store_v{version}.sqlite.sql").read_text(encoding="utf-8"))
        return
    import psycopg

    script = (DATA / f"store_v{version}.postgresql.sql").read_text(encoding="utf-8")
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(script)  # several statements, no parameters: sent as one simple query


def _shape(db_url: str) -> dict:
    """Tables, columns (name, type, nullable), indexes and foreign keys, as the database says."""
    engine = sa.create_engine(resolve_url(db_url))
    try:
        inspector = sa.inspect(engine)
        return {
            table: (
                [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
                sorted((i["name"], tuple(i["column_names"])) for i in inspector.get_indexes(table)),
                sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"])
                    for f in inspector.get_foreign_keys(table)
                ),
            )
            for table in sorted(inspector.get_table_names())
        }
    finally:
        engine.dispose()


def _version(db_url: str) -> str:
    engine = sa.create_engine(resolve_url(db_url))
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT value FROM meta WHERE key = 'schema_version'"
            ).scalar_one()
    finally:
        engine.dispose()


def test_a_version_1_database_migrates_to_the_current_version(new_db):
    db_url = new_db()
    _load_v1(db_url)
    assert _version(db_url) == "1"
    with Store.open(db_url) as store:
        assert store.version == SCHEMA_VERSION
        assert store.ids() == [FOUND, IMPORTED]  # every record is still there
        assert store.get(FOUND).verified_digits == 1018
        assert store.runs_of(FOUND) == [1] and store.source_of(IMPORTED)["source"] == "e.jsonl"
        before = store.verifications(FOUND)
        assert [(v["digits"], v["ok"], v["esma_version"]) for v in before] == [(1018, True, None)]
        store.add_verification(FOUND, digits=2000, terms=600, ok=True)
        assert store.verifications(FOUND)[-1]["esma_version"] is not None
        run, done = store.start_run(
            {"constant": "e", "degree": 1, "coeff": 2, "periods": [1, 4], "depth": 100}, 2
        )
        assert (run, done) == (1, {0})  # the v1 run resumes
    assert _version(db_url) == str(SCHEMA_VERSION)
    # The migrated database has what a new one has, no more, no less.
    fresh = new_db()
    Store.open(fresh).close()
    assert _shape(db_url) == _shape(fresh)


# The records of the version-2 files: two proved (one found by the run, one imported) and one
# stored as conjectured, without certificate (as a search with proving off stores it).
V2_PROVED, V2_IMPORTED, V2_CONJECTURED = "0015b5721bb18974", "002027550e34e9a4", "0081968f47c5a7b4"


def _statuses(db_url: str) -> dict[str, str]:
    engine = sa.create_engine(resolve_url(db_url))
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT id, status FROM conjectures ORDER BY id").all()
            return dict(rows)
    finally:
        engine.dispose()


def test_a_version_2_database_migrates_to_the_current_version(new_db):
    """The status column is filled from the stored records, the family tables are created
    empty, and the records are placed in families by the next writer."""
    from esma.familystore import place_families

    db_url = new_db()
    _load_v1(db_url, version=2)
    assert _version(db_url) == "2"
    with Store.open(db_url) as store:
        assert store.version == SCHEMA_VERSION
        assert store.ids() == [V2_PROVED, V2_IMPORTED, V2_CONJECTURED]
        assert store.get(V2_PROVED).status == "proved"
        assert store.status_of(V2_CONJECTURED) == ("conjectured", None)
        assert store.families() == [] and len(store.unplaced()) == 3
        assert store.start_run(store.run(1)["parameters"], 2) == (1, {0})  # the v2 run resumes
    assert _statuses(db_url) == {
        V2_PROVED: "proved",
        V2_IMPORTED: "proved",
        V2_CONJECTURED: "conjectured",
    }
    with Store.open(db_url) as store:
        placed = place_families(store)
        assert placed.records == 3 and store.unplaced() == []
        assert sorted(m.id for f in store.families() for m in f.members) == sorted(store.ids())
    fresh = new_db()
    Store.open(fresh).close()
    assert _shape(db_url) == _shape(fresh)


def test_a_version_2_database_is_read_with_families_in_memory(tmp_path):
    """Read-only: nothing migrates, statuses come from the records, families are computed."""
    from esma.familystore import current_families

    path = tmp_path / "v2.db"
    _load_v1(f"sqlite:///{path}", version=2)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with Store.open(str(path), read_only=True) as store:
        assert store.version == 2
        assert store.families() == [] and store.family_of(V2_PROVED) is None
        assert [r["status"] for r in store.records()] == ["proved", "proved", "conjectured"]
        fams = current_families(store)
        assert sorted(m.id for f in fams for m in f.members) == sorted(store.ids())
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert _version(f"sqlite:///{path}") == "2"


def test_reading_an_older_database_reads_it_as_it_is(tmp_path):
    """A read-only open neither migrates nor writes: the file's bytes do not change, and a
    column the old version lacks reads as None."""
    path = tmp_path / "v1.db"
    _load_v1(f"sqlite:///{path}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with Store.open(str(path), read_only=True) as store:
        assert store.version == 1
        assert store.verifications(FOUND)[0]["esma_version"] is None
        assert len(store.records()) == 2
        with pytest.raises(StoreError, match="read-only"):
            store.add_verification(FOUND, 10, 10, True)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert _version(f"sqlite:///{path}") == "1"


# Two more tables' worth of schema, as a later esma would declare them.
_LATER = sa.MetaData()
_NOTES = sa.Table(
    "notes",
    _LATER,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conjecture_id", sa.String(64), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
)
_RUNS_COMMENT = sa.Table("runs", _LATER, sa.Column("comment", sa.Text)).c.comment


def test_adding_a_table_and_a_column_is_one_migration(db_url, monkeypatch):
    """What a later esma would write: the new table and column, and one Migration."""
    Store.open(db_url).close()  # a database of the current version, to be migrated
    later = Migration(SCHEMA_VERSION + 1, "notes", (AddTable(_NOTES), AddColumn(_RUNS_COMMENT)))
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, later))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", later.version)
    with Store.open(db_url) as store:
        assert store.version == later.version
        assert schema.column(_RUNS_COMMENT, store.version) is _RUNS_COMMENT
        assert schema.column(_RUNS_COMMENT, later.version - 1).compile().string == "NULL"
    shape = _shape(db_url)
    assert [c[0] for c in shape["notes"][0]] == ["id", "conjecture_id", "text"]
    assert shape["notes"][1] == [("ix_notes_conjecture_id", ("conjecture_id",))]
    assert shape["runs"][0][-1][:2] == ("comment", "TEXT")
    assert _version(db_url) == str(later.version)
    # The esma of today refuses the database the later one made.
    monkeypatch.undo()
    with pytest.raises(StoreError, match="newer than this esma") as info:
        Store.open(db_url, read_only=True)
    assert "\n" not in str(info.value)


def test_a_failed_migration_leaves_the_database_as_it_was(db_url, monkeypatch):
    """Every step runs in the transaction that records the new version: all or nothing."""
    Store.open(db_url).close()
    before = _shape(db_url)

    class Broken(AddColumn):
        def apply(self, conn):
            raise sa.exc.OperationalError("ALTER TABLE", {}, Exception("disk full"))

    later = Migration(SCHEMA_VERSION + 1, "broken", (AddTable(_NOTES), Broken(_RUNS_COMMENT)))
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, later))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", later.version)
    with pytest.raises(StoreError, match="disk full"):
        Store.open(db_url)
    monkeypatch.undo()
    assert _shape(db_url) == before
    assert _version(db_url) == str(SCHEMA_VERSION)


def test_migrations_are_numbered_in_order():
    versions = [m.version for m in schema.MIGRATIONS]
    assert versions == list(range(schema.FIRST_VERSION + 1, SCHEMA_VERSION + 1))
    # Every column a migration adds is declared nullable or with a default: old rows stay valid.
    for migration in schema.MIGRATIONS:
        for change in migration.changes:
            if isinstance(change, AddColumn):
                col = change.column
                assert col.nullable or col.server_default is not None, col
