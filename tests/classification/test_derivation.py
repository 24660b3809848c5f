"""NS-SEC derivation against docs/spec/nssec-derivation.md (no database).

The expected values are restated here from the spec, apart from the module's
own table, so a wrong cell in either shows up.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pytest

from seb.derivation import (
    DONT_KNOW_PREFER_NOT_TO_SAY,
    NOT_WORKING,
    NSSEC3_LABELS,
    NSSEC5_LABELS,
    derive,
)
from seb.routing import check_response, route
from seb.standard import Mode, Standard, load_standard

DK = DONT_KNOW_PREFER_NOT_TO_SAY
UNKNOWN = ("dont_know", "prefer_not_to_say")
OCCUPATIONS = (
    "professional",
    "manager",
    "clerical_intermediate",
    "technical_craft",
    "routine_semi_routine",
)

# nssec-derivation.md §2, row by row, column by column.
POSITIONS = ("employer_large", "employer_small", "own_account", "supervisor", "employee")
SPEC_TABLE: dict[str, tuple[str, str, str, str, str]] = {
    "professional": ("1", "1", "1", "1", "1"),
    "manager": ("1", "3", "3", "1", "1"),
    "clerical_intermediate": ("1", "3", "3", "1", "2"),
    "technical_craft": ("1", "3", "3", "4", "4"),
    "routine_semi_routine": ("1", "3", "3", "4", "5"),
}
# nssec-derivation.md §4.
SPEC_NSSEC3 = {"1": "1", "2": "2", "3": "2", "4": "3", "5": "3", NOT_WORKING: NOT_WORKING, DK: DK}

# nssec-derivation.md §1: answers that put the earner in each position.
POSITION_ANSWERS: dict[str, dict[str, str]] = {
    "employer_large": {
        "earner_employment_status": "self_employed_with_employees",
        "self_employed_size": "25_or_more",
    },
    "employer_small": {
        "earner_employment_status": "self_employed_with_employees",
        "self_employed_size": "1_to_24",
    },
    "own_account": {"earner_employment_status": "self_employed_no_employees"},
    "supervisor": {
        "earner_employment_status": "employee",
        "employer_size": "1_to_24",
        "supervisor": "yes",
    },
    "employee": {
        "earner_employment_status": "employee",
        "employer_size": "25_or_more",
        "supervisor": "no",
    },
}


def _cells(occupation: str) -> list[tuple[str, str]]:
    return list(zip(POSITIONS, SPEC_TABLE[occupation], strict=True))


def _check_cell(occupation: str, position: str, expected: str) -> None:
    answers = {**POSITION_ANSWERS[position], "earner_occupation": occupation}
    derived = derive(answers)
    assert (derived.nssec5, derived.nssec3) == (expected, SPEC_NSSEC3[expected])


# §2: one test per row of the table, one case per cell.


@pytest.mark.parametrize(("position", "expected"), _cells("professional"))
def test_table_row_professional(position: str, expected: str) -> None:
    """Professional is class 1 in every position."""
    _check_cell("professional", position, expected)


@pytest.mark.parametrize(("position", "expected"), _cells("manager"))
def test_table_row_manager(position: str, expected: str) -> None:
    """Manager: 1 as large employer, supervisor or employee; 3 as small employer or own account."""
    _check_cell("manager", position, expected)


@pytest.mark.parametrize(("position", "expected"), _cells("clerical_intermediate"))
def test_table_row_clerical_intermediate(position: str, expected: str) -> None:
    """Clerical and intermediate: 1, 3, 3, 1 and 2 (employees) across the positions."""
    _check_cell("clerical_intermediate", position, expected)


@pytest.mark.parametrize(("position", "expected"), _cells("technical_craft"))
def test_table_row_technical_craft(position: str, expected: str) -> None:
    """Technical and craft: 1, 3, 3, then 4 for supervisors and employees."""
    _check_cell("technical_craft", position, expected)


@pytest.mark.parametrize(("position", "expected"), _cells("routine_semi_routine"))
def test_table_row_routine_semi_routine(position: str, expected: str) -> None:
    """Routine and semi-routine: 1, 3, 3, 4 for supervisors and 5 for employees."""
    _check_cell("routine_semi_routine", position, expected)


# §1: the employment positions.


@pytest.mark.parametrize("supervisor", ["no", *UNKNOWN])
@pytest.mark.parametrize("occupation", OCCUPATIONS)
def test_position_employee_when_supervisor_is_no_dont_know_or_prefer_not_to_say(
    supervisor: str, occupation: str
) -> None:
    """An employee whose supervisor answer is not "yes" takes the employee column."""
    answers = {
        "earner_employment_status": "employee",
        "employer_size": "1_to_24",
        "supervisor": supervisor,
        "earner_occupation": occupation,
    }
    assert derive(answers).nssec5 == SPEC_TABLE[occupation][POSITIONS.index("employee")]


@pytest.mark.parametrize("employer_size", ["1_to_24", "25_or_more", *UNKNOWN])
@pytest.mark.parametrize("supervisor", ["yes", "no"])
@pytest.mark.parametrize("occupation", OCCUPATIONS)
def test_employer_size_does_not_change_the_class(
    employer_size: str, supervisor: str, occupation: str
) -> None:
    """The employed version of the number of employees never changes the 5-class result."""
    answers = {
        "earner_employment_status": "employee",
        "employer_size": employer_size,
        "supervisor": supervisor,
        "earner_occupation": occupation,
    }
    column = "supervisor" if supervisor == "yes" else "employee"
    assert derive(answers).nssec5 == SPEC_TABLE[occupation][POSITIONS.index(column)]


# §3: the cases outside the table, one test per row of the spec.


def test_employer_large_occupation_not_asked_is_class_1() -> None:
    """Employers in large establishments (occupation skipped by routing) are class 1 (L1)."""
    derived = derive(POSITION_ANSWERS["employer_large"])
    assert (derived.nssec5, derived.nssec3) == ("1", "1")


@pytest.mark.parametrize("size", UNKNOWN)
def test_employer_unknown_size_and_professional_is_class_1(size: str) -> None:
    """A self-employed earner with employees, size unknown, professional: class 1."""
    answers = {
        "earner_employment_status": "self_employed_with_employees",
        "self_employed_size": size,
        "earner_occupation": "professional",
    }
    assert derive(answers).nssec5 == "1"


@pytest.mark.parametrize("occupation", [o for o in OCCUPATIONS if o != "professional"])
@pytest.mark.parametrize("size", UNKNOWN)
def test_employer_unknown_size_and_any_other_occupation_is_dont_know_prefer_not_to_say(
    size: str, occupation: str
) -> None:
    """Size unknown and not professional: class 1 or 3 by the unknown size, so not classified."""
    answers = {
        "earner_employment_status": "self_employed_with_employees",
        "self_employed_size": size,
        "earner_occupation": occupation,
    }
    assert derive(answers).nssec5 == DK


@pytest.mark.parametrize("occupation", UNKNOWN)
@pytest.mark.parametrize(
    "position_answers",
    [
        POSITION_ANSWERS["employer_small"],
        {
            "earner_employment_status": "self_employed_with_employees",
            "self_employed_size": "dont_know",
        },
        POSITION_ANSWERS["own_account"],
        POSITION_ANSWERS["supervisor"],
        POSITION_ANSWERS["employee"],
    ],
    ids=["employer_small", "employer_unknown_size", "own_account", "supervisor", "employee"],
)
def test_any_position_with_occupation_dont_know_or_prefer_not_to_say_is_dont_know_prefer_not_to_say(
    position_answers: dict[str, str], occupation: str
) -> None:
    """An unknown occupation is not classifiable in any position but employer_large."""
    derived = derive({**position_answers, "earner_occupation": occupation})
    assert (derived.nssec5, derived.nssec3) == (DK, DK)


def test_earner_employment_status_not_working_is_not_working() -> None:
    """ "They were not working" is its own category in both systems."""
    derived = derive({"earner_employment_status": "not_working"})
    assert (derived.nssec5, derived.nssec3) == (NOT_WORKING, NOT_WORKING)


@pytest.mark.parametrize("status", UNKNOWN)
def test_earner_employment_status_dont_know_or_prefer_not_to_say_is_dont_know_prefer_not_to_say(
    status: str,
) -> None:
    """An unknown employment status is "don't know or prefer not to say"."""
    derived = derive({"earner_employment_status": status})
    assert (derived.nssec5, derived.nssec3) == (DK, DK)


# §4: the derived codes.


def test_nssec3_groups_the_5_classes_as_section_4_says() -> None:
    """3-class: 1 from 1; 2 from 2 and 3; 3 from 4 and 5; the two other categories kept."""
    examples = {
        "1": POSITION_ANSWERS["employee"] | {"earner_occupation": "manager"},
        "2": POSITION_ANSWERS["employee"] | {"earner_occupation": "clerical_intermediate"},
        "3": POSITION_ANSWERS["own_account"] | {"earner_occupation": "manager"},
        "4": POSITION_ANSWERS["supervisor"] | {"earner_occupation": "technical_craft"},
        "5": POSITION_ANSWERS["employee"] | {"earner_occupation": "routine_semi_routine"},
        NOT_WORKING: {"earner_employment_status": "not_working"},
        DK: {"earner_employment_status": "prefer_not_to_say"},
    }
    for nssec5, answers in examples.items():
        assert derive(answers).nssec5 == nssec5
        assert derive(answers).nssec3 == SPEC_NSSEC3[nssec5]


def test_labels_cover_every_derived_code() -> None:
    """Every derived code has the standard's class name, in the table order."""
    assert list(NSSEC5_LABELS) == ["1", "2", "3", "4", "5", NOT_WORKING, DK]
    assert list(NSSEC3_LABELS) == ["1", "2", "3", NOT_WORKING, DK]
    assert NSSEC3_LABELS["3"] == "Routine and manual occupations"


# Every routing path, every option each mode offers.


def complete_answer_sets(standard: Standard, mode: Mode) -> Iterator[dict[str, str]]:
    """Every complete set of answers in `mode`, walking surveys.routing from the start."""

    def walk(answers: dict[str, str]) -> Iterator[dict[str, str]]:
        walked = route(standard, mode, answers)
        if walked.is_complete:
            yield dict(walked.answers)
            return
        assert walked.next_question is not None
        question = standard.question(walked.next_question)
        for code in question.wording(mode).codes:
            yield from walk({**answers, question.key: code})

    yield from walk({})


def spec_nssec5(answers: Mapping[str, str]) -> str:
    """nssec-derivation.md, read rule by rule, for a complete set of answers."""
    status = answers["earner_employment_status"]
    if status == "not_working":
        return NOT_WORKING
    if status in UNKNOWN:
        return DK
    if status == "self_employed_with_employees":
        size = answers["self_employed_size"]
        if size == "25_or_more":
            return "1"
        occupation = answers["earner_occupation"]
        if occupation in UNKNOWN:
            return DK
        if size in UNKNOWN:
            return "1" if occupation == "professional" else DK
        position = "employer_small"
    elif status == "self_employed_no_employees":
        position = "own_account"
    else:
        position = "supervisor" if answers["supervisor"] == "yes" else "employee"
    occupation = answers["earner_occupation"]
    if occupation in UNKNOWN:
        return DK
    return SPEC_TABLE[occupation][POSITIONS.index(position)]


@pytest.mark.parametrize("mode", list(Mode))
def test_derivation_matches_the_spec_on_every_routing_path_in_every_mode(mode: Mode) -> None:
    """Every complete combination of answers the mode allows derives as the spec says."""
    standard = load_standard()
    seen_options: set[tuple[str, str]] = set()
    seen_classes: set[str] = set()
    paths = 0
    for answers in complete_answer_sets(standard, mode):
        assert not check_response(standard, mode, answers)
        expected = spec_nssec5(answers)
        derived = derive(answers)
        assert (derived.nssec5, derived.nssec3) == (expected, SPEC_NSSEC3[expected]), answers
        seen_options.update(answers.items())
        seen_classes.add(expected)
        paths += 1
    offered = {
        (question.key, code)
        for question in standard.questions
        for code in question.wording(mode).codes
    }
    # The walk reached every option the mode offers, and every derived code.
    assert seen_options == offered
    assert seen_classes == set(SPEC_NSSEC3)
    assert paths > 1000
