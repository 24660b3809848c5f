"""The confirmation pages in headless Chromium: withdrawing a case and putting it
back, voiding its code, closing a survey and opening it again; each confirm page
axe-clean, no sideways scrolling at 320 pixels, and a success banner on return.

With SEB_SHOTS set to a folder, each page is also saved as a screenshot there.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from surveys.fieldwork.cases import case_create
from surveys.fieldwork.issuing import NewCase
from surveys.models import Survey, SurveyMember, TeamRole
from tests.browser import test_fieldwork_browser as fieldwork
from tests.browser.test_fieldwork_browser import shot

pytestmark = pytest.mark.browser

# The fieldwork pages' fixtures: a signed-in manager, at desktop and phone widths.
sign_in = fieldwork.sign_in
sized_page = fieldwork.sized_page


def test_a_manager_confirms_each_action_that_stops_something_and_takes_it_back(
    sized_page: Page, sign_in: Callable[[Page], None]
) -> None:
    from django.contrib.auth.models import User

    survey = Survey.objects.create(
        slug="confirm-me",
        name="Confirm survey",
        access=Survey.Access.INVITATION,
        offers_online=True,
        is_draft=False,
        organisation="Office for Examples",
        contact_email="surveys@example.org",
        privacy_notice_text="We keep your answers safe.",
        next_steps_text="We will publish the results in the spring.",
    )
    page = sized_page
    sign_in(page)
    manager = User.objects.get(username="browser-manager")
    SurveyMember.objects.create(survey=survey, user=manager, role=TeamRole.MANAGER)
    case, _ = case_create(survey=survey, new=NewCase(reference="W-1"))

    page.goto(f"/manage/{survey.slug}/cases/{case.pk}/")
    page.get_by_role("button", name="Withdraw from the sample").click()
    expect(page.locator("h1")).to_have_text("Withdraw case W-1 from the sample?")
    shot(page, "confirm-withdraw")
    page.get_by_role("button", name="Withdraw the case").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("was withdrawn")
    shot(page, "case-withdrawn")
    page.get_by_role("button", name="Put back in the sample").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "back in the sample"
    )

    page.get_by_role("button", name="New code and link").click()
    expect(page.locator("h1")).to_have_text("Give case W-1 a new code and link?")
    shot(page, "confirm-new-code")
    page.get_by_role("link", name="Cancel").click()
    expect(page.locator("h1")).to_have_text("Case W-1")

    page.goto(f"/manage/{survey.slug}/")
    page.get_by_role("button", name="Close the survey now").click()
    expect(page.locator("h1")).to_have_text("Close Confirm survey now?")
    shot(page, "confirm-close")
    page.get_by_role("button", name="Close the survey").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is closed")
    shot(page, "survey-closed")
    page.get_by_role("button", name="Open the survey again").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is open")
