"""The service's own pages, the footer of every respondent page, and a cookies page
that lists every cookie the service really sets."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from surveys.access import ANALYST, INTERVIEWER, SURVEY_MANAGER
from surveys.cookies import service_cookies
from surveys.fieldwork.cases import case_create
from surveys.fieldwork.issuing import NewCase
from surveys.models import Response, Survey
from tests.conftest import STAFF_PASSWORD, STATE_EMPLOYEE_CLERICAL

pytestmark = pytest.mark.django_db


class RecordingClient(Client):
    """A browser that notes the name of every cookie any response sets."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cookies_set: set[str] = set()

    def request(self, **request: Any) -> Any:
        response = super().request(**request)
        self.cookies_set.update(response.cookies.keys())
        return response


def test_every_cookie_any_page_sets_is_on_the_cookies_page(
    invitation_survey: Survey, survey: Survey, make_staff: Any
) -> None:
    """Walks the respondent's, the interviewer's, the analyst's and the manager's pages;
    fails if any of them sets a cookie the cookies page does not list."""
    _, credentials = case_create(survey=invitation_survey, new=NewCase(reference="C1"))
    browser = RecordingClient(enforce_csrf_checks=False)
    browser.get(f"/s/{survey.slug}/")
    browser.post(f"/s/{survey.slug}/")
    for key, code in STATE_EMPLOYEE_CLERICAL.items():
        browser.post(f"/s/{survey.slug}/questions/{key}/", {"answer": code})
    revision = Response.objects.get(survey=survey).revision
    browser.post(f"/s/{survey.slug}/check-your-answers/", {"revision": revision})
    browser.get(f"/s/{survey.slug}/complete/")
    browser.get("/s/invited/")
    browser.post("/s/invited/access-code/", {"access_code": "wrong"})
    browser.get(f"/s/invited/k/{credentials.link_token}/")
    for path in (
        "/s/invited/privacy/",
        "/s/invited/contact/",
        "/cookies/",
        "/accessibility/",
        "/nope/",
    ):
        browser.get(path)
    make_staff("everyone", ANALYST, INTERVIEWER, SURVEY_MANAGER, is_staff=True, is_superuser=True)
    staff = RecordingClient()
    staff.get("/staff/login/")
    staff.post("/staff/login/", {"username": "everyone", "password": STAFF_PASSWORD})
    for path in (
        "/staff/",
        "/manage/",
        "/manage/new/",
        "/manage/invited/",
        "/analysis/",
        "/interview/",
        "/jobs/",
        "/admin/",
    ):
        staff.get(path)
    staff.post("/manage/invited/test-run/clear/")  # a success message
    staff.get("/manage/invited/")
    staff.get(f"/manage/{survey.slug}/preview/online/")
    staff.post("/staff/logout/")
    set_somewhere = browser.cookies_set | staff.cookies_set
    assert {"csrftoken", "sessionid", "messages", f"seb-response-{survey.slug}"} <= set_somewhere
    listed = service_cookies()
    unlisted = sorted(
        name for name in set_somewhere if not any(cookie.matches(name) for cookie in listed)
    )
    assert unlisted == []
    page = Client().get("/cookies/").content.decode()
    for cookie in service_cookies():
        assert cookie.name.replace("<", "&lt;").replace(">", "&gt;") in page


def test_the_cookies_page_says_how_long_each_lasts(client: Client) -> None:
    page = client.get("/cookies/").content.decode()
    assert "30 days" in page and "52 weeks" in page
    assert "does not ask for your consent" in page


def test_every_respondent_page_links_the_privacy_notice_contact_accessibility_and_cookies(
    client: Client, invitation_survey: Survey
) -> None:
    _, credentials = case_create(survey=invitation_survey, new=NewCase(reference="F1"))
    pages = [Client().get("/s/invited/")]
    client.get(f"/s/invited/k/{credentials.link_token}/")
    pages += [
        client.get(path) for path in ("/s/invited/questions/school_type/", "/s/invited/privacy/")
    ]
    for response in pages:
        assert response.status_code == 200
        path = response.request["PATH_INFO"]
        page = response.content.decode()
        footer = page.split('<footer class="govuk-footer">')[1]
        for link in ("/s/invited/privacy/", "/s/invited/contact/", "/accessibility/", "/cookies/"):
            assert f'href="{link}"' in footer, (path, link)


def test_a_privacy_notice_given_as_a_link_is_linked_directly(
    client: Client, make_survey: Any
) -> None:
    make_survey("linked", privacy_notice_url="https://example.org/privacy")
    page = client.get("/s/linked/").content.decode()
    assert 'href="https://example.org/privacy"' in page
    assert client.get("/s/linked/privacy/")["Location"] == "https://example.org/privacy"


def test_the_accessibility_statement_exists(client: Client) -> None:
    page = client.get("/accessibility/").content.decode()
    assert "Accessibility statement" in page and "WCAG" in page


def test_staff_pages_do_not_show_a_surveys_footer_links(
    client: Client, make_staff: Any, invitation_survey: Survey
) -> None:
    user: User = make_staff("m2", SURVEY_MANAGER)
    client.force_login(user)
    footer = client.get("/manage/invited/").content.decode().split("<footer")[1]
    assert "/s/invited/privacy/" not in footer and "/cookies/" in footer
