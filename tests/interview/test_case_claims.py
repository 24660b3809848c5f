"""Interviewers work only the cases assigned to them (docs/spec/access.md): a typed
reference that is not theirs gets one message whether or not the case exists, unless
the survey's supervisor lets its interviewers take unassigned cases (audited)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client

from surveys.access import INTERVIEWER, SUPERVISOR
from surveys.fieldwork.cases import case_create
from surveys.fieldwork.issuing import NewCase
from surveys.models import Case, Response, Survey, SurveyMember, TeamRole
from tests.interview.conftest import passwordless_staff, signed_in

pytestmark = pytest.mark.django_db


def events(name: str) -> list[LogEntry]:
    return [entry for entry in LogEntry.objects.all() if entry.additional_data.get("event") == name]


@pytest.fixture
def closed_survey(make_survey: Callable[..., Survey]) -> Survey:
    """A survey as made: its interviewers work only the cases assigned to them."""
    return make_survey("assigned-only", name="Assigned only")


@pytest.fixture
def ivy(closed_survey: Survey) -> User:
    user = passwordless_staff("ivy", INTERVIEWER, every_survey=False)
    SurveyMember.objects.create(survey=closed_survey, user=user, role=TeamRole.INTERVIEWER)
    return user


@pytest.fixture
def boss(closed_survey: Survey) -> User:
    user = passwordless_staff("boss", SUPERVISOR, every_survey=False)
    SurveyMember.objects.create(survey=closed_survey, user=user, role=TeamRole.SUPERVISOR)
    return user


def start(client: Client, survey: Survey, reference: str) -> tuple[int, str]:
    response = client.post(
        f"/interview/start/{survey.slug}/",
        {"mode": "telephone", "reference": reference, "create": "yes"},
    )
    return response.status_code, response.content.decode()


def error_text(page: str, reference: str) -> str:
    """The page's errors (summary and field), with the reference typed taken out."""
    errors = re.findall(r"Error:</span>\s*([^<]*)<", page) + re.findall(
        r'govuk-error-summary__list">\s*<li><a[^>]*>([^<]*)<', page
    )
    assert errors, "the page shows an error"
    return " | ".join(error.strip() for error in errors).replace(reference, "REF")


def test_unassigned_anothers_and_unknown_references_get_the_same_answer(
    closed_survey: Survey, ivy: User
) -> None:
    other = passwordless_staff("other", INTERVIEWER, every_survey=False)
    case_create(survey=closed_survey, new=NewCase(reference="FREE-1", name="Free Person"))
    case_create(survey=closed_survey, new=NewCase(reference="THEIRS-1", interviewer_id=other.pk))
    client = signed_in(ivy)
    answers = {ref: start(client, closed_survey, ref) for ref in ("FREE-1", "THEIRS-1", "NONE-1")}
    assert {status for status, _ in answers.values()} == {400}
    errors = {error_text(page, ref) for ref, (_, page) in answers.items()}
    assert len(errors) == 1
    assert "No case REF of this survey is assigned to you" in errors.pop()
    assert "Free Person" not in answers["FREE-1"][1]
    assert Case.objects.get(reference="FREE-1").interviewer is None
    assert not Case.objects.filter(reference="NONE-1").exists()
    assert not Response.objects.exists()


def test_a_supervisor_lets_interviewers_take_unassigned_cases_and_each_take_is_audited(
    closed_survey: Survey, ivy: User, boss: User
) -> None:
    free, _ = case_create(survey=closed_survey, new=NewCase(reference="FREE-1"))
    response = signed_in(boss).post(
        f"/supervise/{closed_survey.slug}/unassigned-cases/", {"allow": "yes"}
    )
    assert response.status_code == 302
    (setting,) = events("unassigned_work_changed")
    assert setting.actor == boss
    client = signed_in(ivy)
    assert start(client, closed_survey, "FREE-1")[0] == 302
    free.refresh_from_db()
    assert free.interviewer == ivy
    (taken,) = events("case_taken")
    assert (taken.actor, taken.object_pk) == (ivy, str(free.pk))
    assert start(client, closed_survey, "NEW-1")[0] == 302
    made = Case.objects.get(reference="NEW-1")
    assert made.interviewer == ivy
    assert any(e.object_pk == str(made.pk) for e in events("cases_created"))


def test_a_case_assigned_to_someone_else_stays_theirs_when_unassigned_cases_may_be_taken(
    closed_survey: Survey, ivy: User
) -> None:
    Survey.objects.filter(pk=closed_survey.pk).update(interviewers_take_unassigned=True)
    other = passwordless_staff("other", INTERVIEWER, every_survey=False)
    case, _ = case_create(
        survey=closed_survey, new=NewCase(reference="THEIRS-1", interviewer_id=other.pk)
    )
    status, page = start(signed_in(ivy), closed_survey, "THEIRS-1")
    assert status == 400 and "No case THEIRS-1 of this survey is assigned to you" in page
    case.refresh_from_db()
    assert case.interviewer == other


def test_an_interviewer_outside_the_team_cannot_start_on_the_survey(
    closed_survey: Survey,
) -> None:
    outsider = passwordless_staff("outsider", INTERVIEWER, every_survey=False)
    client = signed_in(outsider)
    assert client.get(f"/interview/start/{closed_survey.slug}/").status_code == 404
    assert start(client, closed_survey, "ANY-1")[0] == 404


def test_an_interviewer_viewing_a_cases_contact_details_is_audited(
    closed_survey: Survey, ivy: User
) -> None:
    case, _ = case_create(
        survey=closed_survey,
        new=NewCase(
            reference="MINE-1", name="A Person", email="a@example.org", interviewer_id=ivy.pk
        ),
    )
    page = signed_in(ivy).get(f"/interview/caseload/{case.pk}/")
    assert page.status_code == 200 and "a@example.org" in page.content.decode()
    (viewed,) = events("contact_details_viewed")
    assert (viewed.actor, viewed.object_pk) == (ivy, str(case.pk))
    assert "a@example.org" not in str(viewed.changes) + str(viewed.additional_data)


def test_the_all_surveys_permission_does_not_open_other_interviewers_cases(
    closed_survey: Survey,
) -> None:
    everywhere = passwordless_staff("everywhere", INTERVIEWER)
    other = passwordless_staff("other", INTERVIEWER, every_survey=False)
    case, _ = case_create(
        survey=closed_survey, new=NewCase(reference="THEIRS-1", interviewer_id=other.pk)
    )
    client = signed_in(everywhere)
    assert client.get(f"/interview/caseload/{case.pk}/").status_code == 404
    assert start(client, closed_survey, "THEIRS-1")[0] == 400
