"""Supervisors: every interviewer's caseload and progress, assigning and reopening cases,
appointments missed, and disclosure control on the progress figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone

from seb.disclosure import operational_statement
from seb.fieldwork import AttemptOutcome
from seb.standard import Mode
from surveys.access import INTERVIEWER, SUPERVISOR
from surveys.fieldwork.attempts import attempt_record
from surveys.fieldwork.cases import case_close
from surveys.fieldwork.issuing import NewCase, cases_create
from surveys.models import Case, Survey
from tests.conftest import STAFF_PASSWORD

from .conftest import passwordless_staff, signed_in
from .html import parse

pytestmark = pytest.mark.django_db


def with_unrounded(user: User) -> User:
    user.user_permissions.add(Permission.objects.get(codename="view_unrounded"))
    return User.objects.get(pk=user.pk)


def cells(page: Any, table: str, label: str) -> dict[str, str]:
    found = parse(page.content).find("table", **{"data-table": table})
    for row in found.find_all("tr"):
        header = row.find_all("th")
        if header and header[0].text.removeprefix("Cases of ") == label:
            return {cell.attrs["data-column"]: cell.text for cell in row.find_all("td")}
    raise AssertionError(f"no row {label} in {table}")


def many_cases(survey: Survey, interviewer: User, count: int, prefix: str) -> list[Case]:
    list(
        cases_create(
            survey=survey,
            cases=[
                NewCase(reference=f"{prefix}-{n}", interviewer_id=interviewer.pk)
                for n in range(count)
            ],
        )
    )
    return list(Case.objects.filter(reference__startswith=f"{prefix}-"))


def test_only_supervisors_see_the_supervisors_pages(
    interviewer_client: Client, client: Client, supervisor_client: Client, survey: Survey
) -> None:
    for url in ("/supervise/", f"/supervise/{survey.slug}/", f"/supervise/{survey.slug}/cases/"):
        assert interviewer_client.get(url).status_code == 403, url
        assert client.get(url)["Location"].startswith("/staff/login/?next="), url
        assert supervisor_client.get(url).status_code == 200, url


def test_a_supervisor_who_signs_in_lands_on_the_fieldwork_page(
    client: Client, make_staff: Callable[..., User], survey: Survey
) -> None:
    make_staff("sue", SUPERVISOR)
    signed = client.post("/staff/login/", {"username": "sue", "password": STAFF_PASSWORD})
    page = client.get(signed["Location"], follow=True)
    assert page.redirect_chain[-1][0] == "/supervise/"
    assert survey.name in page.content.decode()


def test_a_survey_without_interviews_has_no_progress_page(
    supervisor_client: Client, make_survey: Callable[..., Survey]
) -> None:
    web = make_survey("web", offers_face_to_face=False, offers_telephone=False)
    assert supervisor_client.get(f"/supervise/{web.slug}/").status_code == 404


def test_the_progress_page_shows_exact_figures_to_the_surveys_staff(
    supervisor: User, interviewer: User, survey: Survey
) -> None:
    """Caseloads, outcomes and rates are operational figures, not statistics of the
    responses: the survey's supervisors see them exact, with or without the unrounded
    permission (they work its cases one by one), and the page says what they are."""
    many_cases(survey, interviewer, 12, "U")
    tried = many_cases(survey, interviewer, 3, "NC")
    for case in tried:
        attempt_record(
            case=case,
            interviewer=interviewer,
            mode=Mode.TELEPHONE,
            outcome=AttemptOutcome.NO_ANSWER,
        )
    url = f"/supervise/{survey.slug}/"
    for client in (signed_in(supervisor), signed_in(with_unrounded(supervisor))):
        page = client.get(url)
        assert cells(page, "outcomes", "interviewer") == {
            "cases": "15", "I": "0", "P": "0", "R": "0", "NC": "3", "O": "0", "U": "12", "NE": "0",
        }  # fmt: skip
        assert cells(page, "workload", "interviewer") == {
            "cases": "15", "to_do": "15", "today": "0", "missed": "0", "in_progress": "0",
            "done": "0",
        }  # fmt: skip
        # RR1 = 0/15; CON1 = 0/15; COOP1 has no denominator.
        assert cells(page, "rates", "interviewer")["RR1"] == "0.0"
        assert cells(page, "rates", "interviewer")["COOP1"] == "[x]"
        assert operational_statement() in page.content.decode()


def test_progress_shows_each_interviewers_workload_and_the_unassigned_cases(
    supervisor: User,
    interviewer: User,
    other_interviewer: User,
    survey: Survey,
    sample_case: Callable[..., Case],
) -> None:
    now = timezone.now()
    for n in range(11):
        sample_case(survey, f"A-{n}")
    closed = sample_case(survey, "A-CLOSED")
    case_close(case=closed)
    missed = sample_case(survey, "A-MISSED")
    attempt_record(
        case=missed,
        interviewer=interviewer,
        mode=Mode.TELEPHONE,
        outcome=AttemptOutcome.APPOINTMENT,
        appointment_at=now - timedelta(days=2),
        at=now - timedelta(days=3),
    )
    sample_case(survey, "B-1", interviewer_id=other_interviewer.pk)
    sample_case(survey, "NOBODY-1", interviewer_id=None)
    page = signed_in(with_unrounded(supervisor)).get(f"/supervise/{survey.slug}/")
    assert cells(page, "workload", "interviewer") == {
        "cases": "13", "to_do": "12", "today": "0", "missed": "1", "in_progress": "0", "done": "1",
    }  # fmt: skip
    assert cells(page, "workload", "other-interviewer")["cases"] == "1"
    assert cells(page, "workload", "Not assigned")["cases"] == "1"
    assert cells(page, "workload", "All cases")["cases"] == "15"
    missed_table = parse(page.content).find("table", **{"data-table": "missed"})
    assert "A-MISSED" in missed_table.text and "interviewer" in missed_table.text
    assert "A-0" not in missed_table.text


def test_a_call_after_a_missed_appointment_takes_it_off_the_missed_list(
    supervisor_client: Client, interviewer: User, survey: Survey, sample_case: Callable[..., Case]
) -> None:
    case = sample_case(survey, "LATE-1")
    now = timezone.now()
    attempt_record(
        case=case,
        interviewer=interviewer,
        mode=Mode.TELEPHONE,
        outcome=AttemptOutcome.APPOINTMENT,
        appointment_at=now - timedelta(hours=2),
        at=now - timedelta(days=1),
    )
    assert "LATE-1" in supervisor_client.get(f"/supervise/{survey.slug}/").content.decode()
    attempt_record(
        case=case, interviewer=interviewer, mode=Mode.TELEPHONE, outcome=AttemptOutcome.NO_ANSWER
    )
    assert "LATE-1" not in supervisor_client.get(f"/supervise/{survey.slug}/").content.decode()


def test_a_supervisor_lists_an_interviewers_cases_and_assigns_them_to_another(
    supervisor_client: Client,
    interviewer: User,
    other_interviewer: User,
    survey: Survey,
    sample_case: Callable[..., Case],
) -> None:
    first = sample_case(survey, "MINE-1")
    second = sample_case(survey, "MINE-2")
    sample_case(survey, "THEIRS-1", interviewer_id=other_interviewer.pk)
    url = f"/supervise/{survey.slug}/cases/?interviewer={interviewer.pk}"
    page = supervisor_client.get(url).content.decode()
    assert "MINE-1" in page and "MINE-2" in page and "THEIRS-1" not in page
    done = supervisor_client.post(
        url, {"cases": [first.pk, second.pk], "interviewer": other_interviewer.pk}
    )
    assert done["Location"] == url
    assert "2 cases assigned to other-interviewer." in supervisor_client.get(url).content.decode()
    assert set(
        Case.objects.filter(interviewer=other_interviewer).values_list("reference", flat=True)
    ) == {
        "MINE-1",
        "MINE-2",
        "THEIRS-1",
    }
    supervisor_client.post(url, {"cases": [first.pk], "interviewer": "none"})
    first.refresh_from_db()
    assert first.interviewer is None
    unassigned = supervisor_client.get(f"/supervise/{survey.slug}/cases/?interviewer=unassigned")
    assert "MINE-1" in unassigned.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"interviewer": "who"}, "Select the cases to assign"),
        ({"cases": ["CASE"]}, "Select who to assign the cases to"),
        ({"cases": ["CASE"], "interviewer": "99999"}, "Select who to assign the cases to"),
        ({"cases": ["99999"], "interviewer": "who"}, "Select the cases to assign from the list"),
    ],
    ids=["no-cases", "nobody-chosen", "not-an-interviewer", "not-a-case-of-the-survey"],
)
def test_a_bad_assignment_is_refused_with_a_message_and_changes_nothing(
    supervisor_client: Client,
    interviewer: User,
    other_interviewer: User,
    survey: Survey,
    sample_case: Callable[..., Case],
    data: dict[str, Any],
    message: str,
) -> None:
    case = sample_case(survey)
    posted = {
        "cases": [str(case.pk) if value == "CASE" else value for value in data.get("cases", [])],
        "interviewer": str(other_interviewer.pk)
        if data.get("interviewer") == "who"
        else data.get("interviewer", ""),
    }
    response = supervisor_client.post(f"/supervise/{survey.slug}/cases/", posted)
    assert response.status_code == 400
    assert message in response.content.decode()
    case.refresh_from_db()
    assert case.interviewer == interviewer


def test_only_interviewers_can_be_given_cases(
    supervisor_client: Client,
    make_staff: Callable[..., User],
    survey: Survey,
    sample_case: Callable[..., Case],
) -> None:
    analyst = make_staff("an-analyst", "analyst")
    case = sample_case(survey)
    response = supervisor_client.post(
        f"/supervise/cases/{case.pk}/assign/", {"interviewer": analyst.pk}
    )
    assert response.status_code == 400
    assert "Select who to assign the cases to" in response.content.decode()
    page = supervisor_client.get(f"/interview/caseload/{case.pk}/").content.decode()
    assert "an-analyst" not in page


def test_a_supervisor_sees_any_case_with_its_supervisors_actions_and_an_interviewer_does_not(
    supervisor_client: Client,
    interviewer_client: Client,
    survey: Survey,
    sample_case: Callable[..., Case],
) -> None:
    case = sample_case(survey)
    case_close(case=case)
    supervised = supervisor_client.get(f"/interview/caseload/{case.pk}/").content.decode()
    assert "Assign this case to" in supervised and "Reopen the case" in supervised
    own = interviewer_client.get(f"/interview/caseload/{case.pk}/").content.decode()
    assert "Assign this case to" not in own and "Reopen the case" not in own


def test_a_complete_case_cannot_be_reopened(
    supervisor_client: Client, survey: Survey, sample_case: Callable[..., Case]
) -> None:
    case = sample_case(survey)
    Case.objects.filter(pk=case.pk).update(outcome="1.1", closed_at=timezone.now())
    response = supervisor_client.post(f"/supervise/cases/{case.pk}/reopen/")
    assert response.status_code == 409
    assert "A complete case cannot be reopened." in response.content.decode()
    case.refresh_from_db()
    assert case.closed_at is not None


def test_supervisors_who_also_interview_keep_their_own_caseload(survey: Survey) -> None:
    both = passwordless_staff("both", INTERVIEWER, SUPERVISOR)
    client = signed_in(both)
    assert client.get("/interview/").status_code == 200
    assert client.get("/supervise/").status_code == 200
