"""The job title pages without JavaScript (an addition beyond the standard): online, in
both interviewer modes and in the preview; routing around them; the suggestions endpoint;
the survey setting."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from surveys.access import INTERVIEWER, SURVEY_MANAGER
from surveys.models import JobTitle, Response, Survey
from tests.interview.conftest import passwordless_staff, signed_in

pytestmark = pytest.mark.django_db

EMPLOYEE = {
    "school_type": "state",
    "free_school_meals": "no",
    "earner_employment_status": "employee",
    "employer_size": "25_or_more",
    "supervisor": "no",
    "earner_occupation": "professional",
    "parental_qualification": "degree",
}
NOT_WORKING = {
    "school_type": "state",
    "free_school_meals": "no",
    "earner_employment_status": "not_working",
    "parental_qualification": "degree",
}
QUESTION = re.compile(r".*/questions/(?P<key>\w+)/(\?change=1)?")


@pytest.fixture(autouse=True)
def _fresh_counts() -> None:
    """The suggestions' rate limit counts in the cache: each test starts with none."""
    cache.clear()


@pytest.fixture
def asking(make_survey: Callable[..., Survey]) -> Survey:
    return make_survey("asking", asks_job_title=True, interviewers_take_unassigned=True)


def answer_until(client: Client, url: str, answers: dict[str, str], stop: str) -> str:
    """Answer the standard's questions from `url` until a page that is not one (or `stop`)."""
    while (match := QUESTION.fullmatch(url)) is not None and match["key"] != stop:
        posted = client.post(url, {"answer": answers[match["key"]]})
        assert posted.status_code == 302, posted.content.decode()[:1000]
        url = posted["Location"]
    return url


def online_to_job_title(client: Client, survey: Survey, answers: dict[str, str] = EMPLOYEE) -> str:
    started = client.post(f"/s/{survey.slug}/")
    return answer_until(client, started["Location"], answers, stop="parental_qualification")


def back_link(page) -> str:
    return re.search(r'<a href="([^"]+)" class="govuk-back-link"', page.content.decode())[1]


def the_job_title() -> JobTitle:
    return JobTitle.objects.get()


# Online, without JavaScript -------------------------------------------------------------


def test_the_page_after_the_occupation_question_asks_the_job_title_when_the_survey_asks_it(
    asking,
):
    client = Client()
    url = online_to_job_title(client, asking)
    assert url == f"/s/{asking.slug}/job-title/"
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "what was the job title of the main or highest income earner?" in html
    assert 'name="text"' in html and 'name="suggestion"' in html
    assert back_link(page) == f"/s/{asking.slug}/questions/earner_occupation/"


def test_a_survey_that_does_not_ask_goes_straight_on_and_has_no_job_title_page(make_survey):
    plain = make_survey("plain")
    client = Client()
    url = online_to_job_title(client, plain)
    assert url == f"/s/{plain.slug}/questions/parental_qualification/"
    assert client.get(f"/s/{plain.slug}/job-title/")["Location"] == url
    assert client.post(f"/s/{plain.slug}/job-title/", {"text": "bus driver"}).status_code == 302
    assert not JobTitle.objects.exists()


def test_prefer_not_to_say_to_the_occupation_skips_the_job_title(asking):
    client = Client()
    url = online_to_job_title(
        client, asking, {**EMPLOYEE, "earner_occupation": "prefer_not_to_say"}
    )
    assert url == f"/s/{asking.slug}/questions/parental_qualification/"


def test_routes_that_do_not_ask_the_occupation_never_reach_the_job_title(asking):
    client = Client()
    answers = NOT_WORKING
    started = client.post(f"/s/{asking.slug}/")
    url = answer_until(client, started["Location"], answers, stop="")
    assert url == f"/s/{asking.slug}/check-your-answers/"
    assert "job title" not in client.get(url).content.decode()


def test_a_coded_title_goes_on_to_the_next_question_whose_back_link_returns_to_it(asking):
    client = Client()
    url = online_to_job_title(client, asking)
    posted = client.post(url, {"text": "Bus driver"})
    assert posted["Location"] == f"/s/{asking.slug}/questions/parental_qualification/"
    assert (the_job_title().status, the_job_title().soc2020) == ("coded", "8212")
    assert back_link(client.get(posted["Location"])) == f"/s/{asking.slug}/job-title/"
    # Back on the page, the title is there to change.
    assert 'value="Bus driver"' in client.get(url).content.decode()


def test_an_empty_title_is_i_dont_know_and_never_blocks_completion(asking):
    client = Client()
    url = online_to_job_title(client, asking)
    posted = client.post(url, {"text": ""})
    assert posted["Location"].endswith("/questions/parental_qualification/")
    assert (the_job_title().text, the_job_title().status) == ("", "uncoded")
    check = answer_until(client, posted["Location"], EMPLOYEE, stop="")
    page = client.get(check)
    assert "Not known" in page.content.decode()
    revision = Response.objects.get().revision
    assert client.post(check, {"revision": revision}).status_code == 302
    assert Response.objects.get().status == "complete"


def test_skipping_the_page_leaves_no_title_and_still_completes(asking):
    client = Client()
    online_to_job_title(client, asking)
    check = answer_until(
        client, f"/s/{asking.slug}/questions/parental_qualification/", EMPLOYEE, stop=""
    )
    assert "Not answered" in client.get(check).content.decode()
    client.post(check, {"revision": Response.objects.get().revision})
    assert Response.objects.get().status == "complete"
    assert not JobTitle.objects.exists()


def test_a_bare_title_asks_the_follow_up_and_its_option_codes_it(asking):
    client = Client()
    url = online_to_job_title(client, asking)
    follow = client.post(url, {"text": "teacher"})["Location"]
    assert follow == f"/s/{asking.slug}/job-title/follow-up/"
    page = client.get(follow).content.decode()
    assert "as a teacher?" in page and "None of these" in page
    assert 'value="2314"' in page
    done = client.post(follow, {"answer": "2314"})
    assert done["Location"].endswith("/questions/parental_qualification/")
    stored = the_job_title()
    assert (stored.status, stored.method, stored.soc2020) == ("coded", "follow-up", "2314")
    assert stored.nssec8


def test_none_of_these_twice_leaves_the_title_for_the_coding_queue(asking):
    client = Client()
    url = online_to_job_title(client, asking)
    follow = client.post(url, {"text": "manager"})["Location"]
    assert client.post(follow, {"answer": "none"})["Location"] == follow
    assert client.post(follow, {"answer": "none"})["Location"].endswith("/parental_qualification/")
    assert (the_job_title().status, len(the_job_title().follow_ups)) == ("uncoded", 2)
    # Nothing more to ask: the page sends the respondent on.
    assert client.get(follow)["Location"].endswith("/parental_qualification/")


def test_a_follow_up_with_no_choice_or_a_forged_one_says_so_and_changes_nothing(asking):
    client = Client()
    follow = client.post(online_to_job_title(client, asking), {"text": "teacher"})["Location"]
    for data in ({}, {"answer": "9999"}, {"answer": "<b>"}):
        page = client.post(follow, data)
        assert page.status_code == 400
        assert "Select the closest description, or None of these" in page.content.decode()
    assert the_job_title().status == "follow-up" and the_job_title().follow_ups == []


def test_without_javascript_a_title_not_coded_is_asked_which_is_closest(asking):
    client = Client()
    url = online_to_job_title(client, asking)
    closest = client.post(url, {"text": "blorf operator"})["Location"]
    assert closest == f"/s/{asking.slug}/job-title/closest/"
    page = client.get(closest).content.decode()
    assert "Which of these is closest?" in page and "None of these" in page
    assert page.count('type="radio"') <= 9
    chosen = re.search(r'name="answer" type="radio" value="(\d{4})"', page)[1]
    assert client.post(closest, {"answer": chosen})["Location"].endswith("/parental_qualification/")
    assert (the_job_title().status, the_job_title().method, the_job_title().soc2020) == (
        "coded",
        "suggestion",
        chosen,
    )


def test_with_suggestions_offered_a_title_not_listed_is_kept_and_not_asked_again(asking):
    client = Client()
    url = online_to_job_title(client, asking)
    posted = client.post(url, {"text": "blorf operator", "suggested": "on"})
    assert posted["Location"].endswith("/parental_qualification/")
    assert (the_job_title().text, the_job_title().status) == ("blorf operator", "uncoded")


def test_a_suggestion_chosen_from_the_list_is_stored_with_its_code(asking):
    client = Client()
    url = online_to_job_title(client, asking)
    client.post(url, {"text": "Teacher (primary school)", "suggestion": "2314", "suggested": "on"})
    assert (the_job_title().method, the_job_title().soc2020, the_job_title().soc2010) == (
        "suggestion",
        "2314",
        "2315",
    )


def test_a_title_too_long_is_refused_with_a_message(asking):
    client = Client()
    url = online_to_job_title(client, asking)
    page = client.post(url, {"text": "x" * 201})
    assert page.status_code == 400
    assert "Enter a job title of 200 characters or fewer" in page.content.decode()
    assert not JobTitle.objects.exists()


def test_the_check_page_shows_the_title_and_its_change_link_comes_back_to_it(asking):
    client = Client()
    url = online_to_job_title(client, asking)
    client.post(url, {"text": "Bus driver"})
    check = answer_until(
        client, f"/s/{asking.slug}/questions/parental_qualification/", EMPLOYEE, stop=""
    )
    html = client.get(check).content.decode()
    assert "Main earner’s job title" in html and "Bus driver" in html
    change = f"/s/{asking.slug}/job-title/?change=1"
    assert f'href="{change}"' in html
    assert back_link(client.get(change)) == check
    assert client.post(change, {"text": "welder"})["Location"] == check
    assert the_job_title().soc2020 == "5213"


def test_changing_to_an_occupation_route_asks_the_job_title_before_the_check_page(asking):
    client = Client()
    answers = NOT_WORKING
    started = client.post(f"/s/{asking.slug}/")
    check = answer_until(client, started["Location"], answers, stop="")
    url = f"/s/{asking.slug}/questions/earner_employment_status/?change=1"
    url = answer_until(client, url, EMPLOYEE, stop="")
    assert url == f"/s/{asking.slug}/job-title/?change=1"
    assert client.post(url, {"text": "bus driver"})["Location"] == check


def test_another_browser_cannot_reach_the_job_title_pages(asking):
    online_to_job_title(Client(), asking)
    stranger = Client()
    for page in ("job-title/", "job-title/follow-up/", "job-title/closest/"):
        assert stranger.get(f"/s/{asking.slug}/{page}")["Location"] == f"/s/{asking.slug}/"
    assert stranger.post(f"/s/{asking.slug}/job-title/", {"text": "x"}).status_code == 302
    assert not JobTitle.objects.exists()


# The suggestions endpoint -----------------------------------------------------------------


def test_suggestions_are_json_for_the_respondents_own_response_with_cache_control(asking):
    client = Client()
    online_to_job_title(client, asking)
    answer = client.get(f"/s/{asking.slug}/job-title/suggestions/", {"q": "bus dr"})
    assert answer.status_code == 200
    suggestions = answer.json()["suggestions"]
    assert 0 < len(suggestions) <= 8
    assert suggestions[0] == {"title": "Bus driver", "soc2020": "8212"}
    assert "private" in answer["Cache-Control"] and "max-age=3600" in answer["Cache-Control"]


@pytest.mark.parametrize("query", ["", "b", " b ", "x" * 101])
def test_suggestions_want_a_query_of_two_to_a_hundred_characters(asking, query):
    client = Client()
    online_to_job_title(client, asking)
    answer = client.get(f"/s/{asking.slug}/job-title/suggestions/", {"q": query})
    assert answer.status_code == 400 and "error" in answer.json()


def test_suggestions_are_no_open_index_for_the_world(asking, make_survey):
    url = f"/s/{asking.slug}/job-title/suggestions/"
    assert Client().get(url, {"q": "bus"}).status_code == 404
    # A response whose route has not reached the job title, or a survey that does not ask.
    early = Client()
    early.post(f"/s/{asking.slug}/")
    assert early.get(url, {"q": "bus"}).status_code == 409
    plain = make_survey("plain")
    client = Client()
    online_to_job_title(client, plain)
    assert client.get(f"/s/{plain.slug}/job-title/suggestions/", {"q": "bus"}).status_code == 409


def test_suggestions_are_limited_per_response(asking, settings):
    settings.JOB_TITLE_SUGGESTIONS_PER_RESPONSE = 3
    client = Client()
    online_to_job_title(client, asking)
    url = f"/s/{asking.slug}/job-title/suggestions/"
    assert [client.get(url, {"q": "bus"}).status_code for _ in range(4)] == [200, 200, 200, 429]
    other = Client()
    online_to_job_title(other, asking)
    assert other.get(url, {"q": "bus"}).status_code == 200


def test_suggestions_are_limited_per_address(asking, settings):
    settings.JOB_TITLE_SUGGESTIONS_PER_ADDRESS = 2
    clients = [Client(), Client()]
    for client in clients:
        online_to_job_title(client, asking)
    url = f"/s/{asking.slug}/job-title/suggestions/"
    codes = [client.get(url, {"q": "bus"}).status_code for client in (*clients, clients[0])]
    assert codes == [200, 200, 429]


# Interviewers, without JavaScript ---------------------------------------------------------


@pytest.mark.parametrize("mode", ["face_to_face", "telephone"])
def test_an_interview_asks_the_job_title_after_the_occupation_in_the_modes_screen(asking, mode):
    client = signed_in(passwordless_staff("interviewer", INTERVIEWER))
    started = client.post(
        f"/interview/start/{asking.slug}/", {"mode": mode, "reference": "C-1", "create": "yes"}
    )
    url = answer_until(client, started["Location"], EMPLOYEE, stop="parental_qualification")
    assert re.fullmatch(r"/interview/cases/[0-9a-f-]+/job-title/", url)
    page = client.get(url).content.decode()
    assert "what was the job title of the main or highest income earner?" in page
    assert (
        "Interviewer instructions" in page and "An addition beyond the harmonised standard" in page
    )
    assert "interview-case-bar" in page
    follow = client.post(url, {"text": "teacher"})["Location"]
    screen = client.get(follow).content.decode()
    assert "Read out" in screen and "data-fast-entry" in screen
    assert 'aria-keyshortcuts="1"' in screen and "1. " in screen
    done = client.post(follow, {"answer": "2314"})["Location"]
    assert done.endswith("/questions/parental_qualification/")
    response = Response.objects.get()
    assert (response.job_title.soc2020, response.mode) == ("2314", mode)
    check = answer_until(client, done, EMPLOYEE, stop="")
    html = client.get(check).content.decode()
    assert "An addition beyond the harmonised standard" in html and "teacher" in html


def test_another_interviewer_cannot_reach_an_interviews_job_title(asking):
    client = signed_in(passwordless_staff("interviewer", INTERVIEWER))
    started = client.post(
        f"/interview/start/{asking.slug}/",
        {"mode": "telephone", "reference": "C-1", "create": "yes"},
    )
    url = answer_until(client, started["Location"], EMPLOYEE, stop="parental_qualification")
    other = signed_in(passwordless_staff("other", INTERVIEWER))
    assert other.get(url).status_code == 404
    assert other.post(url, {"text": "bus driver"}).status_code == 404
    assert other.get(url + "suggestions/", {"q": "bus"}).status_code == 404
    assert "/staff/login/" in Client().get(url + "suggestions/", {"q": "bus"})["Location"]
    assert client.get(url + "suggestions/", {"q": "bus"}).status_code == 200
    assert not JobTitle.objects.exists()


# The preview --------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["online", "face_to_face", "telephone"])
def test_the_preview_shows_the_job_title_and_stores_nothing(asking, mode):
    client = signed_in(passwordless_staff("manager", SURVEY_MANAGER))
    client.get(f"/manage/{asking.slug}/preview/{mode}/")
    first = f"/manage/{asking.slug}/preview/{mode}/questions/school_type/"
    url = answer_until(client, first, EMPLOYEE, stop="parental_qualification")
    assert url == f"/manage/{asking.slug}/preview/{mode}/job-title/"
    page = client.get(url).content.decode()
    assert "what was the job title" in page and "An addition beyond the harmonised standard" in page
    follow = client.post(url, {"text": "teacher"})["Location"]
    assert follow.endswith("/job-title/follow-up/")
    assert client.post(follow, {"answer": "2314"})["Location"].endswith("/parental_qualification/")
    assert client.get(url + "suggestions/", {"q": "bus"}).json()["suggestions"]
    check = answer_until(
        client,
        f"/manage/{asking.slug}/preview/{mode}/questions/parental_qualification/",
        EMPLOYEE,
        stop="",
    )
    assert "teacher" in client.get(check).content.decode()
    assert not JobTitle.objects.exists() and not Response.objects.exists()


# The setting ---------------------------------------------------------------------------------


def test_the_settings_page_sets_the_job_title_marked_as_an_addition(make_survey):
    survey = make_survey("setting")
    manager = passwordless_staff("manager", SURVEY_MANAGER)
    client = signed_in(manager)
    page = client.get(f"/manage/{survey.slug}/settings/")
    if page.status_code == 404:
        pytest.fail("no settings page")
    html = page.content.decode()
    assert "Ask for the job title (an addition beyond the harmonised standard)" in html
    data = {"name": survey.name, "slug": survey.slug, "modes": ["online"], "access": "open",
            "asks_job_title": "on"}  # fmt: skip
    assert client.post(f"/manage/{survey.slug}/settings/", data).status_code == 302
    survey.refresh_from_db()
    assert survey.asks_job_title
    detail = client.get(f"/manage/{survey.slug}/").content.decode()
    assert "Asked after the occupation question" in detail
    del data["asks_job_title"]
    client.post(f"/manage/{survey.slug}/settings/", data)
    survey.refresh_from_db()
    assert not survey.asks_job_title


def test_create_survey_job_title_turns_it_on_and_it_is_off_by_default(capsys):
    call_command(
        "create_survey", "--slug", "with", "--name", "With", "--access", "open", "--job-title"
    )
    call_command("create_survey", "--slug", "without", "--name", "Without", "--access", "open")
    assert Survey.objects.get(slug="with").asks_job_title
    assert not Survey.objects.get(slug="without").asks_job_title
    assert "an addition beyond the harmonised standard" in capsys.readouterr().out
