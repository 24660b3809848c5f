"""The analyst pages in headless Chromium: accessible, no CSP refusals, usable on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Page, expect

from seb.standard import Mode
from surveys.access import ANALYST
from surveys.models import Survey
from tests.browser.conftest import assert_no_axe_violations
from tests.classification.conftest import unrounded_permission
from tests.conftest import (
    INDEPENDENT_LARGE_EMPLOYER,
    SELECTIVE_NOT_WORKING,
    STATE_EMPLOYEE_CLERICAL,
    BulkResponses,
    granted_every_survey,
)

pytestmark = pytest.mark.browser

PASSWORD = "a-long-analyst-password-for-tests"


@pytest.fixture
def signed_in(transactional_db: None) -> Callable[[Page], None]:
    user = User.objects.create_user(username="browser-analyst", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=ANALYST)[0])
    user.user_permissions.add(unrounded_permission())
    granted_every_survey(user)

    def sign_in(page: Page) -> None:
        page.goto("/staff/login/")
        page.get_by_label("Username").fill("browser-analyst")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Surveys", level=1)).to_be_visible()

    return sign_in


@pytest.fixture
def responses(survey: Survey, bulk_responses: BulkResponses) -> Survey:
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 23)
    bulk_responses(survey, SELECTIVE_NOT_WORKING, 12, mode=Mode.TELEPHONE)
    bulk_responses(survey, INDEPENDENT_LARGE_EMPLOYER, 4, mode=Mode.FACE_TO_FACE)
    return survey


def test_analyst_pages_pass_axe_and_show_tables_and_charts(
    page: Page, signed_in: Callable[[Page], None], responses: Survey
) -> None:
    """Survey list, tables page (rounded and unrounded) and an error page pass axe."""
    signed_in(page)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Test survey").click()
    expect(
        page.get_by_role(
            "table", name=re.compile(r"^Type of secondary school attended .*: Test survey$")
        )
    ).to_be_visible()
    assert page.locator("figure svg").count() > 0
    assert_no_axe_violations(page)
    page.get_by_label("3-class NS-SEC").check()
    page.get_by_label("Telephone").check()
    page.get_by_label("Unrounded: no disclosure control").check()
    page.get_by_role("button", name="Show tables").click()
    expect(page.get_by_text("Unrounded figures: disclosure control is not applied")).to_be_visible()
    expect(page.locator("#table-nssec3")).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("#id_date_from_0").fill("31")
    page.locator("#id_date_from_1").fill("2")
    page.locator("#id_date_from_2").fill("2025")
    page.get_by_role("button", name="Show tables").click()
    expect(page.get_by_role("alert")).to_contain_text("Completed from must be a real date")
    page.get_by_role("link", name="Completed from must be a real date").click()
    expect(page.locator("#id_date_from_0")).to_be_focused()
    assert_no_axe_violations(page)


def test_tables_page_fits_a_phone(
    page_320: Page, signed_in: Callable[[Page], None], responses: Survey
) -> None:
    """At 320 CSS pixels neither the survey list nor the tables page scrolls sideways."""
    signed_in(page_320)
    for url in ("/analysis/", f"/analysis/{responses.slug}/"):
        page_320.goto(url)
        assert page_320.evaluate("document.documentElement.scrollWidth") <= 320, url
