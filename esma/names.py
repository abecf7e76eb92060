r"""The named constants (``e``, ``pi``, ``zeta3``, ...): one :class:`NamedConstant` entry each.

An entry is data: the name, the expression that defines it (text in esma's expression
language), a description, how it is written in LaTeX, and a ``metadata`` mapping for facts about
it. The parser (:mod:`esma.expr`) reads the names from here, the evaluator
(:mod:`esma.evaluation`) the definitions, and :mod:`esma.constants` builds the checked
:class:`~esma.constants.Constant` of each entry (``NAMED_CONSTANTS``), so adding a named constant
is adding one entry to :data:`NAMES`. The table imports nothing of esma: the parser must know
the names before any definition can be parsed.

>>> NAMES["phi"].text, NAMES["phi"].latex
('(1 + sqrt(5))/2', '\\varphi')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only; flint is imported lazily
    from flint import arb

__all__ = ["NAMES", "NamedConstant"]


@dataclass(frozen=True)
class NamedConstant:
    r"""A constant a user may type by name.

    Attributes
    ----------
    name : str
        The name typed in expressions and on the command line.
    text : str
        Its definition in the expression language (``"exp(1)"``); the name itself for a constant
        that is not defined by other names or functions (``pi``), which then needs ``primitive``.
    description : str
        One line for ``esma constants``.
    latex : str
        How it is written in LaTeX (``\varphi``).
    kind : str
        The layout kind of that LaTeX (``atom``, ``root``, ``power``, ``prefix``, ``product``:
        see :func:`esma.expr.expr_latex`), which decides where brackets go around it.
    primitive : callable or None
        ``primitive(arb) -> ball``: the value at the working precision from python-flint's
        ``arb`` class (``arb.pi()``), used where the name appears inside an expression. ``None``
        evaluates the definition ``text`` there.
    metadata : Mapping
        Read-only facts about the constant, keyed by a short name: a classical continued
        fraction, the theorem that proves it and its source, known irrationality, ... Nothing
        in esma's search reads it; a fact stored here must say where it comes from (a paper, a
        theorem), like every fact esma keeps. Empty by default.

    >>> NAMES["e"].primitive is not None, dict(NAMES["e"].metadata)
    (True, {})
    """

    name: str
    text: str
    description: str
    latex: str
    kind: str = "atom"
    primitive: Callable[[type[arb]], arb] | None = field(default=None, compare=False)
    metadata: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"a constant's name must be an identifier, got {self.name!r}")
        if self.text == self.name and self.primitive is None:
            raise ValueError(f"{self.name} is defined by itself: give it a primitive evaluator")
        object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))


def _table(*entries: NamedConstant) -> Mapping[str, NamedConstant]:
    return MappingProxyType({entry.name: entry for entry in entries})


#: Every named constant, by name, in the order ``esma constants`` lists them.
NAMES: Mapping[str, NamedConstant] = _table(
    NamedConstant(
        "e", "exp(1)", "Euler's number e = exp(1)", "e", primitive=lambda arb: arb.const_e()
    ),
    NamedConstant(
        "pi",
        "pi",
        "pi, the ratio of a circle's circumference to its diameter",
        r"\pi",
        primitive=lambda arb: arb.pi(),
    ),
    NamedConstant("phi", "(1 + sqrt(5))/2", "the golden ratio (1 + sqrt(5))/2", r"\varphi"),
    NamedConstant("sqrt2", "sqrt(2)", "Pythagoras' constant sqrt(2)", r"\sqrt{2}", "root"),
    NamedConstant(
        "catalan",
        "catalan",
        "Catalan's constant G = sum (-1)**k/(2k + 1)**2",
        "G",
        primitive=lambda arb: arb.const_catalan(),
    ),
    NamedConstant("zeta3", "zeta(3)", "Apery's constant zeta(3)", r"\zeta(3)"),
    NamedConstant("log2", "log(2)", "the natural logarithm of 2", r"\log 2", "prefix"),
    NamedConstant(
        "euler_gamma",
        "euler_gamma",
        "the Euler-Mascheroni constant gamma",
        r"\gamma",
        primitive=lambda arb: arb.const_euler(),
    ),
    NamedConstant("tan1", "tan(1)", "tan(1) = [1; 1, 1, 3, 1, 5, ...]", r"\tan 1", "prefix"),
    # A slash, not \frac: this constant mostly sits inside the \frac of a Möbius map.
    NamedConstant(
        "besselratio",
        "besseli(1, 2)/besseli(0, 2)",
        "I_1(2)/I_0(2) = [0; 1, 2, 3, 4, ...]",
        "I_1(2)/I_0(2)",
        "product",
    ),
    NamedConstant("e2", "exp(2)", "e**2 = exp(2)", "e^{2}", "power"),
    NamedConstant("sqrte", "sqrt(e)", "sqrt(e) = exp(1/2)", r"\sqrt{e}", "root"),
    NamedConstant("e13", "exp(1/3)", "exp(1/3)", "e^{1/3}", "power"),
    NamedConstant(
        "glaisher",
        "glaisher",
        "the Glaisher-Kinkelin constant A = exp(1/12 - zeta'(-1))",
        "A",
        primitive=lambda arb: arb.const_glaisher(),
    ),
    NamedConstant(
        "khinchin",
        "khinchin",
        "Khinchin's constant K_0, the geometric mean of almost every continued fraction's terms",
        "K_0",
        primitive=lambda arb: arb.const_khinchin(),
    ),
)
