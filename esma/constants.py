"""Named constants, a safe expression parser, and certified evaluation.

A constant is either a name from :data:`NAMED_CONSTANTS` (``"e"``, ``"pi"``, ``"zeta3"``, ...) or
an expression a user types (``"exp(2)"``, ``"besseli(1, 2)/besseli(0, 2)"``). User text never
reaches ``eval``, ``sympify`` or ``parse_expr``: it is parsed with ``ast.parse(mode="eval")`` and
every node is checked against a whitelist of node types, names, functions and arities, with caps on
size so that nothing typed can hang or exhaust memory.

Values are computed with python-flint ``arb`` balls, so every digit esma uses carries a rigorous
error bound; flint and mpmath are imported lazily (``import esma.constants`` needs only ``ast``).

>>> c = get_constant("exp( 2 )")
>>> c.text
'exp(2)'
>>> lo, hi, shift = NAMED_CONSTANTS["e"].bounds(30)
>>> lo / 2**shift < 2.718281828459045 < hi / 2**shift
True

Notes
-----
Caps, and why:

* text at most 1000 characters, nesting at most 100 levels (brackets are counted *before*
  ``ast.parse``, whose C parser can overflow the stack on deep input);
* integer literals at most ``10**30`` and decimal literals with exponents at most 100 (a
  coefficient a person types is far smaller; the cap keeps exact folding of ``a**b`` cheap);
* exponents are exact integers or fractions ``p/q`` with ``|p/q| <= 1000`` and ``q <= 1000``
  (``x**y`` with a transcendental ``y`` is written ``exp(y*log(x))``); exact intermediate
  rationals are limited to 10000 bits (this is what stops ``9**9**9**9``);
* function arguments are bounded when evaluated (``|z| <= 10**6`` for gamma, zeta, sin, cos and
  tan, ``10**5`` for exp, sinh and cosh, ``10**4`` for Bessel arguments and ``1000`` for Bessel
  orders), so arb never needs a huge working precision;
* a constant must satisfy ``2**-64 <= |value| <= 2**64`` and be irrational.

``'^'`` is accepted as a synonym for ``'**'`` (it is replaced before parsing, so it has the
precedence of ``**``, not of Python's bitwise xor).
"""

from __future__ import annotations

import ast
import functools
import keyword
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from esma.errors import EsmaError, InvalidExpression, InvalidParameter, PrecisionExhausted

if TYPE_CHECKING:  # pragma: no cover - typing only; flint and mpmath are imported lazily
    import flint
    import mpmath

__all__ = [
    "FUNCTIONS",
    "NAMED_CONSTANTS",
    "Constant",
    "Expr",
    "evaluate",
    "evaluate_once",
    "format_expression",
    "get_constant",
    "parse_expression",
]

MAX_TEXT_LENGTH = 1000
MAX_DEPTH = 100
MAX_INT_LITERAL = 10**30
MAX_DECIMAL_EXPONENT = 100
MAX_EXPONENT = 1000
MAX_EXPONENT_DENOMINATOR = 1000
MAX_EXACT_BITS = 10_000
MAX_BITS = 1 << 22
# A constant's magnitude must lie in [2**-MAGNITUDE_BITS, 2**MAGNITUDE_BITS].
MAGNITUDE_BITS = 64
# Rationality test: 2000 bits leave room to see a partial quotient above 2**200 after any
# convergent with denominator up to 2**800, while an irrational value shows one with
# probability about 2**-190.
_RATIONAL_TEST_BITS = 2000
_HUGE_QUOTIENT = 1 << 200
_RATIONAL_TEST_MAX_DENOMINATOR = 1 << 800
# Tree depth allowed for hand-built Expr objects (the parser allows MAX_DEPTH); bounds recursion.
_MAX_TREE_DEPTH = 4 * MAX_DEPTH

# name -> (arity, signature shown in messages, cap on |argument| per position or None)
FUNCTIONS: dict[str, tuple[int, str, tuple[int | None, ...]]] = {
    "exp": (1, "exp(z)", (10**5,)),
    "log": (1, "log(z)", (None,)),
    "sqrt": (1, "sqrt(z)", (None,)),
    "sin": (1, "sin(z)", (10**6,)),
    "cos": (1, "cos(z)", (10**6,)),
    "tan": (1, "tan(z)", (10**6,)),
    "atan": (1, "atan(z)", (None,)),
    "sinh": (1, "sinh(z)", (10**5,)),
    "cosh": (1, "cosh(z)", (10**5,)),
    "tanh": (1, "tanh(z)", (None,)),
    "gamma": (1, "gamma(z)", (10**6,)),
    "zeta": (1, "zeta(z)", (10**6,)),
    "besseli": (2, "besseli(nu, z)", (1000, 10**4)),
    "besselj": (2, "besselj(nu, z)", (1000, 10**4)),
}

# Names evaluated directly by an arb method; every other named constant is defined by an expression.
_PRIMITIVE_METHODS = {
    "pi": "pi",
    "e": "const_e",
    "catalan": "const_catalan",
    "euler_gamma": "const_euler",
}

_NAMED_SPECS: tuple[tuple[str, str, str], ...] = (
    ("e", "exp(1)", "Euler's number e = exp(1)"),
    ("pi", "pi", "pi, the ratio of a circle's circumference to its diameter"),
    ("phi", "(1 + sqrt(5))/2", "the golden ratio (1 + sqrt(5))/2"),
    ("sqrt2", "sqrt(2)", "Pythagoras' constant sqrt(2)"),
    ("catalan", "catalan", "Catalan's constant G = sum (-1)**k/(2k + 1)**2"),
    ("zeta3", "zeta(3)", "Apery's constant zeta(3)"),
    ("log2", "log(2)", "the natural logarithm of 2"),
    ("euler_gamma", "euler_gamma", "the Euler-Mascheroni constant gamma"),
    ("tan1", "tan(1)", "tan(1) = [1; 1, 1, 3, 1, 5, ...]"),
    ("besselratio", "besseli(1, 2)/besseli(0, 2)", "I_1(2)/I_0(2) = [0; 1, 2, 3, 4, ...]"),
    ("e2", "exp(2)", "e**2 = exp(2)"),
    ("sqrte", "sqrt(e)", "sqrt(e) = exp(1/2)"),
    ("e13", "exp(1/3)", "exp(1/3)"),
)
_CONSTANT_NAMES = frozenset(name for name, _, _ in _NAMED_SPECS)

_BINARY_OPS = ("+", "-", "*", "/", "**")
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}
_ATOM = 5


# --------------------------------------------------------------------------------------------
# Expression trees


@dataclass(frozen=True)
class Expr:
    """One node of a parsed expression; hashable and immutable.

    ``op`` is one of ``"num"`` (``args == (value,)``, an ``int`` or ``Fraction``), ``"name"``
    (``args == (name,)``), ``"+" "-" "*" "/" "**"`` (``args == (left, right)``), ``"neg"``
    (``args == (operand,)``) or ``"call"`` (``args == (function_name, *arguments)``).
    Construction validates the node (an exponent must be an exact, bounded rational), so any
    ``Expr`` can be evaluated safely.

    >>> Expr("+", (Expr("num", (1,)), Expr("name", ("pi",))))
    Expr(op='+', args=(Expr(op='num', args=(1,)), Expr(op='name', args=('pi',))))
    >>> Expr("num", (Fraction(4, 2),)).args
    (2,)
    """

    op: str
    args: tuple
    depth: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        op, args = self.op, self.args
        if not isinstance(args, tuple):
            raise InvalidExpression(f"Expr args must be a tuple, got {type(args).__name__}")
        depth = 1
        if op == "num":
            if (
                len(args) != 1
                or isinstance(args[0], bool)
                or not isinstance(args[0], (int, Fraction))
            ):
                raise InvalidExpression("Expr('num', ...) takes one int or Fraction")
            value = args[0]
            if isinstance(value, Fraction) and value.denominator == 1:
                object.__setattr__(self, "args", (int(value),))
        elif op == "name":
            if len(args) != 1 or not isinstance(args[0], str) or not args[0].isidentifier():
                raise InvalidExpression("Expr('name', ...) takes one identifier string")
        elif op in _BINARY_OPS or op == "neg" or op == "call":
            if op == "call":
                if not args or not isinstance(args[0], str) or args[0] not in FUNCTIONS:
                    raise InvalidExpression(
                        "unknown function in Expr('call', ...); allowed functions: "
                        + _function_list()
                    )
                operands = args[1:]
                if len(operands) != FUNCTIONS[args[0]][0]:
                    raise InvalidExpression(_arity_message(args[0], len(operands)))
            else:
                operands = args
                if len(operands) != (1 if op == "neg" else 2):
                    raise InvalidExpression(f"Expr({op!r}, ...) has the wrong number of operands")
            if not all(isinstance(a, Expr) for a in operands):
                raise InvalidExpression(f"Expr({op!r}, ...) operands must be Expr nodes")
            if op == "**":
                _check_exponent(operands[1])
            depth = 1 + max(a.depth for a in operands)
            if depth > _MAX_TREE_DEPTH:
                raise InvalidExpression(
                    f"expression too deeply nested (more than {_MAX_TREE_DEPTH} levels)"
                )
        else:
            raise InvalidExpression(f"unknown Expr op {op!r}; use num, name, + - * / **, neg, call")
        object.__setattr__(self, "depth", depth)

    def __str__(self) -> str:
        return format_expression(self)


def _num(value: int | Fraction) -> Expr:
    return Expr("num", (value,))


def _check_exponent(exponent: Expr) -> None:
    if exponent.op != "num":
        raise InvalidExpression(
            f"exponent must be an integer or a simple fraction like 1/2, got "
            f"'{_short(format_expression(exponent))}'; write exp(y*log(x)) for x**y"
        )
    value = Fraction(exponent.args[0])
    if abs(value) > MAX_EXPONENT:
        raise InvalidExpression(f"exponent too large: at most {MAX_EXPONENT} in magnitude")
    if value.denominator > MAX_EXPONENT_DENOMINATOR:
        raise InvalidExpression(
            f"exponent denominator too large: at most {MAX_EXPONENT_DENOMINATOR} (like 1/2 or 2/3)"
        )


def _function_list() -> str:
    return ", ".join(FUNCTIONS)


def _name_list(variables: tuple[str, ...] = ()) -> str:
    names = ", ".join(sorted(_CONSTANT_NAMES))
    if variables:
        names += " (or the variable" + ("s " if len(variables) > 1 else " ")
        names += ", ".join(variables) + ")"
    return names


def _arity_message(name: str, got: int) -> str:
    arity, signature, _ = FUNCTIONS[name]
    plural = "argument" if arity == 1 else "arguments"
    return f"{signature} takes exactly {arity} {plural} (got {got})"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _bits(value: Fraction) -> int:
    return max(abs(value.numerator).bit_length(), value.denominator.bit_length())


class _TooLarge(InvalidExpression):
    """An exact rational would exceed MAX_EXACT_BITS (the exact evaluator then gives up)."""


def _too_large() -> InvalidExpression:
    return _TooLarge(
        f"number too large: exact intermediate values are limited to {MAX_EXACT_BITS} bits"
    )


def _check_exact_size(value: Fraction) -> Fraction:
    if _bits(value) > MAX_EXACT_BITS:
        raise _too_large()
    return value


def _fold(op: str, left: Fraction, right: Fraction) -> Fraction:
    """Exact arithmetic on rationals of at most MAX_EXACT_BITS bits, with the same cap on the
    result (checked before the work for powers, whose results could be enormous)."""
    if op == "+":
        return _check_exact_size(left + right)
    if op == "-":
        return _check_exact_size(left - right)
    if op == "*":
        return _check_exact_size(left * right)
    if op == "/":
        if right == 0:
            raise InvalidExpression(
                f"division by zero: {_fraction_text(left)}/0; the denominator must be nonzero"
            )
        return _check_exact_size(left / right)
    # "**" with an integer exponent (already bounded by _check_exponent)
    power = int(right)
    if left == 0:
        if power < 0:
            raise InvalidExpression("division by zero: 0 raised to a negative power")
        return Fraction(1 if power == 0 else 0)
    if (_bits(left) - 1) * abs(power) > MAX_EXACT_BITS:
        raise _too_large()
    return _check_exact_size(left**power)


def _fraction_text(value: Fraction) -> str:
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


# --------------------------------------------------------------------------------------------
# Parsing

_NODE_MESSAGES: dict[type, str] = {
    ast.Attribute: "attribute access is not allowed in an expression",
    ast.Subscript: "subscripts like a[0] are not allowed in an expression",
    ast.Slice: "slices are not allowed in an expression",
    ast.Lambda: "lambda is not allowed in an expression",
    ast.ListComp: "comprehensions are not allowed in an expression",
    ast.SetComp: "comprehensions are not allowed in an expression",
    ast.DictComp: "comprehensions are not allowed in an expression",
    ast.GeneratorExp: "comprehensions are not allowed in an expression",
    ast.NamedExpr: "assignment (:=) is not allowed in an expression",
    ast.JoinedStr: "f-strings are not allowed in an expression; write numbers and names only",
    ast.FormattedValue: "f-strings are not allowed in an expression; write numbers and names only",
    ast.IfExp: "conditional expressions (a if c else b) are not allowed in an expression",
    ast.Compare: "comparisons are not allowed in an expression; give a single value",
    ast.BoolOp: "'and'/'or' are not allowed in an expression; use + - * / **",
    ast.List: "lists are not allowed in an expression; give a single value",
    ast.Tuple: "tuples are not allowed in an expression; give a single value (commas only "
    "separate function arguments)",
    ast.Set: "sets are not allowed in an expression; give a single value",
    ast.Dict: "dicts are not allowed in an expression; give a single value",
    ast.Starred: "starred arguments (*args) are not allowed; pass arguments one by one",
    ast.Await: "await is not allowed in an expression",
    ast.Yield: "yield is not allowed in an expression",
    ast.YieldFrom: "yield is not allowed in an expression",
}

_OPERATOR_SYMBOLS: dict[type, str] = {
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
}


def _reject(message: str) -> InvalidExpression:
    return InvalidExpression(message.replace("\n", " ").replace("\r", " "))


def _prepare_text(text: object) -> str:
    """Check length and characters, and bracket nesting, before anything is parsed."""
    if not isinstance(text, str):
        raise _reject(f"expression must be a string, got {type(text).__name__}")
    if len(text) > MAX_TEXT_LENGTH:
        raise _reject(f"expression too long: {len(text)} characters, at most {MAX_TEXT_LENGTH}")
    chars = []
    for position, char in enumerate(text):
        code = ord(char)
        if code > 127:
            raise _reject(
                f"non-ASCII character U+{code:04X} at position {position}; "
                "write names and operators in plain ASCII (exp, pi, **)"
            )
        if char in "\t\n\r":
            chars.append(" ")
        elif code < 32 or code == 127:
            raise _reject(f"control character U+{code:04X} at position {position} is not allowed")
        else:
            chars.append(char)
    cleaned = "".join(chars).strip()
    if not cleaned:
        raise _reject("expression is empty; give a name like 'pi' or an expression like 'exp(2)'")
    # ast.parse can overflow the C stack (or raise RecursionError) on deep input, so nesting is
    # measured on the raw text first: open brackets, and runs of unary signs.
    depth = deepest = run = longest_run = 0
    for char in cleaned:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
        if char in "+-~":
            run += 1
            longest_run = max(longest_run, run)
        elif char != " ":
            run = 0
    if deepest > MAX_DEPTH or longest_run > MAX_DEPTH:
        raise _reject(f"expression too deeply nested (more than {MAX_DEPTH} levels)")
    return cleaned.replace("^", "**")


def _tree_depth(root: ast.AST) -> int:
    deepest = 0
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):
            depth += 1
            deepest = max(deepest, depth)
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))
    return deepest


def parse_expression(text: str, *, variables: tuple[str, ...] = ()) -> Expr:
    """Parse user text into an :class:`Expr`, accepting only a whitelisted arithmetic language.

    Parameters
    ----------
    text
        Integers, decimals (``1.5`` is exactly 3/2), ``+ - * / **`` (``^`` means ``**``), unary
        minus, parentheses, calls of :data:`FUNCTIONS` with positional arguments, the names in
        :data:`NAMED_CONSTANTS`, and the given variables.
    variables
        Extra names allowed, e.g. ``("x",)`` for a left-hand side in the constant ``x``.

    Returns
    -------
    Expr
        The tree; sub-expressions made only of rational numbers are folded exactly.

    Raises
    ------
    InvalidExpression
        With a one-line message for anything outside the language or beyond the caps.

    Examples
    --------
    >>> format_expression(parse_expression("(x+1) / (x-1)", variables=("x",)))
    '(x + 1)/(x - 1)'
    >>> parse_expression("2^10")
    Expr(op='num', args=(1024,))
    >>> parse_expression("__import__('os')")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    esma.errors.InvalidExpression: unknown function '__import__'; allowed functions: exp, log, ...
    """
    variables = _check_variables(variables)
    cleaned = _prepare_text(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(cleaned, mode="eval")
    except SyntaxError as error:
        where = f" at column {error.offset}" if error.offset else ""
        raise _reject(
            f"cannot parse expression: {error.msg}{where}; write e.g. 'exp(2)' or '(1 + sqrt(5))/2'"
        ) from None
    except (RecursionError, MemoryError):
        raise _reject(f"expression too deeply nested (more than {MAX_DEPTH} levels)") from None
    except (ValueError, OverflowError) as error:
        raise _reject(f"cannot parse expression: {error}") from None
    if _tree_depth(tree) > MAX_DEPTH:
        raise _reject(f"expression too deeply nested (more than {MAX_DEPTH} levels)")
    try:
        return _Converter(cleaned, variables).convert(tree.body)
    except RecursionError:  # pragma: no cover - depth is bounded above
        raise _reject(f"expression too deeply nested (more than {MAX_DEPTH} levels)") from None


def _check_variables(variables: object) -> tuple[str, ...]:
    if isinstance(variables, str) or not isinstance(variables, (tuple, list)):
        raise InvalidParameter("variables must be a tuple of names like ('x',)")
    for name in variables:
        if (
            not isinstance(name, str)
            or not name.isascii()
            or not name.isidentifier()
            or keyword.iskeyword(name)
        ):
            raise InvalidParameter(f"variables: {name!r} is not a plain identifier like 'x'")
        if name in FUNCTIONS or name in _CONSTANT_NAMES:
            raise InvalidParameter(
                f"variables: {name!r} is already a function or constant name; choose another "
                "like 'x'"
            )
    return tuple(variables)


class _Converter:
    """Turns a checked Python AST into an Expr, refusing every node outside the whitelist."""

    def __init__(self, text: str, variables: tuple[str, ...]) -> None:
        self.text = text
        self.variables = variables

    def convert(self, node: ast.AST) -> Expr:
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node)
        if isinstance(node, ast.BinOp):
            return self._binary(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        message = _NODE_MESSAGES.get(type(node))
        if message is None:
            message = f"{type(node).__name__} is not allowed in an expression"
        raise _reject(message)

    def _constant(self, node: ast.Constant) -> Expr:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise _reject(f"'{value!r}' is not allowed in an expression; use numbers and names")
        if isinstance(value, int):
            if abs(value) > MAX_INT_LITERAL:
                raise _reject("integer literal too large: at most 10**30 (write 2**100 instead)")
            return _num(value)
        if isinstance(value, float):
            return _num(self._decimal(node))
        if isinstance(value, complex):
            raise _reject("complex numbers are not allowed: esma works with real constants")
        if isinstance(value, str):
            raise _reject("strings are not allowed in an expression; write numbers and names only")
        if isinstance(value, bytes):
            raise _reject("bytes are not allowed in an expression; write numbers and names only")
        raise _reject(f"literal of type {type(value).__name__} is not allowed in an expression")

    def _decimal(self, node: ast.Constant) -> Fraction:
        # Python reads 0.1 as a binary float; the user means the decimal, so use the source text.
        segment = (ast.get_source_segment(self.text, node) or "").replace("_", "")
        mantissa, _, exponent_text = segment.lower().partition("e")
        whole, _, fraction = mantissa.partition(".")
        if not (whole + fraction).isdigit() or (exponent_text and not _is_int_text(exponent_text)):
            raise _reject(f"cannot read the number '{_short(segment)}'")
        exponent = int(exponent_text) if exponent_text else 0
        if abs(exponent) > MAX_DECIMAL_EXPONENT:
            raise _reject(
                f"decimal exponent too large: at most {MAX_DECIMAL_EXPONENT} (like 1.5e-3)"
            )
        value = Fraction(int(whole + fraction)) * Fraction(10) ** (exponent - len(fraction))
        if abs(value) > MAX_INT_LITERAL:
            raise _reject("decimal literal too large: at most 10**30 in magnitude")
        return value

    def _name(self, name: str) -> Expr:
        if name in _CONSTANT_NAMES or name in self.variables:
            return Expr("name", (name,))
        if name in FUNCTIONS:
            raise _reject(
                f"'{name}' is a function; call it with arguments, like {FUNCTIONS[name][1]}"
            )
        raise _reject(
            f"unknown name '{_short(name, 40)}'; use one of: {_name_list(self.variables)}"
        )

    def _unary(self, node: ast.UnaryOp) -> Expr:
        if isinstance(node.op, ast.UAdd):
            return self.convert(node.operand)
        if isinstance(node.op, ast.USub):
            operand = self.convert(node.operand)
            if operand.op == "num":
                return _num(-Fraction(operand.args[0]))
            return Expr("neg", (operand,))
        symbol = "not" if isinstance(node.op, ast.Not) else "~"
        raise _reject(f"operator '{symbol}' is not allowed; use + - * / ** (or ^)")

    def _binary(self, node: ast.BinOp) -> Expr:
        ops = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
        op = ops.get(type(node.op))
        if op is None:
            symbol = _OPERATOR_SYMBOLS.get(type(node.op), type(node.op).__name__)
            raise _reject(f"operator '{symbol}' is not allowed; use + - * / ** (or ^)")
        left = self.convert(node.left)
        right = self.convert(node.right)
        if op == "**":
            _check_exponent(right)
            exponent = Fraction(right.args[0])
            if left.op == "num":
                base = Fraction(left.args[0])
                if exponent.denominator == 1:
                    return _num(_fold(op, base, exponent))
                if base < 0:
                    raise _reject(
                        f"negative base with a fractional exponent is not real: "
                        f"({_fraction_text(base)})**({_fraction_text(exponent)})"
                    )
                if base == 0 and exponent < 0:
                    raise _reject("division by zero: 0 raised to a negative power")
        elif left.op == "num" and right.op == "num":
            return _num(_fold(op, Fraction(left.args[0]), Fraction(right.args[0])))
        return Expr(op, (left, right))

    def _call(self, node: ast.Call) -> Expr:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise _reject(_NODE_MESSAGES[ast.Attribute])
            raise _reject(
                f"only the functions {_function_list()} can be called, by name, like exp(2)"
            )
        name = node.func.id
        if name not in FUNCTIONS:
            if name in _CONSTANT_NAMES or name in self.variables:
                raise _reject(f"'{name}' is not a function; allowed functions: {_function_list()}")
            raise _reject(
                f"unknown function '{_short(name, 40)}'; allowed functions: {_function_list()}"
            )
        arity, signature, _ = FUNCTIONS[name]
        if node.keywords:
            if any(k.arg is None for k in node.keywords):
                raise _reject(
                    f"'**' argument unpacking is not allowed: {signature} takes positional "
                    "arguments"
                )
            raise _reject(
                f"keyword arguments are not allowed: {signature} takes positional arguments"
            )
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise _reject(_NODE_MESSAGES[ast.Starred])
        if len(node.args) != arity:
            raise _reject(_arity_message(name, len(node.args)))
        return Expr("call", (name, *(self.convert(a) for a in node.args)))


def _is_int_text(text: str) -> bool:
    return text.lstrip("+-").isdigit() and len(text) - len(text.lstrip("+-")) <= 1


# --------------------------------------------------------------------------------------------
# Formatting


def format_expression(expr: Expr) -> str:
    """Render an expression as readable text that parses back to the same tree.

    Minimal parentheses, spaces around binary ``+`` and ``-``, none around ``*``, ``/``, ``**``.

    >>> format_expression(parse_expression("( 1+sqrt( 5 ) )/2"))
    '(1 + sqrt(5))/2'
    >>> format_expression(parse_expression("besseli(1,2)/besseli(0,2)"))
    'besseli(1, 2)/besseli(0, 2)'
    >>> format_expression(parse_expression("-pi**2 + (-1/3)*e - x^(1/2)", variables=("x",)))
    '-pi**2 + (-1/3)*e - x**(1/2)'
    """
    return _render(expr)[0]


def _render(expr: Expr) -> tuple[str, int, bool]:
    """Return (text, precedence, starts with a minus sign)."""
    op, args = expr.op, expr.args
    if op == "num":
        value = args[0]
        if isinstance(value, int):
            return str(value), (_ATOM if value >= 0 else _PRECEDENCE["neg"]), value < 0
        return f"{value.numerator}/{value.denominator}", _PRECEDENCE["/"], value < 0
    if op == "name":
        return args[0], _ATOM, False
    if op == "call":
        inner = ", ".join(_render(a)[0] for a in args[1:])
        return f"{args[0]}({inner})", _ATOM, False
    if op == "neg":
        text, prec, _ = _render(args[0])
        if prec < _PRECEDENCE["neg"]:
            text = f"({text})"
        return f"-{text}", _PRECEDENCE["neg"], True
    prec = _PRECEDENCE[op]
    left_text, left_prec, left_minus = _render(args[0])
    right_text, right_prec, right_minus = _render(args[1])
    if op == "**":
        if left_prec <= prec or left_minus:
            left_text = f"({left_text})"
        if right_prec < _ATOM or right_minus:
            right_text = f"({right_text})"
        return f"{left_text}**{right_text}", prec, False
    left_is_fraction = args[0].op == "num" and isinstance(args[0].args[0], Fraction)
    if left_prec < prec or (left_is_fraction and op in "*/"):
        # (1/3)*pi reads better than 1/3*pi, and both parse to the same tree.
        left_text, left_minus = f"({left_text})", False
    if right_prec <= prec or right_minus:
        right_text = f"({right_text})"
    joiner = f" {op} " if op in "+-" else op
    return f"{left_text}{joiner}{right_text}", prec, left_minus


# --------------------------------------------------------------------------------------------
# Evaluation


class _Ambiguous(Exception):
    """Raised inside one evaluation pass when a ball is too wide to decide; retried wider."""

    def __init__(self, message: str, undefined: bool) -> None:
        super().__init__(message)
        self.message = message
        self.undefined = undefined


def _max_prec(bits: int) -> int:
    return 4 * bits + 4096


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
    bits = _check_bits(bits, "bits")
    if not isinstance(expr, Expr):
        raise InvalidParameter(
            f"expr must be an Expr from parse_expression, got {type(expr).__name__}"
        )
    from flint import ctx

    values = _check_env(env)
    prec = bits + 64
    cap = _max_prec(bits)
    while True:
        try:
            with ctx.workprec(prec):
                ball = _Evaluator(values).ball(expr)
        except _Ambiguous as ambiguous:
            if prec >= cap:
                if ambiguous.undefined:
                    raise InvalidExpression(ambiguous.message) from None
                raise PrecisionExhausted(
                    f"{ambiguous.message} at {prec} bits; the value may be exactly zero"
                ) from None
        except EsmaError:
            raise
        except (ArithmeticError, ValueError, RecursionError, MemoryError) as error:
            # A last guard at the boundary: flint or Python refusing an operation is reported
            # as a bad expression, never as a stray exception.
            raise InvalidExpression(
                f"cannot evaluate '{_text(expr)}': {type(error).__name__}"
            ) from None
        else:
            if _accurate(ball, bits):
                return ball
            if prec >= cap:
                raise PrecisionExhausted(
                    f"'{_text(expr)}' is zero or too close to zero to "
                    f"certify {bits} bits at {prec} bits of working precision"
                )
        prec = min(2 * prec, cap)


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
    prec = _check_bits(prec, "prec")
    if not isinstance(expr, Expr):
        raise InvalidParameter(
            f"expr must be an Expr from parse_expression, got {type(expr).__name__}"
        )
    from flint import ctx

    values = _check_env(env)
    try:
        with ctx.workprec(prec):
            ball = _Evaluator(values).ball(expr)
    except _Ambiguous as ambiguous:
        raise InvalidExpression(
            f"{ambiguous.message} somewhere in the interval of the given number"
        ) from None
    except EsmaError:
        raise
    except (ArithmeticError, ValueError, RecursionError, MemoryError) as error:
        raise InvalidExpression(
            f"cannot evaluate '{_text(expr)}': {type(error).__name__}"
        ) from None
    if not ball.is_finite():
        raise InvalidExpression(
            f"'{_text(expr)}' is unbounded somewhere in the interval of the given number"
        )
    return ball


def _check_bits(bits: object, label: str) -> int:
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


def _man_exp(x: flint.arb) -> tuple[int, int]:
    mantissa, exponent = x.man_exp()
    return int(mantissa), int(exponent)


def _scaled_less(small: flint.arb, big: flint.arb, shift: int) -> bool:
    """Exactly decide ``small * 2**shift < big`` for exact, nonnegative arb numbers."""
    ms, es = _man_exp(small)
    mb, eb = _man_exp(big)
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
    """One evaluation pass at a fixed working precision (set by the caller's workprec)."""

    def __init__(self, env: Mapping[str, Any]) -> None:
        self.env = env

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
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        self._nonzero(right, expr, "the denominator")
        return left / right

    def _name(self, name: str) -> flint.arb:
        from flint import arb

        if name in _PRIMITIVE_METHODS:
            return getattr(arb, _PRIMITIVE_METHODS[name])()
        if name in _CONSTANT_NAMES:
            return self.ball(NAMED_CONSTANTS[name].expr)
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
        _, signature, caps = FUNCTIONS[name]
        for value, cap, label in zip(values, caps, _argument_labels(signature), strict=True):
            if not value.is_finite():
                raise _Ambiguous(
                    f"the argument of '{_text(expr)}' could not be computed", undefined=False
                )
            if cap is not None:
                self._check_cap(value, cap, name, label)
        z = values[-1]
        if name == "log":
            if z < 0:
                raise InvalidExpression(f"log of a negative number is not real: '{_text(expr)}'")
            if z.is_exact() and z.is_zero():
                raise InvalidExpression(f"log(0) is undefined: '{_text(expr)}' has a zero argument")
            if not z > 0:
                raise _Ambiguous(
                    f"log argument is zero or indistinguishable from zero in '{_text(expr)}'",
                    undefined=True,
                )
            return z.log()
        if name == "sqrt":
            if z < 0:
                raise InvalidExpression(
                    f"sqrt of a negative number is not real: '{_text(expr)}'; esma works with real "
                    "constants"
                )
            if z.is_exact() and z.is_zero():
                return z
            if not z > 0:
                raise _Ambiguous(
                    f"cannot decide the sign of the argument of '{_text(expr)}'", undefined=False
                )
            return z.sqrt()
        if name == "gamma" and z.is_exact() and z.is_integer() and z <= 0:
            raise InvalidExpression(f"gamma is undefined at 0, -1, -2, ... (pole): '{_text(expr)}'")
        if name == "zeta" and z.is_exact() and z == 1:
            raise InvalidExpression(f"zeta is undefined at 1 (pole): '{_text(expr)}'")
        if name in ("besseli", "besselj"):
            nu = values[0]
            if z < 0 and not nu.contains_integer():
                raise InvalidExpression(
                    f"'{_text(expr)}' is not real: a negative argument z needs an integer order nu"
                )
            result = z.bessel_i(nu) if name == "besseli" else z.bessel_j(nu)
        else:
            result = getattr(z, name)()
        if not result.is_finite():
            undefined = name in ("tan", "gamma", "zeta", "besseli", "besselj")
            reason = {
                "tan": "tan is undefined at odd multiples of pi/2 (pole)",
                "gamma": "gamma is undefined at 0, -1, -2, ... (pole)",
                "zeta": "zeta is undefined at 1 (pole)",
            }.get(name, "the value is not real or is undefined")
            raise _Ambiguous(
                f"{reason}: '{_text(expr)}' is at or too close to it", undefined=undefined
            )
        return result

    @staticmethod
    def _check_cap(value: flint.arb, cap: int, name: str, label: str) -> None:
        from flint import arb

        bound = arb(cap)
        if value.abs_lower() > bound:
            raise InvalidExpression(_cap_message(name, label, cap))
        if not value.abs_upper() <= bound:
            raise _Ambiguous(_cap_message(name, label, cap), undefined=True)


def _text(expr: Expr) -> str:
    """Short rendering of an expression for an error message (built only when raising)."""
    return _short(format_expression(expr))


@functools.cache
def _argument_labels(signature: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in signature[signature.index("(") + 1 : -1].split(","))


def _cap_message(name: str, label: str, cap: int) -> str:
    exponent = round(math.log10(cap))
    cap_text = f"10**{exponent}" if 10**exponent == cap and exponent > 3 else str(cap)
    which = "argument" if label == "z" else f"order {label}"
    return f"{name} {which} too large: |{label}| must be at most {cap_text}"


# --------------------------------------------------------------------------------------------
# Exact values (rationality decided soundly where no transcendental part is involved)


def _exact_value(expr: Expr) -> Fraction | None:
    """The exact rational value, or None when it is not known to be rational by exact rules."""
    op, args = expr.op, expr.args
    if op == "num":
        return Fraction(args[0])
    if op == "name":
        return None
    if op == "neg":
        inner = _exact_value(args[0])
        return None if inner is None else -inner
    if op in _BINARY_OPS:
        left = _exact_value(args[0])
        if left is None:
            return None
        exponent = Fraction(args[1].args[0]) if op == "**" else None
        if exponent is not None and exponent.denominator != 1:
            return _exact_root(left, exponent)
        right = exponent if exponent is not None else _exact_value(args[1])
        if right is None:
            return None
        try:
            return _fold(op, left, right)
        except _TooLarge:
            return None
    values = [_exact_value(a) for a in args[1:]]
    if any(v is None for v in values):
        return None
    name, z = args[0], values[-1]
    if name == "sqrt":
        return _exact_root(z, Fraction(1, 2))
    if z == 0 and name in ("exp", "cos", "cosh"):
        return Fraction(1)
    if z == 0 and name in ("sin", "tan", "atan", "sinh", "tanh"):
        return Fraction(0)
    if name == "log" and z == 1:
        return Fraction(0)
    if name == "gamma" and z.denominator == 1 and 1 <= z <= 1000:
        return Fraction(math.factorial(int(z) - 1))
    if name == "zeta" and z == 0:
        return Fraction(-1, 2)
    if name == "zeta" and z.denominator == 1 and z < 0 and z % 2 == 0:
        return Fraction(0)
    if name in ("besseli", "besselj") and z == 0 and values[0].denominator == 1:
        return Fraction(1 if values[0] == 0 else 0)
    return None


def _exact_root(value: Fraction, exponent: Fraction) -> Fraction | None:
    """``value**exponent`` when it is rational (a perfect power), else None."""
    if value < 0:
        return None
    q = exponent.denominator
    num, den = _integer_root(value.numerator, q), _integer_root(value.denominator, q)
    if num is None or den is None:
        return None
    try:
        return _fold("**", Fraction(num, den), Fraction(exponent.numerator))
    except _TooLarge:
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


# --------------------------------------------------------------------------------------------
# Constants


def ball_bounds(ball: flint.arb, bits: int) -> tuple[int, int, int]:
    """Rigorous dyadic bounds ``(lo, hi, shift)`` of an arb ball, with ``shift = bits + 4``.

    The ball [m - r, m + r] is rounded outward to multiples of 2**-shift, so
    ``lo/2**shift <= every point of the ball <= hi/2**shift``.

    >>> from flint import arb
    >>> ball_bounds(arb(3) / 4, 8)
    (3072, 3072, 12)
    """
    shift = bits + 4
    mid_man, mid_exp = _man_exp(ball.mid())
    rad_man, rad_exp = _man_exp(ball.rad())
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
        return _cached_arb(self.expr, _check_bits(bits, "bits"))

    def bounds(self, bits: int) -> tuple[int, int, int]:
        """Integers ``(lo, hi, shift)`` with ``lo/2**shift <= value <= hi/2**shift``, rigorously.

        The width ``(hi - lo)/2**shift`` is below ``2**-bits * max(1, |value|)``.

        >>> lo, hi, shift = NAMED_CONSTANTS["log2"].bounds(40)
        >>> shift, hi - lo < 2**(shift - 40)
        (44, True)
        """
        bits = _check_bits(bits, "bits")
        return ball_bounds(self.arb(bits + 2), bits)

    def mpf(self, dps: int) -> mpmath.mpf:
        """The midpoint as an ``mpmath.mpf`` with ``dps`` correct-ish decimal digits.

        >>> float(NAMED_CONSTANTS["e"].mpf(30))
        2.718281828459045
        """
        import mpmath

        if isinstance(dps, bool) or not isinstance(dps, int) or not 1 <= dps <= MAX_BITS // 4:
            raise InvalidParameter(f"dps must be an integer from 1 to {MAX_BITS // 4}, got {dps!r}")
        bits = int(dps * 3.3219280948873626) + 16
        man, exp = _man_exp(self.arb(bits).mid())
        with mpmath.workdps(dps):
            return mpmath.mpf((man, exp)) if man else mpmath.mpf(0)


@functools.lru_cache(maxsize=256)
def _cached_arb(expr: Expr, bits: int) -> flint.arb:
    return evaluate(expr, bits)


def _build_named_constants() -> dict[str, Constant]:
    named = {}
    for name, text, description in _NAMED_SPECS:
        expr = Expr("name", (name,)) if text == name else parse_expression(text)
        named[name] = Constant(text=name, expr=expr, description=description)
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
        raise _reject(f"constant must be a string like 'pi' or 'exp(2)', got {type(text).__name__}")
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
    exact = _exact_value(expr)
    if exact is not None:
        raise _reject(
            f"value is rational ({_short(_fraction_text(exact), 40)}); "
            "esma searches irrational constants"
        )
    # Messages show the text the user knows (a left-hand side with the constant's name written
    # in, e.g. 'e - e'), not the expanded tree ('exp(1) - exp(1)').
    shown = _short(text) if text is not None else _text(expr)
    try:
        rough = evaluate(expr, 64)
    except PrecisionExhausted:
        raise _reject(
            f"value of '{shown}' is zero or indistinguishable from "
            "zero; esma searches nonzero irrational constants"
        ) from None
    _check_magnitude(rough, shown)
    try:
        precise = evaluate(expr, _RATIONAL_TEST_BITS)
    except PrecisionExhausted:
        raise _reject(
            f"value of '{shown}' cannot be computed to {_RATIONAL_TEST_BITS} bits within "
            "the precision cap; simplify the expression"
        ) from None
    _check_irrational(precise)
    return Constant(text=text or format_expression(expr), expr=expr, description=description)


def substitute(expr: Expr, name: str, value: Expr) -> Expr:
    """``expr`` with every occurrence of the variable ``name`` replaced by ``value``.

    >>> format_expression(substitute(parse_expression("x + 1", variables=("x",)), "x",
    ...                              parse_expression("exp(2)")))
    'exp(2) + 1'
    """
    if expr.op == "name":
        return value if expr.args[0] == name else expr
    if expr.op == "num":
        return expr
    if expr.op == "call":
        return Expr("call", (expr.args[0], *(substitute(a, name, value) for a in expr.args[1:])))
    return Expr(expr.op, tuple(substitute(a, name, value) for a in expr.args))


def _check_magnitude(ball: flint.arb, shown: str) -> None:
    from flint import arb

    if ball.is_zero():
        raise _reject("value is rational (0); esma searches irrational constants")
    if ball.abs_lower() > arb(2) ** MAGNITUDE_BITS:
        raise _reject(
            f"value of '{shown}' is too large: |value| must be at most 2**{MAGNITUDE_BITS}"
        )
    if ball.abs_upper() < arb(2) ** -MAGNITUDE_BITS:
        raise _reject(
            f"value of '{shown}' is too small: |value| must be at least 2**-{MAGNITUDE_BITS}"
        )


def _check_irrational(ball: flint.arb) -> None:
    if ball.rad().is_zero():
        man, exp = _man_exp(ball.mid())
        value = Fraction(man) * Fraction(2) ** exp
        raise _reject(
            f"value is rational ({_short(_fraction_text(value), 40)}); esma searches irrational "
            "constants"
        )
    witness = _rational_witness(ball)
    if witness is not None:
        shown = _fraction_text(witness)
        if len(shown) > 40:
            shown = f"a fraction with a {len(str(witness.denominator))}-digit denominator"
        raise _reject(
            f"value appears to be rational (~{shown}); esma searches irrational constants"
        )


def _rational_witness(ball: flint.arb) -> Fraction | None:
    """A small-denominator rational the ball's midpoint is suspiciously close to, or None."""
    man, exp = _man_exp(ball.mid())
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
