"""Fixtures every part of the suite shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from seb.derivation import derive
from surveys.models import Response, StandardVersion, Survey
from surveys.options import clear_option_index, option_index
from surveys.access import ANALYST, INTERVIEWER
from surveys.services import answer_record, response_start, response_submit
from seb.standard import CURRENT_VERSION, Mode, Standard, load_standard

STAFF_PASSWORD = "correct-horse-battery-staple-42"

# A complete online answer set on each routing branch, named for what it exercises.
STATE_EMPLOYEE_CLERICAL = {
    "school_type": "state",
    "free_school_meals": "yes",
    "earner_employment_status": "employee",
    "employer_size": "1_to_24",
    "supervisor": "no",
    "earner_occupation": "clerical_intermediate",
    "parental_qualification": "degree",
}
INDEPENDENT_LARGE_EMPLOYER = {
    "school_type": "independent",
    "earner_employment_status": "self_employed_with_employees",
    "self_employed_size": "25_or_more",
    "parental_qualification": "below_degree",
}
SELECTIVE_NOT_WORKING = {
    "school_type": "state_selective",
    "free_school_meals": "no",
    "earner_employment_status": "not_working",
    "parental_qualification": "no_qualifications",
}


@pytest.fixture
def standard() -> Standard:
    return load_standard()


@pytest.fixture(autouse=True)
def _fresh_option_index() -> None:
    # Option ids differ between test databases (and after a flush).
    clear_option_index()


@pytest.fixture
def make_survey(db: None) -> Callable[..., Survey]:
    def make(slug: str = "test-survey", **fields: Any) -> Survey:
        defaults: dict[str, Any] = {
            "name": "Test survey",
            "standard": StandardVersion.objects.get(version=CURRENT_VERSION),
            "offers_online": True,
            "offers_face_to_face": True,
            "offers_telephone": True,
        }
        return Survey.objects.create(slug=slug, **{**defaults, **fields})

    return make


@pytest.fixture
def survey(make_survey: Callable[..., Survey]) -> Survey:
    return make_survey()


@pytest.fixture
def make_response(db: None) -> Callable[..., Response]:
    """A response with the given answers recorded through the services, optionally submitted."""

    def make(
        survey: Survey,
        answers: Mapping[str, str],
        *,
        mode: Mode | str = Mode.ONLINE,
        submit: bool = True,
        **start: Any,
    ) -> Response:
        response = response_start(survey=survey, mode=mode, **start)
        for key, code in answers.items():
            answer_record(response_id=response.pk, question_key=key, code=code)
        response.refresh_from_db()
        if submit:
            response_submit(response_id=response.pk, revision=response.revision)
            response.refresh_from_db()
        return response

    return make


@pytest.fixture
def make_staff(db: None) -> Callable[..., User]:
    def make(username: str, *roles: str, **fields: Any) -> User:
        user = User.objects.create_user(username=username, password=STAFF_PASSWORD, **fields)
        for role in roles:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    return make


@pytest.fixture
def analyst(make_staff: Callable[..., User]) -> User:
    return make_staff("analyst", ANALYST)


@pytest.fixture
def interviewer(make_staff: Callable[..., User]) -> User:
    return make_staff("interviewer", INTERVIEWER)


@pytest.fixture
def csrf_client() -> Client:
    """A client that enforces CSRF checks, as a browser meets them."""
    return Client(enforce_csrf_checks=True)


BulkResponses = Callable[..., list[Response]]


@pytest.fixture
def bulk_responses(db: None) -> BulkResponses:
    """`count` responses with the same answers, written straight to the table.

    Quicker than answering through the services; the answers must be a complete
    route (the services' own tests cover how answers get there). NS-SEC is
    derived as response_submit derives it.
    """

    def make(
        survey: Survey,
        answers: Mapping[str, str],
        count: int = 1,
        *,
        mode: Mode | str = Mode.ONLINE,
        status: str = Response.Status.COMPLETE,
        completed_at: datetime | None = None,
        reference: str = "",
    ) -> list[Response]:
        index = option_index(survey.standard.version)
        complete = status == Response.Status.COMPLETE
        derived = derive(answers)
        when = completed_at or timezone.now()
        rows = [
            Response(
                survey=survey,
                standard_id=survey.standard_id,
                mode=Mode(mode).value,
                status=status,
                stop_reason="refused" if status == Response.Status.STOPPED else "",
                reference=reference,
                completed_at=when if complete else None,
                nssec5=derived.nssec5 if complete else "",
                nssec3=derived.nssec3 if complete else "",
                **{f"{key}_id": index.id_for(key, code) for key, code in answers.items()},
            )
            for _ in range(count)
        ]
        return Response.objects.bulk_create(rows)

    return make
