"""The coding queue in a browser: a coder signs in, opens the queue, codes the most
frequent title by keyboard only (type, Enter, arrows, Enter), goes straight on to the
next, and undoes a decision; without JavaScript the search works as a plain form. Each
page is checked by axe and HTML_CodeSniffer at 320 pixels and at desktop width.

With SEB_SHOTS set to a folder, each page is also saved as a screenshot there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Page, expect

from seb.occupation.coder import code
from surveys.access import CODER
from surveys.models import JobTitle, Response, Survey, SurveyMember, TeamRole
from tests.browser.checkers import assert_no_htmlcs_errors, assert_valid_html
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_online_journey_browser import no_horizontal_scroll
from tests.coding.conftest import store_title
from tests.conftest import STATE_EMPLOYEE_CLERICAL

pytestmark = pytest.mark.browser

PASSWORD = "a-long-password-for-the-coder"
SHOTS = os.environ.get("SEB_SHOTS", "")
CIVIL = code("civil engineer").candidates[0]


def check(page: Page, name: str, documents: dict[str, str]) -> None:
    assert_no_axe_violations(page)
    assert_no_htmlcs_errors(page)
    no_horizontal_scroll(page)
    width = page.viewport_size["width"] if page.viewport_size else 0
    documents[f"{name} ({width} px) {page.url}"] = page.content()
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


@pytest.fixture
def queue_survey(
    transactional_db: None,
    make_survey: Callable[..., Survey],
    make_response: Callable[..., Response],
) -> Survey:
    survey = make_survey("coded", name="Family background survey", asks_job_title=True)
    coder = User.objects.create_user(username="cody", password=PASSWORD, first_name="Cody")
    coder.groups.add(Group.objects.get_or_create(name=CODER)[0])
    SurveyMember.objects.create(survey=survey, user=coder, role=TeamRole.CODER)
    for text in ("Engineer", "engineers", "ENGINEER", "teacher", "Teachers", "widget minder"):
        store_title(make_response(survey, STATE_EMPLOYEE_CLERICAL), text)
    return survey


@pytest.fixture(
    params=[{"width": 1280, "height": 900}, {"width": 320, "height": 640}], ids=["desktop", "phone"]
)
def sized_page(request: Any, new_page: Callable[..., Page]) -> Page:
    return new_page(viewport=request.param)


def sign_in(page: Page) -> None:
    page.goto("/staff/login/")
    page.get_by_label("Username").fill("cody")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Coding queues", level=1)).to_be_visible()


def test_a_coder_codes_the_most_frequent_title_by_keyboard_and_undoes_it(
    sized_page: Page, queue_survey: Survey
) -> None:
    page = sized_page
    documents: dict[str, str] = {}
    sign_in(page)
    check(page, "coding-surveys", documents)
    page.get_by_role("link", name="Family background survey").click()
    expect(page.get_by_text("6 job titles in 3 groups are waiting")).to_be_visible()
    check(page, "coding-queue", documents)
    page.get_by_role("link", name="engineer", exact=True).click()
    expect(page.get_by_role("heading", name="engineer", level=1)).to_be_visible()
    # The search box is ready to type in: the coder never touches the mouse again.
    expect(page.get_by_label("Search the coding index and the unit groups")).to_be_focused()
    check(page, "coding-title", documents)
    page.keyboard.type("civil engineer")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Unit groups for “civil engineer”")).to_be_visible()
    first = page.locator("input[name=choice]").first
    expect(first).to_be_focused()
    expect(first).to_have_value(f"{CIVIL.soc2020}:{CIVIL.soc2010}")
    check(page, "coding-search", documents)
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"“engineer” coded to {CIVIL.soc2020}: 3 titles.")).to_be_visible()
    expect(page.get_by_role("heading", name="teacher", level=1)).to_be_visible()
    assert set(JobTitle.objects.filter(normalised="engineer").values_list("status", flat=True)) == {
        "coded"
    }
    # Nothing chosen: a clear message, nothing recorded.
    page.get_by_role("button", name="Code 2 titles").click()
    expect(
        page.get_by_text("Select a unit group, or that it cannot be coded").first
    ).to_be_visible()
    check(page, "coding-title-error", documents)
    page.get_by_role("link", name="Decisions").click()
    check(page, "coding-decisions", documents)
    page.get_by_role("button", name="Undo the decision on engineer").click()
    expect(
        page.get_by_text("The decision on “engineer” is undone: 3 titles are back")
    ).to_be_visible()
    expect(page.get_by_text("Undone", exact=True)).to_be_visible()
    page.get_by_role("link", name="Queue").click()
    expect(page.get_by_text("6 job titles in 3 groups are waiting")).to_be_visible()
    assert_valid_html(documents)


def test_without_javascript_the_search_is_a_form_and_the_decision_a_radio(
    new_page: Callable[..., Page], queue_survey: Survey
) -> None:
    page = new_page(java_script_enabled=False)
    sign_in(page)
    page.goto("/coding/coded/")
    page.get_by_role("link", name="widget minder").click()
    page.get_by_label("Search the coding index and the unit groups").fill("It cannot")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"\?q=It\+cannot$"))
    page.get_by_label("It cannot be coded").check()
    page.get_by_role("button", name="Code 1 title").click()
    expect(page.get_by_text("“widget minder” coded as cannot be coded: 1 title.")).to_be_visible()
    assert_no_axe_violations(page)
