"""Reading integer sequences that people paste or download.

>>> parse_sequence("1, 2, 3\\n5 8")
[1, 2, 3, 5, 8]
>>> parse_sequence("# A000045\\n0 0\\n1 1\\n2 1\\n3 2\\n")   # an OEIS b-file
[0, 1, 1, 2]
"""

from __future__ import annotations

import re
from itertools import pairwise

from esma.errors import InvalidParameter

#: Longest integer literal accepted (digits): generous for sequence terms, bounded for safety.
MAX_DIGITS = 100_000

_TOKEN = re.compile(r"[+-]?\d+")


def parse_sequence(text: str, *, name: str = "input") -> list[int]:
    """Integers separated by spaces, commas or newlines, or an OEIS b-file (``n a(n)`` lines).

    A text is read as a b-file when every non-comment line holds exactly two integers and the
    first column counts up by one; ``#`` starts a comment in both forms.

    Raises
    ------
    InvalidParameter
        A token is not an integer (the message names the line), or there are no integers.
    """
    rows: list[tuple[int, list[int]]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        tokens = [t for t in re.split(r"[\s,;]+", line) if t]
        for tok in tokens:
            if not _TOKEN.fullmatch(tok):
                raise InvalidParameter(
                    f"{name}, line {lineno}: {tok[:40]!r} is not an integer; "
                    "give integers separated by spaces, commas or newlines"
                )
            if len(tok) > MAX_DIGITS:
                raise InvalidParameter(
                    f"{name}, line {lineno}: integer longer than {MAX_DIGITS} digits"
                )
        rows.append((lineno, [int(t) for t in tokens]))
    if not rows:
        raise InvalidParameter(f"{name}: no integers found; give a sequence such as '1 2 3 5 8'")
    if len(rows) > 1 and all(len(vals) == 2 for _, vals in rows):
        index = [vals[0] for _, vals in rows]
        if all(b - a == 1 for a, b in pairwise(index)):
            return [vals[1] for _, vals in rows]
    return [v for _, vals in rows for v in vals]
