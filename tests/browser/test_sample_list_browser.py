"""The manager's sample list in headless Chromium: a filtered list, select every case
on the page, and a bulk assign through its confirmation page, with JavaScript and
without; axe, the Nu HTML checker and HTML_CodeSniffer clean, no sideways scrolling
at 320 pixels.

With SEB_SHOTS set to a folder, each page is also saved as a screenshot there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Page, expect

from surveys.access import INTERVIEWER, SUPERVISOR, SURVEY_MANAGER
from surveys.models import Case, Survey, SurveyMember, TeamRole
from tests.browser.checkers import assert_no_htmlcs_errors, assert_valid_html
from tests.browser.test_fieldwork_browser import shot
from tests.conftest import granted_every_survey
from tests.fieldwork.conftest import load, sample_csv

pytestmark = pytest.mark.browser

PASSWORD = "a-long-manager-password-for-tests"


@pytest.fixture
def survey(transactional_db: None) -> Survey:
    """An invitation-only survey of 60 cases, odd ones face to face, every third north;
    one interviewer in its team."""
    survey = Survey.objects.create(
        slug="lists",
        name="Lists survey",
        access=Survey.Access.INVITATION,
        offers_online=True,
        offers_face_to_face=True,
        offers_telephone=True,
    )
    rows = [
        (
            f"L{i:03d}",
            "face_to_face" if i % 2 else "online",
            "north" if i % 3 == 0 else "south",
        )
        for i in range(1, 61)
    ]
    assert load(survey, sample_csv(rows, header=("reference", "mode", "region"))).ok
    interviewer = User.objects.create_user(username="ivy", first_name="Ivy", last_name="Ng")
    interviewer.groups.add(Group.objects.get_or_create(name=INTERVIEWER)[0])
    SurveyMember.objects.create(survey=survey, user=interviewer, role=TeamRole.INTERVIEWER)
    manager = User.objects.create_user(username="list-manager", password=PASSWORD)
    manager.groups.add(Group.objects.get_or_create(name=SURVEY_MANAGER)[0])
    granted_every_survey(manager)
    return survey


def sign_in(page: Page) -> None:
    page.goto("/staff/login/")
    page.get_by_label("Username").fill("list-manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Surveys", level=1)).to_be_visible()


def checked(page: Page, documents: dict[str, str], name: str) -> None:
    shot(page, name)
    assert_no_htmlcs_errors(page)
    documents[name] = page.content()


def filter_and_assign(page: Page, documents: dict[str, str], *, name: str) -> None:
    page.goto("/manage/lists/sample/")
    page.get_by_label("Mode").select_option("face_to_face")
    page.get_by_label("Sample variable").select_option("region")
    page.get_by_label("is", exact=True).fill("south")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#matching")).to_contain_text("20 cases of 60 match")
    page.get_by_label("Select every case on this page (20)").check()
    page.get_by_label("Assign to an interviewer").check()
    page.get_by_label("Assign them to").select_option(label="Ivy Ng")
    checked(page, documents, f"sample-list-{name}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assign 20 cases to Ivy Ng?")
    checked(page, documents, f"sample-bulk-confirm-{name}")
    page.get_by_role("button", name="Assign the cases").click()
    expect(page.locator(".govuk-notification-banner, .app-messages").first).to_contain_text(
        "20 cases assigned to Ivy Ng."
    )
    # Back on the list, still filtered.
    expect(page.locator("#matching")).to_contain_text("20 cases of 60 match")


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 320, "height": 640}],
    ids=["desktop", "phone"],
)
def test_select_every_case_on_the_page_and_assign_them_with_javascript(
    new_page: Callable[..., Page], survey: Survey, viewport: dict[str, Any]
) -> None:
    page = new_page(viewport=viewport)
    documents: dict[str, str] = {}
    sign_in(page)
    page.goto("/manage/lists/sample/?mode=face_to_face")
    boxes = page.locator("input[name=cases]")
    expect(boxes).to_have_count(25)
    page.get_by_label("Select every case on this page (25)").check()
    # The script ticks each case too; unticking one unticks "every case".
    for index in range(25):
        expect(boxes.nth(index)).to_be_checked()
    boxes.first.uncheck()
    expect(page.get_by_label("Select every case on this page (25)")).not_to_be_checked()
    filter_and_assign(page, documents, name=str(viewport["width"]))
    assert Case.objects.filter(interviewer__username="ivy").count() == 20
    assert not Case.objects.filter(interviewer__username="ivy", variables__region="north").exists()
    assert_valid_html(documents)


def test_select_every_case_on_the_page_works_without_javascript(
    page_no_js: Page, survey: Survey
) -> None:
    documents: dict[str, str] = {}
    sign_in(page_no_js)
    filter_and_assign(page_no_js, documents, name="nojs")
    assert Case.objects.filter(interviewer__username="ivy").count() == 20


def test_select_all_matching_cases_reaches_every_page(page: Page, survey: Survey) -> None:
    sign_in(page)
    page.goto("/manage/lists/sample/")
    page.get_by_label("Select all 60 matching cases, on every page").check()
    page.get_by_label("Withdraw from the sample").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw 60 cases from the sample?")
    page.get_by_role("button", name="Withdraw the cases").click()
    expect(page.locator("body")).to_contain_text("60 cases withdrawn from the sample.")
    assert Case.objects.filter(withdrawn_at__isnull=False).count() == 60


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 320, "height": 640}],
    ids=["desktop", "phone"],
)
def test_the_supervisors_cases_filter_by_mode(
    new_page: Callable[..., Page], survey: Survey, viewport: dict[str, Any]
) -> None:
    supervisor = User.objects.create_user(username="sam", password=PASSWORD)
    supervisor.groups.add(Group.objects.get_or_create(name=SUPERVISOR)[0])
    granted_every_survey(supervisor)
    page = new_page(viewport=viewport)
    page.goto("/staff/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/supervise/lists/cases/")
    page.get_by_label("Mode").select_option("online")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Case L002")).to_be_visible()
    expect(page.get_by_role("link", name="Case L001")).to_have_count(0)
    documents: dict[str, str] = {}
    checked(page, documents, f"supervise-cases-by-mode-{viewport['width']}")
    assert_valid_html(documents)
