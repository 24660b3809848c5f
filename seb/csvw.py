"""CSV on the Web (W3C CSVW) metadata for the CSV downloads: what each column holds.

Every CSV the service writes can be downloaded with a JSON companion, named as
CSVW's convention asks (`FILE.csv-metadata.json`), that gives the file's title,
source, selection and date, and for each column its name, a description, its
datatype and, for coded columns, the codes it may hold (as the datatype's
pattern, so a CSVW validator checks every cell) with their labels. Symbols such
as `[c]` are declared as the "null" values of numeric columns: a validator
reads them as "no number here", never as a malformed number.

Built from the codebook and the published tables, so the metadata says what
the files hold.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from .codebook import Variable, codebook
from .disclosure import CONFIDENTIAL, NOT_APPLICABLE, NOT_AVAILABLE
from .standard import CURRENT_VERSION

CONTEXT: Final = ["http://www.w3.org/ns/csvw", {"@language": "en"}]
SUFFIX: Final = "-metadata.json"
SYMBOLS: Final = (CONFIDENTIAL, NOT_AVAILABLE, NOT_APPLICABLE)
SYMBOLS_TEXT: Final = (
    f"{CONFIDENTIAL} confidential (disclosure control), {NOT_AVAILABLE} not available, "
    f"{NOT_APPLICABLE} not applicable"
)
JSON_TYPE: Final = "application/csvm+json"


def metadata_name(csv_name: str) -> str:
    """`FILE.csv-metadata.json`: where CSVW looks for a CSV file's metadata."""
    return f"{csv_name}{SUFFIX}"


def metadata_bytes(metadata: Mapping[str, Any]) -> bytes:
    """The metadata as the JSON file beside its CSV, whoever writes it."""
    return json.dumps(metadata, ensure_ascii=False, indent=2).encode("utf-8")


def _codes_pattern(codes: Sequence[str]) -> str:
    return "|".join(re.escape(code) for code in codes)


def _codes_text(variable: Variable) -> str:
    return "; ".join(f"{code.code} = {code.label}" for code in variable.codes)


def microdata_column(variable: Variable) -> dict[str, Any]:
    description = f"{variable.description} Who was asked: {variable.asked}."
    if variable.question:
        description += f" The question (online wording): {variable.question}"
    column: dict[str, Any] = {
        "name": variable.name,
        "titles": variable.name,
        "dc:description": description,
        "required": variable.required,
    }
    if variable.numeric:
        column["datatype"] = {"base": "integer", "minimum": 0, "maximum": 100}
        column["null"] = ""
    elif variable.is_coded:
        column["datatype"] = {
            "base": "string",
            "format": _codes_pattern([code.code for code in variable.codes]),
        }
        column["null"] = ""
        column["rdfs:comment"] = f"Codes: {_codes_text(variable)}."
    else:
        column["datatype"] = {"base": "string", "maxLength": variable.max_length + 1}
        column["null"] = ""
        column["rdfs:comment"] = (
            "Free text. Text that a spreadsheet would run as a formula (starting =, +, -, @, "
            "tab or carriage return) is written with a ' in front."
        )
    return column


def _table_group(
    *,
    csv_name: str,
    title: str,
    description: str,
    produced_at: datetime,
    publisher: str,
    columns: list[dict[str, Any]],
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "@context": CONTEXT,
        "url": csv_name,
        "dc:title": title,
        "dc:description": description,
        "dc:created": produced_at.isoformat(timespec="seconds"),
        "dialect": {"encoding": "utf-8", "header": True, "headerRowCount": 1},
        "tableSchema": {"columns": columns},
    }
    if publisher:
        metadata["dc:publisher"] = publisher
    if extra:
        metadata.update(extra)
    return metadata


def microdata_metadata(
    *,
    csv_name: str,
    survey_name: str,
    selection: str,
    produced_at: datetime,
    standard_title: str,
    publisher: str = "",
    version: str = CURRENT_VERSION,
    variables: Sequence[Variable] | None = None,
) -> dict[str, Any]:
    """The metadata of a microdata CSV: one row per complete response. `variables` are
    its columns when not the standard's alone (a survey that asks the job title)."""
    return _table_group(
        csv_name=csv_name,
        title=f"Socio-economic background microdata: {survey_name}",
        description=(
            f"One row per complete response to {survey_name} ({selection}), in the "
            f"interchange format, with NS-SEC derived; collected with {standard_title}. "
            "An empty cell is a question the routing did not ask. Unrounded data: it may "
            "identify people and must not be published or shared as it is."
        ),
        produced_at=produced_at,
        publisher=publisher,
        columns=[
            microdata_column(variable)
            for variable in (codebook(version) if variables is None else variables)
        ],
        extra={"dc:source": standard_title},
    )


def table_metadata(
    *,
    csv_name: str,
    title: str,
    notes: Sequence[str],
    produced_at: datetime,
    publisher: str,
    columns: Sequence[tuple[str, str, str]],
    categories: Sequence[str],
    groups: Sequence[str] = (),
) -> dict[str, Any]:
    """The metadata of a table CSV.

    `columns` are (title, kind, description) with kind "category", "group",
    "count", "percentage", "text" or "integer"; `categories` are the labels a
    "category" column may hold and `groups` those of a "group" column (a
    comparison's columns).
    """
    described = []
    for name, kind, description in columns:
        column: dict[str, Any] = {"titles": name, "dc:description": description}
        if kind in ("category", "group"):
            allowed = categories if kind == "category" else groups
            column["datatype"] = {"base": "string", "format": _codes_pattern(allowed)}
            column["required"] = True
        elif kind == "text":
            column["datatype"] = {"base": "string"}
            column["null"] = ""
        elif kind == "integer":
            column["datatype"] = {"base": "integer"}
            column["required"] = True
        elif kind == "count":
            column["datatype"] = {"base": "integer", "minimum": 0}
            column["null"] = list(SYMBOLS)
            column["rdfs:comment"] = f"A count, or a symbol: {SYMBOLS_TEXT}."
        else:
            column["datatype"] = {"base": "decimal"}
            column["null"] = list(SYMBOLS)
            column["rdfs:comment"] = f"A figure to one decimal place, or a symbol: {SYMBOLS_TEXT}."
        described.append(column)
    return _table_group(
        csv_name=csv_name,
        title=title,
        description=" ".join(notes),
        produced_at=produced_at,
        publisher=publisher,
        columns=described,
    )
