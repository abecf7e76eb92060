"""Terminal output of searches: a live progress bar and the table of conjectures found.

rich draws both on a terminal; without one (pipes, CI, ``--json``) the bar is silent and the
table is plain text, so output stays greppable.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Self

import click

from esma.signs import format_signs

if TYPE_CHECKING:
    from esma.search import ChunkResult, SearchSpace


class SearchReporter:
    """Counts a search's progress and shows it as a rich progress bar on a terminal (stderr).

    Use it as a context manager around the search, and call :meth:`begin` once the run is
    known (the ``on_start`` of :func:`esma.runs.resume_search`): only then is the space's size
    asked for, so that workers can start loading while the left-hand sides are listed.
    """

    def __init__(self, space: SearchSpace, *, quiet: bool = False):
        self.space = space
        self.total = self.screened = self.flagged = self.approved = self.chunks = 0
        self.proved = self.refuted = self.slow = self.uncertified = 0
        self.started = time.perf_counter()
        self.live = not quiet and sys.stderr.isatty()
        # Without a terminal (a pipe, a file, a batch job) a line on stderr now and then says
        # how far the search is, so that a long search is never silent.
        self.lines = not quiet and not self.live
        self._last_line = self.started
        self._progress = None
        self._task = None
        self._resumed = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()

    def begin(self, done: int = 0) -> None:
        """Start counting, with ``done`` chunks finished by an earlier session (said on stderr)."""
        space = self.space
        self.total = space.total_candidates
        self.screened = min(done * len(space.signs) * space.chunk_lhs, self.total)
        self._resumed = self.screened
        if done:
            self.note(f"resuming: {done} of {space.total_chunks} chunks done")
        if self.live:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("[bold]search"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("flagged {task.fields[flagged]}  approved {task.fields[approved]}"),
                TextColumn("{task.fields[rate]} cand/s"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(
                "search", total=self.total, completed=self.screened, flagged=0, approved=0, rate="-"
            )

    def advance(self, result: ChunkResult) -> None:
        """Count one finished chunk."""
        self.chunks += 1
        self.screened += result.screened
        self.flagged += result.flagged
        self.approved += len(result.conjectures)
        self.proved += result.proved
        self.refuted += result.refuted
        self.slow += result.slow
        self.uncertified += result.uncertified
        if self.lines and time.perf_counter() - self._last_line >= PROGRESS_SECONDS:
            self._last_line = time.perf_counter()
            click.echo(self.progress_line(), err=True)
        if self._progress is not None:
            self._progress.update(
                self._task,
                completed=self.screened,
                flagged=self.flagged,
                approved=self.approved,
                rate=f"{self.rate:,.0f}",
            )

    @property
    def rate(self) -> float:
        """Candidates screened per second in this process's run."""
        return (self.screened - self._resumed) / max(time.perf_counter() - self.started, 1e-9)

    def progress_line(self) -> str:
        """One line of progress for a log: candidates and chunks done, rate, time left.

        >>> from esma.search import SearchSpace
        >>> reporter = SearchReporter(SearchSpace.create("e", coeff=1, periods="1-1"))
        >>> reporter.begin()
        >>> reporter.progress_line().split(",")[0]
        'search: 0 of 24 candidates (0%)'
        """
        rate = self.rate
        left = (self.total - self.screened) / rate if rate > 0 else None
        eta = "unknown" if left is None else _duration(left)
        share = self.screened / self.total if self.total else 1.0
        return (
            f"search: {self.screened:,} of {self.total:,} candidates ({share:.0%}), "
            f"{self.chunks:,} chunks this session, {rate:,.0f} candidates/s, "
            f"{self.approved:,} approved, about {eta} left"
        )

    def note(self, message: str) -> None:
        """A one-line message on stderr (above the bar when it is live)."""
        if self._progress is not None:
            self._progress.console.print(message)
        else:
            click.echo(message, err=True)

    def summary(self) -> str:
        elapsed = time.perf_counter() - self.started
        refuted = f", {self.refuted:,} refuted by proof" if self.refuted else ""
        slow = ""
        if self.slow:
            from esma.verify import SLOW_FACTOR, first_cap

            # A number given by its digits is approved to what they pin, at most --digits.
            cap = SLOW_FACTOR * first_cap(self.space.digits)
            within = "within at most" if self.space.number is not None else "within"
            slow = f", {self.slow:,} flagged too slow to approve {within} {cap:,} terms"
        # Candidates whose terms could not be certified (a value too close to a rational):
        # neither rejected nor screened, so they are counted apart.
        uncertified = f", {self.uncertified:,} uncertified" if self.uncertified else ""
        return (
            f"{self.screened:,} of {self.total:,} candidates screened, {self.flagged:,} flagged, "
            f"{self.approved:,} approved ({self.proved:,} proved{refuted}){slow}{uncertified} in "
            f"this session ({elapsed:.1f} s)"
        )


#: Seconds between two progress lines on stderr when it is not a terminal.
PROGRESS_SECONDS = 10.0


def _duration(seconds: float) -> str:
    """``42 s``, ``3 min 5 s``, ``2 h 4 min``.

    >>> _duration(42.4), _duration(185), _duration(7440)
    ('42 s', '3 min 5 s', '2 h 4 min')
    """
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def print_conjectures(
    records: Sequence[dict],
    *,
    summary: str = "",
    limit: int | None = None,
    notes: Sequence[str] = (),
) -> None:
    """Conjecture records (``to_dict()`` form) as a table: rich on a terminal, else plain text.

    At most ``limit`` records are shown (all when None), then a line saying how many were left
    out; ``notes`` (the families of a search) come after the records and before ``summary``, so
    that the summary stays the last line.
    """
    if not records:
        click.echo("no conjectures found" + (f"; {summary}" if summary else ""))
        return
    shown = records if limit is None else records[:limit]
    if shown and sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        title = f"{len(records)} conjectures"
        table = Table(title=title if len(shown) == len(records) else f"{len(shown)} of {title}")
        for col in ("id", "signs", "formula", "digits"):
            table.add_column(col, overflow="fold")
        for r in shown:
            table.add_row(
                r["id"], format_signs(r["signs"]), r["formula"], str(r["verified_digits"])
            )
        Console().print(table)
    elif shown:  # plain text, one record a line, written at once (a search prints thousands)
        click.echo(
            "\n".join(
                f"{r['id']}  {format_signs(r['signs']):<6}  {r['formula']}  [{r['verified_digits']} digits]"
                for r in shown
            )
        )
    if len(shown) < len(records):
        left = len(records) - len(shown)
        more = " more" if shown else ""
        click.echo(
            f"... {left:,}{more} record{'s' if left != 1 else ''} not shown (all are stored: "
            "'esma list' shows them)"
        )
    for note in notes:
        click.echo(note)
    if summary:
        click.echo(summary)
