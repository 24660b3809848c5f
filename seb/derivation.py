"""NS-SEC (self-coded method) from the standard's answers, as docs/spec/nssec-derivation.md.

A mapping of question key to option code in, both class codes out. The self-coded
table is written as a table; everything outside it is a named rule, tried in order,
whose `explanation` is the sentence every workbook's notes and every page's notes
print, so what the notes say is what the code does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from .standard import load_standard

NOT_WORKING: Final = "not_working"
DONT_KNOW_PREFER_NOT_TO_SAY: Final = "dont_know_prefer_not_to_say"
# "Don't know" and "Prefer not to say", as the standard's data file declares them.
UNKNOWN_ANSWERS: Final = frozenset(load_standard().missing_answers)

NSSEC5_LABELS: Final = {
    "1": "Managerial, administrative and professional occupations",
    "2": "Intermediate occupations",
    "3": "Small employers and own account workers",
    "4": "Lower supervisory and technical occupations",
    "5": "Semi-routine and routine occupations",
    NOT_WORKING: "They were not working",
    DONT_KNOW_PREFER_NOT_TO_SAY: "Don’t know or prefer not to say",
}
NSSEC3_LABELS: Final = {
    "1": "Managerial, administrative and professional occupations",
    "2": "Intermediate occupations",
    "3": "Routine and manual occupations",
    NOT_WORKING: "They were not working",
    DONT_KNOW_PREFER_NOT_TO_SAY: "Don’t know or prefer not to say",
}
NSSEC5_TO_NSSEC3: Final = {
    "1": "1",
    "2": "2",
    "3": "2",
    "4": "3",
    "5": "3",
    NOT_WORKING: NOT_WORKING,
    DONT_KNOW_PREFER_NOT_TO_SAY: DONT_KNOW_PREFER_NOT_TO_SAY,
}
DERIVED_LABELS: Final = {"nssec5": NSSEC5_LABELS, "nssec3": NSSEC3_LABELS}

# The answers the derivation reads; the others never change a class.
DERIVATION_KEYS: Final = (
    "earner_employment_status",
    "self_employed_size",
    "supervisor",
    "earner_occupation",
)

POSITIONS: Final = ("employer_large", "employer_small", "own_account", "supervisor", "employee")

# The self-coded 5-class table (nssec-derivation.md §2): occupation type by position.
NSSEC5_TABLE: Final[dict[str, dict[str, str]]] = {
    #                          employer_large employer_small own_account supervisor employee
    "professional":          dict(zip(POSITIONS, ("1", "1", "1", "1", "1"), strict=True)),
    "manager":               dict(zip(POSITIONS, ("1", "3", "3", "1", "1"), strict=True)),
    "clerical_intermediate": dict(zip(POSITIONS, ("1", "3", "3", "1", "2"), strict=True)),
    "technical_craft":       dict(zip(POSITIONS, ("1", "3", "3", "4", "4"), strict=True)),
    "routine_semi_routine":  dict(zip(POSITIONS, ("1", "3", "3", "4", "5"), strict=True)),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class NSSEC:
    nssec5: str
    nssec3: str


def employment_position(answers: Mapping[str, str]) -> str | None:
    """The employment position of nssec-derivation.md §1, or None outside it.

    `employer_unknown_size` is a self-employed earner with employees whose number
    of employees is not known.
    """
    status = answers.get("earner_employment_status")
    if status == "self_employed_with_employees":
        size = answers.get("self_employed_size")
        if size == "25_or_more":
            return "employer_large"
        if size == "1_to_24":
            return "employer_small"
        return "employer_unknown_size"
    if status == "self_employed_no_employees":
        return "own_account"
    if status == "employee":
        return "supervisor" if answers.get("supervisor") == "yes" else "employee"
    return None


@dataclass(frozen=True, slots=True)
class Rule:
    """One step of the derivation: when `applies`, the 5-class result is `nssec5`."""

    name: str
    explanation: str
    applies: Callable[[Mapping[str, str]], bool]
    nssec5: Callable[[Mapping[str, str]], str]


def _occupation(answers: Mapping[str, str]) -> str:
    return answers.get("earner_occupation", "")


def _self_coded(answers: Mapping[str, str]) -> str:
    position = employment_position(answers)
    assert position in POSITIONS
    return NSSEC5_TABLE[_occupation(answers)][position]


def _grouping() -> str:
    groups: dict[str, list[str]] = {}
    for five, three in NSSEC5_TO_NSSEC3.items():
        if five.isdigit():
            groups.setdefault(three, []).append(five)
    parts = []
    for three, fives in groups.items():
        if fives == [three]:
            parts.append(f"class {three} stays class {three}")
        else:
            parts.append(f"classes {' and '.join(fives)} make class {three}")
    return "; ".join(parts)


# The rules in the order they are tried; the first that applies decides.
RULES: Final = (
    Rule(
        name="not_working",
        explanation=(
            "Where the main or highest income earner was not working, the response is "
            f"counted in its own category, “{NSSEC5_LABELS[NOT_WORKING]}”, as the standard asks."
        ),
        applies=lambda a: a.get("earner_employment_status") == NOT_WORKING,
        nssec5=lambda a: NOT_WORKING,
    ),
    Rule(
        name="employment_status_unknown",
        explanation=(
            "Where the answer to employee, self-employed or not working is “don’t know” or "
            "“prefer not to say”, the response is counted as “don’t know or prefer not to "
            "say”. In telephone interviews “don’t know” is routed as “prefer not to say” is."
        ),
        applies=lambda a: a.get("earner_employment_status") in UNKNOWN_ANSWERS,
        nssec5=lambda a: DONT_KNOW_PREFER_NOT_TO_SAY,
    ),
    Rule(
        name="large_employer",
        explanation=(
            "Self-employed earners with 25 or more employees are not asked their occupation "
            "and are in class 1: employers in large establishments are NS-SEC category L1 "
            "whatever their occupation."
        ),
        applies=lambda a: employment_position(a) == "employer_large",
        nssec5=lambda a: "1",
    ),
    Rule(
        name="occupation_unknown",
        explanation=(
            "Where the occupation is “don’t know” or “prefer not to say” (other than for "
            "employers with 25 or more employees), the response cannot be classified and is "
            "counted as “don’t know or prefer not to say”."
        ),
        applies=lambda a: _occupation(a) in UNKNOWN_ANSWERS,
        nssec5=lambda a: DONT_KNOW_PREFER_NOT_TO_SAY,
    ),
    Rule(
        name="employer_of_unknown_size",
        explanation=(
            "Self-employed earners with employees whose number of employees is not known "
            "(don’t know or prefer not to say) are in class 1 when their occupation is "
            "professional, which is class 1 in every employment position; with any other "
            "occupation they are counted as “don’t know or prefer not to say”, because they "
            "would be class 1 or class 3 depending on the unknown size."
        ),
        applies=lambda a: employment_position(a) == "employer_unknown_size",
        nssec5=lambda a: "1" if _occupation(a) == "professional" else DONT_KNOW_PREFER_NOT_TO_SAY,
    ),
    Rule(
        name="self_coded_table",
        explanation=(
            "Otherwise NS-SEC is derived with the ONS self-coded method: an employment "
            "position (from employee, self-employed or not working, the number of employees "
            "and supervisor status) crossed with the type of occupation. An employee who "
            "supervised others (supervisor status “yes”) is placed as a supervisor; an "
            "employee whose supervisor status is no, don’t know or prefer not to say is "
            "placed as an employee. The number of people working for an employee’s employer "
            "is collected but does not change the class: managers in large and in small "
            "organisations are both in class 1, and no other class depends on it. "
            f"The 3-class version groups the 5 classes: {_grouping()}."
        ),
        applies=lambda a: employment_position(a) in POSITIONS,
        nssec5=_self_coded,
    ),
)


def deciding_rule(answers: Mapping[str, str]) -> Rule:
    """The first rule that applies to a complete response's answers."""
    for rule in RULES:
        if rule.applies(answers):
            return rule
    raise ValueError("no derivation rule applies: the answers are not a complete response")


def derive_nssec5(answers: Mapping[str, str]) -> str:
    return deciding_rule(answers).nssec5(answers)


def derive(answers: Mapping[str, str]) -> NSSEC:
    """Both NS-SEC codes for a complete response's answers."""
    nssec5 = derive_nssec5(answers)
    return NSSEC(nssec5=nssec5, nssec3=NSSEC5_TO_NSSEC3[nssec5])
