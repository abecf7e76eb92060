"""Certified evaluation of an expression to a python-flint ``arb`` ball, and its exact value.

:func:`evaluate` computes an :class:`~esma.expr.Expr` with ball arithmetic, so every digit esma
uses carries a rigorous error bound; it raises the working precision until the ball is as narrow
as asked, and refuses poles and values that are not real with a one-line message (each
function's checks are in its entry of :data:`esma.functions.FUNCTIONS`). :func:`exact_value`
decides, with exact rational rules only, when an expression is a known rational number
(``sqrt(4)``, ``exp(0)``, ``gamma(5)``). flint is imported lazily, and every precision is set
through :func:`esma.precision.working_precision`, so evaluation is safe in threads.

>>> from esma.expr import parse_expression
>>> evaluate(parse_expression("3*sqrt(2)**2 + 1"), 20).contains(7)
True
>>> exact_value(parse_expression("gamma(5)/sqrt(9/4)"))
Fraction(16, 1)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from esma.errors import EsmaError, InvalidExpression, InvalidParameter, PrecisionExhausted
from esma.expr import (
    BINARY_OPS,
    ExactTooLarge,
    Expr,
    fold,
    format_expression,
    parse_expression,
    shorten,
)
from esma.functions import FUNCTIONS, Function, Refusal, cap_text
from esma.names import NAMES
from esma.precision import CHECK_BITS, GUARD_BITS, precision_cap, working_precision

if TYPE_CHECKING:  # pragma: no cover - typing only; flint is imported lazily
    import flint

__all__ = [
    "MAX_BITS",
    "check_bits",
    "evaluate",
    "evaluate_once",
    "exact_value",
    "mantissa_exponent",
]

#: The most bits of accuracy one may ask of a value (a cap on the work a request can cause).
MAX_BITS = 1 << 22


class _Ambiguous(Exception):
    """Raised inside one evaluation pass when a ball is too wide to decide; retried wider."""

    def __init__(self, message: str, undefined: bool) -> None:
        super().__init__(message)
        self.message = message
        self.undefined = undefined


def evaluate(expr: Expr, bits: int, env: Mapping[str, flint.arb] | None = None) -> flint.arb:
    """Evaluate an expression to a rigorous ``arb`` ball with relative radius below ``2**-bits``.

    The working precision starts a little above ``bits`` and doubles until the ball is narrow
    enough, up to ``4*bits + 4096`` bits. An exact ball (radius 0, e.g. ``sin(0)``) is returned
    as it is.

    Parameters
    ----------
    expr
        A parsed expression.
    bits
        Wanted relative accuracy, 1 to 2**22.
    env
        Values of the variables in ``expr`` (``arb``, ``int`` or ``Fraction``); constant names
        always mean the constants.

    Raises
    ------
    PrecisionExhausted
        If the cap is reached first, e.g. when the value is exactly zero (``exp(1) - exp(1)``).
    InvalidExpression
        For a value that is not real or undefined (``log(-1)``, ``gamma(0)``), or a division
        whose denominator is zero or indistinguishable from zero at the cap.

    Examples
    --------
    >>> x = evaluate(parse_expression("pi**2/6"), 100)
    >>> x.overlaps(evaluate(parse_expression("zeta(2)"), 100))
    True
    >>> evaluate(parse_expression("2*x", variables=("x",)), 10, {"x": 3})
    6.00000000000000
    """
    bits = check_bits(bits, "bits")
    if not isinstance(expr, Expr):
        raise InvalidParameter(
            f"expr must be an Expr from parse_expression, got {type(expr).__name__}"
        )
    values = _check_env(env)
    prec = bits + GUARD_BITS
    cap = precision_cap(bits)
    while True:
        evaluator = _Evaluator(values)
        try:
            with working_precision(prec):
                ball = evaluator.ball(expr)
        except _Ambiguous as ambiguous:
            if prec >= cap:
                cap = _widened_cap(cap, bits, evaluator)
            if prec >= cap:
                if ambiguous.undefined:
                    raise InvalidExpression(ambiguous.message) from None
                raise PrecisionExhausted(
                    f"{ambiguous.message} at {prec} bits; the value may be exactly zero"
                ) from None
        except EsmaError:
            raise
        except _REFUSED as error:
            raise _refused_by_library(expr, error) from None
        else:
            with working_precision(CHECK_BITS):
                accurate = _accurate(ball, bits)
            if accurate:
                return ball
            if prec >= cap:
                cap = _widened_cap(cap, bits, evaluator)
            if prec >= cap:
                raise PrecisionExhausted(
                    f"'{_text(expr)}' is zero or too close to zero to "
                    f"certify {bits} bits at {prec} bits of working precision"
                )
        prec = min(2 * prec, cap)


def _widened_cap(cap: int, bits: int, evaluator: _Evaluator) -> int:
    """The precision cap, raised by the size (in bits) of the largest terms added or subtracted.

    A sum whose terms cancel (``exp(100000) - exp(100000) + pi`` is π) needs as many more bits
    as its terms have before the result: exp(100000) is about 2^144,270, so certifying even 64
    bits of the difference takes ~144,000 bits of working precision, far past the usual cap.
    """
    return max(cap, min(precision_cap(bits) + evaluator.summand_bits, MAX_BITS))


def evaluate_once(expr: Expr, prec: int, env: Mapping[str, flint.arb] | None = None) -> flint.arb:
    """One evaluation at working precision ``prec``, however wide the ball comes out.

    For variables known only to lie in a ball (a number given by its digits): the result holds
    the value of ``expr`` at every point of that ball, with no promise of accuracy, where
    :func:`evaluate` would raise the precision until the ball is narrow.

    Raises
    ------
    InvalidExpression
        When the value is undefined or not real somewhere in the ball, or the ball is too wide
        to tell (a pole, a zero denominator or a branch point inside it).

    Examples
    --------
    >>> from flint import arb
    >>> y = evaluate_once(parse_expression("1/x", variables=("x",)), 64, {"x": arb(2, 0.01)})
    >>> bool(y.contains(arb(1) / 2)), bool(y.rad() > 0.001)
    (True, True)
    """
    prec = check_bits(prec, "prec")
    if not isinstance(expr, Expr):
        raise InvalidParameter(
            f"expr must be an Expr from parse_expression, got {type(expr).__name__}"
        )
    values = _check_env(env)
    try:
        with working_precision(prec):
            ball = _Evaluator(values).ball(expr)
    except _Ambiguous as ambiguous:
        raise InvalidExpression(
            f"{ambiguous.message} somewhere in the interval of the given number"
        ) from None
    except EsmaError:
        raise
    except _REFUSED as error:
        raise _refused_by_library(expr, error) from None
    if not ball.is_finite():
        raise InvalidExpression(
            f"'{_text(expr)}' is unbounded somewhere in the interval of the given number"
        )
    return ball


# Python or flint refusing an operation; reported as a bad expression, never as a stray exception.
_REFUSED = (ArithmeticError, ValueError, RecursionError, MemoryError)


def _refused_by_library(expr: Expr, error: Exception) -> InvalidExpression:
    return InvalidExpression(f"cannot evaluate '{_text(expr)}': {type(error).__name__}")


def _exponent(ball: flint.arb) -> int:
    """About log2 |ball| (of its midpoint), 0 for a ball around 0."""
    man, exp = mantissa_exponent(ball.mid())
    return max(exp + man.bit_length(), 0) if man else 0


def check_bits(bits: object, label: str) -> int:
    """``bits`` if it is an accuracy one may ask for (1 to :data:`MAX_BITS`), else
    InvalidParameter naming ``label``.

    >>> check_bits(64, "bits")
    64
    """
    if isinstance(bits, bool) or not isinstance(bits, int) or not 1 <= bits <= MAX_BITS:
        raise InvalidParameter(f"{label} must be an integer from 1 to {MAX_BITS}, got {bits!r}")
    return bits


def _check_env(env: Mapping[str, Any] | None) -> dict[str, Any]:
    from flint import arb, fmpq, fmpz

    if env is None:
        return {}
    if not isinstance(env, Mapping):
        raise InvalidParameter("env must be a mapping from variable names to flint.arb values")
    values = {}
    for name, value in env.items():
        if isinstance(value, bool) or not isinstance(value, (arb, int, Fraction, fmpz, fmpq)):
            raise InvalidParameter(
                f"env[{name!r}] must be a flint.arb, int or Fraction, got {type(value).__name__}"
            )
        if isinstance(value, Fraction):
            value = fmpq(value.numerator, value.denominator)
        values[name] = value
    return values


def mantissa_exponent(x: flint.arb) -> tuple[int, int]:
    """``(m, e)`` with ``x == m * 2**e`` for an exact ball (a midpoint or a radius), as ints.

    >>> from flint import arb
    >>> mantissa_exponent(arb(12))
    (3, 2)
    """
    mantissa, exponent = x.man_exp()
    return int(mantissa), int(exponent)


def _scaled_less(small: flint.arb, big: flint.arb, shift: int) -> bool:
    """Exactly decide ``small * 2**shift < big`` for exact, nonnegative arb numbers."""
    ms, es = mantissa_exponent(small)
    mb, eb = mantissa_exponent(big)
    if ms == 0 or mb == 0:
        return ms == 0 and mb > 0
    es += shift
    # Compare binary orders of magnitude first: exponents may differ by far more than any
    # integer could be shifted (tanh of a huge argument has a radius near 2**-(2**2000)).
    top_small, top_big = es + ms.bit_length(), eb + mb.bit_length()
    if top_small < top_big - 1:
        return True
    if top_small > top_big + 1:
        return False
    low = min(es, eb)
    return (ms << (es - low)) < (mb << (eb - low))


def _accurate(ball: flint.arb, bits: int) -> bool:
    if not ball.is_finite():
        return False
    radius = ball.rad()
    if radius.is_zero():
        return True
    return _scaled_less(radius, ball.abs_lower(), bits)


class _Evaluator:
    """One evaluation pass at a fixed working precision (set by the caller's working_precision)."""

    def __init__(self, env: Mapping[str, Any]) -> None:
        self.env = env
        # Binary exponent of the largest term of a sum or difference met (see _widened_cap).
        self.summand_bits = 0

    def ball(self, expr: Expr) -> flint.arb:
        from flint import arb, fmpq

        op, args = expr.op, expr.args
        if op == "num":
            value = Fraction(args[0])
            return arb(fmpq(value.numerator, value.denominator))
        if op == "name":
            return self._name(args[0])
        if op == "neg":
            return -self.ball(args[0])
        if op == "call":
            return self._call(expr, [self.ball(a) for a in args[1:]])
        left = self.ball(args[0])
        if op == "**":
            return self._power(expr, left, Fraction(args[1].args[0]))
        right = self.ball(args[1])
        if op in ("+", "-"):
            self.summand_bits = max(self.summand_bits, _exponent(left), _exponent(right))
            return left + right if op == "+" else left - right
        if op == "*":
            return left * right
        self._nonzero(right, expr, "the denominator")
        return left / right

    def _name(self, name: str) -> flint.arb:
        from flint import arb

        named = NAMES.get(name)
        if named is not None:
            if named.primitive is not None:
                return named.primitive(arb)
            return self.ball(_definition(name))
        if name not in self.env:
            raise InvalidParameter(
                f"env has no value for the variable '{name}'; pass env={{'{name}': value}}"
            )
        return arb(self.env[name])

    @staticmethod
    def _nonzero(x: flint.arb, expr: Expr, what: str) -> None:
        if x.is_finite() and not x.contains(0):
            return
        message = f"division by zero: {what} of '{_text(expr)}' is zero"
        if x.is_exact() and x.is_zero():
            raise InvalidExpression(message)
        raise _Ambiguous(message + " or indistinguishable from zero", undefined=True)

    def _power(self, expr: Expr, base: flint.arb, exponent: Fraction) -> flint.arb:
        from flint import arb

        p, q = exponent.numerator, exponent.denominator
        if q == 1:
            if p < 0:
                self._nonzero(base, expr, "the base")
            if base.contains(0):
                # arb's pow returns nan for a ball around 0; repeated squaring still encloses.
                result, square, n = arb(1), base, p
                while n:
                    if n & 1:
                        result *= square
                    square, n = square * square, n >> 1
                return result
            return base**p
        if base.is_finite() and base > 0:
            return base.root(q) ** p
        if base.is_finite() and base < 0:
            raise InvalidExpression(
                f"negative base with a fractional exponent is not real: '{_text(expr)}'"
            )
        if base.is_exact() and base.is_zero():
            if p < 0:
                raise InvalidExpression(f"division by zero: the base of '{_text(expr)}' is zero")
            return base
        raise _Ambiguous(f"cannot decide the sign of the base of '{_text(expr)}'", undefined=p < 0)

    def _call(self, expr: Expr, values: list) -> flint.arb:
        name = expr.args[0]
        function = FUNCTIONS[name]
        for value, cap, label in zip(values, function.caps, function.labels, strict=True):
            if not value.is_finite():
                raise _Ambiguous(
                    f"the argument of '{_text(expr)}' could not be computed", undefined=False
                )
            if cap is not None:
                self._check_cap(value, cap, function, label)
        refusal = function.domain(*values)
        if refusal is not None:
            raise _refused(refusal, expr)
        if function.rational_hints:
            rationals = tuple(exact_value(a) for a in expr.args[1:])
            result = function.evaluate(*values, rationals=rationals)
        else:
            result = function.evaluate(*values)
        if not result.is_finite():
            raise _refused(function.singular, expr)
        return result

    @staticmethod
    def _check_cap(value: flint.arb, cap: int, function: Function, label: str) -> None:
        from flint import arb

        bound = arb(cap)
        if value.abs_lower() > bound:
            raise InvalidExpression(_cap_message(function, label, cap))
        if not value.abs_upper() <= bound:
            raise _Ambiguous(_cap_message(function, label, cap), undefined=True)


def _refused(refusal: Refusal, expr: Expr) -> Exception:
    """The exception for a function's refusal at ``expr``: final, or retried with more bits."""
    message = refusal.message.replace("{expr}", _text(expr))
    if refusal.certain:
        return InvalidExpression(message)
    return _Ambiguous(message, undefined=refusal.undefined)


@functools.cache
def _definition(name: str) -> Expr:
    """The parsed definition of a named constant that is not a primitive."""
    return parse_expression(NAMES[name].text)


def _text(expr: Expr) -> str:
    """Short rendering of an expression for an error message (built only when raising)."""
    return shorten(format_expression(expr))


def _cap_message(function: Function, label: str, cap: int) -> str:
    return (
        f"{function.name} {function.role(label)} too large: |{label}| must be at most "
        f"{cap_text(cap)}"
    )


# --------------------------------------------------------------------------------------------
# Exact values (rationality decided soundly where no transcendental part is involved)


def exact_value(expr: Expr) -> Fraction | None:
    """The exact rational value, or None when it is not known to be rational by exact rules.

    The rules are exact arithmetic (within :data:`esma.expr.MAX_EXACT_BITS`), rational powers
    of perfect powers, and each function's exact values (:attr:`esma.functions.Function.exact`);
    a named constant is never rational here.

    >>> from esma.expr import parse_expression
    >>> exact_value(parse_expression("8**(2/3) + exp(0)")), exact_value(parse_expression("e - e"))
    (Fraction(5, 1), None)
    """
    op, args = expr.op, expr.args
    if op == "num":
        return Fraction(args[0])
    if op == "name":
        return None
    if op == "neg":
        inner = exact_value(args[0])
        return None if inner is None else -inner
    if op in BINARY_OPS:
        left = exact_value(args[0])
        if left is None:
            return None
        exponent = Fraction(args[1].args[0]) if op == "**" else None
        if exponent is not None and exponent.denominator != 1:
            return _exact_root(left, exponent)
        right = exponent if exponent is not None else exact_value(args[1])
        if right is None:
            return None
        try:
            return fold(op, left, right)
        except ExactTooLarge:
            return None
    values = [exact_value(a) for a in args[1:]]
    if any(v is None for v in values):
        return None
    rule = FUNCTIONS[args[0]].exact
    return None if rule is None else rule(*values)


def _exact_root(value: Fraction, exponent: Fraction) -> Fraction | None:
    """``value**exponent`` when it is rational (a perfect power), else None."""
    if value < 0:
        return None
    q = exponent.denominator
    num, den = _integer_root(value.numerator, q), _integer_root(value.denominator, q)
    if num is None or den is None:
        return None
    try:
        return fold("**", Fraction(num, den), Fraction(exponent.numerator))
    except ExactTooLarge:
        return None


def _integer_root(n: int, q: int) -> int | None:
    """The exact q-th root of n >= 0, or None if n is not a perfect q-th power."""
    if n < 2:
        return n
    if q == 2:
        root = math.isqrt(n)
    else:
        # Newton's method on integers, started above the root.
        root = 1 << -(-n.bit_length() // q)
        while True:
            better = ((q - 1) * root + n // root ** (q - 1)) // q
            if better >= root:
                break
            root = better
    return root if root**q == n else None
