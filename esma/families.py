"""Families of formulas: from thousands of records to the continued fractions that really differ.

A search stores one record per (left-hand side, sign period) that is a formula, so the same
continued fraction shows up again and again: e − 1, 1/(e − 1), (2e − 1)/(e − 1), … all end in
the same pairs (a_n, b_n), and rotations of a sign period give the same fraction read from
another index. This module groups the records of a constant into:

**Families** — two records are one family when their sequences of pairs (a_n, b_n) coincide from
some index on, up to a shift of the index: the same tail (:mod:`esma.tails`, decided exactly
from the closed forms). Each member's value is an integer unimodular Möbius image of the
representative's, y_member = M(y_representative), and M is computed exactly from the heads.

**Value classes** — values related by an integer unimodular Möbius map, equivalently values whose
regular continued fractions share a tail (:mod:`esma.valueclasses`, exact). A value class holds
one or more families; all members of a family lie in one class.

**Representative** — the member a reader would quote: the simplest left-hand side (smallest
height, the largest absolute coefficient; then smallest sum of absolute coefficients, so e comes
before 1/(e − 1)), then shortest head, then fastest convergence, then id.

**Classical or new** — a family is classical when its tail is the tail of a formula in esma's
library (:mod:`esma.classical`), with that formula's citation; every other family is *new
relative to that library*, which does not mean unknown to the literature.

**Faster than simple** — the representative's convergence rate (digits per term, the records'
``convergence_rate``) against the rate of the regular continued fraction of the same value class,
measured the same way (:func:`esma.valueclasses.simple_cf_rate`).

Everything is computed per record and combined (:func:`place`, :func:`assign`): a family key is a
content hash of the canonical tail and the constant, and each member carries its own *anchor*
(its value as a Möbius image of the tail's value), so adding records to stored families gives
exactly the partition, representatives and matrices that computing from scratch gives.

>>> from esma.conjecture import example
>>> [f] = families([example()])
>>> f.kind, f.citation is None, f.members[0].transform
('new', True, ((1, 0), (0, 1)))
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from esma.errors import InvalidRecord
from esma.tails import (
    IDENTITY,
    Matrix,
    Tail,
    adjugate,
    det,
    head_matrix,
    mat_mul,
    normalized,
)
from esma.tails import (
    place as place_tail,
)

#: A family is faster than the regular continued fraction when its rate exceeds the regular one's
#: by more than this fraction. Rates are measured over the terms needed for ~1000 digits, where a
#: head still shifts the measured rate a little: across the catalogue, families whose rate tends
#: to the regular one's measure 0.990-1.009 times it, and the next ratio is 1.07 (rates of
#: quasi-polynomial tails grow like 2·ρ·log10 n with ρ = (sum of class degrees)/period, so
#: genuinely different rates differ by a rational factor: 3/2, 4/3, 2, ...).
RATE_MARGIN = 0.02

__all__ = [
    "RATE_MARGIN",
    "Family",
    "Funnel",
    "Member",
    "ValueClass",
    "assign",
    "families",
    "funnel",
    "place",
    "record_id",
    "value_classes",
]


@dataclass(frozen=True)
class Member:
    """One record in its family, with everything needed to combine it with other members.

    Attributes
    ----------
    id : str
        The record's id.
    lhs : str
        Its left-hand side in x.
    signs : tuple of int
        Its sign period.
    family : str
        The family key.
    value : str
        Key of its value (:func:`esma.valueclasses.value_key`): equal keys, equal values.
    value_class : str
        Key of its value class before any merge by family links (see :class:`ValueClass`).
    offset : int
        A tail position t ≥ 0 from which the record's pairs follow the tail.
    anchor : Matrix
        A with y = A(T_offset), T_t the value of the tail's continued fraction from position t;
        integer, determinant ±1.
    height : int
        Largest absolute coefficient of the reduced left-hand side.
    weight : int
        Sum of the absolute coefficients (ranks left-hand sides of equal height: x before
        1/(x − 1)).
    head : int
        Length of the record's head: its pairs from this index on follow the tail.
    convergence_rate : float
        The record's digits per term.
    transform : Matrix
        M with y = M(y_representative), integer, determinant ±1, first nonzero entry positive
        (the identity for the representative). Filled in by :func:`assign`.
    """

    id: str
    lhs: str
    signs: tuple[int, ...]
    family: str
    value: str
    value_class: str
    offset: int
    anchor: Matrix
    height: int
    weight: int
    head: int
    convergence_rate: float
    transform: Matrix = IDENTITY

    @property
    def rank(self) -> tuple:
        """The representative is the member with the smallest rank: (height, weight, head,
        −convergence_rate, id)."""
        return (self.height, self.weight, self.head, -self.convergence_rate, self.id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (what a store keeps per member)."""
        return {
            "id": self.id,
            "lhs": self.lhs,
            "signs": list(self.signs),
            "family": self.family,
            "value": self.value,
            "value_class": self.value_class,
            "offset": self.offset,
            "anchor": [list(r) for r in self.anchor],
            "height": self.height,
            "weight": self.weight,
            "head": self.head,
            "convergence_rate": self.convergence_rate,
            "transform": [list(r) for r in self.transform],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Member:
        """Inverse of :meth:`to_dict`."""
        try:
            return cls(
                id=d["id"],
                lhs=d["lhs"],
                signs=tuple(d["signs"]),
                family=d["family"],
                value=d["value"],
                value_class=d["value_class"],
                offset=d["offset"],
                anchor=_matrix(d["anchor"]),
                height=d["height"],
                weight=d["weight"],
                head=d["head"],
                convergence_rate=float(d["convergence_rate"]),
                transform=_matrix(d.get("transform", IDENTITY)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidRecord(f"family member is malformed: {exc}") from None


def _matrix(rows: Any) -> Matrix:
    (p, q), (r, s) = rows
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (p, q, r, s)):
        raise InvalidRecord(f"a transform must be a 2x2 integer matrix, got {rows!r}")
    return ((p, q), (r, s))


@dataclass(frozen=True)
class Family:
    """One continued fraction up to a finite head, and the records that have it.

    Attributes
    ----------
    key : str
        Content hash of (constant, canonical tail), 16 hex digits.
    constant : str
    tail : Tail
        The canonical tail.
    representative : str
        Id of the representative record.
    members : tuple of Member
        Every record of the family, representative first, then by rank.
    kind : str
        ``"classical"`` or ``"new"`` (relative to :mod:`esma.classical`).
    citation : str or None
        The classical formula's citation.
    classical : str or None
        The classical formula's name.
    value_class : str
        Key of the family's value class.
    convergence_rate : float
        The representative's digits per term.
    simple_cf_rate : float or None
        Digits per term of the regular continued fraction of the value class (None when not
        computed: ``families(..., rates=False)``).
    """

    key: str
    constant: str
    tail: Tail
    representative: str
    members: tuple[Member, ...]
    kind: str
    citation: str | None
    classical: str | None
    value_class: str
    convergence_rate: float
    simple_cf_rate: float | None = None

    @property
    def speedup(self) -> float | None:
        """convergence_rate / simple_cf_rate (None when the rate was not computed)."""
        if not self.simple_cf_rate:
            return None
        return self.convergence_rate / self.simple_cf_rate

    @property
    def faster_than_simple(self) -> bool | None:
        """True when the representative gains more digits per term than the regular continued
        fraction of the same value class, by more than :data:`RATE_MARGIN` (None when the rate
        was not computed)."""
        speedup = self.speedup
        return None if speedup is None else speedup > 1 + RATE_MARGIN

    def to_dict(self, *, full: bool = False) -> dict[str, Any]:
        """The JSON object of ``esma families --json``: family, constant, representative,
        members (id and transform), kind, citation, value_class, convergence_rate,
        simple_cf_rate, and the canonical tail. ``full=True`` gives every member field
        (:meth:`Member.to_dict`), which is what :meth:`from_dict` needs to add records later.

        >>> from esma.conjecture import example
        >>> sorted(families([example()])[0].to_dict())[:4]
        ['citation', 'classical', 'constant', 'convergence_rate']
        """
        members = [
            m.to_dict() if full else {"id": m.id, "transform": [list(r) for r in m.transform]}
            for m in self.members
        ]
        return {
            "family": self.key,
            "constant": self.constant,
            "tail": self.tail.to_dict(),
            "representative": self.representative,
            "members": members,
            "kind": self.kind,
            "citation": self.citation,
            "classical": self.classical,
            "value_class": self.value_class,
            "convergence_rate": self.convergence_rate,
            "simple_cf_rate": self.simple_cf_rate,
            "faster_than_simple": self.faster_than_simple,
        }

    @classmethod
    def from_dict(cls, d: Any) -> Family:
        """Rebuild a family from ``to_dict(full=True)`` (as a store would keep it).

        >>> from esma.conjecture import example
        >>> f = families([example()])[0]
        >>> Family.from_dict(f.to_dict(full=True)) == f
        True
        """
        if not isinstance(d, dict):
            raise InvalidRecord("a family must be a JSON object")
        try:
            members = tuple(Member.from_dict(m) for m in d["members"])
            rate = d.get("simple_cf_rate")
            tail = Tail.from_dict(d["tail"])
            if family_key(d["constant"], tail) != d["family"] or any(
                m.family != d["family"] for m in members
            ):
                raise InvalidRecord(f"family {d['family']!r}: key does not match its tail")
            return cls(
                key=d["family"],
                constant=d["constant"],
                tail=tail,
                representative=d["representative"],
                members=members,
                kind=d["kind"],
                citation=d.get("citation"),
                classical=d.get("classical"),
                value_class=d["value_class"],
                convergence_rate=float(d["convergence_rate"]),
                simple_cf_rate=None if rate is None else float(rate),
            )
        except (KeyError, TypeError) as exc:
            raise InvalidRecord(f"family record is malformed: missing or bad {exc}") from None


@dataclass(frozen=True)
class ValueClass:
    """Values related by integer unimodular Möbius maps, and the families whose values they are.

    Attributes
    ----------
    key : str
        Content hash of the class (:class:`esma.valueclasses.ClassKey`).
    constant : str
    route : str
        ``"identity"`` or ``"periodic"`` (how equivalence was decided).
    complete : bool
        True when distinct classes are proven inequivalent. When False, classes were merged only
        where proven (by the rational-function identity, or by the Möbius maps between members
        of one family), and two classes could still be one.
    form : tuple
        The canonical form (:class:`esma.valueclasses.ClassKey`): for the ``identity`` route the
        Hermite normal form of the coefficient matrix, ((1, 0), (0, 1)) being the class of the
        constant itself; for ``periodic`` the period of the regular continued fraction.
    values : tuple of str
        Value keys.
    families : tuple of str
        Family keys.
    simple_cf_rate : float or None
    """

    key: str
    constant: str
    route: str
    complete: bool
    form: tuple
    values: tuple[str, ...]
    families: tuple[str, ...]
    simple_cf_rate: float | None = None


@dataclass(frozen=True)
class Funnel:
    """How a constant's records narrow to the formulas that matter (see :func:`funnel`)."""

    constant: str
    records: int
    values: int
    value_classes: int
    families: int
    new_families: int
    classical_families: int
    faster_families: int | None = None

    def text(self) -> str:
        """One line."""
        return (
            f"{self.constant}: {self.records} records, {self.values} values, "
            f"{self.value_classes} value classes, {self.families} families, "
            f"{self.new_families} new"
        )


# --------------------------------------------------------------------------------------------
# One record


def _fields(record: Any) -> tuple[str, str, str, tuple[int, ...], Any, float, Any]:
    """(id, constant, lhs, signs, recurrence, rate, closed form) of a Conjecture, of a stored
    record dict, or of the row it is stored in (:class:`esma.rows.StoredRow`)."""
    from esma.conjecture import Conjecture
    from esma.recurrence import QuasiPolynomial, Recurrence
    from esma.rows import StoredRow

    if isinstance(record, StoredRow):
        record = json.loads(record.record)
    if isinstance(record, Conjecture):
        return (
            record.id,
            record.constant,
            record.lhs,
            record.signs,
            record.recurrence,
            record.convergence_rate,
            record.quasi_polynomial,
        )
    if not isinstance(record, dict):
        raise InvalidRecord(
            f"a record must be a Conjecture or a JSON object, not {type(record).__name__}"
        )
    missing = [
        k
        for k in ("id", "constant", "lhs", "signs", "recurrence", "convergence_rate")
        if k not in record
    ]
    if missing:
        raise InvalidRecord(f"record lacks the field(s) {', '.join(missing)}")
    rid = record["id"]
    rec = Recurrence.from_dict(record["recurrence"])
    closed = None
    if record.get("quasi_polynomial") is not None:
        closed = QuasiPolynomial.from_dict(record["quasi_polynomial"])
        _check_closed_form(rid, rec, closed)
    signs = record["signs"]
    if not isinstance(signs, list) or not signs or any(s not in (1, -1) for s in signs):
        raise InvalidRecord(f"record {rid}: signs must be a non-empty list of 1 and -1")
    rate = record["convergence_rate"]
    if isinstance(rate, bool) or not isinstance(rate, int | float):
        raise InvalidRecord(f"record {rid}: convergence_rate must be a number")
    return rid, record["constant"], record["lhs"], tuple(signs), rec, float(rate), closed


def _check_closed_form(rid: str, rec: Any, closed: Any) -> None:
    """The stored closed form is checked against the recurrence, not trusted: both sequences are
    linear recurrent, of orders L and N·(D + 1), so agreeing on L + N·(D + 1) consecutive terms
    from the start proves they agree forever."""
    if closed.start != rec.start:
        raise InvalidRecord(f"record {rid}: quasi_polynomial.start != recurrence.start")
    count = rec.order + closed.period * max(len(p) for p in closed.polys)
    terms = rec.terms(rec.start + count)
    polys = [
        [c.numerator for c in p] if all(c.denominator == 1 for c in p) else None
        for p in closed.polys
    ]
    for n in range(rec.start, rec.start + count):
        m, j = divmod(n - rec.start, closed.period)
        poly = polys[j]
        if poly is None:
            value = closed.term(n)
        else:
            value = 0
            for c in reversed(poly):
                value = value * m + c
        if value != terms[n]:
            raise InvalidRecord(f"record {rid}: quasi_polynomial disagrees with its recurrence")


def family_key(constant: str, tail: Tail) -> str:
    """Content hash of (constant, canonical tail): 16 hex digits.

    >>> from fractions import Fraction
    >>> len(family_key("e", Tail("quasi-polynomial", (1,), ((Fraction(1),),))))
    16
    """
    return _family_key(constant, tail.key)


@lru_cache(maxsize=65536)
def _family_key(constant: str, tail_key: str) -> str:
    blob = json.dumps({"constant": constant, "tail": tail_key}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def place(record: Any) -> tuple[Member, Tail]:
    """The member a record is, and its family's canonical tail (pure: depends on this record
    alone).

    >>> from esma.conjecture import example
    >>> member, tail = place(example())
    >>> member.head, member.height, tail.period
    (0, 1, 2)
    """
    from esma.valueclasses import class_key, lhs_polynomials, value_key

    rid, constant, lhs, signs, rec, rate, closed = _fields(record)
    pl = place_tail(rec, signs, closed)
    offset = pl.anchor_offset
    index = pl.position + offset
    anchor = head_matrix(rec.terms(index), signs, index)
    num, den = lhs_polynomials(lhs)
    member = Member(
        id=rid,
        lhs=lhs,
        signs=tuple(signs),
        family=family_key(constant, pl.tail),
        value=value_key(constant, lhs),
        value_class=class_key(constant, lhs).key,
        offset=offset,
        anchor=anchor,
        height=max(abs(c) for c in num + den),
        weight=sum(abs(c) for c in num + den),
        head=pl.head,
        convergence_rate=rate,
    )
    return member, pl.tail


def transform(tail: Tail, representative: Member, member: Member) -> Matrix:
    """M with y_member = M(y_representative): both anchors carried to a common tail position,
    then M = A_member · A_rep⁻¹ (as an integer matrix: A_member · adj(A_rep) · det(A_rep)).

    >>> from esma.conjecture import example
    >>> m, tail = place(example())
    >>> transform(tail, m, m)
    ((1, 0), (0, 1))
    """
    t = max(representative.offset, member.offset)
    rep = mat_mul(representative.anchor, tail.matrix(representative.offset, t))
    mem = mat_mul(member.anchor, tail.matrix(member.offset, t))
    d = det(rep)
    m = mat_mul(mem, adjugate(rep))
    m = ((m[0][0] * d, m[0][1] * d), (m[1][0] * d, m[1][1] * d))
    if det(m) not in (1, -1) or not all(isinstance(v, int) for row in m for v in row):
        raise AssertionError(f"transform of {member.id} is not unimodular: {m}")  # a bug
    return normalized(m)


# --------------------------------------------------------------------------------------------
# Many records


def assign(
    records: Iterable[Any] = (),
    existing: Iterable[Family] = (),
    *,
    rates: bool = True,
    placed: Mapping[str, tuple[Member, Tail]] | None = None,
) -> list[Family]:
    """Families of ``existing`` (as stored) and ``records`` (new), as if computed from scratch.

    Each new record is placed on its own (:func:`place`); a record whose id is already a member
    is not added twice. Representatives are chosen again and every member's transform is
    recomputed from the stored anchors, so no other record needs to be read.

    Parameters
    ----------
    records : iterable of Conjecture, dict or StoredRow
        New records (as stored: ``json.loads`` of a JSONL line or the
        :class:`esma.rows.StoredRow` it is stored in, or :class:`Conjecture`).
    existing : iterable of Family
        Families computed before (from :func:`families`, or rebuilt from a store).
    rates : bool
        Compute the regular continued fraction's rate of every value class (certified
        expansions, a few milliseconds a class; cached).
    placed : mapping of str to (Member, Tail), optional
        :func:`place` of records already computed (by id), e.g. by a search's workers.

    Returns
    -------
    list of Family
        Sorted by constant, then kind (new first), then representative rank.

    >>> from esma.conjecture import example
    >>> first = families([example()])
    >>> assign([], first) == first
    True
    """
    members: dict[str, Member] = {}
    tails: dict[str, Tail] = {}
    constants: dict[str, str] = {}
    previous: dict[str, Family] = {}
    for fam in existing:
        previous[fam.key] = fam
        tails[fam.key] = fam.tail
        constants[fam.key] = fam.constant
        for m in fam.members:
            members.setdefault(m.id, m)
    placed = placed or {}
    for record in records:
        known = placed.get(record_id(record))
        member, tail = known if known is not None else place(record)
        if member.id in members:
            continue
        members[member.id] = member
        tails.setdefault(member.family, tail)
        constants.setdefault(member.family, _fields_constant(record))
    groups: dict[str, list[Member]] = defaultdict(list)
    for m in members.values():
        groups[m.family].append(m)
    class_of = _merged_classes(groups)
    out = []
    for key, group in groups.items():
        old = previous.get(key)
        if old is not None and {m.id for m in old.members} == {m.id for m in group}:
            # Same members: same representative and transforms. The class (merges can only
            # grow) and the library lookup are taken again; the rate is kept if computed.
            out.append(_refreshed(old, class_of))
        else:
            out.append(_family(key, constants[key], tails[key], group, class_of))
    if rates:
        out = [f if f.simple_cf_rate is not None else _with_rate(f) for f in out]
    return sorted(out, key=lambda f: (f.constant, f.kind != "new", f.members[0].rank))


def _refreshed(fam: Family, class_of: dict[str, str]) -> Family:
    from esma.classical import classical_for

    formula = classical_for(fam.tail)
    value_class = class_of[fam.members[0].value_class]
    fresh = replace(
        fam,
        kind="new" if formula is None else "classical",
        citation=None if formula is None else formula.citation,
        classical=None if formula is None else formula.name,
        value_class=value_class,
    )
    return fresh if fresh == fam else replace(fresh, simple_cf_rate=None)


def record_id(record: Any) -> str | None:
    """The id of a record (Conjecture, stored dict or StoredRow), None when it has none.

    >>> from esma.conjecture import example
    >>> record_id(example()) == record_id(example().to_dict()) == example().id, record_id({})
    (True, None)
    """
    rid = record.get("id") if isinstance(record, dict) else getattr(record, "id", None)
    return rid if isinstance(rid, str) else None


def _fields_constant(record: Any) -> str:
    return record.constant if not isinstance(record, dict) else record["constant"]


def _family(key: str, constant: str, tail: Tail, group: list[Member], class_of) -> Family:
    from esma.classical import classical_for

    group = sorted(group, key=lambda m: m.rank)
    rep = group[0]
    members = tuple(_with_transform(m, transform(tail, rep, m)) for m in group)
    formula = classical_for(tail)
    return Family(
        key=key,
        constant=constant,
        tail=tail,
        representative=rep.id,
        members=members,
        kind="new" if formula is None else "classical",
        citation=None if formula is None else formula.citation,
        classical=None if formula is None else formula.name,
        value_class=class_of[rep.value_class],
        convergence_rate=rep.convergence_rate,
    )


def _with_transform(member: Member, matrix: Matrix) -> Member:
    """``replace(member, transform=matrix)``, as a copy of its fields: a search places tens of
    thousands of members, and ``dataclasses.replace`` re-reads the fields for each."""
    copy = object.__new__(Member)
    copy.__dict__.update(member.__dict__, transform=matrix)
    return copy


def _merged_classes(groups: dict[str, list[Member]]) -> dict[str, str]:
    """Class key of each member's class after merging classes joined by a family (possible
    only on an incomplete route; on a complete route every family lies in one class). The
    merged class is named by its smallest key."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for group in groups.values():
        roots = sorted({find(m.value_class) for m in group})
        for r in roots[1:]:
            parent[r] = roots[0]
    return {x: find(x) for x in list(parent)}


def _with_rate(f: Family) -> Family:
    from esma.errors import EsmaError
    from esma.valueclasses import simple_cf_rate

    try:
        rate = simple_cf_rate(_class_of_key(f))
    except EsmaError:  # a number known only from its digits: the rate stays unknown
        return f
    return replace(f, simple_cf_rate=rate)


def _class_of_key(f: Family):
    from esma.valueclasses import class_key

    # The family's class is its representative's class, or a class merged into it; the
    # regular continued fraction's rate is the same for all values of a merged class.
    return class_key(f.constant, f.members[0].lhs)


def families(records: Iterable[Any], *, rates: bool = True) -> list[Family]:
    """The families of ``records`` (Conjecture objects or record dicts), from scratch.

    >>> from esma.conjecture import example
    >>> [f.representative for f in families([example()])] == [example().id]
    True
    """
    return assign(records, (), rates=rates)


def value_classes(fams: Iterable[Family]) -> list[ValueClass]:
    """The value classes of the families' members.

    >>> from esma.conjecture import example
    >>> [(c.route, c.form) for c in value_classes(families([example()]))]   # e − 1: e's class
    [('identity', ((1, 0), (0, 1)))]
    """
    from esma.valueclasses import class_key

    by_class: dict[str, list[Family]] = defaultdict(list)
    for f in fams:
        by_class[f.value_class].append(f)
    out = []
    for key, group in by_class.items():
        constant = group[0].constant
        # The class's own keys (several only where an incomplete route merged classes; the
        # merged class is named by the smallest, whose form is shown).
        keys = {class_key(constant, m.lhs) for f in group for m in f.members}
        named = min(keys, key=lambda k: k.key)
        rates = [f.simple_cf_rate for f in group if f.simple_cf_rate is not None]
        out.append(
            ValueClass(
                key=key,
                constant=constant,
                route=named.route,
                complete=all(k.complete for k in keys),
                form=named.form,
                values=tuple(sorted({m.value for f in group for m in f.members})),
                families=tuple(sorted(f.key for f in group)),
                simple_cf_rate=rates[0] if rates else None,
            )
        )
    return sorted(out, key=lambda c: (c.constant, c.key))


def funnel(fams: Iterable[Family]) -> list[Funnel]:
    """Per constant: records → values → value classes → families → new families.

    >>> from esma.conjecture import example
    >>> funnel(families([example()]))[0].text()
    'e: 1 records, 1 values, 1 value classes, 1 families, 1 new'
    """
    by_constant: dict[str, list[Family]] = defaultdict(list)
    for f in fams:
        by_constant[f.constant].append(f)
    out = []
    for constant in sorted(by_constant):
        group = by_constant[constant]
        rated = [f.faster_than_simple for f in group]
        out.append(
            Funnel(
                constant=constant,
                records=sum(len(f.members) for f in group),
                values=len({m.value for f in group for m in f.members}),
                value_classes=len({f.value_class for f in group}),
                families=len(group),
                new_families=sum(f.kind == "new" for f in group),
                classical_families=sum(f.kind == "classical" for f in group),
                faster_families=None if None in rated else sum(rated),
            )
        )
    return out
