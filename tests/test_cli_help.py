"""Every CLI command documents itself: --help works and ends with a runnable example (issue 7)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from esma.cli import cli

COMMANDS = sorted(cli.commands)


def _help(*args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], prog_name="esma")
    assert result.exit_code == 0, result.output
    return result.output


def test_the_contract_commands_exist():
    """The command names README.md documents (scripts rely on them)."""
    assert {
        "constants",
        "expand",
        "recurrence",
        "search",
        "list",
        "show",
        "verify",
        "export",
        "import",
    } <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_ends_with_an_example_of_itself(name):
    text = _help(name)
    assert f"Usage: esma {name}" in text
    assert "Example" in text, f"esma {name} --help has no example"
    # The example comes after the description and before the options, and runs this command.
    description, _, options = text.partition("Options:")
    assert options, text
    example = description.split("Example", 1)[1]
    lines = [line.strip() for line in example.splitlines()[1:] if line.strip()]
    assert lines, f"esma {name} --help: the example shows no command line"
    for line in lines:  # nothing but command lines after "Example:"
        assert re.match(r"(echo .* \| )?esma \S+", line), line
        assert line.split("esma ", 1)[1].split()[0] == name, line


def test_group_help_and_short_option():
    """`esma --help` has its own example; `-h` is the same as `--help` (click context setting)."""
    assert "Example" in _help()
    result = CliRunner().invoke(cli, ["search", "-h"], prog_name="esma")
    assert result.exit_code == 0 and result.output == _help("search")


def test_search_help_says_the_constant_may_be_any_expression():
    text = " ".join(_help("search").split())
    assert "any expression" in text and '"besseli(1,2)/besseli(0,2)"' in text


def test_every_json_option_says_what_it_prints_and_where_the_fields_are_described():
    """Each --json names the shape it prints (a list, an object, one object a line) and the
    README that describes the fields (README.md's "Output for programs", or
    conjectures/README.md for records)."""
    with_json = []
    for name, command in cli.commands.items():
        for param in command.params:
            if "--json" in getattr(param, "opts", ()):
                with_json.append(name)
                words = " ".join(param.help.split())
                assert "JSON" in words and "README.md" in words, (name, words)
                assert any(s in words for s in ("list", "object")), (name, words)
    assert {"constants", "expand", "recurrence", "search", "identify"} <= set(with_json)
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Output for programs", 1)[1].split("\n## ", 1)[0]
    for name in with_json:
        assert f"`esma {name} --json`" in section, name
