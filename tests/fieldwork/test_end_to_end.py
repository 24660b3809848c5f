"""A survey run as a new survey manager would run it, through the pages: an
invitation-only survey with owner content, previewed, a sample of 1,000 cases,
invitations, answers through links and codes in different browsers, a reminder,
closing, and the outcomes and rates checked against a hand-worked example."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from seb.credentials import link_token_hash
from surveys.fieldwork.notify import LocalBackend, Outgoing
from surveys.job_handlers import abandon_idle_responses
from surveys.models import Case, ContactRound, LocalNotification, Message, Response, Survey
from tests.classification.conftest import unrounded_permission
from tests.conftest import STATE_EMPLOYEE_CLERICAL
from tests.fieldwork.test_manage import CONTENT_FORM, SURVEY_FORM

pytestmark = pytest.mark.django_db

TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
CASES = 1000
UNDELIVERABLE = range(991, 1001)  # R0991..R1000: addresses at undeliverable.example
COMPLETE_BY_LINK = (1, 2, 3)
COMPLETE_BY_CODE = (4, 5, 6)
PARTIAL = (7, 8)  # every question answered but the last: NS-SEC derivable
BREAK_OFF = (9, 10, 11)  # stopped after the first question
OPTED_OUT = (12, 13)
NOT_ELIGIBLE = (14, 15)
WITHDRAWN = (16, 17)


def reference(number: int) -> str:
    return f"R{number:04d}"


def sample_file() -> io.BytesIO:
    lines = ["reference,email,region"]
    for number in range(1, CASES + 1):
        domain = "undeliverable.example" if number in UNDELIVERABLE else "example.org"
        region = ("North", "South")[number % 2]
        lines.append(f"{reference(number)},person{number}@{domain},{region}")
    upload = io.BytesIO(("\n".join(lines) + "\n").encode())
    upload.name = "sample.csv"
    return upload


def answer(client: Client, keys: list[str]) -> None:
    for key in keys:
        response = client.post(
            f"/s/staff-2027/questions/{key}/", {"answer": STATE_EMPLOYEE_CLERICAL[key]}
        )
        assert response.status_code == 302, response.content.decode()[:400]


def submit(client: Client) -> None:
    response_id = client.get("/s/staff-2027/check-your-answers/")
    assert response_id.status_code == 200
    revision = re.search(r'name="revision" value="(\d+)"', response_id.content.decode())[1]
    done = client.post("/s/staff-2027/check-your-answers/", {"revision": revision})
    assert done["Location"] == "/s/staff-2027/complete/"
    page = client.get("/s/staff-2027/complete/").content.decode()
    assert "What happens next" in page and "Results in the spring." in page
    assert "surveys@example.org" in page


def test_a_survey_from_creation_to_its_rates(
    client: Client, manager: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox: list[Outgoing] = []
    monkeypatch.setattr("surveys.job_handlers.backend", lambda: LocalBackend(outbox=outbox))
    manager.user_permissions.add(unrounded_permission())
    client.force_login(manager)
    # Create the survey, with owner content, preview it, open it.
    assert client.post("/manage/new/", SURVEY_FORM).status_code == 302
    assert client.post("/manage/staff-2027/content/", CONTENT_FORM).status_code == 302
    preview = client.get("/manage/staff-2027/preview/online/")
    assert "Nothing you enter here is stored" in preview.content.decode()
    client.post("/manage/staff-2027/preview/online/questions/school_type/", {"answer": "state"})
    assert not Response.objects.exists()
    client.post("/manage/staff-2027/open/")
    survey = Survey.objects.get(slug="staff-2027")
    assert survey.state == "open"

    # Load 1,000 cases; download their codes once.
    job = client.post("/manage/staff-2027/sample/upload/", {"file": sample_file()})["Location"]
    page = client.get(job).content.decode()
    assert "1,000 cases added" in page
    action = (
        "/manage/staff-2027/codes/"
        + page.split('action="/manage/staff-2027/codes/')[1].split('"')[0]
    )
    codes_file = b"".join(client.post(action).streaming_content).decode()
    codes = {row["reference"]: row for row in csv.DictReader(io.StringIO(codes_file))}
    assert len(codes) == CASES

    # Invitations: each case one message, with a working link and code.
    job = client.post(
        "/manage/staff-2027/contacts/",
        {"kind": "invitation", "email_template_id": TEMPLATE, "confirmed": "yes"},
    )["Location"]
    assert "1,000 messages for this round" in client.get(job).content.decode()
    invitation = ContactRound.objects.get(kind="invitation")
    assert Message.objects.filter(round=invitation).count() == CASES
    assert Message.objects.filter(round=invitation).values("case").distinct().count() == CASES
    hashes = dict(Case.objects.values_list("reference", "link_token_hash"))
    by_reference = {}
    assert LocalNotification.objects.count() == len(outbox)
    for outgoing in outbox:
        personal = outgoing.personalisation
        case = Message.objects.select_related("case").get(pk=int(outgoing.reference)).case
        token = personal["link"].rstrip("/").rsplit("/", 1)[1]
        assert hashes[case.reference] == link_token_hash(token)
        assert personal["access_code"] == codes[case.reference]["access_code"]
        by_reference[case.reference] = personal
    assert len(by_reference) == CASES

    # Answers: through links and codes, each in its own browser.
    def browser_with_link(number: int) -> Client:
        respondent = Client()
        link = by_reference[reference(number)]["link"].removeprefix("http://testserver")
        arrived = respondent.get(link)
        assert arrived["Location"] == "/s/staff-2027/"  # the secret leaves the address
        return respondent

    def browser_with_code(number: int) -> Client:
        respondent = Client()
        typed = codes[reference(number)]["access_code"].lower()
        assert (
            respondent.post("/s/staff-2027/access-code/", {"access_code": typed})["Location"]
            == "/s/staff-2027/"
        )
        return respondent

    keys = list(STATE_EMPLOYEE_CLERICAL)
    for number in COMPLETE_BY_LINK:
        respondent = browser_with_link(number)
        answer(respondent, keys[:3])
        # ... and carries on from a second device with the same link.
        second = browser_with_link(number)
        assert second.get("/s/staff-2027/")["Location"] == f"/s/staff-2027/questions/{keys[3]}/"
        answer(second, keys[3:])
        submit(second)
    for number in COMPLETE_BY_CODE:
        respondent = browser_with_code(number)
        answer(respondent, keys)
        submit(respondent)
    for number in PARTIAL:
        answer(browser_with_link(number), keys[:-1])
    for number in BREAK_OFF:
        answer(browser_with_code(number), keys[:1])
    for number in OPTED_OUT:
        Client().post(
            by_reference[reference(number)]["opt_out_link"].removeprefix("http://testserver")
        )
    for number in NOT_ELIGIBLE:
        case = Case.objects.get(reference=reference(number))
        client.post(f"/manage/staff-2027/cases/{case.pk}/not-eligible/")
    for number in WITHDRAWN:
        case = Case.objects.get(reference=reference(number))
        client.post(f"/manage/staff-2027/cases/{case.pk}/withdraw/")

    # A reused code says so; a wrong one gets a clear message.
    reused = Client().post(
        "/s/staff-2027/access-code/", {"access_code": codes[reference(4)]["access_code"]}
    )
    assert "You have already completed this survey" in reused.content.decode()
    wrong = Client().post("/s/staff-2027/access-code/", {"access_code": "ABCD EFGH JKMN PQRS"})
    assert "The access code is not right" in wrong.content.decode()

    # A reminder: only to the unfinished and untouched.
    client.post(
        "/manage/staff-2027/contacts/",
        {"kind": "reminder", "email_template_id": TEMPLATE, "confirmed": "yes"},
    )
    reminded = set(
        Message.objects.filter(round__kind="reminder").values_list("case__reference", flat=True)
    )
    finished_or_out = {
        reference(n)
        for n in (
            *COMPLETE_BY_LINK,
            *COMPLETE_BY_CODE,
            *OPTED_OUT,
            *NOT_ELIGIBLE,
            *WITHDRAWN,
            *UNDELIVERABLE,
        )
    }
    assert reminded == {reference(n) for n in range(1, CASES + 1)} - finished_or_out
    assert len(reminded) == 978

    # Close the survey: unfinished responses are abandoned.
    client.post("/manage/staff-2027/close/")
    abandon_idle_responses()
    assert not Response.objects.filter(status="in_progress").exists()

    # Outcomes and rates. Counted: 998 cases (2 withdrawn).
    # I = 6 complete; P = 2 partial; R = 2 opted out + 3 break-offs = 5; NC = O = 0;
    # U = 10 undeliverable + 973 with nothing returned = 983; NE = 2.
    # RR1 = 6/996 = 0.60%; RR2 = 8/996 = 0.80%;
    # e = 13/15; U weighted = 983 x 13/15 = 851.93; RR3 = 6/864.93 = 0.69%;
    # RR4 = 8/864.93 = 0.92%; COOP1 = 6/13 = 46.15%; REF1 = 5/996 = 0.50%;
    # CON1 = 13/996 = 1.31%.
    worked = {
        "cases": "998", "I": "6", "P": "2", "R": "5", "NC": "0", "O": "0", "U": "983", "NE": "2",
        "RR1": "0.6", "RR2": "0.8", "RR3": "0.7", "RR4": "0.9", "COOP1": "46.2", "REF1": "0.5",
        "CON1": "1.3",
    }  # fmt: skip
    rates_file = client.get("/manage/staff-2027/monitoring/response-rates.csv").content.decode(
        "utf-8-sig"
    )
    rows = list(csv.DictReader(io.StringIO(rates_file)))
    overall = rows[0]
    assert overall["breakdown"] == "overall"
    assert {name: overall[name] for name in worked} == worked
    by_region = {row["group"]: row for row in rows if row["breakdown"] == "region"}
    assert int(by_region["North"]["cases"]) + int(by_region["South"]["cases"]) == 998
    page = client.get("/manage/staff-2027/monitoring/").content.decode()
    first_row = page.split('<tbody class="govuk-table__body">')[1].split("</tr>")[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", first_row)
    assert cells == [worked[name] for name in worked]
    outcomes = client.get("/manage/staff-2027/monitoring/case-outcomes.csv")
    text = b"".join(outcomes.streaming_content).decode("utf-8-sig")
    assert len(text.strip().splitlines()) == CASES + 1
    assert "@" not in text
    assert "R0004,1.1,Complete,no,online," in text
