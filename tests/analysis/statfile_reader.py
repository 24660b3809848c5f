"""The SPSS and Stata files read back, for the tests: rows decoded into codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas
import pyreadstat
from pandas.io.stata import StataMissingValue

from seb.codebook import codebook


def read_back(content: bytes, extension: str, tmp_path: Path) -> tuple[Any, Any]:
    """The file's rows and pyreadstat's metadata, a declared missing value kept as it is
    stored (its value in SPSS; in Stata its letter, `.` for a question not asked).

    Stata rows are read by pandas' own reader: pyreadstat's `user_missing=True` reads
    Stata's `.` in an integer column as an arbitrary number (pyreadstat 1.3.7).
    """
    path = tmp_path / f"microdata.{extension}"
    path.write_bytes(content)
    if extension == "sav":
        return pyreadstat.read_sav(str(path), user_missing=True)
    _, meta = pyreadstat.read_dta(str(path), metadataonly=True)
    frame = pandas.read_stata(path, convert_missing=True, convert_categoricals=False)
    return frame.map(_stata_value), meta


def _stata_value(value: Any) -> Any:
    """A Stata missing value as its letter (None for `.`), anything else as it is."""
    if isinstance(value, StataMissingValue):
        return value.string.removeprefix(".") or None
    return value


def decoded_rows(frame: Any) -> list[tuple[str, ...]]:
    """The rows of a file read back, each value turned back into its code."""
    decoded = []
    for record in frame.itertuples(index=False):
        row = []
        for variable, value in zip(codebook(), record, strict=True):
            if not variable.is_coded:
                row.append("" if value != value else value)  # NaN is empty text
            elif value is None or value != value:  # None or NaN: not asked
                row.append("")
            elif isinstance(value, str):  # Stata's extended missing value, by its letter
                row.append(next(code.code for code in variable.codes if code.missing == value))
            else:
                row.append(variable.codes[int(value) - 1].code)
        decoded.append(tuple(row))
    return decoded
