"""The ``esma`` command line: each command a short adapter over the library.

The group is here; the commands live in modules named for what they hold (:mod:`esma.cli.numbers`,
:mod:`esma.cli.searching`, :mod:`esma.cli.records`, :mod:`esma.cli.proofs`) and what they share
in :mod:`esma.cli.common`. Heavy modules (numba, sympy, flint) are imported inside the commands,
so ``esma --help`` is instant. Every error a user can cause prints one line on stderr and exits
with status 2.
"""

from __future__ import annotations

import click

from esma.cli.common import EsmaGroup
from esma.cli.numbers import constants_cmd, expand_cmd, identify_cmd, recurrence_cmd
from esma.cli.proofs import check_cmd, families_cmd, prove_cmd
from esma.cli.records import export_cmd, import_cmd, list_cmd, show_cmd
from esma.cli.searching import search_cmd, verify_cmd


@click.group(cls=EsmaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="esma", prog_name="esma")
def cli() -> None:
    """Search for continued-fraction formulas of mathematical constants (ESMA).

    \b
    Example:
      esma search e --coeff 2 --periods 1-2
    """


for _command in (
    constants_cmd,
    expand_cmd,
    recurrence_cmd,
    search_cmd,
    verify_cmd,
    list_cmd,
    show_cmd,
    export_cmd,
    import_cmd,
    prove_cmd,
    check_cmd,
    families_cmd,
    identify_cmd,
):
    cli.add_command(_command)

main = cli
