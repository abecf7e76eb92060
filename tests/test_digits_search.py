"""Searching a number given by its digits (esma search --value-file, or a long decimal CONSTANT).

Oracles: the digits of e are written from mpmath at a higher precision (correctly rounded), and
the search of them is compared with the search of the named constant e, which esma computes to
any precision: the same formulas must come out, approved only as far as the digits support.
Terms certified from a wide interval are compared with the signed expansion run in mpmath at
1,200 digits (the definition, as tests/test_digits.py runs it).
"""

from __future__ import annotations

import json
import re
import sqlite3

import mpmath
import pytest
from click.testing import CliRunner

from esma.cli import cli
from esma.digits import parse_digits
from esma.digitsearch import DIGITS_PREFIX, check_data
from esma.errors import InvalidParameter
from esma.expansion import signed_expansion
from esma.search import SearchSpace

WORK_DPS = 1200
SEARCH = ["--coeff", "2", "--periods", "1-3", "--jobs", "1"]


def e_digits(digits: int) -> str:
    """e correctly rounded to ``digits`` significant digits (mpmath at WORK_DPS)."""
    with mpmath.workdps(WORK_DPS):
        return mpmath.nstr(mpmath.e, digits, strip_zeros=False)


def mp_terms(x, signs, n):
    """The definition of the signed expansion, run in mpmath (x at WORK_DPS digits)."""
    out = []
    with mpmath.workdps(WORK_DPS):
        for i in range(n):
            b = signs[i % len(signs)]
            a = int(mpmath.floor(x)) if b > 0 else int(mpmath.ceil(x))
            out.append(a)
            x = b / (x - a)
    return out


def mp_value(lhs: str):
    """y = lhs(e) at WORK_DPS digits, for a left-hand side P(x)/Q(x) as esma writes it."""
    from esma.valueclasses import lhs_polynomials

    num, den = lhs_polynomials(lhs)
    with mpmath.workdps(WORK_DPS):
        e = mpmath.e
        return sum(c * e**k for k, c in enumerate(num)) / sum(c * e**k for k, c in enumerate(den))


def provable_decimals(lhs: str, radius) -> float:
    """-log10 of the half-width of y = lhs(x) when x ranges over e ± radius (to first order):
    no fraction can provably agree with every such y to more decimals than this."""
    from esma.valueclasses import lhs_polynomials

    num, den = lhs_polynomials(lhs)
    with mpmath.workdps(50):

        def f(t):
            return sum(c * t**k for k, c in enumerate(num)) / sum(
                c * t**k for k, c in enumerate(den)
            )

        return float(-mpmath.log10(abs(mpmath.diff(f, mpmath.e)) * radius))


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def records(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def count_rows(db, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """e to 1,000 and to 60 digits; the 1,000 digits spelled another way (lines of 50); √2."""
    root = tmp_path_factory.mktemp("digits")
    e1000 = e_digits(1000)
    paths = {
        "e1000": root / "e1000.txt",
        "e1000_lines": root / "e1000_lines.txt",
        "e60": root / "e60.txt",
        "sqrt2": root / "sqrt2.txt",
    }
    paths["e1000"].write_text(e1000 + "\n")
    head, rest = e1000[:2], e1000[2:]
    lines = [rest[i : i + 50] for i in range(0, len(rest), 50)]
    paths["e1000_lines"].write_text("# e, 1000 digits\n" + head + "\n".join(lines) + "\n")
    paths["e60"].write_text(e_digits(60) + "\n")
    with mpmath.workdps(WORK_DPS):
        paths["sqrt2"].write_text(mpmath.nstr(mpmath.sqrt(2), 1000, strip_zeros=False) + "\n")
    return paths


@pytest.fixture(scope="module")
def searched(files, tmp_path_factory):
    """The records of e's digits and of e, the same search (Möbius |coef| <= 2, periods 1-3)."""
    root = tmp_path_factory.mktemp("searched")
    digits_db, e_db = root / "digits.db", root / "e.db"
    from_digits = run(
        "search", "--value-file", str(files["e1000"]), *SEARCH, "--db", str(digits_db), "--json"
    )
    from_e = run("search", "e", *SEARCH, "--db", str(e_db), "--json")
    return records(from_digits), records(from_e), digits_db, e_db


# -- the same formulas as the named constant ---------------------------------------------------


def test_thousand_digits_of_e_give_the_formulas_of_e(searched):
    """Same distinct left-hand-side values and the same formulas (lhs, signs, recurrence) as the
    search of e itself; only the constant's name and the digits approved differ."""
    from_digits, from_e, *_ = searched
    assert len(from_e) > 100
    assert {r["lhs"] for r in from_digits} == {r["lhs"] for r in from_e}

    def formulas(recs):
        return sorted(
            (r["lhs"], tuple(r["signs"]), json.dumps(r["recurrence"], sort_keys=True)) for r in recs
        )

    assert formulas(from_digits) == formulas(from_e)
    by_formula = {(r["lhs"], tuple(r["signs"])): r for r in from_e}
    for r in from_digits:
        twin = by_formula[r["lhs"], tuple(r["signs"])]
        assert r["a_prefix"] == twin["a_prefix"]
        assert r["lhs_value"] == twin["lhs_value"]


def test_records_of_digits_are_approved_only_as_far_as_the_digits_support(searched, files):
    from_digits, from_e, *_ = searched
    sha = parse_digits(files["e1000"].read_text()).sha256
    assert {r["constant"] for r in from_digits} == {DIGITS_PREFIX + sha[:16]}
    assert {r["status"] for r in from_digits} == {"conjectured"}
    assert all(r["proof"] is None for r in from_digits)
    # e to 1,000 significant digits is e ± 5e-1000: a fraction can provably agree with every
    # number y of that interval only to about -log10(half its width) decimals, and no record
    # claims more; e's own records go beyond 1,000.
    for r in from_digits:
        most = provable_decimals(r["lhs"], mpmath.mpf("5e-1000"))
        assert most - 3 <= r["verified_digits"] <= most, (r["lhs"], r["verified_digits"], most)
    assert min(r["verified_digits"] for r in from_e) >= 1000
    # Each record agrees with its value, computed independently, to the digits it claims.
    for r in from_digits[:20]:
        with mpmath.workdps(WORK_DPS):
            stated = mpmath.mpf(r["lhs_value"])
            assert abs(stated - mp_value(r["lhs"])) < mpmath.mpf(10) ** -55


def test_the_search_says_what_it_approves_to(files, tmp_path):
    out = run(
        "search",
        "--value-file",
        str(files["e1000"]),
        "--coeff",
        "1",
        "--periods",
        "1-2",
        "--db",
        str(tmp_path / "s.db"),
    )
    assert out.exit_code == 0, out.output
    assert re.search(
        r"^approving to 99\d-99\d digits \(what the 1000 digits of the number support; "
        r"--digits 1000\)$",
        out.stdout,
        re.M,
    ), out.stdout
    shown = [int(d) for d in re.findall(r"\[(\d+) digits\]$", out.stdout, re.M)]
    assert shown and max(shown) <= 1000 and min(shown) >= 990


# -- refusals: one line, exit status 2, nothing written ----------------------------------------


def e_need(depth: int, coeff: int, periods: str) -> int:
    """The fewest digits of e that certify ``depth`` terms of every candidate (bisection with
    :func:`check_data` on e correctly rounded)."""

    def enough(d: int) -> bool:
        space = SearchSpace.create(
            parse_digits(e_digits(d)), coeff=coeff, periods=periods, depth=depth, digits=50
        )
        try:
            check_data(space.number, space.lhs, space.signs, depth, 50)
        except InvalidParameter:
            return False
        return True

    lo, hi = 20, 1000
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if enough(mid) else (mid + 1, hi)
    return lo


def test_sixty_digits_cannot_screen_the_default_depth(files, tmp_path):
    db = tmp_path / "never.db"
    out = run("search", "--value-file", str(files["e60"]), "--db", str(db))
    line = one_line_error(out)
    m = re.fullmatch(
        r"esma: error: --depth: 100 needs about (\d+) digits of the number; (\S+) gives 60: "
        r"give more digits or a smaller depth",
        line,
    )
    assert m, line
    assert m.group(2).endswith("e60.txt")
    assert not db.exists()  # the refusal came before the database was opened
    # "About": within a factor of the digits that are really needed (e's images such as
    # (e - 1)/(e + 1) = [0; 2, 6, 10, ...] need ~4 digits a term at depth 100).
    need = e_need(100, 2, "1-3")
    assert 0.75 * need <= int(m.group(1)) <= 1.5 * need
    assert need > 60


def test_refusals_leave_an_existing_database_untouched(files, tmp_path):
    db = tmp_path / "kept.db"
    first = run("search", "e", "--coeff", "1", "--periods", "1-1", "--db", str(db))
    assert first.exit_code == 0, first.output
    before = db.read_bytes(), count_rows(db, "runs"), count_rows(db, "conjectures")
    for args in (
        ["--value-file", str(files["e60"])],
        ["--value-file", str(files["e1000"]), "--name", "pi"],
        ["--value-file", str(files["e1000"]), "--depth", "1000"],
    ):
        one_line_error(run("search", *args, "--db", str(db)))
    assert (db.read_bytes(), count_rows(db, "runs"), count_rows(db, "conjectures")) == before


def test_too_few_digits_for_a_sane_approval(tmp_path):
    """45 digits certify 10 terms but approve to fewer than 50 decimals: refused."""
    out = run(
        "search", e_digits(45), "--depth", "10", "--coeff", "1", "--db", str(tmp_path / "a.db")
    )
    line = one_line_error(out)
    assert line.startswith("esma: error: --digits: CONSTANT gives 45 digits, which approve")
    assert "approval needs at least 50" in line


def test_constant_and_value_file_are_one_or_the_other(files, tmp_path):
    db = str(tmp_path / "x.db")
    both = run("search", "e", "--value-file", str(files["e1000"]), "--db", db)
    assert "give CONSTANT or --value-file FILE (one of them)" in one_line_error(both)
    neither = run("search", "--db", db)
    assert "give CONSTANT or --value-file FILE (one of them)" in one_line_error(neither)
    named = run("search", "e", "--name", "c", "--db", db)
    assert "--name names a number given by its digits" in one_line_error(named)


def test_a_long_decimal_constant_is_a_number_given_by_its_digits(tmp_path):
    db = tmp_path / "lit.db"
    short = run("search", e_digits(40), "--db", str(db))
    assert "CONSTANT gives 40: give more digits or a smaller depth" in one_line_error(short)
    out = run(
        "search", e_digits(300), "--coeff", "1", "--periods", "1-1", "--depth", "40",
        "--db", str(db), "--json",
    )  # fmt: skip
    found = records(out)
    sha = parse_digits(e_digits(300)).sha256
    assert found and {r["constant"] for r in found} == {DIGITS_PREFIX + sha[:16]}
    assert all(r["verified_digits"] <= 300 for r in found)


# -- a wider interval: fewer terms, never a wrong one ------------------------------------------


def test_a_radius_wider_than_the_digits_certifies_fewer_terms_never_a_wrong_one(files):
    cap = 300  # terms compared (minus signs give long runs of 2s: thousands of terms)
    narrow = parse_digits(files["e1000"].read_text())
    wide = parse_digits(f"[{e_digits(1000)} +/- 1e-300]")
    assert (wide.digits, wide.known_digits) == (1000, 301)
    space = SearchSpace.create(wide, coeff=1, periods="1-2", depth=60)
    ran_out = 0
    for f in space.lhs:
        y = mp_value(f.text)
        for signs in space.signs:
            got = signed_expansion(space.value(f), signs, cap).terms
            more = signed_expansion(narrow.image(f.num, f.den, f.text), signs, cap).terms
            assert list(got) == mp_terms(y, signs, len(got))
            assert more[: len(got)] == got
            if len(got) < cap:  # the wide interval ran out: the 1,000 digits go further
                assert len(got) < len(more)
                ran_out += 1
    assert ran_out >= len(space.lhs) * len(space.signs) // 2


def test_a_search_with_a_wide_radius_approves_to_what_the_radius_allows(tmp_path):
    number = f"[{e_digits(1000)} +/- 1e-300]"
    path = tmp_path / "wide.txt"
    path.write_text(number)
    out = run(
        "search", "--value-file", str(path), "--name", "w", "--coeff", "1", "--periods", "1-2",
        "--depth", "60", "--db", str(tmp_path / "w.db"), "--json",
    )  # fmt: skip
    found = records(out)
    assert found
    for r in found:
        assert r["constant"] == "w"
        most = provable_decimals(r["lhs"], mpmath.mpf("1e-300"))
        assert most - 3 <= r["verified_digits"] <= most
        assert r["a_prefix"] == mp_terms(mp_value(r["lhs"]), r["signs"], len(r["a_prefix"]))


# -- names: --name or the SHA-256, never two numbers under one -----------------------------------


def test_names_and_hashes_keep_numbers_apart(files, tmp_path):
    db = str(tmp_path / "n.db")
    small = ["--coeff", "1", "--periods", "1-1", "--db", db, "--json"]
    e_plain = records(run("search", "--value-file", str(files["e1000"]), *small))
    e_lines = records(run("search", "--value-file", str(files["e1000_lines"]), *small))
    root2 = records(run("search", "--value-file", str(files["sqrt2"]), *small))
    named = records(run("search", "--value-file", str(files["e1000"]), "--name", "c", *small))
    # The same digits spelled otherwise are the same number: the same records.
    assert e_lines == e_plain
    constants = [{r["constant"] for r in recs} for recs in (e_plain, root2, named)]
    assert [len(c) for c in constants] == [1, 1, 1]
    assert constants[2] == {"c"}
    assert constants[0] != constants[1] and all(
        c.pop().startswith(DIGITS_PREFIX) for c in constants[:2]
    )
    ids = [{r["id"] for r in recs} for recs in (e_plain, root2, named)]
    assert not (ids[0] & ids[1]) and not (ids[0] & ids[2])
    # Another number may not take a name the database gives to one.
    before = count_rows(tmp_path / "n.db", "runs")
    taken = run("search", "--value-file", str(files["sqrt2"]), "--name", "c", *small)
    line = one_line_error(taken)
    assert "this database has a search of another number named c" in line
    assert count_rows(tmp_path / "n.db", "runs") == before


def test_names_esma_knows_are_refused(files, tmp_path):
    for name, what in (("e", "a constant"), ("exp", "a function"), ("x", "the variable")):
        out = run(
            "search", "--value-file", str(files["e1000"]), "--name", name,
            "--db", str(tmp_path / "k.db"),
        )  # fmt: skip
        assert what in one_line_error(out)
    bad = run(
        "search", "--value-file", str(files["e1000"]), "--name", "my number",
        "--db", str(tmp_path / "k.db"),
    )  # fmt: skip
    assert "cannot name a number in records" in one_line_error(bad)
    assert not (tmp_path / "k.db").exists()


# -- resuming, workers -----------------------------------------------------------------------


class _StopAfter:
    """An executor that runs chunks in this process and is interrupted after ``n`` of them."""

    def __init__(self, n: int):
        self.n = n

    def start(self):
        pass

    def run(self, space, indices):
        from esma.search import run_chunk

        for k, index in enumerate(indices):
            if k == self.n:
                raise KeyboardInterrupt
            yield run_chunk(space, index)


def test_an_interrupted_search_of_digits_resumes(files, tmp_path, searched):
    from esma.runs import resume_search
    from esma.store import Store

    from_digits, *_ = searched
    db = tmp_path / "r.db"
    number = parse_digits(files["e1000"].read_text(), source="e1000.txt")
    space = SearchSpace.create(number, coeff=2, periods="1-3")
    with Store.open(f"sqlite:///{db}") as store, pytest.raises(KeyboardInterrupt):
        resume_search(space, store, _StopAfter(3))
    assert count_rows(db, "chunks") == 3
    out = run("search", "--value-file", str(files["e1000"]), *SEARCH, "--db", str(db), "--json")
    assert f"resuming: 3 of {space.total_chunks} chunks done" in out.stderr
    assert records(out) == from_digits
    # The same name with other digits is another search: refused, as above; the same digits
    # under their hash resume the same run.
    with sqlite3.connect(db) as conn:
        (params,) = conn.execute("SELECT parameters FROM runs").fetchone()
    assert json.loads(params)["value_sha256"] == number.sha256


def test_workers_get_the_digits(files, tmp_path, searched):
    """Two forked workers, and a Dask cluster, find what the search in one process finds."""
    from_digits, *_ = searched
    out = run(
        "search", "--value-file", str(files["e1000"]), "--coeff", "2", "--periods", "1-3",
        "--jobs", "2", "--db", str(tmp_path / "w.db"), "--json",
    )  # fmt: skip
    assert records(out) == from_digits


def test_a_dask_cluster_gets_the_digits(files, tmp_path, searched):
    distributed = pytest.importorskip("distributed")
    from esma.parallel import DaskExecutor
    from esma.runs import resume_search
    from esma.store import Store

    from_digits, *_ = searched
    number = parse_digits(files["e1000"].read_text())
    space = SearchSpace.create(number, coeff=2, periods="1-3")
    with (
        distributed.LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=False,  # a thread of this process, reached over TCP as a cluster is
            protocol="tcp",
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        DaskExecutor(cluster.scheduler_address) as executor,
        Store.open(f"sqlite:///{tmp_path / 'd.db'}") as store,
    ):
        done = resume_search(space, store, executor)
    assert list(done.records) == from_digits


def test_a_worker_refuses_digits_that_are_not_the_searched_number(files):
    from esma.parallel import chunk_task

    space = SearchSpace.create(parse_digits(files["e1000"].read_text()), coeff=1, periods="1-1")
    other = parse_digits(files["sqrt2"].read_text())
    with pytest.raises(InvalidParameter, match="not the number of the search"):
        chunk_task(json.dumps(space.to_dict()), 0, None, None, json.dumps(other.to_dict()))
    with pytest.raises(InvalidParameter, match="needs its digits"):
        chunk_task(json.dumps(space.to_dict()), 0)


# -- the other commands on such records --------------------------------------------------------


def test_other_commands_handle_records_of_digits(files, searched, tmp_path):
    from_digits, _, db, e_db = searched
    db = str(db)
    some = from_digits[0]["id"]
    proved = run("prove", "--all", "--db", db)
    assert proved.exit_code == 0, proved.output
    assert f"{len(from_digits)} records: 0 proved, {len(from_digits)} conjectured" in proved.output
    # The families of the digits' records are e's: the same fractions, placed the same way.
    fams, e_fams = run("families", "--db", db), run("families", "--db", str(e_db))
    assert fams.exit_code == 0 and e_fams.exit_code == 0
    last = fams.stdout.splitlines()[-1]
    assert re.fullmatch(r"\d+ families \(\d+ new\), \d+ records", last)
    assert last == e_fams.stdout.splitlines()[-1]
    # No regular-fraction rate is known without the number: "faster" is unknown, not 0.
    funnel = run("families", "--db", db, "--md").stdout
    row = next(line for line in funnel.splitlines() if line.startswith("| `digits:sha256:"))
    assert row.endswith("| – |")
    listed = run("list", "--db", db, "--constant", from_digits[0]["constant"], "--format", "json")
    assert len(json.loads(listed.stdout)) == len(from_digits)

    unverified = run("verify", some, "--db", db)
    assert unverified.exit_code == 1
    assert "UNREADABLE" in unverified.stdout
    assert "give them with --value-file FILE to verify its records" in unverified.stdout
    verified = run("verify", some, "--db", db, "--value-file", str(files["e1000"]))
    assert verified.exit_code == 0, verified.output
    assert re.search(rf"^{some}  ok, 99\d digits", verified.stdout, re.M)

    exported = tmp_path / "d.jsonl"
    assert run("export", "--db", db, "--format", "jsonl", "-o", str(exported)).exit_code == 0
    checked = run("check", str(exported))
    assert checked.exit_code == 0 and "0 certificates, 0 valid" in checked.output
    imported = run("import", str(exported), "--db", str(tmp_path / "i.db"))
    assert "a number a search knew only from its digits" in one_line_error(imported)
    sympy = run("export", "--db", db, "--format", "sympy", "-o", str(tmp_path / "f.py"))
    assert "a number given by its digits has none" in one_line_error(sympy)


def test_a_long_number_is_searched_with_the_digits_a_search_can_use(tmp_path):
    """5,000 digits: the search works with the first 2,100 (enough for --digits 1000 and 20
    digits a term of --depth 100), approves to the 1,000 digits asked, and is named by all
    5,000."""
    text = e_digits(5000)
    number = parse_digits(text)
    space = SearchSpace.create(number, coeff=1, periods="1-1")
    assert space.constant_value.digits == 2100
    assert space.constant == DIGITS_PREFIX + number.sha256[:16]
    assert space.constant_value.sha256 != number.sha256
    path = tmp_path / "e5000.txt"
    path.write_text(text)
    plain = run(
        "search", "--value-file", str(path), "--coeff", "1", "--periods", "1-1",
        "--db", str(tmp_path / "l.db"),
    )  # fmt: skip
    assert plain.exit_code == 0, plain.output
    note = "approving to 1000 digits, as --digits asks (the 5000 digits of the number support them)"
    assert note in plain.stdout.splitlines()
    found = records(
        run(
            "search", "--value-file", str(path), "--coeff", "1", "--periods", "1-1",
            "--db", str(tmp_path / "l.db"), "--json",
        )
    )  # fmt: skip
    reference = records(
        run("search", "e", "--coeff", "1", "--periods", "1-1", "--db", str(tmp_path / "e.db"), "--json")
    )  # fmt: skip
    assert [(r["lhs"], r["signs"], r["recurrence"]) for r in found] == [
        (r["lhs"], r["signs"], r["recurrence"]) for r in reference
    ]
    assert all(r["verified_digits"] >= 1000 for r in found)


def test_numbers_a_search_cannot_take_are_refused(tmp_path):
    db = tmp_path / "z.db"
    zero = run("search", "[0.001 +/- 0.01]", "--db", str(db))
    assert "the digits do not tell the number from 0" in one_line_error(zero)
    tiny = run("search", "1.23456789012345678901234567890123e-30", "--db", str(db))
    assert "outside the sizes esma searches" in one_line_error(tiny)
    assert not db.exists()


def test_a_digits_search_on_every_engine(db_url, files):
    """The same-name check and resuming read the runs' parameters on SQLite and PostgreSQL."""
    small = ["--coeff", "1", "--periods", "1-1", "--db", db_url, "--json"]
    first = records(run("search", "--value-file", str(files["e1000"]), "--name", "c", *small))
    again = run("search", "--value-file", str(files["e1000"]), "--name", "c", *small)
    assert records(again) == first and "resuming: 1 of 1 chunks done" in again.stderr
    other = run("search", "--value-file", str(files["sqrt2"]), "--name", "c", *small)
    assert "another number named c" in one_line_error(other)
    unnamed = records(run("search", "--value-file", str(files["sqrt2"]), *small))
    assert unnamed and all(r["constant"].startswith(DIGITS_PREFIX) for r in unnamed)


def test_approve_compares_a_number_given_by_its_digits_only_as_far_as_they_go():
    """Approve never asks the digits for what they do not have: within them it proves what
    they support; beyond them it refuses, rather than calling a true formula false."""
    from esma.constants import get_constant
    from esma.massey import find_recurrence
    from esma.verify import approve

    rec = find_recurrence(signed_expansion(get_constant("e"), "+", 60).terms)
    x = parse_digits(e_digits(100))
    approval = approve(x, rec, (1,), digits=90)
    assert approval is not None and 90 <= approval.digits <= 100
    with pytest.raises(InvalidParameter, match=r"digits: 1000 decimals asked of .*pin it to 99"):
        approve(x, rec, (1,), digits=1000)
