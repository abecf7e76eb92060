"""esma's library of classical continued fractions, as data, each with its citation.

A family of records is *classical* when its tail (its continued fraction up to a finite head
and a shift) is the tail of a formula here, and *new* otherwise: "new" means new relative to this
library, not necessarily unknown to the literature. The library holds:

* the regular continued fraction of every constant with a theorem in :mod:`esma.theorems`
  (the axioms of esma's proofs, imported, not copied): Euler's e = [2; 1, 2, 1, 1, 4, 1, …] and
  e^(1/n) = [1; n − 1, 1, 1, 3n − 1, 1, 1, …], Hurwitz's e² = [7; 2, 1, 1, 3, 18, 5, …] and
  e^(2/n) for odd n, Lambert's tan 1 = [1; 1, 1, 3, 1, 5, …], tan(1/n) and
  tanh(1/n) = [0; n, 3n, 5n, …], Lehmer's I₁(2/n)/I₀(2/n) = [0; n, 2n, 3n, …], instantiated for
  n = 1 … :data:`MAX_K`;
* Euler's (e − 1)/(e + 1) = [0; 2, 6, 10, …] (1737, the same tail as Lambert's tanh(1/2): the
  older source is named);
* Lambert's signed cot(1/n) = n − 1/(3n − 1/(5n − …)), from tan x = x/(1 − x²/(3 − x²/(5 − …)))
  at x = 1/n (cot 1 = 1 − 1/(3 − 1/(5 − …)));
* Lagrange (1770): every periodic regular continued fraction (that of a quadratic irrational),
  recognised from the tail itself (:func:`classical_for`).

Each formula is checked in the tests against the certified expansion of its value.

>>> f = next(f for f in classical_formulas() if f.value == "(e - 1)/(e + 1)")
>>> f.terms(5), f.citation.split(":")[0]
([0, 2, 6, 10, 14], 'Euler 1737')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property, lru_cache
from math import comb

from esma.recurrence import QuasiPolynomial, Recurrence
from esma.tails import Tail

#: Parametric theorems are instantiated for n = 1 … MAX_K.
MAX_K = 12

EULER_1737 = (
    "L. Euler, De fractionibus continuis dissertatio, Commentarii academiae scientiarum "
    "Petropolitanae 9 (1737), 98-137 (E71)"
)
LAMBERT_1768 = (
    "J. H. Lambert, Mémoire sur quelques propriétés remarquables des quantités transcendantes "
    "circulaires et logarithmiques, Histoire de l'Académie royale des sciences et belles-lettres "
    "de Berlin (1761, published 1768), 265-322"
)
HURWITZ_1891 = (
    "A. Hurwitz (1891); see O. Perron, Die Lehre von den Kettenbrüchen, 2nd ed., Teubner, "
    "Leipzig, 1929, p. 138"
)
LEHMER_1973 = (
    "D. H. Lehmer, Continued fractions containing arithmetic progressions, Scripta Mathematica "
    "29 (1973), 17-24"
)
LAGRANGE_1770 = (
    "J.-L. Lagrange, Additions au mémoire sur la résolution des équations numériques, Mémoires "
    "de l'Académie royale des sciences et belles-lettres de Berlin 24 (1770)"
)

#: The full reference of each short citation :mod:`esma.theorems` gives.
REFERENCES = {
    "Euler 1737": EULER_1737,
    "Lambert 1768": LAMBERT_1768,
    "Hurwitz 1891": HURWITZ_1891,
    "Lehmer 1973": LEHMER_1973,
    "Lagrange 1770": LAGRANGE_1770,
}

#: Each theorem family of :mod:`esma.theorems` (but the quadratic irrationals, recognised by
#: their tails) as the constants it covers: (text of the constant for parameter n, the n).
THEOREM_INSTANCES = {
    "e": [("e", None)],
    "e2": [("e2", None)],
    "tan1": [("tan1", None)],
    "exp(1/n)": [(f"exp(1/{n})", n) for n in range(2, MAX_K + 1)],
    "exp(2/n)": [(f"exp(2/{n})", n) for n in range(3, MAX_K + 1, 2)],
    "tan(1/n)": [(f"tan(1/{n})", n) for n in range(2, MAX_K + 1)],
    "tanh(1/n)": [(f"tanh(1/{n})", n) for n in range(1, MAX_K + 1)],
    "bessel(2/n)": [
        (f"besseli(1, {_t})/besseli(0, {_t})", n)
        for n in range(1, MAX_K + 1)
        for _t in [str(Fraction(2, n))]
    ],
}


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
        Short form (``"Euler 1737"``), a colon, the full reference.
    year : int
        Year of the citation (the library is ordered by it: the oldest source is the one named).
    theorem : str or None
        The key of the :mod:`esma.theorems` theorem this is (``"exp(1/n):3"``), if any: the one
        esma's prover starts from.
    """

    name: str
    value: str
    head: tuple[int, ...]
    tail: QuasiPolynomial
    signs: tuple[int, ...]
    citation: str
    year: int
    theorem: str | None = None

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


def _formula(name, value, head, start, period, polys, signs, citation, year, theorem=None):
    qp = QuasiPolynomial(start, period, tuple(tuple(Fraction(c) for c in p) for p in polys))
    return ClassicalFormula(name, value, tuple(head), qp, tuple(signs), citation, year, theorem)


def _from_theorem(value: str, n: int | None) -> ClassicalFormula:
    """The regular continued fraction a theorem of :mod:`esma.theorems` states for ``value``."""
    from esma.theorems import theorem_for

    theorem = theorem_for(value)
    if theorem is None:  # pragma: no cover - THEOREM_INSTANCES names only covered constants
        raise LookupError(f"esma.theorems has no theorem for {value!r}")
    author, year = theorem.citation.rsplit(" ", 1)
    name = f"{author}: {theorem.family}" + ("" if n is None else f", n = {n}")
    # [c0; head, block(k0), block(k0 + 1), …] with block terms alpha + beta·k: from index
    # s = 1 + len(head), a_{s + P·m + j} = (alpha_j + beta_j·k0) + beta_j·m.
    polys = [[alpha + beta * theorem.k0, beta] for alpha, beta in theorem.block]
    polys = [p if p[1] else p[:1] for p in polys]
    head = [theorem.c0, *theorem.head]
    citation = f"{theorem.citation}: {REFERENCES.get(theorem.citation, theorem.citation)}"
    return _formula(
        name, value, head, len(head), len(polys), polys, [1], citation, int(year), theorem.key
    )


@lru_cache(maxsize=1)
def classical_formulas() -> tuple[ClassicalFormula, ...]:
    """Every formula of the library, oldest citation first (ties: the order below).

    >>> len(classical_formulas()) > 50
    True
    """
    out: list[ClassicalFormula] = [
        _from_theorem(value, n) for family in THEOREM_INSTANCES.values() for value, n in family
    ]
    out.append(
        _formula(
            "Euler: (e - 1)/(e + 1)", "(e - 1)/(e + 1)", [0], 1, 1, [[2, 4]], [1],
            f"Euler 1737: {EULER_1737}", 1737,
        )
    )  # fmt: skip
    for n in range(1, MAX_K + 1):
        arg = "1" if n == 1 else f"1/{n}"
        out.append(
            _formula(
                f"Lambert: cot(1/n), n = {n}", f"1/tan({arg})", [], 0, 1, [[n, 2 * n]], [-1],
                f"Lambert 1768: {LAMBERT_1768}", 1768,
            )
        )  # fmt: skip
    # Stable: within a year, the order above (Euler's e before his (e - 1)/(e + 1), ...).
    return tuple(sorted(out, key=lambda f: f.year))


@lru_cache(maxsize=1)
def _by_tail() -> dict[str, ClassicalFormula]:
    index: dict[str, ClassicalFormula] = {}
    for f in classical_formulas():
        index.setdefault(f.tail_key, f)
    return index


def classical_for(tail: Tail) -> ClassicalFormula | None:
    """The oldest library formula with this canonical tail, or None (the tail is new).

    A tail that is periodic with all signs + is the regular continued fraction of a quadratic
    irrational (Lagrange); the formula returned then is that of the purely periodic number
    x = [p₀; p₁, …, p_{P−1}, x].

    >>> from esma.tails import place
    >>> classical_for(place(classical_formulas()[0].recurrence, (1,)).tail).name
    'Euler: e'
    >>> from fractions import Fraction
    >>> classical_for(Tail("quasi-polynomial", (1, 1), ((Fraction(1),), (Fraction(2),)))).value
    '(1 + sqrt(3))/2'
    """
    found = _by_tail().get(tail.key)
    if found is not None:
        return found
    periodic = tail.kind == "quasi-polynomial" and all(len(p) == 1 for p in tail.polys)
    if periodic and set(tail.signs) == {1} and all(p[0] >= 1 for p in tail.polys):
        return _lagrange(tuple(int(p[0]) for p in tail.polys))
    return None


def _lagrange(period: tuple[int, ...]) -> ClassicalFormula:
    """The purely periodic x = [p₀; …, p_{P−1}, x]: x = (p x + p′)/(q x + q′) with the last two
    convergents, so q x² + (q′ − p) x − p′ = 0 and x is its positive root."""
    from esma.convergents import convergent_pairs

    pairs = list(convergent_pairs(period))
    (p, q) = pairs[-1]
    (p1, q1) = pairs[-2] if len(pairs) > 1 else (1, 0)
    disc = (q1 - p) ** 2 + 4 * q * p1
    # x = (a + s·√d)/b with d square-free-ish and the common factor of a, s, b removed
    root, d = 1, disc
    for f in range(2, min(math.isqrt(disc), 1000) + 1):  # a readable form; any is exact
        while d % (f * f) == 0:
            d //= f * f
            root *= f
    a, b = p - q1, 2 * q
    g = math.gcd(a, root, b)
    a, root, b = a // g, root // g, b // g
    surd = f"sqrt({d})" if root == 1 else f"{root}*sqrt({d})"
    value = f"({a} + {surd})" + ("" if b == 1 else f"/{b}")
    return _formula(
        "Lagrange: periodic", value, [], 0, len(period), [[a] for a in period], [1],
        f"Lagrange 1770: {LAGRANGE_1770}", 1770, "quadratic",
    )  # fmt: skip
