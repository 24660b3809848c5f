"""The staff idle timeout done properly: the page says when the session ends, keep-alive
extends it, and an answer posted after it ended is kept for the same user alone until
they sign in again, then shown selected on the same question of the same case."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from seb.standard import Mode
from surveys.access import INTERVIEWER, SUPERVISOR
from surveys.middleware import LAST_SEEN_KEY
from surveys.models import PendingAnswer, Response, Survey
from tests.conftest import STAFF_PASSWORD

from .html import parse

pytestmark = pytest.mark.django_db

TIMEOUT = 60
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def browser() -> Client:
    """A client that checks CSRF tokens, as a browser's requests are checked."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def field_interviewer(make_staff: Callable[..., User]) -> User:
    return make_staff("field", INTERVIEWER)


def sign_in(client: Client, user: User, next_url: str = "") -> str:
    page = client.get(f"/staff/login/?next={next_url}" if next_url else "/staff/login/")
    token = CSRF.search(page.content)
    assert token is not None
    response = client.post(
        "/staff/login/",
        {
            "username": user.username,
            "password": STAFF_PASSWORD,
            "next": next_url,
            "csrfmiddlewaretoken": token[1].decode(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def let_the_session_end(client: Client) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - TIMEOUT - 1
    session.save()


def question_page(client: Client, interview: Response, key: str) -> tuple[str, str]:
    url = f"/interview/cases/{interview.pk}/questions/{key}/"
    page = client.get(url)
    assert page.status_code == 200
    token = CSRF.search(page.content)
    assert token is not None
    return url, token[1].decode()


def checked(html: bytes) -> list[str]:
    return [
        radio.attrs["value"]
        for radio in parse(html).find_all("input", type="radio")
        if "checked" in radio.attrs
    ]


@pytest.fixture
def interview(
    survey: Survey, make_case: Callable[..., Response], field_interviewer: User
) -> Response:
    return make_case(
        survey, mode=Mode.TELEPHONE, answers={"school_type": "state"}, interviewer=field_interviewer
    )


@override_settings(STAFF_IDLE_TIMEOUT_SECONDS=TIMEOUT)
def test_an_answer_posted_after_the_session_ended_is_shown_selected_after_signing_in_again(
    browser: Client, field_interviewer: User, interview: Response
) -> None:
    sign_in(browser, field_interviewer)
    url, token = question_page(browser, interview, "free_school_meals")
    let_the_session_end(browser)
    posted = browser.post(url, {"answer": "not_applicable", "csrfmiddlewaretoken": token})
    assert posted.status_code == 302
    login = urlsplit(posted["Location"])
    assert login.path == "/staff/login/"
    assert parse_qs(login.query) == {"timed_out": ["1"], "next": [url], "kept": ["1"]}
    sign_in_page = browser.get(posted["Location"]).content.decode()
    assert "You were signed out because you were inactive" in sign_in_page
    assert "The answer you gave after that has been kept" in sign_in_page
    interview.refresh_from_db()
    assert interview.answers == {"school_type": "state"}  # kept aside, not recorded

    assert sign_in(browser, field_interviewer, url) == url
    shown = browser.get(url)
    assert checked(shown.content) == ["not_applicable"]
    assert "You were signed out before this answer was saved" in shown.content.decode()
    token = CSRF.search(shown.content)
    assert token is not None
    browser.post(url, {"answer": "not_applicable", "csrfmiddlewaretoken": token[1].decode()})
    interview.refresh_from_db()
    assert interview.answers == {"school_type": "state", "free_school_meals": "not_applicable"}
    assert not PendingAnswer.objects.exists()
    assert "You were signed out before" not in browser.get(url).content.decode()


@override_settings(STAFF_IDLE_TIMEOUT_SECONDS=TIMEOUT)
def test_a_kept_answer_is_never_shown_to_anyone_else(
    browser: Client,
    field_interviewer: User,
    make_staff: Callable[..., User],
    interview: Response,
) -> None:
    sign_in(browser, field_interviewer)
    url, token = question_page(browser, interview, "free_school_meals")
    let_the_session_end(browser)
    browser.post(url, {"answer": "yes", "csrfmiddlewaretoken": token})
    assert PendingAnswer.objects.get().user == field_interviewer

    intruder = make_staff("intruder", INTERVIEWER)
    assert sign_in(browser, intruder, url) == url
    assert browser.get(url).status_code == 404
    browser.logout()
    boss = make_staff("boss", SUPERVISOR)
    sign_in(browser, boss, url)
    seen = browser.get(url)
    assert seen.status_code == 200 and checked(seen.content) == []
    assert "You were signed out before" not in seen.content.decode()
    interview.refresh_from_db()
    assert interview.answers == {"school_type": "state"}
    assert PendingAnswer.objects.get().user == field_interviewer


@override_settings(STAFF_IDLE_TIMEOUT_SECONDS=TIMEOUT)
def test_a_post_without_the_browsers_csrf_token_keeps_nothing(
    browser: Client, field_interviewer: User, interview: Response
) -> None:
    sign_in(browser, field_interviewer)
    url, _ = question_page(browser, interview, "free_school_meals")
    let_the_session_end(browser)
    posted = browser.post(url, {"answer": "yes", "csrfmiddlewaretoken": "forged"})
    assert posted.status_code == 302
    assert "kept" not in parse_qs(urlsplit(posted["Location"]).query)
    assert not PendingAnswer.objects.exists()


@override_settings(STAFF_IDLE_TIMEOUT_SECONDS=TIMEOUT)
def test_an_answer_that_is_not_an_option_of_the_question_keeps_nothing(
    browser: Client, field_interviewer: User, interview: Response
) -> None:
    sign_in(browser, field_interviewer)
    url, token = question_page(browser, interview, "free_school_meals")
    let_the_session_end(browser)
    browser.post(url, {"answer": "independent", "csrfmiddlewaretoken": token})
    assert not PendingAnswer.objects.exists()


@override_settings(STAFF_IDLE_TIMEOUT_SECONDS=TIMEOUT)
def test_an_answer_posted_from_a_page_left_open_after_another_tab_was_signed_out_is_kept(
    browser: Client, field_interviewer: User, interview: Response
) -> None:
    """Another tab's request may end the session first: the browser's fresh session
    remembers (on the server) whose it was, so the answer is still kept for them."""
    sign_in(browser, field_interviewer)
    url, token = question_page(browser, interview, "free_school_meals")
    let_the_session_end(browser)
    assert browser.get("/interview/")["Location"].startswith("/staff/login/")
    posted = browser.post(url, {"answer": "no", "csrfmiddlewaretoken": token})
    assert parse_qs(urlsplit(posted["Location"]).query)["kept"] == ["1"]
    pending = PendingAnswer.objects.get()
    assert (pending.user, pending.response, pending.question_key, pending.code) == (
        field_interviewer,
        interview,
        "free_school_meals",
        "no",
    )


@override_settings(STAFF_IDLE_TIMEOUT_SECONDS=TIMEOUT)
def test_the_caseload_points_to_an_answer_not_yet_saved(
    browser: Client, field_interviewer: User, interview: Response
) -> None:
    sign_in(browser, field_interviewer)
    url, token = question_page(browser, interview, "free_school_meals")
    let_the_session_end(browser)
    browser.post(url, {"answer": "yes", "csrfmiddlewaretoken": token})
    sign_in(browser, field_interviewer)
    home = browser.get("/interview/").content.decode()
    assert "You were signed out before an answer was saved." in home
    assert f'href="{url}"' in home and "Case CASE-1: Free school meals" in home


@override_settings(STAFF_IDLE_TIMEOUT_SECONDS=TIMEOUT, STAFF_TIMEOUT_WARNING_SECONDS=20)
def test_keep_alive_extends_the_session_and_the_status_does_not(
    browser: Client, field_interviewer: User, survey: Survey
) -> None:
    sign_in(browser, field_interviewer)
    page = browser.get("/interview/")
    token = CSRF.search(page.content)
    assert token is not None
    session = browser.session
    session[LAST_SEEN_KEY] = time.time() - 50
    session.save()

    status = browser.get("/staff/session/", HTTP_ACCEPT="application/json").json()
    assert status["signed_in"] is True and status["seconds_left"] <= 10
    assert browser.session[LAST_SEEN_KEY] < time.time() - 49  # not counted as activity

    kept = browser.post(
        "/staff/session/keep-alive/",
        {"csrfmiddlewaretoken": token[1].decode()},
        HTTP_ACCEPT="application/json",
    ).json()
    assert kept == {"signed_in": True, "seconds_left": TIMEOUT}
    assert browser.session[LAST_SEEN_KEY] > time.time() - 5


@override_settings(STAFF_IDLE_TIMEOUT_SECONDS=TIMEOUT)
def test_once_ended_the_status_says_so_and_keep_alive_cannot_bring_the_session_back(
    browser: Client, field_interviewer: User, survey: Survey
) -> None:
    sign_in(browser, field_interviewer)
    token = CSRF.search(browser.get("/interview/").content)
    assert token is not None
    let_the_session_end(browser)
    status = browser.get("/staff/session/", HTTP_ACCEPT="application/json")
    assert (status.status_code, status.json()) == (401, {"signed_in": False, "seconds_left": 0})
    again = browser.post(
        "/staff/session/keep-alive/",
        {"csrfmiddlewaretoken": token[1].decode()},
        HTTP_ACCEPT="application/json",
    )
    assert (again.status_code, again.json()["signed_in"]) == (401, False)
    assert browser.get("/interview/")["Location"].startswith("/staff/login/")


@override_settings(STAFF_IDLE_TIMEOUT_SECONDS=TIMEOUT)
def test_keep_alive_without_javascript_returns_to_the_page(
    browser: Client, field_interviewer: User, survey: Survey
) -> None:
    sign_in(browser, field_interviewer)
    token = CSRF.search(browser.get("/interview/").content)
    assert token is not None
    back = browser.post(
        "/staff/session/keep-alive/",
        {"csrfmiddlewaretoken": token[1].decode(), "next": "/interview/?show=done"},
    )
    assert back["Location"] == "/interview/?show=done"
    away = browser.post(
        "/staff/session/keep-alive/",
        {"csrfmiddlewaretoken": token[1].decode(), "next": "https://elsewhere.example/"},
    )
    assert away["Location"] == "/staff/"


@override_settings(STAFF_IDLE_TIMEOUT_SECONDS=30 * 60, STAFF_TIMEOUT_WARNING_SECONDS=120)
def test_every_interviewer_and_supervisor_page_says_when_the_session_ends(
    make_staff: Callable[..., User], survey: Survey, interview: Response
) -> None:
    """Without JavaScript the page says it; the warning dialog's data is on the page too."""
    client = Client()
    client.force_login(make_staff("both", INTERVIEWER, SUPERVISOR))
    for url in (
        "/interview/",
        f"/interview/start/{survey.slug}/",
        f"/interview/caseload/{interview.case_id}/",
        f"/interview/caseload/{interview.case_id}/call/",
        f"/interview/cases/{interview.pk}/questions/free_school_meals/",
        f"/interview/cases/{interview.pk}/stop/",
        "/supervise/",
        f"/supervise/{survey.slug}/",
        f"/supervise/{survey.slug}/cases/",
    ):
        page = parse(client.get(url).content)
        notice = page.find("p", "app-session__notice")
        assert "you will be signed out at" in notice.text and "30 minutes" in notice.text, url
        warning = page.find("div", **{"data-module": "app-timeout-warning"})
        assert warning.attrs["data-warning-seconds"] == "120", url
        assert int(warning.attrs["data-seconds-left"]) == 30 * 60, url
        dialog = warning.find("dialog")
        assert "Stay signed in" in dialog.text and "open" not in dialog.attrs, url
