r"""Constants: the named ones, checked user expressions, and their certified values.

A constant is either a name from :data:`NAMED_CONSTANTS` (``"e"``, ``"pi"``, ``"zeta3"``, ...;
one entry each in :data:`esma.names.NAMES`) or an expression a user types (``"exp(2)"``,
``"besseli(1, 2)/besseli(0, 2)"``), parsed by esma's safe parser (:mod:`esma.expr`).
:func:`get_constant` accepts it only when it is a real irrational number of reasonable size;
a :class:`Constant` then gives rigorous bounds to any accuracy (:mod:`esma.evaluation`). The
LaTeX of a constant and of a left-hand side with the constant written in is here too. flint and
mpmath are imported lazily (``import esma.constants`` needs only ``ast``).

>>> c = get_constant("exp( 2 )")
>>> c.text
'exp(2)'
>>> lo, hi, shift = NAMED_CONSTANTS["e"].bounds(30)
>>> lo / 2**shift < 2.718281828459045 < hi / 2**shift
True
>>> lhs_latex("(x + 1)/(x - 1)", "exp(2)")
'\\frac{e^{2} + 1}{e^{2} - 1}'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from esma.errors import InvalidParameter, PrecisionExhausted
from esma.evaluation import MAX_BITS, check_bits, evaluate, exact_value, mantissa_exponent
from esma.expr import (
    MAX_TEXT_LENGTH,
    Expr,
    expr_latex,
    format_expression,
    fraction_text,
    invalid_expression,
    latex_piece,
    parse_expression,
    shorten,
)
from esma.names import NAMES
from esma.precision import CHECK_BITS, working_precision

if TYPE_CHECKING:  # pragma: no cover - typing only; flint and mpmath are imported lazily
    import flint
    import mpmath

__all__ = [
    "MAGNITUDE_BITS",
    "NAMED_CONSTANTS",
    "Constant",
    "ball_bounds",
    "checked_constant",
    "constant_latex",
    "get_constant",
    "lhs_latex",
]

# A constant's magnitude must lie in [2**-MAGNITUDE_BITS, 2**MAGNITUDE_BITS].
MAGNITUDE_BITS = 64
# Rationality test: 2000 bits leave room to see a partial quotient above 2**200 after any
# convergent with denominator up to 2**800, while an irrational value shows one with
# probability about 2**-190.
_RATIONAL_TEST_BITS = 2000
_HUGE_QUOTIENT = 1 << 200
_RATIONAL_TEST_MAX_DENOMINATOR = 1 << 800


def ball_bounds(ball: flint.arb, bits: int) -> tuple[int, int, int]:
    """Rigorous dyadic bounds ``(lo, hi, shift)`` of an arb ball, with ``shift = bits + 4``.

    The ball [m - r, m + r] is rounded outward to multiples of 2**-shift, so
    ``lo/2**shift <= every point of the ball <= hi/2**shift``.

    >>> from flint import arb
    >>> ball_bounds(arb(3) / 4, 8)
    (3072, 3072, 12)
    """
    shift = bits + 4
    mid_man, mid_exp = mantissa_exponent(ball.mid())
    rad_man, rad_exp = mantissa_exponent(ball.rad())
    low = min(mid_exp, rad_exp) if rad_man else mid_exp
    centre = mid_man << (mid_exp - low)
    radius = rad_man << (rad_exp - low) if rad_man else 0
    scale = low + shift
    lo_num, hi_num = centre - radius, centre + radius
    if scale >= 0:
        return lo_num << scale, hi_num << scale, shift
    return lo_num >> -scale, -((-hi_num) >> -scale), shift


@dataclass(frozen=True)
class Constant:
    """A real irrational constant: canonical text, parsed expression and a description.

    >>> pi = NAMED_CONSTANTS["pi"]
    >>> lo, hi, shift = pi.bounds(30)
    >>> lo <= 3.14159265358979 * 2**shift <= hi
    True
    >>> import mpmath
    >>> mpmath.nstr(pi.mpf(20), 20)
    '3.1415926535897932385'
    """

    text: str
    expr: Expr
    description: str = ""

    def arb(self, bits: int) -> flint.arb:
        """A ball around the value with relative radius below ``2**-bits`` (cached per bits).

        >>> phi = NAMED_CONSTANTS["phi"]
        >>> phi.arb(20).contains(phi.arb(200)), phi.arb(20).rel_accuracy_bits() >= 20
        (True, True)
        """
        return _cached_arb(self.expr, check_bits(bits, "bits"))

    def bounds(self, bits: int) -> tuple[int, int, int]:
        """Integers ``(lo, hi, shift)`` with ``lo/2**shift <= value <= hi/2**shift``, rigorously.

        The width ``(hi - lo)/2**shift`` is below ``2**-bits * max(1, |value|)``.

        >>> lo, hi, shift = NAMED_CONSTANTS["log2"].bounds(40)
        >>> shift, hi - lo < 2**(shift - 40)
        (44, True)
        """
        bits = check_bits(bits, "bits")
        return ball_bounds(self.arb(bits + 2), bits)

    def mpf(self, dps: int) -> mpmath.mpf:
        """The midpoint as an ``mpmath.mpf`` with ``dps`` correct-ish decimal digits.

        >>> float(NAMED_CONSTANTS["e"].mpf(30))
        2.718281828459045
        """
        import mpmath
        from mpmath.libmp import dps_to_prec

        if isinstance(dps, bool) or not isinstance(dps, int) or not 1 <= dps <= MAX_BITS // 4:
            raise InvalidParameter(f"dps must be an integer from 1 to {MAX_BITS // 4}, got {dps!r}")
        bits = int(dps * 3.3219280948873626) + 16
        man, exp = mantissa_exponent(self.arb(bits).mid())
        # mpf rounds to mpmath's working precision: the bits of dps decimal digits.
        with working_precision(dps_to_prec(dps), mpmath=True):
            return mpmath.mpf((man, exp)) if man else mpmath.mpf(0)


@functools.lru_cache(maxsize=256)
def _cached_arb(expr: Expr, bits: int) -> flint.arb:
    return evaluate(expr, bits)


def _build_named_constants() -> dict[str, Constant]:
    named = {}
    for name, entry in NAMES.items():
        expr = Expr("name", (name,)) if entry.text == name else parse_expression(entry.text)
        named[name] = Constant(text=name, expr=expr, description=entry.description)
    return named


NAMED_CONSTANTS: dict[str, Constant] = _build_named_constants()


def get_constant(text: str) -> Constant:
    """The constant named or described by ``text``, checked to be a real irrational number.

    Parameters
    ----------
    text
        A name from :data:`NAMED_CONSTANTS` (case-sensitive, surrounding spaces ignored) or an
        expression without variables, like ``"exp(2)"`` or ``"besseli(1, 2)/besseli(0, 2)"``.

    Returns
    -------
    Constant
        Named constants are returned as they are; an expression gets its normalized rendering
        (:func:`format_expression`) as ``text``, so spacing does not matter.

    Raises
    ------
    InvalidExpression
        For text outside the expression language, unknown names, values that are zero, not
        real, undefined, outside ``2**-64 <= |value| <= 2**64``, or rational. Rationality is
        decided exactly where the expression folds to a rational with exact rules (``sqrt(4)``,
        ``exp(0)``); otherwise the value is computed to 2000 bits and rejected when its regular
        continued fraction shows a partial quotient above ``2**200`` (or ends) before the
        convergents' denominators pass ``2**800``.

    Examples
    --------
    >>> get_constant(" pi ").text
    'pi'
    >>> get_constant("besseli(1,2) / besseli(0,2)").text
    'besseli(1, 2)/besseli(0, 2)'
    >>> get_constant("sqrt(8)/sqrt(2)")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    esma.errors.InvalidExpression: value appears to be rational (~2); ...
    """
    if not isinstance(text, str):
        raise invalid_expression(
            f"constant must be a string like 'pi' or 'exp(2)', got {type(text).__name__}"
        )
    return _get_constant(text.strip(" \t\r\n") if len(text) <= MAX_TEXT_LENGTH else text)


@functools.lru_cache(maxsize=256)
def _get_constant(text: str) -> Constant:
    if text in NAMED_CONSTANTS:
        return NAMED_CONSTANTS[text]
    expr = parse_expression(text)
    if expr.op == "name":
        return NAMED_CONSTANTS[expr.args[0]]
    return checked_constant(expr)


def checked_constant(
    expr: Expr, *, text: str | None = None, description: str = "user expression"
) -> Constant:
    """A Constant for a variable-free ``expr``, after the checks :func:`get_constant` makes.

    Used for user expressions and for left-hand sides with the constant written in for x.

    >>> checked_constant(parse_expression("exp(1/2)")).text
    'exp(1/2)'
    """
    exact = exact_value(expr)
    if exact is not None:
        raise invalid_expression(
            f"value is rational ({shorten(fraction_text(exact), 40)}); "
            "esma searches irrational constants"
        )
    # Messages show the text the user knows (a left-hand side with the constant's name written
    # in, e.g. 'e - e'), not the expanded tree ('exp(1) - exp(1)').
    shown = shorten(text) if text is not None else shorten(format_expression(expr))
    try:
        rough = evaluate(expr, 64)
    except PrecisionExhausted:
        raise invalid_expression(
            f"value of '{shown}' is zero or indistinguishable from "
            "zero; esma searches nonzero irrational constants"
        ) from None
    _check_magnitude(rough, shown)
    try:
        precise = evaluate(expr, _RATIONAL_TEST_BITS)
    except PrecisionExhausted:
        raise invalid_expression(
            f"value of '{shown}' cannot be computed to {_RATIONAL_TEST_BITS} bits within "
            "the precision cap; simplify the expression"
        ) from None
    _check_irrational(precise)
    return Constant(text=text or format_expression(expr), expr=expr, description=description)


def _check_magnitude(ball: flint.arb, shown: str) -> None:
    from flint import arb

    if ball.is_zero():
        raise invalid_expression("value is rational (0); esma searches irrational constants")
    with working_precision(CHECK_BITS):  # the bounds of the ball are rounded outward
        lower, upper = ball.abs_lower(), ball.abs_upper()
        too_large = lower > arb(2) ** MAGNITUDE_BITS
        too_small = upper < arb(2) ** -MAGNITUDE_BITS
    if too_large:
        raise invalid_expression(
            f"value of '{shown}' is too large: |value| must be at most 2**{MAGNITUDE_BITS}"
        )
    if too_small:
        raise invalid_expression(
            f"value of '{shown}' is too small: |value| must be at least 2**-{MAGNITUDE_BITS}"
        )


def _check_irrational(ball: flint.arb) -> None:
    if ball.rad().is_zero():
        man, exp = mantissa_exponent(ball.mid())
        value = Fraction(man) * Fraction(2) ** exp
        raise invalid_expression(
            f"value is rational ({shorten(fraction_text(value), 40)}); esma searches irrational "
            "constants"
        )
    witness = _rational_witness(ball)
    if witness is not None:
        shown = fraction_text(witness)
        if len(shown) > 40:
            shown = f"a fraction with a {len(str(witness.denominator))}-digit denominator"
        raise invalid_expression(
            f"value appears to be rational (~{shown}); esma searches irrational constants"
        )


def _rational_witness(ball: flint.arb) -> Fraction | None:
    """A small-denominator rational the ball's midpoint is suspiciously close to, or None."""
    man, exp = mantissa_exponent(ball.mid())
    num, den = (man << exp, 1) if exp >= 0 else (man, 1 << -exp)
    p_prev, q_prev, p, q = 0, 1, 1, 0
    first = True
    while True:
        quotient, remainder = divmod(num, den)
        if not first and quotient > _HUGE_QUOTIENT:
            return Fraction(p, q)
        first = False
        p_prev, q_prev, p, q = p, q, quotient * p + p_prev, quotient * q + q_prev
        if remainder == 0:
            return Fraction(p, q)
        if q > _RATIONAL_TEST_MAX_DENOMINATOR:
            return None
        num, den = den, remainder


# --------------------------------------------------------------------------------------------
# LaTeX


def _constant_piece(constant: str) -> tuple[str, str]:
    if constant in NAMES:
        return NAMES[constant].latex, NAMES[constant].kind
    return latex_piece(parse_expression(constant))


def constant_latex(constant: str) -> str:
    r"""LaTeX of a constant given by name or expression.

    >>> constant_latex("e13"), constant_latex("exp(2)"), constant_latex("besseli(1, 2)/besseli(0, 2)")
    ('e^{1/3}', 'e^{2}', '\\frac{I_{1}(2)}{I_{0}(2)}')

    Raises
    ------
    InvalidExpression
        ``constant`` is not in esma's expression language.
    """
    return _constant_piece(constant)[0]


@functools.lru_cache(maxsize=4096)  # a search renders each left-hand side once per sign period
def lhs_latex(lhs: str, constant: str) -> str:
    r"""LaTeX of a left-hand side in ``x`` with the constant written in.

    >>> lhs_latex("x/(2*x + 2)", "e"), lhs_latex("x**2 - 1", "tan1")
    ('\\frac{e}{2 e + 2}', '\\left(\\tan 1\\right)^{2} - 1')

    Raises
    ------
    InvalidExpression
        ``lhs`` or ``constant`` is not in esma's expression language.
    """
    tree = parse_expression(lhs, variables=("x",))
    return expr_latex(tree, {"x": _constant_piece(constant)})
