"""Face-to-face and telephone interviews in headless Chromium, keyboard only, checked by axe."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Locator, Page, expect

from seb.standard import Mode, Wording, load_standard
from surveys.access import INTERVIEWER
from surveys.models import Response, Survey
from tests.conftest import STAFF_PASSWORD
from tests.standard_text import expected_questions

from .conftest import assert_no_axe_violations, press_shortcut

pytestmark = pytest.mark.browser

STANDARD = load_standard()
# No named group: Playwright hands the pattern to JavaScript for `to_have_url`.
QUESTION_PATH = re.compile(r"/interview/cases/[0-9a-f-]+/questions/(\w+)/")
TAB_LIMIT = 80

# Between them, for each mode, these take every branch of the routing: school type
# to free school meals or past it, and each way out of employment status and the
# self-employed size question, with spontaneous answers where the mode has them.
ROUTES = {
    "state-employee-supervisor": {
        "school_type": "state",
        "free_school_meals": "yes",
        "earner_employment_status": "employee",
        "employer_size": "25_or_more",
        "supervisor": "yes",
        "earner_occupation": "professional",
        "parental_qualification": "degree",
    },
    "independent-self-employed-25-or-more": {
        "school_type": "independent",
        "earner_employment_status": "self_employed_with_employees",
        "self_employed_size": "25_or_more",
        "parental_qualification": "below_degree",
    },
    "bursary-self-employed-1-to-24": {
        "school_type": "independent_bursary",
        "earner_employment_status": "self_employed_with_employees",
        "self_employed_size": "1_to_24",
        "earner_occupation": "manager",
        "parental_qualification": "not_applicable",
    },
    "outside-uk-self-employed-alone": {
        "school_type": "outside_uk",
        "earner_employment_status": "self_employed_no_employees",
        "earner_occupation": "technical_craft",
        "parental_qualification": "no_qualifications",
    },
    "spontaneous-answers-not-working": {
        "school_type": "dont_know",
        "free_school_meals": "not_applicable",
        "earner_employment_status": "not_working",
        "parental_qualification": "prefer_not_to_say",
    },
}
TELEPHONE_DONT_KNOW = {
    "school_type": "prefer_not_to_say",
    "free_school_meals": "dont_know",
    "earner_employment_status": "dont_know",
    "parental_qualification": "dont_know",
}
MODE_ROUTES = [
    *((Mode.TELEPHONE, name, answers) for name, answers in ROUTES.items()),
    (Mode.TELEPHONE, "telephone-dont-know-employment", TELEPHONE_DONT_KNOW),
    *((Mode.FACE_TO_FACE, name, answers) for name, answers in ROUTES.items()),
]


def count_pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def wording(mode: Mode, key: str) -> Wording:
    return STANDARD.question(key).wording(mode)


def number_key(mode: Mode, key: str, code: str) -> str:
    """The key an interviewer presses for an option: its number in the standard."""
    return str(wording(mode, key).codes.index(code) + 1)


# Keyboard only ---------------------------------------------------------------------


def is_focused(locator: Locator) -> bool:
    return bool(locator.evaluate("element => element === document.activeElement"))


def tab_to(page: Page, locator: Locator) -> None:
    """Presses Tab until the element has focus, as a keyboard user would."""
    for _ in range(TAB_LIMIT):
        if is_focused(locator):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator} on {page.url}")


def sign_in(page: Page, user: User) -> None:
    page.goto("/staff/login/")
    tab_to(page, page.locator("#id_username"))
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    page.keyboard.type(STAFF_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/interview/$"))
    expect(page.locator("h1")).to_have_text("Your cases")
    page.wait_for_load_state()  # its scripts too, before the test moves on


def start_interview(page: Page, survey: Survey, mode: Mode, reference: str) -> None:
    """From the home page: the survey's start link, the mode, the reference, Enter."""
    tab_to(page, page.get_by_role("link", name=f"Start an interview for {survey.name}"))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Start an interview")
    # A radio group is one Tab stop; the arrow keys move through it and choose.
    tab_to(page, page.get_by_label("Face to face", exact=True))
    if mode is Mode.TELEPHONE:
        page.keyboard.press("ArrowDown")
    else:
        page.keyboard.press("Space")
    expect(page.get_by_label(mode.label, exact=True)).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Case reference")).to_be_focused()
    page.keyboard.type(reference)
    page.keyboard.press("Enter")
    # A reference the sample does not have makes a new case once confirmed.
    expect(page.locator("h1")).to_have_text(f"Create a new case {reference}?")
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= max(
        320, page.viewport_size["width"] if page.viewport_size else 0
    )
    if shots := os.environ.get("SEB_SHOTS", ""):
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=f"{shots}/confirm-new-case-{width}.png", full_page=True)
    tab_to(page, page.get_by_role("button", name=f"Create case {reference} and start"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(QUESTION_PATH)


def question_key(page: Page) -> str:
    match = QUESTION_PATH.search(page.url)
    assert match, f"{page.url} is not a question page"
    return match[1]


def answer_by_number(page: Page, mode: Mode, code: str) -> None:
    """Focus starts on the options; the option's number chooses it and Enter sends it."""
    key = question_key(page)
    expect(page.locator("input[name=answer]").first).to_be_focused()
    page.keyboard.press(number_key(mode, key, code))
    expect(page.locator(f"input[name=answer][value='{code}']")).to_be_checked()
    expect(page.locator(f"input[name=answer][value='{code}']")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: QUESTION_PATH.search(url) is None or question_key(page) != key)


def answer_until_check_page(
    page: Page,
    mode: Mode,
    answers: dict[str, str],
    check: Callable[[Page], None] = lambda page: None,
) -> list[str]:
    asked = []
    while QUESTION_PATH.search(page.url):
        key = question_key(page)
        expect(page.locator("h1")).to_have_text(wording(mode, key).text)
        check(page)
        asked.append(key)
        answer_by_number(page, mode, answers[key])
    expect(page).to_have_url(re.compile(r"/check-answers/$"))
    return asked


def complete(page: Page) -> None:
    tab_to(page, page.get_by_role("button", name="Submit the interview"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/outcome/$"))
    expect(page.locator("h1")).to_have_text("Interview complete")


@pytest.fixture
def interviewer_with_password(make_staff: Callable[..., User]) -> User:
    return make_staff("field-interviewer", INTERVIEWER)


@pytest.fixture
def signed_in_page(page: Page, interviewer_with_password: User, survey: Survey) -> Page:
    """Signed in on the interviewer's home page, which lists the survey."""
    sign_in(page, interviewer_with_password)
    return page


# Tests ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "answers"),
    [(mode, answers) for mode, _, answers in MODE_ROUTES],
    ids=[f"{mode}-{name}" for mode, name, _ in MODE_ROUTES],
)
def test_a_complete_interview_by_keyboard_alone_follows_the_routing(
    signed_in_page: Page, survey: Survey, mode: Mode, answers: dict[str, str]
) -> None:
    page = signed_in_page
    start_interview(page, survey, mode, reference="KB-1")
    asked = answer_until_check_page(page, mode, answers)
    assert asked == expected_questions(answers)
    complete(page)
    case = Response.objects.get(reference="KB-1")
    assert (case.status, case.mode) == (Response.Status.COMPLETE, mode)
    assert case.answers == {key: answers[key] for key in asked}


@pytest.mark.parametrize("mode", [Mode.TELEPHONE, Mode.FACE_TO_FACE])
def test_every_interviewer_screen_has_no_axe_violations(
    signed_in_page: Page, survey: Survey, mode: Mode
) -> None:
    page = signed_in_page
    assert_no_axe_violations(page)
    tab_to(page, page.get_by_role("link", name=f"Start an interview for {survey.name}"))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Start an interview")
    assert_no_axe_violations(page)
    tab_to(page, page.get_by_role("button", name="Start interview"))
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)
    page.goto("/interview/")
    start_interview(page, survey, mode, reference="AXE-1")
    tab_to(page, page.get_by_role("button", name="Continue"))
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Error: "))
    # After an error, focus is on the error summary (GOV.UK). A number key does
    # nothing there (WCAG 2.1.4: keys act only in the answers); the summary's link
    # takes focus to the answers, where it chooses.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_no_axe_violations(page)
    press_shortcut(page, "1")
    expect(page.locator("input[name=answer][value=state]")).not_to_be_checked()
    page.locator(".govuk-error-summary a").first.click()
    expect(page.locator("input[name=answer]").first).to_be_focused()
    press_shortcut(page, "1")
    expect(page.locator("input[name=answer][value=state]")).to_be_checked()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(wording(mode, "free_school_meals").text)
    # Two routes between them show every question.
    first = ROUTES["state-employee-supervisor"]
    answer_until_check_page(page, mode, first, check=assert_no_axe_violations)
    assert_no_axe_violations(page)
    status = STANDARD.question("earner_employment_status").short_label
    tab_to(page, page.get_by_role("link", name=f"Change your answer to: {status}"))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(wording(mode, "earner_employment_status").text)
    press_shortcut(page, "2")  # self_employed_with_employees
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(wording(mode, "self_employed_size").text)
    assert_no_axe_violations(page)
    tab_to(page, page.get_by_role("link", name=re.compile("^Stop interview")))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Why did the interview stop?")
    assert_no_axe_violations(page)
    tab_to(page, page.get_by_role("button", name="Stop interview"))
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)


def test_an_interview_is_stopped_and_another_resumed_by_keyboard(
    signed_in_page: Page, survey: Survey
) -> None:
    page = signed_in_page
    start_interview(page, survey, Mode.TELEPHONE, reference="STOP-1")
    answer_by_number(page, Mode.TELEPHONE, "state")
    tab_to(page, page.get_by_role("link", name=re.compile("^Stop interview")))
    page.keyboard.press("Enter")
    # The reasons are one Tab stop; the arrow key moves from the first to "Broke off".
    tab_to(page, page.get_by_label("Refused"))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Broke off")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Stop interview"))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Interview stopped")
    expect(page.locator("main")).to_contain_text("Broke off")
    assert_no_axe_violations(page)
    stopped = Response.objects.get(reference="STOP-1")
    assert (stopped.status, stopped.stop_reason) == (Response.Status.STOPPED, "broke_off")

    tab_to(page, page.get_by_role("link", name="Back to your cases"))
    page.keyboard.press("Enter")
    # A stopped interview stays on the to-do list: it can be resumed.
    stopped_row = page.locator("tr", has_text="STOP-1")
    expect(stopped_row).to_contain_text("Interview stopped")
    start_interview(page, survey, Mode.FACE_TO_FACE, reference="RESUME-1")
    answer_by_number(page, Mode.FACE_TO_FACE, "independent")
    page.goto("/interview/")
    expect(page.locator("main")).to_contain_text("RESUME-1")
    tab_to(page, page.get_by_role("button", name="Resume case RESUME-1"))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(
        wording(Mode.FACE_TO_FACE, "earner_employment_status").text
    )
    answers = ROUTES["outside-uk-self-employed-alone"]
    answer_until_check_page(page, Mode.FACE_TO_FACE, answers)
    complete(page)


def test_number_keys_choose_spontaneous_options_and_ignore_numbers_past_the_last(
    signed_in_page: Page, survey: Survey
) -> None:
    page = signed_in_page
    start_interview(page, survey, Mode.FACE_TO_FACE, reference="KEYS-1")
    press_shortcut(page, "7")
    expect(page.get_by_label("7. Prefer not to say")).to_be_checked()
    press_shortcut(page, "8")
    press_shortcut(page, "9")
    expect(page.get_by_label("7. Prefer not to say")).to_be_checked()
    press_shortcut(page, "1")
    expect(page.get_by_label("1. A state-run or state-funded school", exact=True)).to_be_checked()


def test_the_screens_work_without_javascript(
    survey: Survey, page_no_js: Page, interviewer_with_password: User
) -> None:
    page = page_no_js
    sign_in(page, interviewer_with_password)
    start_interview(page, survey, Mode.TELEPHONE, reference="NOJS-1")
    answers = ROUTES["spontaneous-answers-not-working"]
    assert "js-enabled" not in page.evaluate("document.body.className")
    assert_no_axe_violations(page)
    while QUESTION_PATH.search(page.url):
        key = question_key(page)
        number = number_key(Mode.TELEPHONE, key, answers[key])
        page.get_by_label(re.compile(rf"^\s*{number}\. ")).check()
        page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/check-answers/$"))
    page.get_by_role("button", name="Submit the interview").click()
    expect(page.locator("h1")).to_have_text("Interview complete")
    assert Response.objects.get(reference="NOJS-1").status == Response.Status.COMPLETE


def test_showcards_have_no_axe_violations_and_print_one_card_per_a4_page(
    signed_in_page: Page,
) -> None:
    page = signed_in_page
    cards = [q for q in STANDARD.questions if q.wording(Mode.FACE_TO_FACE).showcard]
    page.goto("/interview/showcards/")
    expect(page.locator(".showcard")).to_have_count(len(cards))
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert_no_axe_violations(page)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert count_pdf_pages(pdf) == len(cards)
    for question in cards:
        page.goto(f"/interview/showcards/{question.key}/")
        expect(page.locator(".showcard")).to_have_count(1)
        assert_no_axe_violations(page)
        assert count_pdf_pages(page.pdf(format="A4", prefer_css_page_size=True)) == 1


def test_the_printed_showcard_shows_only_the_card_in_large_type(signed_in_page: Page) -> None:
    page = signed_in_page
    page.goto("/interview/showcards/school_type/")
    page.emulate_media(media="print")
    expect(page.locator(".govuk-header")).to_be_hidden()
    expect(page.locator(".interview-showcards__intro")).to_be_hidden()
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.showcard__option')).fontSize)"
    )
    assert size >= 32  # 24pt and above, in CSS pixels


def test_interviewer_pages_fit_a_phone(
    page_320: Page, interviewer_with_password: User, survey: Survey
) -> None:
    """At 320 CSS pixels no interviewer page scrolls sideways; wide tables scroll in place."""
    sign_in(page_320, interviewer_with_password)
    start_interview(page_320, survey, Mode.TELEPHONE, "PHONE-320-CASE")
    for url in ("/interview/", f"/interview/start/{survey.slug}/", page_320.url):
        page_320.goto(url)
        assert page_320.evaluate("document.documentElement.scrollWidth") <= 320, url
    page_320.goto("/interview/")
    assert_no_axe_violations(page_320)
