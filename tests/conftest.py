"""Shared fixtures: databases on every engine, and small valid conjectures."""

from __future__ import annotations

import os
import secrets

import pytest

# -- databases -------------------------------------------------------------------------------


def _postgres_database(server_url: str):
    """Create a fresh database on the server; yield its URL; drop it afterwards."""
    sa = pytest.importorskip("sqlalchemy")
    from sqlalchemy.engine import make_url

    name = f"esma_test_{secrets.token_hex(6)}"
    server = make_url(server_url)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.fail(f"ESMA_TEST_POSTGRES_URL={server_url} is set but unusable: {exc}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            # FORCE: a test that failed may have left its store open.
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _postgres_server() -> str:
    server_url = os.environ.get("ESMA_TEST_POSTGRES_URL")
    if not server_url:
        if os.environ.get("ESMA_REQUIRE_POSTGRES"):  # CI: a missing server is a failure
            pytest.fail("ESMA_REQUIRE_POSTGRES is set but ESMA_TEST_POSTGRES_URL is not")
        pytest.skip("ESMA_TEST_POSTGRES_URL not set (a PostgreSQL server URL enables these tests)")
    return server_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """URL of an empty database: a SQLite file, and a PostgreSQL database when
    ``ESMA_TEST_POSTGRES_URL`` names a server (e.g. postgresql+psycopg://esma@127.0.0.1:54329/postgres).
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'esma.db'}"
        return
    yield from _postgres_database(_postgres_server())


@pytest.fixture
def postgres_url():
    """URL of an empty PostgreSQL database (for what only a server can do)."""
    yield from _postgres_database(_postgres_server())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def new_db(request, tmp_path):
    """Factory of empty databases on one engine: each ``new_db()`` is another URL."""
    made = []

    def make() -> str:
        if request.param == "sqlite":
            made.append(None)
            return f"sqlite:///{tmp_path / f'esma{len(made)}.db'}"
        database = _postgres_database(_postgres_server())
        made.append(database)
        return next(database)

    yield make
    for database in made:
        if database is not None:
            database.close()  # runs the generator's finally: the database is dropped


# -- conjectures -----------------------------------------------------------------------------

#: e - 1 = 2 - 1/(3 + 1/(2 - 1/(5 + ...))): a_n = 2, 3, 2, 5, 2, 7, ... (the published reference's own tests).
E_MINUS_1 = {
    "constant": "e",
    "lhs": "x - 1",
    "lhs_value": "1.7182818284590452353602874713526624977572470936999595749669676",
    "signs": (-1, 1),
    "charpoly": (1, 0, -2, 0, 1),
    "initial": (2, 3, 2, 5),
}


def build_conjecture(
    lhs: str = "x - 1",
    *,
    constant: str = "e",
    huge: bool = False,
    verified_digits: int = 1000,
    convergence_rate: float = 2.5,
):
    """A valid Conjecture; a different ``lhs`` text gives a different id.

    With ``huge=True`` the even terms are 10**60 + 1 (the same recurrence a_n = 2a_{n-2} - a_{n-4}
    keeps them constant), to check that big integers survive storage exactly. The record need
    not be mathematically true: only its shape matters to storage and export.
    """
    from esma.conjecture import PREFIX_TERMS, Conjecture
    from esma.recurrence import Recurrence

    initial = (10**60 + 1, 3, 10**60 + 1, 5) if huge else E_MINUS_1["initial"]
    rec = Recurrence(charpoly=E_MINUS_1["charpoly"], start=0, initial=initial)
    return Conjecture(
        constant=constant,
        lhs=lhs,
        lhs_value=E_MINUS_1["lhs_value"],
        signs=E_MINUS_1["signs"],
        a_prefix=tuple(rec.terms(PREFIX_TERMS)),
        recurrence=rec,
        verified_digits=verified_digits,
        convergence_rate=convergence_rate,
    )


@pytest.fixture
def make_conjecture():
    """Factory of small valid conjectures: ``make_conjecture("x + 1", constant="pi", huge=True)``."""
    return build_conjecture


def catalogue_lines(name: str, count: int) -> list[str]:
    """The first ``count`` lines of ``conjectures/NAME.jsonl``: true records, approved to 1000
    digits, that an import accepts (the records of :func:`build_conjecture` need not be true)."""
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "conjectures" / f"{name}.jsonl"
    with path.open(encoding="utf-8") as fh:
        return [next(fh).rstrip("\n") for _ in range(count)]


@pytest.fixture
def true_records():
    """Five true records of three constants (e, e**2, tan 1), as JSON objects."""
    import json

    lines = catalogue_lines("e", 2) + catalogue_lines("e2", 2) + catalogue_lines("tan1", 1)
    return [json.loads(line) for line in lines]


# -- outside tools ---------------------------------------------------------------------------


def _need_tool(*names: str, install: str) -> None:
    """Skip, saying how to install them, unless every program in ``names`` is on the PATH; under
    ``ESMA_REQUIRE_TOOLS`` (set by .ci/run, which installs them) a missing one fails instead."""
    import shutil

    missing = [name for name in names if shutil.which(name) is None]
    if not missing:
        return
    message = f"{', '.join(missing)} not installed ({install})"
    if os.environ.get("ESMA_REQUIRE_TOOLS"):
        pytest.fail(f"ESMA_REQUIRE_TOOLS is set but {message}")
    pytest.skip(message)


def _need_module(name: str, extra: str = "dev") -> object:
    """``pytest.importorskip`` that fails under ``ESMA_REQUIRE_TOOLS`` instead of skipping."""
    if os.environ.get("ESMA_REQUIRE_TOOLS"):
        import importlib

        return importlib.import_module(name)
    return pytest.importorskip(name, reason=f"{name} is in esma's {extra} extra")


@pytest.fixture(scope="session")
def need_tool():
    """``need_tool("gp", install="...")``: skip (or, under ESMA_REQUIRE_TOOLS, fail) unless the
    programs are on the PATH."""
    return _need_tool


@pytest.fixture(scope="session")
def need_module():
    """``need_module("ramanujantools")``: the module, or a skip (a failure under
    ESMA_REQUIRE_TOOLS) when it is not installed."""
    return _need_module


# -- LaTeX -----------------------------------------------------------------------------------


@pytest.fixture
def compile_latex(tmp_path):
    """``compile_latex(body)``: typeset ``body`` in an amsmath article with pdflatex, assert it
    compiles and return pdflatex's log; ``compile_latex(text, document=True)`` typesets a whole
    document as it is. Skips (saying why) where pdflatex is not installed."""
    import subprocess

    def compile_body(body: str, document: bool = False) -> str:
        _need_tool("pdflatex", install="Debian: apt-get install texlive-latex-base")
        if not document:
            body = (
                "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
                + body
                + "\n\\end{document}\n"
            )
        (tmp_path / "doc.tex").write_text(body, encoding="utf-8")
        done = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stdout[-2000:]
        return (tmp_path / "doc.log").read_text(encoding="utf-8", errors="replace")

    return compile_body
