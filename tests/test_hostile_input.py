"""Bad and hostile input: refused with a clear page or message, nothing changed, never a 500."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from surveys.models import Response

pytestmark = pytest.mark.django_db

ANSWERED = {
    "school_type": "independent",
    "earner_employment_status": "not_working",
    "parental_qualification": "degree",
}


def snapshot() -> list[dict[str, Any]]:
    return list(Response.objects.order_by("pk").values())


def started(client: Client, slug: str, answers: dict[str, str] | None = None) -> None:
    client.post(f"/s/{slug}/")
    for key, code in (answers or {}).items():
        assert client.post(f"/s/{slug}/questions/{key}/", {"answer": code}).status_code == 302


def test_an_option_the_mode_does_not_offer_is_refused(client: Client, survey) -> None:
    """Online offers no "Don't know" on employment status; posting it changes nothing."""
    started(client, survey.slug, {"school_type": "independent"})
    before = snapshot()
    response = client.post(
        f"/s/{survey.slug}/questions/earner_employment_status/", {"answer": "dont_know"}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("value", ["", "state' OR 1=1", "x" * 5000, "<script>alert(1)</script>"])
def test_a_made_up_answer_is_refused(client: Client, survey, value: str) -> None:
    started(client, survey.slug)
    before = snapshot()
    response = client.post(f"/s/{survey.slug}/questions/school_type/", {"answer": value})
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert snapshot() == before


def test_a_question_not_on_the_route_is_refused(client: Client, survey) -> None:
    started(client, survey.slug, {"school_type": "independent"})
    before = snapshot()
    response = client.post(f"/s/{survey.slug}/questions/free_school_meals/", {"answer": "yes"})
    assert response.status_code == 409
    assert "no longer part of the survey" in response.content.decode()
    assert snapshot() == before


def test_an_unknown_question_is_refused(client: Client, survey) -> None:
    started(client, survey.slug)
    before = snapshot()
    response = client.post(f"/s/{survey.slug}/questions/not_a_question/", {"answer": "yes"})
    assert response.status_code == 409
    assert snapshot() == before
    assert client.get(f"/s/{survey.slug}/questions/not_a_question/").status_code == 302


def test_a_stale_question_page_posted_after_the_answers_changed_is_refused(
    client: Client, survey
) -> None:
    """Free school meals was on the route when the page was shown; a change took it off."""
    started(client, survey.slug, {"school_type": "state"})
    client.post(f"/s/{survey.slug}/questions/school_type/", {"answer": "outside_uk"})
    before = snapshot()
    response = client.post(f"/s/{survey.slug}/questions/free_school_meals/", {"answer": "no"})
    assert response.status_code == 409
    assert snapshot() == before


def test_a_stale_check_page_cannot_submit_answers_changed_since(client: Client, survey) -> None:
    started(client, survey.slug, ANSWERED)
    stale_revision = Response.objects.get().revision
    client.post(f"/s/{survey.slug}/questions/parental_qualification/", {"answer": "below_degree"})
    before = snapshot()
    response = client.post(f"/s/{survey.slug}/check-your-answers/", {"revision": stale_revision})
    assert response.status_code == 409
    assert "Your answers have changed since this page was shown" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("revision", ["", "abc", "-1", "9" * 40])
def test_a_malformed_submission_is_refused(client: Client, survey, revision: str) -> None:
    started(client, survey.slug, ANSWERED)
    before = snapshot()
    response = client.post(f"/s/{survey.slug}/check-your-answers/", {"revision": revision})
    assert response.status_code in (400, 409)
    assert snapshot() == before


def test_submitting_an_unfinished_route_is_refused(client: Client, survey) -> None:
    started(client, survey.slug, {"school_type": "independent"})
    before = snapshot()
    response = client.post(f"/s/{survey.slug}/check-your-answers/", {"revision": 1})
    assert response.status_code == 409
    assert snapshot() == before


def test_a_repeated_submission_changes_nothing(client: Client, survey) -> None:
    started(client, survey.slug, ANSWERED)
    revision = Response.objects.get().revision
    first = client.post(f"/s/{survey.slug}/check-your-answers/", {"revision": revision})
    assert first["Location"] == f"/s/{survey.slug}/complete/"
    before = snapshot()
    again = client.post(f"/s/{survey.slug}/check-your-answers/", {"revision": revision})
    assert again["Location"] == f"/s/{survey.slug}/complete/"
    assert snapshot() == before


def race(client: Client, url: str, payloads: list[dict[str, Any]]) -> list[int]:
    """Post each payload at once from its own thread, all in the client's session."""
    statuses: list[int] = []
    barrier = threading.Barrier(len(payloads))

    def post(payload: dict[str, Any]) -> None:
        racer = Client()
        racer.cookies = client.cookies
        barrier.wait()
        try:
            statuses.append(racer.post(url, payload).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(payload,)) for payload in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.django_db(transaction=True)
def test_raced_submissions_complete_the_response_once(make_survey) -> None:
    survey = make_survey()
    client = Client()
    started(client, survey.slug, ANSWERED)
    revision = Response.objects.get().revision
    statuses = race(client, f"/s/{survey.slug}/check-your-answers/", [{"revision": revision}] * 4)
    assert statuses == [302, 302, 302, 302]
    response = Response.objects.get()
    assert response.status == Response.Status.COMPLETE
    assert response.nssec5 == "not_working"


@pytest.mark.django_db(transaction=True)
def test_raced_start_requests_from_one_page_make_one_response(make_survey) -> None:
    """Two Start presses sent at once from one start page make one response, and each
    request's browser is told of that same response."""
    survey = make_survey()
    client = Client()
    page = client.get(f"/s/{survey.slug}/").content.decode()
    token = re.search(r'name="start_token" value="([^"]+)"', page)
    assert token is not None
    statuses = race(client, f"/s/{survey.slug}/", [{"start_token": token[1]}] * 4)
    assert statuses == [302, 302, 302, 302]
    assert Response.objects.filter(survey=survey).count() == 1


@pytest.mark.django_db(transaction=True)
def test_raced_answers_to_one_question_leave_one_answer(make_survey) -> None:
    survey = make_survey()
    client = Client()
    started(client, survey.slug)
    codes = ["state", "independent", "outside_uk", "state_selective"]
    statuses = race(
        client, f"/s/{survey.slug}/questions/school_type/", [{"answer": code} for code in codes]
    )
    assert statuses == [302, 302, 302, 302]
    response = Response.objects.get()
    assert response.school_type in codes
    assert response.revision == 4


def test_a_post_without_a_csrf_token_is_refused(csrf_client: Client, survey) -> None:
    before = snapshot()
    response = csrf_client.post(f"/s/{survey.slug}/")
    assert response.status_code == 403
    assert "this page has expired" in response.content.decode()
    assert snapshot() == before


def test_an_answer_with_a_forged_csrf_token_is_refused(csrf_client: Client, survey) -> None:
    page = csrf_client.get(f"/s/{survey.slug}/")
    token = page.context["csrf_token"]
    csrf_client.post(f"/s/{survey.slug}/", {"csrfmiddlewaretoken": token})
    before = snapshot()
    forged = "A" * 64
    response = csrf_client.post(
        f"/s/{survey.slug}/questions/school_type/",
        {"answer": "state", "csrfmiddlewaretoken": forged},
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_an_oversized_body_is_refused_before_it_is_read(client: Client, survey) -> None:
    started(client, survey.slug)
    before = snapshot()
    response = client.post(
        f"/s/{survey.slug}/questions/school_type/",
        {"answer": "state", "padding": "x" * (1024 * 1024)},
    )
    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode()
    assert snapshot() == before


def test_too_many_fields_are_refused(client: Client, survey) -> None:
    started(client, survey.slug)
    before = snapshot()
    fields = {f"field{n}": "x" for n in range(200)}
    response = client.post(
        f"/s/{survey.slug}/questions/school_type/", {"answer": "state", **fields}
    )
    assert response.status_code == 400
    assert snapshot() == before


def test_a_non_form_body_is_refused(client: Client, survey) -> None:
    started(client, survey.slug)
    before = snapshot()
    response = client.post(
        f"/s/{survey.slug}/questions/school_type/",
        data=b"\xff\xfe\x00garbage",
        content_type="application/octet-stream",
    )
    assert response.status_code == 400
    assert snapshot() == before


def test_another_respondents_session_cannot_reach_this_response(client: Client, survey) -> None:
    started(client, survey.slug, {"school_type": "state"})
    stranger = Client()
    response = stranger.get(f"/s/{survey.slug}/questions/free_school_meals/")
    assert response["Location"] == f"/s/{survey.slug}/"
    before = snapshot()
    stranger.post(f"/s/{survey.slug}/questions/free_school_meals/", {"answer": "yes"})
    assert snapshot() == before
