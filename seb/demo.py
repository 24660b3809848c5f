"""Plausible demo answers: drawn by mode from distributions like a real survey's.

Demo data only: the weights below are rough shapes of what a UK adult population
answers (most went to non-selective state schools; "don't know" is rare, a little
more common online), so the demo's tables, comparisons and charts look like a
survey's, not like noise. They are not estimates of anything and are never shown
as such. Options a mode does not offer are dropped and the rest re-weighted.
"""

from __future__ import annotations

from collections.abc import Mapping
from random import Random
from typing import Final

from .routing import route
from .standard import Mode, Standard

WEIGHTS: Final[Mapping[str, Mapping[str, float]]] = {
    "school_type": {
        "state": 78, "state_selective": 8, "independent": 6, "independent_bursary": 1,
        "outside_uk": 5, "dont_know": 1, "prefer_not_to_say": 1,
    },
    "free_school_meals": {
        "yes": 15, "no": 68, "not_applicable": 10, "dont_know": 6, "prefer_not_to_say": 1,
    },
    "earner_employment_status": {
        "employee": 68, "self_employed_with_employees": 6, "self_employed_no_employees": 11,
        "not_working": 9, "dont_know": 3, "prefer_not_to_say": 3,
    },
    "employer_size": {"1_to_24": 30, "25_or_more": 60, "dont_know": 9, "prefer_not_to_say": 1},
    "self_employed_size": {"1_to_24": 78, "25_or_more": 16, "dont_know": 5, "prefer_not_to_say": 1},
    "supervisor": {"yes": 34, "no": 57, "dont_know": 8, "prefer_not_to_say": 1},
    "earner_occupation": {
        "professional": 21, "manager": 16, "clerical_intermediate": 14,
        "routine_semi_routine": 28, "technical_craft": 16, "dont_know": 4,
        "prefer_not_to_say": 1,
    },
    "parental_qualification": {
        "degree": 24, "below_degree": 45, "no_qualifications": 22, "not_applicable": 2,
        "dont_know": 6, "prefer_not_to_say": 1,
    },
}  # fmt: skip
# People say "don't know" and "prefer not to say" more readily to a screen.
ONLINE_UNKNOWN_FACTOR: Final = 1.6


def plausible_answers(standard: Standard, mode: Mode | str, rng: Random) -> dict[str, str]:
    """A complete, routing-valid set of answers drawn from `WEIGHTS`."""
    mode = Mode(mode)
    answers: dict[str, str] = {}
    while (key := route(standard, mode, answers).next_question) is not None:
        offered = standard.question(key).wording(mode).codes
        weights = [
            WEIGHTS[key][code]
            * (
                ONLINE_UNKNOWN_FACTOR
                if mode is Mode.ONLINE and code in standard.missing_answers
                else 1.0
            )
            for code in offered
        ]
        answers[key] = rng.choices(offered, weights=weights)[0]
    return answers
