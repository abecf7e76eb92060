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

from esma.errors import EsmaError, InvalidParameter, StoreError, check_int


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


#: Records ``esma search`` prints on a terminal unless --limit says otherwise.
TERMINAL_LIMIT = 20


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
    "--functions",
    "functions",
    is_flag=True,
    help="List the functions expressions may use (signature, description, domain) instead.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON list: of {name, expression, value, description}, or with --functions "
    "of {name, signature, description, domain, caps} (README.md, Output for programs).",
)
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
@click.argument("constant", required=False)
@click.option(
    "--value-file",
    type=click.File("rb"),
    default=None,
    metavar="FILE",
    help="Search the number whose decimal digits FILE holds ('-' for stdin) instead of CONSTANT; "
    "'[x +/- r]' gives an explicit radius.",
)
@click.option(
    "--name",
    default=None,
    help="Name the number given by its digits in the records [default: digits:sha256:<first 16 "
    "hex digits of its SHA-256>].",
)
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
    help="Prove each approved formula where a classical theorem allows; --no-prove stores them "
    "as conjectured ('esma prove' can prove them later). Part of the search's parameters.",
)
@click.option(
    "--limit",
    default=None,
    type=click.IntRange(min=0),
    help=f"Print at most N records [default: {TERMINAL_LIMIT} on a terminal, all when piped].",
)
@click.option("--quiet", is_flag=True, help="Print no records: only the families and the summary.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print every record, one JSON object a line (and nothing else); conjectures/README.md "
    "describes their fields.",
)
def search_cmd(
    constant,
    value_file,
    name,
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
    limit,
    quiet,
    as_json,
):
    """Search for continued-fraction formulas of CONSTANT and store the approved conjectures.

    CONSTANT is a name (see 'esma constants') or any expression esma can evaluate, in exp log
    sqrt sin cos tan atan sinh cosh tanh gamma zeta besseli besselj and the named constants,
    e.g. "exp(2)", "tan(1)" or "besseli(1,2)/besseli(0,2)" (quote it for the shell).

    Every left-hand side f(x) (Möbius maps, or P/Q of --degree) with |coefficients| <= --coeff
    is expanded for every primitive sign period; sequences with a short linear recurrence are
    approved to --digits digits, and each approved record is proved when CONSTANT's continued
    fraction is a classical theorem (see 'esma prove'). Re-running the same search on the same
    database resumes it.

    The records go into the database and into families (see 'esma families'). The output ends
    with the families of the records found, the best new ones, and a summary line; records are
    printed first, at most --limit of them (--json prints every record and nothing else).

    A number known only from its decimal digits is searched with --value-file FILE (or as
    CONSTANT, a decimal of at least 30 significant digits): it is the interval of +/- half a unit
    in its last digit (or '[x +/- r]'). Every term is certified from that interval; the search is
    refused when the digits do not certify --depth terms of every candidate (it says about how
    many digits the depth needs), each formula is approved to --digits or to what the digits
    support if fewer (the record's verified_digits says which), and the records, named --name or
    digits:sha256:..., stay conjectured (no theorem is about such a number).

    \b
    Example:
      esma search e --coeff 2 --periods 1-2 --depth 100
      esma search "exp(1/3)" --coeff 1
      esma search --value-file digits.txt --name c --coeff 2 --periods 1-3
    """
    from esma.digits import Digits
    from esma.parallel import executor_for
    from esma.report import SearchReporter, print_conjectures
    from esma.search import SearchSpace

    number = _number_argument(constant, value_file, name)
    space = SearchSpace.create(
        number if isinstance(number, Digits) else number.text,
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
        # A number given by its digits must certify the search before the database is opened
        # (opening creates it): a refusal leaves nothing behind.
        check = space.data_check
        try:
            with Store.open(db, durable=True) as store:
                with reporter:
                    done = resume_search(
                        space,
                        store,
                        executor,
                        on_start=lambda _run, done: reporter.begin(len(done)),
                        on_chunk=lambda result, _new: reporter.advance(result),
                    )
                notes = [] if as_json else _family_notes(store, done)
                if check is not None and not as_json:
                    notes.append(check.note(space.number))
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
        return
    if quiet:
        limit = 0
    elif limit is None and sys.stdout.isatty():
        limit = TERMINAL_LIMIT
    print_conjectures(done.records, summary=reporter.summary(), limit=limit, notes=notes)


def _family_notes(store: Any, done: Any) -> list[str]:
    """The lines a search prints about the families of its records (their representatives'
    formulas read from ``store``)."""
    from esma.listing import family_summary

    if not done.records:
        return []
    reps = store.records_of(f.representative for f in done.families)
    formulas = {key: record["formula"] for key, record in reps.items()}
    return family_summary(done.families, formulas, records=len(done.records))


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
@click.option(
    "--value-file",
    type=click.File("rb"),
    default=None,
    metavar="FILE",
    help="The digits of a number searched with 'esma search --value-file': its records are "
    "checked against them (to --digits, or what they support if fewer).",
)
@force_option
def verify_cmd(ids, all_, db, digits, value_file, force):
    """Re-verify stored conjectures to --digits digits and record the result.

    Every conjecture is checked even when some fail or cannot be read back; each is named, a
    summary line ends the output, and the exit status is 1 if any failed or was unreadable.
    The records of a number known only from its digits need those digits (--value-file).

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

    numbers = []
    if value_file is not None:
        from esma.digits import read_digits

        numbers.append(read_digits(value_file, source=_file_name(value_file)))
    with Store.open(db, create=False, durable=True) as store:
        summary = reverify(
            store, list(ids) if ids else None, digits, on_result=show, numbers=numbers
        )
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
    "--sort",
    type=click.Choice(("id", "rate", "digits", "height", "status")),
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
        records = store.records(_canonical_constant(constant))
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
        _print_json(records)
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
    elif fmt == "html":  # one row per family, its other members folded
        from esma.familystore import current_families
        from esma.htmlpage import family_groups, write_html
        from esma.store import Store

        with Store.open(db, read_only=True) as store:
            chosen = _canonical_constant(constant)
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
    if done.unproved:
        count = len(done.unproved)
        click.echo(
            f"{count} certificate{'s' if count != 1 else ''} failed the checker: stored as "
            "conjectured (approved to their digits, not proved):"
        )
        for conjecture_id, reason in done.unproved:
            click.echo(f"  {conjecture_id}  {reason}")


# -- proofs and families --------------------------------------------------------------------------


@cli.command("prove")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--all", "all_", is_flag=True, help="Prove every stored conjecture.")
@click.option(
    "--constant", default=None, help="Prove every stored conjecture of this constant, e.g. e."
)
@db_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object per record, a line each: id, status, theorem, reason "
    "(README.md, Output for programs); the summary goes to stderr.",
)
def prove_cmd(ids, all_, constant, db, as_json) -> None:
    """Prove stored conjectures for every n, and store the status and the certificate.

    When the constant's regular continued fraction is a classical theorem (Euler's e, Lambert's
    tan 1, Hurwitz's e**2, e**(1/n), tanh(1/n), Lehmer's Bessel ratios, quadratic irrationals)
    and the left-hand side is a Möbius map of it, a finite exact computation (Gosper's algorithm
    run symbolically over the theorem's blocks) proves the closed form for every n. One line per
    record: 'ID  proved  THEOREM', 'ID  conjectured  WHY NOT' or 'ID  refuted  WHERE'.

    A refuted record (approved to its digits, but proven to differ further on) stays in the
    database as conjectured, without certificate; its line says refuted and the exit status is
    1. A record the prover cannot prove keeps a stored certificate that the checker accepts.

    \b
    Example:
      esma prove --all
      esma prove 3f2a 0015b5 --json
    """
    from esma.listing import proof_line
    from esma.proofcheck import check
    from esma.prove import Proof, prove
    from esma.store import Store

    if ids and (all_ or constant):
        raise click.UsageError("give conjecture IDs, or --all / --constant (not both)")
    if not ids and not all_ and constant is None:
        raise click.UsageError("give conjecture IDs, --all or --constant NAME")
    counts = {"proved": 0, "conjectured": 0, "refuted": 0}
    with Store.open(db, create=False, durable=True) as store:
        chosen = (
            [store.resolve(i) for i in ids] if ids else store.ids(_canonical_constant(constant))
        )
        for conjecture_id in dict.fromkeys(chosen):
            conj = store.get(conjecture_id)
            proof = prove(conj)
            if proof.status == "proved":
                if conj.status != "proved" or conj.proof != proof.certificate:
                    store.set_status(conj.id, "proved", proof.certificate)
            elif proof.status == "conjectured" and conj.status == "proved":
                if check(conj.to_dict()).ok:  # what is proved stays proved
                    theorem = proof.theorem or conj.proof.get("theorem")
                    proof = Proof(
                        "proved",
                        f"{theorem} (stored certificate, re-checked)",
                        f"not proved again ({proof.reason}); the stored certificate is valid",
                        conj.proof,
                    )
                else:
                    store.set_status(conj.id, "conjectured")
            elif conj.status == "proved":  # refuted: a stored certificate cannot stand
                store.set_status(conj.id, "conjectured")
            counts[proof.status] += 1
            if as_json:
                _print_json(
                    {
                        "id": conj.id,
                        "status": proof.status,
                        "theorem": proof.theorem,
                        "reason": proof.reason,
                    }
                )
            else:
                click.echo(proof_line(conj.id, proof))
    total = sum(counts.values())
    summary = (
        f"{total:,} record{'s' if total != 1 else ''}: {counts['proved']:,} proved, "
        f"{counts['conjectured']:,} conjectured, {counts['refuted']:,} refuted"
    )
    click.echo(summary, err=as_json)
    if counts["refuted"]:
        raise click.ClickException(
            f"{counts['refuted']} record{'s' if counts['refuted'] != 1 else ''} refuted: kept "
            "as conjectured; see the lines marked refuted"
        )


@cli.command("check")
@click.argument(
    "files",
    nargs=-1,
    required=True,
    metavar="FILE.jsonl...",
    type=click.Path(exists=True, dir_okay=False, allow_dash=True),
)
def check_cmd(files: tuple[str, ...]) -> None:
    """Re-check every proof certificate in JSONL files, with no database.

    The independent checker (esma.proofcheck, which shares no code with the prover) replays each
    record's certificate against the record and its own copy of the classical theorems. Prints
    the summary ('8416 certificates, 8416 valid') and each invalid id with the reason; exit
    status 0 only if every certificate is valid. A record that says it is proved but has no
    certificate is invalid; a conjectured one is counted and skipped.

    \b
    Example:
      esma check conjectures/*.jsonl
    """
    from contextlib import ExitStack

    from esma.export import iter_json_lines
    from esma.proofcheck import check_records

    records = []
    for path in files:
        with ExitStack() as stack:
            if path == "-":
                name, fh = "stdin", sys.stdin
            else:
                try:
                    name, fh = path, stack.enter_context(open(path, encoding="utf-8"))
                except OSError as exc:
                    raise EsmaError(f"{path}: cannot read ({exc.strerror})") from None
            for line, record in iter_json_lines(fh, name=name):
                if not isinstance(record, dict):
                    raise EsmaError(f"{name}, line {line}: not a JSON object (a record is one)")
                records.append(record)
    summary = check_records(records)
    click.echo(str(summary))
    for conjecture_id, reason in summary.invalid:
        click.echo(f"{conjecture_id}  INVALID  {reason}")
    if not summary.ok:
        raise click.ClickException(
            f"{len(summary.invalid)} of {summary.certificates} certificates are invalid"
        )


@cli.command("families")
@click.option(
    "--constant", default=None, help="Only the families of this constant, e.g. e or exp(2)."
)
@db_option
@click.option(
    "--new", "only_new", is_flag=True, help="Only families not in esma's classical library."
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object per family, a line each (README.md, Output for programs).",
)
@click.option(
    "--md",
    "as_markdown",
    is_flag=True,
    help="Print a Markdown page: the funnel per constant (records, proved, values, value "
    "classes, families, new), then each constant's families, new ones fastest first.",
)
def families_cmd(constant, db, only_new, as_json, as_markdown) -> None:
    """List the families of formulas: the continued fractions that really differ.

    Two records are one family when their pairs (a_n, b_n) agree from some index on, up to a
    shift; each member's value is y = M(y_rep) for an integer matrix M of determinant +-1. One
    line per family: key, constant, members, classical (with the citation) or new, the
    representative's digits per term against the regular continued fraction of the same value,
    and the representative formula. New means: not in esma's library of classical continued
    fractions (esma.classical), not necessarily unknown to the literature.

    Families are stored as records are stored; records a stopped search left unplaced are
    placed now when the database can be written, else computed in memory.

    \b
    Example:
      esma families --constant e --new
      esma families --json > families.jsonl
      esma families --md > families.md
    """
    from esma.familystore import current_families, place_families
    from esma.listing import families_markdown, family_lines

    if as_json and as_markdown:
        raise click.UsageError("--json and --md are two formats: give one")
    with _open_for_families(db) as store:
        if not store.read_only and store.unplaced_constants():
            place_families(store)
        fams = current_families(store, _canonical_constant(constant))
        if only_new:
            fams = [f for f in fams if f.kind == "new"]
        if as_json:
            for fam in fams:
                _print_json(fam.to_dict())
            return
        if as_markdown:
            records = store.records_of(m.id for f in fams for m in f.members)
            click.echo(families_markdown(fams, records), nl=False)
            return
        reps = store.records_of(f.representative for f in fams)
    if not fams:
        click.echo("no families" + (f" of {constant}" if constant else ""))
        return
    for line in family_lines(fams, {key: r["formula"] for key, r in reps.items()}):
        click.echo(line)
    records = sum(len(f.members) for f in fams)
    new = sum(f.kind == "new" for f in fams)
    click.echo(
        f"{len(fams)} famil{'y' if len(fams) == 1 else 'ies'} ({new} new), {records} records"
    )


def _open_for_families(db: str | None):
    """The database, opened for writing when it can be (to store the families of records not
    placed yet), else read-only."""
    from esma.dialects import dialect_for
    from esma.store import Store

    try:
        dialect_for(db).check(read_only=False, create=False)
    except StoreError:  # a file that cannot be written (missing ones are refused below)
        return Store.open(db, read_only=True)
    return Store.open(db, create=False, durable=True)


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
