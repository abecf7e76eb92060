"""The commands about one number: ``constants``, ``expand``, ``recurrence`` and ``identify``.

Next to them, the reading of the number a command works on: a named constant, an expression, a
long decimal, or decimal digits in a ``--value-file`` (the interval they allow).
"""

from __future__ import annotations

import click

from esma.cli.common import LONG_STEP_SECONDS, force_option, note, print_json, value_file_option


@click.command("constants")
@click.option(
    "--functions",
    "functions",
    is_flag=True,
    help="List the functions expressions may use (signature, description, domain) instead.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON list: of {name, expression, value, description}, or with --functions "
    "of {name, signature, description, domain, caps} (README.md, Output for programs).",
)
def constants_cmd(functions: bool, as_json: bool) -> None:
    """List the named constants, or with --functions the functions of expressions.

    \b
    Examples:
      esma constants
      esma constants --functions
    """
    if functions:
        _list_functions(as_json)
        return
    from esma.constants import NAMED_CONSTANTS
    from esma.expr import format_expression

    rows = [
        {
            "name": name,
            "expression": format_expression(c.expr),
            "value": str(c.mpf(20)),
            "description": c.description,
        }
        for name, c in NAMED_CONSTANTS.items()
    ]
    if as_json:
        print_json(rows)
        return
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        click.echo(f"{r['name']:<{width}}  {r['value']:<22}  {r['description']}")


def _list_functions(as_json: bool) -> None:
    """``esma constants --functions``: one entry of the function table each (flint not needed)."""
    from esma.functions import FUNCTIONS

    rows = [
        {
            "name": name,
            "signature": f.signature,
            "description": f.description,
            "domain": f.domain_text,
            "caps": dict(zip(f.labels, f.caps, strict=True)),
        }
        for name, f in FUNCTIONS.items()
    ]
    if as_json:
        print_json(rows)
        return
    width = max(len(r["signature"]) for r in rows)
    for r in rows:
        click.echo(f"{r['signature']:<{width}}  {r['description']}")
        click.echo(f"{'':<{width}}  defined for {r['domain']}")


@click.command("expand")
@click.argument("constant", required=False)
@value_file_option(
    "Read the number's decimal digits from FILE ('-' for stdin) instead of CONSTANT; "
    "'[x +/- r]' gives an explicit radius."
)
@click.option("--name", default=None, help="Name a number given by its digits in the output.")
@click.option("--lhs", default="x", show_default=True, help="Expand this expression in x.")
@click.option("--signs", default="+", show_default=True, help="One sign period: '+-' or '1,-1'.")
@click.option("--terms", default=20, show_default=True, type=int, help="Number of terms.")
@force_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object: terms, signs, certified_terms, digits (and exhausted for a "
    "number given by its digits); README.md, Output for programs, says what each means.",
)
def expand_cmd(constant, value_file, name, lhs, signs, terms, force, as_json) -> None:
    """Expand CONSTANT (or --lhs of it) into a certified signed continued fraction.

    CONSTANT is a name (see 'esma constants'), an expression such as "exp(2)", or a decimal
    with at least 30 significant digits (a negative one after '--'). A number given by its
    digits (or --value-file) is the interval of +/- half a unit in its last digit: the expansion
    stops where the digits stop deciding the next term.

    \b
    Example:
      esma expand e --lhs "(x+1)/(x-1)" --signs + --terms 10
      esma expand --value-file digits.txt --name c --terms 50
    """
    from esma.digits import value_of
    from esma.expansion import signed_expansion
    from esma.limits import EXPAND_TERMS, check_limit, expansion_seconds

    seconds = expansion_seconds(terms)
    check_limit(
        "terms", terms, EXPAND_TERMS, f"about {seconds:,.0f} s, growing as terms^2", force=force
    )
    number = number_argument(constant, value_file, name)
    if seconds > LONG_STEP_SECONDS:
        note(f"expanding {terms:,} terms: about {seconds:,.0f} s")
    value = value_of(number, lhs)
    expansion = signed_expansion(value, signs, terms)
    if as_json:
        print_json(expansion.to_dict())
        return
    if expansion.terms:
        click.echo(f"{value.text} = {expansion}")
        click.echo("a = " + ", ".join(map(str, expansion.terms)))
    count = expansion.certified_terms
    if expansion.data_digits is not None and expansion.bits:
        source = value.describe()
        if not expansion.exhausted:
            click.echo(f"{count} terms, all certified from {source}")
        elif count:
            click.echo(f"{count} terms, certified from {source}; give more digits for more terms")
        else:
            click.echo(
                f"no term is certified from {source}: the numbers they allow differ already "
                "in a_0; give more digits"
            )
        return
    click.echo(
        f"{count} terms, all certified from {expansion.digits} digits"
        if expansion.bits
        else f"{count} terms (exact value)"
    )


@click.command("recurrence")
@click.argument("source", default="-", type=click.File("r"))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object: found, offset, recurrence, quasi_polynomial (the last two as "
    "in a conjecture record, see conjectures/README.md).",
)
def recurrence_cmd(source, as_json: bool) -> None:
    """Find the linear recurrence of an integer sequence read from SOURCE (a file, or - for stdin).

    Integers may be separated by spaces, commas or newlines; an OEIS b-file ("n a(n)" lines,
    '#' comments, n counting up by one) is read as the sequence a(n) with its own indices. At
    most 10,000 terms of at most 4,000 digits each.

    \b
    Example:
      echo 1 2 3 2 5 2 7 2 9 2 11 2 13 2 15 | esma recurrence
    """
    from esma.sequences import read_sequence, sequence_recurrence

    result = sequence_recurrence(
        read_sequence(source.read(), name=getattr(source, "name", "input"))
    )
    if as_json:
        print_json(result.to_dict())
        return
    for line in result.lines():
        click.echo(line)


def file_name(stream) -> str:
    """How error messages name an opened --value-file ('stdin' for '-')."""
    name = getattr(stream, "name", None)
    return name if isinstance(name, str) and name not in ("-", "<stdin>") else "stdin"


def number_argument(constant: str | None, value_file, name: str | None):
    """The number a command works on: CONSTANT (a name, an expression, or a long decimal) or
    the digits in --value-file, named by --name."""
    from esma.digits import Digits, read_number

    if (constant is None) == (value_file is None):
        raise click.UsageError("give CONSTANT or --value-file FILE (one of them)")
    if value_file is not None:
        return _read_value_file(value_file, name)
    number = read_number(constant)
    if isinstance(number, Digits):
        return number.with_name(name)
    if name is not None:
        raise click.UsageError("--name names a number given by its digits; CONSTANT has a name")
    return number


def _digits_argument(digits: str | None, value_file, name: str | None):
    """The digits a command reads: DIGITS as typed, or --value-file FILE ('-' for stdin)."""
    from esma.digits import parse_digits

    if (digits is None) == (value_file is None):
        raise click.UsageError("give DIGITS or --value-file FILE (one of them)")
    if value_file is not None:
        return _read_value_file(value_file, name)
    return parse_digits(digits, source="DIGITS", name=name)


def _read_value_file(value_file, name: str | None):
    """The digits of an opened --value-file, named by --name."""
    from esma.digits import read_digits

    return read_digits(value_file, source=file_name(value_file), name=name)


@click.command("identify")
@click.argument("digits", required=False)
@value_file_option("Read the digits from FILE ('-' for stdin) instead of DIGITS.")
@click.option("--name", default=None, help="Name the number in the output [default: y].")
@click.option(
    "--constants",
    default=None,
    help="Comma-separated names or expressions to try, e.g. e,pi,exp(2) "
    "[default: every named constant].",
)
@click.option(
    "--degree",
    default=1,
    show_default=True,
    type=click.IntRange(1, 2),
    help="1: Möbius maps (a*c + b)/(d*c + e) and quadratic irrationals; "
    "2: also P(c)/Q(c) of degree 2.",
)
@click.option(
    "--max-height",
    default=1000,
    show_default=True,
    type=click.IntRange(1, 10**6),
    help="Largest |coefficient| of a relation (lowered when the digits cannot tell it from "
    "chance).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object per relation, a line each: kind, constant, lhs, value, height, "
    "relation, checked_digits, search (README.md, Output for programs).",
)
def identify_cmd(digits, value_file, name, constants, degree, max_height, as_json) -> None:
    """Identify DIGITS as y = M(c), a Möbius (or degree-2) image of a constant, or a quadratic.

    Small integer relations are found with LLL and each is checked to every given digit in
    ball arithmetic. Relations the digits cannot tell from chance are not searched: the height
    bound is lowered (and says so) when the digits are few. Nothing found is not an error.
    A negative number goes after '--' (esma identify -- -0.46...).

    \b
    Example:
      esma identify 3.7459301206079792731550060153270346756406079032262
      esma identify --value-file y.txt --constants e,pi --degree 2 --json
    """
    from esma.identify import identify, split_constants

    number = _digits_argument(digits, value_file, name)
    chosen = split_constants(constants) if constants is not None else None
    found = identify(number, chosen, degree=degree, max_height=max_height)
    if as_json:
        for relation in found.relations:
            print_json(relation.to_dict())
        return
    for relation in found.relations:
        click.echo(str(relation))
        if relation.search:
            click.echo(f"  formulas: {relation.search}")
        if relation.search and relation.theorem:
            click.echo(f"  provable: {relation.theorem}; the search proves what it finds")
    if not found.relations:
        click.echo(f"no relation found within {found.bounds()}")
    note = found.lowered()
    if note:
        click.echo(note)
