"""The microdata's occupation variables: additions beyond the harmonised standard.

A survey that asks for the job title (`Survey.asks_job_title`) has these columns after
the standard's, in this order; a survey that does not has none of them, so its files
are exactly the standard's. Each is described in the codebook as an addition beyond
the harmonised standard, with its codes and labels: SOC unit groups labelled with their
ONS titles, NS-SEC classes with the ONS class names, so the SPSS and Stata files label
every value. A SOC code's value in those files is the code itself (1111), the other
codes' values are their place in the order below, as the standard's are.

The typed title (`job_title`) can identify a person: it is a column only where the
reader may see unrounded figures and microdata (`microdata_variables(typed_title=True)`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Final

from ..codebook import Code, Variable, codebook
from ..derivation import NSSEC3_LABELS, NSSEC5_LABELS
from ..standard import CURRENT_VERSION, Mode
from .data import read_csv, unit_group_titles
from .nssec import COLUMNS, NSSEC8_LABELS, OPERATIONAL_CATEGORY_LABELS, TABLE_FILES, Method

JOB_TITLE: Final = "job_title"
JOB_TITLE_MAX_LENGTH: Final = 200
# The coded columns, in the microdata's order (after the standard's), then the text.
OCCUPATION_COLUMNS: Final = (
    "soc2020",
    "soc2010",
    "job_title_status",
    "coding_method",
    "coding_score",
    "nssec_operational",
    "nssec8",
    "nssec5_full",
    "nssec3_full",
)
BEYOND_STANDARD: Final = "An addition beyond the harmonised standard."
ASKED: Final = (
    "Only in surveys that ask for the job title, of those the standard asks the "
    "occupation question (an addition beyond the harmonised standard); empty where no "
    "job title was given or it is not coded"
)
STATUS_LABELS: Final = {
    "coded": "Coded",
    "follow-up": "Needs a follow-up",
    "uncoded": "Uncoded",
}
METHOD_LABELS: Final = {
    "automatic": "Coded automatically",
    "suggestion": "Chosen from the suggestions",
    "follow-up": "Settled by the follow-up question",
    "coder": "Coded by a coder",
}


def _codes(labels: Mapping[str, str], *, values: Iterable[int] | None = None) -> tuple[Code, ...]:
    numbers = values if values is not None else range(1, len(labels) + 1)
    return tuple(
        Code(number, code, label, dict.fromkeys(Mode, label))
        for number, (code, label) in zip(numbers, labels.items(), strict=True)
    )


@cache
def soc2010_titles() -> dict[str, str]:
    """SOC 2010 unit group code to its title, as the NS-SEC derivation tables print it."""
    return {row["soc2010"]: row["title"] for row in read_csv(TABLE_FILES[Method.FULL][0])}


def _operational_key(category: str) -> tuple[int, ...]:
    return tuple(int(part) for part in category.removeprefix("L").split("."))


@cache
def operational_categories() -> dict[str, str]:
    """Every operational category the ONS tables place anyone in ("L3.1"), in order,
    labelled with its category's name."""
    found: set[str] = set()
    for method, (categories, _) in TABLE_FILES.items():
        for row in read_csv(categories):
            found.update(f"L{row[column]}" for column in COLUMNS[method] if row[column])
    return {
        category: f"{category}: {OPERATIONAL_CATEGORY_LABELS[category.split('.')[0]]}"
        for category in sorted(found, key=_operational_key)
    }


def _variable(name: str, label: str, description: str, **kwargs: object) -> Variable:
    return Variable(
        name=name,
        label=label,
        description=f"{description} {BEYOND_STANDARD}",
        asked=ASKED,
        beyond_standard=True,
        **kwargs,  # type: ignore[arg-type]
    )


@cache
def occupation_variables() -> tuple[Variable, ...]:
    """The occupation columns of the microdata, in OCCUPATION_COLUMNS order."""
    soc2020 = unit_group_titles()
    soc2010 = soc2010_titles()
    variables = (
        _variable(
            "soc2020",
            "SOC 2020 unit group of the job title",
            "The job title coded to a SOC 2020 unit group with the ONS coding index "
            "(SOC 2020 Volume 2); each value is labelled with its unit group's title.",
            codes=_codes(soc2020, values=map(int, soc2020)),
        ),
        _variable(
            "soc2010",
            "SOC 2010 unit group of the job title",
            "The SOC 2010 unit group the coding index gives beside the SOC 2020 one: the "
            "full NS-SEC is derived from it.",
            codes=_codes(soc2010, values=map(int, soc2010)),
        ),
        _variable(
            "job_title_status",
            "Coding status of the job title",
            "Coded; needs a follow-up (several unit groups fit and the follow-up did not "
            "settle it); or uncoded.",
            codes=_codes(STATUS_LABELS),
        ),
        _variable(
            "coding_method",
            "How the job title was coded",
            "By the coder on its own, by the respondent's pick among the suggestions, by "
            "the follow-up question, or by a coder in the coding queue.",
            codes=_codes(METHOD_LABELS),
        ),
        _variable(
            "coding_score",
            "Score of the automatic coding (0 to 100)",
            "The coder's confidence in its code, from 0 to 100 (docs/spec/occupation.md).",
            numeric=True,
        ),
        _variable(
            "nssec_operational",
            "Full NS-SEC operational category (from the job title)",
            "The NS-SEC 2010 operational category of the SOC 2010 unit group in the column "
            "the employment answers choose (docs/spec/nssec-full.md).",
            codes=_codes(operational_categories()),
        ),
        _variable(
            "nssec8",
            "Full NS-SEC 8-class (from the job title)",
            "The NS-SEC analytic class (8 classes) of the operational category.",
            codes=_codes(NSSEC8_LABELS),
        ),
        _variable(
            "nssec5_full",
            "Full NS-SEC 5-class (from the job title)",
            "The 5-class version of the full NS-SEC; compare with the self-coded nssec5.",
            codes=_codes({code: NSSEC5_LABELS[code] for code in "12345"}),
        ),
        _variable(
            "nssec3_full",
            "Full NS-SEC 3-class (from the job title)",
            "The 3-class version of the full NS-SEC; compare with the self-coded nssec3.",
            codes=_codes({code: NSSEC3_LABELS[code] for code in "123"}),
        ),
    )
    assert tuple(variable.name for variable in variables) == OCCUPATION_COLUMNS
    return variables


JOB_TITLE_VARIABLE: Final = Variable(
    name=JOB_TITLE,
    label="Job title, as typed",
    description=(
        "The job title as the respondent or interviewer typed it. It can identify a "
        "person: it is in the files of those allowed to see unrounded figures and "
        f"microdata only, never in a published output. {BEYOND_STANDARD}"
    ),
    asked=ASKED,
    max_length=JOB_TITLE_MAX_LENGTH,
    beyond_standard=True,
)


def microdata_variables(
    version: str = CURRENT_VERSION, *, occupation: bool = False, typed_title: bool = False
) -> tuple[Variable, ...]:
    """The microdata's variables in column order: the standard's; then, for a survey
    that asks the job title, the occupation columns, and the typed title if allowed."""
    if not occupation:
        return codebook(version)
    typed = (JOB_TITLE_VARIABLE,) if typed_title else ()
    return (*codebook(version), *occupation_variables(), *typed)
