"""Conjectures out to JSONL (the canonical, reviewable form), CSV, LaTeX, Markdown, an HTML page,
SymPy, PARI/GP and ramanujantools; JSONL in.

Canonical JSONL is one record per line, keys sorted, records sorted by id, UTF-8: exporting,
importing into an empty database and exporting again gives the same bytes, so the files under
``conjectures/`` can be reviewed as text and the database rebuilt from them.

>>> import io
>>> from esma.conjecture import Conjecture, canonical_json
>>> from esma.recurrence import Recurrence
>>> rec = Recurrence(charpoly=(1, 0, -2, 0, 1), start=0, initial=(2, 3, 2, 5))
>>> c = Conjecture(constant="e", lhs="x - 1", lhs_value="1.71828182845904523536",
...     signs=(-1, 1), a_prefix=tuple(rec.terms(30)), recurrence=rec,
...     verified_digits=1000, convergence_rate=2.5)
>>> buf = io.StringIO()
>>> write_jsonl([c], buf)
1
>>> read_jsonl(io.StringIO(buf.getvalue())) == [c]
True
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from esma.conjecture import Conjecture, canonical_json
from esma.constants import lhs_latex
from esma.errors import EsmaError, InvalidParameter, InvalidRecord
from esma.htmlpage import write_html
from esma.interop import join_terms, poly_terms, write_gp, write_ramanujantools, write_sympy
from esma.notation import cf_latex, format_signs, latex_text, signs_latex

#: How many partial denominators the CSV column ``a_prefix`` shows.
CSV_PREFIX_TERMS = 10

#: Columns of the CSV export, in order.
CSV_COLUMNS = (
    "id",
    "constant",
    "lhs",
    "signs",
    "a_prefix",
    "charpoly",
    "recurrence_start",
    "quasi_polynomial",
    "verified_digits",
    "convergence_rate",
    "formula",
)


def write_jsonl(conjectures: Iterable[Conjecture], fh: IO[str]) -> int:
    """Write the canonical JSONL: one record a line, sorted by id, each id once.

    Returns
    -------
    int
        How many records were written.

    >>> import io; buf = io.StringIO()
    >>> from esma.conjecture import example
    >>> write_jsonl([example(), example()], buf), buf.getvalue().count("\\n")
    (1, 1)
    """
    return write_records_jsonl((c.to_dict() for c in conjectures), fh)


def write_records_jsonl(records: Iterable[dict], fh: IO[str]) -> int:
    """:func:`write_jsonl` for records already in ``to_dict()`` form (as the store keeps them),
    without rebuilding objects.

    >>> import io; buf = io.StringIO()
    >>> write_records_jsonl([{"id": "b"}, {"id": "a"}, {"id": "b"}], buf), buf.getvalue().split()
    (2, ['{"id":', '"a"}', '{"id":', '"b"}'])
    """
    unique = {r["id"]: r for r in records}
    for key in sorted(unique):
        fh.write(canonical_json(unique[key]) + "\n")
    return len(unique)


def _reject_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a JSON number")


def iter_json_lines(fh: IO[str], *, name: str = "input") -> Iterator[tuple[int, Any]]:
    """Yield ``(line number, parsed JSON)`` for every line of JSONL that is not blank.

    Raises
    ------
    InvalidRecord
        A line is not JSON (or not UTF-8); the message names ``name`` and the line.

    >>> import io
    >>> list(iter_json_lines(io.StringIO('{"a": 1}\\n\\n[2]\\n')))
    [(1, {'a': 1}), (3, [2])]
    """
    number = 0
    try:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line.rstrip("\r\n"), parse_constant=_reject_constant)
            except json.JSONDecodeError as exc:
                raise InvalidRecord(
                    f"{name}, line {number}: not valid JSON ({exc.msg} at column {exc.colno})"
                ) from None
            except ValueError as exc:  # NaN, Infinity, integers past Python's digit limit
                raise InvalidRecord(f"{name}, line {number}: not valid JSON ({exc})") from None
            yield number, record
    except UnicodeDecodeError as exc:
        raise InvalidRecord(f"{name}, line {number + 1}: not UTF-8 text ({exc.reason})") from None


def read_jsonl(fh: IO[str], *, name: str = "input") -> list[Conjecture]:
    """Read conjectures from JSONL, checking every record's form (blank lines are skipped).

    This checks what :meth:`Conjecture.from_dict` checks (fields, types, id, prefix against the
    recurrence), not that the formulas are true: :mod:`esma.importing` approves each one.

    Raises
    ------
    InvalidRecord
        A line is not JSON or not a valid record; the message names ``name`` and the line.

    >>> import io
    >>> read_jsonl(io.StringIO('{"constant": "e"\\n'), name="e.jsonl")
    Traceback (most recent call last):
    ...
    esma.errors.InvalidRecord: e.jsonl, line 1: not valid JSON (Expecting ',' delimiter at column 17)
    """
    out = []
    for number, record in iter_json_lines(fh, name=name):
        try:
            out.append(Conjecture.from_dict(record))
        # Not only InvalidRecord: whatever the record's parts raise, the user needs the line.
        except (EsmaError, TypeError, ValueError, KeyError) as exc:
            raise InvalidRecord(f"{name}, line {number}: {exc}") from None
    return out


def write_file(path: str, text: str) -> None:
    """Write ``text`` to the file ``path`` through a temporary file in the same folder, so that
    a failure leaves the old file (or none), never half of the new one.

    Raises
    ------
    InvalidParameter
        The folder does not exist, ``path`` is a folder, or the file cannot be written.
    """
    import os
    import tempfile

    target = os.path.abspath(path)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise InvalidParameter(f"output: folder {folder} does not exist", parameter="output")
    if os.path.isdir(target):
        raise InvalidParameter(f"output: {path} is a folder; give a file name", "output")
    try:
        fd, tmp = tempfile.mkstemp(
            dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp"
        )
    except OSError as exc:
        raise InvalidParameter(
            f"output: cannot write in {folder} ({exc.strerror})", parameter="output"
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; give it the usual mode
        os.replace(tmp, target)
    except OSError as exc:
        os.unlink(tmp)
        raise InvalidParameter(
            f"output: cannot write {path} ({exc.strerror})", parameter="output"
        ) from None
    except BaseException:
        os.unlink(tmp)
        raise


def write_csv(conjectures: Iterable[Conjecture], fh: IO[str]) -> int:
    """Write flat CSV with a header row (:data:`CSV_COLUMNS`); signs as ``+-`` text.

    >>> import io; buf = io.StringIO()
    >>> from esma.conjecture import example
    >>> write_csv([example()], buf)
    1
    >>> buf.getvalue().splitlines()[1].split(",")[1:5]
    ['e', 'x - 1', '-+', '2 3 2 5 2 7 2 9 2 11']
    """
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for c in conjectures:
        qp = c.quasi_polynomial
        writer.writerow(
            [
                c.id,
                c.constant,
                c.lhs,
                format_signs(c.signs),
                " ".join(map(str, c.a_prefix[:CSV_PREFIX_TERMS])),
                " ".join(map(str, c.recurrence.charpoly)),
                c.recurrence.start,
                qp.formula() if qp is not None else "",
                c.verified_digits,
                repr(c.convergence_rate),
                c.formula,
            ]
        )
        count += 1
    return count


#: Partial denominators the ``\cfrac`` of a LaTeX display shows (the head and the closed form
#: follow in full, so nothing is left out).
LATEX_SHOWN_TERMS = 4

#: A left-hand side whose LaTeX is longer than this gets a line of its own (``multline*``): the
#: ``\cfrac`` beside it would run into the margin.
LATEX_LONG_LHS = 40

#: Preamble of ``--standalone`` LaTeX: article, amsmath, and lines that break rather than
#: overflow (``\emergencystretch``).
LATEX_PREAMBLE = (
    "\\documentclass[11pt]{article}\n"
    "\\usepackage{amsmath}\n"
    "\\setlength{\\emergencystretch}{3em}\n"
    "\\title{Continued-fraction formulas}\n"
    "\\author{written by esma}\n"
    "\\date{}\n"
    "\\begin{document}\n"
    "\\maketitle\n"
)


def write_latex(conjectures: Iterable[Conjecture], fh: IO[str], *, standalone: bool = False) -> int:
    r"""Write LaTeX: a section per constant and, per conjecture, the whole formula.

    Each formula is a display, left-hand side = a ``\cfrac`` of the first terms, followed by
    the whole statement in running text, which breaks between its pieces instead of
    overflowing: the sign period, every head term a₀ … a_{s−1}, then the closed form, one
    residue class at a time. Without ``standalone`` the output is a body to ``\input`` into a
    document that loads ``amsmath``; with it, a document that compiles on its own.

    >>> import io; buf = io.StringIO()
    >>> from esma.conjecture import example
    >>> write_latex([example()], buf)
    1
    >>> print(buf.getvalue().split(r"\section{Constant \texttt{e}}")[1].strip())
    \paragraph{\texttt{f47e46dd25a4bf43}} Verified to 1000 digits; 2.5 digits per term.
    \begin{equation*}
    e - 1 = 2 - \cfrac{1}{3 + \cfrac{1}{2 - \cfrac{1}{5 + \ddots}}}
    \end{equation*}
    with $b_n$ repeating $(-, +)$, and for $m \ge 0$: $a_{2m} = 2$, $a_{1+2m} = 2m + 3$.
    """
    groups: dict[str, list[Conjecture]] = {}
    for c in conjectures:
        groups.setdefault(c.constant, []).append(c)
    count = sum(len(g) for g in groups.values())
    if standalone:
        fh.write(f"% {count} conjecture(s) written by esma.\n" + LATEX_PREAMBLE)
    else:
        fh.write(
            f"% {count} conjecture(s) written by esma; \\input this body into a document that\n"
            "% loads amsmath (\\usepackage{amsmath}).\n"
        )
    for constant, group in groups.items():
        fh.write(f"\n\\section{{Constant \\texttt{{{latex_text(constant)}}}}}\n")
        for c in group:
            fh.write(_latex_conjecture(c))
    if standalone:
        fh.write("\n\\end{document}\n")
    return count


def _latex_conjecture(c: Conjecture) -> str:
    """One conjecture: a paragraph heading, the display, and the whole statement."""
    try:
        lhs = lhs_latex(c.lhs, c.constant)
    except EsmaError:  # a record from elsewhere may use names this version cannot parse
        lhs = r"\text{" + latex_text(c.lhs_text) + "}"
    cf = cf_latex(c.a_prefix[:LATEX_SHOWN_TERMS], c.signs)
    if len(lhs) > LATEX_LONG_LHS:
        display = f"\\begin{{multline*}}\n{lhs} \\\\\n= {cf}\n\\end{{multline*}}\n"
    else:
        display = f"\\begin{{equation*}}\n{lhs} = {cf}\n\\end{{equation*}}\n"
    return (
        f"\n\\paragraph{{\\texttt{{{c.id}}}}} Verified to {c.verified_digits} digits; "
        f"{c.convergence_rate:.3g} digits per term.\n" + display + _latex_statement(c) + "\n"
    )


def _latex_statement(c: Conjecture) -> str:
    r"""The signs, every head term and the closed form as running text with inline math.

    >>> from esma.conjecture import Conjecture
    >>> from esma.recurrence import Recurrence
    >>> rec = Recurrence((1, 0, 0, -2, 0, 0, 1), 1, (2, 1, 2, 1, 1, 4, 1))  # e = [2; 1, 2, 1, ...]
    >>> c = Conjecture("e", "x", "2.718281828459045235360287471352662497757", (1,),
    ...                tuple(rec.terms(30)), rec, 1000, 3.0)
    >>> print(_latex_statement(c))
    with $b_n = +1$, $a_{0} = 2$, and for $m \ge 0$: $a_{1+3m} = 1$, $a_{2+3m} = 2m + 2$, $a_{3+3m} = 1$.
    """
    from esma.display import recurrence_latex

    if len(c.signs) == 1:
        signs = f"$b_n = {'+' if c.signs[0] > 0 else '-'}1$"
    else:
        signs = f"$b_n$ repeating ${signs_latex(c.signs)}$"
    qp = c.quasi_polynomial
    if qp is None:  # no closed form in m: the recurrence itself, with its initial terms
        return f"with {signs}, and \\[{recurrence_latex(c.recurrence)}\\]"
    head = c.recurrence.terms(qp.start)
    pieces = [signs]
    if len(head) == 1:
        pieces.append(f"$a_{{0}} = {head[0]}$")
    elif head:
        values = ",\\allowbreak ".join(map(str, head))
        pieces.append(f"$a_{{0}}, \\dots, a_{{{len(head) - 1}}} = {values}$")
    classes = ", ".join(
        f"$a_{{{_class_index(qp.start + j, qp.period)}}} = {_latex_poly(p)}$"
        for j, p in enumerate(qp.polys)
    )
    return f"with {', '.join(pieces)}, and for $m \\ge 0$: {classes}."


def _class_index(base: int, period: int) -> str:
    step = "m" if period == 1 else f"{period}m"
    return step if base == 0 else f"{base}+{step}"


def _latex_poly(coeffs: tuple) -> str:
    pieces = []
    for negative, magnitude, k in poly_terms(coeffs):
        power = "" if k == 0 else ("m" if k == 1 else f"m^{{{k}}}")
        if magnitude.denominator != 1:
            number = f"\\tfrac{{{magnitude.numerator}}}{{{magnitude.denominator}}}"
        else:
            number = str(magnitude.numerator)
        pieces.append((negative, power if power and magnitude == 1 else number + power))
    return join_terms(pieces)


def _md_cell(text: str, code: bool = False) -> str:
    """One Markdown table cell: pipes escaped, on one line, optionally as code."""
    text = " ".join(str(text).split()).replace("|", "\\|")
    if not code:
        return text
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def write_markdown(conjectures: Iterable[Conjecture], fh: IO[str]) -> int:
    """Write a Markdown table ``| id | constant | signs | formula | status | digits |`` (the
    sign period shown, as ``++-+`` and ``++--`` records differ only there).

    >>> import io; buf = io.StringIO()
    >>> from esma.conjecture import example
    >>> write_markdown([example()], buf)
    1
    >>> buf.getvalue().splitlines()[0]
    '| id | constant | signs | formula | status | digits |'
    >>> buf.getvalue().splitlines()[2].split(" | ")[2]
    '`-+`'
    """
    fh.write(
        "| id | constant | signs | formula | status | digits |\n"
        "| --- | --- | --- | --- | --- | ---: |\n"
    )
    count = 0
    for c in conjectures:
        fh.write(
            f"| {_md_cell(c.id, code=True)} | {_md_cell(c.constant, code=True)} "
            f"| {_md_cell(format_signs(c.signs), code=True)} | {_md_cell(c.formula, code=True)} "
            f"| {c.status} | {c.verified_digits} |\n"
        )
        count += 1
    return count


#: Writers by the name ``esma export --format`` uses (the other tools' formats are in
#: :mod:`esma.interop`, the page in :mod:`esma.htmlpage`).
FORMATS: dict[str, Callable[[Iterable[Conjecture], IO[str]], int]] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
    "latex": write_latex,
    "md": write_markdown,
    "html": write_html,
    "sympy": write_sympy,
    "gp": write_gp,
    "ramanujantools": write_ramanujantools,
}
