"""Fixtures every part of the suite shares."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.utils import timezone

from seb.standard import Mode, Standard, load_standard
from surveys.access import ANALYST, INTERVIEWER
from surveys.models import Response, Survey
from surveys.responses.bulk import NewResponse, complete, responses_create
from surveys.responses.lifecycle import (
    answer_record,
    response_start,
    response_stop,
    response_submit,
)

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


@pytest.fixture(autouse=True)
def _no_server_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """No request anywhere in the suite may end in an unhandled exception (the server's
    500 page), unless the test is marked `server_error_expected`."""
    from django.core.signals import got_request_exception

    errors: list[str] = []

    def record(sender: object, request: object = None, **kwargs: object) -> None:
        errors.append(str(getattr(request, "path", request)))

    got_request_exception.connect(record, weak=False)
    try:
        yield
    finally:
        got_request_exception.disconnect(record)
    if request.node.get_closest_marker("server_error_expected") is None:
        assert errors == [], f"requests that ended in a server error: {errors}"


@pytest.fixture
def standard() -> Standard:
    return load_standard()


@pytest.fixture
def make_survey(db: None) -> Callable[..., Survey]:
    def make(slug: str = "test-survey", **fields: Any) -> Survey:
        defaults: dict[str, Any] = {
            "name": "Test survey",
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
def invitation_survey(make_survey: Callable[..., Survey]) -> Survey:
    return make_survey(
        "invited",
        name="Invited survey",
        access=Survey.Access.INVITATION,
        organisation="Office for Examples",
        contact_email="surveys@example.org",
        privacy_notice_text="We keep your answers safe.",
        next_steps_text="We will publish the results in the spring.",
    )


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


def granted_every_survey(user: User) -> User:
    """Give staff the "all surveys" permission: they act in their roles on every survey,
    as all staff did before survey teams (`surveys.access`)."""
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="surveys", codename="all_surveys")
    )
    return user


@pytest.fixture
def make_staff(db: None) -> Callable[..., User]:
    """Staff with these roles. Unless `every_survey=False`, they hold the "all surveys"
    permission, so tests of other things need no team; the tests of teams themselves
    (tests/test_access_matrix.py, tests/fieldwork/test_teams.py) make staff without it."""

    def make(username: str, *roles: str, every_survey: bool = True, **fields: Any) -> User:
        user = User.objects.create_user(username=username, password=STAFF_PASSWORD, **fields)
        for role in roles:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        if roles and every_survey:
            granted_every_survey(user)
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
    """`count` responses with the same answers, stored in bulk through the services.

    Quicker than answering a question at a time; the answers must be a complete
    route for a complete response. A response in progress or stopped is started
    and answered through the services.
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
        is_test: bool = False,
    ) -> list[Response]:
        if status != Response.Status.COMPLETE:
            made = []
            for _ in range(count):
                response = response_start(survey=survey, mode=mode, reference=reference)
                for key, code in answers.items():
                    answer_record(response_id=response.pk, question_key=key, code=code)
                if status == Response.Status.STOPPED:
                    response_stop(response_id=response.pk, reason="refused")
                response.refresh_from_db()
                made.append(response)
            return made
        made_complete = complete(survey, mode, answers)
        before = set(Response.objects.filter(survey=survey).values_list("pk", flat=True))
        responses_create(
            survey=survey,
            responses=[
                NewResponse(
                    complete=made_complete,
                    reference=reference,
                    completed_at=completed_at or timezone.now(),
                    is_test=is_test,
                )
                for _ in range(count)
            ],
        )
        return list(Response.objects.filter(survey=survey).exclude(pk__in=before))

    return make


def assert_tallies_match(survey: Survey) -> None:
    """The survey's tallies hold exactly what its counted responses hold, day by day."""
    from collections import Counter

    from django.db.models import Count, Sum
    from django.db.models.functions import TruncDate

    from surveys.models import TALLY_COLUMNS, ResponseTally
    from surveys.responses.tallies import counted_responses

    responses = counted_responses(Response.objects.filter(survey=survey)).annotate(
        day=TruncDate("completed_at", tzinfo=timezone.get_current_timezone())
    )
    live: Counter[tuple[object, ...]] = Counter()
    for variable in TALLY_COLUMNS:
        for day, mode, code, n, keys in (
            responses.order_by()
            .values_list("day", "mode", variable)
            .annotate(n=Count("*"), keys=Sum("record_key"))
        ):
            live[(variable, day, mode, code or "", "count")] += n
            live[(variable, day, mode, code or "", "key_sum")] += keys
    tallied: Counter[tuple[object, ...]] = Counter()
    for variable, day, mode, code, n, keys in ResponseTally.objects.filter(
        survey=survey
    ).values_list("variable", "day", "mode", "code", "count", "key_sum"):
        if n:
            tallied[(variable, day, mode, code, "count")] += n
            tallied[(variable, day, mode, code, "key_sum")] += keys
    # Counts and the record keys' sums alike (the cell keys of published figures).
    assert +tallied == +live
