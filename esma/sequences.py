"""Reading integer sequences that people paste or download, and what ``esma recurrence`` says.

>>> parse_sequence("1, 2, 3\\n5 8")
[1, 2, 3, 5, 8]
>>> seq = read_sequence("# A000045\\n0 0\\n1 1\\n2 1\\n3 2\\n")   # an OEIS b-file: n a(n)
>>> seq.terms, seq.offset
((0, 1, 1, 2), 0)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from esma.errors import InvalidParameter

if TYPE_CHECKING:
    from esma.recurrence import QuasiPolynomial, Recurrence

__all__ = [
    "MAX_DIGITS",
    "MAX_TERMS",
    "IntegerSequence",
    "SequenceRecurrence",
    "parse_sequence",
    "read_sequence",
    "sequence_recurrence",
]

#: Longest integer accepted (digits). Python turns at most 4,300 digits into an int and back
#: into text (its int/str limit); the terms of a sequence worth a recurrence are far shorter.
MAX_DIGITS = 4000
#: Most terms ``esma recurrence`` takes. Berlekamp–Massey is quadratic in the length: on this
#: project's 2-core machine a sequence without a recurrence took 0.8-1.6 s at 10,000 terms and
#: 3-8 s at 20,000 (tests/benchmarks/bench_sequences.py); a recurrence that exists shows in far
#: fewer terms.
MAX_TERMS = 10_000

_TOKEN = re.compile(r"[+-]?\d+")
_PRINT_LIMIT = 10**4300  # Python's int/str limit: 4,300 digits


@dataclass(frozen=True)
class IntegerSequence:
    """Integer terms and the index of the first one (an OEIS b-file's first n; 0 otherwise).

    >>> IntegerSequence((5, 8, 13), offset=4).index(2)
    6
    """

    terms: tuple[int, ...]
    offset: int = 0

    def index(self, i: int) -> int:
        """The file's index n of the i-th term (counting from 0)."""
        return self.offset + i


def read_sequence(text: str, *, name: str = "input") -> IntegerSequence:
    """Integers separated by spaces, commas or newlines, or an OEIS b-file (``n a(n)`` lines).

    A text is read as a b-file when it has at least two data lines and every one holds exactly
    two integers separated by spaces. Its n must then count up by one from the first line (the
    offset): a gap or an n out of order is refused, naming the line. ``#`` starts a comment.

    Raises
    ------
    InvalidParameter
        A token is not an integer or is longer than :data:`MAX_DIGITS` digits (the message
        names the line), a b-file's n is not consecutive, there are no integers, or there are
        more than :data:`MAX_TERMS`.

    Examples
    --------
    >>> read_sequence("1 5\\n2 8\\n3 13").offset
    1
    >>> read_sequence("0 1\\n1 2\\n3 5", name="b.txt")
    Traceback (most recent call last):
    ...
    esma.errors.InvalidParameter: sequence: b.txt, line 3: n = 3 follows n = 1; a b-file lists n = 0, 1, 2, ... without gaps or repeats (for a plain sequence, separate the terms by commas)
    """
    rows: list[tuple[int, list[int], bool]] = []  # (line number, integers, whitespace only)
    count = 0
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        tokens = [t for t in re.split(r"[\s,;]+", line) if t]
        for tok in tokens:
            if not _TOKEN.fullmatch(tok):
                raise _error(
                    f"{name}, line {lineno}: {tok[:40]!r} is not an integer; "
                    "give integers separated by spaces, commas or newlines"
                )
            if len(tok.lstrip("+-")) > MAX_DIGITS:
                raise _error(
                    f"{name}, line {lineno}: an integer has more than {MAX_DIGITS:,} digits; "
                    f"esma reads terms of up to {MAX_DIGITS:,} digits"
                )
        count += len(tokens)
        if count > 2 * MAX_TERMS + 2:  # a b-file has two integers a term; stop reading early
            raise _too_many(name)
        rows.append((lineno, [int(t) for t in tokens], not re.search(r"[,;]", line)))
    if not rows:
        raise _error(f"{name}: no integers found; give a sequence such as '1 2 3 5 8'")
    if len(rows) > 1 and all(len(vals) == 2 and plain for _, vals, plain in rows):
        sequence = _bfile(rows, name)
    else:
        sequence = IntegerSequence(tuple(v for _, vals, _ in rows for v in vals))
    if len(sequence.terms) > MAX_TERMS:
        raise _too_many(name)
    return sequence


def _bfile(rows: list[tuple[int, list[int], bool]], name: str) -> IntegerSequence:
    first = rows[0][1][0]
    for (_, prev, _), (lineno, vals, _) in pairwise(rows):
        if vals[0] != prev[0] + 1:
            raise _error(
                f"{name}, line {lineno}: n = {vals[0]} follows n = {prev[0]}; a b-file lists "
                f"n = {first}, {first + 1}, {first + 2}, ... without gaps or repeats (for a plain "
                "sequence, separate the terms by commas)"
            )
    return IntegerSequence(tuple(vals[1] for _, vals, _ in rows), offset=first)


def _error(message: str) -> InvalidParameter:
    return InvalidParameter(f"sequence: {message}", parameter="sequence")


def _too_many(name: str) -> InvalidParameter:
    return _error(
        f"{name} has more than {MAX_TERMS:,} terms, the most 'esma recurrence' takes "
        "(Berlekamp-Massey is quadratic in the length); a recurrence shows in far fewer terms"
    )


def parse_sequence(text: str, *, name: str = "input") -> list[int]:
    """The terms of :func:`read_sequence` as a list (a b-file's offset dropped).

    >>> parse_sequence("# A000045\\n0 0\\n1 1\\n2 1\\n3 2\\n")
    [0, 1, 1, 2]
    """
    return list(read_sequence(text, name=name).terms)


@dataclass(frozen=True)
class SequenceRecurrence:
    """What ``esma recurrence`` reports: the recurrence of a sequence and its closed form,
    indexed as the sequence's source indexes it (a b-file's n).

    The :class:`~esma.recurrence.Recurrence` and :class:`~esma.recurrence.QuasiPolynomial`
    themselves count from the first term (index 0), as conjecture records do; ``offset`` shifts
    the text, and ``to_dict`` carries it beside them.
    """

    sequence: IntegerSequence
    recurrence: Recurrence | None
    closed_form: QuasiPolynomial | None

    def lines(self) -> list[str]:
        """The text ``esma recurrence`` prints.

        >>> sequence_recurrence(read_sequence("".join(f"{n} {n}\\n" for n in range(1, 10)))).lines()
        ['a(n) = 2*a(n-1) - a(n-2) for n >= 3', 'a(1+m) = 1 + m']
        """
        if self.recurrence is None:
            return [f"no linear recurrence found in {len(self.sequence.terms)} terms"]
        offset = self.sequence.offset
        out = [self.recurrence.formula(offset=offset)]
        if self.closed_form is not None:
            out.append(self.closed_form.formula(offset=offset))
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON object ``esma recurrence --json`` prints (``offset``: the index of the first
        term; the sub-objects count from it as index 0)."""
        rec, qp = self.recurrence, self.closed_form
        return {
            "found": rec is not None,
            "offset": self.sequence.offset,
            "recurrence": rec.to_dict() if rec else None,
            "quasi_polynomial": qp.to_dict() if qp else None,
        }


def sequence_recurrence(sequence: IntegerSequence) -> SequenceRecurrence:
    """The shortest linear recurrence of ``sequence`` (:func:`esma.massey.find_recurrence`) and
    its quasi-polynomial closed form, if any.

    Raises
    ------
    InvalidParameter
        When a coefficient of the answer is too long to print (more than 4,300 digits).
    """
    from esma.massey import find_recurrence

    rec = find_recurrence(sequence.terms)
    qp = rec.quasi_polynomial() if rec is not None else None
    if rec is not None:
        numbers = list(rec.charpoly)
        if qp is not None:
            numbers += [c for poly in qp.polys for f in poly for c in (f.numerator, f.denominator)]
        if any(abs(c) >= _PRINT_LIMIT for c in numbers):
            raise _error(
                "the recurrence found has a coefficient of more than 4,300 digits, too long to "
                "print; give a sequence with smaller terms"
            )
    return SequenceRecurrence(sequence, rec, qp)
