"""The ``esma`` command line: each command a short adapter over the library.

Heavy modules (numba, sympy, flint) are imported inside the commands, so ``esma --help`` is
instant. Every error a user can cause prints one line on stderr and exits with status 2.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from esma.errors import EsmaError


class _EsmaGroup(click.Group):
    """A click group whose errors are one line and whose exit codes follow DESIGN.md."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"esma: error: {exc.format_message()}{hint}", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"esma: error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except EsmaError as exc:
            click.echo(f"esma: error: {exc}", err=True)
            sys.exit(2)
        except (click.Abort, KeyboardInterrupt):
            click.echo("esma: interrupted", err=True)
            sys.exit(130)
        except click.exceptions.Exit as exc:  # pragma: no cover - click returns it instead
            sys.exit(exc.exit_code)
        except Exception as exc:
            # Ctrl-C inside a numba call surfaces as SystemError caused by KeyboardInterrupt.
            if not _caused_by_interrupt(exc):
                raise
            click.echo("esma: interrupted", err=True)
            sys.exit(130)
        sys.exit(0)


def _caused_by_interrupt(exc: BaseException) -> bool:
    """True when a KeyboardInterrupt stands anywhere in ``exc``'s chain of causes."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _print_json(obj: Any) -> None:
    click.echo(json.dumps(obj, sort_keys=True))


def db_option(func):
    """``--db URL``: shared by every command that reads or writes conjectures."""
    return click.option(
        "--db",
        "db",
        default=None,  # esma.store.resolve_url: $ESMA_DB (if set and not empty), then esma.db
        show_default="$ESMA_DB or sqlite:///esma.db",
        help="Database URL (sqlite:///file.db, postgresql+psycopg://...) or a SQLite file path.",
    )(func)


@click.group(cls=_EsmaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="esma", prog_name="esma")
def cli() -> None:
    """Search for continued-fraction formulas of mathematical constants (ESMA).

    \b
    Example:
      esma search e --coeff 2 --periods 1-2
    """


main = cli


@cli.command("constants")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def constants_cmd(as_json: bool) -> None:
    """List the named constants.

    \b
    Example:
      esma constants
    """
    from esma.constants import NAMED_CONSTANTS, format_expression

    rows = [
        {
            "name": name,
            "expression": format_expression(c.expr),
            "value": str(c.mpf(20)),
            "description": c.description,
        }
        for name, c in NAMED_CONSTANTS.items()
    ]
    if as_json:
        _print_json(rows)
        return
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        click.echo(f"{r['name']:<{width}}  {r['value']:<22}  {r['description']}")


@cli.command("expand")
@click.argument("constant")
@click.option("--lhs", default="x", show_default=True, help="Expand this expression in x.")
@click.option("--signs", default="+", show_default=True, help="One sign period: '+-' or '1,-1'.")
@click.option("--terms", default=20, show_default=True, type=int, help="Number of terms.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def expand_cmd(constant: str, lhs: str, signs: str, terms: int, as_json: bool) -> None:
    """Expand CONSTANT (or --lhs of it) into a certified signed continued fraction.

    CONSTANT is a name (see 'esma constants') or an expression such as "exp(2)".

    \b
    Example:
      esma expand e --lhs "(x+1)/(x-1)" --signs + --terms 10
    """
    from esma.expansion import signed_expansion
    from esma.transforms import lhs_value

    if terms < 1 or terms > 1_000_000:
        raise EsmaError(f"--terms: {terms} must be between 1 and 1000000")
    value = lhs_value(constant, lhs)
    expansion = signed_expansion(value, signs, terms)
    if as_json:
        _print_json(expansion.to_dict())
        return
    click.echo(f"{value.text} = {expansion}")
    click.echo("a = " + ", ".join(map(str, expansion.terms)))
    click.echo(
        f"{expansion.certified_terms} terms, all certified from {expansion.digits} digits"
        if expansion.bits
        else f"{expansion.certified_terms} terms (exact value)"
    )


@cli.command("recurrence")
@click.argument("source", default="-", type=click.File("r"))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def recurrence_cmd(source, as_json: bool) -> None:
    """Find the linear recurrence of an integer sequence read from SOURCE (a file, or - for stdin).

    Integers may be separated by spaces, commas or newlines; an OEIS b-file ("n a(n)" lines,
    '#' comments) is read as the sequence a(n).

    \b
    Example:
      echo 1 2 3 2 5 2 7 2 9 2 11 2 13 2 15 | esma recurrence
    """
    from esma.massey import find_recurrence
    from esma.sequences import parse_sequence

    seq = parse_sequence(source.read(), name=getattr(source, "name", "input"))
    rec = find_recurrence(seq)
    if as_json:
        qp = rec.quasi_polynomial() if rec else None
        _print_json(
            {
                "found": rec is not None,
                "recurrence": rec.to_dict() if rec else None,
                "quasi_polynomial": qp.to_dict() if qp else None,
            }
        )
        return
    if rec is None:
        click.echo(f"no linear recurrence found in {len(seq)} terms")
        return
    click.echo(rec.formula())
    qp = rec.quasi_polynomial()
    if qp is not None:
        click.echo(qp.formula())


@cli.command("search")
@click.argument("constant")
@click.option(
    "--degree",
    default=1,
    show_default=True,
    type=int,
    help="Degree of the left-hand sides P(x)/Q(x); 1 means Möbius maps.",
)
@click.option(
    "--coeff",
    default=2,
    show_default=True,
    type=int,
    help="Largest |coefficient| in the left-hand sides.",
)
@click.option(
    "--periods",
    default="1-3",
    show_default=True,
    help="Lengths A-B of the primitive sign periods to try.",
)
@click.option(
    "--depth",
    default=100,
    show_default=True,
    type=int,
    help="Certified terms screened per candidate.",
)
@click.option(
    "--threshold",
    default=0.25,
    show_default=True,
    type=float,
    help="Flag a candidate when its linear complexity is below threshold × depth.",
)
@click.option(
    "--digits",
    default=1000,
    show_default=True,
    type=int,
    help="Digits a candidate must match to be approved (at least 1000 for the catalogue).",
)
@db_option
@click.option(
    "--jobs", default=None, type=int, help="Worker processes on this machine [default: all cores]."
)
@click.option(
    "--scheduler", default=None, help="Address of a Dask scheduler, e.g. tcp://host:8786."
)
@click.option("--json", "as_json", is_flag=True, help="Print the conjecture records as JSON lines.")
def search_cmd(
    constant, degree, coeff, periods, depth, threshold, digits, db, jobs, scheduler, as_json
):
    """Search for continued-fraction formulas of CONSTANT and store the approved conjectures.

    Every left-hand side f(x) (Möbius maps, or P/Q of --degree) with |coefficients| <= --coeff
    is expanded for every primitive sign period; sequences with a short linear recurrence are
    approved to --digits digits. Re-running the same search on the same database resumes it.

    \b
    Example:
      esma search e --coeff 2 --periods 1-2 --depth 100
    """
    from esma.parallel import executor_for
    from esma.report import SearchReporter, print_conjectures
    from esma.search import SearchSpace, resume_search
    from esma.store import Store

    space = SearchSpace.create(
        constant,
        degree=degree,
        coeff=coeff,
        periods=periods,
        depth=depth,
        threshold=threshold,
        digits=digits,
    )
    reporter = SearchReporter(space, quiet=as_json)
    with executor_for(jobs, scheduler) as executor, Store.open(db, durable=True) as store:
        try:
            with reporter:
                done = resume_search(
                    space,
                    store,
                    executor,
                    on_start=lambda _run, done: reporter.begin(len(done)),
                    on_chunk=lambda result, _new: reporter.advance(result),
                )
        except BaseException as exc:
            if _caused_by_interrupt(exc):
                reporter.note(
                    "interrupted: every finished chunk is stored; "
                    "run the same command again to resume"
                )
            raise
    if as_json:
        for record in done.records:
            _print_json(record)
    else:
        print_conjectures(done.records, summary=reporter.summary())


@cli.command("verify")
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Verify every stored conjecture.")
@db_option
@click.option("--digits", default=2000, show_default=True, type=int, help="Digits to check.")
def verify_cmd(ids, all_, db, digits):
    """Re-verify stored conjectures to --digits digits and record the result.

    Every conjecture is checked even when some fail or cannot be read back; each is named, a
    summary line ends the output, and the exit status is 1 if any failed or was unreadable.

    \b
    Example:
      esma verify --all --digits 3000
    """
    from esma.store import Store
    from esma.verify import reverify

    if bool(ids) == bool(all_):
        raise click.UsageError("give conjecture IDs or --all (not both)")

    def show(result) -> None:
        if result.status == "ok":
            approval = result.approval
            status = f"ok, {approval.digits} digits, {approval.terms} terms"
        else:
            status = result.status.upper()
        click.echo(f"{result.id}  {status}  {result.detail}")

    with Store.open(db, create=False, durable=True) as store:
        summary = reverify(store, list(ids) if ids else None, digits, on_result=show)
    click.echo(str(summary))
    if summary.failed or summary.unreadable:
        bad = summary.failed + summary.unreadable
        raise click.ClickException(
            f"{bad} of {summary.checked} conjectures failed verification or could not be read"
        )


# -- the conjecture database: list, show, export, import ------------------------------------------

_LIST_FORMATS = ("table", "json", "csv")
_EXPORT_FORMATS = ("jsonl", "csv", "latex", "md")  # the keys of esma.export.FORMATS


def _canonical_constant(text: str | None) -> str | None:
    """The canonical text of a --constant filter (as stored), or the text itself if esma cannot
    read it (a record imported from elsewhere may name a constant this version does not know)."""
    if text is None:
        return None
    from esma.constants import get_constant

    try:
        return get_constant(text).text
    except EsmaError:
        return text.strip()


def _stored(db: str, constant: str | None, *, records: bool = False) -> list:
    """The stored conjectures (of one constant), as objects or as their stored records, read
    from a database opened read-only (a missing one is refused)."""
    from esma.store import Store

    with Store.open(db, read_only=True) as store:
        read = store.records if records else store.conjectures
        return read(_canonical_constant(constant))


@cli.command("list")
@db_option
@click.option(
    "--constant", default=None, help="Only conjectures of this constant, e.g. e or exp(2)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_LIST_FORMATS),
    default="table",
    show_default=True,
    help="A table for people, a JSON list or CSV for programs.",
)
def list_cmd(db: str, constant: str | None, fmt: str) -> None:
    """List the stored conjectures, ordered by constant and id.

    The database is opened read-only; one that does not exist is an error.

    \b
    Example:
      esma list --constant e
      esma list --format csv > conjectures.csv
    """
    if fmt == "csv":
        import io

        from esma.export import write_csv

        buf = io.StringIO()
        write_csv(_stored(db, constant), buf)
        click.echo(buf.getvalue(), nl=False)
        return
    # The table and JSON need only what the stored records already say.
    records = _stored(db, constant, records=True)
    if fmt == "json":
        _print_json(records)
        return
    if not records:
        click.echo("no conjectures" + (f" of {constant}" if constant else ""))
        return
    width = max(len("constant"), *(len(r["constant"]) for r in records))
    click.echo(f"{'id':<16}  {'constant':<{width}}  {'digits':>6}  formula")
    for r in records:
        click.echo(
            f"{r['id']:<16}  {r['constant']:<{width}}  {r['verified_digits']:>6}  {r['formula']}"
        )
    click.echo(f"{len(records)} conjecture{'s' if len(records) != 1 else ''}")


@cli.command("show")
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
        click.echo(f"{name:<14}{value}")


@cli.command("export")
@db_option
@click.option(
    "--constant", default=None, help="Only conjectures of this constant, e.g. e or exp(2)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_EXPORT_FORMATS),
    required=True,
    help="jsonl (canonical, re-importable), csv, latex (a document body) or md.",
)
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="FILE",
    help="Write to FILE (replaced whole, never half-written) instead of stdout.",
)
def export_cmd(db: str, constant: str | None, fmt: str, output: str | None) -> None:
    """Export the stored conjectures as JSONL, CSV, LaTeX or Markdown.

    JSONL is canonical (sorted keys, one record a line, sorted by id): 'esma import' reads it
    back, and exporting again gives the same bytes. The database is opened read-only; one that
    does not exist is an error; if the export fails, -o FILE is left as it was.

    \b
    Example:
      esma export --constant e --format jsonl -o conjectures/e.jsonl
      esma export --format md > CONJECTURES.md
    """
    import io

    from esma.export import FORMATS, write_file, write_records_jsonl

    buf = io.StringIO()
    if fmt == "jsonl":  # the stored text is already canonical: no object is rebuilt
        count = write_records_jsonl(_stored(db, constant, records=True), buf)
    else:
        count = FORMATS[fmt](_stored(db, constant), buf)
    if output is None or output == "-":
        click.echo(buf.getvalue(), nl=False)
        return
    write_file(output, buf.getvalue())
    click.echo(f"exported {count} conjecture{'s' if count != 1 else ''} to {output}")


@cli.command("import")
@click.argument(
    "files",
    nargs=-1,
    required=True,
    metavar="FILE...",
    type=click.Path(exists=True, dir_okay=False, allow_dash=True),
)
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
    are checked and skipped.

    \b
    Example:
      esma import conjectures/*.jsonl --db esma.db
    """
    from contextlib import ExitStack

    from esma.importing import import_files
    from esma.parallel import executor_for

    with ExitStack() as stack:
        sources = []
        for path in files:
            if path == "-":
                sources.append(("stdin", sys.stdin))
                continue
            try:
                sources.append((path, stack.enter_context(open(path, encoding="utf-8"))))
            except OSError as exc:
                raise EsmaError(f"{path}: cannot read ({exc.strerror})") from None
        executor = stack.enter_context(executor_for(jobs, None))
        done = import_files(sources, db, executor)
    click.echo(f"imported {done.new} new, {done.present} already present")
