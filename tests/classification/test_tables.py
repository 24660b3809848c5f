"""The prescribed tables' shapes and how counts become tables (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from seb.derivation import NSSEC3_LABELS, NSSEC5_LABELS
from seb.perturbation import ptable
from seb.standard import Mode, load_standard
from seb.tables import (
    Selection,
    TableError,
    build_table,
    table_definitions,
    table_specs,
)

TABLE_SPECS = table_definitions()
SCHOOL_TYPE = TABLE_SPECS["school_type"]
FREE_SCHOOL_MEALS = TABLE_SPECS["free_school_meals"]
NSSEC5 = TABLE_SPECS["nssec5"]
NSSEC3 = TABLE_SPECS["nssec3"]
PARENTAL_QUALIFICATION = TABLE_SPECS["parental_qualification"]


def test_table_keys_are_the_specs() -> None:
    """The tables are keyed as output-tables.md names them."""
    assert set(TABLE_SPECS) == {
        "school_type",
        "free_school_meals",
        "nssec5",
        "nssec3",
        "parental_qualification",
    }


def test_school_type_rows_in_the_specs_order() -> None:
    """School type: the five types, then don't know + prefer not to say combined."""
    assert [row.codes for row in SCHOOL_TYPE.rows] == [
        ("state",),
        ("state_selective",),
        ("independent",),
        ("independent_bursary",),
        ("outside_uk",),
        ("dont_know", "prefer_not_to_say"),
    ]
    assert SCHOOL_TYPE.rows[0].label == "Non-selective state"
    assert SCHOOL_TYPE.base == "all"


def test_free_school_meals_rows_and_base_of_those_asked() -> None:
    """Free school meals: eligible, not eligible, not applicable, unknown; base: asked."""
    assert [row.codes for row in FREE_SCHOOL_MEALS.rows] == [
        ("yes",),
        ("no",),
        ("not_applicable",),
        ("dont_know", "prefer_not_to_say"),
    ]
    assert [row.label for row in FREE_SCHOOL_MEALS.rows][:2] == ["Eligible", "Not eligible"]
    assert FREE_SCHOOL_MEALS.base == "asked"


def test_nssec_rows_are_the_classes_then_not_working_then_unknown() -> None:
    """NS-SEC tables list the classes with the standard's names, then the two categories."""
    assert [row.codes[0] for row in NSSEC5.rows] == list(NSSEC5_LABELS)
    assert [row.label for row in NSSEC5.rows] == list(NSSEC5_LABELS.values())
    assert [row.codes[0] for row in NSSEC3.rows] == list(NSSEC3_LABELS)
    assert NSSEC5.rows[-2].label == "They were not working"


def test_parental_qualification_rows_in_the_specs_order() -> None:
    """Parental qualification: degree, below degree, none, not applicable, unknown."""
    assert [row.codes for row in PARENTAL_QUALIFICATION.rows] == [
        ("degree",),
        ("below_degree",),
        ("no_qualifications",),
        ("not_applicable",),
        ("dont_know", "prefer_not_to_say"),
    ]


@pytest.mark.parametrize("key", ["school_type", "free_school_meals", "parental_qualification"])
def test_every_answer_code_is_in_exactly_one_row(key: str) -> None:
    """Each of the question's option codes is counted in one row, none twice or never."""
    codes = TABLE_SPECS[key].codes
    assert sorted(codes) == sorted(load_standard().question(key).codes)


def test_build_table_sums_the_codes_of_each_row() -> None:
    """Don't know and prefer not to say are added together; missing codes count 0."""
    table = build_table(SCHOOL_TYPE, {"state": 30, "dont_know": 4, "prefer_not_to_say": 8})
    assert [row.count for row in table.rows] == [30, 0, 0, 0, 0, 12]
    assert table.total == 42


def test_free_school_meals_base_leaves_out_those_not_asked() -> None:
    """Responses with no free school meals answer are counted apart, not in the base."""
    table = build_table(FREE_SCHOOL_MEALS, {"yes": 10, "no": 20, None: 7})
    assert table.total == 30
    assert table.not_asked == 7


def test_a_table_of_all_responses_refuses_a_missing_value() -> None:
    """A complete response without a value in an all-response table is an error, not a loss."""
    with pytest.raises(TableError):
        build_table(NSSEC5, {"1": 10, None: 2})


def test_a_code_outside_the_table_is_an_error() -> None:
    """An unknown code is never silently dropped from a table."""
    with pytest.raises(TableError):
        build_table(SCHOOL_TYPE, {"state": 10, "grammar": 2})


def test_table_shown_is_controlled_by_default() -> None:
    """Table.shown applies disclosure control unless asked for unrounded figures."""
    table = build_table(PARENTAL_QUALIFICATION, {"degree": 3, "below_degree": 40})
    # Perturbed (cell key 0 here): a 3 is never published as itself.
    assert table.shown().categories[0].count == 3 + ptable().change(3, 0)
    assert table.shown().categories[0].count in (0, *range(10, 15))
    assert table.shown(controlled=False).categories[0].count == 3


@pytest.mark.parametrize(
    ("classes", "keys"),
    [
        ("5", ["school_type", "free_school_meals", "nssec5", "parental_qualification"]),
        ("3", ["school_type", "free_school_meals", "nssec3", "parental_qualification"]),
        (
            "both",
            ["school_type", "free_school_meals", "nssec5", "nssec3", "parental_qualification"],
        ),
    ],
)
def test_table_specs_holds_the_chosen_nssec_tables(classes: str, keys: list[str]) -> None:
    """An output has the four tables, with the 5-class, 3-class or both NS-SEC tables."""
    assert [spec.key for spec in table_specs(classes)] == keys


def test_selection_describes_itself() -> None:
    """The selection reads as words on covers and pages."""
    assert Selection().describe() == "all modes; completed on any date"
    selection = Selection(
        modes=(Mode.ONLINE, Mode.TELEPHONE),
        date_from=date(2025, 1, 1),
        date_to=date(2025, 3, 31),
    )
    assert selection.describe() == (
        "online, telephone; completed from 1 January 2025 to 31 March 2025"
    )
    assert "on or after 2 May 2025" in Selection(date_from=date(2025, 5, 2)).describe()
    assert "on or before 2 May 2025" in Selection(date_to=date(2025, 5, 2)).describe()


def test_table_specs_refuses_an_unknown_system() -> None:
    """Only the 5-class and 3-class systems exist."""
    with pytest.raises(ValueError, match="5, 3 or both"):
        table_specs("4")


def test_the_tallies_keep_every_column_a_prescribed_table_counts_and_no_other() -> None:
    from seb.tables import table_definitions
    from surveys.models import COUNTING_COLUMN, TALLY_COLUMNS

    assert sorted(TALLY_COLUMNS) == sorted({spec.column for spec in table_definitions().values()})
    assert COUNTING_COLUMN in TALLY_COLUMNS
