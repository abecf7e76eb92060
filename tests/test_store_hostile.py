"""The database commands against hostile or broken databases (issue 14, the store findings).

Each test gives a command something a careless or hostile user could: a typo for a database,
a folder, an in-memory URL, another application's file, a damaged file, a read-only one, a
stored record that is not JSON, a malformed URL, a server that never answers. The contract:
one line on stderr, a non-zero exit, nothing destroyed, nothing written where it should not be.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import subprocess
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import catalogue_lines

from esma.cli import cli
from esma.conjecture import Conjecture
from esma.errors import StoreError
from esma.store import Store

SEARCH = ["search", "e", "--coeff", "1", "--periods", "1-1", "--depth", "40", "--jobs", "1"]


def _run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def _one_line(result, code: int = 2) -> str:
    """The single line of stderr of a command that failed with ``code``."""
    assert result.exit_code == code, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("esma: error: "), result.stderr
    return lines[0]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def true_db(tmp_path, true_records) -> Path:
    """A SQLite file holding five true records, stored as a search stores them."""
    path = tmp_path / "true.db"
    with Store.open(str(path)) as store:
        run, _ = store.start_run({"constant": "e"}, total_chunks=1)
        store.finish_chunk(run, 0, [Conjecture.from_dict(r) for r in true_records])
    return path


def _damage_record(path: Path, conjecture_id: str, text: str = "{not json") -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE conjectures SET record = ? WHERE id = ?", (text, conjecture_id))


# -- verify --all goes on past a bad record -------------------------------------------------------


def test_verify_all_names_each_bad_record_and_checks_the_rest(
    true_db, true_records, make_conjecture
):
    false = make_conjecture("x + 7")  # e - 1's continued fraction, claimed for e + 7
    with Store.open(str(true_db)) as store:
        store.import_conjectures([false], "forged.jsonl")  # the store takes objects as given
    unreadable = true_records[1]["id"]
    _damage_record(true_db, unreadable)
    result = _run("verify", "--all", "--db", true_db, "--digits", "200")
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    assert f"{unreadable}  UNREADABLE  database row {unreadable}" in "\n".join(out)
    assert f"{false.id}  FAILED  e + 7" in out
    assert sum("  ok, " in line for line in out) == 4
    assert out[-1] == "6 checked: 4 ok, 1 failed, 1 unreadable"
    assert len(out) == 7 and len(result.stderr.splitlines()) == 1
    with Store.open(str(true_db), read_only=True) as store:
        assert store.verifications(false.id)[-1]["ok"] is False
        assert len(store.verifications(true_records[0]["id"])) == 1


# -- a database that is not there ----------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["list", "--format", "csv"],
        ["show", "abcd"],
        ["export", "--format", "jsonl"],
        ["verify", "--all"],
        ["prove", "--all"],
        ["families"],
    ],
)
@pytest.mark.parametrize("target", ["typo.db", "folder"])
def test_a_missing_database_or_a_folder_is_refused(tmp_path, command, target):
    (tmp_path / "folder").mkdir()
    before = sorted(tmp_path.iterdir())
    line = _one_line(_run(*command, "--db", tmp_path / target))
    assert ("there is no database" if target == "typo.db" else "is a folder") in line
    assert sorted(tmp_path.iterdir()) == before


def test_export_from_a_typo_keeps_the_previous_file(tmp_path):
    previous = tmp_path / "e.jsonl"
    previous.write_text("\n".join(catalogue_lines("e", 3)) + "\n", encoding="utf-8")
    digest = _digest(previous)
    line = _one_line(
        _run("export", "--db", tmp_path / "typo.db", "--format", "jsonl", "-o", previous)
    )
    assert "typo.db" in line
    assert _digest(previous) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.jsonl"]


# -- a database that lives only in memory --------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [SEARCH, ["import", "-"], ["verify", "--all"], ["prove", "--all"], ["families"]],
    ids=["search", "import", "verify", "prove", "families"],
)
@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_is_refused_where_results_are_stored(command, url, tmp_path):
    line = _one_line(_run(*command, "--db", url, input=catalogue_lines("e", 1)[0]))
    assert "in memory" in line and "give a file" in line


# -- another application's database --------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["show", "abcd"],
        ["export", "--format", "md"],
        ["verify", "--all"],
        SEARCH,
        ["import", "-"],
        ["prove", "--all"],
        ["families"],
    ],
    ids=lambda c: c[0],
)
def test_another_applications_database_is_refused_and_left_alone(tmp_path, command):
    path = tmp_path / "notes.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.execute("INSERT INTO notes (text) VALUES ('mine')")
    digest = _digest(path)
    line = _one_line(_run(*command, "--db", path, input=catalogue_lines("e", 1)[0]))
    assert "another application (notes)" in line
    assert _digest(path) == digest
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert tables == ["notes"]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


# -- a damaged file -------------------------------------------------------------------------------


def test_nothing_is_written_into_a_damaged_file(tmp_path, true_records):
    path = tmp_path / "damaged.db"
    with Store.open(str(path)) as store:
        # Enough records for many pages, so that garbage lands inside the tables.
        items = [json.loads(line) for line in catalogue_lines("sqrte", 60)]
        store.import_conjectures([Conjecture.from_dict(r) for r in items], "sqrte.jsonl")
    size = path.stat().st_size
    assert size > 40 * 4096
    with path.open("r+b") as fh:
        fh.seek(size // 2 // 4096 * 4096 + 100)
        fh.write(b"garbage!" * 256)
    digest = _digest(path)
    for command in (SEARCH, ["import", "-"], ["verify", "--all"], ["prove", "--all"]):
        line = _one_line(_run(*command, "--db", path, input=catalogue_lines("e", 1)[0]))
        assert "damaged" in line, line
    assert _digest(path) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["damaged.db"]


# -- a stored record that is not JSON ------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["list"], ["list", "--format", "json"], ["export", "--format", "jsonl"], ["show", "ID"]],
)
def test_a_stored_record_that_is_not_json_is_named(true_db, true_records, command):
    bad = true_records[2]["id"]
    _damage_record(true_db, bad)
    command = [bad if word == "ID" else word for word in command]
    line = _one_line(_run(*command, "--db", true_db))
    assert f"database row {bad}" in line and "not valid JSON" in line


def test_an_export_that_fails_keeps_the_previous_file(true_db, true_records, tmp_path):
    out = tmp_path / "all.jsonl"
    assert _run("export", "--db", true_db, "--format", "jsonl", "-o", out).exit_code == 0
    digest = _digest(out)
    _damage_record(true_db, true_records[0]["id"], "[1, 2]")
    _one_line(_run("export", "--db", true_db, "--format", "jsonl", "-o", out))
    assert _digest(out) == digest


# -- a read-only file system ---------------------------------------------------------------------


@contextmanager
def _read_only_copy(source: Path, tmp_path: Path):
    """``source`` copied into a folder that nobody may write: a read-only bind mount as root,
    a folder and a file without write permission otherwise."""
    folder = tmp_path / "ro-source"
    folder.mkdir()
    target = folder / source.name
    target.write_bytes(source.read_bytes())
    if os.geteuid() != 0:
        target.chmod(0o444)
        folder.chmod(0o555)
        try:
            yield target
        finally:
            folder.chmod(0o755)
        return
    mount = tmp_path / "ro"
    mount.mkdir()
    done = subprocess.run(["mount", "--bind", str(folder), str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"running as root without permission to mount: {done.stderr.decode()}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(mount)], check=True)
        yield mount / source.name
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_read_commands_work_on_a_read_only_file_system(true_db, true_records, tmp_path):
    with _read_only_copy(true_db, tmp_path) as path:
        with pytest.raises(OSError):
            (path.parent / "probe").write_text("x")  # the folder really is read-only
        listed = _run("list", "--db", path)
        assert listed.exit_code == 0, listed.output
        assert listed.stdout.strip().endswith("5 conjectures")
        first = true_records[0]["id"]
        assert first in _run("show", first[:6], "--db", path).stdout
        exported = _run("export", "--db", path, "--format", "jsonl")
        assert exported.exit_code == 0 and len(exported.stdout.splitlines()) == 5
        line = _one_line(_run("verify", "--all", "--db", path))
        assert "cannot be written" in line
        # The records are not placed in families yet: they are placed in memory, not stored.
        families = _run("families", "--db", path, "--json")
        assert families.exit_code == 0, families.output
        members = {
            m["id"] for f in map(json.loads, families.stdout.splitlines()) for m in f["members"]
        }
        assert members == {r["id"] for r in true_records}
        assert "family " in _run("show", first, "--db", path).stdout
        line = _one_line(_run("prove", "--all", "--db", path))
        assert "cannot be written" in line
        assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


# -- URLs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://u@h:notaport/db",
        "postgresql://u@[::1/db",
        "mysql://u:secret@h/db",
        "sqlite:///x.db?mode=ro",
    ],
)
@pytest.mark.parametrize("command", [["list"], SEARCH], ids=["list", "search"])
def test_a_malformed_database_url_is_one_line(url, command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = _one_line(_run(*command, "--db", url))
    assert "db:" in line and "secret" not in line
    assert list(tmp_path.iterdir()) == []


# -- PostgreSQL servers that do not answer -------------------------------------------------------


@contextmanager
def _silent_server(seconds: float = 30):
    """A TCP server on the loopback that accepts connections and never answers (as a stopped
    PostgreSQL does); it stops by itself after ``seconds``."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()
    accepted: list[socket.socket] = []

    def serve() -> None:
        deadline = time.monotonic() + seconds
        while not stop.is_set() and time.monotonic() < deadline:
            with suppress(OSError):
                accepted.append(listener.accept()[0])

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()


def test_a_server_that_never_answers_is_one_line_naming_it(monkeypatch):
    import esma.dialects

    monkeypatch.setattr(esma.dialects, "CONNECT_TIMEOUT", 1)
    with _silent_server() as port:
        started = time.monotonic()
        line = _one_line(_run("list", "--db", f"postgresql://esma@127.0.0.1:{port}/esma"))
        assert time.monotonic() - started < 15
    assert f"server 127.0.0.1:{port} did not answer within 1 s" in line


@contextmanager
def _freezable_proxy(host: str, port: int, seconds: float = 60):
    """A TCP proxy on the loopback to ``host:port`` whose ``freeze()`` stops every byte in
    both directions while keeping the connections open: a server that stopped mid-session.
    It stops by itself after ``seconds``."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    frozen, stop = threading.Event(), threading.Event()
    sockets: list[socket.socket] = []
    deadline = time.monotonic() + seconds

    def pump(src: socket.socket, dst: socket.socket) -> None:
        src.settimeout(0.2)
        while not stop.is_set() and time.monotonic() < deadline:
            if frozen.is_set():
                time.sleep(0.05)
                continue
            try:
                data = src.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not data:
                break
            try:
                dst.sendall(data)
            except OSError:
                break

    def serve() -> None:
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                client = listener.accept()[0]
            except OSError:
                continue
            upstream = socket.create_connection((host, port), timeout=5)
            sockets.extend((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=pump, args=(a, b), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield listener.getsockname()[1], frozen.set
    finally:
        stop.set()
        for sock in sockets:
            sock.close()
        listener.close()


@pytest.mark.postgres
def test_a_server_that_stops_answering_mid_session_is_given_up(postgres_url, monkeypatch):
    """A stopped server cannot run its own statement timeout; esma gives up after
    SILENCE_TIMEOUT seconds of silence with one line naming the server."""
    from sqlalchemy.engine import make_url

    import esma.dialects

    monkeypatch.setattr(esma.dialects, "SILENCE_TIMEOUT", 2)
    monkeypatch.setattr(esma.dialects, "CONNECT_TIMEOUT", 1)
    url = make_url(postgres_url)
    with _freezable_proxy(url.host, url.port or 5432) as (port, freeze):
        proxied = url.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
        with Store.open(proxied) as store:
            assert store.ids() == []
            freeze()
            outcome: list = []

            def read() -> None:
                try:
                    store.ids()
                except StoreError as exc:
                    outcome.append(exc)

            worker = threading.Thread(target=read, daemon=True)
            started = time.monotonic()
            worker.start()
            worker.join(timeout=30)
            assert not worker.is_alive(), "esma still waits for a server that stopped answering"
            assert time.monotonic() - started < 15
    (error,) = outcome
    assert f"database server 127.0.0.1:{port} stopped answering" in str(error)
    assert "\n" not in str(error)


@pytest.mark.postgres
def test_a_statement_that_waits_too_long_is_cancelled_by_the_server(postgres_url, monkeypatch):
    """Another session holds esma's schema lock; opening waits for it only STATEMENT_TIMEOUT
    seconds, then says so in one line."""
    import sqlalchemy as sa

    import esma.dialects

    monkeypatch.setattr(esma.dialects, "STATEMENT_TIMEOUT", 1)
    holder = sa.create_engine(postgres_url)
    try:
        with holder.connect() as conn, conn.begin():
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(esma.dialects._SCHEMA_LOCK)))
            started = time.monotonic()
            with pytest.raises(StoreError, match="longer than 1 s") as info:
                Store.open(postgres_url)
            assert time.monotonic() - started < 10
    finally:
        holder.dispose()
    assert "\n" not in str(info.value)
