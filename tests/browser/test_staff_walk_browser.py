"""A walk through every staff area as someone holding every role: the service
navigation on each page, the staff home, each mode's preview to the end of its
journey, and each page checked by axe, HTML_CodeSniffer (WCAG 2.1 AA) and the Nu
HTML checker, at 320 pixels and at desktop width.

With SEB_SHOTS set to a folder, each page is also saved as a screenshot there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from surveys.areas import AREAS
from surveys.fieldwork.cases import case_create
from surveys.fieldwork.issuing import NewCase
from surveys.models import Case, Survey
from tests.analysis.conftest import plausible_responses
from tests.browser.checkers import assert_no_htmlcs_errors, assert_valid_html
from tests.browser.conftest import assert_no_axe_violations, press_shortcut
from tests.browser.test_online_journey_browser import no_horizontal_scroll
from tests.conftest import STATE_EMPLOYEE_CLERICAL

pytestmark = pytest.mark.browser

PASSWORD = "a-long-password-for-the-whole-team"
SHOTS = os.environ.get("SEB_SHOTS", "")
MODES = ("online", "face_to_face", "telephone")


def check(page: Page, name: str, documents: dict[str, str]) -> None:
    """axe and HTML_CodeSniffer now, the page kept for the Nu HTML checker, no
    sideways scrolling; and a screenshot when asked."""
    assert_no_axe_violations(page)
    assert_no_htmlcs_errors(page)
    no_horizontal_scroll(page)
    width = page.viewport_size["width"] if page.viewport_size else 0
    documents[f"{name} ({width} px) {page.url}"] = page.content()
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


@pytest.fixture
def everyone(transactional_db: None) -> Callable[[Page], None]:
    User.objects.create_superuser(username="whole-team", password=PASSWORD)

    def sign_in(page: Page) -> None:
        page.goto("/staff/login/")
        page.get_by_label("Username").fill("whole-team")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Your areas", level=1)).to_be_visible()

    return sign_in


@pytest.fixture(
    params=[{"width": 1280, "height": 900}, {"width": 320, "height": 640}], ids=["desktop", "phone"]
)
def sized_page(request: Any, new_page: Callable[..., Page]) -> Page:
    return new_page(viewport=request.param)


def expect_area(page: Page, label: str) -> None:
    """The service navigation lists every area, and marks this one as current."""
    navigation = page.get_by_role("navigation", name="Staff areas")
    if page.viewport_size and page.viewport_size["width"] < 641:
        navigation.get_by_role("button", name="Menu").click()
    for area in AREAS:
        expect(navigation.get_by_role("link", name=area.label, exact=True)).to_be_visible()
    current = navigation.locator("[aria-current]")
    expect(current).to_have_count(1)
    expect(current).to_have_text(label)
    if page.viewport_size and page.viewport_size["width"] < 641:
        navigation.get_by_role("button", name="Menu").click()


def answer(page: Page, code: str) -> None:
    page.locator(f"input[name=answer][value='{code}']").check()
    page.get_by_role("button", name="Continue").click()


def test_each_modes_preview_walks_every_question_to_the_end(
    sized_page: Page, everyone: Callable[[Page], None], survey: Survey
) -> None:
    page = sized_page
    documents: dict[str, str] = {}
    everyone(page)
    for mode in MODES:
        page.goto(f"/manage/{survey.slug}/")
        page.locator(f"a[href$='/preview/{mode}/']", has_text="Preview the").click()
        expect(page.get_by_text("Nothing you enter here is stored.")).to_be_visible()
        if mode == "online":
            check(page, "preview-online-start", documents)
            page.get_by_role("button", name="Continue").click()
        # Every question: one route, then a change to the other employment branch.
        asked = []
        for key, code in STATE_EMPLOYEE_CLERICAL.items():
            expect(page).to_have_url(re.compile(f"/questions/{key}/$"))
            asked.append(key)
            if mode != "online":
                cues = page.locator(".interview-cue__tag")
                expect(cues.first).not_to_be_empty()
                for tag in cues.all():
                    expect(tag).to_have_text(re.compile(r"\S"))
                expect(page.locator("#options-cue .interview-cue__tag")).to_have_text(
                    re.compile(r"\S")
                )
            assert page.locator("input[name=answer]").count() >= 2, page.url
            if key in ("school_type", "earner_occupation"):
                expect_area(page, "Manage surveys")
                check(page, f"preview-{mode}-{key}", documents)
            answer(page, code)
        expect(page.get_by_role("heading", name=re.compile("Check"))).to_be_visible()
        page.locator("a[href*='earner_employment_status']").first.click()
        answer(page, "self_employed_no_employees")
        expect(page).to_have_url(re.compile(r"/check-your-answers/$"))
        page.locator("a[href*='earner_employment_status']").first.click()
        answer(page, "self_employed_with_employees")
        expect(page).to_have_url(re.compile(r"/questions/self_employed_size/(\?change=1)?$"))
        asked.append("self_employed_size")
        answer(page, "1_to_24")
        while "/questions/" in page.url:
            page.locator("input[name=answer]").first.check()
            page.get_by_role("button", name="Continue").click()
        expect(page).to_have_url(re.compile(r"/check-your-answers/$"))
        check(page, f"preview-{mode}-check", documents)
        page.get_by_role("button", name=re.compile("Submit|Accept")).click()
        expect(page).to_have_url(re.compile(r"/complete/$"))
        expect(page.get_by_text("Nothing you enter here is stored.")).to_be_visible()
        check(page, f"preview-{mode}-complete", documents)
        assert len(set(asked)) == len(survey.standard.questions)
    assert_valid_html(documents)


def test_every_area_is_in_the_navigation_and_its_pages_pass_the_three_checkers(
    sized_page: Page, everyone: Callable[[Page], None], survey: Survey
) -> None:
    page = sized_page
    documents: dict[str, str] = {}
    staff = User.objects.get(username="whole-team")
    case, _ = case_create(survey=survey, new=NewCase(reference="W1", interviewer_id=staff.pk))
    Case.objects.filter(pk=case.pk).update(variables={"region": "North"})
    plausible_responses(survey, 60, seed=7)
    page.goto("/staff/login/")
    check(page, "sign-in", documents)
    expect(
        page.get_by_text("analysts, interviewers, supervisors, survey managers and coders")
    ).to_be_visible()
    everyone(page)
    check(page, "staff-home", documents)
    for area in AREAS:
        expect(page.get_by_role("link", name=area.label).last).to_be_visible()
    walk = [
        ("Manage surveys", "/manage/", "manage-surveys"),
        ("Manage surveys", f"/manage/{survey.slug}/", "manage-survey"),
        ("Manage surveys", f"/manage/{survey.slug}/sample/", "manage-sample"),
        ("Manage surveys", f"/manage/{survey.slug}/contacts/", "manage-contacts"),
        ("Manage surveys", f"/manage/{survey.slug}/monitoring/", "manage-monitoring"),
        ("Interview", "/interview/", "interview-home"),
        ("Interview", f"/interview/caseload/{case.pk}/", "interview-case"),
        ("Supervise", "/supervise/", "supervise-home"),
        ("Supervise", f"/supervise/{survey.slug}/", "supervise-progress"),
        ("Supervise", f"/supervise/{survey.slug}/cases/", "supervise-cases"),
        ("Analysis", "/analysis/", "analysis-surveys"),
        ("Analysis", f"/analysis/{survey.slug}/", "analysis-tables"),
        ("Analysis", f"/analysis/{survey.slug}/compare/", "analysis-compare-index"),
        ("Analysis", f"/analysis/{survey.slug}/compare/mode/", "analysis-compare-mode"),
        ("Analysis", f"/analysis/{survey.slug}/compare/variable/", "analysis-compare-variable"),
        ("Analysis", f"/analysis/{survey.slug}/compare/reference/", "analysis-compare-reference"),
        ("Coding", "/coding/", "coding-surveys"),
        ("Coding", f"/coding/{survey.slug}/", "coding-queue"),
        ("Jobs", "/jobs/", "jobs"),
    ]
    for label, address, name in walk:
        page.goto(address)
        expect_area(page, label)
        check(page, name, documents)
        if name == "analysis-compare-mode" and page.viewport_size["width"] >= 1280:
            # A comparison of three modes and their differences fits a 1280-pixel window.
            region = page.locator(".app-table-scroll", has=page.locator("#comparison-table"))
            assert region.evaluate("r => r.scrollWidth <= r.clientWidth"), "the comparison scrolls"
    # The single-key shortcuts can be turned off, and stay off, and on again (WCAG 2.1.4).
    page.goto(f"/interview/caseload/{case.pk}/")
    page.get_by_role("button", name="Turn keyboard shortcuts off").click()
    expect(page.get_by_text("Keyboard shortcuts are off.")).to_be_visible()
    press_shortcut(page, "r")
    expect(page).to_have_url(re.compile(rf"/caseload/{case.pk}/$"))
    page.reload()
    press_shortcut(page, "r")
    expect(page).to_have_url(re.compile(rf"/caseload/{case.pk}/$"))
    page.get_by_role("button", name="Turn keyboard shortcuts on").click()
    press_shortcut(page, "r")
    # Recording a call: the appointment's date and time are revealed only for an appointment.
    expect(page).to_have_url(re.compile(rf"/caseload/{case.pk}/call/$"))
    expect_area(page, "Interview")
    time = page.get_by_label("Time", exact=True)
    expect(time).to_be_hidden()
    page.get_by_label("No answer or no contact").check()
    expect(time).to_be_hidden()
    page.get_by_label("Contact, but not now: appointment made").check()
    expect(time).to_be_visible()
    check(page, "interview-attempt", documents)
    # A respondent's pages carry no staff navigation.
    page.goto(f"/s/{survey.slug}/")
    expect(page.get_by_role("navigation", name="Staff areas")).to_have_count(0)
    check(page, "respondent-start", documents)
    assert_valid_html(documents)
