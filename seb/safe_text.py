"""Text that came from users, made safe to write into CSV and XLSX files.

Spreadsheet programs run a cell as a formula when its text starts with `=`, `+`,
`-` or `@` (and some when it starts with a tab or a carriage return). OWASP's
advice on CSV injection is to put a single quote in front of such text, so that
the program shows it as text. In an XLSX file the cell's type says whether it is
text, so there the text is kept as it is and the cell is forced to be a text
cell (with Excel's own "quote prefix" flag, which keeps it text when edited).

"""

from __future__ import annotations

import re
from typing import Final

FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")
# The control characters an XLSX file cannot hold (XML 1.0 forbids them).
ILLEGAL_CHARACTERS_RE: Final = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def safe_text(value: str) -> str:
    """`value` for a CSV cell: prefixed with `'` when it would start a formula."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def xlsx_text(value: str) -> str:
    """`value` without the control characters that an XLSX file cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def has_illegal_characters(value: str) -> bool:
    return ILLEGAL_CHARACTERS_RE.search(value) is not None
