"""The commands of proofs and families (issues 12, 13 and 15): prove, check, families; what import,
search, list and show say about status and families."""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import catalogue_lines

from esma.cli import cli
from esma.conjecture import Conjecture, example
from esma.proofcheck import check
from esma.prove import Proof
from esma.store import Store

CATALOGUE = Path(__file__).resolve().parent.parent / "conjectures"


def _run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def _ok(*args, input=None):
    result = _run(*args, input=input)
    assert result.exit_code == 0, (result.output, result.stderr)
    return result


def _one_line(result, code: int = 2) -> str:
    assert result.exit_code == code, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("esma: error: "), result.stderr
    return lines[0]


def _unproved(line: str) -> str:
    """A catalogue line as a search with --no-prove would have stored it."""
    return json.dumps({**json.loads(line), "status": "conjectured", "proof": None})


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return catalogue_lines("e", 48) + catalogue_lines("tan1", 24)


@pytest.fixture(scope="module")
def imported(tmp_path_factory, lines) -> Path:
    """A database of 72 proved records of e and tan 1, imported by the command line."""
    path = tmp_path_factory.mktemp("db") / "cat.db"
    source = path.parent / "part.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _ok("import", source, "--db", path, "--jobs", "1")
    return path


@pytest.fixture
def db(imported, tmp_path) -> Path:
    """A copy of :func:`imported` this test may change."""
    path = tmp_path / "copy.db"
    shutil.copy(imported, path)
    return path


# -- esma check ---------------------------------------------------------------------------------


def test_check_validates_every_certificate_of_the_catalogue():
    files = sorted(CATALOGUE.glob("*.jsonl"))
    count = sum(1 for f in files for line in f.open(encoding="utf-8") if line.strip())
    result = _ok("check", *files)
    assert result.stdout.splitlines() == [f"{count} certificates, {count} valid"]


def test_check_names_a_tampered_certificate_and_fails(tmp_path, lines):
    records = [json.loads(line) for line in lines[:3]]
    records[1]["proof"]["E"][0] = [7, 7]  # one emitted term of the super-block changed
    records[2]["proof"] = None  # says proved, carries nothing
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = _run("check", path)
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    assert out[0] == "3 certificates, 1 valid"
    assert out[1].startswith(f"{records[1]['id']}  INVALID  emission 0 of the super-block")
    assert out[2].startswith(f"{records[2]['id']}  INVALID  ")
    assert "2 of 3 certificates are invalid" in result.stderr


def test_check_counts_conjectured_records_without_checking_them(tmp_path, lines):
    path = tmp_path / "c.jsonl"
    path.write_text(_unproved(lines[0]) + "\n" + lines[1] + "\n", encoding="utf-8")
    assert _ok("check", path).stdout.splitlines() == ["1 certificates, 1 valid"]


@pytest.mark.parametrize(
    "text, word",
    [("{not json\n", "line 2: not valid JSON"), ("[1, 2]\n", "line 2: not a JSON object")],
)
def test_check_a_bad_line_is_one_line_naming_file_and_line(tmp_path, lines, text, word):
    path = tmp_path / "bad.jsonl"
    path.write_text(lines[0] + "\n" + text, encoding="utf-8")
    line = _one_line(_run("check", path))
    assert f"{path}, {word}" in line


def test_check_a_missing_file_is_a_usage_error(tmp_path):
    result = _run("check", tmp_path / "none.jsonl")
    assert result.exit_code == 2 and "does not exist" in result.stderr


# -- esma prove ---------------------------------------------------------------------------------


def test_prove_stores_status_and_certificate(tmp_path, lines):
    source = tmp_path / "c.jsonl"
    source.write_text("\n".join(_unproved(x) for x in lines[:4]) + "\n", encoding="utf-8")
    db = tmp_path / "p.db"
    _ok("import", source, "--db", db, "--jobs", "1")
    assert "conjectured" in _ok("show", json.loads(lines[0])["id"], "--db", db).stdout
    first = json.loads(lines[0])["id"]
    result = _ok("prove", first[:6], "--db", db)
    assert result.stdout.splitlines() == [
        f"{first}  proved  Euler 1737",
        "1 record: 1 proved, 0 conjectured, 0 refuted",
    ]
    with Store.open(str(db), read_only=True) as store:
        record = store.records_of([first])[first]
    assert record == json.loads(lines[0])  # the certificate the catalogue carries, same id
    result = _ok("prove", "--constant", "e", "--db", db, "--json")
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert {o["status"] for o in objects} == {"proved"} and len(objects) == 4
    assert all({"id", "status", "theorem", "reason"} <= set(o) for o in objects)
    assert result.stderr.strip() == "4 records: 4 proved, 0 conjectured, 0 refuted"
    shown = _ok("show", first, "--db", db).stdout
    assert "theorem         e = [2; (1, 2k, 1) for k ≥ 1] (Euler 1737)" in shown
    assert "status          proved for every n" in shown
    assert _ok("list", "--db", db, "--status", "conjectured").stdout.strip() == "no conjectures"


def test_a_refuted_record_stays_conjectured_and_the_exit_status_says_so(tmp_path):
    from test_prove import closed_form_record

    false = closed_form_record(example(), [2], 1, 2, [[3, 3], [2]])  # a_{1+2m} = 3 + 3m
    forged = false.proved({"v": 1, "theorem": "e"})  # and a certificate that cannot stand
    db = tmp_path / "r.db"
    with Store.open(str(db)) as store:
        store.import_conjectures([forged, example()], "forged.jsonl")  # taken as given
    result = _run("prove", "--all", "--db", db)
    assert result.exit_code == 1
    assert f"{false.id}  refuted  at n = 3: proven 5, record says 6" in result.stdout
    assert f"{example().id}  proved  Euler 1737" in result.stdout
    assert result.stdout.splitlines()[-1] == "2 records: 1 proved, 0 conjectured, 1 refuted"
    assert "1 record refuted: kept as conjectured" in result.stderr
    with Store.open(str(db), read_only=True) as store:
        assert store.status_of(false.id) == ("conjectured", None)  # kept, not proved
        assert store.status_of(example().id)[0] == "proved"


def test_a_valid_stored_certificate_survives_a_prover_that_gives_up(db, lines, monkeypatch):
    import esma.prove

    def gives_up(conjecture):
        return Proof("conjectured", None, "no theorem for this constant")

    monkeypatch.setattr(esma.prove, "prove", gives_up)
    first, second = json.loads(lines[0]), json.loads(lines[1])
    with Store.open(str(db)) as store:
        cert = dict(second["proof"], E=[[7, 7], *second["proof"]["E"][1:]])
        store.set_status(second["id"], "proved", cert)  # a certificate the checker rejects
    result = _ok("prove", first["id"], second["id"], "--db", db)
    assert result.stdout.splitlines() == [
        f"{first['id']}  proved  e (stored certificate, re-checked)",
        f"{second['id']}  conjectured  no theorem for this constant",
        "2 records: 1 proved, 1 conjectured, 0 refuted",
    ]
    with Store.open(str(db), read_only=True) as store:
        assert store.status_of(first["id"]) == ("proved", first["proof"])
        assert store.status_of(second["id"]) == ("conjectured", None)


@pytest.mark.parametrize(
    "args, word",
    [
        ([], "give conjecture IDs, --all or --constant"),
        (["abcd", "--all"], "not both"),
        (["zz"], "not a conjecture id"),
        (["0000"], "no conjecture"),
    ],
)
def test_prove_bad_input_is_one_line(db, args, word):
    before = db.read_bytes()
    line = _one_line(_run("prove", *args, "--db", db))
    assert word in line
    assert db.read_bytes() == before


# -- esma import and certificates ---------------------------------------------------------------


def test_import_stores_a_record_whose_certificate_fails_as_conjectured(tmp_path, lines):
    records = [json.loads(line) for line in lines[:3]]
    records[0]["proof"]["S"][0] = [5]
    source = tmp_path / "t.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "i.db"
    out = _ok("import", source, "--db", db, "--jobs", "1").stdout.splitlines()
    assert out[0] == "imported 3 new, 0 already present"
    assert out[1] == (
        "1 certificate failed the checker: stored as conjectured (approved to their digits, "
        "not proved):"
    )
    assert out[2].startswith(f"  {records[0]['id']}  ") and len(out) == 3
    with Store.open(str(db), read_only=True) as store:
        assert store.status_of(records[0]["id"]) == ("conjectured", None)
        assert store.status_of(records[1]["id"])[0] == "proved"
        assert check(store.records_of([records[1]["id"]])[records[1]["id"]]).ok


# -- esma families ------------------------------------------------------------------------------


def _value(text: str) -> Fraction:
    return Fraction(text)


def test_families_json_partitions_the_records_with_exact_transforms(imported, lines):
    out = _ok("families", "--db", imported, "--json").stdout.splitlines()
    fams = [json.loads(line) for line in out]
    keys = {"family", "constant", "representative", "members", "kind", "citation"}
    keys |= {"value_class", "convergence_rate", "simple_cf_rate"}
    assert all(keys <= set(f) for f in fams)
    records = {r["id"]: r for r in map(json.loads, lines)}
    members = [m["id"] for f in fams for m in f["members"]]
    assert sorted(members) == sorted(records)  # every record in exactly one family
    for fam in fams:
        rep = _value(records[fam["representative"]]["lhs_value"])
        assert fam["members"][0] == {"id": fam["representative"], "transform": [[1, 0], [0, 1]]}
        for member in fam["members"]:
            (p, q), (r, s) = member["transform"]
            assert p * s - q * r in (1, -1)
            mapped = (p * rep + q) / (r * rep + s)
            # y_member = M(y_rep): the 60-digit values agree to far more than chance allows.
            assert abs(mapped - _value(records[member["id"]]["lhs_value"])) < Fraction(1, 10**40)
    kinds = {f["constant"]: set() for f in fams}
    for f in fams:
        kinds[f["constant"]].add(f["kind"])
    assert kinds == {"e": {"new", "classical"}, "tan1": {"new", "classical"}}
    classical = [f for f in fams if f["kind"] == "classical"]
    assert all(f["citation"] for f in classical)


def test_families_lines_new_and_constant(imported):
    text = _ok("families", "--db", imported).stdout.splitlines()
    everything = [
        json.loads(x) for x in _ok("families", "--db", imported, "--json").stdout.split("\n") if x
    ]
    assert len(text) == len(everything) + 1
    assert text[-1].startswith(f"{len(everything)} families (")
    classical = next(line for line in text if "classical (Euler 1737)" in line)
    assert " e " in classical and "digits/term" in classical
    new = _ok("families", "--db", imported, "--new", "--constant", "tan1").stdout.splitlines()
    assert new[:-1] and all(" tan1 " in line and "  new  " in line for line in new[:-1])


def test_families_of_a_stopped_search_are_placed_by_esma_families(tmp_path, lines):
    db = tmp_path / "u.db"
    with Store.open(str(db)) as store:  # stored as a stopped search leaves them: unplaced
        run, _ = store.start_run({"constant": "e"}, total_chunks=2)
        store.finish_chunk(run, 0, [Conjecture.from_dict(json.loads(x)) for x in lines[:20]])
        assert store.families() == []
    shown = _ok("families", "--db", db, "--json").stdout
    with Store.open(str(db), read_only=True) as store:
        assert store.unplaced() == [] and len(store.families()) == len(shown.splitlines())


def test_list_family_and_show_name_the_family(imported):
    fams = [json.loads(x) for x in _ok("families", "--db", imported, "--json").stdout.splitlines()]
    fam = max(fams, key=lambda f: len(f["members"]))
    listed = _ok("list", "--db", imported, "--family", fam["family"][:8]).stdout.splitlines()
    assert sorted(line.split()[0] for line in listed[1:-1]) == sorted(
        m["id"] for m in fam["members"]
    )
    member = fam["members"][1]
    shown = _ok("show", member["id"], "--db", imported).stdout
    assert f"family          {fam['family']} ({len(fam['members'])} members" in shown
    assert f"representative  {fam['representative']}  " in shown
    (p, q), (r, s) = member["transform"]
    assert f"M = [[{p}, {q}], [{r}, {s}]]" in shown
    line = _one_line(_run("list", "--db", imported, "--family", "ffffffffff"))
    assert "no family" in line


# -- esma list ----------------------------------------------------------------------------------


def test_list_sorts_filters_and_shows_the_sign_period(imported, lines):
    records = [json.loads(x) for x in lines]
    out = _ok("list", "--db", imported, "--signs", "++-+").stdout.splitlines()
    expected = sorted(r["id"] for r in records if r["signs"] == [1, 1, -1, 1])
    assert [line.split()[0] for line in out[1:-1]] == expected
    assert all(line.split()[2] == "++-+" for line in out[1:-1])
    by_rate = _ok("list", "--db", imported, "--sort", "rate", "--format", "json").stdout
    rates = [r["convergence_rate"] for r in json.loads(by_rate)]
    assert rates == sorted(rates, reverse=True) and len(rates) == len(records)
    period = _ok("list", "--db", imported, "--period", "3", "--limit", "4", "--format", "json")
    chosen = json.loads(period.stdout)
    assert len(chosen) == 4 and all(len(r["signs"]) == 3 for r in chosen)
    by_height = json.loads(
        _ok("list", "--db", imported, "--sort", "height", "--format", "json").stdout
    )
    assert by_height[0]["lhs"] in ("x", "x - 1", "x + 1", "1/x", "-x", "x - 2", "x + 2")
    proved = _ok("list", "--db", imported, "--status", "proved", "--format", "json").stdout
    assert len(json.loads(proved)) == len(records)
    line = _one_line(_run("list", "--db", imported, "--signs", "+x"))
    assert "signs" in line


# -- esma search --------------------------------------------------------------------------------

SEARCH = ["search", "e", "--coeff", "1", "--periods", "1-2", "--depth", "60", "--jobs", "1"]


def test_search_ends_with_families_and_the_summary(tmp_path):
    db = tmp_path / "s.db"
    piped = _ok(*SEARCH, "--db", db).stdout.splitlines()
    records = [line for line in piped if "digits]" in line]
    head = next(i for i, line in enumerate(piped) if " records in " in line)
    assert len(records) == head  # every record first, when piped
    assert piped[head].startswith(f"{len(records)} records in ")
    assert (
        piped[-1].endswith(")") and f"{len(records)} approved ({len(records)} proved)" in piped[-1]
    )
    quiet = _ok(*SEARCH, "--db", db, "--quiet").stdout.splitlines()
    assert quiet[0].startswith(f"... {len(records)} records not shown (all are stored")
    assert quiet[1:] == piped[head:-1] + quiet[-1:]
    limited = _ok(*SEARCH, "--db", db, "--limit", "3").stdout.splitlines()
    assert limited[:3] == piped[:3] and limited[3].startswith(f"... {len(records) - 3} more")


def test_search_no_prove_is_a_search_of_its_own(tmp_path):
    db = tmp_path / "n.db"
    out = _ok(*SEARCH, "--db", db, "--no-prove", "--json").stdout.splitlines()
    assert {json.loads(line)["status"] for line in out} == {"conjectured"}
    again = _ok(*SEARCH, "--db", db, "--json").stdout.splitlines()  # another run: proves
    assert {json.loads(line)["status"] for line in again} == {"proved"}
    assert len(again) == len(out)


def test_search_on_a_terminal_prints_a_few_records(tmp_path):
    """On a terminal, at most 20 records (then how many more) before the families and the
    summary; the records are all stored."""
    import os
    import pty
    import subprocess
    import sys

    db = tmp_path / "t.db"
    main, child = pty.openpty()
    env = {**os.environ, "COLUMNS": "250", "LINES": "50", "TERM": "dumb"}
    done = subprocess.run(
        [sys.executable, "-m", "esma", *SEARCH, "--db", str(db)],
        stdin=subprocess.DEVNULL,
        stdout=child,
        stderr=subprocess.DEVNULL,
        env=env,
        timeout=300,
        check=False,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # the other end is closed: everything was read
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert done.returncode == 0, text
    with Store.open(str(db), read_only=True) as store:
        stored = store.ids()
    assert len(stored) > 20
    shown = [i for i in stored if i in text]
    assert len(shown) == 20, text
    assert f"{len(stored) - 20} more records not shown" in text
    assert f"{len(stored)} records in " in text and "approved" in text.splitlines()[-1]
