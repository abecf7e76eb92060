"""Approve: regenerate terms from a recurrence and compare the continued fraction with the value.

A screened candidate becomes a conjecture only here. The recurrence generates as many terms as
it takes for consecutive convergents to agree to the requested digits; the last convergent p/q
is then compared, in rigorous ball arithmetic, with the left-hand side computed independently.
The number of digits *proven* to agree is recorded.

>>> from fractions import Fraction
>>> from esma.recurrence import Recurrence
>>> ones = Recurrence(charpoly=(1, -1), start=0, initial=(1,))   # [1; 1, 1, ...] = golden ratio
>>> from esma.constants import get_constant
>>> approve(get_constant("phi"), ones, (1,), digits=100).digits >= 100
True
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from esma.errors import check_int
from esma.recurrence import Recurrence
from esma.signs import Signs

#: Approval never uses fewer digits than this (a conjecture is approved to ≥ 1000 digits, as
#: README.md and conjectures/README.md state).
MIN_DIGITS = 1000

_LOG10_2 = math.log10(2)

#: CPU seconds an approval spends per term without the compiled kernels (generating it and
#: stepping the big-integer convergents, ~1 µs): what :func:`esma.kernels.policy.compiled` weighs
#: against loading numba.
PLAIN_SECONDS_PER_TERM = 1e-6


@dataclass(frozen=True)
class Approval:
    """The evidence for a conjecture.

    Attributes
    ----------
    digits : int
        Decimal digits (after the point) to which the convergent and the value provably agree.
    terms : int
        Terms of the continued fraction used.
    convergence_rate : float
        Digits gained per term over the second half of the terms used: the slope of
        log10|q_{n-1} q_n| (as :func:`esma.convergents.convergence_rate`, from bit lengths).
    """

    digits: int
    terms: int
    convergence_rate: float


@dataclass(frozen=True)
class TooSlow:
    """A continued fraction that converges geometrically and agrees with the value as far as it
    was followed (more than 40 digits), but too slowly to reach the digits asked within
    ``terms`` terms: neither approved nor refuted.

    Attributes
    ----------
    terms : int
        The terms followed.
    digits : int
        Digits of agreement reached there.
    convergence_rate : float
        Digits gained per term so far.
    """

    terms: int
    digits: int
    convergence_rate: float


def first_cap(digits: int) -> int:
    """The terms :func:`judge` follows before it judges a fraction by its rate: max(2000,
    4·digits).

    >>> first_cap(1000), first_cap(100)
    (4000, 2000)
    """
    return max(2000, 4 * digits)


#: How far past its first cap (max(2000, 4·digits) terms) :func:`judge` follows a fraction that
#: keeps agreeing with the value: up to this many times as many terms. The slowest classical
#: cases, all-minus fractions of √3 and √2 (~0.19 digits a term), need ~5,500 terms for 1000
#: digits; a fraction needing more than ~32,000 is reported as :class:`TooSlow`.
SLOW_FACTOR = 8


def approve(
    value: Any,
    recurrence: Recurrence,
    signs: Signs,
    *,
    digits: int = MIN_DIGITS,
    max_terms: int | None = None,
) -> Approval | None:
    """Check y = a₀ + b₀/(a₁ + …) to ``digits`` digits, a_n from ``recurrence``; ``None`` if not.

    Parameters
    ----------
    value
        Anything with ``arb(bits)`` returning a rigorous ball (a Constant or an LhsValue).
    recurrence : Recurrence
        Generates a_n.
    signs : tuple of int
        One period of b_n.
    digits : int
        Digits that must provably agree.
    max_terms : int, optional
        Give up after this many terms. By default ``max(2000, 4 * digits)``, extended (up to
        :data:`SLOW_FACTOR` times) for a fraction that still agrees with y there, as far as its
        measured rate of convergence says it needs; one that converges more slowly still is not
        approved (:func:`judge` says :class:`TooSlow`).

    Notes
    -----
    Consecutive convergents differ by 1/|q_{n-1} q_n| because |p_n q_{n-1} - p_{n-1} q_n| = 1,
    so terms are generated until log10|q_{n-1} q_n| exceeds the target. Every doubling of n the
    convergent is compared with y: a continued fraction converging to another number is rejected
    as soon as the disagreement shows, which keeps wrong candidates (π's long runs of 2s) cheap.

    The convergents are computed once for every a_0 with the same tail a_1, a_2, ... (left-hand
    sides that differ by an integer), mostly as int64 block products; the result is the same as
    stepping through them one term at a time.
    """
    verdict = judge(value, recurrence, signs, digits=digits, max_terms=max_terms)
    return verdict if isinstance(verdict, Approval) else None


def judge(
    value: Any,
    recurrence: Recurrence,
    signs: Signs,
    *,
    digits: int = MIN_DIGITS,
    max_terms: int | None = None,
) -> Approval | TooSlow | None:
    """:func:`approve`, telling a fraction that is too slow (:class:`TooSlow`) from one that
    disagrees with the value (None).

    >>> from esma.expansion import signed_expansion
    >>> from esma.massey import find_recurrence
    >>> from esma.transforms import lhs_value
    >>> y = lhs_value("sqrt(3)", "(x + 2)/(2*x)")     # 2 - 1/(2 - 1/(2 - …)), 0.19 digits a term
    >>> rec = find_recurrence(signed_expansion(y, "-", 60).terms)
    >>> judge(y, rec, (-1,))                           # past the first cap of 4,000 terms
    Approval(digits=1009, terms=5298, convergence_rate=0.1908)
    >>> judge(y, rec, (-1,), max_terms=4000)
    TooSlow(terms=4000, digits=762, convergence_rate=0.1907)

    A number given by its digits is compared only as far as they go:

    >>> from esma.digits import parse_digits
    >>> judge(parse_digits("1.7320508075688772935274463415058723669428052538104"), rec, (-1,))
    Traceback (most recent call last):
    ...
    esma.errors.InvalidParameter: digits: 1000 decimals asked of 1.7320508075688772935…, whose digits pin it to 49; approve to at most that
    """
    check_int("digits", digits, 10)
    _check_data(value, digits)
    first = max_terms or first_cap(digits)
    bits = int(digits / _LOG10_2) + 64
    y = value.arb(bits)
    # |q| >= 2^(bit_length - 1), so bit lengths give a lower bound on log2 |q_{n-1} q_n| that
    # costs no float work in the loop; ``need`` is the digits + 10 target in those units.
    need = math.ceil((digits + 10) / _LOG10_2) + 2
    a0 = recurrence.terms(1)[0]
    tail = _tail(recurrence)
    cap = first
    while True:
        trace = _trace(tail, signs, need, cap)
        for kind, n, r, q, total, rate in trace:
            agree = _agreement(a0 * q + r, q, y, bits)  # p_n = a_0 q_n + r_n
            if kind is _FINAL:
                return Approval(agree, n, rate) if agree >= digits else None
            spacing = (total - 2) * _LOG10_2
            if spacing > 40 and agree < spacing / 2 - 10:
                # Converging, but not to y; a value differing by an integer would be rejected
                # here too, so the rest of the trace is unlikely to be wanted.
                trace.release()
                return None
            if kind is _GIVE_UP:
                break
        if spacing <= 40:
            # After thousands of terms consecutive convergents still differ in the first 40
            # digits: no geometric convergence (a run of 2s under minus signs tends to its
            # limit like 1/n), nothing to approve and nothing to report.
            return None
        # Still agreeing with y at the cap: the fraction converges, slowly. Follow it as far as
        # its rate so far says it needs (+10%), within SLOW_FACTOR times the first cap.
        wanted = math.ceil(1.1 * n * need / max(total, 1))
        slow = TooSlow(n, agree, round(spacing / max(n, 1), 4))
        if max_terms is not None or wanted > SLOW_FACTOR * first or cap >= wanted:
            return slow
        cap = wanted


def _check_data(value: Any, digits: int) -> None:
    """Refuse to compare a number given by its digits (one fixed interval) beyond them: no
    fraction agrees with every number of an interval to more decimals than -log10 of half its
    width, and a failure there would say nothing about the formula."""
    from esma.expansion import has_fixed_interval

    if not has_fixed_interval(value):
        return
    from esma.digits import pinned_decimals
    from esma.errors import InvalidParameter

    lo, hi, den = value.interval()
    most = pinned_decimals((lo, hi, 2 * den))  # decimals of half the width
    if digits > most:
        raise InvalidParameter(
            f"digits: {digits} decimals asked of {value.text}, whose digits pin it to {most}; "
            "approve to at most that",
            parameter="digits",
        )


# The convergents p_n/q_n of a_0 + b_0/(a_1 + b_1/(a_2 + ...)) are p_n = a_0 q_n + r_n, where
# q_n and r_n do not depend on a_0 (r_n is p_n for a_0 = 0). Everything approve decides besides
# the agreement with y (where to stop, the rate) depends on the q_n only. So the convergents are
# computed once per (tail a_1 a_2 ..., signs) as a *trace* of the checkpoints approve visits, and
# replayed for every a_0: left-hand sides that differ by an integer share one, and approve gives
# exactly what the full computation would.
_CHECK, _FINAL, _GIVE_UP = "check", "final", "give up"
_MAX_TRACES = 4096
#: Bits of convergents the traces of one thread may hold together (~256 MB): at 1000 digits the
#: count above binds first; at a million digits a trace holds megabytes, and without this bound
#: a search's cache grew to gigabytes.
_TRACE_BITS = 2**31
# One cache per thread (Dask runs chunks in threads): a trace is a suspended generator, which
# two threads must not advance at once.
_LOCAL = threading.local()


def _tail(recurrence: Recurrence) -> Recurrence:
    """The recurrence of a_1, a_2, ... (the sequence without a_0). Recurrences that differ only
    in a_0 give equal tails (same charpoly, start and initial terms), hence one trace."""
    start = max(recurrence.start - 1, 0)
    seed = recurrence.terms(1 + start + recurrence.order)[1:]
    return Recurrence.trusted(recurrence.charpoly, start, tuple(seed))


class _Trace:
    """The checkpoints of one tail, computed as far as some replay has needed them."""

    def __init__(self, tail: Recurrence, signs: Signs, need: int, max_terms: int):
        self.events: list[tuple] = []
        self.bits = 0  # bits of the convergents held in events
        self._args = (tail, signs, need, max_terms)
        self._more: Iterator[tuple] | None = None

    def __iter__(self) -> Iterator[tuple]:
        yield from self.events  # what earlier replays computed
        if self.events and self.events[-1][0] is not _CHECK:
            return  # complete
        if self._more is None:  # new, or released: (re)start after the events known
            self._more = islice(_checkpoints(*self._args), len(self.events), None)
        for event in self._more:
            self.events.append(event)
            if event[2] is not None:
                grown = event[2].bit_length() + event[3].bit_length()
                self.bits += grown
                _LOCAL.bits = getattr(_LOCAL, "bits", 0) + grown
            if event[0] is not _CHECK:
                self._more = None  # the last event: approve stops here, the walk can go
            yield event

    def release(self) -> None:
        """Free the walk behind an unfinished trace (tens of kB); it is redone if needed."""
        self._more = None


def _traces() -> OrderedDict[tuple, _Trace]:
    """This thread's traces, least recently used first."""
    if not hasattr(_LOCAL, "traces"):
        _LOCAL.traces = OrderedDict()
        _LOCAL.bits = 0
    return _LOCAL.traces


def _trace(tail: Recurrence, signs: Signs, need: int, max_terms: int) -> _Trace:
    traces, key = _traces(), (tail, tuple(signs), need, max_terms)
    trace = traces.get(key)
    if trace is None:
        while traces and (len(traces) >= _MAX_TRACES or getattr(_LOCAL, "bits", 0) > _TRACE_BITS):
            _LOCAL.bits -= traces.popitem(last=False)[1].bits
        trace = traces[key] = _Trace(tail, signs, need, max_terms)
    else:
        traces.move_to_end(key)
    return trace


def _checkpoints(tail: Recurrence, signs: Signs, need: int, max_terms: int) -> Iterator[tuple]:
    """Yield ``(kind, n, r_n, q_n, total, rate)`` where approve looks: at n = 64, 128, ..., and
    where ``total`` (the bit lengths of q_{n-1} and q_n) first reaches ``need`` (_FINAL), or at
    ``max_terms`` (_GIVE_UP). n counts the terms a_0..a_k used: n = k + 1."""
    walk = _Walk(tail, signs, need, max_terms)
    checkpoint = 64
    for k, r, q, total in walk:
        n = k + 1
        if total >= need:
            half = n // 2
            rate = (total - walk.bits_at(half)) * _LOG10_2 / max(n - 1 - half, 1)
            yield _FINAL, n, r, q, total, round(rate, 4)
            return
        if n == checkpoint:
            yield _CHECK, n, r, q, total, None
            checkpoint *= 2
        if n >= max_terms:
            yield _GIVE_UP, n, r, q, total, None
            return


class _Walk:
    """The convergents (r_k, q_k) of a tail, k = 1, 2, ..., visited where approve may look.

    Runs of terms that fit in int64 are applied as one block product (computed by
    :func:`esma.kernels.convergents.cf_blocks`) when the block's growth bound proves that
    ``total`` stays below ``need`` throughout; every other term is applied, and visited, one at
    a time. Blocks end at every n where approve looks (:func:`_stops`), so nothing is skipped.
    """

    #: Terms generated per kernel call: most approvals stop after a few hundred.
    CHUNK = 512

    #: Past 2**STATE_SHIFT bits, the state of one block in (bits >> STATE_SHIFT) is kept for
    #: :meth:`bits_at` (see :meth:`__iter__`).
    STATE_SHIFT = 16

    def __init__(self, tail: Recurrence, signs: Signs, need: int, max_terms: int):
        self.signs, self.need, self.max_terms = signs, need, max_terms
        self._tail = tail
        self._terms: list[int] = [0]  # _terms[k] = a_k; a_0 is not part of the tail
        self._rest: Iterator[int] | None = None
        self._starts: list[int] = []  # k at the start of each step, and (q_{k-1}, q_k) there
        self._states: list[tuple[int, int]] = []

    def term(self, k: int) -> int:
        """a_k (k >= 1), exactly; past the int64 terms from the recurrence, 256 at a time."""
        while k >= len(self._terms):
            if self._rest is None:
                self._rest = islice(self._tail.iter_terms(), len(self._terms) - 1, None)
            self._terms.extend(islice(self._rest, 256))
        return self._terms[k]

    def __iter__(self) -> Iterator[tuple[int, int, int, int]]:
        """Yield ``(k, r_k, q_k, total)``: after each block, and after each single term."""
        signs, period = self.signs, len(self.signs)
        r_prev, q_prev, r, q = 1, 0, 0, 1  # k = 0: r_{-1}, q_{-1}, r_0, q_0
        k = 0
        since = 0  # blocks since the last state kept
        for end, block, growth in self._blocks():
            # Inside the block, q_k has at most `growth` bits more than the larger start value.
            widest = max(q.bit_length(), q_prev.bit_length())
            # bits_at() steps forward from the last state kept before k. Every block's state is
            # kept while the numbers are small; past 2^16 bits one block in (bits >> 16), so the
            # states held stay near 2^16 bits a block (a million digits: tens of MB, not GB),
            # and a step back costs about as much as the blocks being walked.
            since += 1
            if since > widest >> self.STATE_SHIFT:
                self._starts.append(k)
                self._states.append((q_prev, q))
                since = 0
            if block is not None and 2 * (widest + growth) < self.need:
                m00, m01, m10, m11 = block
                r, r_prev = m00 * r + m01 * r_prev, m10 * r + m11 * r_prev
                q, q_prev = m00 * q + m01 * q_prev, m10 * q + m11 * q_prev
                k = end
                yield k, r, q, q.bit_length() + q_prev.bit_length()
                continue
            while k < end:
                k += 1
                a, b = self.term(k), signs[(k - 1) % period]
                r, r_prev = a * r + b * r_prev, r
                q, q_prev = a * q + b * q_prev, q
                yield k, r, q, q.bit_length() + q_prev.bit_length()

    def _blocks(self) -> Iterator[tuple]:
        """``(end, block, growth)`` covering k = 1, 2, ... in order: int64 blocks while the
        terms fit, then ``block = None`` runs of 64 terms.

        Without the compiled kernels there are no blocks at all: multiplying int64 blocks in
        plain Python costs more than the big-integer steps they would save, and either way the
        walk visits the same convergents where approve looks.
        """
        from esma.kernels.plain import LIMIT
        from esma.kernels.policy import compiled

        tail, k = self._tail, 0
        seed = list(tail.initial)  # the recurrence holds from these on
        fits = max(map(abs, (*tail.charpoly, *seed)), default=0) <= LIMIT
        if fits and compiled(self.max_terms * PLAIN_SECONDS_PER_TERM):
            import numpy as np

            from esma.kernels.native import kernels

            cf_blocks, recurrence_terms = kernels().cf_blocks, kernels().recurrence_terms

            charpoly = np.array(tail.charpoly, np.int64)
            signs = np.array(self.signs, np.int64)
            stops = np.array(_stops(self.max_terms), np.int64)
            fresh_from = 0  # the first call returns the seed itself as new terms
            while k < self.max_terms:
                out, valid = recurrence_terms(
                    charpoly, np.array(seed, np.int64), len(seed) + self.CHUNK
                )
                fresh = out[fresh_from:valid]
                if len(fresh) == 0:
                    break
                self._terms.extend(fresh.tolist())
                ends, mats, growth = cf_blocks(fresh, signs, k + 1, stops)
                yield from zip(
                    ends.tolist(), map(tuple, mats.tolist()), growth.tolist(), strict=True
                )
                k = len(self._terms) - 1
                if valid < len(out):
                    break  # the next term would not fit in int64
                seed = self._terms[len(self._terms) - tail.order :] if tail.order else []
                fresh_from = len(seed)
        while True:
            k += 64
            yield k, None, None

    def bits_at(self, k: int) -> int:
        """bit_length(q_{k-1}) + bit_length(q_k) for a k already walked past."""
        i = bisect_right(self._starts, k) - 1
        j, (q_prev, q) = self._starts[i], self._states[i]
        while j < k:
            j += 1
            q, q_prev = self.term(j) * q + self.signs[(j - 1) % len(self.signs)] * q_prev, q
        return q.bit_length() + q_prev.bit_length()


def _stops(max_terms: int) -> list[int]:
    """The n at which approve looks before its target: 64, 128, ... and max_terms."""
    out, n = [], 64
    while n < max_terms:
        out.append(n)
        n *= 2
    return [*out, max_terms]


def _agreement(p: int, q: int, y: Any, bits: int) -> int:
    """Digits after the point to which p/q and the ball y provably agree (0 when q = 0)."""
    if q == 0:
        return 0
    from flint import arb

    from esma.precision import working_precision

    with working_precision(bits):
        upper = abs(arb(p) / arb(q) - y).abs_upper()
    if upper == 0:
        return 10**9  # cannot happen for an irrational y; treat as unbounded agreement
    man, exp = (int(v) for v in arb(upper).mid().man_exp())
    log10_upper = math.log10(man) + exp * _LOG10_2
    return max(0, math.floor(-log10_upper))


# -- re-verifying stored conjectures --------------------------------------------------------------


@dataclass(frozen=True)
class Recheck:
    """What re-verifying one stored conjecture found.

    Attributes
    ----------
    id : str
        The conjecture.
    status : str
        ``"ok"`` (approved again), ``"failed"`` (its continued fraction does not reach the
        digits) or ``"unreadable"`` (the stored record, or its constant or left-hand side, could
        not be read back, so nothing was checked).
    approval : Approval or None
        The evidence, when ``status`` is ``"ok"``.
    detail : str
        The left-hand side with the constant written in, or why the record is unreadable.
    """

    id: str
    status: str
    approval: Approval | None
    detail: str


@dataclass(frozen=True)
class RecheckSummary:
    """Counts of a :func:`reverify` call; ``str()`` is the closing line of ``esma verify``.

    >>> str(RecheckSummary(ok=5, failed=1, unreadable=0))
    '6 checked: 5 ok, 1 failed, 0 unreadable'
    """

    ok: int
    failed: int
    unreadable: int

    @property
    def checked(self) -> int:
        return self.ok + self.failed + self.unreadable

    def __str__(self) -> str:
        return (
            f"{self.checked} checked: {self.ok} ok, {self.failed} failed, "
            f"{self.unreadable} unreadable"
        )


def reverify(
    store: Any,
    ids: Sequence[str] | None = None,
    digits: int = 2000,
    *,
    on_result: Callable[[Recheck], None] | None = None,
    numbers: Sequence[Any] = (),
) -> RecheckSummary:
    """Approve stored conjectures again to ``digits`` digits and store each outcome.

    Every conjecture is checked even when others fail or cannot be read: a record that cannot
    be read back is reported (``"unreadable"``, naming why) and the rest go on. Each check that
    ran is stored as a verification (failed ones with 0 digits).

    A record of a number a search knew only from its digits (:mod:`esma.digitsearch`) is
    checked against those digits when they are among ``numbers`` (:class:`esma.digits.Digits`,
    matched by SHA-256), to ``digits`` or what they support if fewer; without them it is
    unreadable, and says why.

    Parameters
    ----------
    store : esma.store.Store
        Opened for writing.
    ids : sequence of str, optional
        Ids or unique prefixes (at least 4 hex digits); default every stored conjecture.
    digits : int
        Digits that must provably agree (at least 10).
    on_result : callable, optional
        Called with each :class:`Recheck` as soon as it is known.

    Raises
    ------
    InvalidParameter
        ``digits`` is out of range, or an id matches no conjecture or several (before anything
        is checked).

    Examples
    --------
    >>> from esma.conjecture import example
    >>> from esma.store import Store
    >>> with Store.open("sqlite://") as store:
    ...     _ = store.import_conjectures([example()], "e.jsonl")
    ...     summary = reverify(store, digits=100, on_result=lambda r: print(r.status, r.detail))
    ok e - 1
    >>> str(summary)
    '1 checked: 1 ok, 0 failed, 0 unreadable'
    """
    from esma.errors import EsmaError, StoreError, check_int

    check_int("digits", digits, 10)
    if ids is None:
        todo = store.ids()
    else:
        todo = list(dict.fromkeys(store.resolve(i) for i in ids))
    counts = {"ok": 0, "failed": 0, "unreadable": 0}
    for conjecture_id in todo:
        try:
            conj = store.get(conjecture_id)
            value, target = _value_to_check(store, conj, digits, numbers)
        except StoreError:
            raise  # the database itself failed: nothing more can be checked
        except EsmaError as exc:  # the record, its constant or its left-hand side
            outcome = Recheck(conjecture_id, "unreadable", None, str(exc))
        else:
            approval = approve(value, conj.recurrence, conj.signs, digits=target)
            if approval is None:
                store.add_verification(conjecture_id, 0, 0, False)
            else:
                store.add_verification(conjecture_id, approval.digits, approval.terms, True)
            status = "failed" if approval is None else "ok"
            outcome = Recheck(conjecture_id, status, approval, conj.lhs_text)
        counts[outcome.status] += 1
        if on_result is not None:
            on_result(outcome)
    return RecheckSummary(**counts)


def _value_to_check(store: Any, conj: Any, digits: int, numbers: Sequence[Any]) -> tuple:
    """The record's left-hand side and the digits to approve it to: ``digits``, or for a number
    given by its digits what those support if fewer. EsmaError when it cannot be checked."""
    from esma.errors import EsmaError
    from esma.transforms import lhs_value

    try:
        return lhs_value(conj.constant, conj.lhs), digits
    except EsmaError as exc:
        value = _digits_value(store, conj, numbers)
        if value is None:
            raise exc from None
    from esma.digitsearch import approval_digits

    target = approval_digits(value, digits)
    if target < 10:
        raise EsmaError(f"the digits given pin {value.text} to only {target + 1} decimals")
    return value, target


def _digits_value(store: Any, conj: Any, numbers: Sequence[Any]) -> Any:
    """The left-hand side of a record of a number given by its digits, over those digits when
    ``numbers`` has them; None for a constant that is no such number; EsmaError when the digits
    are missing."""
    from esma.digitsearch import DIGITS_PREFIX, is_digits_constant
    from esma.errors import EsmaError

    sources = store.digits_sources(conj.constant)
    if not sources and not is_digits_constant(conj.constant):
        return None
    for number in numbers:
        if number.sha256 in sources or conj.constant == DIGITS_PREFIX + number.sha256[:16]:
            return number.apply(conj.lhs)
    shown = min(sources)[:16] if sources else conj.constant[len(DIGITS_PREFIX) :]
    raise EsmaError(
        f"{conj.constant} is a number a search knew only from its digits (sha256 {shown}…); "
        "give them with --value-file FILE to verify its records"
    )
