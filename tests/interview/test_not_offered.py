"""Cases that must not be worked are not offered (seb.case_actions): an opted-out,
not-eligible, withdrawn, complete or closed case is on no to-do list, no interview
starts on it and a supervisor cannot give it to an interviewer; a typed reference
matches in any case and spacing; an unknown one is refused in an invitation-only
survey, and in an open one makes a case only once the interviewer confirms."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from seb.case_actions import CaseState, normalise_reference, why_not_worked
from seb.caseload import CaseList
from seb.fieldwork import AttemptOutcome, Outcome
from seb.standard import Mode
from surveys.fieldwork.attempts import attempt_record
from surveys.fieldwork.cases import case_assign, case_opt_out, case_withdraw
from surveys.interviewing.selectors import caseload
from surveys.models import Case, Response, Survey
from tests.interview.test_caseload import listed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "expected"), [("s026", "S026"), (" S 026 ", "S026"), ("ab-1\t2", "AB-12")]
)
def test_a_typed_reference_is_read_in_upper_case_without_spaces(typed: str, expected: str) -> None:
    assert normalise_reference(typed) == expected


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        ({"opted_out": True}, "opted out"),
        ({"withdrawn": True}, "withdrawn"),
        ({"not_eligible": True}, "not eligible"),
        ({"closed": True, "outcome": Outcome.REFUSAL}, "closed after a refusal"),
        ({"outcome": Outcome.COMPLETE}, "complete"),
        ({"survey_closed": True}, "survey has closed"),
    ],
)
def test_a_case_that_must_not_be_worked_says_why(facts: dict[str, object], reason: str) -> None:
    state = CaseState(**{"reference": "S1", "outcome": Outcome.NON_CONTACT, **facts})  # type: ignore[arg-type]
    assert reason in why_not_worked(state)


def test_a_case_with_only_no_answers_may_be_worked() -> None:
    assert why_not_worked(CaseState(reference="S1", outcome=Outcome.NON_CONTACT)) == ""


def test_an_opted_out_case_leaves_the_to_do_list_and_cannot_be_started(
    interviewer_client: Client, survey: Survey, sample_case: Callable[..., Case]
) -> None:
    case = sample_case(survey, "OPTED-1")
    sample_case(survey, "OPEN-1")
    case_opt_out(case=case)
    assert listed(interviewer_client) == ["OPEN-1"]
    assert "OPTED-1" in listed(interviewer_client, "?show=done")
    page = interviewer_client.get(f"/interview/caseload/{case.pk}/").content.decode()
    assert "Start the interview" not in page and "opted out" in page
    refused = interviewer_client.post(
        f"/interview/start/{survey.slug}/",
        {"mode": "telephone", "reference": "opted-1", "create": "yes"},
    )
    assert refused.status_code == 400 and "opted out" in refused.content.decode()
    assert not Response.objects.filter(case=case).exists()


def test_every_case_that_must_not_be_worked_is_off_the_to_do_list(
    interviewer: User, survey: Survey, sample_case: Callable[..., Case]
) -> None:
    sample_case(survey, "OPEN")
    case_opt_out(case=sample_case(survey, "OPTED"))
    case_withdraw(case=sample_case(survey, "WITHDRAWN"))
    Case.objects.filter(pk=sample_case(survey, "INELIGIBLE").pk).update(
        not_eligible_at=timezone.now()
    )
    Case.objects.filter(pk=sample_case(survey, "DONE").pk).update(outcome=Outcome.COMPLETE.value)
    refused = sample_case(survey, "REFUSED")
    attempt_record(
        case=refused, interviewer=interviewer, mode=Mode.TELEPHONE, outcome=AttemptOutcome.REFUSAL
    )
    Case.objects.filter(pk=refused.pk).update(closed_at=timezone.now())
    cases = Case.objects.select_related("survey")
    to_do = {case.reference for case in caseload(cases, show=CaseList.TO_DO, now=timezone.now())}
    assert to_do == {"OPEN"}


def test_a_reference_matches_whatever_its_case_and_spacing(
    interviewer_client: Client, survey: Survey, sample_case: Callable[..., Case]
) -> None:
    case = sample_case(survey, "S026")
    started = interviewer_client.post(
        f"/interview/start/{survey.slug}/", {"mode": "telephone", "reference": " s 026 "}
    )
    assert started.status_code == 302
    assert Response.objects.get().case == case
    assert Case.objects.filter(survey=survey).count() == 1


def test_an_unknown_reference_in_an_invitation_only_survey_is_refused_and_makes_nothing(
    interviewer_client: Client, make_survey: Callable[..., Survey]
) -> None:
    invited = make_survey(
        "invited-only", access=Survey.Access.INVITATION, interviewers_take_unassigned=True
    )
    refused = interviewer_client.post(
        f"/interview/start/{invited.slug}/",
        {"mode": "telephone", "reference": "s999", "create": "yes"},
    )
    assert refused.status_code == 400
    assert "No case S999 is in this survey’s sample" in refused.content.decode()
    assert not Case.objects.filter(survey=invited).exists()


def test_a_new_case_in_an_open_survey_is_made_only_once_confirmed(
    interviewer: User, interviewer_client: Client, survey: Survey
) -> None:
    url = f"/interview/start/{survey.slug}/"
    asked = interviewer_client.post(url, {"mode": "telephone", "reference": "new 7"})
    page = asked.content.decode()
    assert asked.status_code == 200 and "Create a new case NEW7?" in page
    assert 'name="create" value="yes"' in page
    assert not Case.objects.filter(survey=survey).exists()
    made = interviewer_client.post(url, {"mode": "telephone", "reference": "NEW7", "create": "yes"})
    assert made.status_code == 302
    case = Case.objects.get(survey=survey)
    assert case.reference == "NEW7" and case.interviewer == interviewer
    # Submitting the confirmation again finds the same case (its interview is unfinished).
    again = interviewer_client.post(
        url, {"mode": "telephone", "reference": "NEW7", "create": "yes"}
    )
    assert again.status_code == 400 and Case.objects.filter(survey=survey).count() == 1


def test_a_supervisor_cannot_assign_a_case_that_must_not_be_worked(
    supervisor_client: Client,
    other_interviewer: User,
    survey: Survey,
    sample_case: Callable[..., Case],
) -> None:
    opted = sample_case(survey, "OPTED", interviewer_id=None)
    case_opt_out(case=opted)
    page = supervisor_client.post(
        f"/supervise/cases/{opted.pk}/assign/", {"interviewer": other_interviewer.pk}
    )
    assert page.status_code == 409 and "opted out" in page.content.decode()
    assert Case.objects.get(pk=opted.pk).interviewer is None
    fine = sample_case(survey, "FINE", interviewer_id=None)
    bulk = supervisor_client.post(
        f"/supervise/{survey.slug}/cases/",
        {"cases": [opted.pk, fine.pk], "interviewer": other_interviewer.pk},
        follow=True,
    )
    text = bulk.content.decode()
    assert "1 case assigned" in text and "1 case was not assigned" in text
    assert Case.objects.get(pk=fine.pk).interviewer == other_interviewer
    assert Case.objects.get(pk=opted.pk).interviewer is None
    # Taking a case away is always allowed.
    assert case_assign(cases=[opted], interviewer=None) == 1


def test_an_interviewer_cannot_start_another_interviewers_case(
    interviewer_client: Client,
    other_interviewer: User,
    survey: Survey,
    sample_case: Callable[..., Case],
) -> None:
    sample_case(survey, "THEIRS", interviewer_id=other_interviewer.pk)
    refused = interviewer_client.post(
        f"/interview/start/{survey.slug}/",
        {"mode": "telephone", "reference": "theirs", "create": "yes"},
    )
    assert refused.status_code == 400
    assert not Response.objects.exists()


def test_a_supervisor_cannot_reopen_an_opted_out_case(
    supervisor_client: Client, survey: Survey, sample_case: Callable[..., Case]
) -> None:
    case = sample_case(survey, "OPTED")
    case_opt_out(case=case)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now())
    page = supervisor_client.post(f"/supervise/cases/{case.pk}/reopen/")
    assert page.status_code == 409 and "cannot be reopened" in page.content.decode()
    assert Case.objects.get(pk=case.pk).closed_at is not None
