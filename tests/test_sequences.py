"""Reading integer sequences: plain lists, OEIS b-files with their offset, and the caps.

Expected values: e = [2; 1, 2, 1, 1, 4, 1, 1, 6, ...] (Euler), whose terms satisfy
a(n) = 2a(n-3) - a(n-6) from the 7th on; the closed form is checked term by term against the
file's own n, an independent route from the formatted text.
"""

import json

import pytest
from click.testing import CliRunner

from esma.cli import cli
from esma.errors import InvalidParameter
from esma.sequences import (
    MAX_DIGITS,
    MAX_TERMS,
    IntegerSequence,
    parse_sequence,
    read_sequence,
    sequence_recurrence,
)

E_TERMS = [2] + [t for k in range(1, 12) for t in (1, 2 * k, 1)]


def bfile(terms, first=0, comments=True):
    head = "# A003417 continued fraction for e\n\n" if comments else ""
    return head + "".join(f"{first + i} {a}\n" for i, a in enumerate(terms))


@pytest.mark.parametrize("first", [0, 1, 5, -2])
def test_bfile_keeps_its_offset(first):
    seq = read_sequence(bfile(E_TERMS, first))
    assert seq == IntegerSequence(tuple(E_TERMS), offset=first)
    result = sequence_recurrence(seq)
    rec, qp = result.recurrence, result.closed_form
    # the objects count from the first term; the text counts as the file does
    assert rec.start == 1 and rec.charpoly == (1, 0, 0, -2, 0, 0, 1)
    lines = result.lines()
    assert lines[0] == f"a(n) = 2*a(n-3) - a(n-6) for n >= {7 + first}"
    assert lines[1].startswith(f"a({1 + first}+3m) = 1, " if 1 + first else "a(3m) = 1, ")
    for i, a in enumerate(E_TERMS[1:], start=1):  # the closed form at the file's own n
        assert qp.term(i) == a
    data = result.to_dict()
    assert data["offset"] == first and data["found"] is True
    assert data["recurrence"] == rec.to_dict()


def test_offset_text_for_a_bfile_from_one():
    text = "".join(f"{n} {n * n}\n" for n in range(1, 12))
    assert sequence_recurrence(read_sequence(text)).lines() == [
        "a(n) = 3*a(n-1) - 3*a(n-2) + a(n-3) for n >= 4",
        "a(1+m) = 1 + 2m + m**2",
    ]


@pytest.mark.parametrize(
    "text, line, n, prev",
    [
        ("0 1\n1 1\n3 2\n4 3\n", 3, 3, 1),  # a gap
        ("# c\n0 1\n\n1 1\n1 2\n", 5, 1, 1),  # a repeat; line numbers count every line
        ("5 1\n6 1\n4 2\n", 3, 4, 6),  # out of order
    ],
)
def test_bfile_gaps_and_disorder_are_refused_naming_the_line(text, line, n, prev):
    with pytest.raises(InvalidParameter) as err:
        read_sequence(text, name="b.txt")
    message = str(err.value)
    assert message.startswith(f"sequence: b.txt, line {line}: n = {n} follows n = {prev};")
    assert "\n" not in message and err.value.parameter == "sequence"


def test_plain_forms_are_not_bfiles():
    assert read_sequence("1, 2\n3, 5\n8, 13").terms == (1, 2, 3, 5, 8, 13)
    assert read_sequence("1 2 3\n5 8 13").offset == 0
    assert read_sequence("7 8").terms == (7, 8)  # one line: two terms
    assert parse_sequence(bfile(E_TERMS, 3)) == E_TERMS  # the list form drops the offset


def test_integers_up_to_the_digit_cap():
    big = 10 ** (MAX_DIGITS - 1) + 7  # 4,000 digits
    result = sequence_recurrence(read_sequence("\n".join([str(big)] * 12)))
    assert result.lines() == ["a(n) = a(n-1) for n >= 1", f"a(m) = {big}"]
    json.dumps(result.to_dict())  # printable
    with pytest.raises(InvalidParameter, match="more than 4,000 digits"):
        read_sequence("1 2 " + "9" * (MAX_DIGITS + 1), name="x")


def test_term_cap():
    ok = read_sequence(" ".join(map(str, range(MAX_TERMS))))
    assert len(ok.terms) == MAX_TERMS
    assert sequence_recurrence(ok).recurrence.charpoly == (1, -2, 1)
    with pytest.raises(InvalidParameter, match="more than 10,000 terms"):
        read_sequence(" ".join(["1"] * (MAX_TERMS + 1)))
    with pytest.raises(InvalidParameter, match="more than 10,000 terms"):
        read_sequence(" ".join(["1"] * (50 * MAX_TERMS)))  # refused while reading


def test_bad_tokens_name_the_line():
    with pytest.raises(InvalidParameter, match=r"^sequence: s, line 2: '2\.5' is not an integer"):
        read_sequence("1 2\n2.5 3", name="s")
    with pytest.raises(InvalidParameter, match="no integers found"):
        read_sequence("# nothing\n")


# -- the command line ------------------------------------------------------------------------


def test_cli_bfile_with_offset(tmp_path):
    f = tmp_path / "b003417.txt"
    f.write_text(bfile(E_TERMS, 1))
    result = CliRunner().invoke(cli, ["recurrence", str(f)])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "a(n) = 2*a(n-3) - a(n-6) for n >= 8",
        "a(2+3m) = 1, a(3+3m) = 2 + 2m, a(4+3m) = 1",
    ]
    data = json.loads(CliRunner().invoke(cli, ["recurrence", str(f), "--json"]).stdout)
    assert data["offset"] == 1 and data["recurrence"]["start"] == 1


@pytest.mark.parametrize(
    "text, word",
    [
        ("0 1\n1 1\n3 2\n", "line 3: n = 3 follows n = 1"),
        ("1 2 " + "9" * 5000, "more than 4,000 digits"),
        (" ".join(["1"] * (MAX_TERMS + 1)), "more than 10,000 terms"),
        ("1 2 x", "'x' is not an integer"),
    ],
)
def test_cli_bad_sequences_are_one_line_exit_2(text, word, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["recurrence"], input=text)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and word in lines[0], result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_help_states_the_limits():
    text = CliRunner().invoke(cli, ["recurrence", "--help"]).output
    assert "10,000 terms" in text and "4,000 digits" in text


def test_answers_too_long_to_print_are_one_line(monkeypatch):
    """Python cannot print an int of more than 4,300 digits; the guard is tried at a lower
    limit, as no sequence of 4,000-digit terms that shows a recurrence is needed for it."""
    import esma.sequences

    monkeypatch.setattr(esma.sequences, "_PRINT_LIMIT", 10**15)
    with pytest.raises(InvalidParameter, match="coefficient of more than 4,300 digits"):
        sequence_recurrence(read_sequence(" ".join([str(10**20)] * 10)))
