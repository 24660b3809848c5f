"""Text that came from users, made safe to write into CSV and XLSX files.

Spreadsheet programs run a cell as a formula when its text starts with `=`, `+`,
`-` or `@` (and some when it starts with a tab or a carriage return). OWASP's
advice on CSV injection is to put a single quote in front of such text, so that
the program shows it as text. In an XLSX file the cell's type says whether it is
text, so there the text is kept as it is and the cell is forced to be a text
cell (with Excel's own "quote prefix" flag, which keeps it text when edited).

`CsvWriter` is the one way the service writes CSV (downloads, commands, jobs):
it guards every cell, so no file can forget to. Only the figures the service
computes itself may be written as they are, and only when they are plain
numbers (a spreadsheet reads `-3.2` as a number, never as a formula).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterable
from typing import Final, Protocol

FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")
# The control characters an XLSX file cannot hold (XML 1.0 forbids them).
ILLEGAL_CHARACTERS_RE: Final = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def safe_text(value: str) -> str:
    """`value` for a CSV cell: prefixed with `'` when it would start a formula."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


# A plain number: what a spreadsheet reads as a number, never as a formula.
PLAIN_NUMBER: Final = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def csv_cell(value: object, *, figure: bool = False) -> str:
    """`value` as a guarded CSV cell; a `figure` that is a plain number is kept as it is."""
    text = "" if value is None else str(value)
    if figure and PLAIN_NUMBER.fullmatch(text):
        return text
    return safe_text(text)


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


class CsvWriter:
    """Rows of CSV, every cell guarded by `csv_cell` (header cells too).

    `figure_columns` are the positions of columns holding figures the service
    computed (counts, rates, differences): their plain numbers, negative ones
    included, are written as they are. Lines end with CRLF (RFC 4180). Each write
    returns what the stream's `write` returned (the line itself, for a stream
    that echoes it, as a streamed download wants).
    """

    def __init__(self, stream: Writable, *, figure_columns: Collection[int] = ()) -> None:
        self._writer = csv.writer(stream, lineterminator="\r\n")
        self._figures = frozenset(figure_columns)

    def writerow(self, row: Iterable[object]) -> object:
        figures = self._figures
        if not figures:  # most files: every cell guarded as text (a str's own fast path)
            return self._writer.writerow(
                [safe_text(value) if type(value) is str else csv_cell(value) for value in row]
            )
        return self._writer.writerow(
            [csv_cell(value, figure=position in figures) for position, value in enumerate(row)]
        )

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def xlsx_text(value: str) -> str:
    """`value` without the control characters that an XLSX file cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def has_illegal_characters(value: str) -> bool:
    return ILLEGAL_CHARACTERS_RE.search(value) is not None
