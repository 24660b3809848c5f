"""NS-SEC is stored with a response when it becomes complete, through the services."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from seb.standard import Mode, load_standard
from surveys.models import Response, Survey

from .test_derivation import SPEC_NSSEC3, spec_nssec5

pytestmark = pytest.mark.django_db

EMPLOYMENT_KEYS = (
    "earner_employment_status",
    "employer_size",
    "self_employed_size",
    "supervisor",
    "earner_occupation",
)


def employment_answers(mode: Mode) -> Iterator[dict[str, str]]:
    """Every route through the employment questions the mode offers.

    The employed version of the number of employees (which never changes the
    class) is fixed at 1 to 24, to keep the number of responses down.
    """
    standard = load_standard()

    def walk(key: str, answers: dict[str, str]) -> Iterator[dict[str, str]]:
        if key not in EMPLOYMENT_KEYS:
            yield answers
            return
        question = standard.question(key)
        codes = ("1_to_24",) if key == "employer_size" else question.wording(mode).codes
        for code in codes:
            yield from walk(question.next_after(code), {**answers, key: code})

    yield from walk("earner_employment_status", {})


@pytest.mark.parametrize("mode", list(Mode))
def test_submitting_a_response_stores_its_derived_classes(
    mode: Mode, survey: Survey, make_response: Callable[..., Response]
) -> None:
    """response_submit stores nssec5 and nssec3 as the spec derives them, on every route."""
    checked = 0
    for employment in employment_answers(mode):
        answers = {
            "school_type": "independent",
            **employment,
            "parental_qualification": "not_applicable",
        }
        response = make_response(survey, answers, mode=mode)
        assert response.status == Response.Status.COMPLETE, answers
        expected = spec_nssec5(employment)
        assert (response.nssec5, response.nssec3) == (expected, SPEC_NSSEC3[expected]), answers
        checked += 1
    assert checked > 50


def test_a_response_in_progress_has_no_derived_classes(
    survey: Survey, make_response: Callable[..., Response]
) -> None:
    """Classes are derived on completion, not before."""
    response = make_response(
        survey,
        {"school_type": "state", "free_school_meals": "no"},
        submit=False,
    )
    assert (response.nssec5, response.nssec3) == ("", "")
