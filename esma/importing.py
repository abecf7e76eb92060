"""Importing conjectures from JSONL: every record is derived again and approved before it is stored.

A record from a file is a claim, however well-formed: its terms may have been edited and its id
recomputed, its constant swapped, its digits invented. So each record is checked as a search
would have made it, and the file is imported only if every record passes:

1. the fields have their types, the id matches the content and ``a_prefix`` is what the
   recurrence generates (:meth:`Conjecture.from_dict`);
2. the constant and the left-hand side parse, the constant is written as esma writes it, and the
   value is a real irrational number;
3. ``lhs_value`` is a decimal number of at least :data:`VALUE_DIGITS` significant digits that
   equals the certified value of the left-hand side to its last digit;
4. ``a_prefix`` has at least 30 terms and is the certified signed expansion of that value;
5. the continued fraction is approved (:func:`esma.verify.approve`) to 1000 digits and to the
   record's ``verified_digits`` (from 10 to :data:`MAX_DIGITS`);
6. ``convergence_rate`` is the rate approval measures, within :data:`RATE_TOLERANCE`;
7. ``quasi_polynomial``, ``formula`` and ``latex`` are derived again from the recurrence: what
   the file says is not used;
8. a record that says it is proved has its certificate replayed by the independent checker
   (:func:`esma.proofcheck.check`).

A record that fails checks 1-7 is refused, naming its file and line; nothing is stored then. A
record whose certificate fails check 8 is still a conjecture approved to its digits: it is stored
as conjectured, without the certificate, and the import says which. The approval of each stored
record is kept as its first verification. Records are checked in batches, in parallel when an
executor of :mod:`esma.parallel` is given. Once stored, the records are placed in their families
(:func:`esma.familystore.place_families`), in the same transaction.

>>> import io, json
>>> from esma.conjecture import example
>>> from esma.store import Store
>>> claim = json.dumps({**example().to_dict(), "verified_digits": 10**12})
>>> with Store.open("sqlite://") as store:
...     import_files([("e.jsonl", io.StringIO(claim))], store)
Traceback (most recent call last):
...
esma.errors.InvalidRecord: e.jsonl, line 1: verified_digits 1000000000000 is out of range: esma approves records to 10 to 100000 digits; nothing was imported
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from typing import IO, TYPE_CHECKING, Any

from esma.errors import EsmaError, InvalidRecord, StoreError

if TYPE_CHECKING:
    from esma.conjecture import Conjecture
    from esma.store import Store
    from esma.verify import Approval

#: Most digits a record may claim: each is approved to its claim, which costs time.
MAX_DIGITS = 100_000

#: Fewest significant digits of a record's ``lhs_value``.
VALUE_DIGITS = 50

#: How far (relatively) a record's convergence rate may be from the one approval measures; the
#: rate depends a little on where approval stopped, which depends on the digits asked.
RATE_TOLERANCE = 0.02

#: Records per task handed to an executor: a few hundred milliseconds of work each.
BATCH = 100

_DECIMAL = re.compile(r"-?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d{1,9}))?")

# Python converts at most 4300 digits of text to an integer (a guard against slow conversions).
_MAX_VALUE_TEXT = 4000


@dataclass(frozen=True)
class Imported:
    """What :func:`import_files` did.

    Attributes
    ----------
    read : int
        Records read (every one checked).
    new : int
        Conjectures stored.
    present : int
        Conjectures already stored (or stored by an earlier source of the same import),
        counted once per source.
    unproved : tuple of (str, str)
        Records that said they were proved but whose certificate the checker rejected: stored
        as conjectured. Each id with the checker's reason.
    families : int
        Families written (new, or grown by the records imported).
    """

    read: int
    new: int
    present: int
    unproved: tuple[tuple[str, str], ...] = ()
    families: int = 0


@dataclass(frozen=True)
class Checked:
    """A record that passed every check: the conjecture (with derived fields as esma derives
    them) and the approval that stands behind it. ``unproved`` is the checker's reason when the
    record said it was proved and its certificate failed (the conjecture is then conjectured)."""

    conjecture: Conjecture
    approval: Approval
    unproved: str | None = None


def check_record(record: Any) -> Checked:
    """Check one record as described in the module notes; return it as a conjecture.

    Raises
    ------
    InvalidRecord
        Saying what is wrong (without the file and line, which the caller knows).

    Examples
    --------
    >>> from esma.conjecture import example
    >>> record = example().to_dict()
    >>> check_record(record).approval.digits >= 1000
    Traceback (most recent call last):
    ...
    esma.errors.InvalidRecord: convergence_rate 2.5 is not the 2.78 digits per term approval measures
    >>> check_record({**record, "convergence_rate": 2.7802}).approval.digits
    1016
    >>> check_record({k: v for k, v in record.items() if k != "id"} | {"constant": "pi"})
    Traceback (most recent call last):
    ...
    esma.errors.InvalidRecord: lhs_value 1.7182818284590452353602874713526624977572470936999595749669... is not the value of pi - 1
    """
    from esma.conjecture import PREFIX_TERMS, Conjecture
    from esma.constants import get_constant
    from esma.expansion import signed_expansion
    from esma.transforms import lhs_value
    from esma.verify import MIN_DIGITS, approve

    try:
        conj = Conjecture.from_dict(record)
    except InvalidRecord:
        raise
    except (EsmaError, TypeError, ValueError, KeyError) as exc:
        raise InvalidRecord(str(exc)) from None
    try:
        constant = get_constant(conj.constant)
    except EsmaError as exc:
        from esma.digitsearch import is_digits_constant

        if is_digits_constant(conj.constant):
            raise InvalidRecord(
                f"constant {conj.constant!r} is a number a search knew only from its digits: "
                "its records cannot be checked without them, so they are not imported"
            ) from None
        raise InvalidRecord(
            f"constant {conj.constant!r}: {exc} (records of a number given by its digits "
            "cannot be imported: they cannot be checked without the digits)"
        ) from None
    if constant.text != conj.constant:
        raise InvalidRecord(
            f"constant {conj.constant!r} is not written as esma writes it ({constant.text!r})"
        )
    try:
        value = lhs_value(constant, conj.lhs)
    except EsmaError as exc:
        raise InvalidRecord(f"lhs {conj.lhs!r}: {exc}") from None
    _check_value_text(conj.lhs_value, value)

    if len(conj.a_prefix) < PREFIX_TERMS:
        raise InvalidRecord(
            f"a_prefix has {len(conj.a_prefix)} terms; a record gives at least {PREFIX_TERMS}"
        )
    expansion = signed_expansion(value, conj.signs, len(conj.a_prefix)).terms
    if tuple(expansion) != conj.a_prefix:
        n = next(n for n, (a, b) in enumerate(zip(expansion, conj.a_prefix, strict=True)) if a != b)
        raise InvalidRecord(
            f"a_prefix is not the signed continued fraction of {value.text}: a_{n} is "
            f"{expansion[n]}, not {conj.a_prefix[n]}"
        )

    claimed = conj.verified_digits
    if not 10 <= claimed <= MAX_DIGITS:
        raise InvalidRecord(
            f"verified_digits {claimed} is out of range: esma approves records to 10 to "
            f"{MAX_DIGITS} digits"
        )
    proof = approve(value, conj.recurrence, conj.signs, digits=MIN_DIGITS)
    if proof is None:
        raise InvalidRecord(
            f"the continued fraction does not converge to {value.text}: approval to "
            f"{MIN_DIGITS} digits fails"
        )
    measured = proof
    if claimed != proof.digits:
        measured = approve(value, conj.recurrence, conj.signs, digits=claimed)
        if measured is None:
            raise InvalidRecord(
                f"verified_digits {claimed}: the continued fraction does not agree with "
                f"{value.text} to that many digits"
            )
    rate = conj.convergence_rate
    if not abs(rate - measured.convergence_rate) <= RATE_TOLERANCE * measured.convergence_rate:
        raise InvalidRecord(
            f"convergence_rate {rate:.6g} is not the {measured.convergence_rate:.3g} digits per "
            "term approval measures"
        )
    unproved = None
    if conj.status == "proved":
        from esma.proofcheck import check

        verdict = check(conj.to_dict())  # the record as it will be stored, derived again
        if not verdict.ok:
            conj, unproved = replace(conj, status="conjectured", proof=None), verdict.reason
    return Checked(conj, max(proof, measured, key=lambda a: a.digits), unproved)


def _check_value_text(text: str, value: Any) -> None:
    """``text`` is a decimal of at least VALUE_DIGITS significant digits, within one unit of
    its last digit of the certified ``value``."""
    from flint import arb

    from esma.precision import working_precision

    shown = text if len(text) <= 64 else text[:60] + "..."
    match = _DECIMAL.fullmatch(text)
    if match is None:
        raise InvalidRecord(f"lhs_value {shown!r} is not a decimal number")
    whole, fraction = match[1], match[2] or ""
    significant = len((whole + fraction).lstrip("0"))
    if significant < VALUE_DIGITS:
        raise InvalidRecord(
            f"lhs_value has {significant} significant digits; a record gives at least "
            f"{VALUE_DIGITS}"
        )
    if len(whole) + len(fraction) > _MAX_VALUE_TEXT:
        raise InvalidRecord(f"lhs_value has more than {_MAX_VALUE_TEXT} digits; esma reads fewer")
    scale = int(match[3] or 0) - len(fraction)  # text = ±digits · 10^scale
    # The value's relative precision must reach past the text's last digit.
    bits = int((significant + 20) * 3.33) + 64
    with working_precision(bits):
        digits = arb(int(whole + fraction)) * (-1 if text.startswith("-") else 1)
        given = digits * arb(10) ** scale
        if not abs(given - value.arb(bits)) < arb(10) ** scale:
            raise InvalidRecord(f"lhs_value {shown} is not the value of {value.text}")


# -- many records: in batches, possibly in parallel ----------------------------------------------


def check_task(records: list[Any]) -> list[dict[str, Any]]:
    """Check a batch of records from plain data to plain data: the unit of work of an executor.

    Each outcome is ``{"record": to_dict(), "digits", "terms", "rate", "unproved"}`` (the
    approval, and the checker's reason if the record's certificate failed) or ``{"error": text}``.

    >>> check_task([{"constant": "e"}])
    [{'error': 'record lacks the field(s) lhs, lhs_value, signs, a_prefix, recurrence, verified_digits, convergence_rate'}]
    """
    out: list[dict[str, Any]] = []
    for record in records:
        try:
            checked = check_record(record)
        except EsmaError as exc:
            out.append({"error": str(exc)})
            continue
        approval = checked.approval
        out.append(
            {
                "record": checked.conjecture.to_dict(),
                "digits": approval.digits,
                "terms": approval.terms,
                "rate": approval.convergence_rate,
                "unproved": checked.unproved,
            }
        )
    return out


def check_records(
    records: Sequence[tuple[str, int, Any]],
    executor: Any = None,
    *,
    batch: int = BATCH,
    on_batch: Callable[[int], None] | None = None,
) -> list[Checked]:
    """Check ``(source, line, record)`` triples; every one must pass.

    With an ``executor`` (:mod:`esma.parallel`) and more than one batch, batches run on its
    workers; otherwise in this process. ``on_batch(n)`` is told each time ``n`` more records
    are checked.

    Raises
    ------
    InvalidRecord
        Naming the first record (in file and line order) that failed, and how many more did.
    """
    from esma.conjecture import Conjecture
    from esma.verify import Approval

    tasks = [([r for _, _, r in records[k : k + batch]],) for k in range(0, len(records), batch)]
    outcomes: list[list[dict[str, Any]] | None] = [None] * len(tasks)
    if executor is None or len(tasks) <= 1:
        for k, (part,) in enumerate(tasks):
            outcomes[k] = check_task(part)
            if on_batch is not None:
                on_batch(len(part))
    else:
        lines = [f"{s}, lines {n}.." for s, n, _ in records[::batch]]
        for k, result in executor.map(check_task, tasks, label=lines.__getitem__):
            outcomes[k] = result
            if on_batch is not None:
                on_batch(len(result))
    flat = [outcome for part in outcomes for outcome in part or ()]
    failed = [
        (source, line, outcome["error"])
        for (source, line, _), outcome in zip(records, flat, strict=True)
        if "error" in outcome
    ]
    if failed:
        source, line, error = failed[0]
        more = f" ({len(failed) - 1} more records refused)" if len(failed) > 1 else ""
        raise InvalidRecord(f"{source}, line {line}: {error}{more}; nothing was imported")
    return [
        Checked(
            # Checked field by field and by id; what the worker rendered is kept, not redone.
            Conjecture.from_dict(outcome["record"], trusted=True),
            Approval(outcome["digits"], outcome["terms"], outcome["rate"]),
            outcome.get("unproved"),
        )
        for outcome in flat
    ]


def read_records(sources: Iterable[tuple[str, IO[str]]]) -> list[tuple[str, int, Any]]:
    """Every record of the JSONL ``sources`` (name, open text file) as ``(name, line, record)``.

    Raises
    ------
    InvalidRecord
        A line is not JSON (naming the source and the line).
    """
    from esma.export import iter_json_lines

    return [
        (name, line, record)
        for name, fh in sources
        for line, record in iter_json_lines(fh, name=name)
    ]


def import_files(
    sources: Iterable[tuple[str, IO[str]]],
    store: Store | str | None,
    executor: Any = None,
    *,
    on_batch: Callable[[int], None] | None = None,
) -> Imported:
    """Read, check and store the records of JSONL ``sources`` (name, open text file): all of
    them in one transaction, or, if any record fails, none.

    Parameters
    ----------
    sources : iterable of (str, file)
        Each JSONL source with the name its errors give.
    store : Store, or str or None
        An open store, or the database to open (``db`` of :meth:`esma.store.Store.open`, not in
        memory). A SQLite file that does not exist yet is created only once every record passed.
    executor, on_batch
        See :func:`check_records`.

    Records already stored are checked too (a file is imported whole or not at all) but not
    stored again (except that one stored as conjectured gains a certificate the checker
    accepts). Every record of the database not yet in a family is then placed in one
    (:func:`esma.familystore.place_families`), in the same transaction.

    Raises
    ------
    InvalidRecord
        A line is not JSON or a record fails a check; nothing is stored.
    StoreError
        The database cannot be written.
    """
    from esma.dialects import dialect_for
    from esma.familystore import place_families
    from esma.store import Store

    with ExitStack() as stack:
        if not isinstance(store, Store):
            target = dialect_for(store)
            if target.in_memory or target.exists():
                # Opened first, so that a database esma refuses costs no checking.
                store = stack.enter_context(Store.open(store, durable=True))
        files = [(name, read_records([(name, fh)])) for name, fh in sources]
        records = [record for _, part in files for record in part]
        checked = iter(check_records(records, executor, on_batch=on_batch))
        if not isinstance(store, Store):
            store = stack.enter_context(Store.open(store, durable=True))
        if store.read_only:
            raise StoreError(f"database {store.url} was opened read-only; nothing can be imported")
        new = present = 0
        unproved: dict[str, str] = {}
        with store.batch():
            for name, part in files:
                items = [next(checked) for _ in part]
                approvals = {item.conjecture.id: item.approval for item in items}
                added, known = store.import_conjectures(
                    [item.conjecture for item in items], name, approvals=approvals
                )
                new, present = new + added, present + known
                unproved.update(
                    (item.conjecture.id, item.unproved) for item in items if item.unproved
                )
            placed = place_families(store)
    return Imported(len(records), new, present, tuple(unproved.items()), placed.families)
