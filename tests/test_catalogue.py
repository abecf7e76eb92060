"""The catalogue in conjectures/: every record parses, is canonical, and re-verifies.

The default suite re-verifies every record to 100 digits (a few seconds for all of them); the
``slow`` tests re-verify to 1000 digits and regenerate one file with its documented command
(``pytest -m slow tests/test_catalogue.py``).
"""

from __future__ import annotations

import json
import re
import shlex
from functools import cache
from pathlib import Path

import pytest

from esma.conjecture import Conjecture
from esma.export import read_jsonl
from esma.transforms import lhs_value
from esma.verify import approve

CATALOGUE = Path(__file__).resolve().parent.parent / "conjectures"
#: The constants of issue 7, by the names `esma constants` lists.
CONSTANTS = ("e", "e2", "tan1", "besselratio", "sqrte", "e13")
NEGATIVE = ("pi", "zeta3", "log2", "catalan")
FILES = sorted(CATALOGUE.glob("*.jsonl"))


@cache
def _records(path: Path) -> tuple[Conjecture, ...]:
    with path.open(encoding="utf-8") as fh:
        return tuple(read_jsonl(fh, name=path.name))


@cache
def _value(constant: str, lhs: str):
    return lhs_value(constant, lhs)


def test_one_file_per_constant():
    assert {p.stem for p in FILES} == set(CONSTANTS)
    for path in FILES:
        assert _records(path), f"{path.name} is empty"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_is_canonical(path):
    """Each line is exactly what this esma writes for the record (sorted keys, sorted by id),
    so `esma import` then `esma export` gives the same bytes, and the rendered fields
    (formula, latex, quasi_polynomial) are current."""
    lines = path.read_text(encoding="utf-8").splitlines()
    records = _records(path)
    assert len(lines) == len(records)
    ids = [c.id for c in records]
    assert ids == sorted(set(ids))
    for line, conj in zip(lines, records, strict=True):
        assert conj.constant == path.stem
        assert conj.verified_digits >= 1000
        assert line == conj.to_json(), f"{path.name}: record {conj.id} is not canonical"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_records_reverify_quickly(path):
    """Regenerate a_n from each recurrence and compare the continued fraction with the value,
    computed independently from the constant and the lhs, to 100 digits."""
    failed = []
    for conj in _records(path):
        approval = approve(_value(conj.constant, conj.lhs), conj.recurrence, conj.signs, digits=100)
        if approval is None or approval.digits < 100:
            failed.append(conj.id)
    assert not failed, f"{path.name}: {len(failed)} records fail at 100 digits: {failed[:5]}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_prefix_and_value_agree_with_the_constant(path):
    """The stored value text is the lhs at the constant (first 40 digits), and the stored
    prefix is what the recurrence generates (checked by from_dict)."""
    from flint import arb, ctx

    with ctx.workprec(400):  # arb parses decimal text at the working precision
        for conj in _records(path)[:200]:
            ball = _value(conj.constant, conj.lhs).arb(300)
            assert abs(arb(conj.lhs_value) - ball) < arb(10) ** -55, conj.id


def test_markdown_table_lists_every_record():
    table = (CATALOGUE / "catalogue.md").read_text(encoding="utf-8").splitlines()
    assert table[0] == "| id | constant | signs | formula | status | digits |"
    ids = [re.match(r"\| `([0-9a-f]{16})` \|", row).group(1) for row in table[2:]]
    expected = sorted(c.id for path in FILES for c in _records(path))
    assert sorted(ids) == expected


def test_readme_counts_match_the_files():
    """The README's table of counts is the files' record counts."""
    readme = (CATALOGUE / "README.md").read_text(encoding="utf-8")
    for path in FILES:
        row = re.search(
            rf"^\| `{path.stem}` \|.*\| \[`{path.name}`\]\({path.name}\) \| ([\d,]+) \|",
            readme,
            flags=re.MULTILINE,
        )
        assert row, f"README.md has no row for {path.name}"
        assert int(row.group(1).replace(",", "")) == len(_records(path)), path.name
    for name in NEGATIVE:
        assert f"`{name}`" in readme


def test_make_script_documents_every_file():
    script = (CATALOGUE / "make.sh").read_text(encoding="utf-8")
    loop = re.search(r"for name in ([\w ]+); do\s+\"\$ESMA\" search", script)
    assert loop and tuple(loop.group(1).split()) == CONSTANTS
    assert "--coeff 2 --periods 1-4 --depth 100" in script
    for name in (
        "catalogue.md",
        "families.md",
        "catalogue.html",
        '"$ESMA" check conjectures/*.jsonl',
    ):
        assert name in script, name


def test_families_page_lists_every_family_and_the_funnel():
    """families.md: a row per family of the records (computed here from the files), and the
    funnel of each constant."""
    from esma.families import families, funnel

    records = [c for path in FILES for c in _records(path)]
    fams = families(records, rates=False)
    page = (CATALOGUE / "families.md").read_text(encoding="utf-8")
    keys = re.findall(r"^\| `([0-9a-f]{16})` \|", page, flags=re.MULTILINE)
    assert sorted(keys) == sorted(f.key for f in fams)
    for row in funnel(fams):
        proved = sum(c.status == "proved" for c in records if c.constant == row.constant)
        line = (
            f"| `{row.constant}` | {row.records:,} | {proved:,} | {row.values:,} | "
            f"{row.value_classes:,} | {row.families:,} | {row.new_families:,} |"
        )
        assert line in page, line
    # Each constant's new families come before its classical ones.
    for constant in CONSTANTS:
        section = page.split(f"## `{constant}`", 1)[1].split("\n## ", 1)[0]
        kinds = [" | classical: " in r for r in section.splitlines() if r.startswith("| `")]
        assert kinds == sorted(kinds) and any(kinds) and not all(kinds), constant


# -- full precision, and regeneration (pytest -m slow) ---------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_records_reverify_to_1000_digits(path):
    failed = []
    for conj in _records(path):
        approval = approve(
            _value(conj.constant, conj.lhs), conj.recurrence, conj.signs, digits=1000
        )
        if approval is None or approval.digits < 1000:
            failed.append(conj.id)
    assert not failed, f"{path.name}: {len(failed)} records fail at 1000 digits: {failed[:5]}"


@pytest.mark.slow
def test_regenerating_a_file_gives_the_same_bytes(tmp_path):
    """Run make.sh's commands for e**2 (the smallest file) into a fresh database."""
    from click.testing import CliRunner

    from esma.cli import cli

    script = (CATALOGUE / "make.sh").read_text(encoding="utf-8")
    space = shlex.split(re.search(r"^SPACE=\((.*)\)$", script, flags=re.MULTILINE).group(1))
    db = f"sqlite:///{tmp_path / 'catalogue.db'}"
    out = tmp_path / "e2.jsonl"
    runner = CliRunner()
    done = runner.invoke(cli, ["search", "e2", *space, "--db", db, "--jobs", "1"], prog_name="esma")
    assert done.exit_code == 0, done.output
    done = runner.invoke(
        cli,
        ["export", "--db", db, "--constant", "e2", "--format", "jsonl", "-o", str(out)],
        prog_name="esma",
    )
    assert done.exit_code == 0, done.output
    assert out.read_bytes() == (CATALOGUE / "e2.jsonl").read_bytes()
    assert all(json.loads(line)["constant"] == "e2" for line in out.read_text().splitlines())
