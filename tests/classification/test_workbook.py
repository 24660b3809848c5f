"""The output workbook and table CSV, built from known tables and read back (no database)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from classification.workbook import write_table_csv, write_workbook
from seb.disclosure import cover_statement, percentage_of
from seb.outputs import publish, report_notes
from seb.perturbation import RECORD_KEYS, KeyedCount, ptable
from seb.standard import Mode
from seb.tables import (
    UNROUNDED_MARK,
    Selection,
    Table,
    TablesReport,
    build_table,
    table_definitions,
)

from .helpers import TABLE_HEADER, check_structure, open_workbook, table_counts, table_rows

TABLE_SPECS = table_definitions()
SCHOOL_TYPE = TABLE_SPECS["school_type"]
FREE_SCHOOL_MEALS = TABLE_SPECS["free_school_meals"]
NSSEC5 = TABLE_SPECS["nssec5"]
NSSEC3 = TABLE_SPECS["nssec3"]
PARENTAL_QUALIFICATION = TABLE_SPECS["parental_qualification"]
TABLES = (
    build_table(
        SCHOOL_TYPE,
        {
            "state": KeyedCount(40, 5_101),
            "state_selective": KeyedCount(7, 902),
            "independent": KeyedCount(3, 377),
            "dont_know": KeyedCount(12, 1_530),
        },
    ),
    build_table(
        FREE_SCHOOL_MEALS,
        {"yes": KeyedCount(21, 2_601), "no": KeyedCount(38, 4_777), None: KeyedCount(3, 411)},
    ),
    build_table(NSSEC5, {"1": 30, "5": 32}),
    build_table(NSSEC3, {"1": 30, "3": 32}),
    build_table(PARENTAL_QUALIFICATION, {"degree": 58, "not_applicable": 4}),
)


def figure(count: int, key_sum: int) -> int:
    """The published figure, read from the ptable directly: the test's oracle."""
    return count + ptable().change(count, key_sum % RECORD_KEYS)


def expected_rows(table: Table) -> list[tuple[str, int, float | str]]:
    total = figure(table.total, table.total_key_sum)
    rows: list[tuple[str, int, float | str]] = []
    for row in table.rows:
        shown = figure(row.count, row.key_sum)
        rows.append((row.label, shown, percentage_of(shown, total)))
    return [*rows, ("Total", total, 100.0 if total else "[x]")]


def make_report(
    *, controlled: bool = True, survey_name: str = "Graduate scheme 2025"
) -> TablesReport:
    return TablesReport(
        survey_name=survey_name,
        selection=Selection(modes=(Mode.ONLINE,), date_from=date(2025, 1, 1)),
        tables=TABLES,
        produced_at=datetime(2025, 6, 30, 9, 15),
        standard_title="Socio-economic background harmonised standard (2023-07-07)",
        controlled=controlled,
    )


def workbook_bytes(report: TablesReport) -> bytes:
    stream = io.BytesIO()
    write_workbook(publish(report), stream)
    return stream.getvalue()


@pytest.mark.parametrize("controlled", [True, False])
def test_workbook_has_cover_contents_notes_and_a_named_table_per_output(controlled: bool) -> None:
    """Cover, Contents, Notes, then one sheet per table with its Excel table named by key."""
    workbook = open_workbook(workbook_bytes(make_report(controlled=controlled)))
    check_structure(
        workbook,
        ["school_type", "free_school_meals", "nssec5", "nssec3", "parental_qualification"],
        unrounded=not controlled,
    )


def test_workbook_tables_hold_the_controlled_counts_and_percentages() -> None:
    """Each count is its true count plus the ptable's change for its cell key; percentages
    are of the published counts over the published total, to one place."""
    workbook = open_workbook(workbook_bytes(make_report()))
    assert [row[:3] for row in table_rows(workbook, "school_type")] == [
        ("Category", "Count", "Percentage"),
        *expected_rows(TABLES[0]),
    ]
    counts = table_counts(workbook, "parental_qualification")
    assert [(label, *counts[label]) for label, *_ in expected_rows(TABLES[4])] == (
        expected_rows(TABLES[4])
    )
    assert all(count not in range(1, 10) for count, _ in counts.values())


def test_unrounded_workbook_holds_exact_counts_and_says_so() -> None:
    """Unrounded: exact counts, and the cover and every table title say so."""
    workbook = open_workbook(workbook_bytes(make_report(controlled=False)))
    counts = table_counts(workbook, "school_type")
    assert counts["Selective state"] == (7, 11.3)
    assert counts["Total"] == (62, 100)
    assert "NOT APPLIED" in " ".join(str(c.value) for c in workbook["Cover"]["A"])
    for sheet in workbook.worksheets[3:]:
        assert UNROUNDED_MARK in sheet["A1"].value


def test_cover_names_the_survey_selection_date_standard_and_disclosure_control() -> None:
    """The cover has the survey, the selection, the date produced, the method and control."""
    workbook = open_workbook(workbook_bytes(make_report()))
    cover = [cell.value for cell in workbook["Cover"]["A"]]
    assert cover[0].startswith("Socio-economic background")
    assert "Graduate scheme 2025" in cover
    text = " ".join(cover)
    assert "online; completed on or after 1 January 2025" in text
    assert "30 June 2025" in text
    assert "self-coded method" in text
    assert cover_statement(controlled=True) in text
    assert "Applied (cell key perturbation)" in text


def test_notes_state_routing_bases_every_derivation_choice_and_the_disclosure_rule() -> None:
    """The Notes sheet numbers each note; it covers §3 of nssec-derivation.md row by row."""
    workbook = open_workbook(workbook_bytes(make_report()))
    rows = table_rows(workbook, "notes")
    assert rows[0] == ("Note number", "Note text")
    assert [number for number, _ in rows[1:]] == [f"[note {n}]" for n in range(1, len(rows))]
    text = " ".join(note for _, note in rows[1:])
    for phrase in (
        "Free school meals is not asked of people who answered “Independent or fee-paying school”",
        f"{figure(3, 411)} complete responses in the selection were not asked",
        "25 or more employees are not asked their occupation and are in class 1",
        "in class 1 when their occupation is professional",
        "class 1 or class 3 depending on the unknown size",
        "Where the occupation is “don’t know” or “prefer not to say”",
        "“They were not working”",
        "Where the answer to employee, self-employed or not working is “don’t know”",
        "does not change the class",
        "classes 2 and 3 make class 2",
        "No figure from 1 to 9 is ever published",
        "A total is a cell of its own",
        "computed from the published (perturbed) counts over the published total",
        "They need not add up to 100",
    ):
        assert phrase in text


def test_each_table_refers_to_its_own_notes() -> None:
    """NS-SEC tables cite the derivation notes; the school type table does not."""
    report = make_report()
    notes = report_notes(report)
    derivation = next(note for note in notes if "self-coded method" in note.text)
    assert derivation.applies_to("nssec5")
    assert not derivation.applies_to("school_type")
    workbook = open_workbook(workbook_bytes(report))
    refs = {sheet.title: sheet["A2"].value for sheet in workbook.worksheets[3:]}
    assert derivation.reference in refs["NS-SEC_5_class"]
    assert derivation.reference not in refs["School_type"]


def test_table_csv_has_one_header_row_and_the_total_last() -> None:
    """The CSV of a table: Category, Count, Percentage; rows in order; Total last."""
    text = io.StringIO()
    write_table_csv(publish(make_report()).tables[0], text)
    rows = list(csv.reader(io.StringIO(text.getvalue())))
    assert rows[0] == list(TABLE_HEADER)
    assert [row[:3] for row in rows[1:]] == [
        [label, str(count), f"{percentage:.1f}"]
        for label, count, percentage in expected_rows(TABLES[0])
    ]
    assert rows[-1][3:] == ["[z]", "[z]"]


def test_table_csv_unrounded_holds_exact_counts() -> None:
    """Unrounded CSV counts are the exact ones."""
    text = io.StringIO()
    write_table_csv(publish(make_report(controlled=False)).tables[0], text)
    rows = list(csv.reader(io.StringIO(text.getvalue())))
    assert rows[2][:3] == ["Selective state", "7", "11.3"]
    assert rows[-1] == ["Total", "62", "100.0", "[z]", "[z]"]
