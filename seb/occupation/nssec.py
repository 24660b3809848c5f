"""Full NS-SEC from a SOC 2010 unit group and the standard's employment answers.

The ONS NS-SEC 2010 derivation tables (amended January 2013, vendored in `data/`) give,
for each SOC 2010 unit group, the operational category (Tables 7 and 9) and the analytic
class (Tables 8 and 10) in each employment status column. The full method (Tables 7, 8)
needs the size of the organisation; the reduced method (Tables 9, 10) is for when the size
is not known; the simplified column (the unit group alone) is for when the employment
status is not known. docs/spec/nssec-full.md states each placement and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Final

from seb.derivation import NSSEC5_LABELS, NSSEC5_TO_NSSEC3, UNKNOWN_ANSWERS
from seb.occupation.data import read_csv


class Method(StrEnum):
    FULL = "full"
    REDUCED = "reduced"
    SIMPLIFIED = "simplified"


SIMPLIFIED_COLUMN: Final = "simplified"
# The employment status columns of each method, in the ONS tables' order.
COLUMNS: Final = {
    Method.FULL: (
        "employers_large",
        "employers_small",
        "own_account",
        "managers_large",
        "managers_small",
        "supervisors",
        "employees",
    ),
    Method.REDUCED: ("employers", "own_account", "managers", "supervisors", "employees"),
    Method.SIMPLIFIED: (SIMPLIFIED_COLUMN,),
}
# (operational categories, analytic classes) for each method.
TABLE_FILES: Final = {
    Method.FULL: ("nssec2010_table7.csv", "nssec2010_table8.csv"),
    Method.REDUCED: ("nssec2010_table9.csv", "nssec2010_table10.csv"),
    # The simplified column is printed in both the full and the reduced tables.
    Method.SIMPLIFIED: ("nssec2010_table7.csv", "nssec2010_table8.csv"),
}

# The analytic classes (ONS NS-SEC user manual); class 1 is split into 1.1 and 1.2.
NSSEC8_LABELS: Final = {
    "1": "Higher managerial, administrative and professional occupations",
    "2": "Lower managerial, administrative and professional occupations",
    "3": "Intermediate occupations",
    "4": "Small employers and own account workers",
    "5": "Lower supervisory and technical occupations",
    "6": "Semi-routine occupations",
    "7": "Routine occupations",
    "8": "Never worked and long-term unemployed",
}
ANALYTIC_SUBCLASS_LABELS: Final = {
    "1.1": "Large employers and higher managerial and administrative occupations",
    "1.2": "Higher professional occupations",
}
NSSEC8_TO_NSSEC5: Final = {"1": "1", "2": "1", "3": "2", "4": "3", "5": "4", "6": "5", "7": "5"}
# The operational categories the tables use, and the analytic class each belongs to.
OPERATIONAL_CATEGORY_CLASS: Final = {
    "L1": "1.1",
    "L2": "1.1",
    "L3": "1.2",
    "L4": "2",
    "L5": "2",
    "L6": "2",
    "L7": "3",
    "L8": "4",
    "L9": "4",
    "L10": "5",
    "L11": "5",
    "L12": "6",
    "L13": "7",
}
OPERATIONAL_CATEGORY_LABELS: Final = {
    "L1": "Employers in large establishments",
    "L2": "Higher managerial and administrative occupations",
    "L3": "Higher professional occupations",
    "L4": "Lower professional and higher technical occupations",
    "L5": "Lower managerial and administrative occupations",
    "L6": "Higher supervisory occupations",
    "L7": "Intermediate occupations",
    "L8": "Employers in small organisations",
    "L9": "Own account workers",
    "L10": "Lower supervisory occupations",
    "L11": "Lower technical occupations",
    "L12": "Semi-routine occupations",
    "L13": "Routine occupations",
}

MANAGER_GROUP: Final = "manager"


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a response's employment answers put it in the ONS tables."""

    method: Method
    column: str


@dataclass(frozen=True, slots=True)
class FullNSSEC:
    method: Method
    column: str
    operational_category: str  # "L3.1"
    analytic_class: str  # as the ONS table prints it: "1.1", "1.2", "2" ... "7"
    nssec8: str
    nssec5: str
    nssec3: str

    @property
    def nssec8_label(self) -> str:
        return NSSEC8_LABELS[self.nssec8]

    @property
    def nssec5_label(self) -> str:
        return NSSEC5_LABELS[self.nssec5]


def placement(answers: Mapping[str, str]) -> Placement | None:
    """The method and column the standard's answers select (docs/spec/nssec-full.md §2).

    None where the earner was not working or the employment status is missing.
    """
    status = answers.get("earner_employment_status")
    if status == "self_employed_with_employees":
        return _sized(answers.get("self_employed_size"), "employers")
    if status == "self_employed_no_employees":
        return Placement(Method.FULL, "own_account")
    if status == "employee":
        # The standard asks no managerial status: an employee who chose the managers
        # group of the occupation question is placed as a manager (nssec-full.md §3).
        if answers.get("earner_occupation") == MANAGER_GROUP:
            return _sized(answers.get("employer_size"), "managers")
        if answers.get("supervisor") == "yes":
            return Placement(Method.FULL, "supervisors")
        return Placement(Method.FULL, "employees")
    if status in UNKNOWN_ANSWERS:
        return Placement(Method.SIMPLIFIED, SIMPLIFIED_COLUMN)
    return None


def _sized(size: str | None, column: str) -> Placement:
    if size == "25_or_more":
        return Placement(Method.FULL, f"{column}_large")
    if size == "1_to_24":
        return Placement(Method.FULL, f"{column}_small")
    return Placement(Method.REDUCED, column)


@cache
def _table(name: str) -> dict[str, dict[str, str]]:
    return {row["soc2010"]: row for row in read_csv(name)}


def table_cell(*, method: Method, column: str, soc2010: str) -> tuple[str, str] | None:
    """(operational category, analytic class) as the ONS tables print them, or None for a
    unit group the tables do not hold."""
    if column not in COLUMNS[method]:
        raise ValueError(f"{column!r} is not a column of the {method} method")
    categories, classes = (_table(name) for name in TABLE_FILES[method])
    if soc2010 not in categories:
        return None
    return categories[soc2010][column], classes[soc2010][column]


def derive_full(*, soc2010: str, answers: Mapping[str, str]) -> FullNSSEC | None:
    """The full NS-SEC of a SOC 2010 unit group and a response's employment answers.

    None where the answers place nothing (not working) or the unit group is unknown.
    """
    where = placement(answers)
    if where is None:
        return None
    cell = table_cell(method=where.method, column=where.column, soc2010=soc2010)
    if cell is None:
        return None
    category, analytic_class = cell
    nssec8 = analytic_class.split(".")[0]
    nssec5 = NSSEC8_TO_NSSEC5[nssec8]
    return FullNSSEC(
        method=where.method,
        column=where.column,
        operational_category=f"L{category}",
        analytic_class=analytic_class,
        nssec8=nssec8,
        nssec5=nssec5,
        nssec3=NSSEC5_TO_NSSEC3[nssec5],
    )


def category_class(operational_category: str) -> str:
    """The analytic class of an operational category by the ONS grouping ("L3.1" -> "1.2")."""
    return OPERATIONAL_CATEGORY_CLASS[operational_category.split(".")[0]]
