"""The conjecture database: SQLite by default, PostgreSQL by URL, with the schema defined once, here.

A :class:`Store` keeps searches (``runs``) and the chunks of them that finished, so an interrupted
search resumes where it stopped; the conjectures themselves, unique on their content id and
remembering every run that found them; and the verifications done on them, kept forever.

Every conjecture is stored twice over: as the canonical JSON of :meth:`Conjecture.to_dict`
(the ``record`` column, from which objects are rebuilt, integers of any size exact) and as flat
columns that SQL can filter and that a person can read. Nothing is pickled.

>>> with Store.open("sqlite://") as store:          # an in-memory database
...     store.start_run({"constant": "e", "depth": 100}, total_chunks=4)
...     store.finish_chunk(1, 0, [])
...     store.start_run({"depth": 100, "constant": "e"}, total_chunks=4)   # the same search
(1, set())
0
(1, {0})
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url

from esma import __version__
from esma.conjecture import Conjecture, canonical_json
from esma.errors import EsmaError, InvalidParameter, InvalidRecord, StoreError, check_int, one_line

#: Version of the schema below; a database records the version that created it in ``meta``.
SCHEMA_VERSION = 1

#: Where conjectures go when neither the caller nor ``$ESMA_DB`` says otherwise.
DEFAULT_URL = "sqlite:///esma.db"

#: How long a writer waits for another process's transaction before giving up (seconds).
BUSY_TIMEOUT = 30

# Dialect names a URL may use, and the driver each one is served by (psycopg 3, never psycopg2).
_DRIVERS = {
    "sqlite": "sqlite",
    "sqlite+pysqlite": "sqlite",
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
}

# Execution option that makes a SQLite transaction take the write lock when it begins.
_WRITE = "esma_write"

# PostgreSQL advisory lock key ("esma") taken while the schema is created, so that two processes
# opening a fresh database at once do not both run CREATE TABLE.
_SCHEMA_LOCK = 0x65736D61

_schema = sa.MetaData()

meta = sa.Table(
    "meta",
    _schema,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

runs = sa.Table(
    "runs",
    _schema,
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
    _schema,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
)

conjectures = sa.Table(
    "conjectures",
    _schema,
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
    sa.Column("record", sa.Text, nullable=False),
    sa.Column("first_run", sa.Integer, sa.ForeignKey("runs.id")),
    # Where an imported conjecture came from (a file name); NULL for one found by a search.
    sa.Column("source", sa.Text),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
)

conjecture_runs = sa.Table(
    "conjecture_runs",
    _schema,
    sa.Column("conjecture_id", sa.String(64), sa.ForeignKey("conjectures.id"), primary_key=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
    sa.Column("chunk_idx", sa.Integer, nullable=False),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Index("ix_conjecture_runs_order", "run_id", "chunk_idx", "rank"),
)

verifications = sa.Table(
    "verifications",
    _schema,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "conjecture_id", sa.String(64), sa.ForeignKey("conjectures.id"), nullable=False, index=True
    ),
    sa.Column("digits", sa.Integer, nullable=False),
    sa.Column("terms", sa.Integer, nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)


def resolve_url(db: str | None = None) -> str:
    """The SQLAlchemy URL of a database given as a URL, a file path or nothing.

    ``None`` means ``$ESMA_DB``, then ``sqlite:///esma.db`` in the current folder; a bare path
    means a SQLite file; ``postgresql://`` URLs are served by psycopg 3.

    Raises
    ------
    InvalidParameter
        The URL cannot be parsed or names a database esma does not support.

    Examples
    --------
    >>> resolve_url("runs/e.db")
    'sqlite:///runs/e.db'
    >>> resolve_url("postgresql://esma@localhost/esma")
    'postgresql+psycopg://esma@localhost/esma'
    """
    text = db if db is not None else (os.environ.get("ESMA_DB") or DEFAULT_URL)
    if not isinstance(text, str) or not text.strip():
        raise InvalidParameter(
            f"db: {text!r} is not a database; give a file path, sqlite:///FILE or "
            "postgresql+psycopg://USER@HOST/NAME"
        )
    text = text.strip()
    if "://" not in text:
        return "sqlite:///" + str(Path(text).expanduser())
    try:
        url = make_url(text)
    except sa.exc.ArgumentError:
        raise InvalidParameter(f"db: cannot parse the database URL {_mask(text)!r}") from None
    driver = _DRIVERS.get(url.drivername)
    if driver is None:
        raise InvalidParameter(
            f"db: {_mask(text)!r} uses {url.drivername!r}; esma stores conjectures in "
            "sqlite:///FILE or postgresql+psycopg://USER@HOST/NAME"
        )
    return url.set(drivername=driver).render_as_string(hide_password=False)


def _mask(url: str) -> str:
    """The URL with any password replaced by ``***``, for messages."""
    return re.sub(r"(://[^/:@]*:)[^@/]*@", r"\1***@", url)


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC; SQLite hands back naive datetimes, which were stored as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _guarded(method):
    """Turn a database failure inside ``method`` into one-line :class:`StoreError`."""

    @wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"database {self.url}: {one_line(exc)}") from exc

    return wrapper


def _check_conjectures(name: str, items: Iterable[Conjecture]) -> list[Conjecture]:
    """The conjectures in order, each id once (first occurrence kept)."""
    seen: dict[str, Conjecture] = {}
    for item in items:
        if not isinstance(item, Conjecture):
            raise InvalidParameter(
                f"{name}: expected Conjecture objects, got {type(item).__name__}"
            )
        seen.setdefault(item.id, item)
    return list(seen.values())


def _row(conj: Conjecture, first_run: int | None, source: str | None, now: datetime) -> dict:
    """The ``conjectures`` row of a conjecture: its record and the flat columns beside it."""
    record = conj.to_dict()
    qp = record["quasi_polynomial"]
    return {
        "id": record["id"],
        "constant": conj.constant,
        "lhs": conj.lhs,
        "lhs_value": conj.lhs_value,
        "signs": json.dumps(record["signs"]),
        "a_prefix": json.dumps(record["a_prefix"]),
        "recurrence": json.dumps(record["recurrence"], sort_keys=True),
        "quasi_polynomial": None if qp is None else json.dumps(qp, sort_keys=True),
        "verified_digits": conj.verified_digits,
        "convergence_rate": conj.convergence_rate,
        "formula": record["formula"],
        "latex": record["latex"],
        "record": canonical_json(record),
        "first_run": first_run,
        "source": source,
        "created": now,
    }


def _rebuild(conjecture_id: str, record: str) -> Conjecture:
    try:
        # Rows were written from validated objects: their rendered fields need no re-deriving.
        return Conjecture.from_dict(json.loads(record), trusted=True)
    except (ValueError, InvalidRecord) as exc:
        raise InvalidRecord(f"database row {conjecture_id}: {exc}") from exc


def _retry_while_locked(action, timeout: float = BUSY_TIMEOUT):
    """Run ``action``, retrying while SQLite says the file is locked.

    Two processes opening a new file at once race to switch it to WAL and create the schema;
    SQLite can answer the loser "database is locked" at once, without waiting out the busy
    timeout. The loser waits a little and tries again, until ``timeout`` seconds have passed.
    """
    deadline = time.monotonic() + timeout
    pause = 0.01
    while True:
        try:
            return action()
        except sa.exc.OperationalError as exc:
            locked = "locked" in str(exc.orig) or "busy" in str(exc.orig).lower()
            if not locked or time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


class Store:
    """A conjecture database; open it with :meth:`Store.open`, use it as a context manager.

    Attributes
    ----------
    url : str
        The database URL with any password masked, for messages.

    Examples
    --------
    >>> from esma.recurrence import Recurrence
    >>> rec = Recurrence(charpoly=(1, 0, -2, 0, 1), start=0, initial=(2, 3, 2, 5))
    >>> conj = Conjecture(constant="e", lhs="x - 1", lhs_value="1.71828182845904523536",
    ...     signs=(-1, 1), a_prefix=tuple(rec.terms(30)), recurrence=rec,
    ...     verified_digits=1000, convergence_rate=2.5)
    >>> store = Store.open("sqlite://")
    >>> run_id, done = store.start_run({"constant": "e"}, total_chunks=1)
    >>> store.finish_chunk(run_id, 0, [conj]), store.finish_chunk(run_id, 0, [conj])
    (1, 0)
    >>> store.get(conj.id[:6]) == conj, store.runs_of(conj.id)
    (True, [1])
    >>> store.add_verification(conj.id, digits=2000, terms=3000, ok=True)
    >>> [(v["digits"], v["ok"]) for v in store.verifications(conj.id)]
    [(2000, True)]
    >>> store.import_conjectures([conj], source="e.jsonl")
    (0, 1)
    >>> store.close()
    """

    def __init__(self, engine: Engine, url: str) -> None:
        self._engine = engine
        self.url = url

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, db: str | None = None) -> Store:
        """Open (and if needed create) the database at ``db`` (see :func:`resolve_url`).

        SQLite files are put in WAL mode with a busy timeout of :data:`BUSY_TIMEOUT` seconds, so
        several processes can write to one file; foreign keys are enforced.

        Raises
        ------
        StoreError
            The database cannot be reached or created, or was made by a newer esma.

        Examples
        --------
        >>> with Store.open("sqlite://") as store:
        ...     store.conjectures()
        []
        """
        url = resolve_url(db)
        masked = _mask(url)
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            folder = _sqlite_folder(parsed.database)
            if folder is not None and not folder.is_dir():
                raise StoreError(f"cannot open database {masked}: folder {folder} does not exist")
        try:
            engine = _create_engine(url, parsed.get_backend_name())
        except ImportError as exc:
            raise StoreError(
                f"cannot open database {masked}: {exc} (PostgreSQL needs pip install "
                "'esma[postgres]')"
            ) from exc
        store = cls(engine, masked)
        try:
            _retry_while_locked(store._prepare_schema)
        except sa.exc.SQLAlchemyError as exc:
            engine.dispose()
            raise StoreError(f"cannot open database {masked}: {one_line(exc)}") from exc
        except EsmaError:
            engine.dispose()
            raise
        return store

    @staticmethod
    def exists(db: str | None = None) -> bool:
        """Whether opening ``db`` would find a database rather than create one.

        Only a SQLite file can be known absent without connecting; a server URL counts as
        present. Read-only commands use this to avoid creating an empty file.

        >>> Store.exists("sqlite://"), Store.exists("/nonexistent/esma.db")
        (False, False)
        """
        parsed = make_url(resolve_url(db))
        if parsed.get_backend_name() != "sqlite":
            return True
        database = parsed.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            return False
        return Path(database).expanduser().is_file()

    def _prepare_schema(self) -> None:
        with self._engine.connect() as conn:
            if sa.inspect(conn).has_table("meta"):
                version = conn.execute(
                    sa.select(meta.c.value).where(meta.c.key == "schema_version")
                ).scalar()
                if version is not None and self._check_version(version) == SCHEMA_VERSION:
                    return
        with self._write() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
            _schema.create_all(conn)
            version = conn.execute(
                sa.select(meta.c.value).where(meta.c.key == "schema_version")
            ).scalar()
            if version is None:
                conn.execute(
                    sa.insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION))
                )
            else:
                # Older versions would be migrated here, one step at a time; none exist yet.
                self._check_version(version)

    def _check_version(self, version: str) -> int:
        try:
            number = int(version)
        except ValueError:
            raise StoreError(
                f"database {self.url}: schema version {version!r} is not a number; "
                "this is not an esma database"
            ) from None
        if number > SCHEMA_VERSION:
            raise StoreError(
                f"database {self.url} has schema version {number}, newer than this esma "
                f"understands ({SCHEMA_VERSION}); upgrade esma"
            )
        return number

    def close(self) -> None:
        """Release every connection."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction (on SQLite it takes the write lock at BEGIN, see below)."""
        with self._engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._engine.connect() as conn, conn.begin():
            yield conn

    def _insert(self, table: sa.Table):
        """INSERT that skips rows whose key is already there (ON CONFLICT DO NOTHING)."""
        if self._engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table).on_conflict_do_nothing()

    # -- runs that resume ----------------------------------------------------------------------

    @_guarded
    def start_run(self, parameters: dict, total_chunks: int) -> tuple[int, set[int]]:
        """Start a search, or resume the one with the same parameters and chunk count.

        Parameters
        ----------
        parameters : dict
            JSON-able description of the search (constant, degree, coeff, periods, depth, ...);
            key order does not matter.
        total_chunks : int
            How many chunks the search is split into.

        Returns
        -------
        tuple of (int, set of int)
            The run id and the indices of its chunks already finished (empty for a new run).

        Examples
        --------
        >>> with Store.open("sqlite://") as store:
        ...     store.start_run({"constant": "pi"}, 3), store.start_run({"constant": "e"}, 3)
        ((1, set()), (2, set()))
        """
        canonical = _canonical_parameters(parameters)
        check_int("total_chunks", total_chunks)
        key = hashlib.sha256(f"{canonical}\n{total_chunks}".encode()).hexdigest()
        with self._write() as conn:
            run_id = conn.execute(sa.select(runs.c.id).where(runs.c.key == key)).scalar()
            if run_id is None:
                inserted = conn.execute(
                    self._insert(runs)
                    .values(
                        key=key,
                        parameters=canonical,
                        total_chunks=total_chunks,
                        started=_now(),
                        esma_version=__version__,
                    )
                    .returning(runs.c.id)
                ).scalar()
                if inserted is not None:
                    return inserted, set()
                # Another process created the same run between our look-up and insert.
                run_id = conn.execute(sa.select(runs.c.id).where(runs.c.key == key)).scalar_one()
            done = conn.execute(sa.select(chunks.c.idx).where(chunks.c.run_id == run_id))
            return run_id, set(done.scalars())

    @_guarded
    def finish_chunk(self, run_id: int, index: int, conjectures: Sequence[Conjecture]) -> int:
        """Record the conjectures a chunk found and mark it done, in one transaction.

        Conjectures already in the database are not duplicated but are linked to this run too;
        the order given is kept as the search order of the run. Finishing a chunk twice writes
        nothing the second time.

        Returns
        -------
        int
            How many of the conjectures were new to the database.
        """
        check_int("index", index)
        found = _check_conjectures("conjectures", conjectures)
        with self._write() as conn:
            total = self._run_total(conn, run_id)
            if index >= total:
                raise InvalidParameter(
                    f"index: chunk {index} is not in run {run_id} (0..{total - 1})"
                )
            done = conn.execute(
                sa.select(chunks.c.idx).where(chunks.c.run_id == run_id, chunks.c.idx == index)
            ).first()
            if done is not None:
                return 0
            now = _now()
            new = self._insert_conjectures(conn, found, first_run=run_id, source=None, now=now)
            if found:
                conn.execute(
                    self._insert(conjecture_runs),
                    [
                        {"conjecture_id": c.id, "run_id": run_id, "chunk_idx": index, "rank": r}
                        for r, c in enumerate(found)
                    ],
                )
            conn.execute(self._insert(chunks).values(run_id=run_id, idx=index, done_at=now))
            return new

    @_guarded
    def finish_run(self, run_id: int) -> None:
        """Mark a run finished (the first time only; resuming a finished run keeps its date)."""
        with self._write() as conn:
            self._run_total(conn, run_id)
            conn.execute(
                sa.update(runs)
                .where(runs.c.id == run_id, runs.c.finished.is_(None))
                .values(finished=_now())
            )

    @_guarded
    def finished(self, parameters: dict) -> bool:
        """Whether a run with these parameters has finished: searching again has nothing to do.

        >>> with Store.open("sqlite://") as store:
        ...     run_id, _ = store.start_run({"constant": "pi"}, 1)
        ...     before = store.finished({"constant": "pi"})
        ...     store.finish_run(run_id)
        ...     before, store.finished({"constant": "pi"})
        (False, True)
        """
        canonical = _canonical_parameters(parameters)
        query = sa.select(runs.c.id).where(
            runs.c.parameters == canonical, runs.c.finished.is_not(None)
        )
        with self._read() as conn:
            return conn.execute(query.limit(1)).first() is not None

    @_guarded
    def run(self, run_id: int) -> dict:
        """A run's record: parameters, chunk counts, dates, the esma version that ran it.

        >>> with Store.open("sqlite://") as store:
        ...     run_id, _ = store.start_run({"constant": "e"}, 2)
        ...     info = store.run(run_id)
        >>> info["parameters"], info["total_chunks"], info["done_chunks"], info["finished"]
        ({'constant': 'e'}, 2, 0, None)
        """
        with self._read() as conn:
            row = conn.execute(sa.select(runs).where(runs.c.id == run_id)).first()
            if row is None:
                raise InvalidParameter(f"run_id: there is no run {run_id!r}")
            done = conn.execute(
                sa.select(sa.func.count()).select_from(chunks).where(chunks.c.run_id == run_id)
            ).scalar_one()
        return {
            "id": row.id,
            "parameters": json.loads(row.parameters),
            "total_chunks": row.total_chunks,
            "done_chunks": done,
            "started": _iso(row.started),
            "finished": _iso(row.finished),
            "esma_version": row.esma_version,
        }

    @_guarded
    def run_conjectures(self, run_id: int) -> list[Conjecture]:
        """The conjectures a run found, in search order (chunk index, then rank in the chunk)."""
        return [_rebuild(row.id, row.record) for row in self._run_rows(run_id)]

    @_guarded
    def run_records(self, run_id: int) -> list[dict]:
        """The records (``Conjecture.to_dict()`` as stored) a run found, in search order.

        For printing a run's results: no object is rebuilt, so nothing is re-derived.
        """
        return [json.loads(row.record) for row in self._run_rows(run_id)]

    def _run_rows(self, run_id: int) -> list:
        with self._read() as conn:
            self._run_total(conn, run_id)
            return conn.execute(
                sa.select(conjectures.c.id, conjectures.c.record)
                .join(conjecture_runs, conjecture_runs.c.conjecture_id == conjectures.c.id)
                .where(conjecture_runs.c.run_id == run_id)
                .order_by(conjecture_runs.c.chunk_idx, conjecture_runs.c.rank, conjectures.c.id)
            ).all()

    def _run_total(self, conn: Connection, run_id: int) -> int:
        if isinstance(run_id, bool) or not isinstance(run_id, int):
            raise InvalidParameter(f"run_id: {run_id!r} must be an integer")
        total = conn.execute(sa.select(runs.c.total_chunks).where(runs.c.id == run_id)).scalar()
        if total is None:
            raise InvalidParameter(f"run_id: there is no run {run_id}")
        return total

    def _insert_conjectures(
        self,
        conn: Connection,
        found: list[Conjecture],
        first_run: int | None,
        source: str | None,
        now: datetime,
    ) -> int:
        """Insert the conjectures not yet present; how many were new."""
        if not found:
            return 0
        rows = [_row(c, first_run, source, now) for c in found]
        stmt = self._insert(conjectures).returning(conjectures.c.id)
        return len(conn.execute(stmt, rows).all())

    # -- reading --------------------------------------------------------------------------------

    @_guarded
    def conjectures(self, constant: str | None = None) -> list[Conjecture]:
        """Every conjecture (of one constant, given its canonical text), ordered by constant, id."""
        return [_rebuild(row.id, row.record) for row in self._rows(constant)]

    @_guarded
    def records(self, constant: str | None = None) -> list[dict]:
        """:meth:`conjectures` as the stored records (``to_dict()`` form), rebuilding nothing:
        for listing and JSONL export, where the stored text is already what is wanted."""
        return [json.loads(row.record) for row in self._rows(constant)]

    def _rows(self, constant: str | None) -> list:
        query = sa.select(conjectures.c.id, conjectures.c.record).order_by(
            conjectures.c.constant, conjectures.c.id
        )
        if constant is not None:
            query = query.where(conjectures.c.constant == constant)
        with self._read() as conn:
            return conn.execute(query).all()

    @_guarded
    def get(self, id_or_prefix: str) -> Conjecture:
        """The conjecture whose id is, or starts with, ``id_or_prefix`` (at least 4 hex digits).

        Raises
        ------
        InvalidParameter
            The text is not hex, is too short, or matches no conjecture or several.
        """
        prefix = id_or_prefix.strip().lower() if isinstance(id_or_prefix, str) else ""
        if not re.fullmatch(r"[0-9a-f]{4,64}", prefix):
            raise InvalidParameter(
                f"id: {id_or_prefix!r} is not a conjecture id; give at least 4 of its hex digits"
            )
        with self._read() as conn:
            rows = conn.execute(
                sa.select(conjectures.c.id, conjectures.c.record)
                .where(conjectures.c.id.startswith(prefix, autoescape=True))
                .order_by(conjectures.c.id)
                .limit(6)
            ).all()
        if not rows:
            raise InvalidParameter(f"id: no conjecture in {self.url} has an id starting {prefix!r}")
        if len(rows) > 1:
            shown = ", ".join(row.id for row in rows[:5]) + (", ..." if len(rows) > 5 else "")
            raise InvalidParameter(
                f"id: {prefix!r} matches several conjectures ({shown}); give more digits"
            )
        return _rebuild(rows[0].id, rows[0].record)

    @_guarded
    def source_of(self, conjecture_id: str) -> dict:
        """Where a conjecture came from: ``{"first_run": id or None, "source": file or None,
        "created": ISO time}``."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(
                    conjectures.c.first_run, conjectures.c.source, conjectures.c.created
                ).where(conjectures.c.id == conjecture_id)
            ).first()
        if row is None:
            raise InvalidParameter(f"conjecture_id: there is no conjecture {conjecture_id!r}")
        return {"first_run": row.first_run, "source": row.source, "created": _iso(row.created)}

    @_guarded
    def add_verification(self, conjecture_id: str, digits: int, terms: int, ok: bool) -> None:
        """Record that a conjecture was checked to ``digits`` digits with ``terms`` terms."""
        check_int("digits", digits)
        check_int("terms", terms)
        if not isinstance(ok, bool):
            raise InvalidParameter(f"ok: {ok!r} must be True or False")
        with self._write() as conn:
            self._require(conn, conjecture_id)
            conn.execute(
                sa.insert(verifications).values(
                    conjecture_id=conjecture_id, digits=digits, terms=terms, ok=ok, at=_now()
                )
            )

    @_guarded
    def verifications(self, conjecture_id: str) -> list[dict]:
        """Every verification of a conjecture, oldest first: ``{"digits", "terms", "ok", "at"}``."""
        with self._read() as conn:
            self._require(conn, conjecture_id)
            rows = conn.execute(
                sa.select(verifications)
                .where(verifications.c.conjecture_id == conjecture_id)
                .order_by(verifications.c.at, verifications.c.id)
            ).all()
        return [
            {"digits": r.digits, "terms": r.terms, "ok": bool(r.ok), "at": _iso(r.at)} for r in rows
        ]

    @_guarded
    def runs_of(self, conjecture_id: str) -> list[int]:
        """The ids of the runs that found a conjecture, ascending."""
        with self._read() as conn:
            self._require(conn, conjecture_id)
            found = conn.execute(
                sa.select(conjecture_runs.c.run_id)
                .where(conjecture_runs.c.conjecture_id == conjecture_id)
                .order_by(conjecture_runs.c.run_id)
            )
            return list(found.scalars())

    def _require(self, conn: Connection, conjecture_id: str) -> None:
        present = conn.execute(
            sa.select(conjectures.c.id).where(conjectures.c.id == conjecture_id)
        ).first()
        if present is None:
            raise InvalidParameter(f"conjecture_id: there is no conjecture {conjecture_id!r}")

    @_guarded
    def import_conjectures(self, conjectures: Iterable[Conjecture], source: str) -> tuple[int, int]:
        """Add conjectures from elsewhere (a JSONL file named ``source``), in one transaction.

        Returns
        -------
        tuple of (int, int)
            How many distinct conjectures were new, and how many were already present.
        """
        found = _check_conjectures("conjectures", conjectures)
        if not isinstance(source, str):
            raise InvalidParameter(f"source: {source!r} must be text (a file name)")
        with self._write() as conn:
            new = self._insert_conjectures(conn, found, first_run=None, source=source, now=_now())
        return new, len(found) - new


def _canonical_parameters(parameters: Any) -> str:
    if not isinstance(parameters, dict):
        raise InvalidParameter(f"parameters: expected a dict, got {type(parameters).__name__}")
    try:
        return json.dumps(
            parameters, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as exc:
        raise InvalidParameter(f"parameters: must be JSON-able ({exc})") from None


def _sqlite_folder(database: str | None) -> Path | None:
    """The folder a SQLite database file lives in (None for an in-memory database)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser().absolute().parent


def _create_engine(url: str, backend: str) -> Engine:
    if backend != "sqlite":
        # connect_timeout: a server that does not answer is reported in seconds, not minutes.
        return sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # Python's sqlite3 would BEGIN lazily, just before the first write; a transaction that
        # read first then cannot take the write lock and fails at once with "database is
        # locked" instead of waiting. Turning that off lets _on_begin say BEGIN itself.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT * 1000}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # WAL: readers never block the writer, and the writer never blocks readers.
        cursor.execute("PRAGMA journal_mode = WAL")
        # NORMAL is durable against a crash or kill of the process (WAL keeps every committed
        # transaction); only an OS crash or power loss may roll back the last commits, never
        # corrupt the file. FULL costs 2-7 ms per commit, NORMAL ~0.01 ms.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        # A write transaction takes the write lock up front (waiting up to BUSY_TIMEOUT for
        # it), so it can never deadlock against another writer half way through.
        immediate = conn.get_execution_options().get(_WRITE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
