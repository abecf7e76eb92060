"""Conjectures: an approved formula y = f(c) = a₀ + b₀/(a₁ + b₁/(…)) with a_n given by a recurrence.

A :class:`Conjecture` is the record that conjectures/README.md describes: it knows its stable content id, renders
itself as one readable line, as LaTeX (``\\cfrac``) and in Jupyter, and converts to and from the
JSON object stored in databases and JSONL exports.

>>> from esma.recurrence import Recurrence
>>> c = Conjecture(constant="e", lhs="x - 1", lhs_value="1.71828182845904523536",
...     signs=(-1, 1), a_prefix=(2, 3, 2, 5, 2, 7, 2, 9),
...     recurrence=Recurrence(charpoly=(1, 0, -2, 0, 1), start=0, initial=(2, 3, 2, 5)),
...     verified_digits=1000, convergence_rate=2.5)
>>> c.formula.split(";")[0]
'e - 1 = 2 - 1/(3 + 1/(2 - 1/(5 + …)))'
>>> Conjecture.from_dict(c.to_dict()) == c
True
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from esma.errors import EsmaError, InvalidRecord, all_plain_ints
from esma.notation import (
    LATEX,
    LATEX_BREAKABLE,
    MATHML,
    Markup,
    cases_markup,
    cf_markup,
    cf_text,
    general_term_markup,
    general_term_text,
    math_html,
    signs_markup,
    statement_markup,
    statement_text,
    substitute_constant,
    text_latex,
)
from esma.recurrence import QuasiPolynomial, Recurrence

#: Fields of the JSON record, in the order conjectures/README.md lists them.
FIELDS = (
    "id",
    "constant",
    "lhs",
    "lhs_value",
    "signs",
    "a_prefix",
    "recurrence",
    "quasi_polynomial",
    "verified_digits",
    "convergence_rate",
    "formula",
    "latex",
    "status",
    "proof",
)

#: What a stored record may say of itself: proved (its certificate checks) or conjectured
#: (approved to its digits, no proof). A refuted formula is never stored.
STATUSES = ("proved", "conjectured")

#: How many terms a record keeps (at least 30: conjectures/README.md, ``a_prefix``).
PREFIX_TERMS = 30

#: How many terms the one-line formula and its LaTeX show before the ellipsis.
SHOWN_TERMS = 4


@dataclass(frozen=True)
class Conjecture:
    """An approved continued-fraction formula for a function of a constant.

    Attributes
    ----------
    constant : str
        Canonical text of the constant, e.g. ``"e"`` or ``"exp(2)"``.
    lhs : str
        The left-hand side as an expression in ``x`` (the constant), e.g. ``"(x + 1)/(x - 1)"``.
    lhs_value : str
        The value of the left-hand side, at least 50 significant digits.
    signs : tuple of int
        One period of the partial numerators b_n.
    a_prefix : tuple of int
        The first partial denominators a₀, a₁, … (at least 30 in a stored record).
    recurrence : Recurrence
        The linear recurrence, with start index and initial terms, that generates every a_n.
    verified_digits : int
        Digits of agreement between the continued fraction and the value, proven at approval.
    convergence_rate : float
        Digits gained per term of the continued fraction.
    status : str
        ``"proved"`` when ``proof`` is a certificate (:mod:`esma.prove`) that the formula holds
        for every n, else ``"conjectured"``. Neither is part of the id.
    proof : dict or None
        The certificate that :func:`esma.proofcheck.check` replays, or None.
    """

    constant: str
    lhs: str
    lhs_value: str
    signs: tuple[int, ...]
    a_prefix: tuple[int, ...]
    recurrence: Recurrence
    verified_digits: int
    convergence_rate: float
    status: str = "conjectured"
    proof: dict | None = field(default=None, hash=False)

    # id, formula and latex are cached_property: derived from the fields, rendered several times
    # per record (store, listing, export). A frozen dataclass without slots allows it.

    @cached_property
    def id(self) -> str:
        """Stable content hash: the same formula always gets the same id (16 hex digits)."""
        key = {
            "constant": self.constant,
            "lhs": self.lhs,
            "signs": list(self.signs),
            "recurrence": self.recurrence.to_dict(),
        }
        blob = json.dumps(key, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    @property
    def quasi_polynomial(self) -> QuasiPolynomial | None:
        """a_n as a polynomial in m on each residue class, when the recurrence allows it."""
        return self.recurrence.quasi_polynomial()

    @property
    def lhs_text(self) -> str:
        """The left-hand side with the constant written in for x: ``(e + 1)/(e - 1)``."""
        return substitute_constant(self.lhs, self.constant)

    @property
    def head(self) -> tuple[int, ...]:
        """The terms before the general term takes over: a₀ … a_{s−1} before the closed form
        from s on, or, without a closed form, the recurrence's initial terms.

        >>> from esma.recurrence import Recurrence
        >>> rec = Recurrence((1, 0, 0, -2, 0, 0, 1), 1, (2, 1, 2, 1, 1, 4, 1))  # e = [2; 1, 2, ...]
        >>> c = Conjecture("e", "x", "2.718281828459045235360287471352662497757", (1,),
        ...                tuple(rec.terms(30)), rec, 1000, 3.0)
        >>> c.head, example().head
        ((2,), ())
        """
        qp = self.quasi_polynomial
        if qp is None:
            return self.recurrence.initial
        return tuple(self.recurrence.terms(qp.start))

    def _recurrence_from(self) -> tuple[tuple[int, ...], int]:
        """(charpoly, the first index the recurrence gives): the general term without a
        closed form."""
        rec = self.recurrence
        return rec.charpoly, rec.start + rec.order

    @cached_property
    def formula(self) -> str:
        """The whole formula as one line: the left-hand side = the continued fraction of its
        first terms, then the sign period, every head term a₀ … a_{s−1} in order, and the
        closed form from a_s on (or, without one, the recurrence after its initial terms).

        >>> print(example().formula)
        e - 1 = 2 - 1/(3 + 1/(2 - 1/(5 + …))); signs -+; for m >= 0: a(2m) = 2, a(1+2m) = 3 + 2m
        """
        cf = cf_text(self.a_prefix[:SHOWN_TERMS], self.signs, tail="…")
        qp = self.quasi_polynomial
        # qp.formula() and qp.latex() are cached on the closed form, which records that share
        # their terms from the head on share (see Recurrence.quasi_polynomial)
        general = general_term_text(
            qp.formula() if qp is not None else None, self._recurrence_from()
        )
        return f"{self.lhs_text} = {cf}; {statement_text(self.signs, self.head, general)}"

    @cached_property
    def latex(self) -> str:
        r"""The whole formula in LaTeX math, as :attr:`formula` states it: a ``\cfrac`` of
        the first terms, then the signs, every head term and the closed form. Set inline
        (``$...$``), it breaks between clauses and list items (``\allowbreak``).

        >>> print(example().latex)  # doctest: +NORMALIZE_WHITESPACE
        e - 1 = 2 - \cfrac{1}{3 + \cfrac{1}{2 - \cfrac{1}{5 + \ddots}}};\allowbreak\quad
        b_{n}\text{ repeating }(-, +);\allowbreak\quad \text{for }m \ge 0{:}\ a_{2m} =
        2,\allowbreak\ a_{1+2m} = 2m + 3
        """
        mk = LATEX_BREAKABLE
        cf = cf_markup(mk, self.a_prefix[:SHOWN_TERMS], self.signs)
        qp = self.quasi_polynomial
        general = general_term_markup(
            mk, qp.latex() if qp is not None else None, self._recurrence_from()
        )
        statement = statement_markup(mk, self.signs, self.head, general)
        return mk.row(self._lhs_markup(mk), mk.op("="), cf, mk.clause(), statement)

    def latex_block(self, shown: int = 5) -> str:
        r"""The conjecture for display: value = continued fraction (``shown`` terms), the
        general term by residue class (or the recurrence), the signs and the digits verified.

        >>> text = example().latex_block()
        >>> text.startswith(r"\begin{gathered}e - 1 = 2 - \cfrac{1}{3"), "1000 digits" in text
        (True, True)
        """
        return self._block(LATEX, shown)

    def mathml_block(self, shown: int = 5) -> str:
        """:meth:`latex_block` in presentation MathML (what Jupyter's HTML shows).

        >>> example().mathml_block().count("<mtr>")  # three lines, two residue classes
        5
        """
        return self._block(MATHML, shown)

    def _block(self, mk: Markup, shown: int) -> str:
        cf = cf_markup(mk, self.a_prefix[:shown], self.signs)
        qp = self.quasi_polynomial
        if qp is not None:
            general = cases_markup(mk, qp.start, qp.period, qp.polys, self.head)
        else:
            general = self.recurrence.mathml() if mk is MATHML else self.recurrence.latex()
        note = mk.row(
            mk.text("signs "),
            signs_markup(mk, self.signs),
            mk.text(
                f" repeated; verified to {self.verified_digits} digits; "
                f"{self.convergence_rate:.3g} digits per term; id {self.id}"
            ),
        )
        return mk.lines([mk.row(self._lhs_markup(mk), mk.op("="), cf), general, note])

    def _lhs_markup(self, mk: Markup) -> str:
        """The left-hand side as MathML for :data:`~esma.notation.MATHML`, else as LaTeX."""
        if mk is MATHML:
            from esma.mathml import lhs_mathml

            return lhs_mathml(self.lhs, self.constant)
        return self._lhs_latex()

    def _lhs_latex(self) -> str:
        """LaTeX of the left-hand side: ``(x + 1)/(x - 1)`` becomes ``\\frac{e + 1}{e - 1}``, and
        ``x/(2*x + 2)`` of ``exp(2)`` becomes ``\\frac{e^{2}}{2 e^{2} + 2}``."""
        from esma.constants import lhs_latex

        try:
            return lhs_latex(self.lhs, self.constant)
        except EsmaError:  # a record from elsewhere may use names this version cannot parse
            return text_latex(self.lhs_text)

    def _repr_latex_(self) -> str:
        """Jupyter: the formula, a_n by residue class, the signs and the digits verified."""
        return f"$\\displaystyle {self.latex_block()}$"

    def _repr_html_(self) -> str:
        """Jupyter (and any HTML front end): :meth:`_repr_latex_`'s block as MathML."""
        return math_html(self.mathml_block())

    def __str__(self) -> str:
        return self.formula

    def proved(self, certificate: dict) -> Conjecture:
        """This record with status ``"proved"`` and its certificate (the id is unchanged).

        >>> example().proved({"v": 1}).status
        'proved'
        """
        return replace(self, status="proved", proof=certificate)

    def to_dict(self) -> dict[str, Any]:
        """The JSON record (integers stay integers of any size)."""
        qp = self.quasi_polynomial
        return {
            "id": self.id,
            "constant": self.constant,
            "lhs": self.lhs,
            "lhs_value": self.lhs_value,
            "signs": list(self.signs),
            "a_prefix": list(self.a_prefix),
            "recurrence": self.recurrence.to_dict(),
            "quasi_polynomial": qp.to_dict() if qp is not None else None,
            "verified_digits": self.verified_digits,
            "convergence_rate": self.convergence_rate,
            "formula": self.formula,
            "latex": self.latex,
            "status": self.status,
            "proof": self.proof,
        }

    def to_json(self) -> str:
        """The canonical JSON text of the record (see :func:`canonical_json`)."""
        return canonical_json(self.to_dict())

    @classmethod
    def from_dict(cls, record: Any, *, trusted: bool = False) -> Conjecture:
        """Rebuild a conjecture from its record, checking every field and the id.

        ``trusted=True`` is for records esma itself rendered (its database, its workers): the
        fields and the id are still checked, but the rendered ``formula``, ``latex`` and
        ``quasi_polynomial`` are taken as they are instead of being derived again.

        Raises
        ------
        InvalidRecord
            A field is missing or of the wrong type, or the id does not match the content.
        """
        if not isinstance(record, dict):
            raise InvalidRecord(f"a conjecture record must be a JSON object, not {_kind(record)}")
        missing = [
            f
            for f in (
                "constant",
                "lhs",
                "lhs_value",
                "signs",
                "a_prefix",
                "recurrence",
                "verified_digits",
                "convergence_rate",
            )
            if f not in record
        ]
        if missing:
            raise InvalidRecord(f"record lacks the field(s) {', '.join(missing)}")
        for name in ("constant", "lhs", "lhs_value"):
            _expect(record, name, str)
        signs = _int_list(record, "signs")
        if not signs or any(s not in (1, -1) for s in signs):
            raise InvalidRecord("field 'signs' must be a non-empty list of 1 and -1")
        prefix = _int_list(record, "a_prefix")
        if not isinstance(record["verified_digits"], int) or isinstance(
            record["verified_digits"], bool
        ):
            raise InvalidRecord("field 'verified_digits' must be an integer")
        rate = record["convergence_rate"]
        if isinstance(rate, bool) or not isinstance(rate, int | float):
            raise InvalidRecord("field 'convergence_rate' must be a number")
        status, proof = _status(record)
        conj = cls(
            constant=record["constant"],
            lhs=record["lhs"],
            lhs_value=record["lhs_value"],
            signs=tuple(signs),
            a_prefix=tuple(prefix),
            recurrence=Recurrence.from_dict(record["recurrence"]),
            verified_digits=record["verified_digits"],
            convergence_rate=float(rate),
            status=status,
            proof=proof,
        )
        if "id" in record and record["id"] != conj.id:
            raise InvalidRecord(
                f"record id {record['id']!r} does not match its content (expected {conj.id!r})"
            )
        if conj.recurrence.terms(len(prefix)) != list(prefix):
            raise InvalidRecord(f"record {conj.id}: a_prefix disagrees with its recurrence")
        if trusted and all(isinstance(record.get(k), str) for k in ("formula", "latex")):
            qp = record.get("quasi_polynomial")
            # Seed the cached properties (instance __dict__) with what was rendered before.
            conj.__dict__.update(formula=record["formula"], latex=record["latex"])
            conj.recurrence.__dict__["_quasi"] = (
                None if qp is None else QuasiPolynomial.from_dict(qp)
            )
        return conj


def canonical_json(record: dict[str, Any]) -> str:
    """The canonical text of a record, one JSONL line without newline: sorted keys, UTF-8 kept
    as is. Exports and the database store exactly this text.

    >>> canonical_json({"b": 1, "a": "é"})
    '{"a": "é", "b": 1}'
    """
    return json.dumps(record, sort_keys=True, ensure_ascii=False)


def _kind(value: Any) -> str:
    return type(value).__name__


def _expect(record: dict, name: str, kind: type) -> None:
    if not isinstance(record[name], kind):
        raise InvalidRecord(f"field {name!r} must be a {kind.__name__}, not {_kind(record[name])}")


def _status(record: dict) -> tuple[str, dict | None]:
    """The record's status and certificate, checked for form (:mod:`esma.proofcheck` checks the
    mathematics). Records written before proofs existed have neither: conjectured."""
    status = record.get("status", "conjectured")
    proof = record.get("proof")
    if status not in STATUSES:
        raise InvalidRecord(f"field 'status' must be 'proved' or 'conjectured', not {status!r}")
    if status == "proved" and not isinstance(proof, dict):
        raise InvalidRecord("a proved record needs its certificate in field 'proof'")
    if status == "conjectured" and proof is not None:
        raise InvalidRecord("a conjectured record has no certificate: field 'proof' must be null")
    return status, proof


def _int_list(record: dict, name: str) -> list[int]:
    value = record[name]
    if not isinstance(value, list) or not all_plain_ints(value):
        raise InvalidRecord(f"field {name!r} must be a list of integers")
    return value


def example() -> Conjecture:
    """e - 1 = 2 - 1/(3 + 1/(2 - 1/(5 + …))) with signs (-, +), a worked example of
    the published reference's own tests: a small
    valid record for doctests, notebooks and tests.

    >>> example().a_prefix[:6]
    (2, 3, 2, 5, 2, 7)
    """
    rec = Recurrence(charpoly=(1, 0, -2, 0, 1), start=0, initial=(2, 3, 2, 5))
    return Conjecture(
        constant="e",
        lhs="x - 1",
        lhs_value="1.71828182845904523536028747135266249775724709369995957496697",
        signs=(-1, 1),
        a_prefix=tuple(rec.terms(PREFIX_TERMS)),
        recurrence=rec,
        verified_digits=1000,
        convergence_rate=2.5,
    )
