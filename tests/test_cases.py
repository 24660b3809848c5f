"""Cases through their services: credentials, derived outcomes, attempts, contact
details and rates (docs/spec/fieldwork.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from seb.credentials import access_code_hash, link_token_hash
from seb.fieldwork import AttemptOutcome, Outcome
from surveys.fieldwork.attempts import attempt_record
from surveys.fieldwork.cases import (
    CaseRefused,
    case_by_access_code,
    case_by_link_token,
    case_create,
    case_opt_out,
    case_withdraw,
    contact_details_delete,
)
from surveys.fieldwork.issuing import NewCase, cases_create, credentials_regenerate
from surveys.fieldwork.monitoring import outcome_counts, survey_rates
from surveys.models import Case, Survey
from surveys.responses.lifecycle import (
    answer_record,
    response_start,
    response_stop,
    response_submit,
)
from tests.conftest import STATE_EMPLOYEE_CLERICAL

pytestmark = pytest.mark.django_db


def test_new_cases_get_credentials_returned_once_and_stored_only_as_hashes(survey: Survey) -> None:
    made = list(
        cases_create(
            survey=survey,
            cases=[NewCase(reference=f"R{n}", email=f"p{n}@example.org") for n in range(3)],
        )
    )
    assert [c.reference for c in made] == ["R0", "R1", "R2"]
    for credentials in made:
        case = Case.objects.get(reference=credentials.reference)
        assert case.access_code_hash == access_code_hash(credentials.access_code)
        assert case.link_token_hash == link_token_hash(credentials.link_token)
        stored = " ".join(
            str(value) for value in Case.objects.filter(pk=case.pk).values().get().values()
        )
        assert credentials.access_code not in stored
        assert credentials.link_token not in stored


def test_a_case_is_found_by_its_code_however_typed_and_by_its_link(survey: Survey) -> None:
    case, credentials = case_create(survey=survey, new=NewCase(reference="A1"))
    typed = credentials.access_code.lower().replace(" ", "-")
    assert case_by_access_code(survey=survey, typed=typed) == case
    assert case_by_link_token(survey=survey, token=credentials.link_token) == case
    assert case_by_access_code(survey=survey, typed="ABCD EFGH JKMN PQRS") is None


def test_regenerating_voids_the_old_code_and_link(survey: Survey) -> None:
    case, old = case_create(survey=survey, new=NewCase(reference="A1"))
    (new,) = list(credentials_regenerate(cases=[case]))
    assert case_by_access_code(survey=survey, typed=old.access_code) is None
    assert case_by_link_token(survey=survey, token=old.link_token) is None
    assert case_by_access_code(survey=survey, typed=new.access_code) == case


def test_a_withdrawn_case_cannot_be_found_by_its_secrets(survey: Survey) -> None:
    case, credentials = case_create(survey=survey, new=NewCase(reference="A1"))
    case_withdraw(case=case)
    assert case_by_access_code(survey=survey, typed=credentials.access_code) is None


def test_the_outcome_follows_the_response_through_the_services(survey: Survey) -> None:
    case, _ = case_create(survey=survey, new=NewCase(reference="A1"))
    assert case.outcome == Outcome.NO_RETURN.value
    response = response_start(survey=survey, mode="online", case=case)
    case.refresh_from_db()
    assert (case.outcome, case.in_progress) == (Outcome.BREAK_OFF.value, True)
    for key, code in STATE_EMPLOYEE_CLERICAL.items():
        answer_record(response_id=response.pk, question_key=key, code=code)
    response.refresh_from_db()
    response_submit(response_id=response.pk, revision=response.revision)
    case.refresh_from_db()
    assert (case.outcome, case.in_progress) == (Outcome.COMPLETE.value, False)
    assert case.completed_at is not None
    assert response.reference == "A1"


def test_attempts_set_the_outcome_and_the_next_appointment(survey: Survey, interviewer) -> None:
    case, _ = case_create(survey=survey, new=NewCase(reference="A1"))
    attempt_record(
        case=case, interviewer=interviewer, mode="telephone", outcome=AttemptOutcome.NO_ANSWER
    )
    case.refresh_from_db()
    assert (case.outcome, case.attempt_count) == (Outcome.NON_CONTACT.value, 1)
    tuesday = timezone.now() + timedelta(days=2)
    attempt_record(
        case=case,
        interviewer=interviewer,
        mode="telephone",
        outcome=AttemptOutcome.APPOINTMENT,
        appointment_at=tuesday,
    )
    case.refresh_from_db()
    assert case.next_appointment_at == tuesday
    assert case.outcome == Outcome.NEVER_AVAILABLE.value
    with pytest.raises(CaseRefused):
        attempt_record(
            case=case, interviewer=interviewer, mode="telephone", outcome=AttemptOutcome.APPOINTMENT
        )


def test_a_stopped_interview_then_a_refusal_visit_is_a_refusal(survey: Survey, interviewer) -> None:
    case, _ = case_create(survey=survey, new=NewCase(reference="A1"))
    response = response_start(
        survey=survey, mode="face_to_face", case=case, interviewer=interviewer
    )
    response_stop(response_id=response.pk, reason="broke_off")
    case.refresh_from_db()
    assert case.outcome == Outcome.BREAK_OFF.value
    attempt_record(
        case=case, interviewer=interviewer, mode="face_to_face", outcome=AttemptOutcome.REFUSAL
    )
    case.refresh_from_db()
    assert case.outcome == Outcome.REFUSAL.value


def test_opting_out_is_a_refusal(survey: Survey) -> None:
    case, _ = case_create(survey=survey, new=NewCase(reference="A1"))
    assert case_opt_out(case=case).outcome == Outcome.REFUSAL.value


def test_contact_details_go_a_set_number_of_days_after_the_survey_closes(make_survey) -> None:
    now = timezone.now()
    closed = make_survey("closed", closes_at=now - timedelta(days=31), contact_retention_days=30)
    recent = make_survey("recent", closes_at=now - timedelta(days=5), contact_retention_days=30)
    for survey in (closed, recent):
        case_create(survey=survey, new=NewCase(reference="A1", name="Ann", email="ann@example.org"))
    assert contact_details_delete(now=now) == 1
    gone = Case.objects.get(survey=closed)
    assert (gone.name, gone.email, gone.has_contact_details) == ("", "", False)
    assert gone.contact_deleted_at == now
    assert Case.objects.get(survey=recent).email == "ann@example.org"


def test_rates_come_from_one_group_by_per_breakdown(survey: Survey, interviewer) -> None:
    survey.sample_variables = ["region"]
    survey.save()
    made = list(
        cases_create(
            survey=survey,
            cases=[
                NewCase(reference=f"R{n}", variables={"region": "North" if n % 2 else "South"})
                for n in range(4)
            ],
        )
    )
    case = Case.objects.get(reference=made[0].reference)
    attempt_record(
        case=case, interviewer=interviewer, mode="telephone", outcome=AttemptOutcome.REFUSAL
    )
    withdrawn = Case.objects.get(reference=made[3].reference)
    case_withdraw(case=withdrawn)
    assert outcome_counts(survey=survey) == {"": {Outcome.REFUSAL: 1, Outcome.NO_RETURN: 2}}
    assert outcome_counts(survey=survey, by="region") == {
        "South": {Outcome.REFUSAL: 1, Outcome.NO_RETURN: 1},
        "North": {Outcome.NO_RETURN: 1},
    }
    rows = survey_rates(survey=survey)
    assert (rows[0].breakdown, rows[0].group) == ("overall", "")
    assert ("region", "North") in [(row.breakdown, row.group) for row in rows]
    assert rows[0].rates.percentage("REF1") == 33.3


def test_the_interviewers_are_the_active_members_of_the_role_and_superusers(make_staff) -> None:
    """One selector says who may be given cases, as `surveys.access` counts roles: a
    superuser holds every role."""
    from surveys.access import ANALYST, INTERVIEWER
    from surveys.fieldwork.staff import interviewers

    make_staff("ivy", INTERVIEWER)
    make_staff("root", is_superuser=True)
    make_staff("ann", ANALYST)
    make_staff("gone", INTERVIEWER, is_active=False)

    assert [user.username for user in interviewers()] == ["ivy", "root"]
