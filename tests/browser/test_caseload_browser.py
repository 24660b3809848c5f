"""Fieldwork in headless Chromium: a new interviewer's caseload worked by keyboard, the
supervisor's pages, the timeout warning and an answer kept across an expired session,
and the question's place on the first screen, measured. Every page is checked by axe."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone
from playwright.sync_api import Page, expect

from seb.standard import Mode, load_standard
from surveys.access import INTERVIEWER, SUPERVISOR
from surveys.fieldwork.cases import case_create
from surveys.fieldwork.issuing import NewCase
from surveys.interviewing.services import interview_start
from surveys.models import Case, Response, Survey
from surveys.responses.lifecycle import answer_record
from tests.conftest import STAFF_PASSWORD
from tests.interview.conftest import answers_reaching

from .conftest import assert_no_axe_violations, press_shortcut
from .test_interviewer_browser import (
    QUESTION_PATH,
    answer_by_number,
    answer_until_check_page,
    complete,
    question_key,
    sign_in,
    tab_to,
    wording,
)

pytestmark = pytest.mark.browser

STANDARD = load_standard()
INTERVIEW_MODES = (Mode.FACE_TO_FACE, Mode.TELEPHONE)
# The rest of the route after state school, free school meals, then an employee.
REST = {
    "earner_employment_status": "employee",
    "employer_size": "1_to_24",
    "supervisor": "no",
    "earner_occupation": "clerical_intermediate",
    "parental_qualification": "degree",
}
WAIT_MS = 15_000


def sample(survey: Survey, reference: str, user: User | None, **fields: Any) -> Case:
    case, _ = case_create(
        survey=survey,
        new=NewCase(reference=reference, interviewer_id=user.pk if user else None, **fields),
    )
    return case


def sign_in_to(page: Page, user: User, landing: str) -> None:
    """Sign in by keyboard from wherever the sign-in page was reached."""
    tab_to(page, page.locator("#id_username"))
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    page.keyboard.type(STAFF_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(landing))
    page.wait_for_load_state()


def rates_row(page: Page, label: str) -> dict[str, str]:
    row = page.locator(f'table[data-table="rates"] tr[data-row="{label}"]')
    cells = row.locator("td")
    return {
        cells.nth(n).get_attribute("data-column") or "": cells.nth(n).inner_text()
        for n in range(cells.count())
    }


def record_call(page: Page, outcome_label: str) -> None:
    """On a case page: R opens the form; the outcome is chosen and sent by keyboard."""
    press_shortcut(page, "r")
    expect(page.locator("h1")).to_have_text("Record a call or visit")
    tab_to(page, page.get_by_label("No answer or no contact"))
    labels = [
        "No answer or no contact",
        "Contact, but not now: appointment made",
        "Refusal",
        "Not eligible",
    ]
    for _ in range(labels.index(outcome_label)):
        page.keyboard.press("ArrowDown")
    if outcome_label == labels[0]:
        page.keyboard.press("Space")
    expect(page.get_by_label(outcome_label)).to_be_checked()


def test_a_new_interviewer_works_a_case_by_keyboard_and_the_supervisor_sees_it(
    new_page: Callable[..., Page],
    make_staff: Callable[..., User],
    survey: Survey,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ann = make_staff("ann", INTERVIEWER, first_name="Ann", last_name="Field")
    bob = make_staff("bob", INTERVIEWER, first_name="Bob", last_name="Caller")
    sue = make_staff("sue", SUPERVISOR)
    sue.user_permissions.add(Permission.objects.get(codename="view_unrounded"))
    main = sample(survey, "HH-1", ann, preferred_mode="telephone", phone="01632 960001")
    sample(survey, "HH-2", ann, preferred_mode="telephone")

    page = new_page()
    sign_in(page, ann)
    expect(page.locator("tr[data-case-row]")).to_have_count(2)
    assert_no_axe_violations(page)
    tab_to(page, page.get_by_role("link", name="Case HH-1"))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Case HH-1")
    assert_no_axe_violations(page)

    # A call that got no answer, with a note.
    record_call(page, "No answer or no contact")
    assert_no_axe_violations(page)
    tab_to(page, page.get_by_label("Note (optional)"))
    page.keyboard.type("No reply at 10am")
    tab_to(page, page.get_by_role("button", name="Record it"))
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "No answer or no contact: recorded for case HH-1."
    )
    assert_no_axe_violations(page)

    # An appointment for tomorrow, with its date and time.
    record_call(page, "Contact, but not now: appointment made")
    tomorrow = timezone.localdate() + timedelta(days=1)
    tab_to(page, page.get_by_role("button", name="Record it"))
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the date of the appointment"
    )
    assert_no_axe_violations(page)
    tab_to(page, page.get_by_label("Day"))
    page.keyboard.type(str(tomorrow.day))
    page.keyboard.press("Tab")
    page.keyboard.type(str(tomorrow.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(tomorrow.year))
    tab_to(page, page.get_by_label("Time", exact=True))
    page.keyboard.type("10:30")
    tab_to(page, page.get_by_role("button", name="Record it"))
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Appointment made")

    # S starts the interview (the case's mode is chosen already); two answers, then stop.
    press_shortcut(page, "s")
    expect(page).to_have_url(QUESTION_PATH)
    answer_by_number(page, Mode.TELEPHONE, "state")
    answer_by_number(page, Mode.TELEPHONE, "yes")
    tab_to(page, page.get_by_role("link", name=re.compile("^Stop interview")))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Refused"))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Broke off")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Stop interview"))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Interview stopped")
    tab_to(page, page.get_by_role("link", name="Back to case HH-1"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Resume the interview")).to_be_visible()

    # The next day: S resumes at the first unanswered question; the rest, then submit.
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=1))
    press_shortcut(page, "s")
    expect(page.locator("h1")).to_have_text(
        wording(Mode.TELEPHONE, "earner_employment_status").text
    )
    answer_until_check_page(page, Mode.TELEPHONE, REST)
    complete(page)
    tab_to(page, page.get_by_role("link", name="Back to case HH-1"))
    page.keyboard.press("Enter")
    expect(page.locator("[data-outcome]")).to_have_text(re.compile(r"^1\.1 Complete"))
    expect(page.locator("tr[data-history] th")).to_have_text(
        [
            "Interview complete",
            "Interview resumed",
            "Interview stopped",
            "Interview started",
            "Contact, but not now: appointment made",
            "No answer or no contact",
        ]
    )
    assert_no_axe_violations(page)
    main.refresh_from_db()
    assert main.outcome == "1.1"

    # The supervisor: Ann's progress; HH-2 reassigned to Bob by keyboard.
    boss = new_page()
    boss.goto("/staff/login/")
    sign_in_to(boss, sue, r"/supervise/$")
    assert_no_axe_violations(boss)
    tab_to(boss, boss.get_by_role("link", name=survey.name))
    boss.keyboard.press("Enter")
    expect(boss.locator("h1")).to_have_text("Progress by interviewer")
    assert_no_axe_violations(boss)
    tab_to(boss, boss.get_by_role("link", name="Cases of Ann Field"))
    boss.keyboard.press("Enter")
    expect(boss.locator("h1")).to_have_text("Ann Field’s cases")
    assert_no_axe_violations(boss)
    tab_to(boss, boss.get_by_label("Select case HH-2"))
    boss.keyboard.press("Space")
    tab_to(boss, boss.get_by_label("Assign the selected cases to"))
    boss.get_by_label("Assign the selected cases to").select_option(label="Bob Caller")
    tab_to(boss, boss.get_by_role("button", name="Assign", exact=True))
    boss.keyboard.press("Enter")
    expect(boss.locator(".govuk-notification-banner--success")).to_contain_text(
        "1 case assigned to Bob Caller."
    )
    assert Case.objects.get(reference="HH-2").interviewer == bob
    boss.goto(f"/supervise/{survey.slug}/")
    # HH-1 complete (I) for Ann; HH-2 never tried (U) for Bob. Overall: RR1 = 1/2;
    # e = 1/1, so RR3 = 1/(1 + 1); COOP1 = 1/1; REF1 = 0/2; CON1 = 1/2.
    assert rates_row(boss, "Ann Field") == {
        "RR1": "100.0", "RR2": "100.0", "RR3": "100.0", "RR4": "100.0",
        "COOP1": "100.0", "REF1": "0.0", "CON1": "100.0",
    }  # fmt: skip
    assert rates_row(boss, "All cases") == {
        "RR1": "50.0", "RR2": "50.0", "RR3": "50.0", "RR4": "50.0",
        "COOP1": "100.0", "REF1": "0.0", "CON1": "50.0",
    }  # fmt: skip


def test_the_caseload_is_worked_with_its_listed_shortcuts(
    page: Page, make_staff: Callable[..., User], survey: Survey
) -> None:
    ann = make_staff("ann", INTERVIEWER)
    case = sample(survey, "KEY-1", ann)
    interview_start(case=case, mode=Mode.TELEPHONE, interviewer=ann)
    sign_in(page, ann)
    page.keyboard.press("/")
    expect(page.get_by_label("Search by case reference")).to_be_focused()
    page.keyboard.type("KEY")
    page.keyboard.press("Enter")
    expect(page.locator("h2", has_text="Cases matching")).to_be_visible()
    press_shortcut(page, "d")
    expect(page).to_have_url(re.compile(r"\?show=done$"))
    press_shortcut(page, "a")
    expect(page).to_have_url(re.compile(r"\?show=today$"))
    press_shortcut(page, "t")
    expect(page).to_have_url(re.compile(r"\?show=to-do$"))
    tab_to(page, page.get_by_role("button", name="Resume case KEY-1"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(QUESTION_PATH)
    assert question_key(page) == "school_type"


def test_letter_keys_record_dont_know_and_prefer_not_to_say_where_the_mode_offers_them(
    page: Page, make_staff: Callable[..., User], survey: Survey
) -> None:
    ann = make_staff("ann", INTERVIEWER)
    interview = interview_start(
        case=sample(survey, "LETTERS-1", ann), mode=Mode.FACE_TO_FACE, interviewer=ann
    )
    sign_in(page, ann)
    page.goto(f"/interview/cases/{interview.pk}/questions/school_type/")
    expect(page.locator(".app-shortcuts")).to_contain_text("Don’t know")
    press_shortcut(page, "d")
    expect(page.locator("input[value=dont_know]")).to_be_checked()
    press_shortcut(page, "p")
    expect(page.locator("input[value=prefer_not_to_say]")).to_be_checked()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(wording(Mode.FACE_TO_FACE, "free_school_meals").text)
    answer_record(response_id=interview.pk, question_key="school_type", code="independent")
    page.goto(f"/interview/cases/{interview.pk}/questions/earner_employment_status/")
    # Face to face, this question offers neither: no letter key, and none listed.
    expect(page.locator(".app-shortcuts")).not_to_contain_text("Don’t know")
    press_shortcut(page, "d")
    expect(page.locator("input[name=answer]:checked")).to_have_count(0)


# The timeout warning ------------------------------------------------------------------


def seconds_left(page: Page) -> int:
    """What the server says the session has left (asking does not count as activity)."""
    status = page.request.get("/staff/session/", headers={"Accept": "application/json"})
    return int(status.json()["seconds_left"])


def test_the_warning_dialog_appears_and_staying_signed_in_extends_the_session(
    page: Page, make_staff: Callable[..., User], survey: Survey, settings: Any
) -> None:
    settings.STAFF_IDLE_TIMEOUT_SECONDS = 20
    settings.STAFF_TIMEOUT_WARNING_SECONDS = 16
    ann = make_staff("ann", INTERVIEWER)
    sign_in(page, ann)
    dialog = page.locator("dialog[data-timeout-dialog]")
    expect(dialog).to_be_visible(timeout=WAIT_MS)
    assert seconds_left(page) <= 16
    expect(dialog.get_by_role("heading")).to_have_text("You’re about to be signed out")
    expect(dialog).to_contain_text("you will be signed out in")
    stay = dialog.get_by_role("button", name="Stay signed in")
    sign_out = dialog.get_by_role("button", name="Sign out")
    expect(dialog.get_by_role("button", name="Sign in again")).to_be_hidden()
    expect(stay).to_be_focused()
    # Focus stays in the dialog, going round its controls both ways.
    page.keyboard.press("Tab")
    expect(sign_out).to_be_focused()
    page.keyboard.press("Tab")
    expect(stay).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(sign_out).to_be_focused()
    assert_no_axe_violations(page)
    # Escape means "stay signed in": the server gives the session its whole time again.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("[data-announce]")).to_have_text("You are still signed in.")
    assert seconds_left(page) > 16
    # The dialog comes back before the new end; its button does the same.
    expect(dialog).to_be_visible(timeout=WAIT_MS)
    expect(stay).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    assert seconds_left(page) > 16
    page.reload()
    expect(page.locator("h1")).to_have_text("Your cases")


def test_a_posted_answer_after_the_session_expired_is_restored_after_signing_in_again(
    page: Page, make_staff: Callable[..., User], survey: Survey, settings: Any
) -> None:
    settings.STAFF_IDLE_TIMEOUT_SECONDS = 5
    settings.STAFF_TIMEOUT_WARNING_SECONDS = 2
    ann = make_staff("ann", INTERVIEWER)
    interview = interview_start(
        case=sample(survey, "LATE-1", ann), mode=Mode.TELEPHONE, interviewer=ann
    )
    answer_record(response_id=interview.pk, question_key="school_type", code="state")
    sign_in(page, ann)
    page.goto(f"/interview/cases/{interview.pk}/questions/free_school_meals/")
    press_shortcut(page, "2")
    expect(page.get_by_label("2. No", exact=True)).to_be_checked()
    dialog = page.locator("dialog[data-timeout-dialog]")
    expect(dialog.get_by_role("heading")).to_have_text("You have been signed out", timeout=WAIT_MS)
    expect(dialog.get_by_role("button", name="Sign in again")).to_be_focused()
    assert_no_axe_violations(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/staff/login/\?.*kept=1"))
    expect(page.locator("main")).to_contain_text("The answer you gave after that has been kept")
    interview.refresh_from_db()
    assert interview.answers == {"school_type": "state"}
    sign_in_to(page, ann, r"/questions/free_school_meals/$")
    expect(page.get_by_label("2. No", exact=True)).to_be_checked()
    expect(page.locator("main")).to_contain_text("You were signed out before this answer was saved")
    assert_no_axe_violations(page)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(
        wording(Mode.TELEPHONE, "earner_employment_status").text
    )
    interview.refresh_from_db()
    assert interview.answers == {"school_type": "state", "free_school_meals": "no"}


# The question first --------------------------------------------------------------------


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (320, 640)], ids=["laptop", "phone"])
def test_every_question_of_both_modes_starts_on_the_first_screen(
    new_page: Callable[..., Page],
    make_staff: Callable[..., User],
    survey: Survey,
    width: int,
    height: int,
) -> None:
    """Measured: the question's first line lies wholly within the first screen, as the
    page first shows (its script has run), for every question of both interviewer modes."""
    ann = make_staff("ann", INTERVIEWER)
    page = new_page(viewport={"width": width, "height": height})
    sign_in(page, ann)
    measured = []
    for mode in INTERVIEW_MODES:
        for key in STANDARD.keys:
            case = sample(survey, f"{mode}-{key}", ann)
            interview = interview_start(case=case, mode=mode, interviewer=ann)
            for asked, code in answers_reaching(STANDARD, mode, key).items():
                answer_record(response_id=interview.pk, question_key=asked, code=code)
            page.goto(f"/interview/cases/{interview.pk}/questions/{key}/")
            question = page.locator("h1[data-question]")
            expect(question).to_have_text(wording(mode, key).text)
            expect(page.locator("input[name=answer]").first).to_be_focused()
            box = question.bounding_box()
            assert box is not None
            line = question.evaluate("element => parseFloat(getComputedStyle(element).lineHeight)")
            scrolled = page.evaluate("window.scrollY")
            measured.append((mode, key, round(box["y"]), round(box["y"] + line)))
            assert scrolled == 0, (mode, key)
            assert box["y"] >= 0 and box["y"] + line <= height, measured[-1]
    assert len(measured) == 2 * len(STANDARD.keys)
    print(f"question tops at {width}x{height}:", measured)


# Phones -----------------------------------------------------------------------------------


def test_the_new_pages_fit_a_phone_and_have_no_axe_violations(
    page_320: Page, make_staff: Callable[..., User], survey: Survey
) -> None:
    both = make_staff("both", INTERVIEWER, SUPERVISOR)
    # A survey name as long as the demo's: the start-an-interview table must still fit.
    survey.name = "Demo socio-economic background survey of a long name"
    survey.save(update_fields=["name"])
    case = sample(survey, "PHONE-1", both, preferred_mode="telephone")
    interview_start(case=case, mode=Mode.TELEPHONE, interviewer=both)
    page_320.goto("/staff/login/")
    # Two roles, two places of work: the staff home lists them.
    sign_in_to(page_320, both, r"/staff/$")
    for url in (
        "/interview/",
        f"/interview/caseload/{case.pk}/",
        f"/interview/caseload/{case.pk}/call/",
        "/supervise/",
        f"/supervise/{survey.slug}/",
        f"/supervise/{survey.slug}/cases/",
    ):
        page_320.goto(url)
        assert page_320.evaluate("document.documentElement.scrollWidth") <= 320, url
        assert_no_axe_violations(page_320)
    assert Response.objects.count() == 1
