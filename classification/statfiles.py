"""The microdata as SPSS (.sav) and Stata (.dta) files, labelled from the standard.

Each coded column is stored as a number (its code's place in the standard's
canonical order, `seb.codebook`) with the standard's labels as value labels,
and every variable carries its label; a question the routing did not ask is a
missing value (SPSS system-missing, Stata `.`). The reference stays text.

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

from seb.codebook import Variable, codebook
from seb.interchange import MICRODATA_COLUMNS
from seb.standard import CURRENT_VERSION

if TYPE_CHECKING:
    import pandas as pd

NAN: Final = float("nan")

SPSS_TYPE: Final = "application/x-spss-sav"
STATA_TYPE: Final = "application/x-stata-dta"
# Stata's limit on a variable label.
STATA_LABEL_LENGTH: Final = 80


class StatFormat(StrEnum):
    SAV = "sav"
    DTA = "dta"

    @property
    def content_type(self) -> str:
        return SPSS_TYPE if self is StatFormat.SAV else STATA_TYPE


def microdata_frame(
    rows: Iterable[Sequence[str]], *, version: str = CURRENT_VERSION
) -> tuple[pd.DataFrame, tuple[Variable, ...]]:
    """The rows (in MICRODATA_COLUMNS order, codes as text) as a DataFrame of numbers.

    Coded columns are gathered as packed arrays of doubles (8 bytes a value, no Python
    object each), which the DataFrame then uses as they are.
    """
    import numpy as np  # imported here: only these exports need them
    import pandas as pd

    variables = codebook(version)
    assert tuple(variable.name for variable in variables) == MICRODATA_COLUMNS
    lookups = [
        {code.code: float(code.value) for code in variable.codes} if variable.is_coded else None
        for variable in variables
    ]
    columns: list[Any] = [array("d") if lookup else [] for lookup in lookups]
    for row in rows:
        for position, (lookup, cell) in enumerate(zip(lookups, row, strict=True)):
            if lookup is None:
                columns[position].append(cell)
            else:
                columns[position].append(lookup[cell] if cell else NAN)
    frame = pd.DataFrame(
        {
            variable.name: (
                np.frombuffer(values, dtype="float64")
                if variable.is_coded
                else pd.Series(values, dtype="object")
            )
            for variable, values in zip(variables, columns, strict=True)
        }
    )
    return frame, variables


def write_statfile(
    rows: Iterable[Sequence[str]],
    path: Path,
    file_format: StatFormat,
    *,
    title: str,
    version: str = CURRENT_VERSION,
) -> int:
    """Write the microdata to `path` as SPSS or Stata; the number of responses written."""
    import pyreadstat

    frame, variables = microdata_frame(rows, version=version)
    labels = {variable.name: variable.label for variable in variables}
    value_labels = {
        variable.name: variable.value_labels for variable in variables if variable.is_coded
    }
    if file_format is StatFormat.SAV:
        pyreadstat.write_sav(
            frame,
            str(path),
            file_label=title,
            column_labels=labels,
            variable_value_labels=value_labels,
            variable_measure={variable.name: "nominal" for variable in variables},
        )
    else:
        pyreadstat.write_dta(
            frame,
            str(path),
            file_label=title[:STATA_LABEL_LENGTH],
            column_labels={name: label[:STATA_LABEL_LENGTH] for name, label in labels.items()},
            variable_value_labels=value_labels,
        )
    return len(frame)
