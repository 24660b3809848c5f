"""NS-SEC (self-coded method) from the standard's answers, as shared/spec/nssec-derivation.md.

Pure domain code: a mapping of question key to option code in, class codes out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

NOT_WORKING: Final = "not_working"
DONT_KNOW_PREFER_NOT_TO_SAY: Final = "dont_know_prefer_not_to_say"
UNKNOWN_ANSWERS: Final = frozenset({"dont_know", "prefer_not_to_say"})

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
    """The employment position of nssec-derivation.md §1, or None outside it."""
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


def derive_nssec5(answers: Mapping[str, str]) -> str:
    status = answers.get("earner_employment_status")
    if status == NOT_WORKING:
        return NOT_WORKING
    position = employment_position(answers)
    if position is None:
        # earner_employment_status dont_know or prefer_not_to_say
        return DONT_KNOW_PREFER_NOT_TO_SAY
    if position == "employer_large":
        # NS-SEC L1: employers in large establishments, whatever the occupation.
        return "1"
    occupation = answers.get("earner_occupation")
    if occupation is None or occupation in UNKNOWN_ANSWERS:
        return DONT_KNOW_PREFER_NOT_TO_SAY
    if position == "employer_unknown_size":
        # Professional is class 1 in every column; any other is 1 or 3 by the unknown size.
        return "1" if occupation == "professional" else DONT_KNOW_PREFER_NOT_TO_SAY
    return NSSEC5_TABLE[occupation][position]


def derive(answers: Mapping[str, str]) -> NSSEC:
    """Both NS-SEC codes for a complete response's answers."""
    nssec5 = derive_nssec5(answers)
    return NSSEC(nssec5=nssec5, nssec3=NSSEC5_TO_NSSEC3[nssec5])
