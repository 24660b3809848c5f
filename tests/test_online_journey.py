"""The online self-completion journey at /s/<slug>/, through the Django test client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.test.html import parse_html
from django.utils import timezone
from django.utils.html import escape

from seb.standard import Mode, load_standard
from surveys.models import Response
from tests.standard_text import covering_paths, expected_questions

STANDARD = load_standard()
QUESTION_URL = re.compile(r"/s/(?P<slug>[\w-]+)/questions/(?P<key>\w+)/")

pytestmark = pytest.mark.django_db

INDEPENDENT_NOT_WORKING = {
    "school_type": "independent",
    "earner_employment_status": "not_working",
    "parental_qualification": "degree",
}


def start(client: Client, slug: str) -> str:
    response = client.post(f"/s/{slug}/")
    assert response.status_code == 302
    return response["Location"]


def walk(client: Client, slug: str, answers: dict[str, str]) -> list[str]:
    """Answer every question the pages show, from the start page to check your answers."""
    url = start(client, slug)
    shown = []
    while (match := QUESTION_URL.fullmatch(url)) is not None:
        key = match["key"]
        page = client.get(url)
        assert page.status_code == 200, url
        shown.append(key)
        response = client.post(url, {"answer": answers[key]})
        assert response.status_code == 302, response.content.decode()[:500]
        url = response["Location"]
    assert url == f"/s/{slug}/check-your-answers/"
    return shown


def stored_answers(response: Response) -> dict[str, str]:
    return response.answers


def the_response(slug: str) -> Response:
    return Response.objects.get(survey__slug=slug)


@pytest.mark.parametrize(
    "answers",
    covering_paths(STANDARD, Mode.ONLINE),
    ids=lambda answers: "-".join(answers.values()),
)
def test_pages_ask_exactly_the_routed_questions_and_store_exactly_those_answers(
    client: Client, survey, answers: dict[str, str]
) -> None:
    shown = walk(client, survey.slug, answers)
    assert shown == expected_questions(answers)
    response = client.post(
        f"/s/{survey.slug}/check-your-answers/", {"revision": the_response(survey.slug).revision}
    )
    assert response["Location"] == f"/s/{survey.slug}/complete/"
    stored = the_response(survey.slug)
    assert stored.status == Response.Status.COMPLETE
    assert stored.mode == Mode.ONLINE
    assert stored_answers(stored) == {key: answers[key] for key in shown}
    assert stored.nssec5 and stored.nssec3


def test_start_page_says_what_the_survey_is_for_and_that_people_can_choose_not_to_say(
    client: Client, make_survey
) -> None:
    survey = make_survey(description="Measuring the background of our applicants.")
    page = client.get(f"/s/{survey.slug}/").content.decode()
    assert "Measuring the background of our applicants." in page
    assert "It takes about" in page
    assert "How your answers are used" in page
    assert "Prefer not to say" in page


def test_question_page_shows_the_standards_wording_hints_and_guidance(
    client: Client, survey
) -> None:
    start(client, survey.slug)
    client.post(f"/s/{survey.slug}/questions/school_type/", {"answer": "outside_uk"})
    client.post(f"/s/{survey.slug}/questions/earner_employment_status/", {"answer": "employee"})
    page = client.get(f"/s/{survey.slug}/questions/employer_size/").content.decode()
    wording = STANDARD.question("employer_size").wording(Mode.ONLINE)
    heading = parse_html(f'<h1 class="govuk-fieldset__heading">{escape(wording.text)}</h1>')
    assert parse_html(page).count(heading) == 1
    assert wording.guidance in page
    for option in wording.options:
        assert option.label in page


def test_option_hints_are_shown_under_their_options(client: Client, survey) -> None:
    url = start(client, survey.slug)
    page = client.get(url).content.decode()
    assert page.count("For example, private schools") == 2


def test_back_link_returns_to_the_previous_question_with_its_answer_selected(
    client: Client, survey
) -> None:
    start(client, survey.slug)
    client.post(f"/s/{survey.slug}/questions/school_type/", {"answer": "state_selective"})
    page = client.get(f"/s/{survey.slug}/questions/free_school_meals/").content.decode()
    assert f'href="/s/{survey.slug}/questions/school_type/" class="govuk-back-link"' in page
    previous = client.get(f"/s/{survey.slug}/questions/school_type/").content.decode()
    assert re.search(r'value="state_selective"\s+checked', previous)


def test_first_question_back_link_shows_the_start_page_with_a_way_back_in(
    client: Client, survey
) -> None:
    url = start(client, survey.slug)
    back = f"/s/{survey.slug}/?back=1"
    assert f'href="{back}" class="govuk-back-link"' in client.get(url).content.decode()
    page = client.get(back)
    assert page.status_code == 200
    assert f'href="{url}"' in page.content.decode()
    # Nothing answered yet: the survey's link shows its start page, with the way in.
    unanswered = client.get(f"/s/{survey.slug}/")
    assert unanswered.status_code == 200 and f'href="{url}"' in unanswered.content.decode()
    # Once something is answered, the link carries on where the respondent left off.
    client.post(url, {"answer": "state"})
    assert client.get(f"/s/{survey.slug}/")["Location"].endswith("/questions/free_school_meals/")


def test_choosing_nothing_shows_the_error_summary_and_an_inline_message(
    client: Client, survey
) -> None:
    url = start(client, survey.slug)
    response = client.post(url, {})
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: " in page
    assert "There is a problem" in page
    message = "Select the type of secondary school you attended for the most time"
    assert f'<a href="#id_answer_1">{message}</a>' in page
    assert 'class="govuk-error-message"' in page
    assert the_response(survey.slug).school_type is None


def test_check_answers_lists_every_answer_with_a_change_link(client: Client, survey) -> None:
    answers = {
        "school_type": "independent",
        "earner_employment_status": "not_working",
        "parental_qualification": "no_qualifications",
    }
    walk(client, survey.slug, answers)
    page = client.get(f"/s/{survey.slug}/check-your-answers/").content.decode()
    for key in answers:
        assert f'href="/s/{survey.slug}/questions/{key}/?change=1"' in page
    assert "Independent or fee-paying school" in page
    assert "They were not working" in page
    assert "No qualifications" in page


def test_changing_an_answer_reroutes_and_asks_only_questions_newly_on_the_route(
    client: Client, survey
) -> None:
    walk(
        client,
        survey.slug,
        INDEPENDENT_NOT_WORKING,
    )
    change = client.post(f"/s/{survey.slug}/questions/school_type/?change=1", {"answer": "state"})
    assert change["Location"] == f"/s/{survey.slug}/questions/free_school_meals/?change=1"
    after = client.post(change["Location"], {"answer": "no"})
    assert after["Location"] == f"/s/{survey.slug}/check-your-answers/"
    assert stored_answers(the_response(survey.slug)) == {
        "school_type": "state",
        "free_school_meals": "no",
        "earner_employment_status": "not_working",
        "parental_qualification": "degree",
    }


def test_changing_an_answer_without_new_questions_returns_to_check_answers(
    client: Client, survey
) -> None:
    walk(
        client,
        survey.slug,
        INDEPENDENT_NOT_WORKING,
    )
    change = client.post(
        f"/s/{survey.slug}/questions/school_type/?change=1", {"answer": "outside_uk"}
    )
    assert change["Location"] == f"/s/{survey.slug}/check-your-answers/"


def test_a_change_that_takes_questions_off_the_route_drops_their_answers(
    client: Client, survey
) -> None:
    walk(
        client,
        survey.slug,
        {
            "school_type": "state",
            "free_school_meals": "yes",
            "earner_employment_status": "not_working",
            "parental_qualification": "degree",
        },
    )
    client.post(f"/s/{survey.slug}/questions/school_type/?change=1", {"answer": "independent"})
    stored = stored_answers(the_response(survey.slug))
    assert "free_school_meals" not in stored
    assert stored["school_type"] == "independent"


def test_every_continue_saves_the_answer_at_once(client: Client, survey) -> None:
    url = start(client, survey.slug)
    client.post(url, {"answer": "outside_uk"})
    assert stored_answers(the_response(survey.slug)) == {"school_type": "outside_uk"}


def test_coming_back_to_the_survey_link_continues_where_the_respondent_left_off(
    client: Client, survey
) -> None:
    start(client, survey.slug)
    client.post(f"/s/{survey.slug}/questions/school_type/", {"answer": "state"})
    back = client.get(f"/s/{survey.slug}/")
    assert back["Location"] == f"/s/{survey.slug}/questions/free_school_meals/"


def test_the_surveys_cookie_outlives_the_browser(client: Client, survey) -> None:
    """The browser keeps its place for 30 days, in a cookie of this survey's own: signed,
    HTTP only, sent only to the survey's pages."""
    response = client.post(f"/s/{survey.slug}/")
    cookie = response.cookies[f"seb-response-{survey.slug}"]
    assert int(cookie["max-age"]) >= 7 * 24 * 3600
    assert cookie["path"] == f"/s/{survey.slug}/"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert "sessionid" not in response.cookies


def test_a_forged_cookie_finds_no_response(client: Client, survey) -> None:
    client.post(f"/s/{survey.slug}/")
    response = Response.objects.get()
    client.cookies[f"seb-response-{survey.slug}"] = str(response.pk)  # unsigned
    assert client.get(f"/s/{survey.slug}/questions/school_type/").status_code == 302
    assert client.get(f"/s/{survey.slug}/")["Content-Type"].startswith("text/html")


def test_a_browser_answering_two_surveys_at_once_keeps_both(client: Client, make_survey) -> None:
    """Each survey has its own cookie, so starting a second survey forgets nothing."""
    first, second = make_survey("first"), make_survey("second")
    client.post("/s/first/")
    client.post("/s/second/")
    client.post("/s/first/questions/school_type/", {"answer": "state"})
    client.post("/s/second/questions/school_type/", {"answer": "independent"})
    assert Response.objects.get(survey=first).school_type == "state"
    assert Response.objects.get(survey=second).school_type == "independent"
    assert client.get("/s/first/")["Location"] == "/s/first/questions/free_school_meals/"


def test_submitted_response_cannot_be_changed_and_its_pages_lead_to_confirmation(
    client: Client, survey
) -> None:
    answers = {
        "school_type": "outside_uk",
        "earner_employment_status": "prefer_not_to_say",
        "parental_qualification": "dont_know",
    }
    walk(client, survey.slug, answers)
    client.post(f"/s/{survey.slug}/check-your-answers/", {"revision": 3})
    confirmation = f"/s/{survey.slug}/complete/"
    assert "Answers submitted" in client.get(confirmation).content.decode()
    for url in (
        f"/s/{survey.slug}/",
        f"/s/{survey.slug}/questions/school_type/",
        f"/s/{survey.slug}/check-your-answers/",
    ):
        assert client.get(url)["Location"] == confirmation
    response = client.post(f"/s/{survey.slug}/questions/school_type/", {"answer": "state"})
    assert response["Location"] == confirmation
    assert stored_answers(the_response(survey.slug)) == answers


def test_check_answers_before_the_route_is_finished_goes_to_the_next_question(
    client: Client, survey
) -> None:
    start(client, survey.slug)
    response = client.get(f"/s/{survey.slug}/check-your-answers/")
    assert response["Location"] == f"/s/{survey.slug}/questions/school_type/"


def test_a_question_not_yet_reached_redirects_to_the_next_question(client: Client, survey) -> None:
    start(client, survey.slug)
    response = client.get(f"/s/{survey.slug}/questions/parental_qualification/")
    assert response["Location"] == f"/s/{survey.slug}/questions/school_type/"


def test_question_pages_without_a_started_response_go_to_the_start_page(
    client: Client, survey
) -> None:
    response = client.get(f"/s/{survey.slug}/questions/school_type/")
    assert response["Location"] == f"/s/{survey.slug}/"


@pytest.mark.parametrize(
    ("opens", "closes", "heading"),
    [
        (timedelta(days=1), None, "is not open yet"),
        (None, -timedelta(days=1), "has closed"),
    ],
)
def test_survey_outside_its_open_window_shows_a_closed_page(
    client: Client, make_survey, opens, closes, heading
) -> None:
    now = timezone.now()
    survey = make_survey(
        opens_at=now + opens if opens else None, closes_at=now + closes if closes else None
    )
    page = client.get(f"/s/{survey.slug}/")
    assert page.status_code == 403
    assert heading in page.content.decode()
    assert client.post(f"/s/{survey.slug}/").status_code == 403
    assert not Response.objects.exists()


def test_a_survey_that_closes_mid_way_keeps_the_answers_given(client: Client, survey) -> None:
    start(client, survey.slug)
    client.post(f"/s/{survey.slug}/questions/school_type/", {"answer": "state"})
    survey.closes_at = timezone.now() - timedelta(seconds=1)
    survey.save()
    response = client.post(f"/s/{survey.slug}/questions/free_school_meals/", {"answer": "yes"})
    assert response.status_code == 403
    assert "Any answers you gave before it closed are saved" in response.content.decode()
    assert stored_answers(the_response(survey.slug)) == {"school_type": "state"}


def test_a_survey_not_offered_online_has_no_online_pages(client: Client, make_survey) -> None:
    survey = make_survey(offers_online=False)
    assert client.get(f"/s/{survey.slug}/").status_code == 404


def test_unknown_survey_gives_the_not_found_page(client: Client, db) -> None:
    response = client.get("/s/no-such-survey/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_question_page_carries_one_csrf_token(client: Client, survey) -> None:
    url = start(client, survey.slug)
    assert client.get(url).content.decode().count('name="csrfmiddlewaretoken"') == 1
