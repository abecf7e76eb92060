"""What every ``esma`` command shares: the group's error mapping, the common options, output.

:class:`EsmaGroup` turns every error a user can cause into one line on stderr with the documented
exit status (2 for bad input, 130 for Ctrl-C) and writes a library parameter's name as the
command's option. Next to it: the ``--db`` and ``--force`` options, JSON and stderr printing, the
reading of a ``--constant`` filter, and the time beyond which a step is announced first.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import click

from esma.collector import collect_less
from esma.errors import EsmaError, InvalidParameter


class EsmaGroup(click.Group):
    """A click group whose errors are one line and whose exit codes are the documented ones
    (README.md: 2 for bad input, 130 for Ctrl-C)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        if args is None:  # esma's own process, not a caller's (click's CliRunner, a script)
            collect_less()
        try:
            try:
                super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            finally:
                # The command is over, whichever way: a Ctrl-C from now on must not turn its
                # exit status into a death by SIGINT (-2) halfway through the messages below.
                # Only as the program itself (args from sys.argv): a caller that passes args
                # (click's CliRunner, a script) keeps its Ctrl-C.
                if args is None:
                    _hold_interrupts()
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"esma: error: {exc.format_message()}{hint}", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"esma: error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except EsmaError as exc:
            click.echo(f"esma: error: {self._as_flag(exc, args)}", err=True)
            sys.exit(2)
        except (click.Abort, KeyboardInterrupt):
            click.echo("esma: interrupted", err=True)
            sys.exit(130)
        except click.exceptions.Exit as exc:  # pragma: no cover - click returns it instead
            sys.exit(exc.exit_code)
        except Exception as exc:
            # Ctrl-C inside a numba call surfaces as SystemError caused by KeyboardInterrupt.
            if not caused_by_interrupt(exc):
                raise
            click.echo("esma: interrupted", err=True)
            sys.exit(130)
        sys.exit(0)

    def _as_flag(self, exc: EsmaError, args: Any) -> str:
        """The message with a library parameter's name (``depth: ...``) written as the option of
        the command being run (``--depth: ...``) when the command has that option."""
        message, name = str(exc), getattr(exc, "parameter", None)
        if not isinstance(exc, InvalidParameter) or not name:
            return message
        words = sys.argv[1:] if args is None else list(args)
        command = self.commands.get(next((w for w in words if not w.startswith("-")), ""))
        flag = "--" + name.replace("_", "-")
        options = {opt for param in getattr(command, "params", ()) for opt in param.opts}
        if flag not in options or not re.match(rf"{re.escape(name)}\b", message):
            return message
        return flag + message[len(name) :]


def _hold_interrupts() -> None:
    """Keep SIGINT from being delivered for the rest of this process's life (it is exiting)."""
    import signal

    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    else:  # pragma: no cover - Windows
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def caused_by_interrupt(exc: BaseException) -> bool:
    """True when a KeyboardInterrupt stands anywhere in ``exc``'s chain of causes."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def print_json(obj: Any) -> None:
    click.echo(json.dumps(obj, sort_keys=True))


def force_option(func):
    """``--force``: run past a limit set from what this machine can do (esma.limits)."""
    return click.option(
        "--force",
        is_flag=True,
        help="Run even past the limits on digits, terms or depth (see the README's limits).",
    )(func)


def note(message: str) -> None:
    click.echo(message, err=True)


def db_option(func):
    """``--db URL``: shared by every command that reads or writes conjectures."""
    return click.option(
        "--db",
        "db",
        default=None,  # esma.store.resolve_url: $ESMA_DB (if set and not empty), then esma.db
        show_default="$ESMA_DB or sqlite:///esma.db",
        help="Database URL (sqlite:///file.db, postgresql+psycopg://...) or a SQLite file path.",
    )(func)


def value_file_option(help: str):
    """``--value-file FILE``: a number's decimal digits read from FILE ('-' for stdin)."""
    return click.option(
        "--value-file", type=click.File("rb"), default=None, metavar="FILE", help=help
    )


def input_files_argument(metavar: str):
    """``FILES...``: one or more readable files ('-' for stdin), each opened by
    :func:`open_input`."""
    return click.argument(
        "files",
        nargs=-1,
        required=True,
        metavar=metavar,
        type=click.Path(exists=True, dir_okay=False, allow_dash=True),
    )


def open_input(stack: Any, path: str) -> tuple[str, Any]:
    """(name, text stream) of a file argument ('-': stdin), entered into ``stack``; a file
    that cannot be read is one line naming it."""
    if path == "-":
        return "stdin", sys.stdin
    try:
        return path, stack.enter_context(open(path, encoding="utf-8"))
    except OSError as exc:
        raise EsmaError(f"{path}: cannot read ({exc.strerror})") from None


#: A step expected to take longer than this many seconds is announced on stderr first.
LONG_STEP_SECONDS = 5.0


def canonical_constant(text: str | None) -> str | None:
    """The canonical text of a --constant filter (as stored), or the text itself if esma cannot
    read it (a record imported from elsewhere may name a constant this version does not know)."""
    if text is None:
        return None
    from esma.constants import get_constant

    try:
        return get_constant(text).text
    except EsmaError:
        return text.strip()
