"""The commands that search and re-verify: ``search`` and ``verify``.

Next to them, what they check before they run: the limits on digits and depth (with what a
forced run will cost), whether numba's kernels are about to be compiled, and the family lines a
search prints at its end.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from esma.cli.common import (
    LONG_STEP_SECONDS,
    caused_by_interrupt,
    db_option,
    force_option,
    note,
    print_json,
    value_file_option,
)
from esma.cli.numbers import file_name, number_argument
from esma.errors import check_int

#: Records ``esma search`` prints on a terminal unless --limit says otherwise.
TERMINAL_LIMIT = 20


@click.command("search")
@click.argument("constant", required=False)
@value_file_option(
    "Search the number whose decimal digits FILE holds ('-' for stdin) instead of CONSTANT; "
    "'[x +/- r]' gives an explicit radius."
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

    number = number_argument(constant, value_file, name)
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
        from esma.runs import resume_search

        if _compiles_kernels(executor, space):
            reporter.note("compiling numba kernels (first run only: they are cached for the next)")
        # A number given by its digits must certify the search before the database is opened
        # (opening creates it): a refusal leaves nothing behind.
        check = space.data_check
        # The workers start on the first chunks while this process imports SQLAlchemy (longer
        # than a small search's work) and opens the database.
        executor.begin(space)
        from esma.store import Store

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
            if caused_by_interrupt(exc):
                reporter.note(
                    "interrupted: every finished chunk is stored; "
                    "run the same command again to resume"
                )
            raise
    if as_json:
        for record in done.records:
            print_json(record)
        return
    if quiet:
        limit = 0
    elif limit is None and sys.stdout.isatty():
        limit = TERMINAL_LIMIT
    print_conjectures(done.records.briefs(), summary=reporter.summary(), limit=limit, notes=notes)


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
        note(
            f"approving to {space.digits:,} digits: about {seconds:,.0f} s and "
            f"{megabytes:,.0f} MB per process for each candidate flagged"
        )
    if space.depth > SEARCH_DEPTH:
        total = screen_seconds(space.estimated_candidates, space.depth)
        note(f"screening at depth {space.depth:,}: about {total:,.0f} s of CPU")


def _compiles_kernels(executor: Any, space: Any) -> bool:
    """Whether this search is about to compile numba's kernels: it uses them (the workers'
    choice, or in this process the search's size decides) and numba's cache lacks them (the
    first run after installing or upgrading esma: seconds with nothing else to show)."""
    from esma.kernels.policy import cache_is_warm, compiled
    from esma.parallel import DaskExecutor

    if isinstance(executor, DaskExecutor):
        return False  # the cluster's workers compile, if they must
    uses = getattr(executor, "compiled", None)
    if uses is None:  # in this process: the choice SearchSpace.compiled makes, made ahead
        uses = compiled(space.plain_seconds())
    return uses and cache_is_warm() is False


@click.command("verify")
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Verify every stored conjecture.")
@db_option
@click.option("--digits", default=2000, show_default=True, type=int, help="Digits to check.")
@value_file_option(
    "The digits of a number searched with 'esma search --value-file': its records are "
    "checked against them (to --digits, or what they support if fewer)."
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
        note(
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

        numbers.append(read_digits(value_file, source=file_name(value_file)))
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
