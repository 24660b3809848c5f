"""The whole team through one invitation-only survey of three modes, page by page.

A survey manager creates the survey (online, telephone and face to face), loads a
sample, previews each mode, opens it, builds its team on the Team page, sends an
invitation round and downloads the codes. Respondent A follows the personal link in
their email; respondent B types their access code, after a wrong one is refused
with the tries left. A supervisor gives two cases to each interviewer and sees
exact counts; one interviewer completes a telephone interview by keyboard and
records a call nobody answered, the other completes a face-to-face interview,
records an appointment and cannot open the first one's case. The supervisor and the
manager then see each case's outcome (2.21 for the appointment never kept) and the
rates, in the pages and in the outcomes file; the analyst sees the survey's tables
under disclosure control and is refused the managers' area.

Nothing is set up by calling services except the people and their staff groups:
every step is done in the pages, as the person would. Each new kind of page is
checked by axe and HTML_CodeSniffer (WCAG 2.1 AA) as it is reached, for sideways
scrolling at 320 pixels, and by the Nu HTML checker at the end. With SEB_SHOTS set
to a folder, each is saved there at desktop width and at 320 pixels.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Locator, Page, ViewportSize, expect

from seb.perturbation import parameters
from seb.standard import Mode
from surveys.access import ANALYST, INTERVIEWER, SUPERVISOR, SURVEY_MANAGER
from surveys.fieldwork.notify import LocalBackend, Outgoing, Sent
from surveys.models import Case
from tests.browser.checkers import assert_no_htmlcs_errors, assert_valid_html
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_interviewer_browser import (
    answer_until_check_page,
    complete,
    sign_in,
    tab_to,
)
from tests.browser.test_online_journey_browser import no_horizontal_scroll
from tests.conftest import STAFF_PASSWORD, STATE_EMPLOYEE_CLERICAL

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("SEB_SHOTS", "")
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 320, "height": 640}
SLUG = "team-2027"
NAME = "Whole team survey"
EMAIL_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
WRONG_CODE = "ABCD EFGH JKMN PQRS"
# Eight households: two answer online, two are telephoned (one mobile, one landline),
# two visited, and two never reply. Face-to-face cases need an address; the
# telephone sample has numbers and no email.
SAMPLE = [
    ("WT-01", "Ann Online", "ann@example.org", "", "1 High Street, Leeds LS1 1AA", "online"),
    ("WT-02", "Ben Code", "ben@example.org", "", "2 High Street, Leeds LS1 1AB", "online"),
    ("WT-03", "Cat Mobile", "", "07700 900456", "3 High Street, Leeds LS1 1AD", "telephone"),
    ("WT-04", "Dan Landline", "", "0161 496 0123", "4 High Street, Leeds LS1 1AE", "telephone"),
    ("WT-05", "Eve Visit", "eve@example.org", "", "5 High Street, Leeds LS1 1AF", "face_to_face"),
    ("WT-06", "Fin Later", "fin@example.org", "", "6 High Street, Leeds LS1 1AG", "face_to_face"),
    ("WT-07", "Gus Silent", "gus@example.org", "", "7 High Street, Leeds LS1 1AH", "online"),
    ("WT-08", "Hal Silent", "hal@example.org", "", "8 High Street, Leeds LS1 1AJ", "online"),
]
EMAILED = [row[0] for row in SAMPLE if row[2]]
# What each case ends as: complete by link, by code, by telephone and face to face;
# a call nobody answered (non-contact), an appointment never kept (respondent never
# available, 2.21), and two invitations never answered (nothing returned).
OUTCOMES = {
    "WT-01": "1.1",
    "WT-02": "1.1",
    "WT-03": "1.1",
    "WT-04": "2.20",
    "WT-05": "1.1",
    "WT-06": "2.21",
    "WT-07": "3.10",
    "WT-08": "3.10",
}


# Sending a round ---------------------------------------------------------------------
# Kept small and in one place: a round's send may become two steps (a preview of the
# messages, then a confirmation). Whatever page follows "Send" is confirmed until the
# job's result says the round went.

ROUND_SENT = re.compile(r"Invitation round: \d+ messages? for this round")
CONFIRMATION = re.compile(r"^(Check|Are you sure)")
SEND_BUTTON = re.compile(r"^(Send|Preview|Continue)")
CONFIRM_BUTTON = re.compile(r"^(Send|Confirm|Yes)")


def click_to_new_page(page: Page, target: Locator) -> None:
    """Click, then wait until a new document has replaced this one (its mark is gone)."""
    page.evaluate("window.__wholeTeamOldPage = true")
    target.click()
    page.wait_for_function("() => window.__wholeTeamOldPage === undefined")
    page.wait_for_load_state()


def send_round(page: Page) -> None:
    """On the contacts page, with the form filled: send, confirming if asked."""
    click_to_new_page(page, page.get_by_role("button", name=SEND_BUTTON).first)
    for _ in range(2):
        if page.get_by_text(ROUND_SENT).count():
            break
        heading = page.get_by_role("heading", level=1, name=CONFIRMATION)
        button = page.get_by_role("button", name=CONFIRM_BUTTON)
        assert heading.count() or button.count(), f"neither sent nor asked to confirm: {page.url}"
        click_to_new_page(page, button.first)
    expect(page.get_by_text(ROUND_SENT)).to_be_visible()


# Pages and people ----------------------------------------------------------------------


class Walk:
    """Checks each new kind of page once, and keeps it for the Nu HTML checker."""

    def __init__(self) -> None:
        self.documents: dict[str, str] = {}

    def check(self, page: Page, name: str) -> None:
        assert name not in self.documents, f"{name} checked twice"
        assert_no_axe_violations(page)
        assert_no_htmlcs_errors(page)
        no_horizontal_scroll(page)
        self.documents[f"{name} {page.url}"] = page.content()
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/team-{name}-{DESKTOP['width']}.png", full_page=True)
        page.set_viewport_size(PHONE)
        try:
            no_horizontal_scroll(page)
            if SHOTS:
                page.screenshot(path=f"{SHOTS}/team-{name}-{PHONE['width']}.png", full_page=True)
        finally:
            page.set_viewport_size(DESKTOP)


def sign_in_as(page: Page, username: str, heading: str) -> None:
    page.goto("/staff/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()


def survey_nav(page: Page, label: str) -> None:
    page.get_by_role("navigation", name=NAME).get_by_role("link", name=label).click()


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def answer_online(page: Page, answers: dict[str, str]) -> None:
    """From the survey's start page to its confirmation, choosing each answer."""
    page.get_by_role("button", name=re.compile("^(Continue|Start now)$")).click()
    expect(page).to_have_url(re.compile(r"/questions/school_type/$"))
    while "/questions/" in page.url:
        key = re.search(r"/questions/(\w+)/", page.url)
        assert key, page.url
        page.locator(f"input[name=answer][value='{answers[key[1]]}']").check()
        click_to_new_page(page, page.get_by_role("button", name="Continue"))
    expect(page).to_have_url(re.compile(r"/check-your-answers/$"))
    page.get_by_role("button", name="Submit").click()
    expect(page).to_have_url(re.compile(r"/complete/$"))


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Outgoing]]:
    """Each message the local backend sends, secrets and all: what reached each inbox."""
    inbox: list[Outgoing] = []
    send = LocalBackend.send

    def sending(self: LocalBackend, outgoing: Outgoing) -> Sent:
        inbox.append(outgoing)
        return send(self, outgoing)

    monkeypatch.setattr(LocalBackend, "send", sending)
    yield inbox


@pytest.fixture
def team(make_staff: Callable[..., User]) -> dict[str, User]:
    """The people, in their staff groups, and in no survey's team yet."""
    return {
        "manager": make_staff(
            "mia", SURVEY_MANAGER, every_survey=False, first_name="Mia", last_name="Manager"
        ),
        "phone": make_staff(
            "tess", INTERVIEWER, every_survey=False, first_name="Tess", last_name="Caller"
        ),
        "visit": make_staff(
            "fay", INTERVIEWER, every_survey=False, first_name="Fay", last_name="Visitor"
        ),
        "supervisor": make_staff(
            "sam", SUPERVISOR, every_survey=False, first_name="Sam", last_name="Super"
        ),
        "analyst": make_staff(
            "ada", ANALYST, every_survey=False, first_name="Ada", last_name="Lyst"
        ),
    }


def test_the_whole_team_runs_an_invitation_only_survey_of_three_modes(
    new_page: Callable[..., Page],
    team: dict[str, User],
    captured: list[Outgoing],
    tmp_path: Path,
) -> None:
    walk = Walk()
    codes = manager_sets_up_and_invites(new_page(viewport=DESKTOP), walk, tmp_path, captured)
    respondents_answer_online(new_page, walk, codes, captured)
    supervisor_assigns(new_page(viewport=DESKTOP), walk)
    interviewers_work_their_cases(new_page, walk, team)
    outcomes_are_seen(new_page, walk)
    analyst_sees_controlled_tables(new_page(viewport=DESKTOP), walk)
    assert_valid_html(walk.documents)


# 1. The manager ------------------------------------------------------------------------


def manager_sets_up_and_invites(
    page: Page, walk: Walk, folder: Path, captured: list[Outgoing]
) -> dict[str, dict[str, str]]:
    sign_in_as(page, "mia", "Surveys")
    page.get_by_role("button", name="Create a survey").click()
    expect(page.locator("#address-preview")).to_have_attribute("data-live", "true")
    page.get_by_label("Survey name").fill(NAME)
    page.get_by_label("Web address").fill(SLUG)
    for mode in ("Online", "Telephone", "Face to face"):
        page.get_by_label(mode, exact=True).check()
    page.get_by_label("Invitation only: people in the sample, with a link or code").check()
    walk.check(page, "manage-create")
    page.get_by_role("button", name="Create the survey").click()
    expect(page.get_by_text(f"{NAME} was created as a draft.")).to_be_visible()
    page.get_by_label("Organisation running the survey").fill("Office for Examples")
    page.get_by_label("Contact email address").fill("surveys@example.org")
    page.get_by_label("Or the privacy notice’s text, shown on a page of the survey").fill(
        "We use your answers only for statistics."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("What respondents are told was saved.")).to_be_visible()

    # The sample: eight cases with names, addresses, emails and two phone numbers.
    survey_nav(page, "Sample")
    sample = folder / "sample.csv"
    with sample.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["reference", "name", "email", "phone", "address", "mode"])
        writer.writerows(SAMPLE)
    page.get_by_label("Upload a sample file").set_input_files(str(sample))
    page.get_by_role("button", name="Load the cases").click()
    expect(page.get_by_text(f"{len(SAMPLE)} cases added to the sample")).to_be_visible()
    load_job = page.url
    walk.check(page, "manage-sample-loaded")
    page.get_by_role("link", name="Go to the sample").click()
    for reference, *_ in SAMPLE:
        expect(page.get_by_role("link", name=reference, exact=True)).to_be_visible()
    walk.check(page, "manage-sample")

    # Each mode's preview, to its first question, with the question's answers.
    survey_nav(page, "Overview")
    expect(page.locator("h1 .govuk-tag")).to_have_text("Draft")
    for mode in (Mode.ONLINE, Mode.TELEPHONE, Mode.FACE_TO_FACE):
        page.get_by_role("link", name=f"Preview the {mode.label.lower()} journey").click()
        expect(page.get_by_text("Nothing you enter here is stored.")).to_be_visible()
        if mode is Mode.ONLINE:
            page.get_by_role("button", name="Continue").click()
        expect(page).to_have_url(re.compile(r"/questions/school_type/$"))
        assert page.locator("input[name=answer]").count() >= 4, mode
        if mode is not Mode.ONLINE:
            for tag in page.locator(".interview-cue__tag").all():
                expect(tag).to_have_text(re.compile(r"\S"))
        walk.check(page, f"preview-{mode.value}")
        page.get_by_role("link", name="Leave the preview").click()
        expect(page.get_by_role("heading", level=1, name=re.compile(NAME))).to_be_visible()

    page.get_by_role("button", name="Open the survey").click()
    expect(page.locator("h1 .govuk-tag")).to_have_text("Open")
    walk.check(page, "manage-survey-open")

    # The team, on the Team page.
    survey_nav(page, "Team")
    for username, role, name in (
        ("tess", "Interviewer", "Tess Caller"),
        ("fay", "Interviewer", "Fay Visitor"),
        ("sam", "Supervisor", "Sam Super"),
        ("ada", "Analyst", "Ada Lyst"),
    ):
        page.get_by_label("Username").fill(username)
        page.get_by_label(role, exact=True).check()
        page.get_by_role("button", name="Add to the team").click()
        expect(page.get_by_text(f"{name} is now the survey’s {role.lower()}.")).to_be_visible()
    walk.check(page, "manage-team")

    # An email invitation round: one message to each case with an email address.
    survey_nav(page, "Invitations and reminders")
    page.get_by_label("Email template ID").fill(EMAIL_TEMPLATE)
    walk.check(page, "manage-contacts")
    send_round(page)
    expect(page.get_by_text(f"Invitation round: {len(EMAILED)} messages")).to_be_visible()
    walk.check(page, "manage-round-sent")
    assert sorted(message.to for message in captured) == sorted(r[2] for r in SAMPLE if r[2])
    page.goto(f"/manage/{SLUG}/outbox/")
    expect(page.get_by_role("heading", name=re.compile("^Email to "))).to_have_count(len(EMAILED))
    # Each message is kept with its link and code redacted.
    for message in captured:
        expect(page.locator("main")).not_to_contain_text(message.personalisation["link"])
        expect(page.locator("main")).not_to_contain_text(message.personalisation["access_code"])
    walk.check(page, "manage-outbox")

    # The file of codes and links, once.
    page.goto(load_job)
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Download the codes and links")).click()
    rows = csv_rows(Path(download.value.path()).read_text(encoding="utf-8"))
    assert sorted(row["reference"] for row in rows) == [row[0] for row in SAMPLE]
    page.reload()
    expect(page.get_by_text("was downloaded, and has been deleted")).to_be_visible()
    return {row["reference"]: row for row in rows}


# 2. Respondents online -------------------------------------------------------------------


def respondents_answer_online(
    new_page: Callable[..., Page],
    walk: Walk,
    codes: dict[str, dict[str, str]],
    captured: list[Outgoing],
) -> None:
    # A: the link in Ann's email, the same as the codes file's, lands on the start page.
    email = next(message for message in captured if message.to == "ann@example.org")
    link = email.personalisation["link"]
    assert link == codes["WT-01"]["link"]
    ann = new_page(viewport=DESKTOP)
    ann.goto(urlsplit(link).path)
    expect(ann).to_have_url(re.compile(rf"/s/{SLUG}/$"))
    expect(ann.get_by_role("link", name=re.compile("privacy notice"))).to_be_visible()
    walk.check(ann, "respondent-start")
    answer_online(ann, STATE_EMPLOYEE_CLERICAL)
    walk.check(ann, "respondent-complete")

    # B: a wrong code is refused, with the tries left; then Ben's own code.
    ben = new_page(viewport=DESKTOP)
    ben.goto(f"/s/{SLUG}/")
    code_box = ben.get_by_label("Enter your access code")
    walk.check(ben, "respondent-code")
    code_box.fill(WRONG_CODE)
    ben.get_by_role("button", name="Continue").click()
    expect(ben).to_have_title(re.compile(r"^Error: "))
    expect(ben.locator(".govuk-error-summary")).to_contain_text(
        re.compile(r"You can try \d+ more codes? in the next \d+ minutes?")
    )
    walk.check(ben, "respondent-code-wrong")
    code_box.fill(codes["WT-02"]["access_code"].lower())
    ben.get_by_role("button", name="Continue").click()
    expect(ben).to_have_url(re.compile(rf"/s/{SLUG}/$"))
    answer_online(ben, STATE_EMPLOYEE_CLERICAL)


# 3. The supervisor assigns -------------------------------------------------------------


def supervisor_assigns(page: Page, walk: Walk) -> None:
    sign_in_as(page, "sam", "Fieldwork")
    walk.check(page, "supervise-home")
    page.get_by_role("link", name=NAME).click()
    expect(page.locator("h1")).to_have_text("Progress by interviewer")
    page.get_by_role("link", name="All the survey’s cases").click()
    walk.check(page, "supervise-cases")
    for references, person in (
        (("WT-03", "WT-04"), "Tess Caller"),
        (("WT-05", "WT-06"), "Fay Visitor"),
    ):
        for reference in references:
            page.get_by_label(f"Select case {reference}").check()
        page.get_by_label("Assign the selected cases to").select_option(label=person)
        page.get_by_role("button", name="Assign", exact=True).click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            f"2 cases assigned to {person}."
        )
    page.get_by_role("link", name="Back to progress").click()
    # Exact counts, however small: operational figures are not disclosure-controlled.
    for person in ("Tess Caller", "Fay Visitor"):
        row = page.locator("table[data-table=workload] tr", has_text=person)
        expect(row.locator("td[data-column=cases]")).to_have_text("2")
        expect(row.locator("td[data-column=to_do]")).to_have_text("2")
    expect(page.locator("table[data-table=workload]")).not_to_contain_text("[c]")
    expect(page.locator("table[data-table=outcomes]")).not_to_contain_text("[c]")
    walk.check(page, "supervise-progress")


# 4. The interviewers -----------------------------------------------------------------


def own_cases(page: Page, references: tuple[str, ...]) -> None:
    rows = page.locator("tr[data-case-row]")
    expect(rows).to_have_count(len(references))
    for reference in references:
        expect(page.get_by_role("link", name=f"Case {reference}")).to_be_visible()


def record_call(page: Page, outcome: str) -> None:
    page.get_by_role("link", name="Record a call or visit").click()
    expect(page.locator("h1")).to_have_text("Record a call or visit")
    page.get_by_label(outcome).check()


def interviewers_work_their_cases(
    new_page: Callable[..., Page], walk: Walk, team: dict[str, User]
) -> None:
    # Tess, by keyboard alone: her two cases, a telephone interview, a call unanswered.
    tess = new_page(viewport=DESKTOP)
    sign_in(tess, team["phone"])
    own_cases(tess, ("WT-03", "WT-04"))
    walk.check(tess, "interview-home")
    tab_to(tess, tess.get_by_role("link", name="Case WT-03"))
    tess.keyboard.press("Enter")
    expect(tess.locator("h1")).to_have_text("Case WT-03")
    walk.check(tess, "interview-case")
    tab_to(tess, tess.get_by_role("button", name="Start the interview"))
    tess.keyboard.press("Enter")
    expect(tess).to_have_url(re.compile(r"/questions/school_type/$"))
    walk.check(tess, "interview-question-telephone")
    answer_until_check_page(tess, Mode.TELEPHONE, STATE_EMPLOYEE_CLERICAL)
    walk.check(tess, "interview-check-answers")
    complete(tess)
    walk.check(tess, "interview-complete")
    tab_to(tess, tess.get_by_role("link", name="Back to case WT-03"))
    tess.keyboard.press("Enter")
    expect(tess.locator("[data-outcome]")).to_have_text(re.compile(r"^1\.1 Complete"))
    tess.goto("/interview/")
    tab_to(tess, tess.get_by_role("link", name="Case WT-04"))
    tess.keyboard.press("Enter")
    expect(tess.locator("h1")).to_have_text("Case WT-04")
    tab_to(tess, tess.get_by_role("link", name="Record a call or visit"))
    tess.keyboard.press("Enter")
    expect(tess.locator("h1")).to_have_text("Record a call or visit")
    tab_to(tess, tess.get_by_label("No answer or no contact"))
    tess.keyboard.press("Space")
    expect(tess.get_by_label("No answer or no contact")).to_be_checked()
    walk.check(tess, "interview-attempt")
    tab_to(tess, tess.get_by_role("button", name="Record it"))
    tess.keyboard.press("Enter")
    expect(tess.locator(".govuk-notification-banner--success")).to_contain_text(
        "No answer or no contact: recorded for case WT-04."
    )

    # Fay: her two cases, a face-to-face interview, an appointment; not Tess's case.
    fay = new_page(viewport=DESKTOP)
    sign_in(fay, team["visit"])
    own_cases(fay, ("WT-05", "WT-06"))
    fay.get_by_role("link", name="Case WT-05").click()
    fay.get_by_role("button", name="Start the interview").click()
    expect(fay).to_have_url(re.compile(r"/questions/school_type/$"))
    walk.check(fay, "interview-question-face-to-face")
    while "/questions/" in fay.url:
        key = re.search(r"/questions/(\w+)/", fay.url)
        assert key, fay.url
        fay.locator(f"input[name=answer][value='{STATE_EMPLOYEE_CLERICAL[key[1]]}']").check()
        click_to_new_page(fay, fay.get_by_role("button", name="Continue"))
    complete(fay)
    fay.goto("/interview/")
    fay.get_by_role("link", name="Case WT-06").click()
    record_call(fay, "Contact, but not now: appointment made")
    tomorrow = timezone.localdate() + timedelta(days=1)
    fay.get_by_label("Day").fill(str(tomorrow.day))
    fay.get_by_label("Month").fill(str(tomorrow.month))
    fay.get_by_label("Year").fill(str(tomorrow.year))
    fay.get_by_label("Time", exact=True).fill("18:30")
    fay.get_by_role("button", name="Record it").click()
    expect(fay.locator("main")).to_contain_text("Appointment made")
    tess_case = Case.objects.get(survey__slug=SLUG, reference="WT-03")
    refused = fay.goto(f"/interview/caseload/{tess_case.pk}/")
    assert refused is not None and refused.status == 404
    walk.check(fay, "interview-not-found")


# 5. Outcomes and rates ---------------------------------------------------------------------


def outcomes_are_seen(new_page: Callable[..., Page], walk: Walk) -> None:
    sam = new_page(viewport=DESKTOP)
    sign_in_as(sam, "sam", "Fieldwork")
    sam.get_by_role("link", name=NAME).click()
    total = sam.locator("table[data-table=outcomes] tr[data-row='All cases']")
    expected = {"cases": "8", "I": "4", "P": "0", "R": "0", "NC": "2", "O": "0", "U": "2"}
    for column, count in expected.items():
        expect(total.locator(f"td[data-column={column}]")).to_have_text(count)
    rates = sam.locator("table[data-table=rates] tr[data-row='All cases']")
    # RR1 = I / (I + P + R + NC + O + U) = 4 / 8.
    expect(rates.locator("td[data-column=RR1]")).to_have_text("50.0")
    sam.get_by_role("link", name="All the survey’s cases").click()
    appointment = sam.locator("tr", has_text="WT-06")
    expect(appointment).to_contain_text("2.21")

    mia = new_page(viewport=DESKTOP)
    sign_in_as(mia, "mia", "Surveys")
    mia.get_by_role("link", name=NAME).click()
    survey_nav(mia, "Responses and rates")
    walk.check(mia, "manage-monitoring")
    with mia.expect_download() as download:
        mia.get_by_role("button", name="Download case outcomes").click()
    rows = csv_rows(Path(download.value.path()).read_text(encoding="utf-8-sig"))
    assert {row["reference"]: row["outcome"] for row in rows} == OUTCOMES
    labels = {row["reference"]: row["outcome_label"] for row in rows}
    assert labels["WT-06"] == "Respondent never available"
    assert all("@" not in value for row in rows for value in row.values())


# 6. The analyst --------------------------------------------------------------------------


# Every figure in a column headed "Count", in every table of the page.
COUNT_CELLS = """() => [...document.querySelectorAll("main table")].flatMap((table) => {
  const headers = [...table.querySelectorAll("thead tr:last-child th")];
  const column = headers.findIndex((th) => th.textContent.trim() === "Count");
  if (column < 0) return [];
  return [...table.querySelectorAll("tbody tr")].map(
    (row) => parseInt(row.children[column].textContent.replace(/,/g, ""), 10));
})"""


def analyst_sees_controlled_tables(page: Page, walk: Walk) -> None:
    sign_in_as(page, "ada", "Surveys")
    page.get_by_role("link", name=NAME).click()
    expect(page.get_by_text(re.compile("^Disclosure control:"))).to_be_visible()
    # Four responses, each count perturbed: no figure from 1 to under the threshold is
    # shown, so neither the true 4 nor any small count appears in a table.
    counts = page.evaluate(COUNT_CELLS)
    threshold = parameters().threshold
    assert len(counts) >= 10, counts
    assert threshold > 4
    assert all(count == 0 or count >= threshold for count in counts), counts
    walk.check(page, "analysis-tables")
    refused = page.goto("/manage/")
    assert refused is not None and refused.status == 403
    refused = page.goto(f"/manage/{SLUG}/")
    assert refused is not None and refused.status in (403, 404)
