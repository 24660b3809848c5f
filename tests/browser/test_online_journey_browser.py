"""The online respondent journey in headless Chromium, checked by axe-core on every page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from seb.standard import Mode, Wording, load_standard
from tests.standard_text import expected_questions

from .conftest import assert_no_axe_violations

pytestmark = pytest.mark.browser

STANDARD = load_standard()
QUESTION_PATH = re.compile(r"/s/(?P<slug>[\w-]+)/questions/(?P<key>\w+)/")

STATE_EMPLOYEE = {
    "school_type": "state",
    "free_school_meals": "yes",
    "earner_employment_status": "employee",
    "employer_size": "25_or_more",
    "supervisor": "yes",
    "earner_occupation": "professional",
    "parental_qualification": "degree",
}
INDEPENDENT_LARGE_EMPLOYER = {
    "school_type": "independent",
    "earner_employment_status": "self_employed_with_employees",
    "self_employed_size": "25_or_more",
    "parental_qualification": "below_degree",
}
OUTSIDE_UK_NOT_WORKING = {
    "school_type": "outside_uk",
    "earner_employment_status": "not_working",
    "parental_qualification": "no_qualifications",
}
SELF_EMPLOYED_ALONE = {
    "school_type": "state_selective",
    "free_school_meals": "not_applicable",
    "earner_employment_status": "self_employed_no_employees",
    "earner_occupation": "technical_craft",
    "parental_qualification": "dont_know",
}
BURSARY_SMALL_EMPLOYER = {
    "school_type": "independent_bursary",
    "earner_employment_status": "self_employed_with_employees",
    "self_employed_size": "1_to_24",
    "earner_occupation": "manager",
    "parental_qualification": "not_applicable",
}
PREFERS_NOT_TO_SAY = {
    "school_type": "prefer_not_to_say",
    "free_school_meals": "prefer_not_to_say",
    "earner_employment_status": "prefer_not_to_say",
    "parental_qualification": "prefer_not_to_say",
}
ROUTES = {
    "state-fsm-employee-size-supervisor-occupation": STATE_EMPLOYEE,
    "independent-self-employed-25-or-more": INDEPENDENT_LARGE_EMPLOYER,
    "outside-uk-not-working": OUTSIDE_UK_NOT_WORKING,
    "self-employed-without-employees-occupation": SELF_EMPLOYED_ALONE,
    "bursary-self-employed-1-to-24-occupation": BURSARY_SMALL_EMPLOYER,
    "prefer-not-to-say": PREFERS_NOT_TO_SAY,
}

PageCheck = Callable[[Page], None]


def wording(key: str) -> Wording:
    return STANDARD.question(key).wording(Mode.ONLINE)


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("document.documentElement.clientWidth")
    assert width <= viewport, f"{page.url} is {width}px wide in a {viewport}px window"


def question_shown(page: Page) -> str:
    """The key of the question on the page, after checking that its heading is its wording."""
    match = QUESTION_PATH.search(page.url)
    assert match, f"{page.url} is not a question page"
    key = match["key"]
    expect(page.locator("h1")).to_have_text(wording(key).text)
    return key


def radio(page: Page, key: str, code: str) -> Locator:
    return page.get_by_label(wording(key).option(code).label, exact=True)


def choose(page: Page, key: str, code: str) -> None:
    radio(page, key, code).check()
    page.get_by_role("button", name="Continue").click()


def start(page: Page, slug: str, check: PageCheck = assert_no_axe_violations) -> None:
    page.goto(f"/s/{slug}/")
    expect(page.get_by_role("button", name="Start now")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Start now").click()


def answer_until_check_page(
    page: Page, answers: dict[str, str], check: PageCheck = assert_no_axe_violations
) -> list[str]:
    """Answers each question the pages show until check your answers; returns the keys shown."""
    shown = []
    while QUESTION_PATH.search(page.url):
        key = question_shown(page)
        check(page)
        shown.append(key)
        choose(page, key, answers[key])
    expect(page).to_have_url(re.compile(r"/check-your-answers/$"))
    return shown


def summary(page: Page) -> list[tuple[str, str, str]]:
    """Check your answers as (short label, full question, answer) rows, in order."""
    rows = page.locator(".govuk-summary-list__row")
    return [
        (
            rows.nth(i).locator(".app-question-label").inner_text().strip(),
            rows.nth(i).locator(".govuk-details__text").text_content().strip(),
            rows.nth(i).locator(".govuk-summary-list__value").inner_text().strip(),
        )
        for i in range(rows.count())
    ]


def expected_summary(answers: dict[str, str]) -> list[tuple[str, str, str]]:
    return [
        (
            STANDARD.question(key).short_label,
            wording(key).text,
            wording(key).option(answers[key]).label,
        )
        for key in expected_questions(answers)
    ]


def submit(page: Page) -> None:
    page.get_by_role("button", name="Submit").click()
    expect(page).to_have_url(re.compile(r"/complete/$"))
    expect(page.locator("h1")).to_have_text("Answers submitted")


def test_pages_use_the_sites_own_css_and_govuk_frontend_js(page: Page, survey) -> None:
    page.goto(f"/s/{survey.slug}/")
    font = page.evaluate("getComputedStyle(document.querySelector('.govuk-body')).fontFamily")
    assert font.startswith("system-ui")
    header = page.evaluate(
        "getComputedStyle(document.querySelector('.govuk-header')).backgroundColor"
    )
    assert header == "rgb(11, 12, 12)"
    body_classes = page.evaluate("document.body.className").split()
    assert {"js-enabled", "govuk-frontend-supported"} <= set(body_classes)
    assert page.locator(".govuk-header__logo, .govuk-header__logotype").count() == 0


def test_header_has_no_crown_and_the_service_name_lines_up_with_the_content(
    page: Page, survey
) -> None:
    page.set_viewport_size({"width": 1100, "height": 800})
    page.goto(f"/s/{survey.slug}/")
    assert page.locator(".govuk-header svg, .govuk-header img, .govuk-header__logo").count() == 0
    name = page.locator(".govuk-header__service-name").bounding_box()
    heading = page.locator("h1").bounding_box()
    assert name is not None and heading is not None
    assert name["x"] == heading["x"]


@pytest.mark.parametrize("answers", ROUTES.values(), ids=ROUTES.keys())
def test_journey_asks_the_questions_codes_md_routes_to_and_submits(
    page: Page, survey, answers: dict[str, str]
) -> None:
    start(page, survey.slug)
    shown = answer_until_check_page(page, answers)
    assert shown == expected_questions(answers)
    assert summary(page) == expected_summary(answers)
    assert_no_axe_violations(page)
    submit(page)
    assert_no_axe_violations(page)


def test_continue_with_nothing_chosen_shows_an_error_summary_that_takes_focus(
    page: Page, survey
) -> None:
    start(page, survey.slug)
    page.get_by_role("button", name="Continue").click()
    message = "Select the type of secondary school you attended for the most time"
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary_box = page.locator(".govuk-error-summary")
    expect(summary_box).to_be_focused()
    expect(summary_box.get_by_role("link", name=message)).to_be_visible()
    expect(page.locator(".govuk-error-message")).to_contain_text(message)
    assert_no_axe_violations(page)
    summary_box.get_by_role("link", name=message).click()
    first_option = wording("school_type").options[0].label
    expect(page.get_by_label(first_option, exact=True)).to_be_focused()


def test_an_error_on_a_later_question_keeps_the_earlier_answers(page: Page, survey) -> None:
    start(page, survey.slug)
    choose(page, "school_type", "state")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert question_shown(page) == "free_school_meals"
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Back").click()
    assert question_shown(page) == "school_type"
    expect(radio(page, "school_type", "state")).to_be_checked()


def test_back_link_returns_to_the_previous_question_with_its_answer_chosen(
    page: Page, survey
) -> None:
    start(page, survey.slug)
    choose(page, "school_type", "state")
    choose(page, "free_school_meals", "no")
    assert question_shown(page) == "earner_employment_status"
    page.get_by_role("link", name="Back").click()
    assert question_shown(page) == "free_school_meals"
    expect(radio(page, "free_school_meals", "no")).to_be_checked()
    choose(page, "free_school_meals", "yes")
    assert question_shown(page) == "earner_employment_status"
    page.get_by_role("link", name="Back").click()
    expect(radio(page, "free_school_meals", "yes")).to_be_checked()


def test_change_link_asks_only_the_questions_newly_on_the_route(page: Page, survey) -> None:
    start(page, survey.slug)
    answer_until_check_page(page, STATE_EMPLOYEE, check=lambda page: None)
    status = STANDARD.question("earner_employment_status").short_label
    page.get_by_role("link", name=f"Change your answer to: {status}").click()
    assert question_shown(page) == "earner_employment_status"
    expect(radio(page, "earner_employment_status", "employee")).to_be_checked()
    assert_no_axe_violations(page)
    changed = {
        **STATE_EMPLOYEE,
        "earner_employment_status": "self_employed_with_employees",
        "self_employed_size": "1_to_24",
    }
    choose(page, "earner_employment_status", "self_employed_with_employees")
    # Occupation was answered already and is still on the route, so it is not asked again.
    assert answer_until_check_page(page, changed) == ["self_employed_size"]
    assert summary(page) == expected_summary(changed)

    school = STANDARD.question("school_type").short_label
    page.get_by_role("link", name=f"Change your answer to: {school}").click()
    page.get_by_role("link", name="Back").click()
    expect(page).to_have_url(re.compile(r"/check-your-answers/$"))
    page.get_by_role("link", name=f"Change your answer to: {school}").click()
    choose(page, "school_type", "independent")
    expect(page).to_have_url(re.compile(r"/check-your-answers/$"))
    independent = {key: code for key, code in changed.items() if key != "free_school_meals"}
    independent["school_type"] = "independent"
    assert summary(page) == expected_summary(independent)
    submit(page)


def test_reopening_the_survey_link_resumes_at_the_next_unanswered_question(
    page: Page, survey
) -> None:
    start(page, survey.slug)
    choose(page, "school_type", "outside_uk")
    choose(page, "earner_employment_status", "employee")
    # Closed only once the next question has loaded: Chromium can acknowledge a
    # close that races a navigation's commit and never close the page
    # (microsoft/playwright#41900), which hung this test on a busy machine.
    expect(page).to_have_url(re.compile(r"/questions/employer_size/$"))
    page.wait_for_load_state("load")
    context = page.context
    page.close()
    reopened = context.new_page()
    reopened.goto(f"/s/{survey.slug}/")
    assert question_shown(reopened) == "employer_size"
    reopened.get_by_role("link", name="Back").click()
    assert question_shown(reopened) == "earner_employment_status"
    expect(radio(reopened, "earner_employment_status", "employee")).to_be_checked()


def test_someone_else_on_another_browser_starts_afresh(page: Page, new_page, survey) -> None:
    start(page, survey.slug)
    choose(page, "school_type", "state")
    other = new_page()
    other.goto(f"/s/{survey.slug}/")
    expect(other.get_by_role("button", name="Start now")).to_be_visible()


def test_after_submitting_the_survey_link_shows_the_confirmation(page: Page, survey) -> None:
    start(page, survey.slug)
    answer_until_check_page(page, OUTSIDE_UK_NOT_WORKING, check=lambda page: None)
    submit(page)
    page.goto(f"/s/{survey.slug}/")
    expect(page).to_have_url(re.compile(r"/complete/$"))
    page.goto(f"/s/{survey.slug}/questions/school_type/")
    expect(page).to_have_url(re.compile(r"/complete/$"))


def test_answering_a_question_taken_off_the_route_in_another_tab_changes_nothing(
    page: Page, survey
) -> None:
    start(page, survey.slug)
    choose(page, "school_type", "state")
    assert question_shown(page) == "free_school_meals"
    other_tab = page.context.new_page()
    other_tab.goto(f"/s/{survey.slug}/questions/school_type/")
    choose(other_tab, "school_type", "independent")
    choose(page, "free_school_meals", "yes")
    expect(page.locator("h1")).to_have_text("This page is out of date")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Continue").click()
    assert question_shown(page) == "earner_employment_status"


def test_closed_survey_page_is_accessible(page: Page, make_survey) -> None:
    survey = make_survey(slug="closed", closes_at=timezone.now() - timedelta(days=1))
    response = page.goto(f"/s/{survey.slug}/")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text(f"{survey.name} has closed")
    assert_no_axe_violations(page)


def test_survey_not_yet_open_page_is_accessible(page: Page, make_survey) -> None:
    survey = make_survey(slug="soon", opens_at=timezone.now() + timedelta(days=1))
    page.goto(f"/s/{survey.slug}/")
    expect(page.locator("h1")).to_have_text(f"{survey.name} is not open yet")
    assert_no_axe_violations(page)


def test_page_not_found_is_accessible(page: Page, survey) -> None:
    response = page.goto("/s/no-such-survey/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    assert_no_axe_violations(page)


def test_whole_journey_works_without_javascript(page_no_js: Page, survey) -> None:
    page = page_no_js
    start(page, survey.slug)
    assert "js-enabled" not in page.evaluate("document.body.className")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    shown = answer_until_check_page(page, STATE_EMPLOYEE)
    assert shown == expected_questions(STATE_EMPLOYEE)
    status = STANDARD.question("earner_employment_status").short_label
    page.get_by_role("link", name=f"Change your answer to: {status}").click()
    choose(page, "earner_employment_status", "not_working")
    expect(page).to_have_url(re.compile(r"/check-your-answers/$"))
    not_working = {
        "school_type": "state",
        "free_school_meals": "yes",
        "earner_employment_status": "not_working",
        "parental_qualification": "degree",
    }
    assert summary(page) == expected_summary(not_working)
    assert_no_axe_violations(page)
    submit(page)
    assert_no_axe_violations(page)


def test_no_page_scrolls_sideways_at_320_pixels_wide(page_320: Page, make_survey) -> None:
    page = page_320
    survey = make_survey(
        name="A survey with a long name about socio-economic background and careers",
    )

    def check(page: Page) -> None:
        no_horizontal_scroll(page)
        assert_no_axe_violations(page)

    start(page, survey.slug, check=check)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    check(page)
    answer_until_check_page(page, STATE_EMPLOYEE, check=check)
    check(page)
    submit(page)
    check(page)
    page.goto("/s/no-such-survey/")
    check(page)
