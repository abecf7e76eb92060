"""The conjecture database: the :class:`Store` the rest of esma reads and writes.

A :class:`Store` keeps searches (``runs``) and the chunks of them that finished, so an interrupted
search resumes where it stopped; the conjectures themselves, unique on their content id and
remembering every run that found them; and the verifications done on them, kept forever. The
tables and their migrations are in :mod:`esma.schema`; what differs between SQLite and PostgreSQL
(opening, locking, timeouts, read-only access) is in :mod:`esma.dialects`.

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
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import wraps
from typing import TYPE_CHECKING, Any, Self

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

import esma
from esma import schema
from esma.conjecture import FIELDS, STATUSES, Conjecture, canonical_json
from esma.dialects import DEFAULT_URL, PostgreSQL, SQLite, dialect_for, resolve_url
from esma.errors import EsmaError, InvalidParameter, InvalidRecord, StoreError, check_int
from esma.rows import StoredConjectures, StoredRow
from esma.schema import (
    SCHEMA_VERSION,
    chunks,
    conjecture_runs,
    conjectures,
    family_members,
    runs,
    verifications,
)
from esma.schema import families as families_table

if TYPE_CHECKING:
    from esma.families import Family
    from esma.verify import Approval

__all__ = ["DEFAULT_URL", "SCHEMA_VERSION", "Store", "resolve_url"]


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC; SQLite hands back naive datetimes, which were stored as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@contextmanager
def _guard(store: Store) -> Iterator[None]:
    """Turn a database failure into a one-line :class:`StoreError`."""
    try:
        yield
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(store._dialect.explain(exc)) from exc


def _guarded(method):
    """:func:`_guard` around a method."""

    @wraps(method)
    def wrapper(self, *args, **kwargs):
        with _guard(self):
            return method(self, *args, **kwargs)

    return wrapper


def _check_conjectures(name: str, items: Iterable[Conjecture | StoredRow]) -> list[StoredRow]:
    """The rows of the conjectures in order, each id once (first occurrence kept)."""
    if isinstance(items, StoredConjectures):
        items = items.rows
    seen: dict[str, StoredRow] = {}
    for item in items:
        if isinstance(item, Conjecture):
            item = StoredRow.of(item)
        elif not isinstance(item, StoredRow):
            raise InvalidParameter(
                f"{name}: expected Conjecture objects, got {type(item).__name__}", parameter=name
            )
        seen.setdefault(item.id, item)
    return list(seen.values())


def _row(row: StoredRow, first_run: int | None, source: str | None, now: datetime) -> dict:
    """The ``conjectures`` row of a conjecture: its record and the flat columns beside it."""
    return {**row._asdict(), "first_run": first_run, "source": source, "created": now}


def _load(conjecture_id: str, record: str) -> dict:
    """The stored record of a row; one that is not a record of this row is named."""
    try:
        loaded = json.loads(record)
    except (TypeError, ValueError) as exc:
        raise InvalidRecord(
            f"database row {conjecture_id}: the stored record is not valid JSON ({exc})"
        ) from None
    if not isinstance(loaded, dict):
        raise InvalidRecord(f"database row {conjecture_id}: the stored record is not an object")
    # Records stored before proofs existed have no status or proof: they read as conjectured.
    missing = [name for name in FIELDS if name not in loaded and name not in ("status", "proof")]
    if missing or loaded["id"] != conjecture_id:
        what = f"lacks {', '.join(missing)}" if missing else f"has the id {loaded['id']!r}"
        raise InvalidRecord(f"database row {conjecture_id}: the stored record {what}")
    return loaded


def _rebuild(conjecture_id: str, record: str) -> Conjecture:
    loaded = _load(conjecture_id, record)
    try:
        # Rows were written from validated objects: their rendered fields need no re-deriving.
        return Conjecture.from_dict(loaded, trusted=True)
    except (EsmaError, ValueError, TypeError, KeyError) as exc:
        raise InvalidRecord(f"database row {conjecture_id}: {exc}") from None


class Store:
    """A conjecture database; open it with :meth:`Store.open`, use it as a context manager.

    Attributes
    ----------
    url : str
        The database URL with any password masked, for messages.
    version : int
        The schema version of the database (older ones are read as they are, or migrated when
        opened for writing).
    read_only : bool
        Whether the store was opened for reading only.

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
    >>> store.get(conj.id[:6]) == conj, store.runs_of(conj.id), store.ids() == [conj.id]
    (True, [1], True)
    >>> store.add_verification(conj.id, digits=2000, terms=3000, ok=True)
    >>> [(v["digits"], v["ok"]) for v in store.verifications(conj.id)]
    [(2000, True)]
    >>> store.import_conjectures([conj], source="e.jsonl")
    (0, 1)
    >>> store.close()
    """

    def __init__(
        self, engine: Engine, dialect: SQLite | PostgreSQL, *, version: int, read_only: bool
    ) -> None:
        self._engine = engine
        self._dialect = dialect
        self._batch: Connection | None = None
        self.url = dialect.url
        self.version = version
        self.read_only = read_only

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        db: str | None = None,
        *,
        read_only: bool = False,
        create: bool = True,
        durable: bool = False,
    ) -> Store:
        """Open the database at ``db`` (see :func:`esma.dialects.resolve_url`).

        Parameters
        ----------
        db : str, optional
            A file path or URL; default ``$ESMA_DB``, then ``esma.db`` in the current folder.
        read_only : bool
            Open for reading only: nothing is written, not even the schema (SQLite ``mode=ro``,
            PostgreSQL read-only transactions). The database must exist and be esma's.
        create : bool
            Create a missing SQLite file (and the schema of an empty database). With False a
            missing file is refused.
        durable : bool
            Refuse an in-memory database (``sqlite://``), whose contents are lost when the
            process ends: for callers that store results for later.

        Opened for writing, an existing SQLite file must pass ``PRAGMA quick_check``, an empty
        database gets the schema and an older one is migrated (:mod:`esma.schema`).

        Raises
        ------
        InvalidParameter
            ``db`` cannot be parsed, is a folder, is missing (when it may not be created), or is
            in memory when ``durable`` is asked.
        StoreError
            The database cannot be reached, is damaged, is another application's, has no esma
            tables yet (read-only), or was made by a newer esma.

        Examples
        --------
        >>> with Store.open("sqlite://") as store:
        ...     store.conjectures(), store.version == SCHEMA_VERSION
        ([], True)
        >>> Store.open("sqlite://", durable=True)
        Traceback (most recent call last):
        ...
        esma.errors.InvalidParameter: db: 'sqlite://' is a database in memory: what is stored there is lost when esma exits; give a file (esma.db, sqlite:///FILE) or a PostgreSQL URL
        """
        dialect = dialect_for(db)
        if durable and dialect.in_memory:
            raise InvalidParameter(
                f"db: {dialect.url!r} is a database in memory: what is stored there is lost when "
                "esma exits; give a file (esma.db, sqlite:///FILE) or a PostgreSQL URL",
                parameter="db",
            )
        dialect.check(read_only=read_only, create=create)
        try:
            engine = dialect.engine(read_only=read_only)
        except ImportError as exc:
            raise StoreError(
                f"cannot open database {dialect.url}: {exc} (PostgreSQL needs pip install "
                "'esma[postgres]')"
            ) from exc
        store = cls(engine, dialect, version=SCHEMA_VERSION, read_only=read_only)
        try:
            store.version = dialect.retry(store._read_version if read_only else store._prepare)
            if not read_only:
                dialect.retry(lambda: dialect.opened(engine))
        except sa.exc.SQLAlchemyError as exc:
            store.close()
            raise StoreError(dialect.explain(exc, opening=True)) from exc
        except BaseException:
            store.close()
            raise
        return store

    def _prepare(self) -> int:
        """Check, create or migrate the schema, in one write transaction."""
        with self._dialect.transaction(self._engine, write=True) as conn:
            self._dialect.check_integrity(conn)
            self._dialect.lock_schema(conn)
            return schema.create_or_migrate(conn, self.url)

    def _read_version(self) -> int:
        with self._dialect.transaction(self._engine, write=False) as conn:
            version = schema.stored_version(conn, self.url)
        if version is None:
            raise StoreError(
                f"database {self.url} has no esma tables: nothing was searched or imported into "
                "it yet"
            )
        return version

    def close(self) -> None:
        """Release every connection."""
        self._engine.dispose()
        self._dialect.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction (or the open :meth:`batch`)."""
        if self.read_only:
            raise StoreError(f"database {self.url} was opened read-only; nothing can be written")
        if self._batch is not None:
            yield self._batch
            return
        with self._dialect.transaction(self._engine, write=True) as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        if self._batch is not None:
            yield self._batch
            return
        with self._dialect.transaction(self._engine, write=False) as conn:
            yield conn

    @contextmanager
    def batch(self) -> Iterator[Self]:
        """Make every write inside the ``with`` block one transaction: all of it is stored, or
        (if anything raises) none of it.

        >>> from esma.conjecture import example
        >>> with Store.open("sqlite://") as store:
        ...     try:
        ...         with store.batch():
        ...             store.import_conjectures([example()], "a.jsonl")
        ...             raise KeyboardInterrupt
        ...     except KeyboardInterrupt:
        ...         pass
        ...     store.ids()
        (1, 0)
        []
        """
        if self._batch is not None:
            yield self
            return
        with _guard(self), self._write() as conn:
            self._batch = conn
            try:
                yield self
            finally:
                self._batch = None

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
                    self._dialect.insert(runs)
                    .values(
                        key=key,
                        parameters=canonical,
                        total_chunks=total_chunks,
                        started=_now(),
                        esma_version=esma.__version__,
                    )
                    .returning(runs.c.id)
                ).scalar()
                if inserted is not None:
                    return inserted, set()
                # Another process created the same run between our look-up and insert.
                run_id = conn.execute(sa.select(runs.c.id).where(runs.c.key == key)).scalar_one()
            done = conn.execute(sa.select(chunks.c.idx).where(chunks.c.run_id == run_id))
            return run_id, set(done.scalars())

    def finish_chunk(
        self, run_id: int, index: int, conjectures: Sequence[Conjecture | StoredRow]
    ) -> int:
        """Record the conjectures a chunk found (or their rows, e.g. a worker's
        :class:`esma.rows.StoredConjectures`) and mark it done, in one transaction.

        Conjectures already in the database are not duplicated but are linked to this run too;
        the order given is kept as the search order of the run. Finishing a chunk twice writes
        nothing the second time.

        Returns
        -------
        int
            How many of the conjectures were new to the database.
        """
        return self.finish_chunks(run_id, [(index, conjectures)])[0]

    @_guarded
    def finish_chunks(
        self, run_id: int, chunks_found: Sequence[tuple[int, Sequence[Conjecture | StoredRow]]]
    ) -> list[int]:
        """:meth:`finish_chunk` for several chunks in one transaction (a search stores the
        chunks that finish close together at once: a transaction costs more than its rows).

        Returns
        -------
        list of int
            For each chunk, how many of its conjectures were new to the database (0 for a chunk
            finished before).

        >>> from esma.conjecture import example
        >>> with Store.open("sqlite://") as store:
        ...     run_id, _ = store.start_run({"constant": "e"}, 3)
        ...     store.finish_chunks(run_id, [(0, [example()]), (2, [example()]), (0, [])])
        [1, 0, 0]
        """
        batch = []
        for index, items in chunks_found:
            check_int("index", index)
            batch.append((index, _check_conjectures("conjectures", items)))
        with self._write() as conn:
            total = self._run_total(conn, run_id)
            for index, _ in batch:
                if index >= total:
                    raise InvalidParameter(
                        f"index: chunk {index} is not in run {run_id} (0..{total - 1})"
                    )
            done = set(
                conn.execute(
                    sa.select(chunks.c.idx).where(
                        chunks.c.run_id == run_id, chunks.c.idx.in_({i for i, _ in batch})
                    )
                ).scalars()
            )
            now = _now()
            todo = []  # the chunks not finished before, each once
            for index, found in batch:
                if index not in done:
                    done.add(index)
                    todo.append((index, found))
            # One INSERT for the conjectures of every chunk (a statement costs more than its
            # rows), each once, a proved copy over a conjectured one (what is proved stays
            # proved); a conjecture new to the database counts for the first chunk that has it.
            rows: dict[str, StoredRow] = {}
            for _, found in todo:
                for row in found:
                    if row.id not in rows or row.status == "proved":
                        rows[row.id] = row
            new = set(
                self._insert_conjectures(conn, list(rows.values()), run_id, source=None, now=now)
            )
            counted, links, marks = {}, [], []
            for index, found in todo:
                fresh = {c.id for c in found} & new
                counted[index] = len(fresh)
                new -= fresh
                links += (
                    {"conjecture_id": c.id, "run_id": run_id, "chunk_idx": index, "rank": r}
                    for r, c in enumerate(found)
                )
                marks.append({"run_id": run_id, "idx": index, "done_at": now})
            counts = [counted.pop(index, 0) for index, _ in batch]
            if links:
                conn.execute(self._dialect.insert(conjecture_runs), links)
            if marks:
                conn.execute(self._dialect.insert(chunks), marks)
            return counts

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
    def digits_sources(self, constant: str) -> set[str]:
        """The SHA-256 of the digits of every stored search of ``constant`` that searched a
        number given by its digits (``value_sha256`` in its parameters): empty for a constant
        esma computes, or a name no search has used.

        >>> with Store.open("sqlite://") as store:
        ...     _ = store.start_run({"constant": "c", "value_sha256": "ab12"}, 1)
        ...     store.digits_sources("c"), store.digits_sources("e")
        ({'ab12'}, set())
        """
        # Canonical parameters are compact JSON, so the constant is this exact text in them.
        needle = '"constant":' + json.dumps(constant, ensure_ascii=False)
        query = sa.select(runs.c.parameters).where(
            runs.c.parameters.contains(needle, autoescape=True)
        )
        with self._read() as conn:
            found = [json.loads(text) for text in conn.execute(query).scalars()]
        return {
            p["value_sha256"]
            for p in found
            if p.get("constant") == constant and isinstance(p.get("value_sha256"), str)
        }

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
        return [_load(row.id, row.record) for row in self._run_rows(run_id)]

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
        found: list[StoredRow],
        first_run: int | None,
        source: str | None,
        now: datetime,
    ) -> list[str]:
        """Insert the conjectures (each id once) not yet present; the ids of those that were new.

        A record already stored as conjectured that arrives proved gains its certificate: what
        is proved stays proved (the callers check certificates before they store them).
        """
        if not found:
            return []
        rows = [_row(c, first_run, source, now) for c in found]
        stmt = self._dialect.insert(conjectures).returning(conjectures.c.id)
        new = list(conn.execute(stmt, rows).scalars())
        added = set(new)
        proved = [row for row in rows if row["status"] == "proved" and row["id"] not in added]
        if proved:
            conn.execute(
                sa.update(conjectures)
                .where(
                    conjectures.c.id == sa.bindparam("row_id"),
                    conjectures.c.status == "conjectured",
                )
                .values(record=sa.bindparam("text"), status="proved"),
                [{"row_id": row["id"], "text": row["record"]} for row in proved],
            )
        return new

    # -- reading --------------------------------------------------------------------------------

    @_guarded
    def conjectures(self, constant: str | None = None) -> list[Conjecture]:
        """Every conjecture (of one constant, given its canonical text), ordered by constant, id."""
        return [_rebuild(row.id, row.record) for row in self._rows(constant)]

    @_guarded
    def records(self, constant: str | None = None) -> list[dict]:
        """:meth:`conjectures` as the stored records (``to_dict()`` form), rebuilding nothing:
        for listing and JSONL export, where the stored text is already what is wanted."""
        return [_load(row.id, row.record) for row in self._rows(constant)]

    @_guarded
    def records_of(self, ids: Iterable[str]) -> dict[str, dict]:
        """The stored records of the given ids (id -> record); ids not stored are left out.

        >>> from esma.conjecture import example
        >>> with Store.open("sqlite://") as store:
        ...     _ = store.import_conjectures([example()], "e.jsonl")
        ...     list(store.records_of([example().id, "0000"]))
        ['f47e46dd25a4bf43']
        """
        wanted = sorted(set(ids))
        out: dict[str, dict] = {}
        with self._read() as conn:
            for part in _parts(wanted):
                rows = conn.execute(
                    sa.select(conjectures.c.id, conjectures.c.record).where(
                        conjectures.c.id.in_(part)
                    )
                )
                out.update((row.id, _load(row.id, row.record)) for row in rows)
        return out

    def _rows(self, constant: str | None) -> list:
        query = sa.select(conjectures.c.id, conjectures.c.record).order_by(
            conjectures.c.constant, conjectures.c.id
        )
        if constant is not None:
            query = query.where(conjectures.c.constant == constant)
        with self._read() as conn:
            return conn.execute(query).all()

    @_guarded
    def ids(self, constant: str | None = None) -> list[str]:
        """The ids of every conjecture (of one constant), ordered by constant, then id; no record
        is read, so a damaged one does not stop the listing (see :func:`esma.verify.reverify`)."""
        query = sa.select(conjectures.c.id).order_by(conjectures.c.constant, conjectures.c.id)
        if constant is not None:
            query = query.where(conjectures.c.constant == constant)
        with self._read() as conn:
            return list(conn.execute(query).scalars())

    @_guarded
    def resolve(self, id_or_prefix: str) -> str:
        """The full id of the conjecture whose id is, or starts with, ``id_or_prefix`` (at least
        4 hex digits, any case).

        Raises
        ------
        InvalidParameter
            The text is not hex, is too short, or matches no conjecture or several.
        """
        return self._match(id_or_prefix).id

    @_guarded
    def get(self, id_or_prefix: str) -> Conjecture:
        """The conjecture whose id is, or starts with, ``id_or_prefix`` (see :meth:`resolve`).

        Raises
        ------
        InvalidParameter
            As :meth:`resolve`.
        InvalidRecord
            The stored record cannot be read back (the message names the row).
        """
        row = self._match(id_or_prefix)
        return _rebuild(row.id, row.record)

    def _match(self, id_or_prefix: str):
        prefix = id_or_prefix.strip().lower() if isinstance(id_or_prefix, str) else ""
        if not re.fullmatch(r"[0-9a-f]{4,64}", prefix):
            raise InvalidParameter(
                f"id: {id_or_prefix!r} is not a conjecture id; give at least 4 of its hex digits",
                parameter="id",
            )
        with self._read() as conn:
            rows = conn.execute(
                sa.select(conjectures.c.id, conjectures.c.record)
                .where(conjectures.c.id.startswith(prefix, autoescape=True))
                .order_by(conjectures.c.id)
                .limit(6)
            ).all()
        if not rows:
            raise InvalidParameter(
                f"id: no conjecture in {self.url} has an id starting {prefix!r}", parameter="id"
            )
        if len(rows) > 1:
            shown = ", ".join(row.id for row in rows[:5]) + (", ..." if len(rows) > 5 else "")
            raise InvalidParameter(
                f"id: {prefix!r} matches several conjectures ({shown}); give more digits",
                parameter="id",
            )
        return rows[0]

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
        """Record that a conjecture was checked to ``digits`` digits with ``terms`` terms (and by
        this esma's version)."""
        check_int("digits", digits)
        check_int("terms", terms)
        if not isinstance(ok, bool):
            raise InvalidParameter(f"ok: {ok!r} must be True or False", parameter="ok")
        with self._write() as conn:
            self._require(conn, conjecture_id)
            conn.execute(
                sa.insert(verifications),
                [_verification(conjecture_id, digits, terms, ok, _now())],
            )

    @_guarded
    def verifications(self, conjecture_id: str) -> list[dict]:
        """Every verification of a conjecture, oldest first: ``{"digits", "terms", "ok", "at",
        "esma_version"}`` (the version is None for checks stored before esma recorded it)."""
        v = verifications.c
        columns = [v.digits, v.terms, v.ok, v.at, schema.column(v.esma_version, self.version)]
        with self._read() as conn:
            self._require(conn, conjecture_id)
            rows = conn.execute(
                sa.select(*columns).where(v.conjecture_id == conjecture_id).order_by(v.at, v.id)
            ).all()
        return [
            {
                "digits": r.digits,
                "terms": r.terms,
                "ok": bool(r.ok),
                "at": _iso(r.at),
                "esma_version": r.esma_version,
            }
            for r in rows
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
    def import_conjectures(
        self,
        conjectures: Iterable[Conjecture],
        source: str,
        *,
        approvals: Mapping[str, Approval] | None = None,
    ) -> tuple[int, int]:
        """Add conjectures from elsewhere (a JSONL file named ``source``), in one transaction.

        The store takes the objects as they are: checking a record from outside is the caller's
        work (:mod:`esma.importing` approves every one first). ``approvals`` (by id) are stored
        as verifications of the conjectures that are new.

        Returns
        -------
        tuple of (int, int)
            How many distinct conjectures were new, and how many were already present.
        """
        found = _check_conjectures("conjectures", conjectures)
        if not isinstance(source, str):
            raise InvalidParameter(f"source: {source!r} must be text (a file name)", "source")
        approvals = approvals or {}
        with self._write() as conn:
            now = _now()
            new = self._insert_conjectures(conn, found, first_run=None, source=source, now=now)
            checks = [
                _verification(i, approvals[i].digits, approvals[i].terms, True, now)
                for i in new
                if i in approvals
            ]
            if checks:
                conn.execute(sa.insert(verifications), checks)
        return len(new), len(found) - len(new)

    # -- proofs -----------------------------------------------------------------------------------

    @_guarded
    def set_status(self, conjecture_id: str, status: str, proof: dict | None = None) -> None:
        """Set a record's status and certificate: its stored JSON and the ``status`` column
        together, in one transaction. The id does not change (status and proof are not part of
        the content it hashes).

        Parameters
        ----------
        status : str
            ``"proved"`` (``proof`` is the certificate) or ``"conjectured"`` (``proof`` None).

        Examples
        --------
        >>> from esma.conjecture import example
        >>> with Store.open("sqlite://") as store:
        ...     _ = store.import_conjectures([example()], "e.jsonl")
        ...     store.set_status(example().id, "proved", {"v": 1})
        ...     store.status_of(example().id), store.get(example().id).status
        (('proved', {'v': 1}), 'proved')
        """
        if status not in STATUSES:
            raise InvalidParameter(
                f"status: {status!r} must be one of {', '.join(STATUSES)}", parameter="status"
            )
        if (status == "proved") != isinstance(proof, dict):
            raise InvalidParameter(
                "proof: a proved record needs its certificate (a dict), a conjectured one None",
                parameter="proof",
            )
        with self._write() as conn:
            record = _stored_record(conn, conjecture_id)
            record["status"], record["proof"] = status, proof
            conn.execute(
                sa.update(conjectures)
                .where(conjectures.c.id == conjecture_id)
                .values(record=canonical_json(record), status=status)
            )

    @_guarded
    def status_of(self, conjecture_id: str) -> tuple[str, dict | None]:
        """A record's status and certificate (``"conjectured"`` and None for records stored
        before esma proved them)."""
        with self._read() as conn:
            record = _stored_record(conn, conjecture_id)
        return record.get("status", "conjectured"), record.get("proof")

    # -- families ---------------------------------------------------------------------------------
    # Computed from the records by esma.familystore, which is what callers use: these methods
    # only read and write what it computed.

    @_guarded
    def families(
        self, constant: str | None = None, *, records: Mapping[str, str] | None = None
    ) -> list[Family]:
        """The stored families (of one constant), as :class:`esma.families.Family` objects,
        ordered by constant and key; none in a database older than version 3. ``records``:
        what :meth:`family_records` returned for them, parsed instead of read again."""
        if records is None:
            records = self.family_records(constant)
        return [_family(key, text) for key, text in records.items()]

    def family_records(self, constant: str | None = None) -> dict[str, str]:
        """Key -> stored JSON of every family (of one constant), ordered by constant and key."""
        if self.version < 3:
            return {}
        f = families_table.c
        query = sa.select(f.key, f.record).order_by(f.constant, f.key)
        if constant is not None:
            query = query.where(f.constant == constant)
        with _guard(self), self._read() as conn:
            return {row.key: row.record for row in conn.execute(query)}

    @_guarded
    def family_of(self, conjecture_id: str) -> Family | None:
        """The stored family of a record, or None when it is not placed in one yet."""
        if self.version < 3:
            return None
        f = families_table.c
        with self._read() as conn:
            row = conn.execute(
                sa.select(f.key, f.record)
                .join(family_members, family_members.c.family_key == f.key)
                .where(family_members.c.conjecture_id == conjecture_id)
            ).first()
        return None if row is None else _family(row.key, row.record)

    @_guarded
    def unplaced(self, constant: str | None = None) -> list[dict]:
        """The stored records (of one constant) that are in no stored family yet, ordered by
        constant and id: those a search stored before it was stopped, or every record of a
        database older than version 3."""
        query = self._unplaced_only(
            sa.select(conjectures.c.id, conjectures.c.record).order_by(
                conjectures.c.constant, conjectures.c.id
            )
        )
        if constant is not None:
            query = query.where(conjectures.c.constant == constant)
        with self._read() as conn:
            return [_load(row.id, row.record) for row in conn.execute(query)]

    @_guarded
    def unplaced_ids(self, constant: str | None = None) -> list[str]:
        """The ids of :meth:`unplaced`, in its order, without reading the records."""
        query = self._unplaced_only(
            sa.select(conjectures.c.id).order_by(conjectures.c.constant, conjectures.c.id)
        )
        if constant is not None:
            query = query.where(conjectures.c.constant == constant)
        with self._read() as conn:
            return list(conn.execute(query).scalars())

    @_guarded
    def unplaced_constants(self) -> list[str]:
        """The constants that have records in no stored family, sorted."""
        query = self._unplaced_only(
            sa.select(conjectures.c.constant).distinct().order_by(conjectures.c.constant)
        )
        with self._read() as conn:
            return list(conn.execute(query).scalars())

    def _unplaced_only(self, query: Any) -> Any:
        """``query`` over conjectures, kept to the records in no stored family (every record
        of a database older than version 3, which has no families)."""
        if self.version < 3:
            return query
        return query.outerjoin(
            family_members, family_members.c.conjecture_id == conjectures.c.id
        ).where(family_members.c.conjecture_id.is_(None))

    @_guarded
    def save_families(
        self, constant: str, fams: Sequence[Family], expected: Mapping[str, str]
    ) -> int | None:
        """Write the families of ``constant`` that differ from what is stored, in one
        transaction, provided the stored ones are still ``expected`` (key -> JSON, as
        :meth:`family_records` read them before the families were computed).

        Returns
        -------
        int or None
            How many families were written; None when another process changed the stored
            families meanwhile (nothing is written: compute again from what is stored now).

        Examples
        --------
        >>> from esma.conjecture import example
        >>> from esma.families import families
        >>> with Store.open("sqlite://") as store:
        ...     _ = store.import_conjectures([example()], "e.jsonl")
        ...     fams = families([example()])
        ...     first = store.save_families("e", fams, {})
        ...     again = store.save_families("e", fams, {})        # no longer what is stored
        ...     family, unplaced = store.family_of(example().id), store.unplaced()
        >>> first, again, family == fams[0], unplaced
        (1, None, True, [])
        """
        rows = {}
        for fam in fams:
            if fam.constant != constant:
                raise InvalidParameter(
                    f"families: family {fam.key} is of {fam.constant!r}, not {constant!r}",
                    parameter="families",
                )
            rows[fam.key] = (fam, canonical_json(fam.to_dict(full=True)))
        f = families_table.c
        with self._write() as conn:
            stored = {
                row.key: row.record
                for row in conn.execute(sa.select(f.key, f.record).where(f.constant == constant))
            }
            if stored != dict(expected):
                return None
            changed = [(fam, text) for key, (fam, text) in rows.items() if stored.get(key) != text]
            if not changed:
                return 0
            keys = [fam.key for fam, _ in changed]
            ids = [m.id for fam, _ in changed for m in fam.members]
            m = family_members.c
            # A record is a member only of a family of its own constant: with none stored (a
            # first search of the constant) there is nothing to delete.
            for part in _parts(ids) if stored else ():
                conn.execute(sa.delete(family_members).where(m.conjecture_id.in_(part)))
            for part in _parts(keys) if stored else ():
                conn.execute(sa.delete(family_members).where(m.family_key.in_(part)))
                conn.execute(sa.delete(families_table).where(f.key.in_(part)))
            conn.execute(
                sa.insert(families_table), [_family_row(fam, text) for fam, text in changed]
            )
            conn.execute(
                sa.insert(family_members),
                [
                    {
                        "conjecture_id": member.id,
                        "family_key": fam.key,
                        "transform": _matrix_json(member.transform),
                    }
                    for fam, _ in changed
                    for member in fam.members
                ],
            )
            return len(changed)


def _matrix_json(m: tuple) -> str:
    """``json.dumps`` of a 2x2 integer matrix as nested lists, written directly (a search
    writes one for each of its records' family members).

    >>> _matrix_json(((1, -2), (0, 1))) == json.dumps([[1, -2], [0, 1]])
    True
    """
    (a, b), (c, d) = m
    return f"[[{a:d}, {b:d}], [{c:d}, {d:d}]]"


def _parts(items: list, size: int = 500) -> Iterator[list]:
    """``items`` in slices small enough for one IN (...) (SQLite allows 32,766 parameters)."""
    for k in range(0, len(items), size):
        yield items[k : k + size]


def _family(key: str, text: str) -> Family:
    from esma.families import Family

    try:
        return Family.from_dict(json.loads(text))
    except (TypeError, ValueError) as exc:
        raise InvalidRecord(
            f"database family {key}: the stored family is not valid JSON ({exc})"
        ) from None
    except InvalidRecord as exc:
        raise InvalidRecord(f"database family {key}: {exc}") from None


def _family_row(fam: Family, text: str) -> dict:
    return {
        "key": fam.key,
        "constant": fam.constant,
        "representative": fam.representative,
        "size": len(fam.members),
        "kind": fam.kind,
        "citation": fam.citation,
        "value_class": fam.value_class,
        "convergence_rate": fam.convergence_rate,
        "simple_cf_rate": fam.simple_cf_rate,
        "record": text,
    }


def _stored_record(conn: Connection, conjecture_id: str) -> dict:
    """The stored record ``conjecture_id`` (its JSON checked), or an error naming it."""
    row = conn.execute(
        sa.select(conjectures.c.record).where(conjectures.c.id == conjecture_id)
    ).first()
    if row is None:
        raise InvalidParameter(f"conjecture_id: there is no conjecture {conjecture_id!r}")
    return _load(conjecture_id, row.record)


def _verification(conjecture_id: str, digits: int, terms: int, ok: bool, now: datetime) -> dict:
    return {
        "conjecture_id": conjecture_id,
        "digits": digits,
        "terms": terms,
        "ok": ok,
        "at": now,
        "esma_version": esma.__version__,
    }


def _canonical_parameters(parameters: Any) -> str:
    if not isinstance(parameters, dict):
        raise InvalidParameter(f"parameters: expected a dict, got {type(parameters).__name__}")
    try:
        return json.dumps(
            parameters, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as exc:
        raise InvalidParameter(f"parameters: must be JSON-able ({exc})") from None
