"""Who may see which interviewer page: interviewers only, and each only their own cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from seb.standard import Mode
from surveys.access import ANALYST, INTERVIEWER
from surveys.models import QUESTION_KEYS, Response, Survey

from .conftest import signed_in

pytestmark = pytest.mark.django_db

COMPLETE_ROUTE = {
    "school_type": "outside_uk",
    "earner_employment_status": "not_working",
    "parental_qualification": "degree",
}

Request = tuple[str, str, dict[str, Any]]


def case_requests(case: Response) -> list[Request]:
    """Every request a case's own URLs answer, with a POST body that would change the case."""
    base = f"/interview/cases/{case.pk}"
    return [
        ("get", f"{base}/", {}),
        ("get", f"{base}/questions/school_type/", {}),
        ("post", f"{base}/questions/school_type/", {"answer": "state"}),
        ("get", f"{base}/check-answers/", {}),
        ("post", f"{base}/check-answers/", {"revision": case.revision}),
        ("get", f"{base}/outcome/", {}),
        ("get", f"{base}/stop/", {}),
        ("post", f"{base}/stop/", {"reason": Response.StopReason.REFUSED}),
    ]


def own_page_requests(survey: Survey) -> list[Request]:
    return [
        ("get", "/interview/", {}),
        ("get", f"/interview/start/{survey.slug}/", {}),
        (
            "post",
            f"/interview/start/{survey.slug}/",
            {"mode": "telephone", "reference": "NEW-1", "create": "yes"},
        ),
        ("get", "/interview/showcards/", {}),
        ("get", "/interview/showcards/school_type/", {}),
    ]


def snapshot(case: Response) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (
        case.status,
        case.stop_reason,
        case.revision,
        case.completed_at,
        *(getattr(case, key) for key in QUESTION_KEYS),
    )


@pytest.fixture
def case(survey: Survey, make_case: Callable[..., Response]) -> Response:
    """The interviewer's case, answered to the end of its route and not yet submitted."""
    return make_case(survey, answers=COMPLETE_ROUTE)


def send(client: Client, request: Request) -> Any:
    method, url, data = request
    return getattr(client, method)(url, data)


def test_signed_out_visitors_are_sent_to_the_login_page_from_every_interviewer_page(
    client: Client, survey: Survey, case: Response
) -> None:
    before = snapshot(case)
    for request in [*own_page_requests(survey), *case_requests(case)]:
        response = send(client, request)
        assert response.status_code == 302, request
        assert response["Location"].startswith("/staff/login/?next="), request
    assert snapshot(case) == before
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    ("roles", "fields"),
    [((ANALYST,), {}), ((), {"is_staff": True})],
    ids=["analyst", "staff-without-a-role"],
)
def test_staff_who_are_not_interviewers_get_403_on_every_interviewer_page_and_change_nothing(
    make_staff: Callable[..., User],
    survey: Survey,
    case: Response,
    roles: tuple[str, ...],
    fields: dict[str, bool],
) -> None:
    client = signed_in(make_staff("not-an-interviewer", *roles, **fields))
    before = snapshot(case)
    for request in [*own_page_requests(survey), *case_requests(case)]:
        response = send(client, request)
        assert response.status_code == 403, request
        assert "You cannot see this page" in response.content.decode(), request
    assert snapshot(case) == before
    assert Response.objects.count() == 1


def test_a_superuser_holds_the_interviewer_role(
    make_staff: Callable[..., User], survey: Survey
) -> None:
    client = signed_in(make_staff("admin", is_staff=True, is_superuser=True))
    assert client.get("/interview/").status_code == 200
    response = client.post(
        f"/interview/start/{survey.slug}/",
        {"mode": "telephone", "reference": "SU-1", "create": "yes"},
    )
    assert response.status_code == 302
    assert Response.objects.filter(reference="SU-1").exists()


def test_an_interviewer_whose_account_is_deactivated_is_signed_out(
    make_staff: Callable[..., User], survey: Survey
) -> None:
    user = make_staff("gone", INTERVIEWER)
    client = signed_in(user)
    user.is_active = False
    user.save()
    response = client.get("/interview/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


def test_another_interviewers_case_is_not_found_on_every_case_url_and_nothing_changes(
    other_interviewer: User, case: Response
) -> None:
    client = signed_in(other_interviewer)
    before = snapshot(case)
    for request in case_requests(case):
        response = send(client, request)
        assert response.status_code == 404, request
        assert case.reference not in response.content.decode(), request
    assert snapshot(case) == before


def test_the_case_owner_reaches_every_case_page(interviewer_client: Client, case: Response) -> None:
    """The counterpart of the 404 test: the same pages open for the case's own interviewer."""
    for request in case_requests(case):
        if request[0] == "get":
            assert send(interviewer_client, request).status_code in (200, 302), request


def test_an_interviewers_own_online_response_is_not_a_case(
    interviewer: User,
    interviewer_client: Client,
    survey: Survey,
    make_case: Callable[..., Response],
) -> None:
    online = make_case(survey, mode=Mode.ONLINE, answers={})
    for request in case_requests(online):
        assert send(interviewer_client, request).status_code == 404, request


def test_an_unknown_case_is_not_found(interviewer_client: Client) -> None:
    missing = "/interview/cases/00000000-0000-4000-8000-000000000000/"
    assert interviewer_client.get(missing).status_code == 404
