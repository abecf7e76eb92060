"""Exports (JSONL, CSV, LaTeX, Markdown), the JSONL reader, and the database commands of the CLI.

Expected values come from the writers' contracts in README.md (canonical JSONL: sorted keys, one
record a line, sorted by id) and from the conjectures each test builds itself.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esma.cli import cli
from esma.conjecture import PREFIX_TERMS, Conjecture
from esma.constants import parse_expression
from esma.errors import InvalidRecord
from esma.export import (
    CSV_COLUMNS,
    FORMATS,
    read_jsonl,
    write_csv,
    write_jsonl,
    write_latex,
    write_markdown,
)
from esma.recurrence import Recurrence
from esma.signs import format_signs
from esma.store import Store

CATALOGUE = Path(__file__).resolve().parent.parent / "conjectures"


def _jsonl(conjectures) -> str:
    buf = io.StringIO()
    write_jsonl(conjectures, buf)
    return buf.getvalue()


@pytest.fixture
def sample(make_conjecture):
    """Five conjectures of two constants, one with 61-digit terms."""
    return [
        make_conjecture("x - 1"),
        make_conjecture("(x + 1)/(x - 1)"),
        make_conjecture("x + 2", huge=True),
        make_conjecture("2*x", constant="exp(2)"),
        make_conjecture("x/2", constant="euler_gamma"),
    ]


# -- JSONL ----------------------------------------------------------------------------------------


def test_jsonl_is_canonical(sample):
    text = _jsonl(sample + sample[:2])
    lines = text.splitlines()
    assert text.endswith("\n") and len(lines) == len(sample)
    assert [json.loads(line)["id"] for line in lines] == sorted(c.id for c in sample)
    for line in lines:
        assert line == json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False)


def test_jsonl_round_trip_through_a_database_is_byte_identical(db_url, tmp_path, sample):
    """export -> import into an empty database -> export gives the same bytes."""
    with Store.open(db_url) as store:
        run, _ = store.start_run({"constant": "e"}, total_chunks=1)
        store.finish_chunk(run, 0, sample)
        first = _jsonl(store.conjectures())
    with Store.open(str(tmp_path / "rebuilt.db")) as rebuilt:
        assert rebuilt.import_conjectures(read_jsonl(io.StringIO(first)), "first") == (5, 0)
        second = _jsonl(rebuilt.conjectures())
    assert second == first
    assert str(10**60 + 1) in first


def test_big_integers_survive_jsonl(make_conjecture):
    huge = make_conjecture(huge=True)
    (back,) = read_jsonl(io.StringIO(_jsonl([huge])))
    assert back == huge and back.a_prefix[2] == 10**60 + 1


def _records(sample) -> list[dict]:
    return [json.loads(line) for line in _jsonl(sample).splitlines()]


@pytest.mark.parametrize(
    "damage, expected",
    [
        (
            lambda lines: lines[:2] + [lines[2][:57]] + lines[3:],
            r"f\.jsonl, line 3: not valid JSON",
        ),
        (
            lambda lines: lines[:1] + [_edit(lines[1], verified_digits="many")] + lines[2:],
            r"f\.jsonl, line 2: field 'verified_digits' must be an integer",
        ),
        (
            lambda lines: [_edit(lines[0], lhs="x - 7")] + lines[1:],
            r"f\.jsonl, line 1: record id .* does not match",
        ),
        (
            lambda lines: lines[:3] + ["[1, 2, 3]"] + lines[3:],
            r"f\.jsonl, line 4: a conjecture record must be a JSON object",
        ),
        (
            lambda lines: lines[:1] + [lines[1].replace("2.5", "NaN", 1)] + lines[2:],
            r"f\.jsonl, line 2: not valid JSON \(NaN",
        ),
        (
            lambda lines: lines[:4] + [_edit(lines[4], recurrence={"charpoly": [1]})],
            r"f\.jsonl, line 5: recurrence must have exactly the keys",
        ),
    ],
    ids=["truncated", "wrong-type", "id-mismatch", "not-object", "nan", "bad-recurrence"],
)
def test_read_jsonl_errors_name_the_line(sample, damage, expected):
    lines = _jsonl(sample).splitlines()
    text = "\n".join(damage(lines)) + "\n"
    with pytest.raises(InvalidRecord, match=expected) as info:
        read_jsonl(io.StringIO(text), name="f.jsonl")
    assert "\n" not in str(info.value)


def _edit(line: str, **changes) -> str:
    record = json.loads(line)
    record.update(changes)
    return json.dumps(record, sort_keys=True)


def test_read_jsonl_skips_blank_lines_and_reports_bad_utf8(sample, tmp_path):
    assert read_jsonl(io.StringIO("\n" + _jsonl(sample[:1]) + "\n  \n")) == sample[:1]
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(_jsonl(sample[:1]).encode() + b'{"lhs": "caf\xe9"}\n')
    with open(path, encoding="utf-8") as fh, pytest.raises(InvalidRecord, match="not UTF-8"):
        read_jsonl(fh, name="latin1.jsonl")


@st.composite
def conjectures(draw):
    """Random well-formed conjectures: any text, any sign period, any recurrence, big integers."""
    order = draw(st.integers(0, 4))
    tail = draw(st.lists(st.integers(-3, 3), min_size=order, max_size=order))
    if order:
        tail[-1] = tail[-1] or 1
    start = draw(st.integers(0, 2))
    initial = draw(
        st.lists(st.integers(-(10**70), 10**70), min_size=start + order, max_size=start + order)
    )
    if not initial:  # the zero recurrence (1,) with start 0 still needs a sequence
        initial = [0]
        start = 1
    rec = Recurrence(charpoly=(1, *tail), start=start, initial=tuple(initial))
    return Conjecture(
        constant=draw(st.text(min_size=1, max_size=12)),
        lhs=draw(st.text(min_size=1, max_size=30)),
        lhs_value=draw(st.text(max_size=60)),
        signs=tuple(draw(st.lists(st.sampled_from([1, -1]), min_size=1, max_size=5))),
        a_prefix=tuple(rec.terms(PREFIX_TERMS)),
        recurrence=rec,
        verified_digits=draw(st.integers(0, 10**6)),
        convergence_rate=draw(st.floats(0, 100, allow_nan=False)),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(conjectures(), max_size=4))
def test_jsonl_round_trip_property(items):
    text = _jsonl(items)
    back = read_jsonl(io.StringIO(text))
    assert back == sorted({c.id: c for c in items}.values(), key=lambda c: c.id)
    assert _jsonl(back) == text


# -- CSV, Markdown, LaTeX -------------------------------------------------------------------------


def test_csv_parses_back(make_conjecture):
    awkward = make_conjecture('f(x, "q")\nnext')  # commas, quotes and a newline in one cell
    items = [make_conjecture(), awkward, make_conjecture(huge=True)]
    buf = io.StringIO()
    assert write_csv(items, buf) == 3
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["id"] for r in rows] == [c.id for c in items]
    assert rows[1]["lhs"] == awkward.lhs
    assert rows[0]["signs"] == "-+"
    assert rows[0]["a_prefix"] == "2 3 2 5 2 7 2 9 2 11"
    assert rows[0]["charpoly"] == "1 0 -2 0 1"
    assert rows[0]["quasi_polynomial"] == "a(2m) = 2, a(1+2m) = 3 + 2m"
    assert rows[2]["a_prefix"].split()[0] == str(10**60 + 1)
    assert float(rows[0]["convergence_rate"]) == 2.5 and rows[0]["verified_digits"] == "1000"


def _md_cells(row: str) -> list[str]:
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def test_markdown_table(make_conjecture):
    items = [make_conjecture(), make_conjecture("x | 1"), make_conjecture("`x` + 1")]
    buf = io.StringIO()
    assert write_markdown(items, buf) == 3
    lines = buf.getvalue().splitlines()
    assert _md_cells(lines[0]) == ["id", "constant", "signs", "formula", "status", "digits"]
    assert set(lines[1]) <= set("|-: ")
    assert len(lines) == 2 + len(items)
    for line, conj in zip(lines[2:], items, strict=True):
        cells = _md_cells(line)
        assert len(cells) == 6, line
        assert cells[0] == f"`{conj.id}`" and cells[5] == "1000"
        assert cells[2] == "`-+`" and cells[4] == "conjectured"
    assert "e \\| 1 = " in lines[3]


def _check_latex_structure(body: str) -> None:
    unescaped = re.sub(r"\\[{}]", "", body)
    depth = 0
    for ch in unescaped:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    stack = []
    for kind, env in re.findall(r"\\(begin|end)\{(\w+\*?)\}", body):
        if kind == "begin":
            stack.append(env)
        else:
            assert stack.pop() == env
    assert not stack
    assert "\\documentclass" not in body


def test_latex_body(sample, compile_latex):
    buf = io.StringIO()
    assert write_latex(sample, buf) == len(sample)
    body = buf.getvalue()
    _check_latex_structure(body)
    assert body.count("\\section{") == 3  # e, exp(2), euler_gamma
    assert body.count("\\cfrac") >= 3 * len(sample)
    assert "euler\\_gamma" in body
    compile_latex(body)  # skips, saying so, where pdflatex is not installed


def _latex_number(text: str, m: int) -> Fraction:
    """The value of a printed polynomial like ``\\tfrac{1}{2}m^{2} + 3m - 1`` at ``m``, read back
    with esma's own parser (numbers fold exactly)."""
    text = re.sub(r"\\tfrac\{(\d+)\}\{(\d+)\}", r"(\1/\2)", text)
    text = re.sub(r"m\^\{(\d+)\}", r"m^\1", text)
    text = re.sub(r"(\d|\))m", r"\1*m", text).replace("m", f"({m})")
    tree = parse_expression(text)
    assert tree.op == "num", text
    return Fraction(tree.args[0])


def test_latex_states_every_head_term_and_every_class_of_the_catalogue():
    """Read back from the LaTeX of each catalogue record: the signs, every head term a_0 …
    a_{s-1} in order, and each residue class's polynomial, which must give the record's terms."""
    from esma.export import _latex_statement

    checked = 0
    for path in sorted(CATALOGUE.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            records = read_jsonl(fh, name=path.name)
        for c in records:
            text = _latex_statement(c)
            qp = c.quasi_polynomial
            terms = c.recurrence.terms(qp.start + 3 * qp.period)
            shown = re.search(r"\$b_n(?: = ([+-])1\$|\$ repeating \$\(([^)]*)\)\$)", text)
            signs = shown.group(1) or shown.group(2).replace(", ", "")
            assert signs == format_signs(c.signs), c.id
            head = re.search(r"\$a_\{0\}(?:, \\dots, a_\{(\d+)\})? = ([^$]*)\$", text)
            if qp.start == 0:
                assert head is None, c.id
            else:
                values = [int(v) for v in head.group(2).split(",\\allowbreak ")]
                assert values == terms[: qp.start], c.id
            classes = re.findall(r"\$a_\{(?:(\d+)\+)?(\d*)m\} = ([^$]*)\$", text)
            assert len(classes) == qp.period, c.id
            for j, (base, step, poly) in enumerate(classes):
                assert int(base or 0) == qp.start + j and int(step or 1) == qp.period, c.id
                for m in range(3):
                    assert _latex_number(poly, m) == terms[qp.start + j + m * qp.period], c.id
            checked += 1
    assert checked == 8416


def test_latex_of_the_catalogue_compiles_without_overfull_boxes(compile_latex):
    records = []
    for path in sorted(CATALOGUE.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            records += read_jsonl(fh, name=path.name)
    buf = io.StringIO()
    assert write_latex(records, buf, standalone=True) == len(records)
    document = buf.getvalue()
    assert document.startswith("% 8416 conjecture(s)") and "\\documentclass" in document
    assert document.rstrip().endswith("\\end{document}")
    log = compile_latex(document, document=True)
    assert "Output written on doc.pdf" in log
    assert "Overfull" not in log, re.findall(r"Overfull.*", log)[:5]


def test_latex_long_left_hand_sides_and_recurrences_fit(make_conjecture, compile_latex):
    """A left-hand side too long to share a line with its fraction gets a line of its own; a
    record without a closed form shows its recurrence."""
    fibonacci = Recurrence(charpoly=(1, -1, -1), start=0, initial=(1, 1))
    no_closed_form = Conjecture(
        "e", "x", make_conjecture().lhs_value, (1, -1), tuple(fibonacci.terms(PREFIX_TERMS)),
        fibonacci, 1000, 1.0,
    )  # fmt: skip
    long_lhs = make_conjecture(
        "(2*x**2 - 2*x + 1)/(x**2 + 2*x - 2)", constant="besseli(1, 2)/besseli(0, 2)"
    )
    buf = io.StringIO()
    write_latex([long_lhs, no_closed_form, make_conjecture()], buf)
    body = buf.getvalue()
    _check_latex_structure(body)
    assert body.count("\\begin{multline*}") == 1
    assert "a_{n} = a_{n-1} + a_{n-2}" in body
    log = compile_latex(body)
    assert "Overfull" not in log, re.findall(r"Overfull.*", log)


def test_export_latex_standalone_from_the_cli(filled):
    result = _run("export", "--db", filled, "--format", "latex", "--standalone")
    assert result.exit_code == 0, result.stderr
    assert "\\documentclass" in result.stdout and "\\end{document}" in result.stdout
    body = _run("export", "--db", filled, "--format", "latex").stdout
    assert "\\documentclass" not in body
    refused = _run("export", "--db", filled, "--format", "md", "--standalone")
    assert refused.exit_code == 2
    (line,) = refused.stderr.strip().splitlines()
    assert line.startswith("esma: error: --standalone applies to --format latex only, not md")


@pytest.mark.parametrize(
    "fmt, start",
    [
        ("sympy", "# 5 continued-fraction formulas written by 'esma export --format sympy'"),
        ("gp", "\\\\ 5 continued-fraction formulas written by 'esma export --format gp'"),
        ("ramanujantools", "# 5 continued-fraction formulas written by 'esma export --format"),
        ("html", "<!DOCTYPE html>"),
    ],
)
def test_export_for_other_tools_from_the_cli(filled, sample, tmp_path, fmt, start):
    out = tmp_path / f"formulas.{fmt}"
    result = _run("export", "--db", filled, "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"exported 5 conjectures to {out}"
    text = out.read_text(encoding="utf-8")
    assert text.startswith(start)
    assert all(c.id in text for c in sample)


def test_export_refuses_a_record_without_closed_form(tmp_path, make_conjecture):
    fibonacci = Recurrence(charpoly=(1, -1, -1), start=0, initial=(1, 1))
    conj = Conjecture(
        "e", "x", make_conjecture().lhs_value, (1,), tuple(fibonacci.terms(PREFIX_TERMS)),
        fibonacci, 1000, 1.0,
    )  # fmt: skip
    path = tmp_path / "f.db"
    with Store.open(str(path)) as store:
        run, _ = store.start_run({"constant": "e"}, total_chunks=1)
        store.finish_chunk(run, 0, [conj])
    out = tmp_path / "f.gp"
    result = _run("export", "--db", path, "--format", "gp", "-o", out)
    assert result.exit_code == 2 and not out.exists()
    assert result.stderr.strip() == (
        f"esma: error: record {conj.id} has no closed form in m (its recurrence is not a "
        "quasi-polynomial); this export needs one"
    )


def test_formats_table_matches_the_cli_choices():
    from esma.cli.records import _EXPORT_FORMATS

    assert (
        set(FORMATS)
        == set(_EXPORT_FORMATS)
        == {
            "jsonl",
            "csv",
            "latex",
            "md",
            "html",
            "sympy",
            "gp",
            "ramanujantools",
        }
    )


# -- the CLI --------------------------------------------------------------------------------------


def _run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


@pytest.fixture
def filled(tmp_path, sample):
    """A SQLite database holding the sample, found by one run, one of them verified."""
    path = tmp_path / "filled.db"
    with Store.open(str(path)) as store:
        run, _ = store.start_run({"constant": "e"}, total_chunks=1)
        store.finish_chunk(run, 0, sample)
        store.add_verification(sample[0].id, digits=1200, terms=1800, ok=True)
    return str(path)


@pytest.mark.parametrize("command", [["list"], ["list", "--format", "json"], ["show", "abcd"]])
def test_a_missing_database_is_refused_and_not_created(tmp_path, command):
    path = tmp_path / "none.db"
    result = _run(*command, "--db", path)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and f"there is no database {path}" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_list_formats(filled, sample):
    table = _run("list", "--db", filled)
    assert table.exit_code == 0
    assert all(c.id in table.stdout for c in sample)
    assert table.stdout.strip().endswith("5 conjectures")
    records = json.loads(_run("list", "--db", filled, "--format", "json").stdout)
    assert sorted(r["id"] for r in records) == sorted(c.id for c in sample)
    rows = list(csv.DictReader(io.StringIO(_run("list", "--db", filled, "--format", "csv").stdout)))
    assert len(rows) == 5
    only = _run("list", "--db", filled, "--constant", "exp( 2 )", "--format", "json")
    assert [r["lhs"] for r in json.loads(only.stdout)] == ["2*x"]  # canonical text matches


def test_list_reads_esma_db_from_the_environment(filled, monkeypatch):
    monkeypatch.setenv("ESMA_DB", filled)
    assert "5 conjectures" in _run("list").stdout


def test_show(filled, sample):
    conj = sample[0]
    result = _run("show", conj.id[:6], "--db", filled)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for text in (
        conj.id,
        conj.lhs_value,
        conj.recurrence.formula(),
        conj.formula,
        "run 1",
        "ok, 1200 digits, 1800 terms",
    ):
        assert text in out
    latex = _run("show", conj.id, "--db", filled, "--latex")
    assert latex.stdout.strip() == conj.latex


@pytest.mark.parametrize("args", [["show", "ffffffffffffffff"], ["show", "zz"]])
def test_show_errors_are_one_line_exit_2(filled, args):
    result = _run(*args, "--db", filled)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "esma: error:" in result.stderr


@pytest.fixture
def true_filled(tmp_path, true_records):
    """A SQLite database holding five true records (found by one run)."""
    path = tmp_path / "true.db"
    with Store.open(str(path)) as store:
        run, _ = store.start_run({"constant": "e"}, total_chunks=1)
        store.finish_chunk(run, 0, [Conjecture.from_dict(r) for r in true_records])
    return str(path)


def test_export_and_import_round_trip(db_url, true_filled, tmp_path):
    out = tmp_path / "all.jsonl"
    result = _run("export", "--db", true_filled, "--format", "jsonl", "-o", out)
    assert result.exit_code == 0 and "exported 5 conjectures" in result.stdout
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    imported = _run("import", out, "--db", db_url)
    assert imported.exit_code == 0, imported.stderr
    assert imported.stdout.strip() == "imported 5 new, 0 already present"
    again = _run("import", out, out, "--db", db_url)
    assert again.stdout.strip() == "imported 0 new, 10 already present"
    assert _run("export", "--db", db_url, "--format", "jsonl").stdout == out.read_text("utf-8")


@pytest.mark.parametrize("fmt", ["csv", "latex", "md"])
def test_export_other_formats_to_stdout(filled, fmt):
    result = _run("export", "--db", filled, "--format", fmt, "--constant", "e")
    assert result.exit_code == 0
    buf = io.StringIO()
    FORMATS[fmt](Store.open(filled).conjectures("e"), buf)
    assert result.stdout == buf.getvalue()


def test_export_to_a_missing_folder_writes_nothing(filled, tmp_path):
    result = _run("export", "--db", filled, "--format", "md", "-o", tmp_path / "no" / "x.md")
    assert result.exit_code == 2 and "does not exist" in result.stderr
    assert not (tmp_path / "no").exists()


def test_a_bad_import_changes_nothing(db_url, tmp_path, true_records):
    sample = [Conjecture.from_dict(r) for r in true_records]
    good = tmp_path / "good.jsonl"
    good.write_text(_jsonl(sample[:3]), encoding="utf-8")
    lines = _jsonl(sample[3:]).splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(lines[0] + "\n" + lines[1][:40] + "\n", encoding="utf-8")
    result = _run("import", good, bad, "--db", db_url)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert f"{bad}, line 2: not valid JSON" in result.stderr
    if db_url.startswith("sqlite"):
        assert not (tmp_path / "esma.db").exists()  # a new file is made only for good records
    else:
        with Store.open(db_url) as store:
            assert store.conjectures() == []
    missing = _run("import", tmp_path / "absent.jsonl", "--db", db_url)
    assert missing.exit_code == 2 and missing.stderr.count("\n") == 1


def test_import_from_stdin(tmp_path, true_records):
    db = tmp_path / "stdin.db"
    lines = "".join(json.dumps(r, sort_keys=True) + "\n" for r in true_records[:2])
    result = _run("import", "-", "--db", db, input=lines)
    assert result.stdout.strip() == "imported 2 new, 0 already present"
    with Store.open(str(db), read_only=True) as store:
        assert store.source_of(true_records[0]["id"])["source"] == "stdin"


@pytest.mark.parametrize("command", ["list", "show", "export", "import"])
def test_every_database_command_has_help_with_an_example(command):
    result = _run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout and f"esma {command}" in result.stdout
    assert "--db" in result.stdout
