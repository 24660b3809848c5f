"""The fieldwork pages in headless Chromium: the survey manager's pages, code entry,
a personal link resumed in a second browser, and the monitoring page; axe-clean,
no CSP refusals, and no sideways scrolling at 320 pixels.

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

from surveys.access import INTERVIEWER, SURVEY_MANAGER
from surveys.fieldwork.cases import case_create
from surveys.fieldwork.issuing import NewCase
from surveys.models import Case, Survey, SurveyMember, TeamRole
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_online_journey_browser import no_horizontal_scroll
from tests.classification.conftest import unrounded_permission
from tests.conftest import STATE_EMPLOYEE_CLERICAL

pytestmark = pytest.mark.browser

PASSWORD = "a-long-manager-password-for-tests"
SHOTS = os.environ.get("SEB_SHOTS", "")


def shot(page: Page, name: str) -> None:
    """Checks the page (axe, width) and, when asked, saves what it looks like."""
    assert_no_axe_violations(page)
    no_horizontal_scroll(page)
    if SHOTS:
        width = page.viewport_size["width"] if page.viewport_size else 0
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


@pytest.fixture
def sign_in(transactional_db: None) -> Callable[[Page], None]:
    user = User.objects.create_user(username="browser-manager", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=SURVEY_MANAGER)[0])
    user.user_permissions.add(unrounded_permission())

    def signed_in(page: Page) -> None:
        page.goto("/staff/login/")
        page.get_by_label("Username").fill("browser-manager")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Surveys", level=1)).to_be_visible()

    return signed_in


@pytest.fixture(
    params=[{"width": 1280, "height": 900}, {"width": 320, "height": 640}], ids=["desktop", "phone"]
)
def sized_page(request: Any, new_page: Callable[..., Page]) -> Page:
    return new_page(viewport=request.param)


def test_a_manager_creates_opens_and_samples_a_survey(
    sized_page: Page, sign_in: Callable[[Page], None], tmp_path: Path
) -> None:
    page = sized_page
    sign_in(page)
    shot(page, "manage-surveys")
    page.get_by_role("button", name="Create a survey").click()
    # The preview is live once the page's script has started.
    expect(page.locator("#address-preview")).to_have_attribute("data-live", "true")
    page.get_by_label("Survey name").fill("Staff background survey")
    # The address follows the name as it is typed, and the full link is previewed.
    expect(page.get_by_label("Web address")).to_have_value("staff-background-survey")
    expect(page.locator("#address-preview")).to_have_text(
        re.compile(r"/s/staff-background-survey/$")
    )
    page.get_by_label("Web address").fill("staff-2027")
    expect(page.locator("#address-preview")).to_have_text(re.compile(r"/s/staff-2027/$"))
    page.get_by_label("Online").check()
    page.get_by_label("Invitation only: people in the sample, with a link or code").check()
    shot(page, "manage-create")
    page.get_by_role("button", name="Create the survey").click()
    expect(page.get_by_role("heading", name="What respondents are told")).to_be_visible()
    page.get_by_label("Organisation running the survey").fill("Office for Examples")
    page.get_by_label("Contact email address").fill("surveys@example.org")
    page.get_by_label("Or the privacy notice’s text, shown on a page of the survey").fill(
        "We use your answers only for statistics."
    )
    page.get_by_label("What happens next (confirmation page)").fill("Results in the spring.")
    shot(page, "manage-content")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("What respondents are told was saved.")).to_be_visible()
    shot(page, "manage-survey-draft")
    page.get_by_role("button", name="Open the survey").click()
    expect(page.locator("h1 .govuk-tag")).to_have_text("Open")
    page.get_by_role("link", name="Preview the online journey").click()
    expect(page.get_by_text("Nothing you enter here is stored.")).to_be_visible()
    shot(page, "preview-start")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_contain_text("school")
    shot(page, "preview-question")
    page.get_by_role("link", name="Leave the preview").click()
    page.get_by_role("navigation", name="Staff background survey").get_by_role(
        "link", name="Sample"
    ).click()
    shot(page, "manage-sample")
    sample = tmp_path / "sample.csv"
    sample.write_text(
        "reference,email,region\n" + "".join(f"B{n},b{n}@example.org,North\n" for n in range(1, 6))
    )
    page.get_by_label("Upload a sample file").set_input_files(str(sample))
    page.get_by_role("button", name="Load the cases").click()
    expect(page.get_by_text("5 cases added to the sample")).to_be_visible()
    shot(page, "manage-sample-job")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Download the codes and links")).click()
    codes = Path(download.value.path()).read_text().splitlines()
    assert codes[0] == "reference,access_code,link" and len(codes) == 6
    page.reload()
    expect(page.get_by_text("was downloaded, and has been deleted")).to_be_visible()
    page.goto("/manage/staff-2027/sample/")
    page.get_by_role("link", name="B1").click()
    shot(page, "manage-case")
    page.get_by_role("link", name="Invitations and reminders").click()
    page.get_by_label("Email template ID").fill("f33517ff-2a88-4f6e-b855-c550268ce08a")
    shot(page, "manage-contacts")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check the messages before sending")).to_be_visible()
    expect(page.get_by_text("Email, as case B1 would get it")).to_be_visible()
    shot(page, "manage-contacts-confirm")
    page.get_by_role("button", name="Send the messages").click()
    expect(page.get_by_text("Invitation round: 5 messages for this round")).to_be_visible()
    page.goto("/manage/staff-2027/outbox/")
    shot(page, "manage-outbox")


def test_an_access_code_is_entered_with_a_clear_error_for_a_wrong_one(
    sized_page: Page, invitation_survey: Survey
) -> None:
    page = sized_page
    _, credentials = case_create(survey=invitation_survey, new=NewCase(reference="K1"))
    page.goto("/s/invited/")
    expect(page.get_by_label("Enter your access code")).to_be_visible()
    shot(page, "respondent-code")
    page.get_by_label("Enter your access code").fill("ABCD EFGH JKMN PQRS")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    shot(page, "respondent-code-wrong")
    page.get_by_label("Enter your access code").fill(credentials.access_code.lower())
    page.get_by_role("button", name="Continue").click()
    # The survey's start page (its privacy notice) first, then the questions.
    expect(page).to_have_url(re.compile(r"/s/invited/$"))
    expect(page.get_by_role("link", name=re.compile("privacy notice"))).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/s/invited/questions/school_type/$"))
    shot(page, "respondent-first-question")


def test_a_personal_link_resumes_in_a_second_browser_without_the_secret_in_the_address(
    new_page: Callable[..., Page], invitation_survey: Survey
) -> None:
    _, credentials = case_create(survey=invitation_survey, new=NewCase(reference="L1"))
    link = f"/s/invited/k/{credentials.link_token}/"
    first = new_page()
    first.goto(link)
    expect(first).to_have_url(re.compile(r"/s/invited/$"))
    assert credentials.link_token not in first.url
    first.get_by_role("button", name="Continue").click()
    expect(first).to_have_url(re.compile(r"/s/invited/questions/school_type/$"))
    first.get_by_label("State-run or state-funded school", exact=False).first.check()
    first.get_by_role("button", name="Continue").click()
    expect(first).to_have_url(re.compile(r"/questions/free_school_meals/$"))
    second = new_page(viewport={"width": 320, "height": 640})
    second.goto(link)
    expect(second).to_have_url(re.compile(r"/s/invited/questions/free_school_meals/$"))
    assert credentials.link_token not in second.url
    assert_no_axe_violations(second)


def test_a_completed_case_and_an_opt_out_are_clear(
    sized_page: Page, invitation_survey: Survey
) -> None:
    page = sized_page
    case, credentials = case_create(survey=invitation_survey, new=NewCase(reference="C1"))
    from surveys.responses.lifecycle import answer_record, response_for_case, response_submit

    response = response_for_case(survey=invitation_survey, case=case)
    for key, code in STATE_EMPLOYEE_CLERICAL.items():
        answer_record(response_id=response.pk, question_key=key, code=code)
    response.refresh_from_db()
    response_submit(response_id=response.pk, revision=response.revision)
    page.goto(f"/s/invited/k/{credentials.link_token}/")
    expect(
        page.get_by_role("heading", name="You have already completed this survey")
    ).to_be_visible()
    shot(page, "respondent-already-completed")
    from surveys.fieldwork.contacts import opt_out_token

    page.goto(f"/s/invited/opt-out/{opt_out_token(Case.objects.get(pk=case.pk))}/")
    shot(page, "respondent-opt-out")
    page.get_by_role("button", name="Stop messages").click()
    expect(page.get_by_role("heading", name="You will get no more messages")).to_be_visible()
    page.goto("/cookies/")
    shot(page, "service-cookies")
    page.goto("/accessibility/")
    shot(page, "service-accessibility")


def test_the_monitoring_page_shows_rates_and_the_daily_chart(
    sized_page: Page,
    sign_in: Callable[[Page], None],
    invitation_survey: Survey,
    bulk_responses: Any,
) -> None:
    from surveys.job_handlers import SEND_ROUND  # noqa: F401  (registers the handlers)
    from tests.fieldwork.conftest import load, sample_csv

    load(
        invitation_survey,
        sample_csv(
            [(f"M{n}", ("North", "South")[n % 2]) for n in range(30)],
            header=("reference", "region"),
        ),
    )
    from surveys.fieldwork.derived import case_refresh
    from surveys.responses.bulk import NewResponse, complete, responses_create

    cases = list(invitation_survey.cases.all()[:18])
    responses_create(
        survey=invitation_survey,
        responses=[
            NewResponse(
                complete=complete(invitation_survey, "online", STATE_EMPLOYEE_CLERICAL),
                case_id=case.pk,
            )
            for case in cases
        ],
    )
    for case in cases:
        case_refresh(case_id=case.pk)
    page = sized_page
    sign_in(page)
    manager = User.objects.get(username="browser-manager")
    SurveyMember.objects.create(survey=invitation_survey, user=manager, role=TeamRole.MANAGER)
    page.goto("/manage/invited/monitoring/")
    expect(page.get_by_role("table", name=re.compile("Response rates"))).to_be_visible()
    expect(page.locator("figure.app-chart svg[role=img]")).to_be_visible()
    shot(page, "manage-monitoring")


def test_a_manager_adds_and_removes_a_team_member_on_the_team_page(
    sized_page: Page, sign_in: Callable[[Page], None], make_survey: Callable[..., Survey]
) -> None:
    """The team page lists each role's members; adding someone not of the role's kind
    is refused with the reason, beside the field; the only manager cannot be removed."""
    survey = make_survey("team-survey", name="Team survey")
    ivy = User.objects.create_user(username="ivy", first_name="Ivy", last_name="Field")
    ivy.groups.add(Group.objects.get_or_create(name=INTERVIEWER)[0])
    page = sized_page
    sign_in(page)
    manager = User.objects.get(username="browser-manager")
    SurveyMember.objects.create(survey=survey, user=manager, role=TeamRole.MANAGER)
    page.goto("/manage/team-survey/team/")
    expect(page.get_by_role("heading", name="Team", level=1)).to_be_visible()
    expect(page.get_by_text("The only manager")).to_be_visible()
    shot(page, "manage-team")
    page.get_by_label("Username").fill("ivy")
    page.get_by_label("Supervisor").check()
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_role("alert")).to_contain_text("not in the “supervisor” group")
    shot(page, "manage-team-error")
    page.get_by_label("Interviewer").check()
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_text("Ivy Field is now the survey’s interviewer.")).to_be_visible()
    expect(page.get_by_role("button", name="Remove ivy as interviewer")).to_be_visible()
    shot(page, "manage-team-added")
    page.get_by_role("button", name="Remove ivy as interviewer").click()
    expect(page.get_by_text("Ivy Field is no longer the survey’s interviewer.")).to_be_visible()
    assert not SurveyMember.objects.filter(survey=survey, user=ivy).exists()
