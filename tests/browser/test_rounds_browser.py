"""A contact round in headless Chromium: the confirm page previews each message (email,
text, letter) with a real case's details, then the letters' page offers the PDF and
the print supplier's CSV; axe, HTML_CodeSniffer and the Nu HTML checker find nothing,
and nothing scrolls sideways at 320 pixels.

With SEB_SHOTS set to a folder, each page is also saved as a screenshot there.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Page, expect

from surveys.access import SURVEY_MANAGER
from surveys.models import Survey, SurveyMember, TeamRole
from tests.browser.checkers import assert_no_htmlcs_errors, assert_valid_html
from tests.browser.test_fieldwork_browser import PASSWORD, shot
from tests.fieldwork.conftest import load, sample_csv

pytestmark = pytest.mark.browser
EMAIL = "f33517ff-2a88-4f6e-b855-c550268ce08a"
SMS = "0e3bd8b1-5f4c-4c2e-9a57-6d1f0c2d9e01"


@pytest.fixture(
    params=[{"width": 1280, "height": 900}, {"width": 320, "height": 640}], ids=["desktop", "phone"]
)
def sized_page(request: Any, new_page: Callable[..., Page]) -> Page:
    return new_page(viewport=request.param)


@pytest.fixture
def ready(transactional_db: None, make_survey: Callable[..., Survey], settings: Any) -> Survey:
    settings.PUBLIC_BASE_URL = "https://surveys.example.org"
    survey = make_survey(
        "rounds",
        name="Household survey 2027",
        access=Survey.Access.INVITATION,
        organisation="Office for Examples",
        contact_email="surveys@example.org",
        contact_phone="0161 496 0000",
    )
    user = User.objects.create_user(username="rounds-manager", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=SURVEY_MANAGER)[0])
    SurveyMember.objects.create(survey=survey, user=user, role=TeamRole.MANAGER)
    rows = [
        ("H001", "Alex Example", "alex@example.org", "", "1 High Street Leeds LS1 4AP"),
        ("H002", "Sam Example", "", "07700 900123", "2 Mill Lane York YO1 7HH"),
        ("H003", "Jo Example", "", "0161 496 0001", "3 Park Road Hull HU1 1AA"),
    ]
    report = load(
        survey, sample_csv(rows, header=("reference", "name", "email", "phone", "address"))
    )
    assert report.ok, report.problems
    return survey


def signed_in(page: Page) -> None:
    page.goto("/staff/login/")
    page.get_by_label("Username").fill("rounds-manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Surveys", level=1)).to_be_visible()


def test_a_manager_previews_messages_and_letters_then_downloads_the_letters(
    sized_page: Page, ready: Survey
) -> None:
    page = sized_page
    documents: dict[str, str] = {}
    signed_in(page)
    page.goto(f"/manage/{ready.slug}/contacts/")
    page.get_by_label("Email template ID").fill(EMAIL)
    page.get_by_label("Text message template ID").fill(SMS)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check the messages before sending")).to_be_visible()
    expect(page.get_by_text("Email, as case H001 would get it")).to_be_visible()
    expect(page.get_by_text("Text message, as case H002 would get it")).to_be_visible()
    expect(page.get_by_text("Dear Alex Example,")).to_be_visible()
    assert "H003" not in page.content()  # a landline: no text message
    shot(page, "manage-round-confirm")
    assert_no_htmlcs_errors(page)
    documents["confirm"] = page.content()
    page.get_by_role("link", name="Change the round").click()
    page.get_by_label("Printed letters: a PDF to print and a CSV for a print supplier").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check the letters before making them")).to_be_visible()
    expect(page.get_by_text("Letter, as case H001 would get it")).to_be_visible()
    shot(page, "manage-round-confirm-letters")
    assert_no_htmlcs_errors(page)
    documents["confirm-letters"] = page.content()
    page.get_by_role("button", name="Make the letters").click()
    expect(page.get_by_text("3 letters made")).to_be_visible()
    page.get_by_role("link", name="Download the letters and the print supplier’s list").click()
    expect(page.get_by_role("link", name="The letters (PDF, one A4 page a case)")).to_be_visible()
    shot(page, "manage-round-letters")
    assert_no_htmlcs_errors(page)
    documents["round"] = page.content()
    with page.expect_download() as download:
        page.get_by_role("link", name="The letters (PDF, one A4 page a case)").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    with page.expect_download() as download:
        page.get_by_role("link", name="The print supplier’s list (CSV, one row a letter)").click()
    rows = io.StringIO(download.value.path().read_text(encoding="utf-8-sig")).read().splitlines()
    assert rows[0].startswith("reference,name,address_line_1") and len(rows) == 4
    assert_valid_html(documents)


def test_a_draft_surveys_contacts_page_says_why_no_round_can_be_sent(
    sized_page: Page, ready: Survey
) -> None:
    Survey.objects.filter(pk=ready.pk).update(is_draft=True)
    page = sized_page
    signed_in(page)
    page.goto(f"/manage/{ready.slug}/contacts/")
    expect(page.get_by_text("is a draft: publish it before inviting anyone")).to_be_visible()
    expect(page.get_by_role("button", name="Continue")).to_have_count(0)
    shot(page, "manage-contacts-draft")
    assert_no_htmlcs_errors(page)
    assert_valid_html({"contacts-draft": page.content()})
