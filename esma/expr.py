r"""esma's expression language: a safe parser, its trees, their text and their LaTeX.

An expression is what a user types for a constant or a left-hand side (``"exp(2)"``,
``"besseli(1, 2)/besseli(0, 2)"``, ``"(x + 1)/(x - 1)"``). User text never reaches ``eval``,
``sympify`` or ``parse_expr``: it is parsed with ``ast.parse(mode="eval")`` and every node is
checked against a whitelist of node types, names (:data:`esma.names.NAMES`), functions
(:data:`esma.functions.FUNCTIONS`) and arities, with caps on size so that nothing typed can hang
or exhaust memory. The result is an immutable :class:`Expr` tree, written back as text by
:func:`format_expression` and as LaTeX by :func:`expr_latex`. Only ``ast`` is imported.

>>> format_expression(parse_expression("exp( 2 )"))
'exp(2)'
>>> expr_latex(parse_expression("(x + 1)/(x - 1)", variables=("x",)), {"x": ("e", "atom")})
'\\frac{e + 1}{e - 1}'

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
* function arguments are bounded when evaluated (each function's caps are in
  :mod:`esma.functions`), so arb never needs a huge working precision;
* a constant must satisfy ``2**-64 <= |value| <= 2**64`` and be irrational
  (:func:`esma.constants.get_constant`).

``'^'`` is accepted as a synonym for ``'**'`` (it is replaced before parsing, so it has the
precedence of ``**``, not of Python's bitwise xor).

LaTeX layout kinds: every rendered piece is of one kind, which decides where brackets go when it
is put next to others. From tightest to loosest:

* ``atom``: ``e``, ``\pi``, ``3``, ``I_1(2)``, ``\zeta(3)``: safe anywhere;
* ``root``: ``\sqrt{2}``: safe in a product, bracketed as a power base;
* ``power``: ``e^{2}``: safe in a product, bracketed as a power base;
* ``prefix``: ``\tan 1``, ``\log 2``: bracketed when something multiplies it from the right;
* ``call``: ``\tan\left(\frac{\pi}{8}\right)``: bracketed as a power base;
* ``frac``: ``\frac{..}{..}``: bracketed as a power base;
* ``product``: ``2 e``;
* ``neg``: ``-e``;
* ``sum``: ``e + 1``.
"""

from __future__ import annotations

import ast
import keyword
import warnings
from dataclasses import dataclass, field
from fractions import Fraction

from esma.errors import InvalidExpression, InvalidParameter
from esma.functions import FUNCTIONS, Piece, latex_paren
from esma.names import NAMES

__all__ = [
    "BINARY_OPS",
    "LAYOUT_KINDS",
    "MAX_DEPTH",
    "MAX_EXACT_BITS",
    "MAX_TEXT_LENGTH",
    "ExactTooLarge",
    "Expr",
    "expr_latex",
    "fold",
    "format_expression",
    "fraction_text",
    "invalid_expression",
    "latex_piece",
    "parse_expression",
    "shorten",
    "substitute",
]

MAX_TEXT_LENGTH = 1000
MAX_DEPTH = 100
MAX_INT_LITERAL = 10**30
MAX_DECIMAL_EXPONENT = 100
MAX_EXPONENT = 1000
MAX_EXPONENT_DENOMINATOR = 1000
MAX_EXACT_BITS = 10_000
# Tree depth allowed for hand-built Expr objects (the parser allows MAX_DEPTH); bounds recursion.
_MAX_TREE_DEPTH = 4 * MAX_DEPTH

#: The binary operators of the language, as ``Expr.op``.
BINARY_OPS = ("+", "-", "*", "/", "**")
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
        elif op in BINARY_OPS or op == "neg" or op == "call":
            if op == "call":
                if not args or not isinstance(args[0], str) or args[0] not in FUNCTIONS:
                    raise InvalidExpression(
                        "unknown function in Expr('call', ...); allowed functions: "
                        + _function_list()
                    )
                operands = args[1:]
                if len(operands) != FUNCTIONS[args[0]].arity:
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
            f"'{shorten(format_expression(exponent))}'; write exp(y*log(x)) for x**y"
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
    names = ", ".join(sorted(NAMES))
    if variables:
        names += " (or the variable" + ("s " if len(variables) > 1 else " ")
        names += ", ".join(variables) + ")"
    return names


def _arity_message(name: str, got: int) -> str:
    function = FUNCTIONS[name]
    arity, signature = function.arity, function.signature
    plural = "argument" if arity == 1 else "arguments"
    return f"{signature} takes exactly {arity} {plural} (got {got})"


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters with ``...``, for a message that quotes user text.

    >>> shorten("x" * 100, 10)
    'xxxxxxx...'
    """
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _bits(value: Fraction) -> int:
    return max(abs(value.numerator).bit_length(), value.denominator.bit_length())


class ExactTooLarge(InvalidExpression):
    """An exact rational would exceed MAX_EXACT_BITS (the exact evaluator then gives up)."""


def _too_large() -> InvalidExpression:
    return ExactTooLarge(
        f"number too large: exact intermediate values are limited to {MAX_EXACT_BITS} bits"
    )


def _check_exact_size(value: Fraction) -> Fraction:
    if _bits(value) > MAX_EXACT_BITS:
        raise _too_large()
    return value


def fold(op: str, left: Fraction, right: Fraction) -> Fraction:
    """``left op right`` exactly, for rationals of at most :data:`MAX_EXACT_BITS` bits.

    The result has the same cap (checked before the work for powers, whose results could be
    enormous): beyond it :class:`ExactTooLarge`. ``op`` is one of :data:`BINARY_OPS`; for
    ``"**"`` the exponent is an integer.

    >>> fold("**", Fraction(2, 3), Fraction(3))
    Fraction(8, 27)
    >>> fold("**", Fraction(10**30), Fraction(1000))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    esma.expr.ExactTooLarge: number too large: exact intermediate values are limited to 10000 bits
    """
    if op == "+":
        return _check_exact_size(left + right)
    if op == "-":
        return _check_exact_size(left - right)
    if op == "*":
        return _check_exact_size(left * right)
    if op == "/":
        if right == 0:
            raise InvalidExpression(
                f"division by zero: {fraction_text(left)}/0; the denominator must be nonzero"
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


def fraction_text(value: Fraction) -> str:
    """A rational as ``p/q``, or ``p`` when it is an integer.

    >>> fraction_text(Fraction(-3, 4)), fraction_text(Fraction(6, 3))
    ('-3/4', '2')
    """
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


def invalid_expression(message: str) -> InvalidExpression:
    """An :class:`~esma.errors.InvalidExpression` whose message is one line, whatever text it
    quotes.

    >>> str(invalid_expression("cannot parse 'a\\nb'"))
    "cannot parse 'a b'"
    """
    return InvalidExpression(message.replace("\n", " ").replace("\r", " "))


def _prepare_text(text: object) -> str:
    """Check length and characters, and bracket nesting, before anything is parsed."""
    if not isinstance(text, str):
        raise invalid_expression(f"expression must be a string, got {type(text).__name__}")
    if len(text) > MAX_TEXT_LENGTH:
        raise invalid_expression(
            f"expression too long: {len(text)} characters, at most {MAX_TEXT_LENGTH}"
        )
    chars = []
    for position, char in enumerate(text):
        code = ord(char)
        if code > 127:
            raise invalid_expression(
                f"non-ASCII character U+{code:04X} at position {position}; "
                "write names and operators in plain ASCII (exp, pi, **)"
            )
        if char in "\t\n\r":
            chars.append(" ")
        elif code < 32 or code == 127:
            raise invalid_expression(
                f"control character U+{code:04X} at position {position} is not allowed"
            )
        else:
            chars.append(char)
    cleaned = "".join(chars).strip()
    if not cleaned:
        raise invalid_expression(
            "expression is empty; give a name like 'pi' or an expression like 'exp(2)'"
        )
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
        raise invalid_expression(f"expression too deeply nested (more than {MAX_DEPTH} levels)")
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
        raise invalid_expression(
            f"cannot parse expression: {error.msg}{where}; write e.g. 'exp(2)' or '(1 + sqrt(5))/2'"
        ) from None
    except (RecursionError, MemoryError):
        raise invalid_expression(
            f"expression too deeply nested (more than {MAX_DEPTH} levels)"
        ) from None
    except (ValueError, OverflowError) as error:
        raise invalid_expression(f"cannot parse expression: {error}") from None
    if _tree_depth(tree) > MAX_DEPTH:
        raise invalid_expression(f"expression too deeply nested (more than {MAX_DEPTH} levels)")
    try:
        return _Converter(cleaned, variables).convert(tree.body)
    except RecursionError:  # pragma: no cover - depth is bounded above
        raise invalid_expression(
            f"expression too deeply nested (more than {MAX_DEPTH} levels)"
        ) from None


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
        if name in FUNCTIONS or name in NAMES:
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
        raise invalid_expression(message)

    def _constant(self, node: ast.Constant) -> Expr:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise invalid_expression(
                f"'{value!r}' is not allowed in an expression; use numbers and names"
            )
        if isinstance(value, int):
            if abs(value) > MAX_INT_LITERAL:
                raise invalid_expression(
                    "integer literal too large: at most 10**30 (write 2**100 instead)"
                )
            return _num(value)
        if isinstance(value, float):
            return _num(self._decimal(node))
        if isinstance(value, complex):
            raise invalid_expression(
                "complex numbers are not allowed: esma works with real constants"
            )
        if isinstance(value, str):
            raise invalid_expression(
                "strings are not allowed in an expression; write numbers and names only"
            )
        if isinstance(value, bytes):
            raise invalid_expression(
                "bytes are not allowed in an expression; write numbers and names only"
            )
        raise invalid_expression(
            f"literal of type {type(value).__name__} is not allowed in an expression"
        )

    def _decimal(self, node: ast.Constant) -> Fraction:
        # Python reads 0.1 as a binary float; the user means the decimal, so use the source text.
        segment = (ast.get_source_segment(self.text, node) or "").replace("_", "")
        mantissa, _, exponent_text = segment.lower().partition("e")
        whole, _, fraction = mantissa.partition(".")
        if not (whole + fraction).isdigit() or (exponent_text and not _is_int_text(exponent_text)):
            raise invalid_expression(f"cannot read the number '{shorten(segment)}'")
        exponent = int(exponent_text) if exponent_text else 0
        if abs(exponent) > MAX_DECIMAL_EXPONENT:
            raise invalid_expression(
                f"decimal exponent too large: at most {MAX_DECIMAL_EXPONENT} (like 1.5e-3)"
            )
        value = Fraction(int(whole + fraction)) * Fraction(10) ** (exponent - len(fraction))
        if abs(value) > MAX_INT_LITERAL:
            raise invalid_expression("decimal literal too large: at most 10**30 in magnitude")
        return value

    def _name(self, name: str) -> Expr:
        if name in NAMES or name in self.variables:
            return Expr("name", (name,))
        if name in FUNCTIONS:
            raise invalid_expression(
                f"'{name}' is a function; call it with arguments, like {FUNCTIONS[name].signature}"
            )
        raise invalid_expression(
            f"unknown name '{shorten(name, 40)}'; use one of: {_name_list(self.variables)}"
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
        raise invalid_expression(f"operator '{symbol}' is not allowed; use + - * / ** (or ^)")

    def _binary(self, node: ast.BinOp) -> Expr:
        ops = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
        op = ops.get(type(node.op))
        if op is None:
            symbol = _OPERATOR_SYMBOLS.get(type(node.op), type(node.op).__name__)
            raise invalid_expression(f"operator '{symbol}' is not allowed; use + - * / ** (or ^)")
        left = self.convert(node.left)
        right = self.convert(node.right)
        if op == "**":
            _check_exponent(right)
            exponent = Fraction(right.args[0])
            if left.op == "num":
                base = Fraction(left.args[0])
                if exponent.denominator == 1:
                    return _num(fold(op, base, exponent))
                if base < 0:
                    raise invalid_expression(
                        f"negative base with a fractional exponent is not real: "
                        f"({fraction_text(base)})**({fraction_text(exponent)})"
                    )
                if base == 0 and exponent < 0:
                    raise invalid_expression("division by zero: 0 raised to a negative power")
        elif left.op == "num" and right.op == "num":
            return _num(fold(op, Fraction(left.args[0]), Fraction(right.args[0])))
        return Expr(op, (left, right))

    def _call(self, node: ast.Call) -> Expr:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise invalid_expression(_NODE_MESSAGES[ast.Attribute])
            raise invalid_expression(
                f"only the functions {_function_list()} can be called, by name, like exp(2)"
            )
        name = node.func.id
        if name not in FUNCTIONS:
            if name in NAMES or name in self.variables:
                raise invalid_expression(
                    f"'{name}' is not a function; allowed functions: {_function_list()}"
                )
            raise invalid_expression(
                f"unknown function '{shorten(name, 40)}'; allowed functions: {_function_list()}"
            )
        arity, signature = FUNCTIONS[name].arity, FUNCTIONS[name].signature
        if node.keywords:
            if any(k.arg is None for k in node.keywords):
                raise invalid_expression(
                    f"'**' argument unpacking is not allowed: {signature} takes positional "
                    "arguments"
                )
            raise invalid_expression(
                f"keyword arguments are not allowed: {signature} takes positional arguments"
            )
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise invalid_expression(_NODE_MESSAGES[ast.Starred])
        if len(node.args) != arity:
            raise invalid_expression(_arity_message(name, len(node.args)))
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


# --------------------------------------------------------------------------------------------
# LaTeX

#: The layout kinds of rendered pieces (see the module notes), tightest first.
LAYOUT_KINDS = ("atom", "root", "power", "prefix", "call", "frac", "product", "neg", "sum")
_ATOMIC_BASE = {"atom"}
_SAFE_RIGHT_FACTOR = {"atom", "root", "power", "frac", "product", "prefix", "call"}
# LaTeX of the named constants, and the kind of piece each is.
_NAME_PIECES = {name: (c.latex, c.kind) for name, c in NAMES.items()}


def expr_latex(expr: Expr, names: dict[str, tuple[str, str]] | None = None) -> str:
    r"""LaTeX of a parsed expression; ``names`` gives (LaTeX, kind) for variables.

    Named constants are written as :data:`esma.names.NAMES` says, and functions as their entry in
    :data:`esma.functions.FUNCTIONS` says.

    >>> expr_latex(parse_expression("2*exp(1/3) - besseli(1, 2)/pi**2"))
    '2 e^{1/3} - \\frac{I_{1}(2)}{\\pi^{2}}'
    """
    return latex_piece(expr, names)[0]


def latex_piece(expr: Expr, names: dict[str, tuple[str, str]] | None = None) -> tuple[str, str]:
    r"""``(LaTeX, layout kind)`` of a parsed expression: what :func:`expr_latex` writes, and how
    it may be put next to other pieces (see the module notes).

    >>> latex_piece(parse_expression("log(2)")), latex_piece(parse_expression("1 + pi"))
    (('\\log 2', 'prefix'), ('1 + \\pi', 'sum'))
    """
    return _latex(expr, {**_NAME_PIECES, **(names or {})})


def _latex(expr: Expr, names: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """(LaTeX, kind) of an expression tree; ``names`` maps variable and constant names."""
    op, args = expr.op, expr.args
    if op == "num":
        value = args[0]
        if isinstance(value, Fraction):
            text = rf"\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"
            return ("-" + text, "neg") if value < 0 else (text, "frac")
        return (str(value), "neg") if value < 0 else (str(value), "atom")
    if op == "name":
        name = args[0]
        if name in names:
            return names[name]
        return r"\mathrm{" + name.replace("_", r"\_") + "}", "atom"
    if op == "call":
        pieces = [Piece(*_latex(a, names), a.args[0] if a.op == "num" else None) for a in args[1:]]
        return FUNCTIONS[args[0]].latex(*pieces)
    if op == "neg":
        text, kind = _latex(args[0], names)
        return "-" + (latex_paren(text) if kind in ("sum", "neg") else text), "neg"
    (left, lkind), (right, rkind) = _latex(args[0], names), _latex(args[1], names)
    if op in "+-":
        if rkind == "neg" and op == "+":
            return f"{left} - {right[1:]}", "sum"  # a + (-b) reads as a - b
        if rkind in ("sum", "neg") and op == "-":
            right = latex_paren(right)
        return f"{left} {op} {right}", "sum"
    if op == "*":
        if lkind == "sum" or _ends_in_prefix(args[0], names):
            left = latex_paren(left)  # \left(2 \tan 1\right) e, not 2 \tan 1 e
        if rkind not in _SAFE_RIGHT_FACTOR:
            right = latex_paren(right)
        # 2 e, 2 \pi; but 2 \cdot 3 (digits would merge) and 2 \cdot \frac{1}{3} (not 2⅓)
        joiner = r" \cdot " if right[:1].isdigit() or rkind == "frac" else " "
        return left + joiner + right, ("neg" if left.startswith("-") else "product")
    if op == "/":
        if lkind == "neg":  # -x/(x + 1) as -\frac{e}{e + 1}, not \frac{-e}{e + 1}
            top = _latex(args[0].args[0], names)[0] if args[0].op == "neg" else left[1:]
            return rf"-\frac{{{top}}}{{{right}}}", "neg"
        return rf"\frac{{{left}}}{{{right}}}", "frac"
    # op == "**": the exponent is an exact rational (checked when the tree was built)
    base = left if lkind in _ATOMIC_BASE else latex_paren(left)
    return f"{base}^{{{args[1].args[0]}}}", "power"


def _ends_in_prefix(expr: Expr, names: dict[str, tuple[str, str]]) -> bool:
    """Whether the rendering of ``expr`` ends in an operator like ``\tan 1`` that would swallow
    a factor written after it."""
    if expr.op in ("name", "call"):
        return _latex(expr, names)[1] == "prefix"
    if expr.op == "neg":
        return _ends_in_prefix(expr.args[0], names)
    if expr.op == "*":
        return _ends_in_prefix(expr.args[1], names)
    return False
