"""The commands about proofs and families: ``prove``, ``check`` and ``families``.

``prove`` stores what the prover proves, ``check`` replays certificates with the independent
checker and no database, and ``families`` lists the continued fractions that really differ.
"""

from __future__ import annotations

import click

from esma.cli.common import (
    canonical_constant,
    db_option,
    input_files_argument,
    open_input,
    print_json,
)
from esma.errors import EsmaError, StoreError


@click.command("prove")
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
        chosen = [store.resolve(i) for i in ids] if ids else store.ids(canonical_constant(constant))
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
                print_json(
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


@click.command("check")
@input_files_argument("FILE.jsonl...")
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
            name, fh = open_input(stack, path)
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


@click.command("families")
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
        fams = current_families(store, canonical_constant(constant))
        if only_new:
            fams = [f for f in fams if f.kind == "new"]
        if as_json:
            for fam in fams:
                print_json(fam.to_dict())
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
