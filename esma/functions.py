r"""The functions of esma's expression language: one :class:`Function` record each.

A record says everything esma knows about a function: its signature (shown in messages; the
arity and the argument labels are read from it), a cap on each argument, how to evaluate it on
python-flint ``arb`` balls, its exact values at rational points, where it is undefined, and how it
is written in LaTeX. The parser (:mod:`esma.expr`), the evaluator (:mod:`esma.evaluation`) and the
LaTeX renderer read only this table, so adding a function is adding one entry to
:data:`FUNCTIONS`. flint is never imported here: an evaluator receives ``arb`` values and calls
their methods.

>>> FUNCTIONS["besseli"].arity, FUNCTIONS["besseli"].labels, FUNCTIONS["besseli"].caps
(2, ('nu', 'z'), (1000, 10000))
>>> FUNCTIONS["gamma"].exact(Fraction(5))
Fraction(24, 1)

Notes
-----
Arguments are bounded when evaluated (each entry's ``caps``), so arb never needs a huge working
precision. The caps today: ``|z| <= 10**6`` for gamma, zeta, sin, cos and tan, ``10**5`` for exp,
sinh and cosh, ``10**4`` for Bessel arguments and ``1000`` for Bessel orders.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # pragma: no cover - typing only; flint is imported lazily
    from flint import arb

__all__ = ["FUNCTIONS", "Function", "Piece", "Refusal", "latex_paren"]


@dataclass(frozen=True)
class Refusal:
    """Why a function is not evaluated at some balls: a one-line message and what follows.

    Attributes
    ----------
    message : str
        One line; ``{expr}`` stands for the call as the user wrote it.
    certain : bool
        True when the point is outside the domain (a pole, a negative logarithm): the expression
        is refused at once. False when the balls are too wide to tell: evaluation retries at a
        higher working precision.
    undefined : bool
        For an uncertain refusal that persists at the precision cap: True refuses the expression
        (``InvalidExpression``), False reports that the precision ran out
        (``PrecisionExhausted``: the value may be exactly zero, e.g. ``sqrt`` of a zero).
    """

    message: str
    certain: bool = False
    undefined: bool = True


class Piece(NamedTuple):
    r"""An operand rendered in LaTeX: its text, its layout kind (see :mod:`esma.expr`) and, when
    the operand is a number literal, its exact value (``exp(1/3)`` is written ``e^{1/3}``, not
    ``e^{\frac{1}{3}}``)."""

    latex: str
    kind: str
    number: int | Fraction | None = None


def _anywhere(*balls: arb) -> None:
    """The domain of a function defined at every real point (within its caps)."""


def _near(reason: str, undefined: bool = True) -> Refusal:
    """The refusal of a value that is not finite: at, or too close to, where ``reason`` says."""
    return Refusal(f"{reason}: '{{expr}}' is at or too close to it", undefined=undefined)


_NOT_REAL = "the value is not real or is undefined"
# What a function without a pole says of a value that is not finite: the ball was too wide, or
# the value is not real; at the precision cap this means "may be zero", not "undefined".
_NOT_FINITE = _near(_NOT_REAL, undefined=False)


@dataclass(frozen=True)
class Function:
    r"""One function of the expression language.

    Attributes
    ----------
    signature : str
        How the function is shown in messages, e.g. ``besseli(nu, z)``; its name, arity and
        argument labels are read from it.
    caps : tuple
        A bound on ``|argument|`` per position (``None``: unbounded), checked before evaluating.
    evaluate : callable
        ``evaluate(*balls) -> arb``: the value at the caller's working precision.
    exact : callable or None
        ``exact(*fractions) -> Fraction | None``: the exact value at rational arguments when
        it is rational and known (``exp(0) = 1``, ``gamma(n) = (n - 1)!``), else ``None``. ``None``
        in place of the callable says the function has no exact rule.
    latex : callable
        ``latex(*pieces) -> (text, kind)``: the call written in LaTeX from its rendered
        arguments (:class:`Piece`), and the layout kind of the result.
    domain : callable
        ``domain(*balls) -> Refusal | None``: checked after the caps and before ``evaluate``;
        a :class:`Refusal` for a pole or a point outside the real domain.
    singular : Refusal
        Raised when the value computed is not finite (a pole, or a ball too wide).

    >>> sorted(FUNCTIONS)[:4]
    ['atan', 'besseli', 'besselj', 'cos']
    """

    signature: str
    caps: tuple[int | None, ...]
    evaluate: Callable[..., arb]
    exact: Callable[..., Fraction | None] | None
    latex: Callable[..., tuple[str, str]]
    domain: Callable[..., Refusal | None] = _anywhere
    singular: Refusal = _NOT_FINITE

    def __post_init__(self) -> None:
        name, bracket, rest = self.signature.partition("(")
        if not name.isidentifier() or not bracket or not rest.endswith(")"):
            raise ValueError(f"signature {self.signature!r} must look like 'name(z)'")
        if len(self.caps) != self.arity:
            raise ValueError(f"{self.signature}: one cap per argument, got {self.caps!r}")

    @property
    def name(self) -> str:
        """The name typed in expressions.

        >>> FUNCTIONS["exp"].name
        'exp'
        """
        return self.signature.partition("(")[0]

    @property
    def labels(self) -> tuple[str, ...]:
        """The argument names of the signature, used in messages (``nu``, ``z``).

        >>> FUNCTIONS["besselj"].labels
        ('nu', 'z')
        """
        inner = self.signature[len(self.name) + 1 : -1]
        return tuple(part.strip() for part in inner.split(","))

    @property
    def arity(self) -> int:
        """The number of arguments.

        >>> FUNCTIONS["log"].arity
        1
        """
        return len(self.labels)


# ---- LaTeX ---------------------------------------------------------------------------------


def latex_paren(text: str) -> str:
    r"""``text`` in brackets that grow with it.

    >>> latex_paren("x")
    '\\left(x\\right)'
    """
    return rf"\left({text}\right)"


def _simple(piece: Piece) -> bool:
    """A number or a one-letter name: what may follow ``\\tan`` or sit in ``\\Gamma(.)``."""
    return piece.kind == "atom" and not piece.latex.startswith("\\")


def _prefix(command: str) -> Callable[[Piece], tuple[str, str]]:
    r"""``\tan 1`` and ``\log 2`` for a simple argument, ``\tan\left(\frac{\pi}{8}\right)`` else."""

    def latex(z: Piece) -> tuple[str, str]:
        if _simple(z):
            return f"{command} {z.latex}", "prefix"
        return command + latex_paren(z.latex), "call"

    return latex


def _applied(command: str) -> Callable[[Piece], tuple[str, str]]:
    r"""``\Gamma(3)``, ``\zeta\left(\frac{1}{2}\right)``: always with brackets."""

    def latex(z: Piece) -> tuple[str, str]:
        return command + (f"({z.latex})" if _simple(z) else latex_paren(z.latex)), "atom"

    return latex


def _exp_latex(z: Piece) -> tuple[str, str]:
    # A number in the exponent is written like the exponent of **: e^{1/3}.
    return f"e^{{{z.number if z.number is not None else z.latex}}}", "power"


def _sqrt_latex(z: Piece) -> tuple[str, str]:
    return rf"\sqrt{{{z.latex}}}", "root"


def _bessel_latex(letter: str) -> Callable[[Piece, Piece], tuple[str, str]]:
    def latex(nu: Piece, z: Piece) -> tuple[str, str]:
        return f"{letter}_{{{nu.latex}}}({z.latex})", "atom"

    return latex


# ---- evaluators, exact values ----------------------------------------------------------------


def _sqrt(z: arb) -> arb:
    return z if z.is_exact() and z.is_zero() else z.sqrt()


def _at_zero(value: int) -> Callable[[Fraction], Fraction | None]:
    """The rule of a function whose only rational value known is ``value`` at 0."""
    return lambda z: Fraction(value) if z == 0 else None


def _log_exact(z: Fraction) -> Fraction | None:
    return Fraction(0) if z == 1 else None


def _sqrt_exact(z: Fraction) -> Fraction | None:
    if z < 0:
        return None
    num, den = math.isqrt(z.numerator), math.isqrt(z.denominator)
    if num * num != z.numerator or den * den != z.denominator:
        return None
    return Fraction(num, den)


def _gamma_exact(z: Fraction) -> Fraction | None:
    # gamma(n) = (n - 1)!; 999! has under 10**4 bits, like every exact value esma keeps.
    if z.denominator == 1 and 1 <= z <= 1000:
        return Fraction(math.factorial(int(z) - 1))
    return None


def _zeta_exact(z: Fraction) -> Fraction | None:
    if z == 0:
        return Fraction(-1, 2)
    if z.denominator == 1 and z < 0 and z % 2 == 0:
        return Fraction(0)  # the trivial zeros
    return None


def _bessel_exact(nu: Fraction, z: Fraction) -> Fraction | None:
    # I_n(0) = J_n(0) = 1 for n = 0 and 0 for any other integer n.
    if z == 0 and nu.denominator == 1:
        return Fraction(1 if nu == 0 else 0)
    return None


# ---- domains ---------------------------------------------------------------------------------


def _log_domain(z: arb) -> Refusal | None:
    if z < 0:
        return Refusal("log of a negative number is not real: '{expr}'", certain=True)
    if z.is_exact() and z.is_zero():
        return Refusal("log(0) is undefined: '{expr}' has a zero argument", certain=True)
    if not z > 0:
        return Refusal("log argument is zero or indistinguishable from zero in '{expr}'")
    return None


def _sqrt_domain(z: arb) -> Refusal | None:
    if z < 0:
        return Refusal(
            "sqrt of a negative number is not real: '{expr}'; esma works with real constants",
            certain=True,
        )
    if not (z > 0 or (z.is_exact() and z.is_zero())):
        return Refusal("cannot decide the sign of the argument of '{expr}'", undefined=False)
    return None


def _gamma_domain(z: arb) -> Refusal | None:
    if z.is_exact() and z.is_integer() and z <= 0:
        return Refusal("gamma is undefined at 0, -1, -2, ... (pole): '{expr}'", certain=True)
    return None


def _zeta_domain(z: arb) -> Refusal | None:
    if z.is_exact() and z == 1:
        return Refusal("zeta is undefined at 1 (pole): '{expr}'", certain=True)
    return None


def _bessel_domain(nu: arb, z: arb) -> Refusal | None:
    if z < 0 and not nu.contains_integer():
        return Refusal(
            "'{expr}' is not real: a negative argument z needs an integer order nu", certain=True
        )
    return None


# ---- the table -------------------------------------------------------------------------------


def _table(*functions: Function) -> dict[str, Function]:
    return {f.name: f for f in functions}


#: Every function of the expression language, by name, in the order messages list them.
FUNCTIONS: dict[str, Function] = _table(
    Function("exp(z)", (10**5,), lambda z: z.exp(), _at_zero(1), _exp_latex),
    Function(
        "log(z)", (None,), lambda z: z.log(), _log_exact, _prefix(r"\log"), domain=_log_domain
    ),
    Function("sqrt(z)", (None,), _sqrt, _sqrt_exact, _sqrt_latex, domain=_sqrt_domain),
    Function("sin(z)", (10**6,), lambda z: z.sin(), _at_zero(0), _prefix(r"\sin")),
    Function("cos(z)", (10**6,), lambda z: z.cos(), _at_zero(1), _prefix(r"\cos")),
    Function(
        "tan(z)",
        (10**6,),
        lambda z: z.tan(),
        _at_zero(0),
        _prefix(r"\tan"),
        singular=_near("tan is undefined at odd multiples of pi/2 (pole)"),
    ),
    Function("atan(z)", (None,), lambda z: z.atan(), _at_zero(0), _prefix(r"\arctan")),
    Function("sinh(z)", (10**5,), lambda z: z.sinh(), _at_zero(0), _prefix(r"\sinh")),
    Function("cosh(z)", (10**5,), lambda z: z.cosh(), _at_zero(1), _prefix(r"\cosh")),
    Function("tanh(z)", (None,), lambda z: z.tanh(), _at_zero(0), _prefix(r"\tanh")),
    Function(
        "gamma(z)",
        (10**6,),
        lambda z: z.gamma(),
        _gamma_exact,
        _applied(r"\Gamma"),
        domain=_gamma_domain,
        singular=_near("gamma is undefined at 0, -1, -2, ... (pole)"),
    ),
    Function(
        "zeta(z)",
        (10**6,),
        lambda z: z.zeta(),
        _zeta_exact,
        _applied(r"\zeta"),
        domain=_zeta_domain,
        singular=_near("zeta is undefined at 1 (pole)"),
    ),
    Function(
        "besseli(nu, z)",
        (1000, 10**4),
        lambda nu, z: z.bessel_i(nu),
        _bessel_exact,
        _bessel_latex("I"),
        domain=_bessel_domain,
        singular=_near(_NOT_REAL),
    ),
    Function(
        "besselj(nu, z)",
        (1000, 10**4),
        lambda nu, z: z.bessel_j(nu),
        _bessel_exact,
        _bessel_latex("J"),
        domain=_bessel_domain,
        singular=_near(_NOT_REAL),
    ),
)
