"""The interviewer's caseload: lists, calls and visits, starting, stopping and resuming
interviews on a case, and the case's history and outcome (docs/spec/fieldwork.md)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from seb.caseload import CaseList, is_done
from seb.fieldwork import AttemptOutcome, Outcome
from seb.standard import Mode
from surveys.fieldwork.attempts import attempt_record
from surveys.fieldwork.cases import case_close
from surveys.interviewing.selectors import case_facts, caseload
from surveys.interviewing.services import interview_start, interview_stop
from surveys.models import Attempt, Case, Response, Survey
from surveys.responses.lifecycle import answer_record, response_submit
from tests.conftest import STAFF_PASSWORD

from .conftest import signed_in
from .html import parse

pytestmark = pytest.mark.django_db

QUESTION_URL = re.compile(r"/interview/cases/(?P<case>[0-9a-f-]+)/questions/(?P<key>\w+)/")
OUTSIDE_UK = {
    "school_type": "outside_uk",
    "earner_employment_status": "not_working",
    "parental_qualification": "degree",
}
EMPLOYEE = {
    "school_type": "state",
    "free_school_meals": "no",
    "earner_employment_status": "employee",
    "employer_size": "25_or_more",
    "supervisor": "yes",
    "earner_occupation": "manager",
    "parental_qualification": "below_degree",
}


def case_url(case: Case, action: str = "") -> str:
    return f"/interview/caseload/{case.pk}/{action}"


def record(client: Client, case: Case, **data: str) -> Any:
    return client.post(case_url(case, "call/"), data)


def appointment(at: datetime) -> dict[str, str]:
    local = timezone.localtime(at)
    return {
        "outcome": AttemptOutcome.APPOINTMENT.value,
        "appointment_day": str(local.day),
        "appointment_month": str(local.month),
        "appointment_year": str(local.year),
        "appointment_time": f"{local:%H:%M}",
    }


def answer(client: Client, url: str, answers: dict[str, str]) -> str:
    """Answer each question the pages ask until one is not in `answers`; where it stopped."""
    while (match := QUESTION_URL.fullmatch(url)) is not None and match["key"] in answers:
        response = client.post(url, {"answer": answers[match["key"]]})
        assert response.status_code == 302, response.content.decode()[:2000]
        url = response["Location"]
    return url


def listed(client: Client, query: str = "") -> list[str]:
    page = parse(client.get(f"/interview/{query}").content)
    return [
        row.find("th").find("a").text.removeprefix("Case ")
        for row in page.find_all("tr", **{"data-case-row": ""})
    ]


def refresh(case: Case) -> Case:
    case.refresh_from_db()
    return case


# The caseload --------------------------------------------------------------------


def test_the_caseload_lists_the_interviewers_cases_to_do_with_appointments_due_soonest_first(
    interviewer_client: Client,
    interviewer: User,
    other_interviewer: User,
    survey: Survey,
    sample_case: Callable[..., Case],
) -> None:
    now = timezone.now()
    untouched = sample_case(survey, "A-UNTOUCHED")
    later = sample_case(survey, "B-LATER")
    sooner = sample_case(survey, "C-SOONER")
    tried = sample_case(survey, "D-TRIED")
    sample_case(survey, "E-THEIRS", interviewer_id=other_interviewer.pk)
    for case, hours in ((later, 30), (sooner, 2)):
        attempt_record(
            case=case,
            interviewer=interviewer,
            mode=Mode.TELEPHONE,
            outcome=AttemptOutcome.APPOINTMENT,
            appointment_at=now + timedelta(hours=hours),
        )
    attempt_record(
        case=tried, interviewer=interviewer, mode=Mode.TELEPHONE, outcome=AttemptOutcome.NO_ANSWER
    )
    assert listed(interviewer_client) == ["C-SOONER", "B-LATER", "A-UNTOUCHED", "D-TRIED"]
    page = interviewer_client.get("/interview/").content.decode()
    for column in ("Status", "Outcome", "Calls and visits", "Next appointment", "Last activity"):
        assert column in page
    assert "3.10" in page and "2.20" in page and untouched.reference in page


def test_appointments_today_lists_only_todays_appointments(
    interviewer_client: Client,
    interviewer: User,
    survey: Survey,
    sample_case: Callable[..., Case],
) -> None:
    now = timezone.localtime()
    end_of_today = now.replace(hour=23, minute=59, second=0, microsecond=0)
    for reference, at in (("TODAY", end_of_today), ("TOMORROW", end_of_today + timedelta(hours=1))):
        attempt_record(
            case=sample_case(survey, reference),
            interviewer=interviewer,
            mode=Mode.TELEPHONE,
            outcome=AttemptOutcome.APPOINTMENT,
            appointment_at=at,
        )
    sample_case(survey, "NONE")
    assert listed(interviewer_client, "?show=today") == ["TODAY"]


def test_done_lists_complete_and_closed_cases_and_to_do_the_rest(
    interviewer_client: Client,
    interviewer: User,
    survey: Survey,
    sample_case: Callable[..., Case],
) -> None:
    complete = sample_case(survey, "COMPLETE")
    response = interview_start(case=complete, mode=Mode.TELEPHONE, interviewer=interviewer)
    for key, code in OUTSIDE_UK.items():
        answer_record(response_id=response.pk, question_key=key, code=code)
    response.refresh_from_db()
    response_submit(response_id=response.pk, revision=response.revision)
    case_close(case=sample_case(survey, "CLOSED"))
    sample_case(survey, "OPEN")
    # Done: the latest activity first (a case closed with no call or visit has none).
    assert listed(interviewer_client, "?show=done") == ["COMPLETE", "CLOSED"]
    assert listed(interviewer_client, "?show=to-do") == ["OPEN"]
    assert listed(interviewer_client, "?show=nonsense") == ["OPEN"]


def test_the_lists_filters_agree_with_the_rule_that_says_when_a_case_is_done(
    interviewer: User,
    survey: Survey,
    make_survey: Callable[..., Survey],
    sample_case: Callable[..., Case],
) -> None:
    """The database filter and seb.caseload.is_done say the same of every kind of case."""
    ended = make_survey("ended", closes_at=timezone.now() + timedelta(minutes=5))
    sample_case(survey, "OPEN")
    case_close(case=sample_case(survey, "CLOSED"))
    refused = sample_case(survey, "REFUSED")
    attempt_record(
        case=refused, interviewer=interviewer, mode=Mode.TELEPHONE, outcome=AttemptOutcome.REFUSAL
    )
    Case.objects.filter(pk=sample_case(survey, "WITHDRAWN").pk).update(withdrawn_at=timezone.now())
    Case.objects.filter(pk=sample_case(survey, "DONE").pk).update(outcome=Outcome.COMPLETE.value)
    sample_case(ended, "SURVEY-ENDED")
    later = timezone.now() + timedelta(minutes=10)
    cases = Case.objects.select_related("survey")
    done = {case.reference for case in caseload(cases, show=CaseList.DONE, now=later)}
    to_do = {case.reference for case in caseload(cases, show=CaseList.TO_DO, now=later)}
    for case in cases:
        assert (case.reference in done) is is_done(case_facts(case, later)), case.reference
        assert (case.reference in to_do) is not is_done(case_facts(case, later)), case.reference
    assert done == {"CLOSED", "WITHDRAWN", "DONE", "SURVEY-ENDED"}


def test_a_search_by_reference_looks_through_every_list(
    interviewer_client: Client, survey: Survey, sample_case: Callable[..., Case]
) -> None:
    sample_case(survey, "NORTH-17")
    case_close(case=sample_case(survey, "NORTH-18"))
    sample_case(survey, "SOUTH-1")
    assert sorted(listed(interviewer_client, "?q=north")) == ["NORTH-17", "NORTH-18"]
    assert listed(interviewer_client, "?q=nowhere") == []
    page = interviewer_client.get("/interview/?q=nowhere").content.decode()
    assert "None of your cases has a reference with “nowhere” in it." in page


def test_the_caseload_lists_its_keyboard_shortcuts_from_the_keys_it_binds(
    interviewer_client: Client, survey: Survey
) -> None:
    page = parse(interviewer_client.get("/interview/").content)
    bound = {
        element.attrs["data-shortcut"]
        for element in page.iter()
        if "data-shortcut" in element.attrs
    }
    listed_keys = {kbd.text for kbd in page.find("section", "app-shortcuts").find_all("kbd")}
    assert bound == listed_keys == {"/", "t", "a", "d", "n"}


# Calls and visits -----------------------------------------------------------------


def test_a_no_answer_and_an_appointment_are_recorded_with_a_note_and_the_outcome_follows(
    interviewer_client: Client, interviewer: User, survey: Survey, sample_case: Callable[..., Case]
) -> None:
    case = sample_case(survey)
    response = record(
        interviewer_client, case, outcome="no_answer", mode="telephone", note="  Rang   twice "
    )
    assert response["Location"] == case_url(case)
    assert refresh(case).outcome == Outcome.NON_CONTACT.value
    tuesday = (timezone.localtime() + timedelta(days=2)).replace(
        hour=18, minute=30, second=0, microsecond=0
    )
    record(interviewer_client, case, mode="face_to_face", **appointment(tuesday))
    case = refresh(case)
    assert (case.outcome, case.attempt_count, case.next_appointment_at) == (
        Outcome.NEVER_AVAILABLE.value,
        2,
        tuesday,
    )
    attempts = list(Attempt.objects.filter(case=case).order_by("at"))
    assert [(a.outcome, a.mode, a.note, a.interviewer) for a in attempts] == [
        ("no_answer", "telephone", "Rang twice", interviewer),
        ("appointment", "face_to_face", "", interviewer),
    ]
    page = interviewer_client.get(case_url(case)).content.decode()
    assert "Appointment made" in page and "Rang twice" in page
    assert f"{tuesday:%A %-d %B %Y, %H:%M}" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select what came of the call or visit"),
        ({"outcome": "interview_started"}, "Select what came of the call or visit"),
        ({"outcome": "no_answer", "mode": "online"}, "Select whether it was a call or a visit"),
        ({"outcome": "appointment"}, "Enter the date of the appointment"),
        (
            {"outcome": "appointment", "appointment_day": "3", "appointment_year": "2030"},
            "The date of the appointment must include a month",
        ),
        (
            {
                "outcome": "appointment",
                "appointment_day": "31",
                "appointment_month": "2",
                "appointment_year": "2030",
                "appointment_time": "10:00",
            },
            "The date of the appointment must be a real date",
        ),
        (
            {
                "outcome": "appointment",
                "appointment_day": "1",
                "appointment_month": "2",
                "appointment_year": "2030",
            },
            "Enter the time of the appointment, like 14:30 or 2:30pm",
        ),
        (
            {
                "outcome": "appointment",
                "appointment_day": "1",
                "appointment_month": "2",
                "appointment_year": "2030",
                "appointment_time": "25:00",
            },
            "Enter the time of the appointment like 14:30 or 2:30pm",
        ),
        (
            {
                "outcome": "appointment",
                "appointment_day": "1",
                "appointment_month": "2",
                "appointment_year": "2020",
                "appointment_time": "10:00",
            },
            "The appointment must be in the future",
        ),
        ({"outcome": "no_answer", "note": "x" * 501}, "The note must be 500 characters or fewer"),
    ],
    ids=[
        "nothing",
        "interview-started-by-hand",
        "not-an-interview-mode",
        "no-date",
        "no-month",
        "not-a-date",
        "no-time",
        "not-a-time",
        "in-the-past",
        "long-note",
    ],
)
def test_a_bad_call_or_visit_is_refused_with_a_message_and_records_nothing(
    interviewer_client: Client,
    survey: Survey,
    sample_case: Callable[..., Case],
    data: dict[str, str],
    message: str,
) -> None:
    case = sample_case(survey)
    response = record(interviewer_client, case, **{"mode": "telephone", **data})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not Attempt.objects.exists()
    assert refresh(case).attempt_count == 0


def test_an_appointment_after_the_survey_closes_is_refused(
    interviewer_client: Client, make_survey: Callable[..., Survey], sample_case: Callable[..., Case]
) -> None:
    closes = timezone.now() + timedelta(days=1)
    case = sample_case(make_survey("closing", closes_at=closes))
    response = record(
        interviewer_client, case, mode="telephone", **appointment(closes + timedelta(days=1))
    )
    assert response.status_code == 400
    assert "make the appointment before then" in response.content.decode()
    assert not Attempt.objects.exists()


@pytest.mark.parametrize("typed", ["14:30", "14.30", "2:30pm", "2.30 p.m.", "2:30 PM"])
def test_appointment_times_are_read_as_people_type_them(
    interviewer_client: Client, survey: Survey, sample_case: Callable[..., Case], typed: str
) -> None:
    case = sample_case(survey)
    day = timezone.localdate() + timedelta(days=3)
    record(
        interviewer_client,
        case,
        mode="telephone",
        outcome="appointment",
        appointment_day=str(day.day),
        appointment_month=str(day.month),
        appointment_year=str(day.year),
        appointment_time=typed,
    )
    at = timezone.localtime(refresh(case).next_appointment_at)
    assert (at.date(), at.hour, at.minute) == (day, 14, 30)


@pytest.mark.parametrize("outcome", ["refusal", "not_eligible"])
def test_a_refusal_or_not_eligible_closes_the_case_and_a_supervisor_reopens_it(
    interviewer_client: Client,
    supervisor_client: Client,
    survey: Survey,
    sample_case: Callable[..., Case],
    outcome: str,
) -> None:
    case = sample_case(survey)
    record(interviewer_client, case, outcome=outcome, mode="telephone")
    case = refresh(case)
    expected = Outcome.REFUSAL if outcome == "refusal" else Outcome.NOT_ELIGIBLE
    assert case.outcome == expected.value and case.closed_at is not None
    assert listed(interviewer_client, "?show=done") == [case.reference]
    # No more calls or visits, and no interview, until it is reopened.
    assert (
        record(interviewer_client, case, outcome="no_answer", mode="telephone").status_code == 409
    )
    assert (
        interviewer_client.post(case_url(case, "start/"), {"mode": "telephone"}).status_code == 409
    )
    assert interviewer_client.post(f"/supervise/cases/{case.pk}/reopen/").status_code == 403
    assert supervisor_client.post(f"/supervise/cases/{case.pk}/reopen/")["Location"] == case_url(
        case
    )
    assert refresh(case).closed_at is None
    assert listed(interviewer_client) == [case.reference]


def test_an_interviewer_can_close_a_case_with_no_more_calls_or_visits(
    interviewer_client: Client, survey: Survey, sample_case: Callable[..., Case]
) -> None:
    case = sample_case(survey)
    record(interviewer_client, case, outcome="no_answer", mode="telephone")
    interviewer_client.post(case_url(case, "close/"))
    case = refresh(case)
    assert case.closed_at is not None and case.outcome == Outcome.NON_CONTACT.value
    assert listed(interviewer_client) == []


# Interviews on a case ----------------------------------------------------------------


def test_starting_an_interview_from_a_case_records_the_attempt_and_links_the_response(
    interviewer_client: Client, interviewer: User, survey: Survey, sample_case: Callable[..., Case]
) -> None:
    case = sample_case(survey, preferred_mode="face_to_face")
    response = interviewer_client.post(case_url(case, "start/"), {"mode": "face_to_face"})
    interview = Response.objects.get()
    assert response["Location"] == f"/interview/cases/{interview.pk}/questions/school_type/"
    assert (interview.case, interview.reference, interview.interviewer, interview.mode) == (
        case,
        case.reference,
        interviewer,
        Mode.FACE_TO_FACE,
    )
    (attempt,) = Attempt.objects.filter(case=case)
    assert (attempt.outcome, attempt.response, attempt.interviewer) == (
        "interview_started",
        interview,
        interviewer,
    )
    case = refresh(case)
    assert (case.outcome, case.in_progress, case.attempt_count) == (
        Outcome.BREAK_OFF.value,
        True,
        1,
    )


def test_starting_twice_makes_one_interview(
    interviewer_client: Client, survey: Survey, sample_case: Callable[..., Case]
) -> None:
    case = sample_case(survey)
    first = interviewer_client.post(case_url(case, "start/"), {"mode": "telephone"})
    again = interviewer_client.post(case_url(case, "start/"), {"mode": "telephone"})
    interview = Response.objects.get()
    assert first.status_code == again.status_code == 302
    assert again["Location"] == f"/interview/cases/{interview.pk}/"
    assert Attempt.objects.count() == 1


def test_a_stopped_interview_resumes_at_the_first_unanswered_question_with_every_answer_kept(
    interviewer_client: Client, interviewer: User, survey: Survey, sample_case: Callable[..., Case]
) -> None:
    case = sample_case(survey)
    url = interviewer_client.post(case_url(case, "start/"), {"mode": "telephone"})["Location"]
    answer(interviewer_client, url, {"school_type": "state", "free_school_meals": "no"})
    interview = Response.objects.get()
    interviewer_client.post(f"/interview/cases/{interview.pk}/stop/", {"reason": "broke_off"})
    assert refresh(case).outcome == Outcome.BREAK_OFF.value
    page = interviewer_client.get(case_url(case)).content.decode()
    assert "Resume the interview" in page and "Employee, self-employed or not working" in page
    resumed = interviewer_client.post(case_url(case, "resume/"))
    assert resumed["Location"] == f"/interview/cases/{interview.pk}/"
    carried_on = interviewer_client.get(resumed["Location"])
    assert carried_on["Location"] == (
        f"/interview/cases/{interview.pk}/questions/earner_employment_status/"
    )
    interview.refresh_from_db()
    assert interview.status == Response.Status.IN_PROGRESS
    assert interview.answers == {"school_type": "state", "free_school_meals": "no"}
    assert Attempt.objects.filter(case=case, outcome="interview_started").count() == 2


def test_resuming_follows_the_route_as_it_stands(
    interviewer_client: Client, interviewer: User, survey: Survey, sample_case: Callable[..., Case]
) -> None:
    """The first unanswered question is found on the route the stored answers make now."""
    case = sample_case(survey)
    interview = interview_start(case=case, mode=Mode.TELEPHONE, interviewer=interviewer)
    for key, code in {"school_type": "independent", "earner_employment_status": "employee"}.items():
        answer_record(response_id=interview.pk, question_key=key, code=code)
    interview_stop(response_id=interview.pk, reason="broke_off")
    interviewer_client.post(case_url(case, "resume/"))
    carried_on = interviewer_client.get(f"/interview/cases/{interview.pk}/")
    assert carried_on["Location"].endswith("/questions/employer_size/")


def test_carrying_on_the_same_day_with_an_interview_in_progress_is_the_same_call(
    interviewer_client: Client, interviewer: User, survey: Survey, sample_case: Callable[..., Case]
) -> None:
    case = sample_case(survey)
    interview_start(case=case, mode=Mode.TELEPHONE, interviewer=interviewer)
    interviewer_client.post(case_url(case, "resume/"))
    assert Attempt.objects.count() == 1


def test_a_complete_case_cannot_be_interviewed_again(
    interviewer_client: Client, interviewer: User, survey: Survey, sample_case: Callable[..., Case]
) -> None:
    case = sample_case(survey, "DONE-1")
    interview = interview_start(case=case, mode=Mode.TELEPHONE, interviewer=interviewer)
    for key, code in OUTSIDE_UK.items():
        answer_record(response_id=interview.pk, question_key=key, code=code)
    interview.refresh_from_db()
    response_submit(response_id=interview.pk, revision=interview.revision)
    page = interviewer_client.get(case_url(case)).content.decode()
    assert "cannot be interviewed again" in page and "Start the interview" not in page
    refused = interviewer_client.post(case_url(case, "start/"), {"mode": "telephone"})
    assert refused.status_code == 409
    assert "Case DONE-1 is complete: it cannot be interviewed again." in refused.content.decode()
    assert interviewer_client.post(case_url(case, "resume/")).status_code == 409
    ad_hoc = interviewer_client.post(
        f"/interview/start/{survey.slug}/",
        {"mode": "telephone", "reference": "DONE-1", "create": "yes"},
    )
    assert ad_hoc.status_code == 400
    assert "Case DONE-1 is complete: it cannot be interviewed again." in ad_hoc.content.decode()
    assert Response.objects.count() == 1
    assert (
        record(interviewer_client, case, outcome="no_answer", mode="telephone").status_code == 409
    )


# Ad hoc references -----------------------------------------------------------------


def test_a_new_reference_makes_a_case_assigned_to_the_interviewer(
    interviewer_client: Client, interviewer: User, survey: Survey
) -> None:
    interviewer_client.post(
        f"/interview/start/{survey.slug}/",
        {"mode": "face_to_face", "reference": "NEW-7", "create": "yes"},
    )
    case = Case.objects.get(reference="NEW-7")
    assert (case.interviewer, case.preferred_mode, case.survey) == (
        interviewer,
        "face_to_face",
        survey,
    )
    assert Response.objects.get().case == case
    assert Attempt.objects.get().outcome == "interview_started"
    assert listed(interviewer_client) == ["NEW-7"]


def test_a_reference_of_an_unassigned_sample_case_gives_it_to_the_interviewer(
    interviewer_client: Client, interviewer: User, survey: Survey, sample_case: Callable[..., Case]
) -> None:
    case = sample_case(survey, "SAMPLED-1", interviewer_id=None)
    interviewer_client.post(
        f"/interview/start/{survey.slug}/",
        {"mode": "telephone", "reference": "SAMPLED-1", "create": "yes"},
    )
    assert refresh(case).interviewer == interviewer
    assert Response.objects.get().case == case
    assert Case.objects.count() == 1


def test_a_reference_of_another_interviewers_case_is_refused_and_changes_nothing(
    interviewer_client: Client,
    other_interviewer: User,
    survey: Survey,
    sample_case: Callable[..., Case],
) -> None:
    case = sample_case(survey, "THEIRS-1", interviewer_id=other_interviewer.pk)
    response = interviewer_client.post(
        f"/interview/start/{survey.slug}/",
        {"mode": "telephone", "reference": "THEIRS-1", "create": "yes"},
    )
    assert response.status_code == 400
    assert "No case THEIRS-1 of this survey is assigned to you" in response.content.decode()
    assert refresh(case).interviewer == other_interviewer
    assert not Response.objects.exists() and not Attempt.objects.exists()


# Who may see and do what ----------------------------------------------------------


def case_requests(case: Case) -> list[tuple[str, str, dict[str, str]]]:
    return [
        ("get", case_url(case), {}),
        ("get", case_url(case, "call/"), {}),
        ("post", case_url(case, "call/"), {"outcome": "refusal", "mode": "telephone"}),
        ("post", case_url(case, "start/"), {"mode": "telephone"}),
        ("post", case_url(case, "resume/"), {}),
        ("post", case_url(case, "close/"), {}),
    ]


def test_another_interviewers_case_is_not_found_and_nothing_changes(
    other_interviewer: User, survey: Survey, sample_case: Callable[..., Case]
) -> None:
    case = sample_case(survey, "PRIVATE-1")
    client = signed_in(other_interviewer)
    for method, url, data in case_requests(case):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, url
        assert "PRIVATE-1" not in response.content.decode()
    assert not Attempt.objects.exists() and not Response.objects.exists()
    assert refresh(case).closed_at is None


def test_staff_without_an_interviewer_or_supervisor_role_get_403_and_the_signed_out_sign_in(
    make_staff: Callable[..., User],
    client: Client,
    survey: Survey,
    sample_case: Callable[..., Case],
) -> None:
    case = sample_case(survey)
    analyst = signed_in(make_staff("analyst-only", "analyst"))
    for method, url, data in case_requests(case):
        assert getattr(analyst, method)(url, data).status_code == 403, url
        signed_out = getattr(client, method)(url, data)
        assert signed_out["Location"].startswith("/staff/login/?next="), url
    assert not Attempt.objects.exists()


def test_a_supervisor_can_resume_an_interview_another_interviewer_stopped(
    supervisor_client: Client,
    supervisor: User,
    interviewer: User,
    survey: Survey,
    sample_case: Callable[..., Case],
) -> None:
    case = sample_case(survey)
    interview = interview_start(case=case, mode=Mode.TELEPHONE, interviewer=interviewer)
    answer_record(response_id=interview.pk, question_key="school_type", code="state")
    interview_stop(response_id=interview.pk, reason="broke_off")
    supervisor_client.post(case_url(case, "resume/"))
    question = supervisor_client.get(
        f"/interview/cases/{interview.pk}/questions/free_school_meals/"
    )
    assert question.status_code == 200
    latest = Attempt.objects.filter(case=case).order_by("-at").first()
    assert latest is not None and latest.interviewer == supervisor


def test_a_reassigned_case_and_its_interview_move_to_the_new_interviewer(
    interviewer_client: Client,
    interviewer: User,
    other_interviewer: User,
    supervisor_client: Client,
    survey: Survey,
    sample_case: Callable[..., Case],
) -> None:
    case = sample_case(survey, "MOVING-1")
    interview = interview_start(case=case, mode=Mode.TELEPHONE, interviewer=interviewer)
    supervisor_client.post(
        f"/supervise/cases/{case.pk}/assign/", {"interviewer": other_interviewer.pk}
    )
    assert refresh(case).interviewer == other_interviewer
    assert interviewer_client.get(f"/interview/cases/{interview.pk}/").status_code == 404
    assert "MOVING-1" not in listed(interviewer_client)
    other = signed_in(other_interviewer)
    assert listed(other) == ["MOVING-1"]
    assert other.get(f"/interview/cases/{interview.pk}/").status_code == 302


# As a new interviewer would ----------------------------------------------------------


def test_a_new_interviewers_fieldwork_from_sign_in_to_a_complete_case_and_its_supervisor(
    client: Client,
    make_staff: Callable[..., User],
    survey: Survey,
    sample_case: Callable[..., Case],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Sign in, see the assigned cases, record a no-answer and an appointment, start an
    interview, break off, resume it the next day from the case, complete it; the case
    shows its whole history and outcome 1.1; the supervisor sees it in the
    interviewer's progress, reassigns another case, and the rates are the ones worked
    out by hand below."""
    ann = make_staff("ann", "interviewer", first_name="Ann", last_name="Field")
    bob = make_staff("bob", "interviewer", first_name="Bob", last_name="Caller")
    sue = make_staff("sue", "supervisor")
    main = sample_case(survey, "HH-1", interviewer_id=ann.pk, phone="01632 960001")
    spare = sample_case(survey, "HH-2", interviewer_id=ann.pk)
    refused = sample_case(survey, "HH-3", interviewer_id=ann.pk)
    unreached = sample_case(survey, "HH-4", interviewer_id=ann.pk)

    signed_in_at = client.post("/staff/login/", {"username": "ann", "password": STAFF_PASSWORD})
    assert client.get(signed_in_at["Location"], follow=True).redirect_chain[-1][0] == "/interview/"
    assert sorted(listed(client)) == ["HH-1", "HH-2", "HH-3", "HH-4"]

    record(client, main, outcome="no_answer", mode="telephone", note="No reply at 10am")
    tomorrow = timezone.localtime() + timedelta(days=1)
    record(client, main, mode="telephone", **appointment(tomorrow.replace(second=0, microsecond=0)))
    record(client, refused, outcome="refusal", mode="telephone", note="Not interested")
    record(client, unreached, outcome="no_answer", mode="telephone")

    url = client.post(case_url(main, "start/"), {"mode": "telephone"})["Location"]
    stopped_at = answer(client, url, {"school_type": "state", "free_school_meals": "yes"})
    assert stopped_at.endswith("/questions/earner_employment_status/")
    interview = Response.objects.get(case=main)
    client.post(f"/interview/cases/{interview.pk}/stop/", {"reason": "broke_off"})

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=1))
    resumed = client.post(case_url(main, "resume/"))
    url = client.get(resumed["Location"])["Location"]
    assert url.endswith("/questions/earner_employment_status/")
    check = answer(client, url, EMPLOYEE)
    assert check == f"/interview/cases/{interview.pk}/check-answers/"
    interview.refresh_from_db()
    client.post(check, {"revision": interview.revision})
    interview.refresh_from_db()
    assert interview.status == Response.Status.COMPLETE
    assert interview.answers == {**EMPLOYEE, "free_school_meals": "yes"}

    page = parse(client.get(case_url(main)).content)
    assert page.find("dd", **{"data-outcome": "1.1"}).text.startswith("1.1 Complete")
    history = [row.find("th").text for row in page.find_all("tr", **{"data-history": ""})]
    assert history == [
        "Interview complete",
        "Interview resumed",
        "Interview stopped",
        "Interview started",
        AttemptOutcome.APPOINTMENT.label,
        AttemptOutcome.NO_ANSWER.label,
    ]
    assert "No reply at 10am" in page.text and "Broke off" in page.text

    supervisor = signed_in(sue)
    moved = supervisor.post(
        f"/supervise/{survey.slug}/cases/?interviewer={ann.pk}",
        {"cases": [spare.pk], "interviewer": bob.pk},
    )
    assert moved.status_code == 302
    assert refresh(spare).interviewer == bob
    assert "HH-2" not in listed(client)

    sue.user_permissions.add(unrounded_permission())
    supervisor = signed_in(sue)
    progress = parse(supervisor.get(f"/supervise/{survey.slug}/").content)
    # Ann: HH-1 complete (I), HH-3 refused (R), HH-4 not reached (NC): three cases.
    # RR1 = RR2 = 1/3; e = 3/3, so RR3 = RR4 = 1/3; COOP1 = 1/(1 + 1) = 50%;
    # REF1 = 1/3; CON1 = 2/3. Bob: HH-2, never tried (U): every rate 0 or none.
    assert row_cells(progress, "outcomes", "Ann Field") == {
        "cases": "3",
        "I": "1",
        "P": "0",
        "R": "1",
        "NC": "1",
        "O": "0",
        "U": "0",
        "NE": "0",
    }
    assert row_cells(progress, "rates", "Ann Field") == {
        "RR1": "33.3",
        "RR2": "33.3",
        "RR3": "33.3",
        "RR4": "33.3",
        "COOP1": "50.0",
        "REF1": "33.3",
        "CON1": "66.7",
    }
    assert row_cells(progress, "rates", "Bob Caller") == {
        "RR1": "0.0",
        "RR2": "0.0",
        "RR3": "[x]",
        "RR4": "[x]",
        "COOP1": "[x]",
        "REF1": "0.0",
        "CON1": "0.0",
    }
    # All four: I=1, R=1, NC=1, U=1; e = 1, so RR3 = 1/(3 + 1).
    assert row_cells(progress, "rates", "All cases") == {
        "RR1": "25.0", "RR2": "25.0", "RR3": "25.0", "RR4": "25.0",
        "COOP1": "50.0", "REF1": "25.0", "CON1": "50.0",
    }  # fmt: skip


def unrounded_permission() -> Any:
    from django.contrib.auth.models import Permission

    return Permission.objects.get(codename="view_unrounded")


def row_cells(page: Any, table: str, label: str) -> dict[str, str]:
    found = page.find("table", **{"data-table": table})
    for row in found.find_all("tr"):
        if row.attrs.get("data-row") == label:
            return {cell.attrs["data-column"]: cell.text for cell in row.find_all("td")}
    raise AssertionError(f"no row {label} in {table}")
