"""The ``esma`` command line: each command a short adapter over the library.

Heavy modules (numba, sympy, flint) are imported inside the commands, so ``esma --help`` is
instant. Every error a user can cause prints one line on stderr and exits with status 2.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import click

from esma.errors import EsmaError, InvalidParameter, check_int


class _EsmaGroup(click.Group):
    """A click group whose errors are one line and whose exit codes are the documented ones
    (README.md: 2 for bad input, 130 for Ctrl-C)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            try:
                super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            finally:
                # The command is over, whichever way: a Ctrl-C from now on must not turn its
                # exit status into a death by SIGINT (-2) halfway through the messages below.
                # Only as the program itself (args from sys.argv): a caller that passes args
                # (click's CliRunner, a script) keeps its Ctrl-C.
                if args is None:
                    _hold_interrupts()
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


def _hold_interrupts() -> None:
    """Keep SIGINT from being delivered for the rest of this process's life (it is exiting)."""
    import signal

    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    else:  # pragma: no cover - Windows
        signal.signal(signal.SIGINT, signal.SIG_IGN)


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


def force_option(func):
    """``--force``: run past a limit set from what this machine can do (esma.limits)."""
    return click.option(
        "--force",
        is_flag=True,
        help="Run even past the limits on digits, terms or depth (see the README's limits).",
    )(func)


def _note(message: str) -> None:
    click.echo(message, err=True)


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
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON list of {name, expression, value, description} (README.md, Output "
    "for programs).",
)
def constants_cmd(as_json: bool) -> None:
    """List the named constants.

    \b
    Example:
      esma constants
    """
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
@force_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object: terms, signs, certified_terms, digits (and exhausted for a "
    "number given by its digits); README.md, Output for programs, says what each means.",
)
def expand_cmd(constant, value_file, name, lhs, signs, terms, force, as_json) -> None:
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
    from esma.limits import EXPAND_TERMS, check_limit, expansion_seconds

    seconds = expansion_seconds(terms)
    check_limit(
        "terms", terms, EXPAND_TERMS, f"about {seconds:,.0f} s, growing as terms^2", force=force
    )
    number = _number_argument(constant, value_file, name)
    if seconds > LONG_STEP_SECONDS:
        _note(f"expanding {terms:,} terms: about {seconds:,.0f} s")
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
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object: found, offset, recurrence, quasi_polynomial (the last two as "
    "in a conjecture record, see conjectures/README.md).",
)
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
@force_option
@click.option(
    "--prove/--no-prove",
    default=True,
    show_default=True,
    help="Prove each approved formula where a classical theorem allows (see 'esma prove').",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the conjecture records, one JSON object a line; conjectures/README.md "
    "describes their fields.",
)
def search_cmd(
    constant,
    degree,
    coeff,
    periods,
    depth,
    threshold,
    digits,
    db,
    jobs,
    scheduler,
    force,
    prove,
    as_json,
):
    """Search for continued-fraction formulas of CONSTANT and store the approved conjectures.

    CONSTANT is a name (see 'esma constants') or any expression esma can evaluate, in exp log
    sqrt sin cos tan atan sinh cosh tanh gamma zeta besseli besselj and the named constants,
    e.g. "exp(2)", "tan(1)" or "besseli(1,2)/besseli(0,2)" (quote it for the shell).

    Every left-hand side f(x) (Möbius maps, or P/Q of --degree) with |coefficients| <= --coeff
    is expanded for every primitive sign period; sequences with a short linear recurrence are
    approved to --digits digits. Re-running the same search on the same database resumes it.

    \b
    Example:
      esma search e --coeff 2 --periods 1-2 --depth 100
      esma search "exp(1/3)" --coeff 1
    """
    from esma.parallel import executor_for
    from esma.report import SearchReporter, print_conjectures
    from esma.search import SearchSpace

    space = SearchSpace.create(
        constant,
        degree=degree,
        coeff=coeff,
        periods=periods,
        depth=depth,
        threshold=threshold,
        digits=digits,
        prove=prove,
    )
    _check_search_limits(space, force)
    reporter = SearchReporter(space, quiet=as_json)
    with executor_for(jobs, scheduler, space=space) as executor:
        # Local workers (their zygote) start now, before the database is opened: they load the
        # kernels while this process lists the left-hand sides and opens the store.
        executor.start()
        # Imported only now: SQLAlchemy takes longer to import than the zygote takes to fork.
        from esma.runs import resume_search
        from esma.store import Store

        if _compiles_kernels(executor, space):
            reporter.note("compiling numba kernels (first run only: they are cached for the next)")
        try:
            with Store.open(db, durable=True) as store, reporter:
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


def _check_search_limits(space: Any, force: bool) -> None:
    """Refuse a search whose approvals or screens would be out of proportion (esma.limits),
    unless forced; say what a forced one will cost."""
    from esma.limits import (
        SEARCH_DEPTH,
        SEARCH_DIGITS,
        approval_cost,
        check_limit,
        screen_seconds,
    )

    seconds, megabytes = approval_cost(space.digits)
    check_limit(
        "digits",
        space.digits,
        SEARCH_DIGITS,
        f"one approval there takes about {seconds:,.1f} s and {megabytes:,.0f} MB, and a search "
        "approves thousands",
        force=force,
    )
    candidates = space.estimated_candidates
    check_limit(
        "depth",
        space.depth,
        SEARCH_DEPTH,
        f"screening costs ~(depth/100)^2 times the default's: about "
        f"{screen_seconds(1, space.depth) * 1e3:,.0f} ms a candidate, "
        f"{screen_seconds(candidates, space.depth):,.0f} s for the ~{candidates:,} here",
        force=force,
    )
    if space.digits > SEARCH_DIGITS:
        _note(
            f"approving to {space.digits:,} digits: about {seconds:,.0f} s and "
            f"{megabytes:,.0f} MB per process for each candidate flagged"
        )
    if space.depth > SEARCH_DEPTH:
        total = screen_seconds(space.estimated_candidates, space.depth)
        _note(f"screening at depth {space.depth:,}: about {total:,.0f} s of CPU")


#: A step expected to take longer than this many seconds is announced on stderr first.
LONG_STEP_SECONDS = 5.0


def _compiles_kernels(executor: Any, space: Any) -> bool:
    """Whether this search is about to compile numba's kernels: it uses them (the workers'
    choice, or in this process the search's size decides) and numba's cache lacks them (the
    first run after installing or upgrading esma: seconds with nothing else to show)."""
    from esma.kernels.policy import cache_is_warm, compiled
    from esma.parallel import DaskExecutor

    if isinstance(executor, DaskExecutor):
        return False  # the cluster's workers compile, if they must
    uses = getattr(executor, "compiled", None)
    if uses is None:
        uses = compiled(space.plain_seconds(space.estimated_candidates))
    return uses and cache_is_warm() is False


@cli.command("verify")
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Verify every stored conjecture.")
@db_option
@click.option("--digits", default=2000, show_default=True, type=int, help="Digits to check.")
@force_option
def verify_cmd(ids, all_, db, digits, force):
    """Re-verify stored conjectures to --digits digits and record the result.

    Every conjecture is checked even when some fail or cannot be read back; each is named, a
    summary line ends the output, and the exit status is 1 if any failed or was unreadable.

    \b
    Example:
      esma verify --all --digits 3000
    """
    from esma.limits import VERIFY_DIGITS, approval_cost, check_limit
    from esma.store import Store
    from esma.verify import reverify

    if bool(ids) == bool(all_):
        raise click.UsageError("give conjecture IDs or --all (not both)")
    seconds, megabytes = approval_cost(digits)
    check_limit(
        "digits",
        check_int("digits", digits, 10),
        VERIFY_DIGITS,
        f"about {seconds:,.0f} s and {megabytes:,.0f} MB a record, growing as digits^1.9",
        force=force,
    )
    if seconds > LONG_STEP_SECONDS:
        _note(
            f"verifying to {digits:,} digits: about {seconds:,.0f} s and {megabytes:,.0f} MB a record"
        )

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
# The keys of esma.export.FORMATS.
_EXPORT_FORMATS = ("jsonl", "csv", "latex", "md", "html", "sympy", "gp", "ramanujantools")


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
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object per relation, a line each: kind, constant, lhs, value, height, "
    "relation, checked_digits, search (README.md, Output for programs).",
)
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
        if relation.search and relation.theorem:
            click.echo(f"  provable: {relation.theorem}; the search proves what it finds")
    if not found.relations:
        click.echo(f"no relation found within {found.bounds()}")
    note = found.lowered()
    if note:
        click.echo(note)
