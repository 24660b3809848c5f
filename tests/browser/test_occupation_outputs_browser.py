"""The tables page of a survey that asks for the job title, in headless Chromium: the
table of self-coded by full NS-SEC is there, marked beyond the standard, axe-clean, and
the page does not scroll sideways at 320 pixels (the table scrolls in its own region).

With SEB_SHOTS set to a folder, each page is also saved as a screenshot there.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Page, expect

from seb.occupation.tables import SELF_BY_FULL_KEY
from surveys.access import ANALYST
from surveys.models import Survey
from tests.analysis.conftest import plausible_responses
from tests.analysis.occupation import SECRET_TITLE, add_job_titles
from tests.browser.checkers import assert_no_htmlcs_errors, assert_valid_html
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_online_journey_browser import no_horizontal_scroll
from tests.conftest import granted_every_survey

pytestmark = pytest.mark.browser

PASSWORD = "a-long-analyst-password-for-tests"
SHOTS = os.environ.get("SEB_SHOTS", "")


@pytest.fixture
def signed_in(transactional_db: None) -> Callable[[Page], None]:
    user = User.objects.create_user(username="occupation-analyst", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=ANALYST)[0])
    granted_every_survey(user)

    def sign_in(page: Page) -> None:
        page.goto("/staff/login/")
        page.get_by_label("Username").fill("occupation-analyst")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Surveys", level=1)).to_be_visible()

    return sign_in


@pytest.fixture
def job_survey(survey: Survey) -> Survey:
    survey.asks_job_title = True
    survey.save(update_fields=["asks_job_title"])
    plausible_responses(survey, 200, seed=12)
    add_job_titles(survey)
    return survey


@pytest.mark.parametrize("width", [320, 1280])
def test_the_occupation_table_on_the_tables_page(
    new_page: Callable[..., Page],
    signed_in: Callable[[Page], None],
    job_survey: Survey,
    width: int,
) -> None:
    page = new_page(viewport={"width": width, "height": 900})
    signed_in(page)
    page.goto(f"/analysis/{job_survey.slug}/")
    table = page.locator(f"#table-{SELF_BY_FULL_KEY}")
    expect(table).to_be_visible()
    expect(page.get_by_text("Beyond the standard", exact=True)).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(9)  # the header, 7 classes, Total
    assert SECRET_TITLE not in page.content()
    assert_no_axe_violations(page)
    assert_no_htmlcs_errors(page)
    assert_valid_html({f"tables page at {width}": page.content()})
    no_horizontal_scroll(page)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        section = page.locator(f"section:has(#table-{SELF_BY_FULL_KEY})")
        section.screenshot(path=f"{SHOTS}/occupation-table-{width}.png")
        page.screenshot(path=f"{SHOTS}/occupation-tables-page-{width}.png", full_page=True)
