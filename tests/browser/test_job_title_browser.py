"""The job title pages in headless Chromium (an addition beyond the standard): online with
the autocomplete and without JavaScript, and a telephone and a face-to-face interview by
keyboard alone and without JavaScript; axe-clean, at 320 px and on a desktop.

With SEB_SHOTS set to a folder, each page is also saved as a screenshot there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from seb.standard import Mode
from surveys.access import INTERVIEWER
from surveys.models import JobTitle, Survey
from tests.conftest import STAFF_PASSWORD

from .checkers import assert_no_htmlcs_errors, assert_valid_html
from .conftest import assert_no_axe_violations
from .test_interviewer_browser import sign_in, start_interview

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("SEB_SHOTS", "")
EMPLOYEE = {
    "school_type": "state",
    "free_school_meals": "no",
    "earner_employment_status": "employee",
    "employer_size": "25_or_more",
    "supervisor": "no",
    "earner_occupation": "professional",
    "parental_qualification": "degree",
}


def shot(page: Page, name: str) -> None:
    """Checks the page (axe, no sideways scrolling) and, when asked, saves a screenshot."""
    assert_no_axe_violations(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), f"{page.url} scrolls sideways"
    if SHOTS:
        size = page.viewport_size["width"] if page.viewport_size else 0
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{size}.png", full_page=True)


@pytest.fixture
def asking(make_survey: Callable[..., Survey]) -> Survey:
    return make_survey("asking", asks_job_title=True, interviewers_take_unassigned=True)


def answer(page: Page, code: str) -> None:
    page.locator(f'input[name="answer"][value="{code}"]').check()
    page.get_by_role("button", name="Continue").click()


def online_to_job_title(page: Page, survey: Survey) -> None:
    page.goto(f"/s/{survey.slug}/")
    page.get_by_role("button", name="Start now").click()
    while (match := re.search(r"/questions/(\w+)/", page.url)) is not None:
        answer(page, EMPLOYEE[match[1]])
    expect(page).to_have_url(re.compile(r"/job-title/$"))


def job_title_ready(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("data-job-title", "ready")


@pytest.mark.parametrize("width", [320, 1280])
def test_online_suggestions_are_chosen_by_keyboard_and_stored_with_their_code(
    new_page: Callable[..., Page], asking: Survey, width: int
) -> None:
    page = new_page(viewport={"width": width, "height": 800})
    online_to_job_title(page, asking)
    job_title_ready(page)
    box = page.locator("#id_text")
    box.click()
    box.press_sequentially("bus dr")
    option = page.get_by_role("option", name="Bus driver", exact=True)
    expect(option).to_be_visible()
    expect(page.locator("[data-job-title-not-listed]")).to_be_visible()
    shot(page, "job-title-online-suggestions")
    page.keyboard.press("ArrowDown")
    first = page.get_by_role("option").first
    expect(first).to_be_focused()
    chosen = first.text_content() or ""
    page.keyboard.press("Enter")
    expect(box).to_have_value(chosen)
    expect(box).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/questions/parental_qualification/$"))
    stored = JobTitle.objects.get()
    assert (stored.text, stored.method, stored.status) == (chosen, "suggestion", "coded")
    assert stored.soc2020 == "8212"


def test_online_a_title_not_listed_is_kept_as_typed_then_a_bare_one_is_followed_up(
    page: Page, asking: Survey
) -> None:
    online_to_job_title(page, asking)
    job_title_ready(page)
    shot(page, "job-title-online")
    box = page.locator("#id_text")
    box.click()
    box.press_sequentially("blorf operator")
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/questions/parental_qualification/$"))
    assert (JobTitle.objects.get().text, JobTitle.objects.get().status) == (
        "blorf operator",
        "uncoded",
    )
    # Back to the title (it is kept), a bare title this time: the follow-up question.
    page.get_by_role("link", name="Back").click()
    job_title_ready(page)
    expect(page.locator("#id_text")).to_have_value("blorf operator")
    page.locator("#id_text").fill("teacher")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/job-title/follow-up/$"))
    expect(page.locator("h1")).to_contain_text("as a teacher?")
    shot(page, "job-title-online-follow-up")
    page.get_by_label("Primary education teaching professionals").check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/questions/parental_qualification/$"))
    assert (JobTitle.objects.get().method, JobTitle.objects.get().soc2020) == ("follow-up", "2314")


@pytest.mark.parametrize("width", [320, 1280])
def test_online_without_javascript_asks_which_is_closest(
    new_page: Callable[..., Page], asking: Survey, width: int
) -> None:
    page = new_page(java_script_enabled=False, viewport={"width": width, "height": 800})
    online_to_job_title(page, asking)
    shot(page, "job-title-online-no-js")
    page.locator("#id_text").fill("blorf operator")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/job-title/closest/$"))
    expect(page.locator("h1")).to_have_text("Which of these is closest?")
    shot(page, "job-title-online-closest")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the closest job")
    shot(page, "job-title-online-closest-error")
    page.get_by_label("None of these").check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/questions/parental_qualification/$"))
    assert JobTitle.objects.get().follow_ups[-1]["answer"] == "None of these"


@pytest.fixture
def interviewer_with_password(make_staff: Callable[..., User]) -> User:
    return make_staff("field-interviewer", INTERVIEWER)


@pytest.mark.parametrize(
    ("mode", "width"),
    [
        (Mode.TELEPHONE, 320),
        (Mode.TELEPHONE, 1280),
        (Mode.FACE_TO_FACE, 320),
        (Mode.FACE_TO_FACE, 1280),
    ],
)
def test_an_interview_takes_the_job_title_by_keyboard_and_reads_out_the_follow_up(
    new_page: Callable[..., Page],
    asking: Survey,
    interviewer_with_password: User,
    mode: Mode,
    width: int,
) -> None:
    """Both interviewer modes, with JavaScript: type, Enter, the follow-up's number, Enter."""
    page = new_page(viewport={"width": width, "height": 900})
    sign_in(page, interviewer_with_password)
    start_interview(page, asking, mode, f"JT-{mode.value[:1].upper()}{width}")
    while (match := re.search(r"/questions/(\w+)/", page.url)) is not None:
        answer(page, EMPLOYEE[match[1]])
    expect(page).to_have_url(re.compile(r"/job-title/$"))
    job_title_ready(page)
    box = page.locator("#id_text")
    expect(box).to_be_focused()
    expect(page.get_by_text("An addition beyond the harmonised standard")).to_be_visible()
    shot(page, f"job-title-interview-{mode.value}")
    page.keyboard.type("teacher")
    expect(page.get_by_role("option").first).to_be_visible()
    # Enter with the list open and nothing chosen in it continues with what was typed.
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/job-title/follow-up/$"))
    expect(page.get_by_text("Read out")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-keyboard", "ready")
    shot(page, f"job-title-interview-follow-up-{mode.value}")
    options = page.locator('input[name="answer"]')
    codes = [options.nth(i).get_attribute("value") for i in range(options.count())]
    number = codes.index("2314") + 1
    page.keyboard.press(str(number))
    expect(page.locator('input[value="2314"]')).to_be_checked()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/questions/parental_qualification/$"))
    stored = JobTitle.objects.get()
    assert (stored.text, stored.method, stored.soc2020) == ("teacher", "follow-up", "2314")


@pytest.mark.parametrize("mode", [Mode.TELEPHONE, Mode.FACE_TO_FACE])
def test_an_interview_without_javascript_takes_the_job_title_and_its_follow_up(
    new_page: Callable[..., Page], asking: Survey, interviewer_with_password: User, mode: Mode
) -> None:
    """Both interviewer modes with JavaScript off: the plain text box, then the
    follow-up question as radios, each a full page."""
    page = new_page(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page.goto("/staff/login/")
    page.locator("#id_username").fill(interviewer_with_password.username)
    page.locator("#id_password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/interview/$"))
    page.goto(f"/interview/start/{asking.slug}/")
    page.get_by_label(mode.label, exact=True).check()
    reference = f"NJ-{mode.value[:1].upper()}"
    page.get_by_label("Case reference").fill(reference)
    page.get_by_role("button", name="Start interview").click()
    page.get_by_role("button", name=f"Create case {reference} and start").click()
    while (match := re.search(r"/questions/(\w+)/", page.url)) is not None:
        answer(page, EMPLOYEE[match[1]])
    expect(page).to_have_url(re.compile(r"/job-title/$"))
    expect(page.locator("html")).not_to_have_attribute("data-job-title", "ready")
    page.locator("#id_text").fill("teacher")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/job-title/follow-up/$"))
    expect(page.get_by_text("Read out")).to_be_visible()
    page.locator('input[name="answer"][value="2314"]').check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/questions/parental_qualification/$"))
    stored = JobTitle.objects.get()
    assert (stored.text, stored.method, stored.soc2020) == ("teacher", "follow-up", "2314")
    assert stored.response.mode == mode


@pytest.mark.parametrize("width", [320, 1280])
def test_the_check_page_shows_the_job_title_with_its_change_link(
    new_page: Callable[..., Page], asking: Survey, width: int
) -> None:
    page = new_page(viewport={"width": width, "height": 800})
    online_to_job_title(page, asking)
    job_title_ready(page)
    page.locator("#id_text").fill("Welder")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Continue").click()
    answer(page, EMPLOYEE["parental_qualification"])
    expect(page.locator("h1")).to_have_text("Check your answers before submitting")
    row = page.locator(".govuk-summary-list__row", has_text="Main earner’s job title")
    expect(row).to_contain_text("Welder")
    shot(page, "job-title-check-answers")
    row.get_by_role("link", name=re.compile("Change")).click()
    expect(page).to_have_url(re.compile(r"/job-title/\?change=1$"))


@pytest.fixture
def manager_with_password(make_staff: Callable[..., User]) -> User:
    from surveys.access import SURVEY_MANAGER

    return make_staff("job-title-manager", SURVEY_MANAGER)


@pytest.mark.parametrize("width", [320, 1280])
def test_the_setting_and_the_preview_mark_the_job_title_as_an_addition(
    new_page: Callable[..., Page], asking: Survey, manager_with_password: User, width: int
) -> None:
    from surveys.models import SurveyMember, TeamRole
    from tests.conftest import STAFF_PASSWORD

    SurveyMember.objects.create(survey=asking, user=manager_with_password, role=TeamRole.MANAGER)
    page = new_page(viewport={"width": width, "height": 900})
    page.goto("/staff/login/")
    page.locator("#id_username").fill(manager_with_password.username)
    page.locator("#id_password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in")).click()
    page.goto(f"/manage/{asking.slug}/settings/")
    setting = page.get_by_label(
        "Ask for the job title (an addition beyond the harmonised standard)"
    )
    expect(setting).to_be_checked()
    shot(page, "job-title-setting")
    page.goto(f"/manage/{asking.slug}/preview/telephone/")
    while (match := re.search(r"/questions/(\w+)/", page.url)) is not None:
        answer(page, EMPLOYEE[match[1]])
    expect(page).to_have_url(re.compile(r"/preview/telephone/job-title/$"))
    expect(page.get_by_text("An addition beyond the harmonised standard")).to_be_visible()
    job_title_ready(page)
    shot(page, "job-title-preview-telephone")


def test_the_job_title_pages_are_valid_html_and_pass_html_codesniffer(
    new_page: Callable[..., Page], asking: Survey, interviewer_with_password: User
) -> None:
    documents: dict[str, str] = {}

    def keep(page: Page, name: str) -> None:
        assert_no_htmlcs_errors(page)
        documents[name] = page.request.get(page.url).text()

    page = new_page(java_script_enabled=False)
    online_to_job_title(page, asking)
    keep(page, "online job title")
    page.locator("#id_text").fill("blorf operator")
    page.get_by_role("button", name="Continue").click()
    keep(page, "online closest")
    page.get_by_role("link", name="Back").click()
    page.locator("#id_text").fill("teacher")
    page.get_by_role("button", name="Continue").click()
    keep(page, "online follow-up")
    interviewer = new_page()
    sign_in(interviewer, interviewer_with_password)
    start_interview(interviewer, asking, Mode.FACE_TO_FACE, "JT-HTML")
    while (match := re.search(r"/questions/(\w+)/", interviewer.url)) is not None:
        answer(interviewer, EMPLOYEE[match[1]])
    job_title_ready(interviewer)
    keep(interviewer, "interview job title")
    interviewer.locator("#id_text").fill("engineer")
    interviewer.keyboard.press("Escape")
    interviewer.get_by_role("button", name="Continue").click()
    expect(interviewer).to_have_url(re.compile(r"/job-title/follow-up/$"))
    keep(interviewer, "interview follow-up")
    assert_valid_html(documents)
