"""The microdata as SPSS (.sav) and Stata (.dta) files, labelled from the standard.

Each coded column is stored as a number (its code's place in the standard's
canonical order, `seb.codebook`) with the standard's labels as value labels,
and every variable carries its label; a question the routing did not ask is a
missing value (SPSS system-missing, Stata `.`), and the standard's "Don't know" and
"Prefer not to say" are declared missing (SPSS user-missing values, Stata extended
missing values `.a` and `.b`, labelled). Codes have integer formats (`F1.0`); Stata
files are in format 118, which Stata 14 and later open. The reference stays text.

pyreadstat writes a whole DataFrame to a file, so these files are built in
memory: about 100 bytes a response (100 MB at a million responses), unlike the
CSV and XLSX files, which stream.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from seb.codebook import Variable
from seb.interchange import MICRODATA_COLUMNS
from seb.occupation.variables import JOB_TITLE, OCCUPATION_COLUMNS, microdata_variables
from seb.standard import CURRENT_VERSION

if TYPE_CHECKING:
    import pandas as pd

NAN: Final = float("nan")

SPSS_TYPE: Final = "application/x-spss-sav"
STATA_TYPE: Final = "application/x-stata-dta"
# Stata's limit on a variable's or the file's label, in characters.
STATA_LABEL_LENGTH: Final = 80
# pyreadstat's name for the release written: 14 is file format 118, which Stata 14
# and every later Stata opens (pyreadstat's default, 15, writes 119, which Stata 14
# cannot open).
STATA_VERSION: Final = 14
# Stata's own display format for whole numbers (a byte's or an int's default).
STATA_INTEGER_FORMAT: Final = "%8.0g"
# An SPSS file's label is 64 bytes of text.
SPSS_FILE_LABEL_BYTES: Final = 64
# A score from 0 to 100 (the occupation coder's), in SPSS.
SCORE_FORMAT: Final = "F3.0"


class StatFormat(StrEnum):
    SAV = "sav"
    DTA = "dta"

    @property
    def content_type(self) -> str:
        return SPSS_TYPE if self is StatFormat.SAV else STATA_TYPE


def file_variables(columns: Sequence[str], version: str = CURRENT_VERSION) -> tuple[Variable, ...]:
    """The codebook's variables of a file's columns (the standard's, and a job-title
    survey's occupation columns: `seb.occupation.variables`)."""
    variables = microdata_variables(
        version,
        occupation=OCCUPATION_COLUMNS[0] in columns,
        typed_title=JOB_TITLE in columns,
    )
    assert tuple(variable.name for variable in variables) == tuple(columns)
    return variables


def _as_number(cell: str) -> float:
    return float(cell) if cell else NAN


def microdata_frame(
    rows: Iterable[Sequence[str]],
    *,
    version: str = CURRENT_VERSION,
    columns: Sequence[str] = MICRODATA_COLUMNS,
) -> tuple[pd.DataFrame, tuple[Variable, ...]]:
    """The rows (in `columns` order, codes as text) as a DataFrame of numbers.

    Coded and numeric columns are gathered as packed arrays of doubles (8 bytes a
    value, no Python object each), which the DataFrame then uses as they are.
    """
    import numpy as np  # imported here: only these exports need them
    import pandas as pd

    variables = file_variables(columns, version)
    lookups = [
        {code.code: float(code.value) for code in variable.codes} if variable.is_coded else None
        for variable in variables
    ]
    numbers = [variable.is_coded or variable.numeric for variable in variables]
    gathered: list[Any] = [array("d") if number else [] for number in numbers]
    for row in rows:
        for position, (lookup, cell) in enumerate(zip(lookups, row, strict=True)):
            if lookup is not None:
                gathered[position].append(lookup[cell] if cell else NAN)
            elif numbers[position]:
                gathered[position].append(_as_number(cell))
            else:
                gathered[position].append(cell)
    frame = pd.DataFrame(
        {
            variable.name: (
                np.frombuffer(values, dtype="float64")
                if number
                else pd.Series(values, dtype="object")
            )
            for variable, values, number in zip(variables, gathered, numbers, strict=True)
        }
    )
    return frame, variables


def cut_at_word(text: str, *, max_bytes: int = 0, max_chars: int = 0) -> str:
    """`text` as it is if it fits (in UTF-8 bytes, or characters), else cut after the last
    whole word that fits with "…" after it."""

    def fits(candidate: str) -> bool:
        if max_bytes and len(candidate.encode("utf-8")) > max_bytes:
            return False
        return not (max_chars and len(candidate) > max_chars)

    if fits(text):
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(" ,;:—–-") + "…"
        if fits(candidate):
            return candidate
    # One word longer than the limit: cut it at a character.
    cut = text
    while cut and not fits(cut + "…"):
        cut = cut[:-1]
    return cut + "…"


def spss_missing(values: Sequence[int]) -> list[Any]:
    """A variable's user-missing values as SPSS declares them: up to three discrete
    values, or one range (the standard's missing answers are its last codes)."""
    if len(values) <= 3:
        return [float(value) for value in values]
    if list(values) != list(range(min(values), max(values) + 1)):
        raise ValueError(f"SPSS cannot declare {values} missing: more than 3, not a range")
    return [{"lo": float(min(values)), "hi": float(max(values))}]


def _stata_column(values: Any, variable: Variable) -> Any:
    """A coded column as Stata is given it: each value as an integer, a missing answer as
    its extended missing letter, a question not asked as None (Stata's `.`). The objects
    are shared, so the column is one pointer a response."""
    import numpy as np
    import pandas as pd

    lookup = np.empty(max(code.value for code in variable.codes) + 1, dtype=object)
    lookup[0] = None
    for code in variable.codes:
        lookup[code.value] = code.missing or code.value
    positions = np.nan_to_num(values, nan=0.0).astype(np.intp)
    return pd.Series(lookup[positions], dtype=object)


def _write_sav(frame: Any, path: Path, variables: Sequence[Variable], title: str) -> None:
    import pyreadstat

    coded = [variable for variable in variables if variable.is_coded]
    pyreadstat.write_sav(
        frame,
        str(path),
        file_label=cut_at_word(title, max_bytes=SPSS_FILE_LABEL_BYTES),
        column_labels={variable.name: variable.label for variable in variables},
        variable_value_labels={variable.name: variable.value_labels for variable in coded},
        missing_ranges={
            variable.name: spss_missing([code.value for code in variable.missing_codes])
            for variable in coded
            if variable.missing_codes
        },
        variable_measure={
            variable.name: "scale" if variable.numeric else "nominal" for variable in variables
        },
        variable_format={
            **{variable.name: f"F{variable.format_width}.0" for variable in coded},
            **{variable.name: SCORE_FORMAT for variable in variables if variable.numeric},
        },
    )


def _write_dta(frame: Any, path: Path, variables: Sequence[Variable], title: str) -> None:
    import pyreadstat

    coded = [variable for variable in variables if variable.is_coded]
    for variable in coded:
        frame[variable.name] = _stata_column(frame[variable.name].to_numpy(), variable)
    pyreadstat.write_dta(
        frame,
        str(path),
        file_label=cut_at_word(title, max_chars=STATA_LABEL_LENGTH),
        column_labels={
            variable.name: cut_at_word(variable.label, max_chars=STATA_LABEL_LENGTH)
            for variable in variables
        },
        version=STATA_VERSION,
        variable_value_labels={
            variable.name: {code.missing or code.value: code.label for code in variable.codes}
            for variable in coded
        },
        missing_user_values={
            variable.name: [code.missing for code in variable.missing_codes]
            for variable in coded
            if variable.missing_codes
        },
        variable_format={
            variable.name: STATA_INTEGER_FORMAT
            for variable in variables
            if variable.is_coded or variable.numeric
        },
    )


def write_statfile(
    rows: Iterable[Sequence[str]],
    path: Path,
    file_format: StatFormat,
    *,
    title: str,
    version: str = CURRENT_VERSION,
    columns: Sequence[str] = MICRODATA_COLUMNS,
) -> int:
    """Write the microdata to `path` as SPSS or Stata; the number of responses written.

    The standard's "Don't know" and "Prefer not to say" are declared missing: SPSS
    user-missing values, Stata extended missing values `.a`, `.b` (`seb.codebook`).
    """
    frame, variables = microdata_frame(rows, version=version, columns=columns)
    writer = _write_sav if file_format is StatFormat.SAV else _write_dta
    writer(frame, path, variables, title)
    return len(frame)
