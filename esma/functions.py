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
precision and nothing typed runs for long. The caps: ``|z| <= 10**6`` for gamma, digamma, zeta,
sin, cos and tan, ``10**5`` for exp, sinh and cosh, ``10**4`` for the arguments of Bessel I, J
and Y and ``100`` for Bessel K, ``1000`` for Bessel orders; ``|s| <= 100`` and ``|z| <= 10**6``
for polylog; hypergeometric parameters ``|a|, |b|, |c| <= 100``, with ``|z| <= 10**6`` (0F1,
2F1) and ``10**5`` (1F1). They come from timing python-flint 0.9
(``tests/benchmarks/bench_functions.py``): within them, every point tried evaluates in a fraction
of a second at the precisions esma checks a constant with, whereas just beyond them arb can take
minutes: 2F1 with parameters near 400 (a minute at 2064 bits), Bessel K where ``z`` is about a
fifth of the working precision in bits (37 s for ``K_{5/2}(500)`` at 2064 bits; below ``z = 100``
that happens only near 500 bits, where it costs 0.07 s, and ``K_nu(100) < 2**-140`` anyway), and
digamma at a negative argument loses as many bits as the argument has (the reflection formula):
none of 2064 survive at ``-2**10000 - 1/3``, 20 at most within gamma's cap ``10**6``. The
inverse trigonometric and hyperbolic functions, erf, erfc, agm and loggamma are fast at any
argument an expression can produce, so they have no cap.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # pragma: no cover - typing only; flint is imported lazily
    from flint import arb

__all__ = ["FUNCTIONS", "Function", "Piece", "Refusal", "cap_text", "latex_paren"]


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
    description : str
        One line for ``esma constants --functions``: what the function is.
    defined_for : str
        Where it is real and finite, in words (``-1 <= z <= 1``), for the same listing.
    rational_hints : bool
        When True, ``evaluate`` also receives the keyword ``rationals``: the exact value of each
        argument where the exact rules know it is rational, else ``None``. arb needs to be told
        when the parameter differences of 2F1 are integers; a ball cannot say so.

    >>> sorted(FUNCTIONS)[:4]
    ['acos', 'acosh', 'agm', 'asin']
    """

    signature: str
    caps: tuple[int | None, ...]
    evaluate: Callable[..., arb]
    exact: Callable[..., Fraction | None] | None
    latex: Callable[..., tuple[str, str]]
    domain: Callable[..., Refusal | None] = _anywhere
    singular: Refusal = _NOT_FINITE
    description: str = ""
    defined_for: str = "every real z"
    rational_hints: bool = False

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

    def role(self, label: str) -> str:
        """How messages name the argument ``label``: the argument, an order, or a parameter.

        >>> FUNCTIONS["besselj"].role("nu"), FUNCTIONS["hyp2f1"].role("c")
        ('order nu', 'parameter c')
        """
        if label == "z":
            return "argument"
        return f"{'order' if label in ('nu', 's') else 'parameter'} {label}"

    @property
    def domain_text(self) -> str:
        """Where the function is defined, with its caps, for ``esma constants --functions``.

        >>> FUNCTIONS["besselj"].domain_text
        'z >= 0, and z < 0 for an integer nu; |nu| <= 1000, |z| <= 10**4'
        """
        pairs = zip(self.labels, self.caps, strict=True)
        caps = [f"|{label}| <= {cap_text(cap)}" for label, cap in pairs if cap is not None]
        return self.defined_for + ("; " + ", ".join(caps) if caps else "")


def cap_text(cap: int) -> str:
    """A cap as messages write it: ``10**6`` for a power of ten above 1000, else its digits.

    >>> cap_text(10**6), cap_text(1000), cap_text(100)
    ('10**6', '1000', '100')
    """
    exponent = round(math.log10(cap))
    return f"10**{exponent}" if 10**exponent == cap and exponent > 3 else str(cap)


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


def _arguments(text: str, *pieces: Piece) -> str:
    r"""``(text)``, with brackets that grow unless every argument is a number or a letter."""
    return f"({text})" if all(_simple(p) for p in pieces) else latex_paren(text)


def _call_latex(command: str) -> Callable[..., tuple[str, str]]:
    r"""``\operatorname{agm}(1, 2)``: a named function of one or more arguments, bracketed."""

    def latex(*pieces: Piece) -> tuple[str, str]:
        return command + _arguments(", ".join(p.latex for p in pieces), *pieces), "atom"

    return latex


def _polylog_latex(s: Piece, z: Piece) -> tuple[str, str]:
    return rf"\operatorname{{Li}}_{{{s.latex}}}" + _arguments(z.latex, z), "atom"


def _hypergeometric_latex(p: int) -> Callable[..., tuple[str, str]]:
    r"""``{}_2F_1(a, b; c; z)``: the upper parameters, the lower one, the argument."""

    def latex(*pieces: Piece) -> tuple[str, str]:
        upper, (lower, z) = pieces[:p], pieces[p:]
        text = "; ".join([", ".join(u.latex for u in upper), lower.latex, z.latex])
        return f"{{}}_{p}F_1" + _arguments(text, *pieces), "atom"

    return latex


def _loggamma_latex(z: Piece) -> tuple[str, str]:
    # "call": a power of it is bracketed, so \log\Gamma(3)^{2} is never read as log(gamma(3)**2).
    return _applied(r"\log\Gamma")(z)[0], "call"


# ---- evaluators, exact values ----------------------------------------------------------------


def _sqrt(z: arb) -> arb:
    return z if z.is_exact() and z.is_zero() else z.sqrt()


def _polylog(s: arb, z: arb) -> arb:
    # arb's polylog is not finite at z = 1, where Li_s(1) = zeta(s) (s > 1, checked by the domain).
    if z.is_exact() and z == 1:
        return s.zeta()
    return z.polylog(s)


def _integer(x: Fraction | None) -> bool:
    return x is not None and x.denominator == 1


def _hyp2f1(a: arb, b: arb, c: arb, z: arb, rationals: tuple | None = None) -> arb:
    # For real z, arb sums the series (after Pfaff's z/(z - 1) for negative z) on -3 <= z <= 3/4
    # (acb_hypgeom_2f1_choose); nearer to 1 it transforms to 1 - z, and below -3 to 1/z or
    # 1/(1 - z). These formulas divide by gamma functions of c - a - b, and of b - a, which have
    # poles when those are integers: arb takes the limit only if told that they are (or if the
    # parameters are exact binary numbers). Parameters the exact rules know tell it. Where a
    # ball of such a difference holds an integer not known to be one, arb returns nothing
    # certain, near z = 1 after a search of seconds (2.5 s at 256 bits for
    # 2F1(sqrt(2), 1/2; sqrt(2) + 3/2; 9/10)): there (z > 1/2 or z < -2, a margin around arb's
    # choice) the value is given up at once, and the caller retries with narrower balls, which
    # may leave the integer out.
    ra, rb, rc, _ = rationals or (None, None, None, None)
    known = ra is not None and rb is not None and rc is not None
    flags = {
        "ab": known and _integer(ra - rb),
        "ac": known and _integer(ra - rc),
        "bc": known and _integer(rb - rc),
        "abc": known and _integer(ra + rb - rc),
    }
    if z > 0.5 and not flags["abc"] and (c - a - b).contains_integer():
        return z.nan()
    if z < -2 and not flags["ab"] and (a - b).contains_integer():
        return z.nan()
    return z.hypgeom_2f1(a, b, c, **flags)


def _at_zero(value: int) -> Callable[[Fraction], Fraction | None]:
    """The rule of a function whose only rational value known is ``value`` at 0."""
    return lambda z: Fraction(value) if z == 0 else None


def _at_one(value: int) -> Callable[[Fraction], Fraction | None]:
    """The rule of a function whose only rational value known is ``value`` at 1."""
    return lambda z: Fraction(value) if z == 1 else None


# The largest exact value a rule returns, in bits: esma.expr.MAX_EXACT_BITS (which cannot be
# imported here: the parser imports this table; a test checks the two agree).
_EXACT_BITS = 10_000


def _small(value: Fraction) -> Fraction | None:
    """``value``, or None when it is larger than the exact values esma keeps."""
    if max(abs(value.numerator).bit_length(), value.denominator.bit_length()) > _EXACT_BITS:
        return None
    return value


def _nonpositive_integer(x: Fraction) -> bool:
    return x.denominator == 1 and x <= 0


def _agm_exact(x: Fraction, y: Fraction) -> Fraction | None:
    if x < 0 or y < 0:
        return None
    if x == 0 or y == 0:
        return Fraction(0)
    return x if x == y else None


def _loggamma_exact(z: Fraction) -> Fraction | None:
    return Fraction(0) if z in (1, 2) else None


def _polylog_exact(s: Fraction, z: Fraction) -> Fraction | None:
    """Li_s(0) = 0; for s = -n (n = 0, 1, ..., 100) Li_s(z) is the rational function
    sum_{k=0}^{n} k! S(n + 1, k + 1) w**(k + 1) with w = z/(1 - z) (S: Stirling numbers of the
    second kind; Li_0(z) = z/(1 - z), and z d/dz raises the order by one)."""
    if z == 0:
        return Fraction(0)
    if not _nonpositive_integer(s) or s < -100 or z == 1:  # 100: the cap on |s|
        return None
    n = -int(s)
    row = [1]  # S(m, j) for j = 1..m, built up to m = n + 1
    for m in range(2, n + 2):
        row = [1] + [j * row[j - 1] + row[j - 2] for j in range(2, m)] + [1]
    w = z / (1 - z)
    total = sum(math.factorial(k) * row[k] * w ** (k + 1) for k in range(n + 1))
    return _small(total)


def _terminating(upper: list[Fraction], lower: list[Fraction], z: Fraction) -> Fraction | None:
    """pFq at rational points where it is a polynomial in z (an upper parameter is 0, -1, ...,
    -100) or is 1 (z = 0); None when a lower parameter is 0, -1, -2, ... (a pole)."""
    if any(_nonpositive_integer(b) for b in lower):
        return None
    if z == 0:
        return Fraction(1)
    stops = [-int(a) for a in upper if _nonpositive_integer(a) and a >= -100]  # the caps
    if not stops:
        return None
    term = total = Fraction(1)
    for k in range(min(stops)):
        for a in upper:
            term *= a + k
        for b in lower:
            term /= b + k
        term *= z / (k + 1)
        total += term
        if _small(total) is None:
            return None
    return total


def _hyp0f1_exact(b: Fraction, z: Fraction) -> Fraction | None:
    return _terminating([], [b], z)


def _hyp1f1_exact(a: Fraction, b: Fraction, z: Fraction) -> Fraction | None:
    return _terminating([a], [b], z)


def _hyp2f1_exact(a: Fraction, b: Fraction, c: Fraction, z: Fraction) -> Fraction | None:
    return _terminating([a, b], [c], z)


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
        return Refusal(
            "log of a negative number is not real: '{expr}'; log is real for z > 0", certain=True
        )
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


def _poles_at_nonpositive_integers(name: str) -> Callable[[arb], Refusal | None]:
    """gamma and digamma: poles at 0, -1, -2, ... (a ball around one gives a value that is
    not finite: see singular)."""

    def domain(z: arb) -> Refusal | None:
        if z.is_exact() and z.is_integer() and z <= 0:
            return Refusal(
                f"{name} is undefined at 0, -1, -2, ... (pole): '{{expr}}'", certain=True
            )
        return None

    return domain


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


def _is_nonpositive_integer(x: arb) -> bool:
    return x.is_exact() and x.is_integer() and x <= 0


def _may_be_nonpositive_integer(x: arb) -> bool:
    return x.contains_integer() and not x > 0


def _interval_domain(name: str, low: int, high: int | None) -> Callable[[arb], Refusal | None]:
    """The domain ``low <= z <= high`` (``z >= low`` when ``high`` is None), ends included."""
    where = f"z >= {low}" if high is None else f"{low} <= z <= {high}"

    def domain(z: arb) -> Refusal | None:
        if z < low or (high is not None and z > high):
            return Refusal(f"{name} is real only for {where}: '{{expr}}'", certain=True)
        if not z >= low or (high is not None and not z <= high):
            return Refusal(
                f"cannot decide whether the argument of '{{expr}}' is in {name}'s domain "
                f"{where}: it is at or too close to an end"
            )
        return None

    return domain


def _atanh_domain(z: arb) -> Refusal | None:
    if z.is_exact() and (z == 1 or z == -1):
        return Refusal("atanh is undefined at -1 and 1 (pole): '{expr}'", certain=True)
    if z > 1 or z < -1:
        return Refusal("atanh is real only for -1 < z < 1: '{expr}'", certain=True)
    return None  # a ball around -1 or 1 gives a value that is not finite: see singular


def _agm_domain(x: arb, y: arb) -> Refusal | None:
    if x < 0 or y < 0:
        return Refusal(
            "agm of a negative number is not real: '{expr}'; agm(x, y) is real for x, y >= 0",
            certain=True,
        )
    if not (x >= 0 and y >= 0):
        return Refusal("cannot decide the sign of an argument of '{expr}'", undefined=False)
    return None


def _loggamma_domain(z: arb) -> Refusal | None:
    if _is_nonpositive_integer(z):
        return Refusal("loggamma is undefined at 0, -1, -2, ... (pole): '{expr}'", certain=True)
    if z < 0:
        return Refusal(
            "loggamma is real only for z > 0: '{expr}'; for z < 0 write log(gamma(z)) where "
            "gamma(z) > 0",
            certain=True,
        )
    if not z > 0:
        return Refusal("loggamma is undefined at 0 (pole): '{expr}' is at or too close to it")
    return None


def _polylog_domain(s: arb, z: arb) -> Refusal | None:
    if z.is_exact() and z == 1:
        if s <= 1:
            return Refusal(
                "polylog(s, 1) = zeta(s) diverges for s <= 1 (pole): '{expr}'", certain=True
            )
        if not s > 1:
            return Refusal(
                "polylog(s, 1) diverges for s <= 1 (pole): '{expr}' is at or too close to it"
            )
        return None
    if z > 1:
        if _is_nonpositive_integer(s):
            return None  # Li_{-n}(z) is a rational function of z, real for z != 1
        message = (
            "polylog(s, z) is not real for z > 1 (branch cut) unless s is 0, -1, -2, ...: '{expr}'"
        )
        return Refusal(message, certain=not _may_be_nonpositive_integer(s))
    if not z < 1:
        return Refusal("'{expr}' is at or too close to z = 1, the branch point of polylog")
    return None


def _positive_z_domain(name: str) -> Callable[[arb, arb], Refusal | None]:
    """Bessel K and Y: real only for z > 0, infinite at z = 0."""

    def domain(nu: arb, z: arb) -> Refusal | None:
        if z.is_exact() and z.is_zero():
            return Refusal(f"{name}(nu, 0) is undefined (pole): '{{expr}}'", certain=True)
        if z < 0:
            return Refusal(f"{name}(nu, z) is real only for z > 0: '{{expr}}'", certain=True)
        if not z > 0:
            return Refusal(
                f"{name}(nu, z) is undefined at z = 0 (pole): '{{expr}}' is at or too close to it"
            )
        return None

    return domain


def _lower_parameter_domain(name: str, label: str) -> Callable[..., Refusal | None]:
    """0F1 and 1F1: undefined when the lower parameter is 0, -1, -2, ... (checked exactly; a
    ball around such a point gives a value that is not finite: see singular)."""

    def domain(*balls: arb) -> Refusal | None:
        if _is_nonpositive_integer(balls[-2]):
            return Refusal(
                f"{name} is undefined when {label} is 0, -1, -2, ... (pole): '{{expr}}'",
                certain=True,
            )
        return None

    return domain


def _hyp2f1_domain(a: arb, b: arb, c: arb, z: arb) -> Refusal | None:
    pole = _lower_parameter_domain("hyp2f1", "c")(a, b, c, z)
    if pole is not None or _is_nonpositive_integer(a) or _is_nonpositive_integer(b):
        return pole  # with a or b = 0, -1, -2, ... 2F1 is a polynomial in z: real everywhere
    if z > 1:
        message = (
            "hyp2f1(a, b, c, z) is not real for z > 1 (branch cut) unless a or b is 0, -1, "
            "-2, ...: '{expr}'"
        )
        maybe_polynomial = _may_be_nonpositive_integer(a) or _may_be_nonpositive_integer(b)
        return Refusal(message, certain=not maybe_polynomial)
    if z.is_exact() and z == 1:
        excess = c - a - b
        message = "hyp2f1(a, b, c, 1) diverges unless c - a - b > 0: '{expr}'"
        if excess <= 0:
            return Refusal(message, certain=True)
        if not excess > 0:
            return Refusal(message)
        return None
    if not z < 1:
        return Refusal("'{expr}' is at or too close to z = 1, the branch point of hyp2f1")
    return None


def _hypergeometric_singular(name: str, label: str) -> Refusal:
    return Refusal(
        f"{name} cannot be certified at '{{expr}}': {label} is at or too close to 0, -1, -2, ... "
        "(pole), or the arguments are too large for the precision cap"
    )


# ---- the table -------------------------------------------------------------------------------


def _table(*functions: Function) -> dict[str, Function]:
    return {f.name: f for f in functions}


#: Every function of the expression language, by name, in the order messages list them.
FUNCTIONS: dict[str, Function] = _table(
    Function(
        "exp(z)",
        (10**5,),
        lambda z: z.exp(),
        _at_zero(1),
        _exp_latex,
        description="the exponential function e**z",
    ),
    Function(
        "log(z)",
        (None,),
        lambda z: z.log(),
        _log_exact,
        _prefix(r"\log"),
        domain=_log_domain,
        description="the natural logarithm",
        defined_for="z > 0",
    ),
    Function(
        "sqrt(z)",
        (None,),
        _sqrt,
        _sqrt_exact,
        _sqrt_latex,
        domain=_sqrt_domain,
        description="the square root",
        defined_for="z >= 0",
    ),
    Function(
        "sin(z)",
        (10**6,),
        lambda z: z.sin(),
        _at_zero(0),
        _prefix(r"\sin"),
        description="the sine (z in radians)",
    ),
    Function(
        "cos(z)",
        (10**6,),
        lambda z: z.cos(),
        _at_zero(1),
        _prefix(r"\cos"),
        description="the cosine (z in radians)",
    ),
    Function(
        "tan(z)",
        (10**6,),
        lambda z: z.tan(),
        _at_zero(0),
        _prefix(r"\tan"),
        singular=_near("tan is undefined at odd multiples of pi/2 (pole)"),
        description="the tangent (z in radians)",
        defined_for="z not an odd multiple of pi/2",
    ),
    Function(
        "atan(z)",
        (None,),
        lambda z: z.atan(),
        _at_zero(0),
        _prefix(r"\arctan"),
        description="the inverse tangent, in (-pi/2, pi/2)",
    ),
    Function(
        "sinh(z)",
        (10**5,),
        lambda z: z.sinh(),
        _at_zero(0),
        _prefix(r"\sinh"),
        description="the hyperbolic sine",
    ),
    Function(
        "cosh(z)",
        (10**5,),
        lambda z: z.cosh(),
        _at_zero(1),
        _prefix(r"\cosh"),
        description="the hyperbolic cosine",
    ),
    Function(
        "tanh(z)",
        (None,),
        lambda z: z.tanh(),
        _at_zero(0),
        _prefix(r"\tanh"),
        description="the hyperbolic tangent",
    ),
    Function(
        "gamma(z)",
        (10**6,),
        lambda z: z.gamma(),
        _gamma_exact,
        _applied(r"\Gamma"),
        domain=_poles_at_nonpositive_integers("gamma"),
        singular=_near("gamma is undefined at 0, -1, -2, ... (pole)"),
        description="Euler's gamma function, gamma(n) = (n - 1)!",
        defined_for="z not 0, -1, -2, ...",
    ),
    Function(
        "zeta(z)",
        (10**6,),
        lambda z: z.zeta(),
        _zeta_exact,
        _applied(r"\zeta"),
        domain=_zeta_domain,
        singular=_near("zeta is undefined at 1 (pole)"),
        description="the Riemann zeta function",
        defined_for="z != 1",
    ),
    Function(
        "besseli(nu, z)",
        (1000, 10**4),
        lambda nu, z: z.bessel_i(nu),
        _bessel_exact,
        _bessel_latex("I"),
        domain=_bessel_domain,
        singular=_near(_NOT_REAL),
        description="the modified Bessel function of the first kind I_nu(z)",
        defined_for="z >= 0, and z < 0 for an integer nu",
    ),
    Function(
        "besselj(nu, z)",
        (1000, 10**4),
        lambda nu, z: z.bessel_j(nu),
        _bessel_exact,
        _bessel_latex("J"),
        domain=_bessel_domain,
        singular=_near(_NOT_REAL),
        description="the Bessel function of the first kind J_nu(z)",
        defined_for="z >= 0, and z < 0 for an integer nu",
    ),
    Function(
        "asin(z)",
        (None,),
        lambda z: z.asin(),
        _at_zero(0),
        _prefix(r"\arcsin"),
        domain=_interval_domain("asin", -1, 1),
        description="the inverse sine, in [-pi/2, pi/2]",
        defined_for="-1 <= z <= 1",
    ),
    Function(
        "acos(z)",
        (None,),
        lambda z: z.acos(),
        _at_one(0),
        _prefix(r"\arccos"),
        domain=_interval_domain("acos", -1, 1),
        description="the inverse cosine, in [0, pi]",
        defined_for="-1 <= z <= 1",
    ),
    Function(
        "asinh(z)",
        (None,),
        lambda z: z.asinh(),
        _at_zero(0),
        _prefix(r"\operatorname{arsinh}"),
        description="the inverse hyperbolic sine",
    ),
    Function(
        "acosh(z)",
        (None,),
        lambda z: z.acosh(),
        _at_one(0),
        _prefix(r"\operatorname{arcosh}"),
        domain=_interval_domain("acosh", 1, None),
        description="the inverse hyperbolic cosine, >= 0",
        defined_for="z >= 1",
    ),
    Function(
        "atanh(z)",
        (None,),
        lambda z: z.atanh(),
        _at_zero(0),
        _prefix(r"\operatorname{artanh}"),
        domain=_atanh_domain,
        singular=_near("atanh is undefined at -1 and 1 (pole)"),
        description="the inverse hyperbolic tangent",
        defined_for="-1 < z < 1",
    ),
    Function(
        "erf(z)",
        (None,),
        lambda z: z.erf(),
        _at_zero(0),
        _applied(r"\operatorname{erf}"),
        description="the error function, 2/sqrt(pi) times the integral of exp(-t**2) from 0 to z",
    ),
    Function(
        "erfc(z)",
        (None,),
        lambda z: z.erfc(),
        _at_zero(1),
        _applied(r"\operatorname{erfc}"),
        description="the complementary error function 1 - erf(z)",
    ),
    Function(
        "agm(x, y)",
        (None, None),
        lambda x, y: x.agm(y),
        _agm_exact,
        _call_latex(r"\operatorname{agm}"),
        domain=_agm_domain,
        description="the arithmetic-geometric mean of x and y",
        defined_for="x >= 0 and y >= 0",
    ),
    Function(
        "loggamma(z)",
        (None,),
        lambda z: z.lgamma(),
        _loggamma_exact,
        _loggamma_latex,
        domain=_loggamma_domain,
        description="the logarithm of the gamma function",
        defined_for="z > 0",
    ),
    Function(
        "digamma(z)",
        (10**6,),
        lambda z: z.digamma(),
        None,
        _applied(r"\psi"),
        domain=_poles_at_nonpositive_integers("digamma"),
        singular=_near("digamma is undefined at 0, -1, -2, ... (pole)"),
        description="the digamma function psi(z) = gamma'(z)/gamma(z)",
        defined_for="z not 0, -1, -2, ...",
    ),
    Function(
        "polylog(s, z)",
        (100, 10**6),
        _polylog,
        _polylog_exact,
        _polylog_latex,
        domain=_polylog_domain,
        singular=_near("polylog is undefined at z = 1 for s <= 1 (pole)"),
        description="the polylogarithm Li_s(z), the sum of z**k/k**s over k >= 1",
        defined_for="z < 1; z = 1 when s > 1 (zeta(s)); z > 1 when s is 0, -1, -2, ...",
    ),
    Function(
        "besselk(nu, z)",
        (1000, 100),
        lambda nu, z: z.bessel_k(nu),
        None,
        _bessel_latex("K"),
        domain=_positive_z_domain("besselk"),
        singular=_near(_NOT_REAL),
        description="the modified Bessel function of the second kind K_nu(z)",
        defined_for="z > 0",
    ),
    Function(
        "bessely(nu, z)",
        (1000, 10**4),
        lambda nu, z: z.bessel_y(nu),
        None,
        _bessel_latex("Y"),
        domain=_positive_z_domain("bessely"),
        singular=_near(_NOT_REAL),
        description="the Bessel function of the second kind Y_nu(z)",
        defined_for="z > 0",
    ),
    Function(
        "hyp0f1(b, z)",
        (100, 10**6),
        lambda b, z: z.hypgeom_0f1(b),
        _hyp0f1_exact,
        _hypergeometric_latex(0),
        domain=_lower_parameter_domain("hyp0f1", "b"),
        singular=_hypergeometric_singular("hyp0f1", "b"),
        description="the confluent hypergeometric limit function 0F1(; b; z)",
        defined_for="b not 0, -1, -2, ...",
    ),
    Function(
        "hyp1f1(a, b, z)",
        (100, 100, 10**5),
        lambda a, b, z: z.hypgeom_1f1(a, b),
        _hyp1f1_exact,
        _hypergeometric_latex(1),
        domain=_lower_parameter_domain("hyp1f1", "b"),
        singular=_hypergeometric_singular("hyp1f1", "b"),
        description="Kummer's confluent hypergeometric function 1F1(a; b; z)",
        defined_for="b not 0, -1, -2, ...",
    ),
    Function(
        "hyp2f1(a, b, c, z)",
        (100, 100, 100, 10**6),
        _hyp2f1,
        _hyp2f1_exact,
        _hypergeometric_latex(2),
        domain=_hyp2f1_domain,
        singular=Refusal(
            "hyp2f1 cannot be certified at '{expr}': at or too close to a pole or to z = 1, or "
            "a - b or c - a - b is an integer not written as a rational"
        ),
        description="the Gauss hypergeometric function 2F1(a, b; c; z)",
        defined_for="z < 1; z = 1 when c - a - b > 0; every z when a or b is 0, -1, -2, ...; "
        "c not 0, -1, -2, ...",
        rational_hints=True,
    ),
)
