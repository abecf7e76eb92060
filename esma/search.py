"""The ESMA search: enumerate left-hand sides × sign periods, screen, approve.

The domain is every distinct left-hand side f (see :mod:`esma.transforms`) times every primitive
sign period σ with length in ``periods``. It is cut into deterministic chunks (blocks of
left-hand sides × all periods) so a run can be stored chunk by chunk, resumed, and spread over
workers. For each candidate (f, σ):

1. **screen**: expand the first ``depth`` certified terms of f(c) with signs σ and compute their
   linear complexity L with Berlekamp–Massey mod p; the expansion stops early once the first
   2K + 4 terms already have L > K, where K is the flag bound (L never decreases). A whole chunk
   is screened in one compiled call (:mod:`esma.screening`); what it cannot decide goes through
   the exact path (:func:`screen`);
2. **recurrence**: for a flagged candidate, the exact integer recurrence with its start index;
3. **approve**: regenerate terms and compare the continued fraction with f(c) to ``digits``.

>>> space = SearchSpace.create("e", coeff=1, periods=(1, 1), depth=60)
>>> found = [c for chunk in range(space.total_chunks) for c in run_chunk(space, chunk).conjectures]
>>> print(found[1].formula)
e = 2 + 1/(1 + 1/(2 + 1/(1 + …))); signs +; a(0) = 2; for m >= 0: a(1+3m) = 1, a(2+3m) = 2 + 2m, a(3+3m) = 1
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from functools import cached_property
from itertools import islice
from typing import TYPE_CHECKING, Any

from esma.errors import InvalidParameter, PrecisionExhausted, check_int
from esma.signs import Signs, parse_periods, primitive_periods

if TYPE_CHECKING:
    from collections.abc import Sequence

    from esma.conjecture import Conjecture
    from esma.constants import Constant
    from esma.digits import Digits, DigitsImage
    from esma.digitsearch import DataCheck
    from esma.transforms import LhsValue, RationalLhs

#: Left-hand sides per chunk: small enough that a killed run loses little, large enough that
#: per-chunk bookkeeping (one database transaction) is negligible.
CHUNK_LHS = 16


@dataclass(frozen=True)
class SearchSpace:
    """The parameters that define a search; equal spaces give identical results.

    Attributes mirror the ``esma search`` options; ``threshold`` is the flag bound as a fraction
    of ``depth`` (flag when L < threshold · depth); ``prove`` proves each approved record where
    the constant's continued fraction is a theorem (:mod:`esma.prove`).

    A number given by its digits (:mod:`esma.digits`, :mod:`esma.digitsearch`) is searched as
    ``constant`` = its name or ``digits:sha256:…``, with ``value_sha256`` (its SHA-256, part of
    the parameters, so that a run never resumes another number's search) and ``number`` (the
    digits themselves, which travel to the workers beside the parameters).
    """

    constant: str
    degree: int = 1
    coeff: int = 2
    periods: tuple[int, int] = (1, 3)
    depth: int = 100
    threshold: float = 0.25
    digits: int = 1000
    chunk_lhs: int = CHUNK_LHS
    prove: bool = True
    value_sha256: str | None = None
    number: Digits | None = field(default=None, compare=False, repr=False)

    @classmethod
    def create(cls, constant: str | Digits, **options: Any) -> SearchSpace:
        """Validate the options (messages name the option) and canonicalise the constant.

        ``constant`` is a name or expression, or a number given by its digits
        (:class:`esma.digits.Digits`), whose records are never proved (no theorem is about it).

        >>> SearchSpace.create("exp( 1 )", periods="1-2").periods
        (1, 2)
        >>> from esma.digits import parse_digits
        >>> space = SearchSpace.create(parse_digits("2.71828182845904523536028747135266249775724709"))
        >>> space.constant, space.prove
        ('digits:sha256:71dacb9d8fd3ce81', False)
        """
        from esma.constants import get_constant
        from esma.digits import Digits
        from esma.transforms import check_lhs_space

        periods = options.pop("periods", (1, 3))
        if isinstance(periods, str):
            periods = parse_periods(periods)
        else:
            periods = parse_periods(f"{periods[0]}-{periods[1]}")
        check_int("depth", options.get("depth", 100), 8, 100_000)
        threshold = options.get("threshold", 0.25)
        if not 0 < threshold <= 0.5:
            raise InvalidParameter(
                f"threshold: {threshold!r} must be in (0, 0.5]", parameter="threshold"
            )
        check_int("digits", options.get("digits", 1000), 10)
        if not isinstance(options.get("prove", True), bool):
            raise InvalidParameter("prove: must be True or False", parameter="prove")
        if isinstance(constant, Digits):
            from esma.digitsearch import check_search_number, search_constant

            check_search_number(constant)
            options["prove"] = False  # no classical theorem is about a number's digits
            space = cls(
                constant=search_constant(constant),
                periods=periods,
                value_sha256=constant.sha256,
                number=constant,
                **options,
            )
        else:
            const = get_constant(constant)
            space = cls(constant=const.text, periods=periods, **options)
        check_lhs_space(space.degree, space.coeff)
        return space

    def to_dict(self) -> dict[str, Any]:
        """JSON-able parameters; a stored run is identified by them (a search of a number given
        by its digits has ``value_sha256`` too; the digits themselves are not parameters)."""
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "number"}
        d["periods"] = list(self.periods)
        if self.value_sha256 is None:
            del d["value_sha256"]
        return d

    @classmethod
    def from_dict(cls, params: dict[str, Any], number: Digits | None = None) -> SearchSpace:
        """The space :meth:`to_dict` describes (for workers that receive it as JSON), with the
        digits of the number it searches, if it searches one (checked by their SHA-256)."""
        space = cls(**{**params, "periods": tuple(params["periods"]), "number": number})
        if number is not None and number.sha256 != space.value_sha256:
            raise InvalidParameter(
                f"number: these digits are not the number of the search of {space.constant}",
                parameter="number",
            )
        return space

    @cached_property
    def constant_value(self) -> Constant | Digits:
        """The constant, or the number given by its digits."""
        from esma.constants import get_constant

        if self.value_sha256 is None:
            return get_constant(self.constant)
        if self.number is None:
            raise InvalidParameter(
                f"number: the search of {self.constant} needs its digits (sha256 "
                f"{self.value_sha256[:16]}…), which were not given",
                parameter="number",
            )
        from esma.digitsearch import working_digits

        # Only as many digits as the search can use (the same cut in every worker).
        return self.number.cut(working_digits(self.digits, self.depth))

    @cached_property
    def lhs(self) -> list[RationalLhs]:
        """The distinct left-hand sides, in deterministic order."""
        from esma.transforms import VALUE_BITS, distinct_values, enumerate_lhs
        from esma.valueclasses import proven_transcendental

        # Values are told apart on a grid of 2^-256 (a number given by its digits: of half the
        # bits its digits pin, so that equal values fall together there too).
        c = self.constant_value
        if self.number is not None:
            bits, transcendental = max(min(VALUE_BITS, c.data_bits // 2), 8), False
        else:
            bits, transcendental = VALUE_BITS, proven_transcendental(c.expr)
        return distinct_values(
            enumerate_lhs(self.degree, self.coeff), c, bits, transcendental=transcendental
        )

    def value(self, f: RationalLhs) -> LhsValue | DigitsImage:
        """y = f(c) as the screen and approval take it: for a number given by its digits, the
        interval of every y its digits allow (:meth:`esma.digits.Digits.image`)."""
        from esma.transforms import LhsValue

        if self.number is None:
            return LhsValue(f, self.constant_value)
        return self.constant_value.image(f.num, f.den, f.text)

    def approval_digits(self, value: Any) -> int:
        """The digits a formula of ``value`` is approved to: ``digits``, or for a number given
        by its digits what its interval supports if fewer
        (:func:`esma.digitsearch.approval_digits`)."""
        if self.number is None:
            return self.digits
        from esma.digitsearch import approval_digits

        return approval_digits(value, self.digits)

    @cached_property
    def data_check(self) -> DataCheck | None:
        """For a number given by its digits, the check that they certify ``depth`` terms of every
        candidate and a sane approval (:func:`esma.digitsearch.check_data`, which raises
        InvalidParameter when they do not); None for a constant. Run it before anything is
        stored: :func:`esma.runs.resume_search` does."""
        if self.number is None:
            return None
        from esma.digitsearch import check_data

        return check_data(
            self.constant_value, self.lhs, self.signs, self.depth, self.digits, given=self.number
        )

    @cached_property
    def screening_cf(self) -> tuple[int, ...]:
        """The constant's certified regular CF, as much as the screening kernel needs."""
        from esma.screening import screening_cf

        return screening_cf(self.constant_value, self.depth)

    @cached_property
    def signs(self) -> list[Signs]:
        """The primitive sign periods."""
        return primitive_periods(*self.periods)

    @property
    def total_chunks(self) -> int:
        return max(1, math.ceil(len(self.lhs) / self.chunk_lhs))

    @property
    def total_candidates(self) -> int:
        return len(self.lhs) * len(self.signs)

    @property
    def estimated_candidates(self) -> int:
        """About how many candidates the search has, from its parameters alone (no left-hand side
        is listed): about a fifth of the (2·coeff + 1)^(2·degree + 2) coefficient lists are
        distinct values (measured 18-23% for e and π, degrees 1-3), times the sign periods.

        >>> SearchSpace.create("e", coeff=3, periods="1-4").estimated_candidates   # 11,088
        10560
        """
        lists = (2 * self.coeff + 1) ** (2 * self.degree + 2)
        return max(1, lists // 5) * len(self.signs)

    def plain_seconds(self, candidates: int | None = None) -> float:
        """The CPU seconds the kernels' plain twins would take to screen ``candidates`` (default:
        every candidate of the search): what :mod:`esma.kernels.policy` weighs against loading
        numba."""
        from esma.screening import PLAIN_SECONDS_PER_CANDIDATE

        count = self.total_candidates if candidates is None else candidates
        return count * self.depth / 100 * PLAIN_SECONDS_PER_CANDIDATE

    @cached_property
    def compiled(self) -> bool:
        """Whether this search runs numba's kernels or their plain twins (the same results):
        the twins' estimated time for every candidate against what loading numba costs
        (:func:`esma.kernels.policy.warm`, which loads them now if so)."""
        from esma.kernels.policy import warm

        return warm(self.plain_seconds())

    @property
    def flag_bound(self) -> int:
        """K: a candidate is flagged when its linear complexity is at most K."""
        return max(1, math.ceil(self.threshold * self.depth) - 1)

    def chunk(self, index: int) -> list[RationalLhs]:
        """The left-hand sides of chunk ``index``."""
        if not 0 <= index < self.total_chunks:
            raise InvalidParameter(
                f"index: chunk {index!r} is not in 0..{self.total_chunks - 1}", parameter="index"
            )
        return self.lhs[index * self.chunk_lhs : (index + 1) * self.chunk_lhs]


@dataclass(frozen=True)
class ChunkResult:
    """What one chunk produced: approved conjectures in search order, and counts.

    ``rejected`` candidates were flagged but not approved; ``refuted`` ones were approved to the
    digits asked and then proven false beyond them (never stored); ``proved`` counts the
    conjectures that carry a proof; ``slow`` counts the rejected ones whose fraction agreed with
    the value as far as Approve followed it but converged too slowly to reach the digits asked
    (:class:`esma.verify.TooSlow`): possibly true, not approved.
    """

    index: int
    conjectures: Sequence[Conjecture]  # a tuple, or esma.rows.StoredConjectures from a worker
    screened: int
    flagged: int
    rejected: int = 0
    uncertified: int = 0
    proved: int = 0
    refuted: int = 0
    slow: int = 0
    placements: tuple = ()  # (id, Member, Tail) of each conjecture (esma.families.place)
    #: The inductions the prover found in this chunk (esma.prove.take_found), sent by a worker
    #: of this machine for the others; empty elsewhere.
    learned: tuple = ()


def screen(value: Any, signs: Signs, depth: int, bound: int) -> list[int] | None:
    """The first ``depth`` certified terms if their linear complexity is ≤ ``bound``, else None.

    Only the first 2·bound + 4 terms are expanded when they already exceed the bound. A number
    given by its digits that certifies fewer terms than the verdict needs raises
    PrecisionExhausted (the search counts it as uncertified, never as rejected).
    """
    from esma.expansion import initial_bits, iter_signed_terms
    from esma.massey import linear_complexity

    terms_iter = iter_signed_terms(value, signs, bits=initial_bits(depth))
    head = min(depth, 2 * bound + 4)
    terms = list(islice(terms_iter, head))
    if len(terms) < head:
        return _ended(value, len(terms))
    if linear_complexity(terms, max_complexity=bound) > bound:
        return None
    terms.extend(islice(terms_iter, depth - head))
    if len(terms) < depth:
        return _ended(value, len(terms))
    if linear_complexity(terms, max_complexity=bound) > bound:
        return None
    return terms


def _ended(value: Any, count: int) -> None:
    """A screen's expansion ended early: a rational value's fraction is finite (not a
    candidate), but a number given by its digits ran out of them, which decides nothing."""
    from esma.expansion import has_fixed_interval

    if has_fixed_interval(value):
        raise PrecisionExhausted(f"the digits certify only {count} terms of {value.text}")


def run_chunk(
    space: SearchSpace,
    index: int,
    *,
    exact: bool = False,
    lhs: list[RationalLhs] | None = None,
    compiled: bool | None = None,
) -> ChunkResult:
    """Screen and approve every candidate of chunk ``index``; deterministic.

    The block is screened in one compiled call (:mod:`esma.screening`); candidates the kernel
    cannot decide (int64 overflow, CF prefix exhausted) go through the exact path, and
    ``exact=True`` sends every candidate there. Both give identical results.

    A worker handed the chunk's left-hand sides (``lhs``, as ``space.chunk(index)`` lists them)
    and the choice of kernels (``compiled``, default ``space.compiled``) by the process that
    lists them never lists the whole space itself.
    """
    from esma.conjecture import PREFIX_TERMS, Conjecture
    from esma.massey import find_recurrence
    from esma.prove import prove
    from esma.screening import FLAGGED, REJECTED, UNDECIDED, ScreenOutcome
    from esma.verify import Approval, judge

    if lhs is None:
        lhs = space.chunk(index)
    if compiled is None:
        compiled = space.compiled
    elif compiled:
        from esma.kernels.policy import warm

        warm(float("inf"))  # so that Berlekamp-Massey and Approve run compiled too
    values = [space.value(f) for f in lhs]
    signs_list, n = space.signs, len(space.signs)
    if exact:
        undecided = ScreenOutcome(UNDECIDED, 0, None)
        open_ = [(k, undecided) for k in range(len(lhs) * n)]
    else:
        # Only the candidates the kernel did not reject need Python: a search rejects most.
        outcomes = _screen_block(space, lhs, values, compiled)
        open_ = [(k, o) for k, o in enumerate(outcomes) if o.status is not REJECTED]
    found: list[Conjecture] = []
    screened, flagged = len(lhs) * n, 0
    rejected = uncertified = proved = refuted = slow = 0
    for k, outcome in open_:
        f, value, signs = lhs[k // n], values[k // n], signs_list[k % n]
        if outcome.status is FLAGGED:
            terms = list(outcome.terms)
        else:
            try:
                terms = screen(value, signs, space.depth, space.flag_bound)
            except PrecisionExhausted:
                uncertified += 1
                continue
            if terms is None:
                continue
        flagged += 1
        rec = find_recurrence(terms)
        approval = judge(value, rec, signs, digits=space.approval_digits(value)) if rec else None
        if not isinstance(approval, Approval):
            rejected += 1
            slow += approval is not None
            continue
        conj = Conjecture(
            constant=space.constant,
            lhs=f.text,
            lhs_value=_value_text(value),
            signs=signs,
            a_prefix=tuple(rec.terms(max(PREFIX_TERMS, len(rec.initial)))),
            recurrence=rec,
            verified_digits=approval.digits,
            convergence_rate=approval.convergence_rate,
        )
        if space.prove:
            proof = prove(conj)
            if proof.status == "refuted":  # approved to the digits asked, false beyond
                refuted += 1
                continue
            if proof.status == "proved":
                conj = conj.proved(proof.certificate)
                proved += 1
        found.append(conj)
    return ChunkResult(
        index,
        tuple(found),
        screened,
        flagged,
        rejected,
        uncertified,
        proved,
        refuted,
        slow,
        _placements(found),
    )


def _placements(conjectures: list[Conjecture]) -> tuple:
    """Each conjecture's place in its family (:func:`esma.families.place`: a function of the
    record alone), computed where the chunk runs, so that the storing process, which places
    every record of a search, only assigns them. A record that cannot be placed is left out:
    the storing process places it again and names it."""
    from esma.errors import EsmaError
    from esma.families import place

    out = []
    for conj in conjectures:
        try:
            out.append((conj.id, *place(conj)))
        except EsmaError:
            continue
    return tuple(out)


def _screen_block(
    space: SearchSpace, lhs: list[RationalLhs], values: list[Any], fast: bool
) -> list:
    """Kernel outcomes for every (f, σ) of a chunk, in the order f, then σ."""
    from esma.expansion import initial_bits
    from esma.screening import (
        HEAD_BITS_PER_TERM,
        UNDECIDED,
        screen_mobius_block,
        screen_values_block,
        screening_cf,
    )

    if space.degree == 1:
        return screen_mobius_block(
            space.screening_cf, lhs, space.signs, space.depth, space.flag_bound, compiled=fast
        )
    # P/Q is no Möbius map of c: expand each value's own regular CF once, then all periods.
    # First to the precision that rejects most candidates within the first 2K + 4 terms, then,
    # for the values with a candidate left undecided, to the full precision: every verdict is
    # the one the full prefix alone gives (a prefix decides a candidate only as the whole does).
    depth, bound, signs = space.depth, space.flag_bound, space.signs
    head_bits = HEAD_BITS_PER_TERM * min(depth, 2 * bound + 4)
    cfs = [screening_cf(v, depth, bits=min(head_bits, initial_bits(depth))) for v in values]
    out = screen_values_block(cfs, signs, depth, bound, compiled=fast)
    n = len(signs)
    for i, value in enumerate(values):
        open_ = [j for j in range(n) if out[i * n + j].status == UNDECIDED]
        if open_:
            full = screening_cf(value, depth)
            if len(full) > len(cfs[i]):
                again = [signs[j] for j in open_]
                redone = screen_values_block([full], again, depth, bound, compiled=fast)
                for j, outcome in zip(open_, redone, strict=True):
                    out[i * n + j] = outcome
    return out


def _value_text(value: Any, digits: int = 60) -> str:
    """The value to ``digits`` significant digits (rigorously rounded by arb)."""
    return value.arb(int(digits * 3.33) + 64).str(digits, radius=False)


def run(space: SearchSpace) -> list[Conjecture]:
    """Every chunk in order, in this process: the conjectures found (for notebooks and tests;
    the command line stores chunk by chunk through :mod:`esma.parallel`). A number given by its
    digits is checked first (:attr:`SearchSpace.data_check`)."""
    space.data_check  # noqa: B018 - raises when the digits do not allow the search
    return [c for index in range(space.total_chunks) for c in run_chunk(space, index).conjectures]
