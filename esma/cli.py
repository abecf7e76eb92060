"""The ``esma`` command line: each command a short adapter over the library.

Heavy modules (numba, sympy, flint) are imported inside the commands, so ``esma --help`` is
instant. Every error a user can cause prints one line on stderr and exits with status 2.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

import click

from esma.errors import EsmaError, InvalidParameter


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
            click.echo(f"esma: error: {self._as_flag(exc, args)}", err=True)
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

    def _as_flag(self, exc: EsmaError, args: Any) -> str:
        """The message with a library parameter's name (``depth: ...``) written as the option of
        the command being run (``--depth: ...``) when the command has that option."""
        message, name = str(exc), getattr(exc, "parameter", None)
        if not isinstance(exc, InvalidParameter) or not name:
            return message
        words = sys.argv[1:] if args is None else list(args)
        command = self.commands.get(next((w for w in words if not w.startswith("-")), ""))
        flag = "--" + name.replace("_", "-")
        options = {opt for param in getattr(command, "params", ()) for opt in param.opts}
        if flag not in options or not re.match(rf"{re.escape(name)}\b", message):
            return message
        return flag + message[len(name) :]


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
@click.option(
    "--functions",
    "functions",
    is_flag=True,
    help="List the functions expressions may use (signature, description, domain) instead.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def constants_cmd(functions: bool, as_json: bool) -> None:
    """List the named constants, or with --functions the functions of expressions.

    \b
    Examples:
      esma constants
      esma constants --functions
    """
    if functions:
        _list_functions(as_json)
        return
    from esma.constants import NAMED_CONSTANTS
    from esma.expr import format_expression

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


def _list_functions(as_json: bool) -> None:
    """``esma constants --functions``: one entry of the function table each (flint not needed)."""
    from esma.functions import FUNCTIONS

    rows = [
        {
            "name": name,
            "signature": f.signature,
            "description": f.description,
            "domain": f.domain_text,
            "caps": dict(zip(f.labels, f.caps, strict=True)),
        }
        for name, f in FUNCTIONS.items()
    ]
    if as_json:
        _print_json(rows)
        return
    width = max(len(r["signature"]) for r in rows)
    for r in rows:
        click.echo(f"{r['signature']:<{width}}  {r['description']}")
        click.echo(f"{'':<{width}}  defined for {r['domain']}")


@cli.command("expand")
@click.argument("constant", required=False)
@click.option(
    "--value-file",
    type=click.File("rb"),
    default=None,
    metavar="FILE",
    help="Read the number's decimal digits from FILE ('-' for stdin) instead of CONSTANT; "
    "'[x +/- r]' gives an explicit radius.",
)
@click.option("--name", default=None, help="Name a number given by its digits in the output.")
@click.option("--lhs", default="x", show_default=True, help="Expand this expression in x.")
@click.option("--signs", default="+", show_default=True, help="One sign period: '+-' or '1,-1'.")
@click.option("--terms", default=20, show_default=True, type=int, help="Number of terms.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def expand_cmd(constant, value_file, name, lhs, signs, terms, as_json) -> None:
    """Expand CONSTANT (or --lhs of it) into a certified signed continued fraction.

    CONSTANT is a name (see 'esma constants'), an expression such as "exp(2)", or a decimal
    with at least 30 significant digits (a negative one after '--'). A number given by its
    digits (or --value-file) is the interval of +/- half a unit in its last digit: the expansion
    stops where the digits stop deciding the next term.

    \b
    Example:
      esma expand e --lhs "(x+1)/(x-1)" --signs + --terms 10
      esma expand --value-file digits.txt --name c --terms 50
    """
    from esma.digits import value_of
    from esma.expansion import signed_expansion

    if terms < 1 or terms > 1_000_000:
        raise EsmaError(f"--terms: {terms} must be between 1 and 1000000")
    number = _number_argument(constant, value_file, name)
    value = value_of(number, lhs)
    expansion = signed_expansion(value, signs, terms)
    if as_json:
        _print_json(expansion.to_dict())
        return
    if expansion.terms:
        click.echo(f"{value.text} = {expansion}")
        click.echo("a = " + ", ".join(map(str, expansion.terms)))
    count = expansion.certified_terms
    if expansion.data_digits is not None and expansion.bits:
        source = value.describe()
        if not expansion.exhausted:
            click.echo(f"{count} terms, all certified from {source}")
        elif count:
            click.echo(f"{count} terms, certified from {source}; give more digits for more terms")
        else:
            click.echo(
                f"no term is certified from {source}: the numbers they allow differ already "
                "in a_0; give more digits"
            )
        return
    click.echo(
        f"{count} terms, all certified from {expansion.digits} digits"
        if expansion.bits
        else f"{count} terms (exact value)"
    )


@cli.command("recurrence")
@click.argument("source", default="-", type=click.File("r"))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def recurrence_cmd(source, as_json: bool) -> None:
    """Find the linear recurrence of an integer sequence read from SOURCE (a file, or - for stdin).

    Integers may be separated by spaces, commas or newlines; an OEIS b-file ("n a(n)" lines,
    '#' comments, n counting up by one) is read as the sequence a(n) with its own indices. At
    most 10,000 terms of at most 4,000 digits each.

    \b
    Example:
      echo 1 2 3 2 5 2 7 2 9 2 11 2 13 2 15 | esma recurrence
    """
    from esma.sequences import read_sequence, sequence_recurrence

    result = sequence_recurrence(
        read_sequence(source.read(), name=getattr(source, "name", "input"))
    )
    if as_json:
        _print_json(result.to_dict())
        return
    for line in result.lines():
        click.echo(line)


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
    from esma.search import SearchSpace
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
    with executor_for(jobs, scheduler) as executor, Store.open(db) as store:
        params = space.to_dict()
        if not store.finished(params):
            executor.start()  # workers load while this process lists the left-hand sides
        run_id, done = store.start_run(params, space.total_chunks)
        todo = [i for i in range(space.total_chunks) if i not in done]
        reporter = SearchReporter(space, done=len(done), quiet=as_json)
        if done:
            reporter.note(f"resuming: {len(done)} of {space.total_chunks} chunks done")
        try:
            with reporter:
                for result in executor.run(space, todo):
                    store.finish_chunk(run_id, result.index, result.conjectures)
                    reporter.advance(result)
        except BaseException as exc:
            if _caused_by_interrupt(exc):
                reporter.note(
                    "interrupted: every finished chunk is stored; "
                    "run the same command again to resume"
                )
            raise
        store.finish_run(run_id)
        found = store.run_records(run_id)
    if as_json:
        for record in found:
            _print_json(record)
    else:
        print_conjectures(found, summary=reporter.summary())


@cli.command("verify")
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Verify every stored conjecture.")
@db_option
@click.option("--digits", default=2000, show_default=True, type=int, help="Digits to check.")
def verify_cmd(ids, all_, db, digits):
    """Re-verify stored conjectures to --digits digits and record the result.

    \b
    Example:
      esma verify --all --digits 3000
    """
    from esma.store import Store, resolve_url
    from esma.transforms import lhs_value
    from esma.verify import approve

    if bool(ids) == bool(all_):
        raise click.UsageError("give conjecture IDs or --all (not both)")
    if not Store.exists(db):
        raise EsmaError(
            f"--db: there is no database {resolve_url(db)} to verify; give the one searched into"
        )
    failed = 0
    with Store.open(db) as store:
        conjs = store.conjectures() if all_ else [store.get(i) for i in ids]
        for conj in conjs:
            approval = approve(
                lhs_value(conj.constant, conj.lhs), conj.recurrence, conj.signs, digits=digits
            )
            ok = approval is not None
            store.add_verification(
                conj.id, approval.digits if ok else 0, approval.terms if ok else 0, ok
            )
            failed += not ok
            status = f"ok, {approval.digits} digits, {approval.terms} terms" if ok else "FAILED"
            click.echo(f"{conj.id}  {status}  {conj.lhs_text}")
    if failed:
        raise click.ClickException(f"{failed} of {len(conjs)} conjectures failed verification")


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
    """The stored conjectures (of one constant), as objects or as their stored records; none,
    without creating a file, if there is no database yet."""
    from esma.store import Store

    if not Store.exists(db):
        return []
    with Store.open(db) as store:
        read = store.records if records else store.conjectures
        return read(_canonical_constant(constant))


def _write_output(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, so that a failure
    leaves either the old file or the new one, never half of it."""
    import tempfile

    target = os.path.abspath(path)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise EsmaError(f"-o: folder {folder} does not exist")
    if os.path.isdir(target):
        raise EsmaError(f"-o: {path} is a folder; give a file name")
    try:
        fd, tmp = tempfile.mkstemp(
            dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp"
        )
    except OSError as exc:
        raise EsmaError(f"-o: cannot write in {folder} ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; give it the usual mode
        os.replace(tmp, target)
    except OSError as exc:
        os.unlink(tmp)
        raise EsmaError(f"-o: cannot write {path} ({exc.strerror})") from None
    except BaseException:
        os.unlink(tmp)
        raise


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

    \b
    Example:
      esma show 3f2a
      esma show 3f2a --latex
    """
    from esma.errors import InvalidParameter
    from esma.signs import format_signs
    from esma.store import Store, resolve_url

    if not Store.exists(db):
        raise InvalidParameter(
            f"id: no conjecture {conjecture_id!r}: there is no database {resolve_url(db)}"
        )
    with Store.open(db) as store:
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
    back, and exporting again gives the same bytes.

    \b
    Example:
      esma export --constant e --format jsonl -o conjectures/e.jsonl
      esma export --format md > CONJECTURES.md
    """
    import io

    from esma.export import FORMATS, write_records_jsonl

    buf = io.StringIO()
    if fmt == "jsonl":  # the stored text is already canonical: no object is rebuilt
        count = write_records_jsonl(_stored(db, constant, records=True), buf)
    else:
        count = FORMATS[fmt](_stored(db, constant), buf)
    if output is None or output == "-":
        click.echo(buf.getvalue(), nl=False)
        return
    _write_output(output, buf.getvalue())
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
def import_cmd(files: tuple[str, ...], db: str) -> None:
    """Import conjectures from JSONL files (as written by 'esma export --format jsonl').

    Every file is checked first: one bad line stops the import with an error naming the file and
    the line, and the database is left unchanged. Conjectures already stored are skipped.

    \b
    Example:
      esma import conjectures/*.jsonl --db esma.db
    """
    from esma.export import read_jsonl
    from esma.store import Store

    batches = []
    for path in files:
        if path == "-":
            batches.append(("stdin", read_jsonl(sys.stdin, name="stdin")))
            continue
        try:
            with open(path, encoding="utf-8") as fh:
                batches.append((path, read_jsonl(fh, name=path)))
        except OSError as exc:
            raise EsmaError(f"{path}: cannot read ({exc.strerror})") from None
    new = present = 0
    with Store.open(db) as store:
        for path, conjs in batches:
            added, known = store.import_conjectures(conjs, source=path)
            new, present = new + added, present + known
    click.echo(f"imported {new} new, {present} already present")


# -- numbers given by their digits ----------------------------------------------------------------


def _file_name(stream) -> str:
    """How error messages name an opened --value-file ('stdin' for '-')."""
    name = getattr(stream, "name", None)
    return name if isinstance(name, str) and name not in ("-", "<stdin>") else "stdin"


def _number_argument(constant: str | None, value_file, name: str | None):
    """The number a command works on: CONSTANT (a name, an expression, or a long decimal) or
    the digits in --value-file, named by --name."""
    from esma.digits import Digits, read_digits, read_number

    if (constant is None) == (value_file is None):
        raise click.UsageError("give CONSTANT or --value-file FILE (one of them)")
    if value_file is not None:
        source = _file_name(value_file)
        return read_digits(value_file, source=source, name=name)
    number = read_number(constant)
    if isinstance(number, Digits):
        return number.with_name(name)
    if name is not None:
        raise click.UsageError("--name names a number given by its digits; CONSTANT has a name")
    return number


def _digits_argument(digits: str | None, value_file, name: str | None):
    """The digits a command reads: DIGITS as typed, or --value-file FILE ('-' for stdin)."""
    from esma.digits import parse_digits, read_digits

    if (digits is None) == (value_file is None):
        raise click.UsageError("give DIGITS or --value-file FILE (one of them)")
    if value_file is not None:
        source = _file_name(value_file)
        return read_digits(value_file, source=source, name=name)
    return parse_digits(digits, source="DIGITS", name=name)


@cli.command("identify")
@click.argument("digits", required=False)
@click.option(
    "--value-file",
    type=click.File("rb"),
    default=None,
    metavar="FILE",
    help="Read the digits from FILE ('-' for stdin) instead of DIGITS.",
)
@click.option("--name", default=None, help="Name the number in the output [default: y].")
@click.option(
    "--constants",
    default=None,
    help="Comma-separated names or expressions to try, e.g. e,pi,exp(2) "
    "[default: every named constant].",
)
@click.option(
    "--degree",
    default=1,
    show_default=True,
    type=click.IntRange(1, 2),
    help="1: Möbius maps (a*c + b)/(d*c + e) and quadratic irrationals; "
    "2: also P(c)/Q(c) of degree 2.",
)
@click.option(
    "--max-height",
    default=1000,
    show_default=True,
    type=click.IntRange(1, 10**6),
    help="Largest |coefficient| of a relation (lowered when the digits cannot tell it from "
    "chance).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per relation.")
def identify_cmd(digits, value_file, name, constants, degree, max_height, as_json) -> None:
    """Identify DIGITS as y = M(c), a Möbius (or degree-2) image of a constant, or a quadratic.

    Small integer relations are found with LLL and each is checked to every given digit in
    ball arithmetic. Relations the digits cannot tell from chance are not searched: the height
    bound is lowered (and says so) when the digits are few. Nothing found is not an error.
    A negative number goes after '--' (esma identify -- -0.46...).

    \b
    Example:
      esma identify 3.7459301206079792731550060153270346756406079032262
      esma identify --value-file y.txt --constants e,pi --degree 2 --json
    """
    from esma.identify import identify, split_constants

    number = _digits_argument(digits, value_file, name)
    chosen = split_constants(constants) if constants is not None else None
    found = identify(number, chosen, degree=degree, max_height=max_height)
    if as_json:
        for relation in found.relations:
            _print_json(relation.to_dict())
        return
    for relation in found.relations:
        click.echo(str(relation))
        if relation.search:
            click.echo(f"  formulas: {relation.search}")
    if not found.relations:
        click.echo(f"no relation found within {found.bounds()}")
    note = found.lowered()
    if note:
        click.echo(note)
