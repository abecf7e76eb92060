"""The database schema: its tables, its version, and the steps that migrate older databases.

The tables are declared once, here, as they are at the current version. A database records the
version that made it in ``meta`` (key ``schema_version``). Opening one for writing:

- an empty database gets every table and the current version;
- an older one is migrated step by step (:data:`MIGRATIONS`), in one transaction;
- a newer one is refused: this esma cannot know what a later one's tables mean;
- one that holds tables but not esma's is refused: esma never writes into another
  application's database.

Opening for reading never writes: a database of any version up to the current one is read, and
a column that its version lacks reads as NULL (:func:`column`).

To add a column, declare it in its table below (nullable, or with a ``server_default``, so the
rows already stored stay valid) and append ``Migration(N, "why", (AddColumn(table.c.name),))``
to :data:`MIGRATIONS` (with ``AddIndex`` for an index on it, and ``FillFromRecord`` when its
value for the rows already stored is in their record JSON). To add a table, declare it and
append a migration with ``AddTable(table)``. tests/test_schema.py migrates version-1 and
version-2 databases and checks that they end with exactly the tables, columns and indexes a new
database gets.

The tables, for people reading the database with SQL (sqlite3, datasette, sqlite-utils, psql):

- ``conjectures``: one row per record, its canonical JSON in ``record`` and flat columns beside
  it (``constant``, ``lhs``, ``signs``, ``formula``, ``status``, ...);
- ``runs`` and ``chunks``: the searches and their finished chunks (how a search resumes);
  ``conjecture_runs``: which run found which record, in search order;
- ``verifications``: every re-check of a record;
- ``families``: one row per family of formulas (:mod:`esma.families`), with its key,
  representative, kind, citation, rates and the family's JSON in ``record``;
  ``family_members``: one row per record placed in a family, with its transform;
- ``meta``: the schema version.

>>> SCHEMA_VERSION, [m.version for m in MIGRATIONS]
(3, [2, 3])
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from esma.errors import StoreError

#: The version of a database made before migrations existed (and of the tables minus every
#: migration's changes).
FIRST_VERSION = 1

metadata = sa.MetaData()

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # sha256 of the canonical parameters and chunk count: the identity of a search, for resuming.
    sa.Column("key", sa.String(64), nullable=False, unique=True),
    sa.Column("parameters", sa.Text, nullable=False),
    sa.Column("total_chunks", sa.Integer, nullable=False),
    sa.Column("started", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished", sa.DateTime(timezone=True)),
    sa.Column("esma_version", sa.String(64), nullable=False),
)

chunks = sa.Table(
    "chunks",
    metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
)

conjectures = sa.Table(
    "conjectures",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("constant", sa.Text, nullable=False, index=True),
    sa.Column("lhs", sa.Text, nullable=False),
    sa.Column("lhs_value", sa.Text, nullable=False),
    sa.Column("signs", sa.Text, nullable=False),
    sa.Column("a_prefix", sa.Text, nullable=False),
    sa.Column("recurrence", sa.Text, nullable=False),
    sa.Column("quasi_polynomial", sa.Text),
    sa.Column("verified_digits", sa.Integer, nullable=False),
    sa.Column("convergence_rate", sa.Float, nullable=False),
    sa.Column("formula", sa.Text, nullable=False),
    sa.Column("latex", sa.Text, nullable=False),
    # The canonical JSON of the record, from which objects are rebuilt (integers of any size).
    sa.Column("record", sa.Text, nullable=False),
    sa.Column("first_run", sa.Integer, sa.ForeignKey("runs.id")),
    # Where an imported conjecture came from (a file name); NULL for one found by a search.
    sa.Column("source", sa.Text),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    # "proved" (the record carries a certificate) or "conjectured" (version 3; the record's JSON
    # says the same, this column is for SQL).
    sa.Column("status", sa.String(16), nullable=False, server_default="conjectured"),
    sa.Index("ix_conjectures_status", "status"),
)

conjecture_runs = sa.Table(
    "conjecture_runs",
    metadata,
    sa.Column("conjecture_id", sa.String(64), sa.ForeignKey("conjectures.id"), primary_key=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
    sa.Column("chunk_idx", sa.Integer, nullable=False),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Index("ix_conjecture_runs_order", "run_id", "chunk_idx", "rank"),
)

verifications = sa.Table(
    "verifications",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "conjecture_id", sa.String(64), sa.ForeignKey("conjectures.id"), nullable=False, index=True
    ),
    sa.Column("digits", sa.Integer, nullable=False),
    sa.Column("terms", sa.Integer, nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    # The esma that checked (version 2): a later esma may check differently. NULL before.
    sa.Column("esma_version", sa.String(64)),
)


# Families of formulas (version 3): computed from the records as they are stored (see
# esma.familystore), never typed in. A family's key is a content hash of its constant and tail.
families = sa.Table(
    "families",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("constant", sa.Text, nullable=False, index=True),
    sa.Column("representative", sa.String(64), sa.ForeignKey("conjectures.id"), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("citation", sa.Text),
    sa.Column("value_class", sa.String(64), nullable=False),
    sa.Column("convergence_rate", sa.Float, nullable=False),
    sa.Column("simple_cf_rate", sa.Float),
    # The canonical JSON of Family.to_dict(full=True): what the family is rebuilt from.
    sa.Column("record", sa.Text, nullable=False),
)

family_members = sa.Table(
    "family_members",
    metadata,
    sa.Column("conjecture_id", sa.String(64), sa.ForeignKey("conjectures.id"), primary_key=True),
    sa.Column("family_key", sa.String(64), sa.ForeignKey("families.key"), nullable=False),
    # [[p, q], [r, s]]: y_member = (p·y_rep + q)/(r·y_rep + s).
    sa.Column("transform", sa.Text, nullable=False),
    sa.Index("ix_family_members_family", "family_key"),
)


# -- the steps from one version to the next -------------------------------------------------------


@dataclass(frozen=True)
class AddTable:
    """Create a table declared above (with its indexes)."""

    table: sa.Table

    def apply(self, conn: Connection) -> None:
        self.table.create(conn)

    def columns(self) -> list[tuple[str, str]]:
        return [(self.table.name, c.name) for c in self.table.columns]


@dataclass(frozen=True)
class AddColumn:
    """Add a column declared above to its table (``ALTER TABLE ... ADD COLUMN``)."""

    column: sa.Column

    def apply(self, conn: Connection) -> None:
        preparer = conn.dialect.identifier_preparer
        spec = sa.schema.CreateColumn(self.column).compile(dialect=conn.dialect)
        conn.exec_driver_sql(
            f"ALTER TABLE {preparer.format_table(self.column.table)} ADD COLUMN {spec}"
        )

    def columns(self) -> list[tuple[str, str]]:
        return [(self.column.table.name, self.column.name)]


@dataclass(frozen=True)
class AddIndex:
    """Create an index declared above (one on a column that a migration adds)."""

    index: sa.Index

    def apply(self, conn: Connection) -> None:
        self.index.create(conn)

    def columns(self) -> list[tuple[str, str]]:
        return []


@dataclass(frozen=True)
class FillFromRecord:
    """Set a column of ``conjectures`` added by a migration from each row's record JSON:
    ``field`` of the record, where it differs from the column's default."""

    column: sa.Column
    field: str
    default: Any

    def apply(self, conn: Connection) -> None:
        table = self.column.table
        rows = conn.execute(sa.select(table.c.id, table.c.record)).all()
        updates = []
        for row in rows:
            try:
                value = json.loads(row.record).get(self.field, self.default)
            except (TypeError, ValueError, AttributeError):
                continue  # a damaged record keeps the default; reading it names the row
            if value != self.default:
                updates.append({"row_id": row.id, "value": value})
        if updates:
            conn.execute(
                sa.update(table)
                .where(table.c.id == sa.bindparam("row_id"))
                .values({self.column.name: sa.bindparam("value")}),
                updates,
            )

    def columns(self) -> list[tuple[str, str]]:
        return []


@dataclass(frozen=True)
class Migration:
    """The changes that take a database from ``version - 1`` to ``version``."""

    version: int
    why: str
    changes: tuple[AddTable | AddColumn | AddIndex | FillFromRecord, ...]

    def apply(self, conn: Connection) -> None:
        for change in self.changes:
            change.apply(conn)


#: Every migration, in order; the last one's version is :data:`SCHEMA_VERSION`.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        2,
        "a verification records the esma version that made it",
        (AddColumn(verifications.c.esma_version),),
    ),
    Migration(
        3,
        "proof status as a column; families of formulas and their members",
        (
            AddColumn(conjectures.c.status),
            AddIndex(next(i for i in conjectures.indexes if i.name == "ix_conjectures_status")),
            FillFromRecord(conjectures.c.status, "status", "conjectured"),
            AddTable(families),
            AddTable(family_members),
        ),
    ),
)

#: The version of the tables declared above.
SCHEMA_VERSION = MIGRATIONS[-1].version if MIGRATIONS else FIRST_VERSION


def _added_in() -> dict[tuple[str, str], int]:
    """(table, column) -> the version that added it, for columns added by a migration."""
    return {key: m.version for m in MIGRATIONS for change in m.changes for key in change.columns()}


def column(col: sa.Column, version: int) -> sa.ColumnElement:
    """``col``, or NULL under its name if a database of ``version`` predates it.

    >>> column(verifications.c.esma_version, 1).compile().string
    'NULL'
    >>> column(verifications.c.esma_version, 2) is verifications.c.esma_version
    True
    """
    added = _added_in().get((col.table.name, col.name), FIRST_VERSION)
    return col if version >= added else sa.null().label(col.name)


# -- reading the version, creating, migrating -----------------------------------------------------


def stored_version(conn: Connection, url: str) -> int | None:
    """The schema version of the database on ``conn``; None if it has no tables at all.

    Raises
    ------
    StoreError
        The database holds tables but not esma's, or was made by a newer esma.
    """
    names = sorted(sa.inspect(conn).get_table_names())
    if "meta" not in names:
        if not names:
            return None
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        raise StoreError(
            f"database {url} holds tables of another application ({shown}) and none of esma's; "
            "give esma a database of its own"
        )
    value = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
    try:
        version = int(value)
    except (TypeError, ValueError):
        raise StoreError(
            f"database {url} has a table 'meta' but no esma schema version in it "
            f"({value!r}); this is not an esma database"
        ) from None
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"database {url} has schema version {version}, newer than this esma understands "
            f"({SCHEMA_VERSION}); upgrade esma"
        )
    if version < FIRST_VERSION:
        raise StoreError(f"database {url} has schema version {version}, which esma never wrote")
    return version


def create_or_migrate(conn: Connection, url: str) -> int:
    """Bring the database on ``conn`` to :data:`SCHEMA_VERSION`; returns it.

    Call inside a write transaction that holds the dialect's schema lock: everything done here
    commits or rolls back with it, so a database is never left half migrated.
    """
    version = stored_version(conn, url)
    if version is None:
        metadata.create_all(conn)
        conn.execute(sa.insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
        return SCHEMA_VERSION
    if version == SCHEMA_VERSION:
        return version
    for migration in MIGRATIONS:
        if migration.version > version:
            migration.apply(conn)
    conn.execute(
        sa.update(meta).where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION))
    )
    return SCHEMA_VERSION
