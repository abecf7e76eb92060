"""Where conjectures are stored: database URLs, and one small object per database dialect.

:func:`dialect_for` turns what a user gives (a file path, a URL, nothing) into a :class:`SQLite`
or a :class:`PostgreSQL` object. Each knows how to open its database for reading or writing,
how one write transaction starts and what it locks, and how to say in one line what went wrong.
:class:`esma.store.Store` asks them and never branches on the dialect itself.

>>> dialect_for("runs/e.db").path.name, dialect_for("sqlite://").in_memory
('e.db', True)
>>> dialect_for("postgresql://esma@db.example.org/esma").server
'db.example.org:5432'
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url

from esma.errors import InvalidParameter, StoreError, one_line

#: Where conjectures go when neither the caller nor ``$ESMA_DB`` says otherwise.
DEFAULT_URL = "sqlite:///esma.db"

#: How long a SQLite writer waits for another process's transaction before giving up (seconds).
BUSY_TIMEOUT = 30

#: How long a PostgreSQL server may take to accept a connection (seconds).
CONNECT_TIMEOUT = 10

#: How long one PostgreSQL statement may run before the server cancels it (seconds).
STATEMENT_TIMEOUT = 60

#: How long esma waits for a PostgreSQL server that answers nothing at all (seconds): a stopped
#: server cannot enforce its own statement timeout, so esma gives up on it after this.
SILENCE_TIMEOUT = STATEMENT_TIMEOUT + 15

# Dialect names a URL may use, and the driver each one is served by (psycopg 3, never psycopg2).
_DRIVERS = {
    "sqlite": "sqlite",
    "sqlite+pysqlite": "sqlite",
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
}

_FORMS = "a file path, sqlite:///FILE or postgresql+psycopg://USER@HOST/NAME"

# Execution option that makes a SQLite transaction take the write lock when it begins.
_WRITE = "esma_write"

# PostgreSQL advisory lock key ("esma") taken while the schema is created or migrated, so that
# two processes opening a fresh database at once do not both run CREATE TABLE.
_SCHEMA_LOCK = 0x65736D61

T = TypeVar("T")


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
    >>> resolve_url("postgresql://u@h:notaport/db")
    Traceback (most recent call last):
    ...
    esma.errors.InvalidParameter: db: the database URL 'postgresql://u@h:notaport/db' has no valid HOST:PORT (the port is a number; an IPv6 host goes in brackets, [::1]:5432)
    """
    return _parse(db).render_as_string(hide_password=False)


def _parse(db: str | None) -> URL:
    text = db if db is not None else (os.environ.get("ESMA_DB") or DEFAULT_URL)
    if not isinstance(text, str) or not text.strip():
        raise InvalidParameter(f"db: {text!r} is not a database; give {_FORMS}", parameter="db")
    text = text.strip()
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).expanduser()))
    try:
        url = make_url(text)
        url.port  # noqa: B018 - parsed lazily; a port that is no number raises here
    except sa.exc.ArgumentError:
        raise InvalidParameter(
            f"db: cannot parse the database URL {_mask(text)!r}; give {_FORMS}", parameter="db"
        ) from None
    except ValueError:
        raise InvalidParameter(
            f"db: the database URL {_mask(text)!r} has no valid HOST:PORT (the port is a number; "
            "an IPv6 host goes in brackets, [::1]:5432)",
            parameter="db",
        ) from None
    driver = _DRIVERS.get(url.drivername)
    if driver is None:
        raise InvalidParameter(
            f"db: {_mask(text)!r} uses {url.drivername!r}; esma stores conjectures in "
            "sqlite:///FILE or postgresql+psycopg://USER@HOST/NAME",
            parameter="db",
        )
    return url.set(drivername=driver)


def _mask(url: str) -> str:
    """The URL with any password replaced by ``***``, for messages."""
    return re.sub(r"(://[^/:@]*:)[^@/]*@", r"\1***@", url)


def dialect_for(db: str | None = None) -> SQLite | PostgreSQL:
    """The dialect object of the database ``db`` (see :func:`resolve_url`).

    >>> type(dialect_for("esma.db")).__name__, type(dialect_for("postgres://u@h/d")).__name__
    ('SQLite', 'PostgreSQL')
    """
    url = _parse(db)
    if url.get_backend_name() == "sqlite":
        return SQLite(url)
    return PostgreSQL(url)


class SQLite:
    """A SQLite file (or an in-memory database): WAL, a busy timeout, writers that lock first.

    Several processes can write to one file: each write transaction takes the write lock when it
    begins (``BEGIN IMMEDIATE``), waiting up to :data:`BUSY_TIMEOUT` seconds for it. Read-only
    opening uses SQLite's ``mode=ro`` (and ``immutable=1`` on a read-only file system, where
    SQLite could not create the shared-memory file a WAL database needs), so it writes nothing.

    Attributes
    ----------
    url : str
        The URL, for messages.
    path : pathlib.Path or None
        The database file (None in memory).
    in_memory : bool
        Whether the database lives in this process only (``sqlite://``): lost when it ends.
    """

    name = "sqlite"

    def __init__(self, url: URL) -> None:
        if url.query:
            raise InvalidParameter(
                f"db: esma sets SQLite's options itself; give sqlite:///FILE without "
                f"'?{'&'.join(url.query)}'",
                parameter="db",
            )
        database = url.database or ""
        if database.startswith("file:"):
            raise InvalidParameter(
                f"db: {database!r} is a SQLite URI; give the file itself (sqlite:///PATH)",
                parameter="db",
            )
        self.in_memory = database in ("", ":memory:")
        self.path = None if self.in_memory else Path(database).expanduser()
        self.url = url.render_as_string(hide_password=True)
        self._existed = False

    def exists(self) -> bool:
        """Whether the database file is there (an in-memory database never is, before opening)."""
        return self.path is not None and self.path.is_file()

    def check(self, *, read_only: bool, create: bool) -> None:
        """Refuse, before connecting, a file that cannot be what is asked for.

        Raises
        ------
        InvalidParameter
            The path is a folder, or the file is missing and may not be created.
        StoreError
            The folder of a file to create does not exist.
        """
        if self.path is None:
            return
        if self.path.is_dir():
            raise InvalidParameter(
                f"db: {self.path} is a folder; give a database file, e.g. {self.path / 'esma.db'}",
                parameter="db",
            )
        self._existed = self.path.is_file() and self.path.stat().st_size > 0
        if self.path.is_file():
            folder = self.path.absolute().parent
            if not read_only and not (os.access(self.path, os.W_OK) and os.access(folder, os.W_OK)):
                where = "file system" if _read_only_file_system(self.path) else "file or folder"
                raise StoreError(
                    f"database {self.url} cannot be written (read-only {where}); it can only be "
                    "read (list, show, export, families)"
                )
            return
        if read_only or not create:
            raise InvalidParameter(
                f"db: there is no database {self.path}; give the file a search or an import wrote",
                parameter="db",
            )
        folder = self.path.absolute().parent
        if not folder.is_dir():
            raise StoreError(f"cannot open database {self.url}: folder {folder} does not exist")

    def engine(self, *, read_only: bool) -> Engine:
        """An engine whose connections are set up for esma (see the class notes)."""
        target, uri = self._target(read_only)

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(target, uri=uri, timeout=BUSY_TIMEOUT, check_same_thread=False)

        where = URL.create("sqlite", database=None if self.path is None else str(self.path))
        engine = sa.create_engine(where, creator=connect)

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record) -> None:
            # Python's sqlite3 would BEGIN lazily, just before the first write; a transaction
            # that read first then cannot take the write lock and fails at once with "database
            # is locked" instead of waiting. Turning that off lets _on_begin say BEGIN itself.
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT * 1000}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if not read_only:
                # NORMAL is durable against a crash or kill of the process in WAL mode (see
                # opened()); only an OS crash or power loss may roll back the last commits,
                # never corrupt the file. FULL costs 2-7 ms per commit, NORMAL ~0.01 ms.
                cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn) -> None:
            # A write transaction takes the write lock up front (waiting up to BUSY_TIMEOUT for
            # it), so it can never deadlock against another writer half way through.
            immediate = conn.get_execution_options().get(_WRITE)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine

    def _target(self, read_only: bool) -> tuple[str, bool]:
        """What sqlite3.connect opens: a ``file:`` URI whose mode says read, write or create."""
        if self.path is None:
            return ":memory:", False
        path = quote(str(self.path.absolute()))
        if not read_only:
            return f"file:{path}?mode=rwc", True
        wal = self.path.with_name(self.path.name + "-wal")
        if _read_only_file_system(self.path) and not wal.exists():
            # Nobody can write here, so nothing can change under the reader: SQLite may skip the
            # shared-memory file (which it could not create) and the locks.
            return f"file:{path}?mode=ro&immutable=1", True
        return f"file:{path}?mode=ro", True

    def opened(self, engine: Engine) -> None:
        """Put the file in WAL mode (once; SQLite keeps it in the file): readers never block
        the writer, and the writer never blocks readers. Done only once the file is known to be
        a sound esma database, since it rewrites the file's header."""
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.close()
        finally:
            raw.close()

    @contextmanager
    def transaction(self, engine: Engine, *, write: bool) -> Iterator[Connection]:
        """One transaction; a write transaction holds the write lock from its first statement."""
        with engine.connect() as conn:
            if write:
                conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn

    def insert(self, table: sa.Table):
        """INSERT that skips rows whose key is already there (ON CONFLICT DO NOTHING)."""
        from sqlalchemy.dialects.sqlite import insert

        return insert(table).on_conflict_do_nothing()

    def lock_schema(self, conn: Connection) -> None:
        """Nothing to do: the write transaction (BEGIN IMMEDIATE) already excludes every other
        writer while the schema is created or migrated."""

    def check_integrity(self, conn: Connection) -> None:
        """Refuse to write into a damaged file: ``PRAGMA quick_check`` must answer ``ok``.

        A file with garbage in it can still accept writes that land in its intact pages; the
        damage would then spread to what is written. A new file needs no check.
        """
        if not self._existed:
            return
        rows = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check").all()]
        if rows != ["ok"]:
            detail = one_line(ValueError(rows[0] if rows else "no answer"), limit=120)
            raise StoreError(
                f"database {self.url} is damaged (SQLite's quick_check: {detail}); esma does not "
                "write into it: restore a copy, or export what can still be read"
            )

    def retry(self, action: Callable[[], T], timeout: float = BUSY_TIMEOUT) -> T:
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
                text = str(exc.orig).lower()
                if ("locked" not in text and "busy" not in text) or (
                    time.monotonic() + pause > deadline
                ):
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 0.5)

    def explain(self, exc: BaseException, *, opening: bool = False) -> str:
        """One line saying what a database error means here (``opening``: while opening)."""
        text = one_line(exc)
        low = text.lower()
        if "locked" in low or "busy" in low:
            return f"database {self.url} stayed locked by another process for {BUSY_TIMEOUT} s"
        if "readonly" in low or "read-only" in low:
            return f"database {self.url} cannot be written here ({text})"
        if "malformed" in low:
            return f"database {self.url} is damaged ({text}); esma neither reads nor writes it"
        return f"{'cannot open ' if opening else ''}database {self.url}: {text}"

    def close(self) -> None:
        """Nothing to release besides the engine."""


def _read_only_file_system(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


class PostgreSQL:
    """A PostgreSQL database, through psycopg 3: timeouts everywhere, read-only transactions.

    The server must accept a connection within :data:`CONNECT_TIMEOUT` seconds and cancels a
    statement that runs longer than :data:`STATEMENT_TIMEOUT`. A server that stops answering
    altogether (stopped, frozen, cut off) cannot cancel anything, so a watchdog closes the
    connection after :data:`SILENCE_TIMEOUT` seconds without an answer. Read-only opening makes
    every transaction ``READ ONLY``; the schema is created or migrated under an advisory lock.

    Attributes
    ----------
    url : str
        The URL with the password masked, for messages.
    server : str
        ``HOST:PORT`` (or the socket folder), for messages.
    """

    name = "postgresql"
    in_memory = False

    def __init__(self, url: URL) -> None:
        self._url = url
        self.url = url.render_as_string(hide_password=True)
        host = url.host or url.query.get("host") or "local socket"
        if isinstance(host, tuple):  # ?host=a&host=b
            host = ",".join(host)
        host = f"[{host}]" if ":" in host else host
        self.server = f"{host}:{url.port or 5432}"
        self._watchdog: _Watchdog | None = None

    def exists(self) -> bool:
        """A server database cannot be known absent without connecting: it counts as present."""
        return True

    def check(self, *, read_only: bool, create: bool) -> None:
        """Nothing to check before connecting."""

    def engine(self, *, read_only: bool) -> Engine:
        """An engine with the timeouts, read-only transactions if asked, and the watchdog."""
        options = [f"-c statement_timeout={STATEMENT_TIMEOUT * 1000}"]
        if read_only:
            options.append("-c default_transaction_read_only=on")
        given = self._url.query.get("options")
        if given:
            options.insert(0, given if isinstance(given, str) else " ".join(given))
        timeout = self._url.query.get("connect_timeout", CONNECT_TIMEOUT)
        if not str(timeout).isdigit():
            raise InvalidParameter(
                f"db: connect_timeout={timeout!r} in {self.url} must be a number of seconds",
                parameter="db",
            )
        connect_args = {"connect_timeout": int(timeout), "options": " ".join(options)}
        engine = sa.create_engine(self._url, pool_pre_ping=True, connect_args=connect_args)
        watchdog = self._watchdog = _Watchdog(SILENCE_TIMEOUT)

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record) -> None:
            watchdog.track(dbapi_conn)

        @sa.event.listens_for(engine, "before_cursor_execute")
        def _before(*_args) -> None:
            watchdog.touch()

        @sa.event.listens_for(engine, "after_cursor_execute")
        def _after(*_args) -> None:
            watchdog.touch()

        return engine

    @contextmanager
    def transaction(self, engine: Engine, *, write: bool) -> Iterator[Connection]:
        """One transaction, watched from the checkout of its connection to the checkin."""
        watchdog = self._watchdog
        assert watchdog is not None, "engine() first"
        watchdog.arm()
        try:
            with engine.connect() as conn, conn.begin():
                yield conn
        finally:
            watchdog.disarm()

    def insert(self, table: sa.Table):
        """INSERT that skips rows whose key is already there (ON CONFLICT DO NOTHING)."""
        from sqlalchemy.dialects.postgresql import insert

        return insert(table).on_conflict_do_nothing()

    def opened(self, engine: Engine) -> None:
        """Nothing to do once the schema is ready."""

    def lock_schema(self, conn: Connection) -> None:
        """Hold an advisory lock until the transaction ends: one schema creation at a time."""
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_SCHEMA_LOCK)))

    def check_integrity(self, conn: Connection) -> None:
        """Nothing to check: the server keeps its own files sound."""

    def retry(self, action: Callable[[], T]) -> T:
        """Run ``action`` once: the server queues concurrent writers itself."""
        return action()

    def explain(self, exc: BaseException, *, opening: bool = False) -> str:
        """One line saying what a database error means here, naming the server."""
        text = one_line(exc)
        low = text.lower()
        if self._watchdog is not None and self._watchdog.fired:
            return (
                f"database server {self.server} stopped answering: nothing came back for "
                f"{SILENCE_TIMEOUT} s (is the server running, or stopped or cut off?)"
            )
        if "connection timeout expired" in low or "timeout expired" in low:
            return (
                f"database server {self.server} did not answer within {CONNECT_TIMEOUT} s "
                f"({self.url}); check that it runs and that the address is right"
            )
        if "statement timeout" in low:
            return (
                f"database {self.url}: the server {self.server} cancelled a statement that ran "
                f"longer than {STATEMENT_TIMEOUT} s (a lock held elsewhere, or an overloaded "
                "server)"
            )
        if "read-only transaction" in low:
            return f"database {self.url} was opened read-only ({text})"
        return f"{'cannot open ' if opening else ''}database {self.url}: {text}"

    def close(self) -> None:
        """Stop the watchdog."""
        if self._watchdog is not None:
            self._watchdog.close()


class _Watchdog:
    """Shuts down the sockets of an engine's connections when the server stops answering.

    A server that is stopped (SIGSTOP, a frozen machine) or cut off without a reset never
    answers and never closes the connection, and psycopg would wait for it forever: the kernel
    still acknowledges what is sent, so TCP timeouts do not fire either. Each transaction arms
    the watchdog, each statement sent or answered pushes its deadline back, and after ``limit``
    seconds of silence it shuts the sockets down, which makes the waiting call fail at once.
    ``shutdown`` (not ``close``) leaves the file descriptor to psycopg, so nothing else can take
    its number in between.
    """

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.fired = False
        self._connections: weakref.WeakSet = weakref.WeakSet()
        self._deadline: float | None = None
        self._closed = False
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def track(self, dbapi_connection) -> None:
        self._connections.add(dbapi_connection)

    def arm(self) -> None:
        with self._wake:
            self.fired = False
            self._deadline = time.monotonic() + self.limit
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="esma-db-watchdog", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def touch(self) -> None:
        if self._deadline is not None:
            self._deadline = time.monotonic() + self.limit

    def disarm(self) -> None:
        self._deadline = None

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify()

    def _watch(self) -> None:
        with self._wake:
            while not self._closed:
                deadline = self._deadline
                if deadline is None:
                    self._wake.wait()
                    continue
                left = deadline - time.monotonic()
                if left > 0:
                    self._wake.wait(min(left, 1.0))
                    continue
                self._deadline = None
                self.fired = True
                for conn in list(self._connections):
                    _shutdown(conn)


def _shutdown(dbapi_connection) -> None:
    """Shut down a psycopg connection's socket (both directions), leaving its descriptor open."""
    try:
        fd = dbapi_connection.fileno()
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except Exception:  # psycopg raises its own errors for a closed connection: nothing to do
        pass
