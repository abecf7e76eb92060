"""esma's library of classical continued fractions, as data, each with its citation.

A family of records is *classical* when its tail (its continued fraction up to a finite head
and a shift) is the tail of a formula here, and *new* otherwise: "new" means new relative to this
library, not necessarily unknown to the literature. The library holds the regular continued
fractions of the catalogue's constants and the classical patterns around them:

* Euler (1737): e = [2; 1, 2, 1, 1, 4, 1, …], (e − 1)/(e + 1) = [0; 2, 6, 10, …], and
  e^(1/k) = [1; k − 1, 1, 1, 3k − 1, 1, 1, 5k − 1, …] (k ≥ 2; proved for every k by Osler);
* Lambert (1768): tanh(1/k) = [0; k, 3k, 5k, …], the signed cot(1/k) = k − 1/(3k − 1/(5k − …))
  (from tan x = x/(1 − x²/(3 − x²/(5 − …))) at x = 1/k), tan 1 = [1; 1, 1, 3, 1, 5, …] and
  tan(1/k) = [0; k − 1, 1, 3k − 2, 1, 5k − 2, 1, …] (k ≥ 2);
* the e^(2/k) patterns (k odd): e² = [7; 2, 1, 1, 3, 18, 5, 1, 1, 6, 30, …] and
  e^(2/k) = [1; (k − 1)/2, 6k, (5k − 1)/2, 1, 1, (7k − 1)/2, 18k, (11k − 1)/2, 1, 1, …] (k ≥ 3);
* Lehmer (1973): I₁(2/k)/I₀(2/k) = [0; k, 2k, 3k, …].

Parametric patterns are instantiated for k = 1 … :data:`MAX_K`. Each formula is checked in the
tests against the certified expansion of its value to hundreds of terms.

>>> f = next(f for f in classical_formulas() if f.value == "(e - 1)/(e + 1)")
>>> f.terms(5), f.citation.split(",")[0]
([0, 2, 6, 10, 14], 'L. Euler')
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property, lru_cache
from math import comb

from esma.recurrence import QuasiPolynomial, Recurrence

#: Parametric patterns are instantiated for k = 1 … MAX_K.
MAX_K = 12

EULER_1737 = (
    "L. Euler, De fractionibus continuis dissertatio, Commentarii academiae scientiarum "
    "Petropolitanae 9 (1737), 98-137 (E71)"
)
OSLER_2006 = (
    "L. Euler (1737), E71; for every k: T. J. Osler, A proof of the continued fraction expansion "
    "of e^(1/M), Amer. Math. Monthly 113 (2006), 62-66"
)
LAMBERT_1768 = (
    "J. H. Lambert, Memoire sur quelques proprietes remarquables des quantites transcendantes "
    "circulaires et logarithmiques, Histoire de l'Academie royale des sciences et belles-lettres "
    "de Berlin (1761, published 1768), 265-322"
)
PERRON_1929 = "O. Perron, Die Lehre von den Kettenbruechen, 2nd ed., Teubner, Leipzig, 1929, p. 138"
LEHMER_1973 = (
    "D. H. Lehmer, Continued fractions containing arithmetic progressions, Scripta Mathematica "
    "29 (1973), 17-24"
)


@dataclass(frozen=True)
class ClassicalFormula:
    """value = a₀ + b₀/(a₁ + b₁/(…)), a_n = head[n] for n < s, a_{s + Pm + j} = tail.polys[j](m).

    Attributes
    ----------
    name : str
        A short description, e.g. ``"Lambert: tanh(1/k), k = 2"``.
    value : str
        The value as an esma expression (``esma.constants.get_constant`` reads it).
    head : tuple of int
        a₀ … a_{s−1}.
    tail : QuasiPolynomial
        The closed form from s = len(head) on.
    signs : tuple of int
        One period of b_n.
    citation : str
    year : int
        Year of the citation (the library is ordered by it: the oldest source is the one named).
    """

    name: str
    value: str
    head: tuple[int, ...]
    tail: QuasiPolynomial
    signs: tuple[int, ...]
    citation: str
    year: int

    @cached_property
    def recurrence(self) -> Recurrence:
        """The formula as esma's :class:`~esma.recurrence.Recurrence`: (1 − z^P)^(D+1) annihilates a
        quasi-polynomial of period P and degree D, seeded with the head and P·(D+1) terms."""
        period = self.tail.period
        order = 1 + max(len(p) - 1 for p in self.tail.polys)
        charpoly = [0] * (period * order + 1)
        for i in range(order + 1):
            charpoly[i * period] = comb(order, i) * (-1) ** i
        start = len(self.head)
        seed = [self.tail.term(start + n) for n in range(period * order)]
        return Recurrence(tuple(charpoly), start, self.head + tuple(seed))

    def terms(self, n: int) -> list[int]:
        """a₀ … a_{n−1}.

        >>> classical_formulas()[0].terms(7)
        [2, 1, 2, 1, 1, 4, 1]
        """
        return self.recurrence.terms(n)

    @cached_property
    def tail_key(self) -> str:
        """The key of its canonical tail (:attr:`esma.tails.Tail.key`)."""
        from esma.tails import place

        return place(self.recurrence, self.signs).tail.key


def _formula(name, value, head, start, period, polys, signs, citation, year) -> ClassicalFormula:
    qp = QuasiPolynomial(start, period, tuple(tuple(Fraction(c) for c in p) for p in polys))
    return ClassicalFormula(name, value, tuple(head), qp, tuple(signs), citation, year)


def _k_text(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


@lru_cache(maxsize=1)
def classical_formulas() -> tuple[ClassicalFormula, ...]:
    """Every formula of the library, oldest citation first (ties: the order below).

    >>> len(classical_formulas()) > 50
    True
    """
    out: list[ClassicalFormula] = [
        _formula("Euler: e", "e", [2], 1, 3, [[1], [2, 2], [1]], [1], EULER_1737, 1737),
        _formula(
            "Euler: (e - 1)/(e + 1)", "(e - 1)/(e + 1)", [0], 1, 1, [[2, 4]], [1], EULER_1737, 1737
        ),
    ]
    for k in range(2, MAX_K + 1):
        out.append(
            _formula(
                f"Euler: exp(1/k), k = {k}", f"exp(1/{k})", [1], 1, 3,
                [[k - 1, 2 * k], [1], [1]], [1], OSLER_2006, 1737,
            )
        )  # fmt: skip
    for k in range(1, MAX_K + 1):
        arg = _k_text(Fraction(1, k))
        out.append(
            _formula(
                f"Lambert: tanh(1/k), k = {k}", f"tanh({arg})", [0], 1, 1,
                [[k, 2 * k]], [1], LAMBERT_1768, 1768,
            )
        )  # fmt: skip
        out.append(
            _formula(
                f"Lambert: cot(1/k), k = {k}", f"1/tan({arg})", [], 0, 1,
                [[k, 2 * k]], [-1], LAMBERT_1768, 1768,
            )
        )  # fmt: skip
    out.append(
        _formula("Lambert: tan 1", "tan(1)", [1], 1, 2, [[1, 2], [1]], [1], LAMBERT_1768, 1768)
    )
    for k in range(2, MAX_K + 1):
        out.append(
            _formula(
                f"Lambert: tan(1/k), k = {k}", f"tan(1/{k})", [0, k - 1, 1], 3, 2,
                [[3 * k - 2, 2 * k], [1]], [1], LAMBERT_1768, 1768,
            )
        )  # fmt: skip
    out.append(
        _formula(
            "e^2", "exp(2)", [7], 1, 5, [[2, 3], [1], [1], [3, 3], [18, 12]], [1], PERRON_1929, 1929
        )
    )
    for k in range(3, MAX_K + 1, 2):
        h = Fraction(1, 2)
        out.append(
            _formula(
                f"exp(2/k), k = {k}", f"exp(2/{k})", [1], 1, 5,
                [[(k - 1) * h, 3 * k], [6 * k, 12 * k], [(5 * k - 1) * h, 3 * k], [1], [1]],
                [1], PERRON_1929, 1929,
            )
        )  # fmt: skip
    for k in range(1, MAX_K + 1):
        arg = _k_text(Fraction(2, k))
        out.append(
            _formula(
                f"Lehmer: I1(2/k)/I0(2/k), k = {k}", f"besseli(1, {arg})/besseli(0, {arg})", [0], 1,
                1, [[k, k]], [1], LEHMER_1973, 1973,
            )
        )  # fmt: skip
    return tuple(sorted(out, key=lambda f: f.year))


@lru_cache(maxsize=1)
def _by_tail() -> dict[str, ClassicalFormula]:
    index: dict[str, ClassicalFormula] = {}
    for f in classical_formulas():
        index.setdefault(f.tail_key, f)
    return index


def classical_for_tail(tail_key: str) -> ClassicalFormula | None:
    """The oldest library formula with this canonical tail, or None (the tail is new).

    >>> classical_for_tail(classical_formulas()[0].tail_key).name
    'Euler: e'
    >>> classical_for_tail("0000000000000000") is None
    True
    """
    return _by_tail().get(tail_key)
