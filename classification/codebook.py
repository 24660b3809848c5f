"""The codebook as a workbook (XLSX or ODS) and the code list as CSV.

One sheet describes each variable (its label, the question, who was asked), one
lists every code with its number in the SPSS and Stata files, its label and the
modes that offer it. Everything comes from `seb.codebook`.
"""

from __future__ import annotations

from typing import Final, TextIO

from seb.codebook import Variable, missing_values_text
from seb.occupation.variables import microdata_variables
from seb.safe_text import CsvWriter
from seb.standard import CURRENT_VERSION, load_standard

from .sheets import Kind, Sheet, Text
from .workbook import contents_sheet, cover_sheet

CODE_COLUMNS: Final = ("variable", "value", "code", "label", "modes", "other_wordings", "missing")
CODE_HEADER: Final = (
    "Variable",
    "Value",
    "Code",
    "Label",
    "Modes",
    "Other wordings",
    "Missing value (Stata)",
)
CODE_KINDS: Final = (
    Kind.TEXT,
    Kind.COUNT,
    Kind.TEXT,
    Kind.TEXT,
    Kind.TEXT,
    Kind.TEXT,
    Kind.TEXT,
)
CODEBOOK_TITLE: Final = "Socio-economic background microdata: codebook"
SOURCE_STANDARD: Final = "The harmonised standard"
SOURCE_BEYOND: Final = "An addition beyond the harmonised standard"


def code_rows(
    variables: tuple[Variable, ...],
) -> list[tuple[str, int, str, str, str, str, str]]:
    """A row per code; the last cell is empty for an answer, or the Stata extended missing
    value (`.a`) of a code declared missing."""
    return [
        (
            variable.name,
            code.value,
            code.code,
            code.label,
            code.modes_text,
            code.other_wordings,
            code.stata_value if code.missing else "",
        )
        for variable in variables
        for code in variable.codes
    ]


def every_variable(version: str = CURRENT_VERSION) -> tuple[Variable, ...]:
    """The standard's variables, then the additions of a survey that asks the job title."""
    return microdata_variables(version, occupation=True, typed_title=True)


def codebook_sheets(version: str = CURRENT_VERSION) -> list[Sheet]:
    variables = every_variable(version)
    standard = load_standard(version)
    cover = cover_sheet(
        CODEBOOK_TITLE,
        [
            (
                "",
                "The variables of the microdata files (CSV, XLSX, SPSS and Stata): what each "
                "holds, the question behind it, who was asked it, and its codes.",
            ),
            ("Standard", f"{standard.title} ({standard.version})."),
            (
                "Values",
                "In the CSV and XLSX files a coded variable holds its code (for example "
                "state); in the SPSS and Stata files it holds the code's value (for example "
                "1), labelled. An empty cell (system-missing in SPSS, . in Stata) is a "
                "question the routing did not ask.",
            ),
            ("Missing values", missing_values_text(version)),
            (
                "Additions beyond the standard",
                "The variables after nssec3 are additions beyond the harmonised standard: "
                "only the files of a survey that asks for the job title have them (the "
                "typed title only for those allowed to see unrounded figures and microdata). "
                "A SOC code's value in the SPSS and Stata files is the code itself.",
            ),
        ],
    )
    contents = contents_sheet([("Variables", "The variables"), ("Codes", "Every code")])
    described = Sheet("Variables", "The variables", widths=(26, 40, 70, 60, 60, 30))
    described.add("This worksheet contains one table.")
    described.start_table(
        "variables",
        (
            "Variable",
            "Label",
            "Question (online wording)",
            "Who was asked",
            "Description",
            "Source",
        ),
        (Kind.TEXT,) * 6,
    )
    for variable in variables:
        described.add(
            variable.name,
            variable.label,
            Text(variable.question, wrap=True),
            Text(variable.asked, wrap=True),
            Text(variable.description, wrap=True),
            SOURCE_BEYOND if variable.beyond_standard else SOURCE_STANDARD,
        )
    codes = Sheet("Codes", "Every code", widths=(26, 8, 30, 60, 24, 40, 14))
    codes.add("This worksheet contains one table.")
    codes.start_table("codes", CODE_HEADER, CODE_KINDS)
    for row in code_rows(variables):
        codes.add(*row)
    # The Contents sheet links to a Notes sheet in every workbook; here the cover explains.
    notes = Sheet("Notes", "Notes")
    notes.add("This worksheet contains one table.")
    notes.start_table("notes", ("Note number", "Note text"), (Kind.TEXT, Kind.TEXT))
    notes.add(
        "[note 1]",
        Text(
            "Numeric values are each code's place in the standard's own order of options "
            "(docs/spec/codes.md), so the same number means the same answer in every file.",
            wrap=True,
        ),
    )
    return [cover, contents, notes, described, codes]


def write_code_list_csv(stream: TextIO, version: str = CURRENT_VERSION) -> None:
    writer = CsvWriter(stream)
    writer.writerow(CODE_COLUMNS)
    writer.writerows(code_rows(every_variable(version)))
