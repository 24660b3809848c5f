"""Full NS-SEC (docs/spec/nssec-full.md) against every row of the ONS derivation tables."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from seb.occupation.nssec import (
    FullNSSEC,
    Method,
    category_class,
    derive_full,
    placement,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "seb" / "occupation" / "data"

# The standard's answers that select each column (nssec-full.md §2), written out here
# rather than taken from the code under test.
COLUMN_ANSWERS: dict[tuple[str, str], dict[str, str]] = {
    ("full", "employers_large"): {
        "earner_employment_status": "self_employed_with_employees",
        "self_employed_size": "25_or_more",
    },
    ("full", "employers_small"): {
        "earner_employment_status": "self_employed_with_employees",
        "self_employed_size": "1_to_24",
        "earner_occupation": "manager",
    },
    ("full", "own_account"): {
        "earner_employment_status": "self_employed_no_employees",
        "earner_occupation": "technical_craft",
    },
    ("full", "managers_large"): {
        "earner_employment_status": "employee",
        "employer_size": "25_or_more",
        "supervisor": "no",
        "earner_occupation": "manager",
    },
    ("full", "managers_small"): {
        "earner_employment_status": "employee",
        "employer_size": "1_to_24",
        "supervisor": "yes",
        "earner_occupation": "manager",
    },
    ("full", "supervisors"): {
        "earner_employment_status": "employee",
        "employer_size": "25_or_more",
        "supervisor": "yes",
        "earner_occupation": "professional",
    },
    ("full", "employees"): {
        "earner_employment_status": "employee",
        "employer_size": "1_to_24",
        "supervisor": "no",
        "earner_occupation": "routine_semi_routine",
    },
    ("reduced", "employers"): {
        "earner_employment_status": "self_employed_with_employees",
        "self_employed_size": "dont_know",
        "earner_occupation": "professional",
    },
    ("reduced", "managers"): {
        "earner_employment_status": "employee",
        "employer_size": "prefer_not_to_say",
        "supervisor": "no",
        "earner_occupation": "manager",
    },
    ("simplified", "simplified"): {"earner_employment_status": "dont_know"},
}
TABLES = {
    "full": ("nssec2010_table7.csv", "nssec2010_table8.csv"),
    "reduced": ("nssec2010_table9.csv", "nssec2010_table10.csv"),
    "simplified": ("nssec2010_table7.csv", "nssec2010_table8.csv"),
}
FIVE = {"1": "1", "2": "1", "3": "2", "4": "3", "5": "4", "6": "5", "7": "5"}
THREE = {"1": "1", "2": "1", "3": "2", "4": "2", "5": "3", "6": "3", "7": "3"}


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _cases() -> list[tuple[str, str, dict[str, str], dict[str, str]]]:
    cases = []
    for (method, column), _answers in COLUMN_ANSWERS.items():
        categories, classes = (_rows(name) for name in TABLES[method])
        for category_row, class_row in zip(categories, classes, strict=True):
            cases.append((method, column, category_row, class_row))
    return cases


def test_the_tables_hold_all_369_soc2010_unit_groups_in_each_of_the_four_tables():
    for name in ("7", "8", "9", "10"):
        rows = _rows(f"nssec2010_table{name}.csv")
        assert len(rows) == 369
        assert len({row["soc2010"] for row in rows}) == 369


def test_every_row_and_column_of_tables_7_to_10_is_derived_as_the_ons_prints_it():
    checked = 0
    for method, column, category_row, class_row in _cases():
        assert category_row["soc2010"] == class_row["soc2010"]
        answers = COLUMN_ANSWERS[(method, column)]
        result = derive_full(soc2010=category_row["soc2010"], answers=answers)
        assert result is not None
        assert (result.method, result.column) == (method, column)
        assert result.operational_category == "L" + category_row[column], category_row
        assert result.analytic_class == class_row[column], class_row
        eight = class_row[column].split(".")[0]
        assert (result.nssec8, result.nssec5, result.nssec3) == (eight, FIVE[eight], THREE[eight])
        checked += 1
    # 369 unit groups x (7 full + 2 reduced-only + 1 simplified) columns.
    assert checked == 369 * 10


def test_the_reduced_tables_own_account_supervisors_and_employees_match_the_full_tables():
    """Those columns do not depend on size, so the full method serves them whatever the size."""
    full, reduced = _rows("nssec2010_table7.csv"), _rows("nssec2010_table9.csv")
    for a, b in zip(full, reduced, strict=True):
        for column in ("own_account", "supervisors", "employees"):
            assert a[column] == b[column], (a["soc2010"], column)


def test_table_8_classes_follow_the_ons_grouping_of_table_7_categories_but_two_cells():
    """Table 8 prints class "1" (not 1.1) for chief executives as small employers and own
    account workers, where Table 7 gives L1; every other cell follows the grouping."""
    differ = []
    for table_categories, table_classes in (TABLES["full"], TABLES["reduced"]):
        categories, classes = _rows(table_categories), _rows(table_classes)
        for a, b in zip(categories, classes, strict=True):
            for column in a:
                if column in ("soc2010", "title"):
                    continue
                if category_class("L" + a[column]) != b[column]:
                    differ.append((table_classes, a["soc2010"], column, b[column]))
    assert differ == [
        ("nssec2010_table8.csv", "1115", "employers_small", "1"),
        ("nssec2010_table8.csv", "1115", "own_account", "1"),
    ]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"earner_employment_status": "not_working"}, None),
        ({}, None),
        ({"earner_employment_status": "prefer_not_to_say"}, ("simplified", "simplified")),
        (
            {"earner_employment_status": "employee", "supervisor": "dont_know"},
            ("full", "employees"),
        ),
        (
            {
                "earner_employment_status": "employee",
                "supervisor": "yes",
                "employer_size": "dont_know",
                "earner_occupation": "technical_craft",
            },
            ("full", "supervisors"),
        ),
        (
            {
                "earner_employment_status": "self_employed_with_employees",
                "self_employed_size": "prefer_not_to_say",
            },
            ("reduced", "employers"),
        ),
    ],
)
def test_placement_of_the_standards_answers(answers, expected):
    where = placement(answers)
    assert (None if where is None else (where.method, where.column)) == expected


def test_a_manager_who_supervises_is_placed_as_a_manager_not_a_supervisor():
    answers = {
        "earner_employment_status": "employee",
        "employer_size": "25_or_more",
        "supervisor": "yes",
        "earner_occupation": "manager",
    }
    # 1121 Production managers in manufacturing: L2 as a manager in a large
    # organisation, L5 as a supervisor.
    result = derive_full(soc2010="1121", answers=answers)
    assert result == FullNSSEC(
        method=Method.FULL,
        column="managers_large",
        operational_category="L2",
        analytic_class="1.1",
        nssec8="1",
        nssec5="1",
        nssec3="1",
    )
    assert result.nssec8_label.startswith("Higher managerial")


def test_an_unknown_unit_group_or_not_working_gives_no_full_nssec():
    assert derive_full(soc2010="0000", answers=COLUMN_ANSWERS[("full", "employees")]) is None
    assert derive_full(soc2010="1121", answers={"earner_employment_status": "not_working"}) is None
