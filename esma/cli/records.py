"""The commands over the stored records: ``list``, ``show``, ``export`` and ``import``.

Next to them, the helpers that read records for them: the stored conjectures of a constant, a
family found by its key, and the proof and family fields ``esma show`` prints.
"""

from __future__ import annotations

import re
from typing import Any

import click

from esma.cli.common import (
    canonical_constant,
    db_option,
    input_files_argument,
    open_input,
    print_json,
)
from esma.errors import InvalidParameter
from esma.listing import SORT_KEYS

_LIST_FORMATS = ("table", "json", "csv")
# The keys of esma.export.FORMATS.
_EXPORT_FORMATS = ("jsonl", "csv", "latex", "md", "html", "sympy", "gp", "ramanujantools")


def _stored(db: str, constant: str | None, *, records: bool = False) -> list:
    """The stored conjectures (of one constant), as objects or as their stored records, read
    from a database opened read-only (a missing one is refused)."""
    from esma.store import Store

    with Store.open(db, read_only=True) as store:
        read = store.records if records else store.conjectures
        return read(canonical_constant(constant))


@click.command("list")
@db_option
@click.option(
    "--constant", default=None, help="Only conjectures of this constant, e.g. e or exp(2)."
)
@click.option(
    "--sort",
    type=click.Choice(SORT_KEYS),
    default="id",
    show_default=True,
    help="Order: id (by constant, then id), rate (fastest convergence first), digits (most "
    "verified digits first), height (simplest left-hand side first), status (proved first).",
)
@click.option("--signs", default=None, help="Only this sign period, exactly: '+-' or '1,-1'.")
@click.option(
    "--period", default=None, type=click.IntRange(min=1), help="Only sign periods of length N."
)
@click.option(
    "--status",
    type=click.Choice(("proved", "conjectured")),
    default=None,
    help="Only proved, or only conjectured, records.",
)
@click.option(
    "--family",
    default=None,
    metavar="KEY",
    help="Only the members of this family (see 'esma families').",
)
@click.option("--limit", default=None, type=click.IntRange(min=0), help="Show at most N records.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_LIST_FORMATS),
    default="table",
    show_default=True,
    help="A table for people, a JSON list or CSV for programs.",
)
def list_cmd(
    db: str,
    constant: str | None,
    sort: str,
    signs: str | None,
    period: int | None,
    status: str | None,
    family: str | None,
    limit: int | None,
    fmt: str,
) -> None:
    """List the stored conjectures: id, constant, sign period, status, digits, rate, formula.

    Filters combine (all must hold); --limit applies after sorting. The database is opened
    read-only; one that does not exist is an error.

    \b
    Example:
      esma list --constant e --sort rate --limit 10
      esma list --signs ++-+ --status proved
      esma list --format csv > conjectures.csv
    """
    from esma.listing import record_lines, select_records
    from esma.store import Store

    with Store.open(db, read_only=True) as store:
        # The table and JSON need only what the stored records already say.
        records = store.records(canonical_constant(constant))
        ids = None if family is None else _family_by_key(store, family).members
    records = select_records(
        records,
        sort=sort,
        signs=signs,
        period=period,
        status=status,
        ids=None if ids is None else [m.id for m in ids],
        limit=limit,
    )
    if fmt == "csv":
        import io

        from esma.conjecture import Conjecture
        from esma.export import write_csv

        buf = io.StringIO()
        write_csv([Conjecture.from_dict(r, trusted=True) for r in records], buf)
        click.echo(buf.getvalue(), nl=False)
        return
    if fmt == "json":
        print_json(records)
        return
    if not records:
        click.echo("no conjectures" + (f" of {constant}" if constant else ""))
        return
    for line in record_lines(records):
        click.echo(line)
    click.echo(f"{len(records)} conjecture{'s' if len(records) != 1 else ''}")


def _family_by_key(store, key: str):
    """The family (stored, or computed in memory for records not placed yet) whose key is, or
    starts with, ``key`` (at least 4 hex digits)."""
    from esma.familystore import current_families

    prefix = key.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{4,64}", prefix):
        raise InvalidParameter(
            f"family: {key!r} is not a family key; give at least 4 of its hex digits",
            parameter="family",
        )
    found = [f for f in current_families(store, rates=False) if f.key.startswith(prefix)]
    if len(found) != 1:
        what = "no family" if not found else f"{len(found)} families"
        raise InvalidParameter(
            f"family: {what} in {store.url} {'has' if not found else 'have'} a key starting "
            f"{prefix!r}" + ("" if not found else "; give more digits"),
            parameter="family",
        )
    return found[0]


@click.command("show")
@click.argument("conjecture_id", metavar="ID")
@db_option
@click.option("--latex", "as_latex", is_flag=True, help="Print only the formula, in LaTeX.")
def show_cmd(conjecture_id: str, db: str, as_latex: bool) -> None:
    """Show one conjecture: every field, its verifications and the runs that found it.

    ID may be the first few (at least 4) hex digits of the id, if no other id starts with them.
    The database is opened read-only.

    \b
    Example:
      esma show 3f2a
      esma show 3f2a --latex
    """
    from esma.signs import format_signs
    from esma.store import Store

    with Store.open(db, read_only=True) as store:
        conj = store.get(conjecture_id)
        if as_latex:
            click.echo(conj.latex)
            return
        origin = store.source_of(conj.id)
        runs = store.runs_of(conj.id)
        checks = store.verifications(conj.id)
        family, representative = _family_of(store, conj)
    qp = conj.quasi_polynomial
    fields = [
        ("id", conj.id),
        ("constant", conj.constant),
        ("lhs", f"{conj.lhs}  =  {conj.lhs_text}"),
        ("value", conj.lhs_value),
        ("signs", f"{format_signs(conj.signs)}  {list(conj.signs)}"),
        ("a_n", ", ".join(map(str, conj.a_prefix)) + ", ..."),
        ("recurrence", conj.recurrence.formula()),
        ("closed form", qp.formula() if qp is not None else "none (not a quasi-polynomial)"),
        ("verified", f"{conj.verified_digits} digits"),
        ("convergence", f"{conj.convergence_rate:.4g} digits per term"),
        ("formula", conj.formula),
        *_proof_fields(conj),
        *_family_fields(conj, family, representative),
        ("found by", ", ".join(f"run {r}" for r in runs) or "no search run"),
    ]
    if origin["source"]:
        fields.append(("imported from", origin["source"]))
    fields.append(("stored", origin["created"]))
    for check in checks:
        status = "ok" if check["ok"] else "FAILED"
        summary = f"{check['at']}  {status}, {check['digits']} digits, {check['terms']} terms"
        if check["esma_version"]:
            summary += f" (esma {check['esma_version']})"
        fields.append(("verification", summary))
    if not checks:
        fields.append(("verification", "none since it was stored"))
    for name, value in fields:
        click.echo(f"{name:<16}{value}")


def _family_of(store, conj) -> tuple[Any, dict | None]:
    """A record's family (stored, or computed in memory if it is not placed yet) and the stored
    record of its representative."""
    family = store.family_of(conj.id)
    if family is None:
        from esma.familystore import current_families

        family = next(
            (
                f
                for f in current_families(store, conj.constant, rates=False)
                if any(m.id == conj.id for m in f.members)
            ),
            None,
        )
    if family is None:
        return None, None
    return family, store.records_of([family.representative]).get(family.representative)


def _proof_fields(conj) -> list[tuple[str, str]]:
    from esma.listing import certificate_text, theorem_text

    if conj.status != "proved":
        return [("status", "conjectured (approved to its digits; no proof stored)")]
    cert = conj.proof
    return [
        ("status", "proved for every n (certificate stored; 'esma check' replays it)"),
        ("theorem", theorem_text(conj.constant, cert)),
        ("certificate", certificate_text(cert)),
    ]


def _family_fields(conj, family, representative) -> list[tuple[str, str]]:
    from esma.listing import rate_text, short_citation, transform_text

    if family is None:
        return [("family", "none (the record cannot be placed)")]
    kind = "new" if family.kind == "new" else f"classical, {short_citation(family.citation)}"
    member = next(m for m in family.members if m.id == conj.id)
    rows = [
        ("family", f"{family.key} ({len(family.members)} members, {kind}; {rate_text(family)})"),
    ]
    if family.representative == conj.id:
        rows.append(("representative", "this record"))
    else:
        formula = representative["formula"] if representative else family.representative
        rows.append(("representative", f"{family.representative}  {formula}"))
        rows.append(("transform", transform_text(member.transform)))
    return rows


@click.command("export")
@db_option
@click.option(
    "--constant", default=None, help="Only conjectures of this constant, e.g. e or exp(2)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_EXPORT_FORMATS),
    required=True,
    help="jsonl (canonical, re-importable), csv, latex (a document body; see --standalone), "
    "md, html (one self-contained page), sympy (a Python file: python FILE --check DIGITS), "
    "gp (a PARI/GP script: gp -q FILE) or ramanujantools (a Python file of matrices).",
)
@click.option(
    "--standalone",
    is_flag=True,
    help="With --format latex: a whole document with its preamble, ready for pdflatex.",
)
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="FILE",
    help="Write to FILE (replaced whole, never half-written) instead of stdout.",
)
def export_cmd(
    db: str, constant: str | None, fmt: str, standalone: bool, output: str | None
) -> None:
    """Export the stored conjectures for people and for other tools.

    JSONL is canonical (sorted keys, one record a line, sorted by id): 'esma import' reads it
    back, and exporting again gives the same bytes. sympy, gp and ramanujantools write files
    that rebuild every formula in that tool and check it against its left-hand side. The
    database is opened read-only; one that does not exist is an error; if the export fails,
    -o FILE is left as it was.

    \b
    Example:
      esma export --constant e --format jsonl -o conjectures/e.jsonl
      esma export --format md > CONJECTURES.md
      esma export --format latex --standalone -o formulas.tex && pdflatex formulas.tex
      esma export --format sympy -o formulas.py && python formulas.py --check 100
      esma export --format gp -o formulas.gp && gp -q formulas.gp
    """
    import io

    from esma.export import FORMATS, write_file, write_latex, write_records_jsonl

    if standalone and fmt != "latex":
        raise click.UsageError(f"--standalone applies to --format latex only, not {fmt}")
    buf = io.StringIO()
    if fmt == "jsonl":  # the stored text is already canonical: no object is rebuilt
        count = write_records_jsonl(_stored(db, constant, records=True), buf)
    elif fmt == "latex":
        count = write_latex(_stored(db, constant), buf, standalone=standalone)
    elif fmt == "html":  # one row per family, its other members folded
        from esma.familystore import current_families
        from esma.htmlpage import family_groups, write_html
        from esma.store import Store

        with Store.open(db, read_only=True) as store:
            chosen = canonical_constant(constant)
            conjectures = store.conjectures(chosen)
            fams = current_families(store, chosen)
        count = write_html(conjectures, buf, groups=family_groups(fams, conjectures))
    else:
        count = FORMATS[fmt](_stored(db, constant), buf)
    if output is None or output == "-":
        click.echo(buf.getvalue(), nl=False)
        return
    write_file(output, buf.getvalue())
    click.echo(f"exported {count} conjecture{'s' if count != 1 else ''} to {output}")


@click.command("import")
@input_files_argument("FILE...")
@db_option
@click.option(
    "--jobs",
    default=None,
    type=int,
    help="Worker processes that check the records [default: all cores; 1 for small files].",
)
def import_cmd(files: tuple[str, ...], db: str, jobs: int | None) -> None:
    """Import conjectures from JSONL files (as written by 'esma export --format jsonl').

    Every record is checked as a search would have made it before anything is stored: its
    value, terms, closed form and convergence rate are derived again, and its continued
    fraction is approved to 1000 digits and to the digits it claims. A record that fails is
    refused with its file and line, and then nothing is imported. Conjectures already stored
    are checked and skipped. The certificate of every record that says it is proved is
    replayed by the independent checker (as 'esma check' does); a record whose certificate
    fails is stored as conjectured, and the output names it. The records are then placed in
    their families (see 'esma families').

    \b
    Example:
      esma import conjectures/*.jsonl --db esma.db
    """
    from contextlib import ExitStack

    from esma.importing import import_files
    from esma.parallel import executor_for

    with ExitStack() as stack:
        sources = [open_input(stack, path) for path in files]
        executor = stack.enter_context(executor_for(jobs, None))
        done = import_files(sources, db, executor)
    click.echo(f"imported {done.new} new, {done.present} already present")
    if done.unproved:
        count = len(done.unproved)
        click.echo(
            f"{count} certificate{'s' if count != 1 else ''} failed the checker: stored as "
            "conjectured (approved to their digits, not proved):"
        )
        for conjecture_id, reason in done.unproved:
            click.echo(f"  {conjecture_id}  {reason}")
