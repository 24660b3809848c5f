"""Interchange files for the import tests, built from rows of cells."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from openpyxl import Workbook

from seb.interchange import COLUMNS

# Complete, routing-valid responses, one per branch of the routing.
EMPLOYEE = {
    "mode": "online",
    "school_type": "state",
    "free_school_meals": "no",
    "earner_employment_status": "employee",
    "employer_size": "25_or_more",
    "supervisor": "yes",
    "earner_occupation": "clerical_intermediate",
    "parental_qualification": "degree",
    "reference": "R-1",
}
LARGE_EMPLOYER = {
    "mode": "face_to_face",
    "school_type": "independent",
    "earner_employment_status": "self_employed_with_employees",
    "self_employed_size": "25_or_more",
    "parental_qualification": "below_degree",
    "reference": "R-2",
}
OWN_ACCOUNT = {
    "mode": "telephone",
    "school_type": "outside_uk",
    "earner_employment_status": "self_employed_no_employees",
    "earner_occupation": "technical_craft",
    "parental_qualification": "no_qualifications",
    "reference": "R-3",
}
TELEPHONE_DONT_KNOW = {
    "mode": "telephone",
    "school_type": "dont_know",
    "free_school_meals": "dont_know",
    "earner_employment_status": "dont_know",
    "parental_qualification": "not_applicable",
    "reference": "R-4",
}
VALID_ROWS = (EMPLOYEE, LARGE_EMPLOYER, OWN_ACCOUNT, TELEPHONE_DONT_KNOW)


def cells(row: Mapping[str, str], columns: Sequence[str] = COLUMNS) -> list[str]:
    return [row.get(column, "") for column in columns]


def csv_file(rows: Sequence[Mapping[str, str]], columns: Sequence[str] = COLUMNS) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(cells(row, columns))
    return text.getvalue().encode("utf-8")


def xlsx_file(rows: Sequence[Sequence[object]]) -> bytes:
    """A workbook whose first sheet holds `rows` as they are (header included)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def xlsx_of(rows: Sequence[Mapping[str, str]], columns: Sequence[str] = COLUMNS) -> bytes:
    return xlsx_file([list(columns), *(cells(row, columns) for row in rows)])
