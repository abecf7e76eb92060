"""The command-line contract (README.md): constants, expand, recurrence, search.

Expected values: worked examples of the published reference's own tests (e - 1 with signs [-1, 1] is 2, 3, 2, 5, ...), and coth(1/6) = (e^(1/3)+1)/(e^(1/3)-1) =
[6; 18, 30, 42, ...] (a_n = 6(2n+1), Euler), which the published reference gets wrong from
term 95 on.
"""

import json

import pytest
from click.testing import CliRunner

from esma.cli import cli


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ESMA_DB", raising=False)
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


def test_constants_lists_the_named_ones(run):
    result = run("constants", "--json")
    names = {row["name"] for row in json.loads(result.stdout)}
    assert {
        "e",
        "pi",
        "phi",
        "sqrt2",
        "catalan",
        "zeta3",
        "log2",
        "euler_gamma",
        "tan1",
        "besselratio",
    } <= names
    plain = run("constants")
    assert plain.exit_code == 0 and "2.718281828" in plain.output


def test_expand_coth_one_sixth_300_terms(run):
    result = run("expand", "(exp(1/3)+1)/(exp(1/3)-1)", "--terms", "300", "--json")
    data = json.loads(result.stdout)
    assert data["terms"] == [6 * (2 * n + 1) for n in range(300)]
    assert data["certified_terms"] == 300 and data["signs"] == [1] and data["digits"] > 0


@pytest.mark.parametrize(
    "args, prefix",
    [
        (["e"], [2, 1, 2, 1, 1, 4, 1, 1, 6]),
        (["tan(1)"], [1, 1, 1, 3, 1, 5, 1, 7]),
        (["besseli(0,2)/besseli(1,2)"], [1, 2, 3, 4, 5, 6]),
        (["e", "--lhs", "x/(x-1)", "--signs", "+-"], [1, 2, 3, 2, 5, 2, 7]),
        (["e", "--lhs", "x-1", "--signs", "-+"], [2, 3, 2, 5, 2, 7, 2, 9]),
        (["e", "--lhs", "x/(x-2)", "--signs", "1,1"], [3, 1, 3, 1, 1, 1, 3, 3, 3, 1, 3, 1]),
        (["tan1", "--lhs", "1/x", "--signs", "-"], [1, 3, 5, 7, 9, 11]),
    ],
)
def test_expand_worked_examples(run, args, prefix):
    data = json.loads(run("expand", *args, "--terms", str(len(prefix)), "--json").stdout)
    assert data["terms"] == prefix


def test_expand_plain_output(run):
    result = run("expand", "e", "--terms", "5")
    assert (
        result.exit_code == 0 and "2, 1, 2, 1, 1" in result.output and "certified" in result.output
    )


E_TERMS = "2 1 2 1 1 4 1 1 6 1 1 8 1 1 10 1 1 12 1 1 14 1 1 16 1 1 18 1 1 20"


def test_recurrence_of_e_from_stdin(run):
    data = json.loads(run("recurrence", "--json", input=E_TERMS).stdout)
    assert data["found"] is True
    assert data["recurrence"]["start"] == 1
    assert data["recurrence"]["charpoly"] == [1, 0, 0, -2, 0, 0, 1]
    qp = data["quasi_polynomial"]
    assert (qp["start"], qp["period"], qp["polys"]) == (1, 3, [[1], [2, 2], [1]])


def test_recurrence_reads_commas_newlines_and_bfiles(run, tmp_path):
    seq = [1, 2, 3, 2, 5, 2, 7, 2, 9, 2, 11, 2, 13, 2, 15, 2]
    commas = json.loads(run("recurrence", "--json", input=",\n".join(map(str, seq))).stdout)
    bfile = tmp_path / "b.txt"
    bfile.write_text("# a b-file\n" + "".join(f"{n} {a}\n" for n, a in enumerate(seq)))
    from_file = json.loads(run("recurrence", str(bfile), "--json").stdout)
    assert commas == from_file and commas["recurrence"]["charpoly"] == [1, 0, -2, 0, 1]


def test_recurrence_not_found_is_not_an_error(run):
    digits_of_pi = "3 1 4 1 5 9 2 6 5 3 5 8 9 7 9 3 2 3 8 4 6 2 6 4 3 3 8 3 2 7 9 5"
    result = run("recurrence", input=digits_of_pi)
    assert result.exit_code == 0 and "no linear recurrence" in result.output
    assert json.loads(run("recurrence", "--json", input=digits_of_pi).stdout)["found"] is False


@pytest.mark.parametrize(
    "args, word",
    [
        (["expand", "nosuch"], "unknown name"),
        (["expand", "1/3"], "rational"),
        (["expand", "e", "--signs", "+x"], "signs"),
        (["expand", "e", "--terms", "0"], "--terms"),
        (["expand", "e", "--lhs", "y+1"], "y"),
        (["expand", "e", "--lhs", "x - x"], "value of 'e - e' is zero"),  # the user's text
        (["expand", "e", "--lhs", "exp(800)*x"], "value of 'exp(800)*e' is too large"),
        (["recurrence", "-"], "integer"),
        (["search", "e", "--periods", "0-3"], "--periods"),
        (["search", "e", "--periods", "3-1"], "--periods"),
        (["search", "e", "--depth", "3"], "--depth"),
        (["search", "e", "--coeff", "0"], "--coeff"),
        (["search", "nosuchconstant"], "unknown name"),
        (["search", "2/7"], "rational"),
        (["search", "e", "--jobs", "0"], "--jobs"),
        (["search", "e", "--depth", "many"], "depth"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, monkeypatch, args, word):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ESMA_DB", raising=False)
    result = CliRunner().invoke(cli, args, input="1 2 x\n")
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and word in lines[0], result.stderr
    assert list(tmp_path.iterdir()) == []


def test_search_stores_resumes_and_prints_json(run, tmp_path):
    db = str(tmp_path / "s.db")
    first = run(
        "search",
        "e",
        "--coeff",
        "1",
        "--periods",
        "1-2",
        "--depth",
        "60",
        "--db",
        db,
        "--jobs",
        "1",
        "--json",
    )
    records = [json.loads(line) for line in first.stdout.splitlines()]
    assert records and all(r["verified_digits"] >= 1000 for r in records)
    assert {"x/(x - 1)", "x - 1"} <= {r["lhs"] for r in records}
    again = run(
        "search",
        "e",
        "--coeff",
        "1",
        "--periods",
        "1-2",
        "--depth",
        "60",
        "--db",
        db,
        "--jobs",
        "1",
        "--json",
    )
    assert again.stdout == first.stdout
    assert "resuming" in again.stderr
    table = run(
        "search",
        "e",
        "--coeff",
        "1",
        "--periods",
        "1-2",
        "--depth",
        "60",
        "--db",
        db,
        "--jobs",
        "1",
    )
    assert "x/(x - 1)".replace("x", "e") in table.output


def test_search_nothing_found_exits_0(run, tmp_path):
    result = run(
        "search",
        "pi",
        "--coeff",
        "1",
        "--periods",
        "1-1",
        "--db",
        str(tmp_path / "p.db"),
        "--jobs",
        "1",
    )
    assert result.exit_code == 0 and "no conjectures found" in result.output


def test_default_database_is_esma_db_in_current_folder(run, tmp_path):
    run("search", "e", "--coeff", "1", "--periods", "1-1", "--depth", "40", "--jobs", "1")
    assert (tmp_path / "esma.db").exists()


def test_help_does_not_import_heavy_modules():
    import subprocess
    import sys

    code = (
        "import sys; from esma.cli import cli\n"
        "try: cli(['--help'])\nexcept SystemExit: pass\n"
        "print(sorted(m for m in ('numba', 'sympy', 'flint', 'mpmath', 'sqlalchemy', 'dask') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_verify_records_each_check_and_refuses_a_missing_database(run, tmp_path):
    db = str(tmp_path / "v.db")
    records = [
        json.loads(line)
        for line in run(
            "search",
            "e",
            "--coeff",
            "1",
            "--periods",
            "1-1",
            "--depth",
            "60",
            "--db",
            db,
            "--jobs",
            "1",
            "--json",
        ).stdout.splitlines()
    ]
    first = records[0]["id"]
    result = run("verify", first[:6], "--db", db, "--digits", "1500")
    assert result.exit_code == 0 and f"{first}  ok, " in result.stdout
    shown = run("show", first, "--db", db).stdout
    assert "verification" in shown and "ok, 15" in shown
    missing = CliRunner().invoke(cli, ["verify", "--all", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and not (tmp_path / "none.db").exists()


def test_list_does_not_import_numba_or_sympy(tmp_path):
    """`esma list` reads stored records as they were rendered: no compiler, no CAS."""
    import subprocess
    import sys
    from pathlib import Path

    db = str(tmp_path / "l.db")
    catalogue = Path(__file__).resolve().parents[1] / "conjectures" / "e2.jsonl"
    assert CliRunner().invoke(cli, ["import", str(catalogue), "--db", db]).exit_code == 0
    code = (
        "import sys; from esma.cli import cli\n"
        f"try: cli(['list', '--db', {db!r}])\nexcept SystemExit: pass\n"
        "print(sorted(m for m in ('numba', 'sympy') if m in sys.modules), file=sys.stderr)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "e2" in out.stdout and out.stderr.strip().splitlines()[-1] == "[]"
